import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench generate`: draws the pseudo-experiment sets of a challenge into a set directory.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate pseudo-experiment sets of a challenge into a set directory.",
        discussion: """
            Draws per set a true mu and per pseudo-experiment the nuisance values from the spec's \
            priors, Poisson-reweights the evaluation pool and applies the systematics transform; \
            every draw derives from the root seed by the rule of datasets-spec/set-directory-v1.md, \
            so any pseudo-experiment can be regenerated alone. The directory holds the manifest \
            (kilobytes) and, with --materialize, every pseudo-experiment's rows. The truths (mu and \
            nuisances per pseudo-experiment) go to a separate file outside the directory \
            (default DIR.truth.json). The same inputs give byte-identical outputs.

            Open or sealed: with --seed, or for a phase that is not sealed, the root seed is public \
            (in the manifest) and runs on the sets are open: anyone can recompute the truths. A phase \
            the spec marks sealed (the ranking phase), or --sealed, without --seed draws a 256-bit \
            secret from the operating system's entropy instead: the manifest holds only a commitment \
            to it, the simulated evaluation pool comes from a seed of that secret, and the secret is \
            kept only in the truth file, which regenerating or evaluating the sets then needs.
            """)

    @Option(name: .customLong("challenge"), help: "Challenge spec: a built-in name (\(ChallengeSpec.builtinNames.joined(separator: ", "))) or a spec file.")
    var challenge: String

    @Option(help: "Phase whose sets, pseudo-experiments per set and seed are the defaults (default: the spec's default phase).")
    var phase: String?

    @Option(help: "Evaluation pool file (pool, Parquet or CSV) instead of the challenge's simulated pool.")
    var pool: String?

    @OptionGroup var data: DataOptions

    @Option(help: "Number of sets (each with its own true mu).")
    var sets: Int?

    @Option(name: .customLong("per-set"), help: "Pseudo-experiments per set.")
    var perSet: Int?

    @Option(help: "Root seed (0 ... 2^53 - 1), public: the sets are open (default: a sealed phase draws a secret; another phase uses its published seed).")
    var seed: Int64?

    @Flag(help: "Draw the sets from a secret (OS entropy, kept only in the truth file), whatever the phase.")
    var sealed = false

    @Option(help: "The set directory to create (must not exist).")
    var output: String

    @Option(name: .customLong("truth-output"), help: "The truths file to create (default: DIR.truth.json beside the directory; never inside it).")
    var truthOutput: String?

    @Flag(help: "Store every pseudo-experiment's rows in the directory (for small sets).")
    var materialize = false

    @Option(help: "Worker threads (default: all cores).")
    var workers: Int?

    func validate() throws {
        if let sets, sets < 1 { throw ValidationError("--sets must be at least 1, got \(sets).") }
        if let perSet, perSet < 1 { throw ValidationError("--per-set must be at least 1, got \(perSet).") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers).") }
        if sealed, seed != nil {
            throw ValidationError("--sealed draws the root seed from a secret; it cannot be combined with --seed (a given seed is public: the sets would be open).")
        }
        if let seed, seed < 0 || seed > ChallengeSpec.maximumJSONSeed {
            throw ValidationError("--seed must be in 0...\(ChallengeSpec.maximumJSONSeed) (2^53 - 1, so that every JSON reader keeps it exact), got \(seed).")
        }
    }

    func run() throws {
        AllocationTuning.reuseLargeBlocks()
        let spec = try ChallengeSpec.resolve(challenge)
        let phaseName = phase ?? spec.defaultPhase
        guard let chosen = spec.phase(named: phaseName) else {
            throw ValidationError("The challenge '\(spec.name)' has no phase '\(phaseName)'; its phases are \(spec.phases.map(\.name).joined(separator: ", ")).")
        }
        let directory = URL(fileURLWithPath: output)
        let truthURL = truthOutput.map { URL(fileURLWithPath: $0) } ?? TruthFile.defaultURL(forDirectory: directory)
        let keys: SetKeys
        if let seed {
            keys = .open(seed: UInt64(seed))
        } else if sealed || chosen.sealed {
            keys = .drawSealed()
        } else {
            keys = .open(seed: chosen.defaultSeed)
        }
        let part = try data.selections(pool: pool, trainingPool: nil, spec: spec)?.evaluation
        let (prepared, source) = try ChallengePools.evaluation(file: part?.url ?? pool.map { URL(fileURLWithPath: $0) },
                                                               spec: spec, keys: keys, part: part?.part ?? .all,
                                                               sumWeights: part?.sumWeights)
        let manifest = SetManifest(spec: spec, phase: chosen.name, keys: keys,
                                   sets: sets ?? chosen.sets, pseudoExperimentsPerSet: perSet ?? chosen.pseudoExperimentsPerSet,
                                   pool: try SetManifest.Pool(describing: prepared, source: source, spec: spec))
        let writer = SetWriter(manifest: manifest, keys: keys, pool: prepared, materialize: materialize,
                               workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let summary = try writer.write(to: directory, truthsTo: truthURL)

        let a = manifest.pool.adequacy
        // From the keys, not the manifest: Swift 6.3.1's release optimiser crashes (CopyPropagation,
        // an ownership error) on a switch over the manifest's sealing in this function.
        let sealing = keys.isSealed
            ? "sealed (the root seed derives from a secret drawn from OS entropy, kept only in the truth file)"
            : "open, seed \(keys.rootSeed) (public: anyone can recompute the truths; not for ranking)"
        print("wrote \(directory.path): \(manifest.sets) sets x \(manifest.pseudoExperimentsPerSet) pseudo-experiments of \(spec.name), \(sealing)")
        print("  manifest sha256 \(summary.manifestSHA256)")
        print("  pool \(manifest.pool.digest.hex): \(prepared.rowCount) rows, \(String(format: "%.1f", a.effectiveRatio))x one pseudo-experiment (\(String(format: "%.0f", a.expectedEvents)) events expected); its own fluctuation costs about \(String(format: "%.4f", a.coverageLoss)) of coverage")
        if !a.meetsRecommendation {
            print("  warning: the pool holds fewer than \(Int(PoolAdequacy.recommendedMinimumRatio)) pseudo-experiments' worth of rows; fine for tests, not for ranking")
        }
        if materialize {
            print("  \(summary.materialized) pseudo-experiments stored (\(summary.rows) rows, \(summary.bytes) bytes)")
        } else {
            print("  pseudo-experiments are regenerated from the pool on demand (\(summary.bytes) bytes)")
        }
        print("  truths: \(truthURL.standardizedFileURL.path) (keep them away from estimators"
              + (keys.isSealed ? "; the only copy of the secret: without it the sets cannot be regenerated or evaluated)" : ")"))
    }
}
