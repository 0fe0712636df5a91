/// The deviance of binned Poisson counts under a model, plus the constraint terms of its
/// nuisance parameters: the objective of a binned profile-likelihood fit.
///
/// ```
/// f(theta) = D(n, nu(theta)) + sum_j c_j(theta_j)             (-2 ln L up to a constant)
/// g_j      = sum_i 2 (1 - n_i / nu_i) J_ij + c_j'(theta_j)
/// H_jk     = sum_i 2 n_i / nu_i^2 J_ij J_ik + C_jk(w) + delta_jk c_j''(theta_j),
///            w_i = 2 (1 - n_i / nu_i)
/// ```
/// with D the ``PoissonDeviance``, c_j the ``ParameterConstraint``s, J and C from the
/// ``BinnedExpectation``. H is the exact (observed) Hessian when the model's J and C are exact.
/// The error definition is 1, so t(mu) = f(mu, profiled) - f_min is the profile-likelihood
/// ratio and t = 1 marks a 68.27% interval.
///
/// Empty bins are fine: a bin with n = 0 contributes 2 nu and no curvature; a bin with nu = 0
/// and n = 0 contributes nothing. A bin with n > 0 where the model expects nothing makes the
/// value +infinity, and ``diagnosis(at:)`` names the bin.
public struct BinnedPoissonLikelihood<Model: BinnedExpectation>: Objective {
    /// The model of the expected counts.
    public let model: Model
    /// The observed counts, one per bin.
    public let observed: [Double]
    /// One constraint per parameter (``ParameterConstraint/none`` for free parameters).
    public let constraints: [ParameterConstraint]
    /// The parameter names, for messages.
    public let names: [String]

    /// - Throws: ``FitError/emptyInput(what:)`` (no bins), ``FitError/invalidObservedCount(bin:value:)``,
    ///   ``FitError/dimensionMismatch(what:expected:actual:)`` (counts, names or constraints vs the
    ///   model), ``FitError/invalidConstraint(parameter:reason:)``.
    public init(model: Model, observed: [Double], names: [String],
                constraints: [ParameterConstraint]? = nil) throws {
        try PoissonDeviance.validateObserved(observed)
        guard observed.count == model.binCount else {
            throw FitError.dimensionMismatch(what: "observed bins", expected: model.binCount, actual: observed.count)
        }
        guard names.count == model.parameterCount else {
            throw FitError.dimensionMismatch(what: "parameter names", expected: model.parameterCount, actual: names.count)
        }
        let constraints = constraints ?? [ParameterConstraint](repeating: .none, count: names.count)
        guard constraints.count == model.parameterCount else {
            throw FitError.dimensionMismatch(what: "parameter constraints", expected: model.parameterCount,
                                             actual: constraints.count)
        }
        for (c, name) in zip(constraints, names) { try c.validate(parameter: name) }
        self.model = model
        self.observed = observed
        self.constraints = constraints
        self.names = names
    }

    public var dimension: Int { model.parameterCount }

    public func value(at x: [Double]) -> Double {
        var f = PoissonDeviance.value(observed: observed, expected: model.expected(at: x))
        for j in constraints.indices { f += constraints[j].penalty(x[j]) }
        return f
    }

    public func gradient(at x: [Double]) -> [Double] {
        let (nu, jacobian) = model.expectedWithJacobian(at: x)
        let w = PoissonDeviance.gradient(observed: observed, expected: nu)
        var g = jacobian.transposedTimes(w)
        for j in constraints.indices { g[j] += constraints[j].derivative(x[j]) }
        return g
    }

    public func expansion(at x: [Double]) -> SecondOrderExpansion {
        let (nu, jacobian) = model.expectedWithJacobian(at: x)
        let p = dimension, bins = observed.count
        var value = 0.0
        var w = [Double](repeating: 0, count: bins)
        var g = [Double](repeating: 0, count: p)
        var h = Matrix(rows: p, columns: p)
        jacobian.elements.withUnsafeBufferPointer { jac in
            h.elements.withUnsafeMutableBufferPointer { hh in
                for i in 0..<bins {
                    let n = observed[i], mu = nu[i]
                    value += PoissonDeviance.term(observed: n, expected: mu)
                    w[i] = PoissonDeviance.derivative(observed: n, expected: mu)
                    let s = PoissonDeviance.secondDerivative(observed: n, expected: mu)
                    let row = i * p
                    for j in 0..<p {
                        let jij = jac[row + j]
                        if jij == 0 { continue }
                        g[j] += w[i] * jij
                        let sj = s * jij
                        if sj == 0 { continue }
                        for k in 0...j { hh[j * p + k] += sj * jac[row + k] }
                    }
                }
            }
        }
        value *= 2
        let curvature = model.weightedCurvature(at: x, weights: w)
        for j in 0..<p {
            for k in 0...j {
                let v = h[j, k] + curvature[j, k]
                h[j, k] = v
                h[k, j] = v
            }
            value += constraints[j].penalty(x[j])
            g[j] += constraints[j].derivative(x[j])
            h[j, j] += constraints[j].secondDerivative(x[j])
        }
        return SecondOrderExpansion(value: value, gradient: g, hessian: h)
    }

    public func diagnosis(at x: [Double]) -> FitError? {
        let point = ParameterPoint(names: names, values: x)
        let nu = model.expected(at: x)
        if let bin = PoissonDeviance.firstImpossibleBin(observed: observed, expected: nu) {
            return .nonPositiveExpectation(bin: bin, expected: nu[bin], observed: observed[bin], at: point)
        }
        if let j = constraints.indices.first(where: { !constraints[$0].penalty(x[$0]).isFinite }) {
            return .nonFiniteValue(quantity: "constraint term of \(names[j]) (\(constraints[j]))", at: point)
        }
        return nil
    }
}

extension BinnedPoissonLikelihood: Sendable where Model: Sendable {}
