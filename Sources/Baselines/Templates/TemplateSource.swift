import Foundation
import PseudoExperiments

/// Rows of the training pool that templates are made from, with the weight each carries in a
/// template: the pool's weight times its process's scale (see ``PoolPartition``).
///
/// Histograms are taken at any nuisance values by transforming the rows chunk by chunk
/// (``histograms(of:at:noiseSeed:)``), so memory stays at a chunk's worth whatever the pool's
/// size. Soft-MET noise comes from a generator seeded afresh with the same seed at every call and
/// carried across chunks in row order, so a chunked transform equals one transform of all rows,
/// and each row gets the same Gaussian pair at every soft-MET width: templates at neighbouring
/// widths differ by the smearing, not by new noise.
public struct TemplateSource: Sendable {
    /// The whole pool, prepared (shared with the training context, not copied).
    public let pool: PreparedEvents
    /// The source's rows of the pool, ascending.
    public let rows: [Int32]
    /// Per pool row, its template weight (0 for rows not in the source).
    public let weights: [Double]
    /// Per pool row, its process code.
    public let processCodes: [UInt8]
    /// Rows per process code in the source.
    public let rowCounts: [Int]

    /// Rows transformed at a time.
    public static let chunkRows = 1 << 17

    /// The rows `rows` of the context's pool, weights scaled per process by `scale`.
    public init(context: TrainingContext, rows: [Int32], scale: [Double]) {
        pool = context.prepared
        self.rows = rows
        var weights = [Double](repeating: 0, count: context.pool.count)
        var counts = [Int](repeating: 0, count: PhysicsProcess.allCases.count)
        for i in rows {
            let code = Int(context.pool.processCodes[Int(i)])
            weights[Int(i)] = Double(context.pool.weights[Int(i)]) * scale[code]
            counts[code] += 1
        }
        self.weights = weights
        self.processCodes = context.pool.processCodes
        self.rowCounts = counts
    }

    /// Per-process histograms: sums of weights and of squared weights, `[process code][bin]`.
    public struct Histograms: Sendable, Equatable {
        public var sums: [[Double]]
        public var squares: [[Double]]

        public init(bins: Int) {
            sums = [[Double]](repeating: [Double](repeating: 0, count: bins), count: PhysicsProcess.allCases.count)
            squares = sums
        }

        /// The total of process `code` over all bins.
        public func total(_ code: Int) -> Double { sums[code].reduce(0, +) }
    }

    /// Calls `body` with the source's rows transformed at `shift`, chunk after chunk in row order
    /// (and the position in ``rows`` of the chunk's first row).
    public func forEachChunk(at shift: SystematicShift, noiseSeed: UInt64,
                             _ body: (TransformedEvents) throws -> Void) rethrows {
        try forEachChunk(at: shift, noiseSeed: noiseSeed) { events, _ in try body(events) }
    }

    /// ``forEachChunk(at:noiseSeed:_:)`` with each chunk's first position in ``rows``.
    public func forEachChunk(at shift: SystematicShift, noiseSeed: UInt64,
                             _ body: (TransformedEvents, Int) throws -> Void) rethrows {
        try forEachChunk(of: rows, at: shift, noiseSeed: noiseSeed, body)
    }

    /// ``forEachChunk(at:noiseSeed:_:)`` over the pool rows `subset` (ascending), the noise
    /// carried across them; `body` gets each chunk's first position in `subset`.
    func forEachChunk(of subset: [Int32], at shift: SystematicShift, noiseSeed: UInt64,
                      _ body: (TransformedEvents, Int) throws -> Void) rethrows {
        var noise = SeededGenerator(seed: noiseSeed)
        var batch = PreparedEvents(), out = TransformedEvents()
        var start = 0
        while start < subset.count {
            let end = min(start + Self.chunkRows, subset.count)
            pool.gather(Array(subset[start..<end]), into: &batch)
            batch.apply(shift, noise: &noise, into: &out)
            try body(out, start)
            start = end
        }
    }

    /// Poisson(1) multiplicities for every row of the source, in row order: one bootstrap
    /// replicate of the source (each row counted `k ~ Poisson(1)` times).
    public func bootstrap(using rng: inout SeededGenerator) -> [UInt8] {
        // P(k) = e^-1 / k!, cumulative, k = 0 ... 9 (P(k >= 10) < 1.2e-7 is folded into 9).
        var cumulative: [Double] = []
        var p = exp(-1.0), sum = 0.0
        for k in 0..<10 { sum += p; cumulative.append(sum); p /= Double(k + 1) }
        return rows.map { _ in
            let u = rng.nextUnitDouble()
            return UInt8(cumulative.firstIndex { u < $0 } ?? 9)
        }
    }

    /// The histograms of `binning` at `shift` of the bootstrap replicate `multiplicities`
    /// (one per row of ``rows``, from ``bootstrap(using:)``).
    ///
    /// Only the rows the replicate draws (k > 0, about 63% of them) are transformed and binned,
    /// in row order, with the soft-MET noise of a generator seeded by `noiseSeed` carried
    /// across them; a row drawn k times counts k times.
    public func histograms(of binning: some EventBinning, at shift: SystematicShift, noiseSeed: UInt64,
                           multiplicities: [UInt8]) -> Histograms {
        precondition(multiplicities.count == rows.count, "one multiplicity per row: \(rows.count) rows, \(multiplicities.count) given")
        var h = Histograms(bins: binning.binCount)
        var drawn: [Int32] = [], counts = [Double](repeating: 0, count: pool.count)
        drawn.reserveCapacity(rows.count)
        for (row, k) in zip(rows, multiplicities) where k > 0 {
            drawn.append(row)
            counts[Int(row)] = Double(k)
        }
        forEachChunk(of: drawn, at: shift, noiseSeed: noiseSeed) { events, _ in
            let bins = binning.bins(of: events)
            for (j, source) in events.sourceRows.enumerated() {
                let b = Int(bins[j])
                guard b >= 0 else { continue }
                let row = Int(source), code = Int(processCodes[row]), w = weights[row]
                h.sums[code][b] += w * counts[row]
                h.squares[code][b] += w * w * counts[row]
            }
        }
        return h
    }

    /// All the source's rows transformed at `shift`, as one buffer (for small sources).
    public func transformed(at shift: SystematicShift, noiseSeed: UInt64) -> TransformedEvents {
        var noise = SeededGenerator(seed: noiseSeed)
        return pool.gather(rows).applying(shift, noise: &noise)
    }

    /// The histograms of `binning` at `shift`.
    public func histograms(of binning: some EventBinning, at shift: SystematicShift, noiseSeed: UInt64) -> Histograms {
        var h = Histograms(bins: binning.binCount)
        forEachChunk(at: shift, noiseSeed: noiseSeed) { accumulate(binning, in: $0, into: &h) }
        return h
    }

    /// The histograms of `binning` over already transformed rows of this source.
    public func histograms(of binning: some EventBinning, in events: TransformedEvents) -> Histograms {
        var h = Histograms(bins: binning.binCount)
        accumulate(binning, in: events, into: &h)
        return h
    }

    /// Adds the transformed rows `events` of this source to `h`.
    public func accumulate(_ binning: some EventBinning, in events: TransformedEvents, into h: inout Histograms) {
        let bins = binning.bins(of: events)
        for (j, source) in events.sourceRows.enumerated() {
            let b = Int(bins[j])
            guard b >= 0 else { continue }
            let row = Int(source), code = Int(processCodes[row]), w = weights[row]
            h.sums[code][b] += w
            h.squares[code][b] += w * w
        }
    }

    /// The values of `value` over the rows transformed at `shift`, with the rows' balanced
    /// weights (each row's weight over its class's total, so signal and background weigh the
    /// same), for choosing bin edges.
    public func balancedValues(at shift: SystematicShift, noiseSeed: UInt64,
                               _ value: (TransformedEvents) -> [Float]) -> (values: [Float], weights: [Double]) {
        var values: [Float] = [], weights: [Double] = []
        var totals = [0.0, 0.0]
        var isSignal: [Bool] = []
        forEachChunk(at: shift, noiseSeed: noiseSeed) { events in
            values.append(contentsOf: value(events))
            for s in events.sourceRows {
                let row = Int(s)
                let signal = processCodes[row] == PhysicsProcess.htautau.code
                isSignal.append(signal)
                weights.append(self.weights[row])
                totals[signal ? 1 : 0] += self.weights[row]
            }
        }
        for i in weights.indices {
            let t = totals[isSignal[i] ? 1 : 0]
            weights[i] = t > 0 ? weights[i] / t : 0
        }
        return (values, weights)
    }
}

extension PoolPartition {
    /// The template source of `role`.
    public func source(role: Int, context: TrainingContext) -> TemplateSource {
        TemplateSource(context: context, rows: rows[role], scale: scale(role: role, pool: context.pool))
    }
}
