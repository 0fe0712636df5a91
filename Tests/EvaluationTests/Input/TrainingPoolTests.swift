import Evaluation
import Foundation
import PseudoExperiments
import TestSupport
import XCTest

/// `--training-size`: a sample without replacement of the training pool, streamed from its
/// file, weights rescaled so that the sample stands for the whole pool (the challenge's
/// `get_train_set(train_size=...)`).
final class TrainingPoolTests: XCTestCase {
    private var directory: URL!
    private var table: EventTable!
    private var pool: URL!

    private struct Metadata: Encodable { var source = "input_rows.csv" }

    override func setUpWithError() throws {
        directory = try ReferenceData.temporaryDirectory("training-pool")
        table = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        pool = directory.appendingPathComponent("training.fuqpool")
        let writer = try PoolWriter(url: pool, blockRows: 300)   // 4 blocks: the draw crosses them
        try writer.append(table)
        try writer.finish(metadata: Metadata())
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func sample(_ size: TrainingPool.Size, seed: UInt64 = 7) throws -> EventTable {
        try TrainingPool.sample(PoolReader(url: pool), size: size, seed: seed, source: pool.path)
    }

    func testASampleIsDistinctPoolRowsInOrderStandingForTheWholePool() throws {
        let s = try sample(.rows(250))
        XCTAssertEqual(s.count, 250)
        var index: [[Float]: Int] = [:]
        for i in 0..<table.count { index[table.columns.map { $0[i] }] = i }
        let rows = try (0..<s.count).map { i in try XCTUnwrap(index[s.columns.map { $0[i] }], "sample row \(i) is no pool row") }
        XCTAssertEqual(rows, rows.sorted())
        XCTAssertEqual(Set(rows).count, 250, "rows are drawn without replacement")
        XCTAssertEqual(rows.map { table.processCodes[$0] }, s.processCodes)
        // Every weight is scaled by one factor: (sum of the pool) / (sum of the sampled rows).
        let total = table.weights.reduce(0.0) { $0 + Double($1) }
        let sampled = rows.reduce(0.0) { $0 + Double(table.weights[$1]) }
        for (i, row) in rows.enumerated() {
            let expected = Double(table.weights[row]) * total / sampled
            XCTAssertEqual(Double(s.weights[i]), expected, accuracy: expected * 1e-6)
        }
        XCTAssertEqual(s.weights.reduce(0.0) { $0 + Double($1) }, total, accuracy: total * 1e-6)
    }

    func testTheDrawIsSeededAndTheSameFromAFileAsFromATable() throws {
        let a = try sample(.rows(100), seed: 1)
        XCTAssertEqual(try sample(.rows(100), seed: 1), a)
        XCTAssertNotEqual(try sample(.rows(100), seed: 2), a)
        XCTAssertEqual(try TrainingPool.sample(table, size: .rows(100), seed: 1, source: "table"), a)
        XCTAssertEqual(try sample(.fraction(0.25)).count, 250)
        XCTAssertEqual(try sample(.fraction(1)), table, "the whole pool, weights unchanged")
    }

    /// Every row is equally likely: over 400 seeds each row is kept ~40 times of 400 (k/N = 0.1).
    /// The first and the last 100 rows are kept 4000 +- 5 sigma times each (sigma ~ 60); taking
    /// the first k rows, or a draw biased to either end, falls far outside.
    func testEveryRowIsEquallyLikely() throws {
        var kept = [Int](repeating: 0, count: table.count)
        var small = table!
        small.weights = Array(repeating: 1, count: table.count)
        small.columns[0] = (0..<table.count).map { Float($0) }   // the row number, to find rows back
        for seed in 0..<400 {
            let s = try TrainingPool.sample(small, size: .rows(100), seed: UInt64(seed), source: "table")
            for v in s.columns[0] { kept[Int(v)] += 1 }
        }
        let sigma = (400 * 100 * 0.1 * 0.9).squareRoot()
        for (name, range) in [("first", 0..<100), ("middle", 450..<550), ("last", 900..<1000)] {
            let n = range.reduce(0) { $0 + kept[$1] }
            XCTAssertEqual(Double(n), 4000, accuracy: 5 * sigma, "the \(name) 100 rows were kept \(n) times")
        }
    }

    func testSizesParseAndTooLargeASampleIsRefused() throws {
        XCTAssertEqual(TrainingPool.Size("5000000"), .rows(5_000_000))
        XCTAssertEqual(TrainingPool.Size("0.1"), .fraction(0.1))
        XCTAssertEqual(TrainingPool.Size("1e-2"), .fraction(0.01))
        for bad in ["0", "-3", "1.5", "abc", "", "nan", "0.0"] { XCTAssertNil(TrainingPool.Size(bad), bad) }
        XCTAssertThrowsError(try sample(.rows(1001))) { error in
            XCTAssertEqual(error as? EvaluationError, .trainingSizeTooLarge(asked: "1001 rows", source: self.pool.path, rows: 1000))
            XCTAssertTrue("\(error)".contains("at most 1000"), "\(error)")
        }
    }
}
