import Foundation
import XCTest
import TestSupport
@testable import PseudoExperiments

/// Challenge variants (issue 16): each effect moves the distribution it claims to by the size it
/// claims, the closure variant is the identity, estimators see a variant as its nominal, and bad
/// effect fields are clear errors.
final class DomainShiftTests: XCTestCase {
    let spec = try! ChallengeSpec.builtin(named: "fair-universe-2024-mini")

    func plan(_ effects: [EvaluationShift.Effect], blockRows: Int = 512) -> SimulationPlan {
        var plan = SimulationPlan(seed: 77, rows: ProcessRows(htautau: 600, ztautau: 3000, ttbar: 800, diboson: 200),
                                  spec: spec, blockRows: blockRows)
        plan.shift = effects
        return plan
    }

    /// The nominal and the shifted pool of `effects`, read back from a fresh cache.
    func pools(_ effects: [EvaluationShift.Effect], blockRows: Int = 512) throws -> (nominal: EventTable, shifted: EventTable) {
        let dir = try ReferenceData.temporaryDirectory("domain-shift")
        defer { try? FileManager.default.removeItem(at: dir) }
        let shifted = try SimulatedPool.cached(plan(effects, blockRows: blockRows), directory: dir, workers: 2)
        let nominal = try SimulatedPool.cached(plan([], blockRows: blockRows), directory: dir, workers: 2)
        XCTAssertEqual(nominal.outcome, .reused, "the shifted pool is made from the cached nominal one")
        return (try PoolReader(url: nominal.url).readAll(), try PoolReader(url: shifted.url).readAll())
    }

    func column(_ t: EventTable, _ f: Feature) -> [Double] { t.columns[f.index].map(Double.init) }

    func standardDeviation(_ x: [Double]) -> Double {
        let m = x.reduce(0, +) / Double(x.count)
        return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
    }

    func testTauResolutionSmearsTheTauPtByItsSizeAndKeepsTheVisibleMomentumBalance() throws {
        let (nominal, shifted) = try pools([.init(.tauEnergyResolution, size: 0.05)])
        XCTAssertEqual(shifted.count, nominal.count)
        XCTAssertTrue(shifted.weights == nominal.weights)
        XCTAssertTrue(shifted.processCodes == nominal.processCodes)
        let ratio = zip(column(shifted, .hadPt), column(nominal, .hadPt)).map { $0 / $1 }
        // The ratio is 1 + 0.05 g: mean 1, standard deviation 0.05 (+-10% at 4600 rows is > 6 sigma).
        XCTAssertEqual(ratio.reduce(0, +) / Double(ratio.count), 1, accuracy: 0.005)
        XCTAssertEqual(standardDeviation(ratio), 0.05, accuracy: 0.005)
        // The lepton and the jets are untouched.
        for f in [Feature.lepPt, .lepEta, .jetLeadingPt, .jetAllPt, .hadEta, .hadPhi] {
            XCTAssertTrue(shifted.columns[f.index] == nominal.columns[f.index], "\(f)")
        }
        // MET + tau momentum is conserved, up to the 3-decimal rounding of the stored values
        // (5e-4 rad of MET phi moves the vector by 5e-4 MET).
        for row in stride(from: 0, to: nominal.count, by: 7) {
            func balance(_ t: EventTable) -> (Double, Double, Double) {
                let met = Double(t.columns[Feature.met.index][row]), mphi = Double(t.columns[Feature.metPhi.index][row])
                let pt = Double(t.columns[Feature.hadPt.index][row]), phi = Double(t.columns[Feature.hadPhi.index][row])
                return (met * cos(mphi) + pt * cos(phi), met * sin(mphi) + pt * sin(phi), met + pt)
            }
            let a = balance(nominal), b = balance(shifted)
            let tolerance = 1e-3 * (a.2 + b.2) + 0.01
            XCTAssertEqual(a.0, b.0, accuracy: tolerance, "row \(row)")
            XCTAssertEqual(a.1, b.1, accuracy: tolerance, "row \(row)")
        }
        // Derived features follow the primaries: DER_pt_ratio_lep_had is lep_pt / had_pt.
        let ratioFeature = zip(column(shifted, .lepPt), column(shifted, .hadPt)).map { $0 / $1 }
        for (row, r) in ratioFeature.enumerated() where row % 11 == 0 {
            XCTAssertEqual(Double(shifted.columns[Feature.ptRatioLepHad.index][row]), r, accuracy: 1e-3 * r + 1e-4)
        }
    }

    func testJetResolutionSmearsEachJetAndMovesJetAllPtByTheSameMomentum() throws {
        let (nominal, shifted) = try pools([.init(.jetEnergyResolution, size: 0.08)])
        XCTAssertTrue(shifted.weights == nominal.weights)
        XCTAssertTrue(shifted.columns[Feature.hadPt.index] == nominal.columns[Feature.hadPt.index])
        let jets = nominal.columns[Feature.nJets.index]
        var ratios: [Double] = [], unchanged = 0
        for row in 0..<nominal.count {
            let n = Double(nominal.columns[Feature.jetLeadingPt.index][row])
            let s = Double(shifted.columns[Feature.jetLeadingPt.index][row])
            if jets[row] >= 1 { ratios.append(s / n) } else if s == n { unchanged += 1 }
            // PRI_jet_all_pt changes by the two leading jets' change.
            let change = (jets[row] >= 1 ? s - n : 0) + (jets[row] >= 2
                ? Double(shifted.columns[Feature.jetSubleadingPt.index][row]) - Double(nominal.columns[Feature.jetSubleadingPt.index][row]) : 0)
            XCTAssertEqual(Double(shifted.columns[Feature.jetAllPt.index][row]) - Double(nominal.columns[Feature.jetAllPt.index][row]),
                           change, accuracy: 0.003, "row \(row)")
        }
        XCTAssertEqual(unchanged, jets.filter { $0 < 1 }.count, "events without jets keep their (undefined) jet")
        XCTAssertGreaterThan(ratios.count, 1000)
        XCTAssertEqual(standardDeviation(ratios), 0.08, accuracy: 0.008)
    }

    func testZPtMismodellingReweightsZByItsSlopeAndKeepsTheZYield() throws {
        let size = 0.15
        let (nominal, shifted) = try pools([.init(.zPtMismodelling, size: size)])
        XCTAssertTrue(shifted.columns == nominal.columns, "a reweighting leaves every feature alone")
        let z = (0..<nominal.count).filter { nominal.process(at: $0) == .ztautau }
        let zSet = Set(z)
        for row in 0..<nominal.count where !zSet.contains(row) {
            XCTAssertEqual(shifted.weights[row], nominal.weights[row])
        }
        let before = z.map { Double(nominal.weights[$0]) }.reduce(0, +)
        let after = z.map { Double(shifted.weights[$0]) }.reduce(0, +)
        XCTAssertEqual(after / before, 1, accuracy: 1e-5, "the Z yield is kept")
        // The weighted mean boson pT moves to the independently computed tilted mean.
        let pt = z.map { Double(nominal.columns[Feature.ptH.index][$0]) }
        let w = z.map { Double(nominal.weights[$0]) }
        let tilt = zip(w, pt).map { $0 * exp(size * $1 / 100) }
        let expected = zip(tilt, pt).map(*).reduce(0, +) / tilt.reduce(0, +)
        let observed = zip(z.map { Double(shifted.weights[$0]) }, pt).map(*).reduce(0, +) / after
        let nominalMean = zip(w, pt).map(*).reduce(0, +) / before
        XCTAssertGreaterThan(observed, nominalMean * 1.01, "a positive slope hardens the spectrum")
        XCTAssertEqual(observed, expected, accuracy: 1e-4 * expected)
    }

    func testARowsShiftDependsOnTheRowNotOnTheBlocks() throws {
        let effects: [EvaluationShift.Effect] = [.init(.tauEnergyResolution, size: 0.05), .init(.jetEnergyResolution, size: 0.08)]
        let (nominal, shifted) = try pools(effects)
        // The same rows shifted in two pieces of another cut: the documented rule gives the same values.
        let cut = 1234
        var first = nominal.rows(Array(0..<cut)), second = nominal.rows(Array(cut..<nominal.count))
        DomainShift.applyFeatureEffects(effects, to: &first, firstRow: 0, seed: 77)
        DomainShift.applyFeatureEffects(effects, to: &second, firstRow: cut, seed: 77)
        first.append(contentsOf: second)
        XCTAssertTrue(first.columns == shifted.columns, "a row's shift depends on the blocks it is applied in")
        // Another seed shifts differently.
        var other = nominal
        DomainShift.applyFeatureEffects(effects, to: &other, firstRow: 0, seed: 78)
        XCTAssertFalse(other.columns == shifted.columns)
    }

    func testClosureVariantDrawsTheNominalPool() throws {
        for nominal in ["fair-universe-2024", "fair-universe-2024-mini"] {
            let closure = try ChallengeSpec.builtin(named: "\(nominal)-closure")
            XCTAssertEqual(closure.evaluationShift?.isIdentity, true)
            let a = try ChallengePools.evaluationPlan(spec: closure)
            let b = try ChallengePools.evaluationPlan(spec: try ChallengeSpec.builtin(named: nominal))
            XCTAssertEqual(a, b)
            XCTAssertEqual(SimulatedPool.fileName(for: a), SimulatedPool.fileName(for: b))
        }
        let shifted = try ChallengePools.evaluationPlan(spec: try ChallengeSpec.builtin(named: "fair-universe-2024-mini-z-pt"))
        XCTAssertNotEqual(SimulatedPool.fileName(for: shifted), SimulatedPool.fileName(for: shifted.nominal))
    }

    /// The seal: a variant reaches estimators as its nominal challenge, byte for byte, so a
    /// submission cannot tell it is being tested under a shift (nor which).
    func testEstimatorsSeeEveryVariantAsItsNominal() throws {
        var variants = 0
        for name in ChallengeSpec.builtinNames {
            let spec = try ChallengeSpec.builtin(named: name)
            guard let shift = spec.evaluationShift else { continue }
            variants += 1
            let nominal = try ChallengeSpec.builtin(named: shift.variantOf)
            XCTAssertNil(nominal.evaluationShift)
            XCTAssertEqual(spec.estimatorCanonicalJSON(), nominal.estimatorCanonicalJSON(), name)
            XCTAssertEqual(spec.redactedForEstimators(), nominal.redactedForEstimators(), name)
            let text = String(decoding: spec.estimatorCanonicalJSON(), as: UTF8.self)
            for word in ["evaluation_shift", "resolution", "closure", "z_pt", "1.1.0"] {
                XCTAssertFalse(text.contains(word), "\(name): the estimator spec contains '\(word)'")
            }
            // The training pool is the nominal's.
            XCTAssertEqual(spec.pools.training, nominal.pools.training)
            XCTAssertEqual(ChallengePools.plan(try spec.simulatedPools().training, spec: spec),
                           ChallengePools.plan(try nominal.simulatedPools().training, spec: nominal))
        }
        XCTAssertEqual(variants, 8)
    }

    // MARK: - Bad effect fields

    func variantDocument(_ shift: String, version: String = "1.1.0") throws -> Data {
        var text = String(decoding: try XCTUnwrap(ChallengeSpec.builtinDocument(named: "fair-universe-2024-mini")), as: UTF8.self)
        text = text.replacingOccurrences(of: "schemas/1.0.0/", with: "schemas/\(version)/")
            .replacingOccurrences(of: "\"schema_version\": \"1.0.0\"", with: "\"schema_version\": \"\(version)\"")
            .replacingOccurrences(of: "\"name\": \"fair-universe-2024-mini\"", with: "\"name\": \"my-variant\"")
        let end = try XCTUnwrap(text.range(of: "}", options: .backwards))
        text.replaceSubrange(end, with: ", \"evaluation_shift\": \(shift)\n}")
        return Data(text.utf8)
    }

    func refusal(_ data: Data) -> SpecError? {
        do {
            _ = try ChallengeSpec.decode(data, source: "variant.json")
            return nil
        } catch {
            return error as? SpecError
        }
    }

    func testBadShiftsAreClearErrorsNamingTheField() throws {
        let good = try variantDocument(#"{"variant_of": "fair-universe-2024-mini", "effects": [{"effect": "tau_energy_resolution", "size": 0.05}]}"#)
        XCTAssertEqual(try ChallengeSpec.decode(good, source: "v").evaluationShift?.effects, [.init(.tauEnergyResolution, size: 0.05)])
        let cases: [(String, SpecError.Kind, String, String)] = [
            (#"{"variant_of": "fair-universe-2024-mini", "effects": [{"effect": "tau_energy_resolution", "size": 0}]}"#,
             .meaning, "evaluation_shift.effects[0].size", "non-zero value in [0.0, 0.5]"),
            (#"{"variant_of": "fair-universe-2024-mini", "effects": [{"effect": "jet_energy_resolution", "size": 0.7}]}"#,
             .meaning, "evaluation_shift.effects[0].size", "0.7"),
            (#"{"variant_of": "fair-universe-2024-mini", "effects": [{"effect": "z_pt_mismodelling", "size": 0.1}, {"effect": "z_pt_mismodelling", "size": 0.1}]}"#,
             .meaning, "evaluation_shift.effects[1].effect", "given twice"),
            (#"{"variant_of": "my-variant", "effects": []}"#, .meaning, "evaluation_shift.variant_of", "cannot shift itself"),
            (#"{"variant_of": "fair-universe-2024-mini", "effects": [{"effect": "tau_id_efficiency", "size": 0.1}]}"#,
             .schema, "evaluation_shift.effects[0].effect", "tau_energy_resolution"),
            (#"{"variant_of": "fair-universe-2024-mini", "effects": [{"effect": "tau_energy_resolution", "width": 0.1}]}"#,
             .schema, "evaluation_shift.effects[0].width", "unknown key"),
            (#"{"variant_of": "Bad Name", "effects": []}"#, .schema, "evaluation_shift.variant_of", "pattern"),
        ]
        for (shift, kind, path, words) in cases {
            let error = try XCTUnwrap(refusal(try variantDocument(shift)), shift)
            XCTAssertEqual(error.kind, kind, "\(error)")
            XCTAssertEqual(error.path, path, "\(error)")
            XCTAssertTrue("\(error)".contains(words), "\(error)")
        }
        // A 1.0.0 document cannot carry the field.
        let old = try XCTUnwrap(refusal(try variantDocument(#"{"variant_of": "fair-universe-2024-mini", "effects": []}"#, version: "1.0.0")))
        XCTAssertEqual(old.kind, .schema)
        XCTAssertEqual(old.path, "evaluation_shift")
        XCTAssertTrue("\(old)".contains("1.1.0"), "\(old)")
    }

    func testAVariantOfADataFileChallengeIsRefused() throws {
        var spec = try ChallengeSpec.builtin(named: "fair-universe-2024-data")
        spec.schemaVersion = "1.1.0"
        spec.evaluationShift = EvaluationShift(variantOf: "fair-universe-2024-data", effects: [.init(.tauEnergyResolution, size: 0.05)])
        spec.name = "data-variant"
        XCTAssertThrowsError(try spec.validate()) { error in
            XCTAssertEqual((error as? SpecError)?.path, "evaluation_shift")
            XCTAssertTrue("\(error)".contains("data file"), "\(error)")
        }
    }

    func testAPoolFileCannotStandInForAShiftedPool() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini-tau-resolution")
        XCTAssertThrowsError(try ChallengePools.evaluation(file: URL(fileURLWithPath: "/tmp/some.fuqpool"), spec: spec)) { error in
            guard case .shiftedPoolIsSimulated? = error as? SetError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("leave out --pool"), "\(error)")
        }
    }
}
