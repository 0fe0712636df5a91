import Foundation

/// The built-in event generator: the physics of the four processes and the detector, producing
/// blocks of FAIR Universe events (16 primary features, 12 derived features, weight, process).
///
/// A block is a function of its seed only: candidates are drawn from one ``SeededGenerator`` (by
/// a ``SelectionStream``: a batch at a time for the single-boson processes) until `rows` of them
/// pass the selection; each selected candidate is recorded by the ``Detector``,
/// and the derived features are computed from the recorded (rounded) primary values exactly as
/// ``DerivedFeatures`` computes them for a file that carries no DER columns (``RecordedAngles``).
///
/// ```swift
/// let block = ProcessGenerator.standard.block(of: .ztautau, rows: 1000, seed: 42, weight: 1002.395)
/// ```
public struct ProcessGenerator: Sendable, Equatable {
    public var detector: Detector
    public var htautau: BosonProduction
    public var ztautau: BosonProduction
    public var ttbar: TopPairProduction
    public var diboson: DibosonProduction

    /// The physics the simulator version ``EventSimulator/version`` stands for.
    public static let standard = ProcessGenerator(
        detector: .standard, htautau: .htautau, ztautau: .ztautau, ttbar: .standard, diboson: .standard)

    public init(detector: Detector, htautau: BosonProduction, ztautau: BosonProduction,
                ttbar: TopPairProduction, diboson: DibosonProduction) {
        self.detector = detector
        self.htautau = htautau; self.ztautau = ztautau; self.ttbar = ttbar; self.diboson = diboson
    }

    /// A generated block and what it cost.
    public struct Block: Sendable {
        /// The events (all of one process, all with the same weight).
        public var table: EventTable
        /// Candidates drawn to select the block's rows (selection efficiency = rows / candidates).
        public var candidates: Int
    }

    /// `rows` selected events of `process`, every one with weight `weight`, from `seed`.
    public func block(of process: PhysicsProcess, rows: Int, seed: UInt64, weight: Float) -> Block {
        precondition(rows >= 0, "rows must be non-negative, got \(rows)")
        let chain = DecayChain(detector: detector)
        switch process {
        case .htautau: return block(of: process, rows: rows, seed: seed, weight: weight, BosonBatch(htautau, chain: chain))
        case .ztautau: return block(of: process, rows: rows, seed: seed, weight: weight, BosonBatch(ztautau, chain: chain))
        case .ttbar:
            return block(of: process, rows: rows, seed: seed, weight: weight, CandidateLoop(source: ttbar, chain: chain, process: process))
        case .diboson:
            return block(of: process, rows: rows, seed: seed, weight: weight, CandidateLoop(source: diboson, chain: chain, process: process))
        }
    }

    /// Most consecutive rejected candidates before the configuration is declared unable to
    /// select anything (the standard one selects 1 in ~12 at worst).
    static let maximumConsecutiveRejections = 10_000_000

    /// Rows recorded together in a small row-major tile before they go to the columns: writing
    /// each row straight into 28 columns far apart in memory costs a cache miss per value.
    static let tileRows = 64

    /// ``block(of:rows:seed:weight:)`` with the selected events of `stream` (tests compare
    /// streams).
    func block<Stream: SelectionStream>(of process: PhysicsProcess, rows: Int, seed: UInt64, weight: Float,
                                        _ stream: Stream) -> Block {
        let chain = DecayChain(detector: detector)
        let featureCount = Feature.allCases.count
        precondition(Feature.primary.map(\.index) == Array(0..<16) && Feature.derived.map(\.index) == Array(16..<28),
                     "the record order of the features changed: Detector.record and deriveFeatures assume it")
        var rng = SeededGenerator(seed: seed)
        var stream = stream
        let angles = RecordedAngles.shared
        var event = CandidateEvent()
        var candidates = 0
        var columns = [[Float]](repeating: [Float](repeating: 0, count: rows), count: featureCount)
        let tileRows = ProcessGenerator.tileRows
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: featureCount * tileRows)
        defer { tile.deallocate() }
        var start = 0
        while start < rows {
            let count = min(tileRows, rows - start)
            for row in 0..<count {
                candidates += stream.next(&event, &rng)
                detector.record(event, &rng, chain.math, into: tile + row, stride: tileRows)
                angles.deriveFeatures(tile + row, stride: tileRows)
            }
            for f in 0..<featureCount {
                columns[f].withUnsafeMutableBufferPointer { column in
                    (column.baseAddress! + start).update(from: tile + f * tileRows, count: count)
                }
            }
            start += count
        }
        let table = EventTable(columns: columns,
                               weights: [Float](repeating: weight, count: rows),
                               processCodes: [UInt8](repeating: process.code, count: rows))
        return Block(table: table, candidates: candidates)
    }
}
