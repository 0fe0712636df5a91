import Foundation
import PluginHost
import PseudoExperiments
import XCTest

/// Plugins that crash, hang, babble, lie about their version or return nonsense: each is a
/// recorded failure with a clear reason, and the other pseudo-experiments keep their results.
final class PluginFailureTests: XCTestCase {
    /// Runs views [ok, marked, ok, ok] through a plugin in `mode`; returns the fitted estimator
    /// and the error of the marked one, after checking the unmarked ones are intact.
    private func runAroundMarker(_ mode: String, limits: PluginLimits = PluginFixture.quickLimits,
                                 file: StaticString = #filePath, line: UInt = #line) throws -> (FittedProcessEstimator, PluginError?) {
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin(mode, limits: limits))
        var failure: PluginError?
        for (i, marked) in [false, true, false, false].enumerated() {
            let view = PluginFixture.view(rows: 40, marked: marked, offset: i * 7)
            do {
                let estimate = try PluginFixture.estimate(fitted, view, index: i)
                XCTAssertFalse(marked, "the marked view should have failed", file: file, line: line)
                XCTAssertEqual(estimate.uncertainty, 40, file: file, line: line)
                XCTAssertEqual(estimate.muHat ?? .nan, PluginFixture.digest(view).sum, accuracy: 1e-6 * abs(PluginFixture.digest(view).sum),
                               "view \(i) lost its result", file: file, line: line)
            } catch let error as PluginError {
                XCTAssertTrue(marked, "view \(i) failed: \(error)", file: file, line: line)
                failure = error
            }
        }
        return (fitted, failure)
    }

    func testACrashIsRecordedAndTheWorkerRestarted() throws {
        let (fitted, failure) = try runAroundMarker("crash")
        XCTAssertEqual(failure.map { "\($0)" }?.contains("killed by signal 11, SIGSEGV) during estimate"), true, "\(String(describing: failure))")
        XCTAssertEqual(fitted.restartCount, 1)
        XCTAssertEqual(fitted.incidents.map(\.kind), [.exited])
    }

    func testAnExitIsRecordedWithItsStatus() throws {
        let (fitted, failure) = try runAroundMarker("exit")
        XCTAssertEqual(failure.map { "\($0)" }?.contains("exited with status 3 during estimate"), true, "\(String(describing: failure))")
        XCTAssertEqual(fitted.restartCount, 1)
    }

    func testAHangIsKilledAtTheTimeLimit() throws {
        var limits = PluginFixture.quickLimits
        limits.estimateSeconds = 2
        let start = Date()
        let (fitted, failure) = try runAroundMarker("hang", limits: limits)
        XCTAssertEqual(failure.map { "\($0)" }?.contains("did not answer within 2 s during estimate and was killed"), true,
                       "\(String(describing: failure))")
        XCTAssertEqual(fitted.incidents.map(\.kind), [.timedOut])
        XCTAssertLessThan(Date().timeIntervalSince(start), 25, "the hang was not cut at its limit")
    }

    func testGarbageOnStdoutShowsTheFirstBytes() throws {
        let (fitted, failure) = try runAroundMarker("garbage")
        let text = failure.map { "\($0)" } ?? ""
        XCTAssertTrue(text.contains("not a protocol message"), text)
        XCTAssertTrue(text.contains("\"%%% this is not json\" (20 bytes)"), text)
        XCTAssertTrue(text.contains("about to write garbage"), "the stderr log is shown: \(text)")
        XCTAssertEqual(fitted.incidents.map(\.kind), [.protocolViolation])
        XCTAssertEqual(fitted.restartCount, 1)
    }

    func testNaNAndSwappedBoundsAreInvalidEstimatesAndTheWorkerStaysUp() throws {
        let (nanFitted, nanFailure) = try runAroundMarker("nan")
        XCTAssertEqual(nanFailure, .invalidEstimate(detail: "p16 is nan"))
        XCTAssertEqual(nanFitted.restartCount, 0)
        let (swappedFitted, swappedFailure) = try runAroundMarker("swapped")
        XCTAssertEqual(swappedFailure, .invalidEstimate(detail: "swapped bounds: p16 = 2.0 > p84 = 1.0"))
        XCTAssertEqual(swappedFitted.incidents.map(\.kind), [.invalidEstimate])
        XCTAssertEqual(swappedFitted.restartCount, 0)
    }

    func testAReportedErrorCarriesThePluginsMessage() throws {
        let (fitted, failure) = try runAroundMarker("error")
        XCTAssertEqual(failure, .reportedError(phase: .estimate, message: "ValueError: the marker row is not welcome here"))
        XCTAssertEqual(fitted.restartCount, 0)
    }

    func testAReplyToAnotherRequestIsAProtocolViolation() throws {
        let (_, failure) = try runAroundMarker("wrong-id")
        XCTAssertEqual(failure.map { "\($0)" }?.contains("where the protocol expects an \"estimate\" or \"error\" reply to request"), true,
                       "\(String(describing: failure))")
    }

    func testRestartsStopAtTheLimit() throws {
        var limits = PluginFixture.quickLimits
        limits.maxRestarts = 1
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("crash", limits: limits))
        XCTAssertPluginError(try PluginFixture.estimate(fitted, PluginFixture.view(marked: true)), contains: ["SIGSEGV"])
        XCTAssertNoThrow(try PluginFixture.estimate(fitted, PluginFixture.view()))          // restart 1
        XCTAssertPluginError(try PluginFixture.estimate(fitted, PluginFixture.view(marked: true)), contains: ["SIGSEGV"])
        XCTAssertPluginError(try PluginFixture.estimate(fitted, PluginFixture.view()),
                             contains: ["restarted 1 times (the limit)", "SIGSEGV"])
        XCTAssertEqual(fitted.restartCount, 1)
        XCTAssertEqual(fitted.incidents.map(\.kind), [.exited, .exited, .restartRefused])
    }

    func testTheCPULimitIsEnforced() throws {
        var limits = PluginFixture.quickLimits
        limits.cpuSeconds = 2
        let (fitted, failure) = try runAroundMarker("spin", limits: limits)
        XCTAssertEqual(failure.map { "\($0)" }?.contains("SIGXCPU: the CPU time limit"), true, "\(String(describing: failure))")
        XCTAssertEqual(fitted.incidents.map(\.kind), [.exited])
    }

    // MARK: start-up

    func testAnotherProtocolVersionIsRefused() {
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("wrong-version")),
                             contains: ["speaks protocol version 3, but this harness speaks versions 1 to 2"])
    }

    func testAPluginThatExitsAtOnceFailsTheFit() {
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("exit-at-once")),
                             contains: ["exited with status 0 during start-up"])
    }

    func testNoiseBeforeTheHelloIsNamed() {
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("noise-before-hello")),
                             contains: ["during start-up that is not a protocol message",
                                        "\"Loading model weights from disk...\" (34 bytes)", "write logs to stderr"])
    }

    func testBinaryGarbageIsEscaped() {
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("garbage-at-start")),
                             contains: ["\"\\x00\\xff\\xfe garbage \\x01\\x02\" (14 bytes)"])
    }

    func testAPartialLineBeforeExitIsShown() {
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("partial-line")),
                             contains: ["\"{\\\"type\\\":\\\"hel\" (12 bytes) and then it closed stdout"])
    }

    func testAStartupTimeout() {
        var limits = PluginFixture.quickLimits
        limits.startupSeconds = 1.5
        XCTAssertPluginError(try PluginFixture.fit(PluginFixture.testPlugin("slow-start", limits: limits)),
                             contains: ["did not answer within 1.5 s during start-up"])
    }

    func testAMissingExecutableIsAClearError() {
        XCTAssertPluginError(try PluginFixture.fit(ProcessEstimator(executable: "/nonexistent/estimator")),
                             contains: ["Could not start the plugin `/nonexistent/estimator`", "no executable file"])
    }

    func testAShellCommandThatIsNotFound() {
        XCTAssertPluginError(try PluginFixture.fit(ProcessEstimator(command: "no-such-estimator-command --x",
                                                                    limits: PluginFixture.quickLimits)),
                             contains: ["exited with status 127 during start-up", "not found"])
    }
}
