// swift-tools-version: 6.1
// FairUQPlugin: the Swift client of the fair-uq-bench plugin protocol, version 1
// (datasets-spec/plugin-protocol-v1.md). A submission is a small executable that links this
// library and calls `Plugin.run(MyEstimator.self)`; see templates/swift-estimator.
// Foundation only, so that a submission builds anywhere Swift does.
import PackageDescription

let package = Package(
    name: "FairUQPlugin",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "FairUQPlugin", targets: ["FairUQPlugin"]),
    ],
    targets: [
        .target(name: "FairUQPlugin"),
    ],
    swiftLanguageModes: [.v5]
)
