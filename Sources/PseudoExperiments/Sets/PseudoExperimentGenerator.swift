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
/// O(events) per pseudo-experiment, independent of the pool's size (measured by
/// ``PseudoExperimentBenchmark``). `generate` is safe to call from many threads at once, each with
/// its own ``GenerationWorkspace``.
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
        w.rows.withUnsafeMutableBufferPointer { rows in
            var i = n - 1
            while i > 0 {
                let j = order.nextInt(below: i + 1)
                rows.swapAt(i, j)
                i -= 1
            }
        }
        timings.shuffle += clock.lap()

        // The prepared records of those rows, in that order.
        if w.processCodes.count < n { w.processCodes = [UInt8](repeating: 0, count: n) }
        w.rows.withUnsafeBufferPointer { rows in
            w.processCodes.withUnsafeMutableBufferPointer { codes in
                pool.records.gather(rows, into: &w.batch, processCodes: codes.baseAddress!)
            }
        }
        timings.gather += clock.lap()

        // The systematics transform at the drawn nuisance values, cuts on.
        var noise = SeedDerivation.generator(seed, .softMet, set, pseudoExperiment)
        w.batch.apply(SystematicShift(truth.nuisances), noise: &noise, into: &w.transformed)
        timings.transform += clock.lap()

        // Seal: the surviving rows' features only; the provenance stays with the harness.
        let m = w.transformed.count
        let features = Feature.allCases.count
        let values = [Float](unsafeUninitializedCapacity: features * m) { out, initialized in
            for feature in Feature.allCases {
                w.transformed.column(feature).withUnsafeBufferPointer { column in
                    if let source = column.baseAddress, m > 0 {
                        (out.baseAddress! + feature.index * m).update(from: source, count: m)
                    }
                }
            }
            initialized = features * m
        }
        var poolRows = [Int32](repeating: 0, count: m)
        var codes = [UInt8](repeating: 0, count: m)
        for (k, position) in w.transformed.sourceRows.enumerated() {
            poolRows[k] = w.rows[Int(position)]
            codes[k] = w.processCodes[Int(position)]
        }
        timings.seal += clock.lap()
        timings.events += m
        return GeneratedPseudoExperiment(set: set, pseudoExperiment: pseudoExperiment, truth: truth,
                                         view: SealedView(count: m, columnMajor: values),
                                         provenance: RowProvenance(poolRows: poolRows, processCodes: codes))
    }
}

/// Buffers reused from one pseudo-experiment to the next by one thread.
public struct GenerationWorkspace {
    var rows: [Int32] = []
    var scratch: [Int32] = []
    var processCodes: [UInt8] = []
    var batch = PreparedEvents()
    var transformed = TransformedEvents()

    public init() {}
}

/// CPU milliseconds spent in each stage of generation (summed over calls), for the benchmark.
struct GenerationTimings {
    var draw = 0.0
    var shuffle = 0.0
    var gather = 0.0
    var transform = 0.0
    var seal = 0.0
    var events = 0

    var total: Double { draw + shuffle + gather + transform + seal }
}
