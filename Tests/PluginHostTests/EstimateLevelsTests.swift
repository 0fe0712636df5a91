import XCTest
import PseudoExperiments
@testable import PluginHost

/// The `intervals` of an estimate reply (protocol version 2): read and checked, field by field;
/// ignored from a version-1 plugin, as every key version 1 does not define.
final class EstimateLevelsTests: XCTestCase {
    private func message(_ json: String) throws -> PluginMessage {
        try PluginMessage.decode(Array(json.utf8), phase: .estimate, stderr: { "" })
    }

    private func assertRefused(_ json: String, _ detail: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let m = try message(json)
        XCTAssertThrowsError(try m.checkedEstimate(protocolVersion: 2, primaryLevel: 0.6827), file: file, line: line) {
            XCTAssertEqual($0 as? PluginError, .invalidEstimate(detail: detail), file: file, line: line)
        }
    }

    func testVersion2IntervalsAreReadInLevelOrder() throws {
        let m = try message(#"""
            {"type":"estimate","id":1,"p16":0.9,"p84":1.3,"p2_5":0.5,"p97_5":1.7,
             "intervals":[{"level":0.9,"lower":0.6,"upper":1.6},{"level":0.5,"lower":1.0,"upper":1.2}]}
            """#)
        let e = try m.checkedEstimate(protocolVersion: 2, primaryLevel: 0.6827)
        XCTAssertEqual(e.levels.map(\.level), [0.5, 0.9, 0.95])
        XCTAssertEqual(e.interval(at: 0.9), ConfidenceInterval(lower: 0.6, upper: 1.6))
        XCTAssertEqual(e.interval95, ConfidenceInterval(lower: 0.5, upper: 1.7))
        XCTAssertEqual(e.interval68, ConfidenceInterval(lower: 0.9, upper: 1.3))
    }

    func testVersion1AndOmittedIntervalsAreUnchanged() throws {
        let v1 = try message(#"{"type":"estimate","id":1,"p16":0.9,"p84":1.3,"intervals":"whatever version 1 says"}"#)
        let e1 = try v1.checkedEstimate(protocolVersion: 1, primaryLevel: 0.6827)
        XCTAssertEqual(e1, Estimate(p16: 0.9, p84: 1.3))
        let v1Levels = try message(#"{"type":"estimate","id":1,"p16":0.9,"p84":1.3,"intervals":[{"level":7}]}"#)
        XCTAssertEqual(try v1Levels.checkedEstimate(protocolVersion: 1, primaryLevel: 0.6827).levels, [])
        let v2 = try message(#"{"type":"estimate","id":1,"p16":0.9,"p84":1.3}"#)
        XCTAssertEqual(try v2.checkedEstimate(protocolVersion: 2, primaryLevel: 0.6827), Estimate(p16: 0.9, p84: 1.3))
    }

    func testBadIntervalsAreRefusedNamingTheField() throws {
        let head = #"{"type":"estimate","id":1,"p16":0.9,"p84":1.3,"intervals":"#
        try assertRefused(head + #"[{"level":1.5,"lower":0,"upper":1}]}"#,
                          "intervals[0].level is 1.5, not a confidence level strictly between 0 and 1")
        try assertRefused(head + #"[{"level":0,"lower":0,"upper":1}]}"#,
                          "intervals[0].level is 0.0, not a confidence level strictly between 0 and 1")
        try assertRefused(head + #"[{"level":NaN,"lower":0,"upper":1}]}"#,
                          "intervals[0].level is nan, not a confidence level strictly between 0 and 1")
        try assertRefused(head + #"[{"level":0.5,"lower":1,"upper":1.1},{"level":0.9,"lower":2,"upper":1}]}"#,
                          "intervals[1]: swapped bounds, lower = 2.0 > upper = 1.0")
        try assertRefused(head + #"[{"level":0.9,"lower":-Infinity,"upper":1}]}"#, "intervals[0].lower is -inf")
        try assertRefused(head + #"[{"level":0.9,"lower":0,"upper":NaN}]}"#, "intervals[0].upper is nan")
        try assertRefused(head + #"[{"level":0.9,"upper":1}]}"#, "intervals[0] has no \"lower\"")
        try assertRefused(head + #"[{"level":0.9,"lower":0,"upper":1},{"level":0.9,"lower":0,"upper":1}]}"#,
                          "intervals[1].level 0.9 is given twice")
        try assertRefused(head + #"[{"level":0.6827,"lower":0.9,"upper":1.3}]}"#,
                          "intervals[0].level is 0.6827, the primary level: that interval is p16 and p84, give it there only")
        try assertRefused(head + #"{"level":0.9}}"#,
                          "intervals is not a list of {\"level\", \"lower\", \"upper\"} objects of numbers")
        try assertRefused(#"{"type":"estimate","id":1,"p16":0.9,"p84":1.3,"p2_5":0,"p97_5":2,"intervals":[{"level":0.95,"lower":0,"upper":2}]}"#,
                          "the 95% interval is given twice, as p2_5/p97_5 and in intervals; give it once")
        let many = (1...17).map { #"{"level":\#(Double($0) / 20),"lower":0,"upper":1}"# }.joined(separator: ",")
        try assertRefused(head + "[\(many)]}", "intervals holds 17 intervals, more than the 16 allowed")
    }

    func testThePrimaryLevelIsTheSpecs() throws {
        // A challenge scoring 90% intervals: 0.6827 is then a further level, 0.9 the primary.
        let m = try message(#"{"type":"estimate","id":1,"p16":0.9,"p84":1.3,"intervals":[{"level":0.6827,"lower":1,"upper":1.2}]}"#)
        XCTAssertEqual(try m.checkedEstimate(protocolVersion: 2, primaryLevel: 0.9).levels.map(\.level), [0.6827])
        XCTAssertThrowsError(try message(#"{"type":"estimate","id":1,"p16":0.9,"p84":1.3,"intervals":[{"level":0.9,"lower":1,"upper":1.2}]}"#)
            .checkedEstimate(protocolVersion: 2, primaryLevel: 0.9))
    }
}

/// Further levels through a real plugin process (the Python client's `intervals`).
final class PluginLevelsTests: XCTestCase {
    func testThePythonClientSendsFurtherLevelsAndABadOneFailsThatPseudoExperiment() throws {
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("levels"))
        let view = PluginFixture.view(rows: 40)
        let estimate = try PluginFixture.estimate(fitted, view, index: 0)
        let digest = PluginFixture.digest(view)
        XCTAssertEqual(estimate.levels.map(\.level), [0.5, 0.9, 0.95])
        XCTAssertEqual(estimate.interval(at: 0.5), ConfidenceInterval(lower: digest.min, upper: digest.min))
        XCTAssertEqual(estimate.interval(at: 0.9), ConfidenceInterval(lower: digest.min - 1, upper: digest.max + 1))
        XCTAssertEqual(estimate.interval95, ConfidenceInterval(lower: digest.min - 2, upper: digest.max + 2))
        XCTAssertThrowsError(try PluginFixture.estimate(fitted, PluginFixture.view(rows: 40, marked: true), index: 1)) { error in
            guard case let .invalidEstimate(detail)? = error as? PluginError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.hasPrefix("intervals[0]: swapped bounds"), detail)
        }
        // The worker carries on.
        XCTAssertEqual(try PluginFixture.estimate(fitted, view, index: 2).levels.count, 3)
    }
}
