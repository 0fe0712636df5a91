import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

final class TemplateEstimatorTests: XCTestCase {
    func testExploreBinnedAndCounting() throws {
        var context = BaselineFixture.context()
        let clock = ContinuousClock()
        var binned: FittedTemplates<FeatureBinning>!
        let t0 = clock.measure { binned = try! BinnedLikelihoodEstimator().fitTemplates(&context) }
        print("binned fit", t0, "bins", binned.binning.binCount)
        var counting: FittedTemplates<BoxSelection>!
        let t1 = clock.measure { counting = try! CountingEstimator().fitTemplates(&context) }
        print("counting fit", t1, counting.binning.cuts)
        print("counting nominal", counting.likelihood.nominalExpectation)
        let study = BaselineFixture.study
        var rng = SeededGenerator(seed: 1)
        let b = try study.run(count: 40, seed: 5) { try binned.estimate($0.view, using: &rng) }
        print("binned", b, b.coverageByThird(0.1...3))
        let c = try study.run(count: 40, seed: 5) { try counting.estimate($0.view, using: &rng) }
        print("counting", c, c.coverageByThird(0.1...3))
        for o in b.outcomes.prefix(5) { print(o.mu, o.estimate?.interval68 as Any, o.error as Any) }
    }
}
