import ArgumentParser

/// `bench store`: looking after the leaderboard database itself.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check, upgrade, fill or merge leaderboard databases.",
        subcommands: [
            StoreCheckCommand.self,
            StoreMigrateCommand.self,
            StoreImportResultsCommand.self,
            StoreFailRunCommand.self,
            StoreRescoreCommand.self,
            StoreMergeCommand.self,
        ])
}
