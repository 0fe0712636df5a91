import Foundation
import PseudoExperiments

/// An ensemble of depth-limited regression trees whose summed leaves are a classifier's
/// log-odds: the model ``BoostedTreesTrainer`` grows.
///
/// Every tree is complete, of depth `depth`, stored in level order: inner node k
/// (`0 ..< 2^depth - 1`) sends a row to child `2k + 1` if `x[feature] <= threshold`, else to
/// `2k + 2`; leaf j is node `2^depth - 1 + j`. A node that did not split has threshold +infinity
/// (every row goes left). The score of a row is
/// ```
/// F(x) = base + sum_t leaf_t(x)          (log-odds of signal against background)
/// ```
public struct BoostedTrees: Sendable, Equatable {
    public let depth: Int
    public let base: Float
    /// Per tree, `2^depth - 1` feature indices (in `Feature.allCases` order).
    public let features: [Int32]
    /// Per tree, `2^depth - 1` thresholds.
    public let thresholds: [Float]
    /// Per tree, `2^depth` leaf values.
    public let leaves: [Float]

    public init(depth: Int, base: Float, features: [Int32], thresholds: [Float], leaves: [Float]) {
        let innerNodes = (1 << depth) - 1
        precondition(depth >= 1 && features.count == thresholds.count && features.count % innerNodes == 0
                     && leaves.count == (features.count / innerNodes) << depth,
                     "inconsistent tree arrays for depth \(depth): \(features.count) nodes, \(leaves.count) leaves")
        self.depth = depth
        self.base = base
        self.features = features
        self.thresholds = thresholds
        self.leaves = leaves
    }

    /// The number of trees.
    public var treeCount: Int { features.count / ((1 << depth) - 1) }

    /// Rows scored per block (transposed to row-major, so a tree walk reads one row's features
    /// together): 256 rows of 28 features (28 KB) stay in the L1 cache while every tree walks
    /// them (`bench benchmark --suite baselines`, `classifier_scores_ms`: 925,581 events, 120
    /// trees of depth 4, one core: 762 ms with 2048-row blocks and SIMD lanes, 429 ms with eight
    /// register walks, 383 ms with 256-row blocks).
    static let blockRows = 256

    /// The score F(x) of every row of `events`.
    public func scores(_ events: some FeatureColumns) -> [Float] {
        let n = events.count, width = Feature.allCases.count
        var out = [Float](repeating: base, count: n)
        var block = [Float](repeating: 0, count: Self.blockRows * width)
        let columns = Feature.allCases.map { events.column($0) }
        var start = 0
        while start < n {
            let m = min(Self.blockRows, n - start)
            block.withUnsafeMutableBufferPointer { b in
                for f in 0..<width {
                    columns[f].withUnsafeBufferPointer { c in
                        for i in 0..<m { b[i * width + f] = c[start + i] }
                    }
                }
            }
            block.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    score(rows: b.baseAddress!, count: m, width: width, into: o.baseAddress! + start)
                }
            }
            start += m
        }
        return out
    }

    /// Rows walked down a tree together: their chains of dependent loads interleave, which
    /// hides the latency a single row's walk (load the feature, compare, pick a child) waits on.
    static let lanes = 8

    /// Adds the trees' leaves to `out[i]` for `count` row-major rows.
    func score(rows: UnsafePointer<Float>, count: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        let innerNodes = (1 << depth) - 1, leafCount = 1 << depth
        let lanes = Self.lanes
        let full = count / lanes * lanes
        features.withUnsafeBufferPointer { f in
            thresholds.withUnsafeBufferPointer { t in
                leaves.withUnsafeBufferPointer { l in
                    for tree in 0..<treeCount {
                        let fk = f.baseAddress! + tree * innerNodes, tk = t.baseAddress! + tree * innerNodes
                        let lk = l.baseAddress! + tree * leafCount
                        var i = 0
                        while i < full {
                            // Eight independent walks in eight registers (indexing a SIMD
                            // vector by a variable lane goes through memory and serialises them).
                            let r0 = rows + i * width, r1 = r0 + width, r2 = r1 + width, r3 = r2 + width
                            let r4 = r3 + width, r5 = r4 + width, r6 = r5 + width, r7 = r6 + width
                            var n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0, n6 = 0, n7 = 0
                            @inline(__always) func step(_ row: UnsafePointer<Float>, _ node: Int) -> Int {
                                2 &* node &+ (row[Int(fk[node])] <= tk[node] ? 1 : 2)
                            }
                            for _ in 0..<depth {
                                n0 = step(r0, n0); n1 = step(r1, n1); n2 = step(r2, n2); n3 = step(r3, n3)
                                n4 = step(r4, n4); n5 = step(r5, n5); n6 = step(r6, n6); n7 = step(r7, n7)
                            }
                            let o = out + i
                            o[0] += lk[n0 - innerNodes]; o[1] += lk[n1 - innerNodes]
                            o[2] += lk[n2 - innerNodes]; o[3] += lk[n3 - innerNodes]
                            o[4] += lk[n4 - innerNodes]; o[5] += lk[n5 - innerNodes]
                            o[6] += lk[n6 - innerNodes]; o[7] += lk[n7 - innerNodes]
                            i += lanes
                        }
                        for j in full..<count {
                            let row = rows + j * width
                            var node = 0
                            for _ in 0..<depth {
                                node = 2 * node + (row[Int(fk[node])] <= tk[node] ? 1 : 2)
                            }
                            out[j] += lk[node - innerNodes]
                        }
                    }
                }
            }
        }
    }
}
