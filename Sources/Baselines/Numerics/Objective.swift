/// A smooth function of several parameters that a ``BoundedMinimiser`` minimises.
///
/// Only `value(at:)` is required; the gradient and Hessian default to central finite
/// differences (see ``FiniteDifferences``), which cost about 2n and 2n^2 evaluations and are
/// accurate to ~1e-10 and ~1e-7 relative. A conformer that knows its derivatives supplies
/// `expansion(at:)` (value, gradient and Hessian in one pass, sharing the work) and gets exact
/// Newton steps and an exact covariance.
///
/// ```swift
/// struct Paraboloid: Objective {
///     var dimension: Int { 2 }
///     func value(at x: [Double]) -> Double { (x[0] - 1) * (x[0] - 1) + 4 * x[1] * x[1] }
/// }
/// let minimum = try BoundedMinimiser().minimise(Paraboloid(),
///     parameters: [Parameter("a", start: 0), Parameter("b", start: 1, lower: 0.5)])
/// ```
///
/// Return +infinity (not a crash) where the function is undefined, e.g. a Poisson deviance with
/// a negative expectation: the minimiser's line search backs away from it. Finite differences
/// evaluate slightly outside the bounds (by ~1e-5 relative), so a function with default
/// derivatives must stay finite there.
public protocol Objective {
    /// The number of parameters n.
    var dimension: Int { get }

    /// The change of the objective that corresponds to one standard deviation ("UP" in MINUIT):
    /// 1 for a deviance -2 ln L or a chi-square (the default), 0.5 for -ln L. The covariance
    /// of the fitted parameters is `2 * errorDefinition * H^-1`.
    var errorDefinition: Double { get }

    /// f(x).
    func value(at x: [Double]) -> Double

    /// The gradient of f at x.
    func gradient(at x: [Double]) -> [Double]

    /// f, its gradient and its Hessian at x.
    func expansion(at x: [Double]) -> SecondOrderExpansion

    /// Why f is not finite at x, when the objective can say (e.g. the bin whose expectation is
    /// zero); the minimiser throws it instead of a generic non-finite error.
    func diagnosis(at x: [Double]) -> FitError?
}

/// A second-order expansion of an objective at a point.
public struct SecondOrderExpansion: Sendable {
    public var value: Double
    public var gradient: [Double]
    public var hessian: Matrix

    public init(value: Double, gradient: [Double], hessian: Matrix) {
        self.value = value
        self.gradient = gradient
        self.hessian = hessian
    }
}

extension Objective {
    public var errorDefinition: Double { 1 }

    public func gradient(at x: [Double]) -> [Double] {
        FiniteDifferences.gradient(of: value(at:), at: x)
    }

    public func expansion(at x: [Double]) -> SecondOrderExpansion {
        SecondOrderExpansion(value: value(at: x), gradient: gradient(at: x),
                  hessian: FiniteDifferences.hessian(of: value(at:), at: x))
    }

    public func diagnosis(at x: [Double]) -> FitError? { nil }
}
