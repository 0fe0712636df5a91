/// Which pseudo-experiment: its set and its index inside the set.
///
/// A challenge draws several sets (each with its own true mu) of pseudo-experiments (each with
/// its own nuisance values); the pair identifies one pseudo-experiment within a set manifest.
public struct PseudoExperimentKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The index of the set (0-based).
    public var set: Int
    /// The index of the pseudo-experiment inside its set (0-based).
    public var pseudoExperiment: Int

    public init(set: Int, pseudoExperiment: Int) {
        self.set = set
        self.pseudoExperiment = pseudoExperiment
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.set, a.pseudoExperiment) < (b.set, b.pseudoExperiment)
    }

    public var description: String { "set \(set), pseudo-experiment \(pseudoExperiment)" }
}
