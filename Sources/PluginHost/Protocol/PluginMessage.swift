import Foundation
import PseudoExperiments

/// A message from a plugin, decoded from one line of its stdout.
///
/// Every message is a JSON object with a string `type`; the other keys depend on the type, and
/// keys a type does not use are ignored (so plugins may add diagnostics). Numbers may be written
/// `NaN`, `Infinity` or `-Infinity`, as Python's `json` module does, so that a non-finite result
/// is reported as such instead of as an unreadable line.
struct PluginMessage: Decodable {
    var type: String
    var `protocol`: ProtocolVersion?
    var name: String?
    var version: String?
    var id: Int?
    var message: String?
    // transform
    var nuisances: [String: Double]?
    var applyCuts: Bool?
    var seed: UInt64?
    // transform_events (version 2)
    var events: FileReference?
    // estimate
    var p16: Double?
    var p84: Double?
    var muHat: Double?
    var deltaMuHat: Double?
    var p2_5: Double?
    var p97_5: Double?
    /// Version 2: central intervals at further confidence levels.
    var intervals: LevelEntries?

    enum CodingKeys: String, CodingKey {
        case type, `protocol`, name, version, id, message, nuisances, seed, events, p16, p84, intervals
        case applyCuts = "apply_cuts"
        case muHat = "mu_hat"
        case deltaMuHat = "delta_mu_hat"
        case p2_5 = "p2_5"
        case p97_5 = "p97_5"
    }

    /// One entry of an estimate's `intervals` (version 2): `{"level": 0.95, "lower": .., "upper": ..}`.
    /// Keys are optional here so that a missing one is reported by name, not as a decoding error.
    struct LevelEntry: Decodable {
        var level: Double?
        var lower: Double?
        var upper: Double?
    }

    /// An estimate's `intervals` as sent: a version-1 plugin may use the key for anything (keys
    /// it does not define are ignored), so a value of another shape is kept as malformed, and
    /// refused only from a version-2 plugin.
    enum LevelEntries: Decodable {
        case entries([LevelEntry])
        case malformed

        init(from decoder: Decoder) throws {
            self = (try? decoder.singleValueContainer().decode([LevelEntry].self)).map { .entries($0) } ?? .malformed
        }
    }

    /// A file named in a message: `{"path": "...", "rows": N}`.
    struct FileReference: Decodable {
        var path: String
        var rows: Int
    }

    /// A protocol version as sent: a number normally, anything else shown as it came.
    enum ProtocolVersion: Decodable, Equatable {
        case number(Double)
        case other(String)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Double.self) { self = .number(v) }
            else if let s = try? c.decode(String.self) { self = .other("\"\(s)\"") }
            else { self = .other("a non-number") }
        }

        var text: String {
            switch self {
            case let .number(v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
            case let .other(s): return s
            }
        }
    }

    /// Decodes one line; throws ``PluginError/notAMessage(phase:firstBytes:stderr:)`` when the
    /// line is not a JSON object with a string `type`, and ``PluginError/malformedMessage`` when
    /// a known key has the wrong type.
    static func decode(_ line: [UInt8], phase: PluginError.Phase, stderr: () -> String) throws -> PluginMessage {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true   // for NaN / Infinity
        let data = Data(line)
        guard let envelope = try? decoder.decode(Envelope.self, from: data) else {
            throw PluginError.notAMessage(phase: phase, firstBytes: PluginError.excerpt(line), stderr: stderr())
        }
        do {
            return try decoder.decode(PluginMessage.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw PluginError.malformedMessage(phase: phase, type: envelope.type,
                                               detail: "field \"\(key)\" has the wrong type")
        } catch {
            throw PluginError.malformedMessage(phase: phase, type: envelope.type, detail: "\(error)")
        }
    }

    /// What every message has: an object with a string `type`.
    private struct Envelope: Decodable {
        var type: String
    }

    /// A short description for messages: `a "fitted" message`.
    var summary: String { "a \"\(type)\" message" }
}
