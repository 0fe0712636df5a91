import Foundation

/// Why a pool or a draw cannot be sampled: bad weights, bad process codes, a bad mean.
///
/// Every case carries the offending row, process or value, and its description says how to fix
/// the input. These are errors in data or in a challenge spec, never crashes.
public enum SamplingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A Poisson mean that is negative, NaN, infinite or above ``PoissonVariate/maximumMean``.
    case invalidPoissonMean(Double)
    /// No weights at all (an alias table needs at least one row).
    case emptyWeights
    /// A weight that is negative, NaN or infinite, at `row` of the weights given.
    case invalidWeight(row: Int, value: Double)
    /// Weights that are all zero: there is nothing to draw with positive probability.
    case zeroWeightSum(rows: Int)
    /// More rows than 32-bit row indices can address.
    case tooManyRows(Int)
    /// The weight and process-code columns of a pool have different lengths.
    case mismatchedColumns(weights: Int, processCodes: Int)
    /// A process code that is not a ``PhysicsProcess/code``.
    case unknownProcessCode(row: Int, code: UInt8)
    /// A process that the pool must hold has no rows, or only rows of weight zero.
    case missingProcess(PhysicsProcess, rows: Int)
    /// A normalisation factor (mu or a nuisance scale) that makes a Poisson mean invalid.
    case invalidNormalisation(PhysicsProcess, factor: Double, mean: Double)
    /// A draw whose size would exceed 32-bit indices (a signal strength or scale far too large).
    case drawTooLarge(expectedEvents: Double)
    /// An expected pseudo-experiment size that is not a positive finite number.
    case invalidExpectedEvents(Double)

    public var description: String {
        switch self {
        case .invalidPoissonMean(let m):
            return "A Poisson mean must be finite and in [0, \(PoissonVariate.maximumMean)], got \(m); "
                + "check the signal strength, the nuisance scales and the pool weights that produce it."
        case .emptyWeights:
            return "There are no weights to sample from; give at least one row with a positive weight."
        case .invalidWeight(let row, let value):
            return "Weight at row \(row) is \(value); weights must be finite and non-negative. "
                + "Fix or drop that row of the pool."
        case .zeroWeightSum(let rows):
            return "All \(rows) weights are zero, so no row can be drawn; give at least one positive weight."
        case .tooManyRows(let n):
            return "The pool has \(n) rows but row indices are 32-bit (at most \(Int32.max)); split the pool."
        case .mismatchedColumns(let w, let p):
            return "The pool has \(w) weights but \(p) process codes; both columns need one entry per row."
        case .unknownProcessCode(let row, let code):
            return "Process code \(code) at row \(row) is not a known process (0 htautau, 1 ztautau, "
                + "2 ttbar, 3 diboson); fix the pool's process column."
        case .missingProcess(let p, let rows):
            return "The pool has \(rows) rows of process \(p.rawValue) and none with a positive weight, "
                + "but pseudo-experiments need that process; add its events to the pool or stop "
                + "requiring it."
        case .invalidNormalisation(let p, let factor, let mean):
            return "The normalisation of \(p.rawValue) is \(factor), giving a Poisson mean of \(mean); "
                + "signal strength and nuisance scales must be finite and non-negative (check the "
                + "spec's priors and clip ranges)."
        case .drawTooLarge(let e):
            return "A pseudo-experiment would hold about \(e) events, more than 32-bit row indices address; "
                + "check the signal strength and nuisance scales (or the pool weights) that produce it."
        case .invalidExpectedEvents(let e):
            return "The expected pseudo-experiment size must be a positive finite number of events, got \(e)."
        }
    }

    public var errorDescription: String? { description }
}
