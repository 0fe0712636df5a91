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
/// Encoding: binary property lists, the file and each value. A property list keeps `Double`s as
/// 8-byte and `Float`s as 4-byte IEEE reals, so every finite value, infinity and -0 round-trips
/// bit for bit (a NaN stays NaN; its payload bits are not kept, and no computation here reads
/// them). Foundation's encoder takes microseconds per number, so large arrays (a pool
/// partition's row lists, the trees' nodes) are encoded by their types as raw little-endian
/// bytes, one `Data` each (``RawArrayCoding``): seconds become milliseconds.
///
/// What it holds is training-side only: results computed from the training context (the
/// training pool, the spec redacted for estimators, the training generator, which every fit is
/// given anyway). Nothing of an evaluation set, truth, or seed other than the fit's own
/// generator states goes into a ``TrainingArtifacts``.
public struct TrainingArtifactsSnapshot: Codable, Sendable, Equatable {
    public static let currentFormat = "fair-uq-training-artifacts-v1"

    public struct Entry: Codable, Sendable, Equatable {
        /// The key's step: `<type name>|<step description>`.
        public var step: String
        /// The generator state the step started from (the rest of the key)...
        public var generator: SeededGenerator
        /// ...and the state it left.
        public var after: SeededGenerator
        /// The value, a binary property list.
        public var value: Data
    }

    public var format: String
    public var entries: [Entry]

    public init(entries: [Entry]) {
        format = Self.currentFormat
        self.entries = entries
    }

    /// The snapshot as file bytes.
    public func encoded() throws -> Data {
        try Self.encoder().encode(self)
    }

    /// A snapshot read from file bytes.
    ///
    /// - Throws: ``TrainingArtifactsError/undecodableSnapshot(reason:)`` for bytes that are not
    ///   a snapshot, or one of another format.
    public init(decoding data: Data) throws {
        let decoded: TrainingArtifactsSnapshot
        do {
            decoded = try Self.decoder.decode(TrainingArtifactsSnapshot.self, from: data)
        } catch {
            throw TrainingArtifactsError.undecodableSnapshot(reason: "\(error)")
        }
        guard decoded.format == Self.currentFormat else {
            throw TrainingArtifactsError.undecodableSnapshot(reason: "its format is \(decoded.format), this harness reads "
                + Self.currentFormat)
        }
        self = decoded
    }

    static func encoder() -> PropertyListEncoder {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        return encoder
    }

    static let decoder = PropertyListDecoder()
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
