/// Parsing of decimal numbers from raw bytes, for the CSV readers.
///
/// `parseFloat` is correctly rounded to Float32 (the value of the decimal text rounded to the
/// nearest Float, ties to even), as `Float(String)` is, but without building a String per cell.
/// Fast path (Clinger): a decimal `m * 10^e` with `m < 2^53` and `|e| <= 22` is computed as one
/// correctly rounded Double operation; rounding that Double to Float equals rounding the exact
/// value unless the Double lies exactly halfway between two Floats, which is detected and sent to
/// the slow path (`Float(String)`) along with long mantissas and large exponents.
enum DecimalParsing {
    enum FloatResult: Equatable {
        case value(Float)
        case nonFinite
        case invalid
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var p = 1.0
        for _ in 0..<e { p *= 10 }   // exact: 10^22 < 2^53 * 2^22 has a 53-bit significand
        return p
    }

    /// The Float of the bytes `p[start..<end]`.
    @inline(__always)
    static func parseFloat(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> FloatResult {
        var i = start
        guard i < end else { return .invalid }
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits accumulated (leading zeros not counted)
        var exponent = 0
        var sawDigit = false
        var overflow = false
        while i < end, p[i] &- 48 < 10 {
            sawDigit = true
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
                if mantissa != 0 { digits += 1 }
            } else {
                overflow = true; exponent += 1
            }
            i += 1
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, p[i] &- 48 < 10 {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    overflow = true
                }
                i += 1
            }
        }
        guard sawDigit else { return slowPath(p, start, end) }
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end, p[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if i < end, p[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            var expDigits = 0
            while i < end, p[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 48) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return .invalid }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return slowPath(p, start, end) }
        if overflow || mantissa > (1 << 53) || exponent < -22 || exponent > 22 {
            return slowPath(p, start, end)
        }
        var d = Double(mantissa)
        d = exponent < 0 ? d / powersOfTen[-exponent] : d * powersOfTen[exponent]
        // A Double exactly halfway between two Floats: its low 29 significand bits are 1 << 28.
        if d.bitPattern & 0x1FFF_FFFF == 0x1000_0000 { return slowPath(p, start, end) }
        let f = Float(d)
        return .value(negative ? -f : f)
    }

    /// `Float(String)` (correctly rounded), for what the fast path does not handle.
    private static func slowPath(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> FloatResult {
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let f = Float(text) else { return .invalid }
        return f.isFinite ? .value(f) : .nonFinite
    }

    /// A non-negative decimal integer (digits only), or nil.
    @inline(__always)
    static func parseIndex(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard start < end, end - start <= 18 else { return nil }
        var v = 0
        for i in start..<end {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }
}
