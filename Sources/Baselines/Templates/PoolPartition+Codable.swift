import Foundation
import PseudoExperiments

/// Saved with a fit (``TrainingArtifactsSnapshot``): each role's rows as raw bytes
/// (``RawArrayCoding``), since they number as many as the training pool's rows.
extension PoolPartition: Codable {
    enum CodingKeys: String, CodingKey {
        case rows
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let roles = try container.decode([Data].self, forKey: .rows)
        self.init(rows: try roles.enumerated().map { try RawArrayCoding.int32s($1, field: "rows of role \($0)") })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows.map(RawArrayCoding.data), forKey: .rows)
    }
}
