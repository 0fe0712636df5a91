import Foundation
@testable import PseudoExperiments
import TestSupport

/// Pools and specs shared by the set tests: the 1000 real FAIR Universe sample events (all four
/// processes, weights summing to the challenge's yields at 10 fb^-1) and the scaled-down
/// challenge, whose pseudo-experiments expect ~10,500 events, so each pool row is drawn about
/// ten times per pseudo-experiment.
enum SetsFixtures {
    /// The sample events as a table.
    static let sampleTable: EventTable = {
        // A missing reference directory is a test failure (see ReferenceData), reported by the
        // first test that reads it.
        (try? EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table) ?? EventTable()
    }()

    /// The sample events as a prepared pool.
    static let samplePool: PreparedPool = {
        // Built once; a failure here shows up as a crash naming the reason.
        do { return try PreparedPool(sampleTable) } catch { fatalError("sample pool: \(error)") }
    }()

    static let mini: ChallengeSpec = {
        do { return try ChallengeSpec.builtin(named: "fair-universe-2024-mini") } catch { fatalError("\(error)") }
    }()

    /// A generator of the mini challenge on the sample pool.
    static func generator(seed: UInt64 = 2024102) -> PseudoExperimentGenerator {
        PseudoExperimentGenerator(spec: mini, pool: samplePool, seed: seed)
    }

    /// `copies` copies of the sample, each with every angle and momentum nudged by a seeded
    /// few thousandths (kept on the 3-decimal grid), so that rows are distinct; weights are
    /// divided by `copies` so that the yields stay the challenge's.
    static func enlargedSample(copies: Int, seed: UInt64) -> EventTable {
        var rng = SeededGenerator(seed: seed)
        var out = EventTable()
        out.reserveCapacity(sampleTable.count * copies)
        for _ in 0..<copies {
            var copy = sampleTable
            for f in Feature.primary where f != .nJets {
                for i in 0..<copy.count where copy.columns[f.index][i] != Feature.undefined {
                    let nudge = Float(rng.nextInt(below: 7) - 3) / 1000
                    copy.columns[f.index][i] = roundToThreeDecimals(copy.columns[f.index][i] + nudge)
                }
            }
            copy.weights = copy.weights.map { $0 / Float(copies) }
            out.append(contentsOf: copy)
        }
        return out
    }
}
