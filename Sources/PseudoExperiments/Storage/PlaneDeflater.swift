import CZlib
import Foundation

/// Writes the zlib stream of a pool column (its byte planes one after the other) with one
/// deflate block per plane, about five times faster than zlib's level 1 on such data.
///
/// A byte plane of physics values is either near-random (low mantissa bytes), skewed (exponent
/// bytes, small integers) or made of long runs (constants, -25 markers). zlib spends ~9 ns per
/// byte on all of them, in its match finder and per-symbol bookkeeping. Here each plane becomes:
/// - ``Mode/stored``: deflate "stored" blocks, when its byte entropy exceeds
///   ``PoolBlockCodec/storedEntropyThreshold`` (coding could save less than 1/8 of it);
/// - ``Mode/literals``: one dynamic-Huffman block coding each byte (Huffman coding cannot beat
///   the byte entropy, and zlib's level 1 comes within a few percent of it on such planes);
/// - ``Mode/runs``: the same with each run of 3 to 258 repeats of the previous byte coded as a
///   match at distance 1 (deflate's run-length coding), when most bytes repeat their
///   predecessor.
/// The code lengths come from the byte histogram (Moffat-Katajainen minimum-redundancy lengths,
/// limited to 15 bits as in zlib and miniz), so a plane is read once to count it and once to
/// code it. Block sizes are known before coding, and a plane whose block would not be smaller
/// than storing it is stored, so a stream is at most ~5 bytes per 64 KiB larger than its input.
/// The output is a standard zlib stream (RFC 1950/1951) that any inflater reads, and the same
/// input gives the same bytes on every platform (it does not depend on the zlib version).
enum PlaneDeflater {
    /// How one plane is coded.
    enum Mode: Sendable, Equatable {
        case stored, literals, runs
    }

    /// The fraction of bytes equal to their predecessor above which a plane is coded with runs.
    static let runsThreshold = 0.8

    /// The zlib stream of `input`, cut into consecutive planes of `planes[k].count` bytes, each
    /// coded as `planes[k].mode` says, or as its statistics suggest when the mode is nil.
    static func deflate(_ input: UnsafeRawBufferPointer, planes: [(count: Int, mode: Mode?)]) -> [UInt8] {
        precondition(planes.reduce(0) { $0 + $1.count } == input.count,
                     "planes cover \(planes.reduce(0) { $0 + $1.count }) of \(input.count) bytes")
        let base = input.bindMemory(to: UInt8.self).baseAddress
        var codes: [PlaneCode] = []
        var offset = 0
        for plane in planes {
            codes.append(PlaneCode(UnsafeBufferPointer(start: base.map { $0 + offset }, count: plane.count), mode: plane.mode))
            offset += plane.count
        }
        // zlib header (2) + blocks + Adler-32 (4), and 8 bytes of slack: the coding loops store
        // 8 bytes at a time.
        let capacity = 2 + codes.reduce(0) { $0 + $1.maximumBytes } + 4 + 16
        var written = 0
        let out = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var writer = BitWriter(buffer.baseAddress!)
            writer.writeBytes([0x78, 0x01])   // CMF: deflate, 32 KiB window; FLG: fastest level, check bits
            if codes.isEmpty {
                PlaneCode.writeStored(UnsafeBufferPointer(start: nil, count: 0), final: true, &writer)
            }
            for (i, code) in codes.enumerated() { code.write(final: i == codes.count - 1, &writer) }
            writer.alignToByte()
            // The stream's Adler-32 from the planes' (zlib's combination: no second pass).
            var adler: UInt32 = 1
            for code in codes {
                adler = UInt32(truncatingIfNeeded: adler32_combine(uLong(adler), uLong(code.adler), off_t(code.bytes.count)))
            }
            writer.writeBytes([UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF),
                               UInt8(adler & 0xFF)])
            written = writer.position
            initialized = writer.position   // the bytes past it were scratch for the 8-byte stores
        }
        precondition(written <= capacity - 8, "deflate wrote \(written) bytes into \(capacity)")
        return out
    }

    /// What one pass over a plane learns: its byte histogram, how many bytes equal their
    /// predecessor, and its Adler-32 (the zlib stream's check value, combined over the planes).
    struct Statistics {
        var histogram: [Int]
        var repeats: Int
        var adler: UInt32
    }

    /// The ``Statistics`` of `bytes`.
    ///
    /// Adler-32 from the sums `A = sum b_i` and `B = sum_i (b_1 + ... + b_i)`, kept in 64 bits
    /// (no reduction needed below 2^31 bytes) and taken modulo 65521 at the end:
    /// `adler = ((1 + A) mod 65521) + ((n + B) mod 65521) 2^16`.
    static func statistics(_ bytes: UnsafeBufferPointer<UInt8>) -> Statistics {
        // Four interleaved counters: runs of one byte value would otherwise serialise on
        // store-to-load forwarding of the same counter.
        var counts = [UInt32](repeating: 0, count: 4 * 256)
        var repeats = 0
        var a: UInt64 = 0, b: UInt64 = 0
        let n = bytes.count
        precondition(n < 1 << 31, "a plane of \(n) bytes is too long for the Adler-32 sums")
        counts.withUnsafeMutableBufferPointer { c in
            guard let p = bytes.baseAddress, n > 0 else { return }
            var previous = p[0] &+ 1
            var i = 0
            while i + 4 <= n {
                let b0 = p[i], b1 = p[i + 1], b2 = p[i + 2], b3 = p[i + 3]
                c[Int(b0)] &+= 1; c[256 + Int(b1)] &+= 1; c[512 + Int(b2)] &+= 1; c[768 + Int(b3)] &+= 1
                let r0: Int = b0 == previous ? 1 : 0, r1: Int = b1 == b0 ? 1 : 0
                let r2: Int = b2 == b1 ? 1 : 0, r3: Int = b3 == b2 ? 1 : 0
                repeats &+= r0 &+ r1 &+ r2 &+ r3
                let w0 = UInt64(b0), w1 = UInt64(b1), w2 = UInt64(b2), w3 = UInt64(b3)
                b &+= 4 &* a &+ 4 &* w0 &+ 3 &* w1 &+ 2 &* w2 &+ w3
                a &+= w0 &+ w1 &+ w2 &+ w3
                previous = b3
                i += 4
            }
            while i < n {
                let x = p[i]
                c[Int(x)] &+= 1
                repeats &+= x == previous ? 1 : 0
                a &+= UInt64(x)
                b &+= a
                previous = x
                i += 1
            }
        }
        let histogram = (0..<256).map { (v: Int) -> Int in
            Int(counts[v]) + Int(counts[256 + v]) + Int(counts[512 + v]) + Int(counts[768 + v])
        }
        let adler = UInt32((1 + a) % 65521) | UInt32((UInt64(n) + b) % 65521) << 16
        return Statistics(histogram: histogram, repeats: repeats, adler: adler)
    }

    /// The byte entropy of a histogram of `n` bytes, in bits per byte.
    static func entropy(_ histogram: [Int], count n: Int) -> Double {
        guard n > 0 else { return 0 }
        var h = 0.0
        for c in histogram where c > 0 {
            let p = Double(c) / Double(n)
            h -= p * log2(p)
        }
        return h
    }
}

// MARK: - Bits

/// Deflate's bit order: fields are packed from the least significant bit of each byte.
struct BitWriter {
    private let out: UnsafeMutablePointer<UInt8>
    private(set) var position = 0
    private var buffer: UInt64 = 0
    private var bits = 0

    init(_ out: UnsafeMutablePointer<UInt8>) { self.out = out }

    /// Appends the `count` low bits of `value` (count <= 32, higher bits of `value` zero).
    @inline(__always)
    mutating func write(_ value: UInt64, _ count: Int) {
        buffer |= value << UInt64(bits)
        bits += count
        if bits >= 32 {
            UnsafeMutableRawPointer(out + position).storeBytes(of: UInt32(truncatingIfNeeded: buffer).littleEndian,
                                                               as: UInt32.self)
            position += 4
            buffer >>= 32
            bits -= 32
        }
    }

    /// Appends the code of every byte: `code[b] = huffmanCode << 5 | length`.
    ///
    /// Three codes (at most 45 bits) go into the bit buffer between flushes, and a flush stores
    /// 8 bytes and advances by the whole bytes filled, without a branch (the output has 8 bytes
    /// of slack, see ``PlaneDeflater/deflate(_:planes:)``).
    mutating func writeCodes(_ bytes: UnsafeBufferPointer<UInt8>, _ code: UnsafePointer<UInt32>) {
        guard let p = bytes.baseAddress else { return }
        var buffer = self.buffer, bits = self.bits, position = self.position
        let out = self.out
        @inline(__always) func flush() {
            UnsafeMutableRawPointer(out + position).storeBytes(of: buffer.littleEndian, as: UInt64.self)
            let whole = bits >> 3
            position += whole
            buffer = whole == 8 ? 0 : buffer >> UInt64(whole << 3)
            bits &= 7
        }
        flush()
        let n = bytes.count
        var i = 0
        while i + 3 <= n {
            let e0 = code[Int(p[i])], e1 = code[Int(p[i + 1])], e2 = code[Int(p[i + 2])]
            buffer |= UInt64(e0 >> 5) << UInt64(bits); bits += Int(e0 & 31)
            buffer |= UInt64(e1 >> 5) << UInt64(bits); bits += Int(e1 & 31)
            buffer |= UInt64(e2 >> 5) << UInt64(bits); bits += Int(e2 & 31)
            flush()
            i += 3
        }
        while i < n {
            let e = code[Int(p[i])]
            buffer |= UInt64(e >> 5) << UInt64(bits); bits += Int(e & 31)
            flush()
            i += 1
        }
        self.buffer = buffer; self.bits = bits; self.position = position
    }

    /// Appends the codes of run-coded tokens (``PlaneCode``): a literal, or a length symbol with
    /// its extra bits followed by the 1-bit distance code 0 (`lengths` is ``LengthCodes/packed``).
    mutating func writeTokens(_ tokens: UnsafeBufferPointer<UInt16>, _ code: UnsafePointer<UInt32>,
                              _ lengths: UnsafePointer<UInt32>) {
        var buffer = self.buffer, bits = self.bits, position = self.position
        let out = self.out
        for token in tokens {
            var value: UInt64, count: Int
            if token < 256 {
                let entry = code[Int(token)]
                value = UInt64(entry >> 5); count = Int(entry & 31)
            } else {
                let l = lengths[Int(token) - 256 + 3]
                let entry = code[Int(l & 0x1FF)]
                value = UInt64(entry >> 5); count = Int(entry & 31)
                value |= UInt64(l >> 16) << UInt64(count)
                count += Int((l >> 9) & 7) + 1
            }
            buffer |= value << UInt64(bits)
            bits += count
            if bits >= 32 {
                UnsafeMutableRawPointer(out + position).storeBytes(of: UInt32(truncatingIfNeeded: buffer).littleEndian,
                                                                   as: UInt32.self)
                position += 4
                buffer >>= 32
                bits -= 32
            }
        }
        self.buffer = buffer; self.bits = bits; self.position = position
    }

    /// Pads with zero bits to a byte boundary and writes out the pending bytes.
    mutating func alignToByte() {
        while bits > 0 {
            out[position] = UInt8(truncatingIfNeeded: buffer)
            position += 1
            buffer >>= 8
            bits -= 8
        }
        bits = 0
        buffer = 0
    }

    /// Writes whole bytes (the writer must be byte-aligned).
    mutating func writeBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bits == 0, "writeBytes needs a byte-aligned writer")
        if let source = bytes.baseAddress, bytes.count > 0 { (out + position).update(from: source, count: bytes.count) }
        position += bytes.count
    }

    mutating func writeBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { writeBytes($0) }
    }
}
