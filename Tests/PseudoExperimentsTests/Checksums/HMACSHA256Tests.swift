import Foundation
import PseudoExperiments
import XCTest

/// HMAC-SHA256 against RFC 4231, and the sealed seeds built on it.
final class HMACSHA256Tests: XCTestCase {
    private func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    /// RFC 4231, section 4: test cases 1-4, 6 and 7 (case 5 is a truncated output).
    func testRFC4231Vectors() {
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            (Array(repeating: 0x0B, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (Array(repeating: 0xAA, count: 20), Array(repeating: 0xDD, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), Array(repeating: 0xCD, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            (Array(repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (Array(repeating: 0xAA, count: 131),
             Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                 + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (n, c) in cases.enumerated() {
            XCTAssertEqual(HMACSHA256.authenticate(c.data, key: c.key).hex, c.mac, "case \(n)")
        }
    }

    func testKeyOfExactlyOneBlock() {
        // Python: hmac.new(bytes(range(64)), b"abc", hashlib.sha256).hexdigest()
        XCTAssertEqual(HMACSHA256.authenticate(Array("abc".utf8), key: Array(0..<64) as [UInt8]).hex,
                       "6ab541b4869dca71c4ca11d8bb1b02533b789a557583161429292c7404bc21f6")
    }

    func testSealedSeedsAreKeyedAndReproducible() {
        let key = SeedDerivation.sealedKey(root: 42)
        XCTAssertEqual(key.count, 32)
        XCTAssertEqual(key, SeedDerivation.sealedKey(root: 42))
        XCTAssertNotEqual(key, SeedDerivation.sealedKey(root: 43))
        let a = SeedDerivation.sealedSeed(key: key, message: [8, 0, 1])
        // Python: k = hmac.new(struct.pack('<Q', 42), b'fair-uq-bench/sealed-seed-key/v1', sha256).digest();
        // struct.unpack('<Q', hmac.new(k, struct.pack('<3Q', 8, 0, 1), sha256).digest()[:8])
        XCTAssertEqual(a, 4_695_052_854_323_496_450)
        XCTAssertEqual(a, SeedDerivation.sealedSeed(key: key, message: [8, 0, 1]))
        XCTAssertNotEqual(a, SeedDerivation.sealedSeed(key: key, message: [8, 1, 0]))
        XCTAssertNotEqual(a, SeedDerivation.sealedSeed(key: SeedDerivation.sealedKey(root: 43), message: [8, 0, 1]))
        XCTAssertNotEqual(a, SeedDerivation.derive(42, [8, 0, 1]))
        var g = SeedDerivation.sealedGenerator(key: key, .estimator, 0, 1)
        var h = SeededGenerator(seed: a)
        XCTAssertEqual(g.next(), h.next())
    }
}
