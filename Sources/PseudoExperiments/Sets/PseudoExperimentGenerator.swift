import CMemory
import Foundation

/// Generates the pseudo-experiments of a challenge from a pool: for each (set, pseudo-experiment)
/// its truth, its sealed view and the harness-only provenance of its rows.
///
/// ## The seed rule
/// Everything derives from the root seed `S` (by default the phase's `default_seed`) through
/// ``SeedDerivation``, so any pseudo-experiment can be regenerated alone, in any order, on any
/// machine, and every estimator is tested on identical pseudo-experiments:
/// ```
/// mu_s          = spec.drawMu(generator(S, .setTruth, s))               one per set s
/// nuisances_s,p = spec.drawNuisances(generator(S, .nuisances, s, p))    prior draw, clipped
/// rows_s,p      = pool.sampler.draw(c, generator(S, .poisson, s, p))    Poisson reweighting
/// order_s,p     = Fisher-Yates(rows_s,p, generator(S, .shuffle, s, p))  the view's row order
/// view_s,p      = transform(order_s,p, nuisances_s,p, noise: generator(S, .softMet, s, p))
/// ```
/// with `generator(S, purpose, i...) = SeedDerivation.generator(S, purpose, i...)` and the
/// normalisation of process k, at the spec's luminosity `L` for pool weights quoted at the
/// yields' luminosity `L_ref`,
/// ```
/// c_k = spec.normalisation(of: k, mu: mu_s, nuisances: nuisances_s,p) * L / L_ref
/// ```
/// The draw gives every pool row `i` of process `k` the multiplicity `n_i ~ Poisson(c_k w_i)`
/// (``PoolSampler``). The Fisher-Yates shuffle runs `i = n-1, ..., 1`, swapping row `i` with row
/// `rng.nextInt(below: i + 1)`. The systematics transform then runs over the rows in that order
/// (``PreparedEvents/apply(_:noise:into:)``: one soft-MET Gaussian pair per row copy, in view order;
/// the post-selection cuts drop rows but keep the order of the others). The truth of a
/// pseudo-experiment needs neither the pool nor the other draws (``truth(spec:seed:set:pseudoExperiment:)``).
///
/// ## What the view holds
/// The 28 features of the surviving rows, one row per copy, in the shuffled order: no weights,
/// counts, processes, pool rows, labels, truths or seeds (``SealedView``). The order is a uniform
/// random permutation independent of the rows, so it carries no information about them.
///
/// ## Cost
/// O(events) per pseudo-experiment, nearly independent of the pool's size (``PseudoExperimentBenchmark``,
/// release, one core, 1.05 M events, nearly idle 2-core machine with AVX-512): 46.9 ms from a
/// 1 M-row pool (draw 7.4, shuffle 2.8, gather 8.4, transform 25.1, copy into the view and
/// provenance 8.6), 77.8 ms from the 54 M-row evaluation pool (draw 18.7, gather 8.4, transform
/// 38.3: the prefetches of that pool's records stall it); 40 pseudo-experiments per second on two
/// cores (views reuse the memory of earlier ones: ``ViewMemory``). Before the C kernels, the
/// whole-line streaming and the draw's and shuffle's prefetches: 91 and 127-135 ms (draw 12,
/// shuffle 4, gather 23, transform 43, copy 12.8); before the tiles, at load ~5: 120 and 198 ms.
///
/// The view's order is drawn before the rows are read, so records are gathered in random
/// order: the transform runs on 256-row tiles that stay in the L1 cache, and while one tile is
/// transformed the next tile's records are prefetched into L2 (``PrefetchList``), so that the
/// memory latency of the gather overlaps the arithmetic of the transform; the gather expands
/// four records at a time in C (``PoolRecords``). Each tile's surviving rows and their
/// provenance are streamed with non-temporal stores of whole 64-byte lines (``ViewStreamer``:
/// about 4.5 ms of the copy is the memory bandwidth for ~108 MB), into columns sized for the rows
/// before the cuts: the view keeps that column stride (``SealedView``) rather than moving ~100 MB
/// to close the gaps. `generate` is safe to call from many threads at once, each with its own
/// ``GenerationWorkspace``.
public struct PseudoExperimentGenerator: Sendable {
    /// The challenge.
    public let spec: ChallengeSpec
    /// The pool every pseudo-experiment is drawn from.
    public let pool: PreparedPool
    /// The root seed.
    public let seed: UInt64
    /// `L / L_ref`: the spec's luminosity over the luminosity its yields (and the pool's
    /// weights) are quoted at.
    public let luminosityScale: Double

    public init(spec: ChallengeSpec, pool: PreparedPool, seed: UInt64) {
        self.spec = spec
        self.pool = pool
        self.seed = seed
        luminosityScale = spec.luminosity / spec.yields.referenceLuminosity
    }

    /// The true mu of set `set` (the seed rule above).
    public static func mu(spec: ChallengeSpec, seed: UInt64, set: Int) -> Double {
        precondition(set >= 0, "set indices start at 0, got \(set)")
        var rng = SeedDerivation.generator(seed, .setTruth, set)
        return spec.drawMu(using: &rng)
    }

    /// The truth of pseudo-experiment `pseudoExperiment` of set `set` (the seed rule above).
    public static func truth(spec: ChallengeSpec, seed: UInt64, set: Int, pseudoExperiment: Int) -> GroundTruth {
        precondition(pseudoExperiment >= 0, "pseudo-experiment indices start at 0, got \(pseudoExperiment)")
        var rng = SeedDerivation.generator(seed, .nuisances, set, pseudoExperiment)
        return GroundTruth(mu: mu(spec: spec, seed: seed, set: set), nuisances: spec.drawNuisances(using: &rng))
    }

    /// The truth of pseudo-experiment `pseudoExperiment` of set `set`.
    public func truth(set: Int, pseudoExperiment: Int) -> GroundTruth {
        Self.truth(spec: spec, seed: seed, set: set, pseudoExperiment: pseudoExperiment)
    }

    /// The Poisson mean factor `c_k` of every process for `truth` (see the type's documentation).
    public func normalisations(for truth: GroundTruth) -> [PhysicsProcess: Double] {
        var out: [PhysicsProcess: Double] = [:]
        for p in PhysicsProcess.allCases {
            out[p] = spec.normalisation(of: p, mu: truth.mu, nuisances: truth.nuisances) * luminosityScale
        }
        return out
    }

    /// The expected number of events of a pseudo-experiment with `truth`, before the cuts.
    public func expectedEvents(for truth: GroundTruth) -> Double {
        let c = normalisations(for: truth)
        return PhysicsProcess.allCases.reduce(0) { $0 + (c[$1] ?? 0) * (pool.weightSums[$1] ?? 0) }
    }

    /// Generates one pseudo-experiment.
    public func generate(set: Int, pseudoExperiment: Int) throws -> GeneratedPseudoExperiment {
        var workspace = GenerationWorkspace()
        return try generate(set: set, pseudoExperiment: pseudoExperiment, workspace: &workspace)
    }

    /// Generates one pseudo-experiment, reusing the buffers of `workspace`.
    ///
    /// Throws ``SamplingError`` if the truth makes a Poisson mean invalid (a spec whose clip
    /// ranges allow it) or the pseudo-experiment too large for 32-bit row indices.
    public func generate(set: Int, pseudoExperiment: Int,
                         workspace: inout GenerationWorkspace) throws -> GeneratedPseudoExperiment {
        var timings = GenerationTimings()
        return try generate(set: set, pseudoExperiment: pseudoExperiment, workspace: &workspace, timings: &timings)
    }

    /// ``generate(set:pseudoExperiment:workspace:)`` with the CPU time of each stage.
    func generate(set: Int, pseudoExperiment: Int, workspace w: inout GenerationWorkspace,
                  timings: inout GenerationTimings) throws -> GeneratedPseudoExperiment {
        let truth = truth(set: set, pseudoExperiment: pseudoExperiment)
        var clock = Stopwatch()

        // Poisson reweighting: the pool rows of the pseudo-experiment, one entry per copy.
        var poisson = SeedDerivation.generator(seed, .poisson, set, pseudoExperiment)
        try pool.sampler.draw(normalisations: normalisations(for: truth), using: &poisson,
                              into: &w.rows, scratch: &w.scratch)
        timings.draw += clock.lap()

        // The view's order: a uniform shuffle of the copies, before anything reads their features.
        var order = SeedDerivation.generator(seed, .shuffle, set, pseudoExperiment)
        let n = w.rows.count
        w.rows.withUnsafeMutableBufferPointer { Self.shuffle($0, using: &order) }
        timings.shuffle += clock.lap()

        // Gather and transform tile by tile (a tile's prepared columns and its output stay in
        // the L1 cache), then stream the surviving rows into the view's columns, which have
        // room for all n rows (the cuts leave gaps after the columns, kept in the view).
        let features = Feature.allCases.count
        // The memory of an earlier view if one is free (``ViewMemory``: no page faults, no
        // zeroing by the kernel), else fresh memory in 2 MB pages (512 times fewer faults).
        // Every value the view exposes is written first; the padding is never read, and Float
        // has no destructor.
        var values = ViewMemory.shared.take(atLeast: features * n)
            ?? [Float](unsafeUninitializedCapacity: ViewMemory.headroom(features * n)) { buffer, initialized in
                HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                initialized = buffer.count
            }
        // Provenance of the surviving rows; only the first m entries are written and kept.
        var poolRows = [Int32](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var codes = [UInt8](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        if w.tileCodes.count < Self.tileRows { w.tileCodes = [UInt8](repeating: 0, count: Self.tileRows) }
        var noise = SeedDerivation.generator(seed, .softMet, set, pseudoExperiment)
        let shift = SystematicShift(truth.nuisances)
        let rowsOfPE = w.rows
        var kept = 0
        if n > 0 {
            let scratchBytes = ViewStreamer.scratchBytes(columns: features, tileRows: Self.tileRows)
            withUnsafeTemporaryAllocation(byteCount: scratchBytes, alignment: 64) { scratch in
                rowsOfPE.withUnsafeBufferPointer { rows in
                    values.withUnsafeMutableBufferPointer { view in
                        poolRows.withUnsafeMutableBufferPointer { poolRows in
                            codes.withUnsafeMutableBufferPointer { codes in
                                var streamer = ViewStreamer(view: view.baseAddress!, columns: features, columnStride: n,
                                                            poolRows: poolRows.baseAddress!, codes: codes.baseAddress!,
                                                            scratch: scratch, tileRows: Self.tileRows)
                                generateTiles(rows, shift: shift, noise: &noise, workspace: &w, into: &streamer,
                                              timings: &timings, clock: &clock)
                                streamer.finish()
                                kept = streamer.count
                            }
                        }
                    }
                }
            }
        }
        if !timings.detailed { timings.tiles += clock.lap() }

        // Seal: keep the m surviving rows; the view keeps the column stride n.
        let m = kept
        poolRows.removeLast(n - m)
        codes.removeLast(n - m)
        timings.seal += clock.lap()
        timings.events += m
        return GeneratedPseudoExperiment(set: set, pseudoExperiment: pseudoExperiment, truth: truth,
                                         view: SealedView(count: m, columnStride: n, storage: values, recycled: true),
                                         provenance: RowProvenance(poolRows: poolRows, processCodes: codes))
    }

    /// Gathers, transforms and streams the view's rows `rows` tile by tile: a tile's prepared
    /// columns and its output stay in the L1 cache, the next tile's records are prefetched into L2
    /// while it is transformed, and its surviving rows go to `streamer`.
    private func generateTiles(_ rows: UnsafeBufferPointer<Int32>, shift: SystematicShift, noise: inout SeededGenerator,
                               workspace w: inout GenerationWorkspace, into streamer: inout ViewStreamer,
                               timings: inout GenerationTimings, clock: inout Stopwatch) {
        let n = rows.count, records = pool.records
        var tileStart = 0
        while tileStart < n {
            let t = min(Self.tileRows, n - tileStart)
            let tileRows = UnsafeBufferPointer(rebasing: rows[tileStart..<(tileStart + t)])
            w.tileCodes.withUnsafeMutableBufferPointer { tileCodes in
                records.gather(tileRows, into: &w.tile, processCodes: tileCodes.baseAddress!)
            }
            if timings.detailed { timings.gather += clock.lap() }
            // While the tile is transformed (arithmetic), the next tile's records are fetched into
            // L2 (memory latency), one per row, so that its gather finds them there.
            let next = UnsafeBufferPointer(rebasing: rows[(tileStart + t)..<min(tileStart + t + Self.tileRows, n)])
            w.tile.apply(shift, noise: &noise, into: &w.tileOutput, prefetching: records.prefetchList(next))
            if timings.detailed { timings.transform += clock.lap() }
            w.tileCodes.withUnsafeBufferPointer { tileCodes in
                streamer.append(w.tileOutput, poolRowsOfTile: tileRows.baseAddress!, codesOfTile: tileCodes.baseAddress!)
            }
            tileStart += t
            if timings.detailed { timings.seal += clock.lap() }
        }
    }

    /// The Fisher-Yates shuffle of the seed rule: `i = n-1, ..., 1`, swapping `rows[i]` with
    /// `rows[rng.nextInt(below: i + 1)]`.
    ///
    /// The partners are drawn a block of ``shuffleBlock`` ahead of the swaps and prefetched: the
    /// rows (4 MB for 1 M events) outgrow L2, and each random partner would otherwise wait on
    /// memory in turn. The partners do not depend on the rows, so the draws, their order and the
    /// swaps are those of the plain loop.
    static func shuffle(_ rows: UnsafeMutableBufferPointer<Int32>, using rng: inout SeededGenerator) {
        guard let base = rows.baseAddress, rows.count > 1 else { return }
        let block = shuffleBlock
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * block) { buffer in
            var drawn = buffer.baseAddress!, drawing = drawn + block
            // Partners of i = top, top - 1, ..., top - count + 1 (down to 1).
            func draw(_ top: Int, into partners: UnsafeMutablePointer<Int>) -> Int {
                let count = min(block, top)
                for k in 0..<count {
                    let j = rng.nextInt(below: top - k + 1)
                    partners[k] = j
                    fuq_prefetch(base + j)
                }
                return count
            }
            var top = rows.count - 1
            var count = draw(top, into: drawn)
            while count > 0 {
                let nextCount = draw(top - count, into: drawing)
                for k in 0..<count { rows.swapAt(top - k, drawn[k]) }
                top -= count
                count = nextCount
                swap(&drawn, &drawing)
            }
        }
    }

    /// Swap partners drawn ahead by ``shuffle(_:using:)``.
    static let shuffleBlock = 64

    /// Rows gathered and transformed at a time: small enough that a tile's 31 prepared columns
    /// (31 KB) stay in the L1 cache while the gather writes them (measured: 256-row tiles gather
    /// 3.5x faster than 2048-row ones, whose column writes miss L1 and starve the prefetches).
    static let tileRows = 256
}

/// Buffers reused from one pseudo-experiment to the next by one thread.
public struct GenerationWorkspace {
    var rows: [Int32] = []
    var scratch: [Int32] = []
    var tileCodes: [UInt8] = []
    var tile = PreparedEvents()
    var tileOutput = TransformedEvents()

    public init() {}
}

/// CPU milliseconds spent in each stage of generation (summed over calls), for the benchmark.
///
/// Reading the thread's CPU clock is a system call (~0.3 us): per-tile laps cost a few
/// milliseconds per pseudo-experiment, so they are taken only when `detailed`; otherwise the
/// tiles are timed as a whole (``tiles``).
struct GenerationTimings {
    var detailed = false
    var draw = 0.0
    var shuffle = 0.0
    /// Gather, transform and copy into the view, when not `detailed`.
    var tiles = 0.0
    var gather = 0.0
    var transform = 0.0
    /// Streaming each tile's survivors into the view, their provenance, and the final trim.
    var seal = 0.0
    var events = 0

    var total: Double { draw + shuffle + tiles + gather + transform + seal }
}
