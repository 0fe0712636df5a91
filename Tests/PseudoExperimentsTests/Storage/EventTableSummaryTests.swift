import Foundation
import XCTest
@testable import PseudoExperiments
import TestSupport

final class EventTableSummaryTests: XCTestCase {
    func testMarkerIsLeftOutOnlyWhereItIsTheMarker() {
        var table = EventTable()
        var row = [Float](repeating: 1, count: Feature.allCases.count)
        row[Feature.jetLeadingPt.index] = -25
        row[Feature.lepEta.index] = -25        // not a marker column: an ordinary value
        table.append(features: row, weight: 2, process: .ztautau)
        row[Feature.jetLeadingPt.index] = 40
        row[Feature.lepEta.index] = 1
        table.append(features: row, weight: 0.5, process: .htautau)
        let s = EventTableSummary(table)
        XCTAssertEqual(s.rows, 2)
        let jet = s.features[Feature.jetLeadingPt.index]
        XCTAssertEqual(jet.defined, 1); XCTAssertEqual(jet.undefined, 1)
        XCTAssertEqual(jet.range, 40...40); XCTAssertEqual(jet.mean, 40)
        let eta = s.features[Feature.lepEta.index]
        XCTAssertEqual(eta.defined, 2); XCTAssertEqual(eta.undefined, 0)
        XCTAssertEqual(eta.range, -25...1); XCTAssertEqual(eta.mean, -12)
        XCTAssertEqual(s.processes[.ztautau], .init(rows: 1, weightSum: 2))
        XCTAssertEqual(s.processes[.htautau], .init(rows: 1, weightSum: 0.5))
        XCTAssertEqual(s.processes[.ttbar], .init(rows: 0, weightSum: 0))
        XCTAssertEqual(s.weights.range, 0.5...2)
    }

    func testAllUndefinedColumnHasNoRangeAndEmptyTableIsEmpty() {
        let empty = EventTableSummary(EventTable())
        XCTAssertEqual(empty.rows, 0)
        XCTAssertNil(empty.features[0].mean)
        var table = EventTable(zeroedRows: 3)
        table[.massJetJet] = [-25, -25, -25]
        let s = EventTableSummary(table)
        XCTAssertNil(s.features[Feature.massJetJet.index].range)
        XCTAssertEqual(s.features[Feature.massJetJet.index].undefined, 3)
    }

    func testBlockByBlockEqualsWhole() throws {
        let table = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        var streamed = EventTableSummary()
        for start in stride(from: 0, to: table.count, by: 333) {
            streamed.add(table.rows(Array(start..<min(table.count, start + 333))))
        }
        let whole = EventTableSummary(table)
        XCTAssertEqual(streamed.rows, whole.rows)
        XCTAssertEqual(streamed.processes.mapValues(\.rows), whole.processes.mapValues(\.rows))
        for i in Feature.allCases.indices {
            XCTAssertEqual(streamed.features[i].range, whole.features[i].range)
            XCTAssertEqual(streamed.features[i].mean!, whole.features[i].mean!, accuracy: 1e-9 * (1 + abs(whole.features[i].mean!)))
        }
    }

    /// Feature.mayBeUndefined must list exactly the columns the event-table schema lets be -25.
    func testMarkerColumnsMatchTheEventTableSchema() throws {
        let url = ReferenceData.packageRoot.appendingPathComponent("datasets-spec/schemas/1.0.0/event-table.json")
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let defs = try XCTUnwrap(schema["$defs"] as? [String: Any])
        let properties = try XCTUnwrap((defs["features"] as? [String: Any])?["properties"] as? [String: [String: Any]])
        for feature in Feature.allCases {
            let anyOf = properties[feature.rawValue]?["anyOf"] as? [[String: Any]] ?? []
            let admitsMarker = anyOf.contains { ($0["$ref"] as? String) == "#/$defs/undefined" }
            XCTAssertEqual(feature.mayBeUndefined, admitsMarker, feature.rawValue)
        }
    }
}
