import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Timings of whole pseudo-experiments (draw, shuffle, gather, transform, seal) for the
/// `bench benchmark` command; run it from a release build.
///
/// For a small and a large pool it builds a ``PreparedPool`` (block by block, so the pool's raw
/// table never exists whole), then generates pseudo-experiments of the `fair-universe-2024`
/// challenge (~1.05 M events each) on the calling thread and reports the median CPU time per
/// pseudo-experiment and per stage. Targets: <= 50 ms per pseudo-experiment on one core; within
/// 2x from a 1 M-row to a >= 50 M-row pool; peak resident memory <= 2x the pool's raw column
/// bytes plus one pseudo-experiment per worker. Also measured: pseudo-experiments per second on
/// all cores (materializing a set).
///
/// JSON keys of the targets: `pseudo_experiment_ms_one_core` (1 M-row pool),
/// `pseudo_experiment_ms_one_core_large_pool`, `large_pool_rows`, `peak_rss_bytes`.
public struct PseudoExperimentBenchmark: Sendable {
    public let name = "sets"
    /// Rows of the small pool.
    public var smallPoolRows: Int
    /// Rows of the large pool.
    public var largePoolRows: Int
    /// Timed pseudo-experiments per pool (after one untimed warm-up).
    public var pseudoExperiments: Int
    /// Root seed of the pools and of the draws.
    public var seed: UInt64

    public init(smallPoolRows: Int = 1_000_000, largePoolRows: Int = 50_000_000, pseudoExperiments: Int = 7,
                seed: UInt64 = 2024) {
        precondition(smallPoolRows > 0 && largePoolRows > 0 && pseudoExperiments > 0,
                     "pool rows and pseudo-experiments must be positive")
        self.smallPoolRows = smallPoolRows
        self.largePoolRows = largePoolRows
        self.pseudoExperiments = pseudoExperiments
        self.seed = seed
    }

    /// One measured number: a stable JSON key, its value, unit and a description.
    public typealias Figure = (key: String, value: Double, unit: String, label: String)

    /// Runs the measurements.
    public func run() throws -> [Figure] {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        var figures: [Figure] = []
        var perPool: [Double] = []
        for (index, rows) in [smallPoolRows, largePoolRows].enumerated() {
            let suffix = index == 0 ? "" : "_large_pool"
            let label = index == 0 ? "\(rows) rows" : "large pool, \(rows) rows"
            var clock = Stopwatch()
            let wall = Date()
            let pool = try Self.syntheticPool(rows: rows, spec: spec, seed: SeedDerivation.derive(seed, .simulator, index))
            figures.append(("pool_build_seconds\(suffix)", Date().timeIntervalSince(wall), "s", "pool prepared, \(label) (wall clock)"))
            _ = clock.lap()
            figures.append(("pool_memory_bytes\(suffix)", Double(pool.memoryBytes), "B", "records and sampler, \(label)"))

            let generator = PseudoExperimentGenerator(spec: spec, pool: pool, seed: seed)
            var workspace = GenerationWorkspace()
            var warm = GenerationTimings()
            _ = try generator.generate(set: 0, pseudoExperiment: 0, workspace: &workspace, timings: &warm)
            // Clean runs give the totals; detailed runs (a lap per stage and tile) the breakdown.
            var runs: [GenerationTimings] = [], detail: [GenerationTimings] = []
            for p in 1...pseudoExperiments {
                var t = GenerationTimings()
                _ = try generator.generate(set: index, pseudoExperiment: p, workspace: &workspace, timings: &t)
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
            figures.append(("pseudo_experiment_ms_one_core\(suffix)", total, "ms", "one pseudo-experiment, one core, \(label) (median)"))
            figures.append(("pseudo_experiment_events\(suffix)", Double(runs.map(\.events).reduce(0, +)) / Double(runs.count), "events", "  events per pseudo-experiment after cuts"))
            for (name, value) in [("draw", median(\.draw)), ("shuffle", median(\.shuffle)),
                                  ("gather", median(\.gather, of: detail)), ("transform", median(\.transform, of: detail)),
                                  ("seal", median(\.seal, of: detail))] {
                figures.append(("pseudo_experiment_\(name)_ms\(suffix)", value, "ms", "  \(name)"))
            }
            if index == 1 { figures.append(("large_pool_rows", Double(rows), "rows", "rows of the large pool")) }
            if index == 0 { figures += try allCores(generator) }
        }
        figures.append(("pseudo_experiment_large_over_small", perPool[1] / perPool[0], "x", "large-pool time / small-pool time (target <= 2)"))
        figures.append(("peak_rss_bytes", Self.peakResidentBytes(), "B", "peak resident memory of the process"))
        figures.append(("large_pool_raw_column_bytes", Double(largePoolRows * Self.rawBytesPerRow), "B",
                        "the large pool's raw columns (28 features, weight, process)"))
        return figures
    }

    /// Pseudo-experiments per second with one generator per core, as `bench generate` runs.
    private func allCores(_ generator: PseudoExperimentGenerator) throws -> [Figure] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = 4 * cores
        let failures = ResultSlots<Int>(count: count)
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            var workspace = GenerationWorkspace()
            var k = worker
            while k < count {
                do { failures.set(k, .success(try generator.generate(set: 9, pseudoExperiment: k, workspace: &workspace).view.count)) } catch {
                    failures.set(k, .failure(error))
                }
                k += cores
            }
        }
        _ = try failures.values()
        let seconds = Date().timeIntervalSince(start)
        return [("pseudo_experiments_per_second_all_cores", Double(count) / seconds, "PE/s",
                 "pseudo-experiments per second on \(cores) cores (wall clock)")]
    }

    /// Bytes per row of a pool's raw columns: 28 Float32 features, a Float32 weight, a process byte.
    static let rawBytesPerRow = Feature.allCases.count * 4 + 4 + 1

    /// A seeded pool of `rows` distinct events with the challenge's process mix (rows in
    /// proportion to the yields, processes interleaved) and weights summing to the yields;
    /// built in blocks so that the whole table never exists at once.
    ///
    /// The kinematics are plausible, not physical: they exercise the transform's branches in
    /// realistic proportions (0 to 4 jets, taus and jets near the 26 GeV cuts, MET of tens of GeV).
    static func syntheticPool(rows: Int, spec: ChallengeSpec, seed: UInt64) throws -> PreparedPool {
        let builder = PreparedPool.Builder(capacity: rows)
        let processes = PhysicsProcess.allCases
        let yields = processes.map { spec.yields.expectedEvents[$0] ?? 0 }
        let total = yields.reduce(0, +)
        var cumulative: [Double] = []
        var running = 0.0
        for y in yields { running += y / total; cumulative.append(running) }
        // Rows in proportion to the yields: every row has the same weight.
        let weight = Float(total / Double(rows))
        let block = 1 << 18
        var first = 0
        while first < rows {
            let n = min(block, rows - first)
            var rng = SeedDerivation.generator(seed, .simulator, first / block)
            var table = EventTable(zeroedRows: n)
            for i in 0..<n {
                let u = rng.nextUnitDouble()
                var k = 0
                while k < processes.count - 1 && u >= cumulative[k] { k += 1 }
                table.processCodes[i] = UInt8(k)
                table.weights[i] = weight
                syntheticEvent(&table, i, &rng)
            }
            try builder.append(table)
            first += n
        }
        return try builder.finish()
    }

    private static func syntheticEvent(_ t: inout EventTable, _ i: Int, _ rng: inout SeededGenerator) {
        func r3(_ x: Double) -> Float { roundToThreeDecimals(Float(x)) }
        func exponential(_ mean: Double) -> Double { -mean * log(rng.nextOpenUnitDouble()) }
        func eta(_ width: Double) -> Double { max(-4.5, min(4.5, width * rng.nextGaussian())) }
        func phi() -> Double { rng.nextDouble(in: -Double.pi, Double.pi) }
        func set(_ f: Feature, _ v: Float) { t.columns[f.index][i] = v }
        set(.lepPt, r3(20 + exponential(14))); set(.lepEta, r3(eta(1.1))); set(.lepPhi, r3(phi()))
        set(.hadPt, r3(23 + exponential(16))); set(.hadEta, r3(eta(1.1))); set(.hadPhi, r3(phi()))
        let u = rng.nextUnitDouble()
        let jets = u < 0.45 ? 0 : (u < 0.75 ? 1 : (u < 0.92 ? 2 : (u < 0.98 ? 3 : 4)))
        let pts = (0..<jets).map { _ in Double(r3(22.5 + exponential(25))) }.sorted(by: >)
        let undefined = Feature.undefined
        set(.jetLeadingPt, jets >= 1 ? Float(pts[0]) : undefined)
        set(.jetLeadingEta, jets >= 1 ? r3(eta(2)) : undefined)
        set(.jetLeadingPhi, jets >= 1 ? r3(phi()) : undefined)
        set(.jetSubleadingPt, jets >= 2 ? Float(pts[1]) : undefined)
        set(.jetSubleadingEta, jets >= 2 ? r3(eta(2)) : undefined)
        set(.jetSubleadingPhi, jets >= 2 ? r3(phi()) : undefined)
        set(.nJets, Float(jets))
        set(.jetAllPt, r3(pts.reduce(0, +)))
        set(.met, r3(exponential(25))); set(.metPhi, r3(phi()))
    }

    /// The process's peak resident set size in bytes (getrusage).
    static func peakResidentBytes() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return .nan }
        #if canImport(Darwin)
        return Double(usage.ru_maxrss)          // bytes on Darwin
        #else
        return Double(usage.ru_maxrss) * 1024   // kilobytes on Linux
        #endif
    }
}
