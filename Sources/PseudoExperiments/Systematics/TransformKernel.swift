import CMemory
import Foundation

/// The SIMD kernel of the systematics transform (see `PreparedEvents+Transform.swift` for the
/// formulas and their order); memory is owned by the caller.
///
/// Rows are processed in vectors of ``PreparedEvents/lanes`` (4) rows. A vector whose four rows
/// are all kept (about three in four with the cuts on) stores its 28 features straight into the
/// output; the others go to a small scratch area and are then packed: the kept rows of a vector
/// form one of 16 patterns, each stored with one constant shuffle per column, so the cuts cost no
/// per-value branching. Rows that need exact scalar work (see ``rareRow(lane:at:)``) are redone
/// after their vector is stored.
struct TransformKernel {
    typealias Field = PreparedEvents.Field
    static let block = 64
    static let lanes = PreparedEvents.lanes

    let input: UnsafePointer<Float>
    let count: Int
    let sourceRows: UnsafePointer<Int32>
    let output: UnsafeMutablePointer<Float>
    let outputStride: Int
    let rows: UnsafeMutablePointer<Int32>
    let shift: SystematicShift
    /// Memory the caller reads next, prefetched into L2 one line per row as rows are transformed.
    let prefetch: PrefetchList?
    /// The scale factors and `f(s) = (1 - s) / s` rounded to Float, as the reference uses them.
    private let tes: Float, jes: Float, tesFactor: Float, jesFactor: Float
    private let softMet: Bool, cuts: Bool
    /// Number of features (the scratch holds them, then the MET vector).
    private static let features = 28
    /// Scratch: the 28 feature vectors of the current rows, then their MET vector (Float, and
    /// Double with soft MET) for the exact scalar path.
    private let vectors: UnsafeMutablePointer<FloatLanes>
    private let metVector: UnsafeMutablePointer<DoubleLanes>

    init(input: UnsafePointer<Float>, count: Int, sourceRows: UnsafePointer<Int32>,
         output: UnsafeMutablePointer<Float>, outputStride: Int, rows: UnsafeMutablePointer<Int32>,
         shift: SystematicShift, prefetch: PrefetchList? = nil) {
        self.input = input; self.count = count; self.sourceRows = sourceRows
        self.output = output; self.outputStride = outputStride; self.rows = rows; self.shift = shift
        self.prefetch = prefetch
        precondition(Feature.allCases.count == Self.features, "the kernel writes \(Self.features) features")
        tes = Float(shift.tes); jes = Float(shift.jes)
        tesFactor = Float((1 - shift.tes) / shift.tes); jesFactor = Float((1 - shift.jes) / shift.jes)
        softMet = shift.softMet > 0
        cuts = shift.applyCuts
        vectors = .allocate(capacity: Self.features + 2)
        metVector = .allocate(capacity: 2)
    }

    /// Frees the scratch memory.
    func deallocate() {
        vectors.deallocate()
        metVector.deallocate()
    }

    /// Transforms all rows; returns the number written to the output.
    func run(rng: inout SeededGenerator) -> Int {
        let b = Self.block
        let noise = UnsafeMutablePointer<Double>.allocate(capacity: 2 * b)
        defer { noise.deallocate() }
        noise.initialize(repeating: 0, count: 2 * b)
        var written = 0
        var start = 0
        while start < count {
            let m = min(b, count - start)
            if shift.softMet > 0 {
                rng.fillZigguratGaussianPairs(x: noise, y: noise + b, count: m, scale: shift.softMet)
            }
            var j = 0
            while j < m {
                let i = start + j
                if let prefetch { prefetch.issue(Swift.min(i, prefetch.count) ..< Swift.min(i + Self.lanes, prefetch.count)) }
                let (pattern, rare) = computeLanes(row: i, at: written, noiseX: noise + j, noiseY: noise + b + j)
                if pattern == 0b1111 {
                    storeRows(row: i, at: written)
                } else {
                    storePacked(pattern, row: i, at: written)
                }
                var pending = rare & pattern
                while pending != 0 {
                    let lane = pending.trailingZeroBitCount
                    rareRow(lane: lane, at: written + (pattern & ((1 << lane) - 1)).nonzeroBitCount)
                    pending &= pending - 1
                }
                written += pattern.nonzeroBitCount
                j += Self.lanes
            }
            start += m
        }
        return written
    }

    /// Stores the kept lanes (`pattern`, lane k = bit k) of the scratch vectors at output row `w`.
    /// Lanes past the kept ones are written too and overwritten by the next vector (or lie past
    /// the final count, inside the padded column).
    @inline(__always)
    private func storePacked(_ pattern: Int, row i: Int, at w: Int) {
        switch pattern {
        case 0b0000: return
        case 0b0001: pack(row: i, at: w, 0, 0, 0, 0)
        case 0b0010: pack(row: i, at: w, 1, 1, 1, 1)
        case 0b0011: pack(row: i, at: w, 0, 1, 1, 1)
        case 0b0100: pack(row: i, at: w, 2, 2, 2, 2)
        case 0b0101: pack(row: i, at: w, 0, 2, 2, 2)
        case 0b0110: pack(row: i, at: w, 1, 2, 2, 2)
        case 0b0111: pack(row: i, at: w, 0, 1, 2, 2)
        case 0b1000: pack(row: i, at: w, 3, 3, 3, 3)
        case 0b1001: pack(row: i, at: w, 0, 3, 3, 3)
        case 0b1010: pack(row: i, at: w, 1, 3, 3, 3)
        case 0b1011: pack(row: i, at: w, 0, 1, 3, 3)
        case 0b1100: pack(row: i, at: w, 2, 3, 3, 3)
        case 0b1101: pack(row: i, at: w, 0, 2, 3, 3)
        case 0b1110: pack(row: i, at: w, 1, 2, 3, 3)
        default: pack(row: i, at: w, 0, 1, 2, 3)
        }
    }

    /// Stores the source rows of a vector whose four rows are all kept (its features are
    /// already in the output) at output row `w`.
    @inline(__always)
    private func storeRows(row i: Int, at w: Int) {
        UnsafeMutableRawPointer(rows + w).storeBytes(of: UnsafeRawPointer(sourceRows + i).loadUnaligned(as: SIMD4<Int32>.self),
                                                     as: SIMD4<Int32>.self)
    }

    @inline(__always)
    private func pack(row i: Int, at w: Int, _ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        var out = output + w
        for f in 0..<Self.features {
            let v = vectors[f]
            UnsafeMutableRawPointer(out).storeBytes(of: FloatLanes(v[a], v[b], v[c], v[d]), as: FloatLanes.self)
            out += outputStride
        }
        let r: SIMD4<Int32>
        if i + Self.lanes <= count {
            r = UnsafeRawPointer(sourceRows + i).loadUnaligned(as: SIMD4<Int32>.self)
        } else {
            let last = count - 1
            r = SIMD4(sourceRows[i], sourceRows[min(i + 1, last)], sourceRows[min(i + 2, last)], sourceRows[min(i + 3, last)])
        }
        UnsafeMutableRawPointer(rows + w).storeBytes(of: SIMD4(r[a], r[b], r[c], r[d]), as: SIMD4<Int32>.self)
    }

    /// The exact scalar path for one lane of the current vector, already stored at output row `p`:
    /// `PRI_met_phi` from libm's `atan2` in Double (the lane's polynomial angle was within 1e-3 of a
    /// rounding tie, or the row is rare anyway), then the DER features by the reference definition
    /// (a removed jet still counted in `n_jets`, or the degenerate MET phi centrality).
    private func rareRow(lane: Int, at p: Int) {
        let phi: Float
        if shift.softMet > 0 {
            phi = Float(roundToThreeDecimals(atan2(metVector[1][lane], metVector[0][lane])))
        } else {
            let mx = vectors[Self.features][lane], my = vectors[Self.features + 1][lane]
            phi = roundToThreeDecimals(Float(atan2(Double(my), Double(mx))))
        }
        output[Feature.metPhi.index * outputStride + p] = phi
        DerivedFeatures.compute(primaries: output + p, stride: outputStride,
                                into: output + Feature.massTransverseMetLep.index * outputStride + p,
                                outStride: outputStride)
    }

    /// One vector of rows `i ..< i + lanes`: returns the lanes to store (kept by the cuts and
    /// inside the batch) and the rare lanes as bits. When all four are stored, the 28 features go
    /// straight to output row `w` (three vectors in four: no scratch round trip, no shuffles);
    /// otherwise into `vectors`, for ``storePacked(_:row:at:)``.
    @inline(__always)
    private func computeLanes(row i: Int, at w: Int, noiseX: UnsafePointer<Double>, noiseY: UnsafePointer<Double>) -> (Int, Int) {
        let block = UnsafeRawPointer(input + PreparedEvents.offset(0, i))
        @inline(__always) func load(_ f: Field) -> FloatLanes {
            block.load(fromByteOffset: f.rawValue * MemoryLayout<FloatLanes>.stride, as: FloatLanes.self)
        }
        let undefined = FloatLanes(repeating: Feature.undefined)

        // Energy scales and their propagation into the MET vector, in Float32 as the reference.
        let nj0 = load(.nJets)
        let has1 = nj0 .>= 1, has2 = nj0 .>= 2
        let had1 = load(.hadPt) * tes
        let j10 = load(.leadingPt), j20 = load(.subleadingPt)
        let j11 = j10.replacing(with: j10 * jes, where: has1)
        let j21 = j20.replacing(with: j20 * jes, where: has2)
        let j1Met = FloatLanes.zero.replacing(with: j11, where: has1)
        let j2Met = FloatLanes.zero.replacing(with: j21, where: has2)
        let hadCos = load(.hadCos), hadSin = load(.hadSin)
        let j1Cos = load(.leadingCos), j1Sin = load(.leadingSin)
        let j2Cos = load(.subleadingCos), j2Sin = load(.subleadingSin)
        var mx = load(.metX), my = load(.metY)
        mx = mx + had1 * hadCos * tesFactor
        my = my + had1 * hadSin * tesFactor
        mx = mx + j1Met * j1Cos * jesFactor
        my = my + j1Met * j1Sin * jesFactor
        mx = mx + j2Met * j2Cos * jesFactor
        my = my + j2Met * j2Sin * jesFactor

        // |m| (Float32, or Float64 once the Float64 noise is added, as the reference) and its
        // angle by the Float polynomial; lanes near a rounding tie take the exact path.
        let metR: FloatLanes, xf: FloatLanes, yf: FloatLanes, rf: FloatLanes
        if softMet {
            let x = DoubleLanes(mx) + UnsafeRawPointer(noiseX).loadUnaligned(as: DoubleLanes.self)
            let y = DoubleLanes(my) + UnsafeRawPointer(noiseY).loadUnaligned(as: DoubleLanes.self)
            metVector[0] = x
            metVector[1] = y
            let r = squareRoot(x * x + y * y)
            metR = roundToThreeDecimalsAsFloat(r)
            xf = FloatLanes(x); yf = FloatLanes(y); rf = FloatLanes(r)
        } else {
            vectors[Self.features] = mx
            vectors[Self.features + 1] = my
            rf = squareRoot(mx * mx + my * my)
            metR = roundToThreeDecimals(rf)
            xf = mx; yf = my
        }
        let parts = atan2Parts(yf, xf)
        let phi = parts.octants * (Float.pi / 4) + parts.small
        var nearTie = LaneMask(repeating: false)
        let phiR = roundToThreeDecimals(phi, nearTie: &nearTie)
        // cos, sin of the rounded angle: m / |m| turned by eps = phiR - phi (second-order step,
        // error below eps^3 / 6 < 3e-11; eps itself is accurate to 5e-8).
        let zeroLength = rf .== 0
        let cphi = (xf / rf).replacing(with: 1, where: zeroLength)
        let sphi = (yf / rf).replacing(with: 0, where: zeroLength)
        let eps = atan2Residual(phiR, from: parts)
        let c2 = 1 - 0.5 * eps * eps
        let metCos = cphi * c2 - sphi * eps, metSin = sphi * c2 + cphi * eps

        // Rounding and the post-selection cuts.
        let hadR = roundToThreeDecimals(had1)
        var j1R = roundToThreeDecimals(j11), j2R = roundToThreeDecimals(j21)
        var allR = roundToThreeDecimals(load(.jetAllPt) * jes)
        var nj = nj0
        var eta1 = load(.leadingEta), phi1 = load(.leadingPhi), eta2 = load(.subleadingEta), phi2 = load(.subleadingPhi)
        let lepPt = load(.lepPt)
        var keepMask = LaneMask(repeating: true), rareMask = nearTie
        if cuts {
            keepMask = (hadR .>= 26) .& (lepPt .>= 20)
            let removeSub = (j2R .>= 0) .& (j2R .<= 26)
            allR = allR.replacing(with: allR - j2R, where: removeSub)
            nj = nj.replacing(with: nj - 1, where: removeSub)
            j2R = j2R.replacing(with: undefined, where: removeSub)
            eta2 = eta2.replacing(with: undefined, where: removeSub)
            phi2 = phi2.replacing(with: undefined, where: removeSub)
            let removeLead = (j1R .>= 0) .& (j1R .<= 26)
            allR = allR.replacing(with: allR - j1R, where: removeLead)
            nj = nj.replacing(with: nj - 1, where: removeLead)
            j1R = j1R.replacing(with: undefined, where: removeLead)
            eta1 = eta1.replacing(with: undefined, where: removeLead)
            phi1 = phi1.replacing(with: undefined, where: removeLead)
            // A removed jet that n_jets still counts enters the DER formulas with its -25 values.
            rareMask = rareMask .| (removeLead .& (nj .>= 1)) .| (removeSub .& (nj .>= 2))
        }

        // The 12 DER features (DerivedFeatures' identities, lane by lane); masses and transverse
        // sums in Float64.
        let lepCos = load(.lepCos), lepSin = load(.lepSin)
        let ux = metCos - lepCos, uy = metSin - lepSin
        let lepD = DoubleLanes(lepPt)
        let mt = FloatLanes(squareRoot(clampedAtZero(DoubleLanes(metR) * lepD * DoubleLanes(ux * ux + uy * uy))))
        let mvis = FloatLanes(squareRoot(clampedAtZero(lepD * DoubleLanes(hadR) * DoubleLanes(load(.visFactor)))))
        let on1 = nj .>= 1, on2 = nj .>= 2
        let hx = DoubleLanes(hadR * hadCos) + DoubleLanes(lepPt * lepCos) + DoubleLanes(metR * metCos)
        let hy = DoubleLanes(hadR * hadSin) + DoubleLanes(lepPt * lepSin) + DoubleLanes(metR * metSin)
        let tx = hx + DoubleLanes(FloatLanes.zero.replacing(with: j1R * j1Cos, where: on1))
            + DoubleLanes(FloatLanes.zero.replacing(with: j2R * j2Cos, where: on2))
        let ty = hy + DoubleLanes(FloatLanes.zero.replacing(with: j1R * j1Sin, where: on1))
            + DoubleLanes(FloatLanes.zero.replacing(with: j2R * j2Sin, where: on2))
        let ptH = FloatLanes(squareRoot(hx * hx + hy * hy))
        let ptTot = FloatLanes(squareRoot(tx * tx + ty * ty))
        let mjj = FloatLanes(squareRoot(clampedAtZero(DoubleLanes(j1R) * DoubleLanes(j2R) * DoubleLanes(load(.jetPairFactor)))))
        let s = load(.centralitySign)
        let a = (metSin * lepCos - metCos * lepSin) * s
        let bb = (hadSin * metCos - hadCos * metSin) * s
        let d = squareRoot(a * a + bb * bb)
        rareMask = rareMask .| (d .== 0)

        var pattern = cuts ? maskBits(keepMask) : 0b1111
        if count - i < Self.lanes { pattern &= (1 << (count - i)) - 1 }
        let direct = pattern == 0b1111
        let target = direct ? UnsafeMutableRawPointer(output + w) : UnsafeMutableRawPointer(vectors)
        let targetStride = direct ? outputStride * MemoryLayout<Float>.stride : MemoryLayout<FloatLanes>.stride
        @inline(__always) func store(_ f: Feature, _ v: FloatLanes) {
            target.storeBytes(of: v, toByteOffset: f.index * targetStride, as: FloatLanes.self)
        }
        store(.lepPt, lepPt); store(.lepEta, load(.lepEta)); store(.lepPhi, load(.lepPhi))
        store(.hadPt, hadR); store(.hadEta, load(.hadEta)); store(.hadPhi, load(.hadPhi))
        store(.jetLeadingPt, j1R); store(.jetLeadingEta, eta1); store(.jetLeadingPhi, phi1)
        store(.jetSubleadingPt, j2R); store(.jetSubleadingEta, eta2); store(.jetSubleadingPhi, phi2)
        store(.nJets, nj); store(.jetAllPt, allR); store(.met, metR); store(.metPhi, phiR)
        store(.massTransverseMetLep, mt)
        store(.massVis, mvis)
        store(.ptH, ptH)
        store(.deltaEtaJetJet, undefined.replacing(with: load(.deltaEtaJetJet), where: on2))
        store(.massJetJet, undefined.replacing(with: mjj, where: on2))
        store(.prodEtaJetJet, undefined.replacing(with: load(.prodEtaJetJet), where: on2))
        store(.deltaRHadLep, load(.deltaRHadLep))
        store(.ptTot, ptTot)
        store(.sumPt, hadR + lepPt + allR)
        store(.ptRatioLepHad, lepPt / hadR)
        store(.metPhiCentrality, (a + bb) / d)
        store(.lepEtaCentrality, undefined.replacing(with: load(.lepEtaCentrality), where: on2))
        return (pattern, maskBits(rareMask))
    }
}

/// Lines to prefetch into L2 while a transform runs: `base + offsets[k] * stride` for
/// `k < count`, one per transformed row (the generator's next tile of pool records, so that its
/// gather finds them in cache instead of waiting on memory: the transform is bound by arithmetic,
/// the gather by memory latency).
struct PrefetchList {
    let base: UnsafeRawPointer
    let offsets: UnsafePointer<Int32>
    let count: Int
    let stride: Int

    @inline(__always)
    func issue(_ range: Range<Int>) {
        for k in range { fuq_prefetch_l2(base + Int(offsets[k]) * stride) }
    }
}
