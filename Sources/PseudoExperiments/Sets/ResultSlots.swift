import Foundation

/// Results of concurrent iterations, one slot each; the first failure in index order is
/// reported (so the message does not depend on timing).
final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]
    private var anyFailure = false

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ result: Result<T, Error>) {
        lock.lock()
        slots[i] = result
        if case .failure = result { anyFailure = true }
        lock.unlock()
    }

    /// Whether some iteration has failed (the others then stop early).
    var failed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return anyFailure
    }

    /// Every value in order, or the first error.
    func values() throws -> [T] {
        lock.lock()
        defer { lock.unlock() }
        var out: [T] = []
        out.reserveCapacity(slots.count)
        for slot in slots {
            switch slot {
            case .success(let v)?: out.append(v)
            case .failure(let e)?: throw e
            case nil: continue
            }
        }
        if let firstMissing = slots.firstIndex(where: { $0 == nil }), !anyFailure {
            preconditionFailure("slot \(firstMissing) was never filled")
        }
        return out
    }
}
