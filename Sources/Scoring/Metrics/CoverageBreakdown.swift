import PseudoExperiments

/// One bin of a coverage breakdown: the range of the variable, the coverage with its own
/// binomial band, and the mean counted width.
public struct CoverageBin: Codable, Sendable, Equatable {
    /// The smallest value of the variable the bin admits (true-mu bins) or holds (quantile bins).
    public var lower: Double
    /// The largest value of the variable the bin admits or holds.
    public var upper: Double
    /// The coverage of the 68% intervals in the bin, with its band.
    public var coverage: BinomialCoverage
    /// The mean counted width in the bin (failures count the policy's failure width).
    public var meanWidth: Double
}

/// Coverage of the 68% intervals broken down by one variable, so that a method that covers on
/// average but not everywhere is exposed.
///
/// - ``byTrueMu(_:policy:bins:)``: equal-width bins over the policy's mu range (values outside
///   the range go to the end bins). A method that never covers mu near the ends of its range
///   shows there.
/// - ``byNuisanceQuantiles(_:policy:quantiles:)``: for each nuisance parameter, bins holding
///   equal numbers of pseudo-experiments (ordered by value, ties by set and index). A method that
///   fails at a high jet energy scale shows in the last `jes` bin.
///
/// Every bin carries its own binomial band (``BinomialCoverage``) at the score's target and
/// band width; failures count as not covered, as everywhere.
public struct CoverageBreakdown: Codable, Sendable, Equatable {
    /// The variable: `mu`, or a nuisance parameter's spec name (`tes`, `jes`, `soft_met`, ...).
    public var variable: String
    /// The bins in increasing order of the variable (empty bins are kept for true mu, never
    /// created for quantiles).
    public var bins: [CoverageBin]

    public init(variable: String, bins: [CoverageBin]) {
        self.variable = variable
        self.bins = bins
    }

    /// The bins whose coverage lies outside their band.
    public var binsOutsideBand: [CoverageBin] { bins.filter { $0.coverage.status != .inside } }

    /// The nuisance parameters in the spec's order, by their spec names.
    public static let nuisanceParameters: [(name: String, value: KeyPath<NuisanceValues, Double>)] = [
        ("tes", \.tes), ("jes", \.jes), ("soft_met", \.softMet),
        ("ttbar_scale", \.ttbarScale), ("diboson_scale", \.dibosonScale), ("bkg_scale", \.bkgScale),
    ]

    /// Coverage in `bins` equal-width bins of true mu over `policy.muRange`.
    ///
    /// `level`: the intervals judged (default the policy's target, the primary interval; another
    /// level's bins carry bands at that level).
    public static func byTrueMu(_ results: [ScoredResult], policy: ScoringPolicy = .fairUniverse2024,
                                bins: Int = 6, level: Double? = nil,
                                bandSigmas: Double? = nil) throws -> CoverageBreakdown {
        let level = level ?? policy.parameters.target
        guard bins > 0 else { throw ScoringError.tooFewBins(bins) }
        let lo = policy.muRange.lowerBound, hi = policy.muRange.upperBound
        let step = (hi - lo) / Double(bins)
        var groups = Array(repeating: [IntervalOutcome](), count: bins)
        for r in results {
            // Clamp before converting: a NaN or huge mu must not trap in Int(_:).
            let t = step > 0 ? ((r.truth.mu - lo) / step).rounded(.down) : 0
            let j = t.isNaN ? 0 : Int(min(max(t, 0), Double(bins - 1)))
            groups[j].append(policy.outcome(of: r, level: level))
        }
        let made = groups.enumerated().map { j, outcomes in
            bin(lower: lo + Double(j) * step, upper: j == bins - 1 ? hi : lo + Double(j + 1) * step,
                outcomes: outcomes, policy: policy, level: level, bandSigmas: bandSigmas)
        }
        return CoverageBreakdown(variable: "mu", bins: made)
    }

    /// Coverage in `quantiles` equal-count bins of each nuisance parameter, over the results
    /// whose nuisance values are known (none known: an empty list).
    public static func byNuisanceQuantiles(_ results: [ScoredResult],
                                           policy: ScoringPolicy = .fairUniverse2024,
                                           quantiles: Int = 4) throws -> [CoverageBreakdown] {
        guard quantiles > 0 else { throw ScoringError.tooFewBins(quantiles) }
        let known = results.filter { $0.truth.nuisances != nil }.sorted { $0.key < $1.key }
        guard !known.isEmpty else { return [] }
        let outcomes = known.map { policy.outcome(of: $0) }
        return nuisanceParameters.map { name, path in
            let values = known.map { $0.truth.nuisances?[keyPath: path] ?? .nan }
            // Stable: equal values keep (set, index) order.
            let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
            let m = order.count
            var made: [CoverageBin] = []
            for j in 0..<quantiles {
                let slice = order[(j * m / quantiles)..<((j + 1) * m / quantiles)]
                guard let first = slice.first, let last = slice.last else { continue }
                made.append(bin(lower: values[first], upper: values[last],
                                outcomes: slice.map { outcomes[$0] }, policy: policy))
            }
            return CoverageBreakdown(variable: name, bins: made)
        }
    }

    static func bin(lower: Double, upper: Double, outcomes: [IntervalOutcome],
                    policy: ScoringPolicy, level: Double? = nil, bandSigmas: Double? = nil) -> CoverageBin {
        let p = policy.parameters
        let widthSum = outcomes.reduce(0) { $0 + $1.width }
        return CoverageBin(
            lower: lower, upper: upper,
            coverage: BinomialCoverage(n: outcomes.count, covered: outcomes.filter(\.covered).count,
                                       target: level ?? p.target, bandSigmas: bandSigmas ?? p.bandSigmas),
            meanWidth: outcomes.isEmpty ? .nan : widthSum / Double(outcomes.count))
    }
}
