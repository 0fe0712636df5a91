import Foundation
import XCTest
@testable import Baselines

final class MorphedTemplatesTests: XCTestCase {
    /// Two processes, three bins, parameters (mu, tes, smear, norm): signal scaled by mu, background by norm.
    func model() throws -> MorphedTemplates {
        let cubic = MorphedTemplates.Response(parameter: 1, basis: .linear, nominal: 1, scale: 0.04, degree: 3,
                                              coefficients: [0.3, -0.1, 0.05, -0.2, 0.02, 0, 0.5, 0.1, -0.03])
        let square = MorphedTemplates.Response(parameter: 2, basis: .square, nominal: 1, scale: 24, degree: 2,
                                               coefficients: [0.1, -0.02, 0.0, 0.01, -0.2, 0.03])
        return try MorphedTemplates(processes: [
            .init(name: "signal", template: [5, 20, 40], normalisations: [0], responses: [cubic]),
            .init(name: "background", template: [900, 300, 60], normalisations: [3], responses: [cubic, square]),
        ], parameterCount: 4)
    }

    func testJacobianAndCurvatureMatchFiniteDifferences() throws {
        let m = try model()
        let theta = [1.3, 1.017, 2.4, 1.01]
        let (nu, jacobian) = m.expectedWithJacobian(at: theta)
        XCTAssertEqual(nu, m.expected(at: theta))
        let numeric = FiniteDifferences.jacobian(of: m.expected(at:), at: theta)
        for i in 0..<3 {
            for j in 0..<4 { XCTAssertEqual(jacobian[i, j], numeric[i, j], accuracy: 1e-6 * max(1, abs(numeric[i, j]))) }
        }
        let weights = [0.3, -1.2, 0.7]
        let curvature = m.weightedCurvature(at: theta, weights: weights)
        let numericCurvature = FiniteDifferences.hessian(ofGradient: { x in
            m.expectedWithJacobian(at: x).jacobian.transposedTimes(weights)
        }, at: theta)
        for j in 0..<4 {
            for k in 0..<4 {
                XCTAssertEqual(curvature[j, k], numericCurvature[j, k], accuracy: 1e-5 * max(1, abs(numericCurvature[j, k])), "(\(j), \(k))")
            }
        }
    }

    func testNominalIsTheTemplatesAndExpectationsStayPositive() throws {
        let m = try model()
        XCTAssertEqual(m.expected(at: [1, 1, 1, 1]), [905, 320, 100])
        for tes in stride(from: 0.95, through: 1.05, by: 0.01) {
            XCTAssertTrue(m.expected(at: [0.1, tes, 5, 1]).allSatisfy { $0 > 0 })
        }
    }

    func testInvalidInputsAreRejected() {
        XCTAssertThrowsError(try MorphedTemplates(processes: [], parameterCount: 1))
        XCTAssertThrowsError(try MorphedTemplates(processes: [.init(name: "s", template: [1, -2], normalisations: [0], responses: [])],
                                                  parameterCount: 1)) { error in
            XCTAssertEqual(error as? FitError, .invalidTemplate(process: "s", bin: 1, value: -2))
        }
        let wrong = MorphedTemplates.Response(parameter: 0, basis: .linear, nominal: 1, scale: 1, degree: 2, coefficients: [1])
        XCTAssertThrowsError(try MorphedTemplates(processes: [.init(name: "s", template: [1], normalisations: [], responses: [wrong])],
                                                  parameterCount: 1))
    }

    func testResponseFitRecoversACubic() throws {
        let grid = [0.96, 0.97, 0.98, 0.99, 1.01, 1.02, 1.03, 1.04]
        let a = [0.8, -0.3, 0.1]   // in u = (x - 1) / 0.04
        let ratios = grid.map { x -> [Double] in
            let u = (x - 1) / 0.04
            return [a[0] * u + a[1] * u * u + a[2] * u * u * u, 0]
        }
        let response = try ResponseFit.fit(parameter: 1, basis: .linear, nominal: 1, grid: grid, logRatios: ratios)
        XCTAssertEqual(response.scale, 0.04, accuracy: 1e-15)
        for d in 0..<3 { XCTAssertEqual(response.coefficients[d], a[d], accuracy: 1e-9) }
        XCTAssertEqual(Array(response.coefficients[3...]), [0, 0, 0])
    }

    func testBinEdgesQuantilesAndMerging() {
        let values: [Float] = (0..<100).map { Float($0) }
        let edges = BinEdges.quantiles(of: values, weights: [Double](repeating: 1, count: 100), bins: 4)
        XCTAssertEqual(edges.inner, [24, 49, 74])
        XCTAssertEqual(edges.bin(-1000), 0)
        XCTAssertEqual(edges.bin(24), 0)
        XCTAssertEqual(edges.bin(24.5), 1)
        XCTAssertEqual(edges.bin(1e9), 3)
        // Ties stay together: a value repeated over a quantile gives no empty bin.
        let tied = BinEdges.quantiles(of: [1, 1, 1, 1, 1, 1, 2, 3], weights: [Double](repeating: 1, count: 8), bins: 4)
        XCTAssertEqual(tied.inner, [1])   // every quantile falls in the run of 1s: one cut after it
        let merged = TemplateTraining.merged(BinEdges(inner: [10, 11, 50]), values: values[...], minimum: 20)
        XCTAssertEqual(merged.inner, [50])   // 1 value merges left (12), then 12 merges right
    }
}
