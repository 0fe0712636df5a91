import Foundation
import PseudoExperiments

/// One self-contained HTML page comparing several submissions on the same pseudo-experiments:
/// a leaderboard table (score with its bootstrap error, coverage at every level with its
/// band, width, failures), coverage against true mu, mean width against true mu, and the
/// calibration curves (observed against nominal coverage at every level) overlaid.
///
/// Like ``HTMLReport``: inline SVG, no JavaScript, nothing fetched; well-formed XHTML; the same
/// inputs give the same bytes.
///
/// ```swift
/// let page = try ComparisonReport(title: "Baselines, 100 x 10",
///                                 entries: [.init(name: "counting", results: a), .init(name: "binned", results: b)])
/// try page.write(to: url)
/// ```
public struct ComparisonReport: Sendable {
    /// One submission on the page.
    public struct Entry: Sendable {
        public var name: String
        /// `baseline`, `reference`, `entry`, ... (shown in the table).
        public var kind: String
        public var results: [ScoredResult]

        public init(name: String, kind: String = "", results: [ScoredResult]) {
            self.name = name
            self.kind = kind
            self.results = results
        }
    }

    public var title: String
    public var entries: [Entry]
    /// The policy every entry is scored by (that of the challenge's spec).
    public var policy: ScoringPolicy
    public var bootstrap: BootstrapOptions
    /// Equal-width bins of true mu of the figures against mu.
    public var muBins = 6
    /// Whether the pseudo-experiments were sealed (nil: unknown).
    public var sealed: Bool?
    /// The robustness view of these pseudo-experiments' challenge, when variants of it ran on
    /// paired pseudo-experiments: drawn as a panel (table and coverage per variant).
    public var robustness: RobustnessTable?

    public init(title: String, entries: [Entry], policy: ScoringPolicy = .fairUniverse2024,
                bootstrap: BootstrapOptions = BootstrapOptions()) {
        self.title = title
        self.entries = entries
        self.policy = policy
        self.bootstrap = bootstrap
    }

    public func write(to url: URL) throws {
        let html = try render()
        do { try Data(html.utf8).write(to: url, options: .atomic) } catch {
            throw InteropError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The page. Throws ``ScoringError`` when an entry has no results or a duplicate.
    public func render() throws -> String {
        let page = HTMLReport(title: title, results: [], policy: policy, bootstrap: bootstrap)
        let cards = try entries.map { try Scorecard(results: $0.results, policy: policy, bootstrap: bootstrap, muBins: muBins) }
        let order = entries.indices.sorted { a, b in
            let x = cards[a].overall.score, y = cards[b].overall.score
            if x.isNaN != y.isNaN { return y.isNaN }
            return x != y && !x.isNaN ? x > y : entries[a].name < entries[b].name
        }
        let levels = Set(cards.flatMap { ($0.levels ?? []).map(\.level) }).sorted()
        var body = "<h1>\(page.e(title))</h1>\n"
        let sizes = Set(cards.map(\.overall.n)).sorted()
        body += "<p class=\"meta\">fair-uq-bench \(page.e(Harness.version)); \(entries.count) submissions on "
            + "\(sizes.map(String.init).joined(separator: ", ")) pseudo-experiments; score parameters: target "
            + "\(page.f(policy.parameters.target, 4)), band \(page.f(policy.parameters.bandSigmas, 1)) sigma, epsilon "
            + "\(policy.parameters.epsilon), mu range [\(page.f(policy.muRange.lowerBound, 2)), "
            + "\(page.f(policy.muRange.upperBound, 2))].</p>\n"
        switch sealed {
        case true?: body += "<p class=\"sealing\">Sealed pseudo-experiments.</p>\n"
        case false?: body += "<p class=\"sealing\"><strong>Open</strong> pseudo-experiments (public seed): a practice comparison.</p>\n"
        case nil: break
        }
        body += "<h2>Leaderboard</h2>\n<table class=\"leaderboard\">\n<tr><th>#</th><th>submission</th><th>kind</th>"
            + "<th>score</th><th>+- error</th><th>coverage</th>"
            + levels.map { "<th>cov \(String(format: "%.4g", 100 * $0))%</th>" }.joined()
            + "<th>interval</th><th>failures</th></tr>\n"
        for (rank, i) in order.enumerated() {
            let card = cards[i]
            var row = "<tr><td>\(rank + 1)</td><td style=\"text-align:left\">\(page.e(entries[i].name))</td>"
                + "<td style=\"text-align:left\">\(page.e(entries[i].kind))</td><td>\(page.f(card.overall.score))</td>"
                + "<td>\(page.f(card.bootstrap?.scoreStandardError))</td><td>\(page.f(card.overall.coverage, 3))</td>"
            for level in levels {
                if let l = card.levels?.first(where: { $0.level == level }), l.reported > 0 {
                    row += "<td class=\"\(l.coverage.status.rawValue)\" title=\"band \(page.f(l.coverage.bandLower, 3))-"
                        + "\(page.f(l.coverage.bandUpper, 3))\">\(page.f(l.coverage.coverage, 3))</td>"
                } else {
                    row += "<td>-</td>"
                }
            }
            body += row + "<td>\(page.f(card.overall.interval))</td><td>\(card.overall.failures)</td></tr>\n"
        }
        body += "</table>\n<p class=\"meta\">Ordered by score (higher is better); +- error: bootstrap standard error; "
            + "coverage per level against its +-\(page.f(LevelCoverage.bandSigmas, 0)) sigma binomial band (red: below, "
            + "orange: above; a missing interval counts as not covered).</p>\n"
        let named = order.map { (name: entries[$0].name, card: cards[$0]) }
        body += "<h2>Coverage and width against true mu</h2>\n<div class=\"figures\">\n"
        body += page.figure(Figures.coverageAgainstMu(named.map { ($0.name, $0.card.byTrueMu) },
                                                      target: policy.parameters.target, range: policy.muRange),
                            caption: "Coverage of the scored intervals per true-mu bin (shaded: target +- "
                                + "\(page.f(LevelCoverage.bandSigmas, 0)) sigma for the bin's n).")
        body += page.figure(Figures.widthAgainstMu(named.map { ($0.name, $0.card.byTrueMu) }, range: policy.muRange),
                            caption: "Mean counted width per true-mu bin (failures count the whole mu range).")
        body += "</div>\n<h2>Calibration at every confidence level</h2>\n<div class=\"figures\">\n"
        body += page.figure(Figures.calibration(named.map { ($0.name, $0.card.levels ?? []) }),
                            caption: "Observed against nominal coverage, every submission overlaid (shaded: each level's "
                                + "+-\(page.f(LevelCoverage.bandSigmas, 0)) sigma band; bars: each point's binomial error).")
        body += "</div>\n"
        if let robustness { body += Self.robustnessPanel(robustness, page: page) }
        return page.document(body)
    }

    /// The robustness panel: each submission's score, coverage and width on the nominal
    /// challenge and on every paired variant, the changes with their paired-bootstrap errors
    /// (significant ones marked), and a figure of coverage per variant.
    static func robustnessPanel(_ r: RobustnessTable, page: HTMLReport) -> String {
        let effects: String = r.variants.map { v -> String in "\(page.e(r.shortName(v.challenge))): \(page.e(v.effects))" }
            .joined(separator: "; ")
        let confidence: String = page.f(100 * r.confidence, 0)
        var body = "<h2>Robustness under domain shift</h2>\n<p class=\"meta\">Variants of \(page.e(r.challenge)) whose "
        body += "evaluation simulation differs from the training simulation (\(effects)), on the same pseudo-experiments "
        body += "(same true mu and nuisances). Changes are variant minus nominal +- their paired-bootstrap standard error "
        body += "(\(r.bootstrap.replicates) replicates); <strong>bold</strong>: significant at \(confidence)%.</p>\n"
        body += "<table class=\"robustness\">\n<tr><th>submission</th><th>variant</th><th>score</th><th>change</th>"
            + "<th>coverage</th><th>change</th><th>width</th><th>change</th></tr>\n"
        func change(_ d: PairedScoreDifference, _ digits: Int) -> String {
            let text = String(format: "%+.\(digits)f +- %.\(digits)f", d.observed, d.standardError)
            return d.isSignificant ? "<td><strong>\(text)</strong></td>" : "<td>\(text)</td>"
        }
        for row in r.rows {
            body += "<tr><td style=\"text-align:left\">\(page.e(row.submission.name))</td><td style=\"text-align:left\">nominal</td>"
                + "<td>\(page.f(row.nominal.score))</td><td></td><td>\(page.f(row.nominal.coverage, 3))</td><td></td>"
                + "<td>\(page.f(row.nominal.interval))</td><td></td></tr>\n"
            for cell in row.cells {
                var line = "<tr><td></td><td style=\"text-align:left\">\(page.e(r.shortName(cell.variant)))</td>"
                line += "<td>\(page.f(cell.metrics.score))</td>" + change(cell.change.score, 4)
                line += "<td>\(page.f(cell.metrics.coverage, 3))</td>" + change(cell.change.coverage, 3)
                line += "<td>\(page.f(cell.metrics.interval))</td>" + change(cell.change.width, 4) + "</tr>\n"
                body += line
            }
        }
        body += "</table>\n<div class=\"figures\">\n"
        let names = ["nominal"] + r.variants.map { r.shortName($0.challenge) }
        var chart = SVGChart(title: "Coverage on the nominal challenge and each variant",
                             xLabel: names.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "),
                             yLabel: "coverage", x: -0.5...(Double(names.count) - 0.5), y: 0...1)
        chart.width = 780  // room for a key of several submissions
        chart.horizontalRule(r.target, color: Figures.target)
        for (k, row) in r.rows.enumerated() {
            let dx = (Double(k) - Double(r.rows.count - 1) / 2) * 0.06
            var points = [(0.0, row.nominal.coverage, row.nominal.n)]
            for (j, variant) in r.variants.enumerated() {
                if let cell = row.cells.first(where: { $0.variant == variant.challenge }) {
                    points.append((Double(j + 1), cell.metrics.coverage, cell.metrics.n))
                }
            }
            chart.line(points.map { ($0.0 + dx, $0.1) }, color: Figures.color(k), width: 1)
            for (x, p, n) in points where n > 0 {
                let err = (p * (1 - p) / Double(n)).squareRoot()
                chart.errorBar(x: x + dx, low: max(p - err, 0), high: min(p + err, 1), color: Figures.color(k))
                chart.points([(x + dx, p)], color: Figures.color(k), radius: 3.5,
                             title: "\(row.submission.name) on \(names[Int(x)]): coverage " + String(format: "%.3f", p) + " (n = \(n))")
            }
            chart.key(row.submission.name, color: Figures.color(k))
        }
        body += page.figure(chart, caption: "Coverage of the scored interval per challenge variant (bars: binomial error; "
            + "line: the nominal level). A method robust to the shift keeps its coverage across the variants.")
        body += "</div>\n"
        return body
    }
}
