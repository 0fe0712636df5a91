import XCTest
@testable import PseudoExperiments

final class SeededGeneratorTests: XCTestCase {
    func testSplitMix64MatchesPublishedVector() {
        // SplitMix64 seeded with 0: first output 0xE220A8397B1DCDAF (Vigna's reference code).
        var g = SplitMix64(state: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
    }

    func testXoshiro256StarStarMatchesReferenceImplementation() {
        // xoshiro256** from state {1, 2, 3, 4}: outputs 11520, 0, 1509978240, 1215971899390074240.
        var g = SeededGenerator(state: 1, 2, 3, 4)
        XCTAssertEqual(g.next(), 11520)
        XCTAssertEqual(g.next(), 0)
        XCTAssertEqual(g.next(), 1_509_978_240)
        XCTAssertEqual(g.next(), 1_215_971_899_390_074_240)
    }

    func testSameSeedSameStreamDifferentSeedDifferentStream() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<100).map { _ in a.next() }
        XCTAssertEqual(sa, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(sa, (0..<100).map { _ in c.next() })
    }

    func testSeedDerivationSeparatesPurposesAndIndices() {
        let root: UInt64 = 2024
        let a = SeedDerivation.derive(root, .nuisances, 0, 1)
        XCTAssertEqual(a, SeedDerivation.derive(root, .nuisances, 0, 1))
        XCTAssertNotEqual(a, SeedDerivation.derive(root, .nuisances, 1, 0))
        XCTAssertNotEqual(a, SeedDerivation.derive(root, .poisson, 0, 1))
        XCTAssertNotEqual(a, SeedDerivation.derive(root + 1, .nuisances, 0, 1))
    }

    func testUniformAndGaussianMoments() {
        var g = SeededGenerator(seed: 7)
        let n = 200_000
        var su = 0.0, sg = 0.0, sg2 = 0.0
        for _ in 0..<n {
            let u = g.nextUnitDouble()
            XCTAssert(u >= 0 && u < 1)
            su += u
            let x = g.nextGaussian()
            sg += x; sg2 += x * x
        }
        // Means within 5 standard errors; variance of N(0,1) within 5 standard errors (sqrt(2/n)).
        XCTAssertEqual(su / Double(n), 0.5, accuracy: 5 * (1.0 / 12 / Double(n)).squareRoot())
        XCTAssertEqual(sg / Double(n), 0, accuracy: 5 / Double(n).squareRoot())
        XCTAssertEqual(sg2 / Double(n), 1, accuracy: 5 * (2 / Double(n)).squareRoot())
    }

    func testNextIntBelowIsInRangeAndUnbiased() {
        var g = SeededGenerator(seed: 1)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[g.nextInt(below: 3)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 5 * (30_000.0 * (1.0 / 3) * (2.0 / 3)).squareRoot()) }
    }
}
