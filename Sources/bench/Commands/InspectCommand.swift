import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench inspect`: what a pool or CSV event file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the rows, processes, weight sums, feature ranges and metadata of an event file.",
        discussion: """
            FILE is a pool file (recognised by its magic bytes) or a CSV event file (.csv). A pool is \
            read block by block and fully verified (every checksum and value), so a corrupt pool is \
            reported, never summarised. Feature minimum, maximum and mean leave out the undefined \
            marker -25 in the columns that admit it (jets, jet pairs, centralities).
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The pool or CSV event file.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let inspection = try EventFileInspection.inspect(URL(fileURLWithPath: file))
        switch format {
        case .text:
            print(inspection.text(), terminator: "")
        case .json:
            print(String(decoding: try inspection.json(), as: UTF8.self))
        }
    }
}
