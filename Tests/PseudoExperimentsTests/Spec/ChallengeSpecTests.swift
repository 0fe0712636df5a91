import Foundation
import XCTest
@testable import PseudoExperiments
import TestSupport

final class ChallengeSpecTests: XCTestCase {
    private let tests = ReferenceData.packageRoot.appendingPathComponent("datasets-spec/tests")

    private func expectations(_ folder: String) throws -> [String: [String: String]] {
        let url = tests.appendingPathComponent(folder).appendingPathComponent("expected.json")
        return try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: url))
    }

    /// The documents the JSON Schema rejects are rejected by the Swift loader as schema errors,
    /// at the same field.
    func testSchemaInvalidDocumentsAreSchemaErrorsNamingTheField() throws {
        let expected = try expectations("invalid/challenge")
        XCTAssertGreaterThanOrEqual(expected.count, 10)
        for (key, entry) in expected.sorted(by: { $0.key < $1.key }) {
            let url = tests.appendingPathComponent("invalid").appendingPathComponent(key)
            XCTAssertThrowsError(try ChallengeSpec.load(from: url), key) { error in
                guard let error = error as? SpecError else { return XCTFail("\(key): \(error)") }
                XCTAssertEqual(error.kind, .schema, "\(key): \(error)")
                XCTAssertEqual(error.path, entry["swift_path"], "\(key): \(error)")
                XCTAssert(error.description.contains(url.path), "\(key): \(error)")
            }
        }
    }

    func testUnsupportedVersionIsReadFirst() throws {
        // A version-2 document with a layout version 1 does not know: the version is the error.
        let doc = Data(#"{"schema_version": "2.0.0", "whatever": {"new": "layout"}}"#.utf8)
        XCTAssertThrowsError(try ChallengeSpec.decode(doc, source: "v2.json")) { error in
            XCTAssertEqual(error as? SpecError, .unsupportedVersion(source: "v2.json", found: "2.0.0", supported: ["1.0.0", "1.1.0"]))
        }
        XCTAssertThrowsError(try ChallengeSpec.decode(Data(#"{"name": "x"}"#.utf8), source: "s")) { error in
            XCTAssertEqual((error as? SpecError)?.path, "")
            XCTAssert("\(error)".contains("schema_version"))
        }
        XCTAssertThrowsError(try ChallengeSpec.decode(Data("{not json".utf8), source: "s")) { error in
            XCTAssertEqual((error as? SpecError)?.kind, .schema)
            XCTAssert("\(error)".contains("not valid JSON"))
        }
    }

    /// Schema-valid documents (the CI script checks that) that make no sense are refused as
    /// meaning errors, naming the field.
    func testMeaninglessDocumentsAreMeaningErrorsNamingTheField() throws {
        let expected = try expectations("meaningless")
        XCTAssertGreaterThanOrEqual(expected.count, 15)
        for (name, entry) in expected.sorted(by: { $0.key < $1.key }) {
            let url = tests.appendingPathComponent("meaningless").appendingPathComponent(name)
            XCTAssertThrowsError(try ChallengeSpec.load(from: url), name) { error in
                guard let error = error as? SpecError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(error.kind, .meaning, "\(name): \(error)")
                XCTAssertEqual(error.path, entry["swift_path"], "\(name): \(error)")
                XCTAssert(error.description.contains(entry["swift_message"] ?? "?"), "\(name): \(error)")
                XCTAssert(error.description.contains(url.path), "\(name): \(error)")
            }
        }
    }

    func testEveryFolderDocumentIsListedInItsExpectations() throws {
        for folder in ["invalid/challenge", "meaningless"] {
            let listed = Set(try expectations(folder).keys.map { ($0 as NSString).lastPathComponent })
            let files = Set(try FileManager.default.contentsOfDirectory(atPath: tests.appendingPathComponent(folder).path)
                .filter { $0.hasSuffix(".json") && $0 != "expected.json" })
            XCTAssertEqual(listed, files, folder)
        }
    }

    func testCanonicalJSONIgnoresLayoutAndRoundTrips() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        // The same content with other whitespace and key order, and without the $schema hint.
        let original = try XCTUnwrap(ChallengeSpec.builtinDocument(named: "fair-universe-2024"))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: original) as? [String: Any])
        object.removeValue(forKey: "$schema")
        let relaid = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        let again = try ChallengeSpec.decode(relaid, source: "relaid")
        XCTAssertEqual(again, spec)
        XCTAssertEqual(again.canonicalJSON(), spec.canonicalJSON())
        XCTAssertEqual(again.sha256, spec.sha256)

        // Canonical JSON is itself a valid document of the same spec.
        XCTAssertEqual(try ChallengeSpec.decode(spec.canonicalJSON(), source: "canonical"), spec)

        // Its form: sorted keys, no whitespace, integers without fraction.
        let text = String(decoding: spec.canonicalJSON(), as: UTF8.self)
        XCTAssert(text.hasPrefix(#"{"confidence_level":0.6827,"default_phase":"final","description":"#), text)
        XCTAssert(text.contains(#""expected_events":{"diboson":3783,"htautau":1015,"ttbar":44192,"ztautau":1002395}"#), text)
        XCTAssert(text.contains(#""width_epsilon":0.001"#), text)
        XCTAssertFalse(text.contains("\n"))
        XCTAssertEqual(spec.sha256.hex, SHA256.hash(spec.canonicalJSON()).hex)
    }

    func testAnyChangeOfContentChangesTheHash() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        var a = spec; a.nuisances[0].prior = .normal(mean: 1, sigma: 0.011)
        var b = spec; b.phases[1].defaultSeed += 1
        var c = spec; c.description = nil
        let mini = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        let hashes = Set([spec, a, b, c, mini].map(\.sha256))
        XCTAssertEqual(hashes.count, 5)
    }

    func testValidateCatchesSpecsEditedInCode() throws {
        var spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        XCTAssertNoThrow(try spec.validate())
        spec.score.overCoverageExponent = -3
        XCTAssertThrowsError(try spec.validate(source: "edited")) { error in
            XCTAssertEqual((error as? SpecError)?.kind, .meaning)
            XCTAssertEqual((error as? SpecError)?.path, "score.over_coverage_exponent")
        }
    }

    func testDrawsAreSeededClippedAndFollowThePriors() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        var r1 = SeededGenerator(seed: 5), r2 = SeededGenerator(seed: 5)
        XCTAssertEqual(spec.drawNuisances(using: &r1), spec.drawNuisances(using: &r2))

        var rng = SeededGenerator(seed: 2024)
        let n = 20_000
        var tes = [Double](), soft = [Double](), mus = [Double]()
        for _ in 0..<n {
            let v = spec.drawNuisances(using: &rng)
            tes.append(v.tes); soft.append(v.softMet)
            mus.append(spec.drawMu(using: &rng))
            for nuisance in spec.nuisances {
                let value = try XCTUnwrap(ChallengeSpec.value(of: nuisance.name, in: v))
                XCTAssert(nuisance.clip.contains(value), "\(nuisance.name) = \(value)")
            }
        }
        // tes ~ N(1, 0.01): mean within 5 standard errors; sd within 5% (clipping at 10 sigma is invisible).
        let mean = tes.reduce(0, +) / Double(n)
        let sd = (tes.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
        XCTAssertEqual(mean, 1, accuracy: 5 * 0.01 / Double(n).squareRoot())
        XCTAssertEqual(sd, 0.01, accuracy: 0.0005)
        // soft_met ~ LogNormal(0, 1) clamped to [0, 5]: median 1, and P(x = 5) = P(z > ln 5) = 0.0538.
        let sorted = soft.sorted()
        XCTAssertEqual(sorted[n / 2], 1, accuracy: 0.04)
        let atEdge = Double(soft.filter { $0 == 5 }.count) / Double(n)
        XCTAssertEqual(atEdge, 0.0538, accuracy: 5 * (0.0538 * 0.9462 / Double(n)).squareRoot())
        // mu ~ Uniform(0.1, 3): mean 1.55, inside the range.
        XCTAssert(mus.allSatisfy { $0 >= 0.1 && $0 < 3 })
        XCTAssertEqual(mus.reduce(0, +) / Double(n), 1.55, accuracy: 5 * (2.9 / 12.0.squareRoot()) / Double(n).squareRoot())
    }

    func testNuisancesLeftOutStayNominal() throws {
        var spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        spec.nuisances.removeAll { $0.name == "jes" || $0.name == "soft_met" }
        try spec.validate()
        var rng = SeededGenerator(seed: 1)
        let v = spec.drawNuisances(using: &rng)
        XCTAssertEqual(v.jes, NuisanceValues.nominal.jes)
        XCTAssertEqual(v.softMet, NuisanceValues.nominal.softMet)
        XCTAssertNotEqual(v.tes, NuisanceValues.nominal.tes)
    }
}
