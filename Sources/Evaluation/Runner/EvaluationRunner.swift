import Foundation
import PseudoExperiments
import Scoring

/// Evaluates estimators on a collection of pseudo-experiments and streams every result into
/// the leaderboard store: fit once, estimate in parallel, check for state, score.
///
/// For each contestant the runner begins (or resumes) a run in the store, then:
/// 1. **Fit** each contestant once on the source's training pool, in parallel (a model may come
///    from the ``FittedModelCache``). A fit that throws or exceeds the start-up time limit makes
///    every pseudo-experiment of the run a failure with that reason; the other contestants go on.
/// 2. **Estimate** the pseudo-experiments still missing, on ``EvaluationOptions/jobs`` threads,
///    in a seeded shuffled order across sets (consecutive calls say nothing about which set a
///    view comes from). Each pseudo-experiment is generated once and handed to every contestant
///    that needs it; each result is committed to the store as it arrives (``OutcomeRules`` turns
///    errors, NaN, swapped bounds and overtime into recorded failures).
/// 3. **Check statefulness**: a seeded few percent of the pseudo-experiments are estimated again
///    by a freshly fitted instance, in the reverse order; any difference flags the run
///    ``RunFlag/stateful`` (all pseudo-experiments of a set share mu, so carrying information
///    from one to the next is forbidden).
/// 4. **Finish** each run as completed and store its scorecard.
///
/// Interrupting (``InterruptFlag``) stops taking pseudo-experiments; results in progress are
/// recorded, the runs are marked interrupted, and the next evaluation of the same submissions
/// on the same sets with the same seed resumes them. A process killed outright leaves its runs
/// `running`, which resumes just the same; at most the results in progress are lost.
///
/// ```swift
/// let runner = try EvaluationRunner(store: store, source: sets, options: EvaluationOptions(seed: 1))
/// let report = try runner.run([Contestant(try EstimatorRegistry.builtin(named: "counting"))])
/// print(report.contestants[0].scorecard?.overall.score ?? .nan)
/// ```
public final class EvaluationRunner: @unchecked Sendable {
    public let store: LeaderboardStore
    public let source: any PseudoExperimentSource
    public let options: EvaluationOptions
    public let cache: FittedModelCache
    public let progress: ProgressDisplay
    let seeds: EstimatorSeeds
    /// The training context, built once per runner (the pool prepared for the transform).
    private let trainingContext = Locked<TrainingContext?>(nil)

    /// A runner on `source` writing into `store`.
    ///
    /// - Throws: ``EvaluationError/invalidOptions(_:)`` for options with a ``EvaluationOptions/problem``.
    public init(store: LeaderboardStore, source: any PseudoExperimentSource,
                options: EvaluationOptions = EvaluationOptions(), cache: FittedModelCache = FittedModelCache(),
                progress: ProgressDisplay = .silent) throws {
        if let problem = options.problem { throw EvaluationError.invalidOptions(problem) }
        self.store = store
        self.source = source
        self.options = options
        self.cache = cache
        self.progress = progress
        seeds = EstimatorSeeds(keys: source.keys)
    }

    /// One contestant's state during an evaluation.
    final class Entry: @unchecked Sendable {
        let contestant: Contestant
        let start: RunStart
        let pending: Set<PseudoExperimentKey>
        let alreadyRecorded: Int
        var fit: FitOutcome?
        var statefulnessChecked = 0
        let tally = Locked((recorded: 0, failures: 0, byOthers: 0))

        init(_ contestant: Contestant, _ start: RunStart, pending: Set<PseudoExperimentKey>, alreadyRecorded: Int) {
            self.contestant = contestant
            self.start = start
            self.pending = pending
            self.alreadyRecorded = alreadyRecorded
        }

        var name: String { contestant.submission.name }
    }

    /// Evaluates `contestants` on every pseudo-experiment of the source.
    ///
    /// - Throws: ``EvaluationError`` for no or duplicate contestants, the store's errors
    ///   (a conflicting registration, an unfinished run with other seeds, a locked file) and
    ///   the source's (a pseudo-experiment that cannot be generated). On an error after the
    ///   runs began, they are marked interrupted first, so nothing recorded is lost.
    public func run(_ contestants: [Contestant], interruption: InterruptFlag = InterruptFlag()) throws -> EvaluationReport {
        guard !contestants.isEmpty else { throw EvaluationError.noContestants }
        let names = contestants.map(\.submission.name)
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw EvaluationError.duplicateContestant(name: twice)
        }
        let truths = source.truths
        guard !truths.isEmpty else { throw EvaluationError.noPseudoExperiments(setManifestHash: source.setManifestHash) }
        let spec = source.spec
        // A saved fit of something else is refused before anything is written.
        for contestant in contestants {
            try contestant.savedFit?.check(for: contestant, source: source, options: options)
        }
        // Before the first write: a store that cannot read its own scorecards back would fail
        // only after this evaluation's runs were committed.
        try store.requireReadableStoredValues()
        try store.registerChallenge(name: spec.name, spec: String(decoding: spec.canonicalJSON(), as: UTF8.self),
                                    specHash: spec.sha256.hex)
        try store.registerSetManifest(hash: source.setManifestHash, challenge: spec.name, rootSeed: source.keys.rootSeed,
                                      sealed: source.keys.isSealed, truths: truths)
        // A shard evaluates its part of the grid only (the manifest registers every truth, so
        // that the shards' files merge into one run).
        let allKeys = truths.map(\.key)
        let keys = Set(options.shard.map { $0.keys(of: allKeys) } ?? allKeys)
        let evaluated = options.shard == nil ? truths : truths.filter { keys.contains($0.key) }
        var entries: [Entry] = []
        do {
            for contestant in contestants {
                let start = try store.beginRun(submission: contestant.submission, setManifestHash: source.setManifestHash,
                                               seeds: options.recordedSeeds)
                for flag in contestant.runFlags { try store.flagRun(start.id, flag) }
                let done = try store.completedPseudoExperiments(start.id)
                entries.append(Entry(contestant, start, pending: keys.subtracting(done),
                                     alreadyRecorded: done.intersection(keys).count))
            }
        } catch {
            markInterrupted(entries)
            throw error
        }

        // A process that joined a run another one is recording into walks the order backwards,
        // so the two meet in the middle instead of trailing each other.
        let runOrder = runOrder(allKeys).filter(keys.contains)
        let order = entries.contains { $0.start.peers > 0 } ? runOrder.reversed() : runOrder
        var timings = RunnerTimings()
        do {
            try fitMainModels(entries, interruption: interruption)
            if !interruption.isRaised {
                timings = try estimate(entries, order: order, truths: evaluated, interruption: interruption)
            }
            if !interruption.isRaised {
                try checkStatefulness(entries, order: runOrder, truths: evaluated, sampledFrom: allKeys,
                                      interruption: interruption)
            }
        } catch {
            markInterrupted(entries)
            throw error
        }
        if interruption.isRaised {
            markInterrupted(entries)
            return try report(entries, truths: evaluated, interrupted: true, timings: timings)
        }
        for entry in entries {
            // A shard's run is complete only when every shard recorded into this file; else it
            // waits, unfinished, for `bench store merge` (or for the other shards).
            if options.shard != nil, try store.completedPseudoExperiments(entry.start.id).count < truths.count {
                try store.finishRun(entry.start.id, status: .interrupted, worker: entry.start.worker)
                continue
            }
            try store.finishRun(entry.start.id, status: .completed, worker: entry.start.worker)
            // Scored by the spec the sets were drawn from (stored with the challenge, so the
            // leaderboard and report score by the same), unless the options name a policy.
            try store.scoreRun(entry.start.id, policy: options.policy ?? ScoringPolicy(spec: source.spec),
                               bootstrap: options.bootstrap)
        }
        return try report(entries, truths: evaluated, interrupted: false, timings: timings)
    }

    // MARK: - Order

    /// Every pseudo-experiment, shuffled by the run's seed under the set's secret (Fisher-Yates
    /// with `SeededGenerator(seed: keys.seed([Purpose.runOrder, run seed]))` over the keys in
    /// set, index order; ``SetKeys``): the same seed gives the same order, whatever was already
    /// recorded, and no estimator can compute it.
    public func runOrder(_ keys: [PseudoExperimentKey]) -> [PseudoExperimentKey] {
        var order = keys.sorted()
        var rng = source.keys.generator([SeedDerivation.Purpose.runOrder.rawValue, options.seed])
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, rng.nextInt(below: i + 1))
        }
        return order
    }

    // MARK: - Recording

    /// Records `outcome` into the entry's run and counts it. Another process evaluating the same
    /// submission on the same file shares the run (``LeaderboardStore/beginRun``): when it
    /// recorded this pseudo-experiment first, or already completed the run, its result stands
    /// and this one is dropped (a stateless estimator gives the same numbers). Returns whether
    /// this outcome was stored.
    @discardableResult
    func record(_ outcome: PseudoExperimentOutcome, for entry: Entry) throws -> Bool {
        do {
            try store.record(outcome, in: entry.start.id)
            entry.tally.withLock { $0.recorded += 1; if outcome.failure != nil { $0.failures += 1 } }
            return true
        } catch LeaderboardStoreError.duplicateResult {
        } catch let LeaderboardStoreError.runNotRunning(_, _, status) where status == RunStatus.completed.rawValue {
        }
        entry.tally.withLock { $0.byOthers += 1 }
        return false
    }

    // MARK: - Finishing

    /// Marks every run that is still running as interrupted (best effort: the store may be the
    /// reason we are here); a running run would resume as well, this only says why it stopped.
    private func markInterrupted(_ entries: [Entry]) {
        for entry in entries {
            try? store.finishRun(entry.start.id, status: .interrupted, worker: entry.start.worker)
        }
    }

    private func report(_ entries: [Entry], truths: [PseudoExperimentTruth], interrupted: Bool,
                        timings: RunnerTimings) throws -> EvaluationReport {
        let contestants = try entries.map { entry -> ContestantReport in
            let manifest = try store.runManifest(entry.start.id)
            var fitSeconds: Double?, fitFailure: String?
            switch entry.fit {
            case let .fitted(_, seconds, cached)?: fitSeconds = cached ? 0 : seconds
            case let .failed(reason, seconds)?: fitSeconds = seconds; fitFailure = reason
            case nil: break
            }
            let tally = entry.tally.current
            return ContestantReport(
                submission: entry.contestant.submission, run: entry.start.id, resumed: entry.start.resumed,
                status: manifest.status, alreadyRecorded: entry.alreadyRecorded, recorded: tally.recorded,
                recordedByOthers: tally.byOthers, peersAtStart: entry.start.peers, failures: tally.failures, fitSeconds: fitSeconds, fitFailure: fitFailure,
                loadedSavedFit: entry.contestant.savedFit != nil,
                statefulnessChecked: entry.statefulnessChecked, flags: try store.flags(of: entry.start.id),
                scorecard: manifest.status == .completed
                    ? try store.scorecard(for: entry.start.id, policy: options.policy ?? ScoringPolicy(spec: source.spec)) : nil)
        }
        return EvaluationReport(challenge: source.spec.name, setManifestHash: source.setManifestHash,
                                pseudoExperiments: truths.count, contestants: contestants, interrupted: interrupted,
                                timings: timings, shard: options.shard)
    }

    // MARK: - Shared steps

    /// The training context (built on first use; each fit gets its own copy, so the
    /// generator every fit starts from is the same).
    ///
    /// Pool files and simulated pools quote their weights at the luminosity of the spec's
    /// yields; a ``TrainingContext`` promises expected events at the challenge's luminosity, so
    /// the weights are scaled as the generator scales the evaluation pool's:
    /// ```
    /// w' = w * spec.luminosity / spec.yields.referenceLuminosity
    /// ```
    /// The context holds the spec redacted for estimators (no phases, no seeds:
    /// ``ChallengeSpec/redactedForEstimators()``), and its generator is seeded under the set's
    /// secret (``EvaluationOptions/trainingSeed(keys:)``), so no fit can walk back to a seed of
    /// the truths.
    func baseTrainingContext() throws -> TrainingContext {
        try trainingContext.withLock { context in
            if let context { return context }
            let built = try Self.trainingContext(source: source, options: options)
            context = built
            return built
        }
    }

    /// The training context of ``baseTrainingContext()``, built anew.
    static func trainingContext(source: any PseudoExperimentSource, options: EvaluationOptions) throws -> TrainingContext {
        let spec = source.spec
        var pool = try source.trainingPool
        let scale = spec.luminosity / spec.yields.referenceLuminosity
        if scale != 1 {
            pool.weights = pool.weights.map { Float(Double($0) * scale) }
        }
        return TrainingContext(spec: spec.redactedForEstimators(), pool: pool,
                               rng: SeededGenerator(seed: options.trainingSeed(keys: source.keys)))
    }

    /// One estimate call, timed and judged: the generator comes from the harness secret, the
    /// nuisances reach a reference oracle only.
    func estimateOne(_ model: FittedModel, view: SealedView, truth: PseudoExperimentTruth) -> PseudoExperimentOutcome {
        var rng = seeds.generator(for: truth.key)
        let start = Clock.now()
        let result = Result { try model.estimate(view, truth: truth, using: &rng) }
        let seconds = Clock.seconds(since: start)
        return OutcomeRules.outcome(truth.key, result, seconds: seconds, timeLimit: options.pseudoExperimentTimeLimit)
    }

    /// The view of one pseudo-experiment, or the source's error naming it.
    func view(of key: PseudoExperimentKey) throws -> SealedView {
        do {
            return try source.view(of: key)
        } catch {
            throw EvaluationError.generationFailed(key: key, setManifestHash: source.setManifestHash,
                                                   reason: OutcomeRules.describe(error))
        }
    }
}
