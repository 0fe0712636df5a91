// swift-tools-version: 6.1
// FAIR Universe-style uncertainty-quantification harness.
//
// Targets (dependency direction, see ARCHITECTURE in the README):
//   PseudoExperiments  events, challenge spec, systematics transform, simulator, sampler, set files,
//                      and the types an estimator sees. Imports none of the other modules.
//   Scoring            metrics on intervals and truths, the SQLite leaderboard store, reports.
//   Baselines          built-in estimators; never sees a truth, never imports Scoring.
//   Evaluation         the runner that ties them (library code so tests can drive it).
//   bench              the command line; parses arguments and calls the libraries.
//   CZlib              system zlib (compressed pool and set files).
//   CPrefetch          header-only software prefetch for the pool gathers.
//   CVectorMath        header-only vector sqrt/min/max (no errno) for the transform's SIMD kernel.
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        // Header-only: a software prefetch hint for gathers of scattered pool records.
        .systemLibrary(
            name: "CPrefetch",
            path: "Sources/CPrefetch"
        ),
        // Header-only vector square roots for the transform's SIMD kernel (see its header).
        .systemLibrary(
            name: "CVectorMath",
            path: "Sources/CVectorMath"
        ),
        .target(
            name: "PseudoExperiments",
            dependencies: ["CZlib", "CPrefetch", "CVectorMath"]
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
            dependencies: ["PseudoExperiments", "Scoring", "Baselines"]
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "PseudoExperiments", "Scoring", "Evaluation", "Baselines",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared test helpers: locating ../shared/reference and running the built `bench`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PseudoExperimentsTests", dependencies: ["PseudoExperiments", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "TestSupport"]),
        .testTarget(name: "BaselinesTests", dependencies: ["Baselines", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: [
            "Evaluation", "Scoring", "PseudoExperiments", "TestSupport",
        ]),
        .testTarget(name: "BenchCommandTests", dependencies: [
            "bench", "Scoring", "PseudoExperiments", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),   // to hold a database lock in a test
        ]),
    ],
    swiftLanguageModes: [.v5]
)
