import Foundation
import PluginHost
import PseudoExperiments
import XCTest

/// The memory limit counts what a plugin's processes use (their proportional set sizes), not
/// the address space they reserve: a framework's large reservations run, a plugin (or a child
/// of it) that fills memory is killed with a clear reason, and RLIMIT_AS is there on request.
final class PluginMemoryLimitTests: XCTestCase {
    /// Estimates views [ok, marked, ok] with `mode`; checks the unmarked ones and returns the
    /// fitted estimator and the marked one's error.
    private func runAroundMarker(_ mode: String, _ extra: [String] = [], limits: PluginLimits,
                                 sandbox: SandboxPolicy = SandboxPolicy(),
                                 file: StaticString = #filePath, line: UInt = #line) throws -> (FittedProcessEstimator, PluginError?) {
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin(mode, extra, limits: limits, sandbox: sandbox))
        var failure: PluginError?
        for (i, marked) in [false, true, false].enumerated() {
            let view = PluginFixture.view(rows: 40, marked: marked, offset: i * 7)
            do {
                let estimate = try PluginFixture.estimate(fitted, view, index: i)
                XCTAssertFalse(marked, "the marked view should have failed", file: file, line: line)
                XCTAssertEqual(estimate.uncertainty, 40, file: file, line: line)
            } catch let error as PluginError {
                XCTAssertTrue(marked, "view \(i) failed: \(error)", file: file, line: line)
                failure = error
            }
        }
        return (fitted, failure)
    }

    private static let smallLimits: PluginLimits = {
        var limits = PluginFixture.quickLimits
        limits.memoryBytes = 256 << 20
        return limits
    }()

    /// Checks that `failure` is the memory overrun of 256 MiB during estimate, with its text.
    private func assertOverrun(_ failure: PluginError?, file: StaticString = #filePath, line: UInt = #line) {
        guard case let .memoryLimitExceeded(phase, used, limit, _)? = failure else {
            return XCTFail("expected a memory overrun, got \(String(describing: failure))", file: file, line: line)
        }
        XCTAssertEqual(phase, .estimate, file: file, line: line)
        XCTAssertEqual(limit, 256 << 20, file: file, line: line)
        XCTAssertGreaterThan(used, limit, file: file, line: line)
        let text = "\(failure!)"
        XCTAssertTrue(text.hasPrefix("The plugin used "), text, file: file, line: line)
        XCTAssertTrue(text.contains(" of memory (proportional set size of its processes) during estimate, over the limit of 256 MiB "
                                    + "(PluginLimits.memoryBytes / --memory-limit), and was killed."), text, file: file, line: line)
    }

    func testReserving64GiBOfAddressSpaceRunsUnderTheDefaultLimits() throws {
        let defaults = PluginLimits()
        XCTAssertEqual(defaults.memoryBytes, 4 << 30)
        XCTAssertNil(defaults.addressSpaceBytes)
        var limits = PluginFixture.quickLimits
        limits.memoryBytes = defaults.memoryBytes
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("reserve", limits: limits))
        let view = PluginFixture.view(rows: 30)
        let estimate = try PluginFixture.estimate(fitted, view)
        XCTAssertEqual(estimate.muHat, 64, "GiB of PROT_NONE address space the worker holds")
        XCTAssertEqual(estimate.uncertainty, 30)
        XCTAssertEqual(fitted.incidentCount, 0)

        // The same reservation under the old default, 4 GiB of address space, fails at start-up.
        limits.addressSpaceBytes = 4 << 30
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("reserve", limits: limits)),
                             contains: ["during start-up", "Cannot allocate memory"])
    }

    func testAPluginThatTouchesTooMuchFailsWithTheReasonAndIsRestarted() throws {
        let start = Date()
        let (fitted, failure) = try runAroundMarker("hog", limits: Self.smallLimits)
        assertOverrun(failure)
        XCTAssertLessThan(Date().timeIntervalSince(start), 18, "the plugin holds its memory 20 s: it was not killed for it")
        XCTAssertEqual(fitted.restartCount, 1)
        XCTAssertEqual(fitted.incidents.map(\.kind), [.memoryLimit])
    }

    func testAChildProcessInASessionOfItsOwnCountsAndIsKilled() throws {
        for sandbox in [SandboxPolicy(), SandboxPolicy(mode: .disabled)] {
            let token = "fuq-child-hog-\(UUID().uuidString)"
            let start = Date()
            let (fitted, failure) = try runAroundMarker("child-hog", [token], limits: Self.smallLimits, sandbox: sandbox)
            assertOverrun(failure)
            // The child holds its memory (and the plugin's stdout) 20 s unless it is killed.
            XCTAssertLessThan(Date().timeIntervalSince(start), 18, "the child was not killed (sandbox \(sandbox.mode))")
            XCTAssertTrue("\(failure.map { "\($0)" } ?? "")".contains("starting a child that writes 600 MiB"), "the stderr tail is shown")
            XCTAssertEqual(fitted.incidents.map(\.kind), [.memoryLimit], "sandbox \(sandbox.mode)")
            // The child is killed with the plugin, though it left the plugin's session.
            let deadline = Date().addingTimeInterval(10)
            while !Self.hogs(token).isEmpty && Date() < deadline { usleep(20_000) }
            XCTAssertEqual(Self.hogs(token), [], "the child outlived the plugin (sandbox \(sandbox.mode))")
        }
    }

    func testTheOptInAddressSpaceLimitMakesAnAllocationFail() throws {
        let unlimited = try PluginFixture.fit(PluginFixture.testPlugin("memory"))
        XCTAssertEqual(try PluginFixture.estimate(unlimited, PluginFixture.view()).muHat, -1, "no RLIMIT_AS by default")

        var limits = PluginFixture.quickLimits
        limits.addressSpaceBytes = 1 << 30
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("memory", limits: limits))
        XCTAssertEqual(try PluginFixture.estimate(fitted, PluginFixture.view()).muHat, 1024, "RLIMIT_AS in MiB as the plugin sees it")
        XCTAssertPluginError(try PluginFixture.estimate(fitted, PluginFixture.view(marked: true)),
                             contains: ["reported an error during estimate", "MemoryError"])
        XCTAssertEqual(fitted.restartCount, 0)
    }

    func testLimitsBelow16MiBAreRefused() {
        var limits = PluginFixture.quickLimits
        limits.addressSpaceBytes = 1 << 20
        XCTAssertEqual(limits.problem, "addressSpaceBytes must be at least 16 MiB, got 1048576")
        limits.addressSpaceBytes = nil
        limits.memoryBytes = 0
        XCTAssertEqual(limits.problem, "memoryBytes must be at least 16 MiB, got 0")
    }

    /// Host pids of the children that mode child-hog starts with `token` (the plugin's own
    /// command line carries the token too, without the child's program).
    private static func hogs(_ token: String) -> [Int] {
        let own = ProcessInfo.processInfo.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int.init).filter { pid in
            guard pid != own, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let commandLine = String(decoding: data, as: UTF8.self)
            return commandLine.contains(token) && commandLine.contains("bytearray(")
        }.sorted()
    }
}
