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
            """)

    @Option(name: .customLong("challenge"), help: "Challenge spec: a built-in name (\(ChallengeSpec.builtinNames.joined(separator: ", "))) or a spec file.")
    var challenge: String

    @Option(help: "Phase whose sets, pseudo-experiments per set and seed are the defaults (default: the spec's default phase).")
    var phase: String?

    @Option(help: "Evaluation pool file (binary pool or .csv) instead of the challenge's simulated pool.")
    var pool: String?

    @Option(help: "Number of sets (each with its own true mu).")
    var sets: Int?

    @Option(name: .customLong("per-set"), help: "Pseudo-experiments per set.")
    var perSet: Int?

    @Option(help: "Root seed (0 ... 2^53 - 1; default: the phase's seed, which is public: use a private seed for ranking).")
    var seed: Int64?

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
        let (prepared, source) = try ChallengePools.evaluation(file: pool.map { URL(fileURLWithPath: $0) }, spec: spec)
        let manifest = SetManifest(spec: spec, phase: chosen.name, seed: seed.map { UInt64($0) } ?? chosen.defaultSeed,
                                   sets: sets ?? chosen.sets, pseudoExperimentsPerSet: perSet ?? chosen.pseudoExperimentsPerSet,
                                   pool: try SetManifest.pool(prepared, source: source, spec: spec))
        let writer = SetWriter(manifest: manifest, pool: prepared, materialize: materialize,
                               workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let summary = try writer.write(to: directory, truthsTo: truthURL)

        let a = manifest.pool.adequacy
        print("wrote \(directory.path): \(manifest.sets) sets x \(manifest.pseudoExperimentsPerSet) pseudo-experiments of \(spec.name), seed \(manifest.seed)")
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
        print("  truths: \(truthURL.standardizedFileURL.path) (keep them away from estimators)")
    }
}
