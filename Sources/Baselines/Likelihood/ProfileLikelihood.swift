/// Profile-likelihood fits and intervals for one parameter of interest of an ``Objective``.
///
/// With f the objective (a deviance, error definition UP = 1; -ln L has UP = 1/2):
/// ```
/// global fit        f_min = min_{mu, theta} f(mu, theta)                    at (mu_hat, theta_hat)
/// conditional fit   f(mu, theta_hat_hat(mu)) = min_theta f(mu, theta)
/// ratio             t(mu) = (f(mu, theta_hat_hat(mu)) - f_min) / UP        (>= 0, 0 at mu_hat)
/// interval          { mu : t(mu) <= threshold },  ends where t(mu) = threshold
/// ```
/// threshold 1 gives the 68.27% interval in the asymptotic (Wilks) regime; for another coverage
/// use ``NormalDistribution/likelihoodRatioThreshold(coverage:)``. Each end is a Brent root of
/// t(mu) - threshold, bracketed between mu_hat (where it is -threshold) and the quadratic guess
/// mu_hat +- sqrt(threshold) sigma_hat, expanding outward up to the parameter's bound. If t stays
/// below the threshold up to the bound, that end is the bound and is flagged
/// (``ProfileInterval/lowerAtBound``): a physical boundary, not a failure. Every conditional fit
/// starts from the previous one's nuisances, which is what makes an interval cost a few
/// milliseconds.
public struct ProfileLikelihood<O: Objective> {
    public let objective: O
    public let parameters: [Parameter]
    /// The index of the parameter of interest.
    public let parameterOfInterest: Int
    public var minimiser: BoundedMinimiser
    /// The root finder for the interval ends (its tolerance is set per interval).
    public var rootFinder: BrentRootFinder
    /// The accuracy of an interval end relative to the best fit's standard error.
    public var relativeTolerance: Double
    /// How far (in t) a conditional fit may fall below the global minimum before the global fit
    /// counts as having missed the minimum (rounding of the two fits).
    public var slack: Double

    /// - Throws: ``FitError/unknownParameter(name:known:)``, ``FitError/dimensionMismatch(what:expected:actual:)``.
    public init(objective: O, parameters: [Parameter], parameterOfInterest name: String,
                minimiser: BoundedMinimiser = BoundedMinimiser(), rootFinder: BrentRootFinder = BrentRootFinder(),
                relativeTolerance: Double = 1e-4, slack: Double = 1e-6) throws {
        guard let index = parameters.firstIndex(where: { $0.name == name }) else {
            throw FitError.unknownParameter(name: name, known: parameters.map(\.name))
        }
        guard objective.dimension == parameters.count else {
            throw FitError.dimensionMismatch(what: "parameters of the objective",
                                             expected: objective.dimension, actual: parameters.count)
        }
        self.objective = objective
        self.parameters = parameters
        self.parameterOfInterest = index
        self.minimiser = minimiser
        self.rootFinder = rootFinder
        self.relativeTolerance = relativeTolerance
        self.slack = slack
    }

    private var poi: Parameter { parameters[parameterOfInterest] }

    /// The global fit over all parameters.
    public func bestFit(from start: [Double]? = nil) throws -> Minimum {
        try minimiser.minimise(objective, parameters: parameters, from: start)
    }

    /// The fit with the parameter of interest fixed at `value` (the others start from `start`,
    /// default their own starts, moved into their bounds).
    public func conditionalFit(at value: Double, from start: [Double]? = nil) throws -> Minimum {
        var fixed = parameters
        fixed[parameterOfInterest] = poi.fixed(at: value)
        var x = start ?? parameters.map(\.start)
        for i in x.indices { x[i] = fixed[i].clamp(x[i]) }
        return try minimiser.minimise(objective, parameters: fixed, from: x)
    }

    /// t(value) relative to `bestFit`, and the conditional fit behind it.
    ///
    /// - Throws: what the conditional fit throws, or ``FitError/globalMinimumMissed(parameter:value:conditional:global:)``
    ///   if the conditional fit lies more than `slack` below the global one.
    public func ratio(at value: Double, bestFit: Minimum, from start: [Double]? = nil) throws -> (t: Double, fit: Minimum) {
        let fit = try conditionalFit(at: value, from: start ?? bestFit.values)
        let t = (fit.value - bestFit.value) / objective.errorDefinition
        if t < -slack {
            throw FitError.globalMinimumMissed(parameter: poi.name, value: value,
                                               conditional: fit.value, global: bestFit.value)
        }
        return (max(t, 0), fit)
    }

    /// The interval { mu : t(mu) <= threshold } around the best fit (computed if not given).
    public func interval(threshold: Double = 1, bestFit given: Minimum? = nil) throws -> ProfileInterval {
        let best = try given ?? bestFit()
        var fits = 0
        return try interval(around: best, threshold: threshold, conditionalFits: { fits }) { _ in
            var warm = best.values
            return { mu in
                let (t, fit) = try ratio(at: mu, bestFit: best, from: warm)
                fits += 1
                warm = fit.values
                return t
            }
        }
    }

    /// The interval `{ mu : t(mu) <= threshold }` around the minimum `best`: each end is the root
    /// of `t(mu) - threshold` between the best fit and the parameter's bound, bracketed from a
    /// first guess `sqrt(threshold)` standard errors out and widened towards the bound; an end
    /// whose `t` stays below the threshold up to the bound is reported at the bound.
    ///
    /// `ratio(side)` gives the function `mu -> t(mu)` searched on that side (it may keep warm
    /// starts between calls); `conditionalFits` the number of conditional fits made so far.
    func interval(around best: Minimum, threshold: Double, conditionalFits: () -> Int,
                  ratio: (FitError.IntervalEnd) -> (Double) throws -> Double) throws -> ProfileInterval {
        precondition(threshold > 0, "the interval threshold must be positive, got \(threshold)")
        let k = parameterOfInterest
        let poi = parameters[k]
        let muHat = best.values[k]
        let sigma = Self.scale(of: best, index: k)
        var finder = rootFinder
        finder.absoluteTolerance = relativeTolerance * sigma

        func end(_ side: FitError.IntervalEnd) throws -> (value: Double, atBound: Bool) {
            let bound = side == .upper ? poi.upper : poi.lower
            if muHat == bound { return (bound, true) }
            let direction = side == .upper ? 1.0 : -1.0
            let guess = muHat + direction * threshold.squareRoot() * sigma
            let inner = side == .upper ? min(guess, bound) : max(guess, bound)
            let t = ratio(side)
            let shifted: (Double) throws -> Double = { mu in try t(mu) - threshold }
            do {
                let root = side == .upper
                    ? try finder.root(of: shifted, lower: muHat, upper: inner,
                                      expansion: .upward(limit: bound), valueAtLower: -threshold)
                    : try finder.root(of: shifted, lower: inner, upper: muHat,
                                      expansion: .downward(limit: bound), valueAtUpper: -threshold)
                return (root.x, false)
            } catch FitError.noSignChange(_, _, _, _, true) {
                return (bound, true)
            } catch let error as FitError {
                throw FitError.intervalEndFailed(end: side, parameter: poi.name, reason: error)
            }
        }
        let lower = try end(.lower)
        let upper = try end(.upper)
        return ProfileInterval(bestFit: muHat, lower: lower.value, upper: upper.value,
                               lowerAtBound: lower.atBound, upperAtBound: upper.atBound,
                               threshold: threshold, conditionalFits: conditionalFits())
    }

    /// The scale of the parameter's uncertainty for the first bracket: its standard error, or a
    /// tenth of its magnitude (at least 0.1) when the covariance is not available.
    static func scale(of best: Minimum, index k: Int) -> Double {
        if let errors = try? best.standardErrors(), errors[k].isFinite, errors[k] > 0 { return errors[k] }
        return 0.1 * max(1, abs(best.values[k]))
    }
}

extension ProfileLikelihood: Sendable where O: Sendable {}
