import XCTest
@testable import PseudoExperiments

/// The simulator's random draws against their distributions. Tolerances are about five standard
/// errors of the estimates (the draws are seeded: a failure reproduces).
final class RandomDrawTests: XCTestCase {
    let n = 200_000

    func testTruncatedNormalStaysInside() {
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<n { XCTAssertLessThanOrEqual(abs(rng.nextTruncatedNormal(limit: 1.5)), 1.5) }
    }

    func testUnitVectorsAndAzimuthsAreIsotropic() {
        var rng = SeededGenerator(seed: 3)
        var sz = 0.0, sz2 = 0.0, sx = 0.0, norm = 0.0, sc = 0.0, sc2 = 0.0
        for _ in 0..<n {
            let v = rng.nextUnitVector(.shared)
            sz += v.z; sz2 += v.z * v.z; sx += v.x
            norm = max(norm, abs(v.x * v.x + v.y * v.y + v.z * v.z - 1))
            let a = rng.nextAzimuth(.shared)
            sc += a.cos; sc2 += a.cos * a.cos
            XCTAssertEqual(a.cos * a.cos + a.sin * a.sin, 1, accuracy: 1e-12)
        }
        let N = Double(n)
        XCTAssertLessThan(norm, 1e-12)
        XCTAssertEqual(sz / N, 0, accuracy: 5 * (1 / 3 / N).squareRoot())
        XCTAssertEqual(sx / N, 0, accuracy: 5 * (1 / 3 / N).squareRoot())
        XCTAssertEqual(sz2 / N, 1.0 / 3, accuracy: 5 * (4.0 / 45 / N).squareRoot())
        XCTAssertEqual(sc / N, 0, accuracy: 5 * (0.5 / N).squareRoot())
        XCTAssertEqual(sc2 / N, 0.5, accuracy: 5 * (0.125 / N).squareRoot())
    }

    func testBreitWignerQuartilesAndWindow() {
        var rng = SeededGenerator(seed: 4)
        let shape = BreitWigner(mass: 91.188, width: 2.4955, lower: 50, upper: 130)
        var masses = (0..<n).map { _ in shape.sample(&rng) }
        masses.sort()
        XCTAssertGreaterThanOrEqual(masses.first!, 50)
        XCTAssertLessThanOrEqual(masses.last!, 130)
        // The window holds 98.0% of the Cauchy: quartiles of the truncated distribution are
        // M -+ (G/2) tan(pi/4 * 0.9801...) ~= M -+ 0.975 G/2.
        let a = atan((50 - 91.188) / (2.4955 / 2)), b = atan((130 - 91.188) / (2.4955 / 2))
        for (q, index) in [(0.25, n / 4), (0.5, n / 2), (0.75, 3 * n / 4)] {
            let expected = 91.188 + 2.4955 / 2 * tan(a + q * (b - a))
            XCTAssertEqual(masses[index], expected, accuracy: 0.03, "quantile \(q)")
        }
    }

    func testLeptonEnergyFractionFollowsTheMichelSpectrum() {
        var rng = SeededGenerator(seed: 5)
        let taus = TauDecay()
        var xs = (0..<n).map { _ in taus.leptonEnergyFraction(&rng) }
        XCTAssertEqual(xs.reduce(0, +) / Double(n), 0.7, accuracy: 0.003)  // E[x] = 7/10
        xs.sort()
        // F(x) = 2x^3 - x^4 at the quantiles.
        for q in [0.1, 0.3, 0.5, 0.7, 0.9] {
            let x = xs[Int(q * Double(n))]
            XCTAssertEqual(2 * x * x * x - x * x * x * x, q, accuracy: 0.005, "quantile \(q)")
        }
        XCTAssertGreaterThanOrEqual(xs.first!, 0)
        XCTAssertLessThanOrEqual(xs.last!, 1)
    }

    func testJetRadiationMultiplicityIsNegativeBinomial() {
        var rng = SeededGenerator(seed: 6)
        let radiation = JetRadiation(meanEmissions: 1.5, shape: 2, minimumPt: 15, scale: 26, power: 3.3,
                                     etaWidth: 2, intrinsicKT: 5)
        let jets = JetList()
        var counts = [Int](repeating: 0, count: 30)
        var minimumPt = Double.infinity
        for _ in 0..<n {
            jets.removeAll()
            _ = radiation.emit(into: jets, &rng, .shared)
            counts[jets.count] += 1
            for i in 0..<jets.count { minimumPt = min(minimumPt, jets[i].pt) }
        }
        // NB(k = 2, q = k / (k + mean) = 4/7): P(0) = q^2, P(1) = 2 q^2 (1 - q).
        let q = 2 / 3.5
        XCTAssertEqual(Double(counts[0]) / Double(n), q * q, accuracy: 0.005)
        XCTAssertEqual(Double(counts[1]) / Double(n), 2 * q * q * (1 - q), accuracy: 0.005)
        let mean = counts.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) } / Double(n)
        XCTAssertEqual(mean, 1.5, accuracy: 0.02)
        XCTAssertGreaterThanOrEqual(minimumPt, 15)
    }
}

extension RandomDrawTests {
    func testVectorBosonDecayAngles() {
        var rng = SeededGenerator(seed: 7)
        var c2 = 0.0, c4 = 0.0, sx = 0.0, norm = 0.0
        for _ in 0..<n {
            let v = rng.nextVectorBosonDirection(.shared)
            c2 += v.z * v.z; c4 += v.z * v.z * v.z * v.z; sx += v.x
            norm = max(norm, abs(v.x * v.x + v.y * v.y + v.z * v.z - 1))
        }
        let N = Double(n)
        // (3/8)(1 + c^2): E[c^2] = 2/5, E[c^4] = 9/35 (isotropic: 1/3, 1/5).
        XCTAssertEqual(c2 / N, 0.4, accuracy: 0.003)
        XCTAssertEqual(c4 / N, 9.0 / 35, accuracy: 0.003)
        XCTAssertEqual(sx / N, 0, accuracy: 0.005)
        XCTAssertLessThan(norm, 1e-12)
    }
}
