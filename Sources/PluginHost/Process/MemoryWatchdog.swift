import Foundation

/// Kills a plugin whose processes use more memory than its limit: one background thread polls
/// every live watched ``ChildProcess`` every ``interval``.
///
/// ```
/// used(child) = sum over child, its descendants and its session of Pss (smaps_rollup; statm resident if unreadable)
/// used > limit  ->  SIGKILL to the process group and to every process counted; the child records
///                   ChildProcess.MemoryOverrun(usedBytes: used, limitBytes: limit)
/// ```
/// Pss costs the kernel a walk of the page tables (~15 ms per GB resident), the resident set
/// (statm) a counter read, and Pss <= resident for every process. So each poll sums the
/// resident sets first and reads Pss only when that sum is over the limit: the decision is the
/// one Pss gives, and a plugin under its limit costs a counter read per process. (Processes
/// that share much, e.g. a forked pool, can stay over the limit in resident set while under it
/// in Pss; then each poll reads Pss, and the watchdog waits 4x a poll's time between polls when
/// that is longer than ``interval``, so it never takes more than a fifth of a core.)
/// Memory actually used, not address space: torch, TensorFlow and JAX reserve tens of GB of
/// virtual range at import and touch little of it, which RLIMIT_AS (``PluginLimits/addressSpaceBytes``,
/// opt-in) cannot tell from use. cgroups would do it in the kernel, but this machine has cgroup
/// v1 without delegation, so the host watches. A process may overshoot the limit by what it
/// allocates in one interval before it is killed (at most a few GB/s of page faults x 0.1 s).
///
/// One thread for all children rather than one per child: the `/proc` scan that finds every
/// process's parent is the larger part of a poll and is shared, and a harness with 2 workers
/// per core and a fit keeps few threads. With nothing to watch the thread sleeps on a
/// condition. Measured (release build, this 2-core machine, 80 processes on the host, one watched
/// python process holding 1 GB, a 4 GiB limit): 1.3-1.4 ms per poll, almost all of it the `/proc`
/// scan (1.0-1.3 ms), i.e. ~1.4% of a core at 10 polls/s; reading its Pss as well (over the
/// resident bound) takes 15-16 ms more.
final class MemoryWatchdog: @unchecked Sendable {
    static let shared = MemoryWatchdog(interval: 0.1)

    /// Seconds between polls.
    let interval: Double
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var watched: [Watch] = []
    private var isRunning = false

    private struct Watch {
        weak var process: ChildProcess?
        let limitBytes: Int
    }

    init(interval: Double) {
        self.interval = interval
    }

    /// Watches `process` until it exits (or is released) and kills it above `limitBytes`.
    func watch(_ process: ChildProcess, limitBytes: Int) {
        condition.lock()
        watched.append(Watch(process: process, limitBytes: limitBytes))
        if !isRunning {
            isRunning = true
            let thread = Thread { [self] in run() }
            thread.name = "plugin memory watchdog"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var took = 0.0
            do {
                // Released at the end of this block, on this thread, if the last reference was
                // ours (deinit kills and reaps).
                let current = nextProcesses()
                let start = DispatchTime.now().uptimeNanoseconds
                poll(current, buffer: &buffer)
                took = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            Thread.sleep(forTimeInterval: max(interval, 4 * took))
        }
    }

    /// The live watched processes; waits while there are none.
    private func nextProcesses() -> [(ChildProcess, Int)] {
        condition.lock()
        defer { condition.unlock() }
        while true {
            watched.removeAll { $0.process == nil || $0.process?.hasExited == true }
            if !watched.isEmpty { break }
            condition.wait()
        }
        return watched.compactMap { watch in watch.process.map { ($0, watch.limitBytes) } }
    }

    /// One poll: measures every watched tree and kills those over their limit.
    func poll(_ processes: [(ChildProcess, Int)], buffer: inout [UInt8]) {
        let tree = ProcessTree.scan()
        for (process, limit) in processes where !process.hasExited {
            let pids = tree.processes(of: process.pid)
            let resident = pids.reduce(0) { $0 + ProcessTree.residentBytes(of: $1, buffer: &buffer) }
            guard resident > limit else { continue }
            let used = pids.reduce(0) { $0 + ProcessTree.proportionalBytes(of: $1, buffer: &buffer) }
            process.observeMemory(usedBytes: used, limitBytes: limit, processes: pids)
        }
    }
}
