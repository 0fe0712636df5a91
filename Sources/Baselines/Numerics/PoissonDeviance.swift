import Foundation

/// The Poisson negative log-likelihood of binned counts, in deviance form.
///
/// For observed counts n_i and expected counts nu_i:
/// ```
/// D(n, nu) = 2 sum_i d(n_i, nu_i),      d(n, nu) = nu - n + n ln(n / nu)
///          = -2 ln L(nu) + 2 ln L_saturated     (L_saturated: nu_i = n_i)
/// d(0, nu) = nu                         (the limit n ln n -> 0)
/// dD/dnu_i     = 2 (1 - n_i / nu_i)
/// d2D/dnu_i^2  = 2 n_i / nu_i^2
/// ```
/// Properties that hold: D >= 0, D = 0 exactly at nu = n, and differences of D equal
/// differences of -2 ln L, so the profile-likelihood ratio is t(mu) = D(mu) - D_min. Because each
/// term is small near a good fit, D keeps full relative precision at a million events, where
/// -2 ln L itself is ~1e7 and its differences lose seven digits.
///
/// Each term is computed as Loader's (2000) `bd0(n, nu)`: where |n - nu| < 0.1 (n + nu) the
/// direct formula cancels catastrophically (n = 1e6, nu = 1e6 + 1 gives 5e-7 from terms of 1e6),
/// so it is summed as the series
/// ```
/// v = (n - nu) / (n + nu)
/// d(n, nu) = (n - nu) v + 2 n sum_{j>=1} v^(2j+1) / (2j+1)
/// ```
/// which converges fast (|v| < 0.1) and is accurate to a few units in the last place.
///
/// Counts may be non-integer (Asimov data, weighted events). Outside the domain the value is
/// +infinity, so that a minimiser's line search backs away: nu < 0, or nu = 0 with n > 0. NaN in
/// gives NaN out. Inputs are checked by ``validateObserved(_:)``, not by the hot functions.
public enum PoissonDeviance {
    /// The deviance term d(n, nu) = nu - n + n ln(n / nu) of one bin (without the factor 2).
    @inline(__always)
    public static func term(observed n: Double, expected nu: Double) -> Double {
        if n == 0 { return nu >= 0 ? nu : .infinity }
        if !(nu > 0) { return nu.isNaN ? .nan : .infinity }
        let diff = n - nu
        if abs(diff) < 0.1 * (n + nu) {
            let v = diff / (n + nu)
            var s = diff * v
            var ej = 2 * n * v
            let v2 = v * v
            var j = 1.0
            // At most ~17 rounds for |v| < 0.1 before the sum stops changing.
            while j < 200 {
                ej *= v2
                let next = s + ej / (2 * j + 1)
                if next == s { return next }
                s = next
                j += 1
            }
            return s
        }
        return n * log(n / nu) + nu - n
    }

    /// D(n, nu) = 2 sum_i d(n_i, nu_i).
    public static func value(observed: [Double], expected: [Double]) -> Double {
        precondition(observed.count == expected.count,
                     "deviance needs as many expected counts (\(expected.count)) as observed (\(observed.count))")
        var sum = 0.0
        for i in observed.indices {
            sum += term(observed: observed[i], expected: expected[i])
        }
        return 2 * sum
    }

    /// dD/dnu = 2 (1 - n / nu) of one bin (2 for n = 0, whatever nu).
    @inline(__always)
    public static func derivative(observed n: Double, expected nu: Double) -> Double {
        n == 0 ? 2 : 2 * (1 - n / nu)
    }

    /// d2D/dnu^2 = 2 n / nu^2 of one bin (0 for n = 0).
    @inline(__always)
    public static func secondDerivative(observed n: Double, expected nu: Double) -> Double {
        n == 0 ? 0 : 2 * n / (nu * nu)
    }

    /// The gradient of D with respect to the expected counts: 2 (1 - n_i / nu_i).
    public static func gradient(observed: [Double], expected: [Double]) -> [Double] {
        precondition(observed.count == expected.count,
                     "deviance needs as many expected counts (\(expected.count)) as observed (\(observed.count))")
        return observed.indices.map { derivative(observed: observed[$0], expected: expected[$0]) }
    }

    /// Checks that there is at least one bin and every count is finite and >= 0.
    ///
    /// - Throws: ``FitError/emptyInput(what:)`` or ``FitError/invalidObservedCount(bin:value:)``.
    public static func validateObserved(_ observed: [Double]) throws {
        guard !observed.isEmpty else { throw FitError.emptyInput(what: "observed bins") }
        if let bin = observed.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw FitError.invalidObservedCount(bin: bin, value: observed[bin])
        }
    }

    /// The first bin whose expected count cannot explain its observed count (nu <= 0 or NaN
    /// with n > 0, or nu < 0 or NaN with n = 0), if any.
    public static func firstImpossibleBin(observed: [Double], expected: [Double]) -> Int? {
        observed.indices.first { i in
            let n = observed[i], nu = expected[i]
            return n > 0 ? !(nu > 0 && nu.isFinite) : !(nu >= 0 && nu.isFinite)
        }
    }
}
