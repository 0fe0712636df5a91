import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import TestSupport

/// Pseudo-experiments drawn from the FAIR Universe reference sample (1000 real events) for the
/// runner's tests, by the real generator (``GeneratedSets``) on the `fair-universe-2024-mini`
/// spec: odd rows are the evaluation pool, even rows the training pool, each process
/// reweighted to small test yields.
///
/// Counts the views it generates (``generatedViews``) and can raise an interrupt after a given
/// number of them, so tests can watch the runner's work and stop it midway.
final class ReferenceSampleSets: PseudoExperimentSource, @unchecked Sendable {
    let generated: GeneratedSets
    private let counter = NSLock()
    private var views = 0
    /// Raised once ``generatedViews`` reaches `after`.
    var interruption: (flag: InterruptFlag, after: Int)?

    /// Expected events per process at mu = 1 in one pseudo-experiment of the mini spec.
    static let yields: [PhysicsProcess: Double] = [.htautau: 300, .ztautau: 1500, .ttbar: 150, .diboson: 50]

    /// `spec`: the mini challenge's unless given (a copy with other parameters, say).
    init(sets: Int = 2, perSet: Int = 3, rootSeed: UInt64 = 11, spec given: ChallengeSpec? = nil) throws {
        let spec = try given ?? ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        // Pool weights are quoted at the yields' luminosity; the generator scales them to the spec's.
        let scale = spec.yields.referenceLuminosity / spec.luminosity
        let sample = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        let evaluation = Self.reweighted(sample.rows(Array(stride(from: 1, to: sample.count, by: 2))), scale: scale)
        let training = Self.reweighted(sample.rows(Array(stride(from: 0, to: sample.count, by: 2))), scale: scale)
        let generator = PseudoExperimentGenerator(spec: spec, pool: try PreparedPool(evaluation), seed: rootSeed)
        generated = GeneratedSets(generator: generator, sets: sets, pseudoExperimentsPerSet: perSet,
                                  setManifestHash: "reference-sample-\(sets)x\(perSet)-seed\(rootSeed)",
                                  trainingPool: training, trainingPoolHash: "reference-sample-even-rows")
    }

    /// Each process's weights scaled so that they sum to its test yield times `scale`.
    static func reweighted(_ table: EventTable, scale: Double) -> EventTable {
        var out = table
        let sums = table.weightSums()
        for i in 0..<out.count {
            let process = table.process(at: i)
            out.weights[i] = Float(Double(table.weights[i]) * (yields[process] ?? 0) * scale / (sums[process] ?? 1))
        }
        return out
    }

    var spec: ChallengeSpec { generated.spec }
    var setManifestHash: String { generated.setManifestHash }
    var rootSeed: UInt64 { generated.rootSeed }
    var truths: [PseudoExperimentTruth] { generated.truths }
    var trainingPool: EventTable { generated.trainingPool }
    var trainingPoolHash: String { generated.trainingPoolHash }

    var generatedViews: Int { counter.lock(); defer { counter.unlock() }; return views }

    func view(of key: PseudoExperimentKey) throws -> SealedView {
        counter.lock()
        views += 1
        let n = views
        counter.unlock()
        if let interruption, n >= interruption.after { interruption.flag.raise() }
        return try generated.view(of: key)
    }
}

struct SampleSetsError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
