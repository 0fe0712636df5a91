import Foundation
import PseudoExperiments
@testable import Scoring
import TestSupport

/// A leaderboard file in a fresh temporary directory, with one challenge ("toy") and one set
/// manifest ("manifest-a": 2 sets x 5 pseudo-experiments, mu 0.5, 0.75, ...).
struct StoreFixture {
    let directory: URL
    let path: String
    let store: LeaderboardStore
    let keys: [PseudoExperimentKey]
    let truths: [PseudoExperimentTruth]
    static let challenge = "toy"
    static let manifest = "manifest-a"

    init(_ label: String = "store", sets: Int = 2, perSet: Int = 5) throws {
        directory = try ReferenceData.temporaryDirectory(label)
        path = directory.appendingPathComponent("leaderboards/leaderboard.sqlite").path
        store = try LeaderboardStore(path: path, access: .create)
        var truths: [PseudoExperimentTruth] = []
        for s in 0..<sets {
            for p in 0..<perSet {
                truths.append(PseudoExperimentTruth(setIndex: s, index: p, mu: 0.5 + 0.25 * Double(s),
                                                    nuisances: NuisanceValues(tes: 1 + 0.01 * Double(p), jes: 0.99)))
            }
        }
        self.truths = truths
        keys = truths.map(\.key)
        try store.registerChallenge(name: Self.challenge, spec: StoreFixtureSpec.json, specHash: "spec-1")
        try store.registerSetManifest(hash: Self.manifest, challenge: Self.challenge, rootSeed: 42, truths: truths)
    }

    static func submission(_ name: String, kind: Submission.Kind = .entry, code: String = "code-1") -> Submission {
        Submission(name: name, kind: kind, version: "1.0", codeHash: code)
    }

    /// The truth of `key`.
    func truth(_ key: PseudoExperimentKey) -> PseudoExperimentTruth { truths[keys.firstIndex(of: key)!] }

    /// An estimate centred on the truth with half-width `halfWidth` (shifted by `shift`).
    func outcome(_ key: PseudoExperimentKey, halfWidth: Double = 0.3, shift: Double = 0,
                 runtime: Double = 0.01) -> PseudoExperimentOutcome {
        let mu = truth(key).mu + shift
        return PseudoExperimentOutcome(
            key: key, estimate: Estimate(interval68: ConfidenceInterval(lower: mu - halfWidth, upper: mu + halfWidth),
                                         muHat: mu),
            runtimeSeconds: runtime)
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
