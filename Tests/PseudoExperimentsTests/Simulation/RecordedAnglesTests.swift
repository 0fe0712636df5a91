import XCTest
@testable import PseudoExperiments

/// The simulator's derived features are bit for bit those of the reference
/// (`DerivedFeatures.compute(primaries:)`), and the recorded primaries are 3-decimal values.
final class RecordedAnglesTests: XCTestCase {
    let angles = RecordedAngles.shared
    let k = RecordedAngles.maximumThousandths

    func testCosineAndSineOfEveryRecordedAzimuthAreLibms() {
        for i in -k...k {
            let phi = Float(Double(i) / 1000)
            let (c, s) = angles.cosSin(phi)
            XCTAssertEqual(c.bitPattern, cos(Double(phi)).bitPattern, "cos(\(phi))")
            XCTAssertEqual(s.bitPattern, sin(Double(phi)).bitPattern, "sin(\(phi))")
        }
        // Signed zero and values that are not recorded azimuths take libm itself.
        for phi: Float in [-0.0, 0.0, -25, 0.0005, 3.1416, -3.1416, 1e-8] {
            let (c, s) = angles.cosSin(phi)
            XCTAssertEqual(c.bitPattern, cos(Double(phi)).bitPattern, "cos(\(phi))")
            XCTAssertEqual(s.bitPattern, sin(Double(phi)).bitPattern, "sin(\(phi))")
        }
    }

    /// Every pair of azimuths near the edges (0, +-pi/2, +-pi, where the sign and the wrap
    /// change) and a stride through the rest; the whole grid (39.5 M pairs) was checked once.
    func testSineSignAndWrappedDifferenceMatchTheReferenceArithmetic() {
        var ks = Set(stride(from: -k, through: k, by: 37))
        for edge in [0, 1571, 3141] { for d in -12...12 { ks.insert(edge + d); ks.insert(-edge + d) } }
        ks = ks.filter { abs($0) <= k }
        let phis = ks.map { Double(Float(Double($0) / 1000)) } + [-0.0]
        for a in phis {
            for b in phis {
                let x = b - a
                let s = sin(x)
                XCTAssertEqual(RecordedAngles.sineSign(x), s > 0 ? 1 : (s < 0 ? -1 : 0), "sign(sin(\(b) - \(a)))")
                let r = (a - b + 3 * Double.pi).truncatingRemainder(dividingBy: 2 * Double.pi)
                let reference = abs((r < 0 ? r + 2 * Double.pi : r) - Double.pi)
                XCTAssertEqual(RecordedAngles.wrappedDeltaPhi(a - b).bitPattern, reference.bitPattern, "dphi(\(a), \(b))")
            }
        }
    }

    func testDerivedFeaturesOfSyntheticRowsMatchTheReferenceBitForBit() {
        var rng = SeededGenerator(seed: 3)
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: 28)
        defer { tile.deallocate() }
        func angle() -> Float { Float(Double(rng.nextInt(below: 2 * k + 1) - k) / 1000) }
        func eta() -> Float { Float(Double(rng.nextInt(below: 9000) - 4500) / 1000) }
        func pt(_ floor: Float) -> Float { Float(rng.nextInt(below: 100_000)) / 1000 + floor }
        for row in 0..<20_000 {
            let nJets = rng.nextInt(below: 4)
            var p: [Float] = [pt(20), eta(), angle(), pt(23), eta(), angle(),
                              -25, -25, -25, -25, -25, -25, Float(nJets), 0, pt(0), angle()]
            if nJets >= 1 { p[6] = pt(22.5); p[7] = eta(); p[8] = angle(); p[13] = p[6] + 10 }
            if nJets >= 2 { p[9] = pt(22.5); p[10] = row % 10 == 0 ? p[7] : eta(); p[11] = angle() }
            switch row % 20 {
            case 1: p[15] = p[2]                    // MET along the lepton
            case 2: p[5] = p[2]                     // tau along the lepton: D = 0, the degenerate path
            case 3: p[15] = p[5]; p[2] = p[5]       // all three collinear
            default: break
            }
            for i in 0..<16 { tile[i] = p[i] }
            angles.deriveFeatures(tile, stride: 1)
            let reference = DerivedFeatures.compute(primaries: p)
            for j in 0..<12 {
                XCTAssertEqual(tile[16 + j].bitPattern, reference[j].bitPattern,
                               "row \(row) \(Feature.derived[j].rawValue): \(tile[16 + j]) against \(reference[j]) for \(p)")
            }
        }
    }

    func testThousandthsRoundsHalfAwayFromZeroAsTheFilesDo() {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<100_000 {
            let v = (rng.nextUnitDouble() - 0.5) * pow(10, Double(rng.nextInt(below: 7)) - 1)
            XCTAssertEqual(Detector.thousandths(v).bitPattern, Float((v * 1000).rounded() / 1000).bitPattern, "\(v)")
        }
        for v in [0.0005, -0.0005, 1.0005, 2.5e-4, -2.5e-4, 12.3455, -0.0, 0.0, -0.0004, 999_999.9995, -25] {
            XCTAssertEqual(Detector.thousandths(v).bitPattern, Float((v * 1000).rounded() / 1000).bitPattern, "\(v)")
        }
        XCTAssertTrue(Detector.thousandths(.nan).isNaN)
        XCTAssertEqual(Detector.thousandths(.infinity), .infinity)
    }
}
