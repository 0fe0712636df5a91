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
    /// The number of emissions for each 1/1024 of `u`, or 255 where a cumulative probability
    /// falls inside that interval (the search then decides).
    private let countTable: [UInt8]
    /// `u` at ``maximumPt`` in the inverse of the power law.
    private let uMinimum: Double
    /// `a = -1 / (alpha - 1)`, the exponent of the inverse power law.
    private let inversePower: Double
    /// For the mantissa bins `c_i = 1 + (i + 1/2) / 128`: `c_i^a` and `1 / c_i`, interleaved;
    /// then `2^(a e)` for binary exponents `e = 0, -1, ..., -1074`.
    private let powers: [Double]

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
        countTable = (0..<1024).map { (b: Int) -> UInt8 in
            let lo = Double(b) / 1024, hi = Double(b + 1) / 1024
            let n = cumulative.firstIndex { lo < $0 } ?? maximumEmissions
            return hi <= cumulative[n] ? UInt8(n) : 255
        }
        uMinimum = pow(1 + (maximumPt - minimumPt) / scale, -(power - 1))
        let a = -1 / (power - 1)
        inversePower = a
        var powers: [Double] = []
        for i in 0..<128 {
            let c = 1 + (Double(i) + 0.5) / 128
            powers += [pow(c, a), 1 / c]
        }
        for e in 0...1074 { powers.append(exp2(-a * Double(e))) }
        self.powers = powers
    }

    /// The number of emissions for 32 random bits (`u = (b + 1/2) 2^-32`).
    @inline(__always)
    func emissionCount(bits: UInt32) -> Int {
        let tabulated = Int(countTable[Int(bits >> 22)])
        if tabulated != 255 { return tabulated }
        let u = SeededGenerator.openUnit(bits)
        var n = 0
        while u >= cumulative[n] { n += 1 }
        return n
    }

    /// `v^a` for `v` in (0, 1] (relative error below 1e-13): `v = 2^e c_i (1 + r)`,
    /// `v^a = 2^(a e) c_i^a (1 + r)^a` with `|r| < 2^-8` and the binomial series to `r^4`.
    @inline(__always)
    private func inversePowerLaw(_ v: Double) -> Double {
        let bits = v.bitPattern
        let e = 1023 - Int((bits >> 52) & 0x7FF)
        let i = Int((bits >> 45) & 0x7F)
        let m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        let a = inversePower
        return powers.withUnsafeBufferPointer { t in
            let r = m * t[2 * i + 1] - 1
            let series = 1 + a * r * (1 + (a - 1) / 2 * r * (1 + (a - 2) / 3 * r * (1 + (a - 3) / 4 * r)))
            return t[256 + e] * t[2 * i] * series
        }
    }

    /// Appends the emissions of one event to `jets` (pseudorapidity left 0: it does not change
    /// the recoil, so ``drawRapidities(_:count:_:)`` draws it only for selected candidates) and
    /// returns the recoil `pT(system)`.
    @inline(__always)
    func emit(into jets: JetList, _ rng: inout SeededGenerator, _ math: SimulatorMath) -> (x: Double, y: Double) {
        emit(count: emissionCount(bits: rng.nextHalves().high), into: jets, &rng, math)
    }

    /// ``emit(into:_:_:)`` for a number of emissions already drawn (``emissionCount(bits:)``).
    @inline(__always)
    func emit(count n: Int, into jets: JetList, _ rng: inout SeededGenerator,
              _ math: SimulatorMath) -> (x: Double, y: Double) {
        var sumX = 0.0, sumY = 0.0
        if n > 0 {
            // One draw per emission: 40 bits for the power law (u in (u_min, 1] maps to pt in
            // [p0, maximumPt)), 24 for the azimuth.
            for _ in 0..<n {
                let bits = rng.next()
                let v = uMinimum + (1 - uMinimum) * ((Double(bits >> 24) + 0.5) * 0x1.0p-40)
                let pt = minimumPt + scale * (inversePowerLaw(v) - 1)
                let a = math.azimuth(UInt32(truncatingIfNeeded: bits << 8) | 0x80)
                jets.append(TruthJet(pt: pt, eta: 0, phi: a.angle, cosPhi: a.cos, sinPhi: a.sin))
                sumX += pt * a.cos; sumY += pt * a.sin
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
