import Foundation
@testable import PluginHost
import TestSupport
import XCTest

/// Which paths a plugin's command line exposes, and the bubblewrap arguments (no process runs).
final class SandboxMountsTests: XCTestCase {
    func testACommandExposesTheFilesAndDirectoriesItNames() throws {
        let root = PluginFixture.packageRoot
        let paths = SandboxMounts.pluginPaths(
            of: .shell("PYTHONPATH=clients/python:/nonexistent python3 examples/python-estimator/estimator.py --fast -v"),
            workingDirectory: root)
        XCTAssertEqual(paths, [root + "/clients/python", root + "/examples/python-estimator"])
    }

    func testAnInterpreterInABinDirectoryExposesItsPrefix() throws {
        let prefix = try ReferenceData.temporaryDirectory("prefix")
        defer { try? FileManager.default.removeItem(at: prefix) }
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let python = prefix.appendingPathComponent("bin/python3")
        try Data().write(to: python)
        let paths = SandboxMounts.pluginPaths(of: .executable(path: python.path, arguments: ["/usr/bin/env"]),
                                              workingDirectory: "/")
        XCTAssertEqual(paths, [prefix.path], "the prefix, and nothing under the system directories")
    }

    func testMountsGoParentFirstAndHiddenPathsAreMasked() throws {
        let dir = try ReferenceData.temporaryDirectory("mounts")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model"), db = dir.appendingPathComponent("board.sqlite")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try Data().write(to: db)
        let mounts = SandboxMounts(readOnly: [dir.path], writable: [model.path], hidden: [db.path], workingDirectory: "/work/x")
        let args = try mounts.arguments(tmpfsBytes: 1 << 20)
        let real = try XCTUnwrap(PathLookup.resolved(dir.path))
        let ro = try XCTUnwrap(args.firstRange(of: ["--ro-bind", real, dir.path]))
        let rw = try XCTUnwrap(args.firstRange(of: ["--bind", real + "/model", model.path]))
        let mask = try XCTUnwrap(args.firstRange(of: ["--ro-bind", "/dev/null", dir.path + "/board.sqlite"]))
        XCTAssertLessThan(ro.lowerBound, rw.lowerBound)
        XCTAssertLessThan(rw.lowerBound, mask.lowerBound)
        XCTAssertTrue(args.contains("--unshare-all") && args.contains("--die-with-parent"))
        XCTAssertEqual(Array(args.suffix(4)), ["/work/x", "--chdir", "/work/x", "--"])

        let inside = SandboxMounts(readOnly: [model.path], hidden: [dir.path], workingDirectory: "/")
        XCTAssertThrowsError(try inside.arguments(tmpfsBytes: 1 << 20)) { error in
            XCTAssertEqual(error as? PluginError, .sandboxConflict(path: model.path, hidden: dir.path))
        }
    }

    func testMessagesWithNaNAreReadAndGarbageIsNot() throws {
        let nan = try PluginMessage.decode(Array(#"{"type":"estimate","id":3,"p16":NaN,"p84":Infinity}"#.utf8),
                                           phase: .estimate, stderr: { "" })
        XCTAssertTrue(nan.p16?.isNaN == true)
        XCTAssertThrowsError(try nan.checkedEstimate(protocolVersion: 1, primaryLevel: 0.6827)) { XCTAssertEqual($0 as? PluginError, .invalidEstimate(detail: "p16 is nan")) }
        XCTAssertThrowsError(try PluginMessage.decode(Array("[1, 2]".utf8), phase: .fit, stderr: { "" })) {
            XCTAssertEqual($0 as? PluginError, .notAMessage(phase: .fit, firstBytes: "\"[1, 2]\" (6 bytes)", stderr: ""))
        }
        XCTAssertThrowsError(try PluginMessage.decode(Array(#"{"type":"estimate","id":"seven"}"#.utf8), phase: .estimate, stderr: { "" })) {
            XCTAssertEqual($0 as? PluginError, .malformedMessage(phase: .estimate, type: "estimate", detail: "field \"id\" has the wrong type"))
        }
        let partial = try PluginMessage.decode(Array(#"{"type":"estimate","id":1,"p16":0.5,"p84":1,"p2_5":0}"#.utf8),
                                               phase: .estimate, stderr: { "" })
        XCTAssertThrowsError(try partial.checkedEstimate(protocolVersion: 1, primaryLevel: 0.6827)) {
            XCTAssertEqual($0 as? PluginError, .invalidEstimate(detail: "p2_5 and p97_5 come together; the reply has only one of them"))
        }
    }
}
