import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import TestSupport
import XCTest

/// The pieces of `bench slurm` that do not need a cluster: reading squeue, quoting for bash,
/// the scripts, and judging a shard file.
final class SlurmPlanTests: XCTestCase {
    func testSqueueLinesOfJobsTasksAndPendingArrays() {
        let entries = SlurmQueue.parse("""
            12|PENDING|fair-uq-abc-fit
            13_[1-3,5%2]|PENDING|fair-uq-abc-shards
            13_4|RUNNING|fair-uq-abc-shards
            13_6|CANCELLED|fair-uq-abc-shards
            14|COMPLETED|fair-uq-abc-merge
            garbage line
            15_[x]|PENDING|other
            """)
        XCTAssertEqual(entries.map(\.job), ["12", "13", "13", "13", "14"])
        XCTAssertEqual(entries[1].tasks, [1, 2, 3, 5])
        XCTAssertEqual(entries[2].tasks, [4])
        XCTAssertEqual(entries.map(\.isActive), [true, true, true, false, false])
        XCTAssertEqual(entries[0].name, "fair-uq-abc-fit")
    }

    func testWordsAreQuotedForBash() throws {
        XCTAssertEqual(SlurmPlan.quote("/a/b-c_d.e"), "/a/b-c_d.e")
        XCTAssertEqual(SlurmPlan.quote("PYTHONPATH=x python3 p.py"), "'PYTHONPATH=x python3 p.py'")
        XCTAssertEqual(SlurmPlan.quote("it's $HOME `x`"), "'it'\\''s $HOME `x`'")
        XCTAssertEqual(SlurmPlan.quote(""), "''")
        // What bash makes of the quoted words is the words.
        let words = ["a b", "it's", "$HOME", "`id`", "x\"y", "tab\there", "semi;colon"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "printf '%s\\n' " + words.map(SlurmPlan.quote).joined(separator: " ")]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), words)
    }

    func testAShardIsCompleteWhenEveryContestantHasEveryPseudoExperimentOfTheShard() throws {
        let f = try RunnerFixture("slurm-progress", sets: 2, perSet: 3)
        defer { f.remove() }
        let work = f.directory.appendingPathComponent("work").path
        let plan = SlurmPlan(bench: "/bin/bench", work: work, workingDirectory: "/", command: ["run"], shards: 2,
                             into: work + "/lb.sqlite", fitsOnce: false, commandSetsJobs: false, resources: .init())
        XCTAssertEqual(try plan.shardProgress(1, contestants: 1), ShardProgress(shard: 1, recorded: 0, expected: nil))
        try FileManager.default.createDirectory(atPath: plan.shardsDirectory, withIntermediateDirectories: true)
        let store = try LeaderboardStore(path: plan.shardDatabase(1), access: .create)
        var options = RunnerFixture.options(fraction: 0)
        options.shard = Shard(index: 1, count: 2)
        _ = try EvaluationRunner(store: store, source: f.sets, options: options).run([try RunnerFixture.entry(GeneratorProbe())])
        let one = try plan.shardProgress(1, contestants: 1)
        XCTAssertEqual(one, ShardProgress(shard: 1, recorded: 3, expected: 3))
        XCTAssertTrue(one.isComplete)
        XCTAssertFalse(try plan.shardProgress(1, contestants: 2).isComplete, "a second contestant is missing")
        XCTAssertTrue(plan.scriptText(.shards).contains("--shard \"$K/2\""))
        XCTAssertFalse(plan.scriptText(.shards).contains("--hide"), "bench run has no plugin to hide things from")
        XCTAssertEqual(plan.jobName(.merge), "fair-uq-\(plan.tag)-merge")
    }

    /// Built-ins are fitted once as well: `bench run --save-fit` saves one fit per built-in, and
    /// the fit counts as saved only when every one of them is.
    func testTheBuiltinsFitJobAndItsSavedFits() throws {
        let work = try ReferenceData.temporaryDirectory("slurm-builtin-fits").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let plan = SlurmPlan(bench: "/bin/bench", work: work, workingDirectory: "/", command: ["run", "--sets", "2"], shards: 2,
                             into: work + "/lb.sqlite", fitsOnce: true, commandSetsJobs: false, resources: .init())
        let fit = plan.scriptText(.fit)
        XCTAssertTrue(fit.contains("exec /bin/bench run --sets 2 --save-fit \(work)/fit --jobs"), fit)
        XCTAssertFalse(fit.contains("--hide"), "bench run has no --hide: \(fit)")
        XCTAssertTrue(plan.scriptText(.shards).contains("--fitted \(work)/fit"))
        XCTAssertFalse(plan.fitIsSaved)
        for (i, name) in EstimatorRegistry.names.enumerated() {
            try FileManager.default.createDirectory(atPath: "\(work)/fit/\(name)", withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(work)/fit/\(name)/\(SavedFit.recordName)"))
            XCTAssertEqual(plan.fitIsSaved, i == EstimatorRegistry.names.count - 1, "saved after \(name)")
        }
    }
}
