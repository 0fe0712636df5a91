import Foundation

/// Finds a root of a continuous function in a bracket by Brent's method, with optional bracket
/// expansion.
///
/// Brent (1973, "Algorithms for Minimization without Derivatives", ch. 4) combines bisection,
/// the secant step and inverse quadratic interpolation: it keeps a bracket [a, b] with
/// f(a) f(b) <= 0, takes an interpolation step when that shrinks the bracket fast enough and
/// bisects otherwise, so it never does worse than bisection and converges superlinearly on
/// smooth functions (a near-quadratic t(mu) - 1 needs 4-6 evaluations). It stops when
/// ```
/// |b - a| / 2 <= 2 eps |b| + absoluteTolerance / 2,    or f(b) = 0
/// ```
/// and returns b, the end with the smaller |f|.
///
/// With ``BracketExpansion`` the bracket is first widened outward (geometrically, by
/// `expansionFactor` times its width, up to a limit) until f changes sign; the end left behind
/// becomes the other side of the bracket, so the bracket stays tight.
///
/// Failures are thrown, never returned as numbers: ``FitError/noSignChange(lower:upper:valueAtLower:valueAtUpper:reachedLimit:)``,
/// ``FitError/rootNotConverged(iterations:lower:upper:)``, ``FitError/nonFiniteValue(quantity:at:)``
/// for a NaN or infinite f, and whatever `f` itself throws.
public struct BrentRootFinder: Sendable {
    /// How the bracket may be widened before the search.
    public enum BracketExpansion: Equatable, Sendable {
        /// The bracket is used as given.
        case none
        /// The upper end moves up (to at most `limit`) until f changes sign.
        case upward(limit: Double)
        /// The lower end moves down (to at least `limit`) until f changes sign.
        case downward(limit: Double)
        /// The end with the smaller |f| moves outward, within the limits.
        case both(lowerLimit: Double, upperLimit: Double)
    }

    /// A root and how it was found.
    public struct Root: Equatable, Sendable {
        /// The root estimate x.
        public var x: Double
        /// f(x).
        public var value: Double
        /// The final bracket, which contains a sign change.
        public var lower: Double
        public var upper: Double
        /// Brent iterations (after expansion).
        public var iterations: Int
        /// Calls of f in total, expansion included.
        public var evaluations: Int
    }

    /// The absolute tolerance on x.
    public var absoluteTolerance: Double
    /// The maximum number of Brent iterations.
    public var maxIterations: Int
    /// The factor by which an expanding bracket grows each step.
    public var expansionFactor: Double
    /// The maximum number of expansion steps.
    public var maxExpansions: Int

    public init(absoluteTolerance: Double = 1e-12, maxIterations: Int = 100,
                expansionFactor: Double = 1.6, maxExpansions: Int = 60) {
        precondition(absoluteTolerance >= 0, "the tolerance must be >= 0, got \(absoluteTolerance)")
        precondition(maxIterations > 0, "maxIterations must be positive, got \(maxIterations)")
        precondition(expansionFactor > 0, "expansionFactor must be positive, got \(expansionFactor)")
        self.absoluteTolerance = absoluteTolerance
        self.maxIterations = maxIterations
        self.expansionFactor = expansionFactor
        self.maxExpansions = maxExpansions
    }

    /// A root of `f` in [lower, upper] (after any `expansion`).
    ///
    /// `valueAtLower` / `valueAtUpper` pass values of f already known at the ends, to save
    /// evaluations (a profile interval knows t(mu_hat) = 0).
    public func root(of f: (Double) throws -> Double, lower: Double, upper: Double,
                     expansion: BracketExpansion = .none,
                     valueAtLower: Double? = nil, valueAtUpper: Double? = nil) throws -> Root {
        precondition(lower <= upper, "the bracket must have lower <= upper, got [\(lower), \(upper)]")
        var evaluations = 0
        func eval(_ x: Double) throws -> Double {
            evaluations += 1
            let y = try f(x)
            guard !y.isNaN, y.isFinite else {
                throw FitError.nonFiniteValue(quantity: "function value \(y) in root finding",
                                              at: ParameterPoint(names: ["x"], values: [x]))
            }
            return y
        }
        var a = lower, b = upper
        var fa = try valueAtLower ?? eval(a)
        var fb = try valueAtUpper ?? eval(b)

        var expansions = 0
        // Compare signs, not the product, which can underflow to 0 for tiny values.
        while (fa > 0 && fb > 0) || (fa < 0 && fb < 0) {
            let width = max(b - a, absoluteTolerance, Double.leastNormalMagnitude)
            switch expansion {
            case .none:
                throw FitError.noSignChange(lower: a, upper: b, valueAtLower: fa, valueAtUpper: fb,
                                            reachedLimit: false)
            case .upward(let limit):
                guard b < limit, expansions < maxExpansions else {
                    throw FitError.noSignChange(lower: a, upper: b, valueAtLower: fa, valueAtUpper: fb,
                                                reachedLimit: b >= limit)
                }
                let next = min(limit, b + expansionFactor * width)
                (a, fa) = (b, fb)
                b = next
                fb = try eval(b)
            case .downward(let limit):
                guard a > limit, expansions < maxExpansions else {
                    throw FitError.noSignChange(lower: a, upper: b, valueAtLower: fa, valueAtUpper: fb,
                                                reachedLimit: a <= limit)
                }
                let next = max(limit, a - expansionFactor * width)
                (b, fb) = (a, fa)
                a = next
                fa = try eval(a)
            case .both(let lowerLimit, let upperLimit):
                let canLower = a > lowerLimit, canUpper = b < upperLimit
                guard canLower || canUpper, expansions < maxExpansions else {
                    throw FitError.noSignChange(lower: a, upper: b, valueAtLower: fa, valueAtUpper: fb,
                                                reachedLimit: !canLower && !canUpper)
                }
                if canLower && (abs(fa) < abs(fb) || !canUpper) {
                    a = max(lowerLimit, a - expansionFactor * width)
                    fa = try eval(a)
                } else {
                    b = min(upperLimit, b + expansionFactor * width)
                    fb = try eval(b)
                }
            }
            expansions += 1
        }
        if fa == 0 { return Root(x: a, value: 0, lower: a, upper: a, iterations: 0, evaluations: evaluations) }
        if fb == 0 { return Root(x: b, value: 0, lower: b, upper: b, iterations: 0, evaluations: evaluations) }

        // Brent's zeroin: b is the best estimate, a the previous one, c the opposite bracket end.
        var c = a, fc = fa
        var d = b - a, e = d
        for iteration in 1...maxIterations {
            if (fb > 0) == (fc > 0) {
                c = a; fc = fa
                d = b - a; e = d
            }
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * absoluteTolerance
            let m = 0.5 * (c - b)
            if abs(m) <= tol || fb == 0 {
                return Root(x: b, value: fb, lower: min(b, c), upper: max(b, c),
                            iterations: iteration, evaluations: evaluations)
            }
            if abs(e) >= tol && abs(fa) > abs(fb) {
                // Interpolate: secant if only two distinct points, inverse quadratic otherwise.
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2 * m * s
                    q = 1 - s
                } else {
                    let qa = fa / fc, r = fb / fc
                    p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                // Accept the step only if it stays well inside the bracket and shrinks fast enough.
                if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = m; e = m
                }
            } else {
                d = m; e = m
            }
            a = b; fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            fb = try eval(b)
        }
        // After the last evaluation the sign change lies between b and c, or b and a if b crossed.
        let other = (fb > 0) == (fc > 0) ? a : c
        throw FitError.rootNotConverged(iterations: maxIterations, lower: min(b, other), upper: max(b, other))
    }
}
