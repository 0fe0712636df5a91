import Foundation
import XCTest
@testable import Baselines

final class TemplateExpectationTests: XCTestCase {
    /// Two processes: one scaled by mu, one by the product a * b, both with shape responses.
    func model() throws -> TemplateExpectation {
        try TemplateExpectation(processes: [
            .init(name: "signal", template: [1, 4, 9], normalisations: [0],
                  responses: [.init(parameter: 3, nominal: 1, logSlopes: [0.5, -0.2, 1.5])]),
            .init(name: "background", template: [50, 30, 5], normalisations: [1, 2],
                  responses: [.init(parameter: 3, nominal: 1, logSlopes: [-1, 0.3, 0.7]),
                              .init(parameter: 2, nominal: 1, logSlopes: [0.1, 0.2, -0.4])]),
        ], parameterCount: 4)
    }

    let theta = [1.2, 0.9, 1.1, 1.05]

    func testExpectationIsTheDocumentedFormula() throws {
        let nu = try model().expected(at: theta)
        let shift3 = 0.05, shift2 = 0.1
        let want = [
            1.2 * 1 * exp(0.5 * shift3) + 0.99 * 50 * exp(-1 * shift3 + 0.1 * shift2),
            1.2 * 4 * exp(-0.2 * shift3) + 0.99 * 30 * exp(0.3 * shift3 + 0.2 * shift2),
            1.2 * 9 * exp(1.5 * shift3) + 0.99 * 5 * exp(0.7 * shift3 - 0.4 * shift2),
        ]
        for (got, expected) in zip(nu, want) { XCTAssertEqual(got, expected, accuracy: 1e-12 * expected) }
    }

    func testAnalyticJacobianAndCurvatureMatchFiniteDifferences() throws {
        let m = try model()
        let (_, jacobian) = m.expectedWithJacobian(at: theta)
        let numeric = FiniteDifferences.jacobian(of: m.expected(at:), at: theta)
        for k in jacobian.elements.indices {
            XCTAssertEqual(jacobian.elements[k], numeric.elements[k], accuracy: 1e-7 * max(1, abs(numeric.elements[k])))
        }
        let w = [0.3, -1.2, 2.0]
        let curvature = m.weightedCurvature(at: theta, weights: w)
        let numericCurvature = FiniteDifferences.hessian(of: { zip(w, m.expected(at: $0)).reduce(0) { $0 + $1.0 * $1.1 } },
                                                         at: theta)
        for k in curvature.elements.indices {
            XCTAssertEqual(curvature.elements[k], numericCurvature.elements[k], accuracy: 1e-5 * max(1, abs(curvature.elements[k])))
        }
        XCTAssertEqual(curvature.relativeAsymmetry, 0)
    }

    func testLikelihoodExpansionMatchesFiniteDifferencesOfItsValue() throws {
        let likelihood = try BinnedPoissonLikelihood(model: try model(), observed: [60, 0, 17],
                                                     names: ["mu", "a", "b", "shape"],
                                                     constraints: [.none, .gaussian(mean: 1, sigma: 0.1),
                                                                   .logNormal(median: 1, sigma: 0.2), .gaussian(mean: 1, sigma: 0.5)])
        let e = likelihood.expansion(at: theta)
        XCTAssertEqual(e.value, likelihood.value(at: theta), accuracy: 1e-12 * e.value)
        let g = FiniteDifferences.gradient(of: likelihood.value(at:), at: theta)
        for j in g.indices { XCTAssertEqual(e.gradient[j], g[j], accuracy: 1e-6 * max(1, abs(g[j]))) }
        let h = FiniteDifferences.hessian(of: likelihood.value(at:), at: theta)
        for k in h.elements.indices {
            XCTAssertEqual(e.hessian.elements[k], h.elements[k], accuracy: 1e-4 * max(1, abs(h.elements[k])))
        }
        // The same sums, possibly in another order (vectorised or BLAS kernels): equal to a few ulps.
        for (a, b) in zip(likelihood.gradient(at: theta), e.gradient) {
            XCTAssertEqual(a, b, accuracy: 1e-13 * max(1, abs(b)))
        }
    }

    func testConstraintTermsAndTheirDerivatives() throws {
        let gaussian = ParameterConstraint.gaussian(mean: 1, sigma: 0.02)
        XCTAssertEqual(gaussian.penalty(1.04), 4, accuracy: 1e-12)
        let logNormal = ParameterConstraint.logNormal(median: 2, sigma: 0.5)
        XCTAssertEqual(logNormal.penalty(2 * exp(0.5)), 1, accuracy: 1e-12)
        XCTAssertEqual(logNormal.penalty(0), .infinity)
        for c in [gaussian, logNormal] {
            let x = 1.7, h = 1e-5
            XCTAssertEqual(c.derivative(x), (c.penalty(x + h) - c.penalty(x - h)) / (2 * h), accuracy: 1e-6)
            XCTAssertEqual(c.secondDerivative(x), (c.derivative(x + h) - c.derivative(x - h)) / (2 * h), accuracy: 1e-5)
        }
        XCTAssertThrowsError(try ParameterConstraint.gaussian(mean: 1, sigma: 0).validate(parameter: "tes")) { error in
            guard case .invalidConstraint("tes", _) = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ParameterConstraint.logNormal(median: -1, sigma: 1).validate(parameter: "soft_met"))
    }

    func testInvalidModelsAreRejectedWithTheProcessAndBin() {
        XCTAssertThrowsError(try TemplateExpectation(processes: [], parameterCount: 1)) { error in
            guard case .emptyInput = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TemplateExpectation(processes: [.init(name: "s", template: [1, -2])], parameterCount: 1)) { error in
            XCTAssertEqual(error as? FitError, .invalidTemplate(process: "s", bin: 1, value: -2))
        }
        XCTAssertThrowsError(try TemplateExpectation(processes: [.init(name: "s", template: [1, 2]),
                                                                 .init(name: "b", template: [1, 2, 3])], parameterCount: 1)) { error in
            XCTAssertEqual(error as? FitError, .dimensionMismatch(what: "bins of the template of b", expected: 2, actual: 3))
        }
        XCTAssertThrowsError(try TemplateExpectation(processes: [.init(name: "s", template: [1], normalisations: [0, 0])],
                                                     parameterCount: 1)) { error in
            XCTAssertEqual(error as? FitError, .invalidParameterIndex(process: "s", index: 0, parameterCount: 1))
        }
        XCTAssertThrowsError(try TemplateExpectation(processes: [.init(name: "s", template: [1], normalisations: [3])],
                                                     parameterCount: 1))
    }

    func testLikelihoodRejectsMismatchedInput() throws {
        let m = try model()
        XCTAssertThrowsError(try BinnedPoissonLikelihood(model: m, observed: [1, 2], names: ["mu", "a", "b", "s"])) { error in
            XCTAssertEqual(error as? FitError, .dimensionMismatch(what: "observed bins", expected: 3, actual: 2))
        }
        XCTAssertThrowsError(try BinnedPoissonLikelihood(model: m, observed: [1, 2, -1], names: ["mu", "a", "b", "s"])) { error in
            XCTAssertEqual(error as? FitError, .invalidObservedCount(bin: 2, value: -1))
        }
        XCTAssertThrowsError(try BinnedPoissonLikelihood(model: m, observed: [1, 2, 3], names: ["mu"]))
        XCTAssertThrowsError(try BinnedPoissonLikelihood(model: m, observed: [1, 2, 3], names: ["mu", "a", "b", "s"],
                                                         constraints: [.none]))
    }
}
