import Foundation
import Parquet

/// Speed and memory of reading the challenge's Parquet data, side by side with pyarrow.
///
/// Writes `events` simulated rows (``SimulationPlan/unitYields(seed:events:blockRows:)``) in the
/// challenge's layout (28 float32 features, float32 `weights`, string `detailed_labels`, int32
/// `labels`; SNAPPY pages; row groups of `rowGroupRows`, pyarrow's default of 2^20) to a
/// temporary file, then measures, on one core:
/// ```
/// parquet_decode_rows_per_second   ParquetEvents, every column decoded and checked (best of `repetitions`, CPU time)
/// parquet_import_rows_per_second   `bench import` in a child process: decode, check, hash, write the pool (wall time)
/// parquet_import_peak_mb           that child's peak resident memory
/// pyarrow_read_rows_per_second     pyarrow.parquet.read_table(path, use_threads=False) (best of `repetitions`, process CPU)
/// parquet_decode_vs_pyarrow        pyarrow's seconds / ours (>= 0.67 meets "no slower than 1.5x")
/// ```
/// and the decode figures again on the same rows rewritten by pyarrow with its defaults (as the
/// challenge wrote its files: dictionary-encoded columns falling back to PLAIN), keys with
/// `pyarrow_file`.
/// pyarrow figures are left out (not faked) where `python3 -c "import pyarrow"` fails; the child
/// figures where the `bench` executable is not found (the suite run from a library).
public struct ParquetBenchmark: BenchmarkSuite {
    public let name = "parquet"
    public var events: Int
    public var rowGroupRows: Int
    public var repetitions: Int
    /// The `bench` executable for the import child (default: this process, when it is `bench`).
    public var benchExecutable: String?

    public init(events: Int = 3_000_000, rowGroupRows: Int = 1 << 20, repetitions: Int = 3,
                benchExecutable: String? = CommandLine.arguments.first.flatMap {
                    URL(fileURLWithPath: $0).lastPathComponent == "bench" ? $0 : nil
                }) {
        precondition(events > 0 && rowGroupRows > 0 && repetitions > 0, "sizes must be positive")
        self.events = events
        self.rowGroupRows = rowGroupRows
        self.repetitions = repetitions
        self.benchExecutable = benchExecutable
    }

    public func run() throws -> [BenchmarkFigure] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fair-uq-parquet-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data.parquet")
        try writeFile(file)
        let n = Double(events)
        var figures = [
            BenchmarkFigure(key: "parquet_rows", value: n, unit: "rows", label: "Rows in the Parquet file (SNAPPY, row groups of \(rowGroupRows))"),
            BenchmarkFigure(key: "parquet_file_mb", value: Double(try fileSize(file)) / 1e6, unit: "MB", label: "Size of the Parquet file"),
        ]

        let best = try decodeSeconds(file)
        figures.append(BenchmarkFigure(key: "parquet_decode_rows_per_second", value: n / best, unit: "rows/s",
                                       label: "Decoding and checking the challenge's Parquet (one core)"))

        if let bench = benchExecutable,
           let child = Self.measuredChild([bench, "import", file.path, "--keep-weights", "--output",
                                               dir.appendingPathComponent("data.fuqpool").path]) {
            figures.append(BenchmarkFigure(key: "parquet_import_rows_per_second", value: n / child.seconds, unit: "rows/s",
                                           label: "bench import: decode, check, hash, write the pool (child process)"))
            figures.append(BenchmarkFigure(key: "parquet_import_peak_mb", value: child.peakBytes / 1e6,
                                           unit: "MB", label: "bench import: peak resident memory"))
        }

        if let pyarrow = pyarrowSeconds(file) {
            figures.append(BenchmarkFigure(key: "pyarrow_read_rows_per_second", value: n / pyarrow.seconds, unit: "rows/s",
                                           label: "pyarrow read_table(use_threads=False), same file"))
            figures.append(BenchmarkFigure(key: "pyarrow_read_peak_mb", value: pyarrow.peakBytes / 1e6, unit: "MB",
                                           label: "pyarrow read_table: peak resident memory of its process"))
            figures.append(BenchmarkFigure(key: "parquet_decode_vs_pyarrow", value: pyarrow.seconds / best, unit: "x",
                                           label: "pyarrow's time / ours (>= 0.67: within 1.5x of pyarrow)"))
        }

        // The same rows as pyarrow writes them by default, as the challenge's files were written:
        // every column dictionary-encoded until its dictionary outgrows 1 MB, then PLAIN.
        let rewritten = dir.appendingPathComponent("data-pyarrow.parquet")
        if Self.python(Self.rewriteScript, [file.path, rewritten.path, String(rowGroupRows)]) != nil,
           let pyarrow = pyarrowSeconds(rewritten) {
            let ours = try decodeSeconds(rewritten)
            figures.append(BenchmarkFigure(key: "parquet_pyarrow_file_mb", value: Double(try fileSize(rewritten)) / 1e6, unit: "MB",
                                           label: "The same rows written by pyarrow (its defaults: dictionary, SNAPPY)"))
            figures.append(BenchmarkFigure(key: "parquet_decode_pyarrow_file_rows_per_second", value: n / ours, unit: "rows/s",
                                           label: "Decoding and checking pyarrow's file (one core)"))
            figures.append(BenchmarkFigure(key: "pyarrow_read_pyarrow_file_rows_per_second", value: n / pyarrow.seconds, unit: "rows/s",
                                           label: "pyarrow read_table(use_threads=False), pyarrow's file"))
            figures.append(BenchmarkFigure(key: "parquet_decode_vs_pyarrow_pyarrow_file", value: pyarrow.seconds / ours, unit: "x",
                                           label: "pyarrow's time / ours on pyarrow's file (>= 0.67: within 1.5x)"))
        }
        return figures
    }

    /// Best CPU seconds of `repetitions` decodes of `file` (every column decoded and checked).
    private func decodeSeconds(_ file: URL) throws -> Double {
        var best = Double.infinity
        for _ in 0..<repetitions {
            var failure: Error?
            let t = Clock.cpuSeconds {
                do {
                    let events = try ParquetEvents(path: file.path)
                    var rows = 0
                    try events.forEachTable(part: .all, sumWeights: nil) { rows += $0.count }
                    precondition(rows == self.events, "read \(rows) rows of \(self.events)")
                } catch { failure = error }
            }
            if let failure { throw failure }
            best = min(best, t)
        }
        return best
    }

    private static let rewriteScript = """
        import sys
        import pyarrow.parquet as pq
        pq.write_table(pq.read_table(sys.argv[1]), sys.argv[2], row_group_size=int(sys.argv[3]))
        print(0)
        """

    private func writeFile(_ url: URL) throws {
        let table = try EventSimulator.table(try SimulationPlan.unitYields(seed: 98, events: events))
        let writer = try ParquetWriter(path: url.path, columns: ParquetExport.poolColumns)
        var start = 0
        while start < table.count {
            let rows = start..<min(start + rowGroupRows, table.count)
            try writer.writeRowGroup(ParquetExport.poolRowGroup(table, rows: rows))
            start = rows.upperBound
        }
        try writer.finish()
    }

    private func fileSize(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    /// pyarrow's best process-CPU seconds for `read_table` and its process's peak memory; nil
    /// when pyarrow is not installed.
    private func pyarrowSeconds(_ file: URL) -> (seconds: Double, peakBytes: Double)? {
        let script = """
            import resource, sys, time
            try:
                import pyarrow.parquet as pq
            except ImportError:
                print("none"); sys.exit(0)
            best = float("inf")
            for _ in range(\(repetitions)):
                t = time.process_time()
                table = pq.read_table(sys.argv[1], use_threads=False)
                best = min(best, time.process_time() - t)
                assert table.num_rows == \(events)
                del table
            print(best, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
            """
        guard let parts = Self.python(script, [file.path]), parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }

    /// Runs `command` under a small python3 wrapper whose only child it is, so the peak
    /// resident memory reported (getrusage of the children) is that command's alone. Nil when
    /// the command fails or python3 is missing.
    private static func measuredChild(_ command: [String]) -> (seconds: Double, peakBytes: Double)? {
        let script = """
            import resource, subprocess, sys, time
            t = time.monotonic()
            r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(r.returncode, time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
            """
        guard let parts = python(script, command), parts.count == 3, parts[0] == 0 else { return nil }
        return (parts[1], parts[2])
    }

    /// The numbers `python3 -c script arguments...` prints; nil when it cannot run or fails.
    private static func python(_ script: String, _ arguments: [String]) -> [Double]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    }
}
