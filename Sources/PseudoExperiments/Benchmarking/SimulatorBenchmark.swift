import Foundation

/// Speed of the built-in simulator: selected events per second, generating only (blocks are made
/// and dropped; writing them is the storage's to measure), on one core and on all cores.
///
/// The events are the default split of ``ProcessRows`` (55% ztautau, whose selection keeps about
/// 1 candidate in 11; 34% htautau, 1 in 4.5; 8% ttbar, 1 in 2.3; 3% diboson, 1 in 3.3). As in
/// ``TransformBenchmark``, rates use CPU time so that other load on a shared machine does not
/// distort them, and the `_wall` figures use elapsed time:
/// ```
/// one core:   events / CPU seconds of the generating thread (best of `repetitions`)
/// all cores:  EventSimulator.generate with one worker per core; sum over the workers of
///             (their events / their CPU seconds); `_wall`: events / elapsed seconds
/// ```
public struct SimulatorBenchmark: BenchmarkSuite {
    public let name = "simulator"
    public var events: Int
    public var repetitions: Int
    public var cores: Int

    public init(events: Int = 1_000_000, repetitions: Int = 2, cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(events >= PhysicsProcess.allCases.count && repetitions > 0 && cores > 0,
                     "events >= 4, repetitions and cores must be positive, got \(events), \(repetitions), \(cores)")
        self.events = events
        self.repetitions = repetitions
        self.cores = cores
    }

    /// CPU seconds and events of the blocks each worker thread generated.
    private final class Tally: @unchecked Sendable {
        let lock = NSLock()
        var perThread: [ObjectIdentifier: (events: Int, seconds: Double)] = [:]
        var candidates = ProcessRows(repeating: 0)

        func add(events: Int, seconds: Double) {
            let key = ObjectIdentifier(Thread.current)
            lock.lock()
            let old = perThread[key] ?? (0, 0)
            perThread[key] = (old.events + events, old.seconds + seconds)
            lock.unlock()
        }

        var rate: Double { perThread.values.reduce(0) { $0 + Double($1.events) / $1.seconds } }
    }

    public func run() throws -> [BenchmarkFigure] {
        let plan = try SimulationPlan.unitYields(seed: 2024, events: events)
        let n = Double(plan.rows.total)

        // One core: the plan's blocks one after the other on this thread.
        var bestCPU = Double.infinity, bestWall = Double.infinity
        var candidates = ProcessRows(repeating: 0)
        for _ in 0..<repetitions {
            var counted = ProcessRows(repeating: 0)
            var cpu = 0.0
            let wall = Clock.wallSeconds {
                cpu = Clock.cpuSeconds {
                    for block in plan.blocks {
                        counted[block.process] += ProcessGenerator.standard.block(
                            of: block.process, rows: block.rows, seed: block.seed, weight: 1).candidates
                    }
                }
            }
            bestCPU = min(bestCPU, cpu); bestWall = min(bestWall, wall)
            candidates = counted
        }

        // All cores: the simulator's own parallel generation.
        var bestAllRate = 0.0, bestAllWall = Double.infinity
        for _ in 0..<repetitions {
            let tally = Tally()
            let generator = TimedGenerator(tally: tally)
            let start = DispatchTime.now().uptimeNanoseconds
            try EventSimulator.generate(plan, workers: cores, blockSource: { generator.block($0, $1) }) { _, _ in }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            bestAllWall = min(bestAllWall, wall)
            bestAllRate = max(bestAllRate, tally.rate)
        }

        let efficiency = PerProcess<Double> { Double(plan.rows[$0]) / Double(max(1, candidates[$0])) }
        return [
            BenchmarkFigure(key: "simulator_events", value: n, unit: "events", label: "Events per run (default split)"),
            BenchmarkFigure(key: "simulator_events_per_second_one_core", value: n / bestCPU, unit: "events/s",
                            label: "Simulated events, one core"),
            BenchmarkFigure(key: "simulator_events_per_second_one_core_wall", value: n / bestWall, unit: "events/s",
                            label: "Simulated events, one core, elapsed time"),
            BenchmarkFigure(key: "simulator_events_per_second_all_cores", value: bestAllRate, unit: "events/s",
                            label: "Simulated events, one worker per core (\(cores) cores)"),
            BenchmarkFigure(key: "simulator_events_per_second_all_cores_wall", value: n / bestAllWall, unit: "events/s",
                            label: "Simulated events, all cores, elapsed time"),
            BenchmarkFigure(key: "simulator_cores", value: Double(cores), unit: "cores", label: "Cores used for all-cores figures"),
        ] + PhysicsProcess.allCases.map {
            BenchmarkFigure(key: "simulator_selection_efficiency_\($0.rawValue)", value: efficiency[$0], unit: "",
                            label: "Selected fraction of \($0.rawValue) candidates")
        }
    }

    /// Generates a block and books its thread CPU time.
    private struct TimedGenerator: Sendable {
        let tally: Tally
        func block(_ b: SimulationPlan.Block, _ weight: Float) -> ProcessGenerator.Block {
            var out: ProcessGenerator.Block?
            let seconds = Clock.cpuSeconds {
                out = ProcessGenerator.standard.block(of: b.process, rows: b.rows, seed: b.seed, weight: weight)
            }
            tally.add(events: b.rows, seconds: seconds)
            return out!
        }
    }
}
