import ArgumentParser
import Baselines
import Evaluation
import Foundation
import PluginHost
import PseudoExperiments

/// `bench benchmark`: runs the registered benchmark suites and prints their figures.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure the harness's speed (use a release build: swift build -c release).",
        discussion: "Prints a table, or with --format json one flat JSON object whose keys name the figures.")

    /// The registry of benchmark suites, in the order they run. Add a suite here, one line.
    static let suites: [any BenchmarkSuite] = [
        MachineBenchmark(),
        TransformBenchmark(),
        EventFileBenchmark(),
        ParquetBenchmark(),
        RunnerBenchmark(),
        SimulatorBenchmark(),
        PluginBenchmark(),
        FairUniverseBenchmark(),
        PseudoExperimentBenchmark(),
        BaselineBenchmark(),
    ]

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    @Option(name: .customLong("suite"), help: "Run only this suite (repeatable): \(suites.map(\.name).joined(separator: ", ")).")
    var selected: [String] = []

    func validate() throws {
        let names = Set(Self.suites.map(\.name))
        for s in selected where !names.contains(s) {
            throw ValidationError("no benchmark suite '\(s)'; the suites are \(Self.suites.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        #if DEBUG
        Terminal.error("warning: this is a debug build; figures are ~10x too slow. Use swift build -c release.")
        #endif
        var figures: [BenchmarkFigure] = []
        for suite in Self.suites where selected.isEmpty || selected.contains(suite.name) {
            figures += try suite.run()
        }
        switch format {
        case .json:
            print(BenchmarkReport.json(figures))
        case .table:
            print(BenchmarkReport.table(figures))
        }
    }
}
