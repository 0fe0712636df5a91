import Foundation

/// HMAC-SHA256 (RFC 2104, FIPS 198-1) on the package's own ``SHA256``: a keyed hash that nobody
/// without the key can compute, and whose output reveals nothing usable about the key or the
/// message.
///
/// With `B = 64` the block size of SHA-256:
/// ```
/// K0   = SHA256(K) padded with zeros to B bytes    if |K| > B
///        K padded with zeros to B bytes            otherwise
/// HMAC(K, m) = SHA256((K0 ^ opad) || SHA256((K0 ^ ipad) || m))
/// ipad = 0x36 repeated B times,  opad = 0x5c repeated B times
/// ```
/// Checked against the test cases of RFC 4231. The harness uses it to seed the generators it
/// hands to estimators (``SeedDerivation/sealedSeed(key:message:)``): unlike
/// ``SeedDerivation/derive(_:_:)``, whose SplitMix64 steps can be run backwards, it cannot be
/// inverted to reach the seeds of the truth.
///
/// ```swift
/// let tag = HMACSHA256.authenticate(Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8))
/// tag.hex   // 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
/// ```
public enum HMACSHA256 {
    /// The block size of SHA-256 in bytes.
    static let blockSize = 64

    /// The HMAC-SHA256 of `message` under `key` (a key of any length).
    public static func authenticate<Message: DataProtocol, Key: DataProtocol>(_ message: Message,
                                                                            key: Key) -> SHA256.Digest {
        var block = key.count > blockSize ? SHA256.hash(key).bytes : Array(key)
        block.append(contentsOf: repeatElement(0, count: blockSize - block.count))
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(inner.finalize().bytes)
        return outer.finalize()
    }
}
