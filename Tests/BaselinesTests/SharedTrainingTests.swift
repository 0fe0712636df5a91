import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

/// Training shared through `TrainingArtifacts` gives the very models a training of its own
/// gives: built-in fits are reproducible, in any order, whoever trains first.
final class SharedTrainingTests: XCTestCase {
    func testSharedAndSeparateTrainingGiveTheSameEstimates() throws {
        let toy = try BaselineFixture.study.toy(seed: 77, index: 0, mu: 1.2)
        let classifier = FittedFixture.smallClassifier
        let estimators: [any Estimator] = [CountingEstimator(), BinnedLikelihoodEstimator(), classifier,
                                           OracleBaseline(base: classifier)]
        func estimates(_ order: [Int], shared: Bool) throws -> [String: Estimate] {
            let common = BaselineFixture.context()
            var out: [String: Estimate] = [:]
            for i in order {
                var context = shared ? common : BaselineFixture.context()
                let fitted = try estimators[i].fit(&context)
                var rng = SeededGenerator(seed: 5)
                if let oracle = fitted as? OracleBaseline.Fitted {
                    out[estimators[i].name] = try oracle.estimate(toy.view, knowing: toy.nuisances, using: &rng)
                } else {
                    out[estimators[i].name] = try fitted.estimate(toy.view, using: &rng)
                }
            }
            return out
        }
        let separate = try estimates([0, 1, 2, 3], shared: false)
        XCTAssertEqual(try estimates([3, 2, 1, 0], shared: true), separate, "oracle trained first, then shared")
        XCTAssertEqual(try estimates([0, 1, 2, 3], shared: true), separate)
    }

    func testErrorsNameTheEstimatorThatAsksNotTheOneThatTrained() throws {
        var context = BaselineFixture.context()
        let classifier = FittedFixture.smallClassifier
        let first = try classifier.fitTemplates(&context, estimator: "first")
        var again = BaselineFixture.context()
        again = TrainingContext(spec: again.spec, pool: again.pool, rng: again.rng, artifacts: context.artifacts)
        let second = try classifier.fitTemplates(&again, estimator: "second")
        XCTAssertEqual(first.fitted.likelihood.estimator, "first")
        XCTAssertEqual(second.fitted.likelihood.estimator, "second")
        XCTAssertEqual(context.artifacts.count, 1, "trained once")
    }
}
