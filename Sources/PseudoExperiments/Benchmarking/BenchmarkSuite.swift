/// A named group of performance measurements for `bench benchmark`.
///
/// Each suite measures one part of the harness and returns named figures; the command prints them
/// as a table or as one flat JSON object. Keys are `snake_case`, start with the suite's subject and
/// name the unit (`transform_events_per_second_one_core`), and are stable across versions so runs
/// can be compared. A conforming type:
/// ```
/// struct SamplerBenchmark: BenchmarkSuite {
///     let name = "sampler"
///     func run() throws -> [BenchmarkFigure] {
///         [BenchmarkFigure(key: "sampler_events_per_second", value: measure(), unit: "events/s",
///                          label: "Sampler throughput")]
///     }
/// }
/// ```
public protocol BenchmarkSuite: Sendable {
    /// Short name, used to select the suite on the command line.
    var name: String { get }
    /// Runs the measurements (release builds only give meaningful figures).
    func run() throws -> [BenchmarkFigure]
}

/// One measured number.
public struct BenchmarkFigure: Sendable, Equatable {
    /// Stable JSON key, e.g. `transform_events_per_second_one_core`.
    public var key: String
    public var value: Double
    /// Unit for the human table, e.g. `events/s`.
    public var unit: String
    /// Description for the human table.
    public var label: String

    public init(key: String, value: Double, unit: String, label: String) {
        self.key = key
        self.value = value
        self.unit = unit
        self.label = label
    }
}
