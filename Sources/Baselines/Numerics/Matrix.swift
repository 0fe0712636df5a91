import CLapack

/// A dense matrix of `Double` in row-major order, with products through BLAS.
///
/// Element `(r, c)` is `elements[r * columns + c]`. The type is a plain value (copy-on-write
/// through its array); products call OpenBLAS (`dgemm`, `dgemv`), which pays off from a few
/// dozen rows upwards and is never slower than a Swift loop by more than a call's overhead.
/// Shape mismatches are programmer errors and stop with a precondition that shows the shapes;
/// data that comes from users must be checked by the caller first.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries, row after row.
    public var elements: [Double]

    /// A `rows` x `columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix shape must be non-negative, got \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over row-major `elements`.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0 && elements.count == rows * columns,
                     "a \(rows) x \(columns) matrix needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from its rows, e.g. `Matrix([[1, 2], [3, 4]])`.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns },
                     "rows of a matrix must have equal lengths, got \(rowArrays.map(\.count))")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A square matrix with `diagonal` on its diagonal.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        var m = Matrix(rows: diagonal.count, columns: diagonal.count)
        for (i, d) in diagonal.enumerated() { m[i, i] = d }
        return m
    }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// Whether the matrix is square.
    public var isSquare: Bool { rows == columns }

    /// The diagonal entries.
    public var diagonal: [Double] {
        (0..<min(rows, columns)).map { self[$0, $0] }
    }

    /// Row `r` as an array.
    public func row(_ r: Int) -> [Double] {
        Array(elements[(r * columns)..<((r + 1) * columns)])
    }

    /// Column `c` as an array.
    public func column(_ c: Int) -> [Double] {
        (0..<rows).map { self[$0, c] }
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns { t[c, r] = self[r, c] }
        }
        return t
    }

    /// The square submatrix on the rows and columns `indices` (in that order).
    public func principalSubmatrix(_ indices: [Int]) -> Matrix {
        precondition(isSquare, "a principal submatrix needs a square matrix, got \(rows) x \(columns)")
        var s = Matrix(rows: indices.count, columns: indices.count)
        for (a, i) in indices.enumerated() {
            for (b, j) in indices.enumerated() { s[a, b] = self[i, j] }
        }
        return s
    }

    /// The first non-finite entry, if any.
    public func firstNonFinite() -> (row: Int, column: Int, value: Double)? {
        guard let k = elements.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (k / Swift.max(columns, 1), k % Swift.max(columns, 1), elements[k])
    }

    /// The largest |a_ij - a_ji| relative to the largest |a_ij| (0 for a symmetric matrix).
    public var relativeAsymmetry: Double {
        precondition(isSquare, "symmetry needs a square matrix, got \(rows) x \(columns)")
        var scale = 0.0, worst = 0.0
        for r in 0..<rows {
            for c in 0..<columns {
                scale = Swift.max(scale, abs(self[r, c]))
                if c > r { worst = Swift.max(worst, abs(self[r, c] - self[c, r])) }
            }
        }
        return scale > 0 ? worst / scale : 0
    }

    /// The matrix with each upper off-diagonal entry replaced by the mean of it and its mirror.
    public var symmetrised: Matrix {
        precondition(isSquare, "symmetrising needs a square matrix, got \(rows) x \(columns)")
        var s = self
        for r in 0..<rows {
            for c in (r + 1)..<Swift.max(columns, r + 1) {
                let m = 0.5 * (self[r, c] + self[c, r])
                s[r, c] = m
                s[c, r] = m
            }
        }
        return s
    }

    public var description: String {
        (0..<rows).map { r in row(r).map { "\($0)" }.joined(separator: "\t") }.joined(separator: "\n")
    }
}
