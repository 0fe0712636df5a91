import Foundation
import PseudoExperiments
import Scoring

extension EvaluationReport {
    /// A few lines per contestant for the command line: the run, what was recorded, failures,
    /// the start-up, flags and the score; then how to resume when interrupted.
    ///
    /// ```
    /// counting: run 3 (resumed), 240 results (12 now, 228 before), 2 failures; fit 0.41 s;
    ///   statefulness check on 8 pseudo-experiments: no difference; score 0.5123, coverage 0.683
    /// ```
    public var text: String {
        var lines: [String] = []
        for c in contestants {
            let total = c.alreadyRecorded + c.recorded + c.recordedByOthers
            let joined = c.peersAtStart > 0
                ? " (joined: \(c.peersAtStart) other process\(c.peersAtStart == 1 ? " was" : "es were") recording into it)"
                : c.resumed ? " (resumed)" : ""
            // Submission text (names, a fit's failure, flag details) is one field: a line feed in
            // it must not start a line of its own that reads like the harness's.
            var line = "\(TerminalText.escapedField(c.submission.name)): run \(c.run)\(joined), "
                + "\(total) of \(pseudoExperiments) results\(shard.map { " of shard \($0)" } ?? "") (\(c.recorded) now"
                + (c.alreadyRecorded > 0 ? ", \(c.alreadyRecorded) before" : "")
                + (c.recordedByOthers > 0 ? ", \(c.recordedByOthers) by another process" : "") + ")"
                + ", \(c.failures) failure\(c.failures == 1 ? "" : "s") now"
            if let seconds = c.fitSeconds {
                line += c.fitFailure == nil
                    ? (seconds == 0 ? "; fitted model from the cache"
                        : c.loadedSavedFit ? "; saved fit loaded in \(Self.format(seconds)) s" : "; fit \(Self.format(seconds)) s")
                    : "; \(TerminalText.escapedField(c.fitFailure ?? ""))"
            }
            lines.append(line)
            var details: [String] = []
            if c.statefulnessChecked > 0 {
                let stateful = c.flags.contains { $0.kind == RunFlag.stateful }
                details.append("statefulness check on \(c.statefulnessChecked) pseudo-experiment"
                    + "\(c.statefulnessChecked == 1 ? "" : "s"): " + (stateful ? "DIFFERENCES (flagged)" : "no difference"))
            }
            for flag in c.flags { details.append("FLAG " + TerminalText.escapedField("\(flag)")) }
            if let card = c.scorecard {
                details.append("score \(Self.format(card.overall.score, 4)), coverage "
                    + "\(Self.format(card.overall.coverage, 3)), interval \(Self.format(card.overall.interval, 4)), "
                    + "\(card.overall.failures) failure\(card.overall.failures == 1 ? "" : "s") in all")
            } else {
                details.append("status: \(c.status.rawValue)")
            }
            lines += details.map { "  " + $0 }
        }
        if timings.generated > 0 {
            // Where the estimating phase's time went (workers' seconds are summed over workers).
            lines.append("Estimating: \(timings.generated) pseudo-experiment\(timings.generated == 1 ? "" : "s"), "
                + "\(timings.estimates) estimate\(timings.estimates == 1 ? "" : "s") in \(Self.format(timings.wallSeconds)) s wall "
                + "(workers: generating \(Self.format(timings.generationSeconds)) s, estimating "
                + "\(Self.format(timings.estimatorSeconds)) s, recording \(Self.format(timings.recordingSeconds)) s)")
        }
        if interrupted {
            lines.append("Interrupted: every result so far is kept. Run the same command again to resume.")
        } else if let shard, contestants.contains(where: { $0.status != .completed }) {
            lines.append("Shard \(shard) done (\(pseudoExperiments) pseudo-experiments): its runs stay unfinished in this file "
                + "until every shard is merged with bench store merge SHARD-FILES... --into DATABASE.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ x: Double, _ digits: Int = 2) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : "\(x)"
    }
}
