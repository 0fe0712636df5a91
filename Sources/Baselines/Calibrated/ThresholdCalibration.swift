import Foundation
import PseudoExperiments

/// Calibrates the threshold of a profile-likelihood interval on toys, so that its coverage is
/// the nominal one whatever the likelihood's departures from the asymptotic regime (few events
/// in signal-rich bins, approximate morphing, templates from finite samples).
///
/// A Neyman-style construction with one threshold for all mu. Toys are drawn from held-out
/// training rows the templates never used, as pseudo-experiments are drawn from their pool:
/// for each of `nuisanceDraws` draws of the shape nuisances from their priors, the held-out
/// rows are transformed (fresh soft-MET noise) and histogrammed per process; each of
/// `toysPerDraw` toys then draws mu from its prior and the normalisation nuisances from theirs
/// and Poisson counts per bin (the sum of the per-event Poisson draws of the rows in a bin is
/// Poisson with the summed mean, so a binned toy has the distribution of an event-level one):
/// ```
/// nu_i = sum_p N_p(mu, theta) H_pi(theta_shape),    n_i ~ Poisson(nu_i)
/// t_k  = t(mu_k) of toy k                                 (one global, one conditional fit)
/// threshold = the `confidence` quantile of { t_k }
/// ```
/// so that `{mu : t(mu) <= threshold}` covers the toys' true mu in that fraction of them. The
/// held-out rows are themselves a finite sample: their statistical offset from the templates
/// is added to the toys' Barlow-Beeston variances (`v_templates + v_heldOut`), so that the
/// calibration corrects the likelihood's shape, not the held-out sample's fluctuation. Toys
/// whose fit fails are left out and counted.
public struct ThresholdCalibration: Sendable, Equatable {
    public var nuisanceDraws: Int
    public var toysPerDraw: Int

    public init(nuisanceDraws: Int = 40, toysPerDraw: Int = 50) {
        precondition(nuisanceDraws >= 1 && toysPerDraw >= 1, "need at least one draw and one toy per draw")
        self.nuisanceDraws = nuisanceDraws
        self.toysPerDraw = toysPerDraw
    }

    /// What the calibration found.
    public struct Result: Sendable, Equatable {
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
    }

    /// The calibrated threshold for `likelihood` with `binning`, from toys of `heldOut`.
    ///
    /// - Throws: ``BaselineError/poolTooSmall(estimator:what:rows:needed:)`` when fewer than
    ///   half the toys could be fitted (the calibration would mean little).
    public func calibrate(_ likelihood: TemplateLikelihood, binning: some EventBinning, heldOut: TemplateSource,
                          spec: ChallengeSpec, using rng: inout SeededGenerator) throws -> Result {
        let layout = likelihood.layout
        let nominal = heldOut.histograms(of: binning, at: layout.shift(at: layout.nominal), noiseSeed: rng.next())
        var toyLikelihood = likelihood
        toyLikelihood.threshold = 1
        let heldOutVariances = (0..<binning.binCount).map { i -> Double in
            var sum = 0.0, squares = 0.0
            for code in nominal.sums.indices { sum += nominal.sums[code][i]; squares += nominal.squares[code][i] }
            return sum > 0 ? squares / (sum * sum) : 0
        }
        toyLikelihood = toyLikelihood.withRelativeVariances(zip(likelihood.relativeVariances, heldOutVariances).map { $0 + $1 })
        var samples: [(mu: Double, t: Double)] = []
        var failures = 0
        for _ in 0..<nuisanceDraws {
            let shapes = spec.drawNuisances(using: &rng)
            let h = heldOut.histograms(of: binning, at: SystematicShift(shapes), noiseSeed: rng.next())
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
                if let t = try? toyLikelihood.ratio(observed: observed, at: mu) {
                    samples.append((mu, t))
                } else {
                    failures += 1
                }
            }
        }
        let total = nuisanceDraws * toysPerDraw
        guard samples.count * 2 >= total else {
            throw BaselineError.poolTooSmall(estimator: likelihood.estimator, what: "calibrating on toys (\(failures) of \(total) toy fits failed)",
                                             rows: heldOut.rowCounts.reduce(0, +), needed: 0)
        }
        let sorted = samples.map(\.t).sorted()
        let position = spec.confidenceLevel * Double(sorted.count)
        let k = min(sorted.count - 1, max(0, Int(position.rounded(.up)) - 1))
        let threshold = max(sorted[k], 1e-6)
        func coverage(_ part: [(mu: Double, t: Double)], _ cut: Double) -> Double {
            Double(part.filter { $0.t <= cut }.count) / Double(max(part.count, 1))
        }
        let width = (spec.muPrior.max - spec.muPrior.min) / 3
        let thirds = (0..<3).map { j -> Double in
            let lo = spec.muPrior.min + Double(j) * width
            return coverage(samples.filter { $0.mu >= lo && ($0.mu < lo + width || j == 2) }, threshold)
        }
        return Result(threshold: threshold, toys: samples.count, failures: failures,
                      coverageAtOne: coverage(samples, 1), coverage: coverage(samples, threshold), coverageByThird: thirds)
    }
}
