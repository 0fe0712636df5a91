import Foundation
import PseudoExperiments

/// One worker process of a fitted plugin and the event file it reads pseudo-experiments from.
///
/// ```
/// host:   {"type":"load","spec":{...},"features":[...],"model_dir":".."}    plugin: {"type":"ready"}
/// host:   {"type":"estimate","id":7,"events":{"path":"..","rows":R},"seed":S}
/// plugin: {"type":"estimate","id":7,"p16":..,"p84":..}   or   {"type":"error","id":7,"message":".."}
/// ```
/// The event file is created once and rewritten in place for every pseudo-experiment (see
/// ``MappedFile``). Used by one thread at a time (the pool hands it out).
final class PluginWorker {
    let index: Int
    private let directory: String
    private let events: MappedFile
    private let requests: EventTransformRequests
    private(set) var connection: PluginConnection?
    /// Processes started for this worker so far.
    private(set) var starts = 0
    /// The spec's confidence level: the level of p16 and p84, which `intervals` may not repeat.
    private var primaryLevel = Double.nan   // set by start(...)

    init(index: Int, exchange: ExchangeDirectory, limits: PluginLimits) throws {
        self.index = index
        directory = try exchange.workerDirectory(index)
        events = try MappedFile(url: URL(fileURLWithPath: directory + "/pseudo-experiment.events"))
        requests = EventTransformRequests(directory: try exchange.requestsDirectory("worker-\(index)"),
                                          budgetBytes: limits.requestBytes)
    }

    var isRunning: Bool { connection?.isAlive == true }

    /// Starts a process and has it load the fitted model.
    func start(launcher: PluginLauncher, exchange: ExchangeDirectory, spec: ChallengeSpec, limits: PluginLimits) throws {
        connection = nil
        starts += 1
        requests.clear()
        primaryLevel = spec.confidenceLevel
        let process = try launcher.launch(readOnly: [exchange.model, directory], writable: [requests.directory],
                                          log: exchange.logFile("worker-\(index)"))
        let connection = PluginConnection(process: process)
        try connection.handshake(seconds: limits.startupSeconds)
        let version = connection.protocolVersion
        let load = PluginProtocol.Load(protocol: version, features: PluginProtocol.featureNames, modelDir: exchange.model,
                                       requestsDir: version >= 2 ? requests.directory : nil)
        try connection.send(PluginProtocol.line(load, spec: spec), phase: .load, seconds: limits.loadSeconds)
        let reply = try connection.receive(phase: .load, seconds: limits.loadSeconds)
        switch reply.type {
        case "ready":
            self.connection = connection
        case "error":
            connection.shutdown(seconds: 0.5)
            throw PluginError.reportedError(phase: .load, message: reply.message ?? "(no message)")
        default:
            throw connection.fail(.unexpectedMessage(phase: .load, expected: "\"ready\" or \"error\"", got: reply.summary))
        }
    }

    /// Sends one pseudo-experiment and returns the checked estimate. After an error that
    /// leaves the process in an unknown state the worker has no process (``isRunning`` false).
    func estimate(_ view: SealedView, seed: UInt64, id: Int, limits: PluginLimits) throws -> Estimate {
        guard let connection, connection.isAlive else {
            throw PluginError.exited(phase: .estimate, status: "is not running", stderr: "")
        }
        defer {
            if !connection.isAlive { self.connection = nil }
            requests.clear()
        }
        try PluginEventFile.write(view, into: events)
        let request = PluginProtocol.Estimate(id: id, events: .init(path: events.url.path, rows: view.count), seed: seed)
        let deadline = Deadline(secondsFromNow: limits.estimateSeconds)
        func remaining() -> Double { max(Double(deadline.remainingMilliseconds) / 1000, 0.001) }
        try connection.send(PluginProtocol.line(request), phase: .estimate, seconds: limits.estimateSeconds)
        var reply = try connection.receive(phase: .estimate, seconds: remaining())
        // Version 2: rows of its own through the systematics transform, any number of times.
        while reply.type == "transform_events", connection.protocolVersion >= 2 {
            let answer: [UInt8]
            do { answer = try requests.reply(to: reply, phase: .estimate) } catch let error as PluginError { throw connection.fail(error) }
            try connection.send(answer, phase: .estimate, seconds: remaining())
            reply = try connection.receive(phase: .estimate, seconds: remaining())
        }
        switch reply.type {
        case "estimate" where reply.id == id:
            return try reply.checkedEstimate(protocolVersion: connection.protocolVersion, primaryLevel: primaryLevel)
        case "error" where reply.id == id || reply.id == nil:
            throw PluginError.reportedError(phase: .estimate, message: reply.message ?? "(no message)")
        default:
            let got = reply.id.map { "\(reply.summary) for request \($0)" } ?? "\(reply.summary) without an id"
            throw connection.fail(.unexpectedMessage(phase: .estimate,
                                                     expected: "an \"estimate\" or \"error\" reply to request \(id)", got: got))
        }
    }

    /// Asks the process to exit (then kills it if it does not).
    func stop() {
        connection?.shutdown(seconds: 1)
        connection = nil
    }
}
