import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// What reaches an estimator besides the view: a generator seeded by the harness secret, and,
/// for a reference oracle only, the true nuisances.
final class SealedChannelTests: XCTestCase {
    func testGeneratorsComeFromTheSealedSeedsAndReproduce() throws {
        let f = try RunnerFixture("generators")
        defer { f.remove() }
        let report = try f.runner().run([try RunnerFixture.entry(GeneratorProbe())])
        let outcomes = try f.store.outcomes(of: report.contestants[0].run)
        let seeds = EstimatorSeeds(rootSeed: f.sets.rootSeed)
        var firsts = Set<Double>()
        for o in outcomes {
            var expected = seeds.generator(for: o.key)
            XCTAssertEqual(o.estimate?.muHat, Double(expected.next() >> 11), "\(o.key)")
            var plain = SeedDerivation.generator(f.sets.rootSeed, .estimator, o.key.setIndex, o.key.index)
            XCTAssertNotEqual(o.estimate?.muHat, Double(plain.next() >> 11), "not the invertible derivation")
            firsts.insert(try XCTUnwrap(o.estimate?.muHat))
        }
        XCTAssertEqual(firsts.count, outcomes.count, "every pseudo-experiment has its own stream")
    }

    func testOracleIsToldTheTrueNuisancesOnlyAsAReference() throws {
        let f = try RunnerFixture("oracle")
        defer { f.remove() }
        XCTAssertThrowsError(try RunnerFixture.entry(NuisanceEcho(), kind: .entry)) {
            XCTAssertEqual($0 as? EvaluationError, .oracleNotReference(name: "test-oracle", kind: "entry"))
        }
        XCTAssertThrowsError(try RunnerFixture.entry(NuisanceEcho(), kind: .baseline))
        let report = try f.runner().run([try RunnerFixture.entry(NuisanceEcho(), kind: .reference)])
        let outcomes = try f.store.outcomes(of: report.contestants[0].run)
        for (o, truth) in zip(outcomes, f.sets.truths) {
            XCTAssertEqual(o.key, truth.key)
            XCTAssertEqual(o.estimate?.muHat, truth.nuisances?.tes)
            XCTAssertEqual(o.estimate?.uncertainty, truth.nuisances?.jes)
        }
        XCTAssertEqual(try f.store.runManifest(report.contestants[0].run).submission.kind, .reference)
    }

    func testAnOracleModelAskedWithoutNuisancesFails() throws {
        var context = TrainingContext(spec: try ChallengeSpec.builtin(named: "fair-universe-2024-mini"),
                                      pool: try ReferenceSampleSets().trainingPool, rng: SeededGenerator(seed: 1))
        let model = try NuisanceEcho().fit(&context)
        var rng = SeededGenerator(seed: 2)
        XCTAssertThrowsError(try model.estimate(SealedView(count: 0, columnMajor: []), using: &rng)) {
            XCTAssertTrue($0 is OracleWithoutNuisances)
        }
    }

    func testRegistryHoldsUniqueNamesAndOraclesOnlyAsReferences() {
        let names = EstimatorRegistry.names
        XCTAssertEqual(Set(names).count, names.count, "\(names)")
        for entry in EstimatorRegistry.builtins {
            XCTAssertTrue(!entry.isOracle || entry.kind == .reference, entry.name)
            XCTAssertNotEqual(entry.kind, .entry, "built-ins are baselines or references: \(entry.name)")
            XCTAssertEqual(entry.submission().codeHash.count, 64)
        }
        XCTAssertThrowsError(try EstimatorRegistry.builtin(named: "no-such-estimator")) { error in
            XCTAssertTrue("\(error)".contains("There is no built-in estimator named 'no-such-estimator'"), "\(error)")
        }
    }
}
