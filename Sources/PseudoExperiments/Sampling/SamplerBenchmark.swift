import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Timings of the pool sampler on synthetic pools, for the `bench benchmark` command (run it
/// from a release build; debug builds are ~10x slower).
///
/// For each pool size it builds a seeded synthetic pool with the challenge's process mix
/// (``Configuration/yields``, weights scaled so that one pseudo-experiment expects their sum,
/// ~1.05 M events), builds a ``PoolSampler`` once, then times per pseudo-experiment: the whole
/// draw (Poisson totals, alias picks, block sorts), what a global sort would cost instead (radix
/// and the standard library's), a gather of row-major hot records against a column-by-column gather of the same
/// values, and the reference's per-row Poisson draw. Figures are `(name, value)` pairs whose
/// names carry the unit; times are the calling thread's CPU time (one core). Targets: the whole pseudo-experiment (draw + transform) <= 50 ms per
/// 1.05 M events on one core, and within 2x from a 1 M-row to a 50 M-row pool.
public enum SamplerBenchmark {
    /// What to measure.
    public struct Configuration: Sendable {
        /// Pool sizes (rows).
        public var poolRows: [Int] = [1_000_000, 50_000_000]
        /// Expected events per process of one pseudo-experiment at mu = 1 (the challenge's).
        public var yields: [PhysicsProcess: Double] = [
            .htautau: 1015, .ztautau: 1_002_395, .diboson: 3783, .ttbar: 44192,
        ]
        /// Timed pseudo-experiments per pool (after one untimed warm-up).
        public var pseudoExperiments = 10
        /// Float32 values per hot record in the gather timing; 0 skips the gather (it needs
        /// `rows * stride * 4` bytes: 3.2 GB at 50 M rows and 16 values).
        public var gatherStride = 16
        /// Largest pool on which the reference per-row draw is timed (once).
        public var perRowMaxRows = 50_000_000
        /// Root seed of the synthetic pools and of the draws.
        public var seed: UInt64 = 2024

        public init() {}
    }

    /// Runs the benchmark and returns its figures in order.
    public static func run(_ configuration: Configuration = Configuration()) throws -> [(name: String, value: Double)] {
        var figures: [(name: String, value: Double)] = []
        var drawTimes: [Double] = []
        for (index, rows) in configuration.poolRows.enumerated() {
            let label = "\(rowLabel(rows)) rows"
            let pool = syntheticPool(rows: rows, yields: configuration.yields,
                                     seed: SeedDerivation.derive(configuration.seed, .simulator, index))
            var clock = Stopwatch()
            let sampler = try PoolSampler(weights: pool.weights, processCodes: pool.processCodes,
                                          requiring: Set(configuration.yields.filter { $0.value > 0 }.keys))
            figures.append(("sampler build, \(label) (ms)", clock.lap()))
            figures.append(("sampler tables, \(label) (MB)", Double(sampler.memoryBytes) / 1e6))

            var rowsOut: [Int32] = [], scratch: [Int32] = []
            var warm = SeedDerivation.generator(configuration.seed, .poisson, index, -1)
            try sampler.draw(mu: 1, nuisances: .nominal, using: &warm, into: &rowsOut, scratch: &scratch)
            var times: [Double] = [], events = 0
            let repeats = max(1, configuration.pseudoExperiments)
            for pe in 0..<repeats {
                var rng = SeedDerivation.generator(configuration.seed, .poisson, index, pe)
                clock.reset()
                try sampler.draw(mu: 1, nuisances: .nominal, using: &rng, into: &rowsOut, scratch: &scratch)
                times.append(clock.lap())
                events += rowsOut.count
            }
            times.sort()
            let drawMs = times[times.count / 2]
            drawTimes.append(drawMs)
            figures.append(("events per pseudo-experiment, \(label)", Double(events) / Double(repeats)))
            figures.append(("draw (totals, picks, block sorts), \(label) (ms/PE, median)", drawMs))
            figures.append(("draw (totals, picks, block sorts), \(label) (ms/PE, fastest)", times[0]))

            // What sorting a whole pseudo-experiment at once would cost instead of the in-cache
            // block sorts inside the draw: the last draw's rows in a random order.
            var shuffled = rowsOut
            var shuffleRng = SeedDerivation.generator(configuration.seed, .shuffle, index)
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, shuffleRng.nextInt(below: i + 1))
            }
            var copy = shuffled
            clock.reset()
            IndexSort.sort(&copy, below: rows, scratch: &scratch)
            figures.append(("  a global radix sort instead of block sorts would add, \(label) (ms/PE)", clock.lap()))
            copy = shuffled
            clock.reset()
            copy.sort()
            figures.append(("  a standard library sort would add, \(label) (ms/PE)", clock.lap()))

            if configuration.gatherStride > 0 {
                figures += gatherFigures(rows: rows, drawn: rowsOut, stride: configuration.gatherStride, label: label)
            }
            if rows <= configuration.perRowMaxRows {
                var rng = SeedDerivation.generator(configuration.seed, .poisson, index, repeats)
                clock.reset()
                let reference = try PoolSampler.drawPerRow(weights: pool.weights, processCodes: pool.processCodes,
                                                           mu: 1, nuisances: .nominal, using: &rng)
                figures.append(("reference per-row Poisson draw, \(label) (ms/PE)", clock.lap()))
                precondition(!reference.isEmpty, "the per-row draw of a pool expecting ~1e6 events was empty")
            }
            figures.append(("peak resident memory after \(label) (MB)", Clock.peakResidentBytes() / 1e6))
        }
        if drawTimes.count >= 2, let first = drawTimes.first, let last = drawTimes.last, first > 0 {
            figures.append(("draw time ratio (median), largest / smallest pool", last / first))
        }
        return figures
    }

    /// Gather timings: row-major records (the hot layout) against column-by-column gathering of
    /// the same number of values from the same memory read as columns.
    static func gatherFigures(rows: Int, drawn: [Int32], stride: Int, label: String) -> [(name: String, value: Double)] {
        let records = HugePages.allocate(Float.self, count: rows * stride)
        defer { records.deallocate() }
        for i in 0..<records.count { records[i] = Float(i & 0xFFFF) }
        var out = [Float](repeating: 0, count: drawn.count * stride)
        var clock = Stopwatch()
        drawn.withUnsafeBufferPointer { idx in
            out.withUnsafeMutableBufferPointer { o in SortedGather.gather(idx, from: UnsafeBufferPointer(records), stride: stride, into: o) }
        }
        let rowMajor = clock.lap()
        clock.reset()
        drawn.withUnsafeBufferPointer { idx in
            out.withUnsafeMutableBufferPointer { o in
                for c in 0..<stride {
                    let column = records.baseAddress! + c * rows
                    for j in 0..<idx.count { o[j * stride + c] = column[Int(idx[j])] }
                }
            }
        }
        let columnMajor = clock.lap()
        return [
            ("gather \(stride)-value row-major records, \(label) (ms/PE)", rowMajor),
            ("  column-by-column gather instead, \(label) (ms/PE)", columnMajor),
        ]
    }

    /// A seeded pool of `rows` rows whose processes are mixed like `yields` (rows in
    /// proportion, process of each row drawn at random so rows are interleaved) and whose
    /// weights are log-normal (sigma 0.5) within a process, scaled to sum to its yield.
    static func syntheticPool(rows: Int, yields: [PhysicsProcess: Double],
                              seed: UInt64) -> (weights: [Float], processCodes: [UInt8]) {
        let processes = PhysicsProcess.allCases
        let totalYield = processes.reduce(0) { $0 + (yields[$1] ?? 0) }
        precondition(totalYield > 0 && rows > 0, "a synthetic pool needs rows and a positive yield")
        var cumulative: [Double] = []
        var running = 0.0
        for p in processes { running += (yields[p] ?? 0) / totalYield; cumulative.append(running) }
        var rng = SeededGenerator(seed: seed)
        var codes = [UInt8](repeating: 0, count: rows)
        var weights = [Float](repeating: 0, count: rows)
        var sums = [Double](repeating: 0, count: processes.count)
        for i in 0..<rows {
            let u = rng.nextUnitDouble()
            var k = 0
            while k < processes.count - 1 && u >= cumulative[k] { k += 1 }
            codes[i] = UInt8(k)
            let w = exp(0.5 * rng.nextGaussian())
            weights[i] = Float(w)
            sums[k] += Double(Float(w))
        }
        let scale = processes.map { p in sums[Int(p.code)] > 0 ? (yields[p] ?? 0) / sums[Int(p.code)] : 0 }
        for i in 0..<rows { weights[i] = Float(Double(weights[i]) * scale[Int(codes[i])]) }
        return (weights, codes)
    }

    static func rowLabel(_ rows: Int) -> String {
        if rows >= 1_000_000, rows % 1_000_000 == 0 { return "\(rows / 1_000_000)M" }
        if rows >= 1000, rows % 1000 == 0 { return "\(rows / 1000)k" }
        return "\(rows)"
    }
}

/// Laps of the calling thread's CPU time, in milliseconds.
///
/// CPU time rather than wall-clock time: the target is a cost "on one core", and on a shared
/// machine wall-clock time also counts the time other processes hold the core.
struct Stopwatch {
    private var start = Stopwatch.now()

    mutating func reset() { start = Stopwatch.now() }

    /// Milliseconds since the last reset or lap; starts the next lap.
    mutating func lap() -> Double {
        let now = Stopwatch.now()
        defer { start = now }
        return Double(now &- start) / 1e6
    }

    private static func now() -> UInt64 {
        var t = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0 else {
            return DispatchTime.now().uptimeNanoseconds
        }
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
}
