import Foundation

/// The identifier of a run in one leaderboard database.
public struct RunID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "\(rawValue)" }
}

/// The state of a run.
public enum RunStatus: String, Codable, CaseIterable, Sendable {
    /// Results are being recorded (or the process died: the next beginRun resumes it).
    case running
    /// Stopped on purpose before the end; the next beginRun resumes it.
    case interrupted
    /// Every pseudo-experiment has a result.
    case completed
    /// Abandoned; never resumed.
    case failed

    /// Whether the next beginRun for the same identity resumes this run.
    public var isResumable: Bool { self == .running || self == .interrupted }
}

/// Everything recorded about one run: what ran, on which pseudo-experiments, where and when.
public struct RunManifest: Hashable, Sendable {
    public var id: RunID
    public var challenge: String
    public var submission: Submission
    /// The hash of the set manifest: identifies the exact pseudo-experiments.
    public var setManifestHash: String
    /// Named seeds of the run (e.g. the estimator's), besides the set manifest's own.
    public var seeds: [String: UInt64]
    public var harnessVersion: String
    public var host: String
    public var startedAt: Date
    /// When the run finished or was interrupted; nil while running.
    public var endedAt: Date?
    public var status: RunStatus
    /// How many times an unfinished run was picked up again.
    public var resumptions: Int
}

/// What ``LeaderboardStore/beginRun(submission:setManifestHash:seeds:harnessVersion:host:)``
/// returns: the run to record into and whether it continues an earlier attempt.
public struct RunStart: Hashable, Sendable {
    public var manifest: RunManifest
    /// True when an unfinished run with the same identity was picked up.
    public var resumed: Bool
    /// This process's registration as a worker of the run; pass it to
    /// ``LeaderboardStore/finishRun(_:status:worker:)``.
    public var worker: RunWorker
    /// How many other live processes were recording into the run when this one joined.
    public var peers: Int
    public var id: RunID { manifest.id }
}

/// One process recording into a run (a random token, its host and process id).
public struct RunWorker: Hashable, Sendable {
    public var token: String
    public var host: String
    public var pid: Int32
}
