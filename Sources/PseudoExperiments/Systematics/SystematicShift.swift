/// The nuisance values the systematics transform applies to one batch of events.
///
/// `tes` scales the hadronic tau's transverse momentum, `jes` the jets' (and `PRI_jet_all_pt`),
/// `softMet` is the standard deviation (GeV) of the Gaussian noise added to each MET component
/// (0: none). `applyCuts` switches the post-selection cuts on (the challenge always applies them;
/// off is for comparisons). The normalisation nuisances do not change events: the sampler uses them.
public struct SystematicShift: Sendable, Equatable, Hashable, Codable {
    public var tes: Double
    public var jes: Double
    public var softMet: Double
    public var applyCuts: Bool

    public init(tes: Double = 1, jes: Double = 1, softMet: Double = 0, applyCuts: Bool = true) {
        self.tes = tes
        self.jes = jes
        self.softMet = softMet
        self.applyCuts = applyCuts
    }

    /// The shift of a pseudo-experiment's nuisance values.
    public init(_ nuisances: NuisanceValues, applyCuts: Bool = true) {
        self.init(tes: nuisances.tes, jes: nuisances.jes, softMet: nuisances.softMet, applyCuts: applyCuts)
    }

    /// No change of the events except rounding (and the cuts, if on).
    public static let nominal = SystematicShift()

    /// Why a shift is not usable, or nil. TES and JES must be finite and positive, `softMet`
    /// finite and non-negative (the challenge's priors stay within [0.9, 1.1] and [0, 5]).
    public var problem: String? {
        if !(tes.isFinite && tes > 0) { return "tes must be a finite positive factor, got \(tes)" }
        if !(jes.isFinite && jes > 0) { return "jes must be a finite positive factor, got \(jes)" }
        if !(softMet.isFinite && softMet >= 0) { return "soft_met must be a finite width >= 0 GeV, got \(softMet)" }
        return nil
    }
}

/// Rounding of primary values to 3 decimals exactly as the reference (numpy `round` on float32):
/// ```
/// round3(x) = rint(x * 1000) / 1000      every operation in Float32, rint ties to even
/// ```
/// Float32 multiplication matters: rounding `x * 1000` computed in Double differs for about 0.7 %
/// of values (e.g. 1.0005f * 1000 is 1000.49994f, rounding down to 1.0 where Double gives 1.001).
@inline(__always)
public func roundToThreeDecimals(_ x: Float) -> Float {
    roundToEven(x * 1000) / 1000
}

/// `round3` of a Double (the reference's MET once Float64 soft-MET noise has made it Float64).
@inline(__always)
func roundToThreeDecimals(_ x: Double) -> Double {
    roundToEven(x * 1000) / 1000
}

/// `rint` (nearest integer, ties to even) without a library call: adding and subtracting 2^23
/// leaves `|v| < 2^23` rounded to an integer in the default rounding mode; larger Floats are
/// integers already. The sign is restored so that `rint(-0.4) = -0.0`.
@inline(__always)
func roundToEven(_ v: Float) -> Float {
    let a = abs(v)
    let r = a < 0x1p23 ? (a + 0x1p23) - 0x1p23 : a
    return Float(bitPattern: r.bitPattern | (v.bitPattern & 0x8000_0000))
}

/// `rint` for Double (2^52 instead of 2^23).
@inline(__always)
func roundToEven(_ v: Double) -> Double {
    let a = abs(v)
    let r = a < 0x1p52 ? (a + 0x1p52) - 0x1p52 : a
    return Double(bitPattern: r.bitPattern | (v.bitPattern & 0x8000_0000_0000_0000))
}
