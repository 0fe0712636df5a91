import ArgumentParser
import Foundation
import Scoring

/// `bench store check`: what the database holds, and whether SQLite finds it sound.
struct StoreCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Print what the database holds, run SQLite's integrity and foreign-key checks and read back every stored value.",
        discussion: """
            Exits with status 1 when the checks find a problem: a damaged page, a dangling
            reference, or a stored value (a scorecard, a run's seeds) that does not read back.
            The database is only read.
            """)

    @OptionGroup var store: DatabaseOptions

    func run() throws {
        let reader = try store.open(.readOnly)
        let c = try reader.contents()
        let runs = RunStatus.allCases.map { "\(c.runs[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        print("""
            database:      \(reader.path)
            schema:        \(try reader.appliedMigrations().joined(separator: ", "))
            challenges:    \(c.challenges)
            set manifests: \(c.setManifests) (\(c.truths) pseudo-experiments)
            submissions:   \(c.submissions)
            runs:          \(runs)
            results:       \(c.results)
            scores:        \(c.scores)
            """)
        for run in c.unfinishedRuns {
            print("unfinished:    run \(run.id) \(run.submission.name) (code \(run.submission.codeHash)) on "
                + "\(run.setManifestHash), \(run.status.rawValue); the next run of it resumes, "
                + "or `bench store fail-run \(run.id)` abandons it")
        }
        let problems = try reader.integrityProblems()
        if problems.isEmpty {
            print("integrity:     ok")
        } else {
            for problem in problems { print("integrity:     \(problem)") }
        }
        // Only worth reading back once SQLite finds the pages sound.
        let unreadable = problems.isEmpty ? try reader.unreadableStoredValues() : []
        if problems.isEmpty { print("stored values: \(unreadable.isEmpty ? "ok" : "\(unreadable.count) do not read back")") }
        for problem in unreadable {
            let remedy = problem.rescorable
                ? "`bench store rescore --database \(reader.path) \(problem.run)` recomputes it"
                : "restore the file from a backup"
            print("unreadable:    \(problem); \(remedy)")
        }
        if !problems.isEmpty {
            Terminal.error("Error: \(reader.path) has \(problems.count) integrity problem(s): restore it from "
                + "a backup, or start a new database with --database.")
            throw ExitCode.failure
        }
        if !unreadable.isEmpty {
            Terminal.error("Error: \(reader.path) holds \(unreadable.count) stored value(s) that do not read back; "
                + "commands that write refuse it until they are repaired (see above).")
            throw ExitCode.failure
        }
    }
}
