import Foundation

/// Tables of the ziggurat method for standard normal variates (Marsaglia and Tsang 2000, 256
/// layers of equal area `V`, base strip with the tail beyond `R`), as in `rand_distr`:
/// ```
/// x[0] = V / f(R),  x[1] = R,  x[i + 1] = f^-1(f(x[i]) + V / x[i]),  x[256] = 0
/// f(x) = exp(-x^2 / 2)
/// R = 3.6541528853610088,   V = 0.00492867323399
/// ```
/// A draw picks a layer `i` from 8 random bits and a signed uniform `u` from 53 others, and
/// returns `x = u x[i]` when `|x| < x[i + 1]` (about 99% of draws: one random word, one multiply,
/// no branch misprediction); otherwise it tests the wedge against `f`, or samples the tail.
enum NormalZiggurat {
    static let r = 3.6541528853610088
    static let v = 0.00492867323399

    /// `x[0...256]` then `f[0...256]`, in one immortal buffer (no reference counting in the hot path).
    static let tables: UnsafeMutablePointer<Double> = {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 2 * 257)
        func f(_ x: Double) -> Double { exp(-0.5 * x * x) }
        t[0] = v / f(r)
        t[1] = r
        for i in 1..<256 {
            t[i + 1] = (-2 * log(f(t[i]) + v / t[i])).squareRoot()
        }
        t[256] = 0
        for i in 0...256 { t[257 + i] = f(t[i]) }
        return t
    }()
}

extension SeededGenerator {
    /// A standard normal variate (ziggurat method, ``NormalZiggurat``).
    @inline(__always)
    mutating func nextNormal() -> Double {
        let t = NormalZiggurat.tables
        while true {
            let bits = next()
            let i = Int(truncatingIfNeeded: bits & 0xFF)
            // Signed uniform in (-1, 1) from the top 53 bits (independent of the layer bits).
            let u = 2 * ((Double(bits >> 11) + 0.5) * 0x1.0p-53) - 1
            let x = u * t[i]
            if abs(x) < t[i + 1] { return x }
            if i == 0 { return normalTail(negative: u < 0) }
            if t[257 + i + 1] + (t[257 + i] - t[257 + i + 1]) * nextUnitDouble() < exp(-0.5 * x * x) { return x }
        }
    }

    /// A normal variate beyond `R` (Marsaglia 1964), with the given sign.
    private mutating func normalTail(negative: Bool) -> Double {
        let r = NormalZiggurat.r
        while true {
            let x = -log(nextOpenUnitDouble()) / r
            let y = -log(nextOpenUnitDouble())
            if 2 * y >= x * x { return negative ? -(r + x) : r + x }
        }
    }
}
