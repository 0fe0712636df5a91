import Foundation
import XCTest
import TestSupport

/// `bench score` end to end: the real built executable on real files.
final class ScoreCommandTests: XCTestCase {
    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], text)
    }

    /// The reference scorer's numbers for the sample interval sets (quantiles_expected.csv).
    func expected() throws -> [(name: String, n: Int, interval: Double, coverage: Double, score: Double)] {
        let text = try String(contentsOf: ReferenceData.sample("quantiles_expected.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            return (f[0], Int(f[1]) ?? -1, Double(f[2]) ?? .nan, Double(f[3]) ?? .nan, Double(f[4]) ?? .nan)
        }
    }

    func testIntervalsJSONHasExactlyTheFourKeysAndTheReferenceNumbers() throws {
        for e in try expected() {
            let out = try BenchProcess.run(["score", "--intervals", ReferenceData.sample(e.name + ".csv").path,
                                            "--format", "json"])
            XCTAssertEqual(out.status, 0, out.stderr)
            let j = try json(out.stdout)
            XCTAssertEqual(Set(j.keys), ["n", "interval", "coverage", "score"])
            XCTAssertEqual(j["n"] as? Int, e.n)
            XCTAssertEqual(try XCTUnwrap(j["interval"] as? Double), e.interval, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(j["coverage"] as? Double), e.coverage, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(j["score"] as? Double), e.score, accuracy: 1e-12)
        }
    }

    func testIntervalsTextShowsTheNumbersAndFailures() throws {
        let dir = try ReferenceData.temporaryDirectory("score-cli")
        let file = dir.appendingPathComponent("with-failures.csv")
        try "mu_true,p16,p84\n1,0.5,1.5\n1,nan,1.5\n1,,\n1,2,0.5\n".write(to: file, atomically: true, encoding: .utf8)
        let out = try BenchProcess.run(["score", "--intervals", file.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        for line in ["n         4", "coverage  0.25", "failures  2", "swapped   1"] {
            XCTAssertTrue(out.stdout.contains(line), "missing '\(line)' in:\n\(out.stdout)")
        }
        XCTAssertTrue(out.stdout.contains("interval  \((1 + 2.9 + 2.9 + 1.5) / 4)"), out.stdout)
        // JSON keeps exactly four keys and says on stderr that failures were counted.
        let j = try BenchProcess.run(["score", "--intervals", file.path, "--format", "json"])
        XCTAssertEqual(Set(try json(j.stdout).keys), ["n", "interval", "coverage", "score"])
        XCTAssertTrue(j.stderr.contains("2 of 4 intervals are failures"), j.stderr)
    }

    func testMalformedIntervalsFileIsAClearError() throws {
        let dir = try ReferenceData.temporaryDirectory("score-cli")
        let file = dir.appendingPathComponent("bad.csv")
        try "mu_true,p16,p84\n1,0.5,1.5\n1,0.5,abc\n".write(to: file, atomically: true, encoding: .utf8)
        let out = try BenchProcess.run(["score", "--intervals", file.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("bad.csv, line 3, column p84: 'abc' is not a number"), out.stderr)
        let truncated = dir.appendingPathComponent("truncated.csv")
        try "mu_true,p16,p84\n1,0.5,1.5\n1,0.5".write(to: truncated, atomically: true, encoding: .utf8)
        let t = try BenchProcess.run(["score", "--intervals", truncated.path])
        XCTAssertNotEqual(t.status, 0)
        XCTAssertTrue(t.stderr.contains("line 3: 2 fields where the header has 3"), t.stderr)
        let none = try BenchProcess.run(["score"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("--intervals"), none.stderr)
    }

    // MARK: --results DIR --truth FILE

    /// Two sets of 40 in the challenge's layout (indent 4, as its Python writes them), with
    /// mu_hat = mu + s, delta = 0.3, [p16, p84] = mu_hat -+ delta, for offsets s that cycle.
    func writeChallengeRun(in dir: URL, mus: [Double] = [1.0, 2.0], perSet: Int = 40) throws
        -> (interval: Double, coverage: Double, rmse: Double, mae: Double) {
        let offsets = [-0.5, -0.2, 0.0, 0.1, 0.25, 0.4]
        var covered = 0, n = 0, setRmse: [Double] = [], setMae: [Double] = []
        for (k, mu) in mus.enumerated() {
            var muHats: [Double] = [], p16: [Double] = [], p84: [Double] = []
            var rmse = 0.0, mae = 0.0
            for i in 0..<perSet {
                let m = mu + offsets[(i + k) % offsets.count]
                muHats.append(m); p16.append(m - 0.3); p84.append(m + 0.3)
                if m - 0.3 <= mu && mu <= m + 0.3 { covered += 1 }
                n += 1
                let e = m - mu
                rmse += (e * e + (e * e - 0.09) * (e * e - 0.09)).squareRoot()
                mae += abs(e) + abs(abs(e) - 0.3)
            }
            setRmse.append(rmse / Double(perSet)); setMae.append(mae / Double(perSet))
            func list(_ x: [Double]) -> String { "[\n        " + x.map { "\($0)" }.joined(separator: ",\n        ") + "\n    ]" }
            let text = "{\n    \"mu_hats\": \(list(muHats)),\n    \"delta_mu_hats\": \(list(Array(repeating: 0.3, count: perSet))),\n"
                + "    \"p16\": \(list(p16)),\n    \"p84\": \(list(p84))\n}"
            try text.write(to: dir.appendingPathComponent("result_\(k).json"), atomically: true, encoding: .utf8)
        }
        let settings = "{\"systematics\": {\"tes\": true, \"jes\": true, \"soft_met\": false, \"ttbar_scale\": false, "
            + "\"diboson_scale\": false, \"bkg_scale\": false}, \"num_pseudo_experiments\": \(perSet), "
            + "\"num_of_sets\": \(mus.count), \"ground_truth_mus\": \(mus)}"
        try settings.write(to: dir.appendingPathComponent("test_settings.json"), atomically: true, encoding: .utf8)
        return (0.6, Double(covered) / Double(n), setRmse.reduce(0, +) / Double(mus.count),
                setMae.reduce(0, +) / Double(mus.count))
    }

    func testResultsModeScoresTheChallengeFiles() throws {
        let dir = try ReferenceData.temporaryDirectory("score-cli")
        let want = try writeChallengeRun(in: dir)
        let scores = dir.appendingPathComponent("scores.json")
        let out = try BenchProcess.run(["score", "--results", dir.path, "--truth",
                                        dir.appendingPathComponent("test_settings.json").path,
                                        "--format", "json", "--bootstrap", "50", "--write-scores", scores.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        let j = try json(out.stdout)
        XCTAssertEqual(j["n"] as? Int, 80)
        XCTAssertEqual(try XCTUnwrap(j["interval"] as? Double), want.interval, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(j["coverage"] as? Double), want.coverage, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(j["rmse"] as? Double), want.rmse, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(j["mae"] as? Double), want.mae, accuracy: 1e-12)
        let c = want.coverage, sigma = (0.6827 * 0.3173 / 80).squareRoot()
        let f = c < 0.6827 - 2 * sigma ? 1 + pow((0.6827 - 2 * sigma - c) / sigma, 4)
            : c > 0.6827 + 2 * sigma ? 1 + pow((c - 0.6827 - 2 * sigma) / sigma, 3) : 1
        XCTAssertEqual(try XCTUnwrap(j["score"] as? Double), -log((0.6 + 1e-3) * f), accuracy: 1e-12)
        XCTAssertEqual((j["sets"] as? [Any])?.count, 2)
        XCTAssertNotNil((j["bootstrap"] as? [String: Any])?["score_se"] as? Double)

        let written = try json(String(contentsOf: scores, encoding: .utf8))
        XCTAssertEqual(Set(written.keys), ["rmse", "mae", "interval", "coverage", "quantiles_score", "ingestion_duration"])
        XCTAssertEqual(written["quantiles_score"] as? Double, j["score"] as? Double)

        let text = try BenchProcess.run(["score", "--results", dir.path, "--truth",
                                         dir.appendingPathComponent("test_settings.json").path, "--bootstrap", "0"])
        XCTAssertEqual(text.status, 0, text.stderr)
        for piece in ["interval", "coverage", "score", "rmse", "mae", "Per set", "Coverage by true mu"] {
            XCTAssertTrue(text.stdout.contains(piece), "missing '\(piece)' in:\n\(text.stdout)")
        }
    }

    func testResultsModeBadInputIsAClearError() throws {
        let dir = try ReferenceData.temporaryDirectory("score-cli")
        _ = try writeChallengeRun(in: dir)
        let truth = dir.appendingPathComponent("test_settings.json")
        // Truth for three sets, files for two.
        try "{\"ground_truth_mus\": [1.0, 2.0, 1.5]}".write(to: truth, atomically: true, encoding: .utf8)
        var out = try BenchProcess.run(["score", "--results", dir.path, "--truth", truth.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("result_2.json is missing"), out.stderr)
        // A truncated result file.
        try "{\"ground_truth_mus\": [1.0, 2.0]}".write(to: truth, atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("result_1.json")
        let whole = try String(contentsOf: file, encoding: .utf8)
        try String(whole.prefix(whole.count / 2)).write(to: file, atomically: true, encoding: .utf8)
        out = try BenchProcess.run(["score", "--results", dir.path, "--truth", truth.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("result_1.json is not valid JSON"), out.stderr)
        XCTAssertTrue(out.stderr.contains("truncated"), out.stderr)
        // --results without --truth.
        out = try BenchProcess.run(["score", "--results", dir.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("--truth"), out.stderr)
    }
}
