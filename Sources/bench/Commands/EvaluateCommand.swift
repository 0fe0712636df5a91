import ArgumentParser
import Evaluation
import Foundation
import PluginHost
import PseudoExperiments
import Scoring

/// `bench evaluate`: scores an estimator on a set directory and records the run.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate an estimator on a set directory and record the run in the leaderboard database.",
        discussion: """
            The estimator is a built-in (--estimator NAME) or a submission run as a separate, sandboxed \
            process speaking the plugin protocol (--plugin PATH, or --command "CMD" run by /bin/sh; see \
            datasets-spec/plugin-protocol-v1.md), or a FAIR Universe challenge submission, the directory \
            holding its model.py, run unmodified (--fair-universe DIR, with --python PATH for a venv with \
            its packages; recorded under the directory's name). It is fitted once on the training pool; then every \
            pseudo-experiment of the set directory is estimated in parallel, in a seeded order across sets, \
            each result committed to the database as it arrives. A failure (an error, a crash, NaN, \
            swapped bounds, overtime) is recorded with its reason and scored as one. Ctrl-C stops after \
            the pseudo-experiments in progress and keeps every result; the same command resumes the run. \
            A few percent of the pseudo-experiments are estimated again by a fresh instance in another \
            order: any difference flags the run (estimators must not carry information from one \
            pseudo-experiment to the next). Prints the run's summary and the leaderboard of these \
            pseudo-experiments. Built-in estimators: \
            \(EstimatorRegistry.names.isEmpty ? "none in this build" : EstimatorRegistry.names.joined(separator: ", ")).
            """)

    @Option(help: ArgumentHelp("The set directory (from bench generate).", valueName: "dir"))
    var sets: String

    @Option(help: ArgumentHelp("The set's truth file (default DIR.truth.json beside DIR): needed for a sealed set, whose secret only it holds.",
                               valueName: "file"))
    var truths: String?

    @Option(help: ArgumentHelp("A built-in estimator.", valueName: "name"))
    var estimator: String?

    @Option(help: ArgumentHelp("A plugin executable (or script with a #! line).", valueName: "path"))
    var plugin: String?

    @Option(help: ArgumentHelp("A plugin started by this shell command.", valueName: "command"))
    var command: String?

    @Option(name: .customLong("fair-universe"), help: ArgumentHelp(
        "A FAIR Universe challenge submission: the directory holding its model.py (class Model), run unmodified.",
        valueName: "dir"))
    var fairUniverse: String?

    @Option(help: ArgumentHelp("The Python interpreter of a --fair-universe submission (a venv's or conda environment's, "
                               + "with the submission's packages and pandas; default python3 on PATH).", valueName: "path"))
    var python: String?

    @Option(help: ArgumentHelp("The name to record the submission under (default: the estimator's, the plugin's "
                               + "file name, the command, or the submission directory's name).", valueName: "submission"))
    var name: String?

    @Option(name: .customLong("code-hash"), help: ArgumentHelp(
        "A plugin's version identity, e.g. a git commit (default: a hash of the files its command line names).",
        valueName: "text"))
    var codeHash: String?

    @Option(help: ArgumentHelp("How a plugin is confined: automatic (bubblewrap when it works; otherwise the run is flagged unsandboxed and not ranked), "
                               + "required (refuse without a sandbox) or disabled (trusted plugin: flagged, ranked).",
                               valueName: "mode"))
    var sandbox: SandboxPolicy.Mode = .automatic

    @Flag(name: .customLong("allow-unsandboxed"), help: ArgumentHelp(
        "Rank a plugin's run even when the sandbox does not work here (a trusted plugin); it is still flagged unsandboxed. "
            + "Without it such a run is recorded but not ranked."))
    var allowUnsandboxed = false

    @Option(help: ArgumentHelp("The set's pool file, to regenerate pseudo-experiments that are not stored in the directory "
                               + "(default: the challenge's simulated evaluation pool).", valueName: "file"))
    var pool: String?

    @Option(name: .customLong("training-pool"), help: ArgumentHelp(
        "The pool estimators train on (pool, Parquet or CSV file; default: the challenge's simulated training pool).", valueName: "file"))
    var trainingPool: String?

    @Option(help: ArgumentHelp(
        "The run's seed: the order of pseudo-experiments, the statefulness sample and the fitting randomness "
            + "(the pseudo-experiments have their own, in the set's manifest). A run resumes only with the same seed.",
        valueName: "seed"))
    var seed: UInt64 = 0

    @Option(name: .customLong("save-fit"), help: ArgumentHelp(
        "Only fit the estimator (as this evaluation would) and save the fit in this new directory, for --fitted; "
            + "writes no database. Fit once, then evaluate the shards of a cluster run with --fitted.",
        valueName: "dir"))
    var saveFit: String?

    @Option(help: ArgumentHelp(
        "Load the fit saved by --save-fit instead of fitting (a plugin's model; a built-in's training results). "
            + "Refused unless it was made for this submission, challenge, training pool and --seed.",
        valueName: "dir"))
    var fitted: String?

    @Option(help: ArgumentHelp(
        "A further path a plugin must never see (repeatable), besides the database, the sets, the truths and a saved fit "
            + "(e.g. the work directory of a cluster run, with the other shards' files).",
        valueName: "path"))
    var hide: [String] = []

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var evaluation: EvaluationArguments
    @OptionGroup var pluginLimits: PluginLimitOptions
    @OptionGroup var store: DatabaseOptions

    func validate() throws {
        let chosen = [estimator, plugin, command, fairUniverse].compactMap { $0 }
        guard chosen.count == 1 else {
            throw ValidationError("Name exactly one estimator: --estimator NAME, --plugin PATH, --command \"CMD\" or --fair-universe DIR"
                + (chosen.isEmpty ? "." : " (got \(chosen.count))."))
        }
        if let name, name.isEmpty { throw ValidationError("--name needs a non-empty submission name.") }
        if let codeHash, codeHash.isEmpty { throw ValidationError("--code-hash needs a non-empty text.") }
        if python != nil, fairUniverse == nil {
            throw ValidationError("--python is the interpreter of a --fair-universe submission; give --fair-universe DIR too.")
        }
        if codeHash != nil, estimator != nil {
            throw ValidationError("--code-hash is for plugins; a built-in's version is the harness's.")
        }
        if saveFit != nil, fitted != nil { throw ValidationError("--save-fit makes a fit and --fitted loads one: give one of them.") }
        if saveFit != nil, evaluation.shard != nil { throw ValidationError("--save-fit only fits; --shard is for the evaluations that load it.") }
    }

    func run() throws {
        // Everything that can be refused is checked before the database is created.
        let setsURL = URL(fileURLWithPath: sets)
        let directory = try SetDirectory.open(setsURL)
        let truthsURL = truths.map { URL(fileURLWithPath: $0) }
        let keys = try directory.keys(truths: truthsURL)
        let builtin = try estimator.map { try EstimatorRegistry.builtin(named: $0) }
        let parts = try data.selections(pool: self.pool, trainingPool: trainingPool, spec: directory.manifest.spec)
        let pool: PreparedPool? = directory.isMaterialized
            ? nil : try ChallengePools.evaluation(file: parts?.evaluation.url ?? self.pool.map { URL(fileURLWithPath: $0) },
                                                  for: directory, keys: keys, part: parts?.evaluation.part ?? .all,
                                                  sumWeights: parts?.evaluation.sumWeights)
        let training = try self.training.load(file: parts?.training.url ?? trainingPool.map { URL(fileURLWithPath: $0) },
                                               spec: directory.manifest.spec, part: parts?.training.part ?? .all,
                                               sumWeights: parts?.training.sumWeights)
        let source = try SetDirectorySource.open(directory, keys: keys, pool: pool, trainingPool: training)
        var contestant: Contestant
        if let builtin {
            contestant = Contestant(builtin, name: name)
        } else {
            // The sandbox hides the database (created below, before the plugin starts), the sets and truths.
            // A saved fit's directory too: the workers get a copy of its model only.
            let policy = SandboxPolicy(mode: sandbox,
                                       hiddenPaths: PluginSubmission.hiddenPaths(database: saveFit == nil ? store.path : nil, sets: setsURL)
                                           + (truthsURL.map { [$0.standardizedFileURL.path] } ?? [])
                                           + ([saveFit, fitted].compactMap { $0 } + hide).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                                               .filter { FileManager.default.fileExists(atPath: $0) })
            let submission: PluginSubmission
            if let fairUniverse {
                submission = try FairUniverseSubmission(directory: fairUniverse, python: python ?? "python3", name: name, codeHash: codeHash,
                                                        sandbox: policy, allowUnsandboxed: allowUnsandboxed,
                                                        limits: try pluginLimits.limits()).pluginSubmission()
            } else {
                let program: ProcessEstimator.Program = plugin.map { .executable(path: $0, arguments: []) } ?? .shell(command ?? "")
                submission = PluginSubmission(program: program, name: name, codeHash: codeHash, sandbox: policy,
                                              allowUnsandboxed: allowUnsandboxed, limits: try pluginLimits.limits())
            }
            contestant = try submission.contestant(options: try evaluation.options(seed: seed))
            // Every unconfined run says so on stderr, in one line, whatever --no-progress says.
            if let flag = contestant.runFlags.first(where: { $0.kind == RunFlag.unsandboxed || $0.kind == RunFlag.unsandboxedAllowed }) {
                let status = sandbox == .disabled ? SandboxStatus.disabled : SandboxStatus.detected
                let verdict = flag.excludesFromRanking
                    ? "the run is flagged unsandboxed and not ranked (pass --allow-unsandboxed for a trusted plugin)"
                    : "the run is flagged unsandboxed (ranked: the organiser opted out)"
                let said = status.description.replacingOccurrences(of: "\n", with: " ")
                let sentence = said.hasSuffix(".") ? String(said.dropLast()) : said
                Terminal.error("warning: \(sentence); \(verdict).")
            }
        }
        if let saveFit {
            let record = try EvaluationRunner.saveFit(contestant, source: source, options: try evaluation.options(seed: seed),
                                                      to: URL(fileURLWithPath: saveFit))
            let what = record.plugin.map { "the model of plugin \(TerminalText.escapedField($0.name)) \(TerminalText.escapedField($0.version)) (digest \($0.modelSHA256.prefix(12)))" }
                ?? record.artifacts.map { "its \($0.results) training results (\($0.bytes) bytes), which every shard preloads" }
                ?? "the fit's identity"
            print("\(TerminalText.escapedField(contestant.submission.name)): "
                + (record.failure.map { "the fit FAILED (\(TerminalText.escapedField($0))); saved, so that every shard records it" }
                    ?? "fitted in \(String(format: "%.2f", record.fitSeconds)) s")
                + "; saved \(what) in \(saveFit). Evaluate with --fitted \(saveFit).")
            return
        }
        if let fitted {
            let saved = try SavedFitDirectory(URL(fileURLWithPath: fitted))
            try saved.check(for: contestant, source: source, options: try evaluation.options(seed: seed))
            contestant.savedFit = saved
        }
        let writer = try store.open(.create)
        let report = try evaluation.evaluate([contestant], on: source, store: writer, seed: seed)
        if report.interrupted { throw ExitCode(130) }
    }
}

extension SandboxPolicy.Mode: ExpressibleByArgument {}
