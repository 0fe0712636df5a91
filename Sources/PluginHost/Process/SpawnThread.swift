import Foundation

/// One long-lived thread from which every plugin process is started.
///
/// Linux sends a parent-death signal (`PR_SET_PDEATHSIG`, and bubblewrap's `--die-with-parent`,
/// which uses it) when the *thread* that forked the child ends, not the process. Swift's and
/// Dispatch's worker threads come and go, so a plugin started from one of them could be killed
/// in the middle of a run. Starting every child from this thread, which lives as long as the
/// harness, ties the children's lifetime to the harness process: if the harness dies, however
/// abruptly, its plugins die with it.
final class SpawnThread: @unchecked Sendable {
    static let shared = SpawnThread()

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "fair-uq plugin spawner"
        thread.start()
    }

    /// Runs `body` on the spawner thread and returns its result.
    func run<T>(_ body: @escaping () -> T) -> T {
        let box = SpawnResult<T>()
        condition.lock()
        jobs.append {
            let value = body()
            self.condition.lock()
            box.value = value
            box.done = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        condition.broadcast()
        while !box.done { condition.wait() }
        condition.unlock()
        return box.value!
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// The result of one job, handed from the spawner thread to the caller under the condition lock.
private final class SpawnResult<T>: @unchecked Sendable {
    var value: T?
    var done = false
}
