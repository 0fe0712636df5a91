import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench export`: one pseudo-experiment of a set directory (or a whole pool) as a CSV or
/// Parquet file, for other tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one pseudo-experiment of a set directory (features only) or a pool as CSV or Parquet.",
        discussion: """
            The rows are the sealed view an estimator gets: the 28 PRI_*/DER_* features in the \
            view's shuffled order, no weights or labels. A set generated without --materialize is \
            regenerated from its pool: pass --pool with the pool file it was drawn from (nothing \
            for the challenge's simulated pool). An output name ending in .parquet (or --format \
            parquet) writes Parquet that pandas.read_parquet reads. Without --sets, --pool FILE \
            --output X.parquet writes the whole pool (features, weights, detailed_labels, labels).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, parquet
    }

    @Option(name: .customLong("sets"), help: "The set directory.")
    var directory: String?

    @Option(help: "Set index (from 0).")
    var set: Int?

    @Option(help: "Pseudo-experiment index within the set (from 0).")
    var pe: Int?

    @Option(help: "Output format: csv or parquet (default: parquet for a name ending in .parquet, else csv).")
    var format: Format?

    @Option(help: "Pool file the set was drawn from, for a set that is not materialized.")
    var pool: String?

    @OptionGroup var data: DataOptions

    @Option(help: "The set's truth file (default DIR.truth.json), for a sealed set that is not materialized.")
    var truths: String?

    @Option(help: "The file to write.")
    var output: String

    private var writesParquet: Bool {
        format.map { $0 == .parquet } ?? output.lowercased().hasSuffix(".parquet")
    }

    func validate() throws {
        if directory == nil {
            guard pool != nil, set == nil, pe == nil else {
                throw ValidationError("Pass --sets DIR --set S --pe P for a pseudo-experiment, or --pool FILE alone for a whole pool.")
            }
            guard writesParquet else { throw ValidationError("A whole pool is exported as Parquet: --output X.parquet.") }
        } else if set == nil || pe == nil {
            throw ValidationError("--sets needs --set and --pe.")
        }
    }

    func run() throws {
        AllocationTuning.reuseLargeBlocks()
        guard let directory, let set, let pe else {
            let source = try EventFile.poolURL(for: URL(fileURLWithPath: pool ?? "")) ?? {
                // A CSV pool: through a temporary pool file.
                let table = try EventFile.readTable(URL(fileURLWithPath: pool ?? ""))
                let temporary = URL(fileURLWithPath: output + ".export-\(ProcessInfo.processInfo.processIdentifier).fuqpool")
                let writer = try PoolWriter(url: temporary)
                try writer.append(table)
                try writer.finish()
                return temporary
            }()
            defer { if source.path.hasPrefix(output + ".export-") { try? FileManager.default.removeItem(at: source) } }
            let rows = try ParquetExport.write(pool: source, to: URL(fileURLWithPath: output))
            print("wrote \(output): the pool's \(rows) rows (features, weights, detailed_labels, labels)")
            return
        }
        let sets = try SetDirectory.open(URL(fileURLWithPath: directory))
        try sets.checkIndices(set: set, pseudoExperiment: pe)
        let view: SealedView
        if sets.isMaterialized {
            view = try sets.materializedView(set: set, pseudoExperiment: pe)
        } else {
            let keys = try sets.keys(truths: truths.map { URL(fileURLWithPath: $0) })
            let part = try data.selections(pool: pool, trainingPool: nil, spec: sets.manifest.spec)?.evaluation
            let prepared = try ChallengePools.evaluation(file: part?.url ?? pool.map { URL(fileURLWithPath: $0) }, for: sets,
                                                         keys: keys, part: part?.part ?? .all, sumWeights: part?.sumWeights)
            view = try sets.generator(pool: prepared, keys: keys).generate(set: set, pseudoExperiment: pe).view
        }
        if writesParquet {
            try ParquetExport.write(view, to: URL(fileURLWithPath: output))
        } else {
            try view.writeCSV(to: URL(fileURLWithPath: output))
        }
        print("wrote \(output): set \(set), pseudo-experiment \(pe), \(view.count) rows")
    }
}
