import Foundation

/// The derived features of a simulated row, bit for bit those of
/// ``DerivedFeatures/compute(primaries:stride:into:outStride:)``, at a fraction of its cost.
///
/// The reference computes, from the recorded (3-decimal) primary values, the cosine and sine of
/// five azimuths, two `sinh`, three `sin`, an `exp` and an `fmod`: about 1,200 instructions a
/// row. Here the same Doubles come cheaper, with no approximation:
/// - a recorded azimuth is one of the 6,285 Floats `Float(k / 1000)`, `|k| <= 3142`: their
///   cosines and sines are tabulated once, by libm itself (other values take libm directly);
/// - `(x + 3 pi) mod 2 pi` for `x = phi_lep - phi_had` is `a - n (2 pi)` with `n` found by
///   comparison (`fmod` is exact, and so is this subtraction, by Sterbenz's lemma);
/// - `sign(sin(phi_had - phi_lep))` follows from comparing the difference with `pi` and `2 pi`:
///   libm's `sin` has the sign of the true sine (its error is relative), the Double nearest pi
///   lies below pi, and the next Double lies above it (likewise for `2 pi`);
/// - the jet-pair terms (a `sinh`, a `sin`, an `exp`) are computed only with two jets, where
///   the formulas use them.
/// The remaining libm calls (`sinh` and `sin` of the lepton-tau differences) are the
/// reference's own.
struct RecordedAngles: @unchecked Sendable {
    /// The table, computed on first use (a generator keeps a copy: see ``SimulatorMath``).
    static let shared = RecordedAngles()

    /// `cos` and `sin` of `Double(Float(k / 1000))`, interleaved, k = -3142...3142.
    private let table: UnsafePointer<Double>

    private init() { table = UnsafePointer(RecordedAngles.makeTable()) }

    /// The largest `|k|` of a recorded azimuth `k / 1000` (`round(1000 pi)`).
    static let maximumThousandths = 3142

    private static func makeTable() -> UnsafeMutablePointer<Double> {
        let n = 2 * maximumThousandths + 1
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n)
        for i in 0..<n {
            let phi = Double(Float(Double(i - maximumThousandths) / 1000))
            t[2 * i] = cos(phi)
            t[2 * i + 1] = sin(phi)
        }
        return t
    }

    /// `(cos phi, sin phi)` exactly as libm gives them, for a recorded value `phi`.
    @inline(__always)
    func cosSin(_ phi: Float) -> (Double, Double) {
        let x = Double(phi)
        let a = x * 1000
        if abs(a) < Double(RecordedAngles.maximumThousandths) + 0.5 {
            let k = Int(a < 0 ? a - 0.5 : a + 0.5)
            if Float(Double(k) / 1000) == phi && k != 0 {
                let i = 2 * (k + RecordedAngles.maximumThousandths)
                return (table[i], table[i + 1])
            }
        }
        return (cos(x), sin(x))   // zero (keeping its sign), and values that are not 3-decimal
    }

    /// `sign(sin(x))` for `|x| < 3 pi`, without calling `sin` (see the type's documentation).
    @inline(__always)
    static func sineSign(_ x: Double) -> Double {
        let a = abs(x)
        if a == 0 { return 0 }
        let positive = a <= Double.pi || (a > 2 * Double.pi)
        return (x > 0) == positive ? 1 : -1
    }

    /// `abs(((x + 3 pi) mod 2 pi) - pi)` as the reference computes it with `truncatingRemainder`,
    /// for `|x| < 3 pi`.
    @inline(__always)
    static func wrappedDeltaPhi(_ x: Double) -> Double {
        let a = x + 3 * Double.pi
        let b = 2 * Double.pi
        let r = a >= 2 * b ? a - 2 * b : (a >= b ? a - b : a)
        return abs(r - Double.pi)
    }

    /// Writes the 12 derived features of the row at `p` (primary `k` at `p[k * stride]`) at
    /// `p[(16 + j) * stride]`, exactly as ``DerivedFeatures/compute(primaries:stride:into:outStride:)``.
    @inline(__always)
    func deriveFeatures(_ p: UnsafeMutablePointer<Float>, stride n: Int) {
        @inline(__always) func v(_ k: Int) -> Double { Double(p[k * n]) }
        let lepEta = v(1), lepPhi = v(2), hadEta = v(4), hadPhi = v(5)
        let nJets = v(12)
        let (lepCos, lepSin) = cosSin(p[2 * n])
        let (hadCos, hadSin) = cosSin(p[5 * n])
        var leadingCos = 0.0, leadingSin = 0.0, subleadingCos = 0.0, subleadingSin = 0.0
        var jetPairFactor = 0.0, deltaEtaJetJet = 0.0, prodEtaJetJet = 0.0, lepEtaCentrality = 0.0
        if nJets >= 1 { (leadingCos, leadingSin) = cosSin(p[8 * n]) }
        if nJets >= 2 {
            (subleadingCos, subleadingSin) = cosSin(p[11 * n])
            let leadingEta = v(7), subleadingEta = v(10)
            jetPairFactor = DerivedFeatures.massFactor(leadingEta - subleadingEta, v(8) - v(11))
            deltaEtaJetJet = abs(subleadingEta - leadingEta)
            prodEtaJetJet = leadingEta * subleadingEta
            var d = (leadingEta - subleadingEta) * (leadingEta - subleadingEta)
            if d == 0 { d = 1e-4 }
            let c = (leadingEta + subleadingEta) / 2
            lepEtaCentrality = exp(-4 / d * (lepEta - c) * (lepEta - c))
        }
        let dphi = RecordedAngles.wrappedDeltaPhi(lepPhi - hadPhi)
        let deta = lepEta - hadEta
        let invariants = DerivedFeatures.Invariants(
            lepCos: lepCos, lepSin: lepSin, hadCos: hadCos, hadSin: hadSin,
            leadingCos: leadingCos, leadingSin: leadingSin, subleadingCos: subleadingCos, subleadingSin: subleadingSin,
            visFactor: DerivedFeatures.massFactor(deta, lepPhi - hadPhi), jetPairFactor: jetPairFactor,
            deltaEtaJetJet: deltaEtaJetJet, prodEtaJetJet: prodEtaJetJet,
            deltaRHadLep: (deta * deta + dphi * dphi).squareRoot(), lepEtaCentrality: lepEtaCentrality,
            centralitySign: RecordedAngles.sineSign(hadPhi - lepPhi))
        let (metCos, metSin) = cosSin(p[15 * n])
        let kinematics = DerivedFeatures.Kinematics(
            lepPt: v(0), hadPt: v(3), leadingPt: v(6), subleadingPt: v(9), nJets: nJets, jetAllPt: v(13),
            met: v(14), metCos: metCos, metSin: metSin)
        if !DerivedFeatures.compute(kinematics, invariants, into: p + 16 * n, stride: n) {
            p[26 * n] = DerivedFeatures.metPhiCentralityDegenerate(lepPhi: lepPhi, hadPhi: hadPhi, metPhi: v(15))
        }
    }
}
