import XCTest
@testable import PseudoExperiments

/// Daughters drawn about their parent's flight: the same four-momenta as the general boost, an
/// isotropic decay, and transverse-momentum bounds that never reject a daughter that passes.
final class FlightFrameTests: XCTestCase {
    let math = SimulatorMath.shared

    func testDaughterIsTheBoostedRestFrameMomentum() {
        var rng = SeededGenerator(seed: 1)
        for parent in [FourMomentum(mass: TauDecay.mass, px: 30, py: -12, rapidity: 0.7),
                       FourMomentum(mass: 80.4, px: -3, py: 40, rapidity: -1.9),
                       FourMomentum(mass: 80.4, px: 0, py: 0, rapidity: 2.0),      // along the beam
                       FourMomentum(e: 5, px: 0, py: 0, pz: 0)] {                  // at rest
            let m = parent.mass
            let frame = FlightFrame(parent, mass: m)
            for _ in 0..<1_000 {
                let c = 2 * rng.nextUnitDouble() - 1, s = (1 - c * c).squareRoot()
                let (cosPsi, sinPsi) = rng.nextAzimuth(math)
                let eStar = 0.5 * m, pStar = 0.4 * m
                let d = frame.daughter(eStar: eStar, pStar: pStar, c: c, s: s, cosPsi: cosPsi, sinPsi: sinPsi)
                // Invariant mass kept, and the rest-frame cosine about the flight direction is c.
                XCTAssertEqual(d.e * d.e - d.p2, eStar * eStar - pStar * pStar, accuracy: 1e-9 * max(1, d.e * d.e))
                let back = FourMomentum(e: d.e, px: d.px, py: d.py, pz: d.pz)
                    .boosted(fromRestFrameOf: FourMomentum(e: parent.e, px: -parent.px, py: -parent.py, pz: -parent.pz),
                             parentMass: m)
                if frame.p > 0 {
                    let along = (back.px * parent.px + back.py * parent.py + back.pz * parent.pz) / frame.p
                    XCTAssertEqual(along / pStar, c, accuracy: 1e-9)
                }
                XCTAssertEqual(back.e, eStar, accuracy: 1e-9 * max(1, parent.e))
                // The bound before the azimuth holds.
                XCTAssertTrue(frame.mayExceed(d.pt * (1 - 1e-12), eStar: eStar, pStar: pStar, c: c, s: s))
            }
        }
    }

    func testDecayAboutTheFlightIsIsotropicInTheRestFrame() {
        var rng = SeededGenerator(seed: 2)
        let taus = TauDecay()
        let tau = FourMomentum(mass: TauDecay.mass, px: 25, py: 10, rapidity: 0.4)
        var sx = 0.0, sz = 0.0, sz2 = 0.0
        let n = 100_000
        for _ in 0..<n {
            let lepton = taus.leptonic(tau, minimumEnergy: 0, &rng)!
            let rest = lepton.boosted(fromRestFrameOf: FourMomentum(e: tau.e, px: -tau.px, py: -tau.py, pz: -tau.pz),
                                      parentMass: TauDecay.mass)
            sx += rest.px / rest.e; sz += rest.pz / rest.e; sz2 += rest.pz * rest.pz / (rest.e * rest.e)
        }
        let N = Double(n)
        XCTAssertEqual(sx / N, 0, accuracy: 5 * (1 / 3 / N).squareRoot())
        XCTAssertEqual(sz / N, 0, accuracy: 5 * (1 / 3 / N).squareRoot())
        XCTAssertEqual(sz2 / N, 1.0 / 3, accuracy: 5 * (4.0 / 45 / N).squareRoot())
    }

    /// The early rejections of the decay chain never lose a candidate the full measurement
    /// would keep: a candidate rejected by a bound, measured in full, fails the selection.
    func testBoundsNeverRejectASelectableCandidate() {
        let chain = DecayChain(detector: .standard)
        var rng = SeededGenerator(seed: 3)
        let floor = chain.limits.leptonEnergyFloor
        var rejectedByBound = 0
        for _ in 0..<200_000 {
            let mass = BosonProduction.ztautau.lineShape.sample(&rng)
            let (kx, ky) = (60 * rng.nextUnitDouble() - 30, 60 * rng.nextUnitDouble() - 30)
            let boson = FourMomentum(mass: mass, px: kx, py: ky)
            let lepton = chain.taus.leptonicDaughter(&rng)
            let m = TauDecay.mass
            let ceiling = lepton.energy * (max(0.5 * (boson.e + boson.p) * (1 + lepton.cos) / m, 1) + 1)
            let (tau1, _) = boson.twoBodyDecay(mass: mass, into: m, m, direction: rng.nextVectorBosonDirection(math))
            let frame = FlightFrame(tau1, mass: m)
            let p = lepton.boosted(in: frame, &rng, math)
            if ceiling * (1 + 1e-9) <= floor || !lepton.mayExceed(floor, in: frame) {
                rejectedByBound += 1
                XCTAssertLessThanOrEqual(p.pt, floor, "a lepton of pt \(p.pt) was rejected by a bound")
            }
        }
        XCTAssertGreaterThan(rejectedByBound, 50_000, "the bounds reject most of these candidates")
    }
}
