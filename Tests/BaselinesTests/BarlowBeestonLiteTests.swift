import Foundation
import XCTest
@testable import Baselines

final class BarlowBeestonLiteTests: XCTestCase {
    /// F(nu) by brute-force minimisation over gamma on a fine grid refined by golden section.
    func bruteForce(_ n: Double, _ nu: Double, _ v: Double) -> Double {
        func f(_ g: Double) -> Double { PoissonDeviance.term(observed: n, expected: g * nu) + (g - 1) * (g - 1) / (2 * v) }
        var a = 0.0, b = 5.0
        let r = (5.0.squareRoot() - 1) / 2
        for _ in 0..<200 {
            let c = b - r * (b - a), d = a + r * (b - a)
            if f(c) < f(d) { b = d } else { a = c }
        }
        return f(0.5 * (a + b))
    }

    func testTermIsTheProfiledMinimumOverGamma() {
        for (n, nu, v) in [(100.0, 90.0, 0.01), (0.0, 3.0, 0.1), (0.0, 30.0, 0.1), (5.0, 0.5, 0.2), (1e4, 1.02e4, 1e-4)] {
            let closed = BarlowBeestonLite.term(observed: n, expected: nu, relativeVariance: v)
            XCTAssertEqual(closed, bruteForce(n, nu, v), accuracy: 1e-9 * max(1, closed), "n \(n) nu \(nu) v \(v)")
        }
    }

    func testDerivativesMatchFiniteDifferences() {
        for (n, nu, v) in [(100.0, 90.0, 0.01), (0.0, 3.0, 0.1), (5.0, 0.5, 0.2), (1e4, 1.02e4, 1e-4), (20.0, 40.0, 0.05)] {
            let h = 1e-5 * nu
            func F(_ x: Double) -> Double { 2 * BarlowBeestonLite.term(observed: n, expected: x, relativeVariance: v) }
            let numeric = (F(nu + h) - F(nu - h)) / (2 * h)
            XCTAssertEqual(BarlowBeestonLite.derivative(observed: n, expected: nu, relativeVariance: v), numeric,
                           accuracy: 1e-6 * max(1, abs(numeric)))
            func G(_ x: Double) -> Double { BarlowBeestonLite.derivative(observed: n, expected: x, relativeVariance: v) }
            let second = (G(nu + h) - G(nu - h)) / (2 * h)
            XCTAssertEqual(BarlowBeestonLite.secondDerivative(observed: n, expected: nu, relativeVariance: v), second,
                           accuracy: 1e-5 * max(1e-3, abs(second)))
        }
    }

    func testZeroVarianceIsThePlainPoissonDeviance() {
        XCTAssertEqual(BarlowBeestonLite.term(observed: 7, expected: 9, relativeVariance: 0),
                       PoissonDeviance.term(observed: 7, expected: 9))
        // Tiny variance: continuous with the plain deviance.
        XCTAssertEqual(BarlowBeestonLite.term(observed: 7, expected: 9, relativeVariance: 1e-14),
                       PoissonDeviance.term(observed: 7, expected: 9), accuracy: 1e-10)
    }

    func testCurvatureAtAGoodFitAddsTheTemplateVariance() {
        // n = nu: F'' = 2 / (nu (1 + nu v)).
        let nu = 400.0, v = 0.0025
        XCTAssertEqual(BarlowBeestonLite.secondDerivative(observed: nu, expected: nu, relativeVariance: v),
                       2 / (nu * (1 + nu * v)), accuracy: 1e-12)
    }

    func testLikelihoodRejectsBadVariances() {
        let model = CountingExpectation(signal: 10)
        XCTAssertThrowsError(try BinnedPoissonLikelihood(model: model, observed: [5], names: ["mu", "b"],
                                                         relativeVariances: [-1])) { error in
            XCTAssertEqual(error as? FitError, .invalidTemplate(process: "relative template variance", bin: 0, value: -1))
        }
        XCTAssertThrowsError(try BinnedPoissonLikelihood(model: model, observed: [5], names: ["mu", "b"],
                                                         relativeVariances: [0.1, 0.2]))
    }
}
