import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// The runner end to end on real pseudo-experiments of the reference sample: every result
/// recorded once, reproducible on any number of jobs, each pseudo-experiment generated once
/// for all contestants, fitted models cached.
final class EvaluationRunnerTests: XCTestCase {
    func testRunRecordsEveryPseudoExperimentAndScores() throws {
        let f = try RunnerFixture("complete")
        defer { f.remove() }
        let report = try f.runner().run([try RunnerFixture.entry(CountingTestEstimator())])
        XCTAssertFalse(report.interrupted)
        XCTAssertEqual(report.pseudoExperiments, 6)
        let c = try XCTUnwrap(report.contestants.first)
        XCTAssertEqual(c.status, .completed)
        XCTAssertEqual(c.recorded, 6)
        XCTAssertEqual(c.failures, 0)
        XCTAssertFalse(c.resumed)
        XCTAssertEqual(c.flags, [])
        XCTAssertGreaterThanOrEqual(c.statefulnessChecked, 1)
        let card = try XCTUnwrap(c.scorecard)
        XCTAssertEqual(card.overall.n, 6)
        XCTAssertEqual(card.overall.failures, 0)

        let outcomes = try f.store.outcomes(of: c.run)
        XCTAssertEqual(outcomes.map(\.key), f.sets.truths.map(\.key))
        for outcome in outcomes {
            let e = try XCTUnwrap(outcome.estimate)
            XCTAssertTrue(e.interval68.isFinite && !e.interval68.isSwapped, "\(outcome)")
        }
        let manifest = try f.store.runManifest(c.run)
        XCTAssertEqual(manifest.seeds, ["run": 3])
        XCTAssertEqual(manifest.challenge, "fair-universe-2024-mini")
        XCTAssertEqual(report.timings.generated, 6)
        XCTAssertEqual(report.timings.estimates, 6)
    }

    func testSameSeedSameResultsOnOneOrTwoJobs() throws {
        let f = try RunnerFixture("reproducible")
        defer { f.remove() }
        let one = try f.runner(RunnerFixture.options(jobs: 1)).run([try RunnerFixture.entry(CountingTestEstimator())])
        let two = try f.runner(RunnerFixture.options(jobs: 2)).run([try RunnerFixture.entry(CountingTestEstimator())])
        XCTAssertNotEqual(one.contestants[0].run, two.contestants[0].run, "a completed run is never resumed")
        XCTAssertEqual(try f.store.outcomes(of: one.contestants[0].run).withoutTimes,
                       try f.store.outcomes(of: two.contestants[0].run).withoutTimes)
    }

    func testEachPseudoExperimentIsGeneratedOnceForAllContestants() throws {
        let f = try RunnerFixture("shared")
        defer { f.remove() }
        let contestants = [try RunnerFixture.entry(CountingTestEstimator()), try RunnerFixture.entry(GeneratorProbe()),
                           try RunnerFixture.entry(StatefulEstimator())]
        let report = try f.runner(RunnerFixture.options(fraction: 0)).run(contestants)
        XCTAssertEqual(f.sets.generatedViews, 6)
        XCTAssertEqual(report.timings.generated, 6)
        XCTAssertEqual(report.timings.estimates, 18)
        XCTAssertEqual(report.contestants.map(\.recorded), [6, 6, 6])
        XCTAssertEqual(report.contestants.map(\.statefulnessChecked), [0, 0, 0])
    }

    func testRunOrderIsASeededShuffleAcrossSets() throws {
        let f = try RunnerFixture("order", sets: 4, perSet: 5)
        defer { f.remove() }
        let keys = f.sets.truths.map(\.key)
        let order = try f.runner(RunnerFixture.options(seed: 9)).runOrder(keys)
        XCTAssertEqual(order.sorted(), keys)
        XCTAssertEqual(order, try f.runner(RunnerFixture.options(seed: 9)).runOrder(keys.reversed()))
        XCTAssertNotEqual(order, try f.runner(RunnerFixture.options(seed: 10)).runOrder(keys))
        // Sets are interleaved: the first five are not all of one set.
        XCTAssertGreaterThan(Set(order.prefix(5).map(\.setIndex)).count, 1)
    }

    func testFittedModelsAreCachedButTheCheckFitsAFreshInstance() throws {
        let f = try RunnerFixture("cache")
        defer { f.remove() }
        let fits = FitCounter()
        let cache = FittedModelCache()
        let estimator = CountingTestEstimator(fits: fits)
        let first = try f.runner(cache: cache).run([try RunnerFixture.entry(estimator)])
        XCTAssertEqual(fits.count, 2, "one fit for the run, one fresh instance for the statefulness check")
        XCTAssertEqual(cache.count, 1)
        XCTAssertGreaterThan(try XCTUnwrap(first.contestants[0].fitSeconds), 0)
        let second = try f.runner(cache: cache).run([try RunnerFixture.entry(estimator)])
        XCTAssertEqual(fits.count, 3, "the run's model came from the cache; only the fresh instance was fitted")
        XCTAssertEqual(second.contestants[0].fitSeconds, 0)
        XCTAssertEqual(try f.store.outcomes(of: first.contestants[0].run).withoutTimes,
                       try f.store.outcomes(of: second.contestants[0].run).withoutTimes)
    }

    func testRefusesNoContestantsDuplicatesAndBadOptions() throws {
        let f = try RunnerFixture("refusals")
        defer { f.remove() }
        XCTAssertThrowsError(try f.runner().run([])) { XCTAssertEqual($0 as? EvaluationError, .noContestants) }
        let twice = [try RunnerFixture.entry(CountingTestEstimator()), try RunnerFixture.entry(CountingTestEstimator())]
        XCTAssertThrowsError(try f.runner().run(twice)) {
            XCTAssertEqual($0 as? EvaluationError, .duplicateContestant(name: "test-counting"))
        }
        XCTAssertThrowsError(try f.runner(EvaluationOptions(jobs: 0))) { error in
            XCTAssertTrue("\(error)".contains("jobs must be at least 1"), "\(error)")
        }
        XCTAssertThrowsError(try f.runner(EvaluationOptions(pseudoExperimentTimeLimit: .nan)))
        XCTAssertThrowsError(try f.runner(EvaluationOptions(statefulnessFraction: 1.5)))
        XCTAssertEqual(try f.store.contents().runs, [:], "nothing was begun")
    }
}
