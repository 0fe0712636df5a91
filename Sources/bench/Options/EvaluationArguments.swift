import ArgumentParser
import Evaluation
import Foundation
import Scoring

/// The options shared by the commands that evaluate estimators (`bench evaluate`, `bench run`),
/// and what they do once their contestants and pseudo-experiments are known.
struct EvaluationArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var jobs: Int?

    @Option(name: .customLong("startup-time-limit"), help: ArgumentHelp(
        "Seconds an estimator may take to fit; longer fails every pseudo-experiment of the run.", valueName: "seconds"))
    var startupTimeLimit: Double = EvaluationOptions.defaultStartupTimeLimit

    @Option(name: .customLong("time-limit"), help: ArgumentHelp(
        "Seconds an estimate of one pseudo-experiment may take; longer is a failure.", valueName: "seconds"))
    var timeLimit: Double = EvaluationOptions.defaultPseudoExperimentTimeLimit

    @Option(name: .customLong("statefulness-check"), help: ArgumentHelp(
        "Fraction of pseudo-experiments estimated again by a fresh instance (0 turns the check off).",
        valueName: "fraction"))
    var statefulnessFraction: Double = EvaluationOptions.defaultStatefulnessFraction

    @Flag(name: .customLong("no-progress"), help: "Print no progress on standard error.")
    var noProgress = false

    @Option(help: ArgumentHelp(
        "Evaluate only shard K of N of the pseudo-experiments (K in 1...N): the keys sorted by set and index, "
            + "the one at position p (from 0) in shard p mod N + 1. Give each shard its own --database (SQLite on a "
            + "network file system is unsafe) and merge the files with bench store merge; the merged runs equal "
            + "the run on one machine.",
        valueName: "K/N"))
    var shard: String?

    /// The parsed ``shard``.
    var parsedShard: Shard? {
        get throws {
            guard let shard else { return nil }
            guard let parsed = Shard(shard) else {
                throw ValidationError("--shard must be K/N with whole numbers 1 <= K <= N, such as 2/4; got '\(shard)'.")
            }
            return parsed
        }
    }

    func validate() throws {
        _ = try options(seed: 0)
    }

    /// The runner's options with the run's `seed`; a clear error for values that make no sense.
    func options(seed: UInt64) throws -> EvaluationOptions {
        let options = EvaluationOptions(
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, seed: seed,
            startupTimeLimit: startupTimeLimit, pseudoExperimentTimeLimit: timeLimit,
            statefulnessFraction: statefulnessFraction, shard: try parsedShard)
        if let problem = options.problem { throw ValidationError("Invalid option: \(problem).") }
        return options
    }

    /// Runs the contestants on `source` into `store` with Ctrl-C handling and progress, prints
    /// the summary and the leaderboard of these pseudo-experiments; returns the report.
    func evaluate(_ contestants: [Contestant], on source: any PseudoExperimentSource, store: LeaderboardStore,
                  seed: UInt64) throws -> EvaluationReport {
        let interruption = InterruptFlag()
        interruption.installSignalHandlers()
        let runner = try EvaluationRunner(store: store, source: source, options: try options(seed: seed),
                                          progress: noProgress ? .silent : .standardError())
        let report = try runner.run(contestants, interruption: interruption)
        print(report.text, terminator: "")
        if !report.interrupted, report.shard == nil {
            let tables = try LeaderboardTable.tables(from: store, challenge: report.challenge)
                .filter { $0.setManifestHash == report.setManifestHash }
            print("")
            print(LeaderboardTable.render(tables, as: .table), terminator: "")
        }
        fflush(stdout)
        return report
    }
}
