import Foundation
import TestSupport
import XCTest
import PseudoExperiments
@testable import Baselines

/// Coverage of every baseline on the built-in simulator's events, at a tenth of the default
/// challenge's luminosity (1 fb^-1: ~105,000 events and ~100 signal events per
/// pseudo-experiment) with pools a tenth of the default's (the same ratios of pool rows to
/// events). A measurement for a release build:
/// ```
/// BASELINES_REALISTIC=<toys> [BASELINES_ONLY=a,b] FAIR_UQ_CACHE=/tmp/fair-uq-cache \
///   swift test -c release --skip-build --filter RealisticCoverageTests
/// ```
final class RealisticCoverageTests: XCTestCase {
    func testCoverageOnSimulatedEvents() throws {
        guard let text = ProcessInfo.processInfo.environment["BASELINES_REALISTIC"], let toys = Int(text) else {
            throw XCTSkip(SkipLog.record("set BASELINES_REALISTIC=<toys> to run the study on simulated events (release build)"))
        }
        let only = ProcessInfo.processInfo.environment["BASELINES_ONLY"].map { Set($0.split(separator: ",").map(String.init)) }
        var spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        spec.luminosity = 1
        let scale = spec.luminosity / spec.yields.referenceLuminosity
        func pool(_ seed: UInt64, _ rows: ProcessRows) throws -> EventTable {
            let plan = SimulationPlan(seed: seed, rows: rows, spec: spec)
            var table = try PoolReader.read(try SimulatedPool.cached(plan).url).table
            table.weights = table.weights.map { $0 * Float(scale) }   // weights at the challenge's luminosity
            return table
        }
        let clock = ContinuousClock()
        let start = clock.now
        let evaluation = try pool(2024501, ProcessRows(htautau: 50_000, ztautau: 5_120_000, ttbar: 226_000, diboson: 19_500))
        let training = try pool(2024502, ProcessRows(htautau: 40_000, ztautau: 950_000, ttbar: 60_000, diboson: 10_000))
        print("pools ready in \(clock.now - start): evaluation \(evaluation.count) rows, training \(training.count)")
        let study = try ToyStudy(spec: spec, evaluationPool: evaluation)
        for estimator in BaselineCatalog.all where only?.contains(estimator.name) ?? true {
            var context = TrainingContext(spec: spec, pool: training, rng: SeededGenerator(seed: 99))
            var fitted: (any FittedEstimator)!
            let fitTime = try clock.measure { fitted = try estimator.fit(&context) }
            if let templates = fitted as? FittedTemplates<ScoreBinning> {
                print("  \(estimator.name): \(templates.binning.binCount) bins, threshold \(templates.likelihood.threshold)")
            }
            var rng = SeededGenerator(seed: 7)
            let begin = clock.now
            let summary = try study.run(count: toys, seed: 31) { toy in
                if let oracle = fitted as? any FittedOracleEstimator {
                    return try oracle.estimate(toy.view, knowing: toy.nuisances, using: &rng)
                }
                return try fitted.estimate(toy.view, using: &rng)
            }
            let thirds = summary.coverageByThird(spec.muPrior.min...spec.muPrior.max).map { String(format: "%.3f", $0) }
            print("REALISTIC \(estimator.name): \(summary) thirds \(thirds) fit \(fitTime) per-toy \((clock.now - begin) / toys)")
            for outcome in summary.outcomes where outcome.error != nil { print("  failure:", outcome.error!); break }
        }
    }
}

