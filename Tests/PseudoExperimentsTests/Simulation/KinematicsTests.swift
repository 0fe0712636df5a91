import XCTest
@testable import PseudoExperiments

/// Four-momenta, boosts and two-body decays: the identities the simulator relies on.
final class KinematicsTests: XCTestCase {
    func testBoostFromRestFrameKeepsMassAndAddsMomentum() {
        let parent = FourMomentum(mass: 91.19, px: 30, py: -12, rapidity: 1.3)
        XCTAssertEqual(parent.mass, 91.19, accuracy: 1e-9)
        XCTAssertEqual(parent.rapidity, 1.3, accuracy: 1e-12)
        // A particle at rest in the parent's frame moves with the parent.
        let atRest = FourMomentum(e: 91.19, px: 0, py: 0, pz: 0).boosted(fromRestFrameOf: parent, parentMass: 91.19)
        XCTAssertEqual(atRest.e, parent.e, accuracy: 1e-9)
        XCTAssertEqual(atRest.px, parent.px, accuracy: 1e-9)
        XCTAssertEqual(atRest.pz, parent.pz, accuracy: 1e-9)
        // Any momentum keeps its mass.
        let p = FourMomentum(e: 5, px: 1, py: 2, pz: -3)
        XCTAssertEqual(p.boosted(fromRestFrameOf: parent, parentMass: 91.19).mass, p.mass, accuracy: 1e-9)
    }

    func testTwoBodyDecayConservesFourMomentum() {
        let parent = FourMomentum(mass: 125, px: -40, py: 7, rapidity: -0.8)
        for n in [(0.0, 0.0, 1.0), (0.6, 0.0, 0.8), (-0.48, 0.6, 0.64)] {
            let (a, b) = parent.twoBodyDecay(mass: 125, into: TauDecay.mass, TauDecay.mass, direction: (n.0, n.1, n.2))
            let sum = a + b
            XCTAssertEqual(sum.e, parent.e, accuracy: 1e-9)
            XCTAssertEqual(sum.px, parent.px, accuracy: 1e-9)
            XCTAssertEqual(sum.py, parent.py, accuracy: 1e-9)
            XCTAssertEqual(sum.pz, parent.pz, accuracy: 1e-9)
            XCTAssertEqual(a.mass, TauDecay.mass, accuracy: 1e-6)
            XCTAssertEqual(b.mass, TauDecay.mass, accuracy: 1e-6)
        }
        // Below threshold the daughters are at rest in the parent's frame.
        XCTAssertEqual(FourMomentum.twoBodyMomentum(3, 2, 2), 0)
        // W -> l nu at rest: p* = M / 2.
        XCTAssertEqual(FourMomentum.twoBodyMomentum(80.4, 0, 0), 40.2, accuracy: 1e-12)
    }

    func testLongitudinalBoostAddsRapidityAndKeepsTransverseMomentum() {
        let p = FourMomentum(mass: 0.77, px: 20, py: 5, rapidity: 0.4)
        let q = p.boosted(along: FourMomentum.LongitudinalBoost(rapidity: -1.1))
        XCTAssertEqual(q.rapidity, 0.4 - 1.1, accuracy: 1e-12)
        XCTAssertEqual(q.px, p.px); XCTAssertEqual(q.py, p.py)
        XCTAssertEqual(q.mass, 0.77, accuracy: 1e-9)
        // For a massless particle pseudorapidity is rapidity, so it shifts by the same amount.
        let m0 = FourMomentum(e: 10, px: 6, py: 0, pz: 8)
        XCTAssertEqual(m0.boosted(along: .init(rapidity: 0.5)).eta, m0.eta + 0.5, accuracy: 1e-12)
    }

    func testTauDecaysConserveFourMomentumAndRespectTheEnergyBound() {
        var rng = SeededGenerator(seed: 11)
        let taus = TauDecay()
        let tau = FourMomentum(mass: TauDecay.mass, px: 35, py: -8, rapidity: 0.3)
        var maximum = 0.0
        for _ in 0..<5_000 {
            let visible = taus.hadronic(tau, &rng)
            let neutrino = tau - visible
            XCTAssertEqual(neutrino.mass, 0, accuracy: 1e-3)           // one massless neutrino
            XCTAssertLessThan(visible.mass, TauDecay.mass)
            XCTAssertGreaterThan(visible.mass, TauDecay.pionMass - 1e-6)
            if let lepton = taus.leptonic(tau, minimumEnergy: 0, &rng) {
                XCTAssertEqual(lepton.mass, 0, accuracy: 1e-3)
                XCTAssertLessThanOrEqual(lepton.e, tau.e + 1e-9)
                maximum = max(maximum, lepton.e)
            } else {
                XCTFail("no minimum energy: every lepton is returned")
            }
        }
        // The endpoint E* (E + p) / m with E* = m/2 is approached but never passed.
        let endpoint = (tau.e + tau.p) / 2
        XCTAssertLessThanOrEqual(maximum, endpoint + 1e-9)
        XCTAssertGreaterThan(maximum, 0.95 * endpoint)
        // A floor above the endpoint rejects every lepton without drawing it.
        XCTAssertNil(taus.leptonic(tau, minimumEnergy: endpoint + 0.01, &rng))
    }
}
