import Foundation
import XCTest
@testable import Baselines

final class LinearAlgebraTests: XCTestCase {
    // The textbook SPD matrix with an integer Cholesky factor.
    let a = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
    let l = Matrix([[2, 0, 0], [6, 1, 0], [-8, 5, 3]])

    func testMatrixProductsAgainstHandComputedValues() {
        let x = Matrix([[1, 2, 3], [4, 5, 6]])
        let y = Matrix([[7, 8], [9, 10], [11, 12]])
        XCTAssertEqual(x * y, Matrix([[58, 64], [139, 154]]))
        XCTAssertEqual(Matrix.product(x, x, transposeA: true), Matrix([[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
        XCTAssertEqual(Matrix.product(x, y, transposeA: true, transposeB: true),
                       Matrix([[39, 49, 59], [54, 68, 82], [69, 87, 105]]))
        XCTAssertEqual(x * [1, 0, -1], [-2, -2])
        XCTAssertEqual(x.transposedTimes([1, 1]), [5, 7, 9])
        XCTAssertEqual(x.transposed, Matrix([[1, 4], [2, 5], [3, 6]]))
        XCTAssertEqual(l * l.transposed, a)
    }

    func testOpenBLASThreadCountCanBeSetForParallelTasks() {
        let before = OpenBLAS.threadCount
        OpenBLAS.setThreadCount(1)
        XCTAssertEqual(OpenBLAS.threadCount, 1)
        OpenBLAS.setThreadCount(before)
        XCTAssertEqual(OpenBLAS.threadCount, before)
    }

    func testCholeskyOfAKnownMatrix() throws {
        let c = try Cholesky(a)
        XCTAssertEqual(c.factor, l)
        XCTAssertEqual(c.logDeterminant, 2 * log(6), accuracy: 1e-14)
        // A x = b with x = (1, -2, 0.5).
        let b = a * [1, -2, 0.5]
        for (got, want) in zip(c.solve(b), [1, -2, 0.5]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        let product = a * c.inverse()
        for i in 0..<3 {
            for j in 0..<3 { XCTAssertEqual(product[i, j], i == j ? 1 : 0, accuracy: 1e-11) }
        }
        XCTAssertEqual(c.inverse().relativeAsymmetry, 0)
    }

    func testCholeskyRejectsBadMatricesWithTheReason() {
        XCTAssertThrowsError(try Cholesky(Matrix([[1, 2], [2, 1]]), name: "Hessian", names: ["mu", "tes"])) { error in
            XCTAssertEqual(error as? FitError, .notPositiveDefinite(matrix: "Hessian", order: 2, names: ["mu", "tes"]))
            XCTAssertTrue("\(error)".contains("tes"), "\(error)")
        }
        XCTAssertThrowsError(try Cholesky(Matrix([[1, 2], [0, 1]]))) { error in
            guard case .notSymmetric(_, 0, 1, 2) = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Cholesky(Matrix([[1, .nan], [.nan, 1]]))) { error in
            guard case .nonFiniteInput(_, 0, 1, _) = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Cholesky(Matrix([[1, 2, 3]]))) { error in
            guard case .dimensionMismatch = error as? FitError else { return XCTFail("\(error)") }
        }
    }

    func testLeastSquaresRecoversAnExactLine() throws {
        let xs: [Double] = [0, 1, 2, 3, 4]
        let design = Matrix(xs.map { [1, $0] })
        let solution = try LeastSquares.solve(design, xs.map { 2 + 3 * $0 })
        XCTAssertEqual(solution.coefficients[0], 2, accuracy: 1e-13)
        XCTAssertEqual(solution.coefficients[1], 3, accuracy: 1e-13)
        XCTAssertEqual(solution.residualSumOfSquares, 0, accuracy: 1e-24)
        XCTAssertEqual(solution.degreesOfFreedom, 3)
    }

    func testWeightedLeastSquaresMatchesTheClosedForm() throws {
        // Weighted straight line: with S = sum w, Sx = sum w x, Sxx = sum w x^2, Sy, Sxy and
        // Delta = S Sxx - Sx^2: slope = (S Sxy - Sx Sy) / Delta, intercept = (Sxx Sy - Sx Sxy) / Delta,
        // cov = [[Sxx, -Sx], [-Sx, S]] / Delta.
        let xs: [Double] = [0.5, 1.5, 2, 3.5, 5, 6]
        let ys: [Double] = [1.1, 2.9, 3.2, 6.1, 8.8, 11.5]
        let ws: [Double] = [1, 4, 2, 0.5, 3, 1]
        var s = 0.0, sx = 0.0, sxx = 0.0, sy = 0.0, sxy = 0.0
        for i in xs.indices {
            s += ws[i]; sx += ws[i] * xs[i]; sxx += ws[i] * xs[i] * xs[i]
            sy += ws[i] * ys[i]; sxy += ws[i] * xs[i] * ys[i]
        }
        let delta = s * sxx - sx * sx
        let solution = try LeastSquares.solve(Matrix(xs.map { [1, $0] }), ys, weights: ws)
        XCTAssertEqual(solution.coefficients[0], (sxx * sy - sx * sxy) / delta, accuracy: 1e-12)
        XCTAssertEqual(solution.coefficients[1], (s * sxy - sx * sy) / delta, accuracy: 1e-12)
        let rss = xs.indices.reduce(0.0) {
            let r = ys[$1] - solution.coefficients[0] - solution.coefficients[1] * xs[$1]
            return $0 + ws[$1] * r * r
        }
        XCTAssertEqual(solution.residualSumOfSquares, rss, accuracy: 1e-12)
        XCTAssertEqual(solution.covariance[0, 0], sxx / delta, accuracy: 1e-13)
        XCTAssertEqual(solution.covariance[0, 1], -sx / delta, accuracy: 1e-13)
        XCTAssertEqual(solution.covariance[1, 0], -sx / delta, accuracy: 1e-13)
        XCTAssertEqual(solution.covariance[1, 1], s / delta, accuracy: 1e-13)
    }

    func testLeastSquaresRejectsBadDesigns() {
        let dependent = Matrix([[1, 2], [2, 4], [3, 6]])
        XCTAssertThrowsError(try LeastSquares.solve(dependent, [1, 2, 3])) { error in
            guard case .rankDeficient(3, 2, _) = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try LeastSquares.solve(Matrix([[1, 2]]), [1])) { error in
            XCTAssertEqual(error as? FitError, .underdetermined(rows: 1, columns: 2))
        }
        XCTAssertThrowsError(try LeastSquares.solve(Matrix([[1], [2]]), [1])) { error in
            guard case .dimensionMismatch = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try LeastSquares.solve(Matrix([[1], [2]]), [1, .infinity])) { error in
            guard case .nonFiniteInput(_, 1, 0, _) = error as? FitError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try LeastSquares.solve(Matrix([[1], [2]]), [1, 2], weights: [1, -1])) { error in
            guard case .nonFiniteInput(_, 1, 0, -1) = error as? FitError else { return XCTFail("\(error)") }
        }
    }
}
