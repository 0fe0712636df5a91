import Foundation
@testable import PseudoExperiments

/// Small event tables for pool tests: every feature distinct per row, -25 markers, signed
/// zeros, subnormals and extreme finite values, all four processes.
enum PoolTestTables {
    static func table(rows: Int, seed: UInt64 = 1) -> EventTable {
        var g = SeededGenerator(seed: seed)
        var table = EventTable()
        table.reserveCapacity(rows)
        let specials: [Float] = [Feature.undefined, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                 -.greatestFiniteMagnitude, .leastNormalMagnitude, 1e-30]
        for row in 0..<rows {
            var features = [Float](repeating: 0, count: Feature.allCases.count)
            for c in features.indices {
                if g.nextInt(below: 10) == 0 {
                    features[c] = specials[g.nextInt(below: specials.count)]
                } else {
                    // Values rounded to 3 decimals, like the PRI columns.
                    features[c] = Float((g.nextDouble(in: -5, 300) * 1000).rounded() / 1000)
                }
            }
            let process = PhysicsProcess.allCases[(row * 7 + g.nextInt(below: 4)) % 4]
            table.append(features: features, weight: Float(g.nextDouble(in: 0.001, 3)), process: process)
        }
        return table
    }

    /// Whether two tables are bit-identical (Equatable would call -0 == 0 and NaN != NaN).
    static func bitIdentical(_ a: EventTable, _ b: EventTable) -> Bool {
        guard a.count == b.count, a.processCodes == b.processCodes,
              a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern) else { return false }
        for c in a.columns.indices where a.columns[c].map(\.bitPattern) != b.columns[c].map(\.bitPattern) {
            return false
        }
        return true
    }
}
