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
                outcome = Self.fitOne(contestant, context: base, timeLimit: limit)
                if !fresh, case .fitted(let model, _, _) = outcome { self.cache.keep(model.model, for: key) }
            }
            results.withLock { $0[i] = outcome }
            self.progress.advance()
        }
        progress.end()
        return results.current.map { $0 ?? .failed(reason: "start-up was interrupted", seconds: 0) }
    }

    /// One fit on a copy of `context`, timed and judged against the start-up limit.
    static func fitOne(_ contestant: Contestant, context: TrainingContext, timeLimit: Double) -> FitOutcome {
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
    /// plugin's model directory, and the record written last. A failed fit is saved with its
    /// reason. Writes nothing to the store.
    public static func saveFit(_ contestant: Contestant, source: any PseudoExperimentSource, options: EvaluationOptions,
                               to directory: URL) throws -> SavedFit {
        if let problem = options.problem { throw EvaluationError.invalidOptions(problem) }
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.path) {
            let inside = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            if inside == [SavedFit.modelName] {
                // A save that did not finish (no record): its model directory is ours to redo.
                try? fm.removeItem(at: directory.appendingPathComponent(SavedFit.modelName))
            } else if !inside.isEmpty {
                throw EvaluationError.savedFit(path: directory.path, problem: "it exists and is not empty; give a new directory "
                    + "(a saved fit is never overwritten)")
            }
        }
        let model = directory.appendingPathComponent(SavedFit.modelName)
        do {
            try fm.createDirectory(at: model, withIntermediateDirectories: true)
        } catch {
            throw EvaluationError.savedFit(path: directory.path, problem: "cannot create it: \(error.localizedDescription)")
        }
        var plain = contestant
        plain.savedFit = nil
        let outcome = fitOne(plain, context: try trainingContext(source: source, options: options),
                             timeLimit: options.startupTimeLimit)
        var record = SavedFit(format: SavedFit.currentFormat, harnessVersion: Harness.version, submission: contestant.submission,
                              estimator: contestant.estimator.name, specSHA256: source.spec.sha256.hex,
                              trainingPoolHash: source.trainingPoolHash,
                              fitSeedDigest: SavedFit.digest(ofFitSeed: options.trainingSeed(keys: source.keys)),
                              plugin: nil, fitSeconds: 0, failure: nil)
        switch outcome {
        case let .fitted(fitted, seconds, _):
            record.fitSeconds = seconds
            if let process = fitted.model as? FittedProcessEstimator {
                defer { process.shutdown() }
                let digest = try process.saveModel(to: model.path)
                record.plugin = SavedFit.Plugin(name: process.pluginName, version: process.pluginVersion, modelSHA256: digest)
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
