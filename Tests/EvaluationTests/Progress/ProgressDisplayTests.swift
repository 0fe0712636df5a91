import Evaluation
import Foundation
import XCTest

/// Progress output: plain lines for logs, a redrawn bar on terminals, nothing when silent.
final class ProgressDisplayTests: XCTestCase {
    final class Capture: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        func append(_ s: String) { lock.lock(); parts.append(s); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return parts.joined() }
    }

    func testLinesEveryTenthWithRateAndETA() {
        let capture = Capture()
        let display = ProgressDisplay(style: .lines) { capture.append($0) }
        display.begin("estimating", total: 20)
        for _ in 0..<20 { display.advance() }
        display.end()
        let lines = capture.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "estimating: 20 to do")
        XCTAssertEqual(lines.count, 11, lines.joined(separator: "\n"))
        XCTAssertTrue(lines[1].hasPrefix("estimating: 2/20 (10%), "), lines[1])
        XCTAssertTrue(lines[10].hasPrefix("estimating: 20/20 (100%), "), lines[10])
        XCTAssertTrue(lines[10].hasSuffix("/s, ETA 0 s"), lines[10])
    }

    func testBarIsRedrawnInPlaceAndEndsWithANewline() {
        let capture = Capture()
        let display = ProgressDisplay(style: .bar) { capture.append($0) }
        display.begin("estimating", total: 4)
        for _ in 0..<4 { display.advance() }
        display.end()
        let text = capture.text
        XCTAssertTrue(text.hasPrefix("\r"), text)
        XCTAssertTrue(text.hasSuffix("\n"), text)
        XCTAssertTrue(text.contains("estimating [####################]  4/4  100%"), text)
        XCTAssertTrue(text.contains("ETA 0:00"), text)
        XCTAssertEqual(text.filter { $0 == "\n" }.count, 1)
    }

    func testNoteAndSilence() {
        let capture = Capture()
        let display = ProgressDisplay(style: .lines) { capture.append($0) }
        display.note("counting: start-up failed")
        XCTAssertEqual(capture.text, "counting: start-up failed\n")
        ProgressDisplay.silent.begin("x", total: 1)
        ProgressDisplay.silent.advance()
    }
}
