/// The systematics transform applied to a whole event table (for files and one-off runs; a sampler
/// prepares its pool once and gathers batches from it instead).
extension EventTable {
    /// The rows that survive the transform at `shift`, with their weights and processes, and for
    /// each the 0-based row of this table it came from. Soft-MET noise is drawn from `noise` as
    /// ``PreparedEvents/apply(_:noise:into:)`` documents (one Gaussian pair per row, in row order).
    public func applyingSystematics(_ shift: SystematicShift,
                                    noise: inout SeededGenerator) -> (table: EventTable, sourceRows: [Int]) {
        let out = PreparedEvents(self).applying(shift, noise: &noise)
        return (out.table(weightsAndProcessesFrom: self), out.sourceRows.map { Int($0) })
    }
}
