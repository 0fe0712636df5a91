import XCTest
import TestSupport
@testable import PseudoExperiments

/// CSV event files, tested on the FAIR Universe sample (FAIR Universe HiggsML Uncertainty
/// Challenge, input_data snapshot 31816a0): 1000 real events as float32 in shortest form.
final class EventTableCSVTests: XCTestCase {
    static let inputURL = ReferenceData.sample("input_rows.csv")

    func testReadsTheReferenceSampleExactly() throws {
        let contents = try EventTable.readCSV(from: Self.inputURL)
        let t = contents.table
        XCTAssertEqual(t.count, 1000)
        XCTAssertEqual(contents.inputRows, Array(0..<1000))
        XCTAssertFalse(contents.derivedFeaturesComputed)
        // Row 0: 0,32.117,-0.485,-1.489,34.319,... weights 1582.3646, ztautau, DER_mass_vis 67.01088
        XCTAssertEqual(t[.lepPt][0], Float("32.117")!)
        XCTAssertEqual(t[.hadPt][0], Float("34.319")!)
        XCTAssertEqual(t[.jetLeadingPt][0], -25)
        XCTAssertEqual(t.weights[0], Float("1582.3646")!)
        XCTAssertEqual(t.process(at: 0), .ztautau)
        XCTAssertEqual(t[.massVis][0], Float("67.01088")!)
        // All four processes occur and the metadata's sum of weights is reproduced.
        let counts = t.rowCounts()
        XCTAssertEqual(counts.values.reduce(0, +), 1000)
        for p in PhysicsProcess.allCases { XCTAssertGreaterThan(counts[p]!, 0, "\(p)") }
        let sum = t.weightSums().values.reduce(0, +)
        XCTAssertEqual(sum, 1_051_433, accuracy: 1_051_433 * 1e-5)   // metadata sum_weights
    }

    func testWritingTheSampleReproducesTheReferenceFileByteForByte() throws {
        let original = try Data(contentsOf: Self.inputURL)
        let contents = try EventTable.readCSV(from: Self.inputURL)
        let written = Data(contents.table.csvBytes(inputRows: contents.inputRows))
        XCTAssertEqual(written.count, original.count)
        XCTAssert(written == original, "written CSV differs from input_rows.csv")
    }

    func testRoundTripThroughAFile() throws {
        let dir = try ReferenceData.temporaryDirectory("csv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try EventTable.readCSV(from: Self.inputURL).table
        let url = dir.appendingPathComponent("t.csv")
        try table.writeCSV(to: url)
        let back = try EventTable.readCSV(from: url)
        XCTAssertNil(back.inputRows)
        XCTAssertEqual(back.table, table)
    }

    func testColumnsInAnyOrder() throws {
        let text = try String(contentsOf: Self.inputURL, encoding: .utf8)
        let lines = text.split(separator: "\n").prefix(50).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let order = Array((0..<lines[0].count).reversed())
        let shuffled = lines.map { fields in order.map { String(fields[$0]) }.joined(separator: ",") }.joined(separator: "\r\n")
        let a = try EventTable.parseCSV(shuffled, file: "reversed.csv")
        let b = try EventTable.parseCSV(lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n", file: "plain.csv")
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.table.count, 49)
    }

    func testMissingDerivedColumnsAreComputedFromPrimaries() throws {
        let full = try EventTable.readCSV(from: Self.inputURL).table
        let text = try String(contentsOf: Self.inputURL, encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let keep = rows[0].indices.filter { !rows[0][$0].hasPrefix("DER_") }
        let stripped = rows.map { r in keep.map { String(r[$0]) }.joined(separator: ",") }.joined(separator: "\n")
        let computed = try EventTable.parseCSV(stripped, file: "pri-only.csv")
        XCTAssertTrue(computed.derivedFeaturesComputed)
        for f in Feature.primary { XCTAssertEqual(computed.table[f], full[f]) }
        // The reference DER values are float32 computations: same tolerances as the transform.
        try DerivedFeatureTolerance.assertMatches(computed.table, full, sourceRows: Array(0..<full.count))
    }

    func testFloatParsingIsCorrectlyRounded() {
        var g = SeededGenerator(seed: 11)
        var texts: [String] = []
        for _ in 0..<20_000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            if f.isFinite { texts.append(f.description) }
        }
        for _ in 0..<20_000 {
            // Long decimals and halfway-looking cases that need the slow path.
            texts.append(String(format: "%.12f", g.nextDouble(in: -300, 300)))
            texts.append("\(g.nextInt(below: 1 << 25)).5e-\(g.nextInt(below: 30))")
        }
        texts += ["0", "-0.0", "+1.5", "1e-05", "16777217", "0.000000000000000000000000000000000000001", "3.4028235e38"]
        for t in texts {
            let expected = Float(t)!
            let got = t.utf8CString.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: UInt8.self) { DecimalParsing.parseFloat($0.baseAddress!, 0, t.utf8.count) }
            }
            XCTAssertEqual(got, .value(expected), t)
            if case .value(let v) = got { XCTAssertEqual(v.bitPattern, expected.bitPattern, t) }
        }
    }

    // MARK: - Errors name file, line, row and column

    private func header(dropping: String? = nil) -> [String] {
        EventTable.csvColumnNames(withInputRow: false).filter { $0 != dropping }
    }

    private func goodRow() throws -> [String] {
        let text = try String(contentsOf: Self.inputURL, encoding: .utf8)
        let rows = text.split(separator: "\n")
        return rows[1].split(separator: ",").dropFirst().map(String.init)   // without input_row
    }

    private func assertError(_ text: String, _ expected: EventDataError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try EventTable.parseCSV(text, file: "bad.csv"), file: file, line: line) { error in
            XCTAssertEqual(error as? EventDataError, expected, file: file, line: line)
            XCTAssertTrue("\(error)".contains("bad.csv"), file: file, line: line)
        }
    }

    func testErrors() throws {
        let h = header().joined(separator: ",")
        let good = try goodRow()
        func row(_ column: String, _ value: String) -> String {
            var r = good
            r[header().firstIndex(of: column)!] = value
            return r.joined(separator: ",")
        }
        let ok = good.joined(separator: ",")
        assertError("", .emptyFile(file: "bad.csv"))
        assertError("\n\n", .emptyFile(file: "bad.csv"))
        assertError(header(dropping: "PRI_met").joined(separator: ",") + "\n",
                    .missingColumn(file: "bad.csv", column: "PRI_met"))
        assertError(header(dropping: "weights").joined(separator: ","), .missingColumn(file: "bad.csv", column: "weights"))
        assertError(header(dropping: "DER_pt_h").joined(separator: ","),
                    .partialDerivedColumns(file: "bad.csv", missing: ["DER_pt_h"]))
        assertError(h + ",PRI_met", .duplicateColumn(file: "bad.csv", column: "PRI_met"))
        assertError(h + ",Unnamed: 0", .unknownColumn(file: "bad.csv", column: "Unnamed: 0"))
        assertError([h, ok, row("PRI_had_eta", "abc")].joined(separator: "\n"),
                    .nonNumeric(file: "bad.csv", line: 3, row: 1, column: "PRI_had_eta", text: "abc"))
        assertError([h, row("PRI_met", "")].joined(separator: "\n"),
                    .nonNumeric(file: "bad.csv", line: 2, row: 0, column: "PRI_met", text: ""))
        assertError([h, row("DER_pt_h", "nan")].joined(separator: "\n"),
                    .nonFinite(file: "bad.csv", line: 2, row: 0, column: "DER_pt_h", text: "nan"))
        assertError([h, ok, ok, row("weights", "-inf")].joined(separator: "\n"),
                    .nonFinite(file: "bad.csv", line: 4, row: 2, column: "weights", text: "-inf"))
        assertError([h, row("PRI_lep_pt", "1e39")].joined(separator: "\n"),
                    .nonFinite(file: "bad.csv", line: 2, row: 0, column: "PRI_lep_pt", text: "1e39"))
        assertError([h, row("detailed_labels", "wjets")].joined(separator: "\n"),
                    .unknownProcess(file: "bad.csv", line: 2, row: 0, text: "wjets"))
        assertError([h, row("labels", "1.0")].joined(separator: "\n"),
                    .labelMismatch(file: "bad.csv", line: 2, row: 0, label: "1.0", process: "ztautau"))
        assertError([h, ok, good.dropLast().joined(separator: ",")].joined(separator: "\n"),
                    .wrongFieldCount(file: "bad.csv", line: 3, row: 1, expected: 31, found: 30))
        assertError([h, ok + ",1.0,2.0"].joined(separator: "\n"),
                    .wrongFieldCount(file: "bad.csv", line: 2, row: 0, expected: 31, found: 33))
        assertError([h, ok, "", ok].joined(separator: "\n"),
                    .wrongFieldCount(file: "bad.csv", line: 3, row: 1, expected: 31, found: 0))
        assertError(["input_row," + h, "x," + ok].joined(separator: "\n"),
                    .nonNumeric(file: "bad.csv", line: 2, row: 0, column: "input_row", text: "x"))
        // A header alone is a valid empty table; trailing newlines are not rows.
        XCTAssertEqual(try EventTable.parseCSV(h + "\n", file: "h.csv").table.count, 0)
        XCTAssertEqual(try EventTable.parseCSV([h, ok, ok].joined(separator: "\n") + "\n\n", file: "h.csv").table.count, 2)
    }
}
