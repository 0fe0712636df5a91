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

    @Option(name: .customLong("coverage-by-mu"), help: ArgumentHelp(
        "Also print each row's coverage in this many equal-width bins of true mu (0: none).", valueName: "bins"))
    var coverageBins: Int = 0

    @Option(name: .customLong("band-sigmas"), help: "Half-width of the coverage bands of --coverage-by-mu, in sigma68.")
    var bandSigmas: Double = 3

    @Flag(name: .customLong("levels"), help: """
        Also print each row's coverage at every confidence level its estimates report (50%, 68.27%, \
        90%, 95% for the built-in baselines), each against its +-3 sigma binomial band.
        """)
    var levels = false

    @Flag(name: .customLong("robustness"), help: """
        Print the robustness view instead: per submission, score, coverage and width on each nominal \
        challenge and on its variants (challenge specs with an evaluation_shift, run with the same \
        seed and sizes), the change and its paired-bootstrap significance.
        """)
    var robustness = false

    func validate() throws {
        guard replicates >= 2 else { throw ValidationError("--replicates must be at least 2, got \(replicates).") }
        guard confidence > 0, confidence < 1 else {
            throw ValidationError("--confidence must lie strictly between 0 and 1, got \(confidence).")
        }
        guard coverageBins >= 0, coverageBins <= 100 else {
            throw ValidationError("--coverage-by-mu must be between 0 and 100 bins, got \(coverageBins).")
        }
        guard bandSigmas > 0, bandSigmas.isFinite else {
            throw ValidationError("--band-sigmas must be a positive number, got \(bandSigmas).")
        }
        if coverageBins > 0, format != .table {
            throw ValidationError("--coverage-by-mu prints a table: use it with --format table.")
        }
        if levels, format != .table {
            throw ValidationError("--levels prints a table: use it with --format table.")
        }
        if robustness, format != .table || levels || coverageBins > 0 {
            throw ValidationError("--robustness prints its own table: use it without --format, --levels and --coverage-by-mu.")
        }
    }

    func run() throws {
        let reader = try store.open(.readOnly)
        if robustness {
            let views = try RobustnessTable.tables(from: reader, challenge: challenge,
                                                   bootstrap: BootstrapOptions(replicates: replicates, seed: seed),
                                                   confidence: confidence)
            if views.isEmpty {
                print("No nominal challenge\(challenge.map { " named \($0)" } ?? "") in \(reader.path) has completed runs on a variant "
                      + "with paired pseudo-experiments. Run a variant (e.g. bench run --challenge fair-universe-2024-mini-tau-resolution) "
                      + "with the same --seed, --sets and --per-set as the nominal run.")
            }
            print(views.map { $0.rendered() }.joined(separator: "\n"), terminator: "")
            return
        }
        let tables = try LeaderboardTable.tables(
            from: reader, challenge: challenge, bootstrap: BootstrapOptions(replicates: replicates, seed: seed),
            confidence: confidence)
        if tables.isEmpty, format == .table || format == .markdown {
            print("No completed runs\(challenge.map { " of challenge \($0)" } ?? "") in \(reader.path).")
            return
        }
        print(LeaderboardTable.render(tables, as: format), terminator: "")
        for table in tables {
            if levels {
                print("")
                print(table.coverageByLevel(), terminator: "")
            }
            if coverageBins > 0 {
                print("")
                print(try table.coverageByTrueMu(from: reader, bins: coverageBins, bandSigmas: bandSigmas), terminator: "")
            }
        }
    }
}

extension LeaderboardFormat: ExpressibleByArgument {}
