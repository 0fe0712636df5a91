import Foundation
import XCTest
@testable import Baselines

final class NormalDistributionTests: XCTestCase {
    /// Reference quantiles from mpmath at 400 digits: sqrt(2) erfinv(2p - 1) at the exact binary
    /// value of each double p (not of its decimal spelling, which matters where dx/dp is large).
    let references: [(p: Double, x: Double)] = [
        (0.5, 0),
        (0.8413447460685429, 0.99999999999999990574),
        (0.15865525393145707, -0.99999999999999990574),
        (0.975, 1.9599639845400538556),
        (0.02425, -1.9729610513118848376),
        (0.3, -0.52440051270804081597),
        (0.999999, 4.7534243088170877657),
        (1e-10, -6.3613409024040561991),
        (1e-20, -9.2623400897984075796),
        (1e-300, -37.047096299361199237),
    ]

    func testQuantileMatchesHighPrecisionReferencesToAboutOneUlp() throws {
        for (p, x) in references {
            let q = try NormalDistribution.quantile(p)
            XCTAssertEqual(q, x, accuracy: max(abs(x), 1e-300) * 5e-16, "p = \(p)")
        }
        XCTAssertEqual(try NormalDistribution.quantile(0.5), 0)
        // The figure usually quoted (scipy's), within 1e-15 relative.
        XCTAssertEqual(try NormalDistribution.quantile(0.975), 1.959963984540054, accuracy: 2e-15)
    }

    func testQuantileIsAntisymmetricAndInfiniteAtTheEnds() throws {
        // p and 1 - p both exact in binary, so the symmetry must hold to rounding.
        for p in [0.25, 0.125, 0.0625, 0x1p-10, 0x1p-20] {
            let x = try NormalDistribution.quantile(p)
            XCTAssertEqual(try NormalDistribution.quantile(1 - p), -x, accuracy: 5e-16 * abs(x))
        }
        XCTAssertEqual(try NormalDistribution.quantile(0), -.infinity)
        XCTAssertEqual(try NormalDistribution.quantile(1), .infinity)
    }

    func testCdfAndSurvivalMatchReferencesIncludingTheFarTail() {
        XCTAssertEqual(NormalDistribution.cdf(1), 0.84134474606854294859, accuracy: 2e-16)
        XCTAssertEqual(NormalDistribution.cdf(-1), 0.15865525393145705141, accuracy: 2e-16)
        XCTAssertEqual(NormalDistribution.cdf(0), 0.5)
        XCTAssertEqual(NormalDistribution.cdf(-8), 6.2209605742717841235e-16, accuracy: 1e-14 * 6.2e-16)
        // Far tail: the rounding of x / sqrt 2 is amplified by ~x^2, ~1e-13 relative at 37.5 sigma.
        XCTAssertEqual(NormalDistribution.cdf(-37.5), 4.6053530095819548438e-308, accuracy: 5e-13 * 4.6e-308)
        XCTAssertEqual(NormalDistribution.survival(8), NormalDistribution.cdf(-8))
        XCTAssertEqual(NormalDistribution.density(0), 1 / (2 * Double.pi).squareRoot())
    }

    func testQuantileInvertsTheCdf() throws {
        // Through the tail that keeps precision: Phi for x <= 0, Q(x) = Phi(-x) for x > 0. The
        // relative error of p (~1e-16 x^2 from erfc) shrinks by ~|x| on the way back to x.
        for x in stride(from: -30.0, through: 8, by: 0.37) {
            let q = try NormalDistribution.quantile(x <= 0 ? NormalDistribution.cdf(x) : NormalDistribution.survival(x))
            XCTAssertEqual(x <= 0 ? q : -q, x, accuracy: 1e-15 * max(1, x * x), "x = \(x)")
        }
    }

    func testLikelihoodRatioThresholds() throws {
        // erf(1 / sqrt 2) = 0.6826894921370859 is the coverage of t = 1.
        XCTAssertEqual(try NormalDistribution.likelihoodRatioThreshold(coverage: 0.6826894921370859), 1, accuracy: 1e-14)
        XCTAssertEqual(try NormalDistribution.likelihoodRatioThreshold(coverage: 0.95), 3.841458820694124, accuracy: 1e-13)
    }

    func testInvalidProbabilitiesThrow() {
        for p in [-0.1, 1.5, Double.nan] {
            XCTAssertThrowsError(try NormalDistribution.quantile(p)) { error in
                guard case .invalidProbability = error as? FitError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try NormalDistribution.likelihoodRatioThreshold(coverage: 1))
    }
}
