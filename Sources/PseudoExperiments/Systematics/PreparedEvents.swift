import Foundation
import CTransform

/// Events laid out for the systematics transform: what depends only on angles is computed once.
///
/// No nuisance changes eta, phi or the lepton, so their trigonometry (cos/sin phi, the angular
/// factors of the invariant masses, the jet-pair features, Delta R, ...) is done here, once per
/// pool, and each pseudo-experiment's transform is left with multiply-adds, one `atan2` and a few
/// square roots per event. Storage is one Float32 array in blocks of ``lanes`` rows: each block
/// holds the ``Field`` values of its rows field by field (`lanes` values per field), so the
/// transform's SIMD kernel reads one vector per field at a constant offset and the whole pool as
/// one sequential stream:
/// ```
/// value(field f, row r) = storage[(r / lanes) * fields * lanes + f * lanes + r % lanes]
/// ```
///
/// Cosines and sines are stored as Float32 because the reference propagates the energy scales
/// into the MET vector in Float32 arithmetic; the transform repeats that arithmetic so that the
/// rounded `PRI_met` and `PRI_met_phi` agree with the reference's (all 1000 sample events do).
///
/// Preparation rounds the unchanged primary values (lepton pt, all eta and phi) to 3 decimals, as
/// the reference rounds every PRI value after the transform, and computes the invariants from the
/// rounded angles. FAIR Universe files already hold 3-decimal values, for which this is exact.
///
/// Typical use by a sampler: prepare the pool once, then per pseudo-experiment
/// ```
/// let batch = pool.gather(indices)             // rows with repeats, sorted for locality
/// let out = batch.applying(shift, noise: &rng) // features of the surviving rows
/// ```
public struct PreparedEvents: Sendable {
    /// The prepared columns (internal layout, stable only within one build).
    enum Field: Int, CaseIterable {
        // Values the nuisances change (as read, before rounding).
        case hadPt, leadingPt, subleadingPt, jetAllPt, nJets
        // The MET vector as the reference starts it, in Float32: (met cos(phi), met sin(phi)).
        case metX, metY
        // Angular invariants (cosines and sines rounded to Float32, as the reference's).
        case hadCos, hadSin, leadingCos, leadingSin, subleadingCos, subleadingSin, lepCos, lepSin
        case visFactor, jetPairFactor, centralitySign
        // Unchanged outputs (rounded), and eta-only derived features.
        case lepPt, lepEta, lepPhi, hadEta, hadPhi, leadingEta, leadingPhi, subleadingEta, subleadingPhi
        case deltaEtaJetJet, prodEtaJetJet, deltaRHadLep, lepEtaCentrality
    }

    /// Number of rows.
    public private(set) var count: Int
    /// For each row, the row of the ``EventTable`` it was prepared from.
    public private(set) var sourceRows: [Int32]
    /// Blocks of `lanes` rows (`count` padded with zero rows), `fields * lanes` values each.
    var storage: [Float]

    /// Values per block.
    static let blockSize = Field.allCases.count * lanes

    /// Offset of (field, row) in `storage`.
    @inline(__always)
    static func offset(_ field: Int, _ row: Int) -> Int {
        (row / lanes) * blockSize + field * lanes + row % lanes
    }

    /// Rows per SIMD vector of the transform kernel; columns are padded to a multiple of it.
    static let lanes = Int(FUQ_LANES)

    static func paddedStride(_ n: Int) -> Int { (n + lanes - 1) / lanes * lanes }

    /// Bytes per prepared row (columns plus the source row), for throughput figures.
    public static let bytesPerRow = Field.allCases.count * MemoryLayout<Float>.size + MemoryLayout<Int32>.size

    /// An empty batch.
    public init() {
        count = 0
        sourceRows = []
        storage = []
    }

    /// Prepares every row of `table` (its DER columns are not read: the transform recomputes them).
    public init(_ table: EventTable) {
        precondition(table.count <= Int(Int32.max) - Self.lanes,
                     "at most \(Int32.max) rows can be prepared, got \(table.count)")
        let n = table.count
        count = n
        sourceRows = (0..<n).map { Int32($0) }
        storage = [Float](repeating: 0, count: Field.allCases.count * Self.paddedStride(n))
        let c = table.columns
        func column(_ f: Feature) -> [Float] { c[f.index] }
        let lepPt = column(.lepPt), lepEta = column(.lepEta), lepPhi = column(.lepPhi)
        let hadPt = column(.hadPt), hadEta = column(.hadEta), hadPhi = column(.hadPhi)
        let j1Pt = column(.jetLeadingPt), j1Eta = column(.jetLeadingEta), j1Phi = column(.jetLeadingPhi)
        let j2Pt = column(.jetSubleadingPt), j2Eta = column(.jetSubleadingEta), j2Phi = column(.jetSubleadingPhi)
        let nJets = column(.nJets), jetAllPt = column(.jetAllPt), met = column(.met), metPhi = column(.metPhi)
        storage.withUnsafeMutableBufferPointer { buffer in
            let s = buffer.baseAddress!
            func put(_ f: Field, _ row: Int, _ v: Float) { s[Self.offset(f.rawValue, row)] = v }
            func put(_ f: Field, _ row: Int, _ v: Double) { s[Self.offset(f.rawValue, row)] = Float(v) }
            for row in 0..<n {
                let r3 = roundToThreeDecimals as (Float) -> Float
                let lEta = r3(lepEta[row]), lPhi = r3(lepPhi[row])
                let hEta = r3(hadEta[row]), hPhi = r3(hadPhi[row])
                let e1 = r3(j1Eta[row]), p1 = r3(j1Phi[row]), e2 = r3(j2Eta[row]), p2 = r3(j2Phi[row])
                let inv = DerivedFeatures.Invariants(
                    lepEta: Double(lEta), lepPhi: Double(lPhi), hadEta: Double(hEta), hadPhi: Double(hPhi),
                    leadingEta: Double(e1), leadingPhi: Double(p1), subleadingEta: Double(e2), subleadingPhi: Double(p2))
                let mPhi = Double(metPhi[row])
                put(.hadPt, row, hadPt[row]); put(.leadingPt, row, j1Pt[row]); put(.subleadingPt, row, j2Pt[row])
                put(.jetAllPt, row, jetAllPt[row]); put(.nJets, row, nJets[row])
                put(.metX, row, met[row] * Float(cos(mPhi))); put(.metY, row, met[row] * Float(sin(mPhi)))
                put(.hadCos, row, inv.hadCos); put(.hadSin, row, inv.hadSin)
                put(.leadingCos, row, inv.leadingCos); put(.leadingSin, row, inv.leadingSin)
                put(.subleadingCos, row, inv.subleadingCos); put(.subleadingSin, row, inv.subleadingSin)
                put(.lepCos, row, inv.lepCos); put(.lepSin, row, inv.lepSin)
                put(.visFactor, row, inv.visFactor); put(.jetPairFactor, row, inv.jetPairFactor)
                put(.centralitySign, row, inv.centralitySign)
                put(.lepPt, row, r3(lepPt[row])); put(.lepEta, row, lEta); put(.lepPhi, row, lPhi)
                put(.hadEta, row, hEta); put(.hadPhi, row, hPhi)
                put(.leadingEta, row, e1); put(.leadingPhi, row, p1)
                put(.subleadingEta, row, e2); put(.subleadingPhi, row, p2)
                put(.deltaEtaJetJet, row, inv.deltaEtaJetJet); put(.prodEtaJetJet, row, inv.prodEtaJetJet)
                put(.deltaRHadLep, row, inv.deltaRHadLep); put(.lepEtaCentrality, row, inv.lepEtaCentrality)
            }
        }
    }

    /// The rows at `indices` (repeats allowed; sorted indices read memory in order), as a new batch.
    public func gather(_ indices: [Int32]) -> PreparedEvents {
        var batch = PreparedEvents()
        gather(indices, into: &batch)
        return batch
    }

    /// The rows at `indices` written into `batch`, reusing its memory.
    public func gather(_ indices: [Int32], into batch: inout PreparedEvents) {
        let m = indices.count, n = count
        let fields = Field.allCases.count, lanes = Self.lanes
        let size = fields * Self.paddedStride(m)
        if batch.storage.count < size {
            batch.storage = [Float](repeating: 0, count: size)
        }
        batch.sourceRows.removeAll(keepingCapacity: true)
        batch.sourceRows.reserveCapacity(m)
        for j in indices {
            precondition(j >= 0 && Int(j) < n, "gather index \(j) is outside 0..<\(n)")
            batch.sourceRows.append(sourceRows[Int(j)])
        }
        batch.count = m
        indices.withUnsafeBufferPointer { idx in
            storage.withUnsafeBufferPointer { src in
                batch.storage.withUnsafeMutableBufferPointer { dst in
                    for j in 0..<m {
                        let i = Int(idx[j])
                        let s = src.baseAddress! + Self.offset(0, i), d = dst.baseAddress! + Self.offset(0, j)
                        for f in 0..<fields { d[f * lanes] = s[f * lanes] }
                    }
                    // Padding rows of the last block are zero (as in a freshly prepared pool).
                    for j in m..<Self.paddedStride(m) {
                        let d = dst.baseAddress! + Self.offset(0, j)
                        for f in 0..<fields { d[f * lanes] = 0 }
                    }
                }
            }
        }
    }

    /// Makes the batch `n` rows long (reusing its memory; the padding rows of the last block are
    /// zero) and lets `write` fill every row and source row: field `f` of row `i` goes to
    /// `storage[offset(f.rawValue, i)]`. For gathers that build batches from another layout of the
    /// same values (``PoolRecords``).
    mutating func overwrite(rows n: Int,
                            _ write: (_ storage: UnsafeMutablePointer<Float>,
                                      _ sourceRows: UnsafeMutablePointer<Int32>) -> Void) {
        let fields = Field.allCases.count, lanes = Self.lanes
        let size = fields * Self.paddedStride(n)
        if storage.count < size { storage = [Float](repeating: 0, count: size) }
        if sourceRows.count != n { sourceRows = [Int32](repeating: 0, count: n) }
        count = n
        guard n > 0 else { return }
        storage.withUnsafeMutableBufferPointer { buffer in
            sourceRows.withUnsafeMutableBufferPointer { rows in
                write(buffer.baseAddress!, rows.baseAddress!)
            }
            for j in n..<Self.paddedStride(n) {
                let d = buffer.baseAddress! + Self.offset(0, j)
                for f in 0..<fields { d[f * lanes] = 0 }
            }
        }
    }

    /// The value of `field` in `row` (tests and diagnostics).
    func value(_ field: Field, _ row: Int) -> Float { storage[Self.offset(field.rawValue, row)] }
}
