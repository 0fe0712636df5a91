@testable import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// What estimators train on: the source's training pool, its weights scaled to the challenge's
/// luminosity, so that a model trained on it matches the pseudo-experiments.
final class TrainingContextTests: XCTestCase {
    func testTrainingWeightsAreExpectedEventsAtTheChallengesLuminosity() throws {
        let f = try RunnerFixture("training")
        defer { f.remove() }
        let context = try f.runner().baseTrainingContext()
        XCTAssertEqual(context.spec.name, "fair-universe-2024-mini")
        let sums = context.pool.weightSums()
        for (process, yield) in ReferenceSampleSets.yields {
            // Float32 weights summed in Double: a relative error of a few 1e-7.
            XCTAssertEqual(sums[process] ?? 0, yield, accuracy: yield * 1e-5, "\(process)")
        }
        XCTAssertEqual(context.pool.count, try f.sets.trainingPool.count)
    }

    /// The counting estimator trained on the training pool estimates the truth of every
    /// pseudo-experiment within 5 of its standard deviations (a model trained at the wrong
    /// luminosity would miss by hundreds).
    func testATrainedModelMatchesThePseudoExperiments() throws {
        let f = try RunnerFixture("training-consistent", sets: 3, perSet: 3)
        defer { f.remove() }
        let report = try f.runner().run([try RunnerFixture.entry(CountingTestEstimator())])
        let truths = Dictionary(uniqueKeysWithValues: f.sets.truths.map { ($0.key, $0.mu) })
        for o in try f.store.outcomes(of: report.contestants[0].run) {
            let e = try XCTUnwrap(o.estimate)
            let mu = try XCTUnwrap(truths[o.key])
            XCTAssertLessThan(abs(try XCTUnwrap(e.muHat) - mu), 5 * (try XCTUnwrap(e.uncertainty)), "\(o.key): \(e), mu \(mu)")
        }
    }
}
