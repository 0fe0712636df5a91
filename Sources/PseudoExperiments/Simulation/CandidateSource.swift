/// A source of candidate events of one process: draws the hard process, its decays and its
/// radiation, up to the detector's selection.
///
/// ```swift
/// struct WPairsAtRest: CandidateSource {
///     func candidate(_ event: inout CandidateEvent, _ chain: DecayChain, _ rng: inout SeededGenerator) -> Bool {
///         event.reset()
///         let (w1, w2) = FourMomentum(mass: 200, px: 0, py: 0)
///             .twoBodyDecay(mass: 200, into: 80.4, 80.4, direction: rng.nextUnitVector(chain.math))
///         var rapidity = DecayChain.LazyRapidity(width: 1)
///         return chain.leptonicW(w1, mass: 80.4, viaTau: 0, &event, &rapidity, &rng)
///             && chain.hadronicW(w2, mass: 80.4, fake: 0, &event, &rapidity, &rng)
///     }
/// }
/// ```
/// A conformer resets `event`, fills it and returns true when the lepton and the hadronic tau
/// passed the selection (the jets and the missing momentum are measured afterwards by
/// ``Detector``); it returns false, possibly early, otherwise. Every draw comes from `rng`, so a
/// block of candidates is a function of its seed.
protocol CandidateSource: Sendable {
    func candidate(_ event: inout CandidateEvent, _ chain: DecayChain, _ rng: inout SeededGenerator) -> Bool
}
