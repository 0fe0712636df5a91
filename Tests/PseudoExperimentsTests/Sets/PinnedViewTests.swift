import Foundation
import XCTest
@testable import PseudoExperiments

/// Pins the bytes of generated pseudo-experiments and transformed batches to digests recorded
/// before the generator wrote views in place and before the kernel's output stores changed: a
/// speed-up must not move a single bit (the set-directory and plugin files depend on them).
final class PinnedViewTests: XCTestCase {
    /// SHA-256 of the provenance's pool rows (Int32 little-endian) then process codes.
    private func provenanceDigest(_ pe: GeneratedPseudoExperiment) -> String {
        var h = SHA256()
        pe.provenance.poolRows.withUnsafeBytes { h.update($0) }
        pe.provenance.processCodes.withUnsafeBytes { h.update($0) }
        return h.finalize().hex
    }

    /// Views, view files and provenance of pseudo-experiments of the mini challenge (each spans
    /// ~40 tiles of 256 rows, soft MET and cuts on).
    func testGeneratedViewsKeepTheirDigests() throws {
        let g = SetsFixtures.generator()
        var got: [String] = []
        for (s, p) in [(0, 0), (1, 2), (3, 5)] {
            let pe = try g.generate(set: s, pseudoExperiment: p)
            got.append("\(s)/\(p) \(pe.view.count) \(ViewFile.valuesSHA256(pe.view)) "
                       + "\(SHA256.hash(ViewFile.encode(pe.view)).hex) \(provenanceDigest(pe))")
        }
        XCTAssertEqual(got, Self.generated, "digests now:\n\(got.joined(separator: "\n"))")
    }

    /// The transform alone, on a gathered batch with repeats, for the kernel's four paths (soft
    /// MET on or off, cuts on or off), with each kernel variant (a variant the CPU lacks runs as
    /// the best one it has).
    func testTransformedBatchesKeepTheirDigests() throws {
        let prepared = PreparedEvents(SetsFixtures.sampleTable)
        var rng = SeededGenerator(seed: 99)
        let batch = prepared.gather((0..<5003).map { _ in Int32(rng.nextInt(below: prepared.count)) })
        for variant in TransformKernel.Variant.allCases {
            var got: [String] = []
            for (softMet, cuts) in [(0.0, false), (0.0, true), (2.5, false), (2.5, true)] {
                var noise = SeededGenerator(seed: 7)
                var out = TransformedEvents()
                batch.apply(SystematicShift(tes: 1.021, jes: 0.987, softMet: softMet, applyCuts: cuts), noise: &noise,
                            into: &out, prefetching: nil, variant: variant)
                var h = SHA256()
                for f in Feature.allCases { Array(out.column(f)).withUnsafeBytes { h.update($0) } }
                Array(out.sourceRows).withUnsafeBytes { h.update($0) }
                got.append("\(softMet) \(cuts) \(out.count) \(h.finalize().hex)")
            }
            XCTAssertEqual(got, Self.transformed, "\(variant) digests now:\n\(got.joined(separator: "\n"))")
        }
    }

    static let generated = [
        "0/0 9623 16cfe999e1e5d7c08cfd7054cc72628d1b6c2f5cb8a17297b1cbfda47dc117a7 19b1ff4b1db03bfa3eb7cca73018d31e4aa47411b360fceae1aecd22f3450548 6a4c574baa6b5e940107caefb629cc7c80c71c2344239fa7f2a28d59275bd2cf",
        "1/2 9654 a48a3250501635524677b529eeb5119258810adc6c11f0cb395bca4fb07f25a8 3cf5ed95dbaf6248e17e12292bcbd2d9fa6f4259e04b5d4c1f51fbf57e0d9dd1 044ef7c69430911547ff3333364563214d0edea4113d8b916e1cbfa38745f2a6",
        "3/5 9557 65fb2a38765a7ce5e366adce128ead993ddcdd9e9414027e77348246d83c44ea c1b16e7e89676d9fedff55833785adb926728f5bbd3d2cffc4f4c91bdc6ef0f9 54fc59bdff1e6d76376413ede80bb05d4a251daa914994ed6df22b4b4b5e16bd",
    ]
    static let transformed = [
        "0.0 false 5003 53a22c6efaf02b1919edcbe3e97dc6312a567045f47dab5e0467f7fcbcaa3bbe",
        "0.0 true 4730 cc25876ec66b31466554fa9d44e04102537026315ffff78dc35c3e1a09c2e0ac",
        "2.5 false 5003 ab782206c2d80baab246944a29ed4063ffacdf2363a495091b8aed0f0e28660f",
        "2.5 true 4730 d20ab209a530e234a636c0947b0c837608c98040cfde53499482079a220d4d6b",
    ]
}
