import XCTest
@testable import PseudoExperiments

/// Blocks of simulated events: deterministic by seed, selected as the FAIR Universe sample is,
/// and consistent records (jets, -25 markers, rounding, derived features).
final class ProcessGeneratorTests: XCTestCase {
    static let rows = 1_500
    static let blocks: [PhysicsProcess: ProcessGenerator.Block] = {
        var out: [PhysicsProcess: ProcessGenerator.Block] = [:]
        for (i, p) in PhysicsProcess.allCases.enumerated() {
            out[p] = ProcessGenerator.standard.block(of: p, rows: rows, seed: UInt64(100 + i), weight: 2.5)
        }
        return out
    }()

    func testSameSeedSameBlockOtherSeedOtherBlock() {
        let a = ProcessGenerator.standard.block(of: .htautau, rows: 300, seed: 7, weight: 1)
        let b = ProcessGenerator.standard.block(of: .htautau, rows: 300, seed: 7, weight: 1)
        let c = ProcessGenerator.standard.block(of: .htautau, rows: 300, seed: 8, weight: 1)
        XCTAssertEqual(a.table, b.table)
        XCTAssertEqual(a.candidates, b.candidates)
        XCTAssertNotEqual(a.table[.lepPt], c.table[.lepPt])
        // A shorter block is the start of a longer one with the same seed.
        let short = ProcessGenerator.standard.block(of: .htautau, rows: 100, seed: 7, weight: 1)
        XCTAssertEqual(short.table, a.table.rows(Array(0..<100)))
    }

    func testEmptyBlock() {
        let block = ProcessGenerator.standard.block(of: .ttbar, rows: 0, seed: 1, weight: 1)
        XCTAssertEqual(block.table.count, 0)
        XCTAssertEqual(block.candidates, 0)
    }

    func testProcessWeightAndSelection() throws {
        for (process, block) in Self.blocks {
            let t = block.table
            XCTAssertEqual(t.count, Self.rows)
            XCTAssertTrue(t.processCodes.allSatisfy { $0 == process.code })
            XCTAssertTrue(t.weights.allSatisfy { $0 == 2.5 })
            XCTAssertGreaterThan(block.candidates, Self.rows, "\(process): the selection rejects candidates")
            for i in 0..<t.count {
                XCTAssertGreaterThan(t[.lepPt][i], 20, "\(process) row \(i)")
                XCTAssertGreaterThan(t[.hadPt][i], 23, "\(process) row \(i)")
                XCTAssertLessThanOrEqual(abs(t[.lepEta][i]), 2.5)
                XCTAssertLessThanOrEqual(abs(t[.hadEta][i]), 2.5)
                XCTAssertLessThanOrEqual(abs(t[.lepPhi][i]), 3.142)
                XCTAssertGreaterThanOrEqual(t[.met][i], 0)
            }
        }
    }

    func testJetColumnsAreConsistent() {
        for (process, block) in Self.blocks {
            let t = block.table
            for i in 0..<t.count {
                let n = Int(t[.nJets][i])
                XCTAssertEqual(Float(n), t[.nJets][i])
                let lead = t[.jetLeadingPt][i], sub = t[.jetSubleadingPt][i]
                if n == 0 {
                    XCTAssertEqual(lead, Feature.undefined); XCTAssertEqual(t[.jetLeadingEta][i], Feature.undefined)
                    XCTAssertEqual(t[.jetAllPt][i], 0)
                } else {
                    XCTAssertGreaterThan(lead, 22.5, "\(process) row \(i)")
                    XCTAssertLessThan(abs(t[.jetLeadingEta][i]), 4.7)
                }
                if n <= 1 {
                    XCTAssertEqual(sub, Feature.undefined); XCTAssertEqual(t[.jetSubleadingPhi][i], Feature.undefined)
                    XCTAssertEqual(t[.deltaEtaJetJet][i], Feature.undefined)
                } else {
                    XCTAssertGreaterThanOrEqual(lead, sub)
                    XCTAssertGreaterThan(sub, 22.5)
                }
                if n >= 1 {
                    // The sum of all jets, rounded once: at least the two leading ones.
                    XCTAssertGreaterThanOrEqual(t[.jetAllPt][i], lead + max(0, sub) - 0.002, "\(process) row \(i)")
                }
            }
        }
    }

    func testPrimaryValuesAreRoundedAndDerivedFeaturesRecomputeExactly() {
        for (_, block) in Self.blocks {
            let t = block.table
            for i in stride(from: 0, to: t.count, by: 7) {
                let primaries = Feature.primary.map { t[$0][i] }
                for (f, v) in zip(Feature.primary, primaries) {
                    // The Float32 nearest a number of thousandths, as in the FAIR Universe files.
                    XCTAssertEqual(Float((Double(v) * 1000).rounded() / 1000), v, "\(f.rawValue) = \(v)")
                }
                // What a reader of the PRI columns computes is what the pool holds.
                XCTAssertEqual(DerivedFeatures.compute(primaries: primaries), Feature.derived.map { t[$0][i] })
            }
        }
    }

    func testEveryProcessHasJetsAndTopPairsHaveMost() {
        func meanJets(_ p: PhysicsProcess) -> Double {
            let c = Self.blocks[p]!.table[.nJets]
            return c.reduce(0) { $0 + Double($1) } / Double(c.count)
        }
        XCTAssertGreaterThan(meanJets(.ttbar), meanJets(.htautau))
        XCTAssertGreaterThan(meanJets(.htautau), meanJets(.ztautau))
        XCTAssertGreaterThan(Self.blocks[.htautau]!.table[.nJets].max()!, 4)
    }
}

extension ProcessGeneratorTests {
    /// The bytes of a fixed block, pinned: a change of the simulated physics must bump
    /// `EventSimulator.version` (the cache key) and then update this digest. (The digest also
    /// depends on the platform's libm; it is recorded on Debian 12, glibc 2.36.)
    func testPinnedBlockForThisSimulatorVersion() {
        XCTAssertEqual(EventSimulator.version, 2)
        var bytes: [UInt8] = []
        for process in PhysicsProcess.allCases {
            let table = ProcessGenerator.standard.block(of: process, rows: 50, seed: 99, weight: 1).table
            for column in table.columns { for v in column { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } } }
        }
        XCTAssertEqual(SHA256.hash(bytes).hex, "1584f81d99e0efd32242b9e5171c0fcad3acbf1ddf10ba1e94ad147a5aff8d5e")
    }
}
