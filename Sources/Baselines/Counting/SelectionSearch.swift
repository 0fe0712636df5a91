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

    /// The candidate boxes from the signal distribution of `events`.
    func candidates(_ events: TransformedEvents, source: TemplateSource) -> [BoxSelection] {
        var mass: [Float] = [], mt: [Float] = [], weights: [Double] = []
        let massColumn = events.column(.massVis), mtColumn = events.column(.massTransverseMetLep)
        for (j, s) in events.sourceRows.enumerated() where source.processCodes[Int(s)] == PhysicsProcess.htautau.code {
            mass.append(massColumn[massColumn.startIndex + j])
            mt.append(mtColumn[mtColumn.startIndex + j])
            weights.append(source.weights[Int(s)])
        }
        func quantile(_ values: [Float], _ q: Double) -> Float {
            if q >= 1 { return .infinity }
            if q <= 0 { return -.infinity }
            let order = values.indices.sorted { values[$0] < values[$1] }
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            for i in order {
                cumulative += weights[i]
                if cumulative >= q * total { return values[i] }
            }
            return values[order.last!]
        }
        var out: [BoxSelection] = []
        for lo in lowerQuantiles {
            for hi in upperQuantiles where hi > lo {
                for m in transverseMassQuantiles {
                    let massCut = BoxSelection.Cut(.massVis, lower: quantile(mass, lo), upper: quantile(mass, hi))
                    let mtCut = BoxSelection.Cut(.massTransverseMetLep, upper: quantile(mt, m))
                    out.append(BoxSelection(cuts: [massCut, mtCut].filter { $0.lower.isFinite || $0.upper.isFinite }))
                }
            }
        }
        return out
    }

    /// The best candidate on `source`.
    ///
    /// - Throws: ``BaselineError/poolTooSmall(estimator:what:rows:needed:)`` when no candidate
    ///   selects any signal row.
    public func best(source: TemplateSource, layout: NuisanceLayout, noiseSeed: UInt64, estimator: String) throws -> BoxSelection {
        let centre = layout.nominal
        let nominal = source.transformed(at: layout.shift(at: centre), noiseSeed: noiseSeed)
        let candidates = self.candidates(nominal, source: source)
        let signal = Int(PhysicsProcess.htautau.code)
        let atNominal = candidates.map { source.histograms(of: $0, in: nominal) }
        // Total selected yield (mu = 1) per candidate at each one-sigma shift.
        var shifted: [[(down: Double, up: Double)]] = []
        for s in layout.shapeNuisances {
            let (down, up) = layout.oneSigma(s.index)
            var x = centre
            x[s.index] = down
            let low = source.transformed(at: layout.shift(at: x), noiseSeed: noiseSeed)
            x[s.index] = up
            let high = source.transformed(at: layout.shift(at: x), noiseSeed: noiseSeed)
            shifted.append(candidates.map { c in
                (total(source.histograms(of: c, in: low)), total(source.histograms(of: c, in: high)))
            })
        }
        var best: (index: Int, cost: Double)?
        for (k, h) in atNominal.enumerated() {
            let s = h.sums[signal][0]
            guard s > 0 else { continue }
            var variance = total(h)
            for code in h.squares.indices { variance += h.squares[code][0] }
            for shifts in shifted {
                let d = 0.5 * (shifts[k].up - shifts[k].down)
                variance += d * d
            }
            for (index, parameter) in layout.parameters.enumerated() where index != layout.muIndex {
                let sigma = layout.normalSigma(index)
                guard sigma > 0, !layout.shapeNuisances.contains(where: { $0.index == index }) else { continue }
                var scaled = 0.0
                for code in h.sums.indices where layout.normalisations[code].contains(index) { scaled += h.sums[code][0] }
                _ = parameter
                variance += sigma * sigma * scaled * scaled
            }
            let cost = variance / (s * s)
            if best == nil || cost < best!.cost { best = (k, cost) }
        }
        guard let chosen = best else {
            throw BaselineError.poolTooSmall(estimator: estimator, what: "choosing a selection (no candidate keeps a signal row)",
                                             rows: nominal.count, needed: 1)
        }
        return candidates[chosen.index]
    }

    private func total(_ h: TemplateSource.Histograms) -> Double {
        h.sums.reduce(0) { $0 + $1[0] }
    }
}
