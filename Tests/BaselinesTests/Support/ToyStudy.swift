import Foundation
import PseudoExperiments
@testable import Baselines

/// Pseudo-experiments drawn as the challenge draws them, for measuring an estimator's coverage
/// before the harness's generator and runner are at hand: mu from its prior, nuisances from
/// theirs, Poisson multiplicities from an evaluation pool (``PoolSampler``), the systematics
/// transform with seeded soft-MET noise, and the surviving rows as a sealed view.
struct ToyStudy {
    let spec: ChallengeSpec
    let pool: EventTable
    let prepared: PreparedEvents
    let sampler: PoolSampler

    init(spec: ChallengeSpec, evaluationPool pool: EventTable) throws {
        self.spec = spec
        self.pool = pool
        self.prepared = PreparedEvents(pool)
        self.sampler = try PoolSampler(pool: pool)
    }

    /// One toy: its truth and its view.
    struct Toy {
        var mu: Double
        var nuisances: NuisanceValues
        var view: SealedView
    }

    /// Toy `index` below `seed`, at `mu` if given (else drawn from the prior).
    func toy(seed: UInt64, index: Int, mu fixedMu: Double? = nil, nuisances fixedNuisances: NuisanceValues? = nil) throws -> Toy {
        var rng = SeedDerivation.generator(seed, .nuisances, 0, index)
        let mu = fixedMu ?? spec.drawMu(using: &rng)
        let nuisances = fixedNuisances ?? spec.drawNuisances(using: &rng)
        var poisson = SeedDerivation.generator(seed, .poisson, 0, index)
        let rows = try sampler.draw(mu: mu, nuisances: nuisances, using: &poisson)
        var noise = SeedDerivation.generator(seed, .softMet, 0, index)
        let events = prepared.gather(rows).applying(SystematicShift(nuisances), noise: &noise)
        var values: [Float] = []
        values.reserveCapacity(events.count * Feature.allCases.count)
        for feature in Feature.allCases { values.append(contentsOf: events.column(feature)) }
        return Toy(mu: mu, nuisances: nuisances, view: SealedView(count: events.count, columnMajor: values))
    }

    /// The outcome of one toy.
    struct Outcome {
        var mu: Double
        var estimate: Estimate?
        var error: Error?

        var covered: Bool { estimate?.interval68.contains(mu) ?? false }
        var width: Double? { estimate?.interval68.width }
    }

    /// Coverage figures over outcomes.
    struct Summary: CustomStringConvertible {
        var outcomes: [Outcome]

        var failures: Int { outcomes.filter { $0.estimate == nil }.count }
        var coverage: Double { Double(outcomes.filter(\.covered).count) / Double(max(outcomes.count, 1)) }
        var meanWidth: Double {
            let w = outcomes.compactMap(\.width)
            return w.reduce(0, +) / Double(max(w.count, 1))
        }
        /// Coverage in each third of `range` of the true mu.
        func coverageByThird(_ range: ClosedRange<Double>) -> [Double] {
            let third = (range.upperBound - range.lowerBound) / 3
            return (0..<3).map { k in
                let lo = range.lowerBound + Double(k) * third, hi = lo + third
                let part = outcomes.filter { $0.mu >= lo && ($0.mu < hi || k == 2) }
                return Double(part.filter(\.covered).count) / Double(max(part.count, 1))
            }
        }
        var description: String {
            String(format: "n=%d failures=%d coverage=%.3f width=%.3f", outcomes.count, failures, coverage, meanWidth)
        }
    }

    /// Runs `estimate` on toys `0..<count` below `seed`.
    func run(count: Int, seed: UInt64, estimate: (Toy) throws -> Estimate) throws -> Summary {
        var outcomes: [Outcome] = []
        for index in 0..<count {
            let toy = try self.toy(seed: seed, index: index)
            do {
                outcomes.append(Outcome(mu: toy.mu, estimate: try estimate(toy), error: nil))
            } catch {
                outcomes.append(Outcome(mu: toy.mu, estimate: nil, error: error))
            }
        }
        return Summary(outcomes: outcomes)
    }
}

extension ToyStudy.Summary {
    /// The coverage at `level` (the primary interval at `primary`, else the estimate's further
    /// interval at `level`; a failure or a missing interval is not covered) and its +-k sigma
    /// binomial band `level +- k sqrt(level (1 - level) / N)`.
    ///
    /// `calibrationToys`: for an estimator calibrated on that many toys, whose nominal coverage
    /// is itself known only to the binomial precision of its toys, the band's variance adds
    /// theirs: `level (1 - level) (1/N + 1/calibrationToys)`.
    func coverage(at level: Double, primary: Double = 0.6827, sigmas k: Double = 3, calibrationToys: Int? = nil)
        -> (coverage: Double, band: ClosedRange<Double>, inside: Bool) {
        let n = Double(max(outcomes.count, 1))
        let covered = outcomes.filter { o in
            guard let e = o.estimate else { return false }
            let interval = level == primary ? e.interval68 : e.interval(at: level)
            return interval?.contains(o.mu) ?? false
        }.count
        let c = Double(covered) / n
        let half = k * (level * (1 - level) * (1 / n + (calibrationToys.map { 1 / Double($0) } ?? 0))).squareRoot()
        let band = (level - half)...(level + half)
        return (c, band, band.contains(c))
    }
}

/// A test estimator whose every interval is `factor` times as wide as `base`'s, about its
/// centre: with factor 0.8 the "20% too narrow" method the coverage tests must catch.
struct ScaledIntervals: FittedEstimator {
    let base: any FittedEstimator
    let factor: Double

    static func scaled(_ i: ConfidenceInterval, _ factor: Double) -> ConfidenceInterval {
        let centre = 0.5 * (i.lower + i.upper), half = 0.5 * (i.upper - i.lower) * factor
        return ConfidenceInterval(lower: centre - half, upper: centre + half)
    }

    func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
        let e = try base.estimate(view, using: &rng)
        return Estimate(interval68: Self.scaled(e.interval68, factor), muHat: e.muHat, uncertainty: e.uncertainty,
                        levels: e.levels.map { LevelInterval(level: $0.level, interval: Self.scaled($0.interval, factor)) })
    }
}
