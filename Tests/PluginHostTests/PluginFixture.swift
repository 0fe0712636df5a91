import Foundation
import PluginHost
import PseudoExperiments
import TestSupport
import XCTest

/// Small real data and plugin commands for the PluginHost tests.
///
/// The pool is the FAIR Universe reference sample (1000 events) with its weights scaled by
/// 1/100 (the mini challenge's luminosity): about 10,500 expected events per pseudo-experiment.
/// Training and pseudo-experiments come from the same 1000 rows here, which the harness never
/// does; these tests check the mechanics of the plugin host, not an estimator's quality.
enum PluginFixture {
    static let spec: ChallengeSpec = {
        // The builtin mini challenge: the same priors and yields as fair-universe-2024.
        try! ChallengeSpec.builtin(named: "fair-universe-2024-mini")
    }()

    static let pool: EventTable = {
        var table = try! EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        table.weights = table.weights.map { $0 * 0.01 }
        return table
    }()

    static func context(seed: UInt64 = 11) -> TrainingContext {
        TrainingContext(spec: spec, pool: pool, rng: SeededGenerator(seed: seed))
    }

    /// A pseudo-experiment drawn as the harness does (Poisson counts, transform at the
    /// nuisance values, seeded shuffle), returned with its true mu.
    static func pseudoExperiment(_ index: Int, root: UInt64 = 2024) throws -> (view: SealedView, mu: Double, nuisances: NuisanceValues) {
        var truthRNG = SeedDerivation.generator(root, .setTruth, index)
        let mu = spec.drawMu(using: &truthRNG)
        var nuisanceRNG = SeedDerivation.generator(root, .nuisances, index)
        let nuisances = spec.drawNuisances(using: &nuisanceRNG)
        let sampler = try PoolSampler(pool: pool)
        let rows = try sampler.draw(mu: mu, nuisances: nuisances, root: root, set: 0, pseudoExperiment: index)
        let drawn = pool.rows(rows.map { Int($0) })
        var noise = SeedDerivation.generator(root, .softMet, 0, index)
        let transformed = PreparedEvents(drawn).applying(SystematicShift(nuisances), noise: &noise)
        var order = Array(0..<transformed.count)
        var shuffle = SeedDerivation.generator(root, .shuffle, 0, index)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, shuffle.nextInt(below: i + 1))
        }
        var values = [Float]()
        values.reserveCapacity(Feature.allCases.count * order.count)
        for feature in Feature.allCases {
            let column = transformed.column(feature)
            values.append(contentsOf: order.map { column[column.startIndex + $0] })
        }
        return (SealedView(count: order.count, columnMajor: values), mu, nuisances)
    }

    /// A view of `rows` rows of the pool (untransformed), with PRI_lep_pt of row 0 set to -1
    /// when `marked`: the test plugin misbehaves on marked views.
    static func view(rows: Int = 50, marked: Bool = false, offset: Int = 0) -> SealedView {
        var values = [Float]()
        for feature in Feature.allCases {
            let column = pool[feature]
            values.append(contentsOf: (0..<rows).map { column[(offset + $0) % column.count] })
        }
        if marked && rows > 0 { values[Feature.lepPt.index * rows] = -1 }
        return SealedView(count: rows, columnMajor: values)
    }

    /// The digest the test plugin answers for an unmarked view (see test_plugin.py).
    static func digest(_ view: SealedView) -> (sum: Double, min: Double, max: Double) {
        let values = view.columnMajorValues()
        return (values.reduce(0) { $0 + Double($1) }, Double(values.min() ?? 0), Double(values.max() ?? 0))
    }

    static let packageRoot = ReferenceData.packageRoot.path
    static let clientDirectory = packageRoot + "/clients/python"
    static let fixtures = packageRoot + "/Tests/PluginHostTests/Fixtures"

    /// The command that runs the test plugin in `mode`.
    static func testPluginCommand(_ mode: String, _ extra: [String] = []) -> String {
        (["PYTHONPATH=\(clientDirectory)", "python3", fixtures + "/test_plugin.py", mode] + extra).joined(separator: " ")
    }

    /// A process estimator of the test plugin, with short limits and one worker.
    static func testPlugin(_ mode: String, _ extra: [String] = [], limits: PluginLimits = quickLimits,
                           sandbox: SandboxPolicy = SandboxPolicy()) -> ProcessEstimator {
        ProcessEstimator(command: testPluginCommand(mode, extra), limits: limits, sandbox: sandbox)
    }

    static let quickLimits = PluginLimits(startupSeconds: 30, fitSeconds: 60, loadSeconds: 30, estimateSeconds: 30,
                                          maxRestarts: 3, workers: 1)

    /// Fits `estimator` on the fixture's context.
    static func fit(_ estimator: ProcessEstimator) throws -> FittedProcessEstimator {
        var context = context()
        return try estimator.fitProcesses(&context)
    }

    /// One estimate, with a generator for pseudo-experiment `index`.
    static func estimate(_ fitted: FittedProcessEstimator, _ view: SealedView, index: Int = 0) throws -> Estimate {
        var rng = SeedDerivation.generator(99, .estimator, index)
        return try fitted.estimate(view, using: &rng)
    }
}

/// Asserts that `body` throws a ``PluginError`` whose description contains every fragment.
func XCTAssertPluginError<T>(_ body: @autoclosure () throws -> T, contains fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected a plugin error containing \(fragments)", file: file, line: line)
    } catch let error as PluginError {
        for fragment in fragments where !error.description.contains(fragment) {
            XCTFail("error does not contain \"\(fragment)\": \(error.description)", file: file, line: line)
        }
    } catch {
        XCTFail("expected a PluginError, got \(error)", file: file, line: line)
    }
}
