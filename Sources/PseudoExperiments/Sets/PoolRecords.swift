import CRecordExpansion
import Foundation

/// The pool's prepared events packed into one 64-byte record per row, from which each
/// pseudo-experiment gathers its rows.
///
/// Why: a pseudo-experiment reads ~1 M rows scattered over a pool of up to ~50 M. Gathering the
/// ``PreparedEvents`` columns one by one costs a cache miss per value (31 per row); a row-major
/// record costs one miss per 64-byte line. The prepared values take 124 bytes per row; this
/// layout stores the same values in one line, exactly (every field is checked bit for bit when
/// the records are built), by keeping what cannot be recomputed cheaply and recomputing the rest:
/// ```
/// bytes  0..<44   Float32 x 11   hadPt, leadingPt, subleadingPt, jetAllPt, metX, metY, lepPt,
///                                visFactor, jetPairFactor, deltaRHadLep, lepEtaCentrality
/// bytes 44..<60   Int16 x 8      k = 1000 x (lepEta, lepPhi, hadEta, hadPhi, leadingEta,
///                                leadingPhi, subleadingEta, subleadingPhi)
/// byte  60        Int8           nJets
/// byte  61        Int8           centralitySign (-1, 0, 1)
/// byte  62        UInt8          process code (harness-only provenance, never a feature)
/// byte  63        UInt8          bit i set: angle i is -0.0 (rounding keeps the sign of zero)
/// ```
/// Angles are rounded to three decimals by the preparation (`round3(x) = rint(1000 x) / 1000` in
/// Float32), so `Float(k) / 1000` gives them back bit for bit (with byte 63 for -0.0). On expansion:
/// ```
/// cos, sin of an angle    table indexed by k: Float(cos(Double(Float(k) / 1000)))  (as prepared;
///                         sin(+-0) = +-0)
/// deltaEtaJetJet          Float(|Double(subleadingEta) - Double(leadingEta)|)
/// prodEtaJetJet           Float(Double(leadingEta) * Double(subleadingEta))
/// ```
/// which are the preparation's own formulas. A pool whose values do not fit (an angle beyond
/// +-32.767, a fractional or huge jet count) is refused with the row and column. The expansion
/// is C (`cre_gather` in CRecordExpansion: four records at a time, transposed into vectors), and
/// building the records checks every value through it.
///
/// Memory: 64 bytes per row in huge pages (``HugePages``), 2 MB aligned so that no record
/// straddles two cache lines.
final class PoolRecords: @unchecked Sendable {
    /// Bytes per record.
    static let recordBytes = 64
    /// Rows ahead whose record a gather prefetches into L1. The generator also prefetches each
    /// tile's records into L2 while the previous tile is transformed (``prefetchList(_:)``), which
    /// does most of the work: measured per 1.05 M-event pseudo-experiment with the C expansion
    /// (shared 2-core machine, load average 3-6), the gather takes 10.1-10.6 ms without this
    /// prefetch, 8.8-9.8 ms at 16, 9.1-9.5 at 32, 10-13 at 8 from a 1 M-row pool, and the same
    /// within noise from a 20 M-row pool. (The Swift expansion before it: 109 ms without either
    /// prefetch, 35-37 ms at 8 and 16, 23 ms with the L2 prefetch too.)
    static let prefetchDistance = 16

    typealias Field = PreparedEvents.Field

    /// The Float32 fields, in record order (bytes `4 i`).
    static let floatFields: [Field] = [.hadPt, .leadingPt, .subleadingPt, .jetAllPt, .metX, .metY, .lepPt,
                                       .visFactor, .jetPairFactor, .deltaRHadLep, .lepEtaCentrality]
    /// The angles stored in thousandths, in record order (bytes `44 + 2 i`).
    static let angleFields: [Field] = [.lepEta, .lepPhi, .hadEta, .hadPhi, .leadingEta, .leadingPhi,
                                       .subleadingEta, .subleadingPhi]
    static let anglesOffset = 44
    static let nJetsOffset = 60
    static let signOffset = 61
    static let processOffset = 62
    static let negativeZeroOffset = 63

    /// Rows the records can hold.
    let capacity: Int
    /// Rows written so far.
    private(set) var count = 0
    private let memory: UnsafeMutableRawPointer

    /// Room for `capacity` records.
    init(capacity: Int) {
        precondition(capacity >= 0 && capacity <= Int(Int32.max), "a pool holds 0...\(Int32.max) rows, got \(capacity)")
        self.capacity = capacity
        let buffer = HugePages.allocate(UInt8.self, count: max(1, capacity) * Self.recordBytes)
        memory = UnsafeMutableRawPointer(buffer.baseAddress!)
    }

    deinit { memory.deallocate() }

    /// Bytes held.
    var memoryBytes: Int { max(1, capacity) * Self.recordBytes }

    /// Appends the rows of a prepared block, with the process codes of its rows, and checks that
    /// each record expands to exactly the prepared values.
    ///
    /// - Parameter firstRow: the pool row of the block's first row, for error messages.
    func append(_ prepared: PreparedEvents, processCodes: [UInt8], firstRow: Int) throws {
        let n = prepared.count
        precondition(processCodes.count == n, "\(n) prepared rows but \(processCodes.count) process codes")
        precondition(count + n <= capacity, "\(count + n) records exceed the capacity \(capacity)")
        for i in 0..<n {
            let record = memory + (count + i) * Self.recordBytes
            for (k, field) in Self.floatFields.enumerated() {
                record.storeBytes(of: prepared.value(field, i), toByteOffset: 4 * k, as: Float.self)
            }
            var negativeZeros: UInt8 = 0
            for (k, field) in Self.angleFields.enumerated() {
                let v = prepared.value(field, i)
                if v == 0 && v.sign == .minus { negativeZeros |= 1 << k }
                let scaled = (v * 1000).rounded()
                guard abs(scaled) <= Float(Int16.max), Float(Int16(scaled)) / 1000 == v else {
                    throw SetError.poolValueNotStorable(row: firstRow + i, field: Self.columnName(field), value: v,
                                                        rule: "an angle rounded to 3 decimals within +-32.767")
                }
                record.storeBytes(of: Int16(scaled), toByteOffset: Self.anglesOffset + 2 * k, as: Int16.self)
            }
            let nJets = prepared.value(.nJets, i)
            guard let jets = Int8(exactly: nJets), jets >= 0 else {
                throw SetError.poolValueNotStorable(row: firstRow + i, field: Feature.nJets.rawValue, value: nJets,
                                                    rule: "a whole number of jets in 0...127")
            }
            record.storeBytes(of: jets, toByteOffset: Self.nJetsOffset, as: Int8.self)
            // The sign is -1, 0 or 1 by construction (DerivedFeatures.sign).
            record.storeBytes(of: Int8(prepared.value(.centralitySign, i)), toByteOffset: Self.signOffset, as: Int8.self)
            record.storeBytes(of: processCodes[i], toByteOffset: Self.processOffset, as: UInt8.self)
            record.storeBytes(of: negativeZeros, toByteOffset: Self.negativeZeroOffset, as: UInt8.self)
        }

        // Expansion, through the gather itself, must give back every prepared value bit for bit.
        var expanded = PreparedEvents()
        var codes = [UInt8](repeating: 0, count: Self.checkRows)
        var start = 0
        while start < n {
            let rows = (start..<min(start + Self.checkRows, n)).map { Int32(count + $0) }
            rows.withUnsafeBufferPointer { r in
                codes.withUnsafeMutableBufferPointer { c in gather(r, into: &expanded, processCodes: c.baseAddress!, validRows: count + n) }
            }
            for j in 0..<rows.count {
                let i = start + j
                for field in Field.allCases where expanded.value(field, j).bitPattern != prepared.value(field, i).bitPattern {
                    throw SetError.poolValueNotStorable(row: firstRow + i, field: Self.columnName(field),
                                                        value: prepared.value(field, i),
                                                        rule: "a value the 64-byte record reproduces exactly")
                }
            }
            start += rows.count
        }
        count += n
    }

    /// Rows checked at a time by ``append(_:processCodes:firstRow:)``.
    private static let checkRows = 256

    /// The process code of pool row `row`.
    func processCode(_ row: Int) -> UInt8 {
        precondition(row >= 0 && row < count, "row \(row) is outside the \(count) records")
        return memory.load(fromByteOffset: row * Self.recordBytes + Self.processOffset, as: UInt8.self)
    }

    /// Gathers rows `indices` (in that order, repeats allowed) into `batch`, whose source rows
    /// become the positions `0 ..< indices.count`, and writes each row's process code to
    /// `processCodes`. Records are prefetched ``prefetchDistance`` rows ahead.
    func gather(_ indices: UnsafeBufferPointer<Int32>, into batch: inout PreparedEvents,
                processCodes: UnsafeMutablePointer<UInt8>) {
        gather(indices, into: &batch, processCodes: processCodes, validRows: count)
    }

    /// ``gather(_:into:processCodes:)`` of the first `validRows` records (written, not all yet counted).
    private func gather(_ indices: UnsafeBufferPointer<Int32>, into batch: inout PreparedEvents,
                        processCodes: UnsafeMutablePointer<UInt8>, validRows: Int) {
        let n = indices.count
        let records = UnsafePointer(memory.assumingMemoryBound(to: UInt8.self)), table = AngleTables.shared.cosSin
        batch.overwrite(rows: n) { storage, sourceRows in
            let outside = Self.slotFields.withUnsafeBufferPointer { fields in
                cre_gather(records, validRows, indices.baseAddress!, n, table, fields.baseAddress!,
                           PreparedEvents.lanes, PreparedEvents.blockSize, Self.prefetchDistance,
                           storage, processCodes, sourceRows)
            }
            precondition(outside < 0, "gather index \(outside < 0 ? 0 : indices[outside]) is outside the \(validRows) records")
        }
    }

    /// The prepared field of each value `cre_gather` expands, in its slot order: the floats and
    /// the angles in record order, the cosine and sine of the four azimuths, the two jet-pair
    /// features, the jet count and the centrality sign.
    private static let slotFields: [Int] = (floatFields + angleFields + [
        .lepCos, .lepSin, .hadCos, .hadSin, .leadingCos, .leadingSin, .subleadingCos, .subleadingSin,
        .deltaEtaJetJet, .prodEtaJetJet, .nJets, .centralitySign,
    ]).map(\.rawValue)

    /// The records of pool rows `indices`, to prefetch while other work runs (valid while the
    /// records and `indices` live), or nil for no rows.
    func prefetchList(_ indices: UnsafeBufferPointer<Int32>) -> PrefetchList? {
        guard let offsets = indices.baseAddress, !indices.isEmpty else { return nil }
        precondition(indices.allSatisfy { $0 >= 0 && Int($0) < count }, "prefetch rows must lie inside the \(count) records")
        return PrefetchList(base: UnsafeRawPointer(memory), offsets: offsets, count: indices.count, stride: Self.recordBytes)
    }

    /// The pool column a prepared field comes from, for error messages.
    static func columnName(_ field: Field) -> String {
        switch field {
        case .hadPt: return Feature.hadPt.rawValue
        case .leadingPt: return Feature.jetLeadingPt.rawValue
        case .subleadingPt: return Feature.jetSubleadingPt.rawValue
        case .jetAllPt: return Feature.jetAllPt.rawValue
        case .nJets: return Feature.nJets.rawValue
        case .metX, .metY: return "\(Feature.met.rawValue) and \(Feature.metPhi.rawValue)"
        case .lepPt: return Feature.lepPt.rawValue
        case .lepEta: return Feature.lepEta.rawValue
        case .lepPhi, .lepCos, .lepSin: return Feature.lepPhi.rawValue
        case .hadEta: return Feature.hadEta.rawValue
        case .hadPhi, .hadCos, .hadSin: return Feature.hadPhi.rawValue
        case .leadingEta: return Feature.jetLeadingEta.rawValue
        case .leadingPhi, .leadingCos, .leadingSin: return Feature.jetLeadingPhi.rawValue
        case .subleadingEta: return Feature.jetSubleadingEta.rawValue
        case .subleadingPhi, .subleadingCos, .subleadingSin: return Feature.jetSubleadingPhi.rawValue
        case .visFactor, .deltaRHadLep, .centralitySign:
            return "the lepton and tau angles"
        case .jetPairFactor, .deltaEtaJetJet, .prodEtaJetJet, .lepEtaCentrality:
            return "the jet angles"
        }
    }
}

/// Cosines and sines of angles given in thousandths, as the preparation computes them:
/// `Float(cos(Double(Float(k) / 1000)))` for every Int16 `k` (the undefined marker -25 included),
/// interleaved for `cre_gather`: the cosine of `k` at `cosSin[2 (k + 32768)]`, the sine next.
/// 512 KB, of which the azimuths (|k| <= 3142) use 50 KB.
final class AngleTables: @unchecked Sendable {
    static let shared = AngleTables()

    /// Allocated once, never freed.
    let cosSin: UnsafeMutablePointer<Float>

    private init() {
        let count = 1 << 16
        cosSin = .allocate(capacity: 2 * count)
        for k in Int(Int16.min)...Int(Int16.max) {
            let angle = Double(Float(k) / 1000)
            cosSin[2 * (k + 32768)] = Float(cos(angle))
            cosSin[2 * (k + 32768) + 1] = Float(sin(angle))
        }
    }
}
