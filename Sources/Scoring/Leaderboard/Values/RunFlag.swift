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

    public var description: String { "\(kind): \(detail)" }
}
