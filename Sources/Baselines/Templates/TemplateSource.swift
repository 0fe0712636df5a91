import PseudoExperiments

/// Rows of the training pool prepared for the transform, with the weight each carries in a
/// template: the pool's weight times its process's scale (see ``PoolPartition``).
///
/// Histograms are taken at any nuisance values by transforming the rows
/// (``histograms(of:at:noiseSeed:)``). Soft-MET noise comes from a generator seeded afresh
/// with the same seed at every call: each row gets the same Gaussian pair at every soft-MET
/// width, so templates at neighbouring widths differ by the smearing, not by new noise.
public struct TemplateSource: Sendable {
    /// The prepared rows (their `sourceRows` are rows of the pool).
    public let prepared: PreparedEvents
    /// Per pool row, its template weight (0 for rows not in the source).
    public let weights: [Double]
    /// Per pool row, its process code.
    public let processCodes: [UInt8]
    /// Rows per process code in the source.
    public let rowCounts: [Int]

    /// The rows `rows` of the context's pool, weights scaled per process by `scale`.
    public init(context: TrainingContext, rows: [Int32], scale: [Double]) {
        prepared = context.prepared.gather(rows)
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

    /// The rows transformed at `shift`.
    public func transformed(at shift: SystematicShift, noiseSeed: UInt64) -> TransformedEvents {
        var noise = SeededGenerator(seed: noiseSeed)
        return prepared.applying(shift, noise: &noise)
    }

    /// The histograms of `binning` at `shift`.
    public func histograms(of binning: some EventBinning, at shift: SystematicShift, noiseSeed: UInt64) -> Histograms {
        histograms(of: binning, in: transformed(at: shift, noiseSeed: noiseSeed))
    }

    /// The histograms of `binning` over already transformed rows of this source.
    public func histograms(of binning: some EventBinning, in events: TransformedEvents) -> Histograms {
        var h = Histograms(bins: binning.binCount)
        let bins = binning.bins(of: events)
        for (j, source) in events.sourceRows.enumerated() {
            let b = Int(bins[j])
            guard b >= 0 else { continue }
            let row = Int(source), code = Int(processCodes[row]), w = weights[row]
            h.sums[code][b] += w
            h.squares[code][b] += w * w
        }
        return h
    }
}
