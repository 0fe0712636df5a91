import Foundation

/// A length-limited canonical Huffman code, as deflate sends it (RFC 1951, 3.2.2).
///
/// Lengths are the minimum-redundancy ones (Moffat and Katajainen's in-place algorithm on the
/// sorted frequencies), then limited to `maximumLength` by moving codes down from the longest
/// lengths until the Kraft sum is exactly 1 (the method of zlib and miniz), the most frequent
/// symbols getting the shortest codes. Codes are canonical and stored bit-reversed, ready for
/// deflate's least-significant-bit-first packing. At least two symbols always get a code, since
/// an inflater rejects a one-code code-length alphabet.
struct HuffmanCode {
    /// Code length of each symbol (0: unused).
    private(set) var lengths: [UInt8]
    /// Bit-reversed canonical code of each symbol.
    private(set) var codes: [UInt32]
    /// `code << 5 | length` of each symbol, for the coding loops.
    private(set) var packed: [UInt32]

    static let empty = HuffmanCode(lengths: [], codes: [], packed: [])

    private init(lengths: [UInt8], codes: [UInt32], packed: [UInt32]) {
        self.lengths = lengths; self.codes = codes; self.packed = packed
    }

    init(frequencies: [Int], maximumLength: Int) {
        precondition((1...15).contains(maximumLength), "deflate codes are 1 to 15 bits long, asked \(maximumLength)")
        var used = frequencies.indices.filter { frequencies[$0] > 0 }
        var weight = frequencies
        // Two codes at least (a single code would be incomplete).
        for s in weight.indices where used.count < 2 && weight[s] == 0 {
            weight[s] = 1
            used.append(s)
        }
        precondition(used.count <= 1 << maximumLength,
                     "\(used.count) symbols cannot have codes of at most \(maximumLength) bits")
        used.sort { weight[$0] != weight[$1] ? weight[$0] < weight[$1] : $0 < $1 }
        var depth = used.map { weight[$0] }
        HuffmanCode.minimumRedundancy(&depth)
        // Count codes per length and limit the lengths.
        var perLength = [Int](repeating: 0, count: 64)
        for d in depth { perLength[d] += 1 }
        if perLength[(maximumLength + 1)...].contains(where: { $0 > 0 }) {
            for l in (maximumLength + 1)..<64 { perLength[maximumLength] += perLength[l]; perLength[l] = 0 }
            var total = 0
            for l in 1...maximumLength { total += perLength[l] << (maximumLength - l) }
            while total != 1 << maximumLength {
                perLength[maximumLength] -= 1
                for l in stride(from: maximumLength - 1, through: 1, by: -1) where perLength[l] > 0 {
                    perLength[l] -= 1
                    perLength[l + 1] += 2
                    break
                }
                total -= 1
            }
        }
        // The shortest lengths to the most frequent symbols (the end of `used`).
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        var j = used.count
        for l in 1...max(maximumLength, 1) {
            for _ in 0..<perLength[l] {
                j -= 1
                lengths[used[j]] = UInt8(l)
            }
        }
        // Canonical codes (RFC 1951, 3.2.2), bit-reversed.
        var count = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { count[Int(l)] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1...15 {
            code = (code + count[bits - 1]) << 1
            next[bits] = code
        }
        var codes = [UInt32](repeating: 0, count: frequencies.count)
        for s in lengths.indices where lengths[s] > 0 {
            let l = Int(lengths[s])
            var reversed: UInt32 = 0
            var c = next[l]
            for _ in 0..<l { reversed = reversed << 1 | UInt32(c & 1); c >>= 1 }
            codes[s] = reversed
            next[l] += 1
        }
        self.lengths = lengths
        self.codes = codes
        packed = zip(codes, lengths).map { $0 << 5 | UInt32($1) }
    }

    /// Moffat and Katajainen's minimum-redundancy code lengths, in place: `a` holds the weights
    /// in increasing order and receives each one's code length (miniz's
    /// `tdefl_calculate_minimum_redundancy`).
    static func minimumRedundancy(_ a: inout [Int]) {
        let n = a.count
        if n == 0 { return }
        if n == 1 { a[0] = 1; return }
        a[0] += a[1]
        var root = 0, leaf = 2
        for next in 1..<(n - 1) {
            if leaf >= n || a[root] < a[leaf] {
                a[next] = a[root]; a[root] = next; root += 1
            } else {
                a[next] = a[leaf]; leaf += 1
            }
            if leaf >= n || (root < next && a[root] < a[leaf]) {
                a[next] += a[root]; a[root] = next; root += 1
            } else {
                a[next] += a[leaf]; leaf += 1
            }
        }
        a[n - 2] = 0
        if n >= 3 { for next in stride(from: n - 3, through: 0, by: -1) { a[next] = a[a[next]] + 1 } }
        var available = 1, used = 0, depth = 0
        var r = n - 2, next = n - 1
        while available > 0 {
            while r >= 0 && a[r] == depth { used += 1; r -= 1 }
            while available > used { a[next] = depth; next -= 1; available -= 1 }
            available = 2 * used
            depth += 1
            used = 0
        }
    }
}
