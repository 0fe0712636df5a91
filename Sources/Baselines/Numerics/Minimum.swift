/// The result of a ``BoundedMinimiser`` run: the point, the value, the local expansion there
/// and how convergence was decided.
public struct Minimum: Sendable {
    /// Which convergence criterion ended the minimisation.
    public enum Criterion: String, Equatable, Sendable {
        /// The projected gradient vanished (to `gradientTolerance`).
        case projectedGradient
        /// The expected distance to the minimum (EDM) fell below its tolerance.
        case expectedDistance
        /// The value stopped changing for several steps.
        case valueChange
        /// No step could lower the value any more and the EDM was already small.
        case precisionLimit
    }

    /// The parameters as given to the minimiser (names and bounds).
    public let parameters: [Parameter]
    /// The parameter values at the minimum.
    public let values: [Double]
    /// The objective at the minimum.
    public let value: Double
    /// The gradient at the minimum (non-zero for parameters held by a bound).
    public let gradient: [Double]
    /// The Hessian at the minimum.
    public let hessian: Matrix
    /// The objective's error definition (1 for a deviance).
    public let errorDefinition: Double
    /// How convergence was decided.
    public let criterion: Criterion
    /// The EDM g_F . H_FF^-1 g_F / 2 at the last iteration (0 when the gradient vanished).
    public let expectedDistance: Double
    /// The largest component of the projected gradient at the last iteration.
    public let projectedGradientNorm: Double
    /// Newton iterations taken.
    public let iterations: Int
    /// Objective evaluations (values and expansions).
    public let evaluations: Int

    /// The parameter names.
    public var names: [String] { parameters.map(\.name) }

    /// The minimum as named values.
    public var point: ParameterPoint { ParameterPoint(names: names, values: values) }

    /// The value of the parameter called `name`.
    public subscript(_ name: String) -> Double? {
        parameters.firstIndex { $0.name == name }.map { values[$0] }
    }

    /// For each parameter, whether it is free and sits on one of its bounds.
    public var atBound: [Bool] {
        parameters.indices.map { i in
            !parameters[i].isFixed && (values[i] == parameters[i].lower || values[i] == parameters[i].upper)
        }
    }

    /// The covariance of the fitted parameters, `2 * errorDefinition * H^-1` over the parameters
    /// that are not fixed (rows and columns of fixed parameters are 0).
    ///
    /// This is the usual asymptotic (HESSE) covariance; for a parameter on a bound it describes
    /// the curvature there, not a one-sided interval.
    ///
    /// - Throws: ``FitError/notPositiveDefinite(matrix:order:names:)`` when the Hessian over the
    ///   free parameters is not positive definite (a flat or concave direction: the data do not
    ///   constrain the parameter named in the error, with the others it was factored after).
    public func covariance() throws -> Matrix {
        let free = parameters.indices.filter { !parameters[$0].isFixed }
        let cholesky = try Cholesky(hessian.principalSubmatrix(free), name: "Hessian at the minimum",
                                    names: free.map { parameters[$0].name })
        let inverse = cholesky.inverse()
        var covariance = Matrix(rows: parameters.count, columns: parameters.count)
        let scale = 2 * errorDefinition
        for (a, i) in free.enumerated() {
            for (b, j) in free.enumerated() { covariance[i, j] = scale * inverse[a, b] }
        }
        return covariance
    }

    /// The standard errors sqrt(cov_ii) (0 for fixed parameters).
    public func standardErrors() throws -> [Double] {
        try covariance().diagonal.map { $0.squareRoot() }
    }
}
