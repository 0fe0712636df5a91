import Foundation

/// How one byte plane is coded by ``PlaneDeflater``: its mode, its Huffman code and (for runs)
/// its tokens, with the exact size of its deflate block, known before it is written.
struct PlaneCode {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var mode: PlaneDeflater.Mode
    /// Code lengths of the literal/length alphabet (286 symbols) and of the code-length alphabet.
    private var literals = HuffmanCode.empty
    private var codeLengths = HuffmanCode.empty
    /// The literal/length alphabet's size sent in the block header (257...286).
    private var literalCount = 257
    /// Runs mode: literals 0...255, and `256 + (length - 3)` for a match at distance 1.
    private var tokens: [UInt16] = []
    /// An upper bound on the bytes `write(final:_:)` produces.
    private(set) var maximumBytes = 0
    /// The plane's Adler-32.
    private(set) var adler: UInt32 = 1

    /// Order in which the code-length alphabet's lengths are sent (RFC 1951, 3.2.7).
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    init(_ bytes: UnsafeBufferPointer<UInt8>, mode requested: PlaneDeflater.Mode?) {
        self.bytes = bytes
        let n = bytes.count
        let statistics = PlaneDeflater.statistics(bytes)
        adler = statistics.adler
        mode = requested ?? .stored
        if requested == nil && n > 0
            && PlaneDeflater.entropy(statistics.histogram, count: n) <= PoolBlockCodec.storedEntropyThreshold {
            mode = Double(statistics.repeats) > PlaneDeflater.runsThreshold * Double(n) ? .runs : .literals
        }
        if mode == .literals { prepare(histogram: statistics.histogram) }
        if mode == .runs { prepareRuns() }
        let storedBytes = n + 5 * max(1, (n + 65_534) / 65_535) + 1
        if mode == .stored || maximumBytes >= storedBytes {
            mode = .stored
            tokens = []
            maximumBytes = storedBytes
        }
    }

    // MARK: - Building the code

    /// Literal mode: the code of the bytes and the end-of-block symbol.
    private mutating func prepare(histogram: [Int]) {
        var frequencies = histogram + [Int](repeating: 0, count: 30)
        frequencies[256] = 1
        finish(frequencies: frequencies, extraBits: 0, matches: 0)
    }

    /// Runs mode: tokens, their frequencies, the code.
    private mutating func prepareRuns() {
        var frequencies = [Int](repeating: 0, count: 286)
        var extraBits = 0, matches = 0
        let n = bytes.count
        let bytes = self.bytes
        tokens = [UInt16](unsafeUninitializedCapacity: n) { t, initialized in
            var count = 0
            frequencies.withUnsafeMutableBufferPointer { f in
                LengthCodes.packed.withUnsafeBufferPointer { lengths in
                    guard let p = bytes.baseAddress else { return }
                    var i = 0
                    while i < n {
                        let b = p[i]
                        t[count] = UInt16(b)
                        count += 1
                        f[Int(b)] += 1
                        i += 1
                        // Repeats of b from i: matches of up to 258 at distance 1, one after the other.
                        while true {
                            let run = PlaneCode.runLength(of: b, p + i, limit: min(258, n - i))
                            if run < 3 { break }
                            t[count] = UInt16(256 + run - 3)
                            count += 1
                            let l = lengths[run]
                            f[Int(l & 0x1FF)] += 1
                            extraBits += Int((l >> 9) & 7)
                            matches += 1
                            i += run
                            if run < 258 { break }
                        }
                    }
                }
            }
            initialized = count
        }
        frequencies[256] = 1
        finish(frequencies: frequencies, extraBits: extraBits, matches: matches)
    }

    /// How many of the `limit` bytes at `p` equal `b` before the first that does not.
    @inline(__always)
    private static func runLength(of b: UInt8, _ p: UnsafePointer<UInt8>, limit: Int) -> Int {
        let pattern = UInt64(b) &* 0x0101_0101_0101_0101
        var r = 0
        while r + 8 <= limit {
            let word = UnsafeRawPointer(p + r).loadUnaligned(as: UInt64.self).littleEndian ^ pattern
            if word != 0 { return r + word.trailingZeroBitCount >> 3 }
            r += 8
        }
        while r < limit && p[r] == b { r += 1 }
        return r
    }

    /// The literal/length code, the code-length code and the block's size.
    private mutating func finish(frequencies: [Int], extraBits: Int, matches: Int) {
        literals = HuffmanCode(frequencies: frequencies, maximumLength: 15)
        literalCount = max(257, (frequencies.lastIndex { $0 > 0 } ?? 256) + 1)
        // The header sends literalCount + 1 code lengths (one distance code, of length 1).
        var clFrequencies = [Int](repeating: 0, count: 19)
        for s in 0..<literalCount { clFrequencies[Int(literals.lengths[s])] += 1 }
        clFrequencies[1] += 1
        codeLengths = HuffmanCode(frequencies: clFrequencies, maximumLength: 7)
        let clCount = PlaneCode.codeLengthCount(codeLengths)
        var bits = 3 + 5 + 5 + 4 + 3 * clCount
        for s in 0..<literalCount { bits += Int(codeLengths.lengths[Int(literals.lengths[s])]) }
        bits += Int(codeLengths.lengths[1])
        for s in 0..<286 where frequencies[s] > 0 { bits += frequencies[s] * Int(literals.lengths[s]) }
        bits += extraBits + matches   // each match sends the 1-bit distance code
        maximumBytes = (bits + 7) / 8 + 1
    }

    /// How many code-length code lengths the header sends (trailing zeros in send order dropped, at least 4).
    private static func codeLengthCount(_ code: HuffmanCode) -> Int {
        var count = 19
        while count > 4 && code.lengths[codeLengthOrder[count - 1]] == 0 { count -= 1 }
        return count
    }

    // MARK: - Writing

    /// Writes the plane's block(s); `final` marks the stream's last block.
    func write(final: Bool, _ writer: inout BitWriter) {
        switch mode {
        case .stored: PlaneCode.writeStored(bytes, final: final, &writer)
        case .literals, .runs: writeHuffman(final: final, &writer)
        }
    }

    /// Stored blocks of at most 65 535 bytes (an empty input gives one empty block).
    static func writeStored(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool, _ writer: inout BitWriter) {
        var start = 0
        repeat {
            let count = min(65_535, bytes.count - start)
            let last = start + count == bytes.count
            writer.write(final && last ? 1 : 0, 3)   // BFINAL, BTYPE = 00
            writer.alignToByte()
            let len = UInt16(count)
            writer.writeBytes([UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)])
            writer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<start + count]))
            start += count
        } while start < bytes.count
    }

    private func writeHuffman(final: Bool, _ writer: inout BitWriter) {
        writer.write((final ? 1 : 0) | (2 << 1), 3)   // BFINAL, BTYPE = 10 (dynamic Huffman)
        writer.write(UInt64(literalCount - 257), 5)
        writer.write(0, 5)                              // one distance code
        let clCount = PlaneCode.codeLengthCount(codeLengths)
        writer.write(UInt64(clCount - 4), 4)
        for k in 0..<clCount { writer.write(UInt64(codeLengths.lengths[PlaneCode.codeLengthOrder[k]]), 3) }
        for s in 0..<literalCount {
            let l = Int(literals.lengths[s])
            writer.write(UInt64(codeLengths.codes[l]), Int(codeLengths.lengths[l]))
        }
        writer.write(UInt64(codeLengths.codes[1]), Int(codeLengths.lengths[1]))   // the distance code's length, 1
        literals.packed.withUnsafeBufferPointer { table in
            let code = table.baseAddress!
            if mode == .literals {
                writer.writeCodes(bytes, code)
            } else {
                tokens.withUnsafeBufferPointer { tokens in
                    LengthCodes.packed.withUnsafeBufferPointer { writer.writeTokens(tokens, code, $0.baseAddress!) }
                }
            }
            let end = table[256]
            writer.write(UInt64(end >> 5), Int(end & 31))
        }
    }
}

/// Deflate's length symbols (RFC 1951, 3.2.5) for match lengths 3...258.
enum LengthCodes {
    /// The symbol (257...285) of each length.
    static let symbol: [Int] = table.map { $0.symbol }
    /// The number of extra bits of each length.
    static let extraBits: [Int] = table.map { $0.extraBits }
    /// For each length: symbol (bits 0-8), extra-bit count (bits 9-11), extra bits (16...),
    /// with a 0 distance-code bit appended to the extra bits (so the count is stored minus one).
    static let packed: [UInt32] = table.map {
        UInt32($0.symbol) | UInt32($0.extraBits) << 9 | UInt32($0.extraValue) << 16
    }

    private static let table: [(symbol: Int, extraBits: Int, extraValue: Int)] = (0...258).map { length in
        guard length >= 3 else { return (0, 0, 0) }
        if length == 258 { return (285, 0, 0) }
        let bases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                     131, 163, 195, 227]
        let extras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]
        let k = bases.lastIndex { $0 <= length }!
        return (257 + k, extras[k], length - bases[k])
    }
}
