import Foundation

/// Results of expensive training steps, shared by every estimator fitted on one training
/// context (and by the fresh instances of the runner's statefulness check).
///
/// Why: several baselines start with the same costly step (the calibrated and oracle rows train
/// exactly the classifier-likelihood's trees and templates, on the same rows with the same
/// randomness). Computing it once per context, not once per estimator, is what lets `bench run`
/// fit every built-in within minutes.
///
/// The rule that keeps fits reproducible: a result is keyed by the step's description (its
/// configuration) *and* the state of the generator it draws from, and it is stored with the
/// generator's state after the step. A later caller with the same key gets the same value and
/// leaves its generator in the same state as if it had computed the value itself, so a fit
/// gives the very same model whether or not another estimator ran first, in any order, on any
/// number of threads:
/// ```
/// value(key, &rng, compute):  k = (key, rng)
///     stored (v, rng') at k  ->  rng = rng', return v
///     otherwise              ->  v = compute(&rng), store (v, rng) at k, return v
/// ```
/// A caller that finds the step in progress on another thread waits for it instead of
/// computing it twice. A step that throws stores nothing (every caller gets its own error, each
/// computing the step anew). A step must not ask for itself (same step, same generator state)
/// from inside its computation: it would wait for itself.
///
/// Values must be immutable data (structs of numbers and arrays), never objects with state: the
/// same value is handed to several fitted estimators, which must stay independent. They must be
/// `Codable` too, so that the compiler checks that every result can be saved: a fit saved once
/// (``snapshot()``, `bench evaluate --save-fit`) is preloaded on every shard of a cluster run
/// (``preload(_:)``, `--fitted`), whose fits then find every costly step done. A preloaded value
/// is decoded on its first use, as the type its key names (the key holds the type's name).
///
/// A view made by ``recorder()`` shares the results and remembers which ones its caller used,
/// so that the snapshot of one fit holds that fit's results only, even when other fits ran on
/// the same context at the same time.
public final class TrainingArtifacts: @unchecked Sendable {
    struct Key: Hashable {
        var step: String
        var generator: SeededGenerator
    }

    private enum Slot {
        case computing
        case done(value: any Sendable & Encodable, generator: SeededGenerator)
        /// Preloaded from a snapshot, not yet decoded (the key's type is known only at first use).
        case saved(bytes: Data, generator: SeededGenerator)
    }

    /// The artifacts that hold the results (self unless this is a ``recorder()``).
    private let storage: TrainingArtifacts?
    private var slots: [Key: Slot] = [:]
    /// The keys a recorder's caller asked for.
    private var used: Set<Key> = []
    private var computations = 0
    private let condition = NSCondition()

    public init() { storage = nil }

    private init(recordingInto storage: TrainingArtifacts) { self.storage = storage }

    /// A view of these artifacts that shares every result and remembers the ones asked for
    /// through it: its ``snapshot()`` holds those only.
    public func recorder() -> TrainingArtifacts { TrainingArtifacts(recordingInto: storage ?? self) }

    /// The number of stored results (preloaded ones included).
    public var count: Int {
        if let storage { return storage.count }
        condition.lock()
        defer { condition.unlock() }
        return slots.values.reduce(0) { if case .computing = $1 { return $0 } else { return $0 + 1 } }
    }

    /// How many times a step was computed here (not found stored or preloaded): 0 after a fit
    /// that found every step in a preloaded snapshot.
    public var computedSteps: Int {
        if let storage { return storage.computedSteps }
        condition.lock()
        defer { condition.unlock() }
        return computations
    }

    /// The result of the step `step` (a description of everything it depends on besides the
    /// training context and `rng`), computed by `compute` at most once per generator state.
    ///
    /// - Throws: what `compute` throws, or ``TrainingArtifactsError/undecodableValue(step:reason:)``
    ///   when a preloaded value cannot be decoded as `T`.
    public func value<T: Sendable & Codable>(_ step: String, rng: inout SeededGenerator,
                                             compute: (inout SeededGenerator) throws -> T) throws -> T {
        let key = Key(step: "\(String(reflecting: T.self))|\(step)", generator: rng)
        if let storage {
            condition.lock()
            used.insert(key)
            condition.unlock()
            return try storage.value(key, rng: &rng, compute: compute)
        }
        return try value(key, rng: &rng, compute: compute)
    }

    private func value<T: Sendable & Codable>(_ key: Key, rng: inout SeededGenerator,
                                              compute: (inout SeededGenerator) throws -> T) throws -> T {
        condition.lock()
        while true {
            switch slots[key] {
            case let .done(value, generator)?:
                condition.unlock()
                // The key names the type, so the stored value has it.
                rng = generator
                return value as! T
            case .computing?:
                condition.wait()
            case let .saved(bytes, generator)?:
                slots[key] = .computing
                condition.unlock()
                let value: T
                do {
                    value = try TrainingArtifactsSnapshot.decode(T.self, from: bytes)
                } catch {
                    condition.lock()
                    slots[key] = .saved(bytes: bytes, generator: generator)
                    condition.broadcast()
                    condition.unlock()
                    throw TrainingArtifactsError.undecodableValue(step: key.step, reason: "\(error)")
                }
                condition.lock()
                slots[key] = .done(value: value, generator: generator)
                condition.broadcast()
                condition.unlock()
                rng = generator
                return value
            case nil:
                slots[key] = .computing
                computations += 1
                condition.unlock()
                let value: T
                do {
                    value = try compute(&rng)
                } catch {
                    condition.lock()
                    slots[key] = nil
                    condition.broadcast()
                    condition.unlock()
                    throw error
                }
                condition.lock()
                slots[key] = .done(value: value, generator: rng)
                condition.broadcast()
                condition.unlock()
                return value
            }
        }
    }

    /// Every finished result (for a ``recorder()``: those asked for through it), encoded, in a
    /// deterministic order: the same fit gives the same bytes. Steps in progress are left out.
    public func snapshot() throws -> TrainingArtifactsSnapshot {
        if let storage {
            condition.lock()
            let keys = used
            condition.unlock()
            return try storage.snapshot(only: keys)
        }
        return try snapshot(only: nil)
    }

    private func snapshot(only keys: Set<Key>?) throws -> TrainingArtifactsSnapshot {
        condition.lock()
        defer { condition.unlock() }
        var entries: [TrainingArtifactsSnapshot.Entry] = []
        for (key, slot) in slots where keys?.contains(key) ?? true {
            switch slot {
            case .computing:
                continue
            case let .saved(bytes, generator):
                entries.append(.init(step: key.step, generator: key.generator, after: generator, value: bytes))
            case let .done(value, generator):
                let bytes: Data
                do {
                    bytes = try TrainingArtifactsSnapshot.encode(value)
                } catch {
                    throw TrainingArtifactsError.unencodableValue(step: key.step, reason: "\(error)")
                }
                entries.append(.init(step: key.step, generator: key.generator, after: generator, value: bytes))
            }
        }
        entries.sort {
            $0.step != $1.step ? $0.step < $1.step : $0.generator.stateWords.lexicographicallyPrecedes($1.generator.stateWords)
        }
        return TrainingArtifactsSnapshot(entries: entries)
    }

    /// Adds the results of `snapshot`, decoded on first use; a step already stored or in
    /// progress here keeps its own (equal) value.
    public func preload(_ snapshot: TrainingArtifactsSnapshot) {
        if let storage { return storage.preload(snapshot) }
        condition.lock()
        defer { condition.unlock() }
        for entry in snapshot.entries {
            let key = Key(step: entry.step, generator: entry.generator)
            if slots[key] == nil { slots[key] = .saved(bytes: entry.value, generator: entry.after) }
        }
    }
}
