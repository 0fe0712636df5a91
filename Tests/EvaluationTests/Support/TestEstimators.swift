import Evaluation
import Foundation
import PseudoExperiments

/// Estimators for the runner's tests. None knows a truth: each computes from the view it is
/// given (its row count) or fails on purpose.

/// Counts the rows of the view against the training pool's expected signal and background
/// after cuts: `mu_hat = (n - B) / S`, `p16, p84 = mu_hat -+ sqrt(n) / S`.
struct CountingTestEstimator: Estimator {
    var name = "test-counting"
    /// Counts calls to `fit`, across copies.
    var fits: FitCounter? = nil

    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        fits?.increment()
        var noise = context.rng
        let sums = context.transformedPool(at: .nominal, noise: &noise).weightSums()
        let signal = sums[.htautau] ?? 0
        let background = sums.filter { !$0.key.isSignal }.values.reduce(0, +)
        return Model(signal: signal, background: background)
    }

    struct Model: FittedEstimator {
        var signal: Double
        var background: Double

        func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            let n = Double(view.count)
            let muHat = (n - background) / signal
            let sigma = n.squareRoot() / signal
            return Estimate(interval68: ConfidenceInterval(lower: muHat - sigma, upper: muHat + sigma),
                            muHat: muHat, uncertainty: sigma)
        }
    }
}

final class FitCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// Fails in a chosen way on views with an odd row count, counts otherwise.
struct MisbehavingEstimator: Estimator {
    enum Mode: String { case throwing, nan, infinite, swapped, slow }
    var mode: Mode
    var name: String { "test-\(mode.rawValue)" }

    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        Model(mode: mode, counting: try CountingTestEstimator().fit(&context))
    }

    struct Model: FittedEstimator {
        var mode: Mode
        var counting: any FittedEstimator

        func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            var estimate = try counting.estimate(view, using: &rng)
            guard view.count % 2 == 1 || mode == .slow else { return estimate }
            switch mode {
            case .throwing: throw SampleSetsError(message: "cannot handle \(view.count) rows")
            case .nan: estimate.interval68.lower = .nan
            case .infinite: estimate.interval68.upper = .infinity
            case .swapped: estimate.interval68 = ConfidenceInterval(lower: estimate.interval68.upper,
                                                                    upper: estimate.interval68.lower)
            case .slow: Thread.sleep(forTimeInterval: 0.05)
            }
            return estimate
        }
    }
}

/// A fit that throws.
struct FailingFitEstimator: Estimator {
    var name: String { "test-failing-fit" }
    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        throw SampleSetsError(message: "the training pool is not what I expected")
    }
}

/// Carries information across pseudo-experiments: its interval narrows with every view it
/// has seen (a running count kept in the fitted model), exactly what the challenge forbids.
struct StatefulEstimator: Estimator {
    var name: String { "test-stateful" }
    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        Model(counting: try CountingTestEstimator().fit(&context), seen: FitCounter())
    }

    struct Model: FittedEstimator {
        var counting: any FittedEstimator
        var seen: FitCounter

        func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            seen.increment()
            var estimate = try counting.estimate(view, using: &rng)
            let shrink = 1 / Double(seen.count).squareRoot()
            let centre = estimate.muHat ?? 0
            estimate.interval68 = ConfidenceInterval(lower: centre - shrink, upper: centre + shrink)
            return estimate
        }
    }
}

/// Reports the first output of the generator it is given as `mu_hat` (53 bits), to test the
/// generators the runner hands out.
struct GeneratorProbe: Estimator {
    var name: String { "test-generator-probe" }
    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator { Model() }
    struct Model: FittedEstimator {
        func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
            let first = Double(rng.next() >> 11)
            return Estimate(interval68: ConfidenceInterval(lower: 0, upper: 1), muHat: first)
        }
    }
}

/// An oracle: reports the nuisance values it is told (tes as mu_hat, jes as the uncertainty)
/// next to a counting interval, so tests can see what reached it.
struct NuisanceEcho: OracleEstimator {
    var name: String { "test-oracle" }
    func fit(_ context: inout TrainingContext) throws -> any FittedEstimator {
        Model(counting: try CountingTestEstimator().fit(&context))
    }
    struct Model: FittedOracleEstimator {
        var counting: any FittedEstimator
        func estimate(_ view: SealedView, knowing nuisances: NuisanceValues,
                      using rng: inout SeededGenerator) throws -> Estimate {
            var estimate = try counting.estimate(view, using: &rng)
            estimate.muHat = nuisances.tes
            estimate.uncertainty = nuisances.jes
            return estimate
        }
    }
}
