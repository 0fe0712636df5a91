import Foundation

/// The jobs of an evaluation in the Slurm queue (from `squeue`), and the record of what
/// `bench slurm` submitted (`WORK/slurm.json`).
public enum SlurmQueue {
    /// One line of `squeue -h -t all -o '%i|%T|%j'`.
    public struct Entry: Sendable, Equatable {
        /// The job (for an array, the array's job id).
        public var job: String
        /// The array tasks the line stands for (empty for a job that is not an array).
        public var tasks: [Int]
        public var state: String
        public var name: String

        /// Still to run or running: it may yet record results.
        public var isActive: Bool { Self.activeStates.contains(state) }

        static let activeStates: Set<String> = ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED",
                                                "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING",
                                                "STAGE_OUT", "STOPPED"]
    }

    /// The format given to `squeue -o`.
    public static let format = "%i|%T|%j"

    /// Parses `squeue -h -o '%i|%T|%j'` output; job ids are `123`, `123_4` (one task) or
    /// `123_[1-3,5%2]` (pending tasks, `%` the throttle). Lines that do not parse are skipped.
    public static func parse(_ output: String) -> [Entry] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { return nil }
            let id = fields[0].trimmingCharacters(in: .whitespaces)
            guard let underscore = id.firstIndex(of: "_") else {
                return id.allSatisfy(\.isNumber) && !id.isEmpty ? Entry(job: id, tasks: [], state: fields[1], name: fields[2]) : nil
            }
            let job = String(id[..<underscore])
            var rest = String(id[id.index(after: underscore)...])
            if rest.hasPrefix("[") && rest.hasSuffix("]") { rest = String(rest.dropFirst().dropLast()) }
            if let percent = rest.firstIndex(of: "%") { rest = String(rest[..<percent]) }
            var tasks: [Int] = []
            for part in rest.split(separator: ",") {
                let bounds = part.split(separator: "-").map { Int($0) }
                if bounds.count == 1, let a = bounds[0] { tasks.append(a) }
                else if bounds.count == 2, let a = bounds[0], let b = bounds[1], a <= b { tasks += Array(a...b) }
                else { return nil }
            }
            guard !job.isEmpty, job.allSatisfy(\.isNumber), !tasks.isEmpty else { return nil }
            return Entry(job: job, tasks: tasks, state: fields[1], name: fields[2])
        }
    }
}

/// What `bench slurm` submitted for a work directory, so that the same command finds what
/// failed and submits it again.
public struct SlurmState: Codable, Sendable, Equatable {
    public static let currentFormat = "fair-uq-slurm-v1"

    public struct Submission: Codable, Sendable, Equatable {
        public var job: SlurmPlan.Job
        public var id: String
        /// The array tasks (shard numbers) of a shards job.
        public var tasks: [Int]
        public var submittedAt: String

        public init(job: SlurmPlan.Job, id: String, tasks: [Int], submittedAt: String) {
            self.job = job
            self.id = id
            self.tasks = tasks
            self.submittedAt = submittedAt
        }

        enum CodingKeys: String, CodingKey {
            case job, id, tasks
            case submittedAt = "submitted_at"
        }
    }

    public var format: String
    public var command: [String]
    public var shards: Int
    public var into: String
    public var submissions: [Submission]

    public init(command: [String], shards: Int, into: String) {
        format = Self.currentFormat
        self.command = command
        self.shards = shards
        self.into = into
        submissions = []
    }

    /// The state in `path`, or nil when there is none.
    public static func read(_ path: String) throws -> SlurmState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let state = try JSONDecoder().decode(SlurmState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            guard state.format == currentFormat else {
                throw EvaluationError.invalidOptions("\(path) has format \(state.format), this harness reads \(currentFormat)")
            }
            return state
        } catch let error as EvaluationError {
            throw error
        } catch {
            throw EvaluationError.invalidOptions("\(path) is not a bench slurm record (\(error.localizedDescription)); "
                + "use another --work-dir or remove it")
        }
    }

    public func write(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
