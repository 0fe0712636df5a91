import CMemory
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
/// cos, sin of an angle    table indexed by k: Float(cos(Double(Float(k) / 1000)))  (as prepared)
/// deltaEtaJetJet          Float(|Double(subleadingEta) - Double(leadingEta)|)
/// prodEtaJetJet           Float(Double(leadingEta) * Double(subleadingEta))
/// ```
/// which are the preparation's own formulas. A pool whose values do not fit (an angle beyond
/// +-32.767, a fractional or huge jet count) is refused with the row and column.
///
/// Memory: 64 bytes per row in huge pages (``HugePages``), 2 MB aligned so that no record
/// straddles two cache lines.
final class PoolRecords: @unchecked Sendable {
    /// Bytes per record.
    static let recordBytes = 64
    /// Rows ahead whose record a gather prefetches (measured per 1.05 M-event pseudo-experiment:
    /// 109 ms without, 48 at 4, 35-37 at 8 and 16, 47 at 32 from a 1 M-row pool; 55 ms at 16 and
    /// 63 at 32 from a 20 M-row pool). The generator also prefetches each tile's records into L2
    /// while the previous tile is transformed (``prefetchList(_:)``): its gather then takes 23 ms
    /// from 1 M-, 20 M- and 54 M-row pools alike (shared 2-core machine, load average ~3-4).
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
        let tables = AngleTables.shared
        var expanded = [Float](repeating: 0, count: Field.allCases.count)
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

            // Expansion must give back every prepared value bit for bit.
            expanded.withUnsafeMutableBufferPointer { out in
                Self.expand(UnsafeRawPointer(record), tables: tables, into: out.baseAddress!, stride: 1)
            }
            for field in Field.allCases where expanded[field.rawValue].bitPattern != prepared.value(field, i).bitPattern {
                throw SetError.poolValueNotStorable(row: firstRow + i, field: Self.columnName(field),
                                                    value: prepared.value(field, i),
                                                    rule: "a value the 64-byte record reproduces exactly")
            }
        }
        count += n
    }

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
        let n = indices.count
        let base = UnsafeRawPointer(memory), rows = count, tables = AngleTables.shared
        batch.overwrite(rows: n) { storage, sourceRows in
            let distance = Self.prefetchDistance, lanes = PreparedEvents.lanes
            for j in 0..<n {
                if j + distance < n { fuq_prefetch(base + Int(indices[j + distance]) * Self.recordBytes) }
                let row = Int(indices[j])
                precondition(row >= 0 && row < rows, "gather index \(row) is outside the \(rows) records")
                let record = base + row * Self.recordBytes
                Self.expand(record, tables: tables, into: storage + PreparedEvents.offset(0, j), stride: lanes)
                sourceRows[j] = Int32(truncatingIfNeeded: j)
                processCodes[j] = record.load(fromByteOffset: Self.processOffset, as: UInt8.self)
            }
        }
    }

    /// The records of pool rows `indices`, to prefetch while other work runs (valid while the
    /// records and `indices` live), or nil for no rows.
    func prefetchList(_ indices: UnsafeBufferPointer<Int32>) -> PrefetchList? {
        guard let offsets = indices.baseAddress, !indices.isEmpty else { return nil }
        precondition(indices.allSatisfy { $0 >= 0 && Int($0) < count }, "prefetch rows must lie inside the \(count) records")
        return PrefetchList(base: UnsafeRawPointer(memory), offsets: offsets, count: indices.count, stride: Self.recordBytes)
    }

    /// Writes the prepared values of one record: field `f` to `out[f.rawValue * stride]`.
    @inline(__always)
    static func expand(_ r: UnsafeRawPointer, tables: AngleTables, into out: UnsafeMutablePointer<Float>, stride: Int) {
        @inline(__always) func put(_ f: Field, _ v: Float) { out[f.rawValue * stride] = v }
        @inline(__always) func float(_ k: Int) -> Float { r.load(fromByteOffset: 4 * k, as: Float.self) }
        put(.hadPt, float(0)); put(.leadingPt, float(1)); put(.subleadingPt, float(2)); put(.jetAllPt, float(3))
        put(.metX, float(4)); put(.metY, float(5)); put(.lepPt, float(6))
        put(.visFactor, float(7)); put(.jetPairFactor, float(8)); put(.deltaRHadLep, float(9))
        put(.lepEtaCentrality, float(10))
        // The eight angles: Float(k) / 1000 from a table (a division per angle costs more than
        // the rest of the row), with the sign of a -0.0 restored from byte 63.
        @inline(__always) func thousandths(_ lane: Int) -> Int16 {
            r.load(fromByteOffset: anglesOffset + 2 * lane, as: Int16.self)
        }
        let k = (thousandths(0), thousandths(1), thousandths(2), thousandths(3),
                 thousandths(4), thousandths(5), thousandths(6), thousandths(7))
        var a = (tables.angle(k.0), tables.angle(k.1), tables.angle(k.2), tables.angle(k.3),
                 tables.angle(k.4), tables.angle(k.5), tables.angle(k.6), tables.angle(k.7))
        let zeros = r.load(fromByteOffset: negativeZeroOffset, as: UInt8.self)
        if zeros != 0 {
            if zeros & 1 != 0 { a.0 = -0.0 }
            if zeros & 2 != 0 { a.1 = -0.0 }
            if zeros & 4 != 0 { a.2 = -0.0 }
            if zeros & 8 != 0 { a.3 = -0.0 }
            if zeros & 16 != 0 { a.4 = -0.0 }
            if zeros & 32 != 0 { a.5 = -0.0 }
            if zeros & 64 != 0 { a.6 = -0.0 }
            if zeros & 128 != 0 { a.7 = -0.0 }
        }
        put(.lepEta, a.0); put(.lepPhi, a.1); put(.hadEta, a.2); put(.hadPhi, a.3)
        put(.leadingEta, a.4); put(.leadingPhi, a.5); put(.subleadingEta, a.6); put(.subleadingPhi, a.7)
        let (lepCos, lepSin) = tables.cosSin(k.1, a.1)
        let (hadCos, hadSin) = tables.cosSin(k.3, a.3)
        let (leadingCos, leadingSin) = tables.cosSin(k.5, a.5)
        let (subleadingCos, subleadingSin) = tables.cosSin(k.7, a.7)
        put(.lepCos, lepCos); put(.lepSin, lepSin); put(.hadCos, hadCos); put(.hadSin, hadSin)
        put(.leadingCos, leadingCos); put(.leadingSin, leadingSin)
        put(.subleadingCos, subleadingCos); put(.subleadingSin, subleadingSin)
        let e1 = Double(a.4), e2 = Double(a.6)
        put(.deltaEtaJetJet, Float(abs(e2 - e1)))
        put(.prodEtaJetJet, Float(e1 * e2))
        put(.nJets, Float(r.load(fromByteOffset: nJetsOffset, as: Int8.self)))
        put(.centralitySign, Float(r.load(fromByteOffset: signOffset, as: Int8.self)))
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
/// `Float(cos(Double(Float(k) / 1000)))`, and the angles `Float(k) / 1000` themselves. Tables
/// cover |k| <= 5000 (every azimuth and pseudorapidity of the detector); the undefined marker
/// (-25) and anything else are computed.
final class AngleTables: @unchecked Sendable {
    static let shared = AngleTables()
    static let limit = 5000

    /// `cos`, `sin` and the angle of `k = -limit ... limit`, at `k + limit` (allocated once, never freed).
    private let cosines: UnsafeMutablePointer<Float>
    private let sines: UnsafeMutablePointer<Float>
    private let thousandths: UnsafeMutablePointer<Float>
    private let undefinedCos: Float
    private let undefinedSin: Float
    /// The undefined marker in thousandths.
    static let undefinedThousandths = Int(Feature.undefined) * 1000

    private init() {
        let size = 2 * Self.limit + 1
        cosines = .allocate(capacity: size)
        sines = .allocate(capacity: size)
        thousandths = .allocate(capacity: size)
        for k in -Self.limit...Self.limit {
            let angle = Float(k) / 1000
            thousandths[k + Self.limit] = angle
            cosines[k + Self.limit] = Float(cos(Double(angle)))
            sines[k + Self.limit] = Float(sin(Double(angle)))
        }
        undefinedCos = Float(cos(Double(Feature.undefined)))
        undefinedSin = Float(sin(Double(Feature.undefined)))
    }

    /// `Float(k) / 1000`.
    @inline(__always)
    func angle(_ k: Int16) -> Float {
        let i = Int(k)
        if i >= -Self.limit && i <= Self.limit { return thousandths[i + Self.limit] }
        return i == Self.undefinedThousandths ? Feature.undefined : Float(k) / 1000
    }

    /// `(cos, sin)` of the angle `angle = Float(k) / 1000`.
    @inline(__always)
    func cosSin(_ k: Int16, _ angle: Float) -> (Float, Float) {
        let i = Int(k)
        // cos(+-0) = 1, sin(+-0) = +-0: the sign of a -0.0 angle carries into its sine.
        if i == 0 { return (1, angle) }
        if i >= -Self.limit && i <= Self.limit { return (cosines[i + Self.limit], sines[i + Self.limit]) }
        if angle == Feature.undefined { return (undefinedCos, undefinedSin) }
        return (Float(cos(Double(angle))), Float(sin(Double(angle))))
    }
}
