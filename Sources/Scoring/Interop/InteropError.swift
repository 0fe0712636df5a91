import Foundation
import PseudoExperiments

/// Errors reading or writing interval tables and the challenge's files. Each names the file and
/// the place, and says what to do.
public enum InteropError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case emptyFile(path: String, expected: String)
    case missingColumn(path: String, column: String, header: [String])
    case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
    case badNumber(path: String, line: Int, column: String, value: String)
    case badTruth(path: String, line: Int, value: String)
    case noRows(path: String)
    case malformedJSON(path: String, detail: String)
    case missingKey(path: String, key: String)
    case wrongType(path: String, key: String, expected: String, found: String)
    case lengthMismatch(path: String, key: String, count: Int, otherKey: String, otherCount: Int)
    case noResultFiles(directory: String)
    case unexpectedResultFile(path: String, sets: Int, truthPath: String)
    case missingResultFile(path: String, truthPath: String)
    case countMismatch(path: String, found: Int, expected: Int, truthPath: String)
    case setCountMismatch(truthPath: String, groundTruthMus: Int, numOfSets: Int)
    case notOneMuPerSet(setIndex: Int, first: Double, other: Double)
    case nonContiguousSets(missing: Int)
    case nonContiguousIndices(setIndex: Int, missing: Int)
    case badTruthValue(path: String, setIndex: Int, value: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "Cannot read \(path): \(InteropError.sentence(reason)) Check the path and its permissions."
        case .cannotWrite(let path, let reason):
            return "Cannot write \(path): \(InteropError.sentence(reason)) Check that the directory exists and is writable."
        case .emptyFile(let path, let expected):
            return "\(path) is empty: it should hold \(expected)."
        case .missingColumn(let path, let column, let header):
            return "\(path) has no column '\(column)' (header: \(TerminalText.quoted(header.joined(separator: ","), limit: 400))): "
                + "the first line must name the columns mu_true,p16,p84."
        case .wrongFieldCount(let path, let line, let expected, let found):
            return "\(path), line \(line): \(found) fields where the header has \(expected): "
                + "is the file truncated or a comma missing? Fix or remove that line."
        case .badNumber(let path, let line, let column, let value):
            return "\(path), line \(line), column \(column): \(TerminalText.quoted(value)) is not a number. "
                + "Write a decimal number (nan, inf or an empty field mark a failed estimate)."
        case .badTruth(let path, let line, let value):
            return "\(path), line \(line), column mu_true: \(TerminalText.quoted(value)) is not a finite number. "
                + "Every row needs the true mu it is scored against."
        case .noRows(let path):
            return "\(path) has a header but no rows: there is nothing to score."
        case .malformedJSON(let path, let detail):
            return "\(path) is not valid JSON (\(detail)). Re-create the file, or fix it at that place."
        case .missingKey(let path, let key):
            return "\(path) has no key '\(key)': it is not in the challenge's layout "
                + "(see the doc comment of ChallengeFiles); add the key."
        case .wrongType(let path, let key, let expected, let found):
            return "\(path): '\(key)' should be \(expected) but is \(found)."
        case .lengthMismatch(let path, let key, let count, let otherKey, let otherCount):
            return "\(path): '\(key)' has \(count) entries but '\(otherKey)' has \(otherCount): "
                + "every list needs one entry per pseudo-experiment; re-run the ingestion for this set."
        case .noResultFiles(let directory):
            return "\(directory) holds no result_<set>.json files: pass the ingestion's output directory."
        case .unexpectedResultFile(let path, let sets, let truthPath):
            return "\(path) is for a set that \(truthPath) does not have (it lists \(sets) ground_truth_mus): "
                + "pass the test settings of the same run, or remove the stray file."
        case .missingResultFile(let path, let truthPath):
            return "\(path) is missing, but \(truthPath) has a true mu for that set: "
                + "re-run the ingestion for that set, or pass the settings of the run that made these files."
        case .countMismatch(let path, let found, let expected, let truthPath):
            return "\(path) holds \(found) pseudo-experiments but \(truthPath) says num_pseudo_experiments = "
                + "\(expected): the ingestion did not finish; re-run it, or pass the matching settings."
        case .setCountMismatch(let truthPath, let mus, let sets):
            return "\(truthPath) lists \(mus) ground_truth_mus but num_of_sets = \(sets): "
                + "the file is inconsistent; re-create it."
        case .notOneMuPerSet(let setIndex, let first, let other):
            return "Set \(setIndex) mixes true mu values (\(first) and \(other)): the challenge's layout "
                + "has one true mu per set, so these results cannot be written as test_settings.json."
        case .nonContiguousSets(let missing):
            return "There are no results for set \(missing), but later sets have some: the challenge's "
                + "test_settings.json lists one true mu per set from set 0 on; run or include every set."
        case .nonContiguousIndices(let setIndex, let missing):
            return "Set \(setIndex) has no result for pseudo-experiment \(missing) but has later ones: the "
                + "challenge's result files are positional; record the missing one as a failure, or re-run it."
        case .badTruthValue(let path, let setIndex, let value):
            return "\(path): ground_truth_mus[\(setIndex)] is \(value), not a finite number: "
                + "every set needs the true mu it is scored against."
        }
    }

    public var errorDescription: String? { description }

    /// A system message as one sentence ending in a single period.
    static func sentence(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        while t.hasSuffix(".") { t.removeLast() }
        return t + "."
    }
}
