import Foundation

/// Speed of reading and writing CSV event files (``EventTable/readCSV(from:)``, ``EventTable/writeCSV(to:inputRows:)``).
///
/// Writes `events` simulated rows (default split, ``SimulationPlan/unitYields(seed:events:blockRows:)``;
/// all 31 FAIR columns plus `input_row`) to a
/// temporary file, reads it back (best of `repetitions`, CPU time), and deletes it.
public struct EventFileBenchmark: BenchmarkSuite {
    public let name = "csv"
    public var events: Int
    public var repetitions: Int

    public init(events: Int = 1_000_000, repetitions: Int = 3) {
        precondition(events > 0 && repetitions > 0, "events and repetitions must be positive, got \(events), \(repetitions)")
        self.events = events
        self.repetitions = repetitions
    }

    public func run() throws -> [BenchmarkFigure] {
        let table = try EventSimulator.table(try SimulationPlan.unitYields(seed: 99, events: events))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fair-uq-csv-benchmark-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var writeError: Error?
        let writeSeconds = Clock.cpuSeconds {
            do { try table.writeCSV(to: url, inputRows: Array(0..<events)) } catch { writeError = error }
        }
        if let writeError { throw writeError }
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
        var best = Double.infinity
        for _ in 0..<repetitions {
            var readError: Error?
            let t = Clock.cpuSeconds {
                do { _ = try EventTable.readCSV(from: url) } catch { readError = error }
            }
            if let readError { throw readError }
            best = min(best, t)
        }
        let n = Double(events)
        return [
            BenchmarkFigure(key: "csv_rows", value: n, unit: "rows", label: "Rows in the CSV file"),
            BenchmarkFigure(key: "csv_read_rows_per_second", value: n / best, unit: "rows/s", label: "Reading a CSV event file"),
            BenchmarkFigure(key: "csv_read_mb_per_second", value: bytes / best / 1e6, unit: "MB/s", label: "Reading a CSV event file"),
            BenchmarkFigure(key: "csv_write_rows_per_second", value: n / writeSeconds, unit: "rows/s", label: "Writing a CSV event file"),
        ]
    }
}
