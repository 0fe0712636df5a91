import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// Interrupting keeps every result and marks the runs interrupted; the next evaluation resumes
/// them and ends with the same results as an uninterrupted one.
final class InterruptionTests: XCTestCase {
    func testInterruptedRunResumesToTheSameResults() throws {
        let f = try RunnerFixture("interrupt", sets: 3, perSet: 4)
        defer { f.remove() }
        let contestants = [try RunnerFixture.entry(CountingTestEstimator()), try RunnerFixture.entry(GeneratorProbe())]
        let flag = InterruptFlag()
        f.sets.interruption = (flag, 5)
        let first = try f.runner(RunnerFixture.options(jobs: 1)).run(contestants, interruption: flag)
        XCTAssertTrue(first.interrupted)
        XCTAssertEqual(first.contestants.map(\.status), [.interrupted, .interrupted])
        XCTAssertNil(first.contestants[0].scorecard)
        // One job: the 5th view raised the flag while in progress; it was finished and recorded.
        XCTAssertEqual(first.contestants.map(\.recorded), [5, 5])
        XCTAssertEqual(try f.store.completedPseudoExperiments(first.contestants[0].run).count, 5)

        f.sets.interruption = nil
        let second = try f.runner(RunnerFixture.options(jobs: 2)).run(contestants)
        XCTAssertFalse(second.interrupted)
        for (a, b) in zip(first.contestants, second.contestants) {
            XCTAssertEqual(a.run, b.run)
            XCTAssertTrue(b.resumed)
            XCTAssertEqual(b.alreadyRecorded, 5)
            XCTAssertEqual(b.recorded, 7)
            XCTAssertEqual(b.status, .completed)
        }
        XCTAssertEqual(try f.store.runManifest(second.contestants[0].run).resumptions, 1)

        // The same as a run never interrupted (another database, same seed).
        let g = try RunnerFixture("interrupt-reference", sets: 3, perSet: 4)
        defer { g.remove() }
        let reference = try g.runner(RunnerFixture.options(jobs: 2)).run(contestants)
        for (x, y) in zip(second.contestants, reference.contestants) {
            XCTAssertEqual(try f.store.outcomes(of: x.run).withoutTimes, try g.store.outcomes(of: y.run).withoutTimes)
        }
    }

    func testResumingWithAnotherSeedIsRefused() throws {
        let f = try RunnerFixture("interrupt-seed")
        defer { f.remove() }
        let flag = InterruptFlag()
        f.sets.interruption = (flag, 2)
        let contestants = [try RunnerFixture.entry(CountingTestEstimator())]
        _ = try f.runner(RunnerFixture.options(seed: 1, jobs: 1)).run(contestants, interruption: flag)
        f.sets.interruption = nil
        XCTAssertThrowsError(try f.runner(RunnerFixture.options(seed: 2)).run(contestants)) { error in
            guard case LeaderboardStoreError.unfinishedRunConflict(_, _, let field, _, _) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(field, "seeds")
        }
        // The unfinished run is untouched and still resumes with its own seed.
        let resumed = try f.runner(RunnerFixture.options(seed: 1)).run(contestants)
        XCTAssertTrue(resumed.contestants[0].resumed)
        XCTAssertEqual(resumed.contestants[0].status, .completed)
    }

    func testAGenerationErrorStopsTheRunAsInterruptedAndKeepsResults() throws {
        let f = try RunnerFixture("generation-error")
        defer { f.remove() }
        // The fifth pseudo-experiment in the run order fails, so that four come before it.
        let order = try EvaluationRunner(store: f.store, source: f.sets, options: RunnerFixture.options(jobs: 1))
            .runOrder(f.sets.truths.map(\.key))
        let broken = BrokenSets(f.sets, failingAt: order[4])
        let runner = try EvaluationRunner(store: f.store, source: broken, options: RunnerFixture.options(jobs: 1))
        XCTAssertThrowsError(try runner.run([try RunnerFixture.entry(CountingTestEstimator())])) { error in
            guard case EvaluationError.generationFailed(let key, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key, order[4])
            XCTAssertEqual(reason, "the pool file is damaged")
        }
        let run = try XCTUnwrap(f.store.contents().unfinishedRuns.first)
        XCTAssertEqual(run.status, .interrupted)
        XCTAssertGreaterThan(try f.store.completedPseudoExperiments(run.id).count, 0)
    }
}

/// A source whose one pseudo-experiment cannot be generated.
final class BrokenSets: PseudoExperimentSource, @unchecked Sendable {
    let base: ReferenceSampleSets
    let failing: PseudoExperimentKey
    init(_ base: ReferenceSampleSets, failingAt key: PseudoExperimentKey) {
        self.base = base
        failing = key
    }
    var spec: ChallengeSpec { base.spec }
    var setManifestHash: String { base.setManifestHash }
    var rootSeed: UInt64 { base.rootSeed }
    var truths: [PseudoExperimentTruth] { base.truths }
    var trainingPool: EventTable { base.trainingPool }
    var trainingPoolHash: String { base.trainingPoolHash }
    func view(of key: PseudoExperimentKey) throws -> SealedView {
        if key == failing { throw SampleSetsError(message: "the pool file is damaged") }
        return try base.view(of: key)
    }
}

extension InterruptionTests {
    /// Ctrl-C and scancel signal the plugins too: a plugin killed by the stop signal fails its
    /// pseudo-experiment, and that failure is the interruption's. It is not recorded (the
    /// pseudo-experiment is estimated on resume), even when the harness sees the dead plugin a
    /// moment before its own signal; a failure that is not a stop signal is still recorded.
    func testAPluginKilledByTheStopSignalIsNotRecordedAsAFailure() throws {
        let f = try RunnerFixture("stop-signal", sets: 1, perSet: 4)
        defer { f.remove() }
        let flag = InterruptFlag()
        let killed = SignalledEstimator(flag: flag, failure: "the plugin was killed by signal 15 (SIGTERM) during estimate")
        let first = try f.runner(RunnerFixture.options(jobs: 1, fraction: 0)).run([try RunnerFixture.entry(killed)], interruption: flag)
        XCTAssertTrue(first.interrupted)
        XCTAssertEqual(first.contestants[0].recorded, 1, "the estimate before the signal only")
        XCTAssertEqual(try f.store.outcomes(of: first.contestants[0].run).compactMap(\.failure), [])

        // The same death as the sandbox reports it: its exit status 128 + 15.
        let h = try RunnerFixture("stop-signal-status", sets: 1, perSet: 4)
        defer { h.remove() }
        let stopped = InterruptFlag()
        let exited = SignalledEstimator(flag: stopped, failure: "The plugin exited with status 143 (= 128 + 15: a process "
            + "inside was killed by signal 15, SIGTERM) during estimate instead of answering.")
        let third = try h.runner(RunnerFixture.options(jobs: 1, fraction: 0)).run([try RunnerFixture.entry(exited)], interruption: stopped)
        XCTAssertEqual(try h.store.outcomes(of: third.contestants[0].run).compactMap(\.failure), [])

        let g = try RunnerFixture("other-failure", sets: 1, perSet: 4)
        defer { g.remove() }
        let other = InterruptFlag()
        let crashed = SignalledEstimator(flag: other, failure: "the plugin was killed by signal 11 (SIGSEGV) during estimate",
                                         raises: false)
        let second = try g.runner(RunnerFixture.options(jobs: 1, fraction: 0)).run([try RunnerFixture.entry(crashed)], interruption: other)
        XCTAssertFalse(second.interrupted)
        XCTAssertEqual(try g.store.outcomes(of: second.contestants[0].run).compactMap(\.failure).count, 3,
                       "a crash is the estimator's failure")
    }
}

/// Estimates its first pseudo-experiment; then fails each with `failure`, and (with `raises`)
/// raises `flag` a moment later from another thread, as a harness receives the signal its
/// plugin already died of.
struct SignalledEstimator: Estimator {
    let flag: InterruptFlag
    let failure: String
    var raises = true
    var name: String { "test-signalled" }
    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator { Model(flag: flag, failure: failure, raises: raises) }

    final class Model: FittedEstimator, @unchecked Sendable {
        let flag: InterruptFlag, failure: String, raises: Bool
        private let calls = NSLock()
        private var count = 0
        init(flag: InterruptFlag, failure: String, raises: Bool) { self.flag = flag; self.failure = failure; self.raises = raises }
        struct Failure: Error, CustomStringConvertible { let description: String }
        func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            calls.lock(); count += 1; let n = count; calls.unlock()
            if n == 1 { return Estimate(interval68: ConfidenceInterval(lower: 0.5, upper: 1.5), muHat: 1) }
            if raises {
                let flag = self.flag
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.raise() }
            }
            throw Failure(description: failure)
        }
    }
}
