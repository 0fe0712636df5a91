import Foundation

/// The finished results of a ``TrainingArtifacts``, encoded: what `bench evaluate --save-fit`
/// saves of a built-in's fit (beside its record) so that every shard preloads it instead of
/// training again.
///
/// Each entry is one result under its key, as ``TrainingArtifacts`` stores it: the step (the
/// value's type name, then the step's description), the generator state the step started from
/// and the one it left, and the value's bytes. Values stay encoded until a fit asks for them,
/// as the type the key names.
///
/// Encoding: the file is a little binary container (below); each value is JSON, whose
/// numbers Swift writes as the shortest text that reads back as the same `Double` or `Float`:
/// every finite value, -0 and the subnormals round-trip bit for bit, infinities as the strings
/// `+inf`/`-inf` and NaN as `nan` (its payload bits are not kept; no computation here reads
/// them). Why not property lists for the values too: Foundation's property-list encoder writes
/// -0.0 as the integer 0 (a test caught it), and takes microseconds per number. Large arrays (a
/// pool partition's row lists, the trees' nodes) are encoded by their types as raw
/// little-endian bytes, one `Data` each (``RawArrayCoding``): 3 M numbers took seconds one by
/// one, as bytes they take milliseconds. JSON objects are written with sorted keys, so the same
/// results give the same bytes (and the same SHA-256). The container, all integers little-endian:
/// ```
/// "fair-uq-training-artifacts-v1\n"   the format line
/// u32 entries, then per entry:
///     u32 n, n bytes of UTF-8          the step
///     4 x u64, 4 x u64                 the generator state before and after
///     u64 m, m bytes                   the value
/// ```
///
/// What it holds is training-side only: results computed from the training context (the
/// training pool, the spec redacted for estimators, the training generator, which every fit is
/// given anyway). Nothing of an evaluation set, truth, or seed other than the fit's own
/// generator states goes into a ``TrainingArtifacts``.
public struct TrainingArtifactsSnapshot: Sendable, Equatable {
    public static let currentFormat = "fair-uq-training-artifacts-v1"

    public struct Entry: Sendable, Equatable {
        /// The key's step: `<type name>|<step description>`.
        public var step: String
        /// The generator state the step started from (the rest of the key)...
        public var generator: SeededGenerator
        /// ...and the state it left.
        public var after: SeededGenerator
        /// The value, JSON (a one-element array holding it).
        public var value: Data
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The snapshot as file bytes.
    public func encoded() throws -> Data {
        var out = Data(Self.currentFormat.utf8 + [0x0a])
        func append<I: FixedWidthInteger>(_ value: I) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        append(UInt32(entries.count))
        for entry in entries {
            let step = Array(entry.step.utf8)
            append(UInt32(step.count))
            out.append(contentsOf: step)
            for word in entry.generator.stateWords + entry.after.stateWords { append(word) }
            append(UInt64(entry.value.count))
            out.append(entry.value)
        }
        return out
    }

    /// A snapshot read from file bytes.
    ///
    /// - Throws: ``TrainingArtifactsError/undecodableSnapshot(reason:)`` for bytes that are not
    ///   a snapshot, or one of another format.
    public init(decoding data: Data) throws {
        let bytes = [UInt8](data)
        var position = 0
        func fail(_ reason: String) -> TrainingArtifactsError { .undecodableSnapshot(reason: reason) }
        let header = Array(Self.currentFormat.utf8) + [0x0a]
        guard bytes.starts(with: header) else {
            let line = bytes.prefix(80).split(separator: 0x0a).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw fail("it does not begin with the format line \(Self.currentFormat) (it begins "
                + "\(TerminalText.quoted(line, limit: 60)))")
        }
        position = header.count
        func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - position >= count else {
                throw fail("it ends inside \(what) (at byte \(position) of \(bytes.count))")
            }
            defer { position += count }
            return bytes[position..<position + count]
        }
        func integer<I: FixedWidthInteger>(_: I.Type, _ what: String) throws -> I {
            try take(MemoryLayout<I>.size, what).reversed().reduce(I(0)) { $0 << 8 | I($1) }
        }
        func generator(_ what: String) throws -> SeededGenerator {
            let w = try (0..<4).map { _ in try integer(UInt64.self, what) }
            guard w.contains(where: { $0 != 0 }) else { throw fail("\(what) is the all-zero state") }
            return SeededGenerator(state: w[0], w[1], w[2], w[3])
        }
        let count = try integer(UInt32.self, "the entry count")
        var entries: [Entry] = []
        for i in 0..<Int(count) {
            let length = try integer(UInt32.self, "entry \(i)")
            guard let step = String(validating: try take(Int(length), "the step of entry \(i)"), as: UTF8.self) else {
                throw fail("the step of entry \(i) is not UTF-8")
            }
            let before = try generator("the generator state of entry \(i)")
            let after = try generator("the generator state after entry \(i)")
            let size = try integer(UInt64.self, "the value of entry \(i)")
            guard size <= UInt64(bytes.count) else { throw fail("the value of entry \(i) claims \(size) bytes") }
            entries.append(Entry(step: step, generator: before, after: after, value: Data(try take(Int(size), "the value of entry \(i)"))))
        }
        guard position == bytes.count else { throw fail("\(bytes.count - position) bytes follow the last entry") }
        self.init(entries: entries)
    }

    /// A value's bytes: JSON of the value in a one-element array (every value, also a bare
    /// number or string, is then a JSON document).
    static func encode(_ value: any Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return try encoder.encode(Boxed(value: value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return try decoder.decode(Unboxed<T>.self, from: data).value
    }

    private struct Boxed: Encodable {
        let value: any Encodable
        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(value)
        }
    }

    private struct Unboxed<T: Decodable>: Decodable {
        let value: T
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            value = try container.decode(T.self)
            guard container.isAtEnd else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "more than one value"))
            }
        }
    }

}

/// Why saved training results cannot be used.
public enum TrainingArtifactsError: Error, CustomStringConvertible, Equatable {
    /// The bytes are not a snapshot of this harness.
    case undecodableSnapshot(reason: String)
    /// A preloaded value does not decode as the type its key names.
    case undecodableValue(step: String, reason: String)
    /// A value could not be encoded (a type whose encoding throws).
    case unencodableValue(step: String, reason: String)

    public var description: String {
        switch self {
        case let .undecodableSnapshot(reason):
            return "the saved training results cannot be read: \(reason)"
        case let .undecodableValue(step, reason):
            return "the saved training result of \(TerminalText.quoted(step)) cannot be decoded: \(reason)"
        case let .unencodableValue(step, reason):
            return "the training result of \(TerminalText.quoted(step)) cannot be saved: \(reason)"
        }
    }
}
