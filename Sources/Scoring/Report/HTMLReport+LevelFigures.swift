import Foundation

/// The figures of calibration at several confidence levels, for one submission (the report) or
/// several overlaid (the comparison page).
extension Figures {
    /// Colours of overlaid series (submissions or levels), in order; repeats after eight.
    static let palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"]

    static func color(_ k: Int) -> String { palette[k % palette.count] }

    /// The calibration curve: observed coverage against nominal coverage, one series per
    /// submission, over the diagonal; each level's +-3 sigma binomial band (for the smallest N of
    /// the series) as a shaded bar, and each point's own binomial error.
    static func calibration(_ series: [(name: String, levels: [LevelCoverage])]) -> SVGChart {
        var c = SVGChart(title: "Calibration: observed against nominal coverage", xLabel: "nominal coverage (level)",
                         yLabel: "observed coverage", x: 0...1, y: 0...1)
        c.line([(0, 0), (1, 1)], color: target, width: 1, dashed: true)
        var bands: [Double: Int] = [:]
        for s in series { for l in s.levels where l.coverage.n > 0 { bands[l.level] = min(bands[l.level] ?? .max, l.coverage.n) } }
        for (level, n) in bands.sorted(by: { $0.key < $1.key }) {
            let b = BinomialCoverage(n: n, covered: 0, target: level, bandSigmas: LevelCoverage.bandSigmas)
            c.rect(x0: level - 0.012, x1: level + 0.012, y0: max(b.bandLower, 0), y1: min(b.bandUpper, 1),
                   fill: band, opacity: 0.6)
        }
        let shift = 0.006
        for (k, s) in series.enumerated() {
            let shown = s.levels.filter { $0.coverage.n > 0 && $0.reported > 0 }
            let dx = (Double(k) - Double(series.count - 1) / 2) * shift
            c.line(shown.map { ($0.level + dx, $0.coverage.coverage) }, color: color(k), width: 1.2)
            for l in shown {
                let p = l.coverage.coverage, err = (p * (1 - p) / Double(l.coverage.n)).squareRoot()
                c.errorBar(x: l.level + dx, low: max(p - err, 0), high: min(p + err, 1), color: color(k))
                c.points([(l.level + dx, p)], color: color(k), radius: l.coverage.status == .inside ? 3.5 : 5,
                         title: "\(s.name) at \(SVGChart.label(l.level)): \(l.coverage.covered)/\(l.coverage.n) = "
                             + String(format: "%.3f", p) + " (\(l.coverage.status.rawValue))")
            }
            c.key(s.name, color: color(k))
        }
        c.key("+-\(Int(LevelCoverage.bandSigmas)) sigma band", color: band)
        return c
    }

    /// Coverage against true mu at each level (one series per level), each bin with its band
    /// at that level.
    static func coverageByLevelAgainstMu(_ breakdowns: [(level: Double, breakdown: CoverageBreakdown)],
                                         range: ClosedRange<Double>) -> SVGChart {
        var c = SVGChart(title: "Coverage at each level against true mu", xLabel: "true mu", yLabel: "coverage",
                         x: range, y: 0...1)
        for (k, (level, breakdown)) in breakdowns.enumerated() {
            for b in breakdown.bins where b.coverage.n > 0 {
                c.rect(x0: b.lower, x1: b.upper, y0: max(b.coverage.bandLower, 0), y1: min(b.coverage.bandUpper, 1),
                       fill: color(k), opacity: 0.12)
            }
            c.horizontalRule(level, color: color(k))
            let points = breakdown.bins.filter { $0.coverage.n > 0 }.map { (($0.lower + $0.upper) / 2, $0.coverage.coverage) }
            c.line(points, color: color(k), width: 1.5)
            for b in breakdown.bins where b.coverage.n > 0 {
                let x = (b.lower + b.upper) / 2
                c.points([(x, b.coverage.coverage)], color: color(k), radius: b.coverage.status == .inside ? 3 : 5,
                         title: "level \(SVGChart.label(level)), mu \(SVGChart.label(b.lower))-\(SVGChart.label(b.upper)): "
                             + "\(b.coverage.covered)/\(b.coverage.n) (\(b.coverage.status.rawValue))")
            }
            c.key(String(format: "%.4g%%", 100 * level), color: color(k))
        }
        return c
    }

    /// Coverage of the primary intervals against true mu, one series per submission, over the
    /// band of the target (for the smallest bin count).
    static func coverageAgainstMu(_ series: [(name: String, breakdown: CoverageBreakdown)], target level: Double,
                                  range: ClosedRange<Double>) -> SVGChart {
        var c = SVGChart(title: "Coverage against true mu", xLabel: "true mu", yLabel: "coverage", x: range, y: 0...1)
        if let first = series.first {
            for (j, b) in first.breakdown.bins.enumerated() {
                let n = series.compactMap { $0.breakdown.bins.indices.contains(j) ? $0.breakdown.bins[j].coverage.n : nil }.min() ?? 0
                guard n > 0 else { continue }
                let band = BinomialCoverage(n: n, covered: 0, target: level, bandSigmas: LevelCoverage.bandSigmas)
                c.rect(x0: b.lower, x1: b.upper, y0: max(band.bandLower, 0), y1: min(band.bandUpper, 1),
                       fill: Figures.band, opacity: 0.35)
            }
        }
        c.horizontalRule(level, color: target)
        for (k, s) in series.enumerated() {
            let bins = s.breakdown.bins.filter { $0.coverage.n > 0 }
            let points = bins.map { (($0.lower + $0.upper) / 2, $0.coverage.coverage) }
            c.line(points, color: color(k), width: 1.5)
            for b in bins {
                c.points([(((b.lower + b.upper) / 2), b.coverage.coverage)], color: color(k), radius: 3.5,
                         title: "\(s.name), mu \(SVGChart.label(b.lower))-\(SVGChart.label(b.upper)): "
                             + "\(b.coverage.covered)/\(b.coverage.n)")
            }
            c.key(s.name, color: color(k))
        }
        return c
    }

    /// Mean counted width of the primary intervals against true mu, one series per submission.
    static func widthAgainstMu(_ series: [(name: String, breakdown: CoverageBreakdown)],
                               range: ClosedRange<Double>) -> SVGChart {
        let widths = series.flatMap { $0.breakdown.bins.filter { $0.coverage.n > 0 }.map(\.meanWidth) }
        var c = SVGChart(title: "Mean width against true mu", xLabel: "true mu", yLabel: "mean |p84 - p16|",
                         x: range, y: 0...SVGChart.extent(widths + [0]).upperBound)
        for (k, s) in series.enumerated() {
            let points = s.breakdown.bins.filter { $0.coverage.n > 0 }.map { (($0.lower + $0.upper) / 2, $0.meanWidth) }
            c.line(points, color: color(k), width: 2)
            c.points(points, color: color(k), radius: 3)
            c.key(s.name, color: color(k))
        }
        return c
    }
}
