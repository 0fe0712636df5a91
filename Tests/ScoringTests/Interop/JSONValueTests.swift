import XCTest
@testable import Scoring

final class JSONValueTests: XCTestCase {
    func testWritesNaNAndInfinityAsNullAndKeepsKeyOrder() {
        let v = JSONValue.object([("b", .number(.nan)), ("a", .array([.number(.infinity), .number(-.infinity), .number(1.5)])),
                                  ("s", .string("q\"\\\n\u{01}")), ("n", .number(100)), ("t", .bool(true))])
        XCTAssertEqual(v.serialized(indent: 0), #"{"b": null, "a": [null, null, 1.5], "s": "q\"\\\n\u0001", "n": 100, "t": true}"#)
    }

    func testNumbersRoundTripExactly() throws {
        for x in [0.5999999999999999, 0.1 + 0.2, 1e-300, 123456789.123, -3.20571624264258, 1e22] {
            XCTAssertEqual(try JSONValue.parse(JSONValue.format(x)), .number(x))
        }
    }

    func testParsesStandardJSONAndPythonTokens() throws {
        let v = try JSONValue.parse(#" {"a": [1, -2.5e-3, NaN, Infinity, -Infinity, null, true, false], "u": "\u00e9\ud83d\ude00"} "#)
        guard case .array(let items)? = v["a"] else { return XCTFail() }
        XCTAssertEqual(items.count, 8)
        XCTAssertEqual(items[1], .number(-0.0025))
        XCTAssertEqual(items[3], .number(.infinity))
        XCTAssertEqual(items[4], .number(-.infinity))
        XCTAssertEqual(v["u"], .string("é😀"))
    }

    func testSyntaxErrorsCarryLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"a\": [1,\n", 3, 1, "truncated"),
            ("{\"a\": 1,}", 1, 9, "key"),
            ("[1 2]", 1, 4, "','"),
            ("{\"a\": tru}", 1, 7, "true"),
            ("[1] x", 1, 5, "after the JSON value"),
            ("[.5]", 1, 2, "expected a value"),
        ]
        for (text, line, column, piece) in cases {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                guard let e = error as? JSONValue.SyntaxError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.line, line, text)
                XCTAssertEqual(e.column, column, text)
                XCTAssertTrue(e.message.contains(piece), "\(text): \(e.message)")
            }
        }
    }
}
