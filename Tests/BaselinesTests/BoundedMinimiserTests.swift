import Foundation
import XCTest
@testable import Baselines

final class BoundedMinimiserTests: XCTestCase {
    let minimiser = BoundedMinimiser()

    // MARK: A Poisson count with a Gaussian-constrained background (closed forms)
    //
    // n ~ Poisson(mu s + b), b measured as b0 +- sigma:
    //   f(mu, b) = 2 [nu - n + n ln(n / nu)] + ((b - b0) / sigma)^2
    // Global minimum: b_hat = b0, mu_hat = (n - b0) / s, f = 0.
    // Covariance 2 H^-1: var(mu) = (n + sigma^2) / s^2, cov(mu, b) = -sigma^2 / s, var(b) = sigma^2.
    // Conditional minimum at fixed mu (c = mu s): b^2 + b (c - b0 + sigma^2) + sigma^2 (c - n) - b0 c = 0.
    let n = 130.0, s = 20.0, b0 = 100.0, sigma = 10.0

    func counting() throws -> BinnedPoissonLikelihood<CountingExpectation> {
        try BinnedPoissonLikelihood(model: CountingExpectation(signal: s), observed: [n], names: ["mu", "b"],
                                    constraints: [.none, .gaussian(mean: b0, sigma: sigma)])
    }

    func conditionalB(mu: Double) -> Double {
        let c = mu * s, beta = c - b0 + sigma * sigma, gamma = sigma * sigma * (c - n) - b0 * c
        return (-beta + (beta * beta - 4 * gamma).squareRoot()) / 2
    }

    func testCountingModelRecoversTheClosedFormMLEAndCovariance() throws {
        let parameters = [Parameter("mu", start: 1, lower: 0, upper: 20), Parameter("b", start: 90, lower: 1, upper: 300)]
        let m = try minimiser.minimise(try counting(), parameters: parameters)
        XCTAssertEqual(m["mu"]!, (n - b0) / s, accuracy: 1e-6)
        XCTAssertEqual(m["b"]!, b0, accuracy: 1e-5)
        XCTAssertEqual(m.value, 0, accuracy: 1e-10)
        let cov = try m.covariance()
        // Finite-difference Hessians (the model's default derivatives): ~1e-6 relative.
        XCTAssertEqual(cov[0, 0], (n + sigma * sigma) / (s * s), accuracy: 1e-5 * cov[0, 0])
        XCTAssertEqual(cov[0, 1], -sigma * sigma / s, accuracy: 1e-5 * abs(cov[0, 1]))
        XCTAssertEqual(cov[1, 1], sigma * sigma, accuracy: 1e-5 * cov[1, 1])
        XCTAssertEqual(m.atBound, [false, false])
        XCTAssertLessThan(m.iterations, 30)
    }

    func testCountingModelConditionalFitMatchesTheQuadraticRoot() throws {
        let parameters = [Parameter("mu", start: 0.5).fixed(at: 0.5), Parameter("b", start: 100, lower: 1, upper: 300)]
        let m = try minimiser.minimise(try counting(), parameters: parameters)
        XCTAssertEqual(m["b"]!, conditionalB(mu: 0.5), accuracy: 1e-6)
        XCTAssertEqual(m["mu"]!, 0.5)
        XCTAssertEqual(try m.covariance()[0, 0], 0)
    }

    func testCountingModelWithTheSignalBoundActive() throws {
        // n below the background: mu_hat is held at 0 and b is the conditional fit at mu = 0.
        let low = try BinnedPoissonLikelihood(model: CountingExpectation(signal: s), observed: [80], names: ["mu", "b"],
                                              constraints: [.none, .gaussian(mean: b0, sigma: sigma)])
        let parameters = [Parameter("mu", start: 1, lower: 0, upper: 20), Parameter("b", start: 100, lower: 1, upper: 300)]
        let m = try minimiser.minimise(low, parameters: parameters)
        XCTAssertEqual(m["mu"]!, 0)
        XCTAssertEqual(m.atBound, [true, false])
        // b^2 + b (sigma^2 - b0) - sigma^2 n = 0 at c = 0.
        let beta = sigma * sigma - b0
        XCTAssertEqual(m["b"]!, (-beta + (beta * beta + 4 * sigma * sigma * 80).squareRoot()) / 2, accuracy: 1e-6)
        XCTAssertGreaterThan(m.gradient[0], 0)
    }

    func testEmptyBinsAndZeroCountsFitToTheClosedForm() throws {
        // Bins: (signal, background, observed) = (0, 0, 0), (5, 0, 4), (10, 20, 30); bin 0 is empty.
        // 15 mu^2 - 4 mu - 8 = 0  =>  mu_hat = (4 + sqrt 496) / 30.
        let model = try TemplateExpectation(processes: [
            .init(name: "signal", template: [0, 5, 10], normalisations: [0]),
            .init(name: "background", template: [0, 0, 20]),
        ], parameterCount: 1)
        let likelihood = try BinnedPoissonLikelihood(model: model, observed: [0, 4, 30], names: ["mu"])
        let m = try minimiser.minimise(likelihood, parameters: [Parameter("mu", start: 1, lower: 0, upper: 10)])
        XCTAssertEqual(m["mu"]!, (4 + 496.0.squareRoot()) / 30, accuracy: 1e-9)
        XCTAssertEqual(m.criterion == .expectedDistance || m.criterion == .projectedGradient, true, "\(m.criterion)")
    }

    // MARK: Rosenbrock

    func testRosenbrockFromTheClassicStart() throws {
        for fd in [false, true] {
            let m = try minimiser.minimise(Rosenbrock(finiteDifferences: fd),
                                           parameters: [Parameter("x", start: -1.2), Parameter("y", start: 1)])
            XCTAssertEqual(m.values[0], 1, accuracy: 1e-6, "finite differences: \(fd)")
            XCTAssertEqual(m.values[1], 1, accuracy: 1e-6, "finite differences: \(fd)")
            XCTAssertEqual(m.value, 0, accuracy: 1e-12)
        }
    }

    func testRosenbrockWithAnActiveBound() throws {
        // x <= 0.5: the constrained minimum is (0.5, 0.25) with f = 0.25 and df/dx = -1 there.
        let parameters = [Parameter("x", start: -1.2, lower: -2, upper: 0.5), Parameter("y", start: 1, lower: -1, upper: 2)]
        for fd in [false, true] {
            let m = try minimiser.minimise(Rosenbrock(finiteDifferences: fd), parameters: parameters)
            XCTAssertEqual(m.values[0], 0.5)
            XCTAssertEqual(m.values[1], 0.25, accuracy: 1e-7)
            XCTAssertEqual(m.value, 0.25, accuracy: 1e-12)
            XCTAssertEqual(m.atBound, [true, false])
            XCTAssertEqual(m.gradient[0], -1, accuracy: 1e-5)
        }
    }

    // MARK: Failures are thrown with their reason

    func testNonConvergenceThrowsWithIterationsAndThePoint() {
        let impatient = BoundedMinimiser(maxIterations: 2)
        XCTAssertThrowsError(try impatient.minimise(Rosenbrock(), parameters: [Parameter("x", start: -1.2),
                                                                              Parameter("y", start: 1)])) { error in
            guard case .notConverged(2, _, _, let point) = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(point.names, ["x", "y"])
            XCTAssertTrue("\(error)".contains("did not converge in 2 iterations"), "\(error)")
        }
    }

    func testBadStartsAndBoundsThrow() {
        let rosenbrock = Rosenbrock()
        XCTAssertThrowsError(try minimiser.minimise(rosenbrock, parameters: [Parameter("x", start: 3, lower: 0, upper: 1),
                                                                             Parameter("y", start: 0)])) { error in
            XCTAssertEqual(error as? FitError, .startOutsideBounds(parameter: "x", value: 3, lower: 0, upper: 1))
        }
        XCTAssertThrowsError(try minimiser.minimise(rosenbrock, parameters: [Parameter("x", start: 0, lower: 1, upper: 0),
                                                                             Parameter("y", start: 0)])) { error in
            XCTAssertEqual(error as? FitError, .invalidBounds(parameter: "x", lower: 1, upper: 0))
        }
        XCTAssertThrowsError(try minimiser.minimise(rosenbrock, parameters: [Parameter("x", start: .nan),
                                                                             Parameter("y", start: 0)]))
        XCTAssertThrowsError(try minimiser.minimise(rosenbrock, parameters: [Parameter("x", start: 0)])) { error in
            XCTAssertEqual(error as? FitError, .dimensionMismatch(what: "parameters of the objective", expected: 2, actual: 1))
        }
        XCTAssertThrowsError(try minimiser.minimise(rosenbrock, parameters: [])) { error in
            XCTAssertEqual(error as? FitError, .emptyInput(what: "fit parameters"))
        }
    }

    func testAModelThatExpectsNothingWhereEventsWereSeenNamesTheBin() throws {
        let model = try TemplateExpectation(processes: [.init(name: "signal", template: [3, 0, 2], normalisations: [0])],
                                            parameterCount: 1)
        let likelihood = try BinnedPoissonLikelihood(model: model, observed: [3, 5, 2], names: ["mu"])
        XCTAssertThrowsError(try minimiser.minimise(likelihood, parameters: [Parameter("mu", start: 1, lower: 0, upper: 5)])) { error in
            guard case .nonPositiveExpectation(1, 0, 5, let point) = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(point.values, [1])
            XCTAssertTrue("\(error)".contains("Bin 1 has 5.0 observed events"), "\(error)")
        }
    }

    func testNonFiniteObjectiveAtTheStartThrows() {
        struct Hole: Objective {
            var dimension: Int { 1 }
            func value(at x: [Double]) -> Double { x[0] < 0 ? .nan : (x[0] - 1) * (x[0] - 1) }
        }
        XCTAssertThrowsError(try minimiser.minimise(Hole(), parameters: [Parameter("a", start: -1)])) { error in
            guard case .nonFiniteValue(_, let point) = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(point.names, ["a"])
        }
        XCTAssertEqual(try minimiser.minimise(Hole(), parameters: [Parameter("a", start: 3)]).values[0], 1, accuracy: 1e-8)
    }

    func testAnUnconstrainedDirectionGivesNoCovarianceButAClearError() throws {
        struct Flat: Objective {
            var dimension: Int { 2 }
            func value(at x: [Double]) -> Double { (x[0] - 1) * (x[0] - 1) }
        }
        let m = try minimiser.minimise(Flat(), parameters: [Parameter("a", start: 0), Parameter("free", start: 3)])
        XCTAssertEqual(m.values[0], 1, accuracy: 1e-8)
        XCTAssertThrowsError(try m.covariance()) { error in
            XCTAssertEqual(error as? FitError,
                           .notPositiveDefinite(matrix: "Hessian at the minimum", order: 2, names: ["a", "free"]))
        }
    }
}
