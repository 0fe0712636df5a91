import Foundation

/// The candidates of a single-boson process (``BosonProduction``), drawn a batch at a time.
///
/// Most candidates die early: nine Z candidates in ten fail the lepton bounds of
/// ``DecayChain`` before their lepton is even measured. One at a time, each decision waits on a
/// long chain (radiation, mass, boson energy, lepton energy, bound) and then goes the
/// unpredicted way half the time, so a rejected candidate costs the chain's whole latency. Here
/// the first two stages run over a batch of ``size`` candidates in loops that record each
/// decision instead of branching on it, so the processor overlaps the candidates' chains; only
/// the survivors go on, one at a time, to be measured:
/// ```
/// stage 1, every candidate:      radiation, mass, lepton's rest-frame energy and cosine,
///                                bound before the decay angles      (about half pass for Z)
/// stage 2, stage-1 survivors:    decay angles, taus, bound in the tau's frame (a quarter)
/// stage 3, in order, one by one: lepton, rapidity, detector, hadronic tau (a tenth selected)
/// ```
/// Every candidate has its own independent draws, as one at a time, so the selected events
/// have the same distribution; only the order in which the generator's numbers are used
/// differs. The candidate count of a selected event is its position in the batch sequence
/// minus that of the previous one, as if the candidates were drawn one by one.
final class BosonBatch: SelectionStream {
    /// Candidates per batch.
    static let size = 64

    let production: BosonProduction
    let chain: DecayChain

    // Stage 1, per candidate of the batch.
    private let recoilX: UnsafeMutablePointer<Double>
    private let recoilY: UnsafeMutablePointer<Double>
    private let mass: UnsafeMutablePointer<Double>
    private let lepton: UnsafeMutablePointer<TauDecay.RestFrameDaughter>
    /// The random bits of each candidate's mass and lepton, drawn before the arithmetic.
    private let massBits: UnsafeMutablePointer<UInt32>
    private let leptonBits: UnsafeMutablePointer<UInt64>
    /// The emissions of candidate i are `jets[jetStart[i] ..< jetStart[i + 1]]`.
    private let jetStart: UnsafeMutablePointer<Int>
    private let jets: JetList
    // Stage 2, per stage-1 survivor (indexed by candidate).
    private let tau1: UnsafeMutablePointer<FourMomentum>
    private let tau2: UnsafeMutablePointer<FourMomentum>
    /// Candidates that passed stage 1, then those that passed stage 2, in order.
    private let passed1: UnsafeMutablePointer<Int>
    private let passed2: UnsafeMutablePointer<Int>
    private var count2 = 0
    /// The next stage-2 survivor to measure.
    private var cursor = 0
    /// Index of the batch's first candidate in the block's candidate sequence.
    private var batchStart = -BosonBatch.size
    /// Index just after the previous selected candidate.
    private var selectedEnd = 0

    init(_ production: BosonProduction, chain: DecayChain) {
        self.production = production
        self.chain = chain
        let n = BosonBatch.size
        recoilX = .allocate(capacity: n); recoilY = .allocate(capacity: n); mass = .allocate(capacity: n)
        lepton = .allocate(capacity: n)
        massBits = .allocate(capacity: n); leptonBits = .allocate(capacity: n)
        jetStart = .allocate(capacity: n + 1)
        jets = JetList(capacity: n * 4)
        tau1 = .allocate(capacity: n); tau2 = .allocate(capacity: n)
        passed1 = .allocate(capacity: n); passed2 = .allocate(capacity: n)
    }

    deinit {
        recoilX.deallocate(); recoilY.deallocate(); mass.deallocate(); lepton.deallocate()
        massBits.deallocate(); leptonBits.deallocate()
        jetStart.deallocate(); tau1.deallocate(); tau2.deallocate(); passed1.deallocate(); passed2.deallocate()
    }

    func next(_ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Int {
        while true {
            while cursor == count2 {
                drawBatch(&rng)
                precondition(batchStart + BosonBatch.size - selectedEnd < ProcessGenerator.maximumConsecutiveRejections,
                             "the single-boson generator selected nothing in \(batchStart + BosonBatch.size - selectedEnd) candidates: check the detector cuts")
            }
            let i = passed2[cursor]
            cursor += 1
            if measure(i, &event, &rng) {
                let end = batchStart + i + 1
                defer { selectedEnd = end }
                return end - selectedEnd
            }
        }
    }

    /// Stages 1 and 2 for a new batch.
    private func drawBatch(_ rng: inout SeededGenerator) {
        batchStart += BosonBatch.size
        let radiation = production.radiation, lineShape = production.lineShape
        let math = chain.math
        // Stage 1, in two loops: the draws (and the radiation, whose length varies), then the
        // arithmetic of the bound, with independent iterations and no branch on the outcome
        // (survivors are written to `passed1` unconditionally and kept by advancing the count).
        jets.removeAll()
        for i in 0..<BosonBatch.size {
            jetStart[i] = jets.count
            let (high, low) = rng.nextHalves()
            let recoil = radiation.emit(count: radiation.emissionCount(bits: high), into: jets, &rng, math)
            recoilX[i] = recoil.x; recoilY[i] = recoil.y
            massBits[i] = low
            leptonBits[i] = rng.next()
        }
        jetStart[BosonBatch.size] = jets.count
        var count1 = 0
        for i in 0..<BosonBatch.size {
            let m = lineShape.sample(bits: massBits[i], math)
            mass[i] = m
            let l = chain.taus.leptonicDaughter(bits: leptonBits[i])
            lepton[i] = l
            let pass = chain.leptonMayPass(l, fromTauPairOf: FourMomentum(mass: m, px: recoilX[i], py: recoilY[i]))
            passed1[count1] = i
            count1 += pass ? 1 : 0
        }
        // Stage 2.
        count2 = 0
        for k in 0..<count1 {
            let i = passed1[k]
            let boson = FourMomentum(mass: mass[i], px: recoilX[i], py: recoilY[i])
            let (t1, t2) = chain.tauPair(of: boson, mass: mass[i], angles: production.angles, &rng)
            tau1[i] = t1; tau2[i] = t2
            let pass = lepton[i].mayExceed(chain.limits.leptonEnergyFloor, in: FlightFrame(t1, mass: TauDecay.mass))
            passed2[count2] = i
            count2 += pass ? 1 : 0
        }
        cursor = 0
    }

    /// Stage 3: measures candidate `i` and, if it is selected, fills `event`.
    private func measure(_ i: Int, _ event: inout CandidateEvent, _ rng: inout SeededGenerator) -> Bool {
        event.reset()
        var rapidity = DecayChain.LazyRapidity(width: production.rapidityWidth)
        let t1 = tau1[i]
        guard chain.leptonicTau(t1, FlightFrame(t1, mass: TauDecay.mass), lepton[i], &event, &rapidity, &rng),
              chain.hadronicTau(tau2[i], &event, &rapidity, &rng) else { return false }
        for j in jetStart[i]..<jetStart[i + 1] { event.jets.append(jets[j]) }
        production.radiation.drawRapidities(event.jets, count: jetStart[i + 1] - jetStart[i], &rng)
        return true
    }
}
