import CMemory
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
/// given (the pool sampler labels each cell's table with pool row numbers, so one random
/// access yields the row itself).
///
/// Reference: M. D. Vose, "A linear algorithm for generating random numbers with a given
/// distribution", IEEE Trans. Software Eng. 17 (1991) 972-975; A. J. Walker, ACM TOMS 3 (1977) 253.
public struct AliasTable: Sendable {
    /// One slot: the primary outcome is taken when the coin is below `threshold`.
    @usableFromInline
    struct Entry: Sendable, Equatable, BitwiseCopyable {
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

    /// One outcome from an entry buffer.
    @inlinable @inline(__always)
    static func sample(_ entries: UnsafeBufferPointer<Entry>, using rng: inout SeededGenerator) -> Int32 {
        let e = entries[rng.nextInt(below: entries.count)]
        let coin = UInt32(truncatingIfNeeded: rng.next() >> 32)
        return coin < e.threshold ? e.primary : e.alias
    }

    /// `out.count` outcomes from an entry buffer, with `coins` (at least `out.count`) as scratch:
    /// the hot loop of the pool sampler.
    ///
    /// Same outcomes, from the same random numbers in the same order, as repeated
    /// ``sample(using:)``, but in two passes: first every slot and coin (no memory reads; each
    /// slot's entry is prefetched as soon as it is known), then every entry lookup. The second
    /// loop is short, so the processor keeps many more cache misses in flight when the entries
    /// span hundreds of megabytes.
    static func sample(_ entries: UnsafeBufferPointer<Entry>, into out: UnsafeMutableBufferPointer<Int32>,
                       coins: UnsafeMutableBufferPointer<UInt32>, using rng: inout SeededGenerator) {
        let n = out.count
        precondition(coins.count >= n, "coin scratch holds \(coins.count), \(n) needed")
        for j in 0..<n {
            let slot = rng.nextInt(below: entries.count)
            fuq_prefetch(entries.baseAddress! + slot)
            out[j] = Int32(truncatingIfNeeded: slot)
            coins[j] = UInt32(truncatingIfNeeded: rng.next() >> 32)
        }
        for j in 0..<n {
            let e = entries[Int(out[j])]
            out[j] = coins[j] < e.threshold ? e.primary : e.alias
        }
    }

    /// Writes `count` outcomes to `out[0..<count]`.
    public func sample(_ count: Int, into out: UnsafeMutableBufferPointer<Int32>, using rng: inout SeededGenerator) {
        precondition(count <= out.count, "asked for \(count) samples into a buffer of \(out.count)")
        var coins = [UInt32](repeating: 0, count: count)
        entries.withUnsafeBufferPointer { e in
            coins.withUnsafeMutableBufferPointer { c in
                Self.sample(e, into: UnsafeMutableBufferPointer(rebasing: out[0..<count]), coins: c, using: &rng)
            }
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
