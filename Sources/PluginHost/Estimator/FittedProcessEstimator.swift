import Foundation
import PseudoExperiments

/// A fitted out-of-process estimator: a pool of worker processes that estimate concurrently.
///
/// `estimate` may be called from many threads at once (the runner does): each call takes an
/// idle worker, or starts a new one while fewer than ``PluginLimits/workers`` exist, or waits
/// for one to become idle (blocking the calling thread: call it from about `workers` threads).
/// So at most `workers` pseudo-experiments are in flight and each worker process handles one
/// at a time; a worker's event file is rewritten for each.
///
/// Failures fail the pseudo-experiment at hand with a ``PluginError`` (its description is the
/// reason to record) and never another one. A worker whose process crashed, hung or broke the
/// protocol is started again for its next pseudo-experiment and loads the model again; at most
/// ``PluginLimits/maxRestarts`` such restarts happen over the estimator's life, after which
/// dead workers stay dead and their pseudo-experiments fail with
/// ``PluginError/restartLimitReached(limit:lastFailure:)``. ``incidents`` lists what happened.
///
/// The per-pseudo-experiment seed sent to the plugin is the first value drawn from the `rng`
/// the runner passes (a sealed seed, unrelated to the truth's seeds). Request ids are random
/// (53 bits from the operating system's generator): a counter would tell a worker how many
/// pseudo-experiments came before, and so where in the run order it is.
///
/// Worker processes end when ``shutdown()`` is called or the estimator is released; the
/// exchange directory is removed then.
public final class FittedProcessEstimator: FittedEstimator, @unchecked Sendable {
    /// The name and version the plugin announced in its `hello`.
    public let pluginName: String
    public let pluginVersion: String
    /// The sandbox the plugin's processes run in.
    public var sandboxStatus: SandboxStatus { launcher.status }

    private let launcher: PluginLauncher
    private let exchange: ExchangeDirectory
    private let limits: PluginLimits
    private let spec: ChallengeSpec
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var idle: [PluginWorker] = []
    private var all: [PluginWorker] = []
    private var restarts = 0
    private var issuedIDs = Set<Int>()
    private var recorded: [PluginIncident] = []
    private var isShutDown = false

    /// Incidents kept at most (the oldest are dropped after; ``incidentCount`` counts all).
    public static let incidentLimit = 1000
    private var totalIncidents = 0

    init(launcher: PluginLauncher, exchange: ExchangeDirectory, limits: PluginLimits, spec: ChallengeSpec,
         pluginName: String, pluginVersion: String) {
        self.launcher = launcher
        self.exchange = exchange
        self.limits = limits
        self.spec = spec
        self.pluginName = pluginName
        self.pluginVersion = pluginVersion
    }

    deinit { shutdown() }

    public func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
        let seed = rng.next()
        let (worker, id) = try acquire()
        defer {
            exchange.trimLogs(keepingLast: limits.logBytes)
            release(worker)
        }
        do {
            if !worker.isRunning { try start(worker) }
            return try worker.estimate(view, seed: seed, id: id, limits: limits)
        } catch let error as PluginError {
            record(error, worker: worker.index)
            throw error
        }
    }

    /// What went wrong so far, oldest first (at most ``incidentLimit``).
    public var incidents: [PluginIncident] {
        condition.lock(); defer { condition.unlock() }
        return recorded
    }

    /// How many incidents happened in all.
    public var incidentCount: Int {
        condition.lock(); defer { condition.unlock() }
        return totalIncidents
    }

    /// Replacement processes started after failures.
    public var restartCount: Int {
        condition.lock(); defer { condition.unlock() }
        return restarts
    }

    /// Stops every worker (waiting for those busy with a pseudo-experiment) and removes the
    /// exchange files. Later calls to `estimate` fail.
    public func shutdown() {
        condition.lock()
        isShutDown = true
        while idle.count < all.count { condition.wait() }
        let workers = all
        all = []
        idle = []
        condition.unlock()
        for worker in workers { worker.stop() }
    }

    /// Copies the fitted model (the model directory as the fit left it) into the existing,
    /// empty directory `directory`, for ``ProcessEstimator/loadProcesses(savedModel:spec:pluginName:pluginVersion:)``;
    /// returns the tree's ``ModelDirectory/digest(of:)``.
    public func saveModel(to directory: String) throws -> String {
        try ModelDirectory.copy(from: exchange.model, to: directory)
        return try ModelDirectory.digest(of: directory)
    }

    /// Starts the first worker; its errors are the fit's.
    func warmUp() throws {
        let (worker, _) = try acquire()
        defer { release(worker) }
        try start(worker)
    }

    private func start(_ worker: PluginWorker) throws {
        if worker.starts > 0 {
            condition.lock()
            guard restarts < limits.maxRestarts else {
                let last = recorded.last(where: { $0.kind != .restartRefused })?.message ?? "(none recorded)"
                condition.unlock()
                throw PluginError.restartLimitReached(limit: limits.maxRestarts, lastFailure: last)
            }
            restarts += 1
            condition.unlock()
        }
        try worker.start(launcher: launcher, exchange: exchange, spec: spec, limits: limits)
    }

    private func acquire() throws -> (PluginWorker, Int) {
        condition.lock()
        defer { condition.unlock() }
        var entropy = SystemRandomNumberGenerator()
        var id = Int.random(in: 1..<(1 << 53), using: &entropy)
        while !issuedIDs.insert(id).inserted { id = Int.random(in: 1..<(1 << 53), using: &entropy) }
        while true {
            if isShutDown { throw PluginError.exited(phase: .estimate, status: "was shut down", stderr: "") }
            if let worker = idle.popLast() { return (worker, id) }
            if all.count < limits.workers {
                let worker = try PluginWorker(index: all.count, exchange: exchange, limits: limits)
                all.append(worker)
                return (worker, id)
            }
            condition.wait()
        }
    }

    private func release(_ worker: PluginWorker) {
        condition.lock()
        if all.contains(where: { $0 === worker }) { idle.append(worker) }
        condition.broadcast()
        condition.unlock()
    }

    private func record(_ error: PluginError, worker: Int) {
        condition.lock()
        recorded.append(PluginIncident(worker: worker, error: error))
        if recorded.count > FittedProcessEstimator.incidentLimit { recorded.removeFirst() }
        totalIncidents += 1
        condition.unlock()
    }
}
