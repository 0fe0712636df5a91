import Foundation
import PluginHost
import PseudoExperiments
import TestSupport
import XCTest

/// The sandbox: a plugin that tries to read the truths or the database fails to; it has no
/// network. Skipped where bubblewrap does not work, unless FAIR_UQ_REQUIRE_SANDBOX is set (CI).
final class PluginSandboxTests: XCTestCase {
    private var secrets: URL!

    override func setUpWithError() throws {
        let status = SandboxStatus.detected
        if !status.isConfined {
            if ProcessInfo.processInfo.environment["FAIR_UQ_REQUIRE_SANDBOX"] != nil {
                XCTFail("FAIR_UQ_REQUIRE_SANDBOX is set but \(status)")
            }
            throw XCTSkip(SkipLog.record("\(status)"))
        }
        secrets = try ReferenceData.temporaryDirectory("plugin-secrets")
        try Data("{\"mu\": 1.234}".utf8).write(to: secrets.appendingPathComponent("truth.json"))
        try Data("SQLite format 3\u{0}".utf8).write(to: secrets.appendingPathComponent("leaderboard.sqlite"))
        try Data("public".utf8).write(to: secrets.appendingPathComponent("public.txt"))
    }

    override func tearDownWithError() throws {
        if let secrets { try? FileManager.default.removeItem(at: secrets) }
    }

    private func probe(_ paths: [String], sandbox: SandboxPolicy) throws -> Estimate {
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("probe", paths, sandbox: sandbox))
        return try PluginFixture.estimate(fitted, PluginFixture.view())
    }

    func testTruthAndDatabaseCannotBeRead() throws {
        let targets = ["truth.json", "leaderboard.sqlite"].map { secrets.appendingPathComponent($0).path }
        // Control: unconfined, the probe reads both (so a 0 below means the sandbox stopped it).
        let open = try probe(targets, sandbox: SandboxPolicy(mode: .disabled))
        XCTAssertEqual(open.muHat, 2)
        XCTAssertEqual(open.uncertainty, 2)

        let confined = try probe(targets, sandbox: SandboxPolicy(mode: .required, hiddenPaths: targets))
        XCTAssertEqual(confined.muHat, 0, "a worker read a forbidden file")
        XCTAssertEqual(confined.uncertainty, 0, "the fitting process read a forbidden file")
        XCTAssertEqual(confined.interval68.upper, 0, "the sandbox has a network interface besides lo")
    }

    func testHiddenPathsAreMaskedInsideVisibleDirectories() throws {
        let targets = ["truth.json", "leaderboard.sqlite", "public.txt"].map { secrets.appendingPathComponent($0).path }
        let policy = SandboxPolicy(mode: .required, readOnlyPaths: [secrets.path], hiddenPaths: Array(targets.prefix(2)))
        let estimate = try probe(targets, sandbox: policy)
        XCTAssertEqual(estimate.muHat, 1, "only public.txt is readable")
        XCTAssertEqual(estimate.uncertainty, 1)
    }

    func testAPluginInsideAHiddenDirectoryIsRefused() throws {
        let policy = SandboxPolicy(mode: .required, hiddenPaths: [PluginFixture.packageRoot + "/Tests"])
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("echo", sandbox: policy)),
                             contains: ["which contains or lies inside", "/Tests'"])
    }

    func testAMissingReadOnlyPathIsNamed() {
        let policy = SandboxPolicy(readOnlyPaths: ["no/such/client/dir"])
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("echo", sandbox: policy)),
                             contains: ["no/such/client/dir' given for the plugin to read does not exist"])
    }

    func testTheStatusSaysWhatIsConfined() {
        XCTAssertTrue(SandboxStatus.detected.description.hasPrefix("sandbox: bubblewrap"))
        XCTAssertTrue(SandboxStatus.unavailable(reason: "bwrap was not found on PATH").description
            .contains("plugins run with the harness's permissions"))
    }
}
