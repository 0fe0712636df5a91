/// Who produced a run: a named submission at one version of its code.
///
/// The name is the submission; each distinct `codeHash` is one version of it. A run is
/// identified by the submission (name and code hash) and the set-manifest hash it ran on.
public struct Submission: Hashable, Codable, Sendable {
    /// How a submission appears on a leaderboard.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// A participant's estimator: ranked.
        case entry
        /// A built-in baseline estimator: ranked like an entry.
        case baseline
        /// A reference point (e.g. an oracle that knows the nuisances, or a null baseline):
        /// listed for comparison, without a rank.
        case reference

        /// Whether rows of this kind get a rank.
        public var isRanked: Bool { self != .reference }
    }

    public var name: String
    public var kind: Kind
    /// A human-readable version (free text, may be empty).
    public var version: String
    /// A hash of the submission's code: a new hash is a new version.
    public var codeHash: String

    public init(name: String, kind: Kind = .entry, version: String = "", codeHash: String) {
        self.name = name
        self.kind = kind
        self.version = version
        self.codeHash = codeHash
    }
}
