import Foundation

/// Walker's alias table (Vose's O(n) construction): draws outcome `i` with probability
/// `w_i / sum(w)` in O(1) time, whatever the number of outcomes.
///
/// Construction scales the weights to `q_i = n w_i / sum(w)` (mean 1) and fills `n` slots of
/// capacity 1: each slot holds a "small" outcome (q < 1) topped up by a "large" one (q >= 1),
/// whose remaining mass `q_large + q_small - 1` is then reclassified. Sampling is
/// ```
/// j ~ uniform on 0..<n                  (SeededGenerator.nextInt(below:), unbiased)
/// c ~ uniform on 0..<2^32               (top 32 bits of one next())
/// outcome = c < threshold_j ? primary_j : alias_j,   threshold_j = round(q_j 2^32)
/// ```
/// so `P(i) = (1/n) sum_j [primary_j = i] t_j/2^32 + [alias_j = i] (1 - t_j/2^32) = w_i / sum(w)`.
///
/// Properties that hold:
/// - Precision: thresholds are 32-bit fixed point, so each slot moves at most `2^-33 / n` of
///   probability between its two outcomes; the total variation distance to the exact
///   distribution is below `2^-33 + 1e-15` (rounding of the Double construction). For one
///   pseudo-experiment of 1e6 draws that is a 1e-4 chance that any single pick differs.
/// - Zero weights are never drawn: a zero-weight outcome only ever has threshold 0 and is
///   never an alias (aliases are always taken from outcomes of positive remaining mass).
/// - Determinism: construction uses no randomness and a fixed processing order.
/// - Memory: 12 bytes per outcome (threshold, primary, alias), so a sample touches one entry.
///
/// An outcome is an `Int32` label: by default the index of the weight, or `outcomes[i]` when
/// given (the pool sampler labels each process's table with pool row numbers, so one random
/// access yields the row itself).
///
/// Reference: M. D. Vose, "A linear algorithm for generating random numbers with a given
/// distribution", IEEE Trans. Software Eng. 17 (1991) 972-975; A. J. Walker, ACM TOMS 3 (1977) 253.
public struct AliasTable: Sendable {
    /// One slot: the primary outcome is taken when the coin is below `threshold`.
    @usableFromInline
    struct Entry: Sendable, Equatable {
        @usableFromInline var threshold: UInt32
        @usableFromInline var primary: Int32
        @usableFromInline var alias: Int32
    }

    @usableFromInline let entries: [Entry]
    /// The sum of the weights, in Double.
    public let totalWeight: Double

    /// Number of outcomes (slots).
    public var count: Int { entries.count }

    /// Bytes held by the table.
    public var memoryBytes: Int { entries.capacity * MemoryLayout<Entry>.stride }

    /// A table over `weights` (outcome `i` is `i`, or `outcomes[i]` if given).
    ///
    /// Throws ``SamplingError/emptyWeights``, ``SamplingError/invalidWeight(row:value:)`` for a
    /// negative, NaN or infinite weight (row = its index), ``SamplingError/zeroWeightSum(rows:)``
    /// and ``SamplingError/tooManyRows(_:)`` (more than `Int32.max` outcomes).
    public init(weights: [Float], outcomes: [Int32]? = nil) throws {
        self = try weights.withUnsafeBufferPointer { try AliasTable(buffer: $0, outcomes: outcomes) }
    }

    /// A table over Double `weights` (same rules as the Float version).
    public init(weights: [Double], outcomes: [Int32]? = nil) throws {
        self = try weights.withUnsafeBufferPointer { try AliasTable(buffer: $0, outcomes: outcomes) }
    }

    /// A table over weights in memory the caller owns (e.g. a memory-mapped pool column).
    public init(weights: UnsafeBufferPointer<Float>, outcomes: [Int32]? = nil) throws {
        self = try AliasTable(buffer: weights, outcomes: outcomes)
    }

    /// A table over Double weights in memory the caller owns.
    public init(weights: UnsafeBufferPointer<Double>, outcomes: [Int32]? = nil) throws {
        self = try AliasTable(buffer: weights, outcomes: outcomes)
    }

    /// One outcome.
    @inlinable @inline(__always)
    public func sample(using rng: inout SeededGenerator) -> Int32 {
        entries.withUnsafeBufferPointer { Self.sample($0, using: &rng) }
    }

    /// One outcome from the entry buffer (the hot loop of the pool sampler).
    @inlinable @inline(__always)
    static func sample(_ entries: UnsafeBufferPointer<Entry>, using rng: inout SeededGenerator) -> Int32 {
        let e = entries[rng.nextInt(below: entries.count)]
        let coin = UInt32(truncatingIfNeeded: rng.next() >> 32)
        return coin < e.threshold ? e.primary : e.alias
    }

    /// Writes `count` outcomes to `out[0..<count]`.
    @inlinable
    public func sample(_ count: Int, into out: UnsafeMutableBufferPointer<Int32>, using rng: inout SeededGenerator) {
        precondition(count <= out.count, "asked for \(count) samples into a buffer of \(out.count)")
        entries.withUnsafeBufferPointer { e in
            for i in 0..<count { out[i] = Self.sample(e, using: &rng) }
        }
    }

    /// The probability of each outcome implied by the table (for tests and diagnostics).
    public func impliedProbabilities() -> [Int32: Double] {
        var p: [Int32: Double] = [:]
        let n = Double(entries.count)
        for e in entries {
            let t = Double(e.threshold) * 0x1.0p-32
            p[e.primary, default: 0] += t / n
            p[e.alias, default: 0] += (1 - t) / n
        }
        return p
    }
}

extension AliasTable {
    private init<W: BinaryFloatingPoint>(buffer w: UnsafeBufferPointer<W>, outcomes: [Int32]?) throws {
        let n = w.count
        guard n > 0 else { throw SamplingError.emptyWeights }
        guard n <= Int(Int32.max) else { throw SamplingError.tooManyRows(n) }
        if let outcomes {
            precondition(outcomes.count == n, "outcomes has \(outcomes.count) entries for \(n) weights")
        }
        var sum = 0.0
        for i in 0..<n {
            let x = Double(w[i])
            guard x.isFinite, x >= 0 else { throw SamplingError.invalidWeight(row: i, value: x) }
            sum += x
        }
        guard sum > 0 else { throw SamplingError.zeroWeightSum(rows: n) }
        guard sum.isFinite else { throw SamplingError.invalidWeight(row: n - 1, value: sum) }

        let scale = Double(n) / sum
        var q = [Double](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Double(w[i]) * scale }
            c = n
        }
        // Work lists in one array: small outcomes grow from the front, large from the back.
        // Zero weights are put on top of the small stack so they are paired first, while large
        // outcomes certainly remain (a zero must never be left over and given a full slot).
        var work = [Int32](repeating: 0, count: n)
        var smallTop = 0, largeBottom = n
        for i in 0..<n where q[i] >= 1 { largeBottom -= 1; work[largeBottom] = Int32(i) }
        for i in 0..<n where q[i] < 1 && q[i] > 0 { work[smallTop] = Int32(i); smallTop += 1 }
        for i in 0..<n where q[i] == 0 { work[smallTop] = Int32(i); smallTop += 1 }

        // `table[i].alias` holds a slot index while building; a slot whose alias is itself is
        // full (its outcome was never small, or was left over with q within rounding of 1).
        var table = [Entry](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Entry(threshold: 0, primary: outcomes?[i] ?? Int32(i), alias: Int32(i)) }
            c = n
        }
        var lastLarge: Int32 = -1
        while smallTop > 0 && largeBottom < n {
            smallTop -= 1
            let s = Int(work[smallTop])
            let g = Int(work[largeBottom])
            table[s].alias = Int32(g)          // q[s] is final from here on: it is s's threshold
            lastLarge = Int32(g)
            // (q_g + q_s) - 1 rather than q_g - (1 - q_s): the rounding stays on the large side.
            q[g] = (q[g] + q[s]) - 1
            if q[g] < 1 {
                largeBottom += 1
                work[smallTop] = Int32(g)
                smallTop += 1
            }
        }
        // Left-overs have q within rounding of 1 and keep their whole slot. A zero weight cannot
        // be left over (zeros are paired first, while large outcomes remain), but if rounding
        // ever left one, it stays at threshold 0 with the last large outcome as its alias.
        while smallTop > 0 {
            smallTop -= 1
            let s = Int(work[smallTop])
            if q[s] == 0, lastLarge >= 0 { table[s].alias = lastLarge }
        }
        for i in 0..<n {
            let a = Int(table[i].alias)
            if a == i {
                table[i].threshold = .max      // coin < max, or coin == max and alias == primary
            } else {
                table[i].threshold = UInt32(min((q[i] * 0x1.0p32).rounded(), 0x1.0p32 - 1))
                table[i].alias = outcomes?[a] ?? Int32(a)
            }
        }
        entries = table
        totalWeight = sum
    }
}
