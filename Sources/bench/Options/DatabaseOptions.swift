import ArgumentParser
import Foundation
import Scoring

/// `--database PATH` (and its lock timeout), shared by every command that reads or writes the
/// leaderboard store.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The leaderboard database (SQLite file).", valueName: "path"))
    var database: String = LeaderboardStore.defaultRelativePath

    @Option(name: .long, help: ArgumentHelp(
        "Seconds to wait for another process that holds the database's write lock.", valueName: "seconds"))
    var busyTimeout: Double = LeaderboardStore.defaultBusyTimeout

    func validate() throws {
        guard busyTimeout.isFinite, busyTimeout >= 0 else {
            throw ValidationError("--busy-timeout must be a number of seconds >= 0, got \(busyTimeout).")
        }
        guard !database.isEmpty else { throw ValidationError("--database needs a file path.") }
    }

    /// The database path, absolute (relative paths are taken from the working directory).
    var path: String {
        URL(fileURLWithPath: database, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    /// Opens the store.
    func open(_ access: LeaderboardStore.Access) throws -> LeaderboardStore {
        try LeaderboardStore(path: path, access: access, busyTimeout: busyTimeout)
    }
}
