import Foundation

/// An exact sampler of Poisson(mean) counts from a ``SeededGenerator``, for any mean in
/// `[0, maximumMean]`.
///
/// Two algorithms, chosen by the mean (both exact up to floating-point rounding):
/// ```
/// mean == 0        k = 0, no random number consumed
/// 0 < mean < 10    inversion by sequential search:
///                  u ~ U[0,1); k = min { k : u < sum_{j<=k} p_j },  p_0 = e^-mean, p_j = p_{j-1} mean / j
/// mean >= 10       PTRS, Hörmann's transformed rejection with squeeze:
///                  U ~ U(-1/2, 1/2), V ~ U(0,1), us = 1/2 - |U|
///                  k = floor((2a/us + b) U + mean + 0.43)
///                  accept at once if us >= 0.07 and V <= v_r                      (squeeze)
///                  else reject if k < 0 or (us < 0.013 and V > us)
///                  else accept if log(V alpha^-1 / (a/us^2 + b)) <= log P(k; mean)
///                  b = 0.931 + 2.53 sqrt(mean), a = -0.059 + 0.02483 b,
///                  1/alpha = 1.1239 + 1.1328/(b - 3.4), v_r = 0.9277 - 3.6224/(b - 2)
/// ```
/// Inversion costs about `mean + 1` steps, so it is used only below 10. PTRS costs O(1) per
/// draw at every mean (about 1.15 trials, most accepted by the squeeze without a logarithm).
///
/// Properties:
/// - Exactness: PTRS is a rejection method, so its output follows the Poisson pmf exactly
///   provided the acceptance test uses exact log-probabilities. ``logProbability(_:mean:)`` is
///   written so that it keeps about 1e-13 absolute accuracy up to `mean = 1e12` (it never
///   subtracts two huge numbers). Inversion truncates only when the cumulative sum stops growing
///   (a tail mass below 1e-15).
/// - Reproducibility: the sequence of random numbers consumed is a fixed function of the mean and
///   the generator's stream, so a seed gives the same counts on every machine whose `log`/`exp`
///   agree to the last bit on the values involved (a disagreement can only flip an acceptance
///   whose log-ratio lies within ~1e-15 of the boundary).
/// - Range: means above ``maximumMean`` (1e12) are refused, because `mean + O(sqrt(mean))` must
///   stay exactly representable and the stable log-pmf is only verified that far.
///
/// References:
/// - W. Hörmann, "The transformed rejection method for generating Poisson random variables",
///   Insurance: Mathematics and Economics 12 (1993) 39-45 (algorithm PTRS, constants above).
/// - L. Devroye, *Non-Uniform Random Variate Generation*, Springer 1986, ch. X.3 (inversion).
///
/// ```swift
/// var rng = SeedDerivation.generator(root, .poisson, set, pe)
/// let n = try PoissonVariate(mean: 44_192).next(using: &rng)
/// ```
public struct PoissonVariate: Sendable, Equatable {
    /// The largest mean accepted.
    public static let maximumMean: Double = 1e12
    /// Means from this value up use PTRS; below it, inversion.
    public static let rejectionThreshold: Double = 10

    /// The mean of the distribution.
    public let mean: Double
    private let method: Method

    private enum Method: Sendable, Equatable {
        case zero
        case inversion(expMinusMean: Double)
        case ptrs(PTRSConstants)
    }

    /// Constants of PTRS for one mean (Hörmann 1993, table 1 and algorithm PTRS).
    private struct PTRSConstants: Sendable, Equatable {
        let a: Double, b: Double, logInverseAlpha: Double, vr: Double, logMean: Double

        init(mean: Double) {
            let sqrtMean = mean.squareRoot()
            b = 0.931 + 2.53 * sqrtMean
            a = -0.059 + 0.02483 * b
            logInverseAlpha = log(1.1239 + 1.1328 / (b - 3.4))
            vr = 0.9277 - 3.6224 / (b - 2)
            logMean = log(mean)
        }
    }

    /// A sampler of Poisson(`mean`). Throws ``SamplingError/invalidPoissonMean(_:)`` for a
    /// negative, NaN or infinite mean, or one above ``maximumMean``.
    public init(mean: Double) throws {
        guard mean.isFinite, mean >= 0, mean <= Self.maximumMean else {
            throw SamplingError.invalidPoissonMean(mean)
        }
        self.mean = mean
        if mean == 0 {
            method = .zero
        } else if mean < Self.rejectionThreshold {
            method = .inversion(expMinusMean: exp(-mean))
        } else {
            method = .ptrs(PTRSConstants(mean: mean))
        }
    }

    /// One Poisson(`mean`) count.
    @inline(__always)
    public func next(using rng: inout SeededGenerator) -> Int {
        switch method {
        case .zero:
            return 0
        case .inversion(let p0):
            return Self.inversion(mean: mean, p0: p0, rng: &rng)
        case .ptrs(let c):
            return Self.ptrs(mean: mean, c, rng: &rng)
        }
    }

    /// One Poisson(`mean`) count, validating the mean (convenience for one-off draws).
    public static func draw(mean: Double, using rng: inout SeededGenerator) throws -> Int {
        try PoissonVariate(mean: mean).next(using: &rng)
    }

    private static func inversion(mean: Double, p0: Double, rng: inout SeededGenerator) -> Int {
        let u = rng.nextUnitDouble()
        var k = 0
        var p = p0
        var cumulative = p0
        // `p > 0` stops the search if rounding leaves the cumulative sum just below u
        // (then k is already deep in a tail of mass < 1e-15).
        while u >= cumulative && p > 0 {
            k += 1
            p *= mean / Double(k)
            cumulative += p
        }
        return k
    }

    private static func ptrs(mean: Double, _ c: PTRSConstants, rng: inout SeededGenerator) -> Int {
        // Open intervals keep us > 0 and log(V) finite, so no trial can divide by zero.
        while true {
            let u = rng.nextOpenUnitDouble() - 0.5
            let v = rng.nextOpenUnitDouble()
            let us = 0.5 - abs(u)
            let kd = ((2 * c.a / us + c.b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= c.vr {
                return Int(kd)
            }
            if kd < 0 || (us < 0.013 && v > us) {
                continue
            }
            // Far beyond the mean the pmf is 0 in Double: rejecting is exact (and avoids
            // converting a huge value to Int).
            if kd > mean + 1e4 * (mean.squareRoot() + 10) {
                continue
            }
            let k = Int(kd)
            let lhs = log(v) + c.logInverseAlpha - log(c.a / (us * us) + c.b)
            if lhs <= logProbability(k, mean: mean, logMean: c.logMean) {
                return k
            }
        }
    }
}
