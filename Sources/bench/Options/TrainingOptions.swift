import ArgumentParser
import Evaluation
import Foundation
import PseudoExperiments

/// `--training-size` and `--training-seed` of `bench run` and `bench evaluate`: a sample of the
/// training pool, as the challenge's `get_train_set(train_size=...)` gives (``TrainingPool``).
struct TrainingOptions: ParsableArguments {
    @Option(name: .customLong("training-size"), help: ArgumentHelp(
        "Train on a sample of the training pool: N rows, or a fraction such as 0.1 (drawn without replacement, "
            + "weights rescaled so that the sample stands for the whole pool, as the challenge's "
            + "get_train_set(train_size=...) does). Default: the whole pool.",
        valueName: "rows|fraction"))
    var trainingSize: String?

    @Option(name: .customLong("training-seed"), help: ArgumentHelp(
        "With --training-size: the seed of the sample's draw.", valueName: "seed"))
    var trainingSeed: UInt64?

    func validate() throws {
        if let trainingSize, TrainingPool.Size(trainingSize) == nil {
            throw ValidationError("--training-size must be a whole number of rows (at least 1) or a fraction in (0, 1] "
                + "written with a decimal point, such as 0.1; got '\(trainingSize)'.")
        }
        if trainingSize == nil, trainingSeed != nil {
            throw ValidationError("--training-seed goes with --training-size.")
        }
    }

    /// The training pool (``TrainingPool/load(file:spec:part:sumWeights:size:seed:)``).
    func load(file: URL?, spec: ChallengeSpec, part: ParquetEvents.Part, sumWeights: Double?) throws -> EventTable {
        try TrainingPool.load(file: file, spec: spec, part: part, sumWeights: sumWeights,
                              size: trainingSize.flatMap { TrainingPool.Size($0) },
                              seed: trainingSeed ?? TrainingPool.defaultSampleSeed)
    }
}
