/// Something that went wrong with a plugin process during evaluation: what the runner records
/// beside the failed pseudo-experiment (the failure itself carries the same description).
public struct PluginIncident: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The process ended unasked (crash, exit, signal, resource limit).
        case exited
        /// The process did not answer in time and was killed.
        case timedOut = "timed-out"
        /// The processes used more memory than the limit together and were killed.
        case memoryLimit = "memory-limit"
        /// The process wrote something that is not the protocol, or out of turn; it was killed.
        case protocolViolation = "protocol-violation"
        /// The plugin reported an error of its own; the process stays up.
        case reportedError = "reported-error"
        /// The estimate was unusable (NaN, infinite, swapped); the process stays up.
        case invalidEstimate = "invalid-estimate"
        /// A replacement process was refused: the restart limit was reached.
        case restartRefused = "restart-refused"
        /// Anything else (a process that cannot be started, an exchange file that cannot be written).
        case other
    }

    /// The worker (0-based) the incident happened in.
    public var worker: Int
    public var kind: Kind
    /// The full description of the failure.
    public var message: String

    public var description: String { "worker \(worker): \(kind.rawValue): \(message)" }

    init(worker: Int, error: PluginError) {
        self.worker = worker
        self.message = error.description
        switch error {
        case .exited: kind = .exited
        case .timedOut: kind = .timedOut
        case .memoryLimitExceeded: kind = .memoryLimit
        case .notAMessage, .lineTooLong, .unexpectedMessage, .malformedMessage, .wrongProtocolVersion:
            kind = .protocolViolation
        case .reportedError: kind = .reportedError
        case .invalidEstimate: kind = .invalidEstimate
        case .restartLimitReached: kind = .restartRefused
        case .cannotStart, .sandboxUnavailable, .sandboxConflict, .tooManyFilesToScan, .modelTooLarge, .missingPath, .invalidRequest, .io: kind = .other
        }
    }
}
