import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A memory-mapped event file of protocol v1: 28 Float32 feature columns (and, for training
/// pools, weights and process codes), read in place without copying.
///
/// ```swift
/// let mass = events.column("DER_mass_vis")     // UnsafeBufferPointer<Float>, one value per row
/// for i in 0..<events.rows where mass[i] > 100 { ... }
/// ```
/// The buffers are valid while the estimator handles the message that named the file (the
/// harness rewrites a worker's file for its next pseudo-experiment): copy what must outlive it.
public struct EventFile {
    /// The feature columns, in file order.
    public static let features = [
        "PRI_lep_pt", "PRI_lep_eta", "PRI_lep_phi", "PRI_had_pt", "PRI_had_eta", "PRI_had_phi",
        "PRI_jet_leading_pt", "PRI_jet_leading_eta", "PRI_jet_leading_phi",
        "PRI_jet_subleading_pt", "PRI_jet_subleading_eta", "PRI_jet_subleading_phi",
        "PRI_n_jets", "PRI_jet_all_pt", "PRI_met", "PRI_met_phi",
        "DER_mass_transverse_met_lep", "DER_mass_vis", "DER_pt_h", "DER_deltaeta_jet_jet",
        "DER_mass_jet_jet", "DER_prodeta_jet_jet", "DER_deltar_had_lep", "DER_pt_tot", "DER_sum_pt",
        "DER_pt_ratio_lep_had", "DER_met_phi_centrality", "DER_lep_eta_centrality",
    ]
    /// Process names by process code.
    public static let processes = ["htautau", "ztautau", "ttbar", "diboson"]
    /// The value of an undefined feature.
    public static let undefined: Float = -25

    static let magic: [UInt8] = [0x89, 0x46, 0x55, 0x51, 0x45, 0x56, 0x54, 0x0A]
    static let headerBytes = 64

    public let path: String
    public let rows: Int
    /// Whether the file has weights and process codes (training pools).
    public let labelled: Bool
    let mapping: Mapping
    /// The id of the transform request that produced the file, if any.
    var requestID: Int?

    /// One feature column by name (precondition: a name of ``features``).
    public func column(_ name: String) -> UnsafeBufferPointer<Float> {
        guard let index = EventFile.features.firstIndex(of: name) else {
            preconditionFailure("no feature column \(name); the columns are \(EventFile.features)")
        }
        return column(at: index)
    }

    /// Feature column `index` (0..<28).
    public func column(at index: Int) -> UnsafeBufferPointer<Float> {
        precondition(index >= 0 && index < EventFile.features.count, "feature index \(index) outside 0..<28")
        return floats(at: EventFile.headerBytes + 4 * rows * index)
    }

    /// Expected events per row (training pools; empty otherwise).
    public var weights: UnsafeBufferPointer<Float> {
        labelled ? floats(at: EventFile.headerBytes + 4 * rows * EventFile.features.count) : UnsafeBufferPointer(start: nil, count: 0)
    }

    /// Process codes, 0 htautau, 1 ztautau, 2 ttbar, 3 diboson (training pools; empty otherwise).
    public var processCodes: UnsafeBufferPointer<UInt8> {
        guard labelled, rows > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        let offset = EventFile.headerBytes + 4 * rows * (EventFile.features.count + 1)
        return UnsafeBufferPointer(start: (mapping.base! + offset).assumingMemoryBound(to: UInt8.self), count: rows)
    }

    private func floats(at offset: Int) -> UnsafeBufferPointer<Float> {
        guard rows > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: (mapping.base! + offset).assumingMemoryBound(to: Float.self), count: rows)
    }

    /// Maps `path` (reusing the mapping while the file keeps its size) and checks its header.
    static func open(_ path: String, rows expected: Int?, cache: inout [String: Mapping]) throws -> EventFile {
        var info = stat()
        guard stat(path, &info) == 0 else { throw PluginFailure("cannot open event file \(path): \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        let mapping: Mapping
        if let cached = cache[path], cached.size == size {
            mapping = cached
        } else {
            mapping = try Mapping(path: path, size: size)
            cache[path] = mapping
        }
        guard size >= headerBytes, let base = mapping.base,
              Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: 8)) == magic else {
            throw PluginFailure("\(path) is not a plugin event file")
        }
        let version = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let columns = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let rows = Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        let labelled = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 24, as: UInt32.self)) & 1 != 0
        guard version == 1, columns == features.count else {
            throw PluginFailure("\(path): event file version \(version) with \(columns) columns; expected version 1 with 28")
        }
        if let expected, expected != rows { throw PluginFailure("\(path): the message says \(expected) rows, the file \(rows)") }
        let needed = headerBytes + 4 * columns * rows + (labelled ? 5 * rows : 0)
        guard size >= needed else { throw PluginFailure("\(path): \(size) bytes, fewer than its \(rows) rows need") }
        return EventFile(path: path, rows: rows, labelled: labelled, mapping: mapping, requestID: nil)
    }

    /// A read-only shared mapping of a whole file.
    final class Mapping {
        let size: Int
        let base: UnsafeMutableRawPointer?

        init(path: String, size: Int) throws {
            self.size = size
            guard size > 0 else { base = nil; return }
            #if canImport(Glibc)
            let fd = Glibc.open(path, O_RDONLY)
            #else
            let fd = Darwin.open(path, O_RDONLY)
            #endif
            guard fd >= 0 else { throw PluginFailure("cannot open event file \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            guard let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
                throw PluginFailure("cannot map event file \(path): \(String(cString: strerror(errno)))")
            }
            base = p
        }

        deinit { if let base { munmap(base, size) } }
    }
}
