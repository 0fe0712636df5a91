import ArgumentParser
import Foundation
import Scoring

/// `bench report`: an HTML report of one submission's scored results, from the store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a submission's latest completed run, or a page comparing several.",
        discussion: """
            The run is the latest completed one of --submission on --challenge; either may be left \
            out when only one run matches. The report shows the score and its bootstrap errors, \
            coverage and width against true mu and each nuisance parameter, coverage at every \
            confidence level (the calibration curve), intervals per set and pulls. With --submission \
            given more than once, or --all, one page compares the submissions on the same \
            pseudo-experiments: leaderboard table, coverage and width against true mu, calibration \
            curves overlaid. Runs are scored by their challenge's spec. The database is only read.
            """)

    @OptionGroup var store: DatabaseOptions

    @Option(help: "The challenge (needed when the database holds several).")
    var challenge: String?

    @Option(name: .customLong("submission"), help: ArgumentHelp(
        "The submission (needed when several submissions ran); repeat it for a comparison page.", valueName: "name"))
    var submissions: [String] = []

    @Flag(help: "A comparison page of every submission that ran on the pseudo-experiments.")
    var all = false

    @Option(help: ArgumentHelp("Where to write the report.", valueName: "file.html"))
    var output: String

    @Option(help: "Bootstrap replicates for the standard errors and histograms.")
    var replicates: Int = 1000

    @Option(help: "Seed of the bootstrap resampling.")
    var seed: UInt64 = 0

    func validate() throws {
        guard replicates >= 2 else { throw ValidationError("--replicates must be at least 2, got \(replicates).") }
        guard !output.isEmpty else { throw ValidationError("--output needs a file path.") }
        if all && !submissions.isEmpty {
            throw ValidationError("--all compares every submission: leave out --submission, or drop --all.")
        }
        if let twice = submissions.first(where: { s in submissions.filter { $0 == s }.count > 1 }) {
            throw ValidationError("--submission \(twice) is given twice.")
        }
    }

    func run() throws {
        let reader = try store.open(.readOnly)
        if all || submissions.count > 1 { return try compare(reader) }
        let run = try reader.latestCompletedRun(challenge: challenge, submission: submissions.first)
        let version = run.submission.version.isEmpty ? "" : " \(run.submission.version)"
        var report = HTMLReport(
            title: "\(run.submission.name)\(version) on \(run.challenge) (sets \(run.setManifestHash), run \(run.id))",
            results: try reader.scoredResults(of: run.id), policy: try reader.scoringPolicy(of: run.id),
            bootstrap: BootstrapOptions(replicates: replicates, seed: seed))
        report.sealed = try reader.isSealed(setManifestHash: run.setManifestHash)
        let url = URL(fileURLWithPath: output)
        try report.write(to: url)
        print("Wrote \(url.path): run \(run.id) of \(run.submission.name) on \(run.challenge).")
    }

    /// The comparison page: the latest completed runs of the named submissions (or all) on one
    /// set of pseudo-experiments.
    private func compare(_ reader: LeaderboardStore) throws {
        var runs = try reader.latestCompletedRuns(challenge: challenge)
        if !submissions.isEmpty {
            let names = Set(runs.map(\.submission.name))
            if let missing = submissions.first(where: { !names.contains($0) }) {
                throw ValidationError("No completed run of submission '\(missing)'\(challenge.map { " on \($0)" } ?? "") in "
                    + "\(reader.path) (completed: \(names.sorted().joined(separator: ", "))).")
            }
            runs = runs.filter { submissions.contains($0.submission.name) }
        }
        let groups = Dictionary(grouping: runs) { "\($0.challenge) (sets \($0.setManifestHash))" }
        guard groups.count == 1, let group = groups.first else {
            throw ValidationError(groups.isEmpty
                ? "No completed runs\(challenge.map { " of challenge \($0)" } ?? "") in \(reader.path)."
                : "The runs lie on different pseudo-experiments (\(groups.keys.sorted().joined(separator: "; "))): "
                    + "a comparison needs one set; pass --challenge or name submissions that ran on the same sets.")
        }
        let chosen = submissions.isEmpty ? group.value.sorted { $0.submission.name < $1.submission.name }
            : submissions.compactMap { name in group.value.first { $0.submission.name == name } }
        guard chosen.count >= 2 else {
            throw ValidationError("A comparison needs at least two submissions; \(group.key) has one. Leave out --all for its report.")
        }
        let first = chosen[0]
        var page = ComparisonReport(
            title: "\(chosen.count) submissions on \(first.challenge) (sets \(first.setManifestHash))",
            entries: try chosen.map {
                ComparisonReport.Entry(name: $0.submission.name, kind: $0.submission.kind.rawValue,
                                       results: try reader.scoredResults(of: $0.id))
            },
            policy: try reader.scoringPolicy(challenge: first.challenge),
            bootstrap: BootstrapOptions(replicates: replicates, seed: seed))
        page.sealed = try reader.isSealed(setManifestHash: first.setManifestHash)
        page.robustness = try RobustnessTable.tables(from: reader, challenge: first.challenge,
                                                     bootstrap: BootstrapOptions(replicates: replicates, seed: seed))
            .first { $0.setManifestHash == first.setManifestHash }
        let url = URL(fileURLWithPath: output)
        try page.write(to: url)
        print("Wrote \(url.path): \(chosen.count) submissions (\(chosen.map(\.submission.name).joined(separator: ", "))) on \(first.challenge).")
    }
}
