// swift-tools-version: 6.1
// FAIR Universe-style uncertainty-quantification harness.
//
// Targets (dependency direction, see ARCHITECTURE in the README):
//   PseudoExperiments  events, challenge spec, systematics transform, simulator, sampler, set files,
//                      and the types an estimator sees. Imports none of the other modules.
//   Scoring            metrics on intervals and truths, the SQLite leaderboard store, reports.
//   Baselines          built-in estimators; never sees a truth, never imports Scoring.
//   PluginHost         runs submitted estimators as separate, sandboxed processes over the plugin
//                      protocol (datasets-spec/plugin-protocol-v1.md); untrusted code never runs
//                      inside the harness. Depends on PseudoExperiments only; the runner links it.
//   CChildProcess      the C helper that starts a plugin process (limits, session, signals).
//   Evaluation         the runner that ties them (library code so tests can drive it): built-in
//                      estimators from Baselines, submissions as processes through PluginHost.
//   bench              the command line; parses arguments and calls the libraries.
//   CZlib              system zlib (compressed pool and set files).
//   CTransform         the systematics transform's 8-lane kernel and its noise, in C: compiled for
//                      AVX-512, AVX2 and baseline x86-64, picked at run time (Swift has no
//                      per-function target).
//   CMemory            header-only memory hints: software prefetch, streaming stores, glibc large-block reuse.
//   CRecordExpansion   SIMD expansion of the pool's 64-byte records (the gather of rows).
//   Parquet            flat Parquet files (the challenge's own data), with CSnappy and CZstd (codecs).
import PackageDescription

let package = Package(
    name: "fair-uq-bench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bench", targets: ["bench"]),
        .library(name: "PseudoExperiments", targets: ["PseudoExperiments"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "Baselines", targets: ["Baselines"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "PluginHost", targets: ["PluginHost"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // SHA-256 and HMAC-SHA256 (content hashes, seal commitments, keyed seeds).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLapack",
            path: "Sources/CLapack",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // The transform's kernel: one C source compiled for three instruction sets (see its header).
        .target(name: "CTransform", path: "Sources/CTransform"),
        // Header-only: software prefetch for gathers of scattered pool records, whole-line streaming
        // stores into views, glibc large-block reuse.
        .systemLibrary(
            name: "CMemory",
            path: "Sources/CMemory"
        ),
        // Four pool records at a time transposed into vectors and expanded into the transform's
        // layout (Swift expanded them value by value, at ~60 cycles per row). A C target, not a
        // header: compiled with -O2 (C inlined into Swift is optimised for size).
        .target(name: "CRecordExpansion", path: "Sources/CRecordExpansion"),
        // Parquet's page codecs from Debian: snappy (libsnappy-dev) and Zstandard (libzstd-dev);
        // gzip is zlib's.
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // The challenge's own data: a reader (and writer) of flat Parquet files. Its own target:
        // it depends on no other module and needs the codecs; PseudoExperiments turns its
        // columns into event tables.
        .target(name: "Parquet", dependencies: ["CZlib", "CSnappy", "CZstd"]),
        .target(
            name: "PseudoExperiments",
            dependencies: ["CZlib", "CTransform", "CMemory", "CRecordExpansion", "Parquet",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Scoring",
            dependencies: [
                "PseudoExperiments",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Baselines",
            dependencies: ["PseudoExperiments", "CLapack"]
        ),
        // The runner is library code so that tests can drive it; `bench` only calls it.
        .target(
            name: "Evaluation",
            dependencies: ["PseudoExperiments", "Scoring", "Baselines", "PluginHost"]
        ),
        // vfork + setrlimit + setsid + exec: what Foundation.Process and posix_spawn cannot do.
        .target(name: "CChildProcess", path: "Sources/CChildProcess"),
        .target(
            name: "PluginHost",
            dependencies: ["PseudoExperiments", "CChildProcess"]
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "PseudoExperiments", "Scoring", "Evaluation", "PluginHost", "Baselines",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared test helpers: locating ../shared/reference and running the built `bench`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PseudoExperimentsTests", dependencies: ["PseudoExperiments", "CTransform", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "TestSupport"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "TestSupport"]),
        .testTarget(name: "BaselinesTests", dependencies: ["Baselines", "TestSupport"]),
        // Fixtures/ holds a test plugin (a Python script run as a process, not compiled).
        .testTarget(name: "EvaluationTests", dependencies: [
            "Evaluation", "Scoring", "PseudoExperiments", "PluginHost", "TestSupport",
        ], exclude: ["Fixtures"]),
        // Fixtures/ holds the test plugins (Python scripts run as processes, not compiled).
        .testTarget(name: "PluginHostTests", dependencies: ["PluginHost", "PseudoExperiments", "Scoring", "TestSupport"],
                    exclude: ["Fixtures"]),
        // Fixtures/ holds the adversary plugins (Python scripts run as processes, not compiled).
        .testTarget(name: "BenchCommandTests", dependencies: [
            "bench", "Scoring", "PseudoExperiments", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),   // to hold a database lock in a test
        ], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
