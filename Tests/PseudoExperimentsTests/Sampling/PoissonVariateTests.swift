import XCTest
@testable import PseudoExperiments

final class PoissonVariateTests: XCTestCase {
    typealias S = StatisticalChecks

    func testMeanZeroGivesZeroAndConsumesNoRandomness() throws {
        let p = try PoissonVariate(mean: 0)
        var rng = SeededGenerator(seed: 5), untouched = SeededGenerator(seed: 5)
        for _ in 0..<100 { XCTAssertEqual(p.next(using: &rng), 0) }
        XCTAssertEqual(rng.next(), untouched.next())
    }

    func testInvalidMeansThrowInsteadOfCrashing() {
        for bad in [-1.0, -.leastNonzeroMagnitude, .nan, .infinity, PoissonVariate.maximumMean * 2] {
            XCTAssertThrowsError(try PoissonVariate(mean: bad), "mean \(bad)") { error in
                guard case SamplingError.invalidPoissonMean = error else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("Poisson mean"))
            }
        }
        XCTAssertNoThrow(try PoissonVariate(mean: PoissonVariate.maximumMean))
    }

    func testLogProbabilityMatchesTheTextbookFormulaAndSumsToOne() {
        for mean in [1e-3, 0.3, 5, 9.99, 10, 47.5, 1000, 20_000] {
            let sd = mean.squareRoot()
            let hi = Int(mean + 12 * sd + 20)
            var total = 0.0, logFactorial = 0.0
            for k in 0...hi {
                if k > 1 { logFactorial += log(Double(k)) }
                let got = PoissonVariate.logProbability(k, mean: mean)
                let want = -mean + Double(k) * log(mean) - logFactorial
                // The textbook sum itself loses ~1e-16 * k log k; compare relative to that scale.
                let scale = 1 + Double(k) * log(Double(k) + 1) + mean
                XCTAssertEqual(got, want, accuracy: 1e-13 * scale, "k \(k), mean \(mean)")
                total += exp(got)
            }
            XCTAssertEqual(total, 1, accuracy: 1e-12, "pmf of mean \(mean) sums to \(total)")
        }
    }

    func testLogProbabilityStaysAccurateAtHugeMeans() {
        // Exact identity log P(k+1) - log P(k) = log(mean / (k+1)); the normalisation near the
        // mode must match the Gaussian limit -log(2 pi mean)/2 - 1/(12 mean) ... to 1e-9.
        for mean in [1e6, 1e9, 1e12] {
            let sd = mean.squareRoot()
            for z in [-5.0, -1, 0, 0.5, 3] {
                let k = Int(mean + z * sd)
                let step = PoissonVariate.logProbability(k + 1, mean: mean) - PoissonVariate.logProbability(k, mean: mean)
                XCTAssertEqual(step, log(mean / Double(k + 1)), accuracy: 1e-9, "mean \(mean), k \(k)")
            }
            // Summing the pmf over +-8 sd (on a grid for 1e12) gives 1.
            let stride = max(1, Int(sd / 2000))
            var total = 0.0
            var k = Int(mean - 8 * sd)
            while k <= Int(mean + 8 * sd) { total += exp(PoissonVariate.logProbability(k, mean: mean)) * Double(stride); k += stride }
            XCTAssertEqual(total, 1, accuracy: 1e-6, "mean \(mean)")
        }
        XCTAssertEqual(PoissonVariate.logProbability(-1, mean: 3), -.infinity)
        XCTAssertEqual(PoissonVariate.logProbability(0, mean: 0), 0)
        XCTAssertEqual(PoissonVariate.logProbability(2, mean: 0), -.infinity)
        XCTAssertTrue(PoissonVariate.logProbability(2, mean: -1).isNaN)
    }

    func testDrawsFitThePMFAtSeveralMeansBothSidesOfTheAlgorithmSwitch() throws {
        let n = 100_000
        for (i, mean) in [0.05, 1.5, 7.3, 9.999, 10, 23.5, 150, 4000].enumerated() {
            let p = try PoissonVariate(mean: mean)
            var rng = SeededGenerator(seed: 100 + UInt64(i))
            let draws = (0..<n).map { _ in p.next(using: &rng) }
            S.assertPoisson(draws, mean: mean, "mean \(mean)")
            // Power: the same draws are rejected against a mean 5% off (where 1e5 draws can tell).
            if mean >= 1.5 {
                let upper = Int(mean + 10 * mean.squareRoot() + 10)
                let h = S.histogram(draws, bins: upper)
                let wrong = S.chiSquare(observed: h, probabilities: S.poissonPMF(mean: mean * 1.05, upTo: upper), samples: n)
                XCTAssertGreaterThan(wrong.statistic, S.chiSquareCritical(dof: wrong.dof), "mean \(mean)")
            }
        }
    }

    func testMeanAndVarianceAtLargeAndHugeMeans() throws {
        let n = 4000
        for (i, mean) in [12.0, 1e5, 1e7, 1e9].enumerated() {
            let p = try PoissonVariate(mean: mean)
            var rng = SeededGenerator(seed: 200 + UInt64(i))
            let draws = (0..<n).map { _ in Double(p.next(using: &rng)) }
            XCTAssertEqual(S.mean(draws), mean, accuracy: 5 * (mean / Double(n)).squareRoot(), "mean \(mean)")
            // Var of the sample variance of a Poisson: (mean + 2 mean^2) / n.
            XCTAssertEqual(S.variance(draws), mean, accuracy: 5 * ((mean + 2 * mean * mean) / Double(n)).squareRoot(),
                           "variance at mean \(mean)")
            XCTAssertTrue(draws.allSatisfy { $0 >= 0 })
        }
    }

    func testSameSeedSameCounts() throws {
        for mean in [0.7, 250.0] {
            let p = try PoissonVariate(mean: mean)
            var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
            XCTAssertEqual((0..<200).map { _ in p.next(using: &a) }, (0..<200).map { _ in p.next(using: &b) })
        }
        var r1 = SeededGenerator(seed: 3), r2 = SeededGenerator(seed: 3)
        XCTAssertEqual(try PoissonVariate.draw(mean: 31, using: &r1), try PoissonVariate(mean: 31).next(using: &r2))
    }
}
