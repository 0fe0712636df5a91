import Foundation
import TestSupport
import XCTest
import PseudoExperiments
@testable import Baselines

/// Diagnostics for the classifier likelihood (release build; set BASELINES_DIAGNOSE=<toys>).
final class DiagnosticsTests: XCTestCase {
    func testDiagnoseClassifierLikelihood() throws {
        guard let text = ProcessInfo.processInfo.environment["BASELINES_DIAGNOSE"], let toys = Int(text) else {
            throw XCTSkip(SkipLog.record("set BASELINES_DIAGNOSE=<toys>"))
        }
        let spec = BaselineFixture.spec
        let study = try ToyStudy(spec: spec, evaluationPool: SyntheticPool().table(total: 400_000, seed: 12))
        var context = TrainingContext(spec: spec, pool: SyntheticPool().table(total: 60_000, seed: 11), rng: SeededGenerator(seed: 99))
        let (fitted, calibration) = try CalibratedEstimator().fitCalibrated(&context)
        print("CALIBRATION", calibration)
        let likelihood = fitted.likelihood
        print("bins", fitted.binning.binCount, "relvar", likelihood.relativeVariances.map { String(format: "%.4f", $0) })
        print("mu bounds", likelihood.layout.parameters[0])
        var covered = 0, coveredAtOne = 0, count = 0
        var pulls: [Double] = []
        for index in 0..<toys {
            let toy = try study.toy(seed: 31, index: index)
            let observed = try fitted.observed(toy.view)
            do {
                let t = try likelihood.ratio(observed: observed, at: toy.mu)
                count += 1
                if t <= likelihood.threshold { covered += 1 }
                if t <= 1 { coveredAtOne += 1 }
                pulls.append(t)
                _ = try likelihood.interval(observed: observed)
            } catch {
                print("TOY \(index) mu \(toy.mu) nuisances \(toy.nuisances): \(error)")
                let profile = try likelihood.profile(observed: observed)
                let best = try profile.bestFit()
                print("  best", best.point, best.value)
                var warm = best.values
                for mu in stride(from: best.values[0], through: best.values[0] + 1.5, by: 0.1) {
                    let fit = try profile.conditionalFit(at: mu, from: warm)
                    let cold = try profile.conditionalFit(at: mu, from: best.values)
                    print(String(format: "  mu %.2f warm %.4f cold %.4f", mu, fit.value - best.value, cold.value - best.value),
                          fit.point)
                    warm = fit.values
                }
            }
        }
        print("COVERAGE at threshold \(likelihood.threshold): \(Double(covered) / Double(count)); at 1: \(Double(coveredAtOne) / Double(count)) of \(count)")
        let sorted = pulls.sorted()
        print("t quantiles 0.5, 0.6827, 0.9:", sorted[count / 2], sorted[Int(0.6827 * Double(count))], sorted[Int(0.9 * Double(count))])
    }
}
