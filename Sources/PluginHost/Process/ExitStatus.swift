#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a plugin process ended: its exit status, or the signal that killed it.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// Decodes a `waitpid` status word.
    init(waitStatus status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros that Swift does not import.
        if status & 0x7F == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signalled(status & 0x7F)
        }
    }

    /// "exited with status 3", "was killed by signal 11 (SIGSEGV)". A status above 128 is how a
    /// shell or the sandbox reports a child killed by signal `status - 128`, and says so.
    public var description: String {
        switch self {
        case let .exited(code) where code > 128 && code < 128 + 65:
            return "exited with status \(code) (= 128 + \(code - 128): a process inside was killed by signal \(code - 128), \(ExitStatus.signalName(code - 128)))"
        case let .exited(code):
            return "exited with status \(code)"
        case let .signalled(signal):
            return "was killed by signal \(signal) (\(ExitStatus.signalName(signal)))"
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        case SIGXCPU: return "SIGXCPU: the CPU time limit"
        case SIGXFSZ: return "SIGXFSZ: the file size limit"
        default: return "signal \(signal)"
        }
    }
}
