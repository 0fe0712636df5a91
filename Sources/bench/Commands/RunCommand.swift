import ArgumentParser
import Evaluation
import Foundation
import PseudoExperiments
import Scoring

/// `bench run`: the main job. Generates the default challenge's pseudo-experiments, evaluates
/// every built-in estimator on them and prints the leaderboard.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Generate the default challenge, evaluate the built-in estimators, print the leaderboard.",
        discussion: """
            The main job, end to end: draws \(RunCommand.defaultSets) sets x \(RunCommand.defaultPerSet) \
            pseudo-experiments of the challenge (default \(RunCommand.defaultChallenge)) from its evaluation \
            pool, evaluates every built-in estimator on them (each pseudo-experiment is generated once and \
            handed to all), records the runs in the leaderboard database and prints the leaderboard. The \
            pseudo-experiments are the ones `bench generate` writes for the same challenge, phase, seed and \
            sizes (same manifest hash), so their runs share a leaderboard. Ctrl-C keeps every result; the \
            same command resumes. Built-in estimators: \
            \(EstimatorRegistry.names.isEmpty ? "none in this build" : EstimatorRegistry.names.joined(separator: ", ")).
            """)

    static let defaultChallenge = "fair-universe-2024"
    /// A few sets of a few pseudo-experiments: every estimator on ~20 full-size
    /// pseudo-experiments (~1 M events each) within a few minutes on 2 cores (release build).
    static let defaultSets = 4
    static let defaultPerSet = 5

    @Option(name: .customLong("challenge"), help: ArgumentHelp(
        "Challenge spec: a built-in name (\(ChallengeSpec.builtinNames.joined(separator: ", "))) or a spec file.",
        valueName: "name"))
    var challenge: String = RunCommand.defaultChallenge

    @Option(help: "Phase whose seed is the default (default: the spec's default phase).")
    var phase: String?

    @Option(help: "Number of sets (each with its own true mu).")
    var sets: Int = RunCommand.defaultSets

    @Option(name: .customLong("per-set"), help: "Pseudo-experiments per set.")
    var perSet: Int = RunCommand.defaultPerSet

    @Option(help: ArgumentHelp(
        "Root seed of the pseudo-experiments and of the runs (0 ... 2^53 - 1; default: the phase's seed).",
        valueName: "seed"))
    var seed: Int64?

    @Option(help: ArgumentHelp("Evaluation pool file (pool, Parquet or CSV) instead of the challenge's simulated pool.",
                               valueName: "file"))
    var pool: String?

    @Option(name: .customLong("training-pool"), help: ArgumentHelp(
        "The pool estimators train on (pool, Parquet or CSV file; default: the challenge's simulated training pool).",
        valueName: "file"))
    var trainingPool: String?

    @Option(name: .customLong("save-fit"), help: ArgumentHelp(
        "Only fit every built-in (as this run would) and save the fits in this new directory, one subdirectory per "
            + "estimator, for --fitted; writes no database. Fit once, then run the shards of a cluster run with --fitted.",
        valueName: "dir"))
    var saveFit: String?

    @Option(help: ArgumentHelp(
        "Load the fits saved by --save-fit instead of fitting (each built-in's training results). Refused unless they "
            + "were made for this challenge, training pool and seed by this harness.",
        valueName: "dir"))
    var fitted: String?

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var evaluation: EvaluationArguments
    @OptionGroup var store: DatabaseOptions

    func validate() throws {
        guard sets >= 1 else { throw ValidationError("--sets must be at least 1, got \(sets).") }
        guard perSet >= 1 else { throw ValidationError("--per-set must be at least 1, got \(perSet).") }
        if let seed, seed < 0 || seed > ChallengeSpec.maximumJSONSeed {
            throw ValidationError("--seed must be in 0...\(ChallengeSpec.maximumJSONSeed) (2^53 - 1), got \(seed).")
        }
        if saveFit != nil, fitted != nil { throw ValidationError("--save-fit makes the fits and --fitted loads them: give one of them.") }
        if saveFit != nil, evaluation.shard != nil { throw ValidationError("--save-fit only fits; --shard is for the runs that load the fits.") }
    }

    /// Where the fit of `name` is saved in the directory of --save-fit / --fitted.
    static func fitDirectory(_ directory: String, estimator name: String) -> URL {
        URL(fileURLWithPath: directory).appendingPathComponent(name, isDirectory: true)
    }

    func run() throws {
        guard !EstimatorRegistry.builtins.isEmpty else {
            throw ValidationError("This build registers no built-in estimator; evaluate one with bench evaluate.")
        }
        let spec = try ChallengeSpec.resolve(challenge)
        let phaseName = phase ?? spec.defaultPhase
        guard let chosen = spec.phase(named: phaseName) else {
            throw ValidationError("The challenge '\(spec.name)' has no phase '\(phaseName)'; its phases are "
                + "\(spec.phases.map(\.name).joined(separator: ", ")).")
        }
        let rootSeed = seed.map { UInt64($0) } ?? chosen.defaultSeed
        let parts = try data.selections(pool: pool, trainingPool: trainingPool, spec: spec)
        let (prepared, source) = try ChallengePools.evaluation(
            file: parts?.evaluation.url ?? pool.map { URL(fileURLWithPath: $0) }, spec: spec,
            part: parts?.evaluation.part ?? .all, sumWeights: parts?.evaluation.sumWeights)
        let training = try self.training.load(file: parts?.training.url ?? trainingPool.map { URL(fileURLWithPath: $0) },
                                               spec: spec, part: parts?.training.part ?? .all,
                                               sumWeights: parts?.training.sumWeights)
        let manifest = SetManifest(spec: spec, phase: chosen.name, seed: rootSeed, sets: sets,
                                   pseudoExperimentsPerSet: perSet,
                                   pool: try SetManifest.pool(prepared, source: source, spec: spec))
        let generated = GeneratedSets(
            generator: PseudoExperimentGenerator(spec: spec, pool: prepared, seed: rootSeed), sets: sets,
            pseudoExperimentsPerSet: perSet, setManifestHash: manifest.sha256, trainingPool: training,
            trainingPoolHash: PoolDigest.of(training).hex)
        print("\(spec.name): \(sets) sets x \(perSet) pseudo-experiments, seed \(rootSeed), "
              + "set manifest \(manifest.sha256); \(EstimatorRegistry.builtins.count) built-in estimators")
        fflush(stdout)
        var contestants = EstimatorRegistry.builtins.map { Contestant($0) }
        let options = try evaluation.options(seed: rootSeed)
        if let saveFit {
            let records = try EvaluationRunner.saveFits(contestants, source: generated, options: options,
                                                        to: contestants.map { Self.fitDirectory(saveFit, estimator: $0.estimator.name) })
            for (contestant, record) in zip(contestants, records) {
                print("\(TerminalText.escapedField(contestant.submission.name)): "
                    + (record.failure.map { "the fit FAILED (\(TerminalText.escapedField($0))); saved, so that every shard records it" }
                        ?? "fitted in \(String(format: "%.2f", record.fitSeconds)) s")
                    + (record.artifacts.map { "; saved \($0.results) training results (\($0.bytes) bytes)" } ?? ""))
            }
            print("Saved the fits in \(saveFit). Run with --fitted \(saveFit).")
            return
        }
        if let fitted {
            for i in contestants.indices {
                let saved = try SavedFitDirectory(Self.fitDirectory(fitted, estimator: contestants[i].estimator.name))
                try saved.check(for: contestants[i], source: generated, options: options)
                contestants[i].savedFit = saved
            }
        }
        let report = try evaluation.evaluate(contestants, on: generated, store: try store.open(.create), seed: rootSeed)
        if report.interrupted { throw ExitCode(130) }
    }
}
