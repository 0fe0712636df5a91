import Foundation

/// The memory of generated views, handed from one pseudo-experiment to the next.
///
/// A 1 M-event view is ~120 MB. Fresh memory of that size comes from the kernel as new pages,
/// which it zeroes on first touch (~10-13 ms per view on one core); glibc serves such blocks
/// with their own `mmap` in every thread but the main one, whatever its thresholds
/// (``AllocationTuning`` helps the main thread only). So the generator does not free a view's
/// memory: when the last copy of a generated view goes away (``ViewStorage``'s deinit), its
/// array waits here, and the next pseudo-experiment that needs at most that much takes it.
///
/// At most ``limit`` arrays wait (one per core and one more: as many views as generation keeps
/// alive at once); when full, a larger array replaces the smallest, and fresh arrays get
/// ``headroom`` beyond what their view needs, so that the next pseudo-experiments, whose sizes
/// vary with mu, the nuisances and the Poisson draws, fit in them. Only the values the new view writes are ever read, so reuse
/// never changes a result. An array still shared when it is taken (an estimator kept a column
/// slice) is copied by the first write, as any Swift array: slower, never wrong.
final class ViewMemory: @unchecked Sendable {
    static let shared = ViewMemory(limit: ProcessInfo.processInfo.activeProcessorCount + 1)

    /// Views smaller than this are not worth keeping (their allocation is cheap).
    static let minimumValues = 1 << 18

    let limit: Int
    private let lock = NSLock()
    private var spares: [[Float]] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// An array of at least `count` values (their contents undefined), if one is waiting; the
    /// smallest that fits.
    func take(atLeast count: Int) -> [Float]? {
        lock.lock()
        defer { lock.unlock() }
        guard let k = spares.indices.filter({ spares[$0].count >= count }).min(by: { spares[$0].count < spares[$1].count })
        else { return nil }
        return spares.remove(at: k)
    }

    /// Values to allocate for a view of `count` values: 1/8 more, so that later views a little
    /// larger fit in its memory.
    static func headroom(_ count: Int) -> Int { count + count / 8 }

    /// Keeps `values` for a later view; when ``limit`` arrays already wait, it replaces the
    /// smallest if it is larger, or is let go.
    func give(_ values: [Float]) {
        guard values.count >= Self.minimumValues else { return }
        lock.lock()
        defer { lock.unlock() }
        if spares.count < limit {
            spares.append(values)
        } else if let k = spares.indices.min(by: { spares[$0].count < spares[$1].count }), spares[k].count < values.count {
            spares[k] = values
        }
    }

    /// Arrays waiting (tests).
    var waiting: Int {
        lock.lock()
        defer { lock.unlock() }
        return spares.count
    }
}

/// The values of a ``SealedView``, shared by its copies; a generated view's array goes back to
/// ``ViewMemory`` when the last copy is gone.
final class ViewStorage: Sendable {
    let values: [Float]
    private let recycled: Bool

    init(_ values: [Float], recycled: Bool) {
        self.values = values
        self.recycled = recycled
    }

    deinit {
        if recycled { ViewMemory.shared.give(values) }
    }
}
