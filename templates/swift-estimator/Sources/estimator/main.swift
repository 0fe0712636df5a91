// A cut-and-count estimator of the signal strength mu, as a fair-uq-bench plugin in Swift.
//
// fit (once): on the training pool transformed at the nominal nuisance values, pick the window
// of DER_mass_vis (from a small grid) with the best S / sqrt(B + (0.05 B)^2), record the expected
// signal S and background B in it, and how S and B move when each nuisance moves by one standard
// deviation of its prior (tes, jes, soft_met through the harness's transform; normalisation
// scales from the spec). Saved as model.json.
//
// estimate (per pseudo-experiment): N events in the window,
//     mu_hat  = (N - B) / S
//     sigma^2 = N / S^2 + sum_k ((dB_k + mu_hat dS_k) / S)^2
//     [p16, p84] = mu_hat -/+ sigma
import FairUQPlugin
import Foundation

struct Window: Codable {
    var low: Float
    var high: Float

    func count(_ events: EventFile) -> Int {
        var n = 0
        for m in events.column("DER_mass_vis") where m >= low && m < high { n += 1 }
        return n
    }

    /// Expected events per process in the window (sums of weights of a training file).
    func yields(_ events: EventFile) -> [Double] {
        var sums = [Double](repeating: 0, count: EventFile.processes.count)
        let mass = events.column("DER_mass_vis"), weights = events.weights, codes = events.processCodes
        for i in 0..<events.rows where mass[i] >= low && mass[i] < high {
            sums[Int(codes[i])] += Double(weights[i])
        }
        return sums
    }
}

struct Model: Codable {
    var window: Window
    var signal: Double
    var background: Double
    /// Per nuisance: change of (S, B) for one standard deviation.
    var effects: [String: [Double]]
}

struct CutAndCount: PluginEstimator {
    static let name = "swift-cut-and-count"
    static let version = "1"
    let model: Model

    static func fit(_ context: inout FitContext) throws {
        let spec = context.spec
        func centre(_ name: String, _ fallback: Double) -> Double { spec.nuisance(name)?.centre ?? fallback }
        let nominal = (tes: centre("tes", 1), jes: centre("jes", 1), softMet: centre("soft_met", 0))
        let noiseSeed = context.seed   // the same noise for every template: only the nuisance moves
        let base = try context.transform(tes: nominal.tes, jes: nominal.jes, softMet: nominal.softMet, seed: noiseSeed)

        var best: (score: Double, window: Window)?
        for (low, high) in [(60, 140), (70, 130), (80, 130), (90, 140), (100, 150)] as [(Float, Float)] {
            let window = Window(low: low, high: high)
            let y = window.yields(base)
            let s = y[0], b = y[1...].reduce(0, +)
            guard s > 0, b > 0 else { continue }
            let score = s / (b + 0.0025 * b * b).squareRoot()
            if best == nil || score > best!.score { best = (score, window) }
        }
        guard let window = best?.window else {
            throw PluginFailure("no window of the grid holds both signal and background in the training pool")
        }
        let y0 = window.yields(base)
        try context.discard(base)

        var effects: [String: [Double]] = [:]
        for nuisance in spec.nuisances {
            if nuisance.actsOn.features != nil {
                var shift = nominal
                switch nuisance.name {
                case "tes": shift.tes = nuisance.oneSigmaAbove
                case "jes": shift.jes = nuisance.oneSigmaAbove
                case "soft_met": shift.softMet = nuisance.oneSigmaAbove
                default: continue
                }
                let moved = try context.transform(tes: shift.tes, jes: shift.jes, softMet: shift.softMet, seed: noiseSeed)
                let y = window.yields(moved)
                try context.discard(moved)
                effects[nuisance.name] = [y[0] - y0[0], y[1...].reduce(0, +) - y0[1...].reduce(0, +)]
            } else if let processes = nuisance.actsOn.normalisation {
                let sigma = nuisance.prior.sigma ?? nuisance.prior.logSigma ?? 0
                let scaled = processes.compactMap { EventFile.processes.firstIndex(of: $0) }.map { y0[$0] }.reduce(0, +)
                effects[nuisance.name] = [0, sigma * scaled]
            }
        }
        let model = Model(window: window, signal: y0[0], background: y0[1...].reduce(0, +), effects: effects)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(model).write(to: context.modelDirectory.appendingPathComponent("model.json"))
        print("fitted model: \(String(decoding: try encoder.encode(model), as: UTF8.self))")   // goes to the log
    }

    init(loading modelDirectory: URL, spec: ChallengeDocument) throws {
        model = try JSONDecoder().decode(Model.self, from: Data(contentsOf: modelDirectory.appendingPathComponent("model.json")))
    }

    func estimate(_ events: EventFile, seed: UInt64) throws -> PluginEstimate {
        let n = Double(model.window.count(events))
        let s = model.signal, b = model.background
        let muHat = (n - b) / s
        var variance = max(n, 1) / (s * s)
        for effect in model.effects.values {
            let shift = (effect[1] + muHat * effect[0]) / s
            variance += shift * shift
        }
        let sigma = variance.squareRoot()
        // Gaussian intervals at the further levels the harness checks calibration at (z of the
        // central 50% and 90% intervals; 95% is p2.5/p97.5).
        let further = [(0.5, 0.674489750196082), (0.9, 1.644853626951472)].map { level, z in
            PluginEstimate.LevelInterval(level: level, lower: muHat - z * sigma, upper: muHat + z * sigma)
        }
        return PluginEstimate(p16: muHat - sigma, p84: muHat + sigma, muHat: muHat, deltaMuHat: sigma,
                              p2_5: muHat - 1.96 * sigma, p97_5: muHat + 1.96 * sigma, intervals: further)
    }
}

Plugin.run(CutAndCount.self)
