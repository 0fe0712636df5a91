import Evaluation
import Foundation
import PluginHost
import PseudoExperiments
import Scoring
import TestSupport
import XCTest

/// The FAIR Universe adapter's `systematics` is the harness's transform: what a submission gets
/// back equals `bench systematics` on the same rows, and the normalisation scales multiply the
/// weights of the processes the spec names.
final class FairUniverseAdapterTests: XCTestCase {
    static let fixtures = ReferenceData.packageRoot.appendingPathComponent("Tests/BenchCommandTests/Fixtures/fair-universe")

    func testTheEmbeddedClientIsTheClientsFiles() throws {
        let directory = ReferenceData.packageRoot.appendingPathComponent("clients/python")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".py") }.sorted()
        XCTAssertEqual(FairUniverseSubmission.embeddedClientNames, names)
        for name in names {
            let file = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(FairUniverseSubmission.embeddedClientText(name), file,
                           "\(name) differs from the embedded copy: run python3 scripts/generate_builtin_specs.py")
        }
    }

    /// get_train_set as FU-SUBMISSIONS.md describes it, checked in the adapter's own interpreter
    /// on a labelled pool of 1000 rows: a count or a fraction, rows distinct and in pool order,
    /// the weights rescaled by one factor to the whole pool's sum, the same rows from the same
    /// seed and other rows from another, a boolean mask as selected_indices, and the challenge's
    /// columns and types.
    func testGetTrainSetSamplesAsTheChallengeDoes() throws {
        try PythonModule.require("pandas")
        let script = #"""
            import sys, types
            import numpy as np
            sys.path.insert(0, sys.argv[1])
            import fair_universe_adapter as fu, fair_uq_plugin as fuq
            rng = np.random.default_rng(3)
            n = 1000
            training = types.SimpleNamespace(rows=n, features=rng.random((28, n), dtype=np.float32),
                                             weights=rng.random(n).astype(np.float32) + 0.5,
                                             process_codes=rng.integers(0, 4, n).astype(np.uint8))
            def adapter(seed):
                a = fu.Adapter("/nowhere/submission")
                a.training, a.rng = training, np.random.default_rng(seed)
                return a
            total = float(np.sum(training.weights, dtype=np.float64))
            whole = adapter(1).get_train_set()
            assert len(whole) == n and list(whole.columns[:28]) == list(fuq.FEATURES)
            assert list(whole.columns[28:]) == ["weights", "labels", "detailed_labels"], list(whole.columns)
            assert whole["PRI_met"].dtype == np.float32 and whole["weights"].dtype == np.float64
            assert set(whole["labels"][whole["detailed_labels"] == "htautau"]) == {1}
            assert set(whole["labels"][whole["detailed_labels"] != "htautau"]) == {0}
            assert abs(whole["weights"].sum() - total) < 1e-9 * total
            a = adapter(1)
            first, second = a.get_train_set(train_size=100), a.get_train_set(train_size=0.25)
            assert len(first) == 100 and len(second) == 250, (len(first), len(second))
            for sample in (first, second):
                rows = [int(np.flatnonzero(training.features[14] == v)[0]) for v in sample["PRI_met"]]
                assert rows == sorted(set(rows)), "distinct rows in pool order"
                ratio = sample["weights"].to_numpy() / training.weights[rows]
                assert np.ptp(ratio) < 1e-9 * ratio.mean(), "one factor for every row"
                assert abs(sample["weights"].sum() - total) < 1e-9 * total, "a sample stands for the whole pool"
            again = adapter(1).get_train_set(train_size=100)
            other = adapter(2).get_train_set(train_size=100)
            assert again["PRI_met"].tolist() == first["PRI_met"].tolist(), "same seed, same rows"
            assert other["PRI_met"].tolist() != first["PRI_met"].tolist(), "another seed, other rows"
            mask = np.zeros(n, dtype=bool); mask[[5, 17, 999]] = True
            picked = adapter(1).get_train_set(selected_indices=mask)
            assert picked["PRI_met"].tolist() == training.features[14][[5, 17, 999]].tolist()
            for bad in (1001, 1.5, True):
                try:
                    adapter(1).get_train_set(train_size=bad)
                except (ValueError, TypeError):
                    pass
                else:
                    raise AssertionError(f"train_size={bad!r} accepted")
            print("OK")
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, ReferenceData.packageRoot.appendingPathComponent("clients/python").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "OK", output)
    }

    /// The probe submission writes, in fit(), what systematics returns for the training set: by
    /// keyword on a DataFrame, positionally with the scales and without cuts, and on a dict.
    func testSystematicsIsBenchSystematicsOnTheSameRows() throws {
        try PythonModule.require("pandas")
        let directory = try ReferenceData.temporaryDirectory("fu-systematics")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = ReferenceData.sample("input_rows.csv")
        let pool = try EventTable.readCSV(from: csv).table
        var estimator = try FairUniverseSubmission(directory: Self.fixtures.appendingPathComponent("systematics-probe").path)
            .pluginSubmission().processEstimator(limits: PluginLimits(workers: 1))
        estimator.exchangeParent = directory.path
        var context = TrainingContext(spec: try ChallengeSpec.builtin(named: "fair-universe-2024-mini"), pool: pool,
                                      rng: SeededGenerator(seed: 3))
        let fitted = try estimator.fitProcesses(&context)
        defer { fitted.shutdown() }
        let exchange = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("fair-uq-plugin-") })
        let saved = directory.appendingPathComponent(exchange).appendingPathComponent("model/submission")

        func bench(_ options: [String]) throws -> Table {
            let output = directory.appendingPathComponent("bench-\(options.joined(separator: "_")).csv")
            let run = try BenchProcess.run(["systematics", "--input", csv.path, "--output", output.path] + options)
            XCTAssertEqual(run.status, 0, run.stderr)
            return try Table(output)
        }
        let shifted = try bench(["--tes", "1.03", "--jes", "0.97", "--soft-met", "2.5", "--seed", "987654321"])
        XCTAssertEqual(shifted.count, 954, "the reference sample at these values keeps 954 rows")

        // A DataFrame by keyword: the same rows, the same float32 features, weights carried along.
        let frame = try Table(saved.appendingPathComponent("systematics-dataframe.csv"))
        XCTAssertEqual(frame.column("input_row"), shifted.column("input_row"))
        for feature in Feature.allCases.map(\.rawValue) + ["weights"] {
            XCTAssertEqual(frame.floats(feature), shifted.floats(feature), feature)
        }
        XCTAssertEqual(frame.column("detailed_labels"), shifted.column("detailed_labels"))

        // A dict: the rows' other arrays travel with them, settings pass through.
        let dict = try Table(saved.appendingPathComponent("systematics-dict.csv"))
        XCTAssertEqual(dict.column("row"), shifted.column("input_row"))
        XCTAssertEqual(dict.floats("DER_mass_vis"), shifted.floats("DER_mass_vis"))
        XCTAssertEqual(dict.floats("weights"), shifted.floats("weights"))
        XCTAssertEqual(Set(dict.column("settings")), ["{'kept': True}"])

        // Positionally, no cuts, scales 1.5 (ttbar), 0.5 (diboson), 2 (every background), as the
        // spec says they act: each weight times the product of the scales of its process.
        let nominal = try bench(["--seed", "5", "--no-cuts"])
        let scaled = try Table(saved.appendingPathComponent("systematics-scaled.csv"))
        XCTAssertEqual(scaled.count, 1000)
        XCTAssertEqual(scaled.column("input_row"), nominal.column("input_row"))
        XCTAssertEqual(scaled.floats("DER_mass_vis"), nominal.floats("DER_mass_vis"))
        let factors: [String: Double] = ["htautau": 1, "ztautau": 2, "ttbar": 3, "diboson": 1]
        let labels = nominal.column("detailed_labels")
        // The adapter's weights are the pool's float32 weights in float64, times the factors.
        let expected = zip(nominal.floats("weights"), labels).map { Double($0) * factors[$1]! }
        for (got, want) in zip(scaled.doubles("weights"), expected) {
            XCTAssertEqual(got, want, accuracy: abs(want) * 1e-12)
        }
        XCTAssertEqual(Set(labels), Set(factors.keys), "every process is in the sample, so every factor is checked")
    }
}

/// A CSV file with a header, by column name.
private struct Table {
    let header: [String]
    let rows: [[String]]

    init(_ url: URL) throws {
        let records = try CSVText.records(String(contentsOf: url, encoding: .utf8))
        header = records.first?.fields ?? []
        rows = records.dropFirst().map(\.fields)
    }

    var count: Int { rows.count }

    func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { XCTFail("no column \(name) in \(header)"); return [] }
        return rows.map { $0[i] }
    }

    func floats(_ name: String) -> [Float] { column(name).map { Float($0) ?? .nan } }

    func doubles(_ name: String) -> [Double] { column(name).map { Double($0) ?? .nan } }
}
