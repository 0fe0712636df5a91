import Foundation

/// Facts about the machine a benchmark ran on, to read the other figures by.
public struct MachineBenchmark: BenchmarkSuite {
    public let name = "machine"

    public init() {}

    public func run() throws -> [BenchmarkFigure] {
        var load = [Double](repeating: -1, count: 3)
        _ = getloadavg(&load, 3)
        #if DEBUG
        let release = 0.0
        #else
        let release = 1.0
        #endif
        return [
            BenchmarkFigure(key: "machine_cores", value: Double(ProcessInfo.processInfo.activeProcessorCount),
                            unit: "cores", label: "Active processor cores"),
            BenchmarkFigure(key: "machine_load_average_1min", value: load[0], unit: "",
                            label: "Load average (1 min) when the benchmark started"),
            BenchmarkFigure(key: "machine_release_build", value: release, unit: "",
                            label: "Release build (1) or debug build (0)"),
        ]
    }
}
