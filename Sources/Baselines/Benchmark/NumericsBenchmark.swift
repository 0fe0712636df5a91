import Foundation

/// Timings of the numerical core on a representative binned profile-likelihood fit.
///
/// On ``SyntheticTemplateProblem`` (7 parameters, 30 bins, ~1.05 M events):
/// ```
/// profile_fit_ms        the global fit from the nominal start          target <= 1 ms
/// profile_interval_ms   both ends of the t(mu) = 1 interval (Brent,
///                       warm-started conditional fits)                 target <= 5 ms
/// ```
/// Each figure is the median over `repetitions` runs in milliseconds; meaningful only in a
/// release build. `bench benchmark` prints them.
public enum NumericsBenchmark {
    /// The figures as (name, milliseconds), plus the conditional fits per interval.
    public static func run(repetitions: Int = 200, seed: UInt64 = 2024) throws -> [(String, Double)] {
        precondition(repetitions > 0, "repetitions must be positive, got \(repetitions)")
        let profile = try SyntheticTemplateProblem(seed: seed).profile()
        let clock = ContinuousClock()
        var fitTimes: [Double] = [], intervalTimes: [Double] = []
        var best = try profile.bestFit()
        var interval = try profile.interval(bestFit: best)
        for _ in 0..<repetitions {
            fitTimes.append(milliseconds(try clock.measure { best = try profile.bestFit() }))
            intervalTimes.append(milliseconds(try clock.measure { interval = try profile.interval(bestFit: best) }))
        }
        return [("profile_fit_ms", median(fitTimes)),
                ("profile_interval_ms", median(intervalTimes)),
                ("profile_interval_conditional_fits", Double(interval.conditionalFits))]
    }

    private static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    private static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}
