import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

final class BoostedTreesTests: XCTestCase {
    /// Rows whose label is `lep_pt + had_pt > 100` with 10% label noise.
    func problem(rows: Int, seed: UInt64) -> (table: EventTable, labels: [Bool]) {
        var rng = SeededGenerator(seed: seed)
        var table = EventTable()
        var labels: [Bool] = []
        for _ in 0..<rows {
            var features = [Float](repeating: 0, count: Feature.allCases.count)
            for f in features.indices { features[f] = Float(rng.nextDouble(in: 0, 100)) }
            let truth = features[Feature.lepPt.index] + features[Feature.hadPt.index] > 100
            labels.append(rng.nextUnitDouble() < 0.9 ? truth : !truth)
            table.append(features: features, weight: 1, process: .ztautau)
        }
        return (table, labels)
    }

    func testLearnsASeparableRuleAndScoresRawValuesAsItTrainedOnCodes() {
        let (train, labels) = problem(rows: 4000, seed: 1)
        let quantiser = FeatureQuantiser(events: train, maxBins: 32)
        var codes: [UInt8] = []
        quantiser.encode(train, into: &codes)
        var rng = SeededGenerator(seed: 2)
        let model = BoostedTreesTrainer(trees: 40, depth: 3).train(codes: codes, labels: labels,
                                                                   weights: [Double](repeating: 1, count: labels.count),
                                                                   quantiser: quantiser, using: &rng)
        XCTAssertEqual(model.treeCount, 40)
        let (test, testLabels) = problem(rows: 2000, seed: 3)
        let scores = model.scores(test)
        let correct = zip(scores, testLabels).filter { ($0 > 0) == $1 }.count
        // 10% label noise caps accuracy at 0.9; the rule itself is learnt to a few percent.
        XCTAssertGreaterThan(Double(correct) / 2000, 0.84)
        // Same seed, same model.
        var again = SeededGenerator(seed: 2)
        XCTAssertEqual(BoostedTreesTrainer(trees: 40, depth: 3).train(codes: codes, labels: labels,
                                                                      weights: [Double](repeating: 1, count: labels.count),
                                                                      quantiser: quantiser, using: &again), model)
    }

    func testQuantiserCodesAgreeWithThresholds() {
        let (table, _) = problem(rows: 500, seed: 4)
        let quantiser = FeatureQuantiser(events: table, maxBins: 16)
        let f = Feature.met.index
        let t = quantiser.thresholds[f]
        XCTAssertLessThanOrEqual(t.count, 15)
        for x in table.column(.met) {
            let code = Int(quantiser.code(x, feature: f))
            for k in t.indices { XCTAssertEqual(code <= k, x <= t[k]) }
        }
    }

    func testClassifierSeparatesSignalInTheFixture() throws {
        let fitted = FittedFixture.classifier
        // Templates: the highest score bins hold relatively more signal than the lowest.
        let processes = fitted.likelihood.model.processes
        let signal = processes.first { $0.name == "htautau" }!.template
        let background = processes.filter { $0.name != "htautau" }.map(\.template)
            .reduce([Double](repeating: 0, count: signal.count)) { zip($0, $1).map(+) }
        let purity = zip(signal, background).map { $0 / ($0 + $1) }
        XCTAssertGreaterThan(purity.last!, 3 * purity.first!, "\(purity)")
    }
}
