import ArgumentParser
import Foundation
import Scoring

/// `bench score`: scores intervals against true values with the challenge's metric.
struct ScoreCommand: ParsableCommand {
    private static let range = "[\(ScoringPolicy.fairUniverse2024MuRange.lowerBound), "
        + "\(ScoringPolicy.fairUniverse2024MuRange.upperBound)]"

    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score intervals with the challenge's coverage, mean width and penalised score.",
        discussion: """
            Inputs:
              --intervals FILE.csv         rows of mu_true,p16,p84: one pooled score
              --results DIR --truth FILE   the challenge's result_{set}.json files
                                           against its test_settings.json:
                                           per set and overall, with RMSE and MAE

            A missing, NaN or infinite interval is a failure: not covered, and it
            counts the width of the whole mu range \(range). Failures are
            counted and shown.
            """)

    @Option(name: .long, help: ArgumentHelp("A CSV file with columns mu_true,p16,p84.", valueName: "file"))
    var intervals: String?

    @Option(name: .long, help: ArgumentHelp("A directory of the challenge's result_{set}.json files.", valueName: "dir"))
    var results: String?

    @Option(name: .long, help: ArgumentHelp("The challenge's test_settings.json (ground_truth_mus per set).", valueName: "file"))
    var truth: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("With --results: also write the challenge's scores.json here.", valueName: "file"))
    var writeScores: String?

    @Option(name: .long, help: "With --results: bootstrap replicates for standard errors (0: none).")
    var bootstrap: Int = 1000

    @Option(name: .long, help: "With --results: the bootstrap's seed.")
    var seed: UInt64 = 0

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        switch (intervals, results) {
        case (nil, nil):
            throw ValidationError("Pass --intervals FILE.csv, or --results DIR with --truth FILE.")
        case (_?, _?):
            throw ValidationError("Pass either --intervals or --results, not both.")
        case (_?, nil):
            if truth != nil || writeScores != nil {
                throw ValidationError("--truth and --write-scores go with --results; --intervals files carry mu_true themselves.")
            }
        case (nil, _?):
            if truth == nil {
                throw ValidationError("--results needs --truth FILE: the test_settings.json with ground_truth_mus of the same run.")
            }
        }
        if bootstrap < 0 || bootstrap == 1 {
            throw ValidationError("--bootstrap must be 0 (none) or at least 2, got \(bootstrap).")
        }
    }

    /// Library errors (InteropError, ScoringError) say what to do; argument-parser prints them
    /// as "Error: ..." and exits with status 1.
    func run() throws {
        if let intervals {
            try scoreIntervals(URL(fileURLWithPath: intervals))
        } else if let results, let truth {
            try scoreResults(URL(fileURLWithPath: results), truth: URL(fileURLWithPath: truth))
        }
    }

    func scoreIntervals(_ url: URL) throws {
        let metrics = try IntervalTable.read(contentsOf: url).metrics()
        switch format {
        case .text: print(metrics.text, terminator: "")
        case .json:
            print(metrics.json.serialized(indent: 2))
            if metrics.failures > 0 {
                Terminal.error("note: \(metrics.failures) of \(metrics.n) intervals are failures "
                    + "(missing, NaN or infinite): counted as not covered, with the width of the whole mu range.")
            }
        }
    }

    func scoreResults(_ directory: URL, truth: URL) throws {
        let loaded = try ChallengeFiles.readResults(directory: directory, truth: truth)
        let options = bootstrap > 0 ? BootstrapOptions(replicates: bootstrap, seed: seed) : nil
        let card = try Scorecard(results: loaded, bootstrap: options)
        if let writeScores {
            try ChallengeFiles.writeScores(card, to: URL(fileURLWithPath: writeScores))
        }
        switch format {
        case .text: print(card.text, terminator: "")
        case .json: print(card.json.serialized(indent: 2))
        }
    }
}
