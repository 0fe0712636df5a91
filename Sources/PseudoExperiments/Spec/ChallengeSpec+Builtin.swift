import Foundation

extension ChallengeSpec {
    /// Names of the built-in specs (the files of `datasets-spec/challenges/`), sorted.
    public static var builtinNames: [String] { builtinDocuments.map(\.name) }

    /// The document of built-in spec `name`, byte for byte as in `datasets-spec/challenges/`.
    ///
    /// The documents are compiled into the binary (see `BuiltinChallengeSpecs.swift`, generated
    /// by `scripts/generate_builtin_specs.py`), so a `bench` copied anywhere has them.
    public static func builtinDocument(named name: String) -> Data? {
        builtinDocuments.first { $0.name == name }.map { Data(($0.text + "\n").utf8) }
    }

    /// The built-in spec `name`, decoded and checked.
    public static func builtin(named name: String) throws -> ChallengeSpec {
        guard let document = builtinDocument(named: name) else {
            throw SpecError.unknownBuiltin(name: name, available: builtinNames)
        }
        return try decode(document, source: "builtin:\(name)")
    }

    /// A spec named on a command line: a built-in name, or else the path of a spec file.
    public static func resolve(_ nameOrPath: String) throws -> ChallengeSpec {
        if builtinNames.contains(nameOrPath) { return try builtin(named: nameOrPath) }
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".json")
        guard looksLikePath || FileManager.default.fileExists(atPath: nameOrPath) else {
            throw SpecError.unknownBuiltin(name: nameOrPath, available: builtinNames)
        }
        return try load(from: URL(fileURLWithPath: nameOrPath))
    }
}
