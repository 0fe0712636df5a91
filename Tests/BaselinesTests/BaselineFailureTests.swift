import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

/// Bad input never crashes and never gives a silent number: each case is a thrown error with
/// its reason.
final class BaselineFailureTests: XCTestCase {
    /// A view of `rows` copies of one event with `feature` set to `value`.
    func view(rows: Int, setting feature: Feature? = nil, to value: Float = 0) throws -> SealedView {
        let toy = try BaselineFixture.study.toy(seed: 5, index: 0)
        var columns = Feature.allCases.map { Array(toy.view.column($0).prefix(rows)) }
        if let feature { columns[feature.index] = [Float](repeating: value, count: rows) }
        return SealedView(count: rows, columnMajor: columns.flatMap { $0 })
    }

    func testEmptyViewIsARecordedFailure() throws {
        var rng = SeededGenerator(seed: 1)
        let empty = SealedView(count: 0, columnMajor: [])
        for fitted in [FittedFixture.counting as any FittedEstimator, FittedFixture.binned, FittedFixture.classifier] {
            XCTAssertThrowsError(try fitted.estimate(empty, using: &rng)) { error in
                guard case .emptyView = error as? BaselineError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("no events"), "\(error)")
            }
        }
    }

    func testZeroSelectedCountsAreARecordedFailure() throws {
        var rng = SeededGenerator(seed: 1)
        // Every row below any mass window: the selection keeps nothing.
        let view = try self.view(rows: 50, setting: .massVis, to: -1)
        XCTAssertThrowsError(try FittedFixture.counting.estimate(view, using: &rng)) { error in
            guard case let .noEventsSelected(estimator, rows, expected) = error as? BaselineError else { return XCTFail("\(error)") }
            XCTAssertEqual(estimator, "counting")
            XCTAssertEqual(rows, 50)
            XCTAssertGreaterThan(expected, 0)
        }
    }

    func testNonFiniteFeatureIsARecordedFailure() throws {
        var rng = SeededGenerator(seed: 1)
        let view = try self.view(rows: 20, setting: .massVis, to: .nan)
        XCTAssertThrowsError(try FittedFixture.binned.estimate(view, using: &rng)) { error in
            guard case let .nonFiniteFeature(_, row, feature, _) = error as? BaselineError else { return XCTFail("\(error)") }
            XCTAssertEqual(row, 0)
            XCTAssertEqual(feature, .massVis)
        }
    }

    func testSparseViewWithEmptyBinsGivesAnIntervalOrAReason() throws {
        var rng = SeededGenerator(seed: 1)
        // Three events: most bins are empty. Either a finite interval or a thrown reason; never a crash or NaN.
        let view = try self.view(rows: 3)
        for fitted in [FittedFixture.counting as any FittedEstimator, FittedFixture.binned, FittedFixture.classifier] {
            do {
                let estimate = try fitted.estimate(view, using: &rng)
                XCTAssertTrue(estimate.interval68.isFinite && !estimate.interval68.isSwapped, "\(estimate)")
            } catch let error as BaselineError {
                XCTAssertFalse(error.description.isEmpty)
            }
        }
    }

    func testAFitThatDoesNotConvergeIsARecordedFailure() throws {
        var rng = SeededGenerator(seed: 1)
        var likelihood = FittedFixture.binned.likelihood
        likelihood.minimiser = BoundedMinimiser(maxIterations: 1)
        let stubborn = FittedTemplates(binning: FittedFixture.binned.binning, likelihood: likelihood)
        let toy = try BaselineFixture.study.toy(seed: 5, index: 1)
        XCTAssertThrowsError(try stubborn.estimate(toy.view, using: &rng)) { error in
            guard case let .fitFailed(estimator, reason) = error as? BaselineError else { return XCTFail("\(error)") }
            XCTAssertEqual(estimator, "binned-likelihood")
            guard case .notConverged = reason else { return XCTFail("\(reason)") }
            XCTAssertTrue("\(error)".contains("did not converge"), "\(error)")
        }
    }

    func testTrainingWithoutSignalIsAFailure() throws {
        var pool = BaselineFixture.trainingPool(rows: 3000)
        for i in 0..<pool.count where pool.processCodes[i] == PhysicsProcess.htautau.code { pool.weights[i] = 0 }
        var context = TrainingContext(spec: BaselineFixture.spec, pool: pool, rng: SeededGenerator(seed: 1))
        for estimator in [CountingEstimator() as any Estimator, BinnedLikelihoodEstimator(), FittedFixture.smallClassifier] {
            XCTAssertThrowsError(try estimator.fit(&context)) { error in
                guard case .missingProcess(_, .htautau, _) = error as? BaselineError else { return XCTFail("\(error)") }
            }
        }
    }

    func testTooSmallAPoolIsAFailure() throws {
        var context = BaselineFixture.context(rows: 150)
        XCTAssertThrowsError(try BinnedLikelihoodEstimator().fit(&context)) { error in
            guard case .poolTooSmall = error as? BaselineError else { return XCTFail("\(error)") }
        }
    }
}
