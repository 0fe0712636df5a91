import Foundation
import XCTest
import PseudoExperiments
import TestSupport

/// `bench generate` and `bench export` end to end, on the FAIR Universe sample as a pool
/// (FAIR Universe HiggsML Uncertainty Challenge) and on the scaled-down challenge's simulated pool.
final class GenerateCommandTests: XCTestCase {
    private var dir: URL!
    private let pool = ReferenceData.sample("input_rows.csv").path

    override func setUpWithError() throws { dir = try ReferenceData.temporaryDirectory("generate") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Open sets (a public seed), so that two generations give the same bytes.
    private func generate(_ name: String, _ extra: [String] = []) throws -> BenchProcess.Output {
        try BenchProcess.run(["generate", "--challenge", "fair-universe-2024-mini", "--pool", pool, "--sets", "2",
                              "--per-set", "2", "--seed", "2024102", "--output", dir.appendingPathComponent(name).path] + extra)
    }

    private func tree(_ url: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for case let file as URL in FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])! {
            if (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                out[String(file.path.dropFirst(url.path.count))] = try Data(contentsOf: file)
            }
        }
        return out
    }

    func testGenerateTwiceIsByteIdenticalAndExportMatches() throws {
        let first = try generate("a", ["--materialize"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssert(first.stdout.contains("manifest sha256"), first.stdout)
        XCTAssert(first.stdout.contains("4 pseudo-experiments stored"), first.stdout)
        let second = try generate("b", ["--materialize", "--workers", "1"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try tree(dir.appendingPathComponent("a")), try tree(dir.appendingPathComponent("b")))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("a.truth.json")),
                       try Data(contentsOf: dir.appendingPathComponent("b.truth.json")))

        // Export from the materialized set and from a regenerated one: the same CSV.
        XCTAssertEqual(try generate("c").status, 0)
        let fromStored = dir.appendingPathComponent("stored.csv"), regenerated = dir.appendingPathComponent("again.csv")
        var run = try BenchProcess.run(["export", "--sets", dir.appendingPathComponent("a").path, "--set", "1", "--pe", "0",
                                        "--output", fromStored.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try BenchProcess.run(["export", "--sets", dir.appendingPathComponent("c").path, "--set", "1", "--pe", "0",
                                    "--pool", pool, "--output", regenerated.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let csv = try String(contentsOf: fromStored, encoding: .utf8)
        XCTAssertEqual(csv, try String(contentsOf: regenerated, encoding: .utf8))
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.first.map(String.init), Feature.allCases.map(\.rawValue).joined(separator: ","))
        XCTAssertFalse(csv.contains("weights") || csv.contains("labels"))

        // The CSV's values are the view's, exactly (shortest Float32 forms read back).
        let set = try SetDirectory.open(dir.appendingPathComponent("a"))
        let view = try set.materializedView(set: 1, pseudoExperiment: 0)
        XCTAssertEqual(lines.count - 1, view.count)
        for i in stride(from: 0, to: view.count, by: 211) {
            let fields = lines[i + 1].split(separator: ",").map { Float(String($0))! }
            XCTAssertEqual(fields.map(\.bitPattern), view.row(i).map(\.bitPattern))
        }
    }

    func testBadInputGivesClearErrorsAndLeavesNothing() throws {
        let badSpec = ReferenceData.packageRoot.appendingPathComponent("datasets-spec/tests/meaningless/shared-pool-seed.json")
        var run = try BenchProcess.run(["generate", "--challenge", badSpec.path, "--pool", pool,
                                        "--output", dir.appendingPathComponent("x").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("pools.training.simulator_seed") && run.stderr.contains(badSpec.path), run.stderr)
        run = try generate("x", ["--phase", "nope"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("no phase 'nope'"), run.stderr)
        run = try generate("x", ["--per-set", "0"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("--per-set"), run.stderr)
        run = try BenchProcess.run(["generate", "--challenge", "fair-universe-2024-mini", "--pool", dir.appendingPathComponent("none.fuqpool").path,
                                    "--output", dir.appendingPathComponent("x").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("none.fuqpool"), run.stderr)
        let blocker = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        run = try generate("file/x")
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("file/x"), run.stderr)
        XCTAssertEqual(try generate("y").status, 0)
        run = try generate("y")
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("exists already"), run.stderr)
        run = try BenchProcess.run(["export", "--sets", dir.appendingPathComponent("y").path, "--set", "0", "--pe", "7",
                                    "--pool", pool, "--output", dir.appendingPathComponent("e.csv").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("no set 0, pseudo-experiment 7"), run.stderr)
        run = try BenchProcess.run(["export", "--sets", dir.appendingPathComponent("y").path, "--set", "0", "--pe", "0",
                                    "--output", dir.appendingPathComponent("e.csv").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssert(run.stderr.contains("--pool"), run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["file", "y", "y.truth.json"])
    }

    /// An output directory the user may not write to (run as `nobody` when the tests run as root,
    /// who ignores permissions): a clear error and nothing written.
    func testUnwritableOutputDirectory() throws {
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
        var args = [BenchProcess.executable.path, "generate", "--challenge", "fair-universe-2024-mini", "--pool", pool,
                    "--sets", "1", "--per-set", "1", "--output", locked.appendingPathComponent("sets").path]
        if getuid() == 0 {
            let setpriv = "/usr/bin/setpriv"
            try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: setpriv), SkipLog.record("root without setpriv"))
            args = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] + args
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: args[0])
        process.arguments = Array(args.dropFirst())
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssert(message.contains(locked.appendingPathComponent("sets").path) && message.contains("ermission"), message)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: locked.path), [])
    }

    /// Without --pool: the challenge's simulated evaluation pool (cached), recorded as such;
    /// export regenerates from it without --pool. (A copy of the scaled-down challenge with a
    /// 20,000-row evaluation pool, so that the debug build simulates it in seconds.)
    func testSimulatedPoolOfTheChallenge() throws {
        let cache = dir.appendingPathComponent("cache")
        setenv("FAIR_UQ_CACHE", cache.path, 1)
        defer { unsetenv("FAIR_UQ_CACHE") }
        let document = try XCTUnwrap(ChallengeSpec.builtinDocument(named: "fair-universe-2024-mini"))
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: document) as? [String: Any])
        var pools = try XCTUnwrap(json["pools"] as? [String: Any])
        var evaluation = try XCTUnwrap(pools["evaluation"] as? [String: Any])
        let rows = ["htautau": 2000, "ztautau": 15000, "ttbar": 2000, "diboson": 1000]
        evaluation["rows"] = rows
        pools["evaluation"] = evaluation
        json["pools"] = pools
        let specURL = dir.appendingPathComponent("small-pool.json")
        try JSONSerialization.data(withJSONObject: json).write(to: specURL)

        var run = try BenchProcess.run(["generate", "--challenge", specURL.path, "--sets", "1", "--per-set", "2",
                                        "--output", dir.appendingPathComponent("sim").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssert(run.stdout.contains("20000 rows"), run.stdout)
        let set = try SetDirectory.open(dir.appendingPathComponent("sim"))
        XCTAssertEqual(set.manifest.pool.source, .simulated(simulatorVersion: EventSimulator.version))
        XCTAssertEqual(set.manifest.pool.rows, Dictionary(uniqueKeysWithValues: rows.map { (PhysicsProcess(rawValue: $0.key)!, $0.value) }))
        run = try BenchProcess.run(["export", "--sets", dir.appendingPathComponent("sim").path, "--set", "0", "--pe", "1",
                                    "--output", dir.appendingPathComponent("sim.csv").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path).count, 1, "the pool was simulated once")
    }

    /// The final phase (sealed in the spec) without --seed: a fresh secret each time, printed
    /// as sealed, never the seed; the truth file alone regenerates it (export); --sealed with
    /// --seed is refused.
    func testSealedPhaseDrawsASecretAndItsTruthFileRegeneratesIt() throws {
        func sealed(_ name: String, _ extra: [String] = []) throws -> BenchProcess.Output {
            try BenchProcess.run(["generate", "--challenge", "fair-universe-2024-mini", "--pool", pool, "--sets", "2",
                                  "--per-set", "2", "--output", dir.appendingPathComponent(name).path] + extra)
        }
        let a = try sealed("a", ["--materialize"]), b = try sealed("b")
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(a.stdout.contains("sealed (the root seed derives from a secret"), a.stdout)
        XCTAssertFalse(a.stdout.contains("seed 2024102"), a.stdout)
        let first = try SetDirectory.open(dir.appendingPathComponent("a"))
        let second = try SetDirectory.open(dir.appendingPathComponent("b"))
        XCTAssertNotEqual(first.manifestSHA256, second.manifestSHA256, "each sealed generation draws its own secret")
        XCTAssertTrue(first.manifest.isSealed)

        // A regenerated copy of "a" from its truth file: move the truths, regenerate by export.
        let moved = dir.appendingPathComponent("a-secret.json")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("a.truth.json"), to: moved)
        let regenerate = dir.appendingPathComponent("r")
        try FileManager.default.createDirectory(at: regenerate, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("a/manifest.json"),
                                         to: regenerate.appendingPathComponent("manifest.json"))
        let stored = dir.appendingPathComponent("stored.csv"), again = dir.appendingPathComponent("again.csv")
        var run = try BenchProcess.run(["export", "--sets", dir.appendingPathComponent("a").path, "--set", "1", "--pe", "1",
                                        "--output", stored.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try BenchProcess.run(["export", "--sets", regenerate.path, "--set", "1", "--pe", "1", "--pool", pool,
                                    "--output", again.path])
        XCTAssertNotEqual(run.status, 0, "without its truth file a sealed set cannot be regenerated")
        XCTAssertTrue(run.stderr.contains("is sealed") && run.stderr.contains("--truths"), run.stderr)
        run = try BenchProcess.run(["export", "--sets", regenerate.path, "--set", "1", "--pe", "1", "--pool", pool,
                                    "--truths", moved.path, "--output", again.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Data(contentsOf: stored), try Data(contentsOf: again))

        run = try sealed("c", ["--sealed", "--seed", "3"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--sealed"), run.stderr)
    }
}
