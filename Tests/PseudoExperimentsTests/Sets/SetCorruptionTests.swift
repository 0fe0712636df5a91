import XCTest
@testable import PseudoExperiments
import TestSupport

/// Bad input and damaged files: clear errors naming the file, and nothing half-written left
/// looking valid.
final class SetCorruptionTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try ReferenceData.temporaryDirectory("sets-bad") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func writer(materialize: Bool = true) throws -> SetWriter {
        let spec = SetsFixtures.mini
        let manifest = SetManifest(spec: spec, phase: nil, seed: 5, sets: 1, pseudoExperimentsPerSet: 2,
                                   pool: try SetManifest.pool(SetsFixtures.samplePool, source: .file, spec: spec))
        return SetWriter(manifest: manifest, pool: SetsFixtures.samplePool, materialize: materialize, workers: 1)
    }

    func makeSet(_ name: String) throws -> URL {
        let dir = root.appendingPathComponent(name)
        _ = try writer().write(to: dir, truthsTo: TruthFile.defaultURL(forDirectory: dir))
        return dir
    }

    func viewFile(_ dir: URL) -> URL { dir.appendingPathComponent("pseudo-experiments/set-0/pe-1.fuqview") }

    func expectError(_ body: () throws -> Void, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let text = "\(error)"
            for word in words { XCTAssert(text.contains(word), "'\(word)' missing from: \(text)", file: file, line: line) }
        }
    }

    func testDamagedViewFilesAreRefusedNeverUsed() throws {
        let dir = try makeSet("d")
        let url = viewFile(dir)
        let good = try Data(contentsOf: url)
        let set = try SetDirectory.open(dir)
        // A flipped byte inside a column stream, the header, and the trailer.
        for (offset, words) in [(good.count / 2, ["corrupt"]), (30, ["header"]), (good.count - 10, ["checksum"])] {
            var bad = good
            bad[offset] ^= 0x40
            try bad.write(to: url)
            expectError({ _ = try set.materializedView(set: 0, pseudoExperiment: 1) }, mentions: [url.path] + words)
            expectError({ try set.verify() }, mentions: [url.path])
        }
        // Cut short.
        try good.prefix(good.count - 100).write(to: url)
        expectError({ _ = try set.materializedView(set: 0, pseudoExperiment: 1) }, mentions: [url.path, "truncated"])
        try good.prefix(20).write(to: url)
        expectError({ _ = try set.materializedView(set: 0, pseudoExperiment: 1) }, mentions: [url.path, "truncated"])
        // Not a view file at all.
        try Data("set_index,index\n".utf8).write(to: url)
        expectError({ _ = try set.materializedView(set: 0, pseudoExperiment: 1) }, mentions: [url.path, "not a pseudo-experiment file"])
        // Another pseudo-experiment's intact file in its place: the index's values hash catches it.
        try Data(contentsOf: dir.appendingPathComponent("pseudo-experiments/set-0/pe-0.fuqview")).write(to: url)
        expectError({ _ = try set.materializedView(set: 0, pseudoExperiment: 1) }, mentions: [url.path, "index.json"])
        // Missing.
        try FileManager.default.removeItem(at: url)
        expectError({ _ = try set.materializedView(set: 0, pseudoExperiment: 1) }, mentions: [url.path])
        try good.write(to: url)
        XCTAssertNoThrow(try set.verify())
    }

    func testEditedManifestOrIndexIsRefused() throws {
        let dir = try makeSet("e")
        let manifestURL = dir.appendingPathComponent("manifest.json")
        let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
        // A changed seed keeps the JSON valid but not the hash everyone recorded: the manifest
        // is canonical, so an edit that re-formats it is caught too.
        try manifest.replacingOccurrences(of: "\"seed\":5", with: "\"seed\":6").write(to: manifestURL, atomically: true, encoding: .utf8)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: ["index.json", "another manifest"])
        try manifest.replacingOccurrences(of: "{\"challenge\"", with: "{ \"challenge\"").write(to: manifestURL, atomically: true, encoding: .utf8)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [manifestURL.path, "canonical"])
        try manifest.replacingOccurrences(of: "\"width_epsilon\":0.001", with: "\"width_epsilon\":0.002").write(to: manifestURL, atomically: true, encoding: .utf8)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [manifestURL.path, "sha256"])
        try "{\"format\": 3}".write(to: manifestURL, atomically: true, encoding: .utf8)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [manifestURL.path, "format"])
        try "not json".write(to: manifestURL, atomically: true, encoding: .utf8)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [manifestURL.path, "not valid JSON"])
        try manifest.write(to: manifestURL, atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try SetDirectory.open(dir))
        let indexURL = dir.appendingPathComponent("pseudo-experiments/index.json")
        let index = try String(contentsOf: indexURL, encoding: .utf8)
        try index.replacingOccurrences(of: "pe-1.fuqview", with: "pe-9.fuqview").write(to: indexURL, atomically: true, encoding: .utf8)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [indexURL.path, "file name"])
        try FileManager.default.removeItem(at: indexURL)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [dir.path, "index.json"])
        try FileManager.default.removeItem(at: manifestURL)
        expectError({ _ = try SetDirectory.open(dir) }, mentions: [dir.path, "manifest.json"])
        expectError({ _ = try SetDirectory.open(root.appendingPathComponent("nothing")) }, mentions: ["no directory"])
    }

    func testDamagedTruthsFileIsRefused() throws {
        let dir = try makeSet("t")
        let url = TruthFile.defaultURL(forDirectory: dir)
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "\"index\":1", with: "\"index\":3").write(to: url, atomically: true, encoding: .utf8)
        expectError({ _ = try TruthFile.read(from: url) }, mentions: [url.path, "entry 1"])
        try String(text.prefix(text.count / 2)).write(to: url, atomically: true, encoding: .utf8)
        expectError({ _ = try TruthFile.read(from: url) }, mentions: [url.path, "not valid JSON"])
    }

    /// Outputs that exist, a parent that is a file or cannot be written: a clear error, and
    /// neither a directory nor a truths file nor a partial left behind.
    func testUnwritableOrExistingOutputsLeaveNothing() throws {
        let existing = try makeSet("x")
        let before = try FileManager.default.contentsOfDirectory(atPath: existing.path)
        expectError({ _ = try writer().write(to: existing, truthsTo: root.appendingPathComponent("other.json")) },
                    mentions: [existing.path, "exists already"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: existing.path), before)
        expectError({ _ = try writer().write(to: root.appendingPathComponent("y"), truthsTo: TruthFile.defaultURL(forDirectory: existing)) },
                    mentions: ["x.truth.json", "exists already"])

        let aFile = root.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: aFile)
        for target in [aFile.appendingPathComponent("sets"), root.appendingPathComponent("missing/sets"),
                       URL(fileURLWithPath: "/proc/fair-uq-sets-test")] {
            expectError({ _ = try writer().write(to: target, truthsTo: root.appendingPathComponent("z.truth.json")) },
                        mentions: [target.path])
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("z.truth.json").path))
        }
        // A truths file that cannot be written: the finished directory is not put in place.
        expectError({ _ = try writer().write(to: root.appendingPathComponent("w"), truthsTo: aFile.appendingPathComponent("t.json")) },
                    mentions: ["t.json"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("w").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("partial") }
        XCTAssertEqual(leftovers, [])
    }

    /// Pool files: damaged, truncated, missing a process, or not a pool: refused with the file named.
    func testBadPoolFilesAreRefused() throws {
        let url = root.appendingPathComponent("pool.fuqpool")
        let writer = try PoolWriter(url: url, blockRows: 300)
        try writer.append(SetsFixtures.sampleTable)
        try writer.finish()
        XCTAssertEqual(try PreparedPool.load(contentsOf: url).digest, SetsFixtures.samplePool.digest)
        var bytes = try Data(contentsOf: url)
        let good = bytes
        bytes[2000] ^= 0xFF
        try bytes.write(to: url)
        expectError({ _ = try PreparedPool.load(contentsOf: url) }, mentions: [url.path, "corrupt"])
        try good.prefix(good.count - 7).write(to: url)
        expectError({ _ = try PreparedPool.load(contentsOf: url) }, mentions: [url.path, "truncated"])
        try Data("PRI_lep_pt\n1\n".utf8).write(to: url)
        expectError({ _ = try PreparedPool.load(contentsOf: url) }, mentions: [url.path, "not a pool file"])

        let noSignal = SetsFixtures.sampleTable.rows((0..<1000).filter { SetsFixtures.sampleTable.processCodes[$0] != 0 })
        let missing = root.appendingPathComponent("no-signal.fuqpool")
        let w2 = try PoolWriter(url: missing)
        try w2.append(noSignal)
        try w2.finish()
        expectError({ _ = try PreparedPool.load(contentsOf: missing) }, mentions: [missing.path, "htautau"])
        let csv = root.appendingPathComponent("no-signal.csv")
        try noSignal.writeCSV(to: csv)
        expectError({ _ = try PreparedPool.load(contentsOf: csv) }, mentions: [csv.path, "htautau"])
    }
}
