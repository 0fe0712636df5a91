/// Sorting of row indices drawn from a pool: a least-significant-digit radix sort, O(N) for N
/// indices in a known range `lower..<upper`.
///
/// The sort works on `value - lower`. A pass scatters the `n` values by one digit after a prefix
/// sum over its `2^digit` buckets, so the number of passes is the one that minimises that work
/// (a scatter costs about three bucket sums), with digits of at most 11 bits so that the 2048
/// write cursors stay in L1:
/// ```
/// bits   = bit width of (upper - lower - 1)     10 for a 1,024-row block, 16 for 65,536 rows
/// passes = argmin over p >= ceil(bits / 11) of p (3 n + 2^ceil(bits / p))
///                                               1,024 values: 1 pass of 10 bits, 2 of 8 bits
/// digit  = ceil(bits / passes)
/// ```
/// All histograms come from one read of the input; a pass whose digit is the same for every
/// value is skipped. Each pass is a stable scatter, so the result is sorted. Very small inputs
/// use insertion sort.
///
/// The pool sampler sorts each block of a pseudo-experiment with it, in cache; sorting a whole
/// pseudo-experiment at once costs several times more (each pass scatters across megabytes),
/// which ``SamplerBenchmark`` shows next to the standard library's sort.
public enum IndexSort {
    /// Sorts `values` (each in `0..<bound`) ascending. `scratch` is resized and used as the
    /// second buffer; its contents afterwards are unspecified.
    public static func sort(_ values: inout [Int32], below bound: Int, scratch: inout [Int32]) {
        let n = values.count
        if scratch.count < n { scratch.append(contentsOf: repeatElement(0, count: n - scratch.count)) }
        let inScratch = values.withUnsafeMutableBufferPointer { v in
            scratch.withUnsafeMutableBufferPointer { s in
                radixSort(v, lower: 0, upper: bound, scratch: s)
            }
        }
        if inScratch {
            // Swap buffers instead of copying; keep `values` at exactly n elements.
            swap(&values, &scratch)
            if values.count > n { values.removeLast(values.count - n) }
        }
    }

    /// Sorts `values` (each in `lower..<upper`) ascending in place, with `scratch` (at least
    /// `values.count` elements) as the second buffer.
    public static func sort(_ values: UnsafeMutableBufferPointer<Int32>, lower: Int32, upper: Int,
                            scratch: UnsafeMutableBufferPointer<Int32>) {
        if radixSort(values, lower: lower, upper: upper, scratch: scratch), let dst = values.baseAddress,
           let src = scratch.baseAddress {
            dst.update(from: src, count: values.count)
        }
    }

    /// The radix sort; returns true if the result is in `scratch[0..<n]` rather than `values`.
    private static func radixSort(_ values: UnsafeMutableBufferPointer<Int32>, lower: Int32, upper: Int,
                                  scratch: UnsafeMutableBufferPointer<Int32>) -> Bool {
        let n = values.count
        let range = upper - Int(lower)
        precondition(range <= Int(UInt32.max) + 1, "index range \(lower)..<\(upper) exceeds 32 bits")
        if n <= 32 || range <= 1 {
            insertionSort(values)
            return false
        }
        precondition(scratch.count >= n, "scratch holds \(scratch.count) values, \(n) needed")
        let bits = Int.bitWidth - (range - 1).leadingZeroBitCount
        var passes = (bits + maxDigit - 1) / maxDigit
        func work(_ p: Int) -> Int { p * (3 * n + 1 << ((bits + p - 1) / p)) }
        while passes < bits && work(passes + 1) < work(passes) { passes += 1 }
        let digitBits = (bits + passes - 1) / passes
        let buckets = 1 << digitBits
        let mask = UInt32(buckets - 1)
        let base = UInt32(bitPattern: lower)

        // Counts and cursors never exceed n <= Int32.max: wrapping arithmetic, no overflow checks.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: passes * buckets) { h in
            h.initialize(repeating: 0)
            let counts = h.baseAddress!
            let limit = UInt32(truncatingIfNeeded: range &- 1)
            for x in values {
                let u = UInt32(bitPattern: x) &- base
                precondition(u <= limit, "index \(x) is outside \(lower)..<\(upper)")
                var shift = UInt32(0), histogram = counts
                for _ in 0..<passes {
                    histogram[Int((u &>> shift) & mask)] &+= 1
                    shift &+= UInt32(digitBits)
                    histogram += buckets
                }
            }
            var inScratch = false
            for p in 0..<passes {
                let cursors = counts + p * buckets
                // Skip a pass whose digit is constant: it would copy the values unchanged.
                if UnsafeBufferPointer(start: cursors, count: buckets).contains(n) { continue }
                var offset = 0
                for b in 0..<buckets {
                    let c = cursors[b]
                    cursors[b] = offset
                    offset &+= c
                }
                let shift = UInt32(p * digitBits)
                let src = (inScratch ? UnsafeBufferPointer(scratch) : UnsafeBufferPointer(values)).baseAddress!
                let dst = inScratch ? values.baseAddress! : scratch.baseAddress!
                for i in 0..<n {
                    let x = src[i]
                    let d = Int(((UInt32(bitPattern: x) &- base) &>> shift) & mask)
                    dst[cursors[d]] = x
                    cursors[d] &+= 1
                }
                inScratch.toggle()
            }
            return inScratch
        }
    }

    /// The widest digit: 2^11 cursors of 8 bytes fill a third of a 48 KB L1 cache.
    private static let maxDigit = 11

    private static func insertionSort(_ v: UnsafeMutableBufferPointer<Int32>) {
        guard v.count > 1 else { return }
        for i in 1..<v.count {
            let x = v[i]
            var j = i
            while j > 0 && v[j - 1] > x { v[j] = v[j - 1]; j -= 1 }
            v[j] = x
        }
    }
}
