/// Diagnostics of the point estimate `mu_hat` and its uncertainty `delta` (not part of the score).
///
/// Computed over the results without a recorded failure that carry a finite `muHat` and a finite
/// `uncertainty` (whatever their interval: these judge the point estimate, as the challenge's
/// do); the others are counted in ``excluded``. The challenge's RMSE and MAE are its
/// own definitions (they also judge the uncertainty), averaged per set, then over sets:
/// ```
/// e_i      = mu_hat_i - mu_i
/// rmse_i   = sqrt( e_i^2 + (e_i^2 - delta_i^2)^2 )
/// mae_i    = |e_i| + | |e_i| - delta_i |
/// rmse     = mean over sets s of ( mean over i in s of rmse_i )      (likewise mae)
/// bias     = mean_i e_i                                               (pooled)
/// pull_i   = e_i / delta_i          (only where delta_i > 0; ideally mean 0, sd 1)
/// ```
public struct PointMetrics: Codable, Sendable, Equatable {
    /// How many results entered (finite point estimate and uncertainty, not a failure).
    public var n: Int
    /// How many results were left out (failures, or no finite mu_hat / uncertainty).
    public var excluded: Int
    /// The challenge's RMSE (nil when n = 0).
    public var rmse: Double?
    /// The challenge's MAE (nil when n = 0).
    public var mae: Double?
    /// The mean of mu_hat - mu (nil when n = 0).
    public var bias: Double?
    /// The number of pulls (results with a positive uncertainty).
    public var pullCount: Int
    /// The mean pull (nil without pulls).
    public var pullMean: Double?
    /// The sample standard deviation of the pulls (nil with fewer than two).
    public var pullStandardDeviation: Double?

    /// The challenge's per-pseudo-experiment RMSE term.
    public static func rmseTerm(mu: Double, muHat: Double, delta: Double) -> Double {
        let e2 = (muHat - mu) * (muHat - mu)
        return (e2 + (e2 - delta * delta) * (e2 - delta * delta)).squareRoot()
    }

    /// The challenge's per-pseudo-experiment MAE term.
    public static func maeTerm(mu: Double, muHat: Double, delta: Double) -> Double {
        let e = abs(muHat - mu)
        return e + abs(e - delta)
    }

    /// The pull of one usable result, or nil (failure, no finite muHat, or no positive finite uncertainty).
    public static func pull(of result: ScoredResult) -> Double? {
        guard let (muHat, delta) = usable(result), delta > 0 else { return nil }
        return (muHat - result.truth.mu) / delta
    }

    /// The (muHat, uncertainty) of a result that enters the point metrics.
    static func usable(_ r: ScoredResult) -> (Double, Double)? {
        guard r.failure == nil, let e = r.estimate, let m = e.muHat, let d = e.uncertainty,
              m.isFinite, d.isFinite else { return nil }
        return (m, d)
    }

    /// The point metrics of `results` (any order).
    public init(results: [ScoredResult]) {
        var bySet: [Int: (rmse: Double, mae: Double, n: Int)] = [:]
        var errors: [Double] = [], pulls: [Double] = []
        for r in results.sorted(by: { $0.key < $1.key }) {
            guard let (muHat, delta) = PointMetrics.usable(r) else { continue }
            let mu = r.truth.mu
            var s = bySet[r.truth.setIndex] ?? (0, 0, 0)
            s.rmse += PointMetrics.rmseTerm(mu: mu, muHat: muHat, delta: delta)
            s.mae += PointMetrics.maeTerm(mu: mu, muHat: muHat, delta: delta)
            s.n += 1
            bySet[r.truth.setIndex] = s
            errors.append(muHat - mu)
            if delta > 0 { pulls.append((muHat - mu) / delta) }
        }
        n = errors.count
        excluded = results.count - n
        let sets = bySet.keys.sorted().compactMap { bySet[$0] }
        rmse = sets.isEmpty ? nil : SampleStatistics.mean(sets.map { $0.rmse / Double($0.n) })
        mae = sets.isEmpty ? nil : SampleStatistics.mean(sets.map { $0.mae / Double($0.n) })
        bias = errors.isEmpty ? nil : SampleStatistics.mean(errors)
        pullCount = pulls.count
        pullMean = pulls.isEmpty ? nil : SampleStatistics.mean(pulls)
        pullStandardDeviation = pulls.count < 2 ? nil : SampleStatistics.standardDeviation(pulls)
    }
}
