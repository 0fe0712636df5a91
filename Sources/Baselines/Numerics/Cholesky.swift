import CLapack
import Foundation

/// The Cholesky factorisation of a symmetric positive-definite matrix, through LAPACK.
///
/// ```
/// A = L L^T            L lower triangular with a positive diagonal      (dpotrf)
/// A x = b              solved by two triangular solves                  (dpotrs)
/// A^-1                 from L                                           (dpotri)
/// ln det A = 2 sum_i ln L_ii
/// ```
/// It is how covariances are checked and inverted: a Hessian at a minimum is positive
/// definite exactly when the factorisation succeeds, and its inverse (times 2 x the error
/// definition) is the covariance of the fitted parameters. Only the lower triangle of the input
/// is read by LAPACK, so the input is first checked to be symmetric to `symmetryTolerance`
/// (relative to its largest entry) and finite.
public struct Cholesky: Sendable {
    /// The lower-triangular factor L (zeros above the diagonal).
    public let factor: Matrix

    /// The relative asymmetry tolerated in the input (finite-difference Hessians are symmetric
    /// only to rounding).
    public static let symmetryTolerance = 1e-8

    /// Factorises `matrix`; `name` (and `names` of its rows, if known) appear in errors.
    ///
    /// - Throws: ``FitError/dimensionMismatch(what:expected:actual:)`` for a non-square matrix,
    ///   ``FitError/nonFiniteInput(what:row:column:value:)``, ``FitError/notSymmetric(matrix:row:column:difference:)``,
    ///   ``FitError/notPositiveDefinite(matrix:order:names:)``.
    public init(_ matrix: Matrix, name: String = "matrix", names: [String] = []) throws {
        guard matrix.isSquare else {
            throw FitError.dimensionMismatch(what: "columns of the square \(name)",
                                             expected: matrix.rows, actual: matrix.columns)
        }
        if let bad = matrix.firstNonFinite() {
            throw FitError.nonFiniteInput(what: name, row: bad.row, column: bad.column, value: bad.value)
        }
        let n = matrix.rows
        if matrix.relativeAsymmetry > Cholesky.symmetryTolerance {
            var worst = (0, 0, 0.0)
            for r in 0..<n {
                for c in (r + 1)..<max(n, r + 1) where abs(matrix[r, c] - matrix[c, r]) > worst.2 {
                    worst = (r, c, abs(matrix[r, c] - matrix[c, r]))
                }
            }
            throw FitError.notSymmetric(matrix: name, row: worst.0, column: worst.1, difference: worst.2)
        }
        var a = matrix.elements
        if n > 0 {
            let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), &a, Int32(n))
            if info > 0 {
                throw FitError.notPositiveDefinite(matrix: name, order: Int(info), names: names)
            }
            if info < 0 { throw FitError.lapackFailure(routine: "dpotrf", info: Int(info)) }
        }
        for r in 0..<n {
            for c in (r + 1)..<max(n, r + 1) { a[r * n + c] = 0 }
        }
        factor = Matrix(rows: n, columns: n, elements: a)
    }

    /// The order n of the factorised matrix.
    public var order: Int { factor.rows }

    /// The solution x of A x = b.
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == order, "right-hand side has \(b.count) entries, the matrix is \(order) x \(order)")
        guard order > 0 else { return [] }
        var l = factor.elements
        var x = b
        let info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(order), 1,
                                  &l, Int32(order), &x, 1)
        // dpotrs can only fail on an invalid argument, which the preconditions above exclude.
        precondition(info == 0, "dpotrs failed with info \(info) on a valid factor")
        return x
    }

    /// The inverse A^-1 (symmetric).
    public func inverse() -> Matrix {
        let n = order
        guard n > 0 else { return Matrix(rows: 0, columns: 0) }
        var a = factor.elements
        let info = LAPACKE_dpotri(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), &a, Int32(n))
        // info > 0 would mean a zero diagonal in L, which dpotrf never returns for success.
        precondition(info == 0, "dpotri failed with info \(info) on a valid factor")
        for r in 0..<n {
            for c in (r + 1)..<max(n, r + 1) { a[r * n + c] = a[c * n + r] }
        }
        return Matrix(rows: n, columns: n, elements: a)
    }

    /// ln det A = 2 sum_i ln L_ii.
    public var logDeterminant: Double {
        2 * factor.diagonal.reduce(0) { $0 + log($1) }
    }
}
