import Foundation

/// Jets from initial-state radiation, and the transverse recoil they give the hard system.
///
/// The number of emissions above `minimumPt` is Poisson with a mean that itself varies from
/// event to event as a Gamma distribution (a negative binomial: between Poisson scaling, shape
/// to infinity, and the "staircase" scaling of vector-boson + jets, shape 1), each emission with
/// a Lomax (shifted power-law) transverse momentum, a uniform azimuth and a Gaussian
/// pseudorapidity:
/// ```
/// lambda ~ Gamma(k, mean / k),   N ~ Poisson(lambda)  (at most maximumEmissions)
/// P(pt > x) = (1 + (x - p0) / c)^-(alpha - 1),        p0 <= pt <= maximumPt
/// eta ~ N(0, etaWidth)
/// ```
/// The hard system (boson, top pair, boson pair) recoils against the emissions and a soft
/// Gaussian intrinsic transverse momentum (`N(0, intrinsicKT)` per component), which stands for
/// the primordial kT of the partons and the emissions below `p0`:
/// ```
/// pT(system) = -sum(emissions) + kT
/// ```
/// Defaults are tuned per process to the FAIR Universe sample (see ``ProcessGenerator``).
public struct JetRadiation: Sendable, Equatable {
    /// Mean number of emissions above ``minimumPt``.
    public var meanEmissions: Double
    /// Shape `k` of the Gamma-distributed mean (a whole number, 1...8).
    public var shape: Int
    /// `p0` (GeV).
    public var minimumPt: Double
    /// `c` (GeV).
    public var scale: Double
    /// `alpha` (> 1).
    public var power: Double
    /// Width of the emissions' pseudorapidity.
    public var etaWidth: Double
    /// Width of the intrinsic kT per component (GeV).
    public var intrinsicKT: Double
    /// Highest emission pt (GeV): the power law is cut there (beam energy bounds it).
    public var maximumPt: Double = 3000
    /// Most emissions in one event.
    public var maximumEmissions: Int = 24

    public init(meanEmissions: Double, shape: Int, minimumPt: Double, scale: Double, power: Double,
                etaWidth: Double, intrinsicKT: Double) {
        precondition(meanEmissions >= 0 && (1...8).contains(shape) && minimumPt > 0 && scale > 0 && power > 1,
                     "invalid radiation parameters: mean \(meanEmissions), shape \(shape), p0 \(minimumPt), c \(scale), alpha \(power)")
        self.meanEmissions = meanEmissions; self.shape = shape; self.minimumPt = minimumPt
        self.scale = scale; self.power = power; self.etaWidth = etaWidth; self.intrinsicKT = intrinsicKT
    }

    /// Appends the emissions of one event to `jets` (pseudorapidity left 0: it does not change
    /// the recoil, so ``drawRapidities(_:count:_:)`` draws it only for selected candidates) and
    /// returns the recoil `pT(system)`.
    @inline(__always)
    func emit(into jets: inout [TruthJet], _ rng: inout SeededGenerator) -> (x: Double, y: Double) {
        let lambda = rng.nextGamma(integerShape: shape) * (meanEmissions / Double(shape))
        let n = rng.nextSmallPoisson(mean: lambda, cap: maximumEmissions)
        var sumX = 0.0, sumY = 0.0
        if n > 0 {
            // u in (u_min, 1] maps to pt in [p0, maximumPt).
            let inversePower = -1 / (power - 1)
            let uMin = pow(1 + (maximumPt - minimumPt) / scale, -(power - 1))
            for _ in 0..<n {
                let u = uMin + (1 - uMin) * rng.nextOpenUnitDouble()
                let pt = minimumPt + scale * (exp(inversePower * log(u)) - 1)
                let (c, s) = rng.nextAzimuth()
                jets.append(TruthJet(pt: pt, eta: 0, cosPhi: c, sinPhi: s))
                sumX += pt * c; sumY += pt * s
            }
        }
        let (kx, ky) = rng.nextNormalPair()
        return (intrinsicKT * kx - sumX, intrinsicKT * ky - sumY)
    }

    /// Draws the pseudorapidities of the emissions `jets[0..<count]`.
    @inline(__always)
    func drawRapidities(_ jets: inout [TruthJet], count: Int, _ rng: inout SeededGenerator) {
        var i = 0
        while i < count {
            let (a, b) = rng.nextNormalPair()
            jets[i].eta = etaWidth * a
            if i + 1 < count { jets[i + 1].eta = etaWidth * b }
            i += 2
        }
    }
}
