import Foundation

/// Throughput of the systematics transform on a pool too large for the caches.
///
/// The pool is `events` events of the built-in simulator (default split of ``ProcessRows``,
/// seed 2024, generated on all cores), prepared once. Each timed run transforms the whole pool at freshly drawn nuisance
/// values, soft MET on and cuts on, into a reused output buffer. Nuisance values are benchmark
/// settings (`tes`, `jes` uniform in [0.97, 1.03], `soft_met` uniform in [0.5, 3] GeV), not the
/// challenge priors, which live in the challenge spec.
///
/// Rates are events per second of the running thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), the
/// best of `repetitions` runs, so that other load on a shared machine does not distort them; the
/// `_wall` figures use elapsed time instead. Memory traffic counts what the transform must move:
/// ```
/// events/s = events / seconds
/// GB/s     = (events * PreparedEvents.bytesPerRow + survivors * TransformedEvents.bytesPerRow) / seconds / 1e9
/// ```
/// "all cores" runs one transform per core at the same time on the same pool (as pseudo-experiments
/// run in parallel), each with its own output buffer and generator; its rate is the sum of the
/// threads' rates. Also measured: the baseline kernel variant (what runs on a CPU without AVX2),
/// preparing the pool, and gathering a batch of the pool's size (sorted indices with repeats, as
/// a sampler draws them).
public struct TransformBenchmark: BenchmarkSuite {
    public let name = "transform"
    public var events: Int
    public var repetitions: Int
    public var cores: Int

    public init(events: Int = 1_050_000, repetitions: Int = 5, cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(events > 0 && repetitions > 0 && cores > 0,
                     "events, repetitions and cores must be positive, got \(events), \(repetitions), \(cores)")
        self.events = events
        self.repetitions = repetitions
        self.cores = cores
    }

    /// One thread's transform: its buffer, generator and last timings.
    private final class Worker: @unchecked Sendable {
        var out = TransformedEvents()
        var rng: SeededGenerator
        var survivors = 0
        var cpuSeconds = 0.0
        init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

        func run(_ pool: PreparedEvents, variant: TransformKernel.Variant = .automatic) {
            let shift = SystematicShift(tes: rng.nextDouble(in: 0.97, 1.03), jes: rng.nextDouble(in: 0.97, 1.03),
                                        softMet: rng.nextDouble(in: 0.5, 3), applyCuts: true)
            cpuSeconds = Clock.cpuSeconds { pool.apply(shift, noise: &rng, into: &out, prefetching: nil, variant: variant) }
            survivors = out.count
        }
    }

    public func run() throws -> [BenchmarkFigure] {
        let table = try EventSimulator.table(try SimulationPlan.unitYields(seed: 2024, events: events), workers: cores)
        var pool = PreparedEvents()
        let prepareSeconds = Clock.cpuSeconds { pool = PreparedEvents(table) }
        let n = Double(events)
        func gigabytes(events: Double, survivors: Int) -> Double {
            (events * Double(PreparedEvents.bytesPerRow) + Double(survivors) * Double(TransformedEvents.bytesPerRow)) / 1e9
        }

        // One core.
        let single = Worker(seed: 1)
        single.run(pool)   // warm-up: allocates the output buffer
        var bestCPU = Double.infinity, bestWall = Double.infinity, survivors = 0
        for _ in 0..<repetitions {
            let wall = Clock.wallSeconds { single.run(pool) }
            bestWall = min(bestWall, wall)
            if single.cpuSeconds < bestCPU { bestCPU = single.cpuSeconds; survivors = single.survivors }
        }

        // The baseline kernel (what a CPU without AVX2 runs), one core.
        var bestBaseline = Double.infinity
        for _ in 0..<repetitions {
            single.run(pool, variant: .baseline)
            bestBaseline = min(bestBaseline, single.cpuSeconds)
        }

        // All cores, one transform each, concurrently.
        let workers = (0..<cores).map { Worker(seed: 100 + UInt64($0)) }
        let shared = pool
        DispatchQueue.concurrentPerform(iterations: cores) { workers[$0].run(shared) }
        var bestAllRate = 0.0, bestAllGB = 0.0, bestAllWall = Double.infinity
        for _ in 0..<repetitions {
            let wall = Clock.wallSeconds { DispatchQueue.concurrentPerform(iterations: cores) { workers[$0].run(shared) } }
            bestAllWall = min(bestAllWall, wall)
            let rate = workers.map { n / $0.cpuSeconds }.reduce(0, +)
            if rate > bestAllRate {
                bestAllRate = rate
                bestAllGB = workers.map { gigabytes(events: n, survivors: $0.survivors) / $0.cpuSeconds }.reduce(0, +)
            }
        }

        // Gather a batch of the pool's size: sorted uniform picks with repeats.
        var rng = SeededGenerator(seed: 7)
        let indices = (0..<events).map { _ in Int32(rng.nextInt(below: events)) }.sorted()
        var batch = PreparedEvents()
        pool.gather(indices, into: &batch)
        var bestGather = Double.infinity
        for _ in 0..<repetitions {
            bestGather = min(bestGather, Clock.cpuSeconds { pool.gather(indices, into: &batch) })
        }

        return [
            BenchmarkFigure(key: "transform_pool_events", value: n, unit: "events", label: "Distinct events in the pool"),
            BenchmarkFigure(key: "transform_events_per_second_one_core", value: n / bestCPU, unit: "events/s",
                            label: "Transform, soft MET and cuts on, one core"),
            BenchmarkFigure(key: "transform_gb_per_second_one_core", value: gigabytes(events: n, survivors: survivors) / bestCPU,
                            unit: "GB/s", label: "Transform memory traffic, one core"),
            BenchmarkFigure(key: "transform_events_per_second_one_core_wall", value: n / bestWall, unit: "events/s",
                            label: "Transform, one core, elapsed time"),
            BenchmarkFigure(key: "transform_kernel_variant", value: Double(TransformKernel.Variant.best.rawValue), unit: "",
                            label: "Kernel variant used: \(TransformKernel.Variant.best.name) (1 baseline, 2 AVX2, 3 AVX-512)"),
            BenchmarkFigure(key: "transform_events_per_second_one_core_baseline_kernel", value: n / bestBaseline,
                            unit: "events/s", label: "Transform with the baseline kernel (CPUs without AVX2), one core"),
            BenchmarkFigure(key: "transform_events_per_second_all_cores", value: bestAllRate, unit: "events/s",
                            label: "Transform, one per core concurrently (\(cores) cores)"),
            BenchmarkFigure(key: "transform_gb_per_second_all_cores", value: bestAllGB, unit: "GB/s",
                            label: "Transform memory traffic, all cores"),
            BenchmarkFigure(key: "transform_events_per_second_all_cores_wall", value: Double(cores) * n / bestAllWall,
                            unit: "events/s", label: "Transform, all cores, elapsed time"),
            BenchmarkFigure(key: "transform_cores", value: Double(cores), unit: "cores", label: "Cores used for all-cores figures"),
            BenchmarkFigure(key: "transform_survivor_fraction", value: Double(survivors) / n, unit: "",
                            label: "Fraction of events passing the cuts"),
            BenchmarkFigure(key: "transform_prepare_events_per_second", value: n / prepareSeconds, unit: "events/s",
                            label: "Preparing the pool (once per pool), one core"),
            BenchmarkFigure(key: "transform_gather_events_per_second_one_core", value: n / bestGather, unit: "events/s",
                            label: "Gathering a pool-sized batch (sorted, repeats), one core"),
        ]
    }
}
