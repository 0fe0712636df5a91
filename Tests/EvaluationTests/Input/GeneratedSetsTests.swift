import Evaluation
import Foundation
import PseudoExperiments
import Scoring
import XCTest

/// The generator as the runner's source: the generator's truths and views, any order, any thread.
final class GeneratedSetsTests: XCTestCase {
    func testTruthsAndViewsAreTheGenerators() throws {
        let sets = try ReferenceSampleSets(sets: 2, perSet: 3).generated
        XCTAssertEqual(sets.truths.map(\.key), (0..<2).flatMap { s in (0..<3).map { PseudoExperimentKey(setIndex: s, index: $0) } })
        for truth in sets.truths {
            let expected = sets.generator.truth(set: truth.setIndex, pseudoExperiment: truth.index)
            XCTAssertEqual(truth.mu, expected.mu)
            XCTAssertEqual(truth.nuisances, expected.nuisances)
        }
        XCTAssertEqual(Set(sets.truths.map(\.mu)).count, 2, "one mu per set")
        // Views in reverse order and concurrently equal views generated alone.
        let keys = sets.truths.map(\.key).reversed()
        let direct = try keys.map { try sets.generator.generate(set: $0.setIndex, pseudoExperiment: $0.index).view }
        let views = try keys.map { try sets.view(of: $0) }
        XCTAssertEqual(views, direct)
        XCTAssertTrue(views.allSatisfy { $0.count > 1000 && $0.count < 3000 }, "\(views.map(\.count))")
        let concurrent = UnsafeSendableBox(Array<SealedView?>(repeating: nil, count: direct.count))
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: direct.count) { i in
            let v = try? sets.view(of: Array(keys)[i])
            lock.lock(); concurrent.value[i] = v; lock.unlock()
        }
        XCTAssertEqual(concurrent.value, direct)
        XCTAssertThrowsError(try sets.view(of: PseudoExperimentKey(setIndex: 2, index: 0)))
    }
}

final class UnsafeSendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
