import ArgumentParser
import Scoring

/// `bench store fail-run`: abandon an unfinished run so that the next one starts afresh.
struct StoreFailRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fail-run",
        abstract: "Mark an unfinished run failed, so that the next run of its submission starts afresh.")

    @OptionGroup var store: DatabaseOptions

    @Argument(help: ArgumentHelp("The id of the run (see `bench store check`).", valueName: "run"))
    var runID: Int64

    func run() throws {
        let writer = try store.open(.readWrite)
        try writer.finishRun(RunID(runID), status: .failed)
        print("Run \(runID) in \(writer.path) is marked failed.")
    }
}
