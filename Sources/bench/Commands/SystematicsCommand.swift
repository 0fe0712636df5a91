import ArgumentParser
import Foundation
import PseudoExperiments

/// `bench systematics`: the FAIR Universe systematics transform on a CSV event file.
struct SystematicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "systematics",
        abstract: "Apply the systematics transform (TES, JES, soft MET, cuts) to a CSV event file.",
        discussion: """
            Reads a CSV with the FAIR Universe columns (16 PRI_*, weights, detailed_labels; DER_*, \
            labels, input_row optional), applies the energy scales, the soft-MET noise, the 3-decimal \
            rounding and the post-selection cuts, recomputes the 12 DER_* features and writes the \
            surviving rows with input_row = the 0-based index of the row in the input file.
            Soft-MET noise is drawn from the generator SeedDerivation(seed, softMet), one Gaussian pair \
            per input row in file order, so the same seed gives the same file.
            """)

    @Option(help: "Input CSV event file.")
    var input: String

    @Option(help: "Tau energy scale factor (1 = nominal).")
    var tes: Double = 1

    @Option(help: "Jet energy scale factor (1 = nominal).")
    var jes: Double = 1

    @Option(name: .customLong("soft-met"), help: "Soft-MET noise width in GeV per MET component (0 = none).")
    var softMet: Double = 0

    @Option(help: "Root seed of the soft-MET noise.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-cuts"), help: "Do not apply the post-selection cuts.")
    var noCuts = false

    @Option(help: "Output CSV file.")
    var output: String

    func validate() throws {
        let shift = SystematicShift(tes: tes, jes: jes, softMet: softMet)
        if let problem = shift.problem { throw ValidationError(problem) }
    }

    func run() throws {
        let url = URL(fileURLWithPath: input)
        let table = try EventFile.readTable(url)
        let shift = SystematicShift(tes: tes, jes: jes, softMet: softMet, applyCuts: !noCuts)
        var noise = SeedDerivation.generator(seed, .softMet)
        let result = table.applyingSystematics(shift, noise: &noise)
        try result.table.writeCSV(to: URL(fileURLWithPath: output), inputRows: result.sourceRows)
        print("\(result.table.count) of \(table.count) events survive; wrote \(output)")
    }
}
