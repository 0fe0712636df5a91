import Foundation

extension PoolSampler {
    /// The pool rows of one pseudo-experiment, sorted ascending, row `i` repeated `n_i` times.
    ///
    /// Throws ``SamplingError/invalidNormalisation(_:factor:mean:)`` if `mu` or a nuisance scale
    /// makes a normalisation negative or non-finite, and ``SamplingError/drawTooLarge(expectedEvents:)``
    /// if the draw would exceed 32-bit indices. See the type's documentation for the distribution and the
    /// order in which `rng` is consumed.
    public func draw(mu: Double, nuisances: NuisanceValues, using rng: inout SeededGenerator) throws -> [Int32] {
        var rows: [Int32] = [], scratch: [Int32] = []
        try draw(mu: mu, nuisances: nuisances, using: &rng, into: &rows, scratch: &scratch)
        return rows
    }

    /// The rows of pseudo-experiment `pseudoExperiment` of set `set` below `root`, drawn with
    /// `SeedDerivation.generator(root, .poisson, set, pseudoExperiment)`.
    ///
    /// The whole draw is a function of (pool, mu, nuisances, root, set, pseudoExperiment), so any
    /// pseudo-experiment can be regenerated alone, in any order, on any core.
    public func draw(mu: Double, nuisances: NuisanceValues,
                     root: UInt64, set: Int, pseudoExperiment: Int) throws -> [Int32] {
        var rng = SeedDerivation.generator(root, .poisson, set, pseudoExperiment)
        return try draw(mu: mu, nuisances: nuisances, using: &rng)
    }

    /// ``draw(mu:nuisances:using:)`` into caller-owned buffers, so a loop over
    /// pseudo-experiments reuses their storage. `rows` receives the result; `scratch` is
    /// working space for the sorts. Returns the number of events drawn per process.
    @discardableResult
    public func draw(mu: Double, nuisances: NuisanceValues, using rng: inout SeededGenerator,
                     into rows: inout [Int32], scratch: inout [Int32]) throws -> [PhysicsProcess: Int] {
        try draw(factors: normalisations(mu: mu, nuisances: nuisances), using: &rng, into: &rows, scratch: &scratch)
    }

    /// The same draw with the normalisation factor `c_k` of each process given directly (a
    /// challenge spec's normalisations, times a luminosity scale). Every factor must be finite
    /// and non-negative (``SamplingError/invalidNormalisation(_:factor:mean:)``); a process
    /// missing from `normalisations` is not drawn.
    @discardableResult
    public func draw(normalisations: [PhysicsProcess: Double], using rng: inout SeededGenerator,
                     into rows: inout [Int32], scratch: inout [Int32]) throws -> [PhysicsProcess: Int] {
        let factors = try PhysicsProcess.allCases.map { p in
            let factor = normalisations[p] ?? 0
            let mean = factor * processWeights[Int(p.code)]
            guard factor.isFinite, factor >= 0, mean.isFinite else {
                throw SamplingError.invalidNormalisation(p, factor: factor, mean: mean)
            }
            return factor
        }
        return try draw(factors: factors, using: &rng, into: &rows, scratch: &scratch)
    }

    /// The draw with validated factors indexed by process code.
    private func draw(factors: [Double], using rng: inout SeededGenerator,
                      into rows: inout [Int32], scratch: inout [Int32]) throws -> [PhysicsProcess: Int] {
        let processes = factors.count
        // Room for the expected size plus 8 standard deviations; grown if ever exceeded.
        let expected = zip(factors, processWeights).reduce(0) { $0 + $1.0 * $1.1 }
        guard expected <= Double(Int32.max) else { throw SamplingError.drawTooLarge(expectedEvents: expected) }
        // Only rows[0..<filled] are ever read, each after it is written: a buffer reused from the
        // previous draw is grown, not cleared (zeroing 4 MB per pseudo-experiment costs ~0.3 ms).
        let room = Int(expected + 8 * expected.squareRoot()) + 64
        if rows.count < room { rows.append(contentsOf: repeatElement(0, count: room - rows.count)) }
        var filled = 0
        var totals = [Int](repeating: 0, count: processes)

        try entries.withUnsafeBufferPointer { entries in
            for block in 0..<blockCount {
                let blockStart = filled
                for code in 0..<processes {
                    let cell = cells[block * processes + code]
                    guard cell.count > 0 else { continue }
                    let k = try PoissonVariate(mean: factors[code] * cell.weight).next(using: &rng)
                    guard k > 0 else { continue }
                    if filled + k > rows.count {
                        guard filled + k <= Int(Int32.max) else { throw SamplingError.drawTooLarge(expectedEvents: expected) }
                        rows.append(contentsOf: repeatElement(0, count: max(k, rows.count / 2)))
                    }
                    let table = UnsafeBufferPointer(rebasing: entries[cell.start..<(cell.start + cell.count)])
                    if scratch.count < k { scratch.append(contentsOf: repeatElement(0, count: k - scratch.count)) }
                    rows.withUnsafeMutableBufferPointer { out in
                        scratch.withUnsafeMutableBufferPointer { s in
                            // The sort scratch doubles as the coins' buffer (the sort runs later).
                            s.withMemoryRebound(to: UInt32.self) { coins in
                                AliasTable.sample(table, into: UnsafeMutableBufferPointer(rebasing: out[filled..<(filled + k)]),
                                                  coins: coins, using: &rng)
                            }
                        }
                    }
                    filled += k
                    totals[code] += k
                }
                if filled - blockStart > 1 {
                    if scratch.count < filled - blockStart {
                        scratch.append(contentsOf: repeatElement(0, count: filled - blockStart - scratch.count))
                    }
                    let lower = block * blockRows
                    rows.withUnsafeMutableBufferPointer { out in
                        scratch.withUnsafeMutableBufferPointer { s in
                            IndexSort.sort(UnsafeMutableBufferPointer(rebasing: out[blockStart..<filled]),
                                           lower: Int32(lower), upper: min(lower + blockRows, poolRows), scratch: s)
                        }
                    }
                }
            }
        }
        rows.removeLast(rows.count - filled)

        var byProcess: [PhysicsProcess: Int] = [:]
        for p in PhysicsProcess.allCases { byProcess[p] = totals[Int(p.code)] }
        return byProcess
    }

    /// The reference's per-row draw, `n_i ~ Poisson(c_k w_i)` for every row: O(pool rows).
    ///
    /// Same distribution as ``draw(mu:nuisances:using:)`` (not the same stream). Kept as the
    /// executable statement of what the fast draw must equal: tests compare the two and the
    /// benchmark times both. Result sorted ascending, row `i` repeated `n_i` times.
    public static func drawPerRow(weights: [Float], processCodes: [UInt8], mu: Double,
                                  nuisances: NuisanceValues,
                                  using rng: inout SeededGenerator) throws -> [Int32] {
        guard processCodes.count == weights.count else {
            throw SamplingError.mismatchedColumns(weights: weights.count, processCodes: processCodes.count)
        }
        guard weights.count <= Int(Int32.max) else { throw SamplingError.tooManyRows(weights.count) }
        var factors = [Double]()
        for p in PhysicsProcess.allCases {
            let c = nuisances.normalisation(of: p, mu: mu)
            guard c.isFinite, c >= 0 else { throw SamplingError.invalidNormalisation(p, factor: c, mean: c) }
            factors.append(c)
        }
        var rows: [Int32] = []
        for i in weights.indices {
            let code = processCodes[i]
            guard Int(code) < factors.count else { throw SamplingError.unknownProcessCode(row: i, code: code) }
            let w = Double(weights[i])
            guard w.isFinite, w >= 0 else { throw SamplingError.invalidWeight(row: i, value: w) }
            let k = try PoissonVariate(mean: factors[Int(code)] * w).next(using: &rng)
            if k > 0 { rows.append(contentsOf: repeatElement(Int32(i), count: k)) }
        }
        return rows
    }
}
