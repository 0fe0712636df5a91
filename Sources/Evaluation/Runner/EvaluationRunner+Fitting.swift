import Foundation
import PluginHost
import PseudoExperiments
import Scoring

/// Fitting: once per contestant, in parallel, under the start-up time limit.
extension EvaluationRunner {
    /// Fits the contestants that still have pseudo-experiments to estimate (from the cache when
    /// it holds their model) and records every pending pseudo-experiment of a failed fit as a
    /// failure with the fit's reason.
    func fitMainModels(_ entries: [Entry], interruption: InterruptFlag) throws {
        let needing = entries.filter { !$0.pending.isEmpty }
        guard !needing.isEmpty else { return }
        let outcomes = try fit(needing.map(\.contestant), fresh: false, phase: "fitting", interruption: interruption)
        for (entry, outcome) in zip(needing, outcomes) {
            entry.fit = outcome
        }
        let failed = needing.filter { if case .failed? = $0.fit { return true } else { return false } }
        // A fit killed by the stop signal is the interruption's: nothing is recorded.
        guard !failed.isEmpty, !failed.contains(where: { entry in
            guard case let .failed(reason, _)? = entry.fit else { return false }
            return OutcomeRules.isInterruption(reason, interruption)
        }) else { return }
        for entry in failed {
            guard case let .failed(reason, _)? = entry.fit else { continue }
            progress.note("\(TerminalText.escapedField(entry.name)): \(TerminalText.escapedField(reason)); "
                + "every pseudo-experiment is recorded as a failure.")
            for key in entry.pending.sorted() {
                try record(PseudoExperimentOutcome(key: key, estimate: nil, failure: reason, runtimeSeconds: 0),
                           for: entry)
            }
        }
    }

    /// Fits `contestants` on `options.jobs` threads; `fresh` bypasses the cache (and does not
    /// fill it). Returns one outcome per contestant, in order; nil outcomes (fits not started
    /// because of an interruption) are reported as failures that are never recorded.
    func fit(_ contestants: [Contestant], fresh: Bool, phase: String,
             interruption: InterruptFlag) throws -> [FitOutcome] {
        let base = try baseTrainingContext()
        let poolHash = source.trainingPoolHash
        let specHash = source.spec.sha256.hex
        let trainingSeed = options.trainingSeed(keys: source.keys)
        let limit = options.startupTimeLimit
        let results = Locked([FitOutcome?](repeating: nil, count: contestants.count))
        let unusable = Locked<(any Error)?>(nil)
        progress.begin(phase, total: contestants.count)
        WorkerPool.run(count: contestants.count, jobs: options.jobs, shouldStop: { interruption.isRaised }) { i, _ in
            let contestant = contestants[i]
            let key = FittedModelCache.Key(estimator: contestant.estimator.name,
                                           codeHash: contestant.submission.codeHash, specHash: specHash,
                                           trainingPoolHash: poolHash, trainingSeed: trainingSeed)
            let outcome: FitOutcome
            if !fresh, let model = self.cache.model(for: key) {
                outcome = .fitted(FittedModel(model, for: contestant), seconds: 0, cached: true)
            } else {
                do {
                    outcome = try Self.fitOne(contestant, context: base, timeLimit: limit)
                } catch {
                    unusable.withLock { $0 = $0 ?? error }
                    self.progress.advance()
                    return
                }
                if !fresh, case .fitted(let model, _, _) = outcome { self.cache.keep(model.model, for: key) }
            }
            results.withLock { $0[i] = outcome }
            self.progress.advance()
        }
        progress.end()
        // A saved fit that cannot be used is the operator's to fix, not the estimator's failure.
        if let error = unusable.current { throw error }
        return results.current.map { $0 ?? .failed(reason: "start-up was interrupted", seconds: 0) }
    }

    /// One fit on a copy of `context`, timed and judged against the start-up limit.
    ///
    /// - Throws: ``EvaluationError/savedFit(path:problem:)`` when the saved training results of
    ///   a built-in cannot be used (changed or undecodable): that is no failure of the estimator
    ///   but the operator's to fix, so nothing is recorded.
    static func fitOne(_ contestant: Contestant, context: TrainingContext, timeLimit: Double) throws -> FitOutcome {
        var context = context
        let start = Clock.now()
        let model: any FittedEstimator
        do {
            if let saved = contestant.savedFit {
                model = try saved.load(contestant, context: &context)
            } else {
                model = try contestant.estimator.fit(&context)
            }
        } catch let failure as SavedFitFailure {
            // The saved fit failed: every shard records the reason the fit recorded.
            return .failed(reason: failure.reason, seconds: Clock.seconds(since: start))
        } catch let EvaluationError.savedFit(path, problem) where path == contestant.savedFit?.artifactsPath {
            throw EvaluationError.savedFit(path: path, problem: problem)
        } catch {
            return .failed(reason: OutcomeRules.reason("start-up failed: the estimator threw an error: "
                                                       + OutcomeRules.describe(error)),
                           seconds: Clock.seconds(since: start))
        }
        let seconds = Clock.seconds(since: start)
        guard seconds <= timeLimit else {
            return .failed(reason: "start-up took \(OutcomeRules.format(seconds)) s, over the limit of "
                               + "\(OutcomeRules.format(timeLimit)) s", seconds: seconds)
        }
        return .fitted(FittedModel(model, for: contestant), seconds: seconds, cached: false)
    }

    /// Fits `contestant` once, as the runner would before estimating, and saves the fit in
    /// `directory` (created; it must not exist or be empty) for `--fitted` (``SavedFit``): a
    /// plugin's model directory or a built-in's training results, and the record written last.
    /// A failed fit is saved with its reason. Writes nothing to the store.
    public static func saveFit(_ contestant: Contestant, source: any PseudoExperimentSource, options: EvaluationOptions,
                               to directory: URL) throws -> SavedFit {
        try saveFits([contestant], source: source, options: options, to: [directory])[0]
    }

    /// ``saveFit(_:source:options:to:)`` of several contestants at once, each into its own
    /// directory, fitted on `options.jobs` threads on one training context (`bench run
    /// --save-fit`): costly steps the built-ins share are computed once, and each directory
    /// holds the results its own fit used (``TrainingArtifacts/recorder()``).
    public static func saveFits(_ contestants: [Contestant], source: any PseudoExperimentSource, options: EvaluationOptions,
                                to directories: [URL]) throws -> [SavedFit] {
        precondition(contestants.count == directories.count,
                     "one directory per contestant, got \(directories.count) for \(contestants.count)")
        if let problem = options.problem { throw EvaluationError.invalidOptions(problem) }
        let fm = FileManager.default
        for directory in directories {
            if fm.fileExists(atPath: directory.path) {
                let inside = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
                if inside.allSatisfy({ $0 == SavedFit.modelName || $0 == SavedFit.artifactsName }) {
                    // A save that did not finish (no record): what it wrote is ours to redo.
                    for name in inside { try? fm.removeItem(at: directory.appendingPathComponent(name)) }
                } else {
                    throw EvaluationError.savedFit(path: directory.path, problem: "it exists and is not empty; give a new "
                        + "directory (a saved fit is never overwritten)")
                }
            }
            do {
                try fm.createDirectory(at: directory.appendingPathComponent(SavedFit.modelName), withIntermediateDirectories: true)
            } catch {
                throw EvaluationError.savedFit(path: directory.path, problem: "cannot create it: \(error.localizedDescription)")
            }
        }
        let base = try trainingContext(source: source, options: options)
        let fits = Locked([(outcome: FitOutcome, artifacts: TrainingArtifacts)?](repeating: nil, count: contestants.count))
        let unusable = Locked<(any Error)?>(nil)
        WorkerPool.run(count: contestants.count, jobs: options.jobs, shouldStop: { false }) { i, _ in
            var plain = contestants[i]
            plain.savedFit = nil
            // Shared results, and a record of the ones this fit used.
            let recorder = base.artifacts.recorder()
            do {
                let outcome = try fitOne(plain, context: base.sharing(recorder), timeLimit: options.startupTimeLimit)
                fits.withLock { $0[i] = (outcome, recorder) }
            } catch {
                unusable.withLock { $0 = $0 ?? error }
            }
        }
        if let error = unusable.current { throw error }
        var records: [SavedFit] = []
        for (i, fit) in fits.current.enumerated() {
            guard let (outcome, artifacts) = fit else { preconditionFailure("fit \(i) of \(contestants.count) did not run") }
            records.append(try write(outcome, artifacts: artifacts, of: contestants[i], source: source, options: options,
                                     into: directories[i]))
        }
        return records
    }

    /// Saves one fit's outcome into `directory` (prepared by ``saveFits``), the record last.
    private static func write(_ outcome: FitOutcome, artifacts: TrainingArtifacts, of contestant: Contestant,
                              source: any PseudoExperimentSource, options: EvaluationOptions,
                              into directory: URL) throws -> SavedFit {
        let model = directory.appendingPathComponent(SavedFit.modelName)
        var record = SavedFit(format: SavedFit.currentFormat, harnessVersion: Harness.version, submission: contestant.submission,
                              estimator: contestant.estimator.name, specSHA256: source.spec.sha256.hex,
                              trainingPoolHash: source.trainingPoolHash,
                              fitSeedDigest: SavedFit.digest(ofFitSeed: options.trainingSeed(keys: source.keys)),
                              plugin: nil, artifacts: nil, fitSeconds: 0, failure: nil)
        switch outcome {
        case let .fitted(fitted, seconds, _):
            record.fitSeconds = seconds
            if let process = fitted.model as? FittedProcessEstimator {
                defer { process.shutdown() }
                let digest = try process.saveModel(to: model.path)
                record.plugin = SavedFit.Plugin(name: process.pluginName, version: process.pluginVersion, modelSHA256: digest)
            } else {
                // A built-in: its training results (only what its fit computed or took from the context).
                let file = directory.appendingPathComponent(SavedFit.artifactsName)
                let snapshot: TrainingArtifactsSnapshot, data: Data
                do {
                    snapshot = try artifacts.snapshot()
                    data = try snapshot.encoded()
                } catch {
                    throw EvaluationError.savedFit(path: file.path, problem: "cannot encode the training results: \(error)")
                }
                do {
                    try data.write(to: file, options: .atomic)
                } catch {
                    throw EvaluationError.savedFit(path: directory.path, problem: "cannot write \(SavedFit.artifactsName): "
                        + error.localizedDescription)
                }
                record.artifacts = SavedFit.Artifacts(sha256: SHA256.hash(Array(data)).hex, results: snapshot.entries.count,
                                                      bytes: data.count)
            }
        case let .failed(reason, seconds):
            // Saved, the failure would fail every shard: not when a stop signal caused it.
            if OutcomeRules.mayBeStopSignal(reason) {
                throw EvaluationError.savedFit(path: directory.path, problem: "the fit was stopped by a signal (\(reason)); "
                    + "nothing was saved, fit again")
            }
            record.fitSeconds = seconds
            record.failure = reason
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            try encoder.encode(record).write(to: directory.appendingPathComponent(SavedFit.recordName), options: .atomic)
        } catch {
            throw EvaluationError.savedFit(path: directory.path, problem: "cannot write \(SavedFit.recordName): \(error.localizedDescription)")
        }
        return record
    }
}
