import Foundation

/// Central finite-difference derivatives, the defaults of ``Objective`` and ``BinnedExpectation``.
///
/// ```
/// df/dx_j       ~ (f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)               h_j = eps^(1/3) max(|x_j|, 1)
/// d2f/dx_j^2    ~ (f(x + h e_j) - 2 f(x) + f(x - h e_j)) / h^2               h_j = eps^(1/4) max(|x_j|, 1)
/// d2f/dx_j dx_k ~ (f(++) - f(+-) - f(-+) + f(--)) / (4 h_j h_k)
/// ```
/// The steps balance truncation (O(h^2)) against rounding (O(eps / h) and O(eps / h^2)), which
/// gives ~1e-10 relative accuracy for gradients and ~1e-7 for Hessians of well-scaled
/// functions. Each step is rounded so that x + h is exactly representable.
public enum FiniteDifferences {
    private static let gradientStep = pow(Double.ulpOfOne, 1.0 / 3)
    private static let hessianStep = pow(Double.ulpOfOne, 1.0 / 4)

    @inline(__always)
    private static func step(_ x: Double, _ relative: Double) -> Double {
        let h = relative * max(abs(x), 1)
        return (x + h) - x
    }

    /// The gradient of `f` at `x`.
    public static func gradient(of f: ([Double]) -> Double, at x: [Double]) -> [Double] {
        var probe = x
        return x.indices.map { j in
            let h = step(x[j], gradientStep)
            probe[j] = x[j] + h
            let up = f(probe)
            probe[j] = x[j] - h
            let down = f(probe)
            probe[j] = x[j]
            return (up - down) / (2 * h)
        }
    }

    /// The Hessian of `f` at `x` from values only.
    public static func hessian(of f: ([Double]) -> Double, at x: [Double]) -> Matrix {
        let n = x.count
        let h = x.map { step($0, hessianStep) }
        let f0 = f(x)
        var probe = x
        var hessian = Matrix(rows: n, columns: n)
        for j in 0..<n {
            probe[j] = x[j] + h[j]
            let up = f(probe)
            probe[j] = x[j] - h[j]
            let down = f(probe)
            probe[j] = x[j]
            hessian[j, j] = (up - 2 * f0 + down) / (h[j] * h[j])
            for k in 0..<j {
                probe[j] = x[j] + h[j]; probe[k] = x[k] + h[k]
                let pp = f(probe)
                probe[k] = x[k] - h[k]
                let pm = f(probe)
                probe[j] = x[j] - h[j]
                let mm = f(probe)
                probe[k] = x[k] + h[k]
                let mp = f(probe)
                probe[j] = x[j]; probe[k] = x[k]
                let value = (pp - pm - mp + mm) / (4 * h[j] * h[k])
                hessian[j, k] = value
                hessian[k, j] = value
            }
        }
        return hessian
    }

    /// The Hessian from an (analytic) gradient: the Jacobian of `gradient`, symmetrised.
    public static func hessian(ofGradient gradient: ([Double]) -> [Double], at x: [Double]) -> Matrix {
        jacobian(of: gradient, at: x).symmetrised
    }

    /// The Jacobian d f_i / d x_j (rows: outputs, columns: parameters) of a vector function.
    public static func jacobian(of f: ([Double]) -> [Double], at x: [Double]) -> Matrix {
        var probe = x
        var columns: [[Double]] = []
        for j in x.indices {
            let h = step(x[j], gradientStep)
            probe[j] = x[j] + h
            let up = f(probe)
            probe[j] = x[j] - h
            let down = f(probe)
            probe[j] = x[j]
            columns.append(zip(up, down).map { ($0 - $1) / (2 * h) })
        }
        let rows = columns.first?.count ?? 0
        var jacobian = Matrix(rows: rows, columns: x.count)
        for (j, column) in columns.enumerated() {
            for i in 0..<rows { jacobian[i, j] = column[i] }
        }
        return jacobian
    }
}
