import Foundation
import PluginHost
import PseudoExperiments
import Scoring

/// A contestant fitted once and saved, so that every shard of an evaluation loads it instead of
/// training again (`bench evaluate --save-fit DIR`, then `--fitted DIR` on each shard).
///
/// ```
/// DIR/fit.json          this record (written last: a directory without it is an unfinished save)
/// DIR/model/            a plugin's model directory as its fit left it (ModelDirectory)
/// DIR/artifacts.bin   a built-in's costly training results (TrainingArtifactsSnapshot)
/// ```
/// The record names what the fit depended on, and a shard refuses a saved fit of anything else:
/// the submission (name, code hash), the challenge spec's SHA-256, the training pool's hash and
/// a digest of the fit's seed (`SHA256("fair-uq-bench fit seed v1\n" + seed)`: the seed is an
/// HMAC under the set's secret, so the digest says nothing of it). A fit that failed is saved
/// with its reason and fails every shard the same way, as the run on one machine would.
///
/// Plugins: the model directory is copied into each shard's exchange directory and loaded by
/// the workers (the fit process never runs again); its digest is checked first.
///
/// Built-in estimators: the results of their costly steps (templates, the classifier's trees
/// and pool partition, the calibration's toys: everything that goes through the context's
/// ``TrainingArtifacts``) are saved in `artifacts.bin`, its SHA-256 in the record. A shard
/// checks the digest before anything is written, preloads the results into its training
/// context and calls the estimator's `fit`, which finds every costly step done: the same model
/// as a fit of its own (same values, generator left in the same state), in a fraction of a
/// second instead of minutes (README, cluster section). The file holds training-side results
/// only (computed from the training pool, the redacted spec and the fit's generator), never an
/// evaluation set's events, a truth or a seed of one. A record without `artifacts` (a save of
/// an older harness) makes the built-in fit anew from the same seed, as before.
///
/// The plugin never sees this directory: workers get a copy of `model/` only.
public struct SavedFit: Codable, Sendable, Equatable {
    public static let currentFormat = "fair-uq-fit-v1"
    public static let recordName = "fit.json"
    public static let modelName = "model"
    public static let artifactsName = "artifacts.bin"

    public struct Plugin: Codable, Sendable, Equatable {
        /// The name and version the plugin's `hello` said during the fit.
        public var name: String
        public var version: String
        /// ``ModelDirectory/digest(of:)`` of `model/`.
        public var modelSHA256: String

        enum CodingKeys: String, CodingKey {
            case name, version
            case modelSHA256 = "model_sha256"
        }
    }

    /// A built-in's saved training results (``TrainingArtifactsSnapshot``).
    public struct Artifacts: Codable, Sendable, Equatable {
        /// The SHA-256 of `artifacts.bin`.
        public var sha256: String
        /// How many results it holds.
        public var results: Int
        public var bytes: Int
    }

    public var format: String
    public var harnessVersion: String
    public var submission: Submission
    public var estimator: String
    public var specSHA256: String
    public var trainingPoolHash: String
    public var fitSeedDigest: String
    /// Set for an out-of-process plugin whose model is saved.
    public var plugin: Plugin?
    /// Set for a built-in whose training results are saved (optional: records of format v1
    /// written before it have none, and their built-ins fit anew).
    public var artifacts: Artifacts?
    public var fitSeconds: Double
    /// Why the fit failed (the reason every pseudo-experiment is recorded with), or nil.
    public var failure: String?

    enum CodingKeys: String, CodingKey {
        case format, submission, estimator, plugin, artifacts, failure
        case harnessVersion = "harness_version"
        case specSHA256 = "spec_sha256"
        case trainingPoolHash = "training_pool_hash"
        case fitSeedDigest = "fit_seed_digest"
        case fitSeconds = "fit_seconds"
    }

    /// The digest of a fit seed recorded in the file.
    public static func digest(ofFitSeed seed: UInt64) -> String {
        SHA256.hash(Array("fair-uq-bench fit seed v1\n\(seed)".utf8)).hex
    }

    /// A saved fit read from `directory`, checked for its format (the model's digest is checked
    /// when it is loaded).
    public static func read(_ directory: URL) throws -> SavedFit {
        let file = directory.appendingPathComponent(recordName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw EvaluationError.savedFit(path: directory.path, problem: "there is no \(recordName) in it (not a saved fit, "
                + "or a save that did not finish: save it again with bench evaluate --save-fit)")
        }
        let fit: SavedFit
        do {
            fit = try JSONDecoder().decode(SavedFit.self, from: Data(contentsOf: file))
        } catch let error as DecodingError {
            throw EvaluationError.savedFit(path: file.path, problem: "it is not a saved-fit record: \(Self.describe(error))")
        } catch {
            throw EvaluationError.savedFit(path: file.path, problem: "cannot read it: \(error.localizedDescription)")
        }
        guard fit.format == currentFormat else {
            throw EvaluationError.savedFit(path: file.path, problem: "its format is \(TerminalText.quoted(fit.format)), "
                + "this harness reads \(currentFormat)")
        }
        return fit
    }

    /// Refuses a saved fit that was not made for this contestant on this training data.
    func check(contestant: Contestant, specSHA256: String, trainingPoolHash: String, fitSeed: UInt64, path: String) throws {
        let expected: [(String, String, String)] = [
            ("submission name", submission.name, contestant.submission.name),
            ("code hash", submission.codeHash, contestant.submission.codeHash),
            ("estimator", estimator, contestant.estimator.name),
            ("challenge spec (SHA-256)", self.specSHA256, specSHA256),
            ("training pool", self.trainingPoolHash, trainingPoolHash),
            ("fit seed (digest; it derives from the sets' secret and the run's --seed)", fitSeedDigest,
             Self.digest(ofFitSeed: fitSeed)),
        ]
        for (field, saved, given) in expected where saved != given {
            throw EvaluationError.savedFit(path: path, problem: "it was fitted for another \(field): saved "
                + "\(TerminalText.quoted(saved)), this evaluation has \(TerminalText.quoted(given)); fit again with "
                + "bench evaluate --save-fit and the same arguments as the shards")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            return "the field \(([key] + context.codingPath.dropLast(0)).map(\.stringValue).joined(separator: ".")) is missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (field.isEmpty ? "" : "the field \(field): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

/// A saved fit and where it is, as a contestant carries it.
public struct SavedFitDirectory: Sendable {
    public let url: URL
    public let record: SavedFit

    public init(_ url: URL) throws {
        self.url = url.standardizedFileURL
        record = try SavedFit.read(url)
    }

    var modelPath: String { url.appendingPathComponent(SavedFit.modelName).path }
    var artifactsPath: String { url.appendingPathComponent(SavedFit.artifactsName).path }

    /// Refuses this saved fit unless it was made for `contestant` on the training data and seed
    /// an evaluation of `source` with `options` fits on, or when its saved training results are
    /// not the ones saved (the runner checks it before any write; commands call it before they
    /// create a database).
    public func check(for contestant: Contestant, source: any PseudoExperimentSource, options: EvaluationOptions) throws {
        try record.check(contestant: contestant, specSHA256: source.spec.sha256.hex, trainingPoolHash: source.trainingPoolHash,
                         fitSeed: options.trainingSeed(keys: source.keys), path: url.path)
        _ = try artifacts()
    }

    /// The saved training results, checked against the record's digest and decoded (their values
    /// decode on first use), or nil when the record has none.
    func artifacts() throws -> TrainingArtifactsSnapshot? {
        guard record.failure == nil, let saved = record.artifacts else { return nil }
        let again = "save the fit again with --save-fit (and the same arguments as the shards)"
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: artifactsPath))
        } catch {
            throw EvaluationError.savedFit(path: artifactsPath, problem: "cannot read the saved training results "
                + "(\(error.localizedDescription)); copy the whole saved fit, or \(again)")
        }
        let digest = SHA256.hash(Array(data)).hex
        guard digest == saved.sha256 else {
            throw EvaluationError.savedFit(path: artifactsPath, problem: "the saved training results changed since the fit "
                + "(digest \(digest), recorded \(saved.sha256) in \(SavedFit.recordName)): the file is corrupted or was "
                + "replaced; copy the saved fit again or \(again)")
        }
        do {
            return try TrainingArtifactsSnapshot(decoding: data)
        } catch {
            throw EvaluationError.savedFit(path: artifactsPath, problem: "\(error); \(again)")
        }
    }

    /// The fitted model of `contestant` from this save: a plugin's saved model loaded by new
    /// worker processes, a built-in fitted on its saved training results (or anew, without
    /// them), or the saved failure.
    func load(_ contestant: Contestant, context: inout TrainingContext) throws -> any FittedEstimator {
        if let failure = record.failure { throw SavedFitFailure(reason: failure) }
        guard let plugin = record.plugin else {
            if let snapshot = try artifacts() { context.artifacts.preload(snapshot) }
            do {
                return try contestant.estimator.fit(&context)
            } catch let error as TrainingArtifactsError {
                // Digest right but undecodable: saved by a harness whose types differ from ours.
                throw EvaluationError.savedFit(path: artifactsPath, problem: "\(error); save the fit again with --save-fit "
                    + "using this harness")
            }
        }
        guard let process = contestant.estimator as? ProcessEstimator else {
            throw EvaluationError.savedFit(path: url.path, problem: "it holds a plugin's model, but \(contestant.submission.name) "
                + "is not a plugin")
        }
        let digest = try ModelDirectory.digest(of: modelPath)
        guard digest == plugin.modelSHA256 else {
            throw EvaluationError.savedFit(path: modelPath, problem: "its files changed since the fit (digest \(digest), "
                + "saved \(plugin.modelSHA256)); copy the saved fit again or fit again")
        }
        return try process.loadProcesses(savedModel: modelPath, spec: context.spec, pluginName: plugin.name,
                                         pluginVersion: plugin.version)
    }
}

/// A saved fit that failed: its reason is the recorded one, word for word.
struct SavedFitFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
