import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import TestSupport
import PseudoExperiments
@testable import Scoring

final class HTMLReportTests: XCTestCase {
    /// Collects element names, SVG titles and attribute values while parsing.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var svgTitles: [String] = []
        var attributes: [String] = []
        var text = ""
        var inSVGTitle = false
        var depthInSVG = 0

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes attributeDict: [String: String] = [:]) {
            elements[name, default: 0] += 1
            attributes += attributeDict.values
            if name == "svg" { depthInSVG += 1 }
            if name == "title", depthInSVG > 0 { inSVGTitle = true; text = "" }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "svg" { depthInSVG -= 1 }
            if name == "title", inSVGTitle { svgTitles.append(text); inSVGTitle = false }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    func parse(_ html: String) throws -> Collector {
        let parser = XMLParser(data: Data(html.utf8))
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        XCTAssertTrue(ok, "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
        return collector
    }

    func testReportIsWellFormedAndHoldsTheFigures() throws {
        var results = BootstrapTests.results(sets: 3, perSet: 60, halfWidth: 0.3, seed: 5, failEvery: 37)
        results[4].estimate?.interval68 = ConfidenceInterval(lower: 2, upper: 1)          // swapped
        results[8].estimate?.interval68 = ConfidenceInterval(lower: -.infinity, upper: 1) // infinite
        results[9].estimate?.interval95 = ConfidenceInterval(lower: 0, upper: 3)
        let report = HTMLReport(title: "Baseline <profile> & \"friends\"", results: results,
                                bootstrap: BootstrapOptions(replicates: 100, seed: 1))
        let html = try report.render()
        let c = try parse(html)

        // One figure each: coverage and width vs mu, calibration curve and coverage per level vs
        // mu, 3 sets, pulls, 3 bootstrap, 6 nuisances.
        XCTAssertEqual(c.elements["svg"], 2 + 2 + 3 + 1 + 3 + 6)
        XCTAssertEqual(c.elements["figure"], c.elements["svg"])
        for title in ["Coverage against true mu", "Width against true mu", "Pulls", "Bootstrap: score",
                      "Bootstrap: coverage", "Bootstrap: mean width", "Coverage against jes", "Coverage against soft_met"] {
            XCTAssertTrue(c.svgTitles.contains { $0.hasPrefix(title) }, "no figure '\(title)' in \(c.svgTitles)")
        }
        XCTAssertTrue(c.svgTitles.contains { $0.hasPrefix("Set 2, true mu") })
        // The intervals are drawn: one line per interval at least in the set figures.
        XCTAssertGreaterThan(c.elements["line", default: 0], 180)
        XCTAssertGreaterThan(c.elements["circle", default: 0], 100)

        // Self-contained: no scripts, no external resources (only XML namespace names).
        XCTAssertNil(c.elements["script"])
        XCTAssertNil(c.elements["img"])
        XCTAssertNil(c.elements["link"])
        for value in c.attributes where value.contains("://") {
            XCTAssertTrue(["http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"].contains(value), value)
        }
        // No NaN or infinity leaked into a coordinate.
        for value in c.attributes {
            XCTAssertFalse(value.lowercased().contains("nan") || value.lowercased().contains("inf"), value)
        }
        XCTAssertFalse(html.contains(">nan<") || html.contains(">inf<"))
        // The title is escaped, failures listed, 95% coverage shown.
        XCTAssertTrue(html.contains("<h1>Baseline &lt;profile&gt; &amp; &quot;friends&quot;</h1>"))
        XCTAssertTrue(html.contains("did not converge"))
        XCTAssertTrue(html.contains("NaN or infinite interval"))
        XCTAssertTrue(html.contains("coverage at 95%"))

        // Same inputs, same bytes.
        XCTAssertEqual(try report.render(), html)
    }

    func testReportWithoutPointEstimatesOrNuisancesStillRenders() throws {
        let results = (0..<30).map { i in
            ScoredResult(truth: PseudoExperimentTruth(setIndex: 0, index: i, mu: 1),
                         estimate: i == 3 ? nil : Estimate(p16: 0.8 + 0.01 * Double(i % 7), p84: 1.2))
        }
        let html = try HTMLReport(title: "bare", results: results, bootstrap: BootstrapOptions(replicates: 20)).render()
        let c = try parse(html)
        XCTAssertEqual(c.elements["svg"], 2 + 2 + 1 + 1 + 3)
        XCTAssertTrue(html.contains("No estimate reports mu_hat"))
        XCTAssertTrue(html.contains("do not record nuisance values"))
    }

    func testWritesAFileAndRejectsNoResults() throws {
        let dir = try ReferenceData.temporaryDirectory("report")
        let url = dir.appendingPathComponent("report.html")
        try HTMLReport(title: "t", results: BootstrapTests.results(sets: 2, perSet: 10),
                       bootstrap: BootstrapOptions(replicates: 10)).write(to: url)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        XCTAssertThrowsError(try HTMLReport(title: "t", results: []).render()) {
            XCTAssertEqual($0 as? ScoringError, .noResults)
        }
    }
}

/// The comparison page of several submissions (`bench report --all`).
extension HTMLReportTests {
    func testComparisonPageHoldsTheTableAndTheOverlaidFigures() throws {
        let correct = LevelCoverageTests.results(n: 300, scale: 1, seed: 4)
        let narrow = LevelCoverageTests.results(n: 300, scale: 0.8, seed: 4)
        let page = ComparisonReport(title: "Two <estimators>", entries: [
            .init(name: "narrow", kind: "entry", results: narrow), .init(name: "correct", kind: "baseline", results: correct),
        ], bootstrap: BootstrapOptions(replicates: 20, seed: 1))
        let html = try page.render()
        let c = try parse(html)
        XCTAssertEqual(c.elements["svg"], 3)
        XCTAssertEqual(c.elements["figure"], 3)
        for title in ["Coverage against true mu", "Mean width against true mu", "Calibration: observed against nominal coverage"] {
            XCTAssertTrue(c.svgTitles.contains { $0.hasPrefix(title) }, "no figure '\(title)' in \(c.svgTitles)")
        }
        XCTAssertTrue(html.contains("Two &lt;estimators&gt;"))
        // The table: a header and one row per submission, best first, a column per level.
        XCTAssertEqual(c.elements["tr"], 3)
        for level in ["cov 50%", "cov 68.27%", "cov 90%", "cov 95%"] { XCTAssertTrue(html.contains(level), level) }
        let correctRow = try XCTUnwrap(html.range(of: "<td style=\"text-align:left\">correct</td>"))
        let narrowRow = try XCTUnwrap(html.range(of: "<td style=\"text-align:left\">narrow</td>"))
        XCTAssertLessThan(correctRow.lowerBound, narrowRow.lowerBound)
        XCTAssertTrue(html.contains("class=\"below\""), "the narrow row's coverage is marked below its band")
        XCTAssertNil(c.elements["script"])
        XCTAssertEqual(try page.render(), html)
    }

    func testTheReportDrawsTheCalibrationCurveOfAnEstimateWithLevels() throws {
        let html = try HTMLReport(title: "levels", results: LevelCoverageTests.results(n: 200, scale: 1, seed: 2),
                                  bootstrap: BootstrapOptions(replicates: 20)).render()
        let c = try parse(html)
        XCTAssertTrue(c.svgTitles.contains { $0.hasPrefix("Calibration: observed against nominal coverage") })
        XCTAssertTrue(c.svgTitles.contains { $0.hasPrefix("Coverage at each level against true mu") })
        XCTAssertEqual(html.components(separatedBy: "<tr><td>0.").count - 1, 4, "one table row per level")
    }
}
