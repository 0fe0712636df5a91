import Foundation

/// The challenge's `test_settings.json`: the true mu of each set, and how the run was made
/// (see ``ChallengeFiles`` for the source of the layout). Only `ground_truth_mus` is required.
public struct ChallengeTestSettings: Sendable, Equatable {
    /// The true mu of set k at index k.
    public var groundTruthMus: [Double]
    /// The number of pseudo-experiments per set, if recorded.
    public var numPseudoExperiments: Int?
    /// The number of sets, if recorded.
    public var numOfSets: Int?
    /// Which nuisance parameters were varied (challenge names), in file order, if recorded.
    public var systematics: [(String, Bool)]
    /// Whether the mus were drawn at random, if recorded.
    public var randomMu: Bool?

    public init(groundTruthMus: [Double], numPseudoExperiments: Int? = nil, numOfSets: Int? = nil,
                systematics: [(String, Bool)] = [], randomMu: Bool? = nil) {
        self.groundTruthMus = groundTruthMus
        self.numPseudoExperiments = numPseudoExperiments
        self.numOfSets = numOfSets
        self.systematics = systematics
        self.randomMu = randomMu
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.groundTruthMus == b.groundTruthMus && a.numPseudoExperiments == b.numPseudoExperiments
            && a.numOfSets == b.numOfSets && a.randomMu == b.randomMu
            && a.systematics.map(\.0) == b.systematics.map(\.0) && a.systematics.map(\.1) == b.systematics.map(\.1)
    }

    /// The file's JSON, keys in the challenge's order (absent fields left out).
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if !systematics.isEmpty { pairs.append(("systematics", .object(systematics.map { ($0.0, .bool($0.1)) }))) }
        if let numPseudoExperiments { pairs.append(("num_pseudo_experiments", .number(Double(numPseudoExperiments)))) }
        if let numOfSets { pairs.append(("num_of_sets", .number(Double(numOfSets)))) }
        pairs.append(("ground_truth_mus", .array(groundTruthMus.map { .number($0) })))
        if let randomMu { pairs.append(("random_mu", .bool(randomMu))) }
        return .object(pairs)
    }

    /// Reads and checks a test settings file.
    public static func read(contentsOf url: URL) throws -> ChallengeTestSettings {
        let fields = try JSONFields(ChallengeFiles.readJSON(url), path: url.path,
                                    what: "an object with ground_truth_mus")
        let listed = try fields.numberList("ground_truth_mus")
        guard !listed.isEmpty else {
            throw InteropError.wrongType(path: url.path, key: "ground_truth_mus",
                                         expected: "a list with one true mu per set", found: "an empty list")
        }
        let mus = try listed.enumerated().map { k, mu -> Double in
            guard let mu, mu.isFinite else {
                throw InteropError.badTruthValue(path: url.path, setIndex: k, value: mu.map { "\($0)" } ?? "null")
            }
            return mu
        }
        var systematics: [(String, Bool)] = []
        if case .object(let flags)? = fields.value("systematics") {
            systematics = flags.compactMap { key, value in
                if case .bool(let b) = value { return (key, b) } else { return nil }
            }
        }
        let settings = ChallengeTestSettings(
            groundTruthMus: mus,
            numPseudoExperiments: try fields.optionalCount("num_pseudo_experiments"),
            numOfSets: try fields.optionalCount("num_of_sets"),
            systematics: systematics,
            randomMu: try fields.optionalBool("random_mu"))
        if let sets = settings.numOfSets, sets != mus.count {
            throw InteropError.setCountMismatch(truthPath: url.path, groundTruthMus: mus.count, numOfSets: sets)
        }
        return settings
    }
}
