import Foundation
import XCTest

/// Goodness-of-fit helpers for the sampling tests, written independently of the code under test.
///
/// Every statistical test runs on a fixed seed, so it is deterministic; the thresholds (about
/// 1e-5 false-alarm rate for chi-square, 5 standard errors for moments) guard against choosing
/// an unlucky seed, and the "power" checks show that a wrong distribution does fail them.
enum StatisticalChecks {
    /// log P(k; mean) by the textbook sum `-mean + k log mean - sum_{j<=k} log j` (fine for the
    /// moderate k of the tests; independent of `PoissonVariate.logProbability`).
    static func poissonLogPMF(_ k: Int, mean: Double) -> Double {
        if mean == 0 { return k == 0 ? 0 : -.infinity }
        var logFactorial = 0.0
        if k > 1 { for j in 2...k { logFactorial += log(Double(j)) } }
        return -mean + Double(k) * log(mean) - logFactorial
    }

    /// Poisson probabilities for k in 0..<upTo.
    static func poissonPMF(mean: Double, upTo n: Int) -> [Double] {
        (0..<n).map { exp(poissonLogPMF($0, mean: mean)) }
    }

    /// Pearson's chi-square of `observed` counts against `probabilities` (summing to <= 1; the
    /// remainder is the mass of an implicit last bin) for `samples` draws. Adjacent bins are
    /// merged until each expects at least 5. Returns the statistic and degrees of freedom.
    static func chiSquare(observed: [Int], probabilities: [Double], samples: Int) -> (statistic: Double, dof: Int) {
        precondition(observed.count == probabilities.count + 1 || observed.count == probabilities.count)
        var probs = probabilities
        if observed.count == probs.count + 1 { probs.append(max(0, 1 - probs.reduce(0, +))) }
        var bins: [(o: Double, e: Double)] = []
        var o = 0.0, e = 0.0
        for i in observed.indices {
            o += Double(observed[i]); e += probs[i] * Double(samples)
            if e >= 5 { bins.append((o, e)); o = 0; e = 0 }
        }
        if e > 0 || o > 0 {
            if bins.isEmpty { bins.append((o, e)) } else { bins[bins.count - 1].o += o; bins[bins.count - 1].e += e }
        }
        let stat = bins.reduce(0.0) { $0 + ($1.o - $1.e) * ($1.o - $1.e) / $1.e }
        return (stat, bins.count - 1)
    }

    /// The chi-square quantile at upper tail probability ~1e-5 (Wilson-Hilferty, z = 4.265).
    static func chiSquareCritical(dof: Int, z: Double = 4.265) -> Double {
        let k = Double(max(dof, 1))
        let t = 1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot()
        return k * t * t * t
    }

    /// Histogram of non-negative integers, with one overflow bin at index `bins`.
    static func histogram(_ values: [Int], bins: Int) -> [Int] {
        var h = [Int](repeating: 0, count: bins + 1)
        for v in values { h[min(v, bins)] += 1 }
        return h
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

    static func variance(_ x: [Double]) -> Double {
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Asserts that `counts` (draws of one variable) fit Poisson(`mean`) by chi-square.
    static func assertPoisson(_ counts: [Int], mean: Double, _ what: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        let upper = Int(mean + 10 * mean.squareRoot() + 10)
        let lower = max(0, Int(mean - 10 * mean.squareRoot()))
        // Bins lower..<upper, with everything below lower folded into the first bin.
        var observed = [Int](repeating: 0, count: upper - lower + 1)
        for c in counts { observed[min(max(c, lower), upper) - lower] += 1 }
        var probs = (lower..<upper).map { exp(poissonLogPMF($0, mean: mean)) }
        if lower > 0 { probs[0] += (0..<lower).reduce(0) { $0 + exp(poissonLogPMF($1, mean: mean)) } }
        let (stat, dof) = chiSquare(observed: observed, probabilities: probs, samples: counts.count)
        XCTAssertLessThan(stat, chiSquareCritical(dof: dof),
                          "\(what): chi-square \(stat) with \(dof) dof against Poisson(\(mean))", file: file, line: line)
    }
}
