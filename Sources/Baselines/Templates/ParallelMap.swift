import Foundation

/// `map` over the machine's cores, results in input order.
///
/// Used for independent, deterministic pieces of training (templates at each grid value): the
/// result does not depend on the number of cores or on the order pieces finish in.
enum ParallelMap {
    static func map<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
        var results = [R?](repeating: nil, count: items.count)
        let lock = NSLock()
        let workers = max(1, min(items.count, ProcessInfo.processInfo.activeProcessorCount))
        var next = 0
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    lock.lock()
                    let i = next
                    next += 1
                    lock.unlock()
                    guard i < items.count else { return }
                    let r = transform(items[i])
                    lock.lock()
                    results[i] = r
                    lock.unlock()
                }
            }
        }
        return results.map { $0! }
    }
}
