#if canImport(Glibc)
import Glibc
#endif
import CChildProcess
import Foundation

/// A running plugin process: its pid, the line channel to its stdin/stdout and its stderr log.
///
/// Started by ``spawn(_:)`` from the ``SpawnThread``: in its own session (so ``kill()`` reaches
/// every process it started that stayed in its group), with resource limits, and with a
/// parent-death signal so that it cannot outlive the harness. Its stdin and stdout are one end of
/// a Unix socket pair; its stderr is appended to a log file, never read while it runs (a plugin
/// that writes megabytes of log cannot block on a full pipe).
///
/// With a memory limit, the ``MemoryWatchdog`` measures the memory its process tree uses and
/// kills it over the limit (``memoryOverrun`` then says so). Reaping, killing and the memory
/// record are guarded by a lock (the watchdog thread signals only a process not yet reaped, so
/// its pid is never another's); the channel is used by one thread at a time.
final class ChildProcess: @unchecked Sendable {
    /// What to start.
    struct Launch {
        /// Absolute path of the executable.
        var executable: String
        /// `argv`, with `argv[0]` first.
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String?
        var limits: fuq_child_limits
        /// The file stderr is appended to.
        var stderrLog: URL
        var maximumLineBytes: Int
        /// Bytes of memory the process tree may use (see ``MemoryWatchdog``); nil: unwatched.
        var memoryLimitBytes: Int?
    }

    /// The process tree used more memory than its limit and was killed for it.
    struct MemoryOverrun: Equatable {
        /// What it used when it was killed, the most it was seen to use (sum of its processes'
        /// proportional set sizes; every earlier poll found it at or under the limit).
        var usedBytes: Int
        var limitBytes: Int
    }

    let pid: pid_t
    let channel: LineChannel
    let stderrLog: URL
    private let lock = NSLock()
    // Guarded by `lock`:
    private var status: ExitStatus?
    private var overrun: MemoryOverrun?

    /// How the process ended, once reaped.
    var exitStatus: ExitStatus? { lock.withLock { status } }
    var hasExited: Bool { exitStatus != nil }
    /// Set when the memory watchdog killed the process; it stays set.
    var memoryOverrun: MemoryOverrun? { lock.withLock { overrun } }

    private init(pid: pid_t, channel: LineChannel, stderrLog: URL) {
        self.pid = pid
        self.channel = channel
        self.stderrLog = stderrLog
    }

    /// Starts the process; throws ``PluginError/cannotStart(command:reason:)``.
    static func spawn(_ launch: Launch) throws -> ChildProcess {
        let command = launch.arguments.joined(separator: " ")
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw PluginError.cannotStart(command: command, reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        let logFD = open(launch.stderrLog.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fds[0]); close(fds[1])
            throw PluginError.cannotStart(command: command, reason: "cannot open the log file \(launch.stderrLog.path): \(reason)")
        }
        let environment = launch.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let childFD = fds[1]
        let result: (pid: pid_t, error: Int32) = SpawnThread.shared.run {
            withCStrings(launch.arguments) { argv in
                withCStrings(environment) { envp in
                    var error: Int32 = 0
                    var limits = launch.limits
                    let pid = fuq_spawn(launch.executable, argv, envp, launch.workingDirectory,
                                        childFD, childFD, logFD, &limits, &error)
                    return (pid, error)
                }
            }
        }
        close(fds[1])
        close(logFD)
        guard result.pid > 0 else {
            close(fds[0])
            let reason = String(cString: strerror(result.error))
            throw PluginError.cannotStart(command: command, reason: "\(launch.executable): \(reason)")
        }
        let process = ChildProcess(pid: result.pid, channel: LineChannel(fd: fds[0], maximumLineBytes: launch.maximumLineBytes),
                                   stderrLog: launch.stderrLog)
        if let limit = launch.memoryLimitBytes { MemoryWatchdog.shared.watch(process, limitBytes: limit) }
        return process
    }

    /// Reaps the process if it has exited; returns its status, or nil while it runs.
    @discardableResult
    func poll() -> ExitStatus? {
        lock.lock(); defer { lock.unlock() }
        if let status { return status }
        var word: Int32 = 0
        let r = waitpid(pid, &word, WNOHANG)
        if r == pid { status = ExitStatus(waitStatus: word) }
        else if r < 0 && errno == ECHILD { status = .exited(-1) }
        return status
    }

    /// Waits up to `seconds` for the process to exit by itself; nil if it is still running.
    func waitForExit(seconds: Double) -> ExitStatus? {
        let deadline = Deadline(secondsFromNow: seconds)
        while poll() == nil {
            if deadline.remainingMilliseconds == 0 { return nil }
            usleep(2000)
        }
        return exitStatus
    }

    /// Kills the process group and every process of its tree (sandboxed ones may lead
    /// sessions of their own) with SIGKILL and reaps the process.
    @discardableResult
    func kill() -> ExitStatus {
        lock.lock(); defer { lock.unlock() }
        if let status { return status }
        signalAll(ProcessTree.scan().processes(of: pid))
        var word: Int32 = 0
        while true {
            let r = waitpid(pid, &word, 0)
            if r == pid { status = ExitStatus(waitStatus: word); break }
            if r < 0 && errno != EINTR { status = .signalled(SIGKILL); break }
        }
        return status!
    }

    /// From the watchdog: the tree of `processes` uses `usedBytes` together; kills them all
    /// (and records the overrun first, so whoever sees the death sees why) above `limitBytes`.
    func observeMemory(usedBytes: Int, limitBytes: Int, processes: [pid_t]) {
        lock.lock(); defer { lock.unlock() }
        guard status == nil, overrun == nil, usedBytes > limitBytes else { return }
        overrun = MemoryOverrun(usedBytes: usedBytes, limitBytes: limitBytes)
        signalAll(processes)
    }

    /// SIGKILL to the process group and to each of `processes` (the spawned pid among them).
    /// Called with the lock held and the process not reaped.
    private func signalAll(_ processes: [pid_t]) {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
        for other in processes where other != pid { _ = Glibc.kill(other, SIGKILL) }
    }

    /// The last lines of the process's stderr log (at most `maxBytes`), for error messages.
    func stderrTail(maxBytes: Int = 2000) -> String {
        ChildProcess.tail(of: stderrLog, maxBytes: maxBytes)
    }

    static func tail(of url: URL, maxBytes: Int) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if start > 0, let firstNewline = text.firstIndex(of: "\n") {
            text = "..." + text[firstNewline...]
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        kill()
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
