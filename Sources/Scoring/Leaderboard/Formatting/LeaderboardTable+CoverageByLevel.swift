import Foundation

/// Coverage of every row of a leaderboard at every confidence level its estimates report, each
/// judged against its own binomial band (`bench leaderboard --levels`): the calibration curve
/// as a table.
///
/// For N pseudo-experiments the band of level c is
/// ```
/// c +- k sqrt(c (1 - c) / N)                   (k = LevelCoverage.bandSigmas = 3)
/// ```
/// so with 1000 pseudo-experiments a calibrated method lands in 0.500 +- 0.047,
/// 0.683 +- 0.044, 0.900 +- 0.028 and 0.950 +- 0.021. A pseudo-experiment without an interval at
/// a level (a failure, or an estimator that does not report it) counts as not covered; a row
/// that reports no interval at a level shows `-`.
extension LeaderboardTable {
    /// The levels any row reports, ascending.
    public var levels: [Double] {
        Set(rows.flatMap { $0.levels.map(\.level) }).sorted()
    }

    /// One line per row: the coverage at each level, `*` marking a value outside its band, and
    /// a last line with the bands.
    public func coverageByLevel() -> String {
        let levels = self.levels
        let header = ["Submission"] + levels.map { String(format: "%.4g%%", 100 * $0) }
        var lines: [[String]] = rows.map { row in
            [row.submission.name] + levels.map { level in
                guard let l = row.coverage(at: level), l.reported > 0 else { return "-" }
                let c = l.coverage
                return String(format: "%.3f", c.coverage) + (c.status == .inside ? " " : "*")
            }
        }
        if let n = rows.first?.metrics.n, n > 0 {
            lines.append(["band (N = \(n))"] + levels.map { level in
                let c = BinomialCoverage(n: n, covered: 0, target: level, bandSigmas: LevelCoverage.bandSigmas)
                return String(format: "%.3f-%.3f ", c.bandLower, c.bandUpper)
            })
        }
        let out = "Coverage by confidence level (\(challenge), \(pseudoExperiments) pseudo-experiments): "
            + "observed coverage at each nominal level; * outside level +- "
            + "\(String(format: "%g", LevelCoverage.bandSigmas)) sigma; - not reported\n"
        return out + Self.grid(header: header, lines: lines)
    }
}
