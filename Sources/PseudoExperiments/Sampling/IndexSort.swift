/// Sorting of row indices drawn from a pool: a least-significant-digit radix sort, O(N) for N
/// indices below a known bound.
///
/// The digits are as wide as possible up to 11 bits (2048 buckets: the histogram and the write
/// cursors stay in L1), with as few passes as the bound needs:
/// ```
/// bits   = bit width of (bound - 1)          20 for a 1 M-row pool, 26 for 50 M rows
/// passes = ceil(bits / 11)                   2, 3
/// digit  = ceil(bits / passes) bits          10, 9
/// ```
/// All histograms come from one read of the input; a pass whose digit is the same for every
/// value is skipped. Each pass is a stable scatter, so the result is sorted. Small inputs
/// (below 1024 values, where the histogram would dominate) use the standard library's sort.
/// Measured against the standard library's sort in ``SamplerBenchmark``.
public enum IndexSort {
    /// Sorts `values` (each in `0..<bound`) ascending. `scratch` is resized and used as the
    /// second buffer; its contents afterwards are unspecified.
    public static func sort(_ values: inout [Int32], below bound: Int, scratch: inout [Int32]) {
        let n = values.count
        if n < 1024 || bound <= 1 {
            values.sort()
            return
        }
        precondition(bound <= Int(Int32.max) + 1, "index bound \(bound) exceeds 32-bit indices")
        let bits = Int.bitWidth - (bound - 1).leadingZeroBitCount
        let passes = (bits + 10) / 11
        let digitBits = (bits + passes - 1) / passes
        let buckets = 1 << digitBits
        let mask = UInt32(buckets - 1)

        if scratch.count < n {
            scratch.reserveCapacity(n)
            scratch.append(contentsOf: repeatElement(0, count: n - scratch.count))
        }
        var histograms = [Int](repeating: 0, count: passes * buckets)
        values.withUnsafeBufferPointer { v in
            histograms.withUnsafeMutableBufferPointer { h in
                for x in v {
                    let u = UInt32(bitPattern: x)
                    precondition(Int(u) < bound, "index \(x) is outside 0..<\(bound)")
                    for p in 0..<passes {
                        h[p * buckets + Int((u >> UInt32(p * digitBits)) & mask)] += 1
                    }
                }
            }
        }

        var inScratch = false
        for p in 0..<passes {
            let base = p * buckets
            // Skip a pass whose digit is constant: it would copy the array unchanged.
            if histograms[base..<(base + buckets)].contains(n) { continue }
            var offset = 0
            for b in 0..<buckets {
                let c = histograms[base + b]
                histograms[base + b] = offset
                offset += c
            }
            let shift = UInt32(p * digitBits)
            histograms.withUnsafeMutableBufferPointer { h in
                let cursors = UnsafeMutableBufferPointer(rebasing: h[base..<(base + buckets)])
                if inScratch {
                    scratch.withUnsafeBufferPointer { src in
                        values.withUnsafeMutableBufferPointer { dst in
                            scatter(src, count: n, into: dst, cursors: cursors, shift: shift, mask: mask)
                        }
                    }
                } else {
                    values.withUnsafeBufferPointer { src in
                        scratch.withUnsafeMutableBufferPointer { dst in
                            scatter(src, count: n, into: dst, cursors: cursors, shift: shift, mask: mask)
                        }
                    }
                }
            }
            inScratch.toggle()
        }
        if inScratch {
            // Swap buffers instead of copying; keep `values` at exactly n elements.
            swap(&values, &scratch)
            if values.count > n { values.removeLast(values.count - n) }
        }
    }

    @inline(__always)
    private static func scatter(_ src: UnsafeBufferPointer<Int32>, count: Int, into dst: UnsafeMutableBufferPointer<Int32>,
                                cursors: UnsafeMutableBufferPointer<Int>, shift: UInt32, mask: UInt32) {
        for i in 0..<count {
            let x = src[i]
            let d = Int((UInt32(bitPattern: x) >> shift) & mask)
            dst[cursors[d]] = x
            cursors[d] += 1
        }
    }
}
