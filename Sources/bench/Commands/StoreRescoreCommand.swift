import ArgumentParser
import Scoring

/// `bench store rescore`: recompute a completed run's stored scores from its stored results.
struct StoreRescoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore",
        abstract: "Recompute a completed run's stored scores from its stored results and truths.",
        discussion: """
            Scores are derived data: every scoring policy the run was scored under is computed
            again, with the bootstrap recorded beside it (a score whose policy no longer reads
            back is replaced by one under the default policy). The repair for a scorecard that
            `bench store check` reports as not reading back; results are not touched.
            """)

    @OptionGroup var store: DatabaseOptions

    @Argument(help: ArgumentHelp("The id of the run (see `bench leaderboard` or `bench store check`).", valueName: "run"))
    var runID: Int64

    func run() throws {
        let writer = try store.open(.readWrite)
        let cards = try writer.rescoreRun(RunID(runID))
        for card in cards {
            let o = card.overall
            print("Run \(runID) in \(writer.path) rescored: score \(o.score), coverage \(o.coverage), "
                + "interval \(o.interval), \(o.failures) failures of \(o.n).")
        }
    }
}
