import Foundation
import PseudoExperiments

/// Timings of the binned-likelihood baseline on a full-size pseudo-experiment of the default
/// challenge, for `bench benchmark` (meaningful only in a release build).
///
/// The baseline is trained on a simulated pool of `poolRows` rows (weights carrying the
/// challenge's yields), and a pseudo-experiment of ~1.05 M events is drawn from that pool at
/// mu = 1.5 and nuisances a little off nominal. Then, excluding generation:
/// ```
/// profile_fit_ms           one global fit from the nominal start                 target <= 1 ms
/// profile_interval_ms      the whole interval as the estimator finds it (global
///                          fits from its starts, both ends by Brent root finding)  target <= 5 ms
/// binned_estimate_ms       histogramming the view and the interval
/// binned_training_seconds  training the baseline (templates along every grid)
/// classifier_scores_ms     scoring the pseudo-experiment's events with 120 trees of depth 4
///                          (the classifier baselines' size; random splits, same cost)
/// ```
/// Each figure is the median of `repetitions` runs on one core.
public struct BaselineBenchmark: BenchmarkSuite {
    public let name = "baselines"
    public var poolRows: Int
    public var repetitions: Int

    public init(poolRows: Int = 1_000_000, repetitions: Int = 50) {
        self.poolRows = poolRows
        self.repetitions = repetitions
    }

    public func run() throws -> [BenchmarkFigure] {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let pool = try EventSimulator.table(try SimulationPlan(seed: 2024777, events: poolRows, spec: spec))
        var context = TrainingContext(spec: spec, pool: pool, rng: SeededGenerator(seed: 1))
        let clock = ContinuousClock()
        var fitted: FittedTemplates<FeatureBinning>!
        let training = try clock.measure { fitted = try BinnedLikelihoodEstimator().fitTemplates(&context) }

        let truth = NuisanceValues(tes: 1.004, jes: 0.995, softMet: 1.4, ttbarScale: 1.01, dibosonScale: 1.1, bkgScale: 1)
        var rng = SeededGenerator(seed: 2)
        let rows = try PoolSampler(pool: pool).draw(mu: 1.5, nuisances: truth, using: &rng)
        let events = context.prepared.gather(rows).applying(SystematicShift(truth), noise: &rng)
        let observed = try fitted.observed(events)
        let likelihood = fitted.likelihood
        let profile = try likelihood.profile(observed: observed)

        var fitTimes: [Double] = [], intervalTimes: [Double] = [], estimateTimes: [Double] = []
        for _ in 0..<repetitions {
            fitTimes.append(Self.milliseconds(try clock.measure { _ = try profile.bestFit() }))
            intervalTimes.append(Self.milliseconds(try clock.measure { _ = try likelihood.interval(observed: observed) }))
        }
        for _ in 0..<max(3, repetitions / 10) {
            estimateTimes.append(Self.milliseconds(try clock.measure {
                _ = try likelihood.estimate(observed: try fitted.observed(events), rows: events.count)
            }))
        }
        let trees = Self.randomTrees(count: 120, depth: 4, seed: 3)
        var scoreTimes: [Double] = []
        for _ in 0..<max(3, repetitions / 10) {
            scoreTimes.append(Self.milliseconds(clock.measure { _ = trees.scores(events) }))
        }
        return [
            BenchmarkFigure(key: "classifier_scores_ms", value: Self.median(scoreTimes), unit: "ms",
                            label: "Classifier baselines: score \(events.count) events with \(trees.treeCount) trees of depth 4"),
            BenchmarkFigure(key: "profile_fit_ms", value: Self.median(fitTimes), unit: "ms",
                            label: "Binned-likelihood baseline: one global fit (\(likelihood.model.binCount) bins, 7 parameters)"),
            BenchmarkFigure(key: "profile_interval_ms", value: Self.median(intervalTimes), unit: "ms",
                            label: "Binned-likelihood baseline: the full 68.27% interval"),
            BenchmarkFigure(key: "binned_estimate_ms", value: Self.median(estimateTimes), unit: "ms",
                            label: "Binned-likelihood baseline: histogram \(events.count) events and interval"),
            BenchmarkFigure(key: "binned_training_seconds", value: Self.milliseconds(training) / 1000, unit: "s",
                            label: "Binned-likelihood baseline: training on \(poolRows) pool rows"),
        ]
    }

    /// Trees with random splits (features, thresholds between 0 and 100) and leaves: scoring
    /// costs the same whatever the splits.
    static func randomTrees(count: Int, depth: Int, seed: UInt64) -> BoostedTrees {
        var rng = SeededGenerator(seed: seed)
        let inner = count * ((1 << depth) - 1), leaves = count << depth
        let width = UInt64(Feature.allCases.count)
        return BoostedTrees(depth: depth, base: 0,
                            features: (0..<inner).map { _ in Int32(rng.next() % width) },
                            thresholds: (0..<inner).map { _ in Float(rng.nextUnitDouble() * 100) },
                            leaves: (0..<leaves).map { _ in Float(rng.nextUnitDouble() - 0.5) })
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}
