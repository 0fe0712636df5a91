import Foundation

/// Human-readable output of the scores (the default of `bench score`).
extension IntervalMetrics {
    /// `n`, `interval`, `coverage`, `score` at full precision, then the failure and swap counts.
    public var text: String {
        var lines = [
            "n         \(n)",
            "interval  \(interval)",
            "coverage  \(coverage)",
            "score     \(score)",
            "failures  \(failures)" + (failures > 0 ? "   (each counted as not covered, width of the whole mu range)" : ""),
            "swapped   \(swapped)" + (swapped > 0 ? "   (p16 > p84: absolute width counted, never covers)" : ""),
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }
}

extension Scorecard {
    /// A plain-text summary: pooled numbers, per-set table, coverage breakdowns.
    public var text: String {
        func f(_ x: Double?, _ digits: Int = 4) -> String {
            guard let x, x.isFinite else { return "-" }
            return String(format: "%.\(digits)f", x)
        }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var out: [String] = []
        let se = bootstrap
        out.append("Overall (N = \(overall.n) pseudo-experiments in \(sets.count) set\(sets.count == 1 ? "" : "s"))")
        out.append("  interval  \(overall.interval)" + (se.map { "   (bootstrap se \(f($0.intervalStandardError)))" } ?? ""))
        out.append("  coverage  \(overall.coverage)" + (se.map { "   (bootstrap se \(f($0.coverageStandardError)))" } ?? ""))
        out.append("  score     \(overall.score)" + (se.map { "   (bootstrap se \(f($0.scoreStandardError)))" } ?? ""))
        out.append("  rmse      \(point.rmse.map { "\($0)" } ?? "-")")
        out.append("  mae       \(point.mae.map { "\($0)" } ?? "-")")
        out.append("  bias      \(f(point.bias))   pulls: mean \(f(point.pullMean)), sd \(f(point.pullStandardDeviation)) (n = \(point.pullCount))")
        out.append("  failures  \(overall.failures)   swapped \(overall.swapped)"
                   + (overall.failures > 0 ? "   (a failure counts as not covered, with the width of the whole mu range)" : ""))
        if let c = coverage95 {
            out.append("  coverage at 95%  \(f(c.coverage)) (band [\(f(c.bandLower)), \(f(c.bandUpper))], \(c.status.rawValue))")
        }
        if let levels, levels.count > 1 {
            out.append("  coverage by level (band +- \(f(LevelCoverage.bandSigmas)) sigma; no interval at a level counts as not covered)")
            for l in levels {
                let c = l.coverage
                out.append("    \(pad(f(l.level), 7)) \(f(c.coverage)) (band [\(f(c.bandLower)), \(f(c.bandUpper))], \(c.status.rawValue), "
                           + "\(l.reported) of \(c.n) reported, mean width \(f(l.meanWidth)))")
            }
        }
        if let se { out.append("  (bootstrap: \(se.options.replicates) replicates, seed \(se.options.seed), sets then pseudo-experiments)") }
        out.append("")
        out.append("Per set")
        func row(_ cells: [String]) -> String {
            var line = "  " + cells.map { pad($0, 9) }.joined()
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        out.append(row(["set", "mu", "n", "interval", "coverage", "score", "rmse", "mae", "failures"]))
        for s in sets {
            let cells = ["\(s.setIndex)", f(s.mu), "\(s.metrics.n)", f(s.metrics.interval), f(s.metrics.coverage),
                         f(s.metrics.score), f(s.point.rmse), f(s.point.mae), "\(s.metrics.failures)"]
            out.append(row(cells))
        }
        for breakdown in [byTrueMu] + byNuisance {
            out.append("")
            out.append("Coverage by \(breakdown.variable == "mu" ? "true mu" : breakdown.variable)"
                       + (breakdown.variable == "mu" ? "" : " (quantile bins)"))
            for b in breakdown.bins {
                let c = b.coverage
                let flag = c.status == .inside ? "" : (c.status == .below ? "   UNDER-COVERS" : "   OVER-COVERS")
                out.append("  [\(f(b.lower)), \(f(b.upper))]  n \(pad("\(c.n)", 6)) coverage \(f(c.coverage, 3))"
                           + "  band [\(f(c.bandLower, 3)), \(f(c.bandUpper, 3))]  interval \(f(b.meanWidth))" + flag)
            }
        }
        out.append("")
        return out.joined(separator: "\n")
    }
}
