import Foundation

extension FitError: CustomStringConvertible, LocalizedError {
    /// What went wrong, with its context, and what to do about it.
    public var description: String {
        switch self {
        case .dimensionMismatch(let what, let expected, let actual):
            return "Expected \(expected) \(what) but got \(actual): make the inputs agree in size "
                + "(same binning for observed counts, templates and slopes; one name and constraint per parameter)."
        case .emptyInput(let what):
            return "There are no \(what): a fit needs at least one; check that the selection kept events and the binning has bins."
        case .invalidObservedCount(let bin, let value):
            return "Observed count \(value) in bin \(bin) is not a finite number >= 0: counts must be "
                + "non-negative (fix the histogram that produced it)."
        case .invalidTemplate(let process, let bin, let value):
            return "Template value \(value) of \(process) in bin \(bin) is not valid (counts must be finite "
                + "and >= 0, slopes and nominals finite): rebuild the template from enough simulated events."
        case .invalidParameterIndex(let process, let index, let count):
            return "Process \(process) refers to parameter \(index), which does not exist among \(count) "
                + "parameters or is listed twice: use each index in 0..<\(count) at most once per process."
        case .invalidBounds(let parameter, let lower, let upper):
            return "Parameter \(parameter) has bounds [\(lower), \(upper)]: bounds must not be NaN and need lower <= upper."
        case .startOutsideBounds(let parameter, let value, let lower, let upper):
            return "Start value \(value) of \(parameter) is not a finite value inside its bounds [\(lower), \(upper)]: "
                + "start the fit inside the bounds."
        case .invalidConstraint(let parameter, let reason):
            return "The constraint on \(parameter) is invalid: \(reason); give a finite width > 0 "
                + "(and a median > 0 for a log-normal)."
        case .invalidProbability(let p):
            return "Probability \(p) is outside [0, 1] (coverages must lie strictly between 0 and 1): pass a valid probability."
        case .nonFiniteInput(let what, let row, let column, let value):
            return "The \(what) has the non-finite value \(value) at row \(row), column \(column): remove NaN and "
                + "infinite values before fitting."
        case .unknownParameter(let name, let known):
            return "There is no parameter called \(name); the parameters are \(known.joined(separator: ", "))."
        case .nonPositiveExpectation(let bin, let expected, let observed, let point):
            return "Bin \(bin) has \(observed) observed events but the model expects \(expected) at \(point): "
                + "the model cannot produce these data; give every process a small floor in sparse bins, "
                + "merge empty bins, or widen the parameter bounds."
        case .nonFiniteValue(let quantity, let point):
            return "The fit met a non-finite \(quantity) at \(point): the model is undefined there; "
                + "tighten the parameter bounds to where the model is defined."
        case .notConverged(let iterations, let edm, let gradient, let point):
            return "The fit did not converge in \(iterations) iterations (expected distance to minimum \(edm), "
                + "projected gradient \(gradient)) at \(point): raise maxIterations, start closer to the "
                + "minimum, or check that the parameters are constrained by the data."
        case .lineSearchFailed(let iteration, let value, let point):
            return "No step lowered the objective \(value) at iteration \(iteration), at \(point): the gradient "
                + "disagrees with the values (check an analytic gradient) or the objective is not smooth there."
        case .globalMinimumMissed(let parameter, let value, let conditional, let global):
            return "The fit with \(parameter) fixed at \(value) reached \(conditional), below the global minimum "
                + "\(global): the global fit stopped early; refit from the conditional fit's point or tighten "
                + "the convergence tolerance."
        case .noSignChange(let lower, let upper, let fLower, let fUpper, let reachedLimit):
            return "The function has the same sign at both ends of [\(lower), \(upper)] (\(fLower), \(fUpper))"
                + (reachedLimit ? " even after expanding the bracket to its limit" : "")
                + ": choose a bracket that contains a root" + (reachedLimit ? " or widen the limit." : " or allow expansion.")
        case .rootNotConverged(let iterations, let lower, let upper):
            return "Root finding did not converge in \(iterations) iterations; the root lies in [\(lower), \(upper)]: "
                + "raise maxIterations or loosen the tolerance."
        case .intervalEndFailed(let end, let parameter, let reason):
            return "The \(end.rawValue) end of the interval of \(parameter) could not be found: \(reason.description)"
        case .notPositiveDefinite(let matrix, let order, let names):
            let culprit = order - 1 < names.count && order >= 1 ? " (parameter \(names[order - 1]))" : ""
            return "The \(matrix) is not positive definite: its leading minor of order \(order)\(culprit) is not "
                + "positive, so that direction is flat or concave; the data do not constrain it: fix or constrain "
                + "that parameter, or check the model."
        case .notSymmetric(let matrix, let row, let column, let difference):
            return "The \(matrix) is not symmetric: entries (\(row), \(column)) and (\(column), \(row)) differ by "
                + "\(difference); pass a symmetric matrix."
        case .underdetermined(let rows, let columns):
            return "A least-squares fit of \(columns) coefficients needs at least \(columns) rows but has \(rows): "
                + "use more bins or fewer templates."
        case .rankDeficient(let rows, let columns, let rcond):
            return "The \(rows) x \(columns) least-squares design is rank deficient (reciprocal condition number "
                + "\(rcond)): some templates are (nearly) linear combinations of others; merge or drop them."
        case .lapackFailure(let routine, let info):
            return "LAPACK's \(routine) failed with info = \(info): an argument was invalid; this is a bug, please report it."
        }
    }

    public var errorDescription: String? { description }
}
