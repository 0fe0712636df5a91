import Foundation

extension ChallengeSpec {
    /// The spec in canonical JSON: the bytes whose SHA-256 identifies the spec in manifests.
    ///
    /// Canonical form: the decoded content (so whitespace, key order and the optional
    /// `$schema` hint do not matter), every key of the schema that has a value, objects with
    /// keys sorted by their UTF-8 bytes, arrays in document order, no whitespace, strings with
    /// only `"`, `\` and control characters escaped (`\n`, `\t`, ... or `\u00XX`), numbers
    /// that are integers of magnitude below 2^53 without fraction or exponent (`1015`), other
    /// numbers in the shortest form that reads back to the same Double (`0.001`, `1e-05`).
    /// Optional absent fields are absent. The same content therefore always gives the same
    /// bytes and hash, on any machine.
    public func canonicalJSON() -> Data {
        var out = [UInt8]()
        CanonicalJSON.write(canonicalValue, to: &out)
        return Data(out)
    }

    /// The spec as estimators receive it (the `spec` of the plugin protocol's `fit` and `load`
    /// messages): ``canonicalJSON()`` of ``redactedForEstimators()``, without `phases`,
    /// `default_phase` and the pools' `simulator_seed`s. Those are the inputs of the documented
    /// seed rule: with a phase's default seed a submission could recompute every truth of an open
    /// run, and with the evaluation pool's seed re-simulate the labelled pool and match rows.
    /// A variant's `evaluation_shift`, name and texts are replaced by its nominal's view (see
    /// ``redactedForEstimators()``). Nothing an estimator needs (yields, priors, clip ranges,
    /// the mu prior, the score) is left out.
    public func estimatorCanonicalJSON() -> Data {
        guard case var .object(root) = redactedForEstimators().canonicalValue else { preconditionFailure("a spec is an object") }
        root["phases"] = nil
        root["default_phase"] = nil
        if case var .object(pools) = root["pools"] {
            for key in ["evaluation", "training"] {
                if case var .object(pool) = pools[key] {
                    pool["simulator_seed"] = nil
                    pools[key] = .object(pool)
                }
            }
            root["pools"] = .object(pools)
        }
        var out = [UInt8]()
        CanonicalJSON.write(.object(root), to: &out)
        return Data(out)
    }

    /// The spec as an in-process estimator's ``TrainingContext`` holds it: no phases, no default
    /// phase, the pools' simulator seeds zero (see ``estimatorCanonicalJSON()``). Not a valid
    /// challenge document; for estimators only.
    ///
    /// A variant (``evaluationShift``) is seen as its nominal challenge: its name becomes the
    /// nominal's, the shift is dropped and its schema version is 1.0.0 again (the only 1.1.0
    /// field is gone). The top-level title and description are dropped from every spec (a
    /// variant's describe its shift). Since a variant differs from its nominal in nothing else,
    /// estimators receive the very same spec for both (a test holds every built-in variant to
    /// it) and cannot adapt to a shift they are not told of.
    public func redactedForEstimators() -> ChallengeSpec {
        var spec = self
        if let shift = evaluationShift {
            spec.evaluationShift = nil
            spec.name = shift.variantOf
            spec.schemaVersion = "1.0.0"
        }
        spec.title = ""
        spec.description = nil
        spec.phases = []
        spec.defaultPhase = ""
        spec.pools.evaluation?.simulatorSeed = 0
        spec.pools.training?.simulatorSeed = 0
        return spec
    }

    /// SHA-256 of ``canonicalJSON()``.
    public var sha256: SHA256.Digest { SHA256.hash(canonicalJSON()) }

    var canonicalValue: CanonicalJSON {
        var root: [String: CanonicalJSON] = [
            "schema_version": .string(schemaVersion),
            "name": .string(name),
            "title": .string(title),
            "luminosity_fb_inverse": .number(luminosity),
            "yields": .object([
                "luminosity_fb_inverse": .number(yields.referenceLuminosity),
                "expected_events": .object(Dictionary(uniqueKeysWithValues: yields.expectedEvents.map {
                    ($0.key.rawValue, CanonicalJSON.number($0.value))
                })),
            ].merging(yields.source.map { ["source": .string($0)] } ?? [:]) { a, _ in a }),
            "nuisances": .array(nuisances.map(\.canonicalValue)),
            "mu": .object(["prior": .object(["family": .string("uniform"), "min": .number(muPrior.min),
                                             "max": .number(muPrior.max)])]),
            "pools": pools.canonicalValue,
            "phases": .array(phases.map(\.canonicalValue)),
            "default_phase": .string(defaultPhase),
            "confidence_level": .number(confidenceLevel),
            "score": .object([
                "coverage_band_sigmas": .number(score.coverageBandSigmas),
                "width_epsilon": .number(score.widthEpsilon),
                "under_coverage_exponent": .number(score.underCoverageExponent),
                "over_coverage_exponent": .number(score.overCoverageExponent),
            ]),
        ]
        if let description { root["description"] = .string(description) }
        if let evaluationShift {
            var shift: [String: CanonicalJSON] = [
                "variant_of": .string(evaluationShift.variantOf),
                "effects": .array(evaluationShift.effects.map {
                    .object(["effect": .string($0.kind.rawValue), "size": .number($0.size)])
                }),
            ]
            if let text = evaluationShift.description { shift["description"] = .string(text) }
            root["evaluation_shift"] = .object(shift)
        }
        return .object(root)
    }
}

extension ChallengeSpec.Nuisance {
    fileprivate var canonicalValue: CanonicalJSON {
        let priorValue: CanonicalJSON
        switch prior {
        case let .normal(mean, sigma):
            priorValue = .object(["family": .string("normal"), "mean": .number(mean), "sigma": .number(sigma)])
        case let .lognormal(logMean, logSigma):
            priorValue = .object(["family": .string("lognormal"), "log_mean": .number(logMean),
                                  "log_sigma": .number(logSigma)])
        }
        let effect: CanonicalJSON
        switch actsOn {
        case let .features(feature): effect = .object(["features": .string(feature.rawValue)])
        case let .normalisation(processes): effect = .object(["normalisation": .array(processes.map { .string($0.rawValue) })])
        }
        var object: [String: CanonicalJSON] = [
            "name": .string(name), "prior": priorValue,
            "clip": .object(["min": .number(clip.min), "max": .number(clip.max)]), "acts_on": effect,
        ]
        if let description { object["description"] = .string(description) }
        return .object(object)
    }
}

extension ChallengeSpec.Pools {
    fileprivate var canonicalValue: CanonicalJSON {
        var object: [String: CanonicalJSON] = [:]
        if let evaluation { object["evaluation"] = evaluation.canonicalValue }
        if let training { object["training"] = training.canonicalValue }
        if let data {
            var file: [String: CanonicalJSON] = ["file_name": .string(data.fileName), "test_fraction": .number(data.testFraction)]
            if let metadata = data.metadataFileName { file["metadata_file_name"] = .string(metadata) }
            object["data"] = .object(file)
        }
        if let description { object["description"] = .string(description) }
        return .object(object)
    }
}

extension ChallengeSpec.Pool {
    fileprivate var canonicalValue: CanonicalJSON {
        .object([
            "simulator_seed": .number(Double(simulatorSeed)),
            "rows": .object(Dictionary(uniqueKeysWithValues: rows.map { ($0.key.rawValue, CanonicalJSON.number(Double($0.value))) })),
        ])
    }
}

extension ChallengeSpec.Phase {
    fileprivate var canonicalValue: CanonicalJSON {
        var object: [String: CanonicalJSON] = [
            "name": .string(name), "sets": .number(Double(sets)),
            "pseudo_experiments_per_set": .number(Double(pseudoExperimentsPerSet)),
            "default_seed": .number(Double(defaultSeed)),
        ]
        if let description { object["description"] = .string(description) }
        // Written only when true, so that specs without sealed phases keep their hashes.
        if sealed { object["sealed"] = .bool(true) }
        return .object(object)
    }
}

/// A JSON value written in the canonical form of ``ChallengeSpec/canonicalJSON()``.
enum CanonicalJSON {
    case object([String: CanonicalJSON])
    case array([CanonicalJSON])
    case string(String)
    /// Any number; seeds and counts are exact because they are below 2^53.
    case number(Double)
    case bool(Bool)

    static func write(_ value: CanonicalJSON, to out: inout [UInt8]) {
        switch value {
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            // Sort by UTF-8 bytes, not by Swift's String ordering, so any language agrees.
            for (i, key) in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .string(s):
            writeString(s, to: &out)
        case let .number(x):
            out.append(contentsOf: numberText(x).utf8)
        case let .bool(b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }

    /// Integers below 2^53 in magnitude as integers; anything else in Swift's shortest
    /// round-trip form. Non-finite numbers never reach here (specs are checked first).
    static func numberText(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 0x1p53 { return String(Int64(x)) }
        return "\(x)"
    }

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: Array(#"\""#.utf8))
            case UInt8(ascii: "\\"): out.append(contentsOf: Array(#"\\"#.utf8))
            case 0x0A: out.append(contentsOf: Array(#"\n"#.utf8))
            case 0x0D: out.append(contentsOf: Array(#"\r"#.utf8))
            case 0x09: out.append(contentsOf: Array(#"\t"#.utf8))
            case 0x08: out.append(contentsOf: Array(#"\b"#.utf8))
            case 0x0C: out.append(contentsOf: Array(#"\f"#.utf8))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
