/// A warning raised on a run by one of the runner's checks, shown with the run on leaderboards.
///
/// A flag does not change the score: it tells the reader that the numbers may not mean what
/// they seem (e.g. an estimator that carried information from one pseudo-experiment to the
/// next, which the challenge forbade since all pseudo-experiments of a set share mu).
public struct RunFlag: Hashable, Codable, Sendable, CustomStringConvertible {
    /// What was found, e.g. ``stateful``; a run holds at most one flag per kind.
    public var kind: String
    /// The evidence, in a sentence.
    public var detail: String

    public init(kind: String, detail: String) {
        precondition(!kind.isEmpty, "a run flag needs a kind")
        self.kind = kind
        self.detail = detail
    }

    /// Estimating some pseudo-experiments again with a fresh instance, in another order, gave
    /// other results.
    public static let stateful = "stateful"

    /// The plugin ran without a sandbox because none worked here (automatic mode), and nobody
    /// vouched for it: it could have read any file the harness can, truths included.
    public static let unsandboxed = "unsandboxed"

    /// The plugin ran without a sandbox by the organiser's explicit choice (`--sandbox disabled`
    /// or `--allow-unsandboxed`, for a trusted plugin): said on the run, but ranked.
    public static let unsandboxedAllowed = "unsandboxed-allowed"

    /// The kinds whose runs are shown on a leaderboard but never ranked: a number that may come
    /// from reading the truth or from remembering earlier pseudo-experiments does not compete.
    /// The one place that decides it (``LeaderboardTable`` asks here).
    public static let disqualifyingKinds: Set<String> = [stateful, unsandboxed]

    /// Whether a run carrying this flag is left out of the ranking.
    public var excludesFromRanking: Bool { Self.disqualifyingKinds.contains(kind) }

    public var description: String { "\(kind): \(detail)" }
}
