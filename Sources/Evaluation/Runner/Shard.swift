import Scoring

/// One part of the (set, pseudo-experiment) grid, so that one evaluation can be spread over
/// many processes or cluster nodes and merged afterwards (`bench store merge`).
///
/// The split, for shard `K` of `N` (`K` in `1...N`): the pseudo-experiment keys of the set
/// manifest are sorted by (set index, pseudo-experiment index) and the key at position `p`
/// (from 0) belongs to shard `p mod N + 1`:
/// ```
/// keys sorted:   (0,0) (0,1) (0,2) (0,3) (1,0) (1,1) (1,2) (1,3)      N = 3
/// shard:           1     2     3     1     2     3     1     2
/// ```
/// Round robin: every shard holds at most one pseudo-experiment more than another and draws
/// from every set, so shards take about the same time. The split depends on the keys only, never
/// on a seed or the run order, so anyone can say which shard holds a pseudo-experiment (and a
/// missing one is re-run by the shard number alone). The estimate of a pseudo-experiment does
/// not depend on which shard computes it (its generator comes from its key, ``EstimatorSeeds``),
/// so the shards of a run merged give the results of the same run on one machine.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// This shard's number, 1 ... ``count``.
    public let index: Int
    /// The number of shards.
    public let count: Int

    /// Shard `index` of `count`, or nil unless `1 <= index <= count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N` as written on the command line, e.g. `2/4`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The keys of `keys` (every pseudo-experiment of a set manifest) that belong to this shard,
    /// in key order.
    public func keys(of keys: [PseudoExperimentKey]) -> [PseudoExperimentKey] {
        keys.sorted().enumerated().compactMap { p, key in p % count == index - 1 ? key : nil }
    }

    /// The shard (1 ... `count`) of each key of `keys`, by the split above.
    public static func assignment(of keys: [PseudoExperimentKey], count: Int) -> [PseudoExperimentKey: Int] {
        precondition(count >= 1, "a split needs at least one shard")
        return Dictionary(uniqueKeysWithValues: keys.sorted().enumerated().map { ($1, $0 % count + 1) })
    }
}
