import Foundation
import PseudoExperiments
import TestSupport
import XCTest

/// The challenge's own Parquet data through the command line: recognised by content in every
/// command that takes an event file, imported once into the cache, split and rescaled as the
/// challenge does, and refused clearly when damaged or mismatched.
final class ParquetCommandTests: XCTestCase {
    private var directory: URL!
    private var cache: URL!
    /// The sample Parquet file under a name that does not say Parquet.
    private var data: URL!
    private let csv = ReferenceData.sample("input_rows.csv")
    private let metadata = ReferenceData.sample("FAIR_Universe_HiggsML_data_metadata.json")

    override func setUpWithError() throws {
        directory = try ReferenceData.temporaryDirectory("parquet-commands")
        cache = directory.appendingPathComponent("cache")
        data = directory.appendingPathComponent("events.dat")
        try FileManager.default.copyItem(at: ReferenceData.sample("FAIR_Universe_HiggsML_data.parquet"), to: data)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func bench(_ args: [String]) throws -> BenchProcess.Output {
        try BenchProcess.run(args, in: directory, environment: ["FAIR_UQ_CACHE": cache.path])
    }

    /// The same events as the reference CSV, so every command gives what it gives on the CSV.
    func testEveryCommandReadsParquetByContentAsItReadsTheCSV() throws {
        let fromParquet = try bench(["inspect", data.path, "--format", "json"])
        let fromCSV = try bench(["inspect", csv.path, "--format", "json"])
        XCTAssertEqual(fromParquet.status, 0, fromParquet.stderr)
        XCTAssertEqual(fromCSV.status, 0, fromCSV.stderr)
        func summary(_ text: String) throws -> NSDictionary {
            var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            for layout in ["blocks", "file", "file_size", "format", "derived_features_computed"] { object[layout] = nil }
            return object as NSDictionary
        }
        XCTAssertEqual(try summary(fromParquet.stdout), try summary(fromCSV.stdout), "every count, range and mean")

        let shifted = ["--tes", "1.03", "--jes", "0.97", "--soft-met", "0"]
        let a = try bench(["systematics", "--input", data.path, "--output", "a.csv"] + shifted)
        let b = try bench(["systematics", "--input", csv.path, "--output", "b.csv"] + shifted)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("a.csv")),
                       try Data(contentsOf: directory.appendingPathComponent("b.csv")))

        func poolDigest(_ pool: URL, _ name: String) throws -> String {
            let out = try bench(["generate", "--challenge", "fair-universe-2024-mini", "--pool", pool.path,
                                 "--sets", "1", "--per-set", "2", "--seed", "3", "--output", name])
            XCTAssertEqual(out.status, 0, out.stderr)
            let manifest = try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("\(name)/manifest.json"))) as? [String: Any]
            return try XCTUnwrap((manifest?["pool"] as? [String: Any])?["digest"] as? String)
        }
        XCTAssertEqual(try poolDigest(data, "from-parquet"), try poolDigest(csv, "from-csv"))
    }

    func testAParquetFileIsImportedOnceIntoTheCache() throws {
        let args = ["generate", "--challenge", "fair-universe-2024-mini", "--pool", data.path,
                    "--sets", "1", "--per-set", "1", "--seed", "3", "--output"]
        XCTAssertEqual(try bench(args + ["first"]).status, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("parquet-") }
        XCTAssertEqual(files.count, 1, "\(files)")
        let pool = cache.appendingPathComponent(files[0])
        let before = try FileManager.default.attributesOfItem(atPath: pool.path)[.modificationDate] as? Date
        XCTAssertEqual(try bench(args + ["second"]).status, 0)
        let after = try FileManager.default.attributesOfItem(atPath: pool.path)[.modificationDate] as? Date
        XCTAssertEqual(before, after, "the second run reads the cached pool")
        let sha = try ParquetImport.contentDigest(data)
        XCTAssertTrue(files[0].hasPrefix("parquet-\(sha.prefix(32))-all-asis"), files[0])
    }

    /// The split and the rescaling, against the CSV's rows: the evaluation part is rows
    /// 0..<300, the training part 300..<1000, each part's weights scaled by
    /// sum_weights / (the part's own sum).
    func testImportSplitsAndRescalesAsTheChallenge() throws {
        let rows = try EventTable.readCSV(from: csv).table
        let sumWeights = 1051433.0
        // The metadata is found beside the data (X_metadata.json for X.dat) or given.
        let beside = directory.appendingPathComponent("events_metadata.json")
        try FileManager.default.copyItem(at: metadata, to: beside)
        for (part, range, meta) in [("evaluation", 0..<300, beside), ("training", 300..<1000, metadata)] {
            let out = try bench(["import", data.path, "--part", part, "--output", "\(part).fuqpool"]
                                + (meta == metadata ? ["--metadata", metadata.path] : []))
            XCTAssertEqual(out.status, 0, out.stderr)
            XCTAssertTrue(out.stdout.contains("sum_weights of \(meta.path)"), out.stdout)
            let pool = try PoolReader.read(directory.appendingPathComponent("\(part).fuqpool")).table
            XCTAssertEqual(pool.count, range.count)
            let partSum = range.reduce(0.0) { $0 + Double(rows.weights[$1]) }
            for (i, row) in range.enumerated() {
                XCTAssertEqual(pool.processCodes[i], rows.processCodes[row])
                XCTAssertEqual(pool.columns.map { $0[i] }, rows.columns.map { $0[row] })
                let expected = Double(rows.weights[row]) * sumWeights / partSum
                XCTAssertEqual(Double(pool.weights[i]), expected, accuracy: expected * 1e-6)
            }
            XCTAssertEqual(pool.weights.reduce(0.0) { $0 + Double($1) }, sumWeights, accuracy: sumWeights * 1e-6)
        }
        let kept = try bench(["import", data.path, "--keep-weights", "--output", "all.fuqpool"])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertEqual(try PoolReader.read(directory.appendingPathComponent("all.fuqpool")).table.weights, rows.weights)
    }

    func testDamagedFilesAndForeignMetadataAreRefusedLeavingNothing() throws {
        let bytes = try Data(contentsOf: data)
        let truncated = directory.appendingPathComponent("truncated.parquet")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        var out = try bench(["import", truncated.path, "--keep-weights", "--output", "t.fuqpool"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains(truncated.path), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("t.fuqpool").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("partial") }, [])

        let foreign = directory.appendingPathComponent("foreign_metadata.json")
        try Data(#"{"sum_weights": 5.0, "total_rows": 98765}"#.utf8).write(to: foreign)
        out = try bench(["import", data.path, "--metadata", foreign.path, "--output", "f.fuqpool"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("98765 rows (total_rows)"), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("f.fuqpool").path))

        let broken = directory.appendingPathComponent("broken_metadata.json")
        try Data(#"{"sum_weights": "many"}"#.utf8).write(to: broken)
        out = try bench(["run", "--challenge", "fair-universe-2024-mini", "--data", data.path, "--metadata", broken.path,
                         "--sets", "1", "--per-set", "1", "--database", "lb.sqlite"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("field 'sum_weights': it is not a positive number"), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lb.sqlite").path))

        out = try bench(["run", "--challenge", "fair-universe-2024-mini", "--data", csv.path,
                         "--sets", "1", "--per-set", "1", "--database", "lb.sqlite"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("is not a Parquet file"), out.stderr)
    }

    /// `bench run --data` on the challenge's file: the chain end to end on the real events.
    func testRunOnTheChallengesOwnFile() throws {
        let out = try bench(["run", "--challenge", "fair-universe-2024-mini", "--data", data.path,
                             "--metadata", metadata.path, "--sets", "2", "--per-set", "2", "--seed", "1",
                             "--database", "lb.sqlite"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("counting"), out.stdout)
        let parts = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("parquet-") }.sorted()
        XCTAssertEqual(parts.count, 2, "\(parts)")
        XCTAssertTrue(parts[0].contains("-evaluation-0.3-w"), parts[0])
        XCTAssertTrue(parts[1].contains("-training-0.3-w"), parts[1])
    }

    /// The challenge on its own data: refused without the file (saying what to pass), never
    /// simulated in its place; with it, the split comes from the spec's pools.data (here a copy
    /// at 0.4 and 1/100 of the luminosity), the metadata is found beside the file under the
    /// spec's name, and --training-size trains on a sample.
    func testTheDataChallengeNeedsItsFileAndTakesItsSplitFromTheSpec() throws {
        var out = try bench(["run", "--challenge", "fair-universe-2024-data", "--sets", "1", "--per-set", "1",
                             "--database", "lb.sqlite"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("--data FAIR_Universe_HiggsML_data.parquet"), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lb.sqlite").path))
        let made = (try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []
        XCTAssertFalse(made.contains { $0.hasPrefix("simulated-") }, "nothing simulated in its place: \(made)")

        let builtin = ReferenceData.packageRoot.appendingPathComponent("datasets-spec/challenges/fair-universe-2024-data.json")
        var spec = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: builtin)) as? [String: Any])
        spec["name"] = "data-small"
        spec["luminosity_fb_inverse"] = 0.1
        var pools = try XCTUnwrap(spec["pools"] as? [String: Any])
        var file = try XCTUnwrap(pools["data"] as? [String: Any])
        file["test_fraction"] = 0.4
        pools["data"] = file
        spec["pools"] = pools
        let specURL = directory.appendingPathComponent("data-small.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        try FileManager.default.copyItem(at: metadata,
                                         to: directory.appendingPathComponent("FAIR_Universe_HiggsML_data_metadata.json"))

        out = try bench(["generate", "--challenge", specURL.path, "--data", data.path, "--seed", "3",
                         "--sets", "1", "--per-set", "2", "--output", "sets"])
        XCTAssertEqual(out.status, 0, out.stderr)
        var parts = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("parquet-") }
        XCTAssertEqual(parts.count, 1, "\(parts)")
        XCTAssertTrue(parts[0].contains("-evaluation-0.4-w"), parts[0])

        out = try bench(["run", "--challenge", specURL.path, "--data", data.path, "--training-size", "0.5",
                         "--sets", "1", "--per-set", "2", "--seed", "3", "--database", "lb.sqlite"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("counting"), out.stdout)
        parts = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("parquet-") }
        XCTAssertTrue(parts.contains { $0.contains("-training-0.4-w") }, "\(parts)")

        out = try bench(["run", "--challenge", specURL.path, "--data", data.path, "--training-size", "601",
                         "--sets", "1", "--per-set", "1", "--database", "lb2.sqlite"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("which has 600 rows"), out.stderr)
    }

    /// A pseudo-experiment and a pool written as Parquet, read back by pyarrow (pandas' engine):
    /// the view equals its CSV export, the pool equals the reference CSV. CI installs pyarrow
    /// and sets FAIR_UQ_REQUIRE_PYARROW; elsewhere without pyarrow the test is skipped.
    func testExportedViewAndPoolReadBackInPyarrow() throws {
        let sets = try EvaluateCommandTests.generateSets(in: directory, sets: 1, perSet: 2)
        for name in ["pe.parquet", "pe.csv"] {
            let out = try bench(["export", "--sets", sets.path, "--set", "0", "--pe", "1", "--pool", csv.path, "--output", name])
            XCTAssertEqual(out.status, 0, out.stderr)
        }
        let pool = try bench(["export", "--pool", data.path, "--output", "pool.parquet"])
        XCTAssertEqual(pool.status, 0, pool.stderr)
        let script = """
            import sys
            try:
                import pyarrow.parquet as pq
            except ImportError:
                print("NO PYARROW"); sys.exit(0)
            import csv
            view = pq.read_table("pe.parquet").to_pydict()
            rows = list(csv.DictReader(open("pe.csv")))
            assert list(view) == list(rows[0]), (list(view), list(rows[0]))
            import struct
            f32 = lambda t: struct.unpack("f", struct.pack("f", float(t)))[0]
            assert all(view[c][i] == f32(r[c]) for i, r in enumerate(rows) for c in view), "view values"
            pool = pq.read_table("pool.parquet").to_pydict()
            ref = list(csv.DictReader(open(sys.argv[1])))
            assert len(pool["weights"]) == len(ref) == 1000
            for c in pool:
                for i, r in enumerate(ref):
                    want = r[c] if c == "detailed_labels" else (int(float(r[c])) if c == "labels" else f32(r[c]))
                    assert pool[c][i] == want, (c, i, pool[c][i], want)
            print("OK", len(rows))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, csv.path]
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if text.contains("NO PYARROW") {
            if ProcessInfo.processInfo.environment["FAIR_UQ_REQUIRE_PYARROW"] != nil { XCTFail("FAIR_UQ_REQUIRE_PYARROW is set but pyarrow is missing") }
            throw XCTSkip(SkipLog.record("pyarrow is not installed (pip install pyarrow); CI installs it"))
        }
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.hasPrefix("OK"), text)
    }
}
