import Foundation
import PseudoExperiments
import XCTest
@testable import Baselines

/// The selection search's one-pass grid histograms against the plain per-candidate histograms.
final class SelectionSearchTests: XCTestCase {
    func testGridHistogramsEqualPerCandidateHistograms() throws {
        try compareGridWithPerCandidate(BaselineFixture.context())
    }

    /// Rows whose visible mass or transverse mass is infinite or NaN (a lepton of infinite
    /// momentum) are judged by each box's own rule, and boxes with NaN or empty infinite ends
    /// select nothing finite.
    func testNonFiniteValuesAndBoundsFollowTheBoxRule() throws {
        let base = BaselineFixture.context()
        var pool = base.pool
        for row in stride(from: 0, to: 600, by: 3) { pool.columns[Feature.lepPt.index][row] = .infinity }
        // An infinite tau momentum at the nominal scales gives an infinite mass and, through
        // 0 x infinity in the MET propagation, a NaN transverse mass.
        for row in stride(from: 1, to: 600, by: 7) { pool.columns[Feature.hadPt.index][row] = .infinity }
        try compareGridWithPerCandidate(TrainingContext(spec: base.spec, pool: pool, rng: SeededGenerator(seed: 11)),
                                        extra: [BoxSelection(cuts: [.init(.massVis, lower: .nan, upper: 100)]),
                                                BoxSelection(cuts: [.init(.massVis, lower: .infinity)]),
                                                BoxSelection(cuts: [.init(.massTransverseMetLep, upper: -.infinity)]),
                                                BoxSelection(cuts: [.init(.massVis, upper: .infinity)]),
                                                BoxSelection(cuts: [.init(.massVis, lower: -.infinity, upper: 70)])])
    }

    private func compareGridWithPerCandidate(_ context: TrainingContext, extra: [BoxSelection] = []) throws {
        var context = context
        let partition = PoolPartition(pool: context.pool, fractions: [1], using: &context.rng)
        let source = partition.source(role: 0, context: context)
        let layout = try TemplateTraining.layout(context, estimator: "counting")
        let shift = layout.shift(at: layout.nominal)
        var mass: [Float] = [], mt: [Float] = [], weights: [Double] = []
        source.forEachChunk(at: shift, noiseSeed: 5) { events in
            let m = events.column(.massVis), t = events.column(.massTransverseMetLep)
            for (j, s) in events.sourceRows.enumerated() where source.processCodes[Int(s)] == PhysicsProcess.htautau.code {
                mass.append(m[m.startIndex + j]); mt.append(t[t.startIndex + j]); weights.append(source.weights[Int(s)])
            }
        }
        let search = SelectionSearch()
        var candidates = search.candidates(mass: mass, transverseMass: mt, weights: weights)
        // Boxes on one feature only, and one whose cuts exclude everything, too.
        candidates.append(BoxSelection(cuts: [.init(.massVis, lower: 60)]))
        candidates.append(BoxSelection(cuts: [.init(.massTransverseMetLep, upper: 40)]))
        candidates += extra
        candidates.append(BoxSelection(cuts: [.init(.massVis, lower: 90, upper: 80)]))
        XCTAssertGreaterThan(candidates.count, 50)

        let grid = search.histograms(candidates, source: source, at: shift, noiseSeed: 5)
        var selectedSomething = 0
        for (k, box) in candidates.enumerated() {
            var plain = TemplateSource.Histograms(bins: 1)
            source.forEachChunk(at: shift, noiseSeed: 5) { source.accumulate(box, in: $0, into: &plain) }
            for code in plain.sums.indices {
                XCTAssertEqual(grid[k].sums[code][0], plain.sums[code][0], accuracy: 1e-9 * max(1, plain.sums[code][0]),
                               "candidate \(k) (\(box.cuts)), process \(code)")
                XCTAssertEqual(grid[k].squares[code][0], plain.squares[code][0],
                               accuracy: 1e-9 * max(1, plain.squares[code][0]))
            }
            if plain.sums.contains(where: { $0[0] > 0 }) { selectedSomething += 1 }
        }
        XCTAssertEqual(grid.last!.sums.map { $0[0] }, [0, 0, 0, 0], "an empty box selects nothing")
        XCTAssertGreaterThan(selectedSomething, 50)
    }
}
