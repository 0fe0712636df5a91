import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench simulate`: generates a pool of simulated events with the built-in simulator.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Generate simulated events (htautau, ztautau, ttbar, diboson) with the built-in simulator.",
        discussion: """
            Events carry the FAIR Universe columns; the weights of each process sum to its \
            expected events at the spec's reference luminosity (fair-universe-2024: 10 fb^-1). \
            --events N splits N rows by default as htautau 33.6%, ttbar 8%, diboson 3%, ztautau \
            the rest; --rows gives each process's rows instead. An --output ending in .csv is \
            written as CSV, anything else as a binary pool. The same seed and rows give the same \
            bytes whatever the number of workers.
            """
    )

    @Option(name: .long, help: "Total number of events (split between the processes by default).")
    var events: Int?

    @Option(name: .long, help: "Rows per process: htautau=N,ztautau=N,ttbar=N,diboson=N.")
    var rows: String?

    @Option(name: .long, help: "Root seed (a 64-bit unsigned integer).")
    var seed: UInt64

    @Option(name: .long, help: "Output file: .csv for CSV, anything else for a binary pool.")
    var output: String

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var workers: Int?

    @Option(name: .long, help: "Challenge spec whose yields the weights carry: a built-in name or a spec file.")
    var spec: String = "fair-universe-2024"

    func validate() throws {
        if events == nil && rows == nil { throw ValidationError("Give --events N or --rows htautau=N,ztautau=N,ttbar=N,diboson=N.") }
        if let events, events < 1 { throw ValidationError("--events must be a positive whole number, got \(events).") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers).") }
    }

    func run() throws {
        let processRows: ProcessRows
        if let rows {
            processRows = try ProcessRows.parse(rows)
            if let events, events != processRows.total {
                throw SimulationError.eventCountMismatch(events: events, rowsTotal: processRows.total)
            }
        } else {
            processRows = try ProcessRows.split(total: events ?? 0)
        }
        let challenge = try ChallengeSpec.resolve(spec)
        let plan = SimulationPlan(seed: seed, rows: processRows, spec: challenge)
        let url = URL(fileURLWithPath: output)
        let summary = try EventSimulator.write(plan, to: url, workers: workers ?? EventSimulator.defaultWorkers)
        print("wrote \(processRows.total) events to \(url.path) (simulator version \(EventSimulator.version), seed \(seed))")
        for process in PhysicsProcess.allCases {
            let n = processRows[process]
            let sum = Double(plan.weight(of: process)) * Double(n)
            print("  \(process.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) rows \(n)  weight \(plan.weight(of: process))  sum of weights \(String(format: "%.1f", sum))  selection efficiency \(String(format: "%.3f", summary.efficiency(of: process)))")
        }
        print(String(format: "%.2f s, %.0f events/s", summary.seconds, summary.eventsPerSecond))
    }
}
