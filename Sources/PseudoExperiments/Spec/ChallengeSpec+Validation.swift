extension ChallengeSpec {
    /// Checks that a decoded spec makes sense; throws ``SpecError/makesNoSense(source:path:problem:)``
    /// naming the first field that does not, in document order.
    ///
    /// Specs loaded with ``decode(_:source:)`` are already checked; call this on a spec built
    /// or edited in code.
    public func validate(source: String = "in-memory spec") throws {
        do {
            try check()
        } catch let violation as MeaningViolation {
            throw SpecError.makesNoSense(source: source, path: violation.path, problem: violation.problem)
        }
    }

    private func check() throws {
        func fail(_ path: String, _ problem: String) -> MeaningViolation {
            MeaningViolation(path: path, problem: problem)
        }
        func positive(_ value: Double, _ path: String, _ what: String, _ advice: String) throws {
            guard value.isFinite, value > 0 else { throw fail(path, "\(what) is \(value); it must be a finite number > 0. \(advice)") }
        }

        guard ChallengeSpec.supportedSchemaVersions.contains(schemaVersion) else {
            throw fail("schema_version", "this build checks versions \(ChallengeSpec.supportedSchemaVersions.joined(separator: ", ")) only")
        }
        if evaluationShift != nil, schemaVersion == "1.0.0" {
            throw fail("evaluation_shift", "evaluation_shift needs schema_version 1.1.0")
        }
        try positive(luminosity, "luminosity_fb_inverse", "the luminosity",
                     "Give the integrated luminosity of one pseudo-experiment in fb^-1")
        try positive(yields.referenceLuminosity, "yields.luminosity_fb_inverse", "the luminosity of the yields",
                     "Give the luminosity at which expected_events are quoted")
        for process in PhysicsProcess.allCases {
            try positive(yields.expectedEvents[process] ?? 0, "yields.expected_events.\(process.rawValue)",
                         "the expected yield of \(process.rawValue)",
                         "A process without events would never appear; give its expected events at mu = 1")
        }

        var seenNuisances: Set<String> = []
        for (i, nuisance) in nuisances.enumerated() {
            let path = "nuisances[\(i)]"
            guard let known = ChallengeSpec.knownNuisances.first(where: { $0.name == nuisance.name }) else {
                throw fail("\(path).name", "'\(nuisance.name)' is not a nuisance parameter the harness implements; use one of \(ChallengeSpec.knownNuisances.map(\.name).joined(separator: ", "))")
            }
            guard seenNuisances.insert(nuisance.name).inserted else {
                throw fail("\(path).name", "'\(nuisance.name)' is declared twice; keep one entry per nuisance")
            }
            let width = nuisance.prior.width
            let widthKey: String
            if case .normal = nuisance.prior { widthKey = "sigma" } else { widthKey = "log_sigma" }
            guard width.isFinite, width > 0 else {
                throw fail("\(path).prior.\(widthKey)", "the prior's width is \(width); it must be > 0 (to fix '\(nuisance.name)' at its nominal value, leave it out of the spec)")
            }
            let centre = nuisance.prior.centre
            guard centre.isFinite else { throw fail("\(path).prior", "the prior's centre is \(centre)") }
            let clip = nuisance.clip
            guard clip.min.isFinite, clip.max.isFinite, clip.min < clip.max else {
                throw fail("\(path).clip", "the clip range [\(clip.min), \(clip.max)] is empty; give min < max")
            }
            guard clip.contains(centre) else {
                throw fail("\(path).clip", "the clip range [\(clip.min), \(clip.max)] does not contain the prior's centre \(centre); widen it or move the prior")
            }
            let low = known.lowestSensibleValue
            guard known.lowestIsExclusive ? clip.min > low : clip.min >= low else {
                throw fail("\(path).clip.min", "'\(nuisance.name)' cannot be \(known.lowestIsExclusive ? "<=" : "<") \(low), but the clip range starts at \(clip.min); raise clip.min")
            }
            switch (known.kind, nuisance.actsOn) {
            case let (.feature(expected), .features(declared)) where expected == declared:
                break
            case let (.normalisation, .normalisation(processes)):
                if Set(processes).count != processes.count {
                    throw fail("\(path).acts_on.normalisation", "a process is listed twice; list each process once")
                }
            case let (.feature(expected), _):
                throw fail("\(path).acts_on", "'\(nuisance.name)' acts on the features as '\(expected.rawValue)'; write {\"features\": \"\(expected.rawValue)\"}")
            case (.normalisation, _):
                throw fail("\(path).acts_on", "'\(nuisance.name)' is a normalisation scale; write {\"normalisation\": [...]} with the background processes it multiplies")
            }
        }

        guard muPrior.min.isFinite, muPrior.max.isFinite, muPrior.min >= 0 else {
            throw fail("mu.prior.min", "mu's prior starts at \(muPrior.min); a signal strength must be finite and >= 0")
        }
        guard muPrior.min < muPrior.max else {
            throw fail("mu.prior", "mu's range [\(muPrior.min), \(muPrior.max)) is empty; give min < max")
        }

        if let evaluation = pools.evaluation, let training = pools.training {
            for (role, pool) in [("evaluation", evaluation), ("training", training)] {
                for process in PhysicsProcess.allCases {
                    let rows = pool.rows[process] ?? 0
                    guard rows >= 1 else {
                        throw fail("pools.\(role).rows.\(process.rawValue)", "\(rows) rows of \(process.rawValue); a pool needs at least 1 row of every process, or pseudo-experiments could never contain it")
                    }
                }
            }
            guard training.simulatorSeed != evaluation.simulatorSeed else {
                throw fail("pools.training.simulator_seed", "the training pool has the same simulator seed \(training.simulatorSeed) as the evaluation pool, so estimators would train on the very events they are tested on; give it another seed")
            }
        }
        if let data = pools.data {
            guard data.testFraction > 0, data.testFraction < 1 else {
                throw fail("pools.data.test_fraction", "the evaluation part is a fraction \(data.testFraction) of the file; it must be between 0 and 1 (exclusive), e.g. 0.3 as the challenge")
            }
            for (field, name) in [("file_name", data.fileName), ("metadata_file_name", data.metadataFileName)] {
                guard let name else { continue }
                guard !name.isEmpty, !name.contains("/") else {
                    throw fail("pools.data.\(field)", "'\(name)' is not a file name; give the published file's name without a directory (the user passes its path)")
                }
            }
        }

        var seenPhases: [String: Int] = [:], seenSeeds: [UInt64: String] = [:]
        for (i, phase) in phases.enumerated() {
            let path = "phases[\(i)]"
            if let first = seenPhases[phase.name] {
                throw fail("\(path).name", "the phase name '\(phase.name)' is already used by phases[\(first)]; give each phase its own name")
            }
            seenPhases[phase.name] = i
            guard phase.sets >= 1 else {
                throw fail("\(path).sets", "\(phase.sets) sets; a phase needs at least 1")
            }
            guard phase.pseudoExperimentsPerSet >= 1 else {
                throw fail("\(path).pseudo_experiments_per_set", "\(phase.pseudoExperimentsPerSet) pseudo-experiments per set; a set needs at least 1")
            }
            if let other = seenSeeds[phase.defaultSeed] {
                throw fail("\(path).default_seed", "phase '\(other)' has the same default seed \(phase.defaultSeed), so the two phases would draw the same pseudo-experiments; give each phase its own seed")
            }
            seenSeeds[phase.defaultSeed] = phase.name
        }
        guard seenPhases[defaultPhase] != nil else {
            throw fail("default_phase", "'\(defaultPhase)' is not a phase of this spec; use one of \(phases.map(\.name).joined(separator: ", "))")
        }

        guard confidenceLevel.isFinite, confidenceLevel > 0, confidenceLevel < 1 else {
            throw fail("confidence_level", "\(confidenceLevel) is not a probability strictly between 0 and 1 (0.6827 is the 68.27% interval)")
        }
        if let shift = evaluationShift {
            if let (path, problem) = shift.problem(challenge: name) {
                throw fail("evaluation_shift.\(path)", problem)
            }
            guard pools.evaluation != nil else {
                throw fail("evaluation_shift", "a shift applies to the built-in simulator's evaluation pool, and this challenge's pools come from a data file (pools.data); give simulated pools or leave evaluation_shift out")
            }
        }
        let scoreAdvice = "See the score's description in datasets-spec/schemas/\(schemaVersion)/challenge.json"
        try positive(score.coverageBandSigmas, "score.coverage_band_sigmas", "the coverage band (in sigma68)", scoreAdvice)
        try positive(score.widthEpsilon, "score.width_epsilon", "the width epsilon", scoreAdvice)
        try positive(score.underCoverageExponent, "score.under_coverage_exponent", "the under-coverage exponent", scoreAdvice)
        try positive(score.overCoverageExponent, "score.over_coverage_exponent", "the over-coverage exponent", scoreAdvice)
    }

    /// The largest seed a spec may state: 2^53 - 1, the largest integer every JSON reader
    /// (JavaScript, Python's float path, spreadsheets) keeps exact.
    public static let maximumJSONSeed: Int64 = (1 << 53) - 1
}
