import Foundation
import PseudoExperiments

/// One set's `result_{set}.json` of the challenge's ingestion: four positional lists, one entry
/// per pseudo-experiment (see ``ChallengeFiles`` for the source of the layout).
///
/// `nil` entries stand for `null` in the file: nothing reported.
public struct ChallengeSetResult: Sendable, Equatable {
    public var muHats: [Double?]
    public var deltaMuHats: [Double?]
    public var p16: [Double?]
    public var p84: [Double?]

    public init(muHats: [Double?], deltaMuHats: [Double?], p16: [Double?], p84: [Double?]) {
        self.muHats = muHats
        self.deltaMuHats = deltaMuHats
        self.p16 = p16
        self.p84 = p84
    }

    /// The lists of one set's results, in order (failures and missing values as nil).
    public init(results: [ScoredResult]) {
        let estimates = results.map { $0.failure == nil ? $0.estimate : nil }
        muHats = estimates.map { $0?.muHat }
        deltaMuHats = estimates.map { $0?.uncertainty }
        p16 = estimates.map { $0?.interval68.lower }
        p84 = estimates.map { $0?.interval68.upper }
    }

    /// The number of pseudo-experiments.
    public var count: Int { p16.count }

    /// The file's JSON, keys in the challenge's order.
    public var json: JSONValue {
        func list(_ x: [Double?]) -> JSONValue { .array(x.map(JSONValue.optional)) }
        return .object([("mu_hats", list(muHats)), ("delta_mu_hats", list(deltaMuHats)),
                        ("p16", list(p16)), ("p84", list(p84))])
    }

    /// Reads and checks a result file: the four lists must exist and have equal lengths.
    public static func read(contentsOf url: URL) throws -> ChallengeSetResult {
        let fields = try JSONFields(ChallengeFiles.readJSON(url), path: url.path,
                                    what: "an object with mu_hats, delta_mu_hats, p16 and p84")
        let file = ChallengeSetResult(muHats: try fields.numberList("mu_hats"),
                                      deltaMuHats: try fields.numberList("delta_mu_hats"),
                                      p16: try fields.numberList("p16"), p84: try fields.numberList("p84"))
        for (key, n) in [("p84", file.p84.count), ("mu_hats", file.muHats.count),
                         ("delta_mu_hats", file.deltaMuHats.count)] where n != file.p16.count {
            throw InteropError.lengthMismatch(path: url.path, key: key, count: n, otherKey: "p16",
                                              otherCount: file.p16.count)
        }
        return file
    }

    /// The results of this set against its true `mu` (nuisances unknown).
    ///
    /// An entry with neither interval end nor mu_hat is a missing estimate; an entry with a
    /// null interval end but other values keeps them, with that end NaN (a failure under the
    /// policy, and nothing reported is lost).
    public func results(setIndex: Int, mu: Double) -> [ScoredResult] {
        (0..<count).map { i in
            let truth = PseudoExperimentTruth(setIndex: setIndex, index: i, mu: mu)
            let values = [p16[i], p84[i], muHats[i], deltaMuHats[i]]
            guard values.contains(where: { $0 != nil }) else { return ScoredResult(truth: truth, estimate: nil) }
            let interval = ConfidenceInterval(lower: p16[i] ?? .nan, upper: p84[i] ?? .nan)
            return ScoredResult(truth: truth, estimate: Estimate(interval68: interval, muHat: muHats[i],
                                                                 uncertainty: deltaMuHats[i]))
        }
    }
}
