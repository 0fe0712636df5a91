import Foundation
import PseudoExperiments
import Scoring

/// The statefulness check: a few pseudo-experiments estimated again by a fresh instance, in
/// another order, compared with what the run recorded.
///
/// All pseudo-experiments of a set share mu, so an estimator that remembers earlier views (a
/// running mean, a cache keyed by content, a model that keeps learning) could narrow its
/// intervals unfairly. Such memory shows up as a dependence on history: a fresh instance
/// that sees the sample in reverse order, after none or other pseudo-experiments, gives other
/// numbers. The generator of each estimate is a function of the pseudo-experiment only
/// (``EstimatorSeeds``), and fitting is seeded, so an estimator without state gives the very
/// same numbers. Differences flag the run ``RunFlag/stateful``: its score stands, but the
/// leaderboard does not rank it (``RunFlag/excludesFromRanking``).
///
/// The sample: each pseudo-experiment, in key order, draws `u` from
/// `SeededGenerator(seed: keys.seed([Purpose.runOrder, run seed, 1]))` (an HMAC under the
/// set's secret estimator key, ``SetKeys``, so no estimator can tell which pseudo-experiments
/// are re-checked) and is taken when
/// `u < EvaluationOptions.statefulnessFraction`; at least the one of smallest `u`.
/// Results over the time limit are not compared (time is not state).
///
/// The fresh instance comes from a new call of the estimator's `fit`, on the same training
/// context. Built-in estimators take their costly training results from the context's
/// ``TrainingArtifacts`` (immutable values, keyed by configuration and generator state), so
/// the fresh instance is a new value made from the same templates and trees: as fresh as a
/// second training (it cannot share state with the first, there is none in a value) at the
/// cost of a lookup. Plugins are started as a new process and fitted anew.
extension EvaluationRunner {
    /// `truths` are the pseudo-experiments evaluated now, `sampledFrom` every key of the set
    /// manifest: the sample is drawn over all of them and a shard checks its part of it, so
    /// that the shards of a run check exactly what the run on one machine checks.
    func checkStatefulness(_ entries: [Entry], order: [PseudoExperimentKey], truths: [PseudoExperimentTruth],
                           sampledFrom allKeys: [PseudoExperimentKey], interruption: InterruptFlag) throws {
        let eligible = entries.filter { entry in
            if case .failed? = entry.fit { return false }
            return true
        }
        guard options.statefulnessFraction > 0, !eligible.isEmpty else { return }
        let sample = statefulnessSample(allKeys)
        let checkOrder = Array(order.filter(sample.contains).reversed())
        guard !checkOrder.isEmpty else { return }   // a shard may hold none of the sample

        let fresh = try fit(eligible.map(\.contestant), fresh: true, phase: "statefulness check: fitting fresh instances",
                            interruption: interruption)
        guard !interruption.isRaised else { return }
        var candidates: [(entry: Entry, model: FittedModel, recorded: [PseudoExperimentKey: PseudoExperimentOutcome])] = []
        for (entry, outcome) in zip(eligible, fresh) {
            switch outcome {
            case let .fitted(model, _, _):
                let recorded = try store.outcomes(of: entry.start.id)
                candidates.append((entry, model, Dictionary(uniqueKeysWithValues: recorded.map { ($0.key, $0) })))
            case let .failed(reason, _):
                try store.flagRun(entry.start.id, RunFlag(
                    kind: RunFlag.stateful,
                    detail: "the statefulness check could not fit a fresh instance (\(reason)), although the first fit succeeded"))
            }
        }
        let checking = candidates
        guard !checking.isEmpty else { return }

        let truthOf = Dictionary(uniqueKeysWithValues: truths.map { ($0.key, $0) })
        let differences = Locked([[(key: PseudoExperimentKey, text: String)]](repeating: [], count: checking.count))
        let compared = Locked([Int](repeating: 0, count: checking.count))
        let failure = Locked<(any Error)?>(nil)
        progress.begin("statefulness check: estimating again", total: checkOrder.count * checking.count)
        WorkerPool.run(count: checkOrder.count, jobs: options.jobs,
                       shouldStop: { interruption.isRaised || failure.current != nil }) { i, _ in
            let key = checkOrder[i]
            do {
                guard let truth = truthOf[key] else { return }
                let view = try self.view(of: key)
                for (c, check) in checking.enumerated() {
                    let again = self.estimateOne(check.model, view: view, truth: truth)
                    self.progress.advance()
                    guard let recorded = check.recorded[key] else { continue }
                    compared.withLock { $0[c] += 1 }
                    if let text = Self.difference(recorded: recorded, again: again) {
                        differences.withLock { $0[c].append((key, text)) }
                    }
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        progress.end()
        if let error = failure.current { throw error }
        guard !interruption.isRaised else { return }

        let counts = compared.current
        for (c, check) in checking.enumerated() {
            check.entry.statefulnessChecked = counts[c]
            let found = differences.current[c].sorted { $0.key < $1.key }
            guard let first = found.first else { continue }
            try store.flagRun(check.entry.start.id, RunFlag(
                kind: RunFlag.stateful,
                detail: "\(found.count) of \(counts[c]) pseudo-experiments estimated again by a fresh instance, in "
                    + "another order, gave other results (e.g. \(first.key): \(first.text)); the estimator may carry "
                    + "information from one pseudo-experiment to the next, which the challenge forbids"))
        }
    }

    /// The pseudo-experiments the check estimates again (see the extension's documentation).
    func statefulnessSample(_ keys: [PseudoExperimentKey]) -> Set<PseudoExperimentKey> {
        var rng = source.keys.generator([SeedDerivation.Purpose.runOrder.rawValue, options.seed, 1])
        var sample = Set<PseudoExperimentKey>()
        var smallest: (u: Double, key: PseudoExperimentKey)?
        for key in keys.sorted() {
            let u = rng.nextUnitDouble()
            if u < options.statefulnessFraction { sample.insert(key) }
            if smallest == nil || u < smallest!.u { smallest = (u, key) }
        }
        if sample.isEmpty, let smallest, options.statefulnessFraction > 0 { sample.insert(smallest.key) }
        return sample
    }

    /// How a result estimated again differs from the recorded one, or nil when it is the same
    /// (NaN equals NaN; -0 equals 0, which the store does not tell apart).
    ///
    /// Two failures are the same whatever their text: a crash message names a process id, a
    /// worker, a line of a traceback, none of which is state carried between pseudo-experiments,
    /// and a plugin that only crashes has no numbers to narrow. A failure on one side and numbers
    /// on the other is a difference (a plugin that fails until it has seen enough would hide its
    /// state otherwise).
    static func difference(recorded: PseudoExperimentOutcome, again: PseudoExperimentOutcome) -> String? {
        if OutcomeRules.isTimeLimitFailure(recorded.failure) || OutcomeRules.isTimeLimitFailure(again.failure) {
            return nil
        }
        if recorded.failure != nil, again.failure != nil { return nil }
        if (recorded.failure == nil) != (again.failure == nil) {
            return "first \(recorded.failure.map { "failed (\($0))" } ?? "succeeded"), then "
                + (again.failure.map { "failed (\($0))" } ?? "succeeded")
        }
        func fields(_ e: Estimate?) -> [(String, Double?)] {
            [("mu_hat", e?.muHat), ("uncertainty", e?.uncertainty), ("p16", e?.interval68.lower),
             ("p84", e?.interval68.upper), ("p2.5", e?.interval95?.lower), ("p97.5", e?.interval95?.upper)]
        }
        for ((name, a), (_, b)) in zip(fields(recorded.estimate), fields(again.estimate)) {
            switch (a, b) {
            case (nil, nil): continue
            case let (x?, y?) where x == y || (x.isNaN && y.isNaN): continue
            default:
                return "\(name) \(a.map { "\($0)" } ?? "absent") then \(b.map { "\($0)" } ?? "absent")"
            }
        }
        return nil
    }
}
