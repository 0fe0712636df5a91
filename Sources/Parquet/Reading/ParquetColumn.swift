/// The values of one column of one row group, by physical type. Strings come as dictionary
/// codes (what the file stores for dictionary-encoded columns, and a compact form for plain
/// ones): `dictionary[codes[i]]` is row `i`'s string.
public enum ParquetColumn: Sendable, Equatable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case strings(codes: [UInt32], dictionary: [String])

    public var count: Int {
        switch self {
        case let .boolean(v): return v.count
        case let .int32(v): return v.count
        case let .int64(v): return v.count
        case let .float(v): return v.count
        case let .double(v): return v.count
        case let .strings(codes, _): return codes.count
        }
    }

    /// The values as Float32, for numeric columns: exact for float columns; rounded to nearest
    /// for double columns (pandas upcasts float32 to float64; the round trip is exact) and
    /// integers; booleans as 0 and 1. Nil for strings.
    public var floats: [Float]? {
        switch self {
        case let .float(v): return v
        case let .double(v): return v.map { Float($0) }
        case let .int32(v): return v.map { Float($0) }
        case let .int64(v): return v.map { Float($0) }
        case let .boolean(v): return v.map { $0 ? 1 : 0 }
        case .strings: return nil
        }
    }

    /// The strings of a string column, row by row; nil for other columns.
    public var strings: [String]? {
        guard case let .strings(codes, dictionary) = self else { return nil }
        return codes.map { dictionary[Int($0)] }
    }
}
