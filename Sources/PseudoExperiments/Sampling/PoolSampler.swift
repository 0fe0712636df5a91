import Foundation

/// Draws the rows of one pseudo-experiment from a pool of weighted events, as a Poisson process,
/// at a cost that grows with the events drawn and not with the pool.
///
/// The reference gives every pool row `i` of process `k` an independent multiplicity
/// ```
/// n_i ~ Poisson(c_k w_i),   c_k = NuisanceValues.normalisation(of: k, mu: mu)
/// ```
/// (`mu` for htautau, `bkgScale` for ztautau, `ttbarScale bkgScale` for ttbar,
/// `dibosonScale bkgScale` for diboson), one Poisson draw per row: tens of millions of draws
/// per pseudo-experiment for pools whose weights are far below 1. This type draws instead,
/// per process,
/// ```
/// N_k ~ Poisson(c_k W_k),   W_k = sum of w_i over the rows of k
/// N_k picks i.i.d. from the rows of k with P(i) = w_i / W_k     (one AliasTable per process)
/// n_i = number of picks of row i
/// ```
/// which costs 4 Poisson draws, `N = sum N_k` alias samples and a sort of `N` indices.
///
/// ## Why the two are the same distribution
/// Fix a process with rows `I`, `lambda_i = c w_i`, `Lambda = sum lambda_i = c W`,
/// `p_i = lambda_i / Lambda`. For any multiplicities `m_i` with `M = sum m_i`, the procedure
/// above gives (Poisson total, then multinomial given the total)
/// ```
/// P(n = m) = e^-Lambda Lambda^M / M!  *  M! / prod(m_i!)  *  prod(p_i^m_i)
///          = e^-Lambda prod((Lambda p_i)^m_i / m_i!)
///          = prod( e^-lambda_i lambda_i^m_i / m_i! )          (sum lambda_i = Lambda)
/// ```
/// which is the joint pmf of independent `Poisson(lambda_i)`: exactly the reference's per-row
/// draw. This is the splitting (thinning) property of the Poisson process: a Poisson(Lambda)
/// number of points, each independently labelled `i` with probability `p_i`, gives independent
/// Poisson(`Lambda p_i`) counts per label. Conversely, the sum of independent Poissons is
/// Poisson(`Lambda`) and, given that sum, they are multinomial(`M`, `p`). Processes use
/// independent totals and picks, so the joint law over the whole pool is the product over
/// processes, again as in the reference. Rows of weight 0 have `p_i = 0` and are never drawn;
/// `c_k = 0` (e.g. `mu = 0`) gives `N_k = 0`.
///
/// ## Reproducibility
/// A pseudo-experiment's draw uses the generator
/// `SeedDerivation.generator(root, .poisson, set, pseudoExperiment)` (see
/// ``draw(mu:nuisances:root:set:pseudoExperiment:)``) and consumes it in a fixed order: the
/// four totals `N_k` in process-code order (htautau, ztautau, ttbar, diboson; a process with
/// mean 0 consumes nothing), then the picks of each process in the same order (two 64-bit words
/// per pick, more on the rare rejection in `nextInt(below:)`). The result is sorted, so it does
/// not depend on the pick order; the bytes do depend on the pool's row order and weights.
///
/// ## Cost
/// Building: O(pool rows), once per pool (12 bytes per row of tables). A draw: O(N) random
/// accesses into the tables plus an O(N) radix sort (``IndexSort``); a pool 50x larger only
/// makes each access more likely to miss the cache. Measured by ``SamplerBenchmark``.
public struct PoolSampler: Sendable {
    /// The number of rows of the pool.
    public let poolRows: Int
    /// One alias table per process code, labelled with pool row numbers; nil if the pool has no
    /// row of positive weight for that process.
    let tables: [AliasTable?]
    /// Rows per process in the pool (including rows of weight 0).
    public let rowCounts: [PhysicsProcess: Int]

    /// A sampler of the pool whose row `i` has weight `weights[i]` and process `processCodes[i]`.
    ///
    /// Every process in `required` must have a row of positive weight; another process may be
    /// absent, and is then never drawn. Throws ``SamplingError`` naming the first bad row: a
    /// negative, NaN or infinite weight, an unknown process code, mismatched column lengths, a
    /// pool beyond 32-bit row indices, or a required process missing.
    public init(weights: UnsafeBufferPointer<Float>, processCodes: UnsafeBufferPointer<UInt8>,
                requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases)) throws {
        let n = weights.count
        guard processCodes.count == n else {
            throw SamplingError.mismatchedColumns(weights: n, processCodes: processCodes.count)
        }
        guard n <= Int(Int32.max) else { throw SamplingError.tooManyRows(n) }
        let processes = PhysicsProcess.allCases.count
        var counts = [Int](repeating: 0, count: processes)
        var positive = [Bool](repeating: false, count: processes)
        for i in 0..<n {
            let code = processCodes[i]
            guard Int(code) < processes else { throw SamplingError.unknownProcessCode(row: i, code: code) }
            let w = weights[i]
            guard w.isFinite, w >= 0 else { throw SamplingError.invalidWeight(row: i, value: Double(w)) }
            counts[Int(code)] += 1
            if w > 0 { positive[Int(code)] = true }
        }
        for p in required.sorted() where !positive[Int(p.code)] {
            throw SamplingError.missingProcess(p, rows: counts[Int(p.code)])
        }
        var tables: [AliasTable?] = []
        for code in 0..<processes {
            guard positive[code] else { tables.append(nil); continue }
            var rows = [Int32](); rows.reserveCapacity(counts[code])
            var w = [Float](); w.reserveCapacity(counts[code])
            for i in 0..<n where Int(processCodes[i]) == code {
                rows.append(Int32(i)); w.append(weights[i])
            }
            tables.append(try AliasTable(weights: w, outcomes: rows))
        }
        self.tables = tables
        poolRows = n
        var rowCounts: [PhysicsProcess: Int] = [:]
        for p in PhysicsProcess.allCases { rowCounts[p] = counts[Int(p.code)] }
        self.rowCounts = rowCounts
    }

    /// A sampler of a pool given as arrays (see the buffer initialiser).
    public init(weights: [Float], processCodes: [UInt8],
                requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases)) throws {
        self = try weights.withUnsafeBufferPointer { w in
            try processCodes.withUnsafeBufferPointer { p in
                try PoolSampler(weights: w, processCodes: p, requiring: required)
            }
        }
    }

    /// A sampler of the rows of an event table.
    public init(pool: EventTable, requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases)) throws {
        try self.init(weights: pool.weights, processCodes: pool.processCodes, requiring: required)
    }

    /// The sum of the pool's weights per process (0 for an absent process).
    public var weightSums: [PhysicsProcess: Double] {
        var out: [PhysicsProcess: Double] = [:]
        for p in PhysicsProcess.allCases { out[p] = tables[Int(p.code)]?.totalWeight ?? 0 }
        return out
    }

    /// The expected number of events per process, `c_k W_k`, at `mu` and `nuisances`.
    public func expectedEvents(mu: Double, nuisances: NuisanceValues) throws -> [PhysicsProcess: Double] {
        var out: [PhysicsProcess: Double] = [:]
        for p in PhysicsProcess.allCases { out[p] = try mean(of: p, mu: mu, nuisances: nuisances) }
        return out
    }

    /// Bytes held by the alias tables.
    public var memoryBytes: Int { tables.reduce(0) { $0 + ($1?.memoryBytes ?? 0) } }

    /// `c_k W_k`, validated: the normalisation must be finite and non-negative.
    func mean(of p: PhysicsProcess, mu: Double, nuisances: NuisanceValues) throws -> Double {
        let factor = nuisances.normalisation(of: p, mu: mu)
        let total = tables[Int(p.code)]?.totalWeight ?? 0
        let mean = factor * total
        guard factor.isFinite, factor >= 0, mean.isFinite else {
            throw SamplingError.invalidNormalisation(p, factor: factor, mean: mean)
        }
        return mean
    }
}
