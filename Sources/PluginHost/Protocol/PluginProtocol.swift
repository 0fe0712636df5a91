import Foundation
import PseudoExperiments

/// The plugin protocol, host side: constants and the messages the host sends.
///
/// Version 1 is specified in `datasets-spec/plugin-protocol-v1.md`; version 2
/// (`plugin-protocol-v2.md`) adds one request, `transform_events`: the plugin sends rows of its
/// own and gets them back through the harness's systematics transform, while fitting and while
/// estimating. The host speaks both; the plugin's `hello` picks one. In short: JSON lines on the plugin's
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
    /// The newest protocol version this harness speaks.
    public static let version = 2
    /// Every version this harness speaks (a plugin names one in its `hello`).
    public static let supportedVersions: ClosedRange<Int> = 1...2
    /// The longest line either side may write (the spec in a `fit` message is a few kB).
    public static let maximumLineBytes = 1 << 20

    /// A file reference in messages: `{"path": "...", "rows": N}`.
    struct FileReference: Encodable {
        var path: String
        var rows: Int
    }

    /// `protocol` is the version the plugin chose in its `hello`; `requests_dir` (version 2) is
    /// the directory where the plugin writes the event files of its `transform_events` requests.
    struct Fit: Encodable {
        let type = "fit"
        var `protocol`: Int
        var features: [String]
        var training: FileReference
        var modelDir: String
        var seed: UInt64
        var requestsDir: String?

        enum CodingKeys: String, CodingKey {
            case type, `protocol`, features, training, seed
            case modelDir = "model_dir"
            case requestsDir = "requests_dir"
        }
    }

    struct Load: Encodable {
        let type = "load"
        var `protocol`: Int
        var features: [String]
        var modelDir: String
        var requestsDir: String?

        enum CodingKeys: String, CodingKey {
            case type, `protocol`, features
            case modelDir = "model_dir"
            case requestsDir = "requests_dir"
        }
    }

    /// The reply to a `transform_events` request (version 2): the surviving rows' features and,
    /// for each, its 0-based row in the request's file (`source_rows`: little-endian u32).
    struct TransformedEvents: Encodable {
        let type = "transformed_events"
        var id: Int
        var events: FileReference
        var sourceRows: FileReference

        enum CodingKeys: String, CodingKey {
            case type, id, events
            case sourceRows = "source_rows"
        }
    }

    struct Transformed: Encodable {
        let type = "transformed"
        var id: Int
        var events: FileReference
    }

    /// The host's answer to a request it cannot serve (version 2): the plugin carries on.
    struct RequestError: Encodable {
        let type = "error"
        var id: Int
        var message: String
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
