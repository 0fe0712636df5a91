import Foundation

/// The truths of a set directory: the true mu and the six nuisance values of every
/// pseudo-experiment, for scoring. Written beside the directory (`DIR.truth.json` by default),
/// never inside it.
///
/// Canonical JSON (as the manifest), one entry per (set, pseudo-experiment) in order:
/// ```
/// {"format": "fair-uq-bench pseudo-experiment truths", "format_version": 1,
///  "manifest_sha256": "...", "challenge": "fair-universe-2024", "seed": 2024002,
///  "sets": 10, "pseudo_experiments_per_set": 1000,
///  "truths": [{"set_index": 0, "index": 0, "mu": 1.73,
///              "nuisances": {"tes": 1.004, "jes": 0.991, "soft_met": 0.82,
///                            "ttbar_scale": 1.01, "diboson_scale": 0.87, "bkg_scale": 0.9995}}, ...]}
/// ```
/// The entries decode as Scoring's `PseudoExperimentTruth` (same keys). The truths of a sealed
/// set also hold `"secret"` (64 hexadecimal digits, ``SetKeys``): the only copy of what the
/// pseudo-experiments derive from, without which a sealed set cannot be regenerated. `seed` is
/// then the root seed derived from it.
public struct TruthFile: Sendable, Equatable {
    public static let formatName = "fair-uq-bench pseudo-experiment truths"
    public static let formatVersion = 1

    /// One pseudo-experiment's truth.
    public struct Entry: Sendable, Equatable {
        public var set: Int
        public var pseudoExperiment: Int
        public var truth: GroundTruth

        public init(set: Int, pseudoExperiment: Int, truth: GroundTruth) {
            self.set = set
            self.pseudoExperiment = pseudoExperiment
            self.truth = truth
        }
    }

    /// The SHA-256 of the manifest of the set directory these truths belong to.
    public var manifestSHA256: String
    public var challenge: String
    public var seed: UInt64
    /// The secret of a sealed set (hexadecimal), nil for an open one.
    public var secretHex: String?
    public var sets: Int
    public var pseudoExperimentsPerSet: Int
    /// Every pseudo-experiment's truth, sets in order, pseudo-experiments in order within each.
    public var entries: [Entry]

    /// The truths of the pseudo-experiments of an open `manifest`, computed by the seed rule.
    public init(manifest: SetManifest) {
        precondition(manifest.seed != nil, "the truths of a sealed manifest need its keys: use init(manifest:keys:)")
        self.init(manifest: manifest, keys: .open(seed: manifest.seed!))
    }

    /// The truths of the pseudo-experiments of `manifest`, drawn under `keys`.
    public init(manifest: SetManifest, keys: SetKeys) {
        manifestSHA256 = manifest.sha256
        challenge = manifest.spec.name
        seed = keys.rootSeed
        secretHex = keys.secretHex
        sets = manifest.sets
        pseudoExperimentsPerSet = manifest.pseudoExperimentsPerSet
        var entries: [Entry] = []
        entries.reserveCapacity(manifest.count)
        for s in 0..<manifest.sets {
            for p in 0..<manifest.pseudoExperimentsPerSet {
                entries.append(Entry(set: s, pseudoExperiment: p,
                                     truth: PseudoExperimentGenerator.truth(spec: manifest.spec, seed: keys.rootSeed,
                                                                            set: s, pseudoExperiment: p)))
            }
        }
        self.entries = entries
    }

    /// The default place of the truths of the set directory `directory`: `DIR.truth.json` beside it.
    public static func defaultURL(forDirectory directory: URL) -> URL {
        let d = directory.standardizedFileURL
        return d.deletingLastPathComponent().appendingPathComponent(d.lastPathComponent + ".truth.json")
    }

    /// The truth of one pseudo-experiment.
    public func truth(set: Int, pseudoExperiment: Int) -> GroundTruth? {
        guard set >= 0, set < sets, pseudoExperiment >= 0, pseudoExperiment < pseudoExperimentsPerSet else { return nil }
        return entries[set * pseudoExperimentsPerSet + pseudoExperiment].truth
    }

    /// The canonical JSON bytes.
    public func canonicalJSON() -> Data {
        let truths: [CanonicalJSON] = entries.map { e in
            let n = e.truth.nuisances
            return .object([
                "set_index": .number(Double(e.set)), "index": .number(Double(e.pseudoExperiment)),
                "mu": .number(e.truth.mu),
                "nuisances": .object([
                    "tes": .number(n.tes), "jes": .number(n.jes), "soft_met": .number(n.softMet),
                    "ttbar_scale": .number(n.ttbarScale), "diboson_scale": .number(n.dibosonScale),
                    "bkg_scale": .number(n.bkgScale),
                ]),
            ])
        }
        var root: [String: CanonicalJSON] = [
            "format": .string(Self.formatName), "format_version": .number(Double(Self.formatVersion)),
            "manifest_sha256": .string(manifestSHA256), "challenge": .string(challenge),
            "seed": .number(Double(seed)), "sets": .number(Double(sets)),
            "pseudo_experiments_per_set": .number(Double(pseudoExperimentsPerSet)),
            "truths": .array(truths),
        ]
        if let secretHex { root["secret"] = .string(secretHex) }
        return CanonicalJSON.object(root).bytes
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(canonicalJSON(), to: url)
    }

    /// Reads and checks a truths file: format, version, and one entry per pseudo-experiment in order.
    public static func read(from url: URL) throws -> TruthFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SetError.io(file: url.path, action: "read", reason: AtomicFile.reason(error))
        }
        return try decode(data, file: url.path)
    }

    /// Decodes and checks the bytes of a truths file.
    public static func decode(_ data: Data, file: String) throws -> TruthFile {
        let root = try JSONFields(data, file: file)
        try root.onlyKeys(["format", "format_version", "manifest_sha256", "challenge", "seed", "secret", "sets",
                           "pseudo_experiments_per_set", "truths"])
        guard try root.string("format") == formatName else {
            throw root.fail("format", "expected \"\(formatName)\": this is not a truths file")
        }
        let version = try root.integer("format_version")
        guard version == formatVersion else {
            throw SetError.unsupportedVersion(file: file, what: "truths file format", found: Int(version), supported: formatVersion)
        }
        let sets = Int(try root.integer("sets", in: 1...Int64(Int32.max)))
        let perSet = Int(try root.integer("pseudo_experiments_per_set", in: 1...Int64(Int32.max)))
        let items = try root.objects("truths")
        guard items.count == sets * perSet else {
            throw root.fail("truths", "holds \(items.count) entries for \(sets) sets of \(perSet) pseudo-experiments; the file is incomplete")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(items.count)
        for (k, item) in items.enumerated() {
            try item.onlyKeys(["set_index", "index", "mu", "nuisances"])
            let s = Int(try item.integer("set_index")), p = Int(try item.integer("index"))
            guard s == k / perSet, p == k % perSet else {
                throw item.fail("set_index", "entry \(k) is set \(s), pseudo-experiment \(p); expected set \(k / perSet), pseudo-experiment \(k % perSet)")
            }
            let n = try item.object("nuisances")
            try n.onlyKeys(["tes", "jes", "soft_met", "ttbar_scale", "diboson_scale", "bkg_scale"])
            let nuisances = NuisanceValues(tes: try n.number("tes"), jes: try n.number("jes"),
                                           softMet: try n.number("soft_met"), ttbarScale: try n.number("ttbar_scale"),
                                           dibosonScale: try n.number("diboson_scale"), bkgScale: try n.number("bkg_scale"))
            entries.append(Entry(set: s, pseudoExperiment: p, truth: GroundTruth(mu: try item.number("mu"), nuisances: nuisances)))
        }
        var file = TruthFile(manifestSHA256: try root.string("manifest_sha256"), challenge: try root.string("challenge"),
                             seed: UInt64(try root.integer("seed")),
                             secretHex: root.has("secret") ? try root.string("secret") : nil,
                             sets: sets, pseudoExperimentsPerSet: perSet, entries: [])
        file.entries = entries
        return file
    }

    private init(manifestSHA256: String, challenge: String, seed: UInt64, secretHex: String?, sets: Int,
                 pseudoExperimentsPerSet: Int, entries: [Entry]) {
        self.manifestSHA256 = manifestSHA256
        self.challenge = challenge
        self.seed = seed
        self.secretHex = secretHex
        self.sets = sets
        self.pseudoExperimentsPerSet = pseudoExperimentsPerSet
        self.entries = entries
    }
}
