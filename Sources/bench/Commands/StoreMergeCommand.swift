import ArgumentParser
import Evaluation
import Foundation
import PseudoExperiments
import Scoring

/// `bench store merge`: the shard files of a sharded evaluation into one leaderboard database.
struct StoreMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the databases of a sharded evaluation (bench evaluate --shard K/N) into one.",
        discussion: """
            Each run identity (submission name and code hash, set manifest) becomes one run in the \
            target whose results are the union of the shards'; when every pseudo-experiment of the set \
            manifest has a result the run is completed and scored, and equals the run made on one machine. \
            Idempotent: results the target already holds, identical, are skipped. Conflicting results for \
            the same run and pseudo-experiment (other numbers, or a failure against an estimate), or files \
            of another evaluation (other sets, seeds, challenge spec), are refused before anything is written. \
            Partial shards are accepted: what is missing is listed (with --shards N, by shard number, to re-run \
            with --shard K/N) and the run stays unfinished until a later merge completes it. The shard files \
            are only read.
            """)

    @Argument(help: ArgumentHelp("The shard databases.", valueName: "shard.sqlite"))
    var shards: [String]

    @Option(help: ArgumentHelp("The database to merge into (created if missing).", valueName: "path"))
    var into: String

    @Option(help: ArgumentHelp("The number of shards of the evaluation, to name the shard of each missing pseudo-experiment.",
                               valueName: "n"))
    var shardCount: Int?

    @Flag(name: .customLong("require-complete"), help: "Exit with status 3 when some pseudo-experiment still has no result.")
    var requireComplete = false

    @Option(name: .long, help: ArgumentHelp(
        "Seconds to wait for another process that holds a database's write lock.", valueName: "seconds"))
    var busyTimeout: Double = LeaderboardStore.defaultBusyTimeout

    static let exitIncomplete: Int32 = 3

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("Name at least one shard database to merge.") }
        guard !into.isEmpty else { throw ValidationError("--into needs a file path.") }
        if let shardCount, shardCount < 1 { throw ValidationError("--shard-count must be at least 1, got \(shardCount).") }
        guard busyTimeout.isFinite, busyTimeout >= 0 else {
            throw ValidationError("--busy-timeout must be a number of seconds >= 0, got \(busyTimeout).")
        }
    }

    func run() throws {
        // Every source must open before the target is created.
        let sources = try shards.map { try LeaderboardStore(path: $0, access: .readOnly, busyTimeout: busyTimeout) }
        let target = try LeaderboardStore(path: into, access: .create, busyTimeout: busyTimeout)
        let summary = try target.merge(from: sources)
        print(Self.text(summary, target: target.path, shardCount: shardCount), terminator: "")
        if requireComplete, summary.runs.contains(where: { !$0.completed }) { throw ExitCode(Self.exitIncomplete) }
    }

    /// The summary, a line per run and what is missing.
    static func text(_ summary: MergeSummary, target: String, shardCount: Int?) -> String {
        var lines: [String] = []
        for run in summary.runs {
            var line = "\(TerminalText.escapedField(run.submission.name)) on \(run.challenge) (set manifest "
                + "\(run.setManifestHash.prefix(12))): run \(run.run) in \(target), \(run.added) results added, "
                + "\(run.alreadyThere) already there; "
            if run.completed {
                line += "complete and scored."
            } else {
                line += "\(run.missing.count) pseudo-experiment\(run.missing.count == 1 ? "" : "s") still missing"
                if let shardCount {
                    let assignment = Shard.assignment(of: run.pseudoExperiments, count: shardCount)
                    let shards = Set(run.missing.compactMap { assignment[$0] }).sorted()
                    line += " (shard\(shards.count == 1 ? "" : "s") \(shards.map { "\($0)/\(shardCount)" }.joined(separator: ", ")))"
                }
                line += ", e.g. \(run.missing.prefix(3).map(\.description).joined(separator: "; ")); "
                    + "run the missing shards and merge again."
            }
            lines.append(line)
        }
        if summary.runs.isEmpty { lines.append("The shard files hold no run to merge.") }
        for skipped in summary.skipped { lines.append("skipped: " + TerminalText.escapedField(skipped)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
