import Foundation
import PseudoExperiments

/// Version 1 of the plugin protocol, host side: constants and the messages the host sends.
///
/// Specified in `datasets-spec/plugin-protocol-v1.md`. In short: JSON lines on the plugin's
/// stdin/stdout, stderr is the plugin's log. The plugin speaks first:
/// ```
/// plugin: {"type":"hello","protocol":1,"name":"cut-and-count","version":"1"}
/// host:   {"type":"fit",...}      plugin: {"type":"transform",...}*  {"type":"fitted"}
/// host:   {"type":"load",...}     plugin: {"type":"ready"}
/// host:   {"type":"estimate",...} plugin: {"type":"estimate","id":7,"p16":0.9,"p84":1.2}
/// host:   {"type":"shutdown"}     plugin exits
/// ```
/// Event data never travels as JSON: messages name memory-mappable files (``PluginEventFile``).
public enum PluginProtocol {
    /// The protocol version this harness speaks.
    public static let version = 1
    /// The longest line either side may write (the spec in a `fit` message is a few kB).
    public static let maximumLineBytes = 1 << 20

    /// A file reference in messages: `{"path": "...", "rows": N}`.
    struct FileReference: Encodable {
        var path: String
        var rows: Int
    }

    struct Fit: Encodable {
        let type = "fit"
        let `protocol` = PluginProtocol.version
        var features: [String]
        var training: FileReference
        var modelDir: String
        var seed: UInt64

        enum CodingKeys: String, CodingKey {
            case type, `protocol`, features, training, seed
            case modelDir = "model_dir"
        }
    }

    struct Load: Encodable {
        let type = "load"
        let `protocol` = PluginProtocol.version
        var features: [String]
        var modelDir: String

        enum CodingKeys: String, CodingKey {
            case type, `protocol`, features
            case modelDir = "model_dir"
        }
    }

    struct Transformed: Encodable {
        let type = "transformed"
        var id: Int
        var events: FileReference
    }

    struct Discarded: Encodable {
        let type = "discarded"
        var id: Int
    }

    struct Estimate: Encodable {
        let type = "estimate"
        var id: Int
        var events: FileReference
        var seed: UInt64
    }

    struct Shutdown: Encodable {
        let type = "shutdown"
    }

    /// One message as a line (without the `\n`), keys sorted; `spec`, if given, is spliced in
    /// as the raw canonical JSON of the challenge.
    static func line<M: Encodable>(_ message: M, spec: ChallengeSpec? = nil) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        var bytes = [UInt8]((try? encoder.encode(message)) ?? Data("{}".utf8))
        if let spec {
            // The encoded object starts with "{": insert "spec":<canonical JSON>, after it.
            let insert = Array("\"spec\":".utf8) + [UInt8](spec.estimatorCanonicalJSON()) + [UInt8(ascii: ",")]
            bytes.insert(contentsOf: insert, at: 1)
        }
        return bytes
    }

    /// The feature names in file column order.
    static var featureNames: [String] { Feature.allCases.map(\.rawValue) }
}
