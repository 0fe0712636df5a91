import XCTest
@testable import PseudoExperiments

final class PoolRecordsTests: XCTestCase {
    /// The 64-byte records give back exactly what `PreparedEvents.gather` gives, for every field
    /// of every row, in any order and with repeats.
    func testGatherFromRecordsEqualsThePreparedGather() throws {
        var table = SetsFixtures.sampleTable
        XCTAssertEqual(table.count, 1000)
        // Negative zeros (rounding keeps the sign of zero) must survive, sines included.
        for (row, f) in [(0, Feature.lepEta), (1, .lepPhi), (2, .hadPhi), (3, .jetLeadingPhi), (4, .jetSubleadingEta)] {
            table.columns[f.index][row] = -0.0
        }
        let pool = try PreparedPool(table)
        let prepared = PreparedEvents(table)
        var rng = SeededGenerator(seed: 5)
        var batch = PreparedEvents()
        // Row counts that are and are not multiples of the four rows the expansion takes at a time.
        for rows in [1, 3, 6, 1001, 3000] {
            let indices = (0..<rows).map { _ in Int32(rng.nextInt(below: table.count)) }
            let reference = prepared.gather(indices)
            var codes = [UInt8](repeating: 9, count: indices.count)
            indices.withUnsafeBufferPointer { i in
                codes.withUnsafeMutableBufferPointer { c in pool.records.gather(i, into: &batch, processCodes: c.baseAddress!) }
            }
            XCTAssertEqual(batch.count, indices.count)
            XCTAssertEqual(batch.sourceRows, (0..<indices.count).map { Int32($0) })
            XCTAssertEqual(batch.storage[..<reference.storage.count].map(\.bitPattern), reference.storage.map(\.bitPattern),
                           "\(rows) rows (padding rows included)")
            for field in PreparedEvents.Field.allCases {
                for j in 0..<indices.count where batch.value(field, j).bitPattern != reference.value(field, j).bitPattern {
                    XCTFail("\(field) of row \(indices[j]): \(batch.value(field, j)) != \(reference.value(field, j))")
                    return
                }
            }
            XCTAssertEqual(codes, indices.map { table.processCodes[Int($0)] })
        }
        let indices = (0..<3000).map { _ in Int32(rng.nextInt(below: table.count)) }
        let reference = prepared.gather(indices)
        indices.withUnsafeBufferPointer { i in
            var codes = [UInt8](repeating: 0, count: indices.count)
            codes.withUnsafeMutableBufferPointer { c in pool.records.gather(i, into: &batch, processCodes: c.baseAddress!) }
        }
        // And the transform of either batch is the same.
        var n1 = SeededGenerator(seed: 9), n2 = SeededGenerator(seed: 9)
        let shift = SystematicShift(tes: 1.03, jes: 0.97, softMet: 2)
        let a = batch.applying(shift, noise: &n1), b = reference.applying(shift, noise: &n2)
        XCTAssertEqual(a.count, b.count)
        for f in Feature.allCases { XCTAssertEqual(a.column(f), b.column(f), f.rawValue) }
    }

    func testValuesTheRecordsCannotHoldAreRefusedWithRowAndColumn() throws {
        var table = SetsFixtures.sampleTable
        table.columns[Feature.nJets.index][17] = 1.5
        XCTAssertThrowsError(try PreparedPool(table)) { error in
            let text = "\(error)"
            XCTAssert(text.contains("row 17") && text.contains("PRI_n_jets") && text.contains("1.5"), text)
        }
        table = SetsFixtures.sampleTable
        table.columns[Feature.hadEta.index][3] = 40
        XCTAssertThrowsError(try PreparedPool(table)) { error in
            let text = "\(error)"
            XCTAssert(text.contains("row 3") && text.contains("PRI_had_eta"), text)
        }
    }

    func testPoolMissingAProcessIsRefused() throws {
        var table = SetsFixtures.sampleTable
        let keep = (0..<table.count).filter { table.processCodes[$0] != PhysicsProcess.diboson.code }
        table = table.rows(keep)
        XCTAssertThrowsError(try PreparedPool(table)) { error in
            XCTAssertEqual(error as? SamplingError, .missingProcess(.diboson, rows: 0))
        }
    }

    func testDigestDependsOnContentNotOnChunking() throws {
        let table = SetsFixtures.sampleTable
        var builder = PoolDigest.Builder()
        builder.append(table.rows(Array(0..<123)))
        builder.append(table.rows(Array(123..<1000)))
        XCTAssertEqual(builder.finish(), PoolDigest.of(table))
        XCTAssertEqual(PoolDigest.of(table), SetsFixtures.samplePool.digest)
        var changed = table
        changed.weights[500] = changed.weights[500].nextUp
        XCTAssertNotEqual(PoolDigest.of(changed), PoolDigest.of(table))
        var relabelled = table
        relabelled.processCodes[0] = relabelled.processCodes[0] == 1 ? 2 : 1
        XCTAssertNotEqual(PoolDigest.of(relabelled), PoolDigest.of(table))
        XCTAssertEqual(PoolDigest.of(table).hex.count, 64)
    }
}
