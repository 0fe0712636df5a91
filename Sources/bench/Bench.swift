import ArgumentParser
import PseudoExperiments

/// The `bench` command line: parses arguments and calls the libraries.
///
/// The list of subcommands is the registry of what the tool does; each lives in
/// `Commands/<Name>Command.swift`.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Uncertainty-quantification challenges for particle physics (FAIR Universe style).",
        version: Harness.version,
        subcommands: [
            ScoreCommand.self,
            LeaderboardCommand.self,
            StoreCommand.self,
            ReportCommand.self,
            SystematicsCommand.self,
            InspectCommand.self,
            ImportCommand.self,
            BenchmarkCommand.self,
            SimulateCommand.self,
            GenerateCommand.self,
            ExportCommand.self,
            EvaluateCommand.self,
            RunCommand.self,
            SlurmCommand.self,
        ]
    )
}
