import Foundation

/// Coverage of every row of a leaderboard in equal-width bins of true mu, each judged against
/// its own binomial band: the acceptance view of a baseline (covering on average is not enough;
/// it must cover at small and at large mu).
///
/// For a bin of `n` pseudo-experiments the band is `target +- k sigma`, with
/// ```
/// sigma = sqrt(target (1 - target) / n)        (target 0.6827, k = bandSigmas)
/// ```
/// so with 1000 pseudo-experiments in thirds (~333 each) and k = 3 a covering method lands in
/// 0.6827 +- 0.076 in each third, and in 0.6827 +- 0.044 overall.
extension LeaderboardTable {
    /// One line per row: coverage overall and in each of `bins` equal-width bins of true mu over
    /// the policy's range (default: the table's, its spec's), with `*` marking a value outside
    /// its band.
    public func coverageByTrueMu(from store: LeaderboardStore, bins: Int, bandSigmas: Double,
                                 policy given: ScoringPolicy? = nil) throws -> String {
        let policy = given ?? self.policy
        var header = ["Submission", "Overall"]
        var lines: [[String]] = []
        var ranges: [String] = []
        for row in rows {
            let results = try store.scoredResults(of: row.run)
            let breakdown = try CoverageBreakdown.byTrueMu(results, policy: policy, bins: bins)
            if ranges.isEmpty {
                ranges = breakdown.bins.map { String(format: "mu %.2f-%.2f", $0.lower, $0.upper) }
            }
            let overall = BinomialCoverage(n: results.count, covered: results.filter { policy.outcome(of: $0).covered }.count,
                                           target: policy.parameters.target, bandSigmas: bandSigmas)
            var line = [row.submission.name, Self.cell(overall)]
            for bin in breakdown.bins {
                line.append(Self.cell(BinomialCoverage(n: bin.coverage.n, covered: bin.coverage.covered,
                                                       target: policy.parameters.target, bandSigmas: bandSigmas)))
            }
            lines.append(line)
        }
        header += ranges
        let out = "Coverage by true mu (\(challenge), \(pseudoExperiments) pseudo-experiments): "
            + "coverage (pseudo-experiments); * outside \(Self.shortNumber(policy.parameters.target)) "
            + "+- \(Self.shortNumber(bandSigmas)) sigma68 of its bin\n"
        return out + Self.grid(header: header, lines: lines)
    }

    /// `header`, a rule of dashes and `lines` as aligned columns: the first left-aligned, the
    /// others right-aligned, two spaces apart (the coverage tables by mu and by level).
    static func grid(header: [String], lines: [[String]]) -> String {
        let widths = header.indices.map { c in ([header] + lines).map { $0[c].count }.max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { c, text in
                c == 0 ? text.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - text.count) + text
            }.joined(separator: "  ")
        }
        return ([header, widths.map { String(repeating: "-", count: $0) }] + lines).map { format($0) + "\n" }.joined()
    }

    private static func cell(_ c: BinomialCoverage) -> String {
        guard c.n > 0 else { return "- (0)" }
        let inside = c.coverage >= c.bandLower && c.coverage <= c.bandUpper
        return String(format: "%.3f", c.coverage) + (inside ? " " : "*") + " (\(c.n))"
    }

    static func shortNumber(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%g", x)
    }
}
