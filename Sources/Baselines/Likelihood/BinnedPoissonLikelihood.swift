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
///
/// With `relativeVariances` (the relative variance of each bin's expectation from the finite
/// samples it was built from), each bin's Poisson term is replaced by its Barlow-Beeston-lite
/// term, the deviance with that bin's template scale factor profiled out (``BarlowBeestonLite``):
/// d, 2 (1 - n / nu) and 2 n / nu^2 above become F / 2, F' and F''.
public struct BinnedPoissonLikelihood<Model: BinnedExpectation>: Objective {
    /// The model of the expected counts.
    public let model: Model
    /// The observed counts, one per bin.
    public let observed: [Double]
    /// One constraint per parameter (``ParameterConstraint/none`` for free parameters).
    public let constraints: [ParameterConstraint]
    /// The parameter names, for messages.
    public let names: [String]
    /// The relative variance of each bin's expectation (Barlow-Beeston lite), or nil for exact
    /// templates.
    public let relativeVariances: [Double]?

    /// - Throws: ``FitError/emptyInput(what:)`` (no bins), ``FitError/invalidObservedCount(bin:value:)``,
    ///   ``FitError/dimensionMismatch(what:expected:actual:)`` (counts, names or constraints vs the
    ///   model), ``FitError/invalidConstraint(parameter:reason:)``, and
    ///   ``FitError/invalidTemplate(process:bin:value:)`` for a negative or non-finite relative variance.
    public init(model: Model, observed: [Double], names: [String],
                constraints: [ParameterConstraint]? = nil, relativeVariances: [Double]? = nil) throws {
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
        if let relativeVariances {
            guard relativeVariances.count == model.binCount else {
                throw FitError.dimensionMismatch(what: "relative template variances", expected: model.binCount,
                                                 actual: relativeVariances.count)
            }
            try BarlowBeestonLite.validate(relativeVariances)
        }
        self.relativeVariances = relativeVariances?.contains(where: { $0 > 0 }) == true ? relativeVariances : nil
        self.model = model
        self.observed = observed
        self.constraints = constraints
        self.names = names
    }

    public var dimension: Int { model.parameterCount }

    /// The bin's term (half its deviance contribution).
    @inline(__always)
    private func term(_ i: Int, _ n: Double, _ nu: Double) -> Double {
        guard let v = relativeVariances else { return PoissonDeviance.term(observed: n, expected: nu) }
        return BarlowBeestonLite.term(observed: n, expected: nu, relativeVariance: v[i])
    }

    /// The derivative of the bin's deviance contribution with respect to nu.
    @inline(__always)
    private func derivative(_ i: Int, _ n: Double, _ nu: Double) -> Double {
        guard let v = relativeVariances else { return PoissonDeviance.derivative(observed: n, expected: nu) }
        return BarlowBeestonLite.derivative(observed: n, expected: nu, relativeVariance: v[i])
    }

    /// The second derivative of the bin's deviance contribution with respect to nu.
    @inline(__always)
    private func secondDerivative(_ i: Int, _ n: Double, _ nu: Double) -> Double {
        guard let v = relativeVariances else { return PoissonDeviance.secondDerivative(observed: n, expected: nu) }
        return BarlowBeestonLite.secondDerivative(observed: n, expected: nu, relativeVariance: v[i])
    }

    public func value(at x: [Double]) -> Double {
        let nu = model.expected(at: x)
        var f = 0.0
        for i in observed.indices { f += term(i, observed[i], nu[i]) }
        f *= 2
        for j in constraints.indices { f += constraints[j].penalty(x[j]) }
        return f
    }

    public func gradient(at x: [Double]) -> [Double] {
        let (nu, jacobian) = model.expectedWithJacobian(at: x)
        let w = observed.indices.map { derivative($0, observed[$0], nu[$0]) }
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
                    value += term(i, n, mu)
                    w[i] = derivative(i, n, mu)
                    let s = secondDerivative(i, n, mu)
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
