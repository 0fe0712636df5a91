/// The rows of a sealed view traced back to the pool: for the harness only (tests, diagnostics,
/// an oracle baseline), never handed to an estimator.
///
/// Row `i` of the view is pool row `poolRows[i]` of process `processCodes[i]`; a pool row drawn
/// twice appears twice (each copy with its own soft-MET noise).
public struct RowProvenance: Sendable, Equatable {
    /// The pool row of each view row.
    public let poolRows: [Int32]
    /// The process code (``PhysicsProcess/code``) of each view row.
    public let processCodes: [UInt8]

    public init(poolRows: [Int32], processCodes: [UInt8]) {
        precondition(poolRows.count == processCodes.count,
                     "\(poolRows.count) pool rows but \(processCodes.count) process codes")
        self.poolRows = poolRows
        self.processCodes = processCodes
    }

    /// The process of view row `row`.
    public func process(at row: Int) -> PhysicsProcess {
        // Codes come from a checked pool.
        PhysicsProcess(code: processCodes[row])!
    }

    /// View rows per process.
    public var rowCounts: [PhysicsProcess: Int] {
        var counts = [Int](repeating: 0, count: PhysicsProcess.allCases.count)
        for c in processCodes { counts[Int(c)] += 1 }
        var out: [PhysicsProcess: Int] = [:]
        for p in PhysicsProcess.allCases { out[p] = counts[Int(p.code)] }
        return out
    }
}
