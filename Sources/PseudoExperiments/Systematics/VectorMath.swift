import CVectorMath

/// The SIMD vector types of the transform kernel: `PreparedEvents.lanes` rows per vector.
///
/// Four lanes: one SSE register per Float vector on baseline x86-64, so the 16 patterns of kept
/// rows in a vector can be packed with one constant shuffle each.
typealias FloatLanes = SIMD4<Float>
typealias DoubleLanes = SIMD4<Double>
typealias LaneMask = SIMDMask<SIMD4<Int32>>
typealias WideLaneMask = SIMDMask<SIMD4<Int64>>

/// Square roots without errno handling (see CVectorMath.h for why this is C).
@inline(__always) func squareRoot(_ x: FloatLanes) -> FloatLanes { cvm_sqrt_f4(x) }
@inline(__always) func squareRoot(_ x: DoubleLanes) -> DoubleLanes { cvm_sqrt_d4(x) }
/// `max(x, 0)` lane by lane.
@inline(__always) func clampedAtZero(_ x: DoubleLanes) -> DoubleLanes { cvm_max_d4(x, .zero) }

@inline(__always) func bits(_ x: FloatLanes) -> SIMD4<UInt32> { unsafeBitCast(x, to: SIMD4<UInt32>.self) }
@inline(__always) func floats(_ b: SIMD4<UInt32>) -> FloatLanes { unsafeBitCast(b, to: FloatLanes.self) }
@inline(__always) func bits(_ x: DoubleLanes) -> SIMD4<UInt64> { unsafeBitCast(x, to: SIMD4<UInt64>.self) }
@inline(__always) func doubles(_ b: SIMD4<UInt64>) -> DoubleLanes { unsafeBitCast(b, to: DoubleLanes.self) }

/// Narrows a mask of Double lanes to one of Float lanes.
@inline(__always) func narrow(_ m: WideLaneMask) -> LaneMask {
    LaneMask(SIMD4<Int32>(truncatingIfNeeded: unsafeBitCast(m, to: SIMD4<Int64>.self)))
}

/// `round3` lane by lane, exactly ``roundToThreeDecimals(_:)-(Float)``.
@inline(__always)
func roundToThreeDecimals(_ x: FloatLanes) -> FloatLanes {
    var unused = LaneMask(repeating: false)
    return roundToThreeDecimals(x, nearTie: &unused)
}

/// `round3` lane by lane, also marking (in `nearTie`) the lanes whose `x * 1000` lies within
/// 1e-3 of a tie (`k + 0.5`): there an error of 5e-4 in `x * 1000` could change the result.
@inline(__always)
func roundToThreeDecimals(_ x: FloatLanes, nearTie: inout LaneMask) -> FloatLanes {
    let v = x * 1000
    let b = bits(v)
    let a = floats(b & 0x7FFF_FFFF)
    let big = a .>= 0x1p23
    let r = ((a + 0x1p23) - 0x1p23).replacing(with: a, where: big)
    nearTie = nearTie .| ((a - r .>= 0.499) .| (r - a .>= 0.499))
    return floats(bits(r) | (b & 0x8000_0000)) / 1000
}

/// `round3` of Doubles lane by lane, exactly ``roundToThreeDecimals(_:)-(Double)``.
@inline(__always)
func roundToThreeDecimals(_ x: DoubleLanes) -> DoubleLanes {
    let v = x * 1000
    let b = bits(v)
    let a = doubles(b & 0x7FFF_FFFF_FFFF_FFFF)
    let r = ((a + 0x1p52) - 0x1p52).replacing(with: a, where: a .>= 0x1p52)
    return doubles(bits(r) | (b & 0x8000_0000_0000_0000)) / 1000
}

/// `Float(round3(x))` of Doubles lane by lane, exactly `FloatLanes(roundToThreeDecimals(x))`,
/// with one Float division instead of two Double ones: `k = rint(1000 x)` is exact in Double, and
/// while `|k| < 2^24` it is also a Float, so that
/// ```
/// Float(Double(k) / 1000) == Float(k) / 1000
/// ```
/// (a quotient rounded to 53 bits and then to 24 is the quotient rounded to 24 bits, because
/// 53 >= 2 * 24 + 2). Vectors with a larger lane take the Double division.
@inline(__always)
func roundToThreeDecimalsAsFloat(_ x: DoubleLanes) -> FloatLanes {
    let v = x * 1000
    let b = bits(v)
    let a = doubles(b & 0x7FFF_FFFF_FFFF_FFFF)
    guard !any(a .>= 0x1p24) else { return FloatLanes(roundToThreeDecimals(x)) }
    let r = (a + 0x1p52) - 0x1p52
    return FloatLanes(doubles(bits(r) | (b & 0x8000_0000_0000_0000))) / 1000
}

/// `atan2(y, x)` of Floats lane by lane from a polynomial: no library call, identical on every
/// platform, absolute error below 4e-7 (under two Float ulps of pi; tested against libm).
@inline(__always)
func fastAtan2(_ y: FloatLanes, _ x: FloatLanes) -> FloatLanes {
    let parts = atan2Parts(y, x)
    return parts.octants * (Float.pi / 4) + parts.small
}

/// `atan2(y, x)` split as `octants * pi/4 + small`, with `octants` an integer in -4...4 and
/// `|small| <= tan(pi/8)` accurate to 5e-8, so that the distance from another angle can be
/// computed without the rounding error of a value near pi (``atan2Residual(_:from:)``).
///
/// With `lo = min(|x|, |y|)`, `hi = max(|x|, |y|)`: `t = lo / hi`, or, when `lo > tan(pi / 8) hi`,
/// `t = (lo - hi) / (lo + hi)` and one octant (`atan(a) = pi/4 + atan((a - 1)/(a + 1))`), so
/// `|t| <= tan(pi / 8)`; then a weighted least-squares fit on that interval (error 5e-9):
/// ```
/// atan(t) = t + t z P(z),  z = t^2,  P of degree 3
/// ```
/// and the octant restored: `pi/2 - a` if `|y| > |x|`, `pi - a` if `x` is negative (sign bit),
/// and the sign of `y`. Follows libm: `atan2(+-0, +0) = +-0`, `atan2(+-0, -0) = +-pi`.
@inline(__always)
func atan2Parts(_ y: FloatLanes, _ x: FloatLanes) -> (octants: FloatLanes, small: FloatLanes) {
    let sign = SIMD4<UInt32>(repeating: 0x8000_0000)
    let xb = bits(x), yb = bits(y)
    let ax = floats(xb & ~sign), ay = floats(yb & ~sign)
    let yLarger = ay .> ax
    let lo = ax.replacing(with: ay, where: .!yLarger), hi = ay.replacing(with: ax, where: .!yLarger)
    let reduce = lo .> 0.41421356 * hi
    let num = lo.replacing(with: lo - hi, where: reduce)
    let den = hi.replacing(with: lo + hi, where: reduce)
    let t = (num / den).replacing(with: 0, where: hi .== 0)
    let z = t * t
    var p = FloatLanes(repeating: 0.07882388681173325)
    p = p * z - 0.13817095756530762
    p = p * z + 0.19971035420894623
    p = p * z - 0.3333272635936737
    var small = t + t * z * p
    var k = FloatLanes.zero.replacing(with: 1, where: reduce)
    k = k.replacing(with: 2 - k, where: yLarger)
    small = small.replacing(with: -small, where: yLarger)
    let xNegative = (xb & sign) .!= 0
    k = k.replacing(with: 4 - k, where: xNegative)
    small = small.replacing(with: -small, where: xNegative)
    return (floats(bits(k) ^ (yb & sign)), floats(bits(small) ^ (yb & sign)))
}

/// `angle - atan2(y, x)` for an angle within a few 1e-3 of it, to about 5e-8: the octant
/// multiple of pi/4 is subtracted in two parts (Cody-Waite; `k * 0.78515625` is exact).
@inline(__always)
func atan2Residual(_ angle: FloatLanes, from parts: (octants: FloatLanes, small: FloatLanes)) -> FloatLanes {
    ((angle - parts.octants * 0.78515625) - parts.octants * 2.4191339e-4) - parts.small
}

/// The lanes of a mask as bits (lane k is bit k).
@inline(__always)
func maskBits(_ m: LaneMask) -> Int {
    let b = unsafeBitCast(m, to: SIMD4<UInt32>.self) & SIMD4(1, 2, 4, 8)
    return Int(b.wrappedSum())
}
