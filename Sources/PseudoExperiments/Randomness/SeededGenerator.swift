import CTransform
import Foundation

/// A fast, seedable, platform-independent random number generator (xoshiro256**).
///
/// Every random draw in the harness comes from a `SeededGenerator` whose seed derives from a
/// documented rule (see ``SeedDerivation``), so the same inputs give the same bytes on any
/// machine, in any order of generation, on any number of cores.
///
/// The state is filled from the 64-bit seed with SplitMix64, as the xoshiro authors recommend;
/// the all-zero state cannot occur. Conversions to floating point are our own (not the standard
/// library's `random(in:)`, whose algorithm is not part of its contract), so streams are stable
/// across Swift versions:
/// ```
/// nextUnitDouble() = (next() >> 11) * 2^-53          in [0, 1)
/// nextOpenUnitDouble() = ((next() >> 11) + 0.5) * 2^-53   in (0, 1)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Lends the state to C code that draws from it (the transform kernel's noise), which
    /// leaves it as `next()` would after the same draws.
    mutating func withState<R>(_ body: (inout fuq_rng) -> R) -> R {
        var state = fuq_rng(s: (s0, s1, s2, s3))
        defer { (s0, s1, s2, s3) = state.s }
        return body(&state)
    }

    /// The state, for saved training results (``TrainingArtifactsSnapshot``).
    var stateWords: [UInt64] { [s0, s1, s2, s3] }

    /// A generator with an explicit state (for tests against published vectors).
    init(state s0: UInt64, _ s1: UInt64, _ s2: UInt64, _ s3: UInt64) {
        self.s0 = s0; self.s1 = s1; self.s2 = s2; self.s3 = s3
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1): never exactly 0 or 1 (safe for logarithms).
    @inline(__always)
    public mutating func nextOpenUnitDouble() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Uniform in [lower, upper).
    @inline(__always)
    public mutating func nextDouble(in lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUnitDouble()
    }

    /// Uniform integer in 0..<bound (Lemire's multiply-shift with rejection; unbiased).
    @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive, got \(bound)")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A standard normal variate (Box-Muller; uses two uniforms, returns one value).
    @inline(__always)
    public mutating func nextGaussian() -> Double {
        nextGaussianPair().0
    }

    /// Two independent standard normal variates from one Box-Muller step.
    @inline(__always)
    public mutating func nextGaussianPair() -> (Double, Double) {
        let u1 = nextOpenUnitDouble()
        let u2 = nextUnitDouble()
        let r = (-2 * log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        return (r * cos(theta), r * sin(theta))
    }
}

/// SplitMix64: used to expand seeds and to mix seed-derivation paths.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective avalanche of 64 bits.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
