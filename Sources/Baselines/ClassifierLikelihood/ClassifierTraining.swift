import Foundation
import PseudoExperiments

/// Trains the signal-against-background classifier on training rows augmented over nuisance
/// draws.
///
/// The rows are transformed at the nominal nuisances and at `augmentations` draws from the
/// priors (each with its own soft-MET noise), so the classifier sees the events as the
/// pseudo-experiments will show them, whatever their nuisance values, and learns features that
/// separate signal from background across them. Weights: the rows' template weights, rescaled
/// so that signal and background carry the same total (a balanced classifier); the quantiser's
/// cuts come from the nominal transform.
public struct ClassifierTraining: Sendable, Equatable {
    public var trainer: BoostedTreesTrainer
    /// Nuisance draws added to the nominal transform.
    public var augmentations: Int
    /// Feature codes per feature (histogram bins of the trees).
    public var quantiserBins: Int

    public init(trainer: BoostedTreesTrainer = BoostedTreesTrainer(), augmentations: Int = 2, quantiserBins: Int = 64) {
        precondition(augmentations >= 0, "augmentations must be >= 0, got \(augmentations)")
        self.trainer = trainer
        self.augmentations = augmentations
        self.quantiserBins = quantiserBins
    }

    /// The trained classifier on `source`'s rows.
    public func train(source: TemplateSource, spec: ChallengeSpec, using rng: inout SeededGenerator) -> BoostedTrees {
        var shifts = [SystematicShift(spec.drawNuisances(using: &rng))]
        shifts[0] = SystematicShift(NuisanceValues(softMet: shifts[0].softMet))   // nominal scales, a drawn soft MET
        for _ in 0..<augmentations { shifts.append(SystematicShift(spec.drawNuisances(using: &rng))) }
        var codes: [UInt8] = [], labels: [Bool] = [], weights: [Double] = []
        var quantiser: FeatureQuantiser?
        for shift in shifts {
            let events = source.transformed(at: shift, noiseSeed: rng.next())
            if quantiser == nil { quantiser = FeatureQuantiser(events: events, maxBins: quantiserBins) }
            quantiser!.encode(events, into: &codes)
            for s in events.sourceRows {
                let row = Int(s)
                labels.append(source.processCodes[row] == PhysicsProcess.htautau.code)
                weights.append(source.weights[row])
            }
        }
        var totals = [0.0, 0.0]
        for (label, w) in zip(labels, weights) { totals[label ? 1 : 0] += w }
        let balanced = zip(labels, weights).map { label, w in totals[label ? 1 : 0] > 0 ? w / totals[label ? 1 : 0] : 0 }
        return trainer.train(codes: codes, labels: labels, weights: balanced, quantiser: quantiser!, using: &rng)
    }
}
