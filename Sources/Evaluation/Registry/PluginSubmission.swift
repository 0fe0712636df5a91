import Foundation
import PluginHost
import PseudoExperiments
import Scoring

/// A submitted estimator that runs as a separate process (``ProcessEstimator``), as the runner
/// evaluates it: an `entry` of the leaderboard whose code hash is computed from its files.
///
/// The code hash identifies a version of the submission (a new hash is a new version; an
/// unfinished run resumes only with the same hash):
/// ```
/// executable:  SHA256("fair-uq-bench plugin v1\nexecutable\n" + SHA256(file) + "\n" + arguments, one per line)
/// command:     SHA256("fair-uq-bench plugin v1\ncommand\n" + command + "\n"
///                     + for each word of the command that names a regular file, in order:
///                       word + " " + SHA256(file) + "\n")
/// ```
/// so that editing a script named on the command line is a new version. Files a plugin reads
/// without naming them (modules, model weights) are not hashed: pass `codeHash` (e.g. a git
/// commit) for those.
///
/// The truth never reaches the process: the runner hands it views only, and the sandbox hides
/// the leaderboard database, the set directory (its manifest holds the root seed) and the
/// truths file (``hiddenPaths(database:sets:)``).
public struct PluginSubmission: Sendable {
    public var program: ProcessEstimator.Program
    /// The submission name (default: the executable's file name, or the command).
    public var name: String?
    public var version: String
    /// Overrides the computed code hash.
    public var codeHash: String?
    public var sandbox: SandboxPolicy
    /// The organiser vouches for the plugin: when the sandbox does not work (automatic mode)
    /// the run is flagged ``RunFlag/unsandboxedAllowed`` and ranked, instead of
    /// ``RunFlag/unsandboxed`` and left unranked.
    public var allowUnsandboxed: Bool
    /// The plugin host's limits (memory, CPU, files, restarts); ``contestant(options:)`` sets
    /// the times and the number of workers from the runner's options.
    public var limits: PluginLimits

    public init(program: ProcessEstimator.Program, name: String? = nil, version: String = "1", codeHash: String? = nil,
                sandbox: SandboxPolicy = SandboxPolicy(), allowUnsandboxed: Bool = false, limits: PluginLimits = PluginLimits()) {
        self.program = program
        self.name = name
        self.version = version
        self.codeHash = codeHash
        self.sandbox = sandbox
        self.allowUnsandboxed = allowUnsandboxed
        self.limits = limits
    }

    /// The flag an unconfined run gets, or nil when the plugin will run in the sandbox; throws
    /// ``PluginError/sandboxUnavailable(reason:)`` for a required sandbox that does not work, so
    /// that the refusal comes before any run begins (nothing is recorded).
    ///
    /// Fails closed: an unconfined plugin could have read every file the harness can, so its run
    /// is ranked only on an explicit opt-out (`--sandbox disabled`, or ``allowUnsandboxed``).
    public func sandboxFlag(status: SandboxStatus) throws -> RunFlag? {
        switch status {
        case .bubblewrap:
            return nil
        case .disabled:
            return RunFlag(kind: RunFlag.unsandboxedAllowed,
                           detail: "the sandbox was turned off (--sandbox disabled): the plugin ran with the harness's permissions, trusted by the organiser")
        case let .unavailable(reason):
            if sandbox.mode == .required { throw PluginError.sandboxUnavailable(reason: reason) }
            return allowUnsandboxed
                ? RunFlag(kind: RunFlag.unsandboxedAllowed,
                          detail: "no sandbox (\(reason)); ranked because the organiser passed --allow-unsandboxed")
                : RunFlag(kind: RunFlag.unsandboxed,
                          detail: "no sandbox (\(reason)): the plugin could read every file the harness can, truths included; "
                              + "not ranked (install bubblewrap, or pass --allow-unsandboxed for a trusted plugin)")
        }
    }

    /// The contestant, with ``limits`` and the times taken from the runner's: the fit gets the
    /// start-up limit, each estimate the per-pseudo-experiment limit (the host kills a process
    /// that exceeds them), one worker process per job.
    ///
    /// - Throws: ``EvaluationError/pluginNotFound(path:)`` for an executable that does not exist;
    ///   ``PluginError/sandboxUnavailable(reason:)`` when the sandbox is required and does not work.
    public func contestant(options: EvaluationOptions) throws -> Contestant {
        var limits = self.limits
        limits.fitSeconds = options.startupTimeLimit
        limits.estimateSeconds = options.pseudoExperimentTimeLimit
        limits.workers = options.jobs
        let estimator = processEstimator(limits: limits)
        let flag = try sandboxFlag(status: estimator.sandboxStatus)
        let hash = try codeHash ?? Self.codeHash(of: program)
        var contestant = try Contestant(estimator, submission: Submission(name: estimator.name, kind: .entry, version: version,
                                                                          codeHash: hash))
        contestant.runFlags = flag.map { [$0] } ?? []
        return contestant
    }

    /// The process estimator that runs the program with `limits` (default: ``limits``), the
    /// sandbox policy and the submission's name.
    public func processEstimator(limits: PluginLimits? = nil) -> ProcessEstimator {
        let limits = limits ?? self.limits
        var estimator: ProcessEstimator
        switch program {
        case let .executable(path, arguments):
            estimator = ProcessEstimator(executable: path, arguments: arguments, name: name, version: version,
                                         limits: limits, sandbox: sandbox)
        case let .shell(command):
            estimator = ProcessEstimator(command: command, name: name, version: version, limits: limits, sandbox: sandbox)
        }
        estimator.name = name ?? estimator.name
        return estimator
    }

    /// The computed code hash of `program` (see the type's documentation).
    public static func codeHash(of program: ProcessEstimator.Program,
                                in directory: String = FileManager.default.currentDirectoryPath) throws -> String {
        var text = "fair-uq-bench plugin v1\n"
        switch program {
        case let .executable(path, arguments):
            let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
            guard isRegularFile(url.path) else { throw EvaluationError.pluginNotFound(path: url.path) }
            text += "executable\n" + (try SHA256.hash(fileAt: url)).hex + "\n"
            text += arguments.map { $0 + "\n" }.joined()
        case let .shell(command):
            text += "command\n" + command + "\n"
            for word in command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
                let value = word.split(separator: "=", maxSplits: 1).last.map(String.init) ?? word
                for candidate in value.split(separator: ":").map(String.init) {
                    let url = URL(fileURLWithPath: candidate, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
                    guard isRegularFile(url.path) else { continue }
                    text += candidate + " " + (try SHA256.hash(fileAt: url)).hex + "\n"
                }
            }
        }
        return SHA256.hash(Array(text.utf8)).hex
    }

    /// What a plugin must never see: the database (and its WAL files, which the plugin host
    /// adds), the set directory, and the set's truths file when it exists. The database must
    /// exist when the plugin starts (the runner creates it before fitting).
    public static func hiddenPaths(database: String?, sets: URL?) -> [String] {
        var paths = database.map { [$0] } ?? []
        if let sets {
            paths.append(sets.standardizedFileURL.path)
            let truths = TruthFile.defaultURL(forDirectory: sets).path
            if FileManager.default.fileExists(atPath: truths) { paths.append(truths) }
        }
        return paths
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
