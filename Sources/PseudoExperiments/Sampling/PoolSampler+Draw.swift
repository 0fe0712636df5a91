import Foundation

extension PoolSampler {
    /// The pool rows of one pseudo-experiment, sorted ascending, row `i` repeated `n_i` times.
    ///
    /// Throws ``SamplingError/invalidNormalisation(_:factor:mean:)`` if `mu` or a nuisance scale
    /// makes a normalisation negative or non-finite, ``SamplingError/invalidPoissonMean(_:)`` for
    /// a mean beyond ``PoissonVariate/maximumMean``, and ``SamplingError/tooManyRows(_:)`` if the
    /// draw exceeds 32-bit indices. See the type's documentation for the distribution and the
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
    /// working space for the sort. Returns the number of events drawn per process.
    @discardableResult
    public func draw(mu: Double, nuisances: NuisanceValues, using rng: inout SeededGenerator,
                     into rows: inout [Int32], scratch: inout [Int32]) throws -> [PhysicsProcess: Int] {
        let processes = PhysicsProcess.allCases
        var totals = [Int](repeating: 0, count: processes.count)
        for p in processes {
            let mean = try mean(of: p, mu: mu, nuisances: nuisances)
            totals[Int(p.code)] = try PoissonVariate(mean: mean).next(using: &rng)
        }
        let n = totals.reduce(0, +)
        guard n <= Int(Int32.max) else { throw SamplingError.tooManyRows(n) }

        rows.removeAll(keepingCapacity: true)
        rows.reserveCapacity(n)
        rows.append(contentsOf: repeatElement(0, count: n))
        rows.withUnsafeMutableBufferPointer { out in
            var start = 0
            for code in 0..<processes.count where totals[code] > 0 {
                // A positive total implies a positive mean, hence a table.
                guard let table = tables[code] else { continue }
                let slice = UnsafeMutableBufferPointer(rebasing: out[start..<(start + totals[code])])
                table.sample(totals[code], into: slice, using: &rng)
                start += totals[code]
            }
        }
        IndexSort.sort(&rows, below: poolRows, scratch: &scratch)

        var byProcess: [PhysicsProcess: Int] = [:]
        for p in processes { byProcess[p] = totals[Int(p.code)] }
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
