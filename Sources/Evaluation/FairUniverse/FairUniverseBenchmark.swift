import Foundation
import PluginHost
import PseudoExperiments

/// What running a FAIR Universe submission through the adapter costs, for `bench benchmark`.
///
/// 1. `fair_universe_dataframe_ms`: building `test_set` for `predict` from a pseudo-experiment
///    of `rows` events (the adapter's `test_set_frame`: one copy of the (28, rows) float32
///    block into one pandas block, plus the ones of `weights`), timed inside Python, the median
///    of 15 after 2 untimed. Target: <= ~50 ms for 1 M events on one core.
/// 2. `fair_universe_ms_per_pseudo_experiment`: a whole estimate through the harness and the
///    adapter, one worker, with a submission whose `predict` reads one column and answers:
///    the harness's event file, the protocol round trip, the DataFrame and the result checks.
///    Compare with `out_of_process_ms_per_pseudo_experiment` of the plugin suite (the same
///    without the adapter) in the same run.
///
/// Needs `python3` with numpy and pandas; without pandas the suite says so on stderr and
/// gives no figures.
public struct FairUniverseBenchmark: BenchmarkSuite {
    public let name = "fair-universe"
    public var rows: Int
    public var pseudoExperiments: Int

    public init(rows: Int = 1_000_000, pseudoExperiments: Int = 10) {
        self.rows = rows
        self.pseudoExperiments = pseudoExperiments
    }

    static let trivialSubmission = """
        class Model:
            def __init__(self, get_train_set=None, systematics=None):
                self.get_train_set = get_train_set

            def fit(self):
                self.rows = len(self.get_train_set(train_size=100))

            def predict(self, test_set):
                n = float(test_set["data"]["DER_mass_vis"].shape[0])
                return {"mu_hat": 1.0, "delta_mu_hat": 0.1, "p16": 0.9, "p84": 1.1 + 0 * n}

        """

    static let frameTiming = """
        import json, sys, time
        import numpy as np
        sys.path.insert(0, sys.argv[1])
        import fair_universe_adapter as adapter
        rows = int(sys.argv[2])
        features = np.random.default_rng(1).random((28, rows), dtype=np.float32)
        times = []
        for i in range(17):
            start = time.perf_counter()
            test_set = {"data": adapter.test_set_frame(features), "weights": np.ones(rows)}
            times.append(time.perf_counter() - start)
            del test_set
        times = sorted(times[2:])
        print(json.dumps({"median_ms": 1000 * times[len(times) // 2]}))
        """

    public func run() throws -> [BenchmarkFigure] {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import numpy, pandas"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            FileHandle.standardError.write(Data("fair-universe benchmark: python3 cannot import numpy and pandas; no figures (pip install pandas)\n".utf8))
            return []
        }
        let client = try FairUniverseSubmission.writeClient()
        let timing = Process()
        timing.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        timing.arguments = ["python3", "-c", Self.frameTiming, client, String(rows)]
        let pipe = Pipe()
        timing.standardOutput = pipe
        try timing.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        timing.waitUntilExit()
        struct Timing: Decodable { var median_ms: Double }
        guard timing.terminationStatus == 0, let frame = try? JSONDecoder().decode(Timing.self, from: output) else {
            throw EvaluationError.invalidOptions("fair-universe benchmark: the DataFrame timing in python3 failed: \(String(decoding: output, as: UTF8.self))")
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fair-uq-fu-benchmark-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let submissionDirectory = directory.appendingPathComponent("trivial-submission")
        try FileManager.default.createDirectory(at: submissionDirectory, withIntermediateDirectories: true)
        try Self.trivialSubmission.write(to: submissionDirectory.appendingPathComponent("model.py"), atomically: true, encoding: .utf8)
        let estimator = try FairUniverseSubmission(directory: submissionDirectory.path).pluginSubmission()
            .processEstimator(limits: PluginLimits(estimateSeconds: 120, workers: 1))
        var (context, view) = try PluginBenchmark.syntheticInputs(rows: rows)
        let fitted = try estimator.fitProcesses(&context)
        defer { fitted.shutdown() }
        var peRNG = SeededGenerator(seed: 7)
        for _ in 0..<2 { _ = try fitted.estimate(view, using: &peRNG) }
        var times: [Double] = []
        for _ in 0..<pseudoExperiments {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try fitted.estimate(view, using: &peRNG)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return [
            BenchmarkFigure(key: "fair_universe_rows", value: Double(rows), unit: "rows",
                            label: "FAIR Universe adapter benchmark events per pseudo-experiment"),
            BenchmarkFigure(key: "fair_universe_dataframe_ms", value: frame.median_ms, unit: "ms",
                            label: "FAIR Universe test_set DataFrame for predict (one core)"),
            BenchmarkFigure(key: "fair_universe_ms_per_pseudo_experiment", value: times[times.count / 2], unit: "ms",
                            label: "FAIR Universe submission, harness + adapter per pseudo-experiment (1 worker)"),
        ]
    }
}
