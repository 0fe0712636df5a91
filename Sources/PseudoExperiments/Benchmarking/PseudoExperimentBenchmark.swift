import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Timings of whole pseudo-experiments (draw, shuffle, gather, transform, seal) for
/// `bench benchmark` (suite `sets`); run it from a release build.
///
/// Two pools of the built-in simulator are generated in memory and prepared block by block (so
/// the pool's raw table never exists whole): a small one of 1 M rows (the simulator's default
/// process split) and the `fair-universe-2024` evaluation pool (`pools.evaluation`, ~54 M rows,
/// ~51 pseudo-experiments' worth). Pseudo-experiments of `fair-universe-2024` (~1.05 M events
/// each) are then generated on the calling thread; the figures are medians of CPU time.
/// Targets: <= 50 ms per pseudo-experiment on one core; within 2x from the 1 M-row to the large
/// pool; peak resident memory <= 2x the large pool's raw column bytes plus one pseudo-experiment
/// per worker. Also measured: pseudo-experiments per second on all cores.
///
/// JSON keys of the targets: `pseudo_experiment_ms_one_core` (1 M-row pool),
/// `pseudo_experiment_ms_one_core_large_pool`, `large_pool_rows`, `peak_rss_bytes`.
/// `FAIR_UQ_BENCH_LARGE_POOL_ROWS=N` replaces the large pool by N rows of the default split, for
/// quick runs on small machines (the large pool needs ~5 GB).
public struct PseudoExperimentBenchmark: BenchmarkSuite {
    public let name = "sets"
    /// Rows of the small pool.
    public var smallPoolRows: Int
    /// Rows of the large pool, or nil for the challenge's evaluation pool.
    public var largePoolRows: Int?
    /// Timed pseudo-experiments per pool (after one untimed warm-up).
    public var pseudoExperiments: Int
    /// Root seed of the draws (the pools use their own simulator seeds).
    public var seed: UInt64

    public init(smallPoolRows: Int = 1_000_000,
                largePoolRows: Int? = ProcessInfo.processInfo.environment["FAIR_UQ_BENCH_LARGE_POOL_ROWS"].flatMap { Int($0) },
                pseudoExperiments: Int = 7, seed: UInt64 = 2024) {
        precondition(smallPoolRows > 0 && (largePoolRows ?? 1) > 0 && pseudoExperiments > 0,
                     "pool rows and pseudo-experiments must be positive")
        self.smallPoolRows = smallPoolRows
        self.largePoolRows = largePoolRows
        self.pseudoExperiments = pseudoExperiments
        self.seed = seed
    }

    /// Runs the measurements.
    public func run() throws -> [BenchmarkFigure] {
        AllocationTuning.reuseLargeBlocks()
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let small = try SimulationPlan(seed: SeedDerivation.derive(seed, .simulator, 0), events: smallPoolRows, spec: spec)
        let large = try largePoolRows.map { try SimulationPlan(seed: SeedDerivation.derive(seed, .simulator, 1), events: $0, spec: spec) }
            ?? ChallengePools.plan(try spec.simulatedPools().evaluation, spec: spec)
        var figures: [BenchmarkFigure] = []
        var perPool: [Double] = []
        var viewBytes = 0.0
        for (index, plan) in [small, large].enumerated() {
            let rows = plan.rows.total
            let suffix = index == 0 ? "" : "_large_pool"
            let label = index == 0 ? "\(rows) rows" : "large pool, \(rows) rows"
            let wall = Date()
            let builder = try PreparedPool.Builder(capacity: rows)
            try EventSimulator.generate(plan) { _, block in try builder.append(block.table) }
            let pool = try builder.finish()
            figures.append(.init(key: "pool_prepare_seconds\(suffix)", value: Date().timeIntervalSince(wall), unit: "s",
                                 label: "pool simulated and prepared, \(label), all cores (wall clock)"))
            figures.append(.init(key: "pool_memory_bytes\(suffix)", value: Double(pool.memoryBytes), unit: "B",
                                 label: "  records and sampler"))

            let generator = PseudoExperimentGenerator(spec: spec, pool: pool, seed: seed)
            var workspace = GenerationWorkspace()
            var warm = GenerationTimings()
            _ = try generator.generate(set: 0, pseudoExperiment: 0, workspace: &workspace, timings: &warm)
            // Clean runs give the totals; detailed runs (a lap per stage and tile) the breakdown.
            var runs: [GenerationTimings] = [], detail: [GenerationTimings] = []
            for p in 1...pseudoExperiments {
                var t = GenerationTimings()
                let pe = try generator.generate(set: index, pseudoExperiment: p, workspace: &workspace, timings: &t)
                viewBytes = max(viewBytes, Double(pe.view.storageBytes + pe.provenance.poolRows.count * 5))
                runs.append(t)
                var d = GenerationTimings(detailed: true)
                _ = try generator.generate(set: index, pseudoExperiment: p, workspace: &workspace, timings: &d)
                detail.append(d)
            }
            func median(_ value: (GenerationTimings) -> Double, of list: [GenerationTimings]? = nil) -> Double {
                let sorted = (list ?? runs).map(value).sorted()
                return sorted[sorted.count / 2]
            }
            let total = median(\.total)
            perPool.append(total)
            figures.append(.init(key: "pseudo_experiment_ms_one_core\(suffix)", value: total, unit: "ms",
                                 label: "one pseudo-experiment, one core, \(label) (median)"))
            figures.append(.init(key: "pseudo_experiment_events\(suffix)", value: Double(runs.map(\.events).reduce(0, +)) / Double(runs.count),
                                 unit: "events", label: "  events per pseudo-experiment after the cuts"))
            for (stage, value) in [("draw", median(\.draw)), ("shuffle", median(\.shuffle)),
                                   ("gather", median(\.gather, of: detail)), ("transform", median(\.transform, of: detail)),
                                   ("seal", median(\.seal, of: detail))] {
                figures.append(.init(key: "pseudo_experiment_\(stage)_ms\(suffix)", value: value, unit: "ms",
                                     label: "  \(stage) (from runs timed per stage)"))
            }
            if index == 0 { figures += try allCores(generator) }
            if index == 1 {
                figures.append(.init(key: "large_pool_rows", value: Double(rows), unit: "rows", label: "rows of the large pool"))
                let raw = Double(rows * Self.rawBytesPerRow)
                let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
                figures.append(.init(key: "large_pool_raw_column_bytes", value: raw, unit: "B",
                                     label: "the large pool's raw columns (28 features, weight, process)"))
                figures.append(.init(key: "peak_rss_bound_bytes", value: 2 * raw + cores * viewBytes, unit: "B",
                                     label: "target: 2x raw columns + one pseudo-experiment per core"))
            }
        }
        figures.append(.init(key: "pseudo_experiment_large_over_small", value: perPool[1] / perPool[0], unit: "x",
                             label: "large-pool time / 1 M-row time (target <= 2)"))
        figures.append(.init(key: "peak_rss_bytes", value: Clock.peakResidentBytes(), unit: "B",
                             label: "peak resident memory of the process"))
        return figures
    }

    /// Pseudo-experiments per second with one generator per core, as `bench generate` runs, and
    /// the cores the process kept busy meanwhile (its CPU time over the elapsed time: the number
    /// of cores on an idle machine, less on a shared one).
    private func allCores(_ generator: PseudoExperimentGenerator) throws -> [BenchmarkFigure] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = 4 * cores
        let results = ResultSlots<Int>(count: count)
        let cpuStart = Clock.processCPUSeconds()
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            var workspace = GenerationWorkspace()
            var k = worker
            while k < count {
                do { results.set(k, .success(try generator.generate(set: 9, pseudoExperiment: k, workspace: &workspace).view.count)) } catch {
                    results.set(k, .failure(error))
                }
                k += cores
            }
        }
        _ = try results.values()
        let seconds = Date().timeIntervalSince(start)
        let cpu = Clock.processCPUSeconds() - cpuStart
        return [
            BenchmarkFigure(key: "pseudo_experiments_per_second_all_cores", value: Double(count) / seconds, unit: "PE/s",
                            label: "pseudo-experiments per second, one generator per core (\(cores)), elapsed time"),
            BenchmarkFigure(key: "pseudo_experiments_all_cores_busy_cores", value: cpu / seconds, unit: "cores",
                            label: "  cores kept busy meanwhile (process CPU time / elapsed time)"),
        ]
    }

    /// Bytes per row of a pool's raw columns: 28 Float32 features, a Float32 weight, a process byte.
    static let rawBytesPerRow = Feature.allCases.count * 4 + 4 + 1
}
