import Foundation
import PseudoExperiments
import Scoring

/// A sharded evaluation on a Slurm cluster (`bench slurm`): the batch scripts, the work
/// directory's layout, and what is done.
///
/// Three jobs, each a script in `WORK/scripts`:
/// 1. `fit.sbatch`: `bench evaluate ARGS --save-fit WORK/fit` (`bench run ARGS --save-fit
///    WORK/fit` for every built-in, one subdirectory each): the fit, once; a plugin's model or a
///    built-in's training results (``SavedFit``).
/// 2. `shards.sbatch`, an array with one task per shard, after the fit (`afterok`):
///    `bench evaluate ARGS --shard K/N --fitted WORK/fit --database WORK/shards/shard-K.sqlite`
///    (`bench run ARGS --shard K/N --fitted WORK/fit ...`): the shards load the fit, none trains.
///    Pseudo-experiments are regenerated on each node from the set directory's manifest and the
///    pool (or its simulator recipe): only those, the truth file and the fit travel.
/// 3. `merge.sbatch`, after every task ended however (`afterany`): `bench store merge` of the
///    shard files into the target database.
///
/// ```
/// WORK/slurm.json         the command, the shard count and every job submitted (SlurmState)
/// WORK/scripts/*.sbatch   the three scripts (rewritten at each submission, same content)
/// WORK/fit/               the saved fit (SavedFit; for `run`, WORK/fit/<estimator>/ per built-in)
/// WORK/shards/shard-K.sqlite   one SQLite file per shard
/// WORK/logs/              fit.out, shard-K.out (appended to by resubmitted tasks), merge.out
/// ```
/// Each shard writes its own SQLite file, because SQLite on a network file system is unsafe for
/// concurrent writers (its locks are unreliable there, and WAL needs memory shared on one host):
/// a shard file has one writer, on one node, at a time. Put WORK on a file system all nodes see;
/// the merge reads the files after their writers ended.
public struct SlurmPlan: Sendable, Equatable {
    public struct Resources: Sendable, Equatable {
        public var partition: String?
        public var account: String?
        /// Per task, as sbatch's `--time` (e.g. `2:00:00`).
        public var time: String?
        public var cpusPerTask: Int
        /// Per node, as sbatch's `--mem` (e.g. `8G`).
        public var memory: String?
        /// Further `#SBATCH` options, each as given (e.g. `--qos=long`).
        public var extra: [String]

        public init(partition: String? = nil, account: String? = nil, time: String? = nil, cpusPerTask: Int = 1,
                    memory: String? = nil, extra: [String] = []) {
            self.partition = partition
            self.account = account
            self.time = time
            self.cpusPerTask = cpusPerTask
            self.memory = memory
            self.extra = extra
        }
    }

    /// The bench executable the nodes run (an absolute path they can reach).
    public var bench: String
    /// The work directory (absolute).
    public var work: String
    /// Where the jobs run (absolute): relative paths of the command are taken from here.
    public var workingDirectory: String
    /// The bench command the shards run, without its shard options: `evaluate ...` or `run ...`.
    public var command: [String]
    public var shards: Int
    /// The database the shards are merged into (absolute).
    public var into: String
    /// Whether a fit job comes first, the shards loading its saved fit (`bench slurm` always
    /// fits once; without, each shard would fit on its own from the same seed).
    public var fitsOnce: Bool
    /// Whether the command sets `--jobs` itself (else each task uses its CPUs).
    public var commandSetsJobs: Bool
    public var resources: Resources

    public init(bench: String, work: String, workingDirectory: String, command: [String], shards: Int, into: String,
                fitsOnce: Bool, commandSetsJobs: Bool, resources: Resources) {
        self.bench = bench
        self.work = work
        self.workingDirectory = workingDirectory
        self.command = command
        self.shards = shards
        self.into = into
        self.fitsOnce = fitsOnce
        self.commandSetsJobs = commandSetsJobs
        self.resources = resources
    }

    // MARK: - Layout

    public var stateFile: String { work + "/slurm.json" }
    public var scriptsDirectory: String { work + "/scripts" }
    public var logsDirectory: String { work + "/logs" }
    public var shardsDirectory: String { work + "/shards" }
    public var fitDirectory: String { work + "/fit" }
    public func shardDatabase(_ k: Int) -> String { shardsDirectory + "/shard-\(k).sqlite" }
    public func script(_ job: Job) -> String { scriptsDirectory + "/\(job.rawValue).sbatch" }
    public func log(_ job: Job) -> String {
        logsDirectory + (job == .shards ? "/shard-%a.out" : "/\(job.rawValue).out")
    }
    public func shardLog(_ k: Int) -> String { logsDirectory + "/shard-\(k).out" }

    /// The jobs of a plan.
    public enum Job: String, Codable, Sendable, CaseIterable {
        case fit, shards, merge
    }

    /// The Slurm job name of `job`: `fair-uq-<tag>-<job>`, the tag a digest of the work
    /// directory, so that the jobs of this evaluation are found in the queue by name.
    public func jobName(_ job: Job) -> String { "fair-uq-\(tag)-\(job.rawValue)" }

    public var tag: String { String(SHA256.hash(Array(work.utf8)).hex.prefix(10)) }

    // MARK: - Scripts

    /// The batch script of `job`.
    public func scriptText(_ job: Job) -> String {
        var lines = ["#!/bin/bash",
                     "# Written by bench slurm (fair-uq-bench \(Harness.version)) for the evaluation in \(work).",
                     "#SBATCH --job-name=\(jobName(job))",
                     "#SBATCH --chdir=\(workingDirectory)",
                     "#SBATCH --output=\(log(job))",
                     "#SBATCH --open-mode=append",
                     "#SBATCH --ntasks=1"]
        if let partition = resources.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = resources.account { lines.append("#SBATCH --account=\(account)") }
        if job != .merge {
            lines.append("#SBATCH --cpus-per-task=\(resources.cpusPerTask)")
            if let time = resources.time { lines.append("#SBATCH --time=\(time)") }
            if let memory = resources.memory { lines.append("#SBATCH --mem=\(memory)") }
        }
        lines += resources.extra.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail",
                  "echo \"== $(date -u +%Y-%m-%dT%H:%M:%SZ) job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} on $(hostname)\""]
        let bench = Self.quote(self.bench)
        let jobs = commandSetsJobs ? [] : ["--jobs", "\"${SLURM_CPUS_PER_TASK:-1}\""]
        switch job {
        case .fit:
            var words = [bench, quotedCommand, "--save-fit", Self.quote(fitDirectory)]
            if command.first == "evaluate" { words += ["--hide", Self.quote(work)] }
            lines.append("exec " + (words + jobs + ["--no-progress"]).joined(separator: " "))
        case .shards:
            lines.append("K=\"$SLURM_ARRAY_TASK_ID\"")
            var words = [bench, quotedCommand, "--shard", "\"$K/\(shards)\"",
                         "--database", "\"\(Self.doubleQuoteEscaped(shardsDirectory))/shard-$K.sqlite\""]
            if command.first == "evaluate" { words += ["--hide", Self.quote(work)] }
            if fitsOnce { words += ["--fitted", Self.quote(fitDirectory)] }
            lines.append("exec " + (words + jobs + ["--no-progress"]).joined(separator: " "))
        case .merge:
            lines += ["shopt -s nullglob",
                      "files=(\(Self.quote(shardsDirectory))/shard-*.sqlite)",
                      "if [ ${#files[@]} -eq 0 ]; then echo \"no shard database in \(Self.doubleQuoteEscaped(shardsDirectory)): every task failed before writing; see \(Self.doubleQuoteEscaped(logsDirectory))\" >&2; exit 1; fi",
                      "exec \(bench) store merge \"${files[@]}\" --into \(Self.quote(into)) --shard-count \(shards)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var quotedCommand: String { command.map(Self.quote).joined(separator: " ") }

    /// `text` as one word for bash: bare when it is plain, else in single quotes.
    public static func quote(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func doubleQuoteEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\"$`\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    // MARK: - Progress

    /// How far shard `k` is: every pseudo-experiment of the shard recorded by `contestants`
    /// runs of its file (read only; a task may be writing it).
    public func shardProgress(_ k: Int, contestants: Int) throws -> ShardProgress {
        let path = shardDatabase(k)
        guard FileManager.default.fileExists(atPath: path) else { return ShardProgress(shard: k, recorded: 0, expected: nil) }
        let contents: (keys: [PseudoExperimentKey]?, runs: [Set<PseudoExperimentKey>])
        do {
            contents = try LeaderboardStore(path: path, access: .readOnly).recordedKeysByRun()
        } catch LeaderboardStoreError.outdatedSchema {
            // A task is creating the file at this moment: nothing recorded yet.
            return ShardProgress(shard: k, recorded: 0, expected: nil)
        }
        guard let shard = Shard(index: k, count: shards), let keys = contents.keys else {
            return ShardProgress(shard: k, recorded: 0, expected: nil)
        }
        let mine = Set(shard.keys(of: keys))
        let recorded = contents.runs.map { $0.intersection(mine).count }.sorted(by: >).prefix(contestants).reduce(0, +)
        return ShardProgress(shard: k, recorded: recorded, expected: mine.count * contestants)
    }

    /// Whether the saved fit is there (for `run`, the fit of every built-in).
    public var fitIsSaved: Bool {
        let records = command.first == "run"
            ? EstimatorRegistry.names.map { fitDirectory + "/\($0)/" + SavedFit.recordName }
            : [fitDirectory + "/" + SavedFit.recordName]
        return records.allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }
}

/// What a shard's file holds.
public struct ShardProgress: Sendable, Equatable {
    public var shard: Int
    /// Results recorded (over the contestants' runs).
    public var recorded: Int
    /// Results the shard needs (nil: the file does not exist yet or holds no set manifest).
    public var expected: Int?
    public var isComplete: Bool { expected.map { $0 > 0 && recorded >= $0 } ?? false }

    public init(shard: Int, recorded: Int, expected: Int?) {
        self.shard = shard
        self.recorded = recorded
        self.expected = expected
    }
}
