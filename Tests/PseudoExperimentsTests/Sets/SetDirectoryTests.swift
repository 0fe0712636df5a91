import XCTest
@testable import PseudoExperiments
import TestSupport

final class SetDirectoryTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try ReferenceData.temporaryDirectory("sets")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func manifest(sets: Int = 2, perSet: Int = 3, seed: UInt64 = 11) throws -> SetManifest {
        let spec = SetsFixtures.mini
        return SetManifest(spec: spec, phase: "final", seed: seed, sets: sets, pseudoExperimentsPerSet: perSet,
                           pool: try SetManifest.Pool(describing: SetsFixtures.samplePool, source: .file, spec: spec))
    }

    @discardableResult
    func write(_ name: String, materialize: Bool, manifest m: SetManifest? = nil, workers: Int = 2) throws -> SetWriter.Summary {
        let dir = root.appendingPathComponent(name)
        return try SetWriter(manifest: try m ?? manifest(), pool: SetsFixtures.samplePool, materialize: materialize,
                             workers: workers).write(to: dir, truthsTo: TruthFile.defaultURL(forDirectory: dir))
    }

    /// Every file of a directory, by relative path.
    func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)! {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { out[String(url.standardizedFileURL.path.dropFirst(base.count))] = try Data(contentsOf: url) }
        }
        return out
    }

    /// The same inputs give byte-identical directories and truths, with 1 or 2 workers; no
    /// timestamp, host or path in any file.
    func testGeneratingTwiceGivesIdenticalBytes() throws {
        try write("a", materialize: true, workers: 1)
        try write("b", materialize: true, workers: 2)
        let a = try files(root.appendingPathComponent("a")), b = try files(root.appendingPathComponent("b"))
        XCTAssertEqual(a.count, 2 + 6, "manifest, index and 6 pseudo-experiment files")
        XCTAssertEqual(a, b)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("a.truth.json")),
                       try Data(contentsOf: root.appendingPathComponent("b.truth.json")))
        let manifestText = String(decoding: a["/manifest.json"]!, as: UTF8.self)
        XCTAssertFalse(manifestText.contains(root.path), "no path in the manifest")
        XCTAssertFalse(manifestText.contains(ProcessInfo.processInfo.hostName))
        // Without --materialize: the manifest alone, the same bytes, kilobytes.
        let summary = try write("c", materialize: false)
        let c = try files(root.appendingPathComponent("c"))
        XCTAssertEqual(Array(c.keys), ["/manifest.json"])
        XCTAssertEqual(c["/manifest.json"], a["/manifest.json"])
        XCTAssertLessThan(summary.bytes, 8_000)
    }

    /// A 10 x 1000 set takes kilobytes when not materialized.
    func testLargeSetIsSmallWhenRegenerated() throws {
        let summary = try write("big", materialize: false, manifest: try manifest(sets: 10, perSet: 1000))
        XCTAssertLessThan(summary.bytes, 8_000)
        let truths = try TruthFile.read(from: root.appendingPathComponent("big.truth.json"))
        XCTAssertEqual(truths.entries.count, 10_000)
        XCTAssertEqual(Set(truths.entries.map(\.truth.mu)).count, 10)
    }

    /// Regenerated pseudo-experiments equal the materialized ones, bit for bit; so do exported CSVs.
    func testRegeneratedEqualsMaterialized() throws {
        try write("m", materialize: true)
        try write("r", materialize: false)
        let m = try SetDirectory.open(root.appendingPathComponent("m"))
        let r = try SetDirectory.open(root.appendingPathComponent("r"))
        XCTAssertTrue(m.isMaterialized)
        XCTAssertFalse(r.isMaterialized)
        XCTAssertEqual(m.manifestSHA256, r.manifestSHA256)
        try m.verify()
        let generator = try r.generator(pool: SetsFixtures.samplePool)
        for s in 0..<2 {
            for p in (0..<3).reversed() {
                let stored = try m.materializedView(set: s, pseudoExperiment: p)
                let again = try r.view(set: s, pseudoExperiment: p, generator: generator)
                XCTAssertEqual(stored.columnMajorValues().map(\.bitPattern), again.columnMajorValues().map(\.bitPattern), "set \(s), pe \(p)")
                XCTAssertEqual(stored.csvBytes(), again.csvBytes())
            }
        }
        XCTAssertThrowsError(try r.view(set: 0, pseudoExperiment: 0, generator: nil)) { error in
            XCTAssert("\(error)".contains("--pool"), "\(error)")
        }
        XCTAssertThrowsError(try m.materializedView(set: 2, pseudoExperiment: 0)) { error in
            XCTAssert("\(error)".contains("sets 0..<2"), "\(error)")
        }
    }

    /// The truths file lies outside the directory, matches the seed rule, and carries the
    /// manifest's hash; the directory holds no truth.
    func testTruthsAreOutsideTheDirectory() throws {
        try write("t", materialize: true)
        let dir = try SetDirectory.open(root.appendingPathComponent("t"))
        let truths = try TruthFile.read(from: root.appendingPathComponent("t.truth.json"))
        XCTAssertEqual(truths.manifestSHA256, dir.manifestSHA256)
        XCTAssertEqual(truths, try dir.truths())
        XCTAssertEqual(truths.truth(set: 1, pseudoExperiment: 2),
                       PseudoExperimentGenerator.truth(spec: SetsFixtures.mini, seed: 11, set: 1, pseudoExperiment: 2))
        for (name, data) in try files(root.appendingPathComponent("t")) where name.hasSuffix(".json") {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertNil(text.range(of: #""mu":[-0-9]"#, options: .regularExpression), "\(name) holds no true mu")
            XCTAssertFalse(text.contains("nuisances\":{"), "\(name) holds no nuisance values")
        }
        // The truths entries decode with Scoring's keys.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("t.truth.json"))) as? [String: Any]
        let first = try XCTUnwrap((json?["truths"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(first.keys), ["set_index", "index", "mu", "nuisances"])
        XCTAssertThrowsError(try SetWriter(manifest: try manifest(), pool: SetsFixtures.samplePool)
            .write(to: root.appendingPathComponent("u"), truthsTo: root.appendingPathComponent("u/inside.truth.json"))) { error in
            XCTAssert("\(error)".contains("inside the set directory"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("u").path))
    }

    /// A pool with another digest is refused for regeneration.
    func testAnotherPoolIsRefused() throws {
        try write("p", materialize: false)
        let dir = try SetDirectory.open(root.appendingPathComponent("p"))
        var table = SetsFixtures.sampleTable
        table.weights[3] *= 1.5
        let other = try PreparedPool(table)
        XCTAssertThrowsError(try dir.generator(pool: other)) { error in
            XCTAssert("\(error)".contains(other.digest.hex) && "\(error)".contains(dir.manifest.pool.digest.hex), "\(error)")
        }
    }

    /// The manifest records the pool's size against a pseudo-experiment and the implied bound.
    func testManifestRecordsPoolAdequacy() throws {
        let m = try manifest()
        let a = m.pool.adequacy
        XCTAssertEqual(a.poolRows, 1000)
        XCTAssertEqual(a.expectedEvents, (SetsFixtures.samplePool.weightSums.values.reduce(0, +)) * 0.01, accuracy: 1e-6)
        XCTAssertEqual(a.coverageLossBound, PoolAdequacy.coverageLossCoefficient / a.effectiveRatio, accuracy: 1e-12)
        let decoded = try SetManifest.decode(m.canonicalJSON(), source: "m")
        XCTAssertEqual(decoded, m)
        XCTAssertEqual(decoded.sha256, m.sha256)
    }
}
