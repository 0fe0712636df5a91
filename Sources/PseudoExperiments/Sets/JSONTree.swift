import Foundation

/// A parsed JSON value. Parsed with `JSONDecoder`, which reads every number exactly (Foundation's
/// `JSONSerialization` on Linux can be one unit in the last place off, which would break the
/// canonical-form checks).
enum JSONTree: Decodable {
    case object([String: JSONTree])
    case array([JSONTree])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONTree].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONTree].self)) }
    }

    /// The value in canonical JSON (objects, arrays, strings, numbers and booleans; not null).
    var canonical: CanonicalJSON? {
        switch self {
        case let .object(o):
            var out: [String: CanonicalJSON] = [:]
            for (k, v) in o { guard let c = v.canonical else { return nil }; out[k] = c }
            return .object(out)
        case let .array(a):
            let items = a.compactMap(\.canonical)
            return items.count == a.count ? .array(items) : nil
        case let .string(s): return .string(s)
        case let .number(x): return x.isFinite ? .number(x) : nil
        case let .bool(b): return .bool(b)
        case .null: return nil
        }
    }
}
