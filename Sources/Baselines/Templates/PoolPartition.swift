import PseudoExperiments

/// A seeded split of the training pool's rows into disjoint roles, so that what is learnt from
/// some rows (a classifier, a selection) is never measured on the same rows.
///
/// Each row of positive weight goes to role `k` with probability `fractions[k]` (one uniform draw
/// per row, in row order, from the generator given); rows of weight 0 go nowhere. Because the
/// templates of a role are scaled back to the whole pool's yield per process
/// (``scale(role:weights:processCodes:)``), any split keeps every process's expected events.
public struct PoolPartition: Sendable {
    /// For each role, its rows in ascending order.
    public let rows: [[Int32]]

    /// - Precondition: the fractions are positive and sum to at most 1 (rounding allowed).
    public init(pool: EventTable, fractions: [Double], using rng: inout SeededGenerator) {
        precondition(!fractions.isEmpty && fractions.allSatisfy { $0 > 0 } && fractions.reduce(0, +) <= 1 + 1e-12,
                     "role fractions must be positive and sum to at most 1, got \(fractions)")
        var cumulative: [Double] = []
        var sum = 0.0
        for f in fractions { sum += f; cumulative.append(sum) }
        var rows = [[Int32]](repeating: [], count: fractions.count)
        for i in 0..<pool.count {
            let u = rng.nextUnitDouble()
            guard pool.weights[i] > 0 else { continue }
            if let role = cumulative.firstIndex(where: { u < $0 }) { rows[role].append(Int32(i)) }
        }
        self.rows = rows
    }

    /// Per process code, the factor that scales the weights of `role`'s rows to the whole pool's
    /// yield: `sum of weights of the process / sum over the role's rows` (0 where the role has none).
    public func scale(role: Int, pool: EventTable) -> [Double] {
        let processes = PhysicsProcess.allCases.count
        var all = [Double](repeating: 0, count: processes), part = all
        for i in 0..<pool.count { all[Int(pool.processCodes[i])] += Double(pool.weights[i]) }
        for i in rows[role] { part[Int(pool.processCodes[Int(i)])] += Double(pool.weights[Int(i)]) }
        return (0..<processes).map { part[$0] > 0 ? all[$0] / part[$0] : 0 }
    }

    /// Row counts of `role` per process code.
    public func rowCounts(role: Int, pool: EventTable) -> [Int] {
        var counts = [Int](repeating: 0, count: PhysicsProcess.allCases.count)
        for i in rows[role] { counts[Int(pool.processCodes[Int(i)])] += 1 }
        return counts
    }
}
