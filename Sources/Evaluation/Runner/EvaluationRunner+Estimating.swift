import Foundation
import PseudoExperiments
import Scoring

/// The main pass: every pending pseudo-experiment generated once, handed to every contestant
/// that needs it, each result committed as it arrives.
extension EvaluationRunner {
    /// Estimates the pending pseudo-experiments of the contestants whose fit succeeded, in
    /// `order`, on `options.jobs` threads. Stops taking new pseudo-experiments when
    /// `interruption` is raised; rethrows the first store or generation error after the
    /// workers stopped.
    func estimate(_ entries: [Entry], order: [PseudoExperimentKey], truths: [PseudoExperimentTruth],
                  interruption: InterruptFlag) throws -> RunnerTimings {
        let active = entries.filter { $0.fit?.model != nil && !$0.pending.isEmpty }
        let truthOf = Dictionary(uniqueKeysWithValues: truths.map { ($0.key, $0) })
        let items: [(key: PseudoExperimentKey, entries: [Entry])] = order.compactMap { key in
            let needing = active.filter { $0.pending.contains(key) }
            return needing.isEmpty ? nil : (key, needing)
        }
        let total = items.reduce(0) { $0 + $1.entries.count }
        var timings = RunnerTimings()
        guard total > 0 else { return timings }

        let failure = Locked<(any Error)?>(nil)
        let perWorker = Locked([RunnerTimings](repeating: RunnerTimings(), count: max(1, options.jobs)))
        progress.begin("estimating", total: total)
        let wallStart = Clock.now()
        WorkerPool.run(count: items.count, jobs: options.jobs,
                       shouldStop: { interruption.isRaised || failure.current != nil }) { i, worker in
            let item = items[i]
            var t = RunnerTimings()
            let busyStart = Clock.now()
            defer {
                t.busySeconds = Clock.seconds(since: busyStart)
                perWorker.withLock { $0[worker].add(t) }
            }
            do {
                guard let truth = truthOf[item.key] else { return }   // keys come from the truths
                // Another process sharing a run may have done this one meanwhile.
                var open: [Entry] = []
                for entry in item.entries where entry.fit?.model != nil {
                    if try self.store.hasResult(item.key, in: entry.start.id) {
                        entry.tally.withLock { $0.byOthers += 1 }
                        self.progress.advance()
                    } else {
                        open.append(entry)
                    }
                }
                guard !open.isEmpty else { return }
                let generationStart = Clock.now()
                let view = try self.view(of: item.key)
                t.generationSeconds = Clock.seconds(since: generationStart)
                t.generated = 1
                for entry in open {
                    guard let model = entry.fit?.model else { continue }
                    defer { self.progress.advance() }
                    let outcome = self.estimateOne(model, view: view, truth: truth)
                    t.estimatorSeconds += outcome.runtimeSeconds
                    t.estimates += 1
                    // A plugin killed by the stop signal is not a failure of the estimator.
                    if OutcomeRules.isInterruption(outcome.failure, interruption) { continue }
                    let recordStart = Clock.now()
                    try self.record(outcome, for: entry)
                    t.recordingSeconds += Clock.seconds(since: recordStart)
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        timings.wallSeconds = Clock.seconds(since: wallStart)
        progress.end()
        for t in perWorker.current { timings.add(t) }
        if let error = failure.current { throw error }
        return timings
    }
}
