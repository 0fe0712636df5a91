/// A pseudo-experiment challenge, as a versioned JSON document of `datasets-spec/` states it.
///
/// The spec is the one place where the challenge's constants live: expected yields,
/// luminosity, nuisance priors and clip ranges, the mu prior, the simulated evaluation and
/// training pools (simulator seeds and rows per process), the phases (sets,
/// pseudo-experiments per set, default seeds), the confidence level and the score parameters.
/// Code reads them from a spec, never from literals of its own.
///
/// ```swift
/// let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
/// spec.expectedEvents(.ztautau)        // 1002395 at 10 fb^-1
/// spec.phase(named: "final")?.sets     // 10
/// spec.sha256.hex                      // recorded in manifests
/// ```
///
/// Load with ``decode(_:source:)``, ``load(from:)``, ``builtin(named:)`` or
/// ``resolve(_:)``: the document's `schema_version` is read first, then the whole document is
/// decoded strictly (unknown keys are refused at every level) and its values are checked
/// (``SpecError`` keeps the two kinds of failure apart).
public struct ChallengeSpec: Sendable, Equatable {
    /// The schema versions this build reads. 1.1.0 adds the optional `evaluation_shift` (challenge
    /// variants, ``EvaluationShift``) and is otherwise 1.0.0.
    public static let supportedSchemaVersions = ["1.0.0", "1.1.0"]
    /// The `$id` of the schema of version 1.0.0.
    public static let schemaID = schemaID(version: "1.0.0")

    /// The `$id` of the schema of `version`.
    public static func schemaID(version: String) -> String {
        "https://fair-uq-bench.example/schemas/\(version)/challenge.json"
    }

    /// The document's `schema_version`.
    public var schemaVersion: String
    /// Short identifier (`fair-universe-2024`).
    public var name: String
    public var title: String
    public var description: String?
    /// Integrated luminosity of one pseudo-experiment, in fb^-1.
    public var luminosity: Double
    public var yields: Yields
    /// The nuisance parameters, in document order (the order in which they are drawn).
    public var nuisances: [Nuisance]
    /// The prior of the true signal strength, drawn once per set.
    public var muPrior: UniformPrior
    /// The simulated evaluation and training pools.
    public var pools: Pools
    public var phases: [Phase]
    /// The name of the phase used when none is named.
    public var defaultPhase: String
    /// Nominal coverage of the reported interval (0.6827 for the 16%..84% interval).
    public var confidenceLevel: Double
    public var score: Score
    /// The domain shift of a challenge variant's evaluation pool (schema 1.1.0); nil for a
    /// nominal challenge.
    public var evaluationShift: EvaluationShift? = nil

    /// Expected events per process at mu = 1, quoted at a reference luminosity.
    public struct Yields: Sendable, Equatable {
        /// The luminosity (fb^-1) at which ``expectedEvents`` are quoted.
        public var referenceLuminosity: Double
        public var source: String?
        /// Expected events of each of the four processes.
        public var expectedEvents: [PhysicsProcess: Double]
    }

    /// One nuisance parameter: its prior, clip range and what it acts on.
    public struct Nuisance: Sendable, Equatable {
        /// One of ``ChallengeSpec/knownNuisances``' names (`tes`, `jes`, `soft_met`, ...).
        public var name: String
        public var description: String?
        public var prior: NuisancePrior
        /// Draws are clamped into this range.
        public var clip: ClipRange
        public var actsOn: NuisanceEffect
    }

    /// The prior family of a nuisance parameter.
    public enum NuisancePrior: Sendable, Equatable {
        /// Normal(mean, sigma).
        case normal(mean: Double, sigma: Double)
        /// ln x ~ Normal(logMean, logSigma).
        case lognormal(logMean: Double, logSigma: Double)

        /// The prior's centre: the mean of a normal, the median `exp(logMean)` of a lognormal.
        public var centre: Double {
            switch self {
            case let .normal(mean, _): return mean
            case let .lognormal(logMean, _): return Foundation.exp(logMean)
            }
        }

        /// The width parameter (sigma, or log-sigma).
        public var width: Double {
            switch self {
            case let .normal(_, sigma): return sigma
            case let .lognormal(_, logSigma): return logSigma
            }
        }
    }

    /// What a nuisance parameter changes: a feature effect of the systematics transform, or
    /// the normalisation of background processes.
    public enum NuisanceEffect: Sendable, Equatable {
        case features(FeatureEffect)
        /// Multiplies the normalisation of each listed process (products over all scales).
        case normalisation([PhysicsProcess])
    }

    /// The feature effects the systematics transform implements.
    public enum FeatureEffect: String, Sendable, CaseIterable, Codable {
        /// Scales PRI_had_pt (propagated into the MET).
        case hadronicTauEnergyScale = "hadronic_tau_energy_scale"
        /// Scales the jets' pt and PRI_jet_all_pt (propagated into the MET).
        case jetEnergyScale = "jet_energy_scale"
        /// Adds Gaussian noise of this width (GeV) to each MET component.
        case softMetSmearing = "soft_met_smearing"
    }

    /// The range draws of a nuisance are clamped into.
    public struct ClipRange: Sendable, Equatable {
        public var min: Double
        public var max: Double

        /// `x` clamped into [min, max] (as the reference's `np.clip`).
        public func clamp(_ x: Double) -> Double { Swift.min(Swift.max(x, min), max) }

        public func contains(_ x: Double) -> Bool { min <= x && x <= max }
    }

    /// Uniform on [min, max).
    public struct UniformPrior: Sendable, Equatable {
        public var min: Double
        public var max: Double
    }

    /// The event pools of the challenge: made by the built-in simulator (`evaluation` and
    /// `training`), or the challenge's own data file (`data`), never both.
    ///
    /// Every pseudo-experiment is drawn from the evaluation pool; estimators train on the
    /// training pool, simulated from another seed (or, for data, the other rows of the file) so
    /// that the two share no event. Pool weights carry the expected events at
    /// ``Yields/referenceLuminosity``.
    public struct Pools: Sendable, Equatable {
        public var description: String?
        /// The simulated evaluation pool; nil for a challenge on a data file.
        public var evaluation: Pool?
        /// The simulated training pool; nil for a challenge on a data file.
        public var training: Pool?
        /// The data file the pools are split from; nil for a simulated challenge.
        public var data: DataFile?
    }

    /// The simulated pools, or (for a challenge on a data file) an error saying to pass it.
    public func simulatedPools() throws -> (evaluation: Pool, training: Pool) {
        guard let evaluation = pools.evaluation, let training = pools.training else {
            throw SetError.dataFileRequired(challenge: name, file: pools.data?.fileName ?? "the data file",
                                            metadata: pools.data?.metadataFileName)
        }
        return (evaluation, training)
    }

    /// The challenge's own data: a Parquet file in the FAIR Universe layout whose first
    /// `testFraction` of rows is the evaluation pool and the rest the training pool, each
    /// part's weights rescaled to the metadata's `sum_weights` (``ParquetEvents``). The spec
    /// names the files; the user passes them (`--data`), since they are not shipped.
    public struct DataFile: Sendable, Equatable {
        /// The file's name as published, e.g. `FAIR_Universe_HiggsML_data.parquet`.
        public var fileName: String
        /// Its metadata's name (with `sum_weights`), found beside the data file by default.
        public var metadataFileName: String?
        /// The fraction of rows, from the start, that is the evaluation part (0 < f < 1).
        public var testFraction: Double

        public init(fileName: String, metadataFileName: String?, testFraction: Double) {
            self.fileName = fileName
            self.metadataFileName = metadataFileName
            self.testFraction = testFraction
        }
    }

    /// A pool made by the built-in simulator: its root seed and its rows per process.
    public struct Pool: Sendable, Equatable {
        /// The simulator's root seed (0 ... 2^53 - 1).
        public var simulatorSeed: UInt64
        /// Rows of each of the four processes (each >= 1).
        public var rows: [PhysicsProcess: Int]

        public init(simulatorSeed: UInt64, rows: [PhysicsProcess: Int]) {
            self.simulatorSeed = simulatorSeed
            self.rows = rows
        }

        /// Rows of all processes together.
        public var totalRows: Int { rows.values.reduce(0, +) }
    }

    /// A phase of the challenge (e.g. feedback, final).
    public struct Phase: Sendable, Equatable {
        public var name: String
        public var description: String?
        /// Sets, each with its own true mu.
        public var sets: Int
        public var pseudoExperimentsPerSet: Int
        /// The phase's published root seed: used by the demonstration run (`bench run`), and by
        /// `bench generate` for a phase that is not sealed. Public, so runs on it are open.
        public var defaultSeed: UInt64
        /// Whether `bench generate` draws this phase's pseudo-experiments from a secret (OS
        /// entropy, kept in the truth file, ``SetKeys``) unless a seed is given: the ranking
        /// phase. Absent in the document means false.
        public var sealed: Bool = false
    }

    /// The parameters of the penalised interval score (see `ScoreParameters` in Scoring for
    /// the formula); the target coverage is ``ChallengeSpec/confidenceLevel``.
    public struct Score: Sendable, Equatable {
        public var coverageBandSigmas: Double
        public var widthEpsilon: Double
        public var underCoverageExponent: Double
        public var overCoverageExponent: Double
    }
}

import Foundation
