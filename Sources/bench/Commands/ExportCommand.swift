import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench export`: one pseudo-experiment of a set directory as a CSV file, for other tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one pseudo-experiment of a set directory as CSV (FAIR Universe column names, features only).",
        discussion: """
            The rows are the sealed view an estimator gets: the 28 PRI_*/DER_* features in the \
            view's shuffled order, no weights or labels. A set generated without --materialize is \
            regenerated from its pool: pass --pool with the pool file it was drawn from (nothing \
            for the challenge's simulated pool).
            """)

    @Option(name: .customLong("sets"), help: "The set directory.")
    var directory: String

    @Option(help: "Set index (from 0).")
    var set: Int

    @Option(help: "Pseudo-experiment index within the set (from 0).")
    var pe: Int

    @Option(help: "Pool file the set was drawn from, for a set that is not materialized.")
    var pool: String?

    @OptionGroup var data: DataOptions

    @Option(help: "The set's truth file (default DIR.truth.json), for a sealed set that is not materialized.")
    var truths: String?

    @Option(help: "The CSV file to write.")
    var output: String

    func run() throws {
        AllocationTuning.reuseLargeBlocks()
        let sets = try SetDirectory.open(URL(fileURLWithPath: directory))
        try sets.checkIndices(set: set, pseudoExperiment: pe)
        let view: SealedView
        if sets.isMaterialized {
            view = try sets.materializedView(set: set, pseudoExperiment: pe)
        } else {
            let keys = try sets.keys(truths: truths.map { URL(fileURLWithPath: $0) })
            let part = try data.selections(pool: pool, trainingPool: nil)?.evaluation
            let prepared = try ChallengePools.evaluation(file: part?.url ?? pool.map { URL(fileURLWithPath: $0) }, for: sets,
                                                         keys: keys, part: part?.part ?? .all, sumWeights: part?.sumWeights)
            view = try sets.generator(pool: prepared, keys: keys).generate(set: set, pseudoExperiment: pe).view
        }
        try view.writeCSV(to: URL(fileURLWithPath: output))
        print("wrote \(output): set \(set), pseudo-experiment \(pe), \(view.count) rows")
    }
}
