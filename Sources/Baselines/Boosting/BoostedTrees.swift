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

    /// Rows scored per block (transposed to row-major, so a tree walk reads one row's features together).
    static let blockRows = 2048

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
                            var node = SIMD8<Int32>(repeating: 0)
                            let base = rows + i * width
                            for _ in 0..<depth {
                                for r in 0..<lanes {
                                    let k = Int(node[r])
                                    let x = base[r * width + Int(fk[k])]
                                    node[r] = 2 &* node[r] &+ (x <= tk[k] ? 1 : 2)
                                }
                            }
                            for r in 0..<lanes { out[i + r] += lk[Int(node[r]) - innerNodes] }
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
