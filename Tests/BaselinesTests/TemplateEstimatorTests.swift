import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

/// Fitted baselines shared by the tests (fitting is the slow part in a debug build).
enum FittedFixture {
    static let counting: FittedTemplates<BoxSelection> = {
        var context = BaselineFixture.context()
        return try! CountingEstimator().fitTemplates(&context)
    }()
    static let binned: FittedTemplates<FeatureBinning> = {
        var context = BaselineFixture.context()
        return try! BinnedLikelihoodEstimator().fitTemplates(&context)
    }()
    /// A small classifier (30 trees of depth 3) that trains in seconds in a debug build.
    static let smallClassifier = ClassifierLikelihoodEstimator(
        classifier: ClassifierTraining(trainer: BoostedTreesTrainer(trees: 30, depth: 3)))
    static let classifier: FittedTemplates<ScoreBinning> = {
        var context = BaselineFixture.context()
        return try! smallClassifier.fitTemplates(&context).fitted
    }()
}

final class TemplateEstimatorTests: XCTestCase {
    let study = BaselineFixture.study

    /// A seeded toy at mu = 1.5 and nominal-ish nuisances.
    func seededToy() throws -> ToyStudy.Toy {
        try study.toy(seed: 2024, index: 0, mu: 1.5,
                      nuisances: NuisanceValues(tes: 1.005, jes: 0.995, softMet: 1.3, ttbarScale: 1.01, dibosonScale: 0.9, bkgScale: 1))
    }

    func check(_ estimate: Estimate, truth: Double, file: StaticString = #filePath, line: UInt = #line) {
        let interval = estimate.interval68
        XCTAssertTrue(interval.isFinite, "interval \(interval)", file: file, line: line)
        XCTAssertFalse(interval.isSwapped, file: file, line: line)
        XCTAssertTrue(interval.contains(truth), "\(interval) should contain \(truth)", file: file, line: line)
        XCTAssertGreaterThan(interval.width, 0, file: file, line: line)
        XCTAssertLessThanOrEqual(interval.width, 2.9, file: file, line: line)
    }

    func testCountingSelectsAWindowAndCoversTheSeededTruth() throws {
        let fitted = FittedFixture.counting
        XCTAssertEqual(fitted.binning.binCount, 1)
        XCTAssertTrue(fitted.binning.cuts.contains { $0.feature == .massVis }, "\(fitted.binning.cuts)")
        var rng = SeededGenerator(seed: 1)
        let toy = try seededToy()
        check(try fitted.estimate(toy.view, using: &rng), truth: toy.mu)
    }

    func testBinnedLikelihoodCoversTheSeededTruthAndIsNarrowerThanCounting() throws {
        var rng = SeededGenerator(seed: 1)
        let toy = try seededToy()
        let binned = try FittedFixture.binned.estimate(toy.view, using: &rng)
        check(binned, truth: toy.mu)
        XCTAssertGreaterThan(FittedFixture.binned.binning.binCount, 10)
        let counting = try FittedFixture.counting.estimate(toy.view, using: &rng)
        XCTAssertLessThan(binned.interval68.width, counting.interval68.width)
        // The interval ends sit where t(mu) = 1 (before clipping to the prior's range).
        let observed = try FittedFixture.binned.observed(toy.view)
        let (interval, _) = try FittedFixture.binned.likelihood.interval(observed: observed)
        XCTAssertEqual(try FittedFixture.binned.likelihood.ratio(observed: observed, at: interval.upper), 1, accuracy: 1e-3)
        XCTAssertEqual(try FittedFixture.binned.likelihood.ratio(observed: observed, at: interval.lower), 1, accuracy: 1e-3)
    }

    func testClassifierLikelihoodCoversTheSeededTruthAndOracleIsNarrower() throws {
        var rng = SeededGenerator(seed: 1)
        let toy = try seededToy()
        let estimate = try FittedFixture.classifier.estimate(toy.view, using: &rng)
        check(estimate, truth: toy.mu)
        let oracle = try FittedFixture.classifier.estimate(toy.view, knownNuisances: toy.nuisances)
        check(oracle, truth: toy.mu)
        XCTAssertLessThan(oracle.interval68.width, estimate.interval68.width)
    }

    /// Coverage over a few dozen toys inside a loose band (binomial: 30 toys at 0.68 have sd 0.085).
    func testCoverageOverToysIsInALooseBand() throws {
        var rng = SeededGenerator(seed: 3)
        for (name, fitted) in [("counting", FittedFixture.counting as any FittedEstimator),
                               ("binned-likelihood", FittedFixture.binned), ("classifier-likelihood", FittedFixture.classifier)] {
            let summary = try study.run(count: 30, seed: 77) { try fitted.estimate($0.view, using: &rng) }
            XCTAssertEqual(summary.failures, 0, name)
            XCTAssertGreaterThanOrEqual(summary.coverage, 0.4, "\(name): \(summary)")
            XCTAssertLessThanOrEqual(summary.coverage, 0.95, "\(name): \(summary)")
        }
    }

    func testNullRowIsTheCentralIntervalOfThePrior() throws {
        var context = BaselineFixture.context(rows: 400)
        let fitted = try NullEstimator().fit(&context)
        var rng = SeededGenerator(seed: 1)
        let estimate = try fitted.estimate(SealedView(count: 0, columnMajor: []), using: &rng)
        XCTAssertEqual(estimate.interval68.width, 0.6827 * 2.9, accuracy: 1e-12)
        XCTAssertEqual(estimate.interval68.lower, 0.1 + 0.15865 * 2.9, accuracy: 1e-12)
        XCTAssertEqual(estimate.interval68.upper, 3 - 0.15865 * 2.9, accuracy: 1e-12)
    }

    func testCatalogNamesEveryBaselineOnce() {
        XCTAssertEqual(BaselineCatalog.all.map(\.name),
                       ["counting", "binned-likelihood", "classifier-likelihood", "calibrated", "oracle", "null"])
        XCTAssertTrue(BaselineCatalog.all.first { $0.name == "oracle" } is any OracleEstimator)
        XCTAssertEqual(Set(BaselineCatalog.summaries.keys), Set(BaselineCatalog.all.map(\.name)))
    }
}
