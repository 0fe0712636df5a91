import XCTest
@testable import PseudoExperiments

/// The benchmark's plumbing on tiny pools (its timings are measured in release by `bench
/// benchmark`, never asserted here).
final class SamplerBenchmarkTests: XCTestCase {
    func testSyntheticPoolHasTheProcessMixAndYields() {
        let yields: [PhysicsProcess: Double] = [.htautau: 10, .ztautau: 10_000, .diboson: 40, .ttbar: 440]
        let pool = SamplerBenchmark.syntheticPool(rows: 50_000, yields: yields, seed: 1)
        XCTAssertEqual(pool.weights.count, 50_000)
        var sums = [Double](repeating: 0, count: 4), rows = [Int](repeating: 0, count: 4)
        for (w, c) in zip(pool.weights, pool.processCodes) { sums[Int(c)] += Double(w); rows[Int(c)] += 1 }
        let total = yields.values.reduce(0, +)
        for p in PhysicsProcess.allCases {
            XCTAssertEqual(sums[Int(p.code)], yields[p]!, accuracy: 1e-4 * yields[p]!, "\(p)")
            let expectedRows = 50_000 * yields[p]! / total
            XCTAssertEqual(Double(rows[Int(p.code)]), expectedRows, accuracy: 5 * expectedRows.squareRoot() + 1)
        }
        // Rows are interleaved, not grouped by process.
        XCTAssertGreaterThan(zip(pool.processCodes, pool.processCodes.dropFirst()).filter { $0 != $1 }.count, 1000)
        XCTAssertEqual(SamplerBenchmark.syntheticPool(rows: 1000, yields: yields, seed: 1).weights,
                       SamplerBenchmark.syntheticPool(rows: 1000, yields: yields, seed: 1).weights)
    }

    func testRunReportsEveryFigureOnTinyPools() throws {
        var config = SamplerBenchmark.Configuration()
        config.poolRows = [20_000, 60_000]
        config.yields = [.htautau: 10, .ztautau: 10_024, .diboson: 38, .ttbar: 442]
        config.pseudoExperiments = 2
        config.gatherStride = 4
        config.perRowMaxRows = 20_000
        let figures = try SamplerBenchmark.run(config)
        let names = figures.map(\.name)
        for expected in ["sampler build, 20k rows (ms)", "sampler tables, 60k rows (MB)",
                         "draw (totals, picks, block sorts), 20k rows (ms/PE, median)",
                         "  a global radix sort instead of block sorts would add, 60k rows (ms/PE)",
                         "gather 4-value row-major records, 60k rows (ms/PE)",
                         "reference per-row Poisson draw, 20k rows (ms/PE)",
                         "peak resident memory after 60k rows (MB)", "draw time ratio (median), largest / smallest pool"] {
            XCTAssertTrue(names.contains(expected), "missing figure \(expected) in \(names)")
        }
        XCTAssertFalse(names.contains("reference per-row Poisson draw, 60k rows (ms/PE)"))
        XCTAssertTrue(figures.allSatisfy { $0.value.isFinite && $0.value >= 0 }, "\(figures)")
        let events = figures.first { $0.name == "events per pseudo-experiment, 60k rows" }!.value
        XCTAssertEqual(events, 10_514, accuracy: 5 * (10_514.0 / 2).squareRoot())
        XCTAssertEqual(figures.first { $0.name == "sampler tables, 60k rows (MB)" }!.value, 60_000 * 12 / 1e6, accuracy: 0.01)
    }
}
