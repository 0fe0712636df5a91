import Foundation
import PseudoExperiments

/// Saved with a fit (``TrainingArtifactsSnapshot``): the node and leaf arrays as raw bytes
/// (``RawArrayCoding``), checked for consistency as the initialiser checks them.
extension BoostedTrees: Codable {
    enum CodingKeys: String, CodingKey {
        case depth, base, features, thresholds, leaves
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let depth = try container.decode(Int.self, forKey: .depth)
        let features = try RawArrayCoding.int32s(try container.decode(Data.self, forKey: .features), field: "features")
        let thresholds = try RawArrayCoding.floats(try container.decode(Data.self, forKey: .thresholds), field: "thresholds")
        let leaves = try RawArrayCoding.floats(try container.decode(Data.self, forKey: .leaves), field: "leaves")
        let inner = depth >= 1 && depth < 31 ? (1 << depth) - 1 : 0
        guard inner > 0, features.count == thresholds.count, features.count % inner == 0,
              leaves.count == (features.count / inner) << depth,
              features.allSatisfy({ $0 >= 0 && Int($0) < Feature.allCases.count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription:
                "inconsistent tree arrays for depth \(depth): \(features.count) nodes, \(thresholds.count) thresholds, \(leaves.count) leaves"))
        }
        self.init(depth: depth, base: try container.decode(Float.self, forKey: .base), features: features,
                  thresholds: thresholds, leaves: leaves)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(depth, forKey: .depth)
        try container.encode(base, forKey: .base)
        try container.encode(RawArrayCoding.data(features), forKey: .features)
        try container.encode(RawArrayCoding.data(thresholds), forKey: .thresholds)
        try container.encode(RawArrayCoding.data(leaves), forKey: .leaves)
    }
}
