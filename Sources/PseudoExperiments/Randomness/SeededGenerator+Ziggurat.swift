import CTransform
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

extension ZigguratTables {
    /// The tables as the C kernel takes them (valid inside `body`).
    static func withTables<R>(_ body: (fuq_ziggurat) -> R) -> R {
        x.withUnsafeBufferPointer { xt in
            f.withUnsafeBufferPointer { ft in
                body(fuq_ziggurat(x: xt.baseAddress, f: ft.baseAddress, r: r))
            }
        }
    }
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
    ///
    /// The loop is C (`fuq_ziggurat_fill`, the same steps and libm calls as
    /// ``nextZigguratGaussian()``), where the generator's state stays in registers; in Swift it
    /// was stored and reloaded at every draw.
    public mutating func fillZigguratGaussianPairs(x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>?,
                                                   count: Int, scale: Double) {
        ZigguratTables.withTables { tables in
            withState { state in
                withUnsafePointer(to: tables) { fuq_ziggurat_fill(&state, $0, x, y, count, scale) }
            }
        }
    }
}
