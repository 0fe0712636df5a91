import Foundation
@testable import Baselines

/// Rosenbrock's banana (b = 100), with analytic derivatives unless `finiteDifferences`.
struct Rosenbrock: Objective {
    var finiteDifferences = false
    var dimension: Int { 2 }

    func value(at p: [Double]) -> Double {
        let a = 1 - p[0], b = p[1] - p[0] * p[0]
        return a * a + 100 * b * b
    }

    func expansion(at p: [Double]) -> SecondOrderExpansion {
        if finiteDifferences {
            return SecondOrderExpansion(value: value(at: p), gradient: FiniteDifferences.gradient(of: value(at:), at: p),
                             hessian: FiniteDifferences.hessian(of: value(at:), at: p))
        }
        let x = p[0], y = p[1]
        return SecondOrderExpansion(value: value(at: p),
                         gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
                         hessian: Matrix([[2 - 400 * y + 1200 * x * x, -400 * x], [-400 * x, 200]]))
    }
}

/// A Gaussian -2 ln L in n parameters: (x - m)^T V^-1 (x - m), whose profile in x_0 is
/// (x_0 - m_0)^2 / V_00.
struct GaussianDeviance: Objective {
    var mean: [Double]
    var inverseCovariance: Matrix
    var dimension: Int { mean.count }

    init(mean: [Double], covariance: Matrix) throws {
        self.mean = mean
        self.inverseCovariance = try Cholesky(covariance).inverse()
    }

    func value(at x: [Double]) -> Double {
        let d = zip(x, mean).map { $0 - $1 }
        return zip(d, inverseCovariance * d).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

/// nu = mu s + b with one bin, derivatives by the protocol's finite-difference defaults.
struct CountingExpectation: BinnedExpectation {
    var signal: Double
    var binCount: Int { 1 }
    var parameterCount: Int { 2 }
    func expected(at p: [Double]) -> [Double] { [p[0] * signal + p[1]] }
}
