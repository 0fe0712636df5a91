import Foundation
import PseudoExperiments

/// Calibrates the threshold of a profile-likelihood interval on toys drawn from the training
/// pool, so that its coverage is the nominal one whatever the likelihood's departures from the
/// asymptotic regime (few events in signal-rich bins, approximate morphing, templates from
/// finite samples).
///
/// A Neyman-style construction with one threshold for all mu. Each of `nuisanceDraws` draws
/// takes the shape nuisances from their priors and a bootstrap replicate of the template rows
/// (each row counted k ~ Poisson(1) times), transforms the rows at those nuisances (fresh
/// soft-MET noise) and histograms them per process: a "truth" that differs from the templates as
/// the evaluation pool's does, by the templates' own sampling fluctuation and by the real
/// transform instead of the morphing. Each of its `toysPerDraw` toys draws mu and the
/// normalisation nuisances from their priors and Poisson counts per bin (the sum of the
/// per-event Poisson draws of the rows in a bin is Poisson with the summed mean, so a binned toy
/// has an event-level toy's distribution):
/// ```
/// nu_i = sum_p N_p(mu, theta) H*_pi(theta_shape),    n_i ~ Poisson(nu_i)
/// t_k  = t(mu_k) of toy k                                 (global and conditional fits)
/// threshold = the `confidence` quantile of { t_k }
/// ```
/// and likewise one threshold per further level (50%, 90%, 95%: the level's quantile of the
/// same t_k), so that every reported level is calibrated, not only the scored one.
/// so that `{mu : t(mu) <= threshold}` covers the toys' true mu in that fraction of them,
/// averaged over the templates' fluctuations (which the likelihood's Barlow-Beeston terms model).
/// Why not toys from held-out rows: every toy would share that one sample's fluctuation, larger
/// than the templates' (it is smaller), and the threshold would learn that sample, not the
/// estimator. Toys whose fit fails are left out and counted. Draws run in parallel, each with
/// its own seed, so the result does not depend on the number of cores.
///
/// Defaults: 20 draws of 90 toys, 1800 toys in all, which pin the threshold's coverage to about
/// +-0.011 (binomial); a draw's cost is one transform and scoring of the template rows, so the
/// draws, not the toys, are what fitting waits on.
public struct ThresholdCalibration: Sendable, Equatable {
    public var nuisanceDraws: Int
    public var toysPerDraw: Int

    public init(nuisanceDraws: Int = 20, toysPerDraw: Int = 90) {
        precondition(nuisanceDraws >= 1 && toysPerDraw >= 1, "need at least one draw and one toy per draw")
        self.nuisanceDraws = nuisanceDraws
        self.toysPerDraw = toysPerDraw
    }

    /// What the calibration found.
    public struct Result: Sendable, Equatable, Codable {
        /// The calibrated threshold of t(mu).
        public var threshold: Double
        /// Toys whose t was measured, and toys whose fit failed.
        public var toys: Int
        public var failures: Int
        /// The toys' coverage of the uncalibrated threshold 1 and of the calibrated one.
        public var coverageAtOne: Double
        public var coverage: Double
        /// The calibrated threshold's coverage of the toys in each third of the mu prior.
        public var coverageByThird: [Double]
        /// The further levels (``ConfidenceLevels/further(than:)``) with thresholds calibrated
        /// on the same toys, each the level's quantile of t, ascending by level.
        public var furtherThresholds: [TemplateLikelihood.LevelThreshold]
    }

    /// The calibrated threshold for `likelihood` with `binning`, from toys of `source` (the
    /// rows the templates were made from).
    ///
    /// - Throws: ``BaselineError/trainingFailed(estimator:reason:)`` when fewer than half the
    ///   toys could be fitted (the calibration would mean little).
    public func calibrate(_ likelihood: TemplateLikelihood, binning: some EventBinning, source: TemplateSource,
                          spec: ChallengeSpec, using rng: inout SeededGenerator) throws -> Result {
        var base = likelihood
        base.threshold = 1
        let seeds = (0..<nuisanceDraws).map { _ in rng.next() }
        let perDraw: [(samples: [(mu: Double, t: Double)], failures: Int)] = ParallelMap.map(seeds) { seed in
            var rng = SeededGenerator(seed: seed)
            let shapes = spec.drawNuisances(using: &rng)
            let replicate = source.bootstrap(using: &rng)
            let h = source.histograms(of: binning, at: SystematicShift(shapes), noiseSeed: rng.next(), multiplicities: replicate)
            var samples: [(mu: Double, t: Double)] = []
            var failures = 0
            for _ in 0..<toysPerDraw {
                let mu = spec.drawMu(using: &rng)
                var nuisances = spec.drawNuisances(using: &rng)
                nuisances.tes = shapes.tes
                nuisances.jes = shapes.jes
                nuisances.softMet = shapes.softMet
                var observed = [Double](repeating: 0, count: binning.binCount)
                for i in observed.indices {
                    var nu = 0.0
                    for process in PhysicsProcess.allCases {
                        nu += spec.normalisation(of: process, mu: mu, nuisances: nuisances) * h.sums[Int(process.code)][i]
                    }
                    observed[i] = Double((try? PoissonVariate.draw(mean: nu, using: &rng)) ?? 0)
                }
                if let t = try? base.ratio(observed: observed, at: mu) {
                    samples.append((mu, t))
                } else {
                    failures += 1
                }
            }
            return (samples, failures)
        }
        let samples = perDraw.flatMap(\.samples)
        let failures = perDraw.reduce(0) { $0 + $1.failures }
        let total = nuisanceDraws * toysPerDraw
        guard samples.count * 2 >= total else {
            throw BaselineError.trainingFailed(estimator: likelihood.estimator,
                                               reason: .emptyInput(what: "calibration toys that could be fitted (\(failures) of \(total) failed)"))
        }
        let sorted = samples.map(\.t).sorted()
        /// The smallest t_k with at least `level` of the toys at or below it.
        func quantile(_ level: Double) -> Double {
            let position = level * Double(sorted.count)
            let k = min(sorted.count - 1, max(0, Int(position.rounded(.up)) - 1))
            return max(sorted[k], 1e-6)
        }
        let threshold = quantile(spec.confidenceLevel)
        let further = ConfidenceLevels.further(than: spec.confidenceLevel).map {
            TemplateLikelihood.LevelThreshold(level: $0, threshold: quantile($0))
        }
        func coverage(_ part: [(mu: Double, t: Double)], _ cut: Double) -> Double {
            Double(part.filter { $0.t <= cut }.count) / Double(max(part.count, 1))
        }
        let width = (spec.muPrior.max - spec.muPrior.min) / 3
        let thirds = (0..<3).map { j -> Double in
            let lo = spec.muPrior.min + Double(j) * width
            return coverage(samples.filter { $0.mu >= lo && ($0.mu < lo + width || j == 2) }, threshold)
        }
        return Result(threshold: threshold, toys: samples.count, failures: failures,
                      coverageAtOne: coverage(samples, 1), coverage: coverage(samples, threshold), coverageByThird: thirds,
                      furtherThresholds: further)
    }
}
