import ArgumentParser
import Foundation
import Scoring

/// `bench report`: an HTML report of one submission's scored results, from the store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a submission's latest completed run.",
        discussion: """
            The run is the latest completed one of --submission on --challenge; either may be left \
            out when only one run matches. The report shows the score and its bootstrap errors, \
            coverage and width against true mu and each nuisance parameter, intervals per set and \
            pulls. The database is only read.
            """)

    @OptionGroup var store: DatabaseOptions

    @Option(help: "The challenge (needed when the database holds several).")
    var challenge: String?

    @Option(help: "The submission (needed when several submissions ran).")
    var submission: String?

    @Option(help: ArgumentHelp("Where to write the report.", valueName: "file.html"))
    var output: String

    @Option(help: "Bootstrap replicates for the standard errors and histograms.")
    var replicates: Int = 1000

    @Option(help: "Seed of the bootstrap resampling.")
    var seed: UInt64 = 0

    func validate() throws {
        guard replicates >= 2 else { throw ValidationError("--replicates must be at least 2, got \(replicates).") }
        guard !output.isEmpty else { throw ValidationError("--output needs a file path.") }
    }

    func run() throws {
        let reader = try store.open(.readOnly)
        let run = try reader.latestCompletedRun(challenge: challenge, submission: submission)
        let version = run.submission.version.isEmpty ? "" : " \(run.submission.version)"
        var report = HTMLReport(
            title: "\(run.submission.name)\(version) on \(run.challenge) (sets \(run.setManifestHash), run \(run.id))",
            results: try reader.scoredResults(of: run.id),
            bootstrap: BootstrapOptions(replicates: replicates, seed: seed))
        report.sealed = try reader.isSealed(setManifestHash: run.setManifestHash)
        let url = URL(fileURLWithPath: output)
        try report.write(to: url)
        print("Wrote \(url.path): run \(run.id) of \(run.submission.name) on \(run.challenge).")
    }
}
