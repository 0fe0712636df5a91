import Foundation

/// Standard normal variates by the ziggurat method: about 3 ns each, one 64-bit draw 99 % of the time.
///
/// Marsaglia and Tsang's ziggurat ("The Ziggurat Method for Generating Random Variables", J. Stat.
/// Softw. 5(8), 2000) with 256 layers (`R = 3.6541528853610088`, `V = 4.92867323399e-3`), in the
/// symmetric form that takes the sign from the same 64-bit draw. One step, from `b = next()`:
/// ```
/// i = b & 0xFF                                    layer
/// u = 2 * float(1.m) - 3, m = b >> 12             uniform in (-1, 1), 52 bits
/// x = u * X[i];  accept x if |x| < X[i + 1]       (98.8 % of steps)
/// i == 0: tail beyond R, from two further uniforms (Marsaglia's exponential method)
/// else: accept if F[i+1] + (F[i] - F[i+1]) * nextUnitDouble() < exp(-x^2 / 2), otherwise repeat
/// ```
/// The tables `X`, `F` are computed once from the recurrence `X[0] = V / f(R)`, `X[1] = R`,
/// `X[k+1] = sqrt(-2 ln(V / X[k] + f(X[k])))`, `X[256] = 0`, `F[k] = f(X[k])`, `f(x) = exp(-x^2 / 2)`.
/// The sequence of values for a seed is part of the reproducibility contract (the soft-MET noise).
extension SeededGenerator {
    /// A standard normal variate (ziggurat).
    @inline(__always)
    public mutating func nextZigguratGaussian() -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0xFF)
            let u = 2 * Double(bitPattern: (bits >> 12) | 0x3FF0_0000_0000_0000) - 3
            let x = u * ZigguratTables.x[i]
            if abs(x) < ZigguratTables.x[i + 1] { return x }
            if let v = zigguratSlowPath(i: i, x: x, u: u) { return v }
        }
    }

    /// The tail and wedge cases (1.2 % of steps); nil means "draw again".
    @inline(never)
    fileprivate mutating func zigguratSlowPath(i: Int, x: Double, u: Double) -> Double? {
        zigguratSlowPathInlined(i: i, x: x, u: u)
    }

    /// ``zigguratSlowPath(i:x:u:)`` for loops that keep the generator's state in registers: a call
    /// that takes the state `inout` would make every draw store and reload it.
    @inline(__always)
    fileprivate mutating func zigguratSlowPathInlined(i: Int, x: Double, u: Double) -> Double? {
        let r = ZigguratTables.r
        if i == 0 {
            var tx: Double, ty: Double
            repeat {
                tx = log(nextOpenUnitDouble()) / r
                ty = log(nextOpenUnitDouble())
            } while -2 * ty < tx * tx
            return u < 0 ? tx - r : r - tx
        }
        let f = ZigguratTables.f
        if f[i + 1] + (f[i] - f[i + 1]) * nextUnitDouble() < exp(-0.5 * x * x) { return x }
        return nil
    }
}

/// The ziggurat's layer tables (257 entries each), computed once.
enum ZigguratTables {
    static let r = 3.6541528853610088
    static let v = 4.92867323399e-3

    static let x: [Double] = {
        var t = [Double](repeating: 0, count: 257)
        var f = exp(-0.5 * r * r)
        t[0] = v / f
        t[1] = r
        for k in 2..<256 {
            t[k] = (-2 * log(v / t[k - 1] + f)).squareRoot()
            f = exp(-0.5 * t[k] * t[k])
        }
        t[256] = 0
        return t
    }()

    static let f: [Double] = x.map { exp(-0.5 * $0 * $0) }
}

extension SeededGenerator {
    /// Fills `buffer` with `scale` times consecutive ``nextZigguratGaussian()`` values, in order
    /// (the same values as calling it `buffer.count` times, with the tables hoisted).
    public mutating func fillZigguratGaussians(_ buffer: UnsafeMutableBufferPointer<Double>, scale: Double) {
        guard let base = buffer.baseAddress else { return }
        fillZigguratGaussianPairs(x: base, y: nil, count: buffer.count, scale: scale)
    }

    /// For `k` in `0..<count`: `x[k]` then (if `y` is given) `y[k]` take the next ziggurat values
    /// times `scale` (row order: the x and y noise of row 0, then of row 1, ...).
    public mutating func fillZigguratGaussianPairs(x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>?,
                                                   count: Int, scale: Double) {
        ZigguratTables.x.withUnsafeBufferPointer { xt in
            fillZigguratGaussianPairs(table: xt.baseAddress!, x: x, y: y, count: count, scale: scale)
        }
    }

    private mutating func fillZigguratGaussianPairs(table: UnsafePointer<Double>, x: UnsafeMutablePointer<Double>,
                                                    y: UnsafeMutablePointer<Double>?, count: Int, scale: Double) {
        // A local copy of the state (captured by no closure, written back at the end) stays in
        // registers; drawing through `self` stores and reloads it at every draw.
        var rng = self
        if let y {
            for k in 0..<count {
                x[k] = scale * Self.zigguratDraw(&rng, table: table)
                y[k] = scale * Self.zigguratDraw(&rng, table: table)
            }
        } else {
            for k in 0..<count { x[k] = scale * Self.zigguratDraw(&rng, table: table) }
        }
        self = rng
    }

    /// ``nextZigguratGaussian()`` with the layer table at hand.
    @inline(__always)
    private static func zigguratDraw(_ rng: inout SeededGenerator, table: UnsafePointer<Double>) -> Double {
        while true {
            let bits = rng.next()
            let i = Int(bits & 0xFF)
            let u = 2 * Double(bitPattern: (bits >> 12) | 0x3FF0_0000_0000_0000) - 3
            let value = u * table[i]
            if abs(value) < table[i + 1] { return value }
            if let v = rng.zigguratSlowPathInlined(i: i, x: value, u: u) { return v }
        }
    }
}
