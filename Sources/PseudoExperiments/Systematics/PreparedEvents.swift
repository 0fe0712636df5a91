import Foundation

/// Events laid out for the systematics transform: what depends only on angles is computed once.
///
/// No nuisance changes eta, phi or the lepton, so their trigonometry (cos/sin phi, the angular
/// factors of the invariant masses, the jet-pair features, Delta R, ...) is done here, once per
/// pool, and each pseudo-experiment's transform is left with multiply-adds, one `atan2` and a few
/// square roots per event. Storage is one Float32 array of ``Field`` columns (structure of arrays,
/// `Field.count * count` values, column `f` at `f * count`), read sequentially by the transform.
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
    /// `Field.allCases.count * count` values, column-major.
    var storage: [Float]

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
        precondition(table.count <= Int(Int32.max), "at most \(Int32.max) rows can be prepared, got \(table.count)")
        let n = table.count
        count = n
        sourceRows = (0..<n).map { Int32($0) }
        storage = [Float](repeating: 0, count: Field.allCases.count * n)
        storage.withUnsafeMutableBufferPointer { buffer in
            let s = buffer.baseAddress!
            func put(_ f: Field, _ row: Int, _ v: Float) { s[f.rawValue * n + row] = v }
            func put(_ f: Field, _ row: Int, _ v: Double) { s[f.rawValue * n + row] = Float(v) }
            for row in 0..<n {
                func pri(_ f: Feature) -> Float { table.columns[f.index][row] }
                func rounded(_ f: Feature) -> Float { roundToThreeDecimals(pri(f)) }
                let lepEta = rounded(.lepEta), lepPhi = rounded(.lepPhi)
                let hadEta = rounded(.hadEta), hadPhi = rounded(.hadPhi)
                let leadingEta = rounded(.jetLeadingEta), leadingPhi = rounded(.jetLeadingPhi)
                let subleadingEta = rounded(.jetSubleadingEta), subleadingPhi = rounded(.jetSubleadingPhi)
                let inv = DerivedFeatures.Invariants(
                    lepEta: Double(lepEta), lepPhi: Double(lepPhi), hadEta: Double(hadEta), hadPhi: Double(hadPhi),
                    leadingEta: Double(leadingEta), leadingPhi: Double(leadingPhi),
                    subleadingEta: Double(subleadingEta), subleadingPhi: Double(subleadingPhi))
                let metPhi = Double(pri(.metPhi))
                put(.hadPt, row, pri(.hadPt)); put(.leadingPt, row, pri(.jetLeadingPt))
                put(.subleadingPt, row, pri(.jetSubleadingPt)); put(.jetAllPt, row, pri(.jetAllPt))
                put(.nJets, row, pri(.nJets))
                put(.metX, row, pri(.met) * Float(cos(metPhi))); put(.metY, row, pri(.met) * Float(sin(metPhi)))
                put(.hadCos, row, inv.hadCos); put(.hadSin, row, inv.hadSin)
                put(.leadingCos, row, inv.leadingCos); put(.leadingSin, row, inv.leadingSin)
                put(.subleadingCos, row, inv.subleadingCos); put(.subleadingSin, row, inv.subleadingSin)
                put(.lepCos, row, inv.lepCos); put(.lepSin, row, inv.lepSin)
                put(.visFactor, row, inv.visFactor); put(.jetPairFactor, row, inv.jetPairFactor)
                put(.centralitySign, row, inv.centralitySign)
                put(.lepPt, row, rounded(.lepPt)); put(.lepEta, row, lepEta); put(.lepPhi, row, lepPhi)
                put(.hadEta, row, hadEta); put(.hadPhi, row, hadPhi)
                put(.leadingEta, row, leadingEta); put(.leadingPhi, row, leadingPhi)
                put(.subleadingEta, row, subleadingEta); put(.subleadingPhi, row, subleadingPhi)
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
        let fields = Field.allCases.count
        if batch.storage.count < fields * m {
            batch.storage = [Float](repeating: 0, count: fields * m)
        }
        if batch.sourceRows.count != m {
            batch.sourceRows = [Int32](repeating: 0, count: m)
        }
        batch.count = m
        indices.withUnsafeBufferPointer { idx in
            storage.withUnsafeBufferPointer { src in
                batch.storage.withUnsafeMutableBufferPointer { dst in
                    sourceRows.withUnsafeBufferPointer { rows in
                        batch.sourceRows.withUnsafeMutableBufferPointer { outRows in
                            for j in 0..<m {
                                let i = Int(idx[j])
                                precondition(i >= 0 && i < n, "gather index \(i) is outside 0..<\(n)")
                                outRows[j] = rows[i]
                            }
                            for f in 0..<fields {
                                let s = src.baseAddress! + f * n, d = dst.baseAddress! + f * m
                                for j in 0..<m { d[j] = s[Int(idx[j])] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Makes the batch `n` rows long (reusing its memory) and lets `write` fill every column and
    /// every source row: field `f` of row `i` goes to `columns[f.rawValue * stride + i]`. For
    /// gathers that build batches from another layout of the same values (``PoolRecords``).
    mutating func overwrite(rows n: Int,
                            _ write: (_ columns: UnsafeMutablePointer<Float>, _ stride: Int,
                                      _ sourceRows: UnsafeMutablePointer<Int32>) -> Void) {
        let fields = Field.allCases.count
        if storage.count < fields * n { storage = [Float](repeating: 0, count: fields * n) }
        if sourceRows.count != n { sourceRows = [Int32](repeating: 0, count: n) }
        count = n
        guard n > 0 else { return }
        storage.withUnsafeMutableBufferPointer { columns in
            sourceRows.withUnsafeMutableBufferPointer { rows in
                write(columns.baseAddress!, n, rows.baseAddress!)
            }
        }
    }

    /// The value of `field` in `row` (tests and diagnostics).
    func value(_ field: Field, _ row: Int) -> Float { storage[field.rawValue * count + row] }
}
