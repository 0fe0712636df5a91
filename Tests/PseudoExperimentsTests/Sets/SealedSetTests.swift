import XCTest
@testable import PseudoExperiments
import TestSupport

/// Sealed sets: a secret from OS entropy, a manifest with only its commitment, a truth file
/// that alone reopens the sets, bit for bit.
final class SealedSetTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try ReferenceData.temporaryDirectory("sealed-sets")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func manifest(keys: SetKeys) throws -> SetManifest {
        let spec = SetsFixtures.mini
        return SetManifest(spec: spec, phase: "final", keys: keys, sets: 2, pseudoExperimentsPerSet: 3,
                           pool: try SetManifest.Pool(describing: SetsFixtures.samplePool, source: .file, spec: spec))
    }

    func write(_ name: String, keys: SetKeys, materialize: Bool) throws -> URL {
        let dir = root.appendingPathComponent(name)
        _ = try SetWriter(manifest: try manifest(keys: keys), keys: keys, pool: SetsFixtures.samplePool,
                          materialize: materialize).write(to: dir, truthsTo: TruthFile.defaultURL(forDirectory: dir))
        return dir
    }

    /// Every derived value is a function of the secret, none equals another, and the hex form
    /// round-trips; two draws never share a secret.
    func testKeysDeriveFromTheSecretOnly() throws {
        let a = SetKeys.drawSealed(), b = SetKeys.drawSealed()
        XCTAssertNotEqual(a.secret, b.secret)
        XCTAssertEqual(a.secret?.count, 32)
        XCTAssertEqual(try SetKeys.sealed(secretHex: XCTUnwrap(a.secretHex)), a)
        XCTAssertTrue(a.isSealed)
        XCTAssertLessThan(a.rootSeed, 1 << 53)
        XCTAssertLessThan(try XCTUnwrap(a.poolSeed), 1 << 53)
        XCTAssertNotEqual(a.poolSeed, a.rootSeed)
        XCTAssertNotEqual(a.estimatorKey, SeedDerivation.sealedKey(root: a.rootSeed),
                          "the estimator key of a sealed set is not a function of its 53-bit root seed")
        // An independent expectation: HMAC-SHA256 of the documented label under the secret.
        let expected = HMACSHA256.authenticate(Array("fair-uq-bench/sealed-root/v1".utf8), key: a.secret!).bytes
        let word = expected[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        XCTAssertEqual(a.rootSeed, word & ((1 << 53) - 1))
        // Open keys are the documented ones of the public seed.
        let open = SetKeys.open(seed: 11)
        XCTAssertFalse(open.isSealed)
        XCTAssertNil(open.commitment)
        XCTAssertEqual(open.estimatorKey, SeedDerivation.sealedKey(root: 11))
        XCTAssertThrowsError(try SetKeys.sealed(secretHex: "abc")) { XCTAssert("\($0)".contains("64"), "\($0)") }
        XCTAssertThrowsError(try SetKeys.sealed(secretHex: String(repeating: "g", count: 64)))
    }

    /// A sealed manifest holds no seed; its truth file holds the secret, reopens the directory
    /// and regenerates exactly the stored pseudo-experiments; the truths of another set or an
    /// edited secret are refused.
    func testSealedDirectoryReopensOnlyWithItsTruthFile() throws {
        let keys = SetKeys.drawSealed()
        let materialized = try write("m", keys: keys, materialize: true)
        let regenerated = try write("r", keys: keys, materialize: false)
        let text = try String(contentsOf: regenerated.appendingPathComponent("manifest.json"), encoding: .utf8)
        XCTAssertFalse(text.contains("\"seed\":"), text)
        XCTAssertFalse(text.contains(String(keys.rootSeed)))
        XCTAssertTrue(text.contains(try XCTUnwrap(keys.commitment)))

        let m = try SetDirectory.open(materialized), r = try SetDirectory.open(regenerated)
        XCTAssertTrue(r.manifest.isSealed)
        XCTAssertEqual(m.manifestSHA256, r.manifestSHA256)
        let reopened = try r.keys(truths: nil)   // DIR.truth.json beside it
        XCTAssertEqual(reopened, keys)
        let generator = try r.generator(pool: SetsFixtures.samplePool, keys: reopened)
        for s in 0..<2 {
            for p in 0..<3 {
                XCTAssertEqual(try m.materializedView(set: s, pseudoExperiment: p).columnMajorValues().map(\.bitPattern),
                               try r.view(set: s, pseudoExperiment: p, generator: generator).columnMajorValues().map(\.bitPattern))
            }
        }
        let truths = try TruthFile.read(from: TruthFile.defaultURL(forDirectory: regenerated))
        XCTAssertEqual(truths.secretHex, keys.secretHex)
        XCTAssertEqual(truths.truth(set: 1, pseudoExperiment: 2),
                       PseudoExperimentGenerator.truth(spec: SetsFixtures.mini, seed: keys.rootSeed, set: 1, pseudoExperiment: 2))

        // Without its truth file, with another set's, or with an edited secret: refused, clearly.
        try FileManager.default.moveItem(at: TruthFile.defaultURL(forDirectory: regenerated),
                                         to: root.appendingPathComponent("moved.json"))
        XCTAssertThrowsError(try r.keys(truths: nil)) { XCTAssert("\($0)".contains("does not exist"), "\($0)") }
        XCTAssertThrowsError(try r.generator(pool: SetsFixtures.samplePool)) { XCTAssert("\($0)".contains("is sealed"), "\($0)") }
        XCTAssertEqual(try r.keys(truths: root.appendingPathComponent("moved.json")), keys)
        let other = try write("o", keys: .drawSealed(), materialize: false)
        XCTAssertThrowsError(try r.keys(truths: TruthFile.defaultURL(forDirectory: other))) { error in
            XCTAssert("\(error)".contains("does not belong"), "\(error)")
        }
        var edited = truths
        edited.secretHex = SetKeys.drawSealed().secretHex
        let editedURL = root.appendingPathComponent("edited.json")
        try edited.write(to: editedURL)
        XCTAssertThrowsError(try r.keys(truths: editedURL)) { XCTAssert("\($0)".contains("commitment"), "\($0)") }
    }

    /// The spec estimators get holds none of the seed rule's inputs (phases, default seeds, the
    /// pools' simulator seeds) but everything an estimator needs.
    func testEstimatorSpecHoldsNoSeed() throws {
        for name in ChallengeSpec.builtinNames {
            let spec = try ChallengeSpec.builtin(named: name)
            let text = String(decoding: spec.estimatorCanonicalJSON(), as: UTF8.self)
            for word in ["\"simulator_seed\"", "\"default_seed\"", "\"phases\"", "\"default_phase\""] + (spec.pools.evaluation.map { ["\($0.simulatorSeed)"] } ?? []) + spec.phases.map { "\($0.defaultSeed)" } {
                XCTAssertFalse(text.contains(word), "\(name): the estimator spec contains '\(word)'")
            }
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: spec.estimatorCanonicalJSON()) as? [String: Any])
            for key in ["nuisances", "mu", "yields", "luminosity_fb_inverse", "confidence_level", "score", "pools"] {
                XCTAssertNotNil(object[key], "\(name): \(key) is missing")
            }
            let redacted = spec.redactedForEstimators()
            XCTAssertTrue(redacted.phases.isEmpty)
            XCTAssertEqual(redacted.pools.evaluation?.simulatorSeed, spec.pools.evaluation.map { _ in 0 })
            XCTAssertEqual(redacted.pools.data, spec.pools.data)
            XCTAssertEqual(redacted.nuisances, spec.nuisances)
            XCTAssertEqual(redacted.muPrior, spec.muPrior)
        }
    }
}
