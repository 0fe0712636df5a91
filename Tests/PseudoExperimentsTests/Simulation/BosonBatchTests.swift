import XCTest
@testable import PseudoExperiments

/// Drawing single-boson candidates a batch at a time changes the order in which random numbers
/// are used, not the physics: the batch and the candidate-by-candidate loop select the same
/// fraction of candidates and the same distributions (two-sample Kolmogorov-Smirnov tests at a
/// 1e-4 false-alarm rate; the draws are seeded, so a failure reproduces).
final class BosonBatchTests: XCTestCase {
    let rows = 12_000

    func blocks(_ process: PhysicsProcess, _ production: BosonProduction) -> (batch: ProcessGenerator.Block, loop: ProcessGenerator.Block) {
        let generator = ProcessGenerator.standard
        let chain = DecayChain(detector: generator.detector)
        let batch = generator.block(of: process, rows: rows, seed: 11, weight: 1, BosonBatch(production, chain: chain))
        let loop = generator.block(of: process, rows: rows, seed: 12, weight: 1,
                                   CandidateLoop(source: production, chain: chain, process: process))
        return (batch, loop)
    }

    /// The largest distance between the empirical distribution functions of `a` and `b`.
    func kolmogorovSmirnov(_ a: [Float], _ b: [Float]) -> Double {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count && j < y.count {
            let v = min(x[i], y[j])
            while i < x.count && x[i] == v { i += 1 }
            while j < y.count && y[j] == v { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        return d
    }

    func testBatchAndLoopSelectTheSameEvents() {
        for (process, production) in [(PhysicsProcess.ztautau, BosonProduction.ztautau), (.htautau, .htautau)] {
            let (batch, loop) = blocks(process, production)
            // Efficiency: binomial, within 5 standard deviations of the difference.
            let e1 = Double(rows) / Double(batch.candidates), e2 = Double(rows) / Double(loop.candidates)
            let sigma = (e1 * (1 - e1) / Double(batch.candidates) + e2 * (1 - e2) / Double(loop.candidates)).squareRoot()
            XCTAssertEqual(e1, e2, accuracy: 5 * sigma, "\(process.rawValue) selection efficiency")
            // Distributions: D < c(alpha) sqrt(2 / n), c = 2.23 for alpha = 1e-4.
            let critical = 2.23 * (2.0 / Double(rows)).squareRoot()
            for feature in [Feature.lepPt, .lepEta, .hadPt, .hadEta, .met, .metPhi, .nJets, .jetLeadingPt, .massVis,
                            .massTransverseMetLep, .ptH] {
                let d = kolmogorovSmirnov(batch.table[feature], loop.table[feature])
                XCTAssertLessThan(d, critical, "\(process.rawValue) \(feature.rawValue): KS distance \(d)")
            }
        }
    }
}
