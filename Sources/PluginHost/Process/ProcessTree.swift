#if canImport(Glibc)
import Glibc
#endif

/// A snapshot of the host's processes from `/proc`: who is whose parent, and which session
/// each is in; and the memory a process actually uses.
///
/// A plugin's processes are found from the pid the host spawned, never by session or group
/// alone: inside the sandbox (a new pid namespace) processes may call `setsid` again, but in the
/// host's `/proc` they stay children of their parents. Processes that stayed in the spawned
/// process's session are counted too (an orphan reparented to init keeps its session).
struct ProcessTree {
    private var children: [pid_t: [pid_t]] = [:]
    private var sessions: [pid_t: [pid_t]] = [:]

    /// Reads `/proc/PID/stat` of every process (a few hundred small reads; see
    /// ``MemoryWatchdog`` for the measured cost).
    static func scan() -> ProcessTree {
        var tree = ProcessTree()
        guard let directory = opendir("/proc") else { return tree }
        defer { closedir(directory) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let entry = readdir(directory) {
            let pid: pid_t? = withUnsafeBytes(of: entry.pointee.d_name) { name in
                var value: pid_t = 0
                for byte in name {
                    if byte == 0 { break }
                    guard byte >= 0x30 && byte <= 0x39 else { return nil }
                    value = value * 10 + pid_t(byte - 0x30)
                }
                return value > 0 ? value : nil
            }
            guard let pid, let (parent, session) = parentAndSession(of: pid, buffer: &buffer) else { continue }
            tree.children[parent, default: []].append(pid)
            tree.sessions[session, default: []].append(pid)
        }
        return tree
    }

    /// `root`, its descendants and the other processes in the session `root` leads, without
    /// duplicates; `root` first.
    func processes(of root: pid_t) -> [pid_t] {
        var found: Set<pid_t> = []
        var order: [pid_t] = []
        var queue = Array((sessions[root] ?? []).reversed()) + [root]
        while let pid = queue.popLast() {
            guard found.insert(pid).inserted else { continue }
            order.append(pid)
            queue += children[pid] ?? []
        }
        return order
    }

    /// The proportional set size of `pid` in bytes (`Pss:` of `/proc/PID/smaps_rollup`: each
    /// resident page divided by the number of processes that share it, so a tree's sum counts
    /// shared libraries and copy-on-write pages once); its resident set when smaps_rollup cannot
    /// be read; 0 for a process that is gone. The kernel walks the page tables for it: ~15 ms
    /// per GB resident.
    static func proportionalBytes(of pid: pid_t, buffer: inout [UInt8]) -> Int {
        if let text = read("/proc/\(pid)/smaps_rollup", into: &buffer), let kB = field("Pss:", in: text) {
            return kB * 1024
        }
        return residentBytes(of: pid, buffer: &buffer)
    }

    /// The resident set size of `pid` in bytes (`/proc/PID/statm`, kept by the kernel as a
    /// counter: cheap), at least its proportional set size; 0 for a process that is gone.
    static func residentBytes(of pid: pid_t, buffer: inout [UInt8]) -> Int {
        guard let text = read("/proc/\(pid)/statm", into: &buffer) else { return 0 }
        // "size resident shared text lib data dt", in pages.
        let fields = text.split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(decimal: fields[1]) else { return 0 }
        return pages * pageSize
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// The parent pid and session id from `/proc/PID/stat`: "pid (comm) state ppid pgrp session ...";
    /// comm may hold spaces and parentheses, so the fields are counted from the last ')'.
    private static func parentAndSession(of pid: pid_t, buffer: inout [UInt8]) -> (pid_t, pid_t)? {
        guard let text = read("/proc/\(pid)/stat", into: &buffer),
              let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "), maxSplits: 5)
        guard fields.count >= 5, let parent = Int(decimal: fields[1]), let session = Int(decimal: fields[3]) else { return nil }
        return (pid_t(parent), pid_t(session))
    }

    /// The number in kB after `name` at the start of a line.
    private static func field(_ name: String, in text: ArraySlice<UInt8>) -> Int? {
        let key = Array(name.utf8)
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            if line.starts(with: key) {
                let digits = line.dropFirst(key.count).drop { $0 == UInt8(ascii: " ") }.prefix { $0 >= 0x30 && $0 <= 0x39 }
                return Int(decimal: digits)
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The bytes of a small `/proc` file (at most the buffer's size), or nil if it cannot be read.
    private static func read(_ path: String, into buffer: inout [UInt8]) -> ArraySlice<UInt8>? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            count += n
        }
        return count > 0 ? buffer[0..<count] : nil
    }
}

private extension Int {
    /// A non-negative decimal number of ASCII digits.
    init?(decimal digits: some Collection<UInt8>) {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            value = value &* 10 &+ Int(d - 0x30)
        }
        self = value
    }
}
