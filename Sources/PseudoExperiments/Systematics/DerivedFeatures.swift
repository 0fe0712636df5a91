import Foundation

/// The 12 derived (`DER_*`) features of the FAIR Universe record, computed from the 16 primary ones.
///
/// Objects are massless: for an object with transverse momentum `pt`, pseudorapidity `eta` and
/// azimuth `phi`,
/// ```
/// px = pt cos(phi), py = pt sin(phi), pz = pt sinh(eta), |p| = pt cosh(eta)
/// ```
/// The leading jet counts where `n_jets >= 1`, the subleading jet where `n_jets >= 2`; the jet-pair
/// features are ``Feature/undefined`` (-25) with fewer than two jets. A jet removed by the
/// post-selection cuts keeps its -25 values and, if `n_jets` still counts it, they enter the
/// formulas as they are (the reference does the same).
///
/// The invariant masses use the massless identities instead of the reference's differences of
/// large squares, which are exact where the reference loses digits (and stay finite for -25 jets,
/// whose `|p| = -25 cosh(-25)` is of order 1e12):
/// ```
/// m^2 = (|p1| + |p2|)^2 - |p1 + p2|^2 = 2 pt1 pt2 (cosh(eta1 - eta2) - cos(phi1 - phi2))
///     = pt1 pt2 K,   K = 4 (sinh^2((eta1 - eta2) / 2) + sin^2((phi1 - phi2) / 2))
/// mT^2 = (met + pt_lep)^2 - |met u_met + pt_lep u_lep|^2 = met pt_lep |u_met - u_lep|^2
/// ```
/// with `u = (cos phi, sin phi)`.
/// `K` depends only on angles, which no nuisance changes, so the transform computes it once per
/// pool (``DerivedFeatures/Invariants``). Everything is computed in Double and stored as Float.
public enum DerivedFeatures {
    /// The parts of the derived features that depend only on eta, phi (and the lepton, which no
    /// nuisance changes): computed once per event and reused at every nuisance value.
    public struct Invariants: Sendable, Equatable {
        public var lepCos: Double, lepSin: Double
        public var hadCos: Double, hadSin: Double
        public var leadingCos: Double, leadingSin: Double
        public var subleadingCos: Double, subleadingSin: Double
        /// `K` of the lepton and the hadronic tau: `DER_mass_vis = sqrt(lep_pt had_pt K)`.
        public var visFactor: Double
        /// `K` of the two jets: `DER_mass_jet_jet = sqrt(max(0, pt1 pt2 K))` (pt can be -25).
        public var jetPairFactor: Double
        /// `|eta_j2 - eta_j1|`, used where `n_jets >= 2`.
        public var deltaEtaJetJet: Double
        /// `eta_j1 eta_j2`, used where `n_jets >= 2`.
        public var prodEtaJetJet: Double
        /// `DER_deltar_had_lep`.
        public var deltaRHadLep: Double
        /// `DER_lep_eta_centrality` where `n_jets >= 2`.
        public var lepEtaCentrality: Double
        /// `sign(sin(phi_had - phi_lep))` in {-1, 0, 1}.
        public var centralitySign: Double

        /// Invariants given directly (the transform reads them from ``PreparedEvents``).
        @inline(__always)
        init(lepCos: Double, lepSin: Double, hadCos: Double, hadSin: Double,
             leadingCos: Double, leadingSin: Double, subleadingCos: Double, subleadingSin: Double,
             visFactor: Double, jetPairFactor: Double, deltaEtaJetJet: Double, prodEtaJetJet: Double,
             deltaRHadLep: Double, lepEtaCentrality: Double, centralitySign: Double) {
            self.lepCos = lepCos; self.lepSin = lepSin; self.hadCos = hadCos; self.hadSin = hadSin
            self.leadingCos = leadingCos; self.leadingSin = leadingSin
            self.subleadingCos = subleadingCos; self.subleadingSin = subleadingSin
            self.visFactor = visFactor; self.jetPairFactor = jetPairFactor
            self.deltaEtaJetJet = deltaEtaJetJet; self.prodEtaJetJet = prodEtaJetJet
            self.deltaRHadLep = deltaRHadLep; self.lepEtaCentrality = lepEtaCentrality
            self.centralitySign = centralitySign
        }

        /// The invariants of one event from its angles.
        public init(lepEta: Double, lepPhi: Double, hadEta: Double, hadPhi: Double,
                    leadingEta: Double, leadingPhi: Double,
                    subleadingEta: Double, subleadingPhi: Double) {
            lepCos = cos(lepPhi); lepSin = sin(lepPhi)
            hadCos = cos(hadPhi); hadSin = sin(hadPhi)
            leadingCos = cos(leadingPhi); leadingSin = sin(leadingPhi)
            subleadingCos = cos(subleadingPhi); subleadingSin = sin(subleadingPhi)
            visFactor = DerivedFeatures.massFactor(lepEta - hadEta, lepPhi - hadPhi)
            jetPairFactor = DerivedFeatures.massFactor(leadingEta - subleadingEta, leadingPhi - subleadingPhi)
            deltaEtaJetJet = abs(subleadingEta - leadingEta)
            prodEtaJetJet = leadingEta * subleadingEta
            // dphi = |((phi_lep - phi_had + 3 pi) mod 2 pi) - pi|, mod with the sign of the divisor.
            let r = (lepPhi - hadPhi + 3 * Double.pi).truncatingRemainder(dividingBy: 2 * Double.pi)
            let dphi = abs((r < 0 ? r + 2 * Double.pi : r) - Double.pi)
            let deta = lepEta - hadEta
            deltaRHadLep = (deta * deta + dphi * dphi).squareRoot()
            var d = (leadingEta - subleadingEta) * (leadingEta - subleadingEta)
            if d == 0 { d = 1e-4 }
            let c = (leadingEta + subleadingEta) / 2
            lepEtaCentrality = exp(-4 / d * (lepEta - c) * (lepEta - c))
            centralitySign = DerivedFeatures.sign(sin(hadPhi - lepPhi))
        }
    }

    /// The values of one event that the nuisances change (after rounding and cuts).
    public struct Kinematics: Sendable, Equatable {
        public var lepPt: Double
        public var hadPt: Double
        public var leadingPt: Double
        public var subleadingPt: Double
        public var nJets: Double
        public var jetAllPt: Double
        public var met: Double
        public var metCos: Double
        public var metSin: Double

        public init(lepPt: Double, hadPt: Double, leadingPt: Double, subleadingPt: Double,
                    nJets: Double, jetAllPt: Double, met: Double, metCos: Double, metSin: Double) {
            self.lepPt = lepPt; self.hadPt = hadPt
            self.leadingPt = leadingPt; self.subleadingPt = subleadingPt
            self.nJets = nJets; self.jetAllPt = jetAllPt
            self.met = met; self.metCos = metCos; self.metSin = metSin
        }
    }

    /// `K = 4 (sinh^2(deta / 2) + sin^2(dphi / 2)) = 2 (cosh(deta) - cos(dphi))`, without cancellation.
    @inline(__always)
    static func massFactor(_ deta: Double, _ dphi: Double) -> Double {
        let sh = sinh(deta / 2), sn = sin(dphi / 2)
        return 4 * (sh * sh + sn * sn)
    }

    /// `sign(x)` with `sign(0) = 0`.
    @inline(__always)
    static func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }

    /// The 12 derived features (record order of ``Feature/derived``) from kinematics and invariants.
    ///
    /// Returns `nil` only in the degenerate case of the MET phi centrality (`D == 0`: the MET, the
    /// lepton and the tau collinear or back to back), which needs the angles themselves; callers
    /// then use ``compute(primaries:)``.
    @inline(__always)
    public static func compute(_ k: Kinematics, _ inv: Invariants,
                               into out: UnsafeMutablePointer<Float>, stride: Int) -> Bool {
        let lepPx = k.lepPt * inv.lepCos, lepPy = k.lepPt * inv.lepSin
        let metX = k.met * k.metCos, metY = k.met * k.metSin
        let hadPx = k.hadPt * inv.hadCos, hadPy = k.hadPt * inv.hadSin
        // DER_mass_transverse_met_lep: (met + lep)^2 - |met u_met + lep u_lep|^2 = met lep |u_met - u_lep|^2
        let ux = k.metCos - inv.lepCos, uy = k.metSin - inv.lepSin
        let mt = max(0, k.met * k.lepPt * (ux * ux + uy * uy)).squareRoot()
        let tx = metX + lepPx, ty = metY + lepPy
        // DER_mass_vis
        let mvis = max(0, k.lepPt * k.hadPt * inv.visFactor).squareRoot()
        // DER_pt_h
        let hx = hadPx + tx, hy = hadPy + ty
        let ptH = (hx * hx + hy * hy).squareRoot()
        // Jets
        let hasLeading = k.nJets >= 1, hasPair = k.nJets >= 2
        var sx = hx, sy = hy
        if hasLeading { sx += k.leadingPt * inv.leadingCos; sy += k.leadingPt * inv.leadingSin }
        if hasPair { sx += k.subleadingPt * inv.subleadingCos; sy += k.subleadingPt * inv.subleadingSin }
        let ptTot = (sx * sx + sy * sy).squareRoot()
        let undefined = Double(Feature.undefined)
        let deltaEta = hasPair ? inv.deltaEtaJetJet : undefined
        let mjj = hasPair ? max(0, k.leadingPt * k.subleadingPt * inv.jetPairFactor).squareRoot() : undefined
        let prodEta = hasPair ? inv.prodEtaJetJet : undefined
        let lepEtaCentrality = hasPair ? inv.lepEtaCentrality : undefined
        let sumPt = k.hadPt + k.lepPt + k.jetAllPt
        let ratio = k.lepPt / k.hadPt
        // DER_met_phi_centrality: sin(a - b) = sin a cos b - cos a sin b.
        let s = inv.centralitySign
        let a = (k.metSin * inv.lepCos - k.metCos * inv.lepSin) * s
        let b = (inv.hadSin * k.metCos - inv.hadCos * k.metSin) * s
        let d = (a * a + b * b).squareRoot()
        out[0] = Float(mt)
        out[stride] = Float(mvis)
        out[2 * stride] = Float(ptH)
        out[3 * stride] = Float(deltaEta)
        out[4 * stride] = Float(mjj)
        out[5 * stride] = Float(prodEta)
        out[6 * stride] = Float(inv.deltaRHadLep)
        out[7 * stride] = Float(ptTot)
        out[8 * stride] = Float(sumPt)
        out[9 * stride] = Float(ratio)
        out[10 * stride] = Float((a + b) / d)
        out[11 * stride] = Float(lepEtaCentrality)
        return d != 0
    }

    /// The 12 derived features from the 16 primary values (record order of ``Feature/primary``).
    ///
    /// The reference definition, used for files without DER columns and for the transform's rare
    /// cases; the transform's hot path computes the same with precomputed invariants.
    public static func compute(primaries p: UnsafePointer<Float>, stride: Int,
                               into out: UnsafeMutablePointer<Float>, outStride: Int) {
        func v(_ f: Feature) -> Double { Double(p[f.recordPosition * stride]) }
        let inv = Invariants(lepEta: v(.lepEta), lepPhi: v(.lepPhi), hadEta: v(.hadEta), hadPhi: v(.hadPhi),
                             leadingEta: v(.jetLeadingEta), leadingPhi: v(.jetLeadingPhi),
                             subleadingEta: v(.jetSubleadingEta), subleadingPhi: v(.jetSubleadingPhi))
        let metPhi = v(.metPhi)
        let k = Kinematics(lepPt: v(.lepPt), hadPt: v(.hadPt), leadingPt: v(.jetLeadingPt),
                           subleadingPt: v(.jetSubleadingPt), nJets: v(.nJets), jetAllPt: v(.jetAllPt),
                           met: v(.met), metCos: cos(metPhi), metSin: sin(metPhi))
        if !compute(k, inv, into: out, stride: outStride) {
            out[10 * outStride] = metPhiCentralityDegenerate(lepPhi: v(.lepPhi), hadPhi: v(.hadPhi), metPhi: metPhi)
        }
    }

    /// The derived features of a row given as 16 primary values, returned as 12 values.
    public static func compute(primaries: [Float]) -> [Float] {
        precondition(primaries.count == 16, "16 primary values are needed, got \(primaries.count)")
        var out = [Float](repeating: 0, count: 12)
        primaries.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                compute(primaries: p.baseAddress!, stride: 1, into: o.baseAddress!, outStride: 1)
            }
        }
        return out
    }

    /// `DER_met_phi_centrality` when `D == 0`: recomputed with `phi_lep + 1e-4`, -25 if still 0.
    static func metPhiCentralityDegenerate(lepPhi: Double, hadPhi: Double, metPhi: Double) -> Float {
        let lep = lepPhi + 1e-4
        let s = sign(sin(hadPhi - lep))
        let a = sin(metPhi - lep) * s, b = sin(hadPhi - metPhi) * s
        let d = (a * a + b * b).squareRoot()
        return d == 0 ? Feature.undefined : Float((a + b) / d)
    }
}
