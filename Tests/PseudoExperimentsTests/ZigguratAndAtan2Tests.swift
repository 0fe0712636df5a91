import CTransform
import XCTest
import Foundation
@testable import PseudoExperiments

/// The C kernel's vector math, 8 lanes at a time (its test entry points).
private enum KernelMath {
    static let lanes = Int(FUQ_LANES)

    static func atan2Parts(_ y: [Float], _ x: [Float]) -> (octants: [Float], small: [Float]) {
        precondition(y.count == lanes && x.count == lanes)
        var octants = [Float](repeating: 0, count: lanes), small = octants
        fuq_test_atan2_parts(y, x, &octants, &small)
        return (octants, small)
    }

    /// atan2 as the kernel forms it: octants * pi/4 + small.
    static func atan2(_ y: [Float], _ x: [Float]) -> [Float] {
        let p = atan2Parts(y, x)
        return (0..<lanes).map { p.octants[$0] * (Float.pi / 4) + p.small[$0] }
    }

    static func residual(_ angle: [Float], _ parts: (octants: [Float], small: [Float])) -> [Float] {
        var out = [Float](repeating: 0, count: lanes)
        fuq_test_atan2_residual(angle, parts.octants, parts.small, &out)
        return out
    }

    /// round3 lane by lane, and the near-tie lanes as bits.
    static func round3(_ x: [Float]) -> (values: [Float], nearTie: Int) {
        var out = [Float](repeating: 0, count: lanes)
        let bits = fuq_test_round3(x, &out)
        return (out, Int(bits))
    }

    static func round3AsFloat(_ x: [Double]) -> [Float] {
        var out = [Float](repeating: 0, count: lanes)
        fuq_test_round3_double_to_float(x, &out)
        return out
    }
}

final class ZigguratAndAtan2Tests: XCTestCase {
    func testZigguratTablesFollowTheRecurrence() {
        let x = ZigguratTables.x
        XCTAssertEqual(x.count, 257)
        XCTAssertEqual(x[1], ZigguratTables.r)
        XCTAssertEqual(x[256], 0)
        for k in 1..<256 { XCTAssertGreaterThan(x[k], x[k + 1]) }
        // Every layer has area V: x[k] (f(x[k+1]) - f(x[k])) = V; the last closes near the top (x[255] small).
        let f = ZigguratTables.f
        for k in 1..<255 { XCTAssertEqual(x[k] * (f[k + 1] - f[k]), ZigguratTables.v, accuracy: 1e-12, "layer \(k)") }
        XCTAssertLessThan(x[255], 0.3)
    }

    func testZigguratGaussianMomentsAndTails() {
        var g = SeededGenerator(seed: 99)
        let n = 2_000_000
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, beyond2 = 0, beyondR = 0
        for _ in 0..<n {
            let v = g.nextZigguratGaussian()
            s1 += v; s2 += v * v; s4 += v * v * v * v
            if abs(v) > 2 { beyond2 += 1 }
            if abs(v) > ZigguratTables.r { beyondR += 1 }
        }
        let N = Double(n)
        XCTAssertEqual(s1 / N, 0, accuracy: 5 / N.squareRoot())
        XCTAssertEqual(s2 / N, 1, accuracy: 5 * (2 / N).squareRoot())
        XCTAssertEqual(s4 / N, 3, accuracy: 5 * (96 / N).squareRoot())   // Var(x^4) = 105 - 9
        // P(|x| > 2) = 0.0455003, P(|x| > R) = 2.5812e-4 (the tail path): within 5 binomial sigmas.
        for (count, p) in [(beyond2, 0.0455003), (beyondR, 2.5812e-4)] {
            XCTAssertEqual(Double(count), N * p, accuracy: 5 * (N * p * (1 - p)).squareRoot())
        }
    }

    func testFillMatchesSingleDraws() {
        // 400,000 variates: ~5,000 take the wedge path and ~100 the tail beyond R.
        var a = SeededGenerator(seed: 4), b = SeededGenerator(seed: 4)
        let n = 200_000
        var x = [Double](repeating: 0, count: n), y = x
        x.withUnsafeMutableBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                a.fillZigguratGaussianPairs(x: xb.baseAddress!, y: yb.baseAddress!, count: n, scale: 2)
            }
        }
        for k in 0..<n {
            XCTAssertEqual(x[k].bitPattern, (2 * b.nextZigguratGaussian()).bitPattern, "x[\(k)]")
            XCTAssertEqual(y[k].bitPattern, (2 * b.nextZigguratGaussian()).bitPattern, "y[\(k)]")
        }
        XCTAssertGreaterThan(x.filter { abs($0) > 2 * ZigguratTables.r }.count, 10, "the tail path was taken")
        XCTAssertEqual(a.next(), b.next())
        var buffer = [Double](repeating: 0, count: 1000)
        buffer.withUnsafeMutableBufferPointer { a.fillZigguratGaussians($0, scale: 0.5) }
        XCTAssertEqual(buffer, (0..<1000).map { _ in 0.5 * b.nextZigguratGaussian() })
    }

    func testFastAtan2AgreesWithLibm() {
        var g = SeededGenerator(seed: 8)
        var worst = 0.0
        for _ in 0..<100_000 {
            let scale = [1e-3, 1, 100][g.nextInt(below: 3)]
            let y = (0..<KernelMath.lanes).map { _ in Float(scale * g.nextGaussian()) }
            let x = (0..<KernelMath.lanes).map { _ in Float(scale * g.nextGaussian()) }
            let a = KernelMath.atan2(y, x)
            for k in 0..<KernelMath.lanes { worst = max(worst, abs(Double(a[k]) - atan2(Double(y[k]), Double(x[k])))) }
        }
        XCTAssertLessThan(worst, 4e-7)
        for (y, x) in [(0.0, 0.0), (0.0, -1.0), (-0.0, -1.0), (1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (-0.0, 1.0),
                       (1.0, 1.0), (-2.0, -2.0)] as [(Float, Float)] {
            let lanes = KernelMath.lanes
            let got = KernelMath.atan2([Float](repeating: y, count: lanes), [Float](repeating: x, count: lanes))[0]
            XCTAssertEqual(got, atan2f(y, x), accuracy: 3e-7, "atan2(\(y), \(x))")
            XCTAssertEqual(got.sign, atan2f(y, x).sign, "sign of atan2(\(y), \(x))")
        }
    }

    func testAtan2ResidualIsAccurate() {
        // eps = phiR - atan2(y, x) for the rounded angle, to 1e-7, also near +-pi and the octant edges.
        var g = SeededGenerator(seed: 81)
        var worst = 0.0
        for n in 0..<100_000 {
            let angle = n < 1000 ? Double.pi * (Double(n % 9) / 4 - 1) + g.nextDouble(in: -1e-3, 1e-3)
                                 : g.nextDouble(in: -Double.pi, Double.pi)
            let r = g.nextDouble(in: 0.5, 200)
            let x = Float(r * cos(angle)), y = Float(r * sin(angle))
            let lanes = KernelMath.lanes
            let parts = KernelMath.atan2Parts([Float](repeating: y, count: lanes), [Float](repeating: x, count: lanes))
            let phi = parts.octants[0] * (Float.pi / 4) + parts.small[0]
            let phiR = roundToThreeDecimals(phi)
            let eps = KernelMath.residual([Float](repeating: phiR, count: lanes), parts)[0]
            let exact = Double(phiR) - atan2(Double(y), Double(x))
            worst = max(worst, abs(Double(eps) - exact))
        }
        XCTAssertLessThan(worst, 1e-7)
    }

    func testNearTieMarksExactlyTheRiskyValues() {
        // Values within 1e-3 of k + 0.5 (in units of 1e-3) are marked; the rounding is unchanged.
        let x: [Float] = [1.2345, 1.2349, -0.0005, 2.1, 0.0004995, -7.0015, 1e9, -0.0]
        let r = KernelMath.round3(x)
        XCTAssertEqual(r.values.map(\.bitPattern), x.map { roundToThreeDecimals($0).bitPattern })
        XCTAssertEqual(r.nearTie, 0b0011_0101)   // 1234.5, -0.5, 0.4995, -7001.5
    }

    func testFloatAndDoubleThreeDecimalQuotientsAgree() {
        // With soft MET the reference rounds PRI_met_phi in Double (rint(phi * 1000) / 1000, then
        // Float); the transform divides in Float. Same k gives the same Float for every angle.
        for k in -3200...3200 { XCTAssertEqual(Float(Double(k) / 1000), Float(k) / 1000, "k = \(k)") }
    }

    func testDoubleRoundingToFloatTakesOneFloatDivision() {
        // PRI_met with soft MET: Float(round3(r)) of a Double r, which the kernel computes with a
        // Float division while |1000 r| < 2^24, with the Double one beyond. Bit for bit, over
        // ties, signed zeros, the 2^24 boundary, huge values, NaN and random magnitudes.
        var g = SeededGenerator(seed: 5)
        var values: [Double] = [0, -0.0, 0.0005, -0.0005, 0.0015, 1.2345, 16777.215, 16777.2155, 16777.216,
                                -16777.217, 16777.5, 1e9, -3e12, .infinity, -.infinity, .nan, 1e300]
        for _ in 0..<100_000 {
            values.append(g.nextDouble(in: 0, 1))
            values.append(g.nextDouble(in: -500, 3000))
            values.append(Double(g.nextInt(below: 40_000_000)) / 2000)   // exact ties k + 0.5
            values.append(g.nextDouble(in: 0, 1) * pow(2, Double(g.nextInt(below: 60)) - 20))
        }
        var k = 0
        let lanes = KernelMath.lanes
        while k + lanes <= values.count {
            let x = Array(values[k..<(k + lanes)])
            let got = KernelMath.round3AsFloat(x)
            for lane in 0..<lanes {
                XCTAssertEqual(got[lane].bitPattern, Float(roundToThreeDecimals(x[lane])).bitPattern, "\(x[lane])")
            }
            k += lanes
        }
    }
}

final class RoundToEvenTests: XCTestCase {
    func testMatchesLibraryRoundingOnManyValues() {
        var g = SeededGenerator(seed: 12)
        var values: [Float] = [0, -0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 0.4, -0.4, 8388607.5, 8388608, 16777216, 1e30, -1e30]
        for _ in 0..<200_000 {
            values.append(Float(bitPattern: UInt32(truncatingIfNeeded: g.next())))
            values.append(Float(g.nextDouble(in: -1e5, 1e5)))
            values.append(Float(g.nextInt(below: 200_000) - 100_000) / 2)   // exact halves
        }
        for v in values where v.isFinite {
            XCTAssertEqual(roundToEven(v).bitPattern, v.rounded(.toNearestOrEven).bitPattern, "\(v)")
            let d = Double(v) * 1.000001
            XCTAssertEqual(roundToEven(d).bitPattern, d.rounded(.toNearestOrEven).bitPattern, "\(d)")
        }
    }
}

final class FeatureRecordPositionTests: XCTestCase {
    func testRecordPositionEqualsIndex() {
        for (i, f) in Feature.allCases.enumerated() { XCTAssertEqual(f.index, i, f.rawValue) }
    }
}
