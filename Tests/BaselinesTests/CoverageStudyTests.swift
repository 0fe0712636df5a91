import Foundation
import TestSupport
import XCTest
import PseudoExperiments
@testable import Baselines

/// Coverage of every baseline on toys from a large evaluation pool: a measurement, not a unit
/// test. Run in a release build:
/// ```
/// swift build -c release --build-tests -Xswiftc -enable-testing
/// BASELINES_COVERAGE=400 swift test -c release --skip-build --filter CoverageStudyTests
/// ```
/// (the value is the number of toys per baseline).
final class CoverageStudyTests: XCTestCase {
    func testCoverageOfEveryBaseline() throws {
        guard let text = ProcessInfo.processInfo.environment["BASELINES_COVERAGE"], let toys = Int(text) else {
            throw XCTSkip(SkipLog.record("set BASELINES_COVERAGE=<toys> to run the coverage study (release build)"))
        }
        let only = ProcessInfo.processInfo.environment["BASELINES_ONLY"].map { Set($0.split(separator: ",").map(String.init)) }
        let spec = BaselineFixture.spec
        let trainingRows = Int(ProcessInfo.processInfo.environment["BASELINES_TRAINING_ROWS"] ?? "") ?? 60_000
        let study = try ToyStudy(spec: spec, evaluationPool: SyntheticPool().table(total: 400_000, seed: 12))
        let clock = ContinuousClock()
        for estimator in BaselineCatalog.all where only?.contains(estimator.name) ?? true {
            var context = TrainingContext(spec: spec, pool: SyntheticPool().table(total: trainingRows, seed: 11),
                                          rng: SeededGenerator(seed: 99))
            var fitted: (any FittedEstimator)!
            let fitTime = try clock.measure { fitted = try estimator.fit(&context) }
            var rng = SeededGenerator(seed: 7)
            let start = clock.now
            let summary = try study.run(count: toys, seed: 31) { toy in
                if let oracle = fitted as? any FittedOracleEstimator {
                    return try oracle.estimate(toy.view, knowing: toy.nuisances, using: &rng)
                }
                return try fitted.estimate(toy.view, using: &rng)
            }
            let perToy = (clock.now - start) / toys
            let thirds = summary.coverageByThird(spec.muPrior.min...spec.muPrior.max).map { String(format: "%.3f", $0) }
            print("COVERAGE \(estimator.name): \(summary) thirds \(thirds) fit \(fitTime) per-toy \(perToy)")
            for outcome in summary.outcomes where outcome.error != nil { print("  failure:", outcome.error!) ; break }
        }
    }
}
