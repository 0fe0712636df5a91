import Foundation

/// A jet at generator level: an initial-state emission or a quark from a decay.
struct TruthJet: Sendable {
    var pt: Double
    var eta: Double
    /// The azimuth, and its cosine and sine.
    var phi: Double
    var cosPhi: Double
    var sinPhi: Double

    @inline(__always)
    init(pt: Double, eta: Double, phi: Double, cosPhi: Double, sinPhi: Double) {
        self.pt = pt; self.eta = eta; self.phi = phi; self.cosPhi = cosPhi; self.sinPhi = sinPhi
    }

    /// The jet of a quark's four-momentum (massless jet: pt, pseudorapidity and azimuth kept).
    @inline(__always)
    init(_ p: FourMomentum, _ math: SimulatorMath) {
        let pt = max(p.pt, 1e-9)   // a quark exactly along the beam: a lost jet, not a NaN
        self.init(pt: pt, eta: math.asinh(p.pz / pt), phi: math.atan2(p.py, p.px),
                  cosPhi: p.px / pt, sinPhi: p.py / pt)
    }
}

/// The generator-level jets of one candidate: a growable buffer that is reused for every
/// candidate of a block (emptying it costs nothing, appending allocates only past the largest
/// event so far).
final class JetList {
    private var storage: UnsafeMutablePointer<TruthJet>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    subscript(i: Int) -> TruthJet {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    @inline(__always)
    func append(_ jet: TruthJet) {
        if count == capacity { grow() }
        (storage + count).initialize(to: jet)
        count += 1
    }

    @inline(__always)
    func removeAll() { count = 0 }

    private func grow() {
        let bigger = UnsafeMutablePointer<TruthJet>.allocate(capacity: 2 * capacity)
        bigger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }
}

/// A lepton or hadronic tau as the detector measured it.
struct MeasuredObject: Sendable {
    /// The recorded transverse momentum.
    var pt: Double
    /// The transverse momentum the missing-momentum balance counts for it (see ``Detector``).
    var balancePt: Double
    /// `pz / pt` of the true direction (`eta = asinh` of it, computed for recorded events only).
    var pzOverPt: Double
    var cosPhi: Double
    var sinPhi: Double

    static let none = MeasuredObject(pt: 0, balancePt: 0, pzOverPt: 0, cosPhi: 1, sinPhi: 0)
}

/// One event on its way through the simulator: a selected lepton and hadronic tau (already
/// measured), the generator-level jets and the true invisible momentum.
///
/// One instance is reused for every candidate of a block (its jet buffer keeps its capacity),
/// so generating an event allocates nothing. It belongs to one thread.
struct CandidateEvent {
    /// The measured lepton (electron or muon).
    var lepton = MeasuredObject.none
    /// The measured hadronic tau (a true tau's visible decay, or a jet taken for one).
    var tau = MeasuredObject.none
    /// All jets at generator level, measured or not.
    let jets = JetList()
    /// Transverse momentum of the neutrinos.
    var invisibleX = 0.0
    var invisibleY = 0.0

    init() {}

    /// Forgets the previous candidate, keeping the buffers.
    @inline(__always)
    mutating func reset() {
        jets.removeAll()
        invisibleX = 0; invisibleY = 0
    }

    /// Adds the transverse momentum of an invisible particle (or system of them).
    @inline(__always)
    mutating func addInvisible(_ p: FourMomentum) {
        invisibleX += p.px; invisibleY += p.py
    }
}
