import ArgumentParser
import Scoring

/// `bench leaderboard`: the ranked submissions of each challenge, from the store.
struct LeaderboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Print the leaderboard: rank, submission, score with its error, coverage, width, "
            + "failures and run time.",
        discussion: """
            One table per challenge and set of pseudo-experiments, from the latest completed run of \
            each submission. Rank neighbours ran on the same pseudo-experiments and are compared by a \
            paired bootstrap of their score difference; 'n.s.' marks a difference that is not \
            significant. Reference submissions (oracle, null baseline) are listed without a rank. \
            The database is only read.
            """)

    @OptionGroup var store: DatabaseOptions

    @Option(help: "Only this challenge.")
    var challenge: String?

    @Option(help: "Output format: table, markdown, csv or json.")
    var format: LeaderboardFormat = .table

    @Option(help: "Bootstrap replicates for score errors and neighbour comparisons.")
    var replicates: Int = 1000

    @Option(help: "Seed of the bootstrap resampling.")
    var seed: UInt64 = 0

    @Option(help: "Confidence level of the neighbour-difference intervals.")
    var confidence: Double = 0.95

    func validate() throws {
        guard replicates >= 2 else { throw ValidationError("--replicates must be at least 2, got \(replicates).") }
        guard confidence > 0, confidence < 1 else {
            throw ValidationError("--confidence must lie strictly between 0 and 1, got \(confidence).")
        }
    }

    func run() throws {
        let reader = try store.open(.readOnly)
        let tables = try LeaderboardTable.tables(
            from: reader, challenge: challenge, bootstrap: BootstrapOptions(replicates: replicates, seed: seed),
            confidence: confidence)
        if tables.isEmpty, format == .table || format == .markdown {
            print("No completed runs\(challenge.map { " of challenge \($0)" } ?? "") in \(reader.path).")
            return
        }
        print(LeaderboardTable.render(tables, as: format), terminator: "")
    }
}

extension LeaderboardFormat: ExpressibleByArgument {}
