import XCTest
import Foundation
@testable import PseudoExperiments

/// The conformance tolerances of FEATURES.md ("Precision of the reference") as assertions.
///
/// The reference computes in float32, so:
/// - PRI values agree to one unit of the third decimal: `|a - b| <= 1e-3` (plus float32 spacing).
/// - The five features that are square roots of differences of large squares
///   (`DER_mass_transverse_met_lep`, `DER_mass_vis`, `DER_mass_jet_jet`, `DER_pt_h`,
///   `DER_pt_tot`) agree on the square: `|a^2 - b^2| <= 4e-7 S^2`, with `S` the event's summed
///   `|p| = pt cosh(eta)` of the tau, the lepton and the jets present, plus the MET.
/// - Every other DER feature agrees to `|a - b| <= 1e-4 max(1, |b|)` (relative, absolute near 0).
enum DerivedFeatureTolerance {
    static let squareFeatures: Set<Feature> = [.massTransverseMetLep, .massVis, .massJetJet, .ptH, .ptTot]
    static let priTolerance: Float = 1e-3
    static let squareTolerance = 4e-7
    static let relativeTolerance = 1e-4

    /// The event's summed energies `S` (row `row` of `t`).
    static func summedEnergy(_ t: EventTable, _ row: Int) -> Double {
        func p(_ pt: Feature, _ eta: Feature) -> Double {
            let v = Double(t[pt][row])
            return v > 0 ? v * cosh(Double(t[eta][row])) : 0
        }
        return p(.hadPt, .hadEta) + p(.lepPt, .lepEta) + p(.jetLeadingPt, .jetLeadingEta)
            + p(.jetSubleadingPt, .jetSubleadingEta) + Double(t[.met][row])
    }

    /// Asserts that the DER columns of `actual` match `reference` row by row.
    static func assertMatches(_ actual: EventTable, _ reference: EventTable, sourceRows: [Int],
                              file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(actual.count, reference.count, "row counts", file: file, line: line)
        guard actual.count == reference.count else { return }
        var failures = 0
        for f in Feature.derived {
            let a = actual[f], b = reference[f]
            for r in 0..<actual.count {
                let x = Double(a[r]), y = Double(b[r])
                let ok: Bool
                let bound: Double
                if squareFeatures.contains(f) && y != Double(Feature.undefined) {
                    let s = summedEnergy(reference, r)
                    bound = squareTolerance * s * s
                    ok = abs(x * x - y * y) <= bound
                } else {
                    bound = relativeTolerance * max(1, abs(y))
                    ok = abs(x - y) <= bound
                }
                if !ok {
                    failures += 1
                    if failures <= 20 {
                        XCTFail("\(f.rawValue), source row \(sourceRows[r]): got \(a[r]), reference \(b[r]) (bound \(bound))",
                                file: file, line: line)
                    }
                }
            }
        }
    }

    /// Asserts that the PRI columns of `actual` match `reference` to one unit of the third decimal.
    static func assertPrimariesMatch(_ actual: EventTable, _ reference: EventTable, sourceRows: [Int],
                                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, reference.count, "row counts", file: file, line: line)
        guard actual.count == reference.count else { return }
        var failures = 0
        for f in Feature.primary {
            let a = actual[f], b = reference[f]
            for r in 0..<actual.count where abs(a[r] - b[r]) > priTolerance + b[r].ulp {
                failures += 1
                if failures <= 20 {
                    XCTFail("\(f.rawValue), source row \(sourceRows[r]): got \(a[r]), reference \(b[r])", file: file, line: line)
                }
            }
        }
    }
}
