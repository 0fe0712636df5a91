import Foundation
import PseudoExperiments

/// Progress of a run on standard error: a bar with rate and ETA on a terminal, plain lines
/// otherwise (a log file, a pipe, CI), or nothing.
///
/// Terminal: one line redrawn at most 10 times a second:
/// ```
/// estimating [##########----------]  120/240  50%  31.4/s  ETA 0:04
/// ```
/// Lines: one line per 10% of the phase, and at least one every 10 seconds:
/// ```
/// estimating: 120/240 (50%), 31.4/s, ETA 4 s
/// ```
/// Safe to call from several threads.
public final class ProgressDisplay: @unchecked Sendable {
    public enum Style: Sendable {
        case bar, lines, silent
    }

    public let style: Style
    private let write: @Sendable (String) -> Void
    private let state = Locked(State())

    struct State {
        var phase = ""
        var total = 0
        var done = 0
        var started: UInt64 = 0
        var lastDraw: UInt64 = 0
        var lastTenth = 0
        var barVisible = false
    }

    /// A display writing to `write` in `style`.
    public init(style: Style, write: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.write = write
    }

    /// A bar when standard error is a terminal, lines otherwise.
    public static func standardError() -> ProgressDisplay {
        ProgressDisplay(style: isatty(STDERR_FILENO) != 0 ? .bar : .lines) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// No output.
    public static let silent = ProgressDisplay(style: .silent) { _ in }

    /// Starts a phase of `total` steps (e.g. "estimating").
    public func begin(_ phase: String, total: Int) {
        guard style != .silent else { return }
        let text: String? = state.withLock { s in
            let previous = s.barVisible ? "\n" : ""
            let now = Clock.now()
            s = State(phase: TerminalText.escapedField(phase), total: total, done: 0, started: now, lastDraw: now, lastTenth: 0,
                      barVisible: false)
            return style == .lines ? previous + "\(phase): \(total) to do\n" : previous
        }
        if let text, !text.isEmpty { write(text) }
    }

    /// One more step of the current phase is done.
    public func advance(by steps: Int = 1) {
        guard style != .silent else { return }
        let text: String? = state.withLock { s in
            s.done += steps
            let now = Clock.now()
            switch style {
            case .bar:
                guard now &- s.lastDraw >= 100_000_000 || s.done >= s.total else { return nil }
                s.lastDraw = now
                s.barVisible = true
                return "\r" + Self.bar(s, now: now) + "\u{1B}[K"
            case .lines:
                let tenth = s.total > 0 ? s.done * 10 / s.total : 10
                guard tenth > s.lastTenth || now &- s.lastDraw >= 10_000_000_000 else { return nil }
                s.lastTenth = tenth
                s.lastDraw = now
                return Self.line(s, now: now) + "\n"
            case .silent:
                return nil
            }
        }
        if let text { write(text) }
    }

    /// Ends the current phase (a bar gets its final state and a newline).
    public func end() {
        guard style != .silent else { return }
        let text: String? = state.withLock { s in
            defer { s.barVisible = false }
            return s.barVisible ? "\r" + Self.bar(s, now: Clock.now()) + "\u{1B}[K\n" : nil
        }
        if let text { write(text) }
    }

    /// A message on a line of its own (after the bar, if one is drawn).
    public func note(_ message: String) {
        guard style != .silent else { return }
        let text: String = state.withLock { s in
            defer { s.barVisible = false }
            return (s.barVisible ? "\n" : "") + TerminalText.escaped(message) + "\n"
        }
        write(text)
    }

    // MARK: - Formatting

    private static func rate(_ s: State, now: UInt64) -> (perSecond: Double, eta: Double?) {
        let elapsed = Double(now &- s.started) * 1e-9
        guard elapsed > 0, s.done > 0 else { return (0, nil) }
        let perSecond = Double(s.done) / elapsed
        return (perSecond, Double(max(0, s.total - s.done)) / perSecond)
    }

    static func bar(_ s: State, now: UInt64, width: Int = 20) -> String {
        let fraction = s.total > 0 ? min(1, Double(s.done) / Double(s.total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let (perSecond, eta) = rate(s, now: now)
        let digits = String(s.total).count
        let count = String(repeating: " ", count: max(0, digits - String(s.done).count)) + "\(s.done)/\(s.total)"
        return "\(s.phase) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "]  \(count)  \(String(format: "%3d", Int(fraction * 100)))%  \(formatRate(perSecond))/s  ETA "
            + (eta.map(clock) ?? "-:--")
    }

    static func line(_ s: State, now: UInt64) -> String {
        let percent = s.total > 0 ? Int(Double(s.done) / Double(s.total) * 100) : 100
        let (perSecond, eta) = rate(s, now: now)
        return "\(s.phase): \(s.done)/\(s.total) (\(percent)%), \(formatRate(perSecond))/s, ETA "
            + (eta.map { "\(Int($0.rounded())) s" } ?? "unknown")
    }

    private static func formatRate(_ x: Double) -> String {
        x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
    }

    /// `h:mm:ss` or `m:ss`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
