import Foundation
import XCTest
@testable import Baselines

final class ProfileLikelihoodTests: XCTestCase {
    /// Correlated Gaussian in (mu, theta): the profile of mu is ((mu - 1.3) / 0.4)^2 whatever the correlation.
    func gaussian(mean: [Double] = [1.3, 0.5]) throws -> GaussianDeviance {
        try GaussianDeviance(mean: mean, covariance: Matrix([[0.16, 0.05], [0.05, 0.04]]))
    }

    func testQuadraticProfileGivesTheOneSigmaInterval() throws {
        let profile = try ProfileLikelihood(objective: try gaussian(),
                                            parameters: [Parameter("mu", start: 1, lower: -10, upper: 10),
                                                         Parameter("theta", start: 0)],
                                            parameterOfInterest: "mu")
        let best = try profile.bestFit()
        XCTAssertEqual(best["mu"]!, 1.3, accuracy: 1e-7)
        XCTAssertEqual(try best.standardErrors()[0], 0.4, accuracy: 1e-6)
        let interval = try profile.interval(bestFit: best)
        XCTAssertEqual(interval.lower, 0.9, accuracy: 1e-5)
        XCTAssertEqual(interval.upper, 1.7, accuracy: 1e-5)
        XCTAssertFalse(interval.lowerAtBound || interval.upperAtBound)
        // The conditional fit profiles theta onto its regression line theta = 0.5 + (0.05 / 0.16)(mu - 1.3).
        let conditional = try profile.conditionalFit(at: 1.7)
        XCTAssertEqual(conditional["theta"]!, 0.5 + 0.3125 * 0.4, accuracy: 1e-7)
        XCTAssertEqual(try profile.ratio(at: 1.7, bestFit: best).t, 1, accuracy: 1e-9)
    }

    func testNinetyFivePercentThresholdAndTheBoundaryOfThePhysicalRegion() throws {
        let parameters = [Parameter("mu", start: 1, lower: 0, upper: 10), Parameter("theta", start: 0)]
        let profile = try ProfileLikelihood(objective: try gaussian(), parameters: parameters, parameterOfInterest: "mu")
        let threshold = try NormalDistribution.likelihoodRatioThreshold(coverage: 0.95)
        let wide = try profile.interval(threshold: threshold)
        XCTAssertEqual(wide.lower, 1.3 - 1.959963984540054 * 0.4, accuracy: 1e-5)
        XCTAssertEqual(wide.upper, 1.3 + 1.959963984540054 * 0.4, accuracy: 1e-5)

        // mu_hat = 0.2 with sigma 0.4 and mu >= 0: the lower end is the bound, flagged.
        let near = try ProfileLikelihood(objective: try gaussian(mean: [0.2, 0.5]), parameters: parameters,
                                         parameterOfInterest: "mu")
        let clipped = try near.interval()
        XCTAssertEqual(clipped.lower, 0)
        XCTAssertTrue(clipped.lowerAtBound)
        XCTAssertEqual(clipped.upper, 0.6, accuracy: 1e-5)
        XCTAssertFalse(clipped.upperAtBound)

        // mu_hat on the bound itself (-0.3 -> 0): the lower end is the bound without any search.
        let below = try ProfileLikelihood(objective: try gaussian(mean: [-0.3, 0.5]), parameters: parameters,
                                          parameterOfInterest: "mu")
        let atZero = try below.interval()
        XCTAssertEqual(atZero.bestFit, 0)
        XCTAssertTrue(atZero.lowerAtBound)
        // t(mu) = ((mu + 0.3)^2 - 0.09) / 0.16 = 1 at mu = 0.2.
        XCTAssertEqual(atZero.upper, 0.2, accuracy: 1e-5)
    }

    func testCountingModelIntervalEndsSitAtTEqualsOne() throws {
        // n = 130 over a background 100 +- 10 and a signal of 20 per unit mu (closed-form profile).
        let n = 130.0, s = 20.0, b0 = 100.0, sigma = 10.0
        let likelihood = try BinnedPoissonLikelihood(model: CountingExpectation(signal: s), observed: [n],
                                                     names: ["mu", "b"],
                                                     constraints: [.none, .gaussian(mean: b0, sigma: sigma)])
        let profile = try ProfileLikelihood(objective: likelihood,
                                            parameters: [Parameter("mu", start: 1, lower: 0, upper: 20),
                                                         Parameter("b", start: 100, lower: 1, upper: 400)],
                                            parameterOfInterest: "mu")
        let interval = try profile.interval()
        func t(_ mu: Double) -> Double {
            let c = mu * s, beta = c - b0 + sigma * sigma, gamma = sigma * sigma * (c - n) - b0 * c
            let b = (-beta + (beta * beta - 4 * gamma).squareRoot()) / 2
            return 2 * PoissonDeviance.term(observed: n, expected: c + b) + ((b - b0) / sigma) * ((b - b0) / sigma)
        }
        XCTAssertEqual(interval.bestFit, 1.5, accuracy: 1e-6)
        // The ends are found to 1e-4 sigma in mu; |dt/dmu| ~ 2 / sigma = 2.6 makes that <= 3e-4 in t.
        XCTAssertEqual(t(interval.lower), 1, accuracy: 3e-4)
        XCTAssertEqual(t(interval.upper), 1, accuracy: 3e-4)
        // Poisson asymmetry: the upper side is longer; both close to sqrt(230) / 20 = 0.758.
        XCTAssertGreaterThan(interval.upper - 1.5, 1.5 - interval.lower)
        XCTAssertEqual(interval.width / 2, 230.0.squareRoot() / 20, accuracy: 0.02)
    }

    func testAFailedConditionalFitIsRecordedAsAFailedIntervalEnd() throws {
        struct Cliff: Objective {
            var dimension: Int { 2 }
            func value(at x: [Double]) -> Double {
                x[0] > 1.5 ? .nan : ((x[0] - 1.3) / 0.4) * ((x[0] - 1.3) / 0.4) + x[1] * x[1]
            }
        }
        let profile = try ProfileLikelihood(objective: Cliff(),
                                            parameters: [Parameter("mu", start: 1, lower: 0, upper: 3),
                                                         Parameter("theta", start: 0)],
                                            parameterOfInterest: "mu")
        XCTAssertThrowsError(try profile.interval()) { error in
            guard case .intervalEndFailed(.upper, "mu", .nonFiniteValue) = error as? FitError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix("The upper end of the interval of mu could not be found"), "\(error)")
        }
    }

    func testUnknownParameterOfInterest() {
        XCTAssertThrowsError(try ProfileLikelihood(objective: Rosenbrock(),
                                                   parameters: [Parameter("x", start: 0), Parameter("y", start: 0)],
                                                   parameterOfInterest: "mu")) { error in
            XCTAssertEqual(error as? FitError, .unknownParameter(name: "mu", known: ["x", "y"]))
        }
    }

    func testSyntheticSevenParameterAsimovFitRecoversTheTruth() throws {
        // Asimov data at the constraints' centres and mu = 1.3: the MLE is the truth and f_min = 0.
        let truth = [1.3, 1, 1, 1, 1, 1, 1]
        let problem = try SyntheticTemplateProblem(seed: 7, truth: truth, asimov: true)
        let profile = try problem.profile()
        let best = try profile.bestFit()
        for (name, (got, want)) in zip(best.names, zip(best.values, truth)) {
            XCTAssertEqual(got, want, accuracy: 1e-6, name)
        }
        XCTAssertEqual(best.value, 0, accuracy: 1e-8)
        XCTAssertLessThan(best.iterations, 15)
        let interval = try profile.interval(bestFit: best)
        XCTAssertFalse(interval.lowerAtBound || interval.upperAtBound)
        XCTAssertEqual(try profile.ratio(at: interval.lower, bestFit: best).t, 1, accuracy: 1e-3)
        XCTAssertEqual(try profile.ratio(at: interval.upper, bestFit: best).t, 1, accuracy: 1e-3)
        // The Hessian's standard error is the quadratic approximation of the half width.
        let sigma = try best.standardErrors()[0]
        XCTAssertEqual(interval.width / 2, sigma, accuracy: 0.05 * sigma)
        XCTAssertLessThan(interval.conditionalFits, 16)
    }

    func testSyntheticFitReachesTheSameMinimumFromAFarStart() throws {
        let problem = try SyntheticTemplateProblem(seed: 11)
        let profile = try problem.profile()
        let nominal = try profile.bestFit()
        let far = try profile.bestFit(from: [6, 1.08, 0.93, 3, 1.15, 1.8, 1.009])
        XCTAssertEqual(far.value, nominal.value, accuracy: 1e-8)
        for (a, b) in zip(far.values, nominal.values) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }
        // The fluctuated data pull mu within a few sigma of the truth 1.3.
        XCTAssertEqual(nominal["mu"]!, 1.3, accuracy: 4 * (try nominal.standardErrors()[0]))
    }

    func testBenchmarkRunsAndReportsItsFigures() throws {
        let figures = try NumericsBenchmark.run(repetitions: 1)
        XCTAssertEqual(figures.map(\.0), ["profile_fit_ms", "profile_interval_ms", "profile_interval_conditional_fits"])
        XCTAssertTrue(figures.allSatisfy { $0.1.isFinite && $0.1 > 0 })
    }
}
