import Foundation

/// Jets from initial-state radiation, and the transverse recoil they give the hard system.
///
/// The number of emissions above `minimumPt` is Poisson with a mean that itself varies from
/// event to event as a Gamma distribution, that is negative binomial (between Poisson scaling,
/// shape to infinity, and the "staircase" scaling of vector boson + jets, shape 1); each emission
/// has a Lomax (shifted power-law) transverse momentum, a uniform azimuth and a Gaussian
/// pseudorapidity:
/// ```
/// P(N = n) = C(n + k - 1, n) q^k (1 - q)^n,   q = k / (k + mean)     (n <= maximumEmissions)
/// P(pt > x) = (1 + (x - p0) / c)^-(alpha - 1),   p0 <= pt <= maximumPt
/// eta ~ N(0, etaWidth)
/// ```
/// The hard system (boson, top pair, boson pair) recoils against the emissions and a soft
/// Gaussian intrinsic transverse momentum (`N(0, intrinsicKT)` per component) that stands for the
/// partons' primordial kT and the emissions below `p0`:
/// ```
/// pT(system) = -sum(emissions) + kT
/// ```
/// Defaults are tuned per process to the FAIR Universe sample (see ``BosonProduction``).
public struct JetRadiation: Sendable, Equatable {
    /// Mean number of emissions above ``minimumPt``.
    public let meanEmissions: Double
    /// Shape `k` of the negative binomial (> 0).
    public let shape: Double
    /// `p0` (GeV).
    public let minimumPt: Double
    /// `c` (GeV).
    public let scale: Double
    /// `alpha` (> 1).
    public let power: Double
    /// Width of the emissions' pseudorapidity.
    public let etaWidth: Double
    /// Width of the intrinsic kT per component (GeV).
    public let intrinsicKT: Double
    /// Highest emission pt (GeV): the power law is cut there (the beam energy bounds it).
    public let maximumPt: Double
    /// Most emissions in one event (the rest of the distribution is put on this count).
    public let maximumEmissions: Int

    /// Cumulative probabilities of 0, 1, ... emissions (the last is 1).
    private let cumulative: [Double]
    /// `u` at ``maximumPt`` in the inverse of the power law.
    private let uMinimum: Double

    public init(meanEmissions: Double, shape: Double, minimumPt: Double, scale: Double, power: Double,
                etaWidth: Double, intrinsicKT: Double, maximumPt: Double = 3000, maximumEmissions: Int = 24) {
        precondition(meanEmissions >= 0 && shape > 0 && minimumPt > 0 && scale > 0 && power > 1
                     && maximumPt > minimumPt && maximumEmissions >= 1,
                     "invalid radiation parameters: mean \(meanEmissions), shape \(shape), p0 \(minimumPt), c \(scale), alpha \(power)")
        self.meanEmissions = meanEmissions; self.shape = shape; self.minimumPt = minimumPt
        self.scale = scale; self.power = power; self.etaWidth = etaWidth; self.intrinsicKT = intrinsicKT
        self.maximumPt = maximumPt; self.maximumEmissions = maximumEmissions
        // P(n) by the recurrence P(n + 1) = P(n) (n + k) / (n + 1) (1 - q).
        let q = shape / (shape + meanEmissions)
        var p = pow(q, shape), sum = 0.0
        var cumulative: [Double] = []
        for n in 0..<maximumEmissions {
            sum += p
            cumulative.append(sum)
            p *= (Double(n) + shape) / Double(n + 1) * (1 - q)
        }
        cumulative.append(1)
        self.cumulative = cumulative
        uMinimum = pow(1 + (maximumPt - minimumPt) / scale, -(power - 1))
    }

    /// Appends the emissions of one event to `jets` (pseudorapidity left 0: it does not change
    /// the recoil, so ``drawRapidities(_:count:_:)`` draws it only for selected candidates) and
    /// returns the recoil `pT(system)`.
    @inline(__always)
    func emit(into jets: JetList, _ rng: inout SeededGenerator) -> (x: Double, y: Double) {
        let u = rng.nextUnitDouble()
        var n = 0
        cumulative.withUnsafeBufferPointer { c in
            while u >= c[n] { n += 1 }
        }
        var sumX = 0.0, sumY = 0.0
        if n > 0 {
            // u in (u_min, 1] maps to pt in [p0, maximumPt).
            let inversePower = -1 / (power - 1)
            for _ in 0..<n {
                let v = uMinimum + (1 - uMinimum) * rng.nextOpenUnitDouble()
                let pt = minimumPt + scale * (exp(inversePower * log(v)) - 1)
                let (c, s) = rng.nextAzimuth()
                jets.append(TruthJet(pt: pt, eta: 0, cosPhi: c, sinPhi: s))
                sumX += pt * c; sumY += pt * s
            }
        }
        let kx = rng.nextZigguratGaussian(), ky = rng.nextZigguratGaussian()
        return (intrinsicKT * kx - sumX, intrinsicKT * ky - sumY)
    }

    /// Draws the pseudorapidities of the emissions `jets[0..<count]`.
    @inline(__always)
    func drawRapidities(_ jets: JetList, count: Int, _ rng: inout SeededGenerator) {
        for i in 0..<count { jets[i].eta = etaWidth * rng.nextZigguratGaussian() }
    }
}
