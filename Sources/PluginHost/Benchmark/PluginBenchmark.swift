import Foundation
import PseudoExperiments

/// The harness's own cost of an out-of-process estimate, for `bench benchmark` (release builds
/// only give meaningful figures).
///
/// A trivial plugin (a few lines of Python, standard library only, that answers every estimate
/// at once without reading the events) is fitted on a tiny pool; then pseudo-experiments of
/// `rows` events (random features) are estimated one after the other on one worker. The time
/// per pseudo-experiment is what the harness adds to any plugin's own work: writing the event
/// file (one copy of `28 * rows` floats into the worker's mapped tmpfs file) and one round trip
/// of protocol messages. Target: <= 20 ms for 1 M events. Times are medians of wall time (a
/// round trip to another process cannot be measured in CPU time of one thread); the host
/// thread's CPU time per pseudo-experiment is given too, as it hardly depends on the load.
public struct PluginBenchmark: BenchmarkSuite {
    public let name = "plugin"
    public var rows: Int
    public var pseudoExperiments: Int
    public var python: String

    public init(rows: Int = 1_000_000, pseudoExperiments: Int = 30, python: String = "python3") {
        precondition(rows >= 0 && pseudoExperiments > 0, "rows and pseudo-experiments must be positive, got \(rows), \(pseudoExperiments)")
        self.rows = rows
        self.pseudoExperiments = pseudoExperiments
        self.python = python
    }

    public func run() throws -> [BenchmarkFigure] {
        try PluginBenchmark.measure(rows: rows, pseudoExperiments: pseudoExperiments, python: python).figures
    }

    public struct Result: Sendable, Equatable {
        public var rows: Int
        public var pseudoExperiments: Int
        /// Wall time per pseudo-experiment of `rows` events, one worker (the target figure).
        public var millisecondsPerPseudoExperiment: Double
        /// CPU time of the calling thread per pseudo-experiment (writing the file, messages).
        public var hostCPUMillisecondsPerPseudoExperiment: Double
        /// Of which: writing the event file alone.
        public var eventFileWriteMilliseconds: Double
        /// A round trip with an empty pseudo-experiment (messages only).
        public var roundTripMilliseconds: Double
        /// Wall time per pseudo-experiment with one worker per core and as many concurrent callers.
        public var parallelMillisecondsPerPseudoExperiment: Double
        public var workers: Int
        public var sandbox: String

        /// `(key, value, unit, label)` rows with stable keys naming their units.
        public var figures: [BenchmarkFigure] {
            [
                BenchmarkFigure(key: "out_of_process_rows", value: Double(rows), unit: "rows",
                                label: "Out-of-process benchmark events per pseudo-experiment"),
                BenchmarkFigure(key: "out_of_process_ms_per_pseudo_experiment", value: millisecondsPerPseudoExperiment, unit: "ms",
                                label: "Out-of-process harness cost per pseudo-experiment (1 worker)"),
                BenchmarkFigure(key: "out_of_process_host_cpu_ms_per_pseudo_experiment", value: hostCPUMillisecondsPerPseudoExperiment,
                                unit: "ms", label: "Out-of-process harness CPU per pseudo-experiment"),
                BenchmarkFigure(key: "out_of_process_event_file_write_ms", value: eventFileWriteMilliseconds, unit: "ms",
                                label: "Out-of-process event file write"),
                BenchmarkFigure(key: "out_of_process_round_trip_ms", value: roundTripMilliseconds, unit: "ms",
                                label: "Out-of-process message round trip"),
                BenchmarkFigure(key: "out_of_process_parallel_ms_per_pseudo_experiment", value: parallelMillisecondsPerPseudoExperiment,
                                unit: "ms", label: "Out-of-process cost per pseudo-experiment (\(workers) workers)"),
            ]
        }
    }

    /// The trivial plugin: answers without looking at the events.
    static let trivialPlugin = """
        import json, sys
        def send(m):
            sys.stdout.write(json.dumps(m) + "\\n"); sys.stdout.flush()
        send({"type": "hello", "protocol": 1, "name": "trivial", "version": "1"})
        for line in sys.stdin:
            m = json.loads(line)
            if m["type"] == "fit": send({"type": "fitted"})
            elif m["type"] == "load": send({"type": "ready"})
            elif m["type"] == "estimate": send({"type": "estimate", "id": m["id"], "p16": 0.5, "p84": 1.5})
            elif m["type"] == "shutdown": break
        """

    /// Measures with `rows` events per pseudo-experiment, `pseudoExperiments` timed estimates
    /// (after 3 untimed ones), and `python` as the interpreter of the trivial plugin.
    public static func measure(rows: Int = 1_000_000, pseudoExperiments: Int = 30,
                               python: String = "python3") throws -> Result {
        guard PathLookup.executable(named: python) != nil else {
            throw PluginError.cannotStart(command: python, reason: "the out-of-process benchmark needs a Python 3 interpreter on PATH")
        }
        let dir = try ExchangeDirectory(parent: nil, logDirectory: nil)
        let script = dir.root + "/trivial_plugin.py"
        do { try trivialPlugin.write(toFile: script, atomically: true, encoding: .utf8) } catch {
            throw PluginError.io(path: script, action: "write", reason: error.localizedDescription)
        }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var plugin = ProcessEstimator(command: "\(python) \(script)",
                                      limits: PluginLimits(estimateSeconds: 60, workers: 1))
        var (context, view) = try syntheticInputs(rows: rows)
        let empty = SealedView(count: 0, columnMajor: [])

        // One worker: the cost of one pseudo-experiment, and its parts.
        let single = try plugin.fitProcesses(&context)
        var peRNG = SeededGenerator(seed: 7)
        for _ in 0..<3 { _ = try single.estimate(view, using: &peRNG) }
        var cpu = 0.0
        let perPE = try median(pseudoExperiments) {
            let start = threadCPUSeconds()
            _ = try single.estimate(view, using: &peRNG)
            cpu += threadCPUSeconds() - start
        }
        for _ in 0..<3 { _ = try single.estimate(empty, using: &peRNG) }
        let roundTrip = try median(max(pseudoExperiments, 100)) { _ = try single.estimate(empty, using: &peRNG) }
        single.shutdown()
        let file = try MappedFile(url: URL(fileURLWithPath: dir.root + "/write-benchmark.events"))
        try PluginEventFile.write(view, into: file)
        let write = try median(pseudoExperiments) { try PluginEventFile.write(view, into: file) }

        // One worker per core, as many callers at once.
        plugin.limits.workers = cores
        let pool2 = try plugin.fitProcesses(&context)
        DispatchQueue.concurrentPerform(iterations: cores) { i in
            var r = SeededGenerator(seed: UInt64(100 + i))
            _ = try? pool2.estimate(view, using: &r)
        }
        let total = max(pseudoExperiments, cores) / cores * cores
        let start = DispatchTime.now().uptimeNanoseconds
        final class Failures: @unchecked Sendable { let lock = NSLock(); var first: Error? }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: cores) { i in
            var r = SeededGenerator(seed: UInt64(200 + i))
            for _ in 0..<(total / cores) {
                do { _ = try pool2.estimate(view, using: &r) } catch {
                    failures.lock.lock(); failures.first = failures.first ?? error; failures.lock.unlock()
                }
            }
        }
        if let error = failures.first { throw error }
        let parallel = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(total)
        pool2.shutdown()

        return Result(rows: rows, pseudoExperiments: pseudoExperiments, millisecondsPerPseudoExperiment: perPE,
                      hostCPUMillisecondsPerPseudoExperiment: cpu * 1000 / Double(pseudoExperiments),
                      eventFileWriteMilliseconds: write, roundTripMilliseconds: roundTrip,
                      parallelMillisecondsPerPseudoExperiment: parallel, workers: cores,
                      sandbox: single.sandboxStatus.description)
    }

    /// The benchmarks' inputs: a training context on 1000 rows of random features (weights 1)
    /// of the mini challenge, and a pseudo-experiment of `rows` random events (seeded).
    public static func syntheticInputs(rows: Int) throws -> (context: TrainingContext, view: SealedView) {
        var rng = SeededGenerator(seed: 20240601)
        var pool = EventTable(zeroedRows: 1000)
        for f in pool.columns.indices { pool.columns[f] = (0..<1000).map { _ in Float(rng.nextDouble(in: 0, 100)) } }
        pool.weights = [Float](repeating: 1, count: 1000)
        let context = TrainingContext(spec: try ChallengeSpec.builtin(named: "fair-universe-2024-mini"), pool: pool,
                                      rng: SeededGenerator(seed: 1))
        let values = (0..<(Feature.allCases.count * rows)).map { _ in Float(rng.nextDouble(in: -25, 500)) }
        return (context, SealedView(count: rows, columnMajor: values))
    }

    /// Median milliseconds of `body` over `n` runs.
    private static func median(_ n: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<n {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }

    private static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
