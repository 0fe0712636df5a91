import Foundation
import PseudoExperiments
import XCTest

/// Text from outside the harness, made safe for a terminal and bounded.
final class TerminalTextTests: XCTestCase {
    func testEveryControlATerminalActsOnIsEscapedAndNothingElse() {
        XCTAssertEqual(TerminalText.escaped("ok\r\u{1B}[2Kforged\u{07}"), "ok\\u000D\\u001B[2Kforged\\u0007")
        XCTAssertEqual(TerminalText.escaped("a\u{9B}31m\u{7F}"), "a\\u009B31m\\u007F")
        XCTAssertEqual(TerminalText.escaped("\u{202E}evil\u{2066}\u{200F}\u{061C}\u{2028}"),
                       "\\u202Eevil\\u2066\\u200F\\u061C\\u2028")
        XCTAssertEqual(TerminalText.escaped("tab\there"), "tab\\u0009here")
        // Kept: LF, CR LF, printable ASCII, and ordinary Unicode (accents, ±, CJK, emoji).
        let plain = "line one\nline two\r\nµ ± 0.68 — τ→ττ 日本 🙂 \\u001B"
        XCTAssertEqual(TerminalText.escaped(plain), plain)
        XCTAssertEqual(TerminalText.escapedField("a\nb\r\nc"), "a\\u000Ab\\u000D\\u000Ac")
        XCTAssertEqual(TerminalText.escaped("a\r"), "a\\u000D", "a CR at the end returns over the line")
    }

    func testEscapedJSONIsTheSameJSON() throws {
        let value = ["message": "\u{1B}]0;title\u{07}\r\u{202E}x\u{85}"]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self)
        let escaped = TerminalText.escaped(json)
        XCTAssertFalse(escaped.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        let back = try JSONSerialization.jsonObject(with: Data(escaped.utf8)) as? [String: String]
        XCTAssertEqual(back, value)
    }

    func testQuotedIsBoundedAndSaysWhatWasLeftOut() {
        let huge = String(repeating: "x", count: 10_000_000)
        let q = TerminalText.quoted(huge, limit: 40)
        XCTAssertEqual(q, "'" + String(repeating: "x", count: 40) + "' ... (9999960 more bytes)")
        XCTAssertEqual(TerminalText.quoted("short\n"), "'short\\u000A'")
        XCTAssertEqual(TerminalText.quoted("é" + String(repeating: "y", count: 10), limit: 3), "'éyy' ... (8 more bytes)")
    }
}
