/// Typed access to the fields of a JSON object read from a file, with errors that name the file
/// and the key.
struct JSONFields {
    let pairs: [(String, JSONValue)]
    let path: String

    /// The fields of `value`, which must be an object.
    init(_ value: JSONValue, path: String, what: String) throws {
        guard case .object(let pairs) = value else {
            throw InteropError.wrongType(path: path, key: "(top level)", expected: what, found: value.kind)
        }
        self.pairs = pairs
        self.path = path
    }

    func value(_ key: String) -> JSONValue? { pairs.first { $0.0 == key }?.1 }

    func required(_ key: String) throws -> JSONValue {
        guard let v = value(key) else { throw InteropError.missingKey(path: path, key: key) }
        return v
    }

    /// A list of numbers where `null` stands for a missing value.
    func numberList(_ key: String) throws -> [Double?] {
        guard case .array(let items) = try required(key) else {
            throw InteropError.wrongType(path: path, key: key, expected: "a list of numbers",
                                         found: try required(key).kind)
        }
        return try items.enumerated().map { i, item in
            switch item {
            case .number(let x): return x
            case .null: return nil
            default:
                throw InteropError.wrongType(path: path, key: "\(key)[\(i)]", expected: "a number or null",
                                             found: item.kind)
            }
        }
    }

    /// A number, nil when absent or null.
    func optionalNumber(_ key: String) throws -> Double? {
        switch value(key) {
        case nil, .null?: return nil
        case .number(let x)?: return x
        case let other?:
            throw InteropError.wrongType(path: path, key: key, expected: "a number", found: other.kind)
        }
    }

    /// A non-negative integer, nil when absent or null.
    func optionalCount(_ key: String) throws -> Int? {
        guard let x = try optionalNumber(key) else { return nil }
        guard x >= 0, x == x.rounded(), x < 1e15 else {
            throw InteropError.wrongType(path: path, key: key, expected: "a non-negative integer", found: "\(x)")
        }
        return Int(x)
    }

    /// A boolean, nil when absent or null.
    func optionalBool(_ key: String) throws -> Bool? {
        switch value(key) {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?:
            throw InteropError.wrongType(path: path, key: key, expected: "true or false", found: other.kind)
        }
    }
}
