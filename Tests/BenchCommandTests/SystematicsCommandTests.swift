import XCTest
import Foundation
import TestSupport
import PseudoExperiments

/// `bench systematics` end to end, on the FAIR Universe sample (FAIR Universe HiggsML
/// Uncertainty Challenge): the real binary, real files.
final class SystematicsCommandTests: XCTestCase {
    func testReproducesTheReferenceTransform() throws {
        let dir = try ReferenceData.temporaryDirectory("systematics")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = ReferenceData.sample("input_rows.csv")
        for (cuts, name) in [(true, "systematics_tes1.03_jes0.97_softmet0.csv"),
                             (false, "systematics_tes1.03_jes0.97_softmet0_nocuts.csv")] {
            let output = dir.appendingPathComponent("out-\(cuts).csv")
            let run = try BenchProcess.run(["systematics", "--input", input.path, "--tes", "1.03", "--jes", "0.97",
                                            "--soft-met", "0", "--output", output.path] + (cuts ? [] : ["--no-cuts"]))
            XCTAssertEqual(run.status, 0, run.stderr)
            let got = try EventTable.readCSV(from: output)
            let expected = try EventTable.readCSV(from: ReferenceData.sample(name))
            // Same surviving rows, PRI values, weights and processes as the reference, exactly.
            XCTAssertEqual(got.inputRows, expected.inputRows)
            for f in Feature.primary { XCTAssertEqual(got.table[f], expected.table[f], f.rawValue) }
            XCTAssertEqual(got.table.weights, expected.table.weights)
            XCTAssertEqual(got.table.processCodes, expected.table.processCodes)
            // DER features: the library's (whose conformance PseudoExperimentsTests checks), byte for byte.
            var rng = SeedDerivation.generator(0, .softMet)
            let source = try EventTable.readCSV(from: input).table
            let lib = source.applyingSystematics(SystematicShift(tes: 1.03, jes: 0.97, softMet: 0, applyCuts: cuts), noise: &rng)
            XCTAssertEqual(try Data(contentsOf: output), Data(lib.table.csvBytes(inputRows: lib.sourceRows)))
            XCTAssertTrue(run.stdout.contains("\(expected.table.count) of 1000 events survive"), run.stdout)
        }
    }

    func testSoftMetIsReproducibleBySeed() throws {
        let dir = try ReferenceData.temporaryDirectory("systematics-seed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = ReferenceData.sample("input_rows.csv").path
        func run(_ seed: String, _ name: String) throws -> Data {
            let out = dir.appendingPathComponent(name)
            let r = try BenchProcess.run(["systematics", "--input", input, "--soft-met", "2", "--seed", seed,
                                          "--output", out.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            return try Data(contentsOf: out)
        }
        let a = try run("5", "a.csv"), b = try run("5", "b.csv"), c = try run("6", "c.csv")
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testBadInputFileNamesTheRowAndColumn() throws {
        let dir = try ReferenceData.temporaryDirectory("systematics-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try String(contentsOf: ReferenceData.sample("input_rows.csv"), encoding: .utf8)
            .split(separator: "\n").prefix(5).map(String.init)
        var fields = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[15] = "12.x"   // PRI_met of data row 2 (line 4)
        lines[3] = fields.joined(separator: ",")
        let bad = dir.appendingPathComponent("bad.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: bad, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        let run = try BenchProcess.run(["systematics", "--input", bad.path, "--tes", "1.01", "--output", out.path])
        XCTAssertNotEqual(run.status, 0)
        for part in ["bad.csv", "line 4", "data row 2", "PRI_met", "12.x"] {
            XCTAssertTrue(run.stderr.contains(part), "stderr lacks '\(part)': \(run.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        // A bad nuisance value is refused before reading anything.
        let neg = try BenchProcess.run(["systematics", "--input", bad.path, "--tes=-1", "--output", out.path])
        XCTAssertNotEqual(neg.status, 0)
        XCTAssertTrue(neg.stderr.contains("tes must be a finite positive factor"), neg.stderr)
        // A missing file.
        let missing = try BenchProcess.run(["systematics", "--input", dir.appendingPathComponent("nope.csv").path,
                                            "--output", out.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("nope.csv"), missing.stderr)
    }
}
