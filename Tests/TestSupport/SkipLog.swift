import Foundation

/// Records why a test skipped, so that `scripts/test.sh` can count and list skipped tests
/// apart from passed ones (XCTest's parallel xunit report counts a skip as a pass).
///
/// Every skip in the suite goes through it: `throw XCTSkip(SkipLog.record("pyarrow is not
/// installed"))`, or `try XCTSkipIf(condition, SkipLog.record("..."))` (XCTest evaluates the
/// message only when it skips). The line is appended to the file `$FAIR_UQ_SKIP_LOG` when set.
public enum SkipLog {
    /// Appends "<file>:<test>: <reason>" to the log and returns `reason`.
    public static func record(_ reason: String, test: String = #function, file: String = #fileID) -> String {
        if let path = ProcessInfo.processInfo.environment["FAIR_UQ_SKIP_LOG"] {
            let line = "\(file) \(test): \(reason.replacingOccurrences(of: "\n", with: " "))\n"
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            if fd >= 0 {
                _ = line.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
                close(fd)
            }
        }
        return reason
    }
}
