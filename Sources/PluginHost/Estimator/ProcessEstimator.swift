import Foundation
import PseudoExperiments

/// An estimator that runs as a separate process and speaks the plugin protocol: how submissions
/// in any language (and Swift submissions, through the `FairUQPlugin` client) are evaluated.
///
/// ``fit(_:)`` writes the training pool to a memory-mappable file, starts the plugin, sends it
/// the spec and the file, serves its requests for the training pool transformed at nuisance
/// values of its choice, and waits until it has saved its model in the model directory. The
/// fitted estimator (``FittedProcessEstimator``) then keeps a pool of worker processes, each of
/// which loads that model once, and hands every pseudo-experiment to an idle worker as one
/// event file. A plugin that crashes, hangs, or writes anything but protocol messages fails the
/// pseudo-experiment at hand with the reason and is replaced; nothing it does can take the
/// harness down. See `datasets-spec/plugin-protocol-v1.md`.
///
/// ```swift
/// let plugin = ProcessEstimator(
///     command: "PYTHONPATH=clients/python python3 examples/python-estimator/estimator.py",
///     limits: PluginLimits(estimateSeconds: 30),
///     sandbox: SandboxPolicy(hiddenPaths: ["leaderboard.sqlite", "sets/"]))
/// var context = TrainingContext(spec: spec, pool: trainingPool, rng: rng)
/// let fitted = try plugin.fit(&context)
/// let estimate = try fitted.estimate(view, using: &peRNG)
/// ```
///
/// Linux only (bubblewrap, `/dev/shm`, `vfork`).
public struct ProcessEstimator: Estimator, Sendable {
    /// What to run.
    public enum Program: Sendable, Equatable {
        /// An executable file (with a `#!` line if it is a script) and its arguments.
        case executable(path: String, arguments: [String])
        /// A command line run by `/bin/sh -c`.
        case shell(String)
    }

    public var program: Program
    public var name: String
    public var version: String
    public var limits: PluginLimits
    public var sandbox: SandboxPolicy
    /// The plugin's working directory (default: the harness's); relative paths in the command
    /// are taken from here.
    public var workingDirectory: String
    /// Environment variables added to the plugin's (minimal) environment.
    public var environment: [String: String]
    /// Where the exchange directory is created (default: `/dev/shm` when writable, else the
    /// temporary directory). It is removed when the fitted estimator is released.
    public var exchangeParent: String?
    /// Where the plugin's stderr logs are kept; nil: in the exchange directory (removed with it).
    public var logDirectory: String?

    /// A plugin started from an executable file; `name` defaults to the file's name.
    public init(executable path: String, arguments: [String] = [], name: String? = nil, version: String = "1",
                limits: PluginLimits = PluginLimits(), sandbox: SandboxPolicy = SandboxPolicy()) {
        self.program = .executable(path: path, arguments: arguments)
        self.name = name ?? ((path as NSString).lastPathComponent as String)
        self.version = version
        self.limits = limits
        self.sandbox = sandbox
        self.workingDirectory = PathLookup.currentDirectory
        self.environment = [:]
        self.exchangeParent = nil
        self.logDirectory = nil
    }

    /// A plugin started by a shell command; `name` defaults to the command.
    public init(command: String, name: String? = nil, version: String = "1",
                limits: PluginLimits = PluginLimits(), sandbox: SandboxPolicy = SandboxPolicy()) {
        self.program = .shell(command)
        self.name = name ?? command
        self.version = version
        self.limits = limits
        self.sandbox = sandbox
        self.workingDirectory = PathLookup.currentDirectory
        self.environment = [:]
        self.exchangeParent = nil
        self.logDirectory = nil
    }

    /// The sandbox plugins of this estimator will run in (probing bubblewrap once per process).
    public var sandboxStatus: SandboxStatus {
        switch sandbox.mode {
        case .disabled: return .disabled
        case .automatic, .required: return SandboxStatus.detected
        }
    }

    /// Starts the plugin, trains it, and returns the pool of workers that estimate.
    public func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        try fitProcesses(&context)
    }

    /// ``fit(_:)`` with the concrete type, for callers that want the incidents and statistics.
    public func fitProcesses(_ context: inout TrainingContext) throws -> FittedProcessEstimator {
        if let problem = limits.problem { throw PluginError.invalidRequest(detail: "bad limits: \(problem)") }
        let launcher = try PluginLauncher(estimator: self)
        let exchange = try ExchangeDirectory(parent: exchangeParent, logDirectory: logDirectory)
        let fitted = try FitConversation(launcher: launcher, exchange: exchange, limits: limits).run(&context)
        let pool = FittedProcessEstimator(launcher: launcher, exchange: exchange, limits: limits, spec: context.spec,
                                          pluginName: fitted.name, pluginVersion: fitted.version)
        // Start one worker now, so that a plugin whose model cannot be loaded fails the fit.
        try pool.warmUp()
        return pool
    }

    /// The fitted estimator from a model saved after an earlier fit (``FittedProcessEstimator/saveModel(to:)``),
    /// without fitting: the saved tree is copied into a new exchange directory's model directory
    /// and workers load it as after a fit (one is started now, so that a model that cannot be
    /// loaded fails here). `pluginName` and `pluginVersion` are the ones the fit's `hello` said.
    public func loadProcesses(savedModel: String, spec: ChallengeSpec, pluginName: String,
                              pluginVersion: String) throws -> FittedProcessEstimator {
        if let problem = limits.problem { throw PluginError.invalidRequest(detail: "bad limits: \(problem)") }
        let launcher = try PluginLauncher(estimator: self)
        let exchange = try ExchangeDirectory(parent: exchangeParent, logDirectory: logDirectory)
        try ModelDirectory.copy(from: savedModel, to: exchange.model)
        let pool = FittedProcessEstimator(launcher: launcher, exchange: exchange, limits: limits, spec: spec,
                                          pluginName: pluginName, pluginVersion: pluginVersion)
        try pool.warmUp()
        return pool
    }
}
