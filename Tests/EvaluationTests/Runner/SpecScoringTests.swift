import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// Runs are scored by the spec they ran on: its `score` parameters, `confidence_level` and
/// `mu_prior`, not the defaults of ScoreParameters / ScoringPolicy / EvaluationOptions.
final class SpecScoringTests: XCTestCase {
    /// The mini challenge with every scoring constant changed.
    static func otherSpec() throws -> ChallengeSpec {
        var spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        spec.name = "mini-other-scoring"
        spec.confidenceLevel = 0.9
        spec.muPrior.min = 0.5
        spec.muPrior.max = 2
        spec.score.coverageBandSigmas = 1
        spec.score.widthEpsilon = 0.05
        spec.score.underCoverageExponent = 2
        spec.score.overCoverageExponent = 5
        return spec
    }

    func testThePolicyOfTheBuiltinSpecIsTheChallengesDefault() throws {
        XCTAssertEqual(ScoringPolicy(spec: try ChallengeSpec.builtin(named: "fair-universe-2024")), .fairUniverse2024)
        XCTAssertEqual(ScoringPolicy(spec: try ChallengeSpec.builtin(named: "fair-universe-2024-mini")), .fairUniverse2024)
    }

    func testASpecWithOtherParametersIsScoredByThemInTheRunnerTheStoreAndTheLeaderboard() throws {
        let spec = try Self.otherSpec()
        let expected = ScoringPolicy(spec: spec)
        XCTAssertEqual(expected.parameters, ScoreParameters(target: 0.9, bandSigmas: 1, epsilon: 0.05, underExponent: 2, overExponent: 5))
        XCTAssertEqual(expected.muRange, 0.5...2)
        let f = try RunnerFixture("spec-scoring", sets: 3, perSet: 4, spec: spec)
        defer { f.remove() }
        let report = try f.runner().run([try RunnerFixture.entry(CountingTestEstimator())])
        let card = try XCTUnwrap(report.contestants.first?.scorecard)
        XCTAssertEqual(card.policy, expected)
        // The score is the spec's formula on the run's own outcomes, not the default's.
        let results = try f.store.scoredResults(of: report.contestants[0].run)
        let outcomes = results.map { expected.outcome(of: $0) }
        let width = outcomes.reduce(0) { $0 + $1.width } / Double(outcomes.count)
        let coverage = Double(outcomes.filter(\.covered).count) / Double(outcomes.count)
        XCTAssertEqual(card.overall.score, expected.parameters.score(meanWidth: width, coverage: coverage, n: outcomes.count),
                       accuracy: 1e-12)
        let byDefault = try Scorecard(results: results, policy: .fairUniverse2024, bootstrap: nil)
        XCTAssertNotEqual(card.overall.score, byDefault.overall.score)
        XCTAssertEqual(card.levels?.first?.level, 0.9, "the primary level is the spec's confidence_level")
        // The store and the leaderboard score by the run's stored spec.
        XCTAssertEqual(try f.store.scoringPolicy(of: report.contestants[0].run), expected)
        XCTAssertEqual(try f.store.scorecard(for: report.contestants[0].run)?.overall.score, card.overall.score)
        let table = try XCTUnwrap(try LeaderboardTable.tables(from: f.store, bootstrap: BootstrapOptions(replicates: 20)).first)
        XCTAssertEqual(table.policy, expected)
        XCTAssertEqual(table.rows[0].metrics.score, card.overall.score, accuracy: 1e-12)
        let rescored = try f.store.rescoreRun(report.contestants[0].run)
        XCTAssertEqual(rescored.map(\.policy), [expected])
    }

    func testAStoredSpecThatDoesNotDecodeIsAClearError() throws {
        let f = try RunnerFixture("spec-unreadable", sets: 1, perSet: 2)
        defer { f.remove() }
        try f.store.registerChallenge(name: "hand-made", spec: #"{"name":"hand-made"}"#, specHash: "x")
        XCTAssertThrowsError(try f.store.scoringPolicy(challenge: "hand-made")) { error in
            guard case let .unreadableChallengeSpec(_, name, _)? = error as? LeaderboardStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "hand-made")
            XCTAssertTrue("\(error)".contains("challenge 'hand-made'") || (error as? LocalizedError)?.errorDescription?.contains("hand-made") == true)
        }
    }
}
