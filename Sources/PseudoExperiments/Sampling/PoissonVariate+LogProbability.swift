import Foundation

extension PoissonVariate {
    /// The Poisson log-probability `log P(k; mean) = -mean + k log(mean) - log k!`, accurate to
    /// about 1e-13 absolute for every `k` and every mean up to ``maximumMean``.
    ///
    /// The textbook form subtracts numbers of size `k log k` (3e13 at k = 1e12), losing every
    /// significant digit of the result. Instead, for `k >= 11`, with `x = k + 1` and Stirling's
    /// series for `log Gamma(x)`:
    /// ```
    /// log Gamma(x) = (x - 1/2) log x - x + log(2 pi)/2 + S(x)
    /// S(x) = 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9)   (error < 3e-15 for x >= 12)
    /// log P(k; mean) = (x - mean) - k log1p((x - mean)/mean) - log(x)/2 - log(2 pi)/2 - S(x)
    /// ```
    /// which is algebraically identical and whose terms are of size `(k - mean)^2 / mean` rather
    /// than `k log k`. For `k <= 10`, `log k!` comes from a table of exact factorials.
    ///
    /// Edge cases: `k < 0` gives `-infinity`; `mean == 0` gives 0 for `k == 0` and `-infinity`
    /// otherwise; a negative or NaN mean gives NaN.
    public static func logProbability(_ k: Int, mean: Double) -> Double {
        guard mean >= 0 else { return .nan }
        guard k >= 0 else { return -.infinity }
        if mean == 0 { return k == 0 ? 0 : -.infinity }
        return logProbability(k, mean: mean, logMean: log(mean))
    }

    /// ``logProbability(_:mean:)`` for `k >= 0`, `mean > 0`, with `log(mean)` precomputed.
    @inline(__always)
    static func logProbability(_ k: Int, mean: Double, logMean: Double) -> Double {
        if k <= 10 {
            return -mean + Double(k) * logMean - smallLogFactorials[k]
        }
        let x = Double(k) + 1
        let d = x - mean
        return d - Double(k) * log1p(d / mean) - 0.5 * log(x) - halfLogTwoPi - stirlingCorrection(x)
    }

    /// `log k!` for k = 0...10, from factorials that are exact in Double.
    static let smallLogFactorials: [Double] = {
        var f = 1.0
        return (0...10).map { k in
            if k > 1 { f *= Double(k) }
            return log(f)
        }
    }()

    static let halfLogTwoPi = 0.918_938_533_204_672_7

    /// `log Gamma(x) - [(x - 1/2) log x - x + log(2 pi)/2]`: Stirling's series to the x^-9 term.
    @inline(__always)
    static func stirlingCorrection(_ x: Double) -> Double {
        let r = 1 / x
        let r2 = r * r
        return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))))
    }
}
