import PseudoExperiments

/// A seeded split of the training pool's rows into disjoint roles, so that what is learnt from
/// some rows (a classifier, a selection) is never measured on the same rows.
///
/// Each row of positive weight goes to role `k` with probability `fractions[process][k]` (one
/// uniform draw per row, in row order, from the generator given); rows of weight 0 go nowhere.
/// Fractions may differ per process: a classifier needs as many signal as background rows,
/// while templates need every background row they can get. Because the
/// templates of a role are scaled back to the whole pool's yield per process
/// (``scale(role:weights:processCodes:)``), any split keeps every process's expected events.
public struct PoolPartition: Sendable {
    /// For each role, its rows in ascending order.
    public let rows: [[Int32]]

    /// A partition with these rows (a saved one, decoded).
    init(rows: [[Int32]]) {
        self.rows = rows
    }

    /// The same `fractions` for every process.
    public init(pool: EventTable, fractions: [Double], using rng: inout SeededGenerator) {
        self.init(pool: pool, fractions: Dictionary(uniqueKeysWithValues: PhysicsProcess.allCases.map { ($0, fractions) }),
                  using: &rng)
    }

    /// Role fractions per process (every process needs the same number of roles).
    ///
    /// - Precondition: per process, the fractions are >= 0 and sum to at most 1 (rounding allowed).
    public init(pool: EventTable, fractions: [PhysicsProcess: [Double]], using rng: inout SeededGenerator) {
        let roles = fractions.values.first?.count ?? 0
        precondition(roles > 0 && fractions.count == PhysicsProcess.allCases.count
                     && fractions.values.allSatisfy { $0.count == roles && $0.allSatisfy { $0 >= 0 } && $0.reduce(0, +) <= 1 + 1e-12 },
                     "role fractions must be given for every process, >= 0 and summing to at most 1, got \(fractions)")
        let cumulative: [[Double]] = PhysicsProcess.allCases.map { p in
            var sum = 0.0
            return fractions[p]!.map { sum += $0; return sum }
        }
        var rows = [[Int32]](repeating: [], count: roles)
        for i in 0..<pool.count {
            let u = rng.nextUnitDouble()
            guard pool.weights[i] > 0 else { continue }
            if let role = cumulative[Int(pool.processCodes[i])].firstIndex(where: { u < $0 }) { rows[role].append(Int32(i)) }
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
