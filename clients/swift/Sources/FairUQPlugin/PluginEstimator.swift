import Foundation

/// An estimator of the signal strength mu that runs as a plugin process.
///
/// `fit` runs once, in a process of its own, and must save everything the estimator needs in
/// `context.modelDirectory`; every worker process then creates the estimator from that
/// directory with `init(loading:spec:)` and answers pseudo-experiments with `estimate`.
///
/// ```swift
/// struct Counter: PluginEstimator {
///     static let name = "counter"
///     let expected: Double
///     static func fit(_ context: inout FitContext) throws {
///         let nominal = try context.transform()
///         try String(nominal.weights.reduce(0) { $0 + Double($1) }).write(
///             to: context.modelDirectory.appendingPathComponent("expected.txt"), atomically: true, encoding: .utf8)
///     }
///     init(loading directory: URL, spec: ChallengeDocument) throws {
///         expected = Double(try String(contentsOf: directory.appendingPathComponent("expected.txt"), encoding: .utf8)) ?? 1
///     }
///     func estimate(_ events: EventFile, seed: UInt64) throws -> PluginEstimate {
///         let mu = Double(events.rows) / expected
///         return PluginEstimate(p16: 0.8 * mu, p84: 1.2 * mu, muHat: mu)
///     }
/// }
/// Plugin.run(Counter.self)
/// ```
public protocol PluginEstimator {
    /// The name shown in the harness's records (the plugin's `hello`).
    static var name: String { get }
    /// The estimator's version.
    static var version: String { get }
    /// Trains on the context and saves the model in `context.modelDirectory`.
    static func fit(_ context: inout FitContext) throws
    /// The estimator, from the model that `fit` saved.
    init(loading modelDirectory: URL, spec: ChallengeDocument) throws
    /// The estimate for one pseudo-experiment. `seed` seeds any randomness the estimate uses.
    func estimate(_ events: EventFile, seed: UInt64) throws -> PluginEstimate
}

extension PluginEstimator {
    public static var version: String { "1" }
}

/// What an estimator reports for one pseudo-experiment: the 68.27% interval `[p16, p84]`
/// (scored), and optionally a point estimate, its uncertainty and the 95% interval.
public struct PluginEstimate: Sendable, Equatable {
    public var p16: Double
    public var p84: Double
    public var muHat: Double?
    public var deltaMuHat: Double?
    public var p2_5: Double?
    public var p97_5: Double?
    /// Central intervals at further confidence levels (protocol version 2's `intervals`: at most
    /// 16, levels strictly between 0 and 1, each once), for the harness's calibration checks.
    public var intervals: [LevelInterval]

    /// A central interval at a confidence level (`level` 0.9: the 5% and 95% quantiles).
    public struct LevelInterval: Sendable, Equatable {
        public var level: Double
        public var lower: Double
        public var upper: Double
        public init(level: Double, lower: Double, upper: Double) {
            self.level = level
            self.lower = lower
            self.upper = upper
        }
    }

    public init(p16: Double, p84: Double, muHat: Double? = nil, deltaMuHat: Double? = nil,
                p2_5: Double? = nil, p97_5: Double? = nil, intervals: [LevelInterval] = []) {
        self.p16 = p16
        self.p84 = p84
        self.muHat = muHat
        self.deltaMuHat = deltaMuHat
        self.p2_5 = p2_5
        self.p97_5 = p97_5
        self.intervals = intervals
    }
}

/// An error the estimator wants the harness to record, with its message.
public struct PluginFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
