import Foundation

/// What a simulated pool is: a root seed, the rows of each process (cut into seeded blocks) and
/// the yields its weights carry.
///
/// The determinism rule: the rows of process `p` are cut, in order, into blocks of
/// ``blockRows`` rows (default ``defaultBlockRows``; the last one shorter); block `b` of
/// process `p` is generated from the seed
/// ```
/// SeedDerivation.derive(seed, .simulator, p.code, b)
/// ```
/// alone, and the pool holds the blocks process by process (htautau, ztautau, ttbar, diboson, the
/// order of `PhysicsProcess.code`), each process's blocks in order. So the pool's bytes depend on
/// (simulator version, seed, rows per process, yields, block rows) only: not on the number of
/// workers nor on the order they finish. Asking for more rows of a process keeps its first rows.
///
/// Weights: every row of process `p` has the weight `yields[p] / rows[p]` (Float32), so the
/// weights of a process sum to its yield: the expected events of one pseudo-experiment at mu = 1
/// at the challenge spec's reference luminosity (``ChallengeSpec/Yields``; 10 fb^-1 for
/// `fair-universe-2024`).
public struct SimulationPlan: Sendable, Equatable {
    /// Rows per block by default (2^16): large enough to amortise a block's set-up, small
    /// enough that a few blocks per worker stay in memory (~8 MB each).
    public static let defaultBlockRows = 65_536

    /// The root seed.
    public var seed: UInt64
    /// Rows of each process.
    public var rows: ProcessRows
    /// Expected events of each process (the sum of its weights).
    public var yields: PerProcess<Double>
    /// The luminosity (fb^-1) at which ``yields`` are quoted.
    public var yieldLuminosity: Double
    /// Rows per block.
    public var blockRows: Int
    /// Whether the seed is a sealed collection's secret (``SetKeys/poolSeed``): its cached file
    /// is then named by a hash instead of the seed (``SimulatedPool/fileName(for:)``). Not part
    /// of the pool's bytes.
    public var hidesSeed = false
    /// The effects of a challenge variant's domain shift (``EvaluationShift``), applied to the
    /// simulated rows by ``DomainShift``; empty for a nominal pool (and for the closure variant,
    /// whose pool is the nominal one).
    public var shift: [EvaluationShift.Effect] = []

    /// The plan of the same pool without its shift: the nominal pool a shifted one is made from.
    public var nominal: SimulationPlan {
        var plan = self
        plan.shift = []
        return plan
    }

    public init(seed: UInt64, rows: ProcessRows, yields: PerProcess<Double>, yieldLuminosity: Double,
                blockRows: Int = defaultBlockRows) {
        precondition(blockRows >= 1, "blockRows must be positive, got \(blockRows)")
        self.seed = seed
        self.rows = rows
        self.yields = yields
        self.yieldLuminosity = yieldLuminosity
        self.blockRows = blockRows
    }

    /// A plan whose weights carry the yields of `spec` at its reference luminosity.
    public init(seed: UInt64, rows: ProcessRows, spec: ChallengeSpec, blockRows: Int = defaultBlockRows) {
        self.init(seed: seed, rows: rows,
                  yields: PerProcess<Double> { spec.yields.expectedEvents[$0] ?? 0 },
                  yieldLuminosity: spec.yields.referenceLuminosity, blockRows: blockRows)
    }

    /// `total` rows split by ``PerProcess/split(total:)``, yields of `spec`.
    public init(seed: UInt64, events total: Int, spec: ChallengeSpec, blockRows: Int = defaultBlockRows) throws {
        self.init(seed: seed, rows: try ProcessRows.split(total: total), spec: spec, blockRows: blockRows)
    }

    /// `events` rows of the default split whose weights sum to 1 per process: events for
    /// benchmarks and tests, which need realistic rows but no challenge yields.
    public static func unitYields(seed: UInt64, events: Int, blockRows: Int = defaultBlockRows) throws -> SimulationPlan {
        SimulationPlan(seed: seed, rows: try ProcessRows.split(total: events), yields: PerProcess(repeating: 1),
                       yieldLuminosity: 10, blockRows: blockRows)
    }

    /// One block of the plan.
    public struct Block: Sendable, Equatable {
        public var process: PhysicsProcess
        /// Index of the block within its process.
        public var index: Int
        /// Index of the block's first row within its process.
        public var firstRow: Int
        public var rows: Int
        public var seed: UInt64
    }

    /// The blocks, in pool order.
    public var blocks: [Block] {
        var out: [Block] = []
        for process in PhysicsProcess.allCases.sorted() {
            let n = rows[process]
            var index = 0, first = 0
            while first < n {
                let count = min(blockRows, n - first)
                out.append(Block(process: process, index: index, firstRow: first, rows: count,
                                 seed: SeedDerivation.derive(seed, .simulator, Int(process.code), index)))
                index += 1
                first += count
            }
        }
        return out
    }

    /// The weight of every row of `process`: its yield over its rows (Float32).
    public func weight(of process: PhysicsProcess) -> Float {
        Float(yields[process] / Double(max(1, rows[process])))
    }
}
