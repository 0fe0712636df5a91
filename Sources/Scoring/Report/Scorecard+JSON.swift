/// Machine-readable output of the scores (`--format json`). NaN and infinities are `null`.
extension IntervalMetrics {
    /// Exactly `n`, `interval`, `coverage`, `score`: the output of `bench score --intervals`.
    public var json: JSONValue {
        .object([("n", .number(Double(n))), ("interval", .number(interval)),
                 ("coverage", .number(coverage)), ("score", .number(score))])
    }

    /// The metrics with the failure and swap counts.
    var detailedPairs: [(String, JSONValue)] {
        [("n", .number(Double(n))), ("interval", .number(interval)), ("coverage", .number(coverage)),
         ("score", .number(score)), ("failures", .number(Double(failures))), ("swapped", .number(Double(swapped)))]
    }
}

extension BinomialCoverage {
    var json: JSONValue {
        .object([("n", .number(Double(n))), ("covered", .number(Double(covered))),
                 ("coverage", .number(coverage)), ("target", .number(target)),
                 ("band_lower", .number(bandLower)), ("band_upper", .number(bandUpper)),
                 ("status", .string(status.rawValue))])
    }
}

extension CoverageBreakdown {
    var json: JSONValue {
        .array(bins.map { b in
            .object([("lower", .number(b.lower)), ("upper", .number(b.upper)), ("n", .number(Double(b.coverage.n))),
                     ("coverage", .number(b.coverage.coverage)), ("band_lower", .number(b.coverage.bandLower)),
                     ("band_upper", .number(b.coverage.bandUpper)), ("status", .string(b.coverage.status.rawValue)),
                     ("interval", .number(b.meanWidth))])
        })
    }
}

extension Scorecard {
    /// Everything, pooled numbers first: `n`, `interval`, `coverage`, `score`, `rmse`, `mae`,
    /// `failures`, `swapped`, `bias`, `pull_mean`, `pull_sd`, then `bootstrap` (standard errors),
    /// `coverage95`, `coverage_by_level` (when further levels are reported), `sets`, `coverage_by_mu` and `coverage_by_nuisance`.
    public var json: JSONValue {
        var pairs = overall.detailedPairs
        pairs.insert(contentsOf: [("rmse", JSONValue.optional(point.rmse)), ("mae", .optional(point.mae))], at: 4)
        pairs += [("bias", .optional(point.bias)), ("pull_mean", .optional(point.pullMean)),
                  ("pull_sd", .optional(point.pullStandardDeviation))]
        if let b = bootstrap {
            pairs.append(("bootstrap", .object([
                ("replicates", .number(Double(b.options.replicates))), ("seed", .string(String(b.options.seed))),
                ("score_se", .number(b.scoreStandardError)), ("coverage_se", .number(b.coverageStandardError)),
                ("interval_se", .number(b.intervalStandardError))])))
        }
        if let c = coverage95 { pairs.append(("coverage95", c.json)) }
        if let levels, levels.count > 1 {
            pairs.append(("coverage_by_level", .array(levels.map { l in
                let c = l.coverage
                return .object([("level", .number(l.level)), ("n", .number(Double(c.n))),
                                ("covered", .number(Double(c.covered))), ("coverage", .number(c.coverage)),
                                ("band_lower", .number(c.bandLower)), ("band_upper", .number(c.bandUpper)),
                                ("status", .string(c.status.rawValue)), ("reported", .number(Double(l.reported))),
                                ("interval", .number(l.meanWidth))])
            })))
        }
        pairs.append(("sets", .array(sets.map { s in
            var set: [(String, JSONValue)] = [("set", .number(Double(s.setIndex))), ("mu", .optional(s.mu))]
            set += s.metrics.detailedPairs
            set += [("rmse", .optional(s.point.rmse)), ("mae", .optional(s.point.mae))]
            return .object(set)
        })))
        pairs.append(("coverage_by_mu", byTrueMu.json))
        pairs.append(("coverage_by_nuisance", .object(byNuisance.map { ($0.variable, $0.json) })))
        return .object(pairs)
    }
}
