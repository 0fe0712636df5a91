import ArgumentParser
import Foundation
import PseudoExperiments

/// `--data FILE` (the challenge's own data, usually Parquet) with its split and rescaling,
/// shared by `run`, `generate` and `evaluate`: the evaluation pool is the file's first
/// `--test-fraction` of rows, the training pool the rest, each part's weights rescaled to the
/// metadata's `sum_weights`, as the challenge's ingestion does.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The challenge's own data (a Parquet file such as FAIR_Universe_HiggsML_data.parquet): the evaluation "
            + "pool is its first --test-fraction of rows, the training pool the rest. Instead of --pool and --training-pool.",
        valueName: "file"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --data: its metadata (sum_weights; default: X_metadata.json beside X.parquet).", valueName: "file"))
    var metadata: String?

    @Option(name: .customLong("test-fraction"), help: "With --data: the fraction of rows, from the start, that is the evaluation part.")
    var testFraction: Double = 0.3

    @Flag(name: .customLong("keep-weights"), help: "With --data: keep the file's weights (no rescaling to sum_weights).")
    var keepWeights = false

    func validate() throws {
        guard testFraction > 0, testFraction < 1 else {
            throw ValidationError("--test-fraction must be between 0 and 1 (exclusive), got \(testFraction).")
        }
        if data == nil, metadata != nil || keepWeights || testFraction != 0.3 {
            throw ValidationError("--metadata, --test-fraction and --keep-weights go with --data FILE.")
        }
        if metadata != nil, keepWeights {
            throw ValidationError("--metadata rescales the weights and --keep-weights keeps them: pass one of them.")
        }
    }

    /// One part of the data file.
    struct Selection {
        var url: URL
        var part: ParquetEvents.Part
        var sumWeights: Double?
    }

    /// The evaluation and training parts of `--data`, nil without it; `pool` and `trainingPool`
    /// (the other options) must then be absent.
    func selections(pool: String?, trainingPool: String?) throws -> (evaluation: Selection, training: Selection)? {
        guard let data else { return nil }
        if pool != nil || trainingPool != nil {
            throw ValidationError("--data gives both pools: leave out --pool and --training-pool.")
        }
        let url = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("--data \(data): no such file.")
        }
        guard EventFile.format(of: url) == .parquet else {
            throw ValidationError("--data \(data) is not a Parquet file (it does not start with PAR1). Pass a pool "
                + "or CSV file as --pool and --training-pool instead.")
        }
        var sumWeights: Double?
        if !keepWeights {
            guard let metaURL = metadata.map({ URL(fileURLWithPath: $0) }) ?? FairUniverseMetadata.beside(url) else {
                throw DataImportError.noMetadata(data: data,
                    expected: url.deletingPathExtension().lastPathComponent + "_metadata.json")
            }
            let meta = try FairUniverseMetadata.load(metaURL)
            try meta.check(rows: try ParquetEvents(path: url.path).rowCount, of: data)
            sumWeights = meta.sumWeights
        }
        return (Selection(url: url, part: .evaluation(testFraction: testFraction), sumWeights: sumWeights),
                Selection(url: url, part: .training(testFraction: testFraction), sumWeights: sumWeights))
    }
}
