import Foundation

/// Timing for benchmarks: elapsed time, and CPU time of the calling thread.
enum Clock {
    /// Elapsed seconds spent in `body`.
    static func wallSeconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// CPU seconds of the calling thread spent in `body` (excludes time other processes ran).
    static func cpuSeconds(_ body: () -> Void) -> Double {
        var a = timespec(), b = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b)
        return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9
    }

    /// User and system CPU seconds of the whole process, all threads (getrusage).
    static func processCPUSeconds() -> Double {
        guard let usage = processUsage() else { return .nan }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The process's peak resident set size in bytes (getrusage), NaN if unavailable.
    static func peakResidentBytes() -> Double {
        guard let usage = processUsage() else { return .nan }
        #if canImport(Darwin)
        return Double(usage.ru_maxrss)          // bytes on Darwin
        #else
        return Double(usage.ru_maxrss) * 1024   // kilobytes on Linux
        #endif
    }

    private static func processUsage() -> rusage? {
        var usage = rusage()
        #if canImport(Glibc)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        return getrusage(who, &usage) == 0 ? usage : nil
    }
}
