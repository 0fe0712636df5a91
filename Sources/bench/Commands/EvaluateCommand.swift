import ArgumentParser
import Evaluation
import Foundation
import PseudoExperiments
import Scoring

/// `bench evaluate`: scores an estimator on a set directory and records the run.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate an estimator on a set directory and record the run in the leaderboard database.",
        discussion: """
            Fits the estimator once on the training pool, then estimates every pseudo-experiment of the \
            set directory in parallel, in a seeded order across sets, committing each result to the \
            database as it arrives. A failure (an error, NaN, swapped bounds, overtime) is recorded with \
            its reason and scored as one. Ctrl-C stops after the pseudo-experiments in progress and keeps \
            every result; running the same command again resumes the run. A few percent of the \
            pseudo-experiments are estimated again by a fresh instance in another order: any difference \
            flags the run (estimators must not carry information from one pseudo-experiment to the next). \
            Prints the run's summary and the leaderboard of these pseudo-experiments. \
            Built-in estimators: \(EstimatorRegistry.names.isEmpty ? "none in this build" : EstimatorRegistry.names.joined(separator: ", ")).
            """)

    @Option(help: ArgumentHelp("The set directory (from bench generate).", valueName: "dir"))
    var sets: String

    @Option(help: ArgumentHelp("A built-in estimator.", valueName: "name"))
    var estimator: String

    @Option(help: ArgumentHelp("The name to record the submission under (default: the estimator's).", valueName: "submission"))
    var name: String?

    @Option(help: ArgumentHelp("The set's pool file, to regenerate pseudo-experiments that are not stored in the directory.",
                               valueName: "file"))
    var pool: String?

    @Option(name: .customLong("training-pool"), help: ArgumentHelp(
        "The pool estimators train on (pool file or CSV; default: the challenge's simulated training pool).", valueName: "file"))
    var trainingPool: String?

    @Option(help: ArgumentHelp(
        "The run's seed: the order of pseudo-experiments, the statefulness sample and the fitting randomness "
            + "(the pseudo-experiments have their own, in the set's manifest). A run resumes only with the same seed.",
        valueName: "seed"))
    var seed: UInt64 = 0

    @OptionGroup var evaluation: EvaluationArguments
    @OptionGroup var store: DatabaseOptions

    func validate() throws {
        if let name, name.isEmpty { throw ValidationError("--name needs a non-empty submission name.") }
    }

    func run() throws {
        let directory = try SetDirectory.open(URL(fileURLWithPath: sets))
        let contestant = Contestant(try EstimatorRegistry.builtin(named: estimator), name: name)
        let pool: PreparedPool? = directory.isMaterialized
            ? nil : try EvaluationPool.load(file: self.pool.map { URL(fileURLWithPath: $0) }, for: directory)
        let training = try TrainingPool.load(file: trainingPool.map { URL(fileURLWithPath: $0) },
                                             spec: directory.manifest.spec)
        let source = try SetDirectorySource.open(directory, pool: pool, trainingPool: training)
        let writer = try store.open(.create)
        let outcome = try evaluation.evaluate([contestant], on: source, store: writer, seed: seed)
        if outcome.interrupted { throw ExitCode(130) }
    }
}
