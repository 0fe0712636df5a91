import CLapack

/// Matrix products through OpenBLAS (`cblas_dgemm`, `cblas_dgemv`).
///
/// ```
/// product(A, B, transposeA, transposeB) = alpha op(A) op(B)      op(X) = X or X^T
/// A * x = A x,    A.transposedTimes(x) = A^T x
/// ```
/// A classifier's layer is `product(inputs, weights)`; a Gram matrix is
/// `product(J, J, transposeA: true)`.
extension Matrix {
    /// `alpha * op(a) * op(b)`, where `op` transposes when asked.
    public static func product(_ a: Matrix, _ b: Matrix, transposeA: Bool = false,
                               transposeB: Bool = false, alpha: Double = 1) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb, "cannot multiply \(m) x \(k) by \(kb) x \(n) "
                     + "(shapes \(a.rows) x \(a.columns)\(transposeA ? "^T" : "") and "
                     + "\(b.rows) x \(b.columns)\(transposeB ? "^T" : ""))")
        var c = Matrix(rows: m, columns: n)
        guard m > 0, n > 0, k > 0 else { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(Swift.max(a.columns, 1)),
                                pb.baseAddress, Int32(Swift.max(b.columns, 1)),
                                0, pc.baseAddress, Int32(n))
                }
            }
        }
        return c
    }

    /// The matrix product `a b`.
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        product(a, b)
    }

    /// The matrix-vector product `a x`.
    public static func * (a: Matrix, x: [Double]) -> [Double] {
        a.multiply(x, transpose: false)
    }

    /// `A^T x`.
    public func transposedTimes(_ x: [Double]) -> [Double] {
        multiply(x, transpose: true)
    }

    private func multiply(_ x: [Double], transpose: Bool) -> [Double] {
        let inCount = transpose ? rows : columns
        let outCount = transpose ? columns : rows
        precondition(x.count == inCount, "cannot multiply a \(rows) x \(columns) matrix"
                     + "\(transpose ? "^T" : "") by a vector of \(x.count)")
        var y = [Double](repeating: 0, count: outCount)
        guard rows > 0, columns > 0 else { return y }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                                Int32(rows), Int32(columns), 1, pa.baseAddress, Int32(columns),
                                px.baseAddress, 1, 0, py.baseAddress, 1)
                }
            }
        }
        return y
    }
}
