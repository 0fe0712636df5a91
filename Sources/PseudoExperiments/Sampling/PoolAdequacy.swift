import Foundation

/// How large a pool is relative to one pseudo-experiment, and the coverage that its finite size
/// costs: the figures a challenge manifest records.
///
/// Every pseudo-experiment of a set is drawn from the same finite pool, so the pool's own
/// statistical fluctuation is an offset common to all of them: it does not average away over
/// pseudo-experiments and shifts every estimator's centre by the same amount.
///
/// ## The offset
/// For a count of events in any region, one pseudo-experiment fluctuates with variance
/// `sum w_i` (Poisson, weights normalised to the expected events `E`); the pool's estimate of
/// the same expectation fluctuates with variance `sum w_i^2`. In units of a pseudo-experiment's
/// standard deviation, the pool's offset has size
/// ```
/// d = sqrt(sum w^2 / sum w) = 1 / sqrt(R_eff),   R_eff = n_eff / E,   n_eff = (sum w)^2 / sum w^2
/// ```
/// (Kish's effective number of rows `n_eff`; equal to the number of rows when weights are equal,
/// so `d = 1 / sqrt(rows / E)` then). The whole-pool ratio stands for every region as long as the
/// weights do not vary much between regions.
///
/// ## The coverage it costs
/// A Gaussian estimator with the 68.27% interval `x +- sigma`, offset by `d sigma`, covers with
/// probability
/// ```
/// C(d) = Phi(1 - d) - Phi(-1 - d)
/// C(0) = 0.682689...,  C'(0) = phi(1) - phi(1) = 0   (C is even in d)
/// C''(d) = -(1 - d) phi(1 - d) - (1 + d) phi(1 + d),   C''(0) = -2 phi(1)
/// C''''(0) = 4 phi(1)                                   (phi''' (x) = -(x^3 - 3x) phi(x))
/// C(0) - C(d) = phi(1) d^2 - phi(1) d^4 / 6 + O(d^6),   phi(1) = e^(-1/2) / sqrt(2 pi) = 0.241971
/// ```
/// so the loss is `0.242 d^2 = 0.242 / R_eff`. Because the quartic term is negative, `phi(1) d^2`
/// is an upper bound on the exact loss (checked numerically for d in (0, 10]; the exact loss is
/// 0.2054 at d = 1 where the bound says 0.2420). Figures:
/// ```
/// R_eff    d       exact loss   0.242 d^2
///   10     0.316   0.02380      0.02420
///   50     0.141   0.00482      0.00484      <- the default challenge's minimum
///   66     0.123   0.00366      0.00367      <- the real challenge
/// ```
/// Hence ``recommendedMinimumRatio``: the evaluation pool holds at least 50 pseudo-experiments'
/// worth of rows (the training pool is a disjoint part and does not count).
public struct PoolAdequacy: Codable, Equatable, Sendable {
    /// The minimum effective ratio of pool rows to pseudo-experiment events a default challenge
    /// requires (a coverage loss below 0.005).
    public static let recommendedMinimumRatio = 50.0
    /// `phi(1)`, the coefficient of `d^2` in the coverage loss.
    public static let coverageLossCoefficient = exp(-0.5) / (2 * Double.pi).squareRoot()

    /// Rows of the pool.
    public let poolRows: Int
    /// Kish's effective number of rows, `(sum w)^2 / sum w^2`.
    public let effectiveRows: Double
    /// Expected events of one pseudo-experiment.
    public let expectedEvents: Double
    /// `poolRows / expectedEvents`.
    public let rowRatio: Double
    /// `effectiveRows / expectedEvents`.
    public let effectiveRatio: Double
    /// The pool's offset in pseudo-experiment standard deviations, `1 / sqrt(effectiveRatio)`.
    public let offsetSigma: Double
    /// The exact coverage loss `C(0) - C(d)` of a Gaussian 68.27% interval at that offset.
    public let coverageLoss: Double
    /// The quadratic bound `phi(1) d^2` on it.
    public let coverageLossBound: Double

    enum CodingKeys: String, CodingKey {
        case poolRows = "pool_rows"
        case effectiveRows = "effective_rows"
        case expectedEvents = "expected_events"
        case rowRatio = "row_ratio"
        case effectiveRatio = "effective_ratio"
        case offsetSigma = "offset_sigma"
        case coverageLoss = "coverage_loss"
        case coverageLossBound = "coverage_loss_bound"
    }

    /// Whether the effective ratio reaches ``recommendedMinimumRatio``.
    public var meetsRecommendation: Bool { effectiveRatio >= Self.recommendedMinimumRatio }

    /// The figures for a pool with `weights` whose pseudo-experiments expect `expectedEvents`
    /// events (default: the sum of the weights, i.e. weights at the challenge luminosity and
    /// nominal normalisations).
    ///
    /// Throws ``SamplingError`` for no weights, a negative or non-finite weight (naming its
    /// row), weights that sum to zero, or a non-positive expected size.
    public init(weights: [Float], expectedEvents: Double? = nil) throws {
        guard !weights.isEmpty else { throw SamplingError.emptyWeights }
        var sum = 0.0, sumSquares = 0.0
        for (i, w) in weights.enumerated() {
            let x = Double(w)
            guard x.isFinite, x >= 0 else { throw SamplingError.invalidWeight(row: i, value: x) }
            sum += x
            sumSquares += x * x
        }
        try self.init(poolRows: weights.count, sumWeights: sum, sumSquaredWeights: sumSquares,
                      expectedEvents: expectedEvents ?? sum)
    }

    /// The figures from a pool's summary: its rows, `sum w` and `sum w^2`.
    public init(poolRows: Int, sumWeights: Double, sumSquaredWeights: Double, expectedEvents: Double) throws {
        guard poolRows > 0 else { throw SamplingError.emptyWeights }
        guard sumWeights > 0, sumSquaredWeights > 0, sumWeights.isFinite, sumSquaredWeights.isFinite else {
            throw SamplingError.zeroWeightSum(rows: poolRows)
        }
        guard expectedEvents > 0, expectedEvents.isFinite else {
            throw SamplingError.invalidExpectedEvents(expectedEvents)
        }
        self.poolRows = poolRows
        effectiveRows = sumWeights * sumWeights / sumSquaredWeights
        self.expectedEvents = expectedEvents
        rowRatio = Double(poolRows) / expectedEvents
        effectiveRatio = effectiveRows / expectedEvents
        offsetSigma = 1 / effectiveRatio.squareRoot()
        coverageLoss = Self.coverage(atOffset: 0) - Self.coverage(atOffset: offsetSigma)
        coverageLossBound = Self.coverageLossCoefficient * offsetSigma * offsetSigma
    }

    /// `C(d) = Phi(1 - d) - Phi(-1 - d)`: the coverage of `x +- sigma` when `x` is offset by
    /// `d sigma` from the truth.
    public static func coverage(atOffset d: Double) -> Double {
        normalCDF(1 - d) - normalCDF(-1 - d)
    }

    /// The standard normal distribution function, `Phi(x) = erfc(-x / sqrt 2) / 2`.
    static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }
}
