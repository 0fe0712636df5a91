import Foundation

/// A request to stop a run early, raised by a signal (Ctrl-C) or by code, and watched by the
/// runner: workers finish the pseudo-experiment they hold, record it, and take no new one;
/// the runs are then marked interrupted, and the next evaluation of the same submission on the
/// same sets resumes them.
///
/// ```swift
/// let flag = InterruptFlag()
/// flag.installSignalHandlers()       // SIGINT and SIGTERM raise the flag; a second one exits
/// let report = try runner.run(contestants, interruption: flag)
/// ```
public final class InterruptFlag: @unchecked Sendable {
    private let state = Locked<(raised: Bool, signal: Int32?)>((false, nil))
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// Signals are handled on a queue of their own, so a pool busy with work cannot delay them.
    private static let signalQueue = DispatchQueue(label: "fair-uq-bench.interrupt-signals")

    /// Whether a stop was requested.
    public var isRaised: Bool { state.current.raised }

    /// The signal that raised the flag, if a signal did.
    public var signal: Int32? { state.current.signal }

    /// Requests a stop.
    public func raise() { state.withLock { $0.raised = true } }

    /// Makes SIGINT and SIGTERM raise the flag instead of killing the process, printing
    /// `notice` to standard error; a second signal while the flag is up ends the process at
    /// once with the conventional status 128 + signal (results recorded so far are kept: every
    /// result is committed when it arrives).
    public func installSignalHandlers(
        notice: String = "Interrupted: finishing the pseudo-experiments in progress and keeping every result; "
            + "press Ctrl-C again to stop at once. Run the same command again to resume.") {
        for sig in [SIGINT, SIGTERM] {
            Foundation.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: Self.signalQueue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let again = self.state.withLock { s -> Bool in
                    defer { s.raised = true; if s.signal == nil { s.signal = sig } }
                    return s.raised
                }
                if again { exit(128 + sig) }
                FileHandle.standardError.write(Data(("\n" + notice + "\n").utf8))
            }
            source.resume()
            sources.append(source)
        }
    }
}
