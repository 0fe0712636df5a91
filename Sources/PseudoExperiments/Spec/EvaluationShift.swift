/// A challenge variant's domain shift: effects applied to the evaluation pool only, which
/// neither the training pool nor the nuisance priors contain (schema 1.1.0, `evaluation_shift`).
///
/// A variant is the spec of its nominal challenge (`variant_of`) with another name and texts and
/// this field; everything an estimator receives (training pool, priors, yields, score) is the
/// nominal's, so a method cannot tell a variant from its nominal except through the evaluation
/// events themselves (``ChallengeSpec/redactedForEstimators()`` gives both the same bytes).
///
/// The shifted evaluation pool is the nominal simulated pool with every effect applied to each
/// row in place (``DomainShift``): same rows, same order, same weights except where an effect
/// reweights, random numbers from the pool's seed, the effect and the row. Pseudo-experiments
/// drawn with the same seed from the nominal and the shifted pool therefore pick the same rows
/// (for effects that do not reweight) at the same true mu and nuisances, and the difference of
/// two scores is measured on paired pseudo-experiments. An empty effect list (the closure
/// variant) is the identity: the nominal pool, bit for bit.
///
/// The physics and sizes: `datasets-spec/domain-shift.md`.
public struct EvaluationShift: Sendable, Equatable {
    /// The name of the nominal challenge this variant shifts.
    public var variantOf: String
    public var description: String?
    /// In document order, the order in which they are applied.
    public var effects: [Effect]

    public init(variantOf: String, description: String? = nil, effects: [Effect]) {
        self.variantOf = variantOf
        self.description = description
        self.effects = effects
    }

    /// Whether the shift changes nothing (the closure variant).
    public var isIdentity: Bool { effects.isEmpty }

    /// One effect and its size.
    public struct Effect: Sendable, Equatable, Hashable, Codable {
        public var kind: Kind
        /// What the size means depends on the kind (see ``Kind``).
        public var size: Double

        public init(_ kind: Kind, size: Double) {
            self.kind = kind
            self.size = size
        }

        enum CodingKeys: String, CodingKey { case kind = "effect", size }
    }

    /// The effects the built-in simulator's pools can be shifted by.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// An extra, unmodelled hadronic-tau energy resolution: each row's `PRI_had_pt` is
        /// multiplied by `1 + size * g` (`g` standard normal, the factor kept >= 0.5), the change
        /// propagated into the MET vector as the energy-scale nuisances propagate theirs. `size`:
        /// the extra relative resolution (0.05 = 5%), in (0, 0.5].
        case tauEnergyResolution = "tau_energy_resolution"
        /// An extra jet energy resolution: the leading and subleading jets' `pt` each multiplied
        /// by their own `1 + size * g` (kept >= 0.5), `PRI_jet_all_pt` and the MET vector changed
        /// by the same momentum. `size`: the extra relative resolution, in (0, 0.5].
        case jetEnergyResolution = "jet_energy_resolution"
        /// A mismodelled Z pT spectrum: each Z -> tau tau row's weight multiplied by
        /// `exp(size * pT / 100 GeV)`, `pT` the transverse momentum of the visible taus plus the
        /// MET (`DER_pt_h`, the boson's pT as reconstructed), then all Z rows' weights rescaled so
        /// that their sum (the Z yield) is unchanged: a pure change of shape. `size`: the slope of
        /// the log weight per 100 GeV, in [-1, 1], not 0.
        case zPtMismodelling = "z_pt_mismodelling"

        /// The sizes a spec may give (why: beyond them the effect stops being a plausible
        /// mismodelling and the rules' clamps start to matter).
        public var allowedSizes: ClosedRange<Double> {
            switch self {
            case .tauEnergyResolution, .jetEnergyResolution: return 0...0.5
            case .zPtMismodelling: return -1...1
            }
        }

        /// The code of the effect in the random-number path of ``DomainShift`` (never renumber).
        var code: Int {
            switch self {
            case .tauEnergyResolution: return 1
            case .jetEnergyResolution: return 2
            case .zPtMismodelling: return 3
            }
        }
    }

    /// Why the shift makes no sense, as (field path below `evaluation_shift`, problem), or nil.
    func problem(challenge: String) -> (path: String, problem: String)? {
        if variantOf == challenge {
            return ("variant_of", "a variant cannot shift itself; name the nominal challenge it is a variant of")
        }
        var seen: Set<Kind> = []
        for (i, effect) in effects.enumerated() {
            let path = "effects[\(i)]"
            guard seen.insert(effect.kind).inserted else {
                return ("\(path).effect", "'\(effect.kind.rawValue)' is given twice; give each effect once with its total size")
            }
            let range = effect.kind.allowedSizes
            guard effect.size.isFinite, effect.size != 0, range.contains(effect.size) else {
                return ("\(path).size", "\(effect.size) is not a size of '\(effect.kind.rawValue)': give a non-zero value in [\(range.lowerBound), \(range.upperBound)] (datasets-spec/domain-shift.md); for no shift at all give an empty effects list (the closure variant)")
            }
        }
        return nil
    }
}
