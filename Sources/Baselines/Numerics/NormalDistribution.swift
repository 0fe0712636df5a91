import Foundation

/// The standard normal distribution: density, distribution function and quantile.
///
/// ```
/// phi(x)  = exp(-x^2 / 2) / sqrt(2 pi)
/// Phi(x)  = erfc(-x / sqrt 2) / 2          (cdf)
/// Q(x)    = erfc( x / sqrt 2) / 2 = 1 - Phi(x)   (survival; no cancellation in the upper tail)
/// Phi^-1(p)                               (quantile; Wichura 1988, AS 241 PPND16)
/// ```
/// The cdf uses erfc on both sides, so Phi(-37.5) ~ 4.6e-308 keeps full relative precision
/// where 1 - Phi(37.5) would be 0. The quantile is Wichura's PPND16: three rational
/// approximations of degree 7 (central |p - 0.5| <= 0.425, intermediate r = sqrt(-ln min(p, 1-p))
/// <= 5, far tail up to r ~ 27, i.e. p ~ 1e-316), with relative error about 1e-16 over the whole
/// range; it needs no refinement step. Interval thresholds in the baselines come from it: a
/// two-sided coverage c corresponds to t = (Phi^-1((1 + c) / 2))^2 on the profile-likelihood
/// ratio (c = 0.682689... gives t = 1).
///
/// Reference: M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal
/// Distribution", Applied Statistics 37 (1988) 477-484.
public enum NormalDistribution {
    /// The density phi(x).
    public static func density(_ x: Double) -> Double {
        exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// The distribution function Phi(x) = P(X <= x).
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The survival function Q(x) = P(X > x) = 1 - Phi(x), accurate in the upper tail.
    public static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// The quantile Phi^-1(p): -infinity at 0, +infinity at 1.
    ///
    /// - Throws: ``FitError/invalidProbability(_:)`` for p outside [0, 1] or NaN.
    public static func quantile(_ p: Double) throws -> Double {
        guard p >= 0 && p <= 1 else { throw FitError.invalidProbability(p) }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * horner(central.numerator, r) / horner(central.denominator, r)
        }
        // 1 - p is exact for p >= 0.5 (Sterbenz), so the upper tail loses nothing here.
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        let x: Double
        if r <= 5 {
            r -= 1.6
            x = horner(intermediate.numerator, r) / horner(intermediate.denominator, r)
        } else {
            r -= 5
            x = horner(tail.numerator, r) / horner(tail.denominator, r)
        }
        return q < 0 ? -x : x
    }

    /// The profile-likelihood-ratio threshold t for a two-sided interval of `coverage`:
    /// `(Phi^-1((1 + coverage) / 2))^2` (1 for 0.682689..., 3.8415 for 0.95).
    ///
    /// - Throws: ``FitError/invalidProbability(_:)`` unless 0 < coverage < 1.
    public static func likelihoodRatioThreshold(coverage: Double) throws -> Double {
        guard coverage > 0 && coverage < 1 else { throw FitError.invalidProbability(coverage) }
        let z = try quantile(0.5 * (1 + coverage))
        return z * z
    }

    /// sum_k c[k] x^k.
    @inline(__always)
    private static func horner(_ c: [Double], _ x: Double) -> Double {
        var s = c[c.count - 1]
        for k in stride(from: c.count - 2, through: 0, by: -1) { s = s * x + c[k] }
        return s
    }

    // AS 241 coefficients (constant term first).
    private static let central = (
        numerator: [3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                    1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                    3.3430575583588128105e+4, 2.5090809287301226727e+3],
        denominator: [1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                      5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                      2.8729085735721942674e+4, 5.2264952788528545610e+3])
    private static let intermediate = (
        numerator: [1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                    3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                    2.27238449892691845833e-2, 7.74545014278341407640e-4],
        denominator: [1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                      6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                      5.47593808499534494600e-4, 1.05075007164441684324e-9])
    private static let tail = (
        numerator: [6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                    2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                    2.71155556874348757815e-5, 2.01033439929228813265e-7],
        denominator: [1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
                      1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                      1.42151175831644588870e-7, 2.04426310338993978564e-15])
}
