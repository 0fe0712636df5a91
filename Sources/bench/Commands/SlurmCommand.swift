import ArgumentParser
import Evaluation
import Foundation
import PluginHost
import PseudoExperiments
import Scoring

/// `bench slurm`: one evaluation spread over a Slurm cluster as an array of shards, merged.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run an evaluation on a Slurm cluster: a fit job, an array of shards, a merge job.",
        discussion: """
            Give the bench command to spread after --, as you would run it on one machine: \
            `bench slurm --shards 50 --work-dir /shared/w -- evaluate --sets sets --plugin ./p.py --seed 3`, \
            or `-- run --sets 10 --per-set 1000` for the built-ins. The estimator (or every built-in) is fitted once \
            by a first job (bench evaluate/run --save-fit: a plugin's model, a built-in's training results); an array job then evaluates shard K of N in task K (bench evaluate \
            --shard K/N --fitted, each shard into its own SQLite file under the work directory: SQLite on a \
            network file system is unsafe for concurrent writers, one writer per file is not); a last job \
            merges the shard files into --into (bench store merge) after every task ended. The merged runs \
            equal the run on one machine. \
            Run the same command again to find what failed, was cancelled or timed out (by the results in \
            the shard files, not by the jobs' states) and submit only that again, with a new merge; it \
            never submits a shard that is still queued or running. --status only reports; --dry-run \
            prints the scripts and the sbatch calls without writing or submitting anything; --wait \
            waits for the jobs and reports how they ended. Logs: WORK/logs (one per shard, appended to \
            by resubmissions).
            """)

    @Option(help: ArgumentHelp("The number of shards (array tasks).", valueName: "n"))
    var shards: Int

    @Option(name: .customLong("work-dir"), help: ArgumentHelp(
        "The directory of the run's scripts, saved fit, shard files, logs and record, on a file system every node sees.",
        valueName: "dir"))
    var workDir: String

    @Option(help: ArgumentHelp("The database the shards are merged into.", valueName: "path"))
    var into: String = LeaderboardStore.defaultRelativePath

    @Option(help: ArgumentHelp("Slurm partition (sbatch --partition).", valueName: "name"))
    var partition: String?

    @Option(help: ArgumentHelp("Slurm account (sbatch --account).", valueName: "name"))
    var account: String?

    @Option(help: ArgumentHelp("Time limit per task and for the fit (sbatch --time, e.g. 2:00:00).", valueName: "time"))
    var time: String?

    @Option(name: .customLong("cpus-per-task"), help: ArgumentHelp(
        "CPUs per task (sbatch --cpus-per-task); each task estimates on as many threads unless the command sets --jobs.",
        valueName: "n"))
    var cpusPerTask: Int = 1

    @Option(help: ArgumentHelp("Memory per task's node (sbatch --mem, e.g. 8G).", valueName: "size"))
    var mem: String?

    @Option(name: .customLong("sbatch-option"), help: ArgumentHelp(
        "A further #SBATCH option for every job, e.g. --qos=long (repeatable).", valueName: "option"))
    var sbatchOptions: [String] = []

    @Option(help: ArgumentHelp("The bench executable the nodes run (default: this one).", valueName: "path"))
    var bench: String?

    @Flag(name: .customLong("dry-run"), help: "Print the scripts and the sbatch calls; write and submit nothing.")
    var dryRun = false

    @Flag(help: "Report what is done and what is queued; submit nothing.")
    var status = false

    @Flag(help: "After submitting, wait until every job of the run has ended, then report (exit 3 if a shard is incomplete).")
    var wait = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "After --: the bench command to spread (evaluate ... or run ...).", valueName: "command"))
    var command: [String] = []

    static let exitIncomplete: Int32 = 3
    /// Options the plan sets for each job itself.
    static let reserved = ["--shard", "--database", "--fitted", "--save-fit", "--no-progress"]

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1, got \(shards).") }
        guard shards <= 1_000_000 else { throw ValidationError("--shards must be at most 1000000, got \(shards).") }
        guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask).") }
        guard !workDir.isEmpty else { throw ValidationError("--work-dir needs a directory.") }
        guard let verb = command.first else {
            throw ValidationError("Give the bench command to spread after --, e.g. -- evaluate --sets sets --plugin ./p.py")
        }
        guard verb == "evaluate" || verb == "run" else {
            throw ValidationError("bench slurm spreads 'evaluate' or 'run', not '\(verb)'.")
        }
        for word in command.dropFirst() {
            let option = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            if Self.reserved.contains(option) {
                throw ValidationError("Leave \(option) out of the command: bench slurm sets it for each job "
                    + "(the merged database is --into).")
            }
        }
        // The command must be valid as it stands, before anything is submitted.
        do {
            if verb == "evaluate" { _ = try EvaluateCommand.parse(Array(command.dropFirst())) }
            else { _ = try RunCommand.parse(Array(command.dropFirst())) }
        } catch {
            throw ValidationError("The command after -- is not valid: "
                + (verb == "evaluate" ? EvaluateCommand.message(for: error) : RunCommand.message(for: error)))
        }
    }

    func run() throws {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
        }
        let verb = command[0]
        let arguments = Array(command.dropFirst())
        let plan = SlurmPlan(
            bench: try bench.map(absolute) ?? Self.currentExecutable(), work: absolute(workDir), workingDirectory: cwd,
            command: command, shards: shards, into: absolute(into), fitsOnce: true,
            commandSetsJobs: arguments.contains { $0 == "--jobs" || $0.hasPrefix("--jobs=") },
            resources: .init(partition: partition, account: account, time: time, cpusPerTask: cpusPerTask, memory: mem,
                             extra: sbatchOptions))
        let contestants = verb == "run" ? EstimatorRegistry.builtins.count : 1

        if dryRun {
            for job in SlurmPlan.Job.allCases where job != .fit || plan.fitsOnce {
                print("# \(plan.script(job))")
                print(plan.scriptText(job))
            }
            print("# submitted as:")
            if plan.fitsOnce { print("sbatch --parsable \(plan.script(.fit))") }
            print("sbatch --parsable --array=1-\(shards)\(plan.fitsOnce ? " --dependency=afterok:FIT --kill-on-invalid-dep=yes" : "") \(plan.script(.shards))")
            print("sbatch --parsable --dependency=afterany:SHARDS,singleton \(plan.script(.merge))")
            return
        }

        var state = try SlurmState.read(plan.stateFile) ?? SlurmState(command: command, shards: shards, into: plan.into)
        guard state.command == command, state.shards == shards, state.into == plan.into else {
            throw ValidationError("\(plan.work) holds another evaluation (\(state.shards) shards of "
                + "\(state.command.map(SlurmPlan.quote).joined(separator: " ")), merged into \(state.into)); "
                + "give the same command and options to resume it, or another --work-dir.")
        }
        var queue = try Self.queue(plan)
        var report = try Self.progress(plan, contestants: contestants)
        if status {
            print(Self.describe(plan, report: report, queue: queue, submitted: []), terminator: "")
            return
        }

        for dir in [plan.work, plan.scriptsDirectory, plan.logsDirectory, plan.shardsDirectory] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        for job in SlurmPlan.Job.allCases {
            try plan.scriptText(job).write(toFile: plan.script(job), atomically: true, encoding: .utf8)
        }
        let active = { (job: SlurmPlan.Job) in queue.filter { $0.name == plan.jobName(job) && $0.isActive } }
        var submitted: [SlurmState.Submission] = []
        func submit(_ job: SlurmPlan.Job, _ options: [String], tasks: [Int] = []) throws -> String {
            let id = try Self.sbatch(options + [plan.script(job)])
            let record = SlurmState.Submission(job: job, id: id, tasks: tasks, submittedAt: Self.timestamp())
            submitted.append(record)
            state.submissions.append(record)
            try state.write(plan.stateFile)   // recorded at once: a later failure never loses a job id
            return id
        }

        var fitDependency: [String] = []
        if plan.fitsOnce && !plan.fitIsSaved {
            if let running = active(.fit).first { fitDependency = [running.job] }
            else { fitDependency = [try submit(.fit, ["--parsable"])] }
        }
        let runningTasks = Set(active(.shards).flatMap(\.tasks))
        let todo = report.filter { !$0.isComplete && !runningTasks.contains($0.shard) }.map(\.shard)
        var shardJobs = Set(active(.shards).map(\.job))
        if !todo.isEmpty {
            var options = ["--parsable", "--array=\(Self.ranges(todo))"]
            if !fitDependency.isEmpty { options += ["--dependency=afterok:\(fitDependency.joined(separator: ":"))", "--kill-on-invalid-dep=yes"] }
            shardJobs.insert(try submit(.shards, options, tasks: todo))
        }
        let everythingDone = report.allSatisfy(\.isComplete)
        if !shardJobs.isEmpty {
            // singleton: a merge of an earlier round still queued runs before this one, never
            // beside it (the store also serialises merges into one file: LeaderboardStore.merge).
            try submit(.merge, ["--parsable", "--dependency=afterany:\(shardJobs.sorted().joined(separator: ":")),singleton"])
        } else if everythingDone, active(.merge).isEmpty, !(try Self.isMerged(plan, contestants: contestants)) {
            try submit(.merge, ["--parsable", "--dependency=singleton"])
        }
        queue = try Self.queue(plan)
        print(Self.describe(plan, report: report, queue: queue, submitted: submitted), terminator: "")
        fflush(stdout)

        guard wait else { return }
        while !(try Self.queue(plan)).filter(\.isActive).isEmpty { Thread.sleep(forTimeInterval: 1) }
        report = try Self.progress(plan, contestants: contestants)
        print(Self.describe(plan, report: report, queue: [], submitted: []), terminator: "")
        let merged = try Self.isMerged(plan, contestants: contestants)
        print(merged ? "Merged: every result is in \(plan.into)."
                     : "Not every result is merged into \(plan.into): run the same command again to resubmit what is missing.")
        if !merged { throw ExitCode(Self.exitIncomplete) }
    }

    // MARK: - Slurm

    static func currentExecutable() throws -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The jobs of this plan in the queue (every state squeue still remembers).
    static func queue(_ plan: SlurmPlan) throws -> [SlurmQueue.Entry] {
        let names = SlurmPlan.Job.allCases.map(plan.jobName).joined(separator: ",")
        let (status, output, error) = try execute("squeue", ["-h", "-t", "all", "--name=\(names)", "-o", SlurmQueue.format])
        guard status == 0 else {
            throw ValidationError("squeue failed (exit \(status)): \(error.trimmingCharacters(in: .whitespacesAndNewlines)). "
                + "Is Slurm reachable from here (SLURM_CONF, munge)?")
        }
        return SlurmQueue.parse(output)
    }

    static func sbatch(_ arguments: [String]) throws -> String {
        let (status, output, error) = try execute("sbatch", arguments)
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ValidationError("sbatch \(arguments.joined(separator: " ")) failed (exit \(status)): "
                + TerminalText.quoted(error.trimmingCharacters(in: .whitespacesAndNewlines) + output, limit: 400))
        }
        return id
    }

    static func execute(_ tool: String, _ arguments: [String]) throws -> (Int32, String, String) {
        guard let path = PathLookup.executable(named: tool) else {
            throw ValidationError("\(tool) is not on PATH: bench slurm needs Slurm's client commands (sbatch, squeue).")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    // MARK: - Progress

    static func progress(_ plan: SlurmPlan, contestants: Int) throws -> [ShardProgress] {
        try (1...plan.shards).map { try plan.shardProgress($0, contestants: contestants) }
    }

    /// Whether the target holds a completed run per contestant on the shards' set manifest.
    static func isMerged(_ plan: SlurmPlan, contestants: Int) throws -> Bool {
        guard FileManager.default.fileExists(atPath: plan.into), FileManager.default.fileExists(atPath: plan.shardDatabase(1)) else {
            return false
        }
        let shard = try LeaderboardStore(path: plan.shardDatabase(1), access: .readOnly)
        guard let hash = try shard.contents().unfinishedRuns.first?.setManifestHash
                ?? shard.latestCompletedRuns().first?.setManifestHash else { return false }
        let target = try LeaderboardStore(path: plan.into, access: .readOnly)
        return try target.latestCompletedRuns().filter { $0.setManifestHash == hash }.count >= contestants
    }

    static func describe(_ plan: SlurmPlan, report: [ShardProgress], queue: [SlurmQueue.Entry],
                         submitted: [SlurmState.Submission]) -> String {
        var lines: [String] = []
        let complete = report.filter(\.isComplete).map(\.shard)
        let runningTasks = Set(queue.filter { $0.name == plan.jobName(.shards) && $0.isActive }.flatMap(\.tasks))
        lines.append("\(plan.work): \(complete.count) of \(plan.shards) shards complete"
            + (runningTasks.isEmpty ? "" : ", \(runningTasks.count) queued or running (\(ranges(runningTasks.sorted())))"))
        if plan.fitsOnce { lines.append("  fit: " + (plan.fitIsSaved ? "saved in \(plan.fitDirectory)" : "not saved yet")) }
        let incomplete = report.filter { !$0.isComplete && !runningTasks.contains($0.shard) }
        if !incomplete.isEmpty {
            lines.append("  incomplete and not queued: shards \(ranges(incomplete.map(\.shard)))"
                + " (e.g. shard \(incomplete[0].shard): \(incomplete[0].recorded) of \(incomplete[0].expected.map(String.init) ?? "?") results; "
                + "log \(plan.shardLog(incomplete[0].shard)))")
        }
        for s in submitted {
            lines.append("  submitted \(s.job.rawValue) job \(s.id)" + (s.tasks.isEmpty ? "" : " (tasks \(ranges(s.tasks)))"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `1-3,5,7-8` for sbatch --array.
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = Array(Set(numbers)).sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
