import Foundation

/// The random draws of the event simulator, built on ``SeededGenerator``'s own 64-bit outputs so
/// that streams are fixed by the seed alone (no standard-library sampling whose algorithm may
/// change).
///
/// Directions take 32 bits per coordinate, so one 64-bit draw gives a uniform azimuth and a
/// polar cosine: a resolution of `2^-31` (5e-10), far below anything the 3-decimal record or the
/// detector resolution shows. No method rejects in a loop or calls libm: a simulated event draws
/// several hundred of them, most for candidates the selection then rejects.
extension SeededGenerator {
    /// Uniform in (0, 1) from 32 bits: `(b + 1/2) 2^-32`.
    @inline(__always)
    static func openUnit(_ b: UInt32) -> Double { (Double(b) + 0.5) * 0x1.0p-32 }

    /// Uniform in (-1, 1) from 32 bits: `(b + 1/2) 2^-31 - 1`.
    @inline(__always)
    static func signedUnit(_ b: UInt32) -> Double { (Double(b) + 0.5) * 0x1.0p-31 - 1 }

    /// The high and low 32 bits of one draw.
    @inline(__always)
    mutating func nextHalves() -> (high: UInt32, low: UInt32) {
        let b = next()
        return (UInt32(truncatingIfNeeded: b >> 32), UInt32(truncatingIfNeeded: b))
    }

    /// An isotropic unit vector from one draw (Archimedes: `z = cos theta` is uniform):
    /// ```
    /// z uniform in (-1, 1),  phi uniform,  n = (sqrt(1 - z^2) cos phi, sqrt(1 - z^2) sin phi, z)
    /// ```
    @inline(__always)
    mutating func nextUnitVector(_ math: SimulatorMath) -> (x: Double, y: Double, z: Double) {
        let (high, low) = nextHalves()
        let z = SeededGenerator.signedUnit(low)
        let a = math.azimuth(high)
        let s = (1 - z * z).squareRoot()
        return (s * a.cos, s * a.sin, z)
    }

    /// A unit vector with the polar distribution `(3/8)(1 + cos^2 theta)` about the z axis and a
    /// uniform azimuth, without rejection: the density is the mixture
    /// ```
    /// (3/8)(1 + c^2) = (3/4) (1/2) + (1/4) (3/2) c^2
    /// ```
    /// so `c` is uniform with probability 3/4 (two bits of the draw), and otherwise
    /// `+-max(u1, u2, u3)` (density `3 |c|^2` on each side; one more draw).
    @inline(__always)
    mutating func nextVectorBosonDirection(_ math: SimulatorMath) -> (x: Double, y: Double, z: Double) {
        let (high, low) = nextHalves()
        let c: Double
        if low & 3 != 0 {
            c = (Double(low >> 2) + 0.5) * 0x1.0p-29 - 1
        } else {
            let (u2, u3) = nextHalves()
            let m = max((Double(low >> 2) + 0.5) * 0x1.0p-30, SeededGenerator.openUnit(u2),
                        (Double(u3 >> 1) + 0.5) * 0x1.0p-31)
            c = u3 & 1 == 0 ? m : -m
        }
        let s = max(0, 1 - c * c).squareRoot()
        let a = math.azimuth(high)
        return (s * a.cos, s * a.sin, c)
    }

    /// `(cos phi, sin phi)` of a uniform azimuth (32 bits of one draw).
    @inline(__always)
    mutating func nextAzimuth(_ math: SimulatorMath) -> (cos: Double, sin: Double) {
        let a = math.azimuth(UInt32(truncatingIfNeeded: next() >> 32))
        return (a.cos, a.sin)
    }

    /// A standard normal variate truncated to `[-limit, limit]` (redrawn outside).
    ///
    /// Detector responses use `limit = 5`: the distortion is below 6e-7, and it gives every
    /// response a hard upper bound that lets the generators reject hopeless candidates before
    /// they draw them.
    @inline(__always)
    mutating func nextTruncatedNormal(limit: Double) -> Double {
        while true {
            let z = nextZigguratGaussian()
            if abs(z) <= limit { return z }
        }
    }

    /// A Gamma(k, 1) variate for a small whole shape `k >= 1`: `-ln(u_1 ... u_k)`.
    @inline(__always)
    mutating func nextGamma(integerShape k: Int, _ math: SimulatorMath) -> Double {
        var product = 1.0
        for _ in 0..<k { product *= nextOpenUnitDouble() }
        return -math.log(product)
    }
}
