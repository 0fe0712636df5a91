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
/// <root>/requests/R/ the files of `transform_events` requests of the process in role R (`fit`,
///                    `worker-K`): writable by that process only, emptied after each pseudo-experiment
/// <root>/logs/       stderr of every plugin process (never mounted in the sandbox)
/// <root>/owner.pid   the harness process that made it
/// ```
/// On tmpfs (`/dev/shm`) by default, so event files never touch a disk. A harness killed with
/// SIGKILL cannot remove its directory (a fitted model, pools, logs: up to gigabytes of
/// memory on tmpfs); so each new one first removes the `fair-uq-plugin-*` directories of its
/// parent whose owner process is dead (``removeAbandoned(in:)``). Only those: a directory
/// without an owner file, or whose owner lives (another harness evaluating now), is kept.
final class ExchangeDirectory: @unchecked Sendable {
    let root: String
    let training: String
    let model: String
    let logs: String
    private let logCounter = NSLock()
    private var logsStarted: [String: Int] = [:]
    private let trimming = NSLock()

    /// The name every exchange directory starts with.
    static let prefix = "fair-uq-plugin-"
    /// The file naming the harness process that owns a directory.
    static let ownerFile = "owner.pid"

    init(parent: String?, logDirectory: String?) throws {
        let base = parent ?? ExchangeDirectory.defaultParent
        ExchangeDirectory.removeAbandoned(in: base)
        var template = Array((base + "/" + ExchangeDirectory.prefix + "XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw PluginError.io(path: base, action: "create a directory in", reason: String(cString: strerror(errno)))
        }
        root = String(cString: made)
        training = root + "/training"
        model = root + "/model"
        logs = logDirectory ?? root + "/logs"
        let owner = root + "/" + ExchangeDirectory.ownerFile
        do {
            try Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: owner))
        } catch {
            throw PluginError.io(path: owner, action: "write", reason: error.localizedDescription)
        }
        for dir in [training, model, logs] {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw PluginError.io(path: dir, action: "create", reason: error.localizedDescription)
            }
        }
    }

    /// Removes the exchange directories in `parent` whose owner process no longer exists
    /// (best effort: one that cannot be removed stays). Returns the paths removed.
    @discardableResult
    static func removeAbandoned(in parent: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            let dir = parent + "/" + name
            guard let text = try? String(contentsOfFile: dir + "/" + ownerFile, encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { continue }
            // ESRCH: no such process. EPERM means it exists (another user's): keep it.
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(atPath: dir)) != nil { removed.append(dir) }
        }
        return removed
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `/dev/shm` if it is a writable directory, else the temporary directory.
    static var defaultParent: String {
        if PathLookup.isDirectory("/dev/shm"), access("/dev/shm", W_OK) == 0 { return "/dev/shm" }
        return NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
    }

    /// The bytes of every file in the model directory (links not followed).
    func modelBytes() -> Int {
        guard let walker = FileManager.default.enumerator(atPath: model) else { return 0 }
        var total = 0
        while let name = walker.nextObject() as? String {
            var info = stat()
            if lstat(model + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG { total += Int(info.st_size) }
        }
        return total
    }

    /// Cuts every log longer than `2 * bytes` to its last `bytes` (from a line start): the
    /// end of a log says why a plugin failed, and a plugin that writes without end must not
    /// fill the host's memory. Plugins append (`O_APPEND`), so they go on writing at the new end.
    func trimLogs(keepingLast bytes: Int) {
        trimming.lock()
        defer { trimming.unlock() }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: logs) else { return }
        for name in names where name.hasSuffix(".stderr") {
            let path = logs + "/" + name
            var info = stat()
            guard stat(path, &info) == 0, Int(info.st_size) > 2 * bytes,
                  let handle = FileHandle(forUpdatingAtPath: path) else { continue }
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(Int(info.st_size) - bytes))
            var tail = (try? handle.read(upToCount: bytes)) ?? Data()
            if let newline = tail.firstIndex(of: UInt8(ascii: "\n")) { tail = Data("[earlier lines cut]\n".utf8) + tail[(newline + 1)...] }
            try? handle.seek(toOffset: 0)
            try? handle.write(contentsOf: tail)
            try? handle.truncate(atOffset: UInt64(tail.count))
        }
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

    /// The requests directory of the process in `role` (`fit`, `worker-0`, ...), created empty.
    func requestsDirectory(_ role: String) throws -> String {
        let dir = root + "/requests/" + role
        do {
            try? FileManager.default.removeItem(atPath: dir)
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
