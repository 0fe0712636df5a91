extension Feature {
    /// Whether -25 (``Feature/undefined``) can mark this feature as undefined: the jet
    /// features (no leading or subleading jet), the jet-pair features (fewer than two jets) and
    /// the MET phi centrality (degenerate angles). Elsewhere -25 is an ordinary value, or
    /// impossible. Matches the columns that admit the marker in
    /// `datasets-spec/schemas/1.0.0/event-table.json` (a test keeps the two in step).
    public var mayBeUndefined: Bool {
        switch self {
        case .jetLeadingPt, .jetLeadingEta, .jetLeadingPhi,
             .jetSubleadingPt, .jetSubleadingEta, .jetSubleadingPhi,
             .deltaEtaJetJet, .massJetJet, .prodEtaJetJet, .lepEtaCentrality, .metPhiCentrality:
            return true
        default:
            return false
        }
    }
}
