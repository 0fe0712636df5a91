/// Why a fit, a root finding or a linear-algebra step of a baseline failed.
///
/// Every numerical failure of the `Baselines` module is one of these cases: bad input (empty or
/// mismatched bins, negative counts, a start outside its bounds), a model that cannot explain
/// the data (an expected count of zero where events were observed), non-finite values, a
/// minimisation or root finding that did not converge, or a matrix that is not positive
/// definite. An estimator records the case as the reason of its failure; it never turns it into
/// a silent number. Each case carries the context needed to reproduce it, and its description
/// says what went wrong and what to do.
public indirect enum FitError: Error, Equatable, Sendable {
    // MARK: Bad input
    /// Two inputs that must have the same size do not (e.g. observed counts and expected counts).
    case dimensionMismatch(what: String, expected: Int, actual: Int)
    /// An input that must not be empty is (e.g. no bins, no parameters).
    case emptyInput(what: String)
    /// An observed count is negative, NaN or infinite.
    case invalidObservedCount(bin: Int, value: Double)
    /// A template entry (expected count of one process in one bin) is negative, NaN or infinite.
    case invalidTemplate(process: String, bin: Int, value: Double)
    /// A process refers to a parameter index that does not exist, or names one twice.
    case invalidParameterIndex(process: String, index: Int, parameterCount: Int)
    /// A parameter's bounds are NaN or reversed.
    case invalidBounds(parameter: String, lower: Double, upper: Double)
    /// A parameter's start value lies outside its bounds or is not finite.
    case startOutsideBounds(parameter: String, value: Double, lower: Double, upper: Double)
    /// A constraint term has a width or median that makes no sense (<= 0 or not finite).
    case invalidConstraint(parameter: String, reason: String)
    /// A probability outside [0, 1] (or NaN) was given to a quantile function.
    case invalidProbability(Double)
    /// A matrix entry is NaN or infinite.
    case nonFiniteInput(what: String, row: Int, column: Int, value: Double)
    /// The parameter of interest is not among the parameters.
    case unknownParameter(name: String, known: [String])

    // MARK: Model cannot describe the data
    /// The model expects no events (or a negative number) in a bin where events were observed.
    case nonPositiveExpectation(bin: Int, expected: Double, observed: Double, at: ParameterPoint)
    /// The objective, its gradient or its Hessian is NaN or infinite at a point the fit reached.
    case nonFiniteValue(quantity: String, at: ParameterPoint)

    // MARK: Did not converge
    /// The minimiser used all its iterations without meeting the convergence criterion.
    case notConverged(iterations: Int, expectedDistance: Double, projectedGradient: Double,
                      at: ParameterPoint)
    /// No step along the search direction lowered the objective: the gradient and the values
    /// disagree (a bug in an analytic gradient, or a non-smooth objective).
    case lineSearchFailed(iteration: Int, value: Double, at: ParameterPoint)
    /// A conditional fit found a lower value than the global fit: the global fit missed the minimum.
    case globalMinimumMissed(parameter: String, value: Double, conditional: Double, global: Double)
    /// The function has the same sign at both ends of the bracket (after any expansion).
    case noSignChange(lower: Double, upper: Double, valueAtLower: Double, valueAtUpper: Double,
                      reachedLimit: Bool)
    /// Brent's method used all its iterations; the root lies in [lower, upper].
    case rootNotConverged(iterations: Int, lower: Double, upper: Double)
    /// One end of a profile-likelihood interval could not be found; `reason` says why.
    case intervalEndFailed(end: IntervalEnd, parameter: String, reason: FitError)

    // MARK: Linear algebra
    /// A matrix that must be symmetric positive definite is not: its leading minor of `order`
    /// (1-based, as LAPACK reports it) is not positive.
    case notPositiveDefinite(matrix: String, order: Int, names: [String])
    /// A matrix that must be symmetric is not, beyond rounding.
    case notSymmetric(matrix: String, row: Int, column: Int, difference: Double)
    /// A least-squares design has fewer rows than columns.
    case underdetermined(rows: Int, columns: Int)
    /// A least-squares design has (numerically) dependent columns.
    case rankDeficient(rows: Int, columns: Int, reciprocalCondition: Double)
    /// A LAPACK routine reported an error code not covered by the cases above.
    case lapackFailure(routine: String, info: Int)

    /// Which end of an interval.
    public enum IntervalEnd: String, Equatable, Sendable {
        case lower, upper
    }
}

/// Named parameter values, for error messages and records.
public struct ParameterPoint: Equatable, Sendable, CustomStringConvertible {
    public var names: [String]
    public var values: [Double]

    public init(names: [String], values: [Double]) {
        self.names = names
        self.values = values
    }

    /// `mu = 1.2, tes = 0.99` (names missing for some values are shown as `x3`).
    public var description: String {
        values.indices.map { i in
            let name = i < names.count ? names[i] : "x\(i)"
            return "\(name) = \(values[i])"
        }.joined(separator: ", ")
    }
}
