import Foundation

/// The constraint term of a nuisance parameter: the deviance of its auxiliary measurement.
///
/// Added to a binned deviance, in the same -2 ln L units:
/// ```
/// none                          c(x) = 0
/// gaussian(mean m, sigma s)     c(x) = ((x - m) / s)^2
/// logNormal(median m, sigma s)  c(x) = (ln(x / m) / s)^2          (x > 0; +infinity otherwise)
/// ```
/// The log-normal term is a Gaussian measurement of ln x: the natural prior of a positive scale
/// factor (a normalisation, a resolution such as the soft-MET smearing), which can never go
/// negative and whose uncertainty is relative. It has no Jacobian term (2 ln x) because the
/// auxiliary measurement, not the parameter, is the random variable. A parameter with a
/// log-normal constraint needs a lower bound > 0.
public enum ParameterConstraint: Equatable, Sendable, Codable {
    case none
    case gaussian(mean: Double, sigma: Double)
    case logNormal(median: Double, sigma: Double)

    /// c(x).
    @inline(__always)
    public func penalty(_ x: Double) -> Double {
        switch self {
        case .none:
            return 0
        case .gaussian(let mean, let sigma):
            let z = (x - mean) / sigma
            return z * z
        case .logNormal(let median, let sigma):
            guard x > 0 else { return .infinity }
            let z = log(x / median) / sigma
            return z * z
        }
    }

    /// dc/dx.
    @inline(__always)
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .none:
            return 0
        case .gaussian(let mean, let sigma):
            return 2 * (x - mean) / (sigma * sigma)
        case .logNormal(let median, let sigma):
            return 2 * log(x / median) / (sigma * sigma * x)
        }
    }

    /// d2c/dx2.
    @inline(__always)
    public func secondDerivative(_ x: Double) -> Double {
        switch self {
        case .none:
            return 0
        case .gaussian(_, let sigma):
            return 2 / (sigma * sigma)
        case .logNormal(let median, let sigma):
            return 2 * (1 - log(x / median)) / (sigma * sigma * x * x)
        }
    }

    /// Checks that the width is finite and > 0 (and the mean finite, the median finite and > 0).
    ///
    /// - Throws: ``FitError/invalidConstraint(parameter:reason:)``.
    public func validate(parameter name: String) throws {
        switch self {
        case .none:
            return
        case .gaussian(let mean, let sigma):
            guard mean.isFinite else {
                throw FitError.invalidConstraint(parameter: name, reason: "the Gaussian mean is \(mean)")
            }
            guard sigma.isFinite, sigma > 0 else {
                throw FitError.invalidConstraint(parameter: name, reason: "the Gaussian width is \(sigma), not > 0")
            }
        case .logNormal(let median, let sigma):
            guard median.isFinite, median > 0 else {
                throw FitError.invalidConstraint(parameter: name, reason: "the log-normal median is \(median), not > 0")
            }
            guard sigma.isFinite, sigma > 0 else {
                throw FitError.invalidConstraint(parameter: name, reason: "the log-normal width is \(sigma), not > 0")
            }
        }
    }
}
