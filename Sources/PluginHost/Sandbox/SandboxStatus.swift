import Foundation

/// Whether plugins run sandboxed on this machine, and if not, why: shown on every run.
public enum SandboxStatus: Sendable, Equatable, CustomStringConvertible {
    /// bubblewrap works; plugins run confined.
    case bubblewrap(executable: String)
    /// The sandbox was wanted but does not work here.
    case unavailable(reason: String)
    /// The policy turned the sandbox off.
    case disabled

    public var isConfined: Bool {
        if case .bubblewrap = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .bubblewrap(executable):
            return "sandbox: bubblewrap (\(executable)): no network, own process tree, read-only view of the system, the runtime, the plugin's files and its exchange files only"
        case let .unavailable(reason):
            return "sandbox: NONE (\(reason)); plugins run with the harness's permissions and can read every file it can. Install bubblewrap (apt-get install bubblewrap) where user namespaces are allowed."
        case .disabled:
            return "sandbox: off (disabled by the caller); plugins run with the harness's permissions"
        }
    }

    /// Probes once per process whether `bwrap` can start a confined `/bin/true` here (it needs
    /// user namespaces, or root).
    public static var detected: SandboxStatus { probeResult }

    private static let probeResult: SandboxStatus = probe()

    private static func probe() -> SandboxStatus {
        guard let bwrap = PathLookup.executable(named: "bwrap") else {
            return .unavailable(reason: "bwrap was not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bwrap)
        process.arguments = SandboxMounts.baseArguments(tmpfsBytes: 16 << 20) + ["--", "/bin/true"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            return .unavailable(reason: "\(bwrap) could not be started: \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
            return .unavailable(reason: "\(bwrap) fails here (status \(process.terminationStatus)\(detail.isEmpty ? "" : ": \(detail)"))")
        }
        return .bubblewrap(executable: bwrap)
    }
}
