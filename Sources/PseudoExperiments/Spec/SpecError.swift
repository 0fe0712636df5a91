import Foundation

/// Why a challenge spec was refused.
///
/// Two kinds are kept apart (as pyhf keeps `InvalidSpecification` apart from `InvalidModel`):
/// a document that **does not match the schema** (not JSON, a missing or unknown key, a wrong
/// type, an unknown version: what `datasets-spec/schemas` rejects), and a document that matches
/// it but **makes no sense** (a negative width, an empty mu range, a clip range that excludes
/// the prior's centre, ...). Every case names the source and the field path, e.g.
/// `nuisances[2].prior.sigma`, and says what to do.
public enum SpecError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The two kinds of refusal.
    public enum Kind: Sendable { case schema, meaning }

    /// The source could not be read.
    case unreadable(source: String, reason: String)
    /// The document states a schema version this build does not read.
    case unsupportedVersion(source: String, found: String, supported: [String])
    /// The document does not match the schema (structure, keys, types).
    case doesNotMatchSchema(source: String, path: String, problem: String)
    /// The document matches the schema but a value makes no sense.
    case makesNoSense(source: String, path: String, problem: String)
    /// No built-in spec has this name.
    case unknownBuiltin(name: String, available: [String])

    /// Which kind of refusal this is (reading failures count as schema failures).
    public var kind: Kind {
        if case .makesNoSense = self { return .meaning }
        return .schema
    }

    /// The field path the error is about ("" for the whole document).
    public var path: String {
        switch self {
        case let .doesNotMatchSchema(_, path, _), let .makesNoSense(_, path, _): return path
        case .unsupportedVersion: return "schema_version"
        default: return ""
        }
    }

    public var description: String {
        switch self {
        case let .unreadable(source, reason):
            return "Could not read challenge spec '\(source)': \(reason). Check the path, or name a built-in spec (\(ChallengeSpec.builtinNames.joined(separator: ", ")))."
        case let .unsupportedVersion(source, found, supported):
            return "Challenge spec '\(source)' states schema_version \"\(found)\", but this build reads \(supported.map { "\"\($0)\"" }.joined(separator: ", ")) only. Convert the document to a supported version or use a matching bench build."
        case let .doesNotMatchSchema(source, path, problem):
            return "Challenge spec '\(source)' does not match its schema at \(path.isEmpty ? "the top level" : "'\(path)'"): \(problem). Fix the document (datasets-spec/schemas/<its schema_version>/challenge.json describes every field)."
        case let .makesNoSense(source, path, problem):
            return "Challenge spec '\(source)' is well-formed but makes no sense at '\(path)': \(problem)."
        case let .unknownBuiltin(name, available):
            return "There is no built-in challenge spec named '\(name)'. Use one of \(available.joined(separator: ", ")), or give the path of a spec file."
        }
    }

    public var errorDescription: String? { description }
}
