import Foundation
import Scoring
import TestSupport
import XCTest

/// Challenge variants end to end (issue 16): the closure variant reproduces the nominal run bit
/// for bit, a shift changes the results on the very same pseudo-experiments, and
/// `bench leaderboard --robustness` pairs them.
final class VariantCommandTests: XCTestCase {
    func generate(_ challenge: String, in directory: URL, seed: Int = 5) throws -> URL {
        let output = directory.appendingPathComponent(challenge + "-\(seed)")
        let run = try BenchProcess.run(["generate", "--challenge", challenge, "--sets", "3", "--per-set", "4",
                                        "--seed", "\(seed)", "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        return output
    }

    func evaluate(_ sets: URL, database: String) throws {
        for estimator in ["counting", "null"] {
            let run = try BenchProcess.run(["evaluate", "--sets", sets.path, "--estimator", estimator,
                                            "--database", database, "--no-progress"])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
    }

    func testClosureEqualsNominalAndTheRobustnessViewPairsEachVariant() throws {
        let directory = try ReferenceData.temporaryDirectory("variants")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("lb.sqlite").path
        var manifests: [String: [String: Any]] = [:]
        for challenge in ["fair-universe-2024-mini", "fair-universe-2024-mini-closure", "fair-universe-2024-mini-tau-resolution"] {
            let sets = try generate(challenge, in: directory)
            let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(
                with: Data(contentsOf: sets.appendingPathComponent("manifest.json"))) as? [String: Any])
            manifests[challenge] = manifest
            try evaluate(sets, database: database)
        }
        // An unpaired variant run: another seed.
        try evaluate(try generate("fair-universe-2024-mini-z-pt", in: directory, seed: 6), database: database)

        func pool(_ c: String) -> String { "\((manifests[c]?["pool"] as? [String: Any])?["digest"] ?? "?")" }
        XCTAssertEqual(pool("fair-universe-2024-mini-closure"), pool("fair-universe-2024-mini"), "the closure pool is the nominal pool")
        XCTAssertNotEqual(pool("fair-universe-2024-mini-tau-resolution"), pool("fair-universe-2024-mini"))

        let store = try LeaderboardStore(path: database, access: .readOnly)
        var results: [String: [ScoredResult]] = [:]
        for run in try store.latestCompletedRuns() where run.submission.name == "counting" {
            results[run.challenge] = try store.scoredResults(of: run.id)
        }
        let nominal = try XCTUnwrap(results["fair-universe-2024-mini"])
        XCTAssertEqual(nominal.count, 12)
        XCTAssertEqual(results["fair-universe-2024-mini-closure"], nominal, "closure: every result bit for bit")
        let shifted = try XCTUnwrap(results["fair-universe-2024-mini-tau-resolution"])
        XCTAssertEqual(shifted.map(\.key), nominal.map(\.key))
        XCTAssertEqual(shifted.map(\.truth.mu), nominal.map(\.truth.mu), "paired: the same true mu")
        XCTAssertNotEqual(shifted.map(\.estimate), nominal.map(\.estimate), "the shift changes the estimates")

        let view = try BenchProcess.run(["leaderboard", "--database", database, "--robustness", "--replicates", "200"])
        XCTAssertEqual(view.status, 0, view.stderr)
        let lines = view.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("Robustness of fair-universe-2024-mini "), view.stdout)
        let closure = try XCTUnwrap(lines.first { $0.contains(" closure ") }, view.stdout)
        XCTAssertEqual(closure.components(separatedBy: "+0.0000 ± 0.0000").count - 1, 2, "score and width unchanged: \(closure)")
        XCTAssertTrue(closure.contains("+0.000 ± 0.000"), closure)
        let tau = try XCTUnwrap(lines.first { $0.contains(" tau-resolution ") }, view.stdout)
        XCTAssertFalse(tau.contains("+0.0000 ± 0.0000"), tau)
        XCTAssertTrue(view.stdout.contains("tau-resolution = tau_energy_resolution 0.05"), view.stdout)
        XCTAssertTrue(view.stdout.contains("Not paired with these pseudo-experiments") && view.stdout.contains("fair-universe-2024-mini-z-pt"),
                      view.stdout)

        // The comparison page of the nominal runs carries the robustness panel.
        let page = directory.appendingPathComponent("compare.xhtml")
        let report = try BenchProcess.run(["report", "--database", database, "--all", "--challenge", "fair-universe-2024-mini",
                                           "--output", page.path, "--replicates", "50"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(html.contains("<h2>Robustness under domain shift</h2>"), "no robustness panel")
        XCTAssertTrue(html.contains("tau_energy_resolution 0.05") && html.contains(">tau-resolution</td>"))
        XCTAssertTrue(html.contains("Coverage on the nominal challenge and each variant"))

        // Without variant runs there is nothing to show, said plainly.
        let only = try BenchProcess.run(["leaderboard", "--database", database, "--robustness", "--challenge", "fair-universe-2024"])
        XCTAssertEqual(only.status, 0, only.stderr)
        XCTAssertTrue(only.stdout.contains("has completed runs on a variant"), only.stdout)
    }
}
