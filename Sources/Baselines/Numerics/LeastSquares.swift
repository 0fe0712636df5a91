import CLapack
import Foundation

/// Linear least squares through LAPACK's QR factorisation (`dgels`), for template fits.
///
/// Minimises the (optionally weighted) residual sum of squares
/// ```
/// S(x) = sum_i w_i (b_i - sum_j A_ij x_j)^2,      w_i >= 0 (default 1)
/// ```
/// by scaling row i of A and b by sqrt(w_i) and solving with Householder QR (`A = Q R`). With
/// weights w_i = 1 / var(b_i) the fit is the best linear unbiased estimate and
/// ```
/// cov(x) = (A^T W A)^-1 = R^-1 R^-T        (dpotri on R, which is a Cholesky factor of A^T W A)
/// ```
/// QR is used rather than the normal equations because it does not square the condition number.
/// A design whose reciprocal condition number (`dtrcon` on R) is below `rankTolerance` is
/// rejected as rank deficient instead of returning a meaningless solution.
public enum LeastSquares {
    /// Designs with a reciprocal condition number of R below this are called rank deficient.
    public static let rankTolerance = 1e3 * Double.ulpOfOne

    /// The solution of a least-squares problem.
    public struct Solution: Sendable {
        /// The coefficients x that minimise S(x).
        public var coefficients: [Double]
        /// The minimum S(x).
        public var residualSumOfSquares: Double
        /// (A^T W A)^-1: the covariance of the coefficients when w_i = 1 / var(b_i).
        public var covariance: Matrix
        /// Degrees of freedom: rows with a positive weight minus columns.
        public var degreesOfFreedom: Int
    }

    /// Solves min_x sum_i w_i (b_i - (A x)_i)^2.
    ///
    /// - Throws: ``FitError/emptyInput(what:)``, ``FitError/dimensionMismatch(what:expected:actual:)``,
    ///   ``FitError/nonFiniteInput(what:row:column:value:)`` (also for a negative weight),
    ///   ``FitError/underdetermined(rows:columns:)``, ``FitError/rankDeficient(rows:columns:reciprocalCondition:)``.
    public static func solve(_ design: Matrix, _ b: [Double], weights: [Double]? = nil) throws -> Solution {
        let m = design.rows, n = design.columns
        guard n > 0 else { throw FitError.emptyInput(what: "columns of the least-squares design") }
        guard b.count == m else {
            throw FitError.dimensionMismatch(what: "right-hand side of the least-squares problem",
                                             expected: m, actual: b.count)
        }
        if let weights, weights.count != m {
            throw FitError.dimensionMismatch(what: "weights of the least-squares problem",
                                             expected: m, actual: weights.count)
        }
        guard m >= n else { throw FitError.underdetermined(rows: m, columns: n) }
        if let bad = design.firstNonFinite() {
            throw FitError.nonFiniteInput(what: "least-squares design", row: bad.row, column: bad.column, value: bad.value)
        }
        if let k = b.firstIndex(where: { !$0.isFinite }) {
            throw FitError.nonFiniteInput(what: "least-squares right-hand side", row: k, column: 0, value: b[k])
        }
        if let weights, let k = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw FitError.nonFiniteInput(what: "least-squares weights (must be finite and >= 0)",
                                          row: k, column: 0, value: weights[k])
        }

        var a = design.elements
        var rhs = b
        if let weights {
            for i in 0..<m {
                let s = weights[i].squareRoot()
                rhs[i] *= s
                for j in 0..<n { a[i * n + j] *= s }
            }
        }
        let info = LAPACKE_dgels(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), Int32(m), Int32(n), 1,
                                 &a, Int32(n), &rhs, 1)
        if info > 0 { throw FitError.rankDeficient(rows: m, columns: n, reciprocalCondition: 0) }
        if info < 0 { throw FitError.lapackFailure(routine: "dgels", info: Int(info)) }

        // R is the upper triangle of the first n rows of `a`.
        var r = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in i..<n { r[i, j] = a[i * n + j] }
        }
        var rcond = 0.0
        let conditionInfo = LAPACKE_dtrcon(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "1")), CChar(UInt8(ascii: "U")),
                                           CChar(UInt8(ascii: "N")), Int32(n), &r.elements, Int32(n), &rcond)
        if conditionInfo != 0 { throw FitError.lapackFailure(routine: "dtrcon", info: Int(conditionInfo)) }
        guard rcond >= rankTolerance else {
            throw FitError.rankDeficient(rows: m, columns: n, reciprocalCondition: rcond)
        }

        var covariance = r.elements
        let inverseInfo = LAPACKE_dpotri(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), &covariance, Int32(n))
        if inverseInfo != 0 { throw FitError.lapackFailure(routine: "dpotri", info: Int(inverseInfo)) }
        for i in 0..<n {
            for j in 0..<i { covariance[i * n + j] = covariance[j * n + i] }
        }

        let residual = rhs[n..<m].reduce(0) { $0 + $1 * $1 }
        let usedRows = weights.map { $0.filter { $0 > 0 }.count } ?? m
        return Solution(coefficients: Array(rhs[0..<n]), residualSumOfSquares: residual,
                        covariance: Matrix(rows: n, columns: n, elements: covariance),
                        degreesOfFreedom: usedRows - n)
    }
}
