#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import PseudoExperiments

/// What a merge did, per run identity (submission name and code hash, set manifest).
public struct MergeSummary: Sendable, Equatable {
    public struct RunMerge: Sendable, Equatable {
        public var submission: Submission
        public var challenge: String
        public var setManifestHash: String
        /// The run in the target database the results are in.
        public var run: RunID
        /// Results copied now.
        public var added: Int
        /// Results of the sources the target already held, identical.
        public var alreadyThere: Int
        /// Pseudo-experiments of the set manifest that still have no result, in key order.
        public var missing: [PseudoExperimentKey]
        /// Every pseudo-experiment of the set manifest, in key order.
        public var pseudoExperiments: [PseudoExperimentKey]
        /// Whether the run is now completed (and scored).
        public var completed: Bool
    }

    public var runs: [RunMerge]
    /// Runs of the sources left out, with the reason (a run marked failed is abandoned).
    public var skipped: [String]
}

/// Merging the files of a sharded evaluation (`bench evaluate --shard K/N`, one SQLite file per
/// shard) into one database: the runs of each identity become one run whose results are the
/// union of the shards', completed and scored when every pseudo-experiment has one.
///
/// A pseudo-experiment's estimate does not depend on the process that computes it, so the
/// merged run equals the run on one machine: same results, flags, and scorecard.
///
/// The rules:
/// - **Idempotent**: a result the target already holds, identical, is skipped; merging the same
///   files twice changes nothing.
/// - **Conflicts are refused**, before anything is written: two results for the same run
///   identity and pseudo-experiment that differ (other numbers, or a failure against an
///   estimate), in two sources or in a source and the target; a challenge or set manifest
///   registered with other contents; runs of one identity with other seeds or harness versions.
///   Two failures count as the same result (the text of a crash names a process); the first
///   one merged stands, as does the runtime of the first copy of a result.
/// - **Partial shards are accepted**: what is still missing is reported, and the run stays
///   unfinished (`interrupted`) in the target; merging the missing shard later completes it.
/// - Runs marked failed in a source (abandoned) are left out and reported.
extension LeaderboardStore {
    /// Merges the runs of `sources` (opened read-only) into this store; see the extension.
    ///
    /// - Throws: ``LeaderboardStoreError/mergeConflict(path:detail:)`` (nothing written), the
    ///   registration errors, and the errors of reading the sources.
    public func merge(from sources: [LeaderboardStore], policy: ScoringPolicy? = nil,
                      bootstrap: BootstrapOptions? = BootstrapOptions()) throws -> MergeSummary {
        if let same = sources.first(where: { Self.sameFile($0.path, path) }) {
            throw LeaderboardStoreError.mergeConflict(path: path, detail: "\(same.path) is the target database itself")
        }
        // Two merges into one target at once would each read it before the other writes, and
        // each begin the same run anew (CI caught two completed copies of a run when a Slurm merge
        // of an earlier round ran beside the next one's). An exclusive lock on a file beside the
        // target, held from the first read to the last write, serialises them.
        let lock = try MergeLock(database: path)
        defer { lock.release() }
        try requireReadableStoredValues()
        let contents = try sources.map { try $0.mergeContents() }

        // Challenges and set manifests: the same contents everywhere (the target included).
        var challenges: [String: (spec: String, hash: String, file: String)] = [:]
        var manifests: [String: (manifest: MergeContents.Manifest, file: String)] = [:]
        for (source, content) in zip(sources, contents) {
            for c in content.challenges {
                if let seen = challenges[c.name], seen.hash != c.specHash {
                    throw LeaderboardStoreError.mergeConflict(path: path, detail: "the challenge '\(c.name)' has spec \(seen.hash) "
                        + "in \(seen.file) but \(c.specHash) in \(source.path)")
                }
                challenges[c.name] = (c.spec, c.specHash, source.path)
            }
            for m in content.manifests {
                if let seen = manifests[m.hash], seen.manifest != m {
                    throw LeaderboardStoreError.mergeConflict(path: path, detail: "the set manifest \(m.hash) differs between "
                        + "\(seen.file) and \(source.path) (challenge, root seed, sealing or truths)")
                }
                manifests[m.hash] = (m, source.path)
            }
        }
        let stored = try mergeContents(manifests: Set(manifests.keys))
        for c in stored.challenges {
            if let seen = challenges[c.name], seen.hash != c.specHash {
                throw LeaderboardStoreError.mergeConflict(path: path, detail: "the challenge '\(c.name)' has spec \(c.specHash) "
                    + "here but \(seen.hash) in \(seen.file)")
            }
        }
        for m in stored.manifests {
            if let seen = manifests[m.hash], seen.manifest != m {
                throw LeaderboardStoreError.mergeConflict(path: path, detail: "the set manifest \(m.hash) differs between "
                    + "this database and \(seen.file) (challenge, root seed, sealing or truths)")
            }
        }

        // Runs, grouped by identity; their results united and checked.
        struct Group {
            var submission: Submission
            var manifest: String
            var seeds: [String: UInt64]
            var harnessVersion: String
            var file: String
            var results: [PseudoExperimentKey: (outcome: PseudoExperimentOutcome, file: String)] = [:]
            var flags: [String: RunFlag] = [:]
        }
        var groups: [String: Group] = [:]
        var order: [String] = []
        var skipped: [String] = []
        for (source, content) in zip(sources, contents) {
            for run in content.runs {
                let m = run.manifest
                if m.status == .failed {
                    skipped.append("run \(m.id) of \(m.submission.name) in \(source.path): marked failed (abandoned)")
                    continue
                }
                let id = Self.identity(m.submission, m.setManifestHash)
                if groups[id] == nil {
                    groups[id] = Group(submission: m.submission, manifest: m.setManifestHash, seeds: m.seeds,
                                       harnessVersion: m.harnessVersion, file: source.path)
                    order.append(id)
                }
                var group = groups[id]!
                guard group.submission == m.submission else {
                    throw LeaderboardStoreError.mergeConflict(path: path, detail: "\(m.submission.name) (code \(m.submission.codeHash)) "
                        + "is registered as \(group.submission.kind.rawValue) version '\(group.submission.version)' in \(group.file) "
                        + "but as \(m.submission.kind.rawValue) version '\(m.submission.version)' in \(source.path)")
                }
                for (field, a, b) in [("seeds", Self.encodeSeeds(group.seeds), Self.encodeSeeds(m.seeds)),
                                      ("harness version", group.harnessVersion, m.harnessVersion)] where a != b {
                    throw LeaderboardStoreError.mergeConflict(path: path, detail: "the runs of \(m.submission.name) on set manifest "
                        + "\(m.setManifestHash) have \(field) \(a) in \(group.file) but \(b) in \(source.path) (run \(m.id)): "
                        + "they are not shards of one evaluation")
                }
                for outcome in run.outcomes {
                    if let seen = group.results[outcome.key] {
                        if let difference = Self.mergeDifference(seen.outcome, outcome) {
                            throw LeaderboardStoreError.mergeConflict(path: path, detail: "\(m.submission.name) on set manifest "
                                + "\(m.setManifestHash) has two different results for \(outcome.key): \(difference) "
                                + "(\(seen.file), then \(source.path) run \(m.id))")
                        }
                    } else {
                        group.results[outcome.key] = (outcome, source.path)
                    }
                }
                for flag in run.flags where group.flags[flag.kind] == nil { group.flags[flag.kind] = flag }
                groups[id] = group
            }
        }

        // The target's runs of the same identities: its results must agree too.
        var targetRun: [String: (run: RunManifest, outcomes: [PseudoExperimentKey: PseudoExperimentOutcome])] = [:]
        for run in stored.runs where run.manifest.status != .failed {
            let id = Self.identity(run.manifest.submission, run.manifest.setManifestHash)
            guard let group = groups[id] else { continue }
            let outcomes = Dictionary(uniqueKeysWithValues: run.outcomes.map { ($0.key, $0) })
            for (key, new) in group.results {
                if let old = outcomes[key], let difference = Self.mergeDifference(old, new.outcome) {
                    throw LeaderboardStoreError.mergeConflict(path: path, detail: "\(group.submission.name) on set manifest "
                        + "\(group.manifest) has a different result for \(key) in \(new.file) than run \(run.manifest.id) "
                        + "here: \(difference)")
                }
            }
            if run.manifest.status != .completed {
                for (field, a, b) in [("seeds", Self.encodeSeeds(run.manifest.seeds), Self.encodeSeeds(group.seeds)),
                                      ("harness version", run.manifest.harnessVersion, group.harnessVersion)] where a != b {
                    throw LeaderboardStoreError.mergeConflict(path: path, detail: "unfinished run \(run.manifest.id) of "
                        + "\(group.submission.name) here has \(field) \(a) but \(group.file) has \(b)")
                }
            }
            // The unfinished run is the one to fill (beginRun resumes it); else the newest
            // completed one (the runs come oldest first).
            if let kept = targetRun[id], kept.run.status != .completed { continue }
            targetRun[id] = (run.manifest, outcomes)
        }

        // Everything agrees: write.
        for (name, c) in challenges.sorted(by: { $0.key < $1.key }) {
            try registerChallenge(name: name, spec: c.spec, specHash: c.hash)
        }
        for (hash, m) in manifests.sorted(by: { $0.key < $1.key }) {
            try registerSetManifest(hash: hash, challenge: m.manifest.challenge, rootSeed: m.manifest.rootSeed,
                                    sealed: m.manifest.sealed, truths: m.manifest.truths)
        }
        var merged: [MergeSummary.RunMerge] = []
        for id in order {
            let group = groups[id]!
            let manifest = manifests[group.manifest]!.manifest
            let allKeys = manifest.truths.map(\.key)
            if let existing = targetRun[id], existing.run.status == .completed {
                // Already complete here: every source result is in it, identical (checked above).
                for flag in group.flags.values.sorted(by: { $0.kind < $1.kind }) { try flagRun(existing.run.id, flag) }
                merged.append(.init(submission: group.submission, challenge: manifest.challenge,
                                    setManifestHash: group.manifest, run: existing.run.id, added: 0,
                                    alreadyThere: group.results.count, missing: [], pseudoExperiments: allKeys,
                                    completed: true))
                continue
            }
            let start = try beginRun(submission: group.submission, setManifestHash: group.manifest, seeds: group.seeds,
                                     harnessVersion: group.harnessVersion)
            let done = try completedPseudoExperiments(start.id)
            var added = 0
            for key in group.results.keys.sorted() where !done.contains(key) {
                try record(group.results[key]!.outcome, in: start.id)
                added += 1
            }
            for flag in group.flags.values.sorted(by: { $0.kind < $1.kind }) { try flagRun(start.id, flag) }
            let now = try completedPseudoExperiments(start.id)
            let missing = allKeys.filter { !now.contains($0) }.sorted()
            if missing.isEmpty {
                try finishRun(start.id, status: .completed, worker: start.worker)
                try scoreRun(start.id, policy: policy, bootstrap: bootstrap)
            } else {
                try finishRun(start.id, status: .interrupted, worker: start.worker)
            }
            merged.append(.init(submission: group.submission, challenge: manifest.challenge, setManifestHash: group.manifest,
                                run: start.id, added: added, alreadyThere: group.results.count - added,
                                missing: missing, pseudoExperiments: allKeys, completed: missing.isEmpty))
        }
        return MergeSummary(runs: merged, skipped: skipped)
    }

    /// How two results of one pseudo-experiment differ for a merge, or nil when they are the
    /// same: equal estimates (NaN equal to NaN: compared as stored), or two failures whatever
    /// their texts. Runtimes are not compared (they are measurements of the process).
    static func mergeDifference(_ a: PseudoExperimentOutcome, _ b: PseudoExperimentOutcome) -> String? {
        switch (a.estimate, b.estimate) {
        case (nil, nil):
            if (a.failure == nil) == (b.failure == nil) { return nil }
            return "a failure (\(a.failure ?? b.failure ?? "")) against a result without a failure"
        case (nil, _?), (_?, nil):
            let failure = a.estimate == nil ? a.failure : b.failure
            return "a failure (\(TerminalText.quoted(failure ?? "no estimate"))) against an estimate"
        case let (x?, y?):
            let ex = try? canonicalJSON(x), ey = try? canonicalJSON(y)
            if ex == ey, ex != nil, (a.failure == nil) == (b.failure == nil) { return nil }
            return "\(ex ?? "\(x)") against \(ey ?? "\(y)")"
        }
    }

    private static func identity(_ submission: Submission, _ manifest: String) -> String {
        "\(submission.name)\u{0}\(submission.codeHash)\u{0}\(manifest)"
    }

    private static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }
}

/// Everything a merge reads from one file.
struct MergeContents {
    struct Challenge { var name: String; var spec: String; var specHash: String }
    struct Manifest: Equatable {
        var hash: String
        var challenge: String
        var rootSeed: UInt64
        var sealed: Bool
        var truths: [PseudoExperimentTruth]
    }
    struct Run { var manifest: RunManifest; var outcomes: [PseudoExperimentOutcome]; var flags: [RunFlag] }
    var challenges: [Challenge]
    var manifests: [Manifest]
    var runs: [Run]
}

extension LeaderboardStore {
    /// Everything a merge reads, or with `manifests` only the set manifests of those hashes and
    /// the runs on them (the target of a merge: its runs on other sets cannot meet a source's).
    func mergeContents(manifests only: Set<String>? = nil) throws -> MergeContents {
        try read { db in
            let challenges = try Row.fetchAll(db, sql: "SELECT name, spec, spec_hash FROM challenge ORDER BY name")
                .map { MergeContents.Challenge(name: $0[0], spec: $0[1], specHash: $0[2]) }
            var manifests: [MergeContents.Manifest] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT s.id, s.hash, c.name, s.root_seed, s.sealed FROM set_manifest s JOIN challenge c ON c.id = s.challenge_id
                ORDER BY s.hash
                """) {
                if let only, !only.contains(row[1] as String) { continue }
                let seedText: String = row[3]
                guard let seed = UInt64(seedText) else {
                    throw LeaderboardStoreError.corrupt(path: path, detail: "set manifest \(row[1] as String) has root seed "
                        + "\(TerminalText.quoted(seedText)), not a whole number")
                }
                manifests.append(.init(hash: row[1], challenge: row[2], rootSeed: seed, sealed: (row[4] as Int64) != 0,
                                       truths: try truths(setManifestID: row[0], db)))
            }
            let kept = Set(manifests.map(\.hash))
            let runs = try Self.fetchManifests(db, path: path, where: "1", []).reversed()
                .filter { only == nil || kept.contains($0.setManifestHash) }.map { manifest in
                MergeContents.Run(
                    manifest: manifest, outcomes: try Self.fetchOutcomes(manifest.id, db),
                    flags: try Row.fetchAll(db, sql: "SELECT kind, detail FROM run_flag WHERE run_id = ? ORDER BY kind",
                                            arguments: [manifest.id.rawValue]).map { RunFlag(kind: $0[0], detail: $0[1]) })
            }
            return MergeContents(challenges: challenges, manifests: manifests, runs: Array(runs))
        }
    }
}

extension LeaderboardStore {
    /// What a shard file holds, for `bench slurm`: the keys of its set manifest (nil unless it
    /// holds exactly one) and, per run on it not marked failed, the keys with a result.
    public func recordedKeysByRun() throws -> (keys: [PseudoExperimentKey]?, runs: [Set<PseudoExperimentKey>]) {
        let contents = try mergeContents()
        guard contents.manifests.count == 1, let manifest = contents.manifests.first else { return (nil, []) }
        let runs = contents.runs.filter { $0.manifest.status != .failed && $0.manifest.setManifestHash == manifest.hash }
        return (manifest.truths.map(\.key), runs.map { Set($0.outcomes.map(\.key)) })
    }
}

/// An exclusive `flock` on `DATABASE.merge-lock`, held by one merge at a time (released when the
/// process ends, however it ends). Local file systems only: on a network file system `flock`
/// may not exclude other hosts, which is why `bench slurm` also runs its merges as a Slurm
/// `singleton`.
final class MergeLock {
    private var descriptor: Int32

    init(database: String) throws {
        let file = database + ".merge-lock"
        descriptor = open(file, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LeaderboardStoreError.mergeConflict(path: database, detail: "cannot open the merge lock \(file): "
                + String(cString: strerror(errno)) + " (the target's directory must be writable)")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw LeaderboardStoreError.mergeConflict(path: database, detail: "cannot lock \(file): \(reason)")
            }
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
