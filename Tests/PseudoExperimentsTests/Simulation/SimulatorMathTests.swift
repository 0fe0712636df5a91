import XCTest
@testable import PseudoExperiments

/// The simulator's table-based functions against libm, over their documented ranges, with the
/// documented error bounds (the draws are seeded: a failure reproduces).
final class SimulatorMathTests: XCTestCase {
    let math = SimulatorMath.shared
    let n = 200_000

    func testLogExpCoshAsinhAgreeWithLibm() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<n {
            let x = exp(rng.nextUnitDouble() * 100 - 80)            // 1.8e-35 ... 4.9e8
            XCTAssertEqual(math.log(x), log(x), accuracy: 4e-16 * max(1, abs(log(x))))
            let y = rng.nextUnitDouble() * 80 - 40
            XCTAssertEqual(math.exp(y), exp(y), accuracy: 5e-16 * exp(y))
            XCTAssertEqual(math.cosh(y), cosh(y), accuracy: 5e-16 * cosh(y))
            let z = (rng.nextUnitDouble() * 2 - 1) * 1000
            XCTAssertEqual(math.asinh(z), asinh(z), accuracy: 1e-15)
        }
        XCTAssertEqual(math.log(1), 0, accuracy: 4e-16)
        XCTAssertEqual(math.exp(0), 1, accuracy: 5e-16)
    }

    func testAtan2AgreesWithLibmInEveryOctantAndAtTheAxes() {
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<n {
            let y = rng.nextUnitDouble() * 2 - 1, x = rng.nextUnitDouble() * 2 - 1
            XCTAssertEqual(math.atan2(y, x), atan2(y, x), accuracy: 5e-16)
            XCTAssertEqual(math.atan2(1e3 * y, 1e-3 * x), atan2(1e3 * y, 1e-3 * x), accuracy: 5e-16)
        }
        for (y, x) in [(0.0, 1.0), (0.0, -1.0), (-0.0, -1.0), (1.0, 0.0), (-1.0, 0.0), (0.0, 0.0), (-0.0, 0.0),
                       (1.0, 1.0), (-2.0, -2.0)] {
            XCTAssertEqual(math.atan2(y, x), atan2(y, x), accuracy: 5e-16, "atan2(\(y), \(x))")
            XCTAssertEqual(math.atan2(y, x).sign, atan2(y, x).sign, "sign of atan2(\(y), \(x))")
        }
    }

    func testTangentAgreesWithLibmUpToItsRange() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<n {
            let theta = (rng.nextUnitDouble() * 2 - 1) * (Double.pi / 2 - 1e-3)
            let t = tan(theta)
            XCTAssertEqual(math.tan(theta), t, accuracy: 1e-15 * (1 + t * t))
        }
    }

    func testAzimuthIsUniformAndItsCosineAndSineAreThoseOfItsAngle() {
        var rng = SeededGenerator(seed: 4)
        var bins = [Int](repeating: 0, count: 16)
        for _ in 0..<n {
            let a = math.azimuth(UInt32(truncatingIfNeeded: rng.next()))
            XCTAssertEqual(a.cos, cos(a.angle), accuracy: 5e-16)
            XCTAssertEqual(a.sin, sin(a.angle), accuracy: 5e-16)
            XCTAssertTrue(a.angle > -Double.pi && a.angle < Double.pi)
            bins[Int((a.angle + Double.pi) / (2 * Double.pi) * 16)] += 1
        }
        // 16 equal bins: each within 5 standard deviations of n/16.
        let expected = Double(n) / 16, sigma = (expected * 15 / 16).squareRoot()
        for count in bins { XCTAssertEqual(Double(count), expected, accuracy: 5 * sigma) }
        // The extreme inputs stay inside (-pi, pi).
        XCTAssertGreaterThan(math.azimuth(0).angle, -Double.pi)
        XCTAssertLessThan(math.azimuth(.max).angle, Double.pi)
    }

    func testJetPowerLawMatchesItsDistributionFunction() {
        // P(pt > x) = (1 + (x - p0) / c)^-(alpha - 1), cut at maximumPt.
        let radiation = JetRadiation(meanEmissions: 30, shape: 50, minimumPt: 15, scale: 26, power: 3.3,
                                     etaWidth: 2, intrinsicKT: 5)
        var rng = SeededGenerator(seed: 5)
        let jets = JetList()
        var pts: [Double] = []
        while pts.count < n {
            jets.removeAll()
            _ = radiation.emit(into: jets, &rng, .shared)
            for i in 0..<jets.count { pts.append(jets[i].pt) }
        }
        let tail = pow(1 + (3000 - 15) / 26.0, -2.3)
        for x in [20.0, 40.0, 100.0, 300.0] {
            let expected = (pow(1 + (x - 15) / 26, -2.3) - tail) / (1 - tail)
            let observed = Double(pts.filter { $0 > x }.count) / Double(pts.count)
            XCTAssertEqual(observed, expected, accuracy: 5 * (expected * (1 - expected) / Double(pts.count)).squareRoot() + 1e-4,
                           "P(pt > \(x))")
        }
        XCTAssertGreaterThanOrEqual(pts.min()!, 15)
        XCTAssertLessThan(pts.max()!, 3000)
    }
}
