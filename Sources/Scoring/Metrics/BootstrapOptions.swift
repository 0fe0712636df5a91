import PseudoExperiments

/// How many bootstrap replicates to draw and from which seed.
///
/// Replicate `r` draws from `SeedDerivation.generator(seed, .bootstrap, stream, r)`, with stream
/// 0 for ``Bootstrap`` and 1 for ``PairedBootstrap``: each replicate is reproducible alone, so
/// the same seed gives the same numbers in any order and on any number of cores.
public struct BootstrapOptions: Codable, Sendable, Equatable {
    /// The number of replicates (at least 2; 1000 gives standard errors to about 2%).
    public var replicates: Int
    /// The root seed of the resampling.
    public var seed: UInt64

    public init(replicates: Int = 1000, seed: UInt64 = 0) {
        self.replicates = replicates
        self.seed = seed
    }
}

/// The two-stage resampling shared by ``Bootstrap`` and ``PairedBootstrap``.
///
/// Results are laid out flat, set after set. One replicate draws K sets with replacement out of
/// the K sets, then, inside each drawn set of size n_k, n_k pseudo-experiments with replacement:
/// ```
/// for j in 1...K:   s = uniform(0..<K)
///                   for i in 1...n_s: visit(start_s + uniform(0..<n_s))
/// ```
/// Resampling sets first keeps the between-set spread (each set has its own true mu) in the
/// standard errors; resampling only pseudo-experiments would understate them.
struct TwoStageResampler: Sendable {
    let starts: [Int]
    let sizes: [Int]
    let seed: UInt64
    let stream: Int

    /// `sizes` are the set sizes in flat order.
    init(sizes: [Int], seed: UInt64, stream: Int) {
        var starts: [Int] = []
        var offset = 0
        for n in sizes { starts.append(offset); offset += n }
        self.starts = starts
        self.sizes = sizes
        self.seed = seed
        self.stream = stream
    }

    /// Calls `visit` with the flat index of every pick of replicate `replicate`.
    func resample(_ replicate: Int, _ visit: (Int) -> Void) {
        var g = SeedDerivation.generator(seed, .bootstrap, stream, replicate)
        let k = sizes.count
        for _ in 0..<k {
            let s = g.nextInt(below: k)
            let n = sizes[s], start = starts[s]
            for _ in 0..<n { visit(start + g.nextInt(below: n)) }
        }
    }
}

extension Array where Element == ScoredResult {
    /// The results sorted by (set, pseudo-experiment), with the set sizes; throws on an empty
    /// list or a duplicate pseudo-experiment.
    func groupedBySet() throws -> (sorted: [ScoredResult], sizes: [Int]) {
        guard !isEmpty else { throw ScoringError.noResults }
        let sorted = self.sorted { $0.key < $1.key }
        var sizes: [Int] = []
        for (i, r) in sorted.enumerated() {
            if i > 0, sorted[i - 1].key == r.key { throw ScoringError.duplicateResult(r.key) }
            if i == 0 || sorted[i - 1].truth.setIndex != r.truth.setIndex { sizes.append(0) }
            sizes[sizes.count - 1] += 1
        }
        return (sorted, sizes)
    }
}
