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
/// same value is handed to several fitted estimators, which must stay independent.
public final class TrainingArtifacts: @unchecked Sendable {
    private struct Key: Hashable {
        var step: String
        var generator: SeededGenerator
    }

    private enum Slot {
        case computing
        case done(value: any Sendable, generator: SeededGenerator)
    }

    private var slots: [Key: Slot] = [:]
    private let condition = NSCondition()

    public init() {}

    /// The number of stored results.
    public var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return slots.values.reduce(0) { if case .done = $1 { return $0 + 1 } else { return $0 } }
    }

    /// The result of the step `step` (a description of everything it depends on besides the
    /// training context and `rng`), computed by `compute` at most once per generator state.
    public func value<T: Sendable>(_ step: String, rng: inout SeededGenerator,
                                   compute: (inout SeededGenerator) throws -> T) throws -> T {
        let key = Key(step: "\(String(reflecting: T.self))|\(step)", generator: rng)
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
            case nil:
                slots[key] = .computing
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
}
