import Foundation
import Scoring
import TestSupport
import XCTest

/// FAIR Universe challenge submissions (a directory holding `model.py`) run unmodified through
/// `bench evaluate --fair-universe DIR`: scored end to end, listed by `bench leaderboard` under
/// the directory's name, a broken `predict` result failing with its reason.
final class EvaluateFairUniverseTests: XCTestCase {
    static let fixtures = ReferenceData.packageRoot.appendingPathComponent("Tests/BenchCommandTests/Fixtures/fair-universe")

    private func evaluate(_ submission: URL, sets: URL, database: String, extra: [String] = []) throws -> BenchProcess.Output {
        let pool = ReferenceData.sample("input_rows.csv").path
        return try BenchProcess.run(["evaluate", "--sets", sets.path, "--fair-universe", submission.path,
                                     "--pool", pool, "--training-pool", pool, "--database", database, "--no-progress"] + extra)
    }

    /// Each of the project's FU-style submissions: one that counts in a window, one that samples,
    /// splits and calls systematics every way (in fit and in predict) and fits templates, one that
    /// saves its model beside model.py and loads it, one that prints to stdout.
    func testTheChallengesSubmissionsAreScoredAndListedWithoutFailures() throws {
        try PythonModule.require("pandas")
        let directory = try ReferenceData.temporaryDirectory("evaluate-fair-universe")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try EvaluateCommandTests.generateSets(in: directory, sets: 2, perSet: 3)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let names = ["count-window", "templates", "saved-model", "printer"]
        for name in names {
            let run = try evaluate(Self.fixtures.appendingPathComponent(name), sets: sets, database: database)
            XCTAssertEqual(run.status, 0, "\(name): \(run.stderr)")
            XCTAssertTrue(run.stdout.contains("\(name): run "), run.stdout)
            XCTAssertFalse(run.stdout.contains("printer: fit on") || run.stdout.contains("printer: imported"),
                           "the submission's prints go to its log, not the harness's output")
        }
        try EvaluateCommandTests.assertListedWithoutFailures(names, database: database)
        // The saved model landed beside the copy of model.py the fit ran, never in the submission.
        XCTAssertFalse(FileManager.default.fileExists(atPath: Self.fixtures.appendingPathComponent("saved-model/saved_model.json").path))
    }

    /// The code hash covers every file of the directory: editing a helper module is a new version.
    func testTheCodeHashCoversTheDirectorysFiles() throws {
        try PythonModule.require("pandas")
        let directory = try ReferenceData.temporaryDirectory("evaluate-fair-universe-hash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try EvaluateCommandTests.generateSets(in: directory, sets: 1, perSet: 2)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let submission = directory.appendingPathComponent("my-templates")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("templates"), to: submission)
        func codeHash() throws -> String {
            let run = try evaluate(submission, sets: sets, database: database)
            XCTAssertEqual(run.status, 0, run.stderr)
            let store = try LeaderboardStore(path: database, access: .readOnly)
            return try store.latestCompletedRun(challenge: nil, submission: "my-templates").submission.codeHash
        }
        let first = try codeHash()
        XCTAssertEqual(try codeHash(), first, "the same files are the same version")
        let helper = submission.appendingPathComponent("binned_likelihood.py")
        try (String(contentsOf: helper, encoding: .utf8) + "# an edit\n").write(to: helper, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try codeHash(), first, "an edited helper module is a new version")
    }

    /// A missing key or a non-finite value in predict's result fails that pseudo-experiment with
    /// the reason; get_train_set in predict says where it is available.
    func testABrokenPredictResultIsAFailureWithItsReason() throws {
        try PythonModule.require("pandas")
        let directory = try ReferenceData.temporaryDirectory("evaluate-fair-universe-broken")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try EvaluateCommandTests.generateSets(in: directory, sets: 1, perSet: 3)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let cases: [(name: String, predict: String, reason: String)] = [
            ("no-p84", #"return {"mu_hat": 1.0, "delta_mu_hat": 0.1, "p16": 0.9}"#, "predict's result has no 'p84'"),
            ("nan-p16", #"return {"mu_hat": 1.0, "delta_mu_hat": 0.1, "p16": np.float64("nan"), "p84": 1.1}"#, "predict's 'p16' is nan"),
            ("train-in-predict", "self.get_train_set()", "get_train_set is available in fit() only"),
        ]
        for c in cases {
            let submission = directory.appendingPathComponent(c.name)
            try FileManager.default.createDirectory(at: submission, withIntermediateDirectories: true)
            try """
                import numpy as np


                class Model:
                    def __init__(self, get_train_set=None, systematics=None):
                        self.get_train_set = get_train_set

                    def fit(self):
                        pass

                    def predict(self, test_set):
                        \(c.predict)

                """.write(to: submission.appendingPathComponent("model.py"), atomically: true, encoding: .utf8)
            let run = try evaluate(submission, sets: sets, database: database)
            XCTAssertEqual(run.status, 0, "a failing predict is a result, not an error: \(run.stderr)")
        }
        let store = try LeaderboardStore(path: database, access: .readOnly)
        let runs = try store.latestCompletedRuns()
        XCTAssertEqual(Set(runs.map(\.submission.name)), Set(cases.map(\.name)), "one run per broken submission")
        for run in runs {
            let reason = try XCTUnwrap(cases.first { $0.name == run.submission.name }).reason
            let outcomes = try store.outcomes(of: run.id)
            XCTAssertEqual(outcomes.count, 3)
            XCTAssertTrue(outcomes.allSatisfy { $0.failure?.contains(reason) ?? false }, "\(run.submission.name): \(outcomes)")
        }
    }

    func testADirectoryWithoutModelPyIsAClearError() throws {
        let directory = try ReferenceData.temporaryDirectory("evaluate-fair-universe-empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try EvaluateCommandTests.generateSets(in: directory, sets: 1, perSet: 1)
        let empty = directory.appendingPathComponent("not-a-submission")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let run = try evaluate(empty, sets: sets, database: database)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("holds no model.py"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: database), "nothing is recorded")
        let python = try evaluate(Self.fixtures.appendingPathComponent("count-window"), sets: sets, database: database,
                                  extra: ["--python", directory.appendingPathComponent("no-python").path])
        XCTAssertNotEqual(python.status, 0)
        XCTAssertTrue(python.stderr.contains("--python"), python.stderr)
    }
}
