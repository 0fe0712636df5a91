import Foundation
import PseudoExperiments
@testable import Scoring
import XCTest

/// Leaderboards built from a real store file: ordering, ranks, references, paired comparisons,
/// and the four output formats.
final class LeaderboardTableTests: XCTestCase {
    private var f: StoreFixture!
    private let options = BootstrapOptions(replicates: 200, seed: 11)

    override func setUpWithError() throws {
        f = try StoreFixture("leaderboard", sets: 4, perSet: 25)
        // Every third pseudo-experiment is missed by all (coverage 2/3, inside the band).
        try complete("alpha") { k, _ in 0.30 }
        try complete("beta") { k, _ in k % 2 == 0 ? 0.345 : 0.25 }   // 1% narrower on average: a tie
        try complete("gamma", kind: .baseline) { _, _ in 0.60 }
        try complete("oracle", kind: .reference) { _, _ in 0.05 }
        try complete("null", kind: .reference, fail: true) { _, _ in 0 }
        // A run that is still going is not on the board.
        let open = try f.store.beginRun(submission: StoreFixture.submission("delta"),
                                        setManifestHash: StoreFixture.manifest)
        try f.store.record(f.outcome(f.keys[0], halfWidth: 0.01), in: open.id)
    }

    override func tearDown() { f.remove() }

    /// Runs `name` on every pseudo-experiment with the half-width `width(k, key)`.
    @discardableResult
    private func complete(_ name: String, kind: Submission.Kind = .entry, code: String = "code-1", fail: Bool = false,
                          _ width: (Int, PseudoExperimentKey) -> Double) throws -> RunID {
        let run = try f.store.beginRun(submission: StoreFixture.submission(name, kind: kind, code: code),
                                       setManifestHash: StoreFixture.manifest)
        for (k, key) in f.keys.enumerated() {
            let outcome = fail
                ? PseudoExperimentOutcome(key: key, estimate: nil, failure: "no fit", runtimeSeconds: 0.5)
                : f.outcome(key, halfWidth: width(k, key), shift: k % 3 == 0 ? 1.5 : 0, runtime: 0.01)
            try f.store.record(outcome, in: run.id)
        }
        try f.store.finishRun(run.id, status: .completed)
        return run.id
    }

    private func board() throws -> LeaderboardTable {
        let tables = try LeaderboardTable.tables(from: LeaderboardStore(path: f.path, access: .readOnly),
                                                 bootstrap: options)
        XCTAssertEqual(tables.count, 1)
        return tables[0]
    }

    func testOrdersByScoreRanksEntriesAndShowsReferencesUnranked() throws {
        let t = try board()
        XCTAssertEqual(t.rows.map(\.submission.name), ["oracle", "beta", "alpha", "gamma", "null"])
        XCTAssertEqual(t.rows.map(\.rank), [nil, 1, 2, 3, nil])
        XCTAssertEqual(t.pseudoExperiments, 100)
        // The numbers are the challenge's: coverage 66/100 (every third missed), mean width 2 h.
        let p = ScoreParameters.fairUniverse2024
        let alpha = t.rows[2].metrics
        XCTAssertEqual(alpha.coverage, 0.66)
        XCTAssertEqual(alpha.interval, 0.6, accuracy: 1e-12)
        XCTAssertEqual(alpha.score, p.score(meanWidth: 0.6, coverage: 0.66, n: 100), accuracy: 1e-12)
        let null = t.rows[4]
        XCTAssertEqual(null.metrics.failures, 100)
        XCTAssertEqual(null.metrics.coverage, 0)
        XCTAssertEqual(null.runtimeSeconds, 50, accuracy: 1e-9)
        XCTAssertEqual(t.rows[2].runtimeSeconds, 1, accuracy: 1e-9)
        XCTAssertTrue(t.rows.allSatisfy { $0.scoreError > 0 && $0.scoreError.isFinite || $0.submission.name == "null" })
    }

    func testRankNeighboursAreComparedPairedAndTiesAreFlagged() throws {
        let t = try board()
        let beta = t.rows[1], alpha = t.rows[2], gamma = t.rows[3]
        XCTAssertNil(t.rows[0].versusNext, "references are not compared")
        XCTAssertNil(gamma.versusNext, "the last rank has no next")
        let ba = try XCTUnwrap(beta.versusNext)
        XCTAssertEqual(ba.observed, beta.metrics.score - alpha.metrics.score, accuracy: 1e-12)
        XCTAssertFalse(ba.isSignificant, "\(ba)")
        XCTAssertTrue(beta.tiedWithNext)
        let ag = try XCTUnwrap(alpha.versusNext)
        XCTAssertTrue(ag.isSignificant, "\(ag)")
        XCTAssertGreaterThan(ag.lower, 0)
    }

    func testUsesTheStoredScorecardAndTheLatestCompletedRun() throws {
        let runs = try f.store.latestCompletedRuns()
        let alphaRun = try XCTUnwrap(runs.first { $0.submission.name == "alpha" }).id
        let card = try f.store.scoreRun(alphaRun, bootstrap: BootstrapOptions(replicates: 50, seed: 3))
        // Scorecards hold NaN (empty bins): compare their canonical JSON.
        XCTAssertEqual(try LeaderboardStore.canonicalJSON(try f.store.scorecard(for: alphaRun)),
                       try LeaderboardStore.canonicalJSON(card))
        XCTAssertEqual(try board().rows.first { $0.submission.name == "alpha" }?.scoreError,
                       card.bootstrap?.scoreStandardError)
        // A scorecard without bootstrap has no error: NaN, written as null in JSON.
        try f.store.saveScorecard(try Scorecard(results: f.store.scoredResults(of: alphaRun), bootstrap: nil),
                                  for: alphaRun)
        XCTAssertTrue(try board().rows.first { $0.submission.name == "alpha" }!.scoreError.isNaN)

        // A newer version of alpha replaces the old one on the board.
        let newer = try complete("alpha", code: "code-2") { _, _ in 0.20 }
        let row = try XCTUnwrap(try board().rows.first { $0.submission.name == "alpha" })
        XCTAssertEqual(row.run, newer)
        XCTAssertEqual(row.rank, 1)
        XCTAssertEqual(row.metrics.interval, 0.4, accuracy: 1e-12)
    }

    func testChallengeFilterAndUnknownChallenge() throws {
        let reader = try LeaderboardStore(path: f.path, access: .readOnly)
        XCTAssertEqual(try LeaderboardTable.tables(from: reader, challenge: "toy", bootstrap: options).count, 1)
        XCTAssertThrowsError(try LeaderboardTable.tables(from: reader, challenge: "nope")) {
            XCTAssertEqual($0 as? LeaderboardStoreError, .unknownChallenge(path: f.path, name: "nope", known: ["toy"]))
        }
        try f.store.registerChallenge(name: "empty", spec: "{}", specHash: "h")
        XCTAssertEqual(try LeaderboardTable.tables(from: reader, challenge: "empty").count, 0)
    }

    func testTextTableIsAlignedAndExplainsItself() throws {
        let text = LeaderboardTable.render([try board()], as: .table)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("OPEN challenge toy, set manifest manifest-a: 100 pseudo-experiments, 5"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("Rank  Submission  Kind"), lines[1])
        // Each column starts where its header does: the "Score" column right-aligns under it.
        let scoreEnd = lines[1].range(of: "Score")!.upperBound.utf16Offset(in: lines[1])
        for line in lines[3..<8] {
            let chars = Array(line)
            XCTAssertEqual(chars[scoreEnd - 1].isNumber, true, line)
            XCTAssertEqual(chars[scoreEnd], " ", line)
        }
        XCTAssertTrue(lines[4].hasPrefix("   1  beta"), lines[4])
        XCTAssertTrue(lines[4].hasSuffix("n.s."), lines[4])
        XCTAssertTrue(lines[3].hasPrefix("   -  oracle"), lines[3])
        XCTAssertTrue(text.contains("n.s. = not significant (the 95% interval"))
        XCTAssertTrue(text.contains("Rank -: a reference"))
    }

    func testMarkdownIsAGitHubTable() throws {
        let text = LeaderboardTable.render([try board()], as: .markdown)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("|") }
        XCTAssertEqual(rows.count, 2 + 5)
        XCTAssertEqual(rows[1], "|---:|:---|:---|---:|---:|---:|---:|---:|---:|---:|:---|")
        XCTAssertTrue(rows.allSatisfy { $0.filter { $0 == "|" }.count == 12 })
        XCTAssertTrue(rows[3].hasPrefix("| 1 | beta | entry |"), String(rows[3]))
    }

    func testCSVAndJSONCarryTheSameRecords() throws {
        let t = try board()
        let csv = try CSVText.records(LeaderboardTable.render([t], as: .csv))
        XCTAssertEqual(csv[0].fields, LeaderboardTable.recordKeys)
        XCTAssertEqual(csv.count, 6)
        let json = try JSONValue.parse(LeaderboardTable.render([t], as: .json))
        guard case .array(let objects) = json else { return XCTFail("not an array: \(json)") }
        XCTAssertEqual(objects.count, 5)
        for (row, (object, record)) in zip(t.rows, zip(objects, csv.dropFirst())) {
            for key in ["rank", "submission", "score", "score_error", "coverage", "interval", "failures", "runtime_s"] {
                XCTAssertNotNil(object[key], key)
            }
            XCTAssertEqual(object["submission"], .string(row.submission.name))
            XCTAssertEqual(object["rank"], row.rank.map { .number(Double($0)) } ?? .null)
            XCTAssertEqual(object["score"], .number(row.metrics.score))
            XCTAssertEqual(object["failures"], .number(Double(row.metrics.failures)))
            let fields = Dictionary(uniqueKeysWithValues: zip(csv[0].fields, record.fields))
            XCTAssertEqual(Double(fields["score"]!), row.metrics.score)   // shortest form round-trips
            XCTAssertEqual(fields["rank"], row.rank.map(String.init) ?? "")
            XCTAssertEqual(fields["significant_to_next"], row.versusNext.map { $0.isSignificant ? "true" : "false" } ?? "")
        }
        XCTAssertEqual(objects[1]["significant_to_next"], .bool(false))
        XCTAssertEqual(objects[0]["difference_to_next"], .null)
    }

    func testNaNAndInfinityAreNullInJSONAndEmptyInCSV() throws {
        var t = try board()
        t.rows[0].scoreError = .nan
        t.rows[1].runtimeSeconds = .infinity
        let json = try JSONValue.parse(LeaderboardTable.render([t], as: .json))
        guard case .array(let objects) = json else { return XCTFail() }
        XCTAssertEqual(objects[0]["score_error"], .null)
        XCTAssertEqual(objects[1]["runtime_s"], .null)
        let csv = try CSVText.records(LeaderboardTable.render([t], as: .csv))
        let i = LeaderboardTable.recordKeys.firstIndex(of: "score_error")!
        XCTAssertEqual(csv[1].fields[i], "")
        XCTAssertTrue(LeaderboardTable.render([t], as: .table).contains("nan"))
    }

    func testEmptyBoardRendersEmptyMachineFormats() {
        XCTAssertEqual(LeaderboardTable.render([], as: .json), "[]\n")
        XCTAssertEqual(LeaderboardTable.render([], as: .csv), LeaderboardTable.recordKeys.joined(separator: ",") + "\r\n")
    }
}
