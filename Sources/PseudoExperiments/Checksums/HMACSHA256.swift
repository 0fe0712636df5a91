import Crypto
import Foundation

/// HMAC-SHA256 (RFC 2104, FIPS 198-1): a keyed hash that nobody without the key can compute,
/// and whose output reveals nothing usable about the key or the message.
///
/// swift-crypto's `HMAC<SHA256>`, returning the package's ``SHA256/Digest``. Checked against the
/// test cases of RFC 4231. The harness uses it to seed the generators it hands to estimators
/// (``SeedDerivation/sealedSeed(key:message:)``) and to derive a sealed set's seeds from its
/// secret (``SetKeys``): unlike ``SeedDerivation/derive(_:_:)``, whose SplitMix64 steps can be
/// run backwards, it cannot be inverted to reach the seeds of the truth.
///
/// ```swift
/// let tag = HMACSHA256.authenticate(Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8))
/// tag.hex   // 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
/// ```
public enum HMACSHA256 {
    /// The HMAC-SHA256 of `message` under `key` (a key of any length).
    public static func authenticate<Message: DataProtocol, Key: DataProtocol>(_ message: Message,
                                                                            key: Key) -> SHA256.Digest {
        let code = HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(key)))
        return SHA256.Digest(bytes: Array(code))
    }
}
