import Foundation

/// Runs numbered work items on a fixed number of threads, each thread taking the next item as
/// it finishes one, until the items run out or a stop is requested.
///
/// Plain threads rather than Swift tasks or `concurrentPerform`: estimators block for as long
/// as they compute (seconds, at worst past their time limit), and blocking calls belong on
/// threads of their own, not on the shared pools that signal handling and the rest of the
/// process rely on.
enum WorkerPool {
    /// Calls `body(item, worker)` for items `0..<count` on `min(jobs, count)` threads; returns
    /// when every thread has stopped. Items are taken in increasing order; once `shouldStop()`
    /// is true no further item is taken (items in progress finish).
    static func run(count: Int, jobs: Int, shouldStop: @escaping @Sendable () -> Bool,
                    _ body: @escaping @Sendable (_ item: Int, _ worker: Int) -> Void) {
        let threads = max(1, min(jobs, count))
        guard count > 0 else { return }
        let next = Locked(0)
        let finished = DispatchGroup()
        for worker in 0..<threads {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                while !shouldStop() {
                    let item = next.withLock { n -> Int in defer { n += 1 }; return n }
                    guard item < count else { break }
                    body(item, worker)
                }
            }
            thread.stackSize = 8 << 20
            thread.name = "evaluation-worker-\(worker)"
            thread.start()
        }
        finished.wait()
    }
}
