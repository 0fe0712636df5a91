import Foundation

/// Draws the rows of one pseudo-experiment from a pool of weighted events, as a Poisson process,
/// at a cost that grows with the events drawn and not with the pool.
///
/// The reference gives every pool row `i` of process `k` an independent multiplicity
/// ```
/// n_i ~ Poisson(c_k w_i),   c_k = NuisanceValues.normalisation(of: k, mu: mu)
/// ```
/// (`mu` for htautau, `bkgScale` for ztautau, `ttbarScale bkgScale` for ttbar,
/// `dibosonScale bkgScale` for diboson): one Poisson draw per row, tens of millions per
/// pseudo-experiment for pools whose weights are far below 1. This type cuts the pool into
/// cells, each the rows of one process within one block of consecutive rows, and draws per cell
/// ```
/// N_C ~ Poisson(c_k W_C),   W_C = sum of w_i over the rows of cell C
/// N_C picks i.i.d. from the rows of C with P(i) = w_i / W_C     (an alias table per cell)
/// n_i = number of picks of row i
/// ```
/// then sorts each block's picks, which lie in that block's row range. The cost is one Poisson
/// draw per cell, `N = sum N_C` alias samples, and sorts of ~1000 values held in cache.
///
/// ## Why this is the reference's distribution
/// Fix a cell with rows `I`, `lambda_i = c w_i`, `Lambda = sum lambda_i = c W`,
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
/// Poisson(`Lambda`) and, given that sum, they are multinomial(`M`, `p`). Cells use
/// independent totals and picks, so the joint law over the pool is the product over cells, again
/// as in the reference; how the pool is cut into cells does not matter (one cell per process
/// would do), it only serves locality. Rows of weight 0 are left out of the cells and never
/// drawn; `c_k = 0` (e.g. `mu = 0`) gives `N_C = 0`.
///
/// ## Blocks
/// A block holds ``blockRows`` consecutive pool rows: the power of two nearest to
/// `poolRows * 1024 / sum(w)`, clamped to 256...65,536, so that a nominal pseudo-experiment
/// expects ~1024 events per block (the sort of a block stays in L1, the alias entries of a block
/// are contiguous, and the number of cells, hence of Poisson draws, grows with the
/// pseudo-experiment rather than the pool until the clamp: ~4,000 draws for 1 M events).
///
/// ## Reproducibility
/// A pseudo-experiment's draw uses the generator
/// `SeedDerivation.generator(root, .poisson, set, pseudoExperiment)` (see
/// ``draw(mu:nuisances:root:set:pseudoExperiment:)``) and consumes it in a fixed order: blocks
/// ascending; within a block, processes in code order (htautau, ztautau, ttbar, diboson); for
/// each non-empty cell its total `N_C` (``PoissonVariate``) then its picks (two 64-bit words per
/// pick, more on the rare rejection in `nextInt(below:)`). The result is sorted. The stream
/// depends on the pool's rows and weights, and on the block rule above: changing either changes
/// every pseudo-experiment.
///
/// ## Cost
/// Building: O(pool rows), once per pool; 12 bytes per row of positive weight, in huge pages
/// (``HugePages``). A draw: one Poisson draw per cell, O(N) alias samples (all slots and coins
/// of a cell first, then all entry lookups, so many cache misses are in flight; blocks in
/// ascending memory order, each slot's entry prefetched as soon as it is drawn) and O(N) sorting in
/// cache. Measured as the draw stage of ``PseudoExperimentBenchmark`` (release, one core,
/// 1.05 M events): ~7.5 ms from a 1 M-row pool, ~18 ms from the 54 M-row evaluation pool (its
/// alias entries, 650 MB, miss the caches); ``SamplerBenchmark`` timed the reference's per-row
/// draw at ~40 ms and ~520 ms (1 M and 50 M rows).
public struct PoolSampler: Sendable {
    /// One cell: the rows of one process in one block, as a range of ``entries``.
    struct Cell: Sendable {
        var start: Int
        var count: Int
        var weight: Double
    }

    /// The number of rows of the pool.
    public let poolRows: Int
    /// Rows per block (a power of two).
    public let blockRows: Int
    /// Rows per process in the pool (including rows of weight 0).
    public let rowCounts: [PhysicsProcess: Int]
    /// The sum of the pool's weights per process code.
    let processWeights: [Double]
    /// Alias entries of all cells, labelled with pool rows, cell after cell.
    let entries: [AliasTable.Entry]
    /// Cells, block-major: `cells[block * 4 + code]`.
    let cells: [Cell]
    /// Target expected events per block at nominal normalisation.
    static let eventsPerBlock = 1024.0

    /// A sampler of the pool whose row `i` has weight `weights[i]` and process `processCodes[i]`.
    ///
    /// Every process in `required` must have a row of positive weight; another process may be
    /// absent, and is then never drawn. Throws ``SamplingError`` naming the first bad row: a
    /// negative, NaN or infinite weight, an unknown process code, mismatched column lengths, a
    /// pool beyond 32-bit row indices, or a required process missing; and
    /// ``SamplingError/zeroWeightSum(rows:)`` if no row has a positive weight.
    public init(weights: UnsafeBufferPointer<Float>, processCodes: UnsafeBufferPointer<UInt8>,
                requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases)) throws {
        let n = weights.count
        guard processCodes.count == n else {
            throw SamplingError.mismatchedColumns(weights: n, processCodes: processCodes.count)
        }
        guard n <= Int(Int32.max) else { throw SamplingError.tooManyRows(n) }
        let processes = PhysicsProcess.allCases.count
        var counts = [Int](repeating: 0, count: processes)
        var positive = [Int](repeating: 0, count: processes)
        var sums = [Double](repeating: 0, count: processes)
        for i in 0..<n {
            let code = processCodes[i]
            guard Int(code) < processes else { throw SamplingError.unknownProcessCode(row: i, code: code) }
            let w = weights[i]
            guard w.isFinite, w >= 0 else { throw SamplingError.invalidWeight(row: i, value: Double(w)) }
            counts[Int(code)] += 1
            if w > 0 { positive[Int(code)] += 1; sums[Int(code)] += Double(w) }
        }
        for p in required.sorted() where positive[Int(p.code)] == 0 {
            throw SamplingError.missingProcess(p, rows: counts[Int(p.code)])
        }
        let total = sums.reduce(0, +)
        guard total > 0 else { throw SamplingError.zeroWeightSum(rows: n) }
        guard total.isFinite else { throw SamplingError.invalidWeight(row: n - 1, value: total) }

        let blockRows = Self.blockRows(poolRows: n, totalWeight: total)
        let (entries, cells) = try Self.buildCells(weights: weights, processCodes: processCodes,
                                                   blockRows: blockRows, positiveRows: positive.reduce(0, +))
        self.entries = entries
        self.cells = cells
        self.blockRows = blockRows
        poolRows = n
        processWeights = sums
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
        for p in PhysicsProcess.allCases { out[p] = processWeights[Int(p.code)] }
        return out
    }

    /// The expected number of events per process, `c_k W_k`, at `mu` and `nuisances`.
    public func expectedEvents(mu: Double, nuisances: NuisanceValues) throws -> [PhysicsProcess: Double] {
        let c = try normalisations(mu: mu, nuisances: nuisances)
        var out: [PhysicsProcess: Double] = [:]
        for p in PhysicsProcess.allCases { out[p] = c[Int(p.code)] * processWeights[Int(p.code)] }
        return out
    }

    /// Bytes held by the alias entries and cells.
    public var memoryBytes: Int {
        entries.capacity * MemoryLayout<AliasTable.Entry>.stride + cells.capacity * MemoryLayout<Cell>.stride
    }

    /// The number of blocks.
    public var blockCount: Int { cells.count / PhysicsProcess.allCases.count }

    /// `c_k` per process code, validated: each must be finite and non-negative, and give a
    /// finite mean.
    func normalisations(mu: Double, nuisances: NuisanceValues) throws -> [Double] {
        try PhysicsProcess.allCases.map { p in
            let factor = nuisances.normalisation(of: p, mu: mu)
            let mean = factor * processWeights[Int(p.code)]
            guard factor.isFinite, factor >= 0, mean.isFinite else {
                throw SamplingError.invalidNormalisation(p, factor: factor, mean: mean)
            }
            return factor
        }
    }

    /// The block size rule (see the type's documentation): part of the reproducibility contract.
    static func blockRows(poolRows: Int, totalWeight: Double) -> Int {
        let ideal = Double(poolRows) * eventsPerBlock / totalWeight
        let exponent = Int(log2(max(ideal, 1)).rounded())
        return 1 << min(max(exponent, 8), 16)
    }

    /// The alias entries of every cell, block by block, and the cells.
    private static func buildCells(weights: UnsafeBufferPointer<Float>, processCodes: UnsafeBufferPointer<UInt8>,
                                   blockRows: Int, positiveRows: Int) throws -> ([AliasTable.Entry], [Cell]) {
        let n = weights.count
        let processes = PhysicsProcess.allCases.count
        let blocks = (n + blockRows - 1) / blockRows
        var entries = HugePages.array(repeating: AliasTable.Entry(threshold: 0, primary: 0, alias: 0),
                                      count: positiveRows)
        var cells: [Cell] = []
        cells.reserveCapacity(blocks * processes)
        // Per-cell scratch, reused: the cell's weights and rows, and Vose's work arrays.
        var cellWeights = [Float](repeating: 0, count: blockRows)
        var cellRows = [Int32](repeating: 0, count: blockRows)
        var q = [Double](repeating: 0, count: blockRows)
        var work = [Int32](repeating: 0, count: blockRows)
        var next = 0
        try entries.withUnsafeMutableBufferPointer { e in
            for b in 0..<blocks {
                let rows = (b * blockRows)..<min((b + 1) * blockRows, n)
                for code in 0..<processes {
                    var m = 0
                    for i in rows where processCodes[i] == UInt8(code) && weights[i] > 0 {
                        cellWeights[m] = weights[i]; cellRows[m] = Int32(i); m += 1
                    }
                    var weight = 0.0
                    if m > 0 {
                        weight = try cellWeights.withUnsafeBufferPointer { w in
                            try cellRows.withUnsafeBufferPointer { r in
                                try q.withUnsafeMutableBufferPointer { q in
                                    try work.withUnsafeMutableBufferPointer { work in
                                        try AliasTable.build(weights: UnsafeBufferPointer(rebasing: w[0..<m]),
                                                             outcomes: UnsafeBufferPointer(rebasing: r[0..<m]),
                                                             into: UnsafeMutableBufferPointer(rebasing: e[next..<(next + m)]),
                                                             q: q, work: work)
                                    }
                                }
                            }
                        }
                    }
                    cells.append(Cell(start: next, count: m, weight: weight))
                    next += m
                }
            }
        }
        return (entries, cells)
    }
}
