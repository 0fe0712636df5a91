import Foundation

/// The report's figures, each built from the scorecard or the sorted results.
enum Figures {
    static let covered = "#2b6cb0"
    static let missed = "#c53030"
    static let failed = "#a0aec0"
    static let band = "#9ae6b4"
    static let target = "#2f855a"

    static func statusColor(_ s: BinomialCoverage.Status) -> String {
        switch s {
        case .inside: return covered
        case .below: return missed
        case .above: return "#dd6b20"
        }
    }

    /// Coverage per true-mu bin: band rectangles, points with their binomial error, target line.
    static func coverageAgainstMu(_ card: Scorecard) -> SVGChart {
        let range = card.policy.muRange
        var c = SVGChart(title: "Coverage against true mu", xLabel: "true mu", yLabel: "coverage",
                         x: range, y: 0...1)
        for b in card.byTrueMu.bins where b.coverage.n > 0 {
            c.rect(x0: b.lower, x1: b.upper, y0: max(b.coverage.bandLower, 0), y1: min(b.coverage.bandUpper, 1),
                   fill: band, opacity: 0.35)
        }
        c.horizontalRule(card.policy.parameters.target, color: target)
        for b in card.byTrueMu.bins where b.coverage.n > 0 {
            let x = (b.lower + b.upper) / 2, p = b.coverage.coverage
            let err = (p * (1 - p) / Double(b.coverage.n)).squareRoot()
            c.errorBar(x: x, low: max(p - err, 0), high: min(p + err, 1), color: statusColor(b.coverage.status))
            c.points([(x, p)], color: statusColor(b.coverage.status), radius: 4,
                     title: "mu \(SVGChart.label(b.lower))-\(SVGChart.label(b.upper)): \(b.coverage.covered)/\(b.coverage.n)")
        }
        c.key("band", color: band)
        c.key("inside", color: covered)
        c.key("below", color: missed)
        return c
    }

    /// Counted width of each interval against true mu (at most ~3000 drawn), and bin means.
    static func widthAgainstMu(_ sorted: [ScoredResult], card: Scorecard) -> SVGChart {
        let policy = card.policy
        let outcomes = sorted.map { policy.outcome(of: $0) }
        let widths = outcomes.map(\.width) + card.byTrueMu.bins.map(\.meanWidth)
        let top = SVGChart.extent(widths + [0]).upperBound
        var c = SVGChart(title: "Width against true mu", xLabel: "true mu", yLabel: "|p84 - p16|",
                         x: policy.muRange, y: 0...top)
        let step = max(1, sorted.count / 3000)
        var ok: [(Double, Double)] = [], bad: [(Double, Double)] = []
        for i in stride(from: 0, to: sorted.count, by: step) {
            let point = (sorted[i].truth.mu, outcomes[i].width)
            if outcomes[i].isFailure { bad.append(point) } else { ok.append(point) }
        }
        c.points(ok, color: "#90cdf4", radius: 1.5)
        c.points(bad, color: failed, radius: 2)
        let means = card.byTrueMu.bins.filter { $0.coverage.n > 0 }.map { (($0.lower + $0.upper) / 2, $0.meanWidth) }
        c.line(means, color: covered, width: 2)
        c.points(means, color: covered, radius: 3.5)
        c.key("interval", color: "#90cdf4")
        c.key("failure", color: failed)
        c.key("bin mean", color: covered)
        return c
    }

    /// One set's intervals as horizontal segments (index upwards), with the true mu.
    static func intervals(of set: Scorecard.SetScore, results: [ScoredResult], policy: ScoringPolicy,
                          limit: Int) -> SVGChart {
        let shown = Array(results.prefix(limit))
        var ends = shown.map(\.truth.mu)
        for r in shown { if let iv = r.estimate?.interval68 { ends += [iv.lower, iv.upper] } }
        var x = SVGChart.extent(ends)
        x = max(x.lowerBound, policy.muRange.lowerBound - 1)...min(x.upperBound, policy.muRange.upperBound + 1)
        let title = "Set \(set.setIndex)" + (set.mu.map { ", true mu \(String(format: "%.3f", $0))" } ?? "")
            + ": coverage \(String(format: "%.3f", set.metrics.coverage))"
        var c = SVGChart(title: title, xLabel: "mu", yLabel: "pseudo-experiment",
                         x: x, y: -1...Double(max(shown.count, 1)), width: 380, height: 300)
        for (i, r) in shown.enumerated() {
            let o = policy.outcome(of: r)
            let y = Double(i)
            if o.isFailure {
                c.segment(policy.muRange.lowerBound, y, policy.muRange.upperBound, y, color: failed, width: 1, dashed: true)
            } else if let iv = r.estimate?.interval68 {
                c.segment(iv.lower, y, iv.upper, y, color: o.covered ? covered : missed, width: 1.2)
            }
        }
        if let mu = set.mu {
            c.verticalRule(mu, color: "#1a202c")
        } else {
            c.points(shown.enumerated().map { (r: $0.element.truth.mu, y: Double($0.offset)) }.map { ($0.r, $0.y) },
                     color: "#1a202c", radius: 1.5)
        }
        c.key("covers", color: covered)
        c.key("misses", color: missed)
        c.key("failure", color: failed)
        return c
    }

    /// Histogram of the pulls in [-5, 5] with a standard normal curve scaled to the count.
    static func pulls(_ sorted: [ScoredResult]) -> SVGChart {
        let pulls = sorted.compactMap(PointMetrics.pull(of:))
        let edges = stride(from: -5.0, through: 5.0, by: 0.5).map { $0 }
        var counts = Array(repeating: 0, count: edges.count - 1)
        var outside = 0
        for p in pulls {
            guard p >= -5, p <= 5 else { outside += 1; continue }
            counts[min(Int((p + 5) / 0.5), counts.count - 1)] += 1
        }
        let peak = Double(pulls.count) * 0.5 / (2 * Double.pi).squareRoot()
        let top = max(Double(counts.max() ?? 0), peak, 1) * 1.1
        var c = SVGChart(title: "Pulls" + (outside > 0 ? " (\(outside) outside [-5, 5])" : ""),
                         xLabel: "(mu_hat - mu) / uncertainty", yLabel: "pseudo-experiments", x: -5...5, y: 0...top)
        c.histogram(edges, counts: counts, fill: "#90cdf4")
        if !pulls.isEmpty {
            let curve = stride(from: -5.0, through: 5.0, by: 0.1).map { z in (z, peak * exp(-z * z / 2)) }
            c.line(curve, color: missed, width: 1.5)
        }
        c.key("pulls", color: "#90cdf4")
        c.key("N(0, 1)", color: missed)
        return c
    }

    /// Histogram of bootstrap replicates with the observed value.
    static func bootstrapHistogram(_ values: [Double], observed: Double, name: String) -> SVGChart {
        let finite = values.filter(\.isFinite)
        let x = SVGChart.extent(finite + [observed], padding: 0.02)
        let bins = 30
        let w = (x.upperBound - x.lowerBound) / Double(bins)
        let edges = (0...bins).map { x.lowerBound + Double($0) * w }
        var counts = Array(repeating: 0, count: bins)
        for v in finite { counts[min(max(Int((v - x.lowerBound) / w), 0), bins - 1)] += 1 }
        var c = SVGChart(title: "Bootstrap: \(name)", xLabel: name, yLabel: "replicates",
                         x: x, y: 0...(Double(counts.max() ?? 1) * 1.1), width: 380, height: 260)
        c.histogram(edges, counts: counts, fill: "#90cdf4")
        c.verticalRule(observed, color: missed, dashed: false)
        c.key("observed", color: missed)
        return c
    }

    /// Coverage per quantile bin of one nuisance parameter, with bands and the target.
    static func coverageAgainstNuisance(_ b: CoverageBreakdown, target t: Double) -> SVGChart {
        let x = SVGChart.extent(b.bins.flatMap { [$0.lower, $0.upper] })
        var c = SVGChart(title: "Coverage against \(b.variable)", xLabel: b.variable, yLabel: "coverage",
                         x: x, y: 0...1, width: 380, height: 260)
        for bin in b.bins {
            c.rect(x0: bin.lower, x1: bin.upper, y0: max(bin.coverage.bandLower, 0), y1: min(bin.coverage.bandUpper, 1),
                   fill: band, opacity: 0.35)
        }
        c.horizontalRule(t, color: target)
        for bin in b.bins {
            let color = statusColor(bin.coverage.status), p = bin.coverage.coverage
            c.segment(bin.lower, p, bin.upper, p, color: color, width: 2)
            c.points([((bin.lower + bin.upper) / 2, p)], color: color, radius: 3.5,
                     title: "\(b.variable) \(SVGChart.label(bin.lower))-\(SVGChart.label(bin.upper)): "
                         + "\(bin.coverage.covered)/\(bin.coverage.n)")
        }
        return c
    }
}
