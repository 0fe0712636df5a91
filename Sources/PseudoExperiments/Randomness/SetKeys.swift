import Foundation

/// The secrets below a collection of pseudo-experiments: the root seed of the truths and the key
/// of every seed handed to an estimator.
///
/// Two kinds of collection:
/// - **open**: the root seed is public (given on the command line, or a phase's published
///   `default_seed`). Anyone who knows it can recompute every truth with the documented seed
///   rule, so runs on open sets are practice and demonstration, never a sealed ranking. The
///   estimator key is `SeedDerivation.sealedKey(root:)`.
/// - **sealed**: a 256-bit secret `S` drawn from the operating system's entropy
///   (`getrandom`, through `SystemRandomNumberGenerator`) and kept only in harness-side files
///   (the truth file). Every other value derives from it by HMAC-SHA256:
/// ```
/// rootSeed     = LE64(HMAC(S, "fair-uq-bench/sealed-root/v1"))      & (2^53 - 1)
/// poolSeed     = LE64(HMAC(S, "fair-uq-bench/sealed-pool-seed/v1")) & (2^53 - 1)
/// estimatorKey =      HMAC(S, "fair-uq-bench/sealed-seed-key/v1")
/// commitment   = SHA256("fair-uq-bench/seal-commitment/v1" || S)     (in the manifest)
/// ```
///   The manifest carries only the commitment, so its hash still identifies the exact
///   pseudo-experiments while nothing in it (nor in anything an estimator receives) determines
///   a seed: a guess of `S` is a search of 2^256, and a guess of the 53-bit root cannot be
///   checked without the evaluation pool, simulated from the independent `poolSeed`.
///
/// In both kinds the estimators' seeds, the fit seed, the run order and the statefulness sample
/// are HMACs under ``estimatorKey`` (``SeedDerivation/sealedSeed(key:message:)``), never
/// `SeedDerivation.derive` of a public value (whose SplitMix64 steps run backwards).
///
/// ```swift
/// let keys = SetKeys.drawSealed()              // bench generate of a sealed phase
/// let again = try SetKeys.sealed(secret: keys.secret!)
/// again == keys                                // regenerating from the truth file: same bytes
/// ```
public struct SetKeys: Sendable, Equatable {
    /// The root seed of the truths, the Poisson draws, the shuffle and the soft-MET noise.
    public let rootSeed: UInt64
    /// The HMAC key of every seed handed to an estimator (and of the run order and the
    /// statefulness sample). Never leaves the harness.
    public let estimatorKey: [UInt8]
    /// The 32-byte secret of a sealed collection; nil for an open one.
    public let secret: [UInt8]?

    /// Bytes of a sealed collection's secret.
    public static let secretBytes = 32

    /// Whether the collection is sealed (its root seed known only to the harness).
    public var isSealed: Bool { secret != nil }

    /// The keys of an open collection with the public root seed `seed`.
    public static func open(seed: UInt64) -> SetKeys {
        SetKeys(rootSeed: seed, estimatorKey: SeedDerivation.sealedKey(root: seed), secret: nil)
    }

    /// The keys of a sealed collection with the secret `secret` (32 bytes, from a truth file).
    ///
    /// - Throws: ``SetError/badSecret(reason:)`` for a secret of another length.
    public static func sealed(secret: [UInt8]) throws -> SetKeys {
        guard secret.count == secretBytes else {
            throw SetError.badSecret(reason: "it holds \(secret.count) bytes, a sealed collection's secret holds \(secretBytes)")
        }
        return SetKeys(rootSeed: seed53(secret, "fair-uq-bench/sealed-root/v1"),
                       estimatorKey: HMACSHA256.authenticate(Array("fair-uq-bench/sealed-seed-key/v1".utf8), key: secret).bytes,
                       secret: secret)
    }

    /// The keys of a new sealed collection, its secret drawn from the operating system's entropy.
    public static func drawSealed() -> SetKeys {
        var entropy = SystemRandomNumberGenerator()
        let secret = (0..<secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &entropy) }
        // 32 bytes always make a sealed key.
        return try! sealed(secret: secret)
    }

    /// The seed of the simulated evaluation pool of a sealed collection (nil when open: the
    /// spec's `pools.evaluation.simulator_seed` is used).
    public var poolSeed: UInt64? {
        secret.map { Self.seed53($0, "fair-uq-bench/sealed-pool-seed/v1") }
    }

    /// The commitment a sealed manifest carries (lower-case hex SHA-256); nil when open.
    public var commitment: String? {
        secret.map { SHA256.hash(Array("fair-uq-bench/seal-commitment/v1".utf8) + $0).hex }
    }

    /// The secret as lower-case hex (how truth files store it); nil when open.
    public var secretHex: String? { secret.map { $0.map { String(format: "%02x", $0) }.joined() } }

    /// The keys of a sealed collection from the hexadecimal secret of a truth file.
    public static func sealed(secretHex hex: String) throws -> SetKeys {
        let digits = Array(hex.utf8)
        guard digits.count == 2 * secretBytes else {
            throw SetError.badSecret(reason: "its hexadecimal form has \(digits.count) digits, expected \(2 * secretBytes)")
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else {
                throw SetError.badSecret(reason: "it is not lower-case hexadecimal")
            }
            bytes.append(hi << 4 | lo)
        }
        return try sealed(secret: bytes)
    }

    /// A seed for an estimator or for the runner's own sealed draws: the HMAC of `message`
    /// under ``estimatorKey``.
    public func seed(_ message: [UInt64]) -> UInt64 {
        SeedDerivation.sealedSeed(key: estimatorKey, message: message)
    }

    /// A generator seeded by ``seed(_:)``.
    public func generator(_ message: [UInt64]) -> SeededGenerator {
        SeededGenerator(seed: seed(message))
    }

    private static func seed53(_ secret: [UInt8], _ label: String) -> UInt64 {
        SeedDerivation.firstWord(of: HMACSHA256.authenticate(Array(label.utf8), key: secret).bytes) & ((1 << 53) - 1)
    }
}
