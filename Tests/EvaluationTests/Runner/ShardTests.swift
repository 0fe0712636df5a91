import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// Sharded evaluation: the documented split, shards merged equal to the run on one machine,
/// and the merge's refusals.
final class ShardTests: XCTestCase {
    func testTheSplitIsRoundRobinOverTheSortedKeys() throws {
        XCTAssertEqual(Shard("2/4"), Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "1/0", "2", "2/4/1", "-1/4", "a/4", "1 /4", "", "/", "+1/4", "1/٤"] {
            XCTAssertNil(Shard(bad), bad)
        }
        // The example of the documentation: 2 sets x 4, three shards.
        let keys = (0..<2).flatMap { s in (0..<4).map { PseudoExperimentKey(setIndex: s, index: $0) } }
        let assignment = Shard.assignment(of: keys.reversed(), count: 3)
        XCTAssertEqual(keys.map { assignment[$0]! }, [1, 2, 3, 1, 2, 3, 1, 2])
        // A partition with sizes within one of each other, whatever the key order given.
        let grid = (0..<7).flatMap { s in (0..<13).map { PseudoExperimentKey(setIndex: s, index: $0) } }
        for n in [1, 2, 5, 91, 100] {
            let parts = (1...n).map { Shard(index: $0, count: n)!.keys(of: grid.shuffled()) }
            XCTAssertEqual(parts.flatMap { $0 }.sorted(), grid, "n = \(n)")
            let sizes = parts.map(\.count)
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "n = \(n)")
            let byKey = Shard.assignment(of: grid, count: n)
            for (k, part) in parts.enumerated() {
                XCTAssertEqual(part.map { byKey[$0]! }, Array(repeating: k + 1, count: part.count), "n = \(n)")
            }
        }
    }

    /// Three shards in three files, merged, give the very results, flags and scorecard of the
    /// run on one machine; the statefulness check of the shards covers the same sample.
    func testShardsMergedEqualTheRunOnOneMachine() throws {
        let f = try RunnerFixture("shards", sets: 3, perSet: 4)
        defer { f.remove() }
        let contestants = { [try RunnerFixture.entry(CountingTestEstimator()), try RunnerFixture.entry(GeneratorProbe())] }
        let bootstrap = BootstrapOptions(replicates: 40, seed: 5)
        func options(_ shard: Shard?) -> EvaluationOptions {
            var o = RunnerFixture.options(fraction: 0.3)
            o.bootstrap = bootstrap
            o.shard = shard
            return o
        }
        let whole = try f.runner(options(nil)).run(try contestants())

        var files: [LeaderboardStore] = []
        var checked = [0, 0]
        for k in 1...3 {
            let store = try LeaderboardStore(path: f.directory.appendingPathComponent("shard-\(k).sqlite").path, access: .create)
            let report = try EvaluationRunner(store: store, source: f.sets, options: options(Shard(index: k, count: 3)))
                .run(try contestants())
            XCTAssertEqual(report.pseudoExperiments, 4)
            XCTAssertEqual(report.shard, Shard(index: k, count: 3))
            for (i, c) in report.contestants.enumerated() {
                XCTAssertEqual(c.status, .interrupted, "a shard's run waits for the merge")
                XCTAssertEqual(c.recorded, 4)
                XCTAssertNil(c.scorecard)
                checked[i] += c.statefulnessChecked
                XCTAssertEqual(Set(try store.outcomes(of: c.run).map(\.key)),
                               Set(Shard(index: k, count: 3)!.keys(of: f.sets.truths.map(\.key))))
            }
            XCTAssertTrue(report.text.contains("Shard \(k)/3 done"), report.text)
            files.append(store)
        }
        XCTAssertEqual(checked, whole.contestants.map(\.statefulnessChecked), "the shards check the run's sample")

        let merged = try LeaderboardStore(path: f.directory.appendingPathComponent("merged.sqlite").path, access: .create)
        let summary = try merged.merge(from: files, bootstrap: bootstrap)
        XCTAssertEqual(summary.runs.map(\.added), [12, 12])
        XCTAssertEqual(summary.runs.map(\.completed), [true, true])
        for (c, m) in zip(whole.contestants, summary.runs) {
            XCTAssertEqual(m.submission, c.submission)
            XCTAssertEqual(try merged.outcomes(of: m.run).withoutTimes, try f.store.outcomes(of: c.run).withoutTimes)
            // As stored: canonical JSON (a NaN bin width is not == to itself).
            XCTAssertEqual(try json(merged.scorecard(for: m.run)), try json(f.store.scorecard(for: c.run)))
            XCTAssertNotNil(try merged.scorecard(for: m.run))
            XCTAssertEqual(try merged.flags(of: m.run), try f.store.flags(of: c.run))
            XCTAssertEqual(try merged.runManifest(m.run).seeds, try f.store.runManifest(c.run).seeds)
        }
        // Idempotent: again, nothing added, nothing changed.
        let again = try merged.merge(from: files, bootstrap: bootstrap)
        XCTAssertEqual(again.runs.map(\.added), [0, 0])
        XCTAssertEqual(again.runs.map(\.alreadyThere), [12, 12])
        XCTAssertEqual(try merged.contents().runs, [.completed: 2])
        XCTAssertEqual(try merged.contents().results, 24)

        // Merges into one target at the same time (Slurm merges of two rounds) are serialised:
        // one run per submission, every result once, whichever starts first.
        for attempt in 0..<4 {
            let target = f.directory.appendingPathComponent("concurrent-\(attempt).sqlite").path
            _ = try LeaderboardStore(path: target, access: .create)
            let lock = NSLock()
            var errors: [String] = []
            DispatchQueue.concurrentPerform(iterations: 3) { k in
                do {
                    let store = try LeaderboardStore(path: target, access: .readWrite)
                    _ = try store.merge(from: k == 0 ? files : Array(files.reversed()), bootstrap: bootstrap)
                } catch {
                    lock.lock(); errors.append("\(error)"); lock.unlock()
                }
            }
            XCTAssertEqual(errors, [])
            let contents = try LeaderboardStore(path: target, access: .readOnly).contents()
            XCTAssertEqual(contents.runs, [.completed: 2], "attempt \(attempt)")
            XCTAssertEqual(contents.results, 24, "attempt \(attempt)")
        }
    }

    /// Shards recording into one file (a local disk) complete the run themselves: the last
    /// shard finds every result and scores it.
    func testShardsInOneFileCompleteTheRun() throws {
        let f = try RunnerFixture("one-file", sets: 2, perSet: 3)
        defer { f.remove() }
        let whole = try LeaderboardStore(path: f.directory.appendingPathComponent("whole.sqlite").path, access: .create)
        let reference = try EvaluationRunner(store: whole, source: f.sets, options: RunnerFixture.options(fraction: 0))
            .run([try RunnerFixture.entry(GeneratorProbe())])
        var statuses: [RunStatus] = []
        for k in [2, 1] {
            var o = RunnerFixture.options(fraction: 0)
            o.shard = Shard(index: k, count: 2)
            let report = try f.runner(o).run([try RunnerFixture.entry(GeneratorProbe())])
            statuses.append(report.contestants[0].status)
            XCTAssertEqual(report.contestants[0].alreadyRecorded, 0, "the other shard's results are not this shard's")
        }
        XCTAssertEqual(statuses, [.interrupted, .completed])
        let run = try f.store.latestCompletedRun(challenge: nil, submission: "test-generator-probe")
        XCTAssertEqual(try f.store.outcomes(of: run.id).withoutTimes,
                       try whole.outcomes(of: reference.contestants[0].run).withoutTimes)
    }

    /// A partial merge says what is missing and completes when the missing shard arrives; a
    /// conflicting result, another seed or another set manifest is refused before any write.
    func testMergeAcceptsPartialShardsAndRefusesConflicts() throws {
        let f = try RunnerFixture("merge-refusals", sets: 2, perSet: 3)
        defer { f.remove() }
        func shardFile(_ k: Int, seed: UInt64 = 3, name: String) throws -> LeaderboardStore {
            let store = try LeaderboardStore(path: f.directory.appendingPathComponent(name).path, access: .create)
            var o = RunnerFixture.options(seed: seed, fraction: 0)
            o.shard = Shard(index: k, count: 2)
            _ = try EvaluationRunner(store: store, source: f.sets, options: o).run([try RunnerFixture.entry(GeneratorProbe())])
            return store
        }
        let one = try shardFile(1, name: "one.sqlite"), two = try shardFile(2, name: "two.sqlite")
        let target = try LeaderboardStore(path: f.directory.appendingPathComponent("target.sqlite").path, access: .create)

        let partial = try target.merge(from: [one])
        XCTAssertEqual(partial.runs.count, 1)
        XCTAssertFalse(partial.runs[0].completed)
        XCTAssertEqual(partial.runs[0].missing, Shard(index: 2, count: 2)!.keys(of: f.sets.truths.map(\.key)))
        XCTAssertEqual(try target.runManifest(partial.runs[0].run).status, .interrupted)

        // Another run seed: not a shard of this evaluation.
        let otherSeed = try shardFile(2, seed: 4, name: "other-seed.sqlite")
        XCTAssertThrowsError(try target.merge(from: [otherSeed])) { error in
            XCTAssertTrue("\(error)".contains("seeds"), "\(error)")
            XCTAssertTrue("\(error)".contains("Nothing was merged"), "\(error)")
        }

        // A different result for a pseudo-experiment of shard 2: refused, nothing written.
        let forged = try LeaderboardStore(path: f.directory.appendingPathComponent("forged.sqlite").path, access: .create)
        let spec = f.sets.spec
        try forged.registerChallenge(name: spec.name, spec: String(decoding: spec.canonicalJSON(), as: UTF8.self),
                                     specHash: spec.sha256.hex)
        try forged.registerSetManifest(hash: f.sets.setManifestHash, challenge: spec.name, rootSeed: f.sets.keys.rootSeed,
                                       sealed: f.sets.keys.isSealed, truths: f.sets.truths)
        let original = try two.outcomes(of: try two.mergeRun()).first!
        let submission = try two.runManifest(try two.mergeRun()).submission
        let start = try forged.beginRun(submission: submission, setManifestHash: f.sets.setManifestHash, seeds: ["run": 3])
        var changed = original
        changed.estimate?.muHat = (original.estimate?.muHat ?? 0) + 1
        try forged.record(changed, in: start.id)
        try forged.finishRun(start.id, status: .interrupted)
        let before = try target.contents()
        XCTAssertThrowsError(try target.merge(from: [two, forged])) { error in
            XCTAssertTrue("\(error)".contains("two different results for \(original.key)"), "\(error)")
            XCTAssertTrue("\(error)".contains("forged.sqlite"), "\(error)")
        }
        XCTAssertEqual(try target.contents(), before, "a refused merge writes nothing")

        // The missing shard completes the run.
        let complete = try target.merge(from: [two])
        XCTAssertEqual(complete.runs[0].added, 3)
        XCTAssertTrue(complete.runs[0].completed)
        XCTAssertEqual(complete.runs[0].run, partial.runs[0].run, "the unfinished run is filled, not a new one")
        // Now the forged file conflicts with the completed run.
        XCTAssertThrowsError(try target.merge(from: [forged])) { error in
            XCTAssertTrue("\(error)".contains("different result for \(original.key)"), "\(error)")
        }
        // The target itself is not a source.
        XCTAssertThrowsError(try target.merge(from: [target]))
    }
}

private func json(_ card: Scorecard?) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(card), as: UTF8.self)
}

private extension LeaderboardStore {
    /// The one run of a shard file.
    func mergeRun() throws -> RunID {
        let runs = try contents().unfinishedRuns
        guard runs.count == 1 else { throw CocoaError(.fileReadUnknown) }
        return runs[0].id
    }
}
