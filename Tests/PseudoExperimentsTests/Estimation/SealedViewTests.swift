import XCTest
@testable import PseudoExperiments

/// A view's column stride is storage, not content: columns, rows, equality, digests and files
/// see the same `count` values per column whatever the padding after each column holds.
final class SealedViewTests: XCTestCase {
    /// `rows` rows of distinct values, compact, and the same rows with `pad` junk values after
    /// each column.
    private func views(rows: Int, pad: Int) -> (compact: SealedView, padded: SealedView) {
        let features = Feature.allCases.count
        let values = (0..<(features * rows)).map { Float($0) * 0.25 - 3 }
        var storage: [Float] = []
        for f in 0..<features {
            storage += values[(f * rows)..<((f + 1) * rows)]
            storage += (0..<pad).map { Float(-1000 - $0 - f) }
        }
        return (SealedView(count: rows, columnMajor: values),
                SealedView(count: rows, columnStride: rows + pad, storage: storage))
    }

    func testPaddedViewReadsAsTheCompactOne() {
        let (compact, padded) = views(rows: 37, pad: 11)
        XCTAssertEqual(padded, compact)
        XCTAssertEqual(padded.columnMajorValues(), compact.columnMajorValues())
        XCTAssertEqual(padded.storageBytes, 28 * 48 * 4)
        // What an estimator can read says nothing of the padding (sized before the cuts, so it
        // tracks the energy scales): the attack of a submission reading memoryBytes or a
        // column's indices.
        XCTAssertEqual(padded.memoryBytes, 28 * 37 * 4)
        XCTAssertEqual(padded.memoryBytes, compact.memoryBytes)
        for f in Feature.allCases {
            XCTAssertEqual(padded.column(f).startIndex, 0, f.rawValue)
            XCTAssertEqual(padded.column(f).endIndex, 37, f.rawValue)
            XCTAssertEqual(Array(padded.column(f)), Array(compact.column(f)), f.rawValue)
            XCTAssertEqual(padded.withColumn(f) { Array($0) }, Array(compact.column(f)), f.rawValue)
        }
        for i in [0, 17, 36] { XCTAssertEqual(padded.row(i), compact.row(i)) }
        XCTAssertEqual(ViewFile.valuesSHA256(padded), ViewFile.valuesSHA256(compact))
        XCTAssertEqual(ViewFile.encode(padded), ViewFile.encode(compact))
        XCTAssertEqual(padded.csvBytes(), compact.csvBytes())
        XCTAssertEqual(try ViewFile.decode(ViewFile.encode(padded), file: "padded"), compact)
    }

    func testViewsWithDifferentRowsDiffer() {
        let (compact, padded) = views(rows: 5, pad: 3)
        var values = compact.columnMajorValues()
        values[Feature.metPhi.index * 5 + 4] += 1
        XCTAssertNotEqual(padded, SealedView(count: 5, columnMajor: values))
        XCTAssertNotEqual(padded, views(rows: 4, pad: 4).padded, "another count")
        XCTAssertEqual(views(rows: 0, pad: 2).padded, SealedView(count: 0, columnMajor: []))
    }
}
