import Foundation
import XCTest
@testable import Baselines

final class PoissonDevianceTests: XCTestCase {
    func testZeroAtSaturationIncludingEmptyBinsAndAMillionEvents() {
        let n: [Double] = [0, 1, 7, 1e6, 123_456.5]
        XCTAssertEqual(PoissonDeviance.value(observed: n, expected: n), 0)
        XCTAssertEqual(PoissonDeviance.gradient(observed: [1, 7, 1e6], expected: [1, 7, 1e6]), [0, 0, 0])
    }

    func testMatchesTheSaturatedModelFormulaOnSmallCounts() {
        // D = 2 sum [ln P(n | n) - ln P(n | nu)], ln P(n | nu) = n ln nu - nu - ln n!  (ln P(0 | 0) = 0).
        let n: [Double] = [0, 1, 3, 7, 12, 0]
        let nu: [Double] = [0.5, 2.2, 3, 5.5, 15, 0]
        func logP(_ n: Double, _ nu: Double) -> Double {
            n == 0 ? -nu : n * log(nu) - nu - lgamma(n + 1)
        }
        let reference = 2 * zip(n, nu).reduce(0) { $0 + logP($1.0, $1.0) - logP($1.0, $1.1) }
        XCTAssertEqual(PoissonDeviance.value(observed: n, expected: nu), reference, accuracy: 1e-13 * reference)
        // Term by term as well, including the n = 0 limit d(0, nu) = nu.
        XCTAssertEqual(PoissonDeviance.term(observed: 0, expected: 0.5), 0.5)
        XCTAssertEqual(PoissonDeviance.term(observed: 3, expected: 3), 0)
    }

    func testFullRelativePrecisionAtAMillionEvents() {
        // d(n, n (1 + r)) = n (r - ln(1 + r)) = n sum_{k>=2} (-1)^k r^k / k, summed exactly here.
        let n = 1e6
        for delta in [1.0, -1, 10, 1000, -1000, 50_000, 99_000] {
            let nu = n + delta
            let r = delta / n
            var series = 0.0, power = r
            for k in 2...80 {
                power *= r
                series += (k % 2 == 0 ? 1 : -1) * power / Double(k)   // power = r^k
            }
            let reference = n * series
            let term = PoissonDeviance.term(observed: n, expected: nu)
            XCTAssertEqual(term, reference, accuracy: 4e-15 * reference, "delta \(delta)")
        }
        // One event off a million is a deviance of ~1e-6 (2 * 5e-7), not rounding noise of 1e6.
        XCTAssertEqual(PoissonDeviance.value(observed: [n], expected: [n + 1]), 9.999993333338333e-7, accuracy: 1e-21)
    }

    func testFarFromSaturationUsesTheDirectFormula() {
        // |n - nu| >= 0.1 (n + nu): d = n ln(n / nu) + nu - n.
        XCTAssertEqual(PoissonDeviance.term(observed: 10, expected: 2), 10 * log(5) - 8, accuracy: 1e-14)
        XCTAssertEqual(PoissonDeviance.term(observed: 2, expected: 10), 2 * log(0.2) + 8, accuracy: 1e-14)
    }

    func testDerivativesAreTheClosedFormsAndMatchFiniteDifferences() {
        for (n, nu) in [(5.0, 3.0), (0.0, 2.0), (1e6, 1.001e6)] {
            XCTAssertEqual(PoissonDeviance.derivative(observed: n, expected: nu), 2 * (1 - n / nu), accuracy: 1e-15)
            XCTAssertEqual(PoissonDeviance.secondDerivative(observed: n, expected: nu), 2 * n / (nu * nu), accuracy: 1e-15)
            let h = 1e-4 * nu
            let fd = (PoissonDeviance.term(observed: n, expected: nu + h)
                      - PoissonDeviance.term(observed: n, expected: nu - h)) / h   // 2 * d/dnu of the term
            XCTAssertEqual(PoissonDeviance.derivative(observed: n, expected: nu), fd, accuracy: 1e-7)
        }
    }

    func testOutsideTheDomainIsInfiniteAndNaNPropagates() {
        XCTAssertEqual(PoissonDeviance.term(observed: 0, expected: 0), 0)
        XCTAssertEqual(PoissonDeviance.term(observed: 3, expected: 0), .infinity)
        XCTAssertEqual(PoissonDeviance.term(observed: 3, expected: -1), .infinity)
        XCTAssertEqual(PoissonDeviance.term(observed: 0, expected: -1), .infinity)
        XCTAssertTrue(PoissonDeviance.term(observed: 3, expected: .nan).isNaN)
        XCTAssertEqual(PoissonDeviance.firstImpossibleBin(observed: [0, 0, 4], expected: [0, 1, 0]), 2)
        XCTAssertNil(PoissonDeviance.firstImpossibleBin(observed: [0, 2], expected: [0, 1]))
    }

    func testInvalidObservedCountsAreRejectedWithTheBin() {
        XCTAssertThrowsError(try PoissonDeviance.validateObserved([])) { error in
            XCTAssertEqual(error as? FitError, .emptyInput(what: "observed bins"))
        }
        XCTAssertThrowsError(try PoissonDeviance.validateObserved([1, -2, 3])) { error in
            XCTAssertEqual(error as? FitError, .invalidObservedCount(bin: 1, value: -2))
            XCTAssertTrue("\(error)".contains("bin 1"), "\(error)")
        }
        XCTAssertThrowsError(try PoissonDeviance.validateObserved([1, 2, .nan]))
        XCTAssertNoThrow(try PoissonDeviance.validateObserved([0, 0, 2.5]))
    }
}
