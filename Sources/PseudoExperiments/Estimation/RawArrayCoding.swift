import Foundation

/// Large arrays of 32-bit numbers as raw little-endian bytes, for the `Codable` conformances of
/// saved training results (``TrainingArtifactsSnapshot``): Foundation's property-list coders
/// spend microseconds on every element of an array, on one `Data` they spend nothing. Floats
/// keep their bit patterns (NaN payloads included).
public enum RawArrayCoding {
    public static func data(_ values: [Int32]) -> Data {
        var data = Data(count: values.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: UInt32(bitPattern: v).littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return data
    }

    public static func data(_ values: [Float]) -> Data {
        data(values.map { Int32(bitPattern: $0.bitPattern) })
    }

    /// The `Int32`s of `data`; `field` names the value in the error.
    public static func int32s(_ data: Data, field: String) throws -> [Int32] {
        guard data.count % 4 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "\(field): \(data.count) bytes is not a whole number of 4-byte values"))
        }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Int32(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    public static func floats(_ data: Data, field: String) throws -> [Float] {
        try int32s(data, field: field).map { Float(bitPattern: UInt32(bitPattern: $0)) }
    }
}
