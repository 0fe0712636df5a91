#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The host's end of a plugin's stdin/stdout: one non-blocking Unix socket carrying lines.
///
/// Both directions have deadlines (`poll`), so a plugin that stops reading or never answers
/// cannot block the harness; writes use `MSG_NOSIGNAL`, so a plugin that dies cannot raise
/// SIGPIPE in the harness. Lines are bytes ending in `\n`, at most ``maximumLineBytes`` long.
final class LineChannel {
    /// What a read produced.
    enum ReadResult: Equatable {
        /// One complete line, without its `\n`.
        case line([UInt8])
        /// The plugin closed its stdout (usually: it exited); `partial` is what came after the last `\n`.
        case closed(partial: [UInt8])
        /// The deadline passed first.
        case timedOut(partial: [UInt8])
        /// More than the line limit arrived without a `\n`; `prefix` is the start of it.
        case tooLong(prefix: [UInt8])
    }

    let fd: Int32
    let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var scanned = 0

    init(fd: Int32, maximumLineBytes: Int) {
        self.fd = fd
        self.maximumLineBytes = maximumLineBytes
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Sends `bytes` followed by `\n`; false if the plugin closed its end or did not take the
    /// bytes before `deadline`.
    func send(_ bytes: [UInt8], deadline: Deadline) -> Bool {
        var data = bytes
        data.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return false }
            guard wait(for: Int16(POLLOUT), deadline: deadline) else { return false }
        }
        return true
    }

    /// The next line, waiting until `deadline` at most.
    func readLine(deadline: Deadline) -> ReadResult {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                scanned = 0
                return .line(line)
            }
            scanned = buffer.count
            if buffer.count > maximumLineBytes {
                return .tooLong(prefix: Array(buffer.prefix(256)))
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[..<n])
                continue
            }
            if n == 0 { return .closed(partial: takeBuffer()) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                if !wait(for: Int16(POLLIN), deadline: deadline) { return .timedOut(partial: Array(buffer.prefix(256))) }
                continue
            }
            return .closed(partial: takeBuffer())   // ECONNRESET and the like: the plugin is gone
        }
    }

    private func takeBuffer() -> [UInt8] {
        defer { buffer = []; scanned = 0 }
        return buffer
    }

    /// Waits for `events` on the socket; false when the deadline passed first.
    private func wait(for events: Int16, deadline: Deadline) -> Bool {
        while true {
            let remaining = deadline.remainingMilliseconds
            if remaining <= 0 { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&entry, 1, Int32(min(remaining, Int(Int32.max))))
            if r > 0 { return true }    // ready, or hung up / error: the next call says which
            if r == 0 { continue }      // re-check the clock
            if errno != EINTR { return true }
        }
    }
}

/// A point in time by which something must happen (monotonic clock).
struct Deadline {
    let uptimeNanoseconds: UInt64

    /// `seconds` from now; `nil` means never.
    init(secondsFromNow seconds: Double?) {
        guard let seconds, seconds.isFinite else {
            uptimeNanoseconds = .max
            return
        }
        let now = DispatchTime.now().uptimeNanoseconds
        let delta = UInt64(max(0, min(seconds, 1e9)) * 1e9)
        uptimeNanoseconds = now.addingReportingOverflow(delta).overflow ? .max : now + delta
    }

    /// Milliseconds left, rounded up; 0 when passed.
    var remainingMilliseconds: Int {
        let now = DispatchTime.now().uptimeNanoseconds
        guard uptimeNanoseconds > now else { return 0 }
        let left = uptimeNanoseconds - now
        return left >= UInt64(Int.max / 2) ? Int.max / 2 : Int((left + 999_999) / 1_000_000)
    }
}
