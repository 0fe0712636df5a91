import Foundation

/// Why a plugin could not fit, load or estimate: every way an out-of-process estimator can fail.
///
/// Each case names the phase (start-up, fit, load, one pseudo-experiment) and carries what the
/// user needs to fix the plugin: its exit status, the first bytes of an unreadable line, its own
/// error message, and the last lines of its stderr log. The runner records the description as
/// the failure of the pseudo-experiment; the other pseudo-experiments are not affected.
public enum PluginError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Where in the conversation the failure happened.
    public enum Phase: String, Sendable, Equatable {
        case start = "start-up"
        case fit
        case load
        case estimate = "estimate"
        case shutdown
    }

    /// The process could not be started (missing executable, no permission, ...).
    case cannotStart(command: String, reason: String)
    /// The sandbox is required but does not work here.
    case sandboxUnavailable(reason: String)
    /// A path the plugin must see lies inside a path it must not see (or is one).
    case sandboxConflict(path: String, hidden: String)
    /// A directory mounted for the plugin holds more entries than the scan for secret files
    /// looks at (``SecretFiles/entryLimit``).
    case tooManyFilesToScan(path: String, limit: Int)
    /// The fitted model directory holds more than ``PluginLimits/modelBytes``.
    case modelTooLarge(bytes: Int, limit: Int)
    /// A path given for the plugin to read does not exist.
    case missingPath(String)
    /// The process ended (closed stdout) when a message was due.
    case exited(phase: Phase, status: String, stderr: String)
    /// No message arrived in time; the process was killed.
    case timedOut(phase: Phase, seconds: Double, stderr: String)
    /// The plugin's processes used more memory than ``PluginLimits/memoryBytes`` together and
    /// were killed (whatever else the host saw then: a closed stdout, SIGKILL, a timeout).
    case memoryLimitExceeded(phase: Phase, usedBytes: Int, limitBytes: Int, stderr: String)
    /// A line on stdout that is not a JSON object with a string `type` (garbage, log noise).
    case notAMessage(phase: Phase, firstBytes: String, stderr: String)
    /// A line longer than the protocol allows.
    case lineTooLong(phase: Phase, limit: Int, firstBytes: String)
    /// A well-formed message that is not one allowed at this point.
    case unexpectedMessage(phase: Phase, expected: String, got: String)
    /// A message of the right type with missing or unusable fields.
    case malformedMessage(phase: Phase, type: String, detail: String)
    /// The plugin speaks another protocol version.
    case wrongProtocolVersion(found: String, supported: Int)
    /// The plugin reported an error of its own (`{"type": "error", ...}`).
    case reportedError(phase: Phase, message: String)
    /// An estimate whose values the harness cannot accept (NaN, infinite, swapped bounds).
    case invalidEstimate(detail: String)
    /// A transform request the harness cannot serve.
    case invalidRequest(detail: String)
    /// The plugin failed so often that it is not started again.
    case restartLimitReached(limit: Int, lastFailure: String)
    /// A file of the exchange directory could not be created or written.
    case io(path: String, action: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotStart(command, reason):
            return "Could not start the plugin `\(command)`: \(reason). Check that the path exists and is executable (chmod +x, and a #! line for scripts), or pass the interpreter in the command."
        case let .sandboxUnavailable(reason):
            return "The plugin sandbox is required but does not work here: \(reason). Install bubblewrap (apt-get install bubblewrap) on a system that allows user namespaces, or run without requiring the sandbox."
        case let .modelTooLarge(bytes, limit):
            return "The plugin's fitted model takes \(bytes) bytes, more than the limit of \(limit) (PluginLimits.modelBytes). Save a smaller model (only what estimating needs), or raise the limit."
        case let .tooManyFilesToScan(path, limit):
            return "The plugin's directories (\(path)) hold more than \(limit) files and directories; the sandbox checks every one for truth files, databases and pools before mounting it. Put the plugin's files in a directory of their own and name only that one on its command line."
        case let .sandboxConflict(path, hidden):
            return "The plugin would see '\(path)', which contains or lies inside '\(hidden)', a path plugins must not see (the database or the truths). Move the plugin's files out of it."
        case let .missingPath(path):
            return "The path '\(path)' given for the plugin to read does not exist. Check the path (relative paths are taken from the plugin's working directory)."
        case let .exited(phase, status, stderr):
            return "The plugin \(status) during \(phase.rawValue) instead of answering." + PluginError.log(stderr)
        case let .timedOut(phase, seconds, stderr):
            return "The plugin did not answer within \(PluginError.format(seconds)) s during \(phase.rawValue) and was killed; raise the time limit if it needs longer." + PluginError.log(stderr)
        case let .memoryLimitExceeded(phase, used, limit, stderr):
            return "The plugin used \(PluginError.formatBytes(used)) of memory (proportional set size of its processes) during \(phase.rawValue), over the limit of \(PluginError.formatBytes(limit)) (PluginLimits.memoryBytes / --memory-limit), and was killed. Use less memory (smaller batches, float32, free what is no longer needed), or raise the limit." + PluginError.log(stderr)
        case let .notAMessage(phase, firstBytes, stderr):
            return "The plugin wrote a line on stdout during \(phase.rawValue) that is not a protocol message (a JSON object with a \"type\"): \(firstBytes). Stdout carries only protocol messages; write logs to stderr." + PluginError.log(stderr)
        case let .lineTooLong(phase, limit, firstBytes):
            return "The plugin wrote more than \(limit) bytes on stdout without a newline during \(phase.rawValue) (starting \(firstBytes)). Messages are single lines; write logs to stderr."
        case let .unexpectedMessage(phase, expected, got):
            return "The plugin sent \(PluginError.bounded(got)) during \(phase.rawValue) where the protocol expects \(expected) (see datasets-spec/plugin-protocol-v1.md)."
        case let .malformedMessage(phase, type, detail):
            return "The plugin's \"\(PluginError.bounded(type, limit: 80))\" message during \(phase.rawValue) is malformed: \(PluginError.bounded(detail)) (see datasets-spec/plugin-protocol-v1.md)."
        case let .wrongProtocolVersion(found, supported):
            return "The plugin speaks protocol version \(PluginError.bounded(found, limit: 80)), but this harness speaks versions 1 to \(supported). Update the plugin's client library to protocol \(supported) (datasets-spec/plugin-protocol-v1.md and -v\(supported).md)."
        case let .reportedError(phase, message):
            return "The plugin reported an error during \(phase.rawValue): \(PluginError.bounded(message))"
        case let .invalidEstimate(detail):
            return "The plugin returned an unusable estimate: \(PluginError.bounded(detail)). An estimate needs finite p16 <= p84 (and finite optional values)."
        case let .invalidRequest(detail):
            return "The plugin made a request the harness cannot serve: \(PluginError.bounded(detail)) (see datasets-spec/plugin-protocol-v1.md)."
        case let .restartLimitReached(limit, lastFailure):
            return "The plugin was restarted \(limit) times (the limit) and is not started again; its remaining pseudo-experiments fail. Last failure: \(lastFailure)"
        case let .io(path, action, reason):
            return "Could not \(action) the plugin exchange file '\(path)': \(reason). Check that the directory is writable and has room (the default is /dev/shm)."
        }
    }

    public var errorDescription: String? { description }

    /// Whether the process is in an unknown state after this failure and must be replaced.
    var requiresRestart: Bool {
        switch self {
        case .reportedError, .invalidEstimate, .restartLimitReached: return false
        default: return true
        }
    }

    private static func log(_ stderr: String) -> String {
        stderr.isEmpty ? " (Its stderr log is empty.)" : "\nLast lines of its stderr log:\n\(stderr)"
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.3g", seconds)
    }

    /// "1.2 GiB", "256 MiB", "1000 MiB", "100 bytes": three significant digits (whole numbers
    /// from 100) in the largest binary unit that is at least 1.
    static func formatBytes(_ bytes: Int) -> String {
        for (unit, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift {
            let value = Double(bytes) / Double(1 << shift)
            return String(format: value >= 100 ? "%.0f" : "%.3g", value) + " " + unit
        }
        return "\(bytes) bytes"
    }

    /// At most `limit` bytes (whole characters) of a text the plugin chose (its error message,
    /// a message type, a field), then how much was left out: a plugin may send a line of up to
    /// ``PluginProtocol/maximumLineBytes``, and a failure recorded per pseudo-experiment and
    /// printed on the terminal stays a few lines. Control characters are escaped when printed.
    static func bounded(_ text: String, limit: Int = 500) -> String {
        guard text.utf8.count > limit else { return text }
        var end = text.startIndex, bytes = 0
        for i in text.indices {
            let size = text[i].utf8.count
            if bytes + size > limit { break }
            bytes += size
            end = text.index(after: i)
        }
        return String(text[..<end]) + " ... (\(text.utf8.count - bytes) more bytes)"
    }

    /// The first bytes of a line, printable, for messages: `"Loading model..." (17 bytes)`.
    static func excerpt(_ bytes: [UInt8], limit: Int = 80) -> String {
        if bytes.isEmpty { return "an empty line" }
        let head = bytes.prefix(limit)
        var text = ""
        for b in head {
            switch b {
            case 0x20..<0x7F where b != UInt8(ascii: "\\") && b != UInt8(ascii: "\""):
                text.append(Character(UnicodeScalar(b)))
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case 0x09: text += "\\t"
            case 0x0D: text += "\\r"
            default: text += String(format: "\\x%02x", b)
            }
        }
        return "\"\(text)\(bytes.count > limit ? "..." : "")\" (\(bytes.count) bytes)"
    }
}
