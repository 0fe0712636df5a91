import XCTest
import TestSupport
@testable import PseudoExperiments

/// The simulator against the 1000 real events of the FAIR Universe sample (FAIR Universe HiggsML
/// Uncertainty Challenge, Pythia 8 + Delphes): per-process medians and jet multiplicities.
///
/// Tolerances: medians within 25% for htautau (336 real rows) and ztautau (634), within 40% for
/// ttbar (26 rows); jet-multiplicity fractions (0, 1, 2, 3+ jets) within 0.07 for htautau and
/// ztautau, the mean multiplicity within 25% for ttbar. Diboson (4 rows) is checked by its yield.
final class ResemblanceTests: XCTestCase {
    static let real: EventTable = try! EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
    static let simulated: [PhysicsProcess: EventTable] = {
        let rows: [PhysicsProcess: Int] = [.htautau: 4_000, .ztautau: 4_000, .ttbar: 2_000]
        var out: [PhysicsProcess: EventTable] = [:]
        for (process, n) in rows {
            out[process] = ProcessGenerator.standard.block(of: process, rows: n, seed: 2024 + UInt64(process.code),
                                                           weight: 1).table
        }
        return out
    }()

    func column(_ table: EventTable, _ feature: Feature, _ process: PhysicsProcess) -> [Float] {
        (0..<table.count).filter { table.processCodes[$0] == process.code }.map { table[feature][$0] }
    }

    func median(_ values: [Float]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? Double(s[s.count / 2]) : (Double(s[s.count / 2 - 1]) + Double(s[s.count / 2])) / 2
    }

    func testMediansMatchTheRealSample() {
        let features: [Feature] = [.massVis, .hadPt, .lepPt, .met]
        for (process, tolerance) in [(PhysicsProcess.htautau, 0.25), (.ztautau, 0.25), (.ttbar, 0.40)] {
            let sim = Self.simulated[process]!
            for feature in features {
                let real = median(column(Self.real, feature, process))
                let simulated = median(column(sim, feature, process))
                XCTAssertEqual(simulated / real, 1, accuracy: tolerance,
                               "\(process.rawValue) \(feature.rawValue): simulated median \(simulated), real \(real)")
            }
        }
    }

    func jetFractions(_ values: [Float]) -> [Double] {
        var counts = [0.0, 0, 0, 0]
        for v in values { counts[min(3, Int(v))] += 1 }
        return counts.map { $0 / Double(values.count) }
    }

    func testJetMultiplicityHasTheShapeOfTheRealSample() {
        for process in [PhysicsProcess.htautau, .ztautau] {
            let real = jetFractions(column(Self.real, .nJets, process))
            let simulated = jetFractions(column(Self.simulated[process]!, .nJets, process))
            for k in 0..<4 {
                XCTAssertEqual(simulated[k], real[k], accuracy: 0.07,
                               "\(process.rawValue) fraction with \(k)\(k == 3 ? "+" : "") jets: simulated \(simulated), real \(real)")
            }
        }
        // The signal radiates more than Z (gluon fusion), as in the sample.
        let zeroJetsH = jetFractions(column(Self.simulated[.htautau]!, .nJets, .htautau))[0]
        let zeroJetsZ = jetFractions(column(Self.simulated[.ztautau]!, .nJets, .ztautau))[0]
        XCTAssertLessThan(zeroJetsH, zeroJetsZ - 0.2)
        // Top pairs: mostly 2 to 4 jets (26 real rows: the mean only).
        func mean(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) } / Double(v.count) }
        let real = mean(column(Self.real, .nJets, .ttbar)), simulated = mean(column(Self.simulated[.ttbar]!, .nJets, .ttbar))
        XCTAssertEqual(simulated / real, 1, accuracy: 0.25, "ttbar mean jets: simulated \(simulated), real \(real)")
        // PRI_n_jets counts every jet: multiplicities beyond 2 occur, as in the sample (up to 7).
        XCTAssertGreaterThanOrEqual(Self.simulated[.htautau]![.nJets].max()!, 6)
    }

    func testPreselectionThresholdsMatchTheSample() {
        // The real sample's lowest lepton, tau and jet pt: the cuts the simulator applies.
        let real = Self.real
        let lowestLepton = real[.lepPt].min()!, lowestTau = real[.hadPt].min()!
        let lowestJet = real[.jetLeadingPt].filter { $0 > 0 }.min()!
        for (_, sim) in Self.simulated {
            XCTAssertEqual(Double(sim[.lepPt].min()!), Double(lowestLepton), accuracy: 0.5)
            XCTAssertEqual(Double(sim[.hadPt].min()!), Double(lowestTau), accuracy: 1.0)
        }
        // The jet cut, over all simulated events: the leading jet of a top pair is a b jet, below
        // 25 GeV in about 1 event in 1000, so the lowest one of 2000 ttbar events alone is a
        // noisy measure of the cut.
        let lowestSimulatedJet = Self.simulated.values.compactMap { $0[.jetLeadingPt].filter { $0 > 0 }.min() }.min()!
        XCTAssertEqual(Double(lowestSimulatedJet), Double(lowestJet), accuracy: 1.0)
    }

    func testDefaultPlanCarriesTheChallengeYieldsOfEveryProcess() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let plan = try SimulationPlan(seed: 1, events: 1000, spec: spec)
        let expected: PerProcess<Double> = PerProcess(htautau: 1_015, ztautau: 1_002_395, ttbar: 44_192, diboson: 3_783)
        for process in PhysicsProcess.allCases {
            XCTAssertEqual(Double(plan.weight(of: process)) * Double(plan.rows[process]), expected[process],
                           accuracy: expected[process] * 1e-6, process.rawValue)
        }
    }
}
