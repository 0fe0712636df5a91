import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import TestSupport

/// Pseudo-experiments drawn from the FAIR Universe reference sample (1000 real events) for the
/// runner's tests: odd rows are the evaluation pool, even rows the training pool, each process
/// reweighted to small test yields; truths, draws, soft-MET noise and row order from the
/// documented seed streams of `SeedDerivation`, on the `fair-universe-2024-mini` spec.
///
/// Counts the views it generates (``generatedViews``) and can raise an interrupt after a given
/// number of them, so tests can watch the runner's work and stop it midway.
final class ReferenceSampleSets: PseudoExperimentSource, @unchecked Sendable {
    let spec: ChallengeSpec
    let setManifestHash: String
    let rootSeed: UInt64
    let truths: [PseudoExperimentTruth]
    let trainingPool: EventTable
    let trainingPoolHash: String
    private let evaluationPool: PreparedEvents
    private let sampler: PoolSampler
    private let counter = NSLock()
    private var views = 0
    /// Raised once ``generatedViews`` reaches `interruptAfter`.
    var interruption: (flag: InterruptFlag, after: Int)?

    /// Expected events per process at mu = 1 in one pseudo-experiment.
    static let yields: [PhysicsProcess: Double] = [.htautau: 300, .ztautau: 1500, .ttbar: 150, .diboson: 50]

    init(sets: Int = 2, perSet: Int = 3, rootSeed: UInt64 = 11) throws {
        spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        self.rootSeed = rootSeed
        let sample = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        let evaluation = Self.reweighted(sample.rows(Array(stride(from: 1, to: sample.count, by: 2))))
        trainingPool = Self.reweighted(sample.rows(Array(stride(from: 0, to: sample.count, by: 2))))
        trainingPoolHash = "reference-sample-even-rows"
        setManifestHash = "reference-sample-\(sets)x\(perSet)-seed\(rootSeed)"
        evaluationPool = PreparedEvents(evaluation)
        sampler = try PoolSampler(pool: evaluation)
        var truths: [PseudoExperimentTruth] = []
        for set in 0..<sets {
            var muRNG = SeedDerivation.generator(rootSeed, .setTruth, set)
            let mu = spec.drawMu(using: &muRNG)
            for pe in 0..<perSet {
                var rng = SeedDerivation.generator(rootSeed, .nuisances, set, pe)
                truths.append(PseudoExperimentTruth(setIndex: set, index: pe, mu: mu,
                                                    nuisances: spec.drawNuisances(using: &rng)))
            }
        }
        self.truths = truths
    }

    /// Each process's weights scaled so that they sum to its test yield.
    static func reweighted(_ table: EventTable) -> EventTable {
        var out = table
        let sums = table.weightSums()
        for i in 0..<out.count {
            let process = table.process(at: i)
            out.weights[i] = Float(Double(table.weights[i]) * (yields[process] ?? 0) / (sums[process] ?? 1))
        }
        return out
    }

    var generatedViews: Int { counter.lock(); defer { counter.unlock() }; return views }

    func view(of key: PseudoExperimentKey) throws -> SealedView {
        counter.lock()
        views += 1
        let n = views
        counter.unlock()
        if let interruption, n >= interruption.after { interruption.flag.raise() }

        guard let truth = truths.first(where: { $0.key == key }), let nuisances = truth.nuisances else {
            throw SampleSetsError(message: "no pseudo-experiment \(key)")
        }
        let rows = try sampler.draw(mu: truth.mu, nuisances: nuisances, root: rootSeed, set: key.setIndex,
                                    pseudoExperiment: key.index)
        var noise = SeedDerivation.generator(rootSeed, .softMet, key.setIndex, key.index)
        let events = evaluationPool.gather(rows).applying(SystematicShift(nuisances), noise: &noise)
        var order = Array(0..<events.count)
        var shuffle = SeedDerivation.generator(rootSeed, .shuffle, key.setIndex, key.index)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, shuffle.nextInt(below: i + 1)) }
        var values: [Float] = []
        values.reserveCapacity(Feature.allCases.count * events.count)
        for feature in Feature.allCases {
            let column = events.column(feature)
            values.append(contentsOf: order.map { column[column.startIndex + $0] })
        }
        return SealedView(count: events.count, columnMajor: values)
    }
}

struct SampleSetsError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
