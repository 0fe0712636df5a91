import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serves the plugin protocol for an estimator: call ``run(_:)`` from `main.swift`.
public enum Plugin {
    /// The protocol version this client speaks: 2 (`datasets-spec/plugin-protocol-v2.md`), for
    /// the `intervals` of an estimate; the fit's `transform` requests are version 1's, and the
    /// version-2 `transform_events` request is not offered by this client.
    public static let protocolVersion = 2

    /// Says hello, then answers `fit`, `load` and `estimate` messages until the harness sends
    /// `shutdown` or closes stdin; then exits. Errors thrown by the estimator are reported to the
    /// harness with their description (the pseudo-experiment fails, the plugin carries on).
    /// Anything printed goes to stderr, the plugin's log.
    public static func run<E: PluginEstimator>(_ type: E.Type) -> Never {
        let channel = Channel()
        channel.send("{\"type\":\"hello\",\"protocol\":\(protocolVersion),\"name\":\(Channel.string(E.name)),\"version\":\(Channel.string(E.version))}")
        var estimator: E?
        while let message = channel.receive() {
            do {
                switch message.type {
                case "fit":
                    guard let training = message.training, let modelDir = message.modelDir, let spec = message.spec else {
                        throw PluginFailure("the fit message lacks training, model_dir or spec")
                    }
                    var context = FitContext(
                        spec: try JSONDecoder().decode(ChallengeDocument.self, from: spec.data),
                        specJSON: spec.data, features: message.features ?? EventFile.features,
                        training: try channel.openEvents(training.path, rows: training.rows),
                        modelDirectory: URL(fileURLWithPath: modelDir), seed: message.seed ?? 0, channel: channel)
                    try E.fit(&context)
                    channel.send("{\"type\":\"fitted\"}")
                case "load":
                    guard let modelDir = message.modelDir, let spec = message.spec else {
                        throw PluginFailure("the load message lacks model_dir or spec")
                    }
                    estimator = try E(loading: URL(fileURLWithPath: modelDir),
                                      spec: try JSONDecoder().decode(ChallengeDocument.self, from: spec.data))
                    channel.send("{\"type\":\"ready\"}")
                case "estimate":
                    guard let id = message.id, let events = message.events else {
                        throw PluginFailure("the estimate message lacks id or events")
                    }
                    guard let estimator else { throw PluginFailure("estimate before load") }
                    let file = try channel.openEvents(events.path, rows: events.rows)
                    let result = try estimator.estimate(file, seed: message.seed ?? 0)
                    channel.send(reply(result, id: id))
                case "shutdown":
                    exit(0)
                default:
                    throw PluginFailure("this client does not know the message type \"\(message.type)\"")
                }
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                var fields = ["\"type\":\"error\"", "\"message\":\(Channel.string("\(error)"))"]
                if message.type == "estimate", let id = message.id { fields.append("\"id\":\(id)") }
                channel.send("{" + fields.joined(separator: ",") + "}")
            }
        }
        exit(0)
    }

    static func reply(_ e: PluginEstimate, id: Int) -> String {
        var fields = ["\"type\":\"estimate\"", "\"id\":\(id)", "\"p16\":\(Channel.number(e.p16))", "\"p84\":\(Channel.number(e.p84))"]
        if let v = e.muHat { fields.append("\"mu_hat\":\(Channel.number(v))") }
        if let v = e.deltaMuHat { fields.append("\"delta_mu_hat\":\(Channel.number(v))") }
        if let v = e.p2_5 { fields.append("\"p2_5\":\(Channel.number(v))") }
        if let v = e.p97_5 { fields.append("\"p97_5\":\(Channel.number(v))") }
        if !e.intervals.isEmpty {
            let items = e.intervals.map {
                "{\"level\":\(Channel.number($0.level)),\"lower\":\(Channel.number($0.lower)),\"upper\":\(Channel.number($0.upper))}"
            }
            fields.append("\"intervals\":[" + items.joined(separator: ",") + "]")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// Protocol lines on the real stdout and stdin; stdout itself is pointed at stderr, so that a
/// stray print cannot corrupt the protocol.
final class Channel {
    private let out: Int32
    private var mappings: [String: EventFile.Mapping] = [:]

    init() {
        out = dup(1)
        dup2(2, 1)
    }

    func send(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(out, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { exit(1) }   // the harness is gone
            offset += n
        }
    }

    func receive() -> Message? {
        guard let line = readLine(strippingNewline: true) else { return nil }
        do {
            return try JSONDecoder().decode(Message.self, from: Data(line.utf8))
        } catch {
            FileHandle.standardError.write(Data("cannot read a message from the harness: \(error)\n".utf8))
            return Message(type: "unreadable")
        }
    }

    func request(_ line: String, id: Int, expecting type: String) throws -> Message {
        send(line)
        guard let reply = receive() else { throw PluginFailure("the harness closed the connection") }
        if reply.type == "error" { throw PluginFailure(reply.message ?? "the harness refused the request") }
        guard reply.type == type, reply.id == id else {
            throw PluginFailure("expected a \(type) reply to request \(id), got \(reply.type)")
        }
        return reply
    }

    func openEvents(_ path: String, rows: Int) throws -> EventFile {
        try EventFile.open(path, rows: rows, cache: &mappings)
    }

    func forget(_ path: String) { mappings[path] = nil }

    /// A JSON number; NaN and infinities as the tokens NaN, Infinity, -Infinity (as Python's json
    /// writes them), which the harness reads and rejects with a clear reason.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        return "\(x)"
    }

    static func string(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// A message from the harness (fields of every type; each type uses some).
    struct Message: Decodable {
        var type: String
        var id: Int?
        var message: String?
        var seed: UInt64?
        var features: [String]?
        var modelDir: String?
        var training: FileReference?
        var events: FileReference?
        var spec: RawJSON?

        init(type: String) { self.type = type }

        enum CodingKeys: String, CodingKey {
            case type, id, message, seed, features, training, events, spec
            case modelDir = "model_dir"
        }
    }

    struct FileReference: Decodable {
        var path: String
        var rows: Int
    }

    /// A JSON value kept as its bytes (re-encoded), for the spec.
    struct RawJSON: Decodable {
        var data: Data

        init(from decoder: Decoder) throws {
            data = try JSONEncoder().encode(try JSONAny(from: decoder))
        }
    }
}

/// Any JSON value, to pass the spec through.
private enum JSONAny: Codable {
    case null, bool(Bool), number(Double), string(String), array([JSONAny]), object([String: JSONAny])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONAny].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONAny].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .number(n): try c.encode(n)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }
}
