import Foundation
import PseudoExperiments

/// The fit parameters of a challenge: the signal strength and every nuisance of its spec, with
/// bounds, prior constraints, the processes each normalises and the grids templates are made on.
///
/// Parameter 0 is `mu`; then the spec's nuisances in document order. For a nuisance with prior
/// ```
/// normal(m, s)       bounds [m - 5 s, m + 5 s] within the clip range   constraint gaussian(m, s)
/// lognormal(lm, ls)  bounds [e^(lm - 5 ls), e^(lm + 5 ls)] within clip  constraint logNormal(e^lm, ls)
/// ```
/// so the fit explores the prior out to five standard deviations (draws beyond are rarer than
/// 1 in 10^6) and never outside the range the challenge clamps to. A log-normal parameter's lower
/// bound is positive, as its constraint needs. Each constraint is the prior itself: with the
/// nuisances drawn from these priors, the profile likelihood's intervals average to their nominal
/// coverage over the draws (exactly so for a model linear in the nuisances).
///
/// A nuisance that acts on features gets a template grid (see ``ShapeNuisance``); one that acts on
/// normalisations multiplies the processes it lists.
public struct NuisanceLayout: Sendable, Equatable, Codable {
    /// A nuisance that changes the events through the systematics transform.
    public struct ShapeNuisance: Sendable, Equatable, Codable {
        /// The parameter's index.
        public var index: Int
        public var name: String
        public var effect: ChallengeSpec.FeatureEffect
        /// The prior's centre, where the nominal templates are made.
        public var nominal: Double
        /// The values (other than the nominal) at which templates are made, ascending.
        public var grid: [Double]
        /// How a template's logarithm is expanded in this parameter (see ``MorphedTemplates``).
        public var basis: MorphedTemplates.Basis
    }

    /// Parameters in fit order, mu first, each starting at its prior's centre.
    public private(set) var parameters: [Parameter]
    /// One constraint per parameter (none for mu).
    public let constraints: [ParameterConstraint]
    /// The nuisances acting on features.
    public let shapeNuisances: [ShapeNuisance]
    /// For each process (by code), the indices of the parameters whose product normalises it.
    public let normalisations: [[Int]]
    /// The index of mu.
    public let muIndex = 0

    enum CodingKeys: String, CodingKey {
        case parameters, constraints, shapeNuisances, normalisations
    }

    /// How many prior standard deviations the bounds allow.
    public static let boundSigmas = 5.0
    /// The standard-deviation multiples of a normal prior at which templates are made: six
    /// points for a cubic fit, denser near the centre where the data put the fit.
    public static let normalGrid: [Double] = [-4, -2, -1, 1, 2, 4]
    /// The standard-normal quantiles of a log-normal prior at which templates are made (and the
    /// lower clip edge, where it is 0: no smearing at all).
    public static let logNormalGrid: [Double] = [-2, -1, 0.5, 1.2, 2]

    /// The layout of `spec`, with mu bounded by `muBounds`.
    ///
    /// - Throws: ``BaselineError/unsupportedSpec(estimator:reason:)`` for a nuisance the harness
    ///   does not know (cannot happen for a spec that loaded) or a clip range that leaves no room.
    public init(spec: ChallengeSpec, muBounds: ClosedRange<Double>, estimator: String) throws {
        var parameters = [Parameter("mu", start: min(max(1, muBounds.lowerBound), muBounds.upperBound),
                                    lower: muBounds.lowerBound, upper: muBounds.upperBound)]
        var constraints: [ParameterConstraint] = [.none]
        var shapes: [ShapeNuisance] = []
        var normalisations = [[Int]](repeating: [], count: PhysicsProcess.allCases.count)
        normalisations[Int(PhysicsProcess.htautau.code)] = [0]
        for nuisance in spec.nuisances {
            let index = parameters.count
            let clip = nuisance.clip
            let lower: Double, upper: Double, start: Double
            switch nuisance.prior {
            case let .normal(mean, sigma):
                lower = max(clip.min, mean - Self.boundSigmas * sigma)
                upper = min(clip.max, mean + Self.boundSigmas * sigma)
                constraints.append(.gaussian(mean: mean, sigma: sigma))
                start = mean
            case let .lognormal(logMean, logSigma):
                lower = max(clip.min, exp(logMean - Self.boundSigmas * logSigma))
                upper = min(clip.max, exp(logMean + Self.boundSigmas * logSigma))
                constraints.append(.logNormal(median: exp(logMean), sigma: logSigma))
                start = exp(logMean)
            }
            guard lower < upper, start >= lower, start <= upper else {
                throw BaselineError.unsupportedSpec(
                    estimator: estimator,
                    reason: "nuisance \(nuisance.name) has bounds [\(lower), \(upper)] that leave no room around "
                        + "its prior centre \(start); widen its clip range")
            }
            parameters.append(Parameter(nuisance.name, start: start, lower: lower, upper: upper))
            switch nuisance.actsOn {
            case let .normalisation(processes):
                for p in processes where !p.isSignal { normalisations[Int(p.code)].append(index) }
            case let .features(effect):
                shapes.append(ShapeNuisance(index: index, name: nuisance.name, effect: effect, nominal: start,
                                            grid: Self.grid(nuisance.prior, clip: clip, nominal: start),
                                            basis: effect == .softMetSmearing ? .square : .linear))
            }
        }
        self.parameters = parameters
        self.constraints = constraints
        self.shapeNuisances = shapes
        self.normalisations = normalisations
    }

    /// Template grid of a prior: values other than the centre, clamped into the clip range.
    static func grid(_ prior: ChallengeSpec.NuisancePrior, clip: ChallengeSpec.ClipRange, nominal: Double) -> [Double] {
        var values: [Double]
        switch prior {
        case let .normal(mean, sigma):
            values = normalGrid.map { clip.clamp(mean + $0 * sigma) }
        case let .lognormal(logMean, logSigma):
            values = logNormalGrid.map { clip.clamp(exp(logMean + $0 * logSigma)) }
            if clip.min == 0 { values.append(0) }
        }
        return Array(Set(values.filter { $0 != nominal })).sorted()
    }

    /// The parameter names in fit order.
    public var names: [String] { parameters.map(\.name) }

    /// The nominal parameter values (mu = its start).
    public var nominal: [Double] { parameters.map(\.start) }

    /// The index of the parameter called `name`.
    public func index(of name: String) -> Int? { parameters.firstIndex { $0.name == name } }

    /// The systematic shift of the transform at parameter values `values` (nuisances the spec
    /// lacks stay at their no-effect values).
    public func shift(at values: [Double]) -> SystematicShift {
        var shift = SystematicShift.nominal
        for s in shapeNuisances {
            switch s.effect {
            case .hadronicTauEnergyScale: shift.tes = values[s.index]
            case .jetEnergyScale: shift.jes = values[s.index]
            case .softMetSmearing: shift.softMet = values[s.index]
            }
        }
        return shift
    }

    /// The parameter values of known nuisance values (mu as given), each clamped into its bounds.
    public func values(mu: Double, nuisances: NuisanceValues) -> [Double] {
        parameters.enumerated().map { i, p in
            i == muIndex ? mu : p.clamp(ChallengeSpec.value(of: p.name, in: nuisances) ?? p.start)
        }
    }

    /// The layout with mu's bounds replaced (its start moved into them).
    public func withMuBounds(_ bounds: ClosedRange<Double>) -> NuisanceLayout {
        var copy = self
        let start = min(max(parameters[muIndex].start, bounds.lowerBound), bounds.upperBound)
        copy.parameters[muIndex] = Parameter("mu", start: start, lower: bounds.lowerBound, upper: bounds.upperBound)
        return copy
    }
}

extension NuisanceLayout {
    /// The values one prior standard deviation below and above the centre of parameter `index`
    /// (a factor `e^-sigma`, `e^sigma` for a log-normal), within its bounds.
    public func oneSigma(_ index: Int) -> (down: Double, up: Double) {
        let p = parameters[index]
        switch constraints[index] {
        case .none: return (p.start, p.start)
        case let .gaussian(mean, sigma): return (p.clamp(mean - sigma), p.clamp(mean + sigma))
        case let .logNormal(median, sigma): return (p.clamp(median * exp(-sigma)), p.clamp(median * exp(sigma)))
        }
    }

    /// The Gaussian width of a normalisation parameter's prior (0 for a log-normal or none).
    public func normalSigma(_ index: Int) -> Double {
        if case let .gaussian(_, sigma) = constraints[index] { return sigma }
        return 0
    }
}
