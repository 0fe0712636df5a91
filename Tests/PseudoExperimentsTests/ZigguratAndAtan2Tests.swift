import XCTest
import Foundation
@testable import PseudoExperiments

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
        var a = SeededGenerator(seed: 4), b = SeededGenerator(seed: 4)
        var buffer = [Double](repeating: 0, count: 1000)
        buffer.withUnsafeMutableBufferPointer { a.fillZigguratGaussians($0, scale: 2) }
        XCTAssertEqual(buffer, (0..<1000).map { _ in 2 * b.nextZigguratGaussian() })
        XCTAssertEqual(a.next(), b.next())
    }

    func testFastAtan2AgreesWithLibm() {
        var g = SeededGenerator(seed: 8)
        var worst = 0.0
        for _ in 0..<100_000 {
            let scale = [1e-3, 1, 100][g.nextInt(below: 3)]
            let y = FloatLanes((0..<4).map { _ in Float(scale * g.nextGaussian()) })
            let x = FloatLanes((0..<4).map { _ in Float(scale * g.nextGaussian()) })
            let a = fastAtan2(y, x)
            for k in 0..<4 { worst = max(worst, abs(Double(a[k]) - atan2(Double(y[k]), Double(x[k])))) }
        }
        XCTAssertLessThan(worst, 4e-7)
        for (y, x) in [(0.0, 0.0), (0.0, -1.0), (-0.0, -1.0), (1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (-0.0, 1.0),
                       (1.0, 1.0), (-2.0, -2.0)] as [(Float, Float)] {
            let got = fastAtan2(FloatLanes(repeating: y), FloatLanes(repeating: x))[0]
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
            let parts = atan2Parts(FloatLanes(repeating: y), FloatLanes(repeating: x))
            let phi = parts.octants * (Float.pi / 4) + parts.small
            let phiR = roundToThreeDecimals(phi)
            let eps = atan2Residual(phiR, from: parts)[0]
            let exact = Double(phiR[0]) - atan2(Double(y), Double(x))
            worst = max(worst, abs(Double(eps) - exact))
        }
        XCTAssertLessThan(worst, 1e-7)
    }

    func testNearTieMarksExactlyTheRiskyValues() {
        // Values within 1e-3 of k + 0.5 (in units of 1e-3) are marked; the rounding is unchanged.
        var mask = LaneMask(repeating: false)
        let x = FloatLanes(1.2345, 1.2349, -0.0005, 2.1)
        let r = roundToThreeDecimals(x, nearTie: &mask)
        XCTAssertEqual(r, roundToThreeDecimals(x))
        XCTAssertEqual(maskBits(mask), 0b0101)
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
        while k + 4 <= values.count {
            let x = DoubleLanes(values[k], values[k + 1], values[k + 2], values[k + 3])
            let got = roundToThreeDecimalsAsFloat(x), want = FloatLanes(roundToThreeDecimals(x))
            for lane in 0..<4 { XCTAssertEqual(got[lane].bitPattern, want[lane].bitPattern, "\(x[lane])") }
            k += 4
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
