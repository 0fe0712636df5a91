import Foundation
import XCTest
import PseudoExperiments
import TestSupport

final class SHA256Tests: XCTestCase {
    /// The example vectors of FIPS 180-4 (NIST "Examples with intermediate values", SHA-256).
    func testFIPS180Vectors() {
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (message, expected) in vectors {
            XCTAssertEqual(SHA256.hash(Data(message.utf8)).hex, expected, "message '\(message)'")
        }
    }

    func testOneMillionA() {
        var h = SHA256()
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        XCTAssertEqual(h.finalize().hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testPaddingBoundariesAgainstOneShotAndPieces() {
        // Lengths around the 55/56/64-byte padding boundaries, fed whole and in pieces of 1..70.
        // Reference digests from Python's hashlib for bytes(i % 251 for i in range(n)).
        let expected: [Int: String] = [
            0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            55: "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59",
            56: "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562",
            57: "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f",
            63: "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488",
            64: "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108",
            65: "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781",
            119: "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6",
            120: "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c",
            128: "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5",
            1000: "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d",
        ]
        for (n, digest) in expected.sorted(by: { $0.key < $1.key }) {
            let message = Data((0..<n).map { UInt8($0 % 251) })
            let whole = SHA256.hash(message)
            XCTAssertEqual(whole.hex, digest, "length \(n)")
            for piece in [1, 3, 63, 64, 70] {
                var h = SHA256()
                var start = 0
                while start < n {
                    h.update(message[start..<min(n, start + piece)])
                    start += piece
                }
                XCTAssertEqual(h.finalize(), whole, "length \(n), pieces of \(piece)")
            }
        }
    }

    func testFinalizeDoesNotConsumeTheHasher() {
        var h = SHA256()
        h.update(Data("ab".utf8))
        _ = h.finalize()
        h.update(Data("c".utf8))
        XCTAssertEqual(h.finalize().hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testFileHashMatchesDataHashAndMissingFileIsAnError() throws {
        let dir = try ReferenceData.temporaryDirectory("sha")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("f.bin")
        // Longer than the 1 MiB read piece, with bytes that differ on either side of it.
        var data = Data(repeating: 7, count: (1 << 20) + 1001)
        for i in stride(from: 0, to: data.count, by: 4099) { data[i] = UInt8(truncatingIfNeeded: i) }
        try data.write(to: url)
        XCTAssertEqual(try SHA256.hash(fileAt: url), SHA256.hash(data))
        XCTAssertThrowsError(try SHA256.hash(fileAt: dir.appendingPathComponent("missing"))) { error in
            XCTAssert("\(error)".contains("missing"))
        }
    }
}
