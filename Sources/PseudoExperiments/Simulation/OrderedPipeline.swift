import Foundation

/// Runs `produce(0..<count)` on worker threads and hands the results to `consume` in index order,
/// on the calling thread, with at most `window` results produced ahead of the consumer.
///
/// Work goes to whichever worker is free, so any number of workers gives the same sequence of
/// `consume` calls; memory is bounded by `window` results. Consuming (e.g. compressing and
/// writing a block) overlaps with producing the next ones.
///
/// ```swift
/// try OrderedPipeline.run(count: 8, workers: 2, window: 4, produce: { $0 * $0 }) { i, square in
///     print(i, square)   // 0 0, 1 1, 2 4, ... in this order
/// }
/// ```
/// If `consume` throws, the workers stop taking new indices, the ones running finish, and the
/// error is rethrown.
enum OrderedPipeline {
    static func run<Result>(count: Int, workers: Int, window: Int,
                            produce: @escaping @Sendable (Int) -> Result,
                            consume: (Int, Result) throws -> Void) throws {
        precondition(workers >= 1 && window >= 1, "workers and window must be positive, got \(workers), \(window)")
        guard count > 0 else { return }
        let state = State<Result>()
        let threads = min(workers, count)
        for _ in 0..<threads {
            let thread = Thread { state.work(count: count, window: window, produce: produce) }
            thread.stackSize = 1 << 22
            thread.start()
        }
        var failure: Error?
        for i in 0..<count {
            let result = state.take(i)
            do { try consume(i, result) } catch { failure = error; break }
        }
        state.finish(threads: threads)
        if let failure { throw failure }
    }

    /// The shared state, guarded by one condition variable.
    private final class State<Result>: @unchecked Sendable {
        let condition = NSCondition()
        var nextToProduce = 0
        var nextToConsume = 0
        var results: [Int: Result] = [:]
        var stopped = false
        var exited = 0

        func work(count: Int, window: Int, produce: (Int) -> Result) {
            condition.lock()
            while true {
                while !stopped, nextToProduce < count, nextToProduce - nextToConsume >= window { condition.wait() }
                if stopped || nextToProduce >= count { break }
                let i = nextToProduce
                nextToProduce += 1
                condition.unlock()
                let r = produce(i)
                condition.lock()
                results[i] = r
                condition.broadcast()
            }
            exited += 1
            condition.broadcast()
            condition.unlock()
        }

        func take(_ i: Int) -> Result {
            condition.lock()
            defer { condition.unlock() }
            while results[i] == nil { condition.wait() }
            nextToConsume = i + 1
            condition.broadcast()
            return results.removeValue(forKey: i)!
        }

        /// Stops the workers and waits until all `threads` have left.
        func finish(threads: Int) {
            condition.lock()
            stopped = true
            condition.broadcast()
            while exited < threads { condition.wait() }
            results.removeAll()
            condition.unlock()
        }
    }
}
