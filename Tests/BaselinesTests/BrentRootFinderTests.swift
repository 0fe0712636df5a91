import Foundation
import XCTest
@testable import Baselines

final class BrentRootFinderTests: XCTestCase {
    let finder = BrentRootFinder(absoluteTolerance: 1e-14)

    func testRootsOfKnownFunctions() throws {
        // cos x = x (the Dottie number), Wallis' x^3 - 2x - 5, e^x = 2, and an exact linear root.
        let cases: [(String, (Double) -> Double, Double, Double, Double)] = [
            ("cos x - x", { cos($0) - $0 }, 0, 1, 0.7390851332151607),
            ("x^3 - 2x - 5", { $0 * $0 * $0 - 2 * $0 - 5 }, 2, 3, 2.0945514815423265),
            ("e^x - 2", { exp($0) - 2 }, 0, 1, log(2)),
            ("3x - 1", { 3 * $0 - 1 }, -5, 5, 1.0 / 3),
        ]
        for (name, f, a, b, expected) in cases {
            let root = try finder.root(of: f, lower: a, upper: b)
            XCTAssertEqual(root.x, expected, accuracy: 4e-14, name)
            XCTAssertLessThanOrEqual(root.lower, root.x, name)
            XCTAssertGreaterThanOrEqual(root.upper, root.x, name)
            XCTAssertLessThan(root.iterations, 20, name)
        }
    }

    func testOneSigmaPointsOfAQuadraticProfileRatio() throws {
        // t(mu) = ((mu - 1.3) / 0.4)^2: t = 1 at 0.9 and 1.7.
        let t: (Double) -> Double = { let z = ($0 - 1.3) / 0.4; return z * z - 1 }
        let up = try finder.root(of: t, lower: 1.3, upper: 3, valueAtLower: -1)
        let down = try finder.root(of: t, lower: -1, upper: 1.3, valueAtUpper: -1)
        XCTAssertEqual(up.x, 1.7, accuracy: 1e-13)
        XCTAssertEqual(down.x, 0.9, accuracy: 1e-13)
    }

    func testBracketExpansionFindsARootOutsideTheStartingBracket() throws {
        let f: (Double) -> Double = { exp($0) - 2 }
        let up = try finder.root(of: f, lower: -3, upper: -2.9, expansion: .upward(limit: 100))
        XCTAssertEqual(up.x, log(2), accuracy: 1e-13)
        XCTAssertGreaterThan(up.evaluations, 3)
        let down = try finder.root(of: { -f($0) }, lower: 3, upper: 3.1, expansion: .downward(limit: -100))
        XCTAssertEqual(down.x, log(2), accuracy: 1e-13)
        let both = try finder.root(of: { $0 - 40 }, lower: -1, upper: 1, expansion: .both(lowerLimit: -100, upperLimit: 100))
        XCTAssertEqual(both.x, 40, accuracy: 1e-12)
    }

    func testNoSignChangeThrowsWithTheBracketAndWhetherTheLimitWasReached() {
        XCTAssertThrowsError(try finder.root(of: { $0 * $0 + 1 }, lower: -1, upper: 2)) { error in
            XCTAssertEqual(error as? FitError,
                           .noSignChange(lower: -1, upper: 2, valueAtLower: 2, valueAtUpper: 5, reachedLimit: false))
        }
        XCTAssertThrowsError(try finder.root(of: { $0 - 10 }, lower: 0, upper: 1, expansion: .upward(limit: 5))) { error in
            guard case .noSignChange(_, let upper, _, _, true) = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(upper, 5)
        }
    }

    func testNonConvergenceAndNonFiniteValuesThrow() {
        let slow = BrentRootFinder(absoluteTolerance: 0, maxIterations: 3)
        XCTAssertThrowsError(try slow.root(of: { cos($0) - $0 }, lower: 0, upper: 1)) { error in
            guard case .rootNotConverged(3, let lower, let upper) = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertTrue(lower <= 0.7390851332151607 && 0.7390851332151607 <= upper)
        }
        XCTAssertThrowsError(try finder.root(of: { $0 > 0.5 ? .nan : $0 - 1 }, lower: 0, upper: 2)) { error in
            guard case .nonFiniteValue = error as? FitError else { return XCTFail("\(error)") }
        }
    }

    func testErrorsThrownByTheFunctionPropagate() {
        struct Boom: Error {}
        XCTAssertThrowsError(try finder.root(of: { _ in throw Boom() }, lower: 0, upper: 1)) { error in
            XCTAssertTrue(error is Boom)
        }
    }
}
