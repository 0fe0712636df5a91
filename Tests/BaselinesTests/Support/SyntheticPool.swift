import Foundation
import PseudoExperiments

/// A small seeded event generator for the baselines' tests: a Z-like and an H-like resonance
/// decaying to a lepton and a hadronic tau (visible-mass peaks near 55 and 75 GeV), a broad
/// top-pair-like and a diboson-like background, with jets and a MET that carries the invisible
/// momentum. Primary features are rounded like the record's and the derived ones computed by
/// the harness, so the systematics transform applies to the rows as to real ones.
///
/// Not physics: just shapes with the right structure (a signal peak above a dominant
/// background peak, a hadronic tau spectrum that crosses the 26 GeV cut, jets that cross theirs).
struct SyntheticPool {
    /// Expected events of one pseudo-experiment per process at mu = 1 (the weights' sums).
    var yields: [PhysicsProcess: Double]

    static let standardYields: [PhysicsProcess: Double] = [.htautau: 400, .ztautau: 4000, .ttbar: 400, .diboson: 60]

    init(yields: [PhysicsProcess: Double] = SyntheticPool.standardYields) {
        self.yields = yields
    }

    /// A pool with `rows[p]` rows of each process, weights `yield / rows`.
    func table(rows: [PhysicsProcess: Int], seed: UInt64) -> EventTable {
        var rng = SeededGenerator(seed: seed)
        var table = EventTable()
        for process in PhysicsProcess.allCases {
            let n = rows[process] ?? 0
            guard n > 0 else { continue }
            let weight = Float((yields[process] ?? 0) / Double(n))
            for _ in 0..<n {
                table.append(features: event(process, using: &rng), weight: weight, process: process)
            }
        }
        return table
    }

    /// One pool of `total` rows split like the simulator's (a third signal).
    func table(total: Int, seed: UInt64) -> EventTable {
        let signal = total / 3, tt = total * 8 / 100, vv = total * 3 / 100
        return table(rows: [.htautau: signal, .ztautau: total - signal - tt - vv, .ttbar: tt, .diboson: vv], seed: seed)
    }

    /// The 28 features of one event of `process`.
    func event(_ process: PhysicsProcess, using rng: inout SeededGenerator) -> [Float] {
        while true {
            let mass: Double, jetRate: Double, extraMet: Double
            switch process {
            case .htautau: mass = 125 + 4 * rng.nextGaussian(); jetRate = 1.0; extraMet = 3
            case .ztautau: mass = 91 + 3 * rng.nextGaussian(); jetRate = 0.5; extraMet = 3
            case .ttbar: mass = rng.nextDouble(in: 70, 260); jetRate = 2.5; extraMet = 25
            case .diboson: mass = rng.nextDouble(in: 90, 200); jetRate = 0.7; extraMet = 10
            }
            let phi1 = rng.nextDouble(in: -Double.pi, Double.pi)
            let phi2 = phi1 + Double.pi + 0.3 * rng.nextGaussian()
            let pt1 = 0.5 * mass * rng.nextDouble(in: 0.6, 1.3), pt2 = 0.5 * mass * rng.nextDouble(in: 0.6, 1.3)
            let xl = rng.nextDouble(in: 0.25, 1), xh = rng.nextDouble(in: 0.35, 1)
            let lepPt = xl * pt1, hadPt = xh * pt2
            guard lepPt >= 20, hadPt >= 23 else { continue }
            let lepEta = 1.2 * rng.nextGaussian(), hadEta = lepEta + 0.8 * rng.nextGaussian()
            guard abs(lepEta) < 2.5, abs(hadEta) < 2.5 else { continue }
            var metX = (1 - xl) * pt1 * cos(phi1) + (1 - xh) * pt2 * cos(phi2) + extraMet * rng.nextGaussian()
            var metY = (1 - xl) * pt1 * sin(phi1) + (1 - xh) * pt2 * sin(phi2) + extraMet * rng.nextGaussian()
            // Jets: Poisson multiplicity, pt above 22.5 GeV.
            var jets: [(pt: Double, eta: Double, phi: Double)] = []
            var k = 0, p = exp(-jetRate), u = rng.nextUnitDouble(), cumulative = p
            while u > cumulative && k < 6 { k += 1; p *= jetRate / Double(k); cumulative += p }
            for _ in 0..<k {
                let pt = 22.5 - 30 * log(rng.nextOpenUnitDouble())
                let phi = rng.nextDouble(in: -Double.pi, Double.pi)
                jets.append((pt, 2 * rng.nextGaussian(), phi))
                // Jets recoil against the MET a little.
                metX -= 0.1 * pt * cos(phi)
                metY -= 0.1 * pt * sin(phi)
            }
            jets.sort { $0.pt > $1.pt }
            let undefined = Double(Feature.undefined)
            let none: (pt: Double, eta: Double, phi: Double) = (undefined, undefined, undefined)
            let leading = jets.first ?? none
            let subleading = jets.count > 1 ? jets[1] : none
            let wrap = { (x: Double) -> Double in atan2(sin(x), cos(x)) }
            let primaries: [Double] = [
                lepPt, lepEta, wrap(phi1), hadPt, hadEta, wrap(phi2),
                leading.pt, leading.eta, leading.phi, subleading.pt, subleading.eta, subleading.phi,
                Double(jets.count), jets.reduce(0) { $0 + $1.pt },
                (metX * metX + metY * metY).squareRoot(), atan2(metY, metX),
            ]
            let rounded = primaries.map { roundToThreeDecimals(Float($0)) }
            return rounded + DerivedFeatures.compute(primaries: rounded)
        }
    }
}
