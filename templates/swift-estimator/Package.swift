// swift-tools-version: 6.1
// A fair-uq-bench estimator written in Swift: copy this directory, change the estimator in
// Sources/estimator/main.swift, build with `swift build -c release`, and evaluate the executable
// .build/release/estimator with the harness (see README.md).
import PackageDescription

let package = Package(
    name: "swift-estimator",
    platforms: [.macOS(.v13)],
    dependencies: [
        // The plugin client; a copy of this template elsewhere points at its own checkout of it.
        .package(path: "../../clients/swift"),
    ],
    targets: [
        .executableTarget(
            name: "estimator",
            dependencies: [.product(name: "FairUQPlugin", package: "swift")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
