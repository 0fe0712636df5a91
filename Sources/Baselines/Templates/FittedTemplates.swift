import PseudoExperiments

/// A trained template estimator: histograms a pseudo-experiment with its binning and fits its
/// ``TemplateLikelihood``. Immutable, so one value serves every pseudo-experiment concurrently.
public struct FittedTemplates<Binning: EventBinning>: FittedEstimator {
    public let binning: Binning
    public let likelihood: TemplateLikelihood

    public init(binning: Binning, likelihood: TemplateLikelihood) {
        self.binning = binning
        self.likelihood = likelihood
    }

    /// The observed counts of `view`, checked: rows present and finite where the binning reads.
    ///
    /// - Throws: ``BaselineError/emptyView(estimator:)``, ``BaselineError/nonFiniteFeature(estimator:row:feature:value:)``.
    public func observed(_ view: some FeatureColumns) throws -> [Double] {
        guard view.count > 0 else { throw BaselineError.emptyView(estimator: likelihood.estimator) }
        if let bad = binning.firstNonFiniteInput(in: view) {
            throw BaselineError.nonFiniteFeature(estimator: likelihood.estimator, row: bad.row, feature: bad.feature, value: bad.value)
        }
        return binning.histogram(of: view)
    }

    public func estimate(_ view: SealedView, using rng: inout SeededGenerator) throws -> Estimate {
        try likelihood.estimate(observed: observed(view), rows: view.count)
    }

    /// The estimate with the nuisances held at known values (the oracle's).
    public func estimate(_ view: SealedView, knownNuisances: NuisanceValues) throws -> Estimate {
        let layout = likelihood.layout
        let values = layout.values(mu: 1, nuisances: knownNuisances)
        var fixed: [Int: Double] = [:]
        for i in layout.parameters.indices where i != layout.muIndex { fixed[i] = values[i] }
        return try likelihood.estimate(observed: observed(view), rows: view.count, fixed: fixed)
    }
}

/// What every template estimator does at training time.
enum TemplateTraining {
    /// Checks that the pool has the signal and every background the spec expects events of.
    static func checkProcesses(_ context: TrainingContext, estimator: String) throws {
        let sums = context.pool.weightSums(), rows = context.pool.rowCounts()
        for process in PhysicsProcess.allCases where (sums[process] ?? 0) <= 0 {
            if process.isSignal || context.spec.expectedEvents(process) > 0 {
                throw BaselineError.missingProcess(estimator: estimator, process: process, rows: rows[process] ?? 0)
            }
        }
    }

    /// The layout of the context's spec (mu bounds are set by ``TemplateLikelihood``).
    static func layout(_ context: TrainingContext, estimator: String) throws -> NuisanceLayout {
        let prior = context.spec.muPrior
        return try NuisanceLayout(spec: context.spec, muBounds: prior.min...prior.max, estimator: estimator)
    }

    /// Scans `binning` over `source` and builds the likelihood.
    static func likelihood(source: TemplateSource, binning: some EventBinning, layout: NuisanceLayout,
                           context: inout TrainingContext, estimator: String) throws -> TemplateLikelihood {
        let scan = TemplateScan(source: source, binning: binning, layout: layout, noiseSeed: context.rng.next())
        return try TemplateLikelihood(scan: scan, spec: context.spec, estimator: estimator)
    }

    /// `edges` with bins merged until every bin holds at least `minimum` of the rows' values.
    static func merged(_ edges: BinEdges, values: ArraySlice<Float>, minimum: Int) -> BinEdges {
        var edges = edges
        while edges.binCount > 1 {
            var counts = [Int](repeating: 0, count: edges.binCount)
            for x in values { counts[edges.bin(x)] += 1 }
            guard let smallest = counts.indices.min(by: { counts[$0] < counts[$1] }), counts[smallest] < minimum else { break }
            // Merge with the smaller neighbour.
            let left = smallest > 0 ? counts[smallest - 1] : Int.max
            let right = smallest + 1 < counts.count ? counts[smallest + 1] : Int.max
            edges = edges.merging(bin: left <= right ? smallest - 1 : smallest)
        }
        return edges
    }
}
