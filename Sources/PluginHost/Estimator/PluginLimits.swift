import Foundation

/// Time, memory, CPU and restart limits of a plugin, enforced by the host.
///
/// Times are wall-clock seconds the host waits for the next message; when one passes, the
/// process (and every process of its tree) is killed with SIGKILL. Memory is what the plugin's
/// processes actually use, watched by the host; the others are kernel resource limits set in
/// the plugin process before it starts, inherited by its children:
/// ```
/// memoryBytes        host watchdog  sum of the proportional set sizes (Pss) of the plugin's process
///                                   and all its descendants, polled every 0.1 s; above it the whole
///                                   tree is killed and the failure says so (PluginError.memoryLimitExceeded)
/// addressSpaceBytes  RLIMIT_AS      opt-in: address space of each plugin process (allocations beyond
///                                   fail, e.g. MemoryError); off by default, as torch, TensorFlow and
///                                   JAX reserve tens of GB of address space at import and use little
/// cpuSeconds         RLIMIT_CPU     CPU time of each plugin process over its life (SIGXCPU, then SIGKILL)
/// fileBytes          RLIMIT_FSIZE   the largest file a plugin may write (model files, /tmp)
/// ```
/// Pss counts a page shared by n processes as 1/n in each, so a forked worker pool is not
/// counted once per process for the pages it shares; mapped but untouched pages count nothing.
/// and what a plugin can fill, on the host's memory (tmpfs) or disk:
/// ```
/// tmpBytes     the size of the sandbox's /tmp (a tmpfs of its own; writes beyond fail)
/// requestBytes what a process's requests_dir (protocol 2) may hold when a transform_events
///              request arrives, its reply included (beyond: the request is refused)
/// modelBytes   the fitted model directory, checked when the plugin says `fitted` (larger fails the fit)
/// logBytes     each stderr log keeps its last logBytes..2*logBytes bytes (trimmed after each message)
/// ```
/// A crashed, killed or confused worker is replaced by a new process that loads the fitted
/// model again; after ``maxRestarts`` replacements no more are started and the remaining
/// pseudo-experiments fail with the last reason.
public struct PluginLimits: Sendable, Equatable {
    /// From start to the plugin's `hello`.
    public var startupSeconds: Double
    /// From the `fit` message to `fitted` (transform requests included).
    public var fitSeconds: Double
    /// From the `load` message to `ready`.
    public var loadSeconds: Double
    /// From an `estimate` request to its answer.
    public var estimateSeconds: Double
    /// Memory the plugin's processes use together (proportional set size, see above); nil: unlimited.
    public var memoryBytes: Int?
    /// Address space per process (RLIMIT_AS); nil (the default): unlimited.
    public var addressSpaceBytes: Int?
    /// CPU seconds per process; nil: unlimited.
    public var cpuSeconds: Int?
    /// Largest file a plugin may write; nil: unlimited.
    public var fileBytes: Int?
    /// Size of the sandbox's `/tmp` (tmpfs).
    public var tmpBytes: Int
    /// Bytes a process's `requests_dir` may hold with a request's reply (protocol version 2).
    public var requestBytes: Int
    /// Largest fitted model directory (all its files).
    public var modelBytes: Int
    /// The tail of each stderr log that is kept.
    public var logBytes: Int
    /// Replacement processes started after failures, over the whole evaluation.
    public var maxRestarts: Int
    /// Worker processes that estimate in parallel (each holds the fitted model in memory).
    public var workers: Int

    /// Defaults: 60 s to start, 1 h to fit, 120 s to load, 60 s per pseudo-experiment, 4 GiB of
    /// memory used per plugin process tree (each worker and the fit have their own) and of file
    /// size, no address-space or CPU limit, 3 restarts, one worker per core; a 512 MiB `/tmp`,
    /// a 4 GiB model, the last 1 MiB of each log (enough for a traceback).
    public init(startupSeconds: Double = 60, fitSeconds: Double = 3600, loadSeconds: Double = 120,
                estimateSeconds: Double = 60, memoryBytes: Int? = 4 << 30, addressSpaceBytes: Int? = nil,
                cpuSeconds: Int? = nil,
                fileBytes: Int? = 4 << 30, maxRestarts: Int = 3,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                tmpBytes: Int = 512 << 20, modelBytes: Int = 4 << 30, logBytes: Int = 1 << 20,
                requestBytes: Int = 6 << 30) {
        self.tmpBytes = tmpBytes
        self.requestBytes = requestBytes
        self.modelBytes = modelBytes
        self.logBytes = logBytes
        self.startupSeconds = startupSeconds
        self.fitSeconds = fitSeconds
        self.loadSeconds = loadSeconds
        self.estimateSeconds = estimateSeconds
        self.memoryBytes = memoryBytes
        self.addressSpaceBytes = addressSpaceBytes
        self.cpuSeconds = cpuSeconds
        self.fileBytes = fileBytes
        self.maxRestarts = maxRestarts
        self.workers = workers
    }

    /// Why these limits are unusable, or nil.
    public var problem: String? {
        for (name, value) in [("startupSeconds", startupSeconds), ("fitSeconds", fitSeconds),
                              ("loadSeconds", loadSeconds), ("estimateSeconds", estimateSeconds)]
            where !(value > 0) {
            return "\(name) must be a positive number of seconds, got \(value)"
        }
        if let m = memoryBytes, m < 16 << 20 { return "memoryBytes must be at least 16 MiB, got \(m)" }
        if let a = addressSpaceBytes, a < 16 << 20 { return "addressSpaceBytes must be at least 16 MiB, got \(a)" }
        if let c = cpuSeconds, c < 1 { return "cpuSeconds must be at least 1, got \(c)" }
        if let f = fileBytes, f < 1 { return "fileBytes must be at least 1, got \(f)" }
        if tmpBytes < 1 << 20 { return "tmpBytes must be at least 1 MiB, got \(tmpBytes)" }
        if requestBytes < 1 << 20 { return "requestBytes must be at least 1 MiB, got \(requestBytes)" }
        if modelBytes < 1 { return "modelBytes must be at least 1, got \(modelBytes)" }
        if logBytes < 1024 { return "logBytes must be at least 1024, got \(logBytes)" }
        if maxRestarts < 0 { return "maxRestarts must be 0 or more, got \(maxRestarts)" }
        if workers < 1 { return "workers must be 1 or more, got \(workers)" }
        return nil
    }
}
