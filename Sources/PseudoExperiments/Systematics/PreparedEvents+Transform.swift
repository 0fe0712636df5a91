import Foundation

/// The systematics transform of the FAIR Universe challenge, on prepared events.
///
/// For each row, in order (FEATURES.md, "The transform"), with `u = (cos phi, sin phi)` of an
/// object and `f(s) = (1 - s) / s`:
/// ```
/// had' = had_pt * tes;  j1' = j1_pt * jes if n_jets >= 1;  j2' = j2_pt * jes if n_jets >= 2
/// all' = jet_all_pt * jes
/// m    = met u_met + had' u_had f(tes) + j1' u_j1 f(jes) + j2' u_j2 f(jes)      (= old - new)
/// m   += soft_met (g1, g2)                                     if soft_met > 0
/// PRI_met = round3(|m|), PRI_met_phi = round3(atan2(m_y, m_x)), each changed pt round3(...)
/// ```
/// then the post-selection cuts (if on): rows with `PRI_had_pt < 26` (or `PRI_lep_pt < 20`) are
/// dropped; the subleading, then the leading jet with pt in [0, 26] is removed (pt, eta, phi :=
/// -25, `PRI_jet_all_pt -= pt`, `n_jets -= 1`); and last the 12 DER features are recomputed from
/// the rounded, cut PRI values (``DerivedFeatures``, in Double).
///
/// Arithmetic of the PRI values follows the reference so that their rounding agrees with it:
/// products, `f(s)` and the MET vector sums are Float32 (with Float32 cosines and sines), `|m|` is
/// a Float32 square root; with soft MET the Float64 noise makes the sum, `|m|`, `atan2` and the
/// rounding of `PRI_met`/`PRI_met_phi` Float64, as in the reference. `round3` is
/// ``roundToThreeDecimals(_:)``. The cosine and sine of the rounded `PRI_met_phi` needed by the
/// DER features come from `m / |m|` rotated by the rounding residual `eps` (second-order Taylor
/// step, error below `eps^3 / 6 < 3e-11`), not from trigonometric calls.
///
/// Soft-MET noise (part of the reproducibility contract): when `softMet > 0`, every row, in row
/// order and whether or not it survives the cuts, takes one `rng.nextGaussianPair()` `(g1, g2)`
/// and adds `(softMet * g1, softMet * g2)` to its MET vector; when `softMet == 0` the generator is
/// not used. A row gathered twice therefore gets two independent draws.
extension PreparedEvents {
    /// The transformed features of the rows that survive, as a new buffer.
    public func applying(_ shift: SystematicShift, noise rng: inout SeededGenerator) -> TransformedEvents {
        var out = TransformedEvents()
        apply(shift, noise: &rng, into: &out)
        return out
    }

    /// The transformed features of the rows that survive, written into `out` (reusing its memory).
    public func apply(_ shift: SystematicShift, noise rng: inout SeededGenerator, into out: inout TransformedEvents) {
        precondition(shift.problem == nil, "invalid systematic shift: \(shift.problem ?? "")")
        let n = count
        out.reset(capacity: n)
        var outStorage = out.storage, outRows = out.rows
        out.storage = []; out.rows = []   // keep the buffers uniquely referenced while writing
        var written = 0
        storage.withUnsafeBufferPointer { sb in
            sourceRows.withUnsafeBufferPointer { srcRows in
                outStorage.withUnsafeMutableBufferPointer { ob in
                    outRows.withUnsafeMutableBufferPointer { rb in
                        guard n > 0 else { return }
                        written = transformKernel(n: n, input: sb.baseAddress!, sourceRows: srcRows.baseAddress!,
                                                  output: ob.baseAddress!, rows: rb.baseAddress!,
                                                  shift: shift, rng: &rng)
                    }
                }
            }
        }
        out.storage = outStorage
        out.rows = outRows
        out.count = written
    }

    /// Transforms rows `0..<n` of `input` (stride `n`) into `output` (stride `n`); returns the
    /// number of surviving rows.
    private func transformKernel(n: Int, input: UnsafePointer<Float>, sourceRows: UnsafePointer<Int32>,
                                 output: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Int32>,
                                 shift: SystematicShift, rng: inout SeededGenerator) -> Int {
        @inline(__always) func col(_ f: Field) -> UnsafePointer<Float> { input + f.rawValue * n }
        @inline(__always) func out(_ f: Feature) -> UnsafeMutablePointer<Float> { output + f.index * n }
        let hadPt = col(.hadPt), leadingPt = col(.leadingPt), subleadingPt = col(.subleadingPt)
        let jetAllPt = col(.jetAllPt), nJets = col(.nJets)
        let metX = col(.metX), metY = col(.metY)
        let hadCos = col(.hadCos), hadSin = col(.hadSin), leadingCos = col(.leadingCos), leadingSin = col(.leadingSin)
        let subleadingCos = col(.subleadingCos), subleadingSin = col(.subleadingSin)
        let lepCos = col(.lepCos), lepSin = col(.lepSin)
        let visFactor = col(.visFactor), jetPairFactor = col(.jetPairFactor), centralitySign = col(.centralitySign)
        let lepPt = col(.lepPt), lepEta = col(.lepEta), lepPhi = col(.lepPhi), hadEta = col(.hadEta), hadPhi = col(.hadPhi)
        let leadingEta = col(.leadingEta), leadingPhi = col(.leadingPhi)
        let subleadingEta = col(.subleadingEta), subleadingPhi = col(.subleadingPhi)
        let deltaEtaJetJet = col(.deltaEtaJetJet), prodEtaJetJet = col(.prodEtaJetJet)
        let deltaRHadLep = col(.deltaRHadLep), lepEtaCentrality = col(.lepEtaCentrality)

        let oLepPt = out(.lepPt), oLepEta = out(.lepEta), oLepPhi = out(.lepPhi)
        let oHadPt = out(.hadPt), oHadEta = out(.hadEta), oHadPhi = out(.hadPhi)
        let oJ1Pt = out(.jetLeadingPt), oJ1Eta = out(.jetLeadingEta), oJ1Phi = out(.jetLeadingPhi)
        let oJ2Pt = out(.jetSubleadingPt), oJ2Eta = out(.jetSubleadingEta), oJ2Phi = out(.jetSubleadingPhi)
        let oNJets = out(.nJets), oJetAll = out(.jetAllPt), oMet = out(.met), oMetPhi = out(.metPhi)
        let oDerived = out(Feature.derived[0])

        let tes = Float(shift.tes), jes = Float(shift.jes)
        let tesFactor = Float((1 - shift.tes) / shift.tes), jesFactor = Float((1 - shift.jes) / shift.jes)
        let sigma = shift.softMet
        let cuts = shift.applyCuts
        let undefined = Feature.undefined
        var w = 0
        for i in 0..<n {
            // Energy scales and their propagation into the MET vector, in Float32 as the reference.
            let nj0 = nJets[i]
            let had1 = hadPt[i] * tes
            let j11 = nj0 >= 1 ? leadingPt[i] * jes : leadingPt[i]
            let j21 = nj0 >= 2 ? subleadingPt[i] * jes : subleadingPt[i]
            let j1Met: Float = nj0 >= 1 ? j11 : 0, j2Met: Float = nj0 >= 2 ? j21 : 0
            var mx = metX[i], my = metY[i]
            mx = mx + had1 * hadCos[i] * tesFactor
            my = my + had1 * hadSin[i] * tesFactor
            mx = mx + j1Met * leadingCos[i] * jesFactor
            my = my + j1Met * leadingSin[i] * jesFactor
            mx = mx + j2Met * subleadingCos[i] * jesFactor
            my = my + j2Met * subleadingSin[i] * jesFactor

            var x = Double(mx), y = Double(my)
            let metR: Float, phiR: Float
            let phi: Double
            if sigma > 0 {
                let (g1, g2) = rng.nextGaussianPair()
                x += sigma * g1
                y += sigma * g2
                phi = atan2(y, x)
                metR = Float(((x * x + y * y).squareRoot() * 1000).rounded(.toNearestOrEven) / 1000)
                phiR = Float((phi * 1000).rounded(.toNearestOrEven) / 1000)
            } else {
                phi = atan2(y, x)
                metR = roundToThreeDecimals((mx * mx + my * my).squareRoot())
                phiR = roundToThreeDecimals(Float(phi))
            }
            // cos and sin of the rounded phi: the direction of m turned by eps = phiR - phi.
            let r = (x * x + y * y).squareRoot()
            let cphi = r > 0 ? x / r : 1, sphi = r > 0 ? y / r : 0
            let eps = Double(phiR) - phi
            let c2 = 1 - 0.5 * eps * eps
            let metCosR = cphi * c2 - sphi * eps, metSinR = sphi * c2 + cphi * eps

            // Rounding and the post-selection cuts.
            let hadR = roundToThreeDecimals(had1)
            var j1R = roundToThreeDecimals(j11), j2R = roundToThreeDecimals(j21)
            var allR = roundToThreeDecimals(jetAllPt[i] * jes)
            var nj = nj0
            var eta1 = leadingEta[i], phi1 = leadingPhi[i], eta2 = subleadingEta[i], phi2 = subleadingPhi[i]
            var keep = true, rare = false
            let lPt = lepPt[i]
            if cuts {
                keep = hadR >= 26 && lPt >= 20
                let removeSub = j2R >= 0 && j2R <= 26
                if removeSub { allR -= j2R; nj -= 1; j2R = undefined; eta2 = undefined; phi2 = undefined }
                let removeLead = j1R >= 0 && j1R <= 26
                if removeLead { allR -= j1R; nj -= 1; j1R = undefined; eta1 = undefined; phi1 = undefined }
                // A removed jet that n_jets still counts (no third-jet promotion) enters the DER
                // formulas with its -25 values: the precomputed jet invariants do not apply.
                rare = (removeLead && nj >= 1) || (removeSub && nj >= 2)
            }

            oLepPt[w] = lPt; oLepEta[w] = lepEta[i]; oLepPhi[w] = lepPhi[i]
            oHadPt[w] = hadR; oHadEta[w] = hadEta[i]; oHadPhi[w] = hadPhi[i]
            oJ1Pt[w] = j1R; oJ1Eta[w] = eta1; oJ1Phi[w] = phi1
            oJ2Pt[w] = j2R; oJ2Eta[w] = eta2; oJ2Phi[w] = phi2
            oNJets[w] = nj; oJetAll[w] = allR; oMet[w] = metR; oMetPhi[w] = phiR
            rows[w] = sourceRows[i]

            if rare {
                DerivedFeatures.compute(primaries: oLepPt + w, stride: n, into: oDerived + w, outStride: n)
            } else {
                let k = DerivedFeatures.Kinematics(
                    lepPt: Double(lPt), hadPt: Double(hadR), leadingPt: Double(j1R), subleadingPt: Double(j2R),
                    nJets: Double(nj), jetAllPt: Double(allR), met: Double(metR), metCos: metCosR, metSin: metSinR)
                let inv = DerivedFeatures.Invariants(
                    lepCos: Double(lepCos[i]), lepSin: Double(lepSin[i]), hadCos: Double(hadCos[i]), hadSin: Double(hadSin[i]),
                    leadingCos: Double(leadingCos[i]), leadingSin: Double(leadingSin[i]),
                    subleadingCos: Double(subleadingCos[i]), subleadingSin: Double(subleadingSin[i]),
                    visFactor: Double(visFactor[i]), jetPairFactor: Double(jetPairFactor[i]),
                    deltaEtaJetJet: Double(deltaEtaJetJet[i]), prodEtaJetJet: Double(prodEtaJetJet[i]),
                    deltaRHadLep: Double(deltaRHadLep[i]), lepEtaCentrality: Double(lepEtaCentrality[i]),
                    centralitySign: Double(centralitySign[i]))
                if !DerivedFeatures.compute(k, inv, into: oDerived + w, stride: n) {
                    oDerived[w + 10 * n] = DerivedFeatures.metPhiCentralityDegenerate(
                        lepPhi: Double(lepPhi[i]), hadPhi: Double(hadPhi[i]), metPhi: Double(phiR))
                }
            }
            w += keep ? 1 : 0
        }
        return w
    }
}
