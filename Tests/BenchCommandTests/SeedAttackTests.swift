import Foundation
import Scoring
import TestSupport
import XCTest

/// Adversary tests: a submission that computes the truth from seeds instead of measuring it
/// (`Fixtures/adversaries/seed_attack.py`), run through the real `bench generate`, `bench
/// evaluate` and `bench leaderboard`.
///
/// Each attack was written from the harness as it was before sealing (commit 03f1c58): the
/// spec in the fit message carried the phases' default seeds and the pools' simulator seeds,
/// the estimate seeds were keyed by the root seed, and the fit seed walked back to the run
/// seed. Against that harness every attack below answered 0.001-wide intervals around the true
/// mu of every pseudo-experiment (coverage 1). Now a sealed set gives the attacker nothing to
/// match, and an open set (public seed) is marked open on the leaderboard.
final class SeedAttackTests: XCTestCase {
    static func attack(_ modes: String, published: [UInt64] = []) -> String {
        let script = ReferenceData.packageRoot.appendingPathComponent("Tests/BenchCommandTests/Fixtures/adversaries/seed_attack.py")
        let client = ReferenceData.packageRoot.appendingPathComponent("clients/python").path
        return "PYTHONPATH=\(client) python3 \(script.path) \(modes)" + (published.isEmpty ? "" : " " + published.map(String.init).joined(separator: ","))
    }

    /// Generates sets of the mini challenge from the reference sample: `seed` nil draws the
    /// final phase, which the spec marks sealed.
    static func generate(in directory: URL, seed: Int?) throws -> URL {
        let output = directory.appendingPathComponent("sets")
        let run = try BenchProcess.run(["generate", "--challenge", "fair-universe-2024-mini",
                                        "--pool", ReferenceData.sample("input_rows.csv").path,
                                        "--sets", "2", "--per-set", "3", "--output", output.path]
                                       + (seed.map { ["--seed", "\($0)"] } ?? []))
        guard run.status == 0 else { throw NSError(domain: "bench generate", code: Int(run.status),
                                                   userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        return output
    }

    /// Evaluates `command` on `sets`; returns the run's outcomes and the text leaderboard.
    func evaluate(_ command: String, sets: URL, in directory: URL, runSeed: UInt64 = 0,
                  file: StaticString = #filePath, line: UInt = #line) throws -> (outcomes: [PseudoExperimentOutcome], board: String) {
        let database = directory.appendingPathComponent("lb.sqlite").path
        let pool = ReferenceData.sample("input_rows.csv").path
        let run = try BenchProcess.run(["evaluate", "--sets", sets.path, "--command", command, "--name", "attacker",
                                        "--pool", pool, "--training-pool", pool, "--seed", "\(runSeed)",
                                        "--database", database, "--no-progress"])
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        let store = try LeaderboardStore(path: database, access: .readOnly)
        let runs = try store.latestCompletedRuns()
        XCTAssertEqual(runs.count, 1, file: file, line: line)
        let board = try BenchProcess.run(["leaderboard", "--database", database])
        XCTAssertEqual(board.status, 0, board.stderr, file: file, line: line)
        return (try store.outcomes(of: XCTUnwrap(runs.first).id), board.stdout)
    }

    static func widths(_ outcomes: [PseudoExperimentOutcome]) -> [Double] {
        outcomes.map { ($0.estimate?.interval68.upper ?? .nan) - ($0.estimate?.interval68.lower ?? .nan) }
    }

    /// Every attack at once on a sealed set: the spec's seeds, the published default seeds of
    /// both phases, and the fit seed walked back. None identifies a pseudo-experiment, so the
    /// attacker is left with the whole mu prior; the table is a sealed one.
    func testSealedSetsLeaveSeedArithmeticNothingToMatch() throws {
        let directory = try ReferenceData.temporaryDirectory("attack-sealed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try Self.generate(in: directory, seed: nil)
        let manifest = try String(contentsOf: sets.appendingPathComponent("manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"sealed\":{\"commitment\":"), manifest)
        XCTAssertFalse(manifest.contains("\"seed\":"), "a sealed manifest holds no root seed")

        let (outcomes, board) = try evaluate(Self.attack("spec,published,invert", published: [2024101, 2024102, 5]),
                                             sets: sets, in: directory)
        XCTAssertEqual(outcomes.count, 6)
        XCTAssertTrue(outcomes.allSatisfy { $0.failure == nil }, "\(outcomes)")
        XCTAssertTrue(Self.widths(outcomes).allSatisfy { $0 > 2.8 },
                      "the attacker found a truth: widths \(Self.widths(outcomes))")
        XCTAssertTrue(board.hasPrefix("Sealed challenge fair-universe-2024-mini"), board)
    }

    /// On an open set (seed given on the command line) the published seed does give every truth
    /// away, as documented: the attack works, which is why such a table is marked OPEN and never
    /// ranked with a sealed one.
    func testOpenSetsGiveTheirTruthsAwayAndAreMarkedOpen() throws {
        let directory = try ReferenceData.temporaryDirectory("attack-open")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try Self.generate(in: directory, seed: 5)
        let (outcomes, board) = try evaluate(Self.attack("published", published: [5]), sets: sets, in: directory)
        XCTAssertTrue(Self.widths(outcomes).allSatisfy { abs($0 - 0.001) < 1e-9 }, "\(Self.widths(outcomes))")
        XCTAssertTrue(board.hasPrefix("OPEN challenge fair-universe-2024-mini"), board)
        XCTAssertTrue(board.contains("OPEN: the root seed of these pseudo-experiments is public"), board)
    }

    /// The fit seed no longer walks back to the run seed: with the run seed equal to the open
    /// set's root seed (as `bench run` has them), undoing xoshiro256**, SplitMix64 and the seed
    /// derivation gives a number that matches nothing.
    func testFitSeedDoesNotRevealTheRunSeed() throws {
        let directory = try ReferenceData.temporaryDirectory("attack-fit-seed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try Self.generate(in: directory, seed: 5)
        let (outcomes, _) = try evaluate(Self.attack("invert"), sets: sets, in: directory, runSeed: 5)
        XCTAssertEqual(outcomes.count, 6)
        XCTAssertTrue(Self.widths(outcomes).allSatisfy { $0 > 2.8 },
                      "the fit seed gave the run seed away: widths \(Self.widths(outcomes))")
    }
}
