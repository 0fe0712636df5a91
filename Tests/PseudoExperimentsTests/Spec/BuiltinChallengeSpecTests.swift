import Foundation
import XCTest
@testable import PseudoExperiments
import TestSupport

/// The built-in specs compiled into the binary must be the files of datasets-spec/challenges/.
final class BuiltinChallengeSpecTests: XCTestCase {
    private let challenges = ReferenceData.packageRoot.appendingPathComponent("datasets-spec/challenges")

    func testEmbeddedDocumentsAreTheSpecFilesByteForByte() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: challenges.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(ChallengeSpec.builtinNames.sorted(), files.map { String($0.dropLast(5)) }.sorted(),
                       "run `python3 scripts/generate_builtin_specs.py` after adding or removing a spec file")
        for file in files {
            let name = String(file.dropLast(5))
            let onDisk = try Data(contentsOf: challenges.appendingPathComponent(file))
            XCTAssertEqual(ChallengeSpec.builtinDocument(named: name), onDisk,
                           "\(file) differs from the embedded copy: run `python3 scripts/generate_builtin_specs.py`")
        }
    }

    func testEveryBuiltinLoadsAndIsNamedAfterItsFile() throws {
        let variants = ["closure", "tau-resolution", "jet-resolution", "z-pt"]
        XCTAssertEqual(Set(ChallengeSpec.builtinNames),
                       Set(["fair-universe-2024", "fair-universe-2024-data", "fair-universe-2024-mini"]
                           + ["fair-universe-2024", "fair-universe-2024-mini"].flatMap { n in variants.map { "\(n)-\($0)" } }))
        for name in ChallengeSpec.builtinNames {
            let spec = try ChallengeSpec.builtin(named: name)
            XCTAssertEqual(spec.name, name)
            let fromFile = try ChallengeSpec.load(from: challenges.appendingPathComponent("\(name).json"))
            XCTAssertEqual(spec, fromFile)
            XCTAssertEqual(spec.sha256, fromFile.sha256)
        }
    }

    func testResolveTakesBuiltinNamesAndPaths() throws {
        XCTAssertEqual(try ChallengeSpec.resolve("fair-universe-2024-mini").name, "fair-universe-2024-mini")
        let path = challenges.appendingPathComponent("fair-universe-2024.json").path
        XCTAssertEqual(try ChallengeSpec.resolve(path).name, "fair-universe-2024")
        XCTAssertThrowsError(try ChallengeSpec.resolve("fair-universe-2025")) { error in
            guard case let SpecError.unknownBuiltin(name, available)? = error as? SpecError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "fair-universe-2025")
            XCTAssertEqual(available, ChallengeSpec.builtinNames)
            XCTAssert("\(error)".contains("fair-universe-2024-mini"))
        }
        XCTAssertThrowsError(try ChallengeSpec.resolve("/no/such/spec.json")) { error in
            guard case .unreadable? = error as? SpecError else { return XCTFail("\(error)") }
            XCTAssert("\(error)".contains("/no/such/spec.json"))
        }
    }
}
