import Foundation

/// Why a pool, a set directory, a pseudo-experiment file or a truths file could not be used or
/// written.
///
/// Every case names the file, row, field or index concerned and its description says what to
/// do. Nothing half-written is ever left looking valid: directories and files are written under
/// temporary names and renamed when complete (``SetWriter``).
public enum SetError: Error, CustomStringConvertible, LocalizedError {
    /// A pool value that the pseudo-experiment records cannot hold exactly.
    case poolValueNotStorable(row: Int, field: String, value: Float, rule: String)
    /// A pool file whose rows cannot be used (a missing process, a bad weight, ...).
    case unusablePool(file: String, reason: String)
    /// A pool whose content digest is not the one the set manifest records.
    case poolMismatch(expected: String, found: String)
    /// A set, truths or index file that does not have the format's structure.
    case badFile(file: String, field: String, problem: String)
    /// A file of a format or rule version this build does not read.
    case unsupportedVersion(file: String, what: String, found: Int, supported: Int)
    /// A file whose checksums or layout do not match: never used.
    case corruptFile(file: String, detail: String)
    /// A file that ends too early: cut short or never finished.
    case truncatedFile(file: String, detail: String)
    /// A file or directory that could not be read, created or written.
    case io(file: String, action: String, reason: String)
    /// An output that exists already (outputs are never overwritten).
    case outputExists(path: String)
    /// A truths file asked for inside the set directory (which the harness reads pseudo-experiments from).
    case truthsInsideDirectory(truths: String, directory: String)
    /// A path that is not a (finished) set directory.
    case notASetDirectory(path: String, reason: String)
    /// A stored view asked of a set whose pseudo-experiments are regenerated on the fly.
    case notMaterialized(path: String)
    /// A pseudo-experiment to regenerate without a pool.
    case poolRequired(path: String)
    /// A pool file was given for a challenge variant, whose shifted pool is simulated.
    case shiftedPoolIsSimulated(challenge: String, file: String)
    /// A challenge on a data file was to be run without it.
    case dataFileRequired(challenge: String, file: String, metadata: String?)
    /// A set drawn from a simulated pool of another simulator version.
    case simulatorVersionMismatch(path: String, recorded: Int, available: Int)
    /// Indices outside the set directory.
    case noSuchPseudoExperiment(set: Int, pseudoExperiment: Int, sets: Int, perSet: Int)
    /// A sealed collection's secret that is not 32 bytes (or not hexadecimal).
    case badSecret(reason: String)
    /// A sealed set directory opened without its truth file (which alone holds its secret).
    case sealedNeedsTruths(path: String, truths: String, reason: String)
    /// A truth file whose secret does not open the manifest's commitment, or that belongs to
    /// another manifest.
    case truthsDoNotMatch(truths: String, directory: String, reason: String)

    public var description: String {
        switch self {
        case let .poolValueNotStorable(row, field, value, rule):
            return "Pool row \(row), \(field): the value \(value) is not \(rule), which pseudo-experiments require. Fix or drop that row of the pool."
        case let .unusablePool(file, reason):
            return "Pool '\(file)' cannot be used for pseudo-experiments: \(reason)"
        case let .poolMismatch(expected, found):
            return "The pool's content digest is \(found), but the set manifest records \(expected): these pseudo-experiments were drawn from another pool. Pass the pool the set was generated from (or generate a new set from this pool)."
        case let .badFile(file, field, problem):
            return "File '\(file)'\(field.isEmpty ? "" : ", field '\(field)'"): \(problem). Regenerate it with `bench generate` rather than editing it."
        case let .unsupportedVersion(file, what, found, supported):
            return "File '\(file)' uses \(what) version \(found), but this build reads version \(supported) only. Use a matching bench build or regenerate the set."
        case let .corruptFile(file, detail):
            return "File '\(file)' is corrupt: \(detail); it was not used. Regenerate the set directory or restore an intact copy."
        case let .truncatedFile(file, detail):
            return "File '\(file)' is truncated (\(detail)): it was cut short or never finished; it was not used. Regenerate the set directory or copy it again."
        case let .io(file, action, reason):
            return "Could not \(action) '\(file)': \(reason). Check that the path exists and is writable (or readable), and that the disk is not full."
        case let .outputExists(path):
            return "'\(path)' exists already; outputs are never overwritten. Choose another path or remove it first."
        case let .truthsInsideDirectory(truths, directory):
            return "The truths file '\(truths)' would be inside the set directory '\(directory)', which the harness reads pseudo-experiments from; put it outside (the default is DIR.truth.json beside DIR)."
        case let .notASetDirectory(path, reason):
            return "'\(path)' is not a set directory: \(reason). Give a directory written by `bench generate`."
        case let .notMaterialized(path):
            return "The set directory '\(path)' stores no pseudo-experiments (they are regenerated from the pool); pass the pool to regenerate them, or generate the set with --materialize."
        case let .poolRequired(path):
            return "The pseudo-experiments of '\(path)' are regenerated from its pool, which was not given; pass it with --pool FILE (the set's own pool file, or the challenge's simulated pool)."
        case let .shiftedPoolIsSimulated(challenge, file):
            return "The challenge '\(challenge)' is a variant whose evaluation pool is its nominal simulated pool with a domain shift applied (evaluation_shift), so it cannot be drawn from the pool file '\(file)'; leave out --pool (the shifted pool is simulated and cached), or use the nominal challenge with that file."
        case let .dataFileRequired(challenge, file, metadata):
            return "The challenge '\(challenge)' is run on the challenge's own data, which is not shipped with bench: "
                + "pass it with --data \(file)" + (metadata.map { " (its metadata \($0) beside it, or --metadata FILE)" } ?? "")
                + ", or pools of your own with --pool and --training-pool."
        case let .simulatorVersionMismatch(path, recorded, available):
            return "The pseudo-experiments of '\(path)' were drawn from a pool of simulator version \(recorded), but this build simulates version \(available), whose events differ. Use a bench build of simulator version \(recorded), or pass that pool file with --pool."
        case let .noSuchPseudoExperiment(set, pe, sets, perSet):
            return "There is no set \(set), pseudo-experiment \(pe): the set directory has sets 0..<\(sets) of \(perSet) pseudo-experiments (0..<\(perSet))."
        case let .badSecret(reason):
            return "The secret of a sealed set is unusable: \(reason). Use the truth file `bench generate` wrote for the set, unedited."
        case let .sealedNeedsTruths(path, truths, reason):
            return "The set directory '\(path)' is sealed: its root seed is kept only in its truth file, and '\(truths)' \(reason). Pass the set's truth file with --truths FILE (default DIR.truth.json beside DIR)."
        case let .truthsDoNotMatch(truths, directory, reason):
            return "The truth file '\(truths)' does not belong to the set directory '\(directory)': \(reason). Pass the truth file that `bench generate` wrote together with this directory."
        }
    }

    public var errorDescription: String? { description }
}
