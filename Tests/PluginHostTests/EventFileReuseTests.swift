import Foundation
@testable import PluginHost
import PseudoExperiments
import XCTest

/// A worker's event file is reused and only grows: what an earlier, longer pseudo-experiment
/// wrote past the current data must not be left for the plugin to read (the attack: read past
/// the header's row count to find the previous pseudo-experiments of the set, a memory the
/// statefulness check would not see because the harness, not the plugin, kept it).
final class EventFileReuseTests: XCTestCase {
    func testBytesAfterTheDataAreZeroWhenAViewShrinks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fair-uq-reuse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try MappedFile(url: dir.appendingPathComponent("pe.events"))
        func view(_ rows: Int, _ value: Float) -> SealedView {
            SealedView(count: rows, columnMajor: Array(repeating: value, count: Feature.allCases.count * rows))
        }
        try PluginEventFile.write(view(5000, 7), into: file)
        try PluginEventFile.write(view(1200, 3), into: file)
        let bytes = [UInt8](try Data(contentsOf: file.url))
        let end = PluginEventFile.byteCount(rows: 1200, labelled: false)
        XCTAssertGreaterThan(bytes.count, PluginEventFile.byteCount(rows: 5000, labelled: false), "the file only grows")
        XCTAssertTrue(bytes[end...].allSatisfy { $0 == 0 }, "the first view's values are gone")
        XCTAssertEqual(try PluginEventFile.read(from: file.url).features, Array(repeating: 3, count: 28 * 1200))
    }
}
