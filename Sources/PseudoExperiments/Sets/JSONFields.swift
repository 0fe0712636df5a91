import Foundation

/// Reads the fields of a JSON object of one of the set files (manifest, index, truths), with
/// errors that name the file and the field, and refuses keys the format does not have.
struct JSONFields {
    let object: [String: JSONTree]
    let file: String
    let path: String

    /// The top-level object of `data`.
    init(_ data: Data, file: String) throws {
        let value: JSONTree
        do { value = try JSONDecoder().decode(JSONTree.self, from: data) } catch {
            throw SetError.badFile(file: file, field: "", problem: "it is not valid JSON")
        }
        guard case let .object(object) = value else {
            throw SetError.badFile(file: file, field: "", problem: "it is not a JSON object")
        }
        self.init(object: object, file: file, path: "")
    }

    init(object: [String: JSONTree], file: String, path: String) {
        self.object = object
        self.file = file
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ problem: String) -> SetError {
        .badFile(file: file, field: name(key), problem: problem)
    }

    /// Refuses any key outside `allowed`.
    func onlyKeys(_ allowed: Set<String>) throws {
        if let unknown = object.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw fail(unknown, "this key is not part of the format (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func has(_ key: String) -> Bool {
        if case .some(.null) = object[key] { return false }
        return object[key] != nil
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key] else { throw fail(key, "the required field is missing") }
        guard case let .string(s) = value else { throw fail(key, "expected a string") }
        return s
    }

    func number(_ key: String) throws -> Double {
        guard let value = object[key] else { throw fail(key, "the required field is missing") }
        guard case let .number(x) = value else { throw fail(key, "expected a number") }
        return x
    }

    /// A whole number in `range`.
    func integer(_ key: String, in range: ClosedRange<Int64> = 0...ChallengeSpec.maximumJSONSeed) throws -> Int64 {
        let x = try number(key)
        guard x == x.rounded(), abs(x) < 0x1p53, range.contains(Int64(x)) else {
            throw fail(key, "expected a whole number in \(range.lowerBound)...\(range.upperBound), got \(x)")
        }
        return Int64(x)
    }

    func object(_ key: String) throws -> JSONFields {
        guard let value = object[key] else { throw fail(key, "the required field is missing") }
        guard case let .object(o) = value else { throw fail(key, "expected an object") }
        return JSONFields(object: o, file: file, path: name(key))
    }

    func array(_ key: String) throws -> [JSONTree] {
        guard let value = object[key] else { throw fail(key, "the required field is missing") }
        guard case let .array(a) = value else { throw fail(key, "expected an array") }
        return a
    }

    /// The objects of an array field.
    func objects(_ key: String) throws -> [JSONFields] {
        try array(key).enumerated().map { i, element in
            guard case let .object(o) = element else { throw fail("\(key)[\(i)]", "expected an object") }
            return JSONFields(object: o, file: file, path: "\(name(key))[\(i)]")
        }
    }

    /// An object field as JSON bytes (canonical form), to hand to another decoder.
    func rawObject(_ key: String) throws -> Data {
        let o = try object(key)
        guard let canonical = JSONTree.object(o.object).canonical else {
            throw fail(key, "holds null or a non-finite number, which this format never uses")
        }
        return canonical.bytes
    }

    /// A number per process (all four required, no other key).
    func perProcess(_ key: String) throws -> [PhysicsProcess: Double] {
        let o = try object(key)
        try o.onlyKeys(Set(PhysicsProcess.allCases.map(\.rawValue)))
        var out: [PhysicsProcess: Double] = [:]
        for p in PhysicsProcess.allCases { out[p] = try o.number(p.rawValue) }
        return out
    }

    /// A whole number per process.
    func perProcessCount(_ key: String) throws -> [PhysicsProcess: Int] {
        let o = try object(key)
        try o.onlyKeys(Set(PhysicsProcess.allCases.map(\.rawValue)))
        var out: [PhysicsProcess: Int] = [:]
        for p in PhysicsProcess.allCases { out[p] = Int(try o.integer(p.rawValue)) }
        return out
    }
}

extension CanonicalJSON {
    /// A number per process, keyed by process name.
    static func perProcess(_ values: [PhysicsProcess: Double]) -> CanonicalJSON {
        .object(Dictionary(uniqueKeysWithValues: PhysicsProcess.allCases.map { ($0.rawValue, .number(values[$0] ?? 0)) }))
    }

    /// A whole number per process, keyed by process name.
    static func perProcess(_ values: [PhysicsProcess: Int]) -> CanonicalJSON {
        perProcess(values.mapValues(Double.init))
    }

    /// The canonical bytes of a value.
    var bytes: Data {
        var out = [UInt8]()
        CanonicalJSON.write(self, to: &out)
        return Data(out)
    }
}
