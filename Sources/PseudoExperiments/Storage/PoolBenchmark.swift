import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Timings of writing and reading a pool file, for `bench benchmark` (release builds only give
/// meaningful figures; debug builds are ~10x slower).
///
/// Writes `table` to a pool in `directory` with the default block size and compression, reads
/// it back whole (every checksum and value verified), checks the round trip is bit-identical,
/// and deletes the file. Wall times include the per-column parallelism of ``PoolWriter`` and
/// ``PoolReader``; CPU times are the whole process's (all threads), so `cpu / wall` shows how
/// much of the machine the codec used. Target: 1 M rows written and read in well under a
/// second each on two idle cores.
public enum PoolBenchmark {
    /// The figures of one measurement.
    public struct Result: Sendable, Equatable {
        public var rows: Int
        /// Uncompressed bytes (4 per float column value, 1 per process code).
        public var rawBytes: Int
        public var fileBytes: Int
        public var writeWallSeconds: Double
        public var writeCPUSeconds: Double
        public var readWallSeconds: Double
        public var readCPUSeconds: Double

        /// File size over raw size.
        public var compressionRatio: Double { Double(fileBytes) / Double(max(rawBytes, 1)) }

        /// `(key, value, unit, label)` rows with stable keys naming their units.
        public var figures: [(key: String, value: Double, unit: String, label: String)] {
            [
                ("pool_rows", Double(rows), "rows", "Pool benchmark rows"),
                ("pool_file_bytes", Double(fileBytes), "bytes", "Pool file size"),
                ("pool_compression_ratio", compressionRatio, "", "Pool file / raw bytes"),
                ("pool_write_seconds_wall", writeWallSeconds, "s", "Pool write (wall)"),
                ("pool_write_seconds_cpu", writeCPUSeconds, "s", "Pool write (CPU, all threads)"),
                ("pool_read_seconds_wall", readWallSeconds, "s", "Pool read + verify (wall)"),
                ("pool_read_seconds_cpu", readCPUSeconds, "s", "Pool read + verify (CPU, all threads)"),
            ]
        }
    }

    /// Why a benchmark run failed beyond a pool error.
    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes and reads `table` once in `directory`.
    public static func measure(table: EventTable, directory: URL) throws -> Result {
        let url = directory.appendingPathComponent("pool-benchmark-\(ProcessInfo.processInfo.processIdentifier).pool")
        defer { try? FileManager.default.removeItem(at: url) }

        var cpu0 = Clock.processCPUSeconds(), wall0 = DispatchTime.now()
        let writer = try PoolWriter(url: url)
        try writer.append(table)
        try writer.finish()
        let writeWall = seconds(since: wall0), writeCPU = Clock.processCPUSeconds() - cpu0

        cpu0 = Clock.processCPUSeconds(); wall0 = DispatchTime.now()
        let back = try PoolReader(url: url).readAll()
        let readWall = seconds(since: wall0), readCPU = Clock.processCPUSeconds() - cpu0

        guard back.count == table.count, back.processCodes == table.processCodes,
              back.weights.map(\.bitPattern) == table.weights.map(\.bitPattern),
              zip(back.columns, table.columns).allSatisfy({ $0.map(\.bitPattern) == $1.map(\.bitPattern) }) else {
            throw Mismatch(description: "the pool read back differs from the table written: a bug in the pool codec")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
        return Result(rows: table.count, rawBytes: table.count * (4 * (Feature.allCases.count + 1) + 1),
                      fileBytes: size, writeWallSeconds: writeWall, writeCPUSeconds: writeCPU,
                      readWallSeconds: readWall, readCPUSeconds: readCPU)
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
