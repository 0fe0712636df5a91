import Foundation
import XCTest

/// Whether `python3` on `PATH` imports a module, for tests that need one (pandas for FAIR
/// Universe submissions). CI installs them and sets `FAIR_UQ_REQUIRE_<NAME>` (e.g.
/// `FAIR_UQ_REQUIRE_PANDAS`), so there a missing module fails the test; elsewhere it is skipped
/// and reported as skipped (``SkipLog``).
public enum PythonModule {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: [String: Bool] = [:]

    public static func isAvailable(_ name: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if let answer = known[name] { return answer }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(name)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let answer = (try? process.run()) != nil && { process.waitUntilExit(); return process.terminationStatus == 0 }()
        known[name] = answer
        return answer
    }

    /// Skips the calling test when `name` is missing (fails it instead where CI requires it).
    public static func require(_ name: String, test: String = #function, file: String = #fileID) throws {
        guard !isAvailable(name) else { return }
        let variable = "FAIR_UQ_REQUIRE_" + name.uppercased()
        if ProcessInfo.processInfo.environment[variable] != nil {
            XCTFail("\(variable) is set but python3 cannot import \(name)")
            return
        }
        throw XCTSkip(SkipLog.record("python3 cannot import \(name) (pip install \(name)); CI installs it", test: test, file: file))
    }
}
