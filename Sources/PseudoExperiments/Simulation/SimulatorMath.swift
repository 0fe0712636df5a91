import Foundation

/// Elementary functions for the simulator's physics, from small tables and short polynomials:
/// no library call, no branch on the data, the same bits on every platform.
///
/// The simulator calls them tens of millions of times per second, where a libm call costs 50 to
/// 150 instructions. Each is accurate to a few units in the last place of a Double, far below
/// anything the simulated physics or the 3-decimal record resolves; none of them enters the
/// derived features, which are computed with libm from the recorded values
/// (``RecordedAngles``). Each method states its range and error bound; tests check them against
/// libm.
///
/// Table reduction, then a polynomial on a small remainder:
/// ```
/// log x   = e ln 2 + log c_i + log1p(r),     x = 2^e m, c_i the centre of m's 1/128 bin, r = m / c_i - 1, |r| < 2^-8
/// exp x   = 2^(k / 128) exp(r),              k = round(128 x / ln 2), |r| <= ln 2 / 256
/// atan t  = atan(i / 64) + atan(r),          r = (t - i / 64) / (1 + t i / 64), |r| <= 1/128
/// ```
struct SimulatorMath: @unchecked Sendable {
    /// The tables, computed on first use.
    static let shared = SimulatorMath()

    private let logTable: UnsafePointer<Double>
    private let exp2Table: UnsafePointer<Double>
    private let atanTable: UnsafePointer<Double>
    private let tanTable: UnsafePointer<Double>
    private let azimuthTable: UnsafePointer<Double>

    private init() {
        logTable = UnsafePointer(SimulatorMath.makeLogTable())
        exp2Table = UnsafePointer(SimulatorMath.makeExp2Table())
        atanTable = UnsafePointer(SimulatorMath.makeAtanTable())
        tanTable = UnsafePointer(SimulatorMath.makeTanTable())
        azimuthTable = UnsafePointer(SimulatorMath.makeAzimuthTable())
    }

    /// The integer nearest `x` (ties to even), as a Double and as an Int, for `|x| < 2^31`:
    /// adding 1.5 * 2^52 leaves it in the low bits of the sum (no library call, no range check).
    @inline(__always)
    static func nearestInteger(_ x: Double) -> (Double, Int) {
        let big = x + 0x1.8p52
        return (big - 0x1.8p52, Int(Int32(truncatingIfNeeded: big.bitPattern)))
    }

    // MARK: - Logarithm and exponential

    /// `log c_i` and `1 / c_i` for the mantissa bins `c_i = 1 + (i + 1/2) / 128`.
    private static func makeLogTable() -> UnsafeMutablePointer<Double> {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 256)
        for i in 0..<128 {
            let c = 1 + (Double(i) + 0.5) / 128
            t[2 * i] = Foundation.log(c)
            t[2 * i + 1] = 1 / c
        }
        return t
    }

    /// Natural logarithm of a positive normal `x` (error below `4e-16 max(1, |log x|)`).
    @inline(__always)
    func log(_ x: Double) -> Double {
        let bits = x.bitPattern
        let e = Double(Int((bits >> 52) & 0x7FF) - 1023)
        let m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        let i = Int((bits >> 45) & 0x7F)
        let table = logTable
        let r = m * table[2 * i + 1] - 1
        // log1p(r) to r^6 (error r^7 / 7 < 6e-19).
        let r2 = r * r
        let p = r - r2 * (0.5 - r * (1.0 / 3 - r * (0.25 - r * (0.2 - r * (1.0 / 6)))))
        return e * 0.6931471805599453 + (table[2 * i] + p)
    }

    /// `2^(j / 128)` for j = 0..<128.
    private static func makeExp2Table() -> UnsafeMutablePointer<Double> {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 128)
        for j in 0..<128 { t[j] = Foundation.exp2(Double(j) / 128) }
        return t
    }

    /// `e^x` for `|x| < 700` (relative error below 5e-16).
    @inline(__always)
    func exp(_ x: Double) -> Double {
        // k = round(x * 128 / ln 2); r = x - k ln2 / 128 in two parts (Cody-Waite; k * hi exact).
        let (k, ki) = SimulatorMath.nearestInteger(x * 184.6649652337873)
        let r = (x - k * 0x1.62e42fefa0000p-8) - k * 0x1.cf79abc9e3b3ap-47
        let j = ki & 127, e = ki >> 7
        // exp(r) to r^6 (|r| <= 0.0028: error r^7 / 5040 < 2e-21).
        let p = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))))
        let scale = Double(bitPattern: UInt64(bitPattern: Int64(e + 1023)) << 52)
        return exp2Table[j] * scale * p
    }

    /// `cosh x` for `|x| < 700` (relative error below 5e-16).
    @inline(__always)
    func cosh(_ x: Double) -> Double {
        let e = exp(abs(x))
        return 0.5 * (e + 1 / e)
    }

    /// `asinh x = sign(x) log(|x| + sqrt(x^2 + 1))` for finite `x` (absolute error below 1e-15;
    /// the pseudorapidity `asinh(pz / pt)`).
    @inline(__always)
    func asinh(_ x: Double) -> Double {
        let a = abs(x)
        let v = log(a + (a * a + 1).squareRoot())
        return x < 0 ? -v : v
    }

    // MARK: - Arc tangent

    /// `atan(i / 64)` for i = 0...64.
    private static func makeAtanTable() -> UnsafeMutablePointer<Double> {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 65)
        for i in 0...64 { t[i] = Foundation.atan(Double(i) / 64) }
        return t
    }

    /// `atan2(y, x)` in `[-pi, pi]` for finite `x`, `y` (absolute error below 5e-16); `(+-0, x)`
    /// gives `+-0` for `x >= +0` and `+-pi` for `x < 0`.
    @inline(__always)
    func atan2(_ y: Double, _ x: Double) -> Double {
        // Selects rather than branches: the octant is random in the simulator.
        let ax = abs(x), ay = abs(y)
        let steep = ay > ax
        let lo = steep ? ax : ay, hi = steep ? ay : ax
        // t = lo / hi in [0, 1]; i the nearest 64th; atan(lo/hi) - atan(i/64) = atan(r).
        let inverse = 1 / (hi > 0 ? hi : 1)
        let t = lo * inverse
        let (nearest, i) = SimulatorMath.nearestInteger(t * 64)
        let ti = nearest * (1.0 / 64)
        let r = (lo - ti * hi) / (hi + ti * lo + (hi > 0 ? 0 : 1))
        // atan(r) to r^9 (|r| <= 1/128: error r^11 / 11 < 1e-24).
        let r2 = r * r
        let small = r - r * r2 * (1.0 / 3 - r2 * (0.2 - r2 * (1.0 / 7 - r2 * (1.0 / 9))))
        let a0 = atanTable[i] + small
        let a1 = steep ? Double.pi / 2 - a0 : a0
        let a2 = x < 0 ? Double.pi - a1 : a1
        return Double(signOf: y, magnitudeOf: a2)
    }

    // MARK: - Tangent

    /// Nodes of the tangent table: `theta_k = -pi/2 + pi (k + 1/2) / tanNodes`.
    static let tanNodes = 2048

    /// `tan(theta_k)` at the nodes.
    private static func makeTanTable() -> UnsafeMutablePointer<Double> {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: tanNodes)
        for k in 0..<tanNodes { t[k] = Foundation.tan(-Double.pi / 2 + Double.pi * (Double(k) + 0.5) / Double(SimulatorMath.tanNodes)) }
        return t
    }

    /// `tan(theta)` for `|theta| < pi/2 - 1e-3` (error below `1e-15 (1 + tan^2)`, that of an
    /// angle error of 1e-15):
    /// the nearest node's value turned by the remainder `d`, `|d| <= pi / 4096`,
    /// ```
    /// tan(theta_k + d) = (T + t) / (1 - T t),   T = tan(theta_k),   t = tan d = d + d^3/3 + 2 d^5/15
    /// ```
    @inline(__always)
    func tan(_ theta: Double) -> Double {
        let scaled = (theta + Double.pi / 2) * (Double(SimulatorMath.tanNodes) / Double.pi)
        let k = min(SimulatorMath.tanNodes - 1, max(0, SimulatorMath.nearestInteger(scaled - 0.5).1))
        let d = (scaled - (Double(k) + 0.5)) * (Double.pi / Double(SimulatorMath.tanNodes))
        let d2 = d * d
        let t = d * (1 + d2 * (1.0 / 3 + d2 * (2.0 / 15)))
        let big = tanTable[k]
        return (big + t) / (1 - big * t)
    }

    // MARK: - Azimuth

    /// Azimuth bins of the uniform-azimuth draw: `phi_k = -pi + 2 pi (k + 1/2) / 1024`.
    static let azimuthBins = 1024

    /// `cos phi_k`, `sin phi_k` interleaved.
    private static func makeAzimuthTable() -> UnsafeMutablePointer<Double> {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 2 * azimuthBins)
        for k in 0..<azimuthBins {
            let phi = -Double.pi + 2 * Double.pi * (Double(k) + 0.5) / Double(azimuthBins)
            t[2 * k] = Foundation.cos(phi)
            t[2 * k + 1] = Foundation.sin(phi)
        }
        return t
    }

    /// A uniform azimuth in `(-pi, pi)` from 32 random bits, with its cosine and sine (within
    /// 5e-16 of those of the angle returned): the top 10 bits pick a bin, the other 22 the remainder `d` in it
    /// (`|d| < pi / 1024`), and the bin's `(cos, sin)` is turned by `d`:
    /// ```
    /// cos d = 1 - d^2/2 + d^4/24,   sin d = d - d^3/6 + d^5/120      (errors below 2e-18)
    /// ```
    @inline(__always)
    func azimuth(_ bits: UInt32) -> (angle: Double, cos: Double, sin: Double) {
        let k = Int(bits >> 22)
        let d = (Double(bits & 0x3F_FFFF) + 0.5 - 0x1p21) * (2 * Double.pi / (1024 * 0x1p22))
        let d2 = d * d
        let cd = 1 - d2 * (0.5 - d2 * (1.0 / 24))
        let sd = d * (1 - d2 * (1.0 / 6 - d2 * (1.0 / 120)))
        let table = azimuthTable
        let c = table[2 * k], s = table[2 * k + 1]
        let angle = -Double.pi + 2 * Double.pi * (Double(k) + 0.5) / 1024 + d
        return (angle, c * cd - s * sd, s * cd + c * sd)
    }
}
