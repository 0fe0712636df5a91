/// One feature column of the FAIR Universe event record, in the record's own order.
///
/// The 16 primary (`PRI_*`) columns come first, then the 12 derived (`DER_*`) columns
/// recomputed from them by the systematics transform. Values are Float32; ``Feature/undefined``
/// (-25) marks a value that does not exist (a missing jet, a jet-pair feature with fewer than
/// two jets). Units: GeV for momenta and masses, radians for angles, none for eta and ratios.
public enum Feature: String, CaseIterable, Codable, Sendable {
    case lepPt = "PRI_lep_pt"
    case lepEta = "PRI_lep_eta"
    case lepPhi = "PRI_lep_phi"
    case hadPt = "PRI_had_pt"
    case hadEta = "PRI_had_eta"
    case hadPhi = "PRI_had_phi"
    case jetLeadingPt = "PRI_jet_leading_pt"
    case jetLeadingEta = "PRI_jet_leading_eta"
    case jetLeadingPhi = "PRI_jet_leading_phi"
    case jetSubleadingPt = "PRI_jet_subleading_pt"
    case jetSubleadingEta = "PRI_jet_subleading_eta"
    case jetSubleadingPhi = "PRI_jet_subleading_phi"
    case nJets = "PRI_n_jets"
    case jetAllPt = "PRI_jet_all_pt"
    case met = "PRI_met"
    case metPhi = "PRI_met_phi"

    case massTransverseMetLep = "DER_mass_transverse_met_lep"
    case massVis = "DER_mass_vis"
    case ptH = "DER_pt_h"
    case deltaEtaJetJet = "DER_deltaeta_jet_jet"
    case massJetJet = "DER_mass_jet_jet"
    case prodEtaJetJet = "DER_prodeta_jet_jet"
    case deltaRHadLep = "DER_deltar_had_lep"
    case ptTot = "DER_pt_tot"
    case sumPt = "DER_sum_pt"
    case ptRatioLepHad = "DER_pt_ratio_lep_had"
    case metPhiCentrality = "DER_met_phi_centrality"
    case lepEtaCentrality = "DER_lep_eta_centrality"

    /// The marker for an undefined value.
    public static let undefined: Float = -25

    /// Position of this column in the record (0..<28); stable, part of the file formats.
    /// A switch, which the optimiser folds to a constant where the feature is a literal (hot
    /// loops index columns by feature). A test checks it against the declaration order.
    @inline(__always)
    public var index: Int {
        switch self {
        case .lepPt: return 0
        case .lepEta: return 1
        case .lepPhi: return 2
        case .hadPt: return 3
        case .hadEta: return 4
        case .hadPhi: return 5
        case .jetLeadingPt: return 6
        case .jetLeadingEta: return 7
        case .jetLeadingPhi: return 8
        case .jetSubleadingPt: return 9
        case .jetSubleadingEta: return 10
        case .jetSubleadingPhi: return 11
        case .nJets: return 12
        case .jetAllPt: return 13
        case .met: return 14
        case .metPhi: return 15
        case .massTransverseMetLep: return 16
        case .massVis: return 17
        case .ptH: return 18
        case .deltaEtaJetJet: return 19
        case .massJetJet: return 20
        case .prodEtaJetJet: return 21
        case .deltaRHadLep: return 22
        case .ptTot: return 23
        case .sumPt: return 24
        case .ptRatioLepHad: return 25
        case .metPhiCentrality: return 26
        case .lepEtaCentrality: return 27
        }
    }

    /// The 16 primary columns.
    public static let primary: [Feature] = Array(allCases.prefix(16))
    /// The 12 derived columns.
    public static let derived: [Feature] = Array(allCases.suffix(12))

    public var isPrimary: Bool { index < 16 }

    /// The column's unit, as the datasets spec states it.
    public var unit: String {
        switch self {
        case .lepEta, .hadEta, .jetLeadingEta, .jetSubleadingEta, .deltaEtaJetJet, .prodEtaJetJet:
            return "1"
        case .lepPhi, .hadPhi, .jetLeadingPhi, .jetSubleadingPhi, .metPhi:
            return "rad"
        case .nJets:
            return "count"
        case .deltaRHadLep, .ptRatioLepHad, .metPhiCentrality, .lepEtaCentrality:
            return "1"
        default:
            return "GeV"
        }
    }
}
