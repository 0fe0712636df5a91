/// A model of the expected counts in each bin as a function of the fit parameters.
///
/// ```
/// nu_i(theta),   J_ij = d nu_i / d theta_j,   C_jk(w) = sum_i w_i d2 nu_i / d theta_j d theta_k
/// ```
/// Only `expected(at:)` is required; J and C default to central finite differences. A model
/// that knows them (``TemplateExpectation``) supplies them for exact Newton steps and an exact
/// covariance. C enters the Hessian of the deviance weighted by w_i = 2 (1 - n_i / nu_i), which
/// vanishes on average at the minimum; leaving it out would be Fisher scoring, slower to
/// converge and with the expected rather than the observed information.
///
/// ```swift
/// struct SignalPlusBackground: BinnedExpectation {
///     var signal: [Double], background: [Double]
///     var binCount: Int { signal.count }
///     var parameterCount: Int { 2 }    // mu, background scale
///     func expected(at p: [Double]) -> [Double] { zip(signal, background).map { p[0] * $0 + p[1] * $1 } }
/// }
/// ```
public protocol BinnedExpectation {
    /// The number of bins.
    var binCount: Int { get }
    /// The number of parameters.
    var parameterCount: Int { get }
    /// nu(theta), one entry per bin.
    func expected(at parameters: [Double]) -> [Double]
    /// nu(theta) and its Jacobian (binCount x parameterCount).
    func expectedWithJacobian(at parameters: [Double]) -> (expected: [Double], jacobian: Matrix)
    /// C(w) = sum_i w_i d2 nu_i / d theta_j d theta_k (parameterCount x parameterCount).
    func weightedCurvature(at parameters: [Double], weights: [Double]) -> Matrix
}

extension BinnedExpectation {
    public func expectedWithJacobian(at parameters: [Double]) -> (expected: [Double], jacobian: Matrix) {
        (expected(at: parameters), FiniteDifferences.jacobian(of: expected(at:), at: parameters))
    }

    public func weightedCurvature(at parameters: [Double], weights: [Double]) -> Matrix {
        // d/d theta_k of sum_i w_i J_ij, with w held fixed.
        FiniteDifferences.hessian(ofGradient: { theta in
            expectedWithJacobian(at: theta).jacobian.transposedTimes(weights)
        }, at: parameters)
    }
}
