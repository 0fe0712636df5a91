import ArgumentParser
import Scoring

/// `bench store migrate`: bring an older database to this build's schema.
struct StoreMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations this build knows to an existing database.")

    @OptionGroup var store: DatabaseOptions

    func run() throws {
        let writer = try store.open(.readWrite)   // opening applies the missing migrations
        print("\(writer.path): schema \(try writer.appliedMigrations().joined(separator: ", "))")
    }
}
