import Foundation

/// Locates the shared reference data (`../shared/reference` beside the package root) and
/// the package's own files, for tests.
///
/// `FAIR_REFERENCE_DIR` overrides the location. CI clones the project with `shared/` beside
/// it, so a missing directory is a test failure, not a skip.
public enum ReferenceData {
    /// The package root (the directory holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }   // Tests/TestSupport/ReferenceData.swift
        return url
    }()

    /// `../shared/reference` (or `$FAIR_REFERENCE_DIR`).
    public static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["FAIR_REFERENCE_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")
    }

    /// A file of the FAIR Universe sample, e.g. `input_rows.csv`.
    public static func sample(_ name: String) -> URL {
        directory.appendingPathComponent("fair-universe-sample").appendingPathComponent(name)
    }

    /// A fresh empty temporary directory for one test.
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fair-uq-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
