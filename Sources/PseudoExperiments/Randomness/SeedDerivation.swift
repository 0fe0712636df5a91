/// The documented rule by which every seed in the harness derives from one root seed.
///
/// A derived seed is a function of the root seed and a path of 64-bit components (a purpose tag,
/// a set index, a pseudo-experiment index, ...):
/// ```
/// h_0 = mix(root ^ 0x5EED_5EED_5EED_5EED)
/// h_{k+1} = mix(h_k ^ mix(c_k &+ 0x9E3779B97F4A7C15 &* (k + 1)))
/// derive(root, [c_0, ..., c_{n-1}]) = h_n
/// ```
/// where `mix` is the SplitMix64 finaliser. Any single pseudo-experiment can therefore be
/// regenerated alone, in any order, on any machine. Purposes are named by ``Purpose`` so that
/// streams for different uses never coincide.
///
/// `derive` is not a keyed one-way function: an estimator must never be given a derived seed of
/// the truth streams. Seeds handed to estimators go through ``SeedDerivation/sealedSeed(key:message:)``.
public enum SeedDerivation {
    /// Stable purpose tags: part of the reproducibility contract, never renumber.
    public enum Purpose: UInt64, Sendable {
        case setTruth = 1            // a set's true mu
        case nuisances = 2           // a pseudo-experiment's nuisance values
        case poisson = 3             // a pseudo-experiment's event counts and picks
        case softMet = 4             // a pseudo-experiment's soft-MET noise
        case shuffle = 5             // the order of the sealed view's rows
        case simulator = 6           // the built-in event simulator
        case bootstrap = 7           // bootstrap resampling in scoring
        case estimator = 8           // an estimator's own generator
        case runOrder = 9            // the runner's order of pseudo-experiments
        case training = 10           // training pool / fitting randomness
        case domainShift = 11        // a challenge variant's effects on its evaluation pool
    }

    /// The seed at `path` below `root`.
    public static func derive(_ root: UInt64, _ path: [UInt64]) -> UInt64 {
        var h = SplitMix64.mix(root ^ 0x5EED_5EED_5EED_5EED)
        for (k, c) in path.enumerated() {
            h = SplitMix64.mix(h ^ SplitMix64.mix(c &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(k + 1)))
        }
        return h
    }

    /// The seed for `purpose` at indices below `root`.
    public static func derive(_ root: UInt64, _ purpose: Purpose, _ indices: Int...) -> UInt64 {
        derive(root, [purpose.rawValue] + indices.map { UInt64(bitPattern: Int64($0)) })
    }

    /// A generator for `purpose` at indices below `root`.
    public static func generator(_ root: UInt64, _ purpose: Purpose, _ indices: Int...) -> SeededGenerator {
        SeededGenerator(seed: derive(root, [purpose.rawValue] + indices.map { UInt64(bitPattern: Int64($0)) }))
    }
}
