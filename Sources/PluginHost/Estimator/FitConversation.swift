import Foundation
import PseudoExperiments

/// The `fit` phase: one plugin process, the training pool, and the transforms it asks for.
///
/// ```
/// host:   {"type":"fit","spec":{...},"features":[...],"training":{"path":..,"rows":N},"model_dir":..,"seed":S}
/// plugin: {"type":"transform","id":1,"nuisances":{"tes":1.01},"apply_cuts":true,"seed":7}   (any number)
/// host:   {"type":"transformed","id":1,"events":{"path":..,"rows":M}}
/// plugin: {"type":"discard","id":1}          host: {"type":"discarded","id":1}
/// plugin: {"type":"fitted"}                  host: {"type":"shutdown"}
/// ```
/// Transforms with soft-MET noise draw it from the request's `seed` when given, else from the
/// training context's generator in request order; both are reproducible.
struct FitConversation {
    let launcher: PluginLauncher
    let exchange: ExchangeDirectory
    let limits: PluginLimits

    /// Runs the fit; returns the plugin's name and version from its `hello`.
    func run(_ context: inout TrainingContext) throws -> (name: String, version: String) {
        let poolPath = exchange.training + "/pool.events"
        try PluginEventFile.write(context.pool, to: URL(fileURLWithPath: poolPath))
        let requestsDir = try exchange.requestsDirectory("fit")
        let requests = EventTransformRequests(directory: requestsDir, budgetBytes: limits.requestBytes)
        defer { try? FileManager.default.removeItem(atPath: requestsDir) }
        let process = try launcher.launch(readOnly: [exchange.training], writable: [exchange.model, requestsDir],
                                          log: exchange.logFile("fit"))
        let connection = PluginConnection(process: process)
        try connection.handshake(seconds: limits.startupSeconds)
        let deadline = Deadline(secondsFromNow: limits.fitSeconds)
        func remaining() -> Double { Double(deadline.remainingMilliseconds) / 1000 }
        let version = connection.protocolVersion
        let fit = PluginProtocol.Fit(protocol: version, features: PluginProtocol.featureNames,
                                     training: .init(path: poolPath, rows: context.pool.count),
                                     modelDir: exchange.model, seed: context.rng.next(),
                                     requestsDir: version >= 2 ? requestsDir : nil)
        try connection.send(PluginProtocol.line(fit, spec: context.spec), phase: .fit, seconds: remaining())

        var transformed: [Int: String] = [:]
        while true {
            let message = try connection.receive(phase: .fit, seconds: max(remaining(), 0.001))
            switch message.type {
            case "transform":
                let id = try requestID(message, connection: connection)
                let shift = try self.shift(of: message, connection: connection)
                var noise = message.seed.map { SeededGenerator(seed: $0) } ?? context.rng
                let table = context.transformedPool(at: shift, noise: &noise)
                if message.seed == nil { context.rng = noise }
                let path = exchange.training + "/transformed-\(id).events"
                try PluginEventFile.write(table, to: URL(fileURLWithPath: path))
                transformed[id] = path
                let reply = PluginProtocol.Transformed(id: id, events: .init(path: path, rows: table.count))
                try connection.send(PluginProtocol.line(reply), phase: .fit, seconds: max(remaining(), 0.001))
            case "transform_events" where version >= 2:
                let reply: [UInt8]
                do { reply = try requests.reply(to: message, phase: .fit) } catch let error as PluginError { throw connection.fail(error) }
                try connection.send(reply, phase: .fit, seconds: max(remaining(), 0.001))
            case "discard":
                let id = try requestID(message, connection: connection)
                if let path = transformed.removeValue(forKey: id) { try? FileManager.default.removeItem(atPath: path) }
                try connection.send(PluginProtocol.line(PluginProtocol.Discarded(id: id)), phase: .fit,
                                    seconds: max(remaining(), 0.001))
            case "fitted":
                connection.shutdown()
                for path in transformed.values { try? FileManager.default.removeItem(atPath: path) }
                try? FileManager.default.removeItem(atPath: poolPath)
                exchange.trimLogs(keepingLast: limits.logBytes)
                let modelSize = exchange.modelBytes()
                if modelSize > limits.modelBytes {
                    throw PluginError.modelTooLarge(bytes: modelSize, limit: limits.modelBytes)
                }
                return (connection.pluginName, connection.pluginVersion)
            case "error":
                throw connection.fail(.reportedError(phase: .fit, message: message.message ?? "(no message)"))
            default:
                let expected = version >= 2 ? "\"transform\", \"transform_events\", \"discard\", \"fitted\" or \"error\""
                                            : "\"transform\", \"discard\", \"fitted\" or \"error\""
                throw connection.fail(.unexpectedMessage(phase: .fit, expected: expected, got: message.summary))
            }
        }
    }

    private func requestID(_ message: PluginMessage, connection: PluginConnection) throws -> Int {
        guard let id = message.id else {
            throw connection.fail(.malformedMessage(phase: .fit, type: message.type, detail: "it has no integer \"id\""))
        }
        return id
    }

    /// The systematic shift a transform request asks for (see ``TransformRequest/shift(nuisances:applyCuts:)``);
    /// a request the harness cannot serve fails the fit.
    private func shift(of message: PluginMessage, connection: PluginConnection) throws -> SystematicShift {
        do {
            return try TransformRequest.shift(nuisances: message.nuisances ?? [:], applyCuts: message.applyCuts ?? true)
        } catch let TransformRequest.Problem.refused(reason) {
            throw connection.fail(.invalidRequest(detail: "transform request \(message.id ?? -1): \(reason)"))
        }
    }
}
