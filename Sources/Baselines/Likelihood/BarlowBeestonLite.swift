import Foundation

/// The Poisson deviance of one bin whose expectation comes from finite simulated samples, with
/// the bin's scale factor profiled out in closed form (Barlow-Beeston "lite", Conway 2011).
///
/// A template bin known to a relative variance `v` (`v = sum w^2 / (sum w)^2` of the simulated
/// rows behind it) gets a factor gamma with a Gaussian constraint, and gamma is minimised away:
/// ```
/// f(nu, gamma) = 2 d(n, gamma nu) + (gamma - 1)^2 / v          (d as in PoissonDeviance)
/// gamma_hat    = root >= 0 of gamma^2 + (nu v - 1) gamma - n v = 0
/// F(nu)        = f(nu, gamma_hat(nu))
/// F'(nu)       = 2 (gamma_hat - n / nu)                          (envelope theorem)
/// F''(nu)      = 2 n / nu^2 - 2 / (n / gamma_hat^2 + 1 / v)      (n > 0)
///              = -2 v  if nu v < 1,  0 otherwise                 (n = 0: gamma_hat = max(0, 1 - nu v))
/// ```
/// Near a good fit (n ~ nu, gamma ~ 1) the curvature is `2 / (nu (1 + nu v))`: the bin's variance
/// is the data's `nu` plus the templates' `nu^2 v`, which is what keeps an interval honest when
/// the templates come from a pool not much larger than one pseudo-experiment. With `v = 0` every
/// formula reduces to the plain Poisson deviance. F is convex in nu for n > 0; for an empty bin
/// it is slightly concave (`-2 v`), which the minimiser's damping absorbs.
///
/// The root is taken in the form that does not cancel: `(-b + sqrt(b^2 + 4c)) / 2` for `b <= 0`,
/// `2c / (b + sqrt(b^2 + 4c))` for `b > 0` (`b = nu v - 1`, `c = n v`).
///
/// Reference: J. S. Conway, "Incorporating Nuisance Parameters in Likelihoods for Multisource
/// Spectra", PHYSTAT 2011, CERN-2011-006, pp. 115-120.
public enum BarlowBeestonLite {
    /// gamma_hat for observed `n`, expected `nu` and relative template variance `v > 0`.
    @inline(__always)
    public static func gamma(observed n: Double, expected nu: Double, relativeVariance v: Double) -> Double {
        let b = nu * v - 1, c = n * v
        let root = (b * b + 4 * c).squareRoot()
        return b <= 0 ? 0.5 * (root - b) : (c == 0 ? 0 : 2 * c / (b + root))
    }

    /// F(nu) / 2: the bin's term in the units of ``PoissonDeviance/term(observed:expected:)``.
    @inline(__always)
    public static func term(observed n: Double, expected nu: Double, relativeVariance v: Double) -> Double {
        guard v > 0 else { return PoissonDeviance.term(observed: n, expected: nu) }
        if !(nu > 0) { return PoissonDeviance.term(observed: n, expected: nu) }
        let g = gamma(observed: n, expected: nu, relativeVariance: v)
        let pull = (g - 1) * (g - 1) / (2 * v)
        if g == 0 { return pull }   // n = 0 and nu v >= 1: the template bin is scaled away
        return PoissonDeviance.term(observed: n, expected: g * nu) + pull
    }

    /// F'(nu) = 2 (gamma_hat - n / nu).
    @inline(__always)
    public static func derivative(observed n: Double, expected nu: Double, relativeVariance v: Double) -> Double {
        guard v > 0 else { return PoissonDeviance.derivative(observed: n, expected: nu) }
        let g = gamma(observed: n, expected: nu, relativeVariance: v)
        return n == 0 ? 2 * g : 2 * (g - n / nu)
    }

    /// F''(nu).
    @inline(__always)
    public static func secondDerivative(observed n: Double, expected nu: Double, relativeVariance v: Double) -> Double {
        guard v > 0 else { return PoissonDeviance.secondDerivative(observed: n, expected: nu) }
        if n == 0 { return nu * v < 1 ? -2 * v : 0 }
        let g = gamma(observed: n, expected: nu, relativeVariance: v)
        return 2 * n / (nu * nu) - 2 / (n / (g * g) + 1 / v)
    }

    /// Checks that every relative variance is finite and >= 0.
    ///
    /// - Throws: ``FitError/invalidTemplate(process:bin:value:)`` naming the bin.
    public static func validate(_ variances: [Double]) throws {
        if let i = variances.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw FitError.invalidTemplate(process: "relative template variance", bin: i, value: variances[i])
        }
    }
}
