/// The selected events of one block, drawn one after the other from the block's generator.
///
/// ```swift
/// var stream = CandidateLoop(source: TopPairProduction.standard, chain: chain)
/// let drawn = stream.next(&event, &rng)   // event now holds a selected candidate
/// ```
/// A stream may draw candidates ahead (``BosonBatch``), so only the sequence of events it
/// returns, not the order of its random draws, corresponds to a candidate-by-candidate loop; it
/// is a function of the generator's seed all the same, and a shorter block is the start of a
/// longer one.
protocol SelectionStream {
    /// Fills `event` with the next candidate that passes the selection and returns how many
    /// candidates were drawn for it (the rejected ones and itself).
    mutating func next(_ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Int
}

/// Candidates drawn one at a time from a ``CandidateSource`` until one passes.
struct CandidateLoop<Source: CandidateSource>: SelectionStream {
    let source: Source
    let chain: DecayChain
    let process: PhysicsProcess

    mutating func next(_ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Int {
        var drawn = 1
        while !source.candidate(&event, chain, &rng) {
            drawn += 1
            precondition(drawn < ProcessGenerator.maximumConsecutiveRejections,
                         "the \(process.rawValue) generator selected nothing in \(drawn) candidates: check the detector cuts")
        }
        return drawn
    }
}
