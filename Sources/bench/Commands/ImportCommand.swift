import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench import`: the challenge's Parquet data into a pool file, explicitly.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Parquet event file (the challenge's own data) into a pool file.",
        discussion: """
            Reads the file one row group at a time (memory grows with a row group, not with the \
            file), checks every value (finite features, positive weights, known processes) and \
            writes a pool (datasets-spec/pool-format-v1.md) under a temporary name, renamed when \
            complete: a failed import leaves nothing. --part takes the challenge's split: the \
            evaluation part is the first --test-fraction of rows, the training part the rest. \
            With the metadata file (default: X_metadata.json beside X.parquet) the part's weights \
            are rescaled to its sum_weights, as the challenge does. Commands given a Parquet file \
            directly (--pool, --training-pool, --data) import it once into the cache by themselves.
            """)

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case all, evaluation, training
    }

    @Argument(help: ArgumentHelp("The Parquet file.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("The pool file to write (replaced if it exists).", valueName: "pool"))
    var output: String

    @Option(help: "Which rows: all, evaluation (the first --test-fraction) or training (the rest).")
    var part: Part = .all

    @Option(name: .customLong("test-fraction"), help: "The fraction of rows, from the start, in the evaluation part.")
    var testFraction: Double = 0.3

    @Option(help: ArgumentHelp("The metadata file (sum_weights; default: X_metadata.json beside X.parquet, if there).",
                               valueName: "file"))
    var metadata: String?

    @Flag(name: .customLong("keep-weights"), help: "Keep the file's weights (no rescaling to sum_weights).")
    var keepWeights = false

    func validate() throws {
        try DataOptions.validate(testFraction: testFraction, metadata: metadata, keepWeights: keepWeights)
    }

    func run() throws {
        let source = try DataOptions.parquetFile(input, option: "", otherwise:
            "bench import reads Parquet; pools and CSV files are read as they are by every command.")
        let events = try ParquetEvents(path: source.path)
        let meta = try DataOptions.metadata(of: source, given: metadata, keepWeights: keepWeights, required: false)
        let rows: ParquetEvents.Part
        switch part {
        case .all: rows = .all
        case .evaluation: rows = .evaluation(testFraction: testFraction)
        case .training: rows = .training(testFraction: testFraction)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try ParquetImport.run(source, to: URL(fileURLWithPath: output), part: rows, sumWeights: meta?.sumWeights)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let range = rows.rows(of: events.rowCount)
        print("Imported \(summary.rows) rows (\(rows.name): rows \(range.lowerBound)..<\(range.upperBound) of "
            + "\(events.rowCount), \(summary.rowGroups) row group\(summary.rowGroups == 1 ? "" : "s")) of \(input) "
            + "into \(output) in \(String(format: "%.2f", seconds)) s.")
        if let meta {
            print("Weights rescaled to sum \(meta.sumWeights) (sum_weights of \(meta.file)).")
        } else {
            print("Weights kept as in the file" + (keepWeights ? "." : " (no metadata file found; pass --metadata to rescale)."))
        }
        print("File SHA-256 \(summary.sha256).")
    }
}
