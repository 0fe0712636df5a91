import ArgumentParser
import Foundation
import PseudoExperiments

/// Temporary: runs the pseudo-experiment benchmark until the `bench benchmark` suite registry
/// is merged (then it becomes one suite of it).
struct SetsBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sets-benchmark", shouldDisplay: false)

    @Option var largeRows = 50_000_000
    @Option var smallRows = 1_000_000
    @Option var repeats = 7

    func run() throws {
        AllocationTuning.reuseLargeBlocks()
        let figures = try PseudoExperimentBenchmark(smallPoolRows: smallRows, largePoolRows: largeRows,
                                                    pseudoExperiments: repeats).run()
        for f in figures {
            print("\(f.label.padding(toLength: 60, withPad: " ", startingAt: 0)) \(String(format: "%.3f", f.value)) \(f.unit)  \(f.key)")
        }
    }
}
