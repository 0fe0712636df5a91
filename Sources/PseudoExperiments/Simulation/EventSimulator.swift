import Foundation

/// The built-in event simulator: generates a ``SimulationPlan`` on all cores and streams it to a
/// pool file or a CSV file, block by block, so pools far larger than memory can be made.
///
/// ```swift
/// let plan = try SimulationPlan(seed: 42, events: 1_000_000, spec: .builtin(named: "fair-universe-2024"))
/// let summary = try EventSimulator.write(plan, to: URL(fileURLWithPath: "pool.fuqpool"))
/// ```
/// Blocks are generated in parallel and written in plan order, so the file's bytes are the same
/// for any number of workers (see ``SimulationPlan`` for the seeding rule).
public enum EventSimulator {
    /// Version of the simulated physics and of what it writes: part of every pool's metadata and
    /// of the cache key (``SimulatedPool``). Bump it whenever the output bytes for a given seed
    /// and rows change.
    ///
    /// History (the distributions, that is the physics, are the same in every version; only the
    /// way the random numbers are drawn changes the bytes):
    /// - 1: first release.
    /// - 2: faster draws (32-bit direction and mass uniforms, table-based azimuths, tangents and
    ///   power laws, daughters drawn about their parent's flight with the azimuth last),
    ///   rejection of hopeless candidates before their decay angles are drawn.
    public static let version = 2

    /// Worker threads used by default: the active processor count.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// What a generation did.
    public struct Summary: Sendable, Equatable {
        /// Rows generated per process.
        public var rows: ProcessRows
        /// Candidates drawn per process (the selection kept `rows` of them).
        public var candidates: ProcessRows
        /// Wall-clock seconds, generation and writing together.
        public var seconds: Double

        /// Selected events per second of wall-clock time.
        public var eventsPerSecond: Double { seconds > 0 ? Double(rows.total) / seconds : 0 }

        /// The fraction of candidates the selection kept, for `process`.
        public func efficiency(of process: PhysicsProcess) -> Double {
            candidates[process] > 0 ? Double(rows[process]) / Double(candidates[process]) : 0
        }
    }

    /// The metadata stored in a simulated pool file.
    public struct Metadata: Codable, Equatable, Sendable {
        /// Always ``generatorName``.
        public var generator: String
        public var simulatorVersion: Int
        public var seed: UInt64
        public var rows: ProcessRows
        /// Sum of weights per process.
        public var yields: PerProcess<Double>
        /// The luminosity (fb^-1) at which ``yields`` are quoted.
        public var yieldLuminosity: Double
        public var blockRows: Int
        /// A variant's domain shift applied to the rows (absent from a nominal pool's metadata,
        /// whose bytes are therefore those of a build without variants).
        public var shift: [EvaluationShift.Effect]?

        public static let generatorName = "fair-uq-bench built-in simulator"

        /// The metadata of a pool made from `plan` by this build.
        public init(plan: SimulationPlan) {
            generator = Metadata.generatorName
            simulatorVersion = EventSimulator.version
            seed = plan.seed
            rows = plan.rows
            yields = plan.yields
            yieldLuminosity = plan.yieldLuminosity
            blockRows = plan.blockRows
            shift = plan.shift.isEmpty ? nil : plan.shift
        }
    }

    /// Generates the plan's blocks with `workers` threads and calls `body` with each, in plan
    /// order, on the calling thread.
    public static func generate(_ plan: SimulationPlan, workers: Int = defaultWorkers,
                                _ body: (SimulationPlan.Block, ProcessGenerator.Block) throws -> Void) throws {
        try generate(plan, workers: workers, blockSource: { b, weight in
            ProcessGenerator.standard.block(of: b.process, rows: b.rows, seed: b.seed, weight: weight)
        }, body)
    }

    /// ``generate(_:workers:_:)`` with the blocks made by `blockSource` (benchmarks
    /// time it).
    static func generate(_ plan: SimulationPlan, workers: Int,
                         blockSource: @escaping @Sendable (SimulationPlan.Block, Float) -> ProcessGenerator.Block,
                         _ body: (SimulationPlan.Block, ProcessGenerator.Block) throws -> Void) throws {
        let blocks = plan.blocks
        let weights = PerProcess<Float> { plan.weight(of: $0) }
        try OrderedPipeline.run(count: blocks.count, workers: max(1, workers), window: 2 * max(1, workers),
                                produce: { i in blockSource(blocks[i], weights[blocks[i].process]) },
                                consume: { i, block in try body(blocks[i], block) })
    }

    /// The whole plan as one table in memory (for pools that fit; stream larger ones with
    /// ``write(_:to:workers:)``).
    public static func table(_ plan: SimulationPlan, workers: Int = defaultWorkers) throws -> EventTable {
        var table = EventTable()
        table.reserveCapacity(plan.rows.total)
        try generate(plan, workers: workers) { _, block in table.append(contentsOf: block.table) }
        return table
    }

    /// Generates the plan and writes it to `url`: as CSV with the FAIR Universe columns
    /// (`weights`, `detailed_labels` and `labels` included) if the name ends in `.csv`, otherwise
    /// as a binary pool (``PoolWriter``) with ``Metadata``. The file appears only when complete.
    /// The nominal pool of the plan: a variant's shift is applied by ``SimulatedPool/cached(_:directory:workers:)``.
    @discardableResult
    public static func write(_ plan: SimulationPlan, to url: URL, workers: Int = defaultWorkers) throws -> Summary {
        let plan = plan.nominal
        let start = Date()
        var candidates = ProcessRows(repeating: 0)
        if url.pathExtension.lowercased() == "csv" {
            let writer = try CSVStreamWriter(url: url)
            do {
                try generate(plan, workers: workers) { block, generated in
                    candidates[block.process] += generated.candidates
                    try writer.append(generated.table)
                }
                try writer.finish()
            } catch {
                writer.cancel()
                throw error
            }
        } else {
            let writer = try PoolWriter(url: url)
            do {
                try generate(plan, workers: workers) { block, generated in
                    candidates[block.process] += generated.candidates
                    try writer.append(generated.table)
                }
                try writer.finish(metadata: Metadata(plan: plan))
            } catch {
                writer.cancel()
                throw error
            }
        }
        return Summary(rows: plan.rows, candidates: candidates, seconds: Date().timeIntervalSince(start))
    }
}
