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

    @Option(name: .customLong("test-fraction"), help: ArgumentHelp(
        "With --data: the fraction of rows, from the start, that is the evaluation part "
            + "(default: the challenge's pools.data.test_fraction, else \(DataOptions.defaultTestFraction)).",
        valueName: "fraction"))
    var testFraction: Double?

    /// The challenge's `test_size`.
    static let defaultTestFraction = 0.3

    @Flag(name: .customLong("keep-weights"), help: "With --data: keep the file's weights (no rescaling to sum_weights).")
    var keepWeights = false

    func validate() throws {
        try Self.validate(testFraction: testFraction ?? Self.defaultTestFraction, metadata: metadata, keepWeights: keepWeights)
        if data == nil, metadata != nil || keepWeights || testFraction != nil {
            throw ValidationError("--metadata, --test-fraction and --keep-weights go with --data FILE.")
        }
    }

    /// The checks of the split and rescaling options, shared with `bench import`.
    static func validate(testFraction: Double, metadata: String?, keepWeights: Bool) throws {
        guard testFraction > 0, testFraction < 1 else {
            throw ValidationError("--test-fraction must be between 0 and 1 (exclusive), got \(testFraction).")
        }
        if metadata != nil, keepWeights {
            throw ValidationError("--metadata rescales the weights and --keep-weights keeps them: pass one of them.")
        }
    }

    /// The Parquet file at `path`, refused (saying what to pass instead) when absent or not Parquet.
    static func parquetFile(_ path: String, option: String, otherwise: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("\(option)\(path): no such file.")
        }
        guard EventFile.format(of: url) == .parquet else {
            throw ValidationError("\(option)\(path) is not a Parquet file (it does not start with PAR1). \(otherwise)")
        }
        return url
    }

    /// The metadata of the Parquet file `data` (given, or found beside it), checked against
    /// its rows; nil with `keepWeights`, or when none is given or found and it is not `required`.
    /// `named` is a further name looked for beside it (a challenge's `metadata_file_name`).
    static func metadata(of data: URL, given: String?, keepWeights: Bool, required: Bool,
                         named: String? = nil) throws -> FairUniverseMetadata? {
        guard !keepWeights else { return nil }
        let specNamed = named.map { data.deletingLastPathComponent().appendingPathComponent($0) }
            .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
        guard let url = given.map({ URL(fileURLWithPath: $0) }) ?? FairUniverseMetadata.beside(data) ?? specNamed else {
            guard required else { return nil }
            throw DataImportError.noMetadata(data: data.path,
                                             expected: data.deletingPathExtension().lastPathComponent + "_metadata.json")
        }
        let meta = try FairUniverseMetadata.load(url)
        try meta.check(rows: try ParquetEvents(path: data.path).rowCount, of: data.path)
        return meta
    }

    /// One part of the data file.
    struct Selection {
        var url: URL
        var part: ParquetEvents.Part
        var sumWeights: Double?
    }

    /// The evaluation and training parts of `--data`, nil without it; `pool` and `trainingPool`
    /// (the other options) must then be absent. The split and the metadata's name default to
    /// `spec`'s `pools.data` where it has one.
    func selections(pool: String?, trainingPool: String?, spec: ChallengeSpec) throws -> (evaluation: Selection, training: Selection)? {
        guard let data else { return nil }
        let testFraction = testFraction ?? spec.pools.data?.testFraction ?? Self.defaultTestFraction
        if pool != nil || trainingPool != nil {
            throw ValidationError("--data gives both pools: leave out --pool and --training-pool.")
        }
        let url = try Self.parquetFile(data, option: "--data ",
                                       otherwise: "Pass a pool or CSV file as --pool and --training-pool instead.")
        let sumWeights = try Self.metadata(of: url, given: metadata, keepWeights: keepWeights, required: true,
                                           named: spec.pools.data?.metadataFileName)?.sumWeights
        return (Selection(url: url, part: .evaluation(testFraction: testFraction), sumWeights: sumWeights),
                Selection(url: url, part: .training(testFraction: testFraction), sumWeights: sumWeights))
    }
}
