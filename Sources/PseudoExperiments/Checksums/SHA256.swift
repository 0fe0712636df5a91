import Crypto
import Foundation

/// SHA-256 (FIPS 180-4), incremental: the content hash of challenge specs and of the files of a
/// set directory, recorded in manifests, and the commitment of a sealed set.
///
/// A thin wrapper over swift-crypto's `Crypto.SHA256` (BoringSSL's implementation on Linux), kept
/// so the rest of the package sees one small surface: ``Digest`` with its ``Digest/bytes`` and
/// ``Digest/hex``, ``update(_:)`` in pieces, and a ``finalize()`` that leaves the hasher usable.
/// Checked against the FIPS 180-4 example vectors (including one million `a`) and against
/// streaming in pieces of every size.
///
/// ```swift
/// let digest = SHA256.hash(Data("abc".utf8))   // ba7816bf...f20015ad
/// ```
// @unchecked: Crypto.SHA256 is a copy-on-write value (its BoringSSL context is copied before a
// shared one is updated), as safe to send as an Array, but not declared Sendable.
public struct SHA256: @unchecked Sendable {
    /// A 32-byte SHA-256 digest.
    public struct Digest: Hashable, Sendable, CustomStringConvertible {
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) { self.bytes = bytes }

        /// Lower-case hexadecimal, 64 characters.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var out = [UInt8]()
            out.reserveCapacity(2 * bytes.count)
            for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
            return String(decoding: out, as: UTF8.self)
        }

        public var description: String { hex }
    }

    /// Why a file could not be hashed.
    public struct FileError: Error, CustomStringConvertible, LocalizedError {
        public var file: String
        public var reason: String
        public var description: String {
            "Could not read '\(file)' to compute its SHA-256: \(reason). Check that the file exists and is readable."
        }
        public var errorDescription: String? { description }
    }

    private var hasher = Crypto.SHA256()

    public init() {}

    /// Feeds more message bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// Feeds more message bytes.
    public mutating func update<Bytes: DataProtocol>(_ data: Bytes) {
        hasher.update(data: data)
    }

    /// The digest of everything fed so far (finalises a copy; the hasher can keep going).
    public func finalize() -> Digest {
        let copy = hasher
        return Digest(bytes: Array(copy.finalize()))
    }

    /// The digest of `data`.
    public static func hash<Bytes: DataProtocol>(_ data: Bytes) -> Digest {
        Digest(bytes: Array(Crypto.SHA256.hash(data: data)))
    }

    /// The digest of the file at `url`, read in 1 MiB pieces.
    public static func hash(fileAt url: URL) throws -> Digest {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw FileError(file: url.path, reason: (error as NSError).localizedDescription)
        }
        defer { try? handle.close() }
        var h = SHA256()
        while true {
            let piece: Data?
            do { piece = try handle.read(upToCount: 1 << 20) } catch {
                throw FileError(file: url.path, reason: (error as NSError).localizedDescription)
            }
            guard let piece, !piece.isEmpty else { break }
            h.update(piece)
        }
        return h.finalize()
    }
}
