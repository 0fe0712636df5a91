import Foundation
import PseudoExperiments

/// Reading and writing the FAIR Universe HiggsML Uncertainty Challenge's own files, so that
/// results move both ways between this harness and the challenge's ingestion and scoring programs.
///
/// The layout, as read off the public challenge repository FAIR-Universe/HEP-Challenge:
/// - `result_{set}.json`, one per set, written by `ingestion_program/ingestion.py`
///   (`compute_result`, `save_result`): an object of four lists with one entry per
///   pseudo-experiment, sorted by `test_set_index`:
///   ```
///   {"mu_hats": [..], "delta_mu_hats": [..], "p16": [..], "p84": [..]}
///   ```
///   The challenge's baselines report `p16 = mu_hat - delta_mu_hat`, `p84 = mu_hat + delta_mu_hat`.
/// - `test_settings.json`, written by `ingestion_program/run_ingestion.py` and read by
///   `scoring_program/run_scoring.py` (from the prediction directory, else
///   `reference_data/settings/data.json`): `ground_truth_mus` (one true mu per set, indexed by
///   set), `num_pseudo_experiments`, `num_of_sets`, `systematics` (a flag per nuisance
///   parameter), and `random_mu` when the mus were drawn.
/// - `scores.json`, written by `scoring_program/score.py` (`compute_scores`, `write_scores`):
///   ```
///   {"rmse": .., "mae": .., "interval": .., "coverage": .., "quantiles_score": .., "ingestion_duration": ..}
///   ```
///   where interval, coverage and quantiles_score pool all pseudo-experiments, and rmse and mae
///   are means over sets of per-set means (see ``PointMetrics``).
///
/// Differences, on purpose: the challenge's scorer pairs the k-th result file it lists with the
/// k-th true mu; here the set index is read from the file name. Entries written as `null` (or
/// `NaN`, as Python writes it) are failures under ``ScoringPolicy``; we write NaN and infinities
/// as `null` so the files stay valid JSON.
public enum ChallengeFiles {
    /// The name of a set's result file.
    public static func resultFileName(set: Int) -> String { "result_\(set).json" }
    /// The name of the truth file.
    public static let testSettingsFileName = "test_settings.json"
    /// The name of the scores file.
    public static let scoresFileName = "scores.json"

    // MARK: Writing

    /// Writes one `result_{set}.json` per set of `results` into `directory` (created if needed).
    /// Each set's pseudo-experiments must be indexed 0..<n, as the layout is positional.
    public static func writeResults(_ results: [ScoredResult], to directory: URL) throws {
        try createDirectory(directory)
        for (setIndex, slice) in try setsInOrder(results) {
            let file = ChallengeSetResult(results: slice)
            try write(file.json, to: directory.appendingPathComponent(resultFileName(set: setIndex)))
        }
    }

    /// Writes `test_settings.json` for `results` into `directory`: sets must be 0..<K, each with
    /// one true mu and the same number of pseudo-experiments.
    public static func writeTestSettings(for results: [ScoredResult], to directory: URL) throws {
        try createDirectory(directory)
        let sets = try setsInOrder(results)
        var mus: [Double] = []
        for (k, (setIndex, slice)) in sets.enumerated() {
            guard setIndex == k else { throw InteropError.nonContiguousSets(missing: k) }
            let mu = slice[0].truth.mu
            if let other = slice.first(where: { $0.truth.mu != mu }) {
                throw InteropError.notOneMuPerSet(setIndex: setIndex, first: mu, other: other.truth.mu)
            }
            mus.append(mu)
        }
        let sizes = Set(sets.map(\.1.count))
        let settings = ChallengeTestSettings(groundTruthMus: mus,
                                             numPseudoExperiments: sizes.count == 1 ? sizes.first : nil,
                                             numOfSets: mus.count)
        try write(settings.json, to: directory.appendingPathComponent(testSettingsFileName))
    }

    /// Writes `scores.json` for a scorecard (the challenge's keys; `ingestion_duration` in
    /// minutes as the challenge records it, or null).
    public static func writeScores(_ card: Scorecard, to url: URL, ingestionDuration: Double? = nil) throws {
        try write(ChallengeScores(card, ingestionDuration: ingestionDuration).json, to: url)
    }

    // MARK: Reading

    /// Reads every `result_{set}.json` in `directory` and pairs it with the true mu of its set in
    /// the test settings at `truth`. Throws ``InteropError`` on a malformed file, a missing or
    /// stray set, or a count that disagrees with `num_pseudo_experiments`.
    public static func readResults(directory: URL, truth: URL) throws -> [ScoredResult] {
        let settings = try ChallengeTestSettings.read(contentsOf: truth)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw InteropError.cannotRead(path: directory.path, reason: error.localizedDescription)
        }
        var files: [Int: URL] = [:]
        for name in names where name.hasPrefix("result_") && name.hasSuffix(".json") {
            guard let set = Int(name.dropFirst("result_".count).dropLast(".json".count)), set >= 0 else { continue }
            files[set] = directory.appendingPathComponent(name)
        }
        guard !files.isEmpty else { throw InteropError.noResultFiles(directory: directory.path) }
        let mus = settings.groundTruthMus
        for (set, url) in files where set >= mus.count {
            throw InteropError.unexpectedResultFile(path: url.path, sets: mus.count, truthPath: truth.path)
        }
        var results: [ScoredResult] = []
        for (set, mu) in mus.enumerated() {
            let url = directory.appendingPathComponent(resultFileName(set: set))
            guard let found = files[set] else {
                throw InteropError.missingResultFile(path: url.path, truthPath: truth.path)
            }
            let file = try ChallengeSetResult.read(contentsOf: found)
            if let expected = settings.numPseudoExperiments, file.count != expected {
                throw InteropError.countMismatch(path: found.path, found: file.count, expected: expected,
                                                 truthPath: truth.path)
            }
            results += file.results(setIndex: set, mu: mu)
        }
        return results
    }

    /// Reads a `scores.json`.
    public static func readScores(contentsOf url: URL) throws -> ChallengeScores {
        try ChallengeScores.read(contentsOf: url)
    }

    // MARK: Helpers

    /// The results grouped by set in increasing set index, each set sorted and indexed 0..<n.
    static func setsInOrder(_ results: [ScoredResult]) throws -> [(Int, [ScoredResult])] {
        guard !results.isEmpty else { throw ScoringError.noResults }
        let bySet = Dictionary(grouping: results, by: \.truth.setIndex)
        return try bySet.keys.sorted().map { set in
            let slice = (bySet[set] ?? []).sorted { $0.truth.index < $1.truth.index }
            for (i, r) in slice.enumerated() where r.truth.index != i {
                if i > 0, slice[i - 1].truth.index == r.truth.index { throw ScoringError.duplicateResult(r.key) }
                throw InteropError.nonContiguousIndices(setIndex: set, missing: i)
            }
            return (set, slice)
        }
    }

    static func createDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw InteropError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    static func write(_ value: JSONValue, to url: URL) throws {
        do { try Data((value.serialized(indent: 4) + "\n").utf8).write(to: url, options: .atomic) } catch {
            throw InteropError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads and parses a JSON file, with the file named in every error.
    static func readJSON(_ url: URL) throws -> JSONValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InteropError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        let text = String(decoding: data, as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else {
            throw InteropError.emptyFile(path: url.path, expected: "a JSON object")
        }
        do { return try JSONValue.parse(text) } catch let e as JSONValue.SyntaxError {
            throw InteropError.malformedJSON(path: url.path, detail: e.description)
        }
    }
}
