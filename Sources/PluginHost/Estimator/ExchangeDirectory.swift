#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The private directory where host and plugin exchange files, removed when released.
///
/// ```
/// <root>/training/   training pool and transformed pools (read-only to the fitting plugin)
/// <root>/model/      the fitted model (writable while fitting, read-only to workers)
/// <root>/worker-K/   worker K's pseudo-experiment event file (read-only to worker K)
/// <root>/logs/       stderr of every plugin process (never mounted in the sandbox)
/// ```
/// On tmpfs (`/dev/shm`) by default, so event files never touch a disk.
final class ExchangeDirectory: @unchecked Sendable {
    let root: String
    let training: String
    let model: String
    let logs: String
    private let logCounter = NSLock()
    private var logsStarted: [String: Int] = [:]

    init(parent: String?, logDirectory: String?) throws {
        let base = parent ?? ExchangeDirectory.defaultParent
        var template = Array((base + "/fair-uq-plugin-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw PluginError.io(path: base, action: "create a directory in", reason: String(cString: strerror(errno)))
        }
        root = String(cString: made)
        training = root + "/training"
        model = root + "/model"
        logs = logDirectory ?? root + "/logs"
        for dir in [training, model, logs] {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw PluginError.io(path: dir, action: "create", reason: error.localizedDescription)
            }
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `/dev/shm` if it is a writable directory, else the temporary directory.
    static var defaultParent: String {
        if PathLookup.isDirectory("/dev/shm"), access("/dev/shm", W_OK) == 0 { return "/dev/shm" }
        return NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
    }

    /// Worker `index`'s directory, created on first use.
    func workerDirectory(_ index: Int) throws -> String {
        let dir = root + "/worker-\(index)"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw PluginError.io(path: dir, action: "create", reason: error.localizedDescription)
        }
        return dir
    }

    /// A fresh log file for a process in `role` (`fit`, `worker-0`, ...): `fit.stderr`,
    /// `worker-0.stderr`, then `worker-0.2.stderr` for its replacement, and so on.
    func logFile(_ role: String) -> URL {
        logCounter.lock()
        defer { logCounter.unlock() }
        let n = (logsStarted[role] ?? 0) + 1
        logsStarted[role] = n
        return URL(fileURLWithPath: logs + "/" + role + (n == 1 ? "" : ".\(n)") + ".stderr")
    }
}
