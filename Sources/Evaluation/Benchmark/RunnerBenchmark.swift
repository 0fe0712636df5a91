import Foundation
import PseudoExperiments
import Scoring

/// The harness's own cost per pseudo-experiment in process, beyond generating it and
/// estimating it, for the `bench benchmark` command (run it from a release build).
///
/// Runs the real ``EvaluationRunner`` with one job on a fresh on-disk leaderboard (WAL, one
/// committed transaction per result, as in a real run) over pseudo-experiments whose view is
/// built once and handed out again (generation ~0) to an estimator that only counts rows
/// (estimation ~0), so what remains is the harness: taking the next pseudo-experiment, the
/// sealed seed (two HMAC-SHA256), timing and judging the estimate, recording it, progress:
/// ```
/// overhead = (busy - generation - estimator) / pseudo-experiments
/// ```
/// (``RunnerTimings/overheadSecondsPerPseudoExperiment``). Target: <= 2 ms.
public struct RunnerBenchmark: BenchmarkSuite {
    public let name = "runner"
    /// Pseudo-experiments timed.
    public var pseudoExperiments: Int

    public init(pseudoExperiments: Int = 2000) {
        self.pseudoExperiments = pseudoExperiments
    }

    /// Measures in a temporary directory, removed afterwards.
    public func run() throws -> [BenchmarkFigure] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fair-uq-runner-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try Self.measure(directory: directory, pseudoExperiments: pseudoExperiments).figures
    }

    /// The figures of one measurement.
    public struct Result: Sendable, Equatable {
        public var pseudoExperiments: Int
        public var timings: RunnerTimings

        /// The figures, with stable keys naming their units.
        public var figures: [BenchmarkFigure] {
            let n = Double(max(1, timings.generated))
            return [
                BenchmarkFigure(key: "runner_pseudo_experiments", value: Double(pseudoExperiments), unit: "",
                                label: "Runner benchmark pseudo-experiments"),
                BenchmarkFigure(key: "runner_overhead_ms_in_process",
                                value: timings.overheadSecondsPerPseudoExperiment * 1000, unit: "ms",
                                label: "Runner overhead per pseudo-experiment in process (beyond generation and estimator)"),
                BenchmarkFigure(key: "runner_record_ms_per_result", value: timings.recordingSeconds / n * 1000,
                                unit: "ms", label: "Runner: recording one result in the store (part of the overhead)"),
            ]
        }
    }

    /// Measures over `pseudoExperiments` pseudo-experiments in a leaderboard created in
    /// `directory` (which must exist; the database is left there).
    public static func measure(directory: URL, pseudoExperiments: Int = 2000) throws -> Result {
        precondition(pseudoExperiments > 0, "the benchmark needs pseudo-experiments, got \(pseudoExperiments)")
        let store = try LeaderboardStore(path: directory.appendingPathComponent("runner-benchmark.sqlite").path,
                                         access: .create)
        let source = try FixedViewSets(pseudoExperiments: pseudoExperiments)
        let options = EvaluationOptions(jobs: 1, seed: 1, statefulnessFraction: 0, bootstrap: nil)
        let runner = try EvaluationRunner(store: store, source: source, options: options)
        let contestant = try Contestant(RowCounter(), submission: Submission(name: "row-counter", kind: .reference,
                                                                              codeHash: "runner-benchmark"))
        let report = try runner.run([contestant])
        return Result(pseudoExperiments: pseudoExperiments, timings: report.timings)
    }

    /// An estimator that only counts the rows of the view.
    struct RowCounter: Estimator, FittedEstimator {
        var name: String { "row-counter" }
        func fit(_ context: inout TrainingContext) throws -> any FittedEstimator { self }
        func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            let n = Double(view.count)
            return Estimate(p16: n / 1000, p84: n / 1000 + 1)
        }
    }

    /// Sets of one seeded view of 1000 rows handed out for every pseudo-experiment.
    final class FixedViewSets: PseudoExperimentSource, @unchecked Sendable {
        let spec: ChallengeSpec
        let setManifestHash: String
        let rootSeed: UInt64 = 7
        let truths: [PseudoExperimentTruth]
        let trainingPool = EventTable(zeroedRows: 1)
        let trainingPoolHash = "runner-benchmark"
        private let fixed: SealedView

        init(pseudoExperiments: Int) throws {
            spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
            setManifestHash = "runner-benchmark-\(pseudoExperiments)"
            let perSet = 100
            truths = (0..<pseudoExperiments).map {
                PseudoExperimentTruth(setIndex: $0 / perSet, index: $0 % perSet, mu: 1, nuisances: .nominal)
            }
            var rng = SeedDerivation.generator(rootSeed, .simulator)
            let rows = 1000
            fixed = SealedView(count: rows, columnMajor: (0..<(rows * Feature.allCases.count)).map { _ in
                Float(rng.nextUnitDouble() * 100)
            })
        }

        func view(of key: PseudoExperimentKey) throws -> SealedView { fixed }
    }
}
