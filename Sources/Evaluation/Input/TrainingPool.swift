import Foundation
import PseudoExperiments

/// Finds the pool estimators train on: a file given by the user, or the challenge's simulated
/// training pool (``ChallengePools/training(spec:cache:)``: another simulator seed than the
/// evaluation pool, so the two share no event; made once, then read from the cache).
///
/// A ``Size`` takes a sample of it instead, as the challenge's `get_train_set(train_size=...)`
/// does: rows drawn without replacement, then every weight multiplied by
/// ```
/// (sum of the weights of the whole pool) / (sum of the weights of the sample)
/// ```
/// so that the sample stands for the same luminosity (the pool of `--data` already sums to the
/// metadata's `sum_weights`, so this is the challenge's rescaling). The draw is selection
/// sampling (Knuth's Algorithm S) in file order with ``SeededGenerator`` seeded by `seed`:
/// row t of N is kept with probability (k - kept) / (N - t), one uniform per row, so the
/// sample keeps the file's order and is made in one streaming pass over the pool's blocks
/// (memory grows with the sample, not with the pool: a 69 M-row training part need not fit).
public enum TrainingPool {
    /// How much of the training pool estimators get.
    public enum Size: Sendable, Equatable, CustomStringConvertible {
        /// This many rows.
        case rows(Int)
        /// This fraction of the rows (0 < f <= 1), rounded to the nearest row.
        case fraction(Double)

        /// Reads `5000000` (rows) or `0.1` (a fraction, written with a decimal point or an
        /// exponent); nil for anything else.
        public init?(_ text: String) {
            if let n = Int(text) {
                guard n >= 1 else { return nil }
                self = .rows(n)
            } else if let f = Double(text), f.isFinite, f > 0, f <= 1 {
                self = .fraction(f)
            } else {
                return nil
            }
        }

        /// The rows of a pool of `total` rows this size asks for.
        public func rows(of total: Int) -> Int {
            switch self {
            case let .rows(n): return n
            case let .fraction(f): return max(1, Int((f * Double(total)).rounded()))
            }
        }

        public var description: String {
            switch self {
            case let .rows(n): return "\(n) rows"
            case let .fraction(f): return "a fraction \(f)"
            }
        }
    }

    /// The default seed of the sample (documented in `bench run --help`).
    public static let defaultSampleSeed: UInt64 = 31415

    /// The training pool of `spec`: the event file (pool, Parquet or CSV) `file` if given, else
    /// the spec's simulated training pool; with `size`, a sample of it drawn from `seed`.
    public static func load(file: URL?, spec: ChallengeSpec, part: ParquetEvents.Part = .all,
                            sumWeights: Double? = nil, size: Size? = nil,
                            seed: UInt64 = defaultSampleSeed) throws -> EventTable {
        guard let size else {
            guard let file else { return try ChallengePools.training(spec: spec) }
            return try EventFile.readTable(file, part: part, sumWeights: sumWeights)
        }
        let pool: URL
        if let file {
            guard let url = try EventFile.poolURL(for: file, part: part, sumWeights: sumWeights) else {
                return try sample(EventFile.readTable(file), size: size, seed: seed, source: file.path)   // CSV
            }
            pool = url
        } else {
            pool = try ChallengePools.trainingURL(spec: spec)
        }
        return try sample(PoolReader(url: pool), size: size, seed: seed, source: (file ?? pool).path)
    }

    /// A sample of the pool file `reader`, streamed block by block.
    public static func sample(_ reader: PoolReader, size: Size, seed: UInt64, source: String) throws -> EventTable {
        var selection = try Selection(total: reader.rowCount, size: size, seed: seed, source: source)
        try reader.forEachBlock { _, block in selection.take(from: block) }
        return selection.finish()
    }

    /// A sample of `table` (the same draw as from a pool file of the same rows).
    public static func sample(_ table: EventTable, size: Size, seed: UInt64, source: String) throws -> EventTable {
        var selection = try Selection(total: table.count, size: size, seed: seed, source: source)
        selection.take(from: table)
        return selection.finish()
    }

    /// Algorithm S over rows met in order, and the weight sums for the rescaling.
    private struct Selection {
        let total: Int
        let wanted: Int
        var generator: SeededGenerator
        var seen = 0
        var kept = EventTable()
        var allWeights = 0.0

        init(total: Int, size: Size, seed: UInt64, source: String) throws {
            let wanted = size.rows(of: total)
            guard wanted <= total else {
                throw EvaluationError.trainingSizeTooLarge(asked: size.description, source: source, rows: total)
            }
            self.total = total
            self.wanted = wanted
            generator = SeededGenerator(seed: seed)
            kept.reserveCapacity(wanted)
        }

        mutating func take(from block: EventTable) {
            var indices: [Int] = []
            for i in 0..<block.count {
                allWeights += Double(block.weights[i])
                let left = wanted - kept.count - indices.count
                if left > 0, Double(total - seen) * generator.nextUnitDouble() < Double(left) { indices.append(i) }
                seen += 1
            }
            kept.append(contentsOf: block.rows(indices))
        }

        func finish() -> EventTable {
            precondition(seen == total && kept.count == wanted, "selection sampling kept \(kept.count) of \(wanted)")
            var sample = kept
            let sampled = sample.weights.reduce(0.0) { $0 + Double($1) }
            if sampled > 0 {
                let scale = allWeights / sampled
                sample.weights = sample.weights.map { Float(Double($0) * scale) }
            }
            return sample
        }
    }
}
