import PseudoExperiments

/// The choice of a counting selection: the candidate box with the smallest expected variance of
/// mu_hat, systematics included.
///
/// Candidates are windows in `DER_mass_vis` between quantiles of the signal's distribution
/// (`lowerQuantiles` x `upperQuantiles`, 1 meaning no upper cut) combined with upper cuts on
/// `DER_mass_transverse_met_lep` at quantiles of the signal's (`transverseMassQuantiles`, 1
/// meaning none). For each, from the template rows at the nominal nuisances and one prior
/// standard deviation down and up in each shape nuisance:
/// ```
/// var(mu_hat) S^2 ~ N + sum_k ((N_k+ - N_k-) / 2)^2 + sum_a (sigma_a B_a)^2 + sum w^2
/// ```
/// with N = S + B the selected yield at mu = 1, N_k+- the yields at the shifted values, B_a the
/// background a normalisation nuisance scales and sigma_a its prior width, and sum w^2 the pool's
/// own variance. The one with the smallest ratio to S^2 wins (ties: the first).
public struct SelectionSearch: Sendable, Equatable {
    public var lowerQuantiles: [Double]
    public var upperQuantiles: [Double]
    public var transverseMassQuantiles: [Double]

    public init(lowerQuantiles: [Double] = [0, 0.1, 0.2, 0.3, 0.4], upperQuantiles: [Double] = [0.7, 0.8, 0.9, 0.95, 1],
                transverseMassQuantiles: [Double] = [0.5, 0.7, 0.9, 1]) {
        self.lowerQuantiles = lowerQuantiles
        self.upperQuantiles = upperQuantiles
        self.transverseMassQuantiles = transverseMassQuantiles
    }

    /// The candidate boxes from the signal's `DER_mass_vis` and transverse-mass values.
    func candidates(mass: [Float], transverseMass mt: [Float], weights: [Double]) -> [BoxSelection] {
        let total = weights.reduce(0, +)
        func quantiles(_ values: [Float], _ qs: [Double]) -> [Double: Float] {
            let order = values.indices.sorted { values[$0] < values[$1] }
            var out: [Double: Float] = [:]
            for q in qs {
                if q >= 1 { out[q] = .infinity; continue }
                if q <= 0 { out[q] = -.infinity; continue }
                var cumulative = 0.0
                out[q] = values[order.last!]
                for i in order {
                    cumulative += weights[i]
                    if cumulative >= q * total { out[q] = values[i]; break }
                }
            }
            return out
        }
        let massCuts = quantiles(mass, lowerQuantiles + upperQuantiles), mtCuts = quantiles(mt, transverseMassQuantiles)
        var out: [BoxSelection] = []
        for lo in lowerQuantiles {
            for hi in upperQuantiles where hi > lo {
                for m in transverseMassQuantiles {
                    let massCut = BoxSelection.Cut(.massVis, lower: massCuts[lo]!, upper: massCuts[hi]!)
                    let mtCut = BoxSelection.Cut(.massTransverseMetLep, upper: mtCuts[m]!)
                    out.append(BoxSelection(cuts: [massCut, mtCut].filter { $0.lower.isFinite || $0.upper.isFinite }))
                }
            }
        }
        return out
    }

    /// The histograms of every candidate over `source` transformed at `shift`, in one pass.
    ///
    /// The candidates' cut values split each of their features into cells; a row falls in one
    /// cell of the grid they make, and a row is inside a box (`lower < x <= upper` for each cut)
    /// exactly when its cell is. With the finite cut values of a feature sorted, `e_0 < ... <
    /// e_(n-1)`, the cell of `x` is `c(x) = #{i : e_i < x}`, and
    /// ```
    /// x > e_a   <=>  c(x) >= a + 1          x <= e_b  <=>  c(x) <= b
    /// ```
    /// for a finite `x` (a lower end of -infinity or an upper end of +infinity leaves that side
    /// open; a NaN end, a lower end of +infinity or an upper end of -infinity keeps no finite
    /// value). So the rows are histogrammed once per process into the grid, and each candidate
    /// sums the cells of its box: one pass over the rows whatever the number of candidates,
    /// instead of one per candidate. Rows with a non-finite value in a grid feature (none in
    /// the simulator's data) are set aside and judged by the box's own rule, one by one.
    func histograms(_ candidates: [BoxSelection], source: TemplateSource, at shift: SystematicShift,
                    noiseSeed: UInt64) -> [TemplateSource.Histograms] {
        let features = Array(Set(candidates.flatMap(\.features))).sorted { $0.index < $1.index }
        let edges: [[Float]] = features.map { f in
            Array(Set(candidates.flatMap { $0.cuts.filter { $0.feature == f }.flatMap { [$0.lower, $0.upper] } }
                .filter(\.isFinite))).sorted()
        }
        // Cells per feature: n + 1 for n edges; the grid is row-major in `features` order.
        let sizes = edges.map { $0.count + 1 }
        let cellCount = sizes.reduce(1, *)
        // Per candidate and feature, the cells its box keeps (possibly none).
        let ranges: [[Range<Int>]] = candidates.map { box in
            features.indices.map { d in
                var lo = 0, hi = sizes[d] - 1
                for cut in box.cuts where cut.feature == features[d] {
                    if cut.lower.isFinite { lo = max(lo, edges[d].firstIndex(of: cut.lower)! + 1) }
                    else if cut.lower.isNaN || cut.lower == .infinity { return 0..<0 }
                    if cut.upper.isFinite { hi = min(hi, edges[d].firstIndex(of: cut.upper)!) }
                    else if cut.upper.isNaN || cut.upper == -.infinity { return 0..<0 }
                }
                return lo..<max(lo, hi + 1)
            }
        }
        let processes = PhysicsProcess.allCases.count
        var sums = [Double](repeating: 0, count: processes * cellCount), squares = sums
        // Rows with a non-finite grid value: (pool row, values in `features` order).
        var setAside: [(row: Int, values: [Float])] = []
        source.forEachChunk(at: shift, noiseSeed: noiseSeed) { events in
            let columns = features.map { events.column($0) }
            rows: for (j, s) in events.sourceRows.enumerated() {
                var cell = 0
                for d in features.indices {
                    let column = columns[d]
                    let x = column[column.startIndex + j]
                    if !x.isFinite {
                        setAside.append((Int(s), columns.map { $0[$0.startIndex + j] }))
                        continue rows
                    }
                    var c = 0
                    for e in edges[d] where e < x { c += 1 }
                    cell = cell * sizes[d] + c
                }
                let row = Int(s), w = source.weights[row]
                let at = Int(source.processCodes[row]) * cellCount + cell
                sums[at] += w
                squares[at] += w * w
            }
        }
        return zip(candidates, ranges).map { box, boxRanges in
            var h = TemplateSource.Histograms(bins: 1)
            for (row, values) in setAside {
                let inside = box.cuts.allSatisfy { cut in
                    let x = values[features.firstIndex(of: cut.feature)!]
                    return x > cut.lower && x <= cut.upper
                }
                guard inside else { continue }
                let code = Int(source.processCodes[row]), w = source.weights[row]
                h.sums[code][0] += w
                h.squares[code][0] += w * w
            }
            if boxRanges.contains(where: { $0.isEmpty }) { return h }
            for cell in 0..<cellCount {
                var rest = cell, inside = true
                for d in features.indices.reversed() {
                    if !boxRanges[d].contains(rest % sizes[d]) { inside = false; break }
                    rest /= sizes[d]
                }
                guard inside else { continue }
                for code in 0..<processes {
                    h.sums[code][0] += sums[code * cellCount + cell]
                    h.squares[code][0] += squares[code * cellCount + cell]
                }
            }
            return h
        }
    }

    /// The best candidate on `source`.
    ///
    /// - Throws: ``BaselineError/poolTooSmall(estimator:what:rows:needed:)`` when no candidate
    ///   selects any signal row.
    public func best(source: TemplateSource, layout: NuisanceLayout, noiseSeed: UInt64, estimator: String) throws -> BoxSelection {
        let centre = layout.nominal
        var mass: [Float] = [], mt: [Float] = [], weights: [Double] = []
        source.forEachChunk(at: layout.shift(at: centre), noiseSeed: noiseSeed) { events in
            let massColumn = events.column(.massVis), mtColumn = events.column(.massTransverseMetLep)
            for (j, s) in events.sourceRows.enumerated() where source.processCodes[Int(s)] == PhysicsProcess.htautau.code {
                mass.append(massColumn[massColumn.startIndex + j])
                mt.append(mtColumn[mtColumn.startIndex + j])
                weights.append(source.weights[Int(s)])
            }
        }
        guard !mass.isEmpty else {
            throw BaselineError.poolTooSmall(estimator: estimator, what: "choosing a selection (no signal row)", rows: 0, needed: 1)
        }
        let candidates = self.candidates(mass: mass, transverseMass: mt, weights: weights)
        var shifts = [layout.shift(at: centre)]
        for s in layout.shapeNuisances {
            let (down, up) = layout.oneSigma(s.index)
            for value in [down, up] {
                var x = centre
                x[s.index] = value
                shifts.append(layout.shift(at: x))
            }
        }
        let all = ParallelMap.map(shifts) { histograms(candidates, source: source, at: $0, noiseSeed: noiseSeed) }
        let atNominal = all[0]
        let signal = Int(PhysicsProcess.htautau.code)
        var best: (index: Int, cost: Double)?
        for (k, h) in atNominal.enumerated() {
            let s = h.sums[signal][0]
            guard s > 0 else { continue }
            var variance = total(h)
            for code in h.squares.indices { variance += h.squares[code][0] }
            for j in layout.shapeNuisances.indices {
                let d = 0.5 * (total(all[2 * j + 2][k]) - total(all[2 * j + 1][k]))
                variance += d * d
            }
            for index in layout.parameters.indices where index != layout.muIndex {
                let sigma = layout.normalSigma(index)
                guard sigma > 0, !layout.shapeNuisances.contains(where: { $0.index == index }) else { continue }
                var scaled = 0.0
                for code in h.sums.indices where layout.normalisations[code].contains(index) { scaled += h.sums[code][0] }
                variance += sigma * sigma * scaled * scaled
            }
            let cost = variance / (s * s)
            if best == nil || cost < best!.cost { best = (k, cost) }
        }
        guard let chosen = best else {
            throw BaselineError.poolTooSmall(estimator: estimator, what: "choosing a selection (no candidate keeps a signal row)",
                                             rows: mass.count, needed: 1)
        }
        return candidates[chosen.index]
    }

    private func total(_ h: TemplateSource.Histograms) -> Double {
        h.sums.reduce(0) { $0 + $1[0] }
    }
}
