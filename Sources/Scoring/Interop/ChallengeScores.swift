import Foundation

/// The challenge's `scores.json` (see ``ChallengeFiles`` for the source of the layout).
///
/// Values are nil where the file has `null` (or the value is not finite, as for `rmse` and
/// `mae` when no estimate reports mu_hat and its uncertainty).
public struct ChallengeScores: Sendable, Equatable {
    public var rmse: Double?
    public var mae: Double?
    /// The pooled mean width.
    public var interval: Double?
    /// The pooled coverage.
    public var coverage: Double?
    /// The pooled penalised score.
    public var quantilesScore: Double?
    /// The ingestion's duration in minutes, if known.
    public var ingestionDuration: Double?

    public init(rmse: Double?, mae: Double?, interval: Double?, coverage: Double?,
                quantilesScore: Double?, ingestionDuration: Double? = nil) {
        self.rmse = rmse
        self.mae = mae
        self.interval = interval
        self.coverage = coverage
        self.quantilesScore = quantilesScore
        self.ingestionDuration = ingestionDuration
    }

    /// The scores of a scorecard, in the challenge's terms.
    public init(_ card: Scorecard, ingestionDuration: Double? = nil) {
        self.init(rmse: card.point.rmse, mae: card.point.mae, interval: card.overall.interval,
                  coverage: card.overall.coverage, quantilesScore: card.overall.score,
                  ingestionDuration: ingestionDuration)
    }

    /// The file's JSON, keys in the challenge's order.
    public var json: JSONValue {
        .object([("rmse", .optional(rmse)), ("mae", .optional(mae)), ("interval", .optional(interval)),
                 ("coverage", .optional(coverage)), ("quantiles_score", .optional(quantilesScore)),
                 ("ingestion_duration", .optional(ingestionDuration))])
    }

    /// Reads a scores file; `interval`, `coverage` and `quantiles_score` must be present.
    public static func read(contentsOf url: URL) throws -> ChallengeScores {
        let fields = try JSONFields(ChallengeFiles.readJSON(url), path: url.path,
                                    what: "an object with interval, coverage and quantiles_score")
        for key in ["interval", "coverage", "quantiles_score"] { _ = try fields.required(key) }
        func finite(_ key: String) throws -> Double? { try fields.optionalNumber(key).flatMap { $0.isFinite ? $0 : nil } }
        return ChallengeScores(rmse: try finite("rmse"), mae: try finite("mae"), interval: try finite("interval"),
                               coverage: try finite("coverage"), quantilesScore: try finite("quantiles_score"),
                               ingestionDuration: try finite("ingestion_duration"))
    }
}
