import Foundation
import PseudoExperiments
import Scoring
import TestSupport

/// A leaderboard database populated through the store API, for end-to-end command tests:
/// challenge "toy", set manifest "sets-1" (`sets` x `perSet` pseudo-experiments).
struct LeaderboardFixture {
    let directory: URL
    let path: String
    let store: LeaderboardStore
    let truths: [PseudoExperimentTruth]
    static let manifest = "sets-1"

    init(_ label: String, file: String = "board.sqlite", sets: Int = 4, perSet: Int = 25) throws {
        directory = try ReferenceData.temporaryDirectory(label)
        path = directory.appendingPathComponent(file).path
        store = try LeaderboardStore(path: path, access: .create)
        truths = (0..<sets).flatMap { s in
            (0..<perSet).map { p in
                PseudoExperimentTruth(setIndex: s, index: p, mu: 0.4 + 0.5 * Double(s),
                                      nuisances: NuisanceValues(tes: 0.98 + 0.002 * Double(p)))
            }
        }
        try store.registerChallenge(name: "toy", spec: StoreFixtureSpec.json, specHash: "spec-1")
        try store.registerSetManifest(hash: Self.manifest, challenge: "toy", rootSeed: 7, truths: truths)
    }

    /// Outcomes of an estimator with half-width `width(k)` that misses every third pseudo-experiment.
    /// With `levels`, also intervals at 50, 90 and 95% (the half-width times z_c / z_0.6827).
    func outcomes(failing: Bool = false, levels: Bool = false, _ width: (Int) -> Double) -> [PseudoExperimentOutcome] {
        truths.enumerated().map { k, t in
            if failing { return PseudoExperimentOutcome(key: t.key, estimate: nil, failure: "no fit, \"null\"", runtimeSeconds: 0.5) }
            let centre = t.mu + (k % 3 == 0 ? 1.5 : 0)
            return PseudoExperimentOutcome(
                key: t.key, estimate: Estimate(interval68: ConfidenceInterval(lower: centre - width(k), upper: centre + width(k)),
                                               muHat: centre,
                                               levels: !levels ? [] : [(0.5, 0.6745), (0.9, 1.6449), (0.95, 1.96)].map {
                                                   LevelInterval(level: $0.0, lower: centre - $0.1 * width(k), upper: centre + $0.1 * width(k))
                                               }),
                runtimeSeconds: 0.02)
        }
    }

    /// Records a completed run of `name` through the store API.
    func complete(_ name: String, kind: Submission.Kind = .entry, failing: Bool = false, levels: Bool = false,
                  _ width: (Int) -> Double) throws {
        let run = try store.beginRun(submission: Submission(name: name, kind: kind, version: "1", codeHash: "c-\(name)"),
                                     setManifestHash: Self.manifest)
        for outcome in outcomes(failing: failing, levels: levels, width) { try store.record(outcome, in: run.id) }
        try store.finishRun(run.id, status: .completed)
    }

    /// The outcomes as a results CSV (the format of `bench store import-results`).
    static func csv(_ outcomes: [PseudoExperimentOutcome]) -> String {
        func number(_ x: Double?) -> String {
            guard let x else { return "" }
            return x.isNaN ? "nan" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : "\(x)"
        }
        var rows = [["set_index", "index", "p16", "p84", "mu_hat", "runtime_s", "error"]]
        for o in outcomes {
            rows.append(["\(o.key.setIndex)", "\(o.key.index)", number(o.estimate?.interval68.lower),
                         number(o.estimate?.interval68.upper), number(o.estimate?.muHat), "\(o.runtimeSeconds)",
                         o.failure ?? ""])
        }
        return CSVText.text(rows)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A valid challenge spec for the fixture's challenge "toy": the built-in mini challenge's
/// (the same score parameters, confidence level and mu prior as fair-universe-2024), since
/// every run is scored by the policy of its challenge's stored spec.
enum StoreFixtureSpec {
    static let json = String(decoding: try! ChallengeSpec.builtin(named: "fair-universe-2024-mini").canonicalJSON(),
                             as: UTF8.self)
}
