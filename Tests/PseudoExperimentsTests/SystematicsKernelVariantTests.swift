import Foundation
import XCTest
@testable import PseudoExperiments

/// The transform kernel's variants (baseline instructions, AVX2, AVX-512) must give the same bits: the
/// CPU a pseudo-experiment is generated on must not change it. Compared on simulated events
/// (many more distinct rows than the reference sample), at extreme and ordinary nuisance values,
/// for batch sizes that end inside a vector and span several kernel chunks.
final class SystematicsKernelVariantTests: XCTestCase {
    func testVariantsGiveIdenticalBits() throws {
        let table = try EventSimulator.table(try SimulationPlan.unitYields(seed: 11, events: 12_000), workers: 1)
        let prepared = PreparedEvents(table)
        var pick = SeededGenerator(seed: 3)
        let shifts = [
            SystematicShift(tes: 1, jes: 1, softMet: 0, applyCuts: true),
            SystematicShift(tes: 0.9, jes: 1.1, softMet: 3, applyCuts: true),
            SystematicShift(tes: 1.1, jes: 0.9, softMet: 0.5, applyCuts: false),
            SystematicShift(tes: 0.97, jes: 1.03, softMet: 0, applyCuts: false),
        ]
        for (k, size) in [1, 7, 8, 9, 2047, 2048, 2049, 9_999].enumerated() {
            let batch = prepared.gather((0..<size).map { _ in Int32(pick.nextInt(below: prepared.count)) })
            let shift = shifts[k % shifts.count]
            var outputs: [(TransformedEvents, UInt64)] = []
            for variant in [TransformKernel.Variant.baseline, .avx2, .avx512] {
                var noise = SeededGenerator(seed: 40 + UInt64(k))
                var out = TransformedEvents()
                batch.apply(shift, noise: &noise, into: &out, prefetching: nil, variant: variant)
                outputs.append((out, noise.next()))
            }
            let a = outputs[0].0
            for (v, (b, state)) in outputs.enumerated().dropFirst() {
                XCTAssertEqual(a.count, b.count, "rows kept, batch of \(size), variant \(v)")
                XCTAssertEqual(Array(a.sourceRows), Array(b.sourceRows), "source rows, batch of \(size), variant \(v)")
                XCTAssertEqual(outputs[0].1, state, "generator state after the noise, batch of \(size), variant \(v)")
                for f in Feature.allCases {
                    let differing = zip(a.column(f), b.column(f)).filter { $0.bitPattern != $1.bitPattern }
                    XCTAssertEqual(differing.count, 0, "\(f.rawValue), batch of \(size), \(shift), variant \(v): first \(differing.prefix(3))")
                }
            }
        }
    }

    func testTheAutomaticVariantIsOneOfTheOthers() {
        XCTAssertTrue([.baseline, .avx2, .avx512].contains(TransformKernel.Variant.best))
    }
}
