extension AliasTable {
    init<W: BinaryFloatingPoint>(buffer w: UnsafeBufferPointer<W>, outcomes: [Int32]?) throws {
        let n = w.count
        guard n > 0 else { throw SamplingError.emptyWeights }
        guard n <= Int(Int32.max) else { throw SamplingError.tooManyRows(n) }
        if let outcomes {
            precondition(outcomes.count == n, "outcomes has \(outcomes.count) entries for \(n) weights")
        }
        var q = [Double](repeating: 0, count: n)
        var work = [Int32](repeating: 0, count: n)
        var table = [Entry](repeating: Entry(threshold: 0, primary: 0, alias: 0), count: n)
        let sum = try q.withUnsafeMutableBufferPointer { q in
            try work.withUnsafeMutableBufferPointer { work in
                try table.withUnsafeMutableBufferPointer { table in
                    if let outcomes {
                        return try outcomes.withUnsafeBufferPointer {
                            try Self.build(weights: w, outcomes: $0, into: table, q: q, work: work)
                        }
                    }
                    return try Self.build(weights: w, outcomes: nil, into: table, q: q, work: work)
                }
            }
        }
        entries = table
        totalWeight = sum
    }

    /// Vose's construction of the entries for weights `w` into `table[0..<w.count]`, with `q`
    /// and `work` (at least `w.count` each) as scratch. Returns the sum of the weights.
    ///
    /// Validation errors name rows as indices into `w`.
    static func build<W: BinaryFloatingPoint>(weights w: UnsafeBufferPointer<W>, outcomes: UnsafeBufferPointer<Int32>?,
                                              into table: UnsafeMutableBufferPointer<Entry>,
                                              q: UnsafeMutableBufferPointer<Double>,
                                              work: UnsafeMutableBufferPointer<Int32>) throws -> Double {
        let n = w.count
        guard n > 0 else { throw SamplingError.emptyWeights }
        precondition(table.count >= n && q.count >= n && work.count >= n && (outcomes?.count ?? n) >= n,
                     "alias-table scratch too small for \(n) weights")
        var sum = 0.0
        for i in 0..<n {
            let x = Double(w[i])
            guard x.isFinite, x >= 0 else { throw SamplingError.invalidWeight(row: i, value: x) }
            sum += x
        }
        guard sum > 0 else { throw SamplingError.zeroWeightSum(rows: n) }
        guard sum.isFinite else { throw SamplingError.invalidWeight(row: n - 1, value: sum) }

        let scale = Double(n) / sum
        for i in 0..<n { q[i] = Double(w[i]) * scale }
        // Work lists in one array: small outcomes grow from the front, large from the back.
        // Zero weights are put on top of the small stack so they are paired first, while large
        // outcomes certainly remain (a zero must never be left over and given a full slot).
        var smallTop = 0, largeBottom = n
        for i in 0..<n where q[i] >= 1 { largeBottom -= 1; work[largeBottom] = Int32(i) }
        for i in 0..<n where q[i] < 1 && q[i] > 0 { work[smallTop] = Int32(i); smallTop += 1 }
        for i in 0..<n where q[i] == 0 { work[smallTop] = Int32(i); smallTop += 1 }

        // `table[i].alias` holds a slot index while building; a slot whose alias is itself is
        // full (its outcome was never small, or was left over with q within rounding of 1).
        for i in 0..<n { table[i] = Entry(threshold: 0, primary: outcomes?[i] ?? Int32(i), alias: Int32(i)) }
        var lastLarge: Int32 = -1
        while smallTop > 0 && largeBottom < n {
            smallTop -= 1
            let s = Int(work[smallTop])
            let g = Int(work[largeBottom])
            table[s].alias = Int32(g)          // q[s] is final from here on: it is s's threshold
            lastLarge = Int32(g)
            // (q_g + q_s) - 1 rather than q_g - (1 - q_s): the rounding stays on the large side.
            q[g] = (q[g] + q[s]) - 1
            if q[g] < 1 {
                largeBottom += 1
                work[smallTop] = Int32(g)
                smallTop += 1
            }
        }
        // Left-overs have q within rounding of 1 and keep their whole slot. A zero weight cannot
        // be left over (zeros are paired first, while large outcomes remain), but if rounding
        // ever left one, it stays at threshold 0 with the last large outcome as its alias.
        while smallTop > 0 {
            smallTop -= 1
            let s = Int(work[smallTop])
            if q[s] == 0, lastLarge >= 0 { table[s].alias = lastLarge }
        }
        for i in 0..<n {
            let a = Int(table[i].alias)
            if a == i {
                // A full slot: coin < max takes the primary, and the one coin equal to max
                // (probability 2^-32) must take it too, so the alias is the primary *outcome*
                // (the slot index it held while building is not an outcome when labels are given).
                table[i].threshold = .max
                table[i].alias = table[i].primary
            } else {
                table[i].threshold = UInt32(min((q[i] * 0x1.0p32).rounded(), 0x1.0p32 - 1))
                table[i].alias = outcomes?[a] ?? Int32(a)
            }
        }
        return sum
    }
}
