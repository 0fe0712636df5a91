import CTransform
import Foundation

/// Drives the SIMD kernel of the systematics transform (C: `Sources/CTransform`; see
/// `PreparedEvents+Transform.swift` for the formulas and their order); memory is owned by the
/// caller.
///
/// The kernel processes rows in vectors of ``PreparedEvents/lanes`` (8). A vector whose rows are
/// all kept (about half of them with the cuts on) stores its 28 features straight into the
/// output; the others are packed: the kept lanes of each column are moved together (one permute
/// per column with AVX2), so the cuts cost no per-value branching. The same C source is compiled
/// for AVX-512, AVX2 and baseline x86-64 (any CPU) and the widest the CPU has runs; all give the
/// same bits (tests run each). Rows that need exact scalar work (``rareRow(position:metX:metY:)``) are
/// listed by the kernel and redone here after each chunk.
struct TransformKernel {
    /// The kernel variants (`FUQ_KERNEL_*`), in order of the instructions they need.
    enum Variant: Int32, CaseIterable {
        /// The widest this CPU has.
        case automatic = 0
        /// Baseline instructions (SSE2 on x86-64): runs anywhere.
        case baseline = 1
        /// 256-bit AVX2 vectors; runs as the baseline where the CPU lacks AVX2.
        case avx2 = 2
        /// AVX-512 for the Double vectors (one register for 8 lanes); runs as the best the CPU has
        /// where it lacks AVX-512.
        case avx512 = 3

        /// The variant ``automatic`` picks on this CPU.
        static var best: Variant { Variant(rawValue: fuq_transform_best_variant()) ?? .baseline }

        /// For benchmark output.
        var name: String {
            switch self {
            case .automatic: return Self.best.name
            case .baseline: return "baseline"
            case .avx2: return "AVX2"
            case .avx512: return "AVX-512"
            }
        }
    }

    /// Whether the C kernel's counts of features and prepared fields are Swift's (checked once, not
    /// per 256-row tile: `allCases` builds an array).
    private static let layoutMatches = Feature.allCases.count == Int(FUQ_FEATURE_COUNT)
        && PreparedEvents.Field.allCases.count == Int(FUQ_FIELD_COUNT.rawValue)

    /// Rows per kernel call: its rare rows fit a small buffer and are fixed while the output is in cache.
    static let chunk = 2048

    let input: UnsafePointer<Float>
    let count: Int
    let sourceRows: UnsafePointer<Int32>
    let output: UnsafeMutablePointer<Float>
    let outputStride: Int
    let rows: UnsafeMutablePointer<Int32>
    let shift: SystematicShift
    /// Memory the caller reads next, prefetched into L2 one line per row as rows are transformed.
    let prefetch: PrefetchList?
    let variant: Variant

    init(input: UnsafePointer<Float>, count: Int, sourceRows: UnsafePointer<Int32>,
         output: UnsafeMutablePointer<Float>, outputStride: Int, rows: UnsafeMutablePointer<Int32>,
         shift: SystematicShift, prefetch: PrefetchList? = nil, variant: Variant = .automatic) {
        precondition(Self.layoutMatches, "the C kernel's layout must match Feature and PreparedEvents.Field")
        self.input = input; self.count = count; self.sourceRows = sourceRows
        self.output = output; self.outputStride = outputStride; self.rows = rows; self.shift = shift
        self.prefetch = prefetch
        self.variant = variant
    }

    /// Transforms all rows; returns the number written to the output.
    func run(rng: inout SeededGenerator) -> Int {
        // The rare-row lists live on the stack: a pseudo-experiment calls this once per 256-row tile.
        let capacity = Swift.min(Self.chunk, count)
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { positions in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * capacity) { met in
                run(rng: &rng, positions: positions.baseAddress!, metX: met.baseAddress!, metY: met.baseAddress! + capacity,
                    capacity: capacity)
            }
        }
    }

    private func run(rng: inout SeededGenerator, positions: UnsafeMutablePointer<Int32>, metX: UnsafeMutablePointer<Double>,
                     metY: UnsafeMutablePointer<Double>, capacity: Int) -> Int {
        ZigguratTables.withTables { ziggurat in
            var job = fuq_transform_job(
                input: input, count: count, source_rows: sourceRows, output: output, output_stride: outputStride,
                rows: rows, tes: Float(shift.tes), jes: Float(shift.jes),
                tes_factor: Float((1 - shift.tes) / shift.tes), jes_factor: Float((1 - shift.jes) / shift.jes),
                soft_met: shift.softMet, cuts: shift.applyCuts ? 1 : 0, ziggurat: ziggurat,
                prefetch_base: nil, prefetch_offsets: nil, prefetch_count: 0, prefetch_stride: 0)
            if let prefetch {
                job.prefetch_base = prefetch.base.assumingMemoryBound(to: UInt8.self)
                job.prefetch_offsets = prefetch.offsets
                job.prefetch_count = prefetch.count
                job.prefetch_stride = prefetch.stride
            }
            var rare = fuq_rare_rows(positions: positions, met_x: metX, met_y: metY, capacity: capacity, count: 0)
            var written = 0
            var begin = 0
            while begin < count {
                let end = Swift.min(begin + Self.chunk, count)
                written = rng.withState { state in
                    fuq_transform(&job, begin, end, written, &state, &rare, variant.rawValue)
                }
                for k in 0..<rare.count {
                    rareRow(position: Int(positions[k]), metX: metX[k], metY: metY[k])
                }
                begin = end
            }
            return written
        }
    }

    /// The exact scalar path for one row already stored at output row `p`, with its MET vector:
    /// `PRI_met_phi` from libm's `atan2` in Double (the polynomial angle was within 1e-3 of a
    /// rounding tie, or the row is rare anyway), then the DER features by the reference definition
    /// (a removed jet still counted in `n_jets`, or the degenerate MET phi centrality).
    private func rareRow(position p: Int, metX: Double, metY: Double) {
        let phi: Float
        if shift.softMet > 0 {
            phi = Float(roundToThreeDecimals(atan2(metY, metX)))
        } else {
            phi = roundToThreeDecimals(Float(atan2(metY, metX)))
        }
        output[Feature.metPhi.index * outputStride + p] = phi
        DerivedFeatures.compute(primaries: output + p, stride: outputStride,
                                into: output + Feature.massTransverseMetLep.index * outputStride + p,
                                outStride: outputStride)
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
}
