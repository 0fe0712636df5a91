import Foundation

extension ChallengeSpec {
    /// Decodes and checks a spec document.
    ///
    /// The `schema_version` is decoded first (a later version may lay out the rest
    /// differently), then the whole document strictly, then the values are checked.
    ///
    /// - Parameter source: how to name the document in errors (a path, or `builtin:NAME`).
    public static func decode(_ data: Data, source: String) throws -> ChallengeSpec {
        let decoder = JSONDecoder()
        let header: VersionHeader
        do {
            header = try decoder.decode(VersionHeader.self, from: data)
        } catch {
            throw schemaError(error, source: source)
        }
        guard supportedSchemaVersions.contains(header.schemaVersion) else {
            throw SpecError.unsupportedVersion(source: source, found: header.schemaVersion,
                                               supported: supportedSchemaVersions)
        }
        let spec: ChallengeSpec
        do {
            spec = try decoder.decode(StrictDocument.self, from: data).spec
        } catch let violation as MeaningViolation {
            throw SpecError.makesNoSense(source: source, path: violation.path, problem: violation.problem)
        } catch {
            throw schemaError(error, source: source)
        }
        try spec.validate(source: source)
        return spec
    }

    /// Reads, decodes and checks the spec file at `url`.
    public static func load(from url: URL) throws -> ChallengeSpec {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let ns = error as NSError
            let reason = (ns.userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? ns.localizedDescription
            throw SpecError.unreadable(source: url.path, reason: reason)
        }
        return try decode(data, source: url.path)
    }

    /// Just the version, read before anything else.
    private struct VersionHeader: Decodable {
        var schemaVersion: String
        enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
    }

    /// A decoding failure as a schema error naming the field path.
    private static func schemaError(_ error: Error, source: String) -> SpecError {
        switch error {
        case let violation as SchemaViolation:
            return .doesNotMatchSchema(source: source, path: pathString(violation.path), problem: violation.problem)
        case let DecodingError.keyNotFound(key, context):
            return .doesNotMatchSchema(source: source, path: pathString(context.codingPath),
                                       problem: "the required key '\(key.stringValue)' is missing")
        case let DecodingError.typeMismatch(type, context):
            return .doesNotMatchSchema(source: source, path: pathString(context.codingPath),
                                       problem: "expected \(typeName(type)) (\(context.debugDescription))")
        case let DecodingError.valueNotFound(type, context):
            return .doesNotMatchSchema(source: source, path: pathString(context.codingPath),
                                       problem: "expected \(typeName(type)), found null")
        case let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty:
            let underlying = (context.underlyingError as NSError?)?.debugDescription ?? ""
            return .doesNotMatchSchema(source: source, path: "",
                                       problem: "the document is not valid JSON (\(context.debugDescription) \(underlying))")
        case let DecodingError.dataCorrupted(context):
            return .doesNotMatchSchema(source: source, path: pathString(context.codingPath),
                                       problem: context.debugDescription)
        default:
            return .doesNotMatchSchema(source: source, path: "", problem: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Double.Type: return "a number"
        case is Int.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is [Any].Type: return "an array"
        default:
            let name = "\(type)"
            return name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") ? "an object" : name
        }
    }

    /// `nuisances[2].prior.sigma` from a coding path.
    static func pathString(_ path: [CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out
    }
}

/// A schema failure found while decoding, with the path of the offending field.
struct SchemaViolation: Error {
    var path: [CodingKey]
    var problem: String
}

/// A value that decodes but makes no sense, with the path of the offending field.
struct MeaningViolation: Error {
    var path: String
    var problem: String
}

/// A coding key for any name, to list the keys an object really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

extension Decoder {
    /// A keyed container that refuses any key outside `Keys` (first unknown key in sorted
    /// order, so the message does not depend on hashing).
    func strictContainer<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws -> KeyedDecodingContainer<Keys> {
        let all = try container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        if let unknown = all.allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            let allowed = Keys.allCases.map(\.stringValue).joined(separator: ", ")
            throw SchemaViolation(path: codingPath + [AnyCodingKey(stringValue: unknown)],
                                  problem: "unknown key '\(unknown)' (allowed here: \(allowed))")
        }
        return try container(keyedBy: Keys.self)
    }
}

extension KeyedDecodingContainer {
    /// A string that must be one of `allowed`.
    func decodeEnum<T: RawRepresentable>(_: T.Type, forKey key: Key, allowed: [T]) throws -> T where T.RawValue == String {
        let raw = try decode(String.self, forKey: key)
        guard let value = T(rawValue: raw), allowed.map(\.rawValue).contains(raw) else {
            throw SchemaViolation(path: codingPath + [key],
                                  problem: "\(TerminalText.quoted(raw)) is not one of \(allowed.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        return value
    }
}

/// The strict decoding of a whole version-1.0.0 or 1.1.0 document (1.1.0 adds `evaluation_shift`).
private struct StrictDocument: Decodable {
    var spec: ChallengeSpec

    enum Keys: String, CodingKey, CaseIterable {
        case schema = "$schema", schemaVersion = "schema_version", name, title, description
        case luminosity = "luminosity_fb_inverse", yields, nuisances, mu, pools, phases
        case defaultPhase = "default_phase", confidenceLevel = "confidence_level", score
        case evaluationShift = "evaluation_shift"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        let version = try c.decode(String.self, forKey: .schemaVersion)
        let schemaID = ChallengeSpec.schemaID(version: version)
        if let schema = try c.decodeIfPresent(String.self, forKey: .schema), schema != schemaID {
            throw SchemaViolation(path: c.codingPath + [Keys.schema],
                                  problem: "'\(schema)' is not this version's schema \(schemaID)")
        }
        if version == "1.0.0", c.contains(.evaluationShift) {
            throw SchemaViolation(path: c.codingPath + [Keys.evaluationShift],
                                  problem: "unknown key 'evaluation_shift' in a version 1.0.0 document (schema_version 1.1.0 adds it: state \"schema_version\": \"1.1.0\")")
        }
        spec = ChallengeSpec(
            schemaVersion: try c.decode(String.self, forKey: .schemaVersion),
            name: try c.decode(String.self, forKey: .name),
            title: try c.decode(String.self, forKey: .title),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            luminosity: try c.decode(Double.self, forKey: .luminosity),
            yields: try c.decode(YieldsDocument.self, forKey: .yields).value,
            nuisances: try c.decode([NuisanceDocument].self, forKey: .nuisances).map(\.value),
            muPrior: try c.decode(MuDocument.self, forKey: .mu).prior.value,
            pools: try c.decode(PoolsDocument.self, forKey: .pools).value,
            phases: try c.decode([PhaseDocument].self, forKey: .phases).map(\.value),
            defaultPhase: try c.decode(String.self, forKey: .defaultPhase),
            confidenceLevel: try c.decode(Double.self, forKey: .confidenceLevel),
            score: try c.decode(ScoreDocument.self, forKey: .score).value,
            evaluationShift: try c.decodeIfPresent(EvaluationShiftDocument.self, forKey: .evaluationShift)?.value)
        if spec.phases.isEmpty {
            throw SchemaViolation(path: c.codingPath + [Keys.phases], problem: "at least one phase is required")
        }
        // The schema's name patterns.
        try Identifier.check(spec.name, path: [Keys.name], rule: .challenge)
        if let shift = spec.evaluationShift {
            try Identifier.check(shift.variantOf, path: [Keys.evaluationShift, AnyCodingKey(stringValue: "variant_of")],
                                 rule: .challenge)
        }
        for (i, nuisance) in spec.nuisances.enumerated() {
            try Identifier.check(nuisance.name, path: [Keys.nuisances, AnyCodingKey(intValue: i)!, AnyCodingKey(stringValue: "name")],
                                 rule: .nuisance)
        }
        for (i, phase) in spec.phases.enumerated() {
            try Identifier.check(phase.name, path: [Keys.phases, AnyCodingKey(intValue: i)!, AnyCodingKey(stringValue: "name")],
                                 rule: .phase)
        }
    }
}

/// The identifier patterns of the schema.
private enum Identifier {
    enum Rule {
        /// `^[a-z0-9][a-z0-9-]*$`
        case challenge
        /// `^[a-z][a-z0-9_]*$`
        case nuisance
        /// `^[a-z][a-z0-9_-]*$`
        case phase

        var pattern: String {
            switch self {
            case .challenge: return "^[a-z0-9][a-z0-9-]*$"
            case .nuisance: return "^[a-z][a-z0-9_]*$"
            case .phase: return "^[a-z][a-z0-9_-]*$"
            }
        }
    }

    static func check(_ s: String, path: [CodingKey], rule: Rule) throws {
        let lower = { (c: UInt8) in c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
        let digit = { (c: UInt8) in c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        let bytes = Array(s.utf8)
        let ok: Bool
        switch rule {
        case .challenge:
            ok = bytes.first.map { lower($0) || digit($0) } ?? false
                && bytes.allSatisfy { lower($0) || digit($0) || $0 == UInt8(ascii: "-") }
        case .nuisance:
            ok = bytes.first.map(lower) ?? false
                && bytes.allSatisfy { lower($0) || digit($0) || $0 == UInt8(ascii: "_") }
        case .phase:
            ok = bytes.first.map(lower) ?? false
                && bytes.allSatisfy { lower($0) || digit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        }
        guard ok else {
            throw SchemaViolation(path: path, problem: "'\(s)' does not match the pattern \(rule.pattern)")
        }
    }
}

private struct YieldsDocument: Decodable {
    var value: ChallengeSpec.Yields

    enum Keys: String, CodingKey, CaseIterable {
        case luminosity = "luminosity_fb_inverse", source, expectedEvents = "expected_events"
    }

    enum ProcessKeys: String, CodingKey, CaseIterable {
        case htautau, ztautau, ttbar, diboson
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        let events = try c.superDecoder(forKey: .expectedEvents).strictContainer(ProcessKeys.self)
        var expected: [PhysicsProcess: Double] = [:]
        for key in ProcessKeys.allCases {
            // ProcessKeys mirror PhysicsProcess raw values one to one.
            guard let process = PhysicsProcess(rawValue: key.rawValue) else { continue }
            expected[process] = try events.decode(Double.self, forKey: key)
        }
        value = .init(referenceLuminosity: try c.decode(Double.self, forKey: .luminosity),
                      source: try c.decodeIfPresent(String.self, forKey: .source),
                      expectedEvents: expected)
    }
}

private struct NuisanceDocument: Decodable {
    var value: ChallengeSpec.Nuisance

    enum Keys: String, CodingKey, CaseIterable { case name, description, prior, clip, actsOn = "acts_on" }
    enum ClipKeys: String, CodingKey, CaseIterable { case min, max }
    enum EffectKeys: String, CodingKey, CaseIterable { case features, normalisation }

    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        let clip = try c.superDecoder(forKey: .clip).strictContainer(ClipKeys.self)
        value = .init(name: try c.decode(String.self, forKey: .name),
                      description: try c.decodeIfPresent(String.self, forKey: .description),
                      prior: try c.decode(PriorDocument.self, forKey: .prior).value,
                      clip: .init(min: try clip.decode(Double.self, forKey: .min),
                                  max: try clip.decode(Double.self, forKey: .max)),
                      actsOn: try NuisanceDocument.effect(try c.superDecoder(forKey: .actsOn)))
    }

    private static func effect(_ decoder: Decoder) throws -> ChallengeSpec.NuisanceEffect {
        let c = try decoder.strictContainer(EffectKeys.self)
        switch (c.contains(.features), c.contains(.normalisation)) {
        case (true, false):
            return .features(try c.decodeEnum(ChallengeSpec.FeatureEffect.self, forKey: .features,
                                              allowed: ChallengeSpec.FeatureEffect.allCases))
        case (false, true):
            var list = try c.nestedUnkeyedContainer(forKey: .normalisation)
            var processes: [PhysicsProcess] = []
            let allowed = PhysicsProcess.allCases.filter { !$0.isSignal }
            while !list.isAtEnd {
                let path = list.codingPath + [AnyCodingKey(intValue: list.currentIndex)!]
                let raw = try list.decode(String.self)
                guard let process = PhysicsProcess(rawValue: raw), allowed.contains(process) else {
                    throw SchemaViolation(path: path, problem: "\(TerminalText.quoted(raw)) is not one of \(allowed.map { "'\($0.rawValue)'" }.joined(separator: ", ")) (the signal is scaled by mu)")
                }
                processes.append(process)
            }
            return .normalisation(processes)
        default:
            throw SchemaViolation(path: decoder.codingPath,
                                  problem: "give exactly one of 'features' (an effect of the systematics transform) and 'normalisation' (a list of background processes)")
        }
    }
}

private struct PriorDocument: Decodable {
    var value: ChallengeSpec.NuisancePrior

    enum Family: String, CaseIterable { case normal, lognormal }
    enum FamilyKey: String, CodingKey { case family }
    enum NormalKeys: String, CodingKey, CaseIterable { case family, mean, sigma }
    enum LognormalKeys: String, CodingKey, CaseIterable { case family, logMean = "log_mean", logSigma = "log_sigma" }

    init(from decoder: Decoder) throws {
        let family = try decoder.container(keyedBy: FamilyKey.self)
            .decodeEnum(Family.self, forKey: .family, allowed: Family.allCases)
        switch family {
        case .normal:
            let c = try decoder.strictContainer(NormalKeys.self)
            value = .normal(mean: try c.decode(Double.self, forKey: .mean), sigma: try c.decode(Double.self, forKey: .sigma))
        case .lognormal:
            let c = try decoder.strictContainer(LognormalKeys.self)
            value = .lognormal(logMean: try c.decode(Double.self, forKey: .logMean),
                               logSigma: try c.decode(Double.self, forKey: .logSigma))
        }
    }
}

private struct MuDocument: Decodable {
    var prior: UniformDocument
    enum Keys: String, CodingKey, CaseIterable { case prior }
    init(from decoder: Decoder) throws {
        prior = try decoder.strictContainer(Keys.self).decode(UniformDocument.self, forKey: .prior)
    }
}

private struct UniformDocument: Decodable {
    var value: ChallengeSpec.UniformPrior
    enum Family: String, CaseIterable { case uniform }
    enum Keys: String, CodingKey, CaseIterable { case family, min, max }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        _ = try c.decodeEnum(Family.self, forKey: .family, allowed: Family.allCases)
        value = .init(min: try c.decode(Double.self, forKey: .min), max: try c.decode(Double.self, forKey: .max))
    }
}

private struct PoolsDocument: Decodable {
    var value: ChallengeSpec.Pools
    enum Keys: String, CodingKey, CaseIterable { case description, evaluation, training, data }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        let data = try c.decodeIfPresent(DataFileDocument.self, forKey: .data)?.value
        // Either simulated pools (both) or a data file: the schema's oneOf, said with the path.
        if data != nil {
            if c.contains(.evaluation) || c.contains(.training) {
                throw SchemaViolation(path: c.codingPath + [Keys.data],
                                      problem: "gives a data file beside simulated pools; give one or the other")
            }
        } else {
            for key in [Keys.evaluation, .training] where !c.contains(key) {
                throw SchemaViolation(path: c.codingPath + [key],
                                      problem: "is required (or give pools.data, the challenge's data file, instead of simulated pools)")
            }
        }
        value = .init(description: try c.decodeIfPresent(String.self, forKey: .description),
                      evaluation: try c.decodeIfPresent(PoolDocument.self, forKey: .evaluation)?.value,
                      training: try c.decodeIfPresent(PoolDocument.self, forKey: .training)?.value,
                      data: data)
    }
}

private struct DataFileDocument: Decodable {
    var value: ChallengeSpec.DataFile
    enum Keys: String, CodingKey, CaseIterable {
        case description, fileName = "file_name", metadataFileName = "metadata_file_name", testFraction = "test_fraction"
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        _ = try c.decodeIfPresent(String.self, forKey: .description)
        value = .init(fileName: try c.decode(String.self, forKey: .fileName),
                      metadataFileName: try c.decodeIfPresent(String.self, forKey: .metadataFileName),
                      testFraction: try c.decode(Double.self, forKey: .testFraction))
    }
}

private struct PoolDocument: Decodable {
    var value: ChallengeSpec.Pool
    enum Keys: String, CodingKey, CaseIterable { case simulatorSeed = "simulator_seed", rows }
    enum ProcessKeys: String, CodingKey, CaseIterable { case htautau, ztautau, ttbar, diboson }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        let seed = try c.decode(Int64.self, forKey: .simulatorSeed)
        guard seed >= 0, seed <= ChallengeSpec.maximumJSONSeed else {
            throw MeaningViolation(path: ChallengeSpec.pathString(c.codingPath + [Keys.simulatorSeed]),
                                   problem: "the seed \(seed) is outside 0...\(ChallengeSpec.maximumJSONSeed) (2^53 - 1, the largest integer every JSON reader keeps exact); choose a seed in that range")
        }
        let rowsContainer = try c.superDecoder(forKey: .rows).strictContainer(ProcessKeys.self)
        var rows: [PhysicsProcess: Int] = [:]
        for key in ProcessKeys.allCases {
            // ProcessKeys mirror PhysicsProcess raw values one to one.
            guard let process = PhysicsProcess(rawValue: key.rawValue) else { continue }
            // Decoded as a number and checked here: Foundation reports a fraction where an Int
            // is asked for without the field's path.
            let value = try rowsContainer.decode(Double.self, forKey: key)
            guard value == value.rounded(), abs(value) < 0x1p53 else {
                throw SchemaViolation(path: rowsContainer.codingPath + [key], problem: "\(value) is not an integer")
            }
            rows[process] = Int(value)
        }
        value = .init(simulatorSeed: UInt64(seed), rows: rows)
    }
}

private struct PhaseDocument: Decodable {
    var value: ChallengeSpec.Phase
    enum Keys: String, CodingKey, CaseIterable {
        case name, description, sets, pseudoExperimentsPerSet = "pseudo_experiments_per_set", defaultSeed = "default_seed"
        case sealed
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        let seed = try c.decode(Int64.self, forKey: .defaultSeed)
        guard seed >= 0, seed <= ChallengeSpec.maximumJSONSeed else {
            // A valid integer (the schema's business) but not a usable seed (ours).
            throw MeaningViolation(path: ChallengeSpec.pathString(c.codingPath + [Keys.defaultSeed]),
                                   problem: "the seed \(seed) is outside 0...\(ChallengeSpec.maximumJSONSeed) (2^53 - 1, the largest integer every JSON reader keeps exact); choose a seed in that range")
        }
        value = .init(name: try c.decode(String.self, forKey: .name),
                      description: try c.decodeIfPresent(String.self, forKey: .description),
                      sets: try c.decode(Int.self, forKey: .sets),
                      pseudoExperimentsPerSet: try c.decode(Int.self, forKey: .pseudoExperimentsPerSet),
                      defaultSeed: UInt64(seed),
                      sealed: try c.decodeIfPresent(Bool.self, forKey: .sealed) ?? false)
    }
}

private struct ScoreDocument: Decodable {
    var value: ChallengeSpec.Score
    enum Keys: String, CodingKey, CaseIterable {
        case band = "coverage_band_sigmas", epsilon = "width_epsilon"
        case under = "under_coverage_exponent", over = "over_coverage_exponent"
    }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        value = .init(coverageBandSigmas: try c.decode(Double.self, forKey: .band),
                      widthEpsilon: try c.decode(Double.self, forKey: .epsilon),
                      underCoverageExponent: try c.decode(Double.self, forKey: .under),
                      overCoverageExponent: try c.decode(Double.self, forKey: .over))
    }
}

private struct EvaluationShiftDocument: Decodable {
    var value: EvaluationShift
    enum Keys: String, CodingKey, CaseIterable { case variantOf = "variant_of", description, effects }
    enum EffectKeys: String, CodingKey, CaseIterable { case effect, size }
    init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(Keys.self)
        var list = try c.nestedUnkeyedContainer(forKey: .effects)
        var effects: [EvaluationShift.Effect] = []
        while !list.isAtEnd {
            let e = try list.superDecoder().strictContainer(EffectKeys.self)
            effects.append(.init(try e.decodeEnum(EvaluationShift.Kind.self, forKey: .effect,
                                                  allowed: EvaluationShift.Kind.allCases),
                                 size: try e.decode(Double.self, forKey: .size)))
        }
        value = .init(variantOf: try c.decode(String.self, forKey: .variantOf),
                      description: try c.decodeIfPresent(String.self, forKey: .description),
                      effects: effects)
    }
}
