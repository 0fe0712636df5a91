import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

/// Training results saved with a fit and preloaded elsewhere (`--save-fit`, `--fitted`): the
/// built-ins fitted on them give the very estimates of a fresh fit, without training again.
final class SavedTrainingTests: XCTestCase {
    func testPreloadedTrainingGivesTheEstimatesOfAFreshFitWithoutComputing() throws {
        let classifier = FittedFixture.smallClassifier
        let estimators: [any Estimator] = [
            CountingEstimator(), BinnedLikelihoodEstimator(), classifier,
            CalibratedEstimator(base: classifier, calibration: ThresholdCalibration(nuisanceDraws: 3, toysPerDraw: 8)),
            OracleBaseline(base: classifier), NullEstimator(),
        ]
        let toys = try [(77, 0, 1.2), (78, 1, 0.6), (79, 2, 2.5)].map {
            try BaselineFixture.study.toy(seed: UInt64($0.0), index: $0.1, mu: $0.2)
        }
        func estimates(_ context: TrainingContext) throws -> [String] {
            var out: [String] = []
            for estimator in estimators {
                var copy = context
                let fitted = try estimator.fit(&copy)
                for toy in toys {
                    var rng = SeededGenerator(seed: 5)
                    let estimate = try (fitted as? OracleBaseline.Fitted)?.estimate(toy.view, knowing: toy.nuisances, using: &rng)
                        ?? fitted.estimate(toy.view, using: &rng)
                    // Bit for bit: the bit patterns of every number the estimate holds.
                    out.append("\(estimator.name) \(Self.bits(estimate)) rng \(copy.rng)")
                }
            }
            return out
        }
        let fresh = BaselineFixture.context()
        let expected = try estimates(fresh)
        XCTAssertGreaterThan(fresh.artifacts.computedSteps, 0)
        let bytes = try fresh.artifacts.snapshot().encoded()

        let loaded = TrainingArtifacts()
        loaded.preload(try TrainingArtifactsSnapshot(decoding: bytes))
        let base = BaselineFixture.context()
        let context = TrainingContext(spec: base.spec, pool: base.pool, rng: base.rng, artifacts: loaded)
        XCTAssertEqual(try estimates(context), expected)
        XCTAssertEqual(loaded.computedSteps, 0, "every costly step came from the snapshot")
        XCTAssertEqual(try loaded.snapshot().encoded(), bytes, "decoded and encoded again: the same bytes")
    }

    private static func bits(_ e: Estimate) -> String {
        let mirror = Mirror(reflecting: e)
        return mirror.children.map { child in
            if let d = child.value as? Double { return "\(child.label ?? "?")=\(d.bitPattern)" }
            if let d = child.value as? Double? { return "\(child.label ?? "?")=\(d.map { "\($0.bitPattern)" } ?? "nil")" }
            return "\(child.label ?? "?")=\(child.value)"
        }.joined(separator: ",")
    }
}
