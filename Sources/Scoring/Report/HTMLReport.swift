import Foundation
import PseudoExperiments

/// A self-contained HTML report of one submission's scored results: tables and inline SVG
/// figures in one file, readable offline in any browser (no JavaScript, no network, no fonts
/// or images to fetch).
///
/// Figures: coverage and mean width against true mu, the intervals of each set against its true
/// mu, the pulls against a standard normal, bootstrap histograms of score, coverage and width,
/// and coverage against quantile bins of each nuisance parameter, each bin with its own binomial
/// band. The document is well-formed XHTML (it parses as XML), and the same inputs give the same
/// bytes (no timestamps; the bootstrap is seeded).
///
/// ```swift
/// let html = try HTMLReport(title: "Baseline, 10 x 100", results: results).render()
/// try HTMLReport(title: "Baseline", results: results).write(to: url)
/// ```
public struct HTMLReport: Sendable {
    /// The report's title (escaped; any text is safe).
    public var title: String
    /// The scored results (any order).
    public var results: [ScoredResult]
    /// The scoring policy.
    public var policy: ScoringPolicy
    /// The bootstrap of the standard errors and histograms.
    public var bootstrap: BootstrapOptions
    /// At most this many intervals are drawn per set (the first by index); all are scored.
    public var maxIntervalsPerSet = 100
    /// At most this many per-set interval figures (the first sets); all sets are in the tables.
    public var maxSetFigures = 12
    /// At most this many failures are listed by name; all are counted.
    public var maxListedFailures = 50
    /// Whether the pseudo-experiments were sealed (their root seed a secret of the harness),
    /// open (their seed public, so that anyone could compute the truths), or unknown (nil).
    public var sealed: Bool?

    public init(title: String, results: [ScoredResult], policy: ScoringPolicy = .fairUniverse2024,
                bootstrap: BootstrapOptions = BootstrapOptions()) {
        self.title = title
        self.results = results
        self.policy = policy
        self.bootstrap = bootstrap
    }

    /// Writes the report to `url`.
    public func write(to url: URL) throws {
        let html = try render()
        do { try Data(html.utf8).write(to: url, options: .atomic) } catch {
            throw InteropError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The report as one HTML document. Throws ``ScoringError`` on no results or a duplicate.
    public func render() throws -> String {
        let card = try Scorecard(results: results, policy: policy, bootstrap: bootstrap)
        let sorted = results.sorted { $0.key < $1.key }
        var body = ""
        body += "<h1>\(e(title))</h1>\n"
        body += "<p class=\"meta\">fair-uq-bench \(e(Harness.version)); \(card.overall.n) pseudo-experiments in "
            + "\(card.sets.count) set\(card.sets.count == 1 ? "" : "s"); score parameters: target "
            + "\(f(policy.parameters.target, 4)), band \(f(policy.parameters.bandSigmas, 1)) sigma, epsilon "
            + "\(policy.parameters.epsilon); a failure counts the width of the mu range "
            + "[\(f(policy.muRange.lowerBound, 2)), \(f(policy.muRange.upperBound, 2))] and never covers.</p>\n"
        switch sealed {
        case true?:
            body += "<p class=\"sealing\">Sealed run: the root seed of these pseudo-experiments derives from a secret "
                + "kept only in the harness's truth file; no submission could compute a truth.</p>\n"
        case false?:
            body += "<p class=\"sealing\"><strong>Open run</strong>: the root seed of these pseudo-experiments is public "
                + "(given on the command line or a phase's published default), so anyone could recompute their truths; "
                + "a practice result, not a sealed ranking.</p>\n"
        case nil:
            break
        }
        body += summaryTable(card)
        body += setTable(card)
        body += "<h2>Coverage and width against true mu</h2>\n<div class=\"figures\">\n"
        body += figure(Figures.coverageAgainstMu(card), caption: "Coverage per true-mu bin with its binomial band "
                       + "(shaded: target +- \(f(policy.parameters.bandSigmas, 0)) sigma for the bin's n).")
        body += figure(Figures.widthAgainstMu(sorted, card: card), caption: "Counted width of each interval "
                       + "(grey: failures at the full mu range) and the mean per bin.")
        body += "</div>\n"
        body += levelSection(card, sorted)
        body += "<h2>Intervals per set</h2>\n"
        if card.sets.count > maxSetFigures {
            body += "<p>The first \(maxSetFigures) of \(card.sets.count) sets are drawn.</p>\n"
        }
        body += "<div class=\"figures\">\n"
        for set in card.sets.prefix(maxSetFigures) {
            let slice = sorted.filter { $0.truth.setIndex == set.setIndex }
            body += figure(Figures.intervals(of: set, results: slice, policy: policy, limit: maxIntervalsPerSet),
                           caption: slice.count > maxIntervalsPerSet
                               ? "The first \(maxIntervalsPerSet) of \(slice.count) intervals." : "All \(slice.count) intervals.")
        }
        body += "</div>\n"
        body += "<h2>Pulls</h2>\n<div class=\"figures\">\n"
        body += figure(Figures.pulls(sorted), caption: card.point.pullCount > 0
                       ? "(mu_hat - mu) / uncertainty for the \(card.point.pullCount) estimates that report both; "
                         + "the curve is a standard normal."
                       : "No estimate reports mu_hat with a positive uncertainty.")
        body += "</div>\n"
        if let b = card.bootstrap {
            body += "<h2>Bootstrap</h2>\n<p>\(b.options.replicates) replicates, seed \(b.options.seed); each draws "
                + "sets with replacement, then pseudo-experiments with replacement within each drawn set.</p>\n"
            body += "<div class=\"figures\">\n"
            body += figure(Figures.bootstrapHistogram(b.scores, observed: card.overall.score, name: "score"),
                           caption: "Score: se \(f(b.scoreStandardError, 4)).")
            body += figure(Figures.bootstrapHistogram(b.coverages, observed: card.overall.coverage, name: "coverage"),
                           caption: "Coverage: se \(f(b.coverageStandardError, 4)).")
            body += figure(Figures.bootstrapHistogram(b.intervals, observed: card.overall.interval, name: "mean width"),
                           caption: "Mean width: se \(f(b.intervalStandardError, 4)).")
            body += "</div>\n"
        }
        body += "<h2>Coverage against the nuisance parameters</h2>\n"
        if card.byNuisance.isEmpty {
            body += "<p>The results do not record nuisance values.</p>\n"
        } else {
            body += "<p>Quantile bins (equal numbers of pseudo-experiments); the horizontal bar spans the bin's values.</p>\n"
            body += "<div class=\"figures\">\n"
            for breakdown in card.byNuisance {
                body += figure(Figures.coverageAgainstNuisance(breakdown, target: policy.parameters.target),
                               caption: breakdown.binsOutsideBand.isEmpty ? "All bins inside their bands."
                                   : "\(breakdown.binsOutsideBand.count) bin(s) outside their band.")
            }
            body += "</div>\n"
        }
        body += failureList(sorted)
        return document(body)
    }

    // MARK: Parts

    /// The calibration curve and the coverage at each level against true mu, with a table of
    /// the levels (only the primary level when the estimates report no other).
    func levelSection(_ card: Scorecard, _ sorted: [ScoredResult]) -> String {
        let levels = card.levels ?? LevelCoverage.all(sorted, policy: policy)
        var s = "<h2>Calibration at every confidence level</h2>\n"
        if levels.count < 2 {
            s += "<p>The estimates report no interval beside the primary one (level \(f(policy.parameters.target, 4))); "
                + "calibration at other levels needs intervals at them (plugin protocol v2: <code>intervals</code>).</p>\n"
        }
        s += "<table class=\"levels\">\n<tr><th>level</th><th>coverage</th><th>band (+-\(f(LevelCoverage.bandSigmas, 0)) sigma)</th>"
            + "<th>covered / N</th><th>reported</th><th>mean width</th></tr>\n"
        for l in levels {
            let c = l.coverage
            s += "<tr><td>\(f(l.level, 4))</td><td class=\"\(c.status.rawValue)\">\(f(c.coverage, 3))</td>"
                + "<td>\(f(c.bandLower, 3))-\(f(c.bandUpper, 3))</td><td>\(c.covered) / \(c.n)</td>"
                + "<td>\(l.reported)</td><td>\(f(l.meanWidth))</td></tr>\n"
        }
        s += "</table>\n<div class=\"figures\">\n"
        s += figure(Figures.calibration([(title, levels)]), caption: "Observed against nominal coverage at each level "
                    + "(shaded: level +- \(f(LevelCoverage.bandSigmas, 0)) sigma for N = \(card.overall.n); bars: the "
                    + "binomial error of each point). A point below the diagonal under-covers.")
        let breakdowns = (try? levels.map { l in
            (level: l.level, breakdown: try CoverageBreakdown.byTrueMu(sorted, policy: policy, bins: card.byTrueMu.bins.count,
                                                                        level: l.level, bandSigmas: LevelCoverage.bandSigmas))
        }) ?? []
        s += figure(Figures.coverageByLevelAgainstMu(breakdowns, range: policy.muRange),
                    caption: "Coverage per true-mu bin at each level (shaded: the level's +- \(f(LevelCoverage.bandSigmas, 0)) "
                    + "sigma band for the bin's n; dashed: the level; large dots lie outside their band).")
        return s + "</div>\n"
    }

    func e(_ s: String) -> String { HTMLText.escape(s) }

    func f(_ x: Double?, _ digits: Int = 4) -> String {
        guard let x, x.isFinite else { return "-" }
        return String(format: "%.\(digits)f", x)
    }

    func figure(_ chart: SVGChart, caption: String) -> String {
        "<figure>\(chart.render())<figcaption>\(e(caption))</figcaption></figure>\n"
    }

    func summaryTable(_ card: Scorecard) -> String {
        let b = card.bootstrap
        func se(_ x: Double?) -> String { x.map { " +- " + f($0) } ?? "" }
        var rows: [(String, String)] = [
            ("score", f(card.overall.score) + se(b?.scoreStandardError)),
            ("coverage", f(card.overall.coverage) + se(b?.coverageStandardError)),
            ("mean width (interval)", f(card.overall.interval) + se(b?.intervalStandardError)),
            ("RMSE (challenge)", f(card.point.rmse)),
            ("MAE (challenge)", f(card.point.mae)),
            ("bias of mu_hat", f(card.point.bias)),
            ("pulls: mean, sd", "\(f(card.point.pullMean)), \(f(card.point.pullStandardDeviation))"),
            ("failures", "\(card.overall.failures) of \(card.overall.n)"),
            ("swapped intervals", "\(card.overall.swapped)"),
        ]
        if let c = card.coverage95 {
            rows.append(("coverage at 95%", "\(f(c.coverage)) (band \(f(c.bandLower, 3))-\(f(c.bandUpper, 3)), \(c.status.rawValue))"))
        }
        return "<h2>Summary</h2>\n<table class=\"summary\">\n"
            + rows.map { "<tr><th>\(e($0.0))</th><td>\(e($0.1))</td></tr>\n" }.joined() + "</table>\n"
    }

    func setTable(_ card: Scorecard) -> String {
        var s = "<h2>Per set</h2>\n<table>\n<tr><th>set</th><th>true mu</th><th>n</th><th>interval</th>"
            + "<th>coverage</th><th>score</th><th>RMSE</th><th>MAE</th><th>failures</th></tr>\n"
        for set in card.sets {
            let m = set.metrics
            let status = BinomialCoverage(n: m.n, covered: m.covered, target: policy.parameters.target,
                                          bandSigmas: policy.parameters.bandSigmas).status
            s += "<tr><td>\(set.setIndex)</td><td>\(f(set.mu))</td><td>\(m.n)</td><td>\(f(m.interval))</td>"
                + "<td class=\"\(status.rawValue)\">\(f(m.coverage, 3))</td><td>\(f(m.score))</td>"
                + "<td>\(f(set.point.rmse))</td><td>\(f(set.point.mae))</td><td>\(m.failures)</td></tr>\n"
        }
        return s + "</table>\n"
    }

    func failureList(_ sorted: [ScoredResult]) -> String {
        let failed = sorted.compactMap { r -> (ScoredResult, IntervalOutcome.Failure)? in
            guard let why = policy.outcome(of: r).failure else { return nil }
            return (r, why)
        }
        guard !failed.isEmpty else { return "<h2>Failures</h2>\n<p>None.</p>\n" }
        var s = "<h2>Failures</h2>\n<p>\(failed.count) failure\(failed.count == 1 ? "" : "s")"
            + (failed.count > maxListedFailures ? "; the first \(maxListedFailures) are listed" : "") + ".</p>\n"
        s += "<table>\n<tr><th>set</th><th>pseudo-experiment</th><th>true mu</th><th>why</th></tr>\n"
        for (r, why) in failed.prefix(maxListedFailures) {
            s += "<tr><td>\(r.truth.setIndex)</td><td>\(r.truth.index)</td><td>\(f(r.truth.mu))</td><td>\(e(why.description))</td></tr>\n"
        }
        return s + "</table>\n"
    }

    func document(_ body: String) -> String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <title>\(e(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; color: #1a202c; max-width: 1200px; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #cbd5e0; }
        table { border-collapse: collapse; margin: 0.5em 0; }
        th, td { border: 1px solid #cbd5e0; padding: 0.2em 0.6em; text-align: right; }
        th { background: #f7fafc; }
        td.below { background: #fed7d7; } td.above { background: #feebc8; }
        .figures { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; } figcaption { font-size: 0.85em; color: #4a5568; max-width: 560px; }
        .meta { color: #4a5568; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }
}
