import Foundation
import PseudoExperiments

/// A trained binned likelihood: morphed templates of every process, the prior constraints of
/// every nuisance and the templates' own statistical precision; it turns a pseudo-experiment's
/// observed counts into a profile-likelihood interval on mu.
///
/// ```
/// f(mu, theta) = sum_i F_i(n_i, nu_i(mu, theta)) + sum_j c_j(theta_j)
/// t(mu)        = min_theta f(mu, theta) - min_{mu, theta} f(mu, theta)
/// interval     = { mu : t(mu) <= threshold }          ends by Brent root finding
/// ```
/// with nu from ``MorphedTemplates``, F the Barlow-Beeston-lite deviance of each bin
/// (``BarlowBeestonLite``, the template's relative variance per bin) and c_j the priors as
/// constraints (``NuisanceLayout``). threshold 1 is the asymptotic 68.27% interval; a calibrated
/// estimator sets its own. The estimate carries the intervals of every level of
/// ``furtherLevels`` too (50%, 90%, 95%), from the same global fit. The reported interval is the likelihood interval intersected with the
/// mu prior's range (the true mu is known to lie there, so this never costs coverage); an
/// interval wholly outside that range collapses onto the nearer edge.
public struct TemplateLikelihood: Sendable, Codable {
    /// The name of the estimator, for errors (set again by each estimator that takes the
    /// likelihood from shared training results).
    public var estimator: String
    public let layout: NuisanceLayout
    public let model: MorphedTemplates
    /// Per bin, the relative variance of the nominal expectation (Barlow-Beeston lite).
    public private(set) var relativeVariances: [Double]
    /// The range an interval is reported within (the mu prior's).
    public let reportRange: ClosedRange<Double>
    /// The threshold of t(mu) of the primary interval, at the spec's confidence level
    /// (`(Phi^-1((1 + 0.6827) / 2))^2 = 1.0000434` for the challenge's 68.27%).
    public var threshold: Double
    /// The further levels reported beside the primary one, ascending, with their thresholds:
    /// by default ``ConfidenceLevels/further(than:)`` at the asymptotic (Wilks) thresholds
    /// `t_c = chi2_1 quantile at c = (Phi^-1((1 + c) / 2))^2` (0.455 at 50%, 2.706 at 90%,
    /// 3.841 at 95%); a calibrated estimator sets its own.
    public var furtherLevels: [LevelThreshold]
    /// The minimiser of every fit.
    public var minimiser: BoundedMinimiser

    /// Builds the likelihood from a template scan.
    ///
    /// mu is bounded above by `max + 10 (max - min)` of its prior and below by the most negative
    /// value that keeps every bin's nominal expectation positive with a margin,
    /// `-0.5 min_i B_i / S_i` (at most ten prior widths below 0). Bounds far from the prior keep
    /// the profile free of boundaries: an interval stopped by a bound is measured from a
    /// constrained minimum and over-covers, which matters for a wide estimator (counting).
    ///
    /// - Throws: ``BaselineError/missingProcess(estimator:process:rows:)`` when the templates hold
    ///   no signal, ``BaselineError/trainingFailed(estimator:reason:)`` when a response fit fails.
    public init(scan: TemplateScan, spec: ChallengeSpec, estimator: String, threshold: Double? = nil,
                minimiser: BoundedMinimiser = BoundedMinimiser()) throws {
        let signal = Int(PhysicsProcess.htautau.code)
        guard scan.nominal.total(signal) > 0 else {
            throw BaselineError.missingProcess(estimator: estimator, process: .htautau, rows: 0)
        }
        let bins = scan.nominal.sums[signal].count
        let width = spec.muPrior.max - spec.muPrior.min
        var lowest = Double.infinity
        for i in 0..<bins {
            let s = scan.nominal.sums[signal][i]
            guard s > 0 else { continue }
            var b = 0.0
            for code in scan.nominal.sums.indices where code != signal { b += scan.nominal.sums[code][i] }
            lowest = min(lowest, b / s)
        }
        let muLower = -min(Self.boundWidths * width, 0.5 * lowest)
        let layout = scan.layout.withMuBounds(muLower...(spec.muPrior.max + Self.boundWidths * width))
        var processes: [MorphedTemplates.Process] = []
        do {
            for process in PhysicsProcess.allCases {
                let code = Int(process.code)
                guard scan.nominal.total(code) > 0 else { continue }
                let responses = try layout.shapeNuisances.indices.map { try scan.response(process: code, nuisance: $0) }
                processes.append(.init(name: process.rawValue, template: scan.nominal.sums[code],
                                       normalisations: layout.normalisations[code], responses: responses))
            }
            model = try MorphedTemplates(processes: processes, parameterCount: layout.parameters.count)
        } catch let error as FitError {
            throw BaselineError.trainingFailed(estimator: estimator, reason: error)
        }
        self.estimator = estimator
        self.layout = layout
        self.relativeVariances = scan.relativeVariances
        self.reportRange = spec.muPrior.min...spec.muPrior.max
        self.threshold = try threshold ?? Self.asymptoticThreshold(spec.confidenceLevel)
        self.furtherLevels = try ConfidenceLevels.further(than: spec.confidenceLevel).map {
            LevelThreshold(level: $0, threshold: try Self.asymptoticThreshold($0))
        }
        self.minimiser = minimiser
    }

    /// A confidence level with the threshold of t(mu) that gives its interval.
    public struct LevelThreshold: Sendable, Equatable, Codable {
        public var level: Double
        public var threshold: Double

        public init(level: Double, threshold: Double) {
            precondition(level > 0 && level < 1 && threshold > 0,
                         "a level in (0, 1) needs a positive threshold, got level \(level), threshold \(threshold)")
            self.level = level
            self.threshold = threshold
        }
    }

    /// The asymptotic threshold of a two-sided interval at `level` (the chi-square quantile with
    /// one degree of freedom, ``NormalDistribution/likelihoodRatioThreshold(coverage:)``).
    static func asymptoticThreshold(_ level: Double) throws -> Double {
        do {
            return try NormalDistribution.likelihoodRatioThreshold(coverage: level)
        } catch let error as FitError {
            throw BaselineError.trainingFailed(estimator: "a template likelihood", reason: error)
        }
    }

    /// How many prior widths mu's bounds may lie beyond the prior.
    public static let boundWidths = 10.0

    /// The expected counts at the nominal parameters with mu = 1.
    public var nominalExpectation: [Double] {
        var x = layout.nominal
        x[layout.muIndex] = 1
        return model.expected(at: x)
    }

    /// The objective for `observed` counts.
    public func objective(observed: [Double]) throws -> BinnedPoissonLikelihood<MorphedTemplates> {
        try BinnedPoissonLikelihood(model: model, observed: observed, names: layout.names,
                                    constraints: layout.constraints, relativeVariances: relativeVariances)
    }

    /// The profile likelihood of mu for `observed`, with the parameters in `fixed` (index: value)
    /// held at those values.
    public func profile(observed: [Double], fixed: [Int: Double] = [:])
        throws -> ProfileLikelihood<BinnedPoissonLikelihood<MorphedTemplates>> {
        var parameters = layout.parameters
        for (index, value) in fixed { parameters[index] = parameters[index].fixed(at: parameters[index].clamp(value)) }
        return try ProfileLikelihood(objective: objective(observed: observed), parameters: parameters,
                                     parameterOfInterest: "mu", minimiser: minimiser)
    }

    /// Extra starts of the global fit: each log-normal shape nuisance (the soft-MET width, whose
    /// effect on the events resembles a jet energy scale's) low and high in its prior, where a
    /// second valley of the likelihood may lie (``ProfileLikelihood/branches(from:)``).
    public var alternativeStarts: [[Double]] {
        var starts: [[Double]] = []
        for s in layout.shapeNuisances {
            guard case let .logNormal(median, sigma) = layout.constraints[s.index] else { continue }
            for z in [-1.5, 1.2] {
                var x = layout.nominal
                x[s.index] = median * exp(z * sigma)
                starts.append(x)
            }
        }
        return starts
    }

    /// The profile-likelihood interval for `observed` (unclipped), and the global fit, following
    /// every local minimum found from the nominal and the alternative starts.
    public func interval(observed: [Double], fixed: [Int: Double] = [:]) throws -> (interval: ProfileInterval, best: Minimum) {
        do {
            let profile = try self.profile(observed: observed, fixed: fixed)
            return try profile.interval(threshold: threshold, branches: profile.branches(from: alternativeStarts))
        } catch let error as FitError {
            throw BaselineError.fitFailed(estimator: estimator, reason: error)
        }
    }

    /// The primary interval and those of ``furtherLevels`` (in their order) for `observed`
    /// (unclipped), all from one global fit.
    public func intervals(observed: [Double], fixed: [Int: Double] = [:])
        throws -> (primary: ProfileInterval, further: [ProfileInterval], best: Minimum) {
        do {
            let profile = try self.profile(observed: observed, fixed: fixed)
            let (all, best) = try profile.intervals(thresholds: [threshold] + furtherLevels.map(\.threshold),
                                                    branches: profile.branches(from: alternativeStarts))
            return (all[0], Array(all.dropFirst()), best)
        } catch let error as FitError {
            throw BaselineError.fitFailed(estimator: estimator, reason: error)
        }
    }

    /// The estimate for `observed` counts out of `rows` events.
    ///
    /// - Throws: ``BaselineError/noEventsSelected(estimator:rows:expected:)`` when every count is 0,
    ///   ``BaselineError/fitFailed(estimator:reason:)`` when a fit or the interval search fails.
    public func estimate(observed: [Double], rows: Int, fixed: [Int: Double] = [:]) throws -> Estimate {
        guard observed.contains(where: { $0 > 0 }) else {
            throw BaselineError.noEventsSelected(estimator: estimator, rows: rows,
                                                 expected: nominalExpectation.reduce(0, +))
        }
        let (primary, further, best) = try intervals(observed: observed, fixed: fixed)
        var estimate = report(primary, muHat: best.values[layout.muIndex])
        for (level, interval) in zip(furtherLevels, further) {
            estimate.setInterval(clipped(interval), at: level.level)
        }
        return estimate
    }

    /// The estimate of a likelihood interval: clipped into the report range.
    public func report(_ interval: ProfileInterval, muHat: Double) -> Estimate {
        let lo = reportRange.lowerBound, hi = reportRange.upperBound
        return Estimate(interval68: clipped(interval), muHat: min(max(muHat, lo), hi),
                        uncertainty: 0.5 * (interval.upper - interval.lower))
    }

    /// A likelihood interval intersected with the report range (wholly outside it: the nearer
    /// edge).
    public func clipped(_ interval: ProfileInterval) -> ConfidenceInterval {
        let lo = reportRange.lowerBound, hi = reportRange.upperBound
        var lower = max(interval.lower, lo), upper = min(interval.upper, hi)
        if lower > upper {
            let edge = interval.upper < lo ? lo : hi
            lower = edge
            upper = edge
        }
        return ConfidenceInterval(lower: lower, upper: upper)
    }

    /// The same likelihood with other relative template variances.
    public func withRelativeVariances(_ variances: [Double]) -> TemplateLikelihood {
        precondition(variances.count == relativeVariances.count,
                     "one variance per bin: \(relativeVariances.count) bins, \(variances.count) variances")
        var copy = self
        copy.relativeVariances = variances
        return copy
    }

    /// t(mu) for `observed` counts, following every local minimum.
    public func ratio(observed: [Double], at mu: Double) throws -> Double {
        let profile = try self.profile(observed: observed)
        return try profile.ratio(at: mu, branches: profile.branches(from: alternativeStarts))
    }
}
