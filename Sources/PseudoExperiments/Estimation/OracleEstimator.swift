/// A reference estimator that is told each pseudo-experiment's true nuisance values: the
/// harness's one, explicit channel for them.
///
/// The oracle baseline shows how narrow an interval could be if the systematics were known; it
/// is a reference row of the leaderboard, never a ranked entry. The runner hands the nuisances
/// only to a fitted model of this protocol AND only when the submission's registry entry is of
/// kind `reference` (the registry refuses an oracle of any other kind). Everything else (every
/// entry, every baseline, every plugin) only ever gets ``FittedEstimator/estimate(_:using:)``,
/// whose arguments carry no truth.
///
/// ```swift
/// struct KnowsTheShifts: OracleEstimator {
///     var name: String { "oracle-demo" }
///     func fit(_ context: inout TrainingContext) throws -> any FittedEstimator { Model() }
///     struct Model: FittedOracleEstimator {
///         func estimate(_ view: SealedView, knowing nuisances: NuisanceValues,
///                       using rng: inout SeededGenerator) throws -> Estimate { Estimate(p16: 0.9, p84: 1.1) }
///     }
/// }
/// ```
public protocol OracleEstimator: Estimator {}

/// The fitted model of an ``OracleEstimator``: estimates knowing the true nuisance values.
public protocol FittedOracleEstimator: FittedEstimator {
    /// The estimate of one pseudo-experiment given its true nuisance values (not its true mu).
    func estimate(_ view: SealedView, knowing nuisances: NuisanceValues,
                  using rng: inout SeededGenerator) throws -> Estimate
}

extension FittedOracleEstimator {
    /// An oracle asked without the nuisances cannot answer: it throws
    /// ``OracleWithoutNuisances``, which the runner records as a failure.
    public func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
        throw OracleWithoutNuisances()
    }
}

/// Thrown by an oracle that was asked to estimate without the true nuisance values.
public struct OracleWithoutNuisances: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String {
        "An oracle estimator needs the true nuisance values, which the harness gives only to registry entries of kind 'reference'; evaluate it through its registry entry."
    }
}
