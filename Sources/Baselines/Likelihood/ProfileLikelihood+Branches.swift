import Foundation

/// Profile likelihoods with several local minima.
///
/// Nuisances that act alike (a soft-MET smearing and a jet energy scale both blur the MET) can
/// give the likelihood two valleys: the fit that starts in one never sees the other, so a
/// conditional fit warm-started along one valley reports a t(mu) that is too large where the
/// other valley is lower, and the interval comes out too narrow. Here every valley found is
/// followed:
/// ```
/// branches      local minima of global fits from several starts (duplicates dropped)
/// t(mu)         = min over branches b of f(mu, theta_hat_hat_b(mu)) - f_min
///                 (each branch's conditional fits warm-started along that branch)
/// ```
/// If a conditional fit goes below the global minimum, the global fit is redone from that point,
/// the new minimum joins the branches and the search starts over (at most `maxRestarts` times),
/// instead of failing: a lower point is proof that the global fit missed the minimum.
extension ProfileLikelihood {
    /// Global fits from the parameters' starts and from each of `starts` (moved into the
    /// bounds; fits that fail are left out), distinct minima only, lowest first.
    ///
    /// - Throws: the first fit's error when no fit succeeds.
    public func branches(from starts: [[Double]]) throws -> [Minimum] {
        var found: [Minimum] = []
        var firstError: Error?
        for start in [parameters.map(\.start)] + starts {
            let x = start.indices.map { parameters[$0].clamp(start[$0]) }
            do {
                found.append(try bestFit(from: x))
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        guard !found.isEmpty else { throw firstError! }
        return distinct(found)
    }

    /// The minima sorted by value with near-duplicates (every parameter within 1e-3 of its
    /// range, or of 1 for an unbounded one) removed.
    func distinct(_ minima: [Minimum]) -> [Minimum] {
        var out: [Minimum] = []
        for m in minima.sorted(by: { $0.value < $1.value }) {
            let duplicate = out.contains { o in
                parameters.indices.allSatisfy { i in
                    let p = parameters[i]
                    let range = (p.upper - p.lower).isFinite ? max(p.upper - p.lower, 1e-12) : 1
                    return abs(o.values[i] - m.values[i]) <= 1e-3 * range
                }
            }
            if !duplicate { out.append(m) }
        }
        return out
    }

    /// A conditional fit that went below the global minimum.
    private struct MissedMinimum: Error {
        let fit: Minimum
    }

    /// The interval { mu : t(mu) <= threshold } following every branch, and the global minimum
    /// it was measured from (lower than `branches[0]` after a restart).
    ///
    /// - Throws: as ``interval(threshold:bestFit:)``; ``FitError/globalMinimumMissed(parameter:value:conditional:global:)``
    ///   only when `maxRestarts` restarts did not settle the minimum.
    public func interval(threshold: Double = 1, branches given: [Minimum], maxRestarts: Int = 3) throws
        -> (interval: ProfileInterval, best: Minimum) {
        precondition(!given.isEmpty, "the interval needs at least one minimum")
        var branches = distinct(given)
        var restarts = 0
        while true {
            do {
                return (try interval(threshold: threshold, following: branches), branches[0])
            } catch let missed as MissedMinimum {
                let k = parameterOfInterest
                guard restarts < maxRestarts else {
                    throw FitError.globalMinimumMissed(parameter: parameters[k].name, value: missed.fit.values[k],
                                                       conditional: missed.fit.value, global: branches[0].value)
                }
                let refit = (try? bestFit(from: missed.fit.values)) ?? missed.fit
                branches = distinct([refit.value <= missed.fit.value ? refit : missed.fit] + branches)
                restarts += 1
            }
        }
    }

    /// The intervals { mu : t(mu) <= threshold_k } for every threshold, all measured from one
    /// global minimum (a restart found in any of them redoes them all, so that the intervals of
    /// different levels never come from different minima and stay nested), in the order of
    /// `thresholds`.
    ///
    /// - Throws: as ``interval(threshold:branches:maxRestarts:)``.
    public func intervals(thresholds: [Double], branches given: [Minimum], maxRestarts: Int = 3) throws
        -> (intervals: [ProfileInterval], best: Minimum) {
        precondition(!given.isEmpty, "the interval needs at least one minimum")
        var branches = distinct(given)
        var restarts = 0
        while true {
            do {
                return (try thresholds.map { try interval(threshold: $0, following: branches) }, branches[0])
            } catch let missed as MissedMinimum {
                let k = parameterOfInterest
                guard restarts < maxRestarts else {
                    throw FitError.globalMinimumMissed(parameter: parameters[k].name, value: missed.fit.values[k],
                                                       conditional: missed.fit.value, global: branches[0].value)
                }
                let refit = (try? bestFit(from: missed.fit.values)) ?? missed.fit
                branches = distinct([refit.value <= missed.fit.value ? refit : missed.fit] + branches)
                restarts += 1
            }
        }
    }

    /// One search of both ends with `branches[0]` as the global minimum: `t(mu)` is the lowest
    /// conditional fit from every branch's warm start.
    private func interval(threshold: Double, following branches: [Minimum]) throws -> ProfileInterval {
        let best = branches[0]
        var fits = 0
        return try interval(around: best, threshold: threshold, conditionalFits: { fits }) { _ in
            var warm = branches.map(\.values)
            return { mu in
                var lowest: Minimum?
                var firstError: Error?
                for b in warm.indices {
                    do {
                        let fit = try conditionalFit(at: mu, from: warm[b])
                        fits += 1
                        warm[b] = fit.values
                        if lowest == nil || fit.value < lowest!.value { lowest = fit }
                    } catch {
                        if firstError == nil { firstError = error }
                    }
                }
                guard let fit = lowest else { throw firstError! }
                let t = (fit.value - best.value) / objective.errorDefinition
                if t < -slack { throw MissedMinimum(fit: fit) }
                return max(t, 0)
            }
        }
    }

    /// t(mu) following every branch (restarting on a missed minimum, as ``interval(threshold:branches:maxRestarts:)``).
    public func ratio(at mu: Double, branches given: [Minimum], maxRestarts: Int = 3) throws -> Double {
        var branches = distinct(given)
        var conditional = Double.nan
        for attempt in 0...maxRestarts {
            var lowest: Minimum?
            var firstError: Error?
            for b in branches {
                do {
                    let fit = try conditionalFit(at: mu, from: b.values)
                    if lowest == nil || fit.value < lowest!.value { lowest = fit }
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            guard let fit = lowest else { throw firstError! }
            conditional = fit.value
            let t = (fit.value - branches[0].value) / objective.errorDefinition
            if t >= -slack { return max(t, 0) }
            if attempt == maxRestarts { break }
            let refit = (try? bestFit(from: fit.values)) ?? fit
            branches = distinct([refit.value <= fit.value ? refit : fit] + branches)
        }
        throw FitError.globalMinimumMissed(parameter: parameters[parameterOfInterest].name, value: mu,
                                           conditional: conditional, global: branches[0].value)
    }
}
