import Foundation

/// Errors of the metric functions: inputs that cannot be scored as given.
public enum ScoringError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// There was nothing to score.
    case noResults
    /// The same pseudo-experiment appears twice.
    case duplicateResult(PseudoExperimentKey)
    /// Two submissions compared pair by pair do not cover the same pseudo-experiments.
    case unpairedResults(onlyInFirst: Int, onlyInSecond: Int, example: PseudoExperimentKey)
    /// Two submissions disagree on a pseudo-experiment's true mu.
    case truthMismatch(PseudoExperimentKey, first: Double, second: Double)
    /// A bootstrap needs at least two replicates.
    case tooFewReplicates(Int)
    /// A breakdown needs at least one bin.
    case tooFewBins(Int)

    public var description: String {
        switch self {
        case .noResults:
            return "There are no results to score: run at least one pseudo-experiment first."
        case .duplicateResult(let key):
            return "The results hold \(key) twice: keep one result per pseudo-experiment "
                + "(remove the duplicate or re-run that pseudo-experiment once)."
        case .unpairedResults(let a, let b, let example):
            return "The two submissions were not run on the same pseudo-experiments "
                + "(\(a) only in the first, \(b) only in the second, e.g. \(example)): "
                + "compare submissions evaluated on the same sets and pseudo-experiments."
        case .truthMismatch(let key, let a, let b):
            return "The two submissions disagree on the true mu of \(key) (\(a) vs \(b)): "
                + "they were generated from different specs or seeds; compare runs of one spec and seed."
        case .tooFewReplicates(let n):
            return "A bootstrap needs at least 2 replicates, got \(n): pass a larger replicate count."
        case .tooFewBins(let n):
            return "A coverage breakdown needs at least 1 bin, got \(n): pass a positive bin count."
        }
    }

    public var errorDescription: String? { description }
}
