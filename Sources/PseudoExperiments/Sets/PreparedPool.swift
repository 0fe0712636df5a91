import Foundation

/// A pool of weighted events made ready for drawing pseudo-experiments: its sampler, its
/// prepared events packed as records, its process counts and its content digest.
///
/// Built once per pool (O(rows)); every pseudo-experiment then costs O(its events)
/// (``PseudoExperimentGenerator``). The pool's table itself is not kept: a pool file is read
/// block by block into the records, so the peak memory is about
/// ```
/// 64 B (records) + 12 B (sampler) + 5 B (weights and process codes, while building) per row
/// ```
/// against 117 B per row for the pool's raw columns.
///
/// ```swift
/// let pool = try PreparedPool.load(contentsOf: URL(fileURLWithPath: "pool.fuqpool"))
/// pool.digest          // recorded in set manifests
/// pool.rowCounts       // rows per process
/// ```
public final class PreparedPool: @unchecked Sendable {
    /// Rows of the pool.
    public let rowCount: Int
    /// Rows per process.
    public let rowCounts: [PhysicsProcess: Int]
    /// The sum of the weights per process: expected events at the luminosity the weights are
    /// quoted at (the spec's `yields.luminosity_fb_inverse` for a challenge pool).
    public let weightSums: [PhysicsProcess: Double]
    /// The sum of the squared weights (for ``adequacy(expectedEvents:)``).
    public let sumSquaredWeights: Double
    /// The fingerprint of the pool's content.
    public let digest: PoolDigest
    /// The pool file's metadata (a JSON object; `{}` for a pool built from a table).
    public let metadataJSON: Data
    /// Draws the rows of pseudo-experiments.
    public let sampler: PoolSampler
    /// The prepared events, one record per row (internal layout).
    let records: PoolRecords

    fileprivate init(rowCount: Int, rowCounts: [PhysicsProcess: Int], weightSums: [PhysicsProcess: Double],
                     sumSquaredWeights: Double, digest: PoolDigest, metadataJSON: Data,
                     sampler: PoolSampler, records: PoolRecords) {
        self.rowCount = rowCount
        self.rowCounts = rowCounts
        self.weightSums = weightSums
        self.sumSquaredWeights = sumSquaredWeights
        self.digest = digest
        self.metadataJSON = metadataJSON
        self.sampler = sampler
        self.records = records
    }

    /// The pool of the rows of `table`.
    ///
    /// Every process in `required` must have a row of positive weight (``SamplingError``);
    /// a value the records cannot hold exactly is refused (``SetError``).
    public convenience init(_ table: EventTable,
                            requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases)) throws {
        let builder = try Builder(capacity: table.count)
        try builder.append(table)
        let pool = try builder.finish(requiring: required)
        self.init(rowCount: pool.rowCount, rowCounts: pool.rowCounts, weightSums: pool.weightSums,
                  sumSquaredWeights: pool.sumSquaredWeights, digest: pool.digest, metadataJSON: pool.metadataJSON,
                  sampler: pool.sampler, records: pool.records)
    }

    /// Reads a pool file and prepares it: a binary pool (`pool-format-v1.md`) block by block,
    /// every checksum verified (a damaged or truncated file is refused with the ``PoolError``
    /// that says where), a Parquet file (`part` of it, weights rescaled to `sumWeights` when
    /// given: imported once into the cache, ``ParquetImport``), or a CSV event file
    /// (``EventDataError`` names the line and column of bad input); recognised by content.
    ///
    /// Errors in the rows (a missing process, a bad weight, a value the records cannot hold)
    /// are reported as ``SetError/unusablePool(file:reason:)``.
    public static func load(contentsOf url: URL,
                            requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases),
                            part: ParquetEvents.Part = .all, sumWeights: Double? = nil) throws -> PreparedPool {
        var url = url
        switch EventFile.format(of: url) {
        case .csv:
            let table = try EventTable.readCSV(from: url).table
            do { return try PreparedPool(table, requiring: required) } catch {
                throw SetError.unusablePool(file: url.path, reason: "\(error)")
            }
        case .parquet:
            url = try ParquetImport.cached(url, part: part, sumWeights: sumWeights).url
        case .pool:
            break
        }
        let reader = try PoolReader(url: url)
        do {
            let builder = try Builder(capacity: reader.rowCount)
            try reader.forEachBlock { _, block in try builder.append(block) }
            return try builder.finish(metadataJSON: reader.metadataJSON, requiring: required)
        } catch let error as PoolError {
            throw error
        } catch {
            throw SetError.unusablePool(file: url.path, reason: "\(error)")
        }
    }

    /// Bytes held by the records and the sampler.
    public var memoryBytes: Int { records.memoryBytes + sampler.memoryBytes }

    /// The process of pool row `row` (harness-only).
    public func process(ofRow row: Int) -> PhysicsProcess {
        // Codes were checked when the pool was built.
        PhysicsProcess(code: records.processCode(row))!
    }

    /// How large the pool is against a pseudo-experiment expecting `expectedEvents` events at
    /// nominal values, and the coverage its finite size costs (``PoolAdequacy``).
    public func adequacy(expectedEvents: Double) throws -> PoolAdequacy {
        try PoolAdequacy(poolRows: rowCount, sumWeights: weightSums.values.reduce(0, +),
                         sumSquaredWeights: sumSquaredWeights, expectedEvents: expectedEvents)
    }

    /// Builds a prepared pool from tables appended in row order.
    public final class Builder {
        private let records: PoolRecords
        private var digest = PoolDigest.Builder()
        private var weights: [Float] = []
        private var processCodes: [UInt8] = []
        private var sumSquares = 0.0

        /// A builder for at most `capacity` rows; more than 32-bit row indices address is refused
        /// (``SamplingError/tooManyRows(_:)``).
        public init(capacity: Int) throws {
            guard capacity <= Int(Int32.max) else { throw SamplingError.tooManyRows(capacity) }
            records = PoolRecords(capacity: max(0, capacity))
            weights.reserveCapacity(capacity)
            processCodes.reserveCapacity(capacity)
        }

        /// Rows appended so far.
        public var count: Int { weights.count }

        /// Prepares and appends the rows of `table`.
        public func append(_ table: EventTable) throws {
            precondition(count + table.count <= records.capacity,
                         "\(count + table.count) rows exceed the builder's capacity \(records.capacity)")
            if let bad = table.processCodes.firstIndex(where: { PhysicsProcess(code: $0) == nil }) {
                throw SamplingError.unknownProcessCode(row: count + bad, code: table.processCodes[bad])
            }
            try records.append(PreparedEvents(table), processCodes: table.processCodes, firstRow: count)
            digest.append(table)
            for w in table.weights { sumSquares += Double(w) * Double(w) }
            weights.append(contentsOf: table.weights)
            processCodes.append(contentsOf: table.processCodes)
        }

        /// The prepared pool. Builds the sampler (``SamplingError`` for bad weights or a
        /// process of `required` without rows of positive weight).
        public func finish(metadataJSON: Data = Data("{}".utf8),
                           requiring required: Set<PhysicsProcess> = Set(PhysicsProcess.allCases)) throws -> PreparedPool {
            let sampler = try PoolSampler(weights: weights, processCodes: processCodes, requiring: required)
            let counts = sampler.rowCounts
            let sums = sampler.weightSums
            let rows = weights.count
            weights = []
            processCodes = []
            return PreparedPool(rowCount: rows, rowCounts: counts, weightSums: sums, sumSquaredWeights: sumSquares,
                                digest: digest.finish(), metadataJSON: metadataJSON, sampler: sampler, records: records)
        }
    }
}
