import Foundation

/// The random draws of the event simulator, built on ``SeededGenerator``'s own uniforms so that
/// streams are fixed by the seed alone (no standard-library sampling whose algorithm may change).
///
/// The rejection methods below avoid trigonometric functions, which dominate the cost of a
/// simulated event otherwise; each loop accepts with the probability given and consumes a
/// seed-determined number of draws.
extension SeededGenerator {
    /// Uniform in (-1, 1).
    @inline(__always)
    mutating func nextSignedUnit() -> Double {
        Double(Int64(bitPattern: next()) >> 10) * 0x1.0p-53
    }

    /// An isotropic unit vector (Marsaglia 1972; acceptance pi/4):
    /// ```
    /// (u, v) uniform in the unit disc, s = u^2 + v^2
    /// n = (2u sqrt(1 - s), 2v sqrt(1 - s), 1 - 2s)
    /// ```
    @inline(__always)
    mutating func nextUnitVector() -> (x: Double, y: Double, z: Double) {
        while true {
            let u = nextSignedUnit(), v = nextSignedUnit()
            let s = u * u + v * v
            if s < 1 {
                let r = 2 * (1 - s).squareRoot()
                return (u * r, v * r, 1 - 2 * s)
            }
        }
    }

    /// A unit vector with the polar distribution `(3/8)(1 + cos^2 theta)` about the z axis and a
    /// uniform azimuth, without rejection in theta: the density is the mixture
    /// ```
    /// (3/8)(1 + c^2) = (3/4) (1/2) + (1/4) (3/2) c^2
    /// ```
    /// so `c` is uniform with probability 3/4, and otherwise `+-max(u1, u2, u3)` (density
    /// `3 |c|^2` on each side).
    @inline(__always)
    mutating func nextVectorBosonDirection() -> (x: Double, y: Double, z: Double) {
        let c: Double
        if nextUnitDouble() < 0.75 {
            c = nextSignedUnit()
        } else {
            let m = max(nextUnitDouble(), nextUnitDouble(), nextUnitDouble())
            c = next() & 1 == 0 ? m : -m
        }
        let s = max(0, 1 - c * c).squareRoot()
        let (cosPhi, sinPhi) = nextAzimuth()
        return (s * cosPhi, s * sinPhi, c)
    }

    /// `(cos phi, sin phi)` of a uniform azimuth (von Neumann's disc method; acceptance pi/4):
    /// ```
    /// (u, v) uniform in the unit disc, s = u^2 + v^2:  cos = (u^2 - v^2) / s,  sin = 2uv / s
    /// ```
    @inline(__always)
    mutating func nextAzimuth() -> (cos: Double, sin: Double) {
        while true {
            let u = nextSignedUnit(), v = nextSignedUnit()
            let s = u * u + v * v
            if s < 1, s > 0x1.0p-40 {
                return ((u * u - v * v) / s, 2 * u * v / s)
            }
        }
    }

    /// A standard Cauchy variate `tan(theta)`, theta uniform in (-pi/2, pi/2), as the ratio of
    /// the coordinates of a point uniform in the right half of the unit disc (acceptance pi/4;
    /// no trigonometric function).
    @inline(__always)
    mutating func nextCauchy() -> Double {
        while true {
            let u = nextUnitDouble(), v = nextSignedUnit()
            if u * u + v * v < 1, u > 0 { return v / u }
        }
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
    mutating func nextGamma(integerShape k: Int) -> Double {
        var product = 1.0
        for _ in 0..<k { product *= nextOpenUnitDouble() }
        return -log(product)
    }
}
