import ArgumentParser
import Foundation
import Scoring

/// `bench store import-results`: record a CSV of results as a run, resumably.
struct StoreImportResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-results",
        abstract: "Import a CSV of per-pseudo-experiment results as a run of a submission.",
        discussion: """
            The CSV has the columns set_index,index,p16,p84,runtime_s and optionally \
            mu_hat,uncertainty,p2_5,p97_5,error (see ResultsCSV). The whole file is checked before \
            anything is written; then each result is committed on its own, so an import that is \
            killed is finished by running the same command again. When every pseudo-experiment of \
            the set manifest has a result, the run is completed and scored.
            """)

    @OptionGroup var store: DatabaseOptions

    @Argument(help: ArgumentHelp("The results CSV.", valueName: "file.csv"))
    var file: String

    @Option(help: "The submission's name.")
    var submission: String

    @Option(help: "A hash of the submission's code (a new hash is a new version).")
    var codeHash: String

    @Option(help: "The hash of the set manifest the results are for (registered in the database).")
    var setManifest: String

    @Option(help: "entry, baseline or reference (references are listed without a rank).")
    var kind: Submission.Kind = .entry

    @Option(help: "A human-readable version of the submission.")
    var version: String = ""

    @Option(name: .customLong("seed"), help: ArgumentHelp(
        "A named seed of the run, NAME=VALUE (repeatable).", valueName: "name=value"))
    var seeds: [String] = []

    func validate() throws {
        guard !submission.isEmpty, !codeHash.isEmpty, !setManifest.isEmpty else {
            throw ValidationError("--submission, --code-hash and --set-manifest must not be empty.")
        }
        _ = try namedSeeds()
    }

    func namedSeeds() throws -> [String: UInt64] {
        var named: [String: UInt64] = [:]
        for text in seeds {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = UInt64(parts[1]) else {
                throw ValidationError("--seed '\(text)' is not NAME=VALUE with a whole number 0...2^64-1.")
            }
            guard named.updateValue(value, forKey: parts[0]) == nil else {
                throw ValidationError("--seed names '\(parts[0])' twice.")
            }
        }
        return named
    }

    func run() throws {
        let csv = try ResultsCSV.read(contentsOf: URL(fileURLWithPath: file))
        let writer = try store.open(.readWrite)
        try writer.requireReadableStoredValues()
        let summary = try writer.importResults(
            csv.outcomes, submission: Submission(name: submission, kind: kind, version: version, codeHash: codeHash),
            setManifestHash: setManifest, seeds: try namedSeeds())
        var text = "Run \(summary.run) (\(summary.resumed ? "resumed" : "new")) in \(writer.path): "
            + "\(summary.recorded) results recorded, \(summary.alreadyRecorded) already there; "
        text += summary.completed
            ? "the run is completed and scored."
            : "\(summary.missing) pseudo-experiments still have no result; import them to complete the run."
        print(text)
    }
}

extension Submission.Kind: ExpressibleByArgument {}
