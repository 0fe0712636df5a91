/// Seeds handed to estimators: keyed, one-way, and still reproducible.
///
/// ``SeedDerivation/derive(_:_:)`` is a chain of SplitMix64 finalisers, each a bijection of 64
/// bits: whoever holds a derived seed and knows its path (a purpose tag and small indices) can
/// undo the steps one by one and recover the root seed, and from it the true mu and nuisance
/// values of every pseudo-experiment. A `SeededGenerator` does not hide its seed either: four
/// outputs of xoshiro256** give its state, and SplitMix64 gives the seed back. So a generator
/// given to an estimator must be seeded by a function it cannot run backwards and cannot
/// compute itself:
/// ```
/// key             = HMAC-SHA256(key: root as 8 bytes little-endian,
///                               message: "fair-uq-bench/sealed-seed-key/v1")
/// sealedSeed(m)   = first 8 bytes, little-endian, of HMAC-SHA256(key, m as 8-byte little-endian words)
/// ```
/// The key is a secret of the harness (the root seed of a set manifest is never shown to an
/// estimator); finding it from any number of sealed seeds means inverting SHA-256 or searching
/// 2^64 roots. The same root and message always give the same seed, so runs reproduce.
extension SeedDerivation {
    /// The harness secret below `root`, from which every sealed seed is computed.
    public static func sealedKey(root: UInt64) -> [UInt8] {
        HMACSHA256.authenticate(Array("fair-uq-bench/sealed-seed-key/v1".utf8), key: littleEndianBytes([root])).bytes
    }

    /// A seed for an estimator's generator: the keyed one-way hash of `message` under `key`
    /// (from ``sealedKey(root:)``).
    public static func sealedSeed(key: [UInt8], message: [UInt64]) -> UInt64 {
        firstWord(of: HMACSHA256.authenticate(littleEndianBytes(message), key: key).bytes)
    }

    /// The first 8 bytes of `digest` as a little-endian word.
    static func firstWord(of digest: [UInt8]) -> UInt64 {
        digest[0..<8].enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// The generator an estimator gets for `purpose` at `indices`, seeded by a sealed seed.
    public static func sealedGenerator(key: [UInt8], _ purpose: Purpose, _ indices: Int...) -> SeededGenerator {
        SeededGenerator(seed: sealedSeed(key: key, message: [purpose.rawValue] + indices.map { UInt64(bitPattern: Int64($0)) }))
    }

    private static func littleEndianBytes(_ words: [UInt64]) -> [UInt8] {
        words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) } }
    }
}
