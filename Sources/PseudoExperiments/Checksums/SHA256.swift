import Foundation

/// SHA-256 (FIPS 180-4, section 6.2), incremental: the content hash of challenge specs and of
/// the files of a set directory, recorded in manifests.
///
/// Our own small implementation because the project takes no crypto package; it is checked
/// against the FIPS 180-4 example vectors (including one million `a`) and against streaming in
/// pieces of every size. It is a content fingerprint here, not a defence against an adversary
/// who controls both the file and the manifest.
///
/// For each 512-bit block, with `W_t` the message schedule and `K_t` the 64 round constants:
/// ```
/// W_t = M_t                                                          0 <= t <= 15
/// W_t = s1(W_{t-2}) + W_{t-7} + s0(W_{t-15}) + W_{t-16}            16 <= t <= 63
/// s0(x) = ROTR7(x) ^ ROTR18(x) ^ SHR3(x)      s1(x) = ROTR17(x) ^ ROTR19(x) ^ SHR10(x)
/// T1 = h + S1(e) + Ch(e, f, g) + K_t + W_t    T2 = S0(a) + Maj(a, b, c)
/// S0(x) = ROTR2(x) ^ ROTR13(x) ^ ROTR22(x)    S1(x) = ROTR6(x) ^ ROTR11(x) ^ ROTR25(x)
/// Ch(x, y, z) = (x & y) ^ (~x & z)            Maj(x, y, z) = (x & y) ^ (x & z) ^ (y & z)
/// h = g; g = f; f = e; e = d + T1; d = c; c = b; b = a; a = T1 + T2
/// ```
/// all additions modulo 2^32; then `H_i += a...h`. The message is padded with one 1 bit, zeros
/// to 448 mod 512 bits, and its bit length as a big-endian 64-bit integer.
///
/// ```swift
/// let digest = SHA256.hash(Data("abc".utf8))   // ba7816bf...f20015ad
/// ```
public struct SHA256: Sendable {
    /// A 32-byte SHA-256 digest.
    public struct Digest: Hashable, Sendable, CustomStringConvertible {
        public let bytes: [UInt8]

        /// Lower-case hexadecimal, 64 characters.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var out = [UInt8]()
            out.reserveCapacity(64)
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

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19)
    /// Bytes of an incomplete block.
    private var buffer = [UInt8]()
    /// Message length so far, in bytes.
    private var length: UInt64 = 0

    public init() { buffer.reserveCapacity(64) }

    /// Feeds more message bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, bytes.count)
            buffer.append(contentsOf: bytes[0..<take])
            start = take
            guard buffer.count == 64 else { return }
            buffer.withUnsafeBytes { compress($0.baseAddress!) }
            buffer.removeAll(keepingCapacity: true)
        }
        guard let base = bytes.baseAddress else { return }
        while bytes.count - start >= 64 {
            compress(base + start)
            start += 64
        }
        buffer.append(contentsOf: bytes[start...])
    }

    /// Feeds more message bytes.
    public mutating func update<Bytes: DataProtocol>(_ data: Bytes) {
        for region in data.regions { region.withUnsafeBytes { update($0) } }
    }

    /// The digest of everything fed so far (pads a copy; the hasher can keep going).
    public func finalize() -> Digest {
        var copy = self
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        let padZeros = (55 &- Int(length % 64) + 64) % 64
        tail.append(contentsOf: repeatElement(0, count: padZeros))
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        tail.withUnsafeBytes { copy.update($0) }
        precondition(copy.buffer.isEmpty, "SHA-256 padding left \(copy.buffer.count) bytes")
        let s = copy.state
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7] {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return Digest(bytes: out)
    }

    /// The digest of `data`.
    public static func hash<Bytes: DataProtocol>(_ data: Bytes) -> Digest {
        var h = SHA256()
        h.update(data)
        return h.finalize()
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

    private static let k: [UInt32] = [
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One 64-byte block into the state.
    private mutating func compress(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 {
                let p = block + 4 * t
                w[t] = UInt32(p.load(fromByteOffset: 0, as: UInt8.self)) << 24
                    | UInt32(p.load(fromByteOffset: 1, as: UInt8.self)) << 16
                    | UInt32(p.load(fromByteOffset: 2, as: UInt8.self)) << 8
                    | UInt32(p.load(fromByteOffset: 3, as: UInt8.self))
            }
            for t in 16..<64 {
                let s0 = Self.rotr(w[t - 15], 7) ^ Self.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = Self.rotr(w[t - 2], 17) ^ Self.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = s1 &+ w[t - 7] &+ s0 &+ w[t - 16]
            }
            var (a, b, c, d, e, f, g, h) = state
            Self.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let bigS1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ bigS1 &+ ch &+ k[t] &+ w[t]
                    let bigS0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = bigS0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                     state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}
