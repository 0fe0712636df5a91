import Foundation

/// The detector: acceptance, momentum resolution, missing transverse momentum and the
/// pre-selection of the FAIR Universe sample.
///
/// An ATLAS-like parametrisation in the spirit of the Delphes card the challenge used; angles are
/// taken as measured exactly (their resolution is far below the features' scales). A response
/// multiplies a true transverse momentum:
/// ```
/// pt_measured = pt_true * scale * (1 + sigma(E, pt) z),   z ~ N(0, 1) truncated to |z| <= 5
/// electrons:  sigma = sqrt(0.10^2 / E + 0.007^2)
/// muons:      sigma = sqrt(0.015^2 + (1e-4 pt)^2)
/// tau jets:   sigma = 0.08, scale 1.06 (the cone collects underlying event; tuned to the sample)
/// jets:       sigma = sqrt(a^2 / E + c^2), a = 1.0, c = 0.05 for |eta| < 3.2 (forward: 1.5, 0.10),
///             floored at 5% of the true pt
/// ```
/// The missing transverse momentum is the neutrinos' plus what the detector lost or mismeasured,
/// plus a soft-term resolution (underlying event and pile-up, per component):
/// ```
/// MET = sum(nu) + sum over measured objects (s pt_true - pt_measured) (cos phi, sin phi)
///       + sum over jets beyond |eta| = 4.9 of pt_true (cos phi, sin phi) + soft term
/// ```
/// where `s = 1` except for the hadronic tau, whose cone the missing-momentum reconstruction
/// counts as `s = 1.15` times its visible pt while the recorded tau pt has the scale 1.06: an
/// effective parameter, tuned with the soft term (`N(0, 7.5 GeV)`) to the sample's MET and
/// `DER_mass_transverse_met_lep` (with `s = 1.06` the MET points too often along the lepton).
/// Pre-selection, as the real sample shows it: a lepton with pt > 20 GeV and |eta| < 2.5, a
/// hadronic tau with pt > 23 GeV and |eta| < 2.5. Jets count (`PRI_n_jets`, `PRI_jet_all_pt`)
/// with pt > 22.5 GeV and |eta| < 4.7.
///
/// Truncating the response at 5 standard deviations changes its distribution by less than 6e-7
/// and gives each object a hard ceiling, so a generator can reject a candidate whose lepton or
/// tau cannot pass before drawing the rest of it.
public struct Detector: Sendable, Equatable {
    public var leptonMinimumPt = 20.0
    public var tauMinimumPt = 23.0
    public var leptonMaximumEta = 2.5
    public var tauMaximumEta = 2.5
    public var jetMinimumPt = 22.5
    public var jetMaximumEta = 4.7
    /// Calorimeter coverage: jets beyond it are lost to the missing momentum.
    public var calorimeterMaximumEta = 4.9

    public var electronStochastic = 0.10
    public var electronConstant = 0.007
    public var muonConstant = 0.015
    public var muonSlope = 1e-4
    public var tauScale = 1.06
    public var tauResolution = 0.08
    /// `s` of the hadronic tau in the missing-momentum balance.
    public var tauMissingMomentumScale = 1.15
    public var jetStochastic = 1.0
    public var jetConstant = 0.05
    public var forwardJetStochastic = 1.5
    public var forwardJetConstant = 0.10
    public var forwardEta = 3.2
    public var softTermResolution = 7.5
    /// Responses are truncated at this many standard deviations.
    public var responseLimit = 5.0

    /// The default detector.
    public static let standard = Detector()

    public init() {}

    /// Quantities derived from the parameters once per block, for the per-candidate checks.
    struct Limits: Sendable {
        /// `sinh(eta_max)`: `|eta| < eta_max` is `|pz| < pt sinh(eta_max)`.
        let leptonPzFactor: Double
        let tauPzFactor: Double
        /// The energy (and pt) at or below which a lepton can never pass (``Detector/leptonEnergyFloor()``).
        let leptonEnergyFloor: Double
        /// The largest tau response, `scale (1 + 5 sigma)`.
        let tauCeilingFactor: Double
        /// The true visible pt at or below which a hadronic tau can never pass:
        /// `tauMinimumPt / tauCeilingFactor`.
        let tauFloor: Double
    }

    /// The ``Limits`` of this detector.
    func limits() -> Limits {
        Limits(leptonPzFactor: sinh(leptonMaximumEta), tauPzFactor: sinh(tauMaximumEta),
               leptonEnergyFloor: leptonEnergyFloor(),
               tauCeilingFactor: tauScale * (1 + responseLimit * tauResolution),
               tauFloor: tauMinimumPt / (tauScale * (1 + responseLimit * tauResolution)))
    }

    /// The relative resolution of an electron of energy `e`.
    @inline(__always)
    func electronResolution(energy e: Double) -> Double {
        (electronStochastic * electronStochastic / e + electronConstant * electronConstant).squareRoot()
    }

    /// The relative resolution of a muon of transverse momentum `pt`.
    @inline(__always)
    func muonResolution(pt: Double) -> Double {
        let s = muonSlope * pt
        return (muonConstant * muonConstant + s * s).squareRoot()
    }

    /// The energy below which a light lepton can never pass the selection, whatever its
    /// flavour, direction and response (used to reject candidates early); also a floor for its
    /// true pt, since `pt <= E`.
    ///
    /// A lepton of energy `E` has `pt <= E`, so its measured pt is at most
    /// `max(E + 5 sqrt(a^2 E + c^2 E^2), E (1 + 5 sqrt(c_mu^2 + (b_mu E)^2)))`, which grows with
    /// `E`; the floor is where that ceiling meets the pt cut (found by bisection).
    func leptonEnergyFloor() -> Double {
        func ceiling(_ e: Double) -> Double {
            max(e * (1 + responseLimit * electronResolution(energy: e)),
                e * (1 + responseLimit * muonResolution(pt: e)))
        }
        var lo = 0.0, hi = leptonMinimumPt
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if ceiling(mid) < leptonMinimumPt { lo = mid } else { hi = mid }
        }
        return lo
    }

    // MARK: - Lepton and tau

    /// The measured lepton, or nil if it fails the acceptance or the pt cut.
    @inline(__always)
    func measureLepton(_ p: FourMomentum, electron: Bool, _ limits: Limits,
                       _ rng: inout SeededGenerator) -> MeasuredObject? {
        let pt = p.pt
        if abs(p.pz) >= pt * limits.leptonPzFactor { return nil }
        let sigma = electron ? electronResolution(energy: p.p) : muonResolution(pt: pt)
        if pt * (1 + responseLimit * sigma) <= leptonMinimumPt { return nil }
        let measured = pt * (1 + sigma * rng.nextTruncatedNormal(limit: responseLimit))
        if measured <= leptonMinimumPt { return nil }
        return MeasuredObject(pt: measured, balancePt: pt, pzOverPt: p.pz / pt, cosPhi: p.px / pt, sinPhi: p.py / pt)
    }

    /// Whether a hadronic tau of true visible transverse momentum `pt` can pass the pt cut.
    @inline(__always)
    func tauMayPass(pt: Double, _ limits: Limits) -> Bool {
        pt * limits.tauCeilingFactor > tauMinimumPt
    }

    /// The measured hadronic tau, or nil if it fails the acceptance or the pt cut.
    @inline(__always)
    func measureTau(_ p: FourMomentum, _ limits: Limits, _ rng: inout SeededGenerator) -> MeasuredObject? {
        let pt = p.pt
        if abs(p.pz) >= pt * limits.tauPzFactor { return nil }
        if pt * limits.tauCeilingFactor <= tauMinimumPt { return nil }
        let measured = pt * tauScale * (1 + tauResolution * rng.nextTruncatedNormal(limit: responseLimit))
        if measured <= tauMinimumPt { return nil }
        return MeasuredObject(pt: measured, balancePt: pt * tauMissingMomentumScale, pzOverPt: p.pz / pt,
                              cosPhi: p.px / pt, sinPhi: p.py / pt)
    }

    // MARK: - The recorded event

    /// Measures the jets and the missing momentum of a selected candidate and writes its 16
    /// primary features, rounded to 3 decimals like the FAIR Universe files, at
    /// `out[k * stride]` for the k-th primary feature (record order).
    @inline(__always)
    func record(_ event: CandidateEvent, _ rng: inout SeededGenerator, _ math: SimulatorMath,
                into out: UnsafeMutablePointer<Float>, stride: Int) {
        let lep = event.lepton, tau = event.tau
        var metX = event.invisibleX + (lep.balancePt - lep.pt) * lep.cosPhi + (tau.balancePt - tau.pt) * tau.cosPhi
        var metY = event.invisibleY + (lep.balancePt - lep.pt) * lep.sinPhi + (tau.balancePt - tau.pt) * tau.sinPhi

        var nJets = 0
        var allPt = 0.0
        var first = -1, second = -1
        var firstPt = 0.0, secondPt = 0.0
        var measuredPts = (0.0, 0.0)   // measured pt of `first`, `second`
        for i in 0..<event.jets.count {
            let jet = event.jets[i]
            let absEta = abs(jet.eta)
            if absEta >= calorimeterMaximumEta {
                metX += jet.pt * jet.cosPhi; metY += jet.pt * jet.sinPhi
                continue
            }
            let e = jet.pt * math.cosh(jet.eta)
            let (a, c) = absEta < forwardEta ? (jetStochastic, jetConstant) : (forwardJetStochastic, forwardJetConstant)
            let sigma = (a * a / e + c * c).squareRoot()
            let measured = jet.pt * max(0.05, 1 + sigma * rng.nextTruncatedNormal(limit: responseLimit))
            metX += (jet.pt - measured) * jet.cosPhi; metY += (jet.pt - measured) * jet.sinPhi
            guard measured > jetMinimumPt, absEta < jetMaximumEta else { continue }
            nJets += 1
            allPt += measured
            if measured > firstPt {
                second = first; secondPt = firstPt
                first = i; firstPt = measured
            } else if measured > secondPt {
                second = i; secondPt = measured
            }
        }
        measuredPts = (firstPt, secondPt)
        metX += softTermResolution * rng.nextZigguratGaussian()
        metY += softTermResolution * rng.nextZigguratGaussian()

        @inline(__always) func put(_ k: Int, _ v: Double) { out[k * stride] = Detector.thousandths(v) }
        // Whole numbers are their own rounding.
        @inline(__always) func put(_ k: Int, exactly v: Float) { out[k * stride] = v }
        let undefined = Feature.undefined
        put(0, lep.pt); put(1, math.asinh(lep.pzOverPt)); put(2, math.atan2(lep.sinPhi, lep.cosPhi))
        put(3, tau.pt); put(4, math.asinh(tau.pzOverPt)); put(5, math.atan2(tau.sinPhi, tau.cosPhi))
        if first >= 0 {
            let j = event.jets[first]
            put(6, measuredPts.0); put(7, j.eta); put(8, j.phi)
        } else {
            put(6, exactly: undefined); put(7, exactly: undefined); put(8, exactly: undefined)
        }
        if second >= 0 {
            let j = event.jets[second]
            put(9, measuredPts.1); put(10, j.eta); put(11, j.phi)
        } else {
            put(9, exactly: undefined); put(10, exactly: undefined); put(11, exactly: undefined)
        }
        put(12, exactly: Float(nJets))
        put(13, allPt)
        put(14, (metX * metX + metY * metY).squareRoot())
        put(15, math.atan2(metY, metX))
    }

    /// `v` rounded to 3 decimals as the FAIR Universe files hold it, `Float(rounded(1000 v) / 1000)`
    /// with ties away from zero, without a library call, an integer conversion or a branch on
    /// the data:
    /// ```
    /// m = |1000 v|,  t = (m + 2^52) - 2^52   (nearest integer, ties to even),
    /// rounded = sign(v) (t + [m - t == 1/2])
    /// ```
    /// (`m - t` is exact). The quotient by 1000 is taken as a product by 0.001: for values below
    /// 2^21 both round to the same Float, since a number of thousandths that is not a Float
    /// rounding midpoint lies at least 3e-11 relatively from one, and none of them is a
    /// midpoint below 2^21. Larger or non-finite values are returned unrounded.
    @inline(__always)
    static func thousandths(_ v: Double) -> Float {
        let a = v * 1000
        let m = abs(a)
        guard m < 0x1p30 else { return Float(v) }
        let t = (m + 0x1p52) - 0x1p52
        let r = m - t == 0.5 ? t + 1 : t
        return Float(Double(signOf: a, magnitudeOf: r) * 0.001)
    }
}
