import Foundation
import GRDB
import PseudoExperiments
import Scoring
import TestSupport
import XCTest

/// Sharded evaluation through the command line: fit once, shards, merge, and Slurm (dry run
/// everywhere; a real array job on the local single-node cluster of scripts/slurm-local.sh,
/// which CI starts and requires with FAIR_UQ_REQUIRE_SLURM).
final class ShardingCommandTests: XCTestCase {
    private var directory: URL!
    private var sets: URL!
    private var pool: String { ReferenceData.sample("input_rows.csv").path }
    private var poolArguments: [String] { ["--pool", pool, "--training-pool", pool] }

    override func setUpWithError() throws {
        directory = try ReferenceData.temporaryDirectory("sharding-\(name.split(separator: " ").last ?? "")")
        sets = try EvaluateCommandTests.generateSets(in: directory, sets: 2, perSet: 4)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The fixture plugin (see its file) sleeping `delay` per estimate, counting its fits in the directory `fitLog`.
    private func plugin(delay: Double = 0, fitLog: String? = nil) -> String {
        let root = ReferenceData.packageRoot
        return "PYTHONPATH=\(root.appendingPathComponent("clients/python").path) python3 "
            + root.appendingPathComponent("Tests/BenchCommandTests/Fixtures/sharding/slow_count.py").path
            + " \(delay)" + (fitLog.map { " \($0)" } ?? "")
    }

    @discardableResult
    private func bench(_ arguments: [String], expect status: Int32 = 0, environment: [String: String] = [:],
                       file: StaticString = #filePath, line: UInt = #line) throws -> BenchProcess.Output {
        let run = try BenchProcess.run(arguments, in: directory, environment: environment)
        XCTAssertEqual(run.status, status, "bench \(arguments.joined(separator: " "))\n\(run.stdout)\n\(run.stderr)", file: file, line: line)
        return run
    }

    /// A fit saved once is loaded by every shard (the plugin's fit runs once, not once per shard
    /// and statefulness check), and the shards merged equal the run on one machine; a saved fit
    /// of another seed or command, or a changed model, is refused.
    func testASavedFitServesEveryShardAndTheMergeEqualsOneMachine() throws {
        let fitLog = path("fits")
        try FileManager.default.createDirectory(atPath: fitLog, withIntermediateDirectories: true)
        let command = ["--command", plugin(fitLog: fitLog), "--name", "slow", "--sandbox", "disabled"]
        try bench(["evaluate", "--sets", sets.path] + command + poolArguments + ["--database", path("one.sqlite"), "--no-progress"])
        XCTAssertEqual(try fits(fitLog), 2, "one machine: the fit and the statefulness check's fresh instance")

        let saved = try bench(["evaluate", "--sets", sets.path] + command + poolArguments + ["--save-fit", path("fit")])
        XCTAssertTrue(saved.stdout.contains("saved the model of plugin slow-count 1"), saved.stdout)
        XCTAssertEqual(try fits(fitLog), 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: LeaderboardStore.defaultRelativePath),
                       "--save-fit writes no database")
        for k in 1...3 {
            let shard = try bench(["evaluate", "--sets", sets.path] + command + poolArguments
                                  + ["--fitted", path("fit"), "--shard", "\(k)/3", "--database", path("shard-\(k).sqlite"), "--no-progress"])
            XCTAssertTrue(shard.stdout.contains("Shard \(k)/3 done"), shard.stdout)
        }
        XCTAssertEqual(try fits(fitLog), 3, "the shards loaded the saved model: no fit ran again")

        let merge = try bench(["store", "merge", path("shard-1.sqlite"), path("shard-2.sqlite"), path("shard-3.sqlite"),
                               "--into", path("merged.sqlite")])
        XCTAssertTrue(merge.stdout.contains("8 results added, 0 already there; complete and scored."), merge.stdout)
        try assertSameRuns(path("one.sqlite"), path("merged.sqlite"), runs: 1)

        // Refusals, before anything is written.
        let otherSeed = try bench(["evaluate", "--sets", sets.path] + command + poolArguments
                                  + ["--fitted", path("fit"), "--seed", "9", "--database", path("refused.sqlite")], expect: 1)
        XCTAssertTrue(otherSeed.stderr.contains("fitted for another fit seed"), otherSeed.stderr)
        let otherPlugin = try bench(["evaluate", "--sets", sets.path, "--command", plugin(delay: 0.01), "--name", "slow",
                                     "--sandbox", "disabled"] + poolArguments + ["--fitted", path("fit"), "--database", path("refused.sqlite")],
                                    expect: 1)
        XCTAssertTrue(otherPlugin.stderr.contains("fitted for another code hash"), otherPlugin.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("refused.sqlite")), "refused before the database was created")
        try Data("{}".utf8).write(to: directory.appendingPathComponent("fit/model/model.json"))
        let changed = try bench(["evaluate", "--sets", sets.path] + command + poolArguments
                                + ["--fitted", path("fit"), "--shard", "1/3", "--database", path("changed.sqlite"), "--no-progress"])
        XCTAssertTrue(changed.stdout.contains("its files changed since the fit"), "the changed model fails the start-up: \(changed.stdout)")
        let again = try bench(["evaluate", "--sets", sets.path] + command + poolArguments + ["--save-fit", path("fit")], expect: 1)
        XCTAssertTrue(again.stderr.contains("not empty"), again.stderr)
    }

    /// A built-in's fit saved once: the shards preload its training results instead of training,
    /// and merged they equal the run on one machine; a snapshot changed after the save is
    /// refused, naming the file, before anything is written.
    func testABuiltinsSavedTrainingServesEveryShardAndTheMergeEqualsOneMachine() throws {
        let builtin = ["--estimator", "binned-likelihood"]
        try bench(["evaluate", "--sets", sets.path] + builtin + poolArguments + ["--database", path("one.sqlite"), "--no-progress"])
        let saved = try bench(["evaluate", "--sets", sets.path] + builtin + poolArguments + ["--save-fit", path("fit")])
        XCTAssertTrue(saved.stdout.contains("training results ("), saved.stdout)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("fit/fit.json"))) as? [String: Any]
        let artifacts = try XCTUnwrap(record?["artifacts"] as? [String: Any], "\(record ?? [:])")
        XCTAssertEqual(artifacts["results"] as? Int, 1, "the templates, the one costly step")
        let file = directory.appendingPathComponent("fit/artifacts.bin")
        let bytes = try Data(contentsOf: file)
        XCTAssertEqual(artifacts["sha256"] as? String, SHA256.hash(Array(bytes)).hex)
        for k in 1...3 {
            let shard = try bench(["evaluate", "--sets", sets.path] + builtin + poolArguments
                                  + ["--fitted", path("fit"), "--shard", "\(k)/3", "--database", path("shard-\(k).sqlite"), "--no-progress"])
            XCTAssertTrue(shard.stdout.contains("Shard \(k)/3 done"), shard.stdout)
            XCTAssertTrue(shard.stdout.contains("saved fit loaded in"), shard.stdout)
        }
        try bench(["store", "merge", path("shard-1.sqlite"), path("shard-2.sqlite"), path("shard-3.sqlite"), "--into", path("merged.sqlite")])
        try assertSameRuns(path("one.sqlite"), path("merged.sqlite"), runs: 1)

        // One byte changed: refused before the database is created, the file named.
        var tampered = bytes
        tampered[tampered.count - 2] ^= 0x01
        try tampered.write(to: file)
        let refused = try bench(["evaluate", "--sets", sets.path] + builtin + poolArguments
                                + ["--fitted", path("fit"), "--shard", "1/3", "--database", path("tampered.sqlite")], expect: 1)
        XCTAssertTrue(refused.stderr.contains(file.path), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("changed since the fit") && refused.stderr.contains("save the fit again"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("tampered.sqlite")), "refused before the database was created")
        // Undecodable though its digest is right (a record edited to match): refused as well.
        try Data("not a snapshot".utf8).write(to: file)
        var edited = try XCTUnwrap(record)
        edited["artifacts"] = ["sha256": SHA256.hash(Array("not a snapshot".utf8)).hex, "results": 1, "bytes": 14]
        try JSONSerialization.data(withJSONObject: edited).write(to: directory.appendingPathComponent("fit/fit.json"))
        let undecodable = try bench(["evaluate", "--sets", sets.path] + builtin + poolArguments
                                    + ["--fitted", path("fit"), "--database", path("tampered.sqlite")], expect: 1)
        XCTAssertTrue(undecodable.stderr.contains(file.path) && undecodable.stderr.contains("format line"), undecodable.stderr)
        XCTAssertTrue(undecodable.stderr.contains("save the fit again"), undecodable.stderr)
        // A fit of another seed is still refused.
        let otherSeed = try bench(["evaluate", "--sets", sets.path] + builtin + poolArguments
                                  + ["--fitted", path("fit"), "--seed", "9", "--database", path("tampered.sqlite")], expect: 1)
        XCTAssertTrue(otherSeed.stderr.contains("fitted for another fit seed"), otherSeed.stderr)
    }

    /// `bench store merge`: partial shards say which shard is missing (and --require-complete
    /// exits 3), a conflicting file is refused, merging again changes nothing.
    func testStoreMergeReportsMissingShardsAndRefusesConflicts() throws {
        for k in 1...2 {
            try bench(["evaluate", "--sets", sets.path, "--estimator", "counting"] + poolArguments
                      + ["--shard", "\(k)/2", "--database", path("s\(k).sqlite"), "--no-progress"])
        }
        let partial = try bench(["store", "merge", path("s1.sqlite"), "--into", path("m.sqlite"), "--shard-count", "2",
                                 "--require-complete"], expect: 3)
        XCTAssertTrue(partial.stdout.contains("4 pseudo-experiments still missing (shard 2/2)"), partial.stdout)
        let complete = try bench(["store", "merge", path("s1.sqlite"), path("s2.sqlite"), "--into", path("m.sqlite")])
        XCTAssertTrue(complete.stdout.contains("4 results added, 4 already there; complete and scored."), complete.stdout)
        let again = try bench(["store", "merge", path("s1.sqlite"), path("s2.sqlite"), "--into", path("m.sqlite")])
        XCTAssertTrue(again.stdout.contains("0 results added, 8 already there"), again.stdout)

        // Forge one result of shard 2 and merge it into a fresh target beside the true shard 1.
        try FileManager.default.copyItem(atPath: path("s2.sqlite"), toPath: path("forged.sqlite"))
        let queue = try DatabaseQueue(path: path("forged.sqlite"))
        try queue.write { try $0.execute(sql: "UPDATE result SET mu_hat = mu_hat + 0.5 WHERE (set_index, pe_index) IN (SELECT set_index, pe_index FROM result ORDER BY 1, 2 LIMIT 1)") }
        let refused = try bench(["store", "merge", path("s2.sqlite"), path("forged.sqlite"), "--into", path("m2.sqlite")], expect: 1)
        XCTAssertTrue(refused.stderr.contains("two different results for"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Nothing was merged"), refused.stderr)
        let target = try LeaderboardStore(path: path("m2.sqlite"), access: .readOnly)
        XCTAssertEqual(try target.contents().results, 0)
        let missing = try bench(["store", "merge", path("nowhere.sqlite"), "--into", path("m3.sqlite")], expect: 1)
        XCTAssertTrue(missing.stderr.contains("nowhere.sqlite"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("m3.sqlite")), "no target for a missing source")
    }

    /// `bench slurm --dry-run`: the three scripts and how they are chained; commands it cannot
    /// spread are refused.
    func testSlurmDryRunPrintsTheScriptsAndRefusesBadCommands() throws {
        let dry = try bench(["slurm", "--shards", "4", "--work-dir", path("w"), "--time", "0:10:00", "--cpus-per-task", "2",
                             "--mem", "2G", "--into", path("lb.sqlite"), "--dry-run", "--",
                             "evaluate", "--sets", sets.path, "--command", plugin(), "--name", "slow"] + poolArguments)
        let out = dry.stdout
        for expected in ["--save-fit \(path("w"))/fit", "--shard \"$K/4\"", "--fitted \(path("w"))/fit",
                         "--database \"\(path("w"))/shards/shard-$K.sqlite\"", "--hide \(path("w"))",
                         "#SBATCH --time=0:10:00", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=2G",
                         "#SBATCH --output=\(path("w"))/logs/shard-%a.out", "--jobs \"${SLURM_CPUS_PER_TASK:-1}\"",
                         "store merge \"${files[@]}\" --into \(path("lb.sqlite")) --shard-count 4",
                         "--array=1-4 --dependency=afterok:FIT --kill-on-invalid-dep=yes", "--dependency=afterany:SHARDS,singleton"] {
            XCTAssertTrue(out.contains(expected), "missing \(expected) in\n\(out)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("w")), "a dry run writes nothing")
        // The built-ins are fitted once too: the shards load the saved training results.
        let builtin = try bench(["slurm", "--shards", "2", "--work-dir", path("w"), "--dry-run", "--", "run", "--sets", "2"])
        for expected in ["fit.sbatch", " run --sets 2 --save-fit \(path("w"))/fit --jobs",
                         " run --sets 2 --shard \"$K/2\"", "--fitted \(path("w"))/fit",
                         "--array=1-2 --dependency=afterok:FIT"] {
            XCTAssertTrue(builtin.stdout.contains(expected), "missing \(expected) in\n\(builtin.stdout)")
        }
        XCTAssertFalse(builtin.stdout.contains("--hide"), "bench run has no plugin to hide anything from: \(builtin.stdout)")

        for (arguments, message) in [(["evaluate", "--sets", sets.path, "--estimator", "counting", "--database", "x.sqlite"], "Leave --database out"),
                                     (["evaluate", "--sets", sets.path, "--estimator", "counting", "--shard=1/2"], "Leave --shard out"),
                                     (["generate", "--challenge", "fair-universe-2024-mini"], "'evaluate' or 'run', not 'generate'"),
                                     (["evaluate", "--estimator", "counting"], "The command after -- is not valid"),
                                     ([], "Give the bench command to spread after --")] {
            let refused = try bench(["slurm", "--shards", "2", "--work-dir", path("w"), "--dry-run", "--"] + arguments, expect: 64)
            XCTAssertTrue(refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
    }

    /// The done-when of the cluster feature, on a real (single-node) Slurm: the mini challenge
    /// evaluated with a built-in and a plugin as 4-task arrays, merged: the leaderboard and every
    /// stored result equal the unsharded run; one task cancelled mid-run and resubmitted by the
    /// same command ends with every result exactly once.
    func testSlurmArraysOnTheLocalClusterEqualTheUnshardedRun() throws {
        let environment = ProcessInfo.processInfo.environment
        let slurm = environment["SLURM_CONF"].map { FileManager.default.fileExists(atPath: $0) } ?? false
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/sbatch")
        if !slurm {
            if environment["FAIR_UQ_REQUIRE_SLURM"] != nil {
                return XCTFail("FAIR_UQ_REQUIRE_SLURM is set but no Slurm is reachable (SLURM_CONF, sbatch); start it with scripts/slurm-local.sh start")
            }
            throw XCTSkip(SkipLog.record("no Slurm here (eval \"$(scripts/slurm-local.sh start)\" starts one); CI runs this"))
        }
        // Four pseudo-experiments per shard, a second each: a task cancelled after its first
        // result stops before its last (the pseudo-experiment in progress is still recorded).
        try FileManager.default.removeItem(at: sets)
        try? FileManager.default.removeItem(atPath: sets.path + ".truth.json")
        sets = try EvaluateCommandTests.generateSets(in: directory, sets: 2, perSet: 8)
        // One machine.
        let slow = plugin(delay: 1.0)
        try bench(["evaluate", "--sets", sets.path, "--estimator", "counting"] + poolArguments + ["--database", path("one.sqlite"), "--no-progress"])
        try bench(["evaluate", "--sets", sets.path, "--command", slow, "--name", "slow"] + poolArguments
                  + ["--database", path("one.sqlite"), "--no-progress"])

        // The built-in: 4 tasks, waited for.
        let builtin = try bench(["slurm", "--shards", "4", "--work-dir", path("wb"), "--into", path("cluster.sqlite"), "--wait", "--",
                                 "evaluate", "--sets", sets.path, "--estimator", "counting"] + poolArguments)
        XCTAssertTrue(builtin.stdout.contains("Merged: every result is in"), builtin.stdout)

        // The plugin: submitted, one task cancelled once it has recorded a result.
        let spread = ["slurm", "--shards", "4", "--work-dir", path("wp"), "--into", path("cluster.sqlite"), "--",
                      "evaluate", "--sets", sets.path, "--command", slow, "--name", "slow"] + poolArguments
        let first = try bench(spread)
        XCTAssertTrue(first.stdout.contains("submitted fit job"), first.stdout)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("wp/slurm.json"))) as? [String: Any]
        let submissions = try XCTUnwrap(state?["submissions"] as? [[String: Any]])
        let array = try XCTUnwrap(submissions.first { $0["job"] as? String == "shards" }?["id"] as? String)
        let shard2 = path("wp/shards/shard-2.sqlite")
        let deadline = Date().addingTimeInterval(120)
        while try results(in: shard2) < 1 {
            guard Date() < deadline else { return XCTFail("shard 2 recorded nothing within 120 s; logs in \(path("wp/logs"))") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let cancel = Process()
        cancel.executableURL = URL(fileURLWithPath: "/usr/bin/scancel")
        cancel.arguments = ["\(array)_2"]
        try cancel.run()
        cancel.waitUntilExit()
        XCTAssertEqual(cancel.terminationStatus, 0)
        // Wait for the first round (the merge runs after every task, cancelled ones too).
        let status = ["slurm", "--status"] + spread.dropFirst()
        while !(try bench(status).stdout.contains("queued or running") == false) {
            guard Date() < deadline.addingTimeInterval(120) else { return XCTFail("the first round did not end") }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let afterCancel = try bench(status)
        XCTAssertTrue(afterCancel.stdout.contains("3 of 4 shards complete"), afterCancel.stdout)
        XCTAssertTrue(afterCancel.stdout.contains("incomplete and not queued: shards 2"), afterCancel.stdout)
        XCTAssertLessThan(try results(in: shard2), 4, "the cancelled task stopped mid-run")

        // The same command resubmits the cancelled shard (not the fit, not the others) and merges.
        let second = try bench(spread + [])
        XCTAssertFalse(second.stdout.contains("submitted fit job"), second.stdout)
        XCTAssertTrue(second.stdout.contains("submitted shards job") && second.stdout.contains("(tasks 2)"), second.stdout)
        let waited = try bench(Array(spread.prefix(7)) + ["--wait"] + Array(spread.dropFirst(7)))
        XCTAssertTrue(waited.stdout.contains("Merged: every result is in"), waited.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("wp/logs/shard-2.out")))

        try assertSameRuns(path("one.sqlite"), path("cluster.sqlite"), runs: 2)
        let queue = try DatabaseQueue(path: path("cluster.sqlite"))
        try queue.read { db in
            let counts = try Row.fetchAll(db, sql: """
                SELECT u.name, COUNT(*), COUNT(DISTINCT r.set_index || ',' || r.pe_index) FROM result r
                JOIN run ON run.id = r.run_id JOIN submission u ON u.id = run.submission_id GROUP BY u.name ORDER BY u.name
                """).map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int)" }
            XCTAssertEqual(counts, ["counting 16 16", "slow 16 16"], "every result exactly once")
        }
        let again = try bench(spread)
        XCTAssertFalse(again.stdout.contains("submitted"), "nothing left to submit: \(again.stdout)")
    }

    // MARK: - Helpers

    private func fits(_ log: String) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasPrefix("fit-") }.count
    }

    /// Results in a shard file a task may be creating right now (0 until its schema is in place).
    private func results(in database: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: database) else { return 0 }
        do {
            return try LeaderboardStore(path: database, access: .readOnly).contents().results
        } catch LeaderboardStoreError.outdatedSchema, LeaderboardStoreError.locked {
            return 0
        }
    }

    /// The completed runs of both files: the same submissions with the same results (all but
    /// run times and when they were recorded), flags and scorecards, and the same leaderboard.
    private func assertSameRuns(_ a: String, _ b: String, runs expected: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        func runs(_ path: String) throws -> [String] {
            try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: """
                    SELECT u.name, u.code_hash, s.hash, run.seeds, run.status,
                           (SELECT group_concat(set_index || ' ' || pe_index || ' ' || has_estimate || ' ' || quote(mu_hat) || ' '
                                   || quote(uncertainty) || ' ' || quote(p16) || ' ' || quote(p84) || ' ' || quote(p2_5) || ' '
                                   || quote(p97_5) || ' ' || nan_mask || ' ' || quote(error), '; ')
                            FROM (SELECT * FROM result WHERE run_id = run.id ORDER BY set_index, pe_index)),
                           (SELECT group_concat(set_index || ' ' || pe_index || ' ' || level || ' ' || quote(lower) || ' '
                                   || quote(upper) || ' ' || nan_mask, '; ')
                            FROM (SELECT * FROM result_level WHERE run_id = run.id ORDER BY set_index, pe_index, level)),
                           (SELECT group_concat(kind || ': ' || detail, '; ') FROM run_flag WHERE run_id = run.id),
                           (SELECT group_concat(policy || ' ' || scorecard, '; ') FROM score WHERE run_id = run.id)
                    FROM run JOIN submission u ON u.id = run.submission_id JOIN set_manifest s ON s.id = run.set_manifest_id
                    WHERE run.status = 'completed' ORDER BY u.name
                    """).map { row in (0..<9).map { "\(row[$0] as DatabaseValue)" }.joined(separator: " | ") }
            }
        }
        let left = try runs(a), right = try runs(b)
        XCTAssertEqual(left.count, expected, "\(a): \(left)", file: file, line: line)
        XCTAssertEqual(left, right, file: file, line: line)
        if left != right {   // the whole of both, for a diff
            try left.joined(separator: "\n").write(toFile: NSTemporaryDirectory() + "/sharding-runs-left.txt", atomically: true, encoding: .utf8)
            try right.joined(separator: "\n").write(toFile: NSTemporaryDirectory() + "/sharding-runs-right.txt", atomically: true, encoding: .utf8)
        }
        func board(_ path: String) throws -> [String] {
            let out = try BenchProcess.run(["leaderboard", "--database", path, "--format", "json"], in: directory)
            let rows = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]] ?? []
            return try rows.map { row in
                let kept = row.filter { $0.key != "runtime_s" && $0.key != "run" }
                return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
            }
        }
        XCTAssertEqual(try board(a), try board(b), "the leaderboards (but run times and run ids)", file: file, line: line)
    }
}
