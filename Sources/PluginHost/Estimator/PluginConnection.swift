import Foundation

/// One conversation with one plugin process: sending and receiving protocol messages with
/// deadlines, turning every way it can go wrong into a ``PluginError``.
///
/// After any error that leaves the process in an unknown state (see
/// ``PluginError/requiresRestart``) the process has been killed and the connection is dead.
/// When the memory watchdog killed it, that is the error reported
/// (``PluginError/memoryLimitExceeded(phase:usedBytes:limitBytes:stderr:)``), whatever the
/// connection saw of the death: a closed stdout, SIGKILL, or a timeout that raced it.
final class PluginConnection {
    let process: ChildProcess
    private(set) var isAlive = true
    /// The plugin's `hello`: its name and version.
    private(set) var pluginName = ""
    private(set) var pluginVersion = ""
    /// The protocol version the plugin's `hello` chose (one of ``PluginProtocol/supportedVersions``).
    private(set) var protocolVersion = 1
    /// The phase of the last message sent or awaited: that of a memory overrun.
    private var phase = PluginError.Phase.start

    init(process: ChildProcess) {
        self.process = process
    }

    deinit {
        if isAlive { process.kill() }
    }

    /// Waits for the plugin's `hello` and checks its protocol version.
    func handshake(seconds: Double) throws {
        let hello = try receive(phase: .start, seconds: seconds)
        guard hello.type == "hello" else {
            throw fail(.unexpectedMessage(phase: .start, expected: "a \"hello\" message first", got: hello.summary))
        }
        guard let version = hello.protocol else {
            throw fail(.malformedMessage(phase: .start, type: "hello", detail: "it has no \"protocol\" version"))
        }
        guard let chosen = PluginProtocol.supportedVersions.first(where: { version == .number(Double($0)) }) else {
            throw fail(.wrongProtocolVersion(found: version.text, supported: PluginProtocol.version))
        }
        protocolVersion = chosen
        pluginName = hello.name ?? ""
        pluginVersion = hello.version ?? ""
    }

    /// Sends one message line.
    func send(_ line: [UInt8], phase: PluginError.Phase, seconds: Double) throws {
        self.phase = phase
        guard isAlive else { throw explained(.exited(phase: phase, status: "had already stopped", stderr: "")) }
        if !process.channel.send(line, deadline: Deadline(secondsFromNow: seconds)) {
            // The plugin closed its stdin or stopped reading: find out how it ended.
            throw fail(ended(phase: phase))
        }
    }

    /// The next message, within `seconds`.
    func receive(phase: PluginError.Phase, seconds: Double) throws -> PluginMessage {
        self.phase = phase
        guard isAlive else { throw explained(.exited(phase: phase, status: "had already stopped", stderr: "")) }
        switch process.channel.readLine(deadline: Deadline(secondsFromNow: seconds)) {
        case let .line(bytes):
            do {
                return try PluginMessage.decode(bytes, phase: phase, stderr: { self.process.stderrTail() })
            } catch let error as PluginError {
                throw fail(error)
            }
        case let .closed(partial):
            if !partial.isEmpty {
                // Bytes without a newline before the end: show them, they are usually the clue.
                throw fail(.notAMessage(phase: phase, firstBytes: PluginError.excerpt(partial) + " and then it closed stdout",
                                        stderr: process.stderrTail()))
            }
            throw fail(ended(phase: phase))
        case .timedOut:
            process.kill()
            isAlive = false
            throw explained(.timedOut(phase: phase, seconds: seconds, stderr: process.stderrTail()))
        case let .tooLong(prefix):
            throw fail(.lineTooLong(phase: phase, limit: PluginProtocol.maximumLineBytes,
                                    firstBytes: PluginError.excerpt(prefix)))
        }
    }

    /// Asks the plugin to exit, waits `seconds` at most, then kills it.
    func shutdown(seconds: Double = 2) {
        guard isAlive else { return }
        _ = process.channel.send(PluginProtocol.line(PluginProtocol.Shutdown()), deadline: Deadline(secondsFromNow: 0.5))
        if process.waitForExit(seconds: seconds) == nil { process.kill() }
        isAlive = false
    }

    /// Kills the process (if `error` requires it) and returns `error`, for `throw fail(...)`.
    func fail(_ error: PluginError) -> PluginError {
        if error.requiresRestart && isAlive {
            process.kill()
            isAlive = false
        }
        return explained(error)
    }

    /// `error`, or the memory overrun when the watchdog killed the process (then it is the
    /// cause of whatever the connection saw).
    private func explained(_ error: PluginError) -> PluginError {
        guard error.requiresRestart, let overrun = process.memoryOverrun else { return error }
        if isAlive {
            process.kill()
            isAlive = false
        }
        return .memoryLimitExceeded(phase: phase, usedBytes: overrun.usedBytes, limitBytes: overrun.limitBytes,
                                    stderr: process.stderrTail())
    }

    /// The error for a plugin whose stdout closed: its exit status once it has exited.
    private func ended(phase: PluginError.Phase) -> PluginError {
        let status = process.waitForExit(seconds: 2) ?? process.kill()
        isAlive = false
        return explained(.exited(phase: phase, status: status.description, stderr: process.stderrTail()))
    }
}
