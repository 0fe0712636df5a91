import Foundation
import XCTest
@testable import PseudoExperiments
import TestSupport

/// The shipped fair-universe-2024 spec against the reference's own description
/// (/work/shared/reference/FEATURES.md and README.md), parsed from those files so that the
/// numbers are not copied into test code.
final class ChallengeSpecConformanceTests: XCTestCase {
    private func referenceText(_ name: String) throws -> String {
        try String(contentsOf: ReferenceData.directory.appendingPathComponent(name), encoding: .utf8)
    }

    private func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let regex = try NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { ns.substring(with: m.range(at: $0)) }
        }
    }

    func testPriorsAndClipRangesMatchFEATURES() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let text = try referenceText("FEATURES.md")
        let found = try matches(#"(\w+) ~ (N|LogNormal)\(([-\d.]+), ([\d.]+)\)(?: clipped)? \[([-\d.]+), ([\d.]+)\]"#, in: text)
        XCTAssertEqual(found.count, 6, "FEATURES.md lists six nuisance priors")
        XCTAssertEqual(Set(found.map { $0[1] }), Set(spec.nuisances.map(\.name)))
        for m in found {
            guard let nuisance = spec.nuisance(named: m[1]) else { XCTFail("no nuisance \(m[1])"); continue }
            let (a, b) = (Double(m[3])!, Double(m[4])!)
            switch (m[2], nuisance.prior) {
            case let ("N", .normal(mean, sigma)):
                XCTAssertEqual(mean, a, m[1]); XCTAssertEqual(sigma, b, m[1])
            case let ("LogNormal", .lognormal(logMean, logSigma)):
                XCTAssertEqual(logMean, a, m[1]); XCTAssertEqual(logSigma, b, m[1])
            default:
                XCTFail("\(m[1]): reference says \(m[2]), spec has \(nuisance.prior)")
            }
            XCTAssertEqual(nuisance.clip, .init(min: Double(m[5])!, max: Double(m[6])!), m[1])
        }
        let mu = try matches(#"mu ~ Uniform\(([\d.]+), ([\d.]+)\)"#, in: text)
        XCTAssertEqual(mu.count, 1)
        XCTAssertEqual(spec.muPrior, .init(min: Double(mu[0][1])!, max: Double(mu[0][2])!))
    }

    func testNormalisationsMatchFEATURESAndNuisanceValues() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        // FEATURES.md: "htautau mu; ztautau bkg_scale; ttbar ttbar_scale * bkg_scale; diboson diboson_scale * bkg_scale".
        let text = try referenceText("FEATURES.md")
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("Normalisations:") })
        for process in PhysicsProcess.allCases where !process.isSignal {
            let listed = spec.nuisances.filter {
                if case let .normalisation(ps) = $0.actsOn { return ps.contains(process) } else { return false }
            }.map(\.name)
            let pattern = "\(process.rawValue) ([a-z_]+(?: \\* [a-z_]+)*)"
            let expected = try XCTUnwrap(matches(pattern, in: String(line)).first)[1].components(separatedBy: " * ")
            XCTAssertEqual(Set(listed), Set(expected), process.rawValue)
        }
        // And the spec's products agree with NuisanceValues.normalisation for drawn values.
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<50 {
            let values = spec.drawNuisances(using: &rng)
            let mu = spec.drawMu(using: &rng)
            for process in PhysicsProcess.allCases {
                XCTAssertEqual(spec.normalisation(of: process, mu: mu, nuisances: values),
                               values.normalisation(of: process, mu: mu), accuracy: 1e-15)
            }
        }
    }

    func testYieldsPhasesAndScoreMatchTheReference() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let readme = try referenceText("README.md")
        let yields = try matches(#"(htautau|ztautau|diboson|ttbar) ([\d,]+)"#, in: readme)
        XCTAssertEqual(yields.count, 4)
        for y in yields {
            let process = try XCTUnwrap(PhysicsProcess(rawValue: y[1]))
            XCTAssertEqual(spec.expectedEvents(process), Double(y[2].replacingOccurrences(of: ",", with: ""))!, y[1])
        }
        XCTAssert(readme.contains("(10 fb^-1)"))
        XCTAssertEqual(spec.luminosity, 10)

        let features = try referenceText("FEATURES.md")
        let phases = try XCTUnwrap(matches(#"(\d+) sets x (\d+) pseudo-experiments \(feedback\), (\d+) x (\d+) \(final\)"#, in: features).first)
        XCTAssertEqual(spec.phase(named: "feedback")?.sets, Int(phases[1]))
        XCTAssertEqual(spec.phase(named: "feedback")?.pseudoExperimentsPerSet, Int(phases[2]))
        XCTAssertEqual(spec.phase(named: "final")?.sets, Int(phases[3]))
        XCTAssertEqual(spec.phase(named: "final")?.pseudoExperimentsPerSet, Int(phases[4]))

        let target = try XCTUnwrap(matches(#"the target is ([\d.]+) and eps is (\d+(?:\.\d+)?(?:e-?\d+)?)"#, in: readme).first)
        XCTAssertEqual(spec.confidenceLevel, Double(target[1]))
        XCTAssertEqual(spec.score.widthEpsilon, Double(target[2]))
        let exponents = try XCTUnwrap(matches(#"\(\|c - lower\| / sigma68\)\^(\d) below,\s+1 \+ \(\|c - upper\| / sigma68\)\^(\d) above"#, in: features).first)
        XCTAssertEqual(spec.score.underCoverageExponent, Double(exponents[1]))
        XCTAssertEqual(spec.score.overCoverageExponent, Double(exponents[2]))
        let band = try XCTUnwrap(matches(#"f\(c\) = 1 inside \[0\.6827 - (\d) sigma68"#, in: features).first)
        XCTAssertEqual(spec.score.coverageBandSigmas, Double(band[1]))
    }

    func testMiniIsTheFullChallengeAtOneHundredthOfTheLuminosity() throws {
        let full = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let mini = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        XCTAssertEqual(mini.luminosity * 100, full.luminosity, accuracy: 1e-12)
        for process in PhysicsProcess.allCases {
            XCTAssertEqual(mini.expectedEvents(process) * 100, full.expectedEvents(process), accuracy: 1e-6)
        }
        XCTAssertEqual(mini.nuisances, full.nuisances)
        XCTAssertEqual(mini.muPrior, full.muPrior)
        XCTAssertEqual(mini.score, full.score)
        XCTAssertEqual(mini.confidenceLevel, full.confidenceLevel)
        XCTAssertLessThan(mini.phases.map { $0.sets * $0.pseudoExperimentsPerSet }.reduce(0, +), 50)
        let total = PhysicsProcess.allCases.map(mini.expectedEvents).reduce(0, +)
        XCTAssertLessThan(total, 20_000, "a mini pseudo-experiment must stay small for tests")
        XCTAssertNotEqual(Set(mini.phases.map(\.defaultSeed)), Set(full.phases.map(\.defaultSeed)))
    }

    /// The challenge on its own data is the full challenge with the data file's pools, split as
    /// the ingestion splits it (test_size = 0.3), with phase seeds of its own.
    func testDataChallengeIsTheFullChallengeOnTheDataFile() throws {
        let full = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let data = try ChallengeSpec.builtin(named: "fair-universe-2024-data")
        XCTAssertEqual(data.luminosity, full.luminosity)
        XCTAssertEqual(data.yields, full.yields)
        XCTAssertEqual(data.nuisances, full.nuisances)
        XCTAssertEqual(data.muPrior, full.muPrior)
        XCTAssertEqual(data.score, full.score)
        XCTAssertEqual(data.confidenceLevel, full.confidenceLevel)
        XCTAssertEqual(data.phases.map(\.name), full.phases.map(\.name))
        XCTAssertTrue(Set(data.phases.map(\.defaultSeed)).isDisjoint(with: full.phases.map(\.defaultSeed)))
        XCTAssertNil(data.pools.evaluation)
        XCTAssertNil(data.pools.training)
        XCTAssertEqual(data.pools.data, .init(fileName: "FAIR_Universe_HiggsML_data.parquet",
                                              metadataFileName: "FAIR_Universe_HiggsML_data_metadata.json", testFraction: 0.3))
        // Without the file, nothing is simulated in its place: the error says what to pass.
        XCTAssertThrowsError(try ChallengePools.training(spec: data)) {
            XCTAssertTrue("\($0)".contains("--data FAIR_Universe_HiggsML_data.parquet"), "\($0)")
        }
    }

    func testEventTableSchemaAgreesWithFeatureAndPoolColumns() throws {
        let url = ReferenceData.packageRoot.appendingPathComponent("datasets-spec/schemas/1.0.0/event-table.json")
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let order = try XCTUnwrap(schema["x-column-order"] as? [String])
        XCTAssertEqual(order, Feature.allCases.map(\.rawValue) + ["weights", "detailed_labels", "labels"])
        XCTAssertEqual(Array(order.prefix(30)), PoolFormat.columns.map(\.name))
        XCTAssertEqual(schema["x-undefined-marker"] as? Double, Double(Feature.undefined))
        let defs = try XCTUnwrap(schema["$defs"] as? [String: Any])
        let features = try XCTUnwrap((defs["features"] as? [String: Any])?["properties"] as? [String: [String: Any]])
        for feature in Feature.allCases {
            XCTAssertEqual(features[feature.rawValue]?["x-unit"] as? String, feature.unit, feature.rawValue)
        }
    }
}
