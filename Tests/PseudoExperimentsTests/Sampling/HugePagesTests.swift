import XCTest
@testable import PseudoExperiments

final class HugePagesTests: XCTestCase {
    func testArrayHoldsItsValuesWhateverTheAdvice() {
        let big = HugePages.array(repeating: Int32(7), count: 3_000_000)   // 12 MB: advised
        XCTAssertEqual(big.count, 3_000_000)
        XCTAssertTrue(big.allSatisfy { $0 == 7 })
        XCTAssertEqual(HugePages.array(repeating: UInt8(1), count: 10), [UInt8](repeating: 1, count: 10))
        XCTAssertEqual(HugePages.array(repeating: Float(0), count: 0), [])
    }

    func testAllocateIsAlignedToTwoMegabytes() {
        let buffer = HugePages.allocate(Float.self, count: 1_500_000)
        defer { buffer.deallocate() }
        XCTAssertEqual(buffer.count, 1_500_000)
        XCTAssertEqual(UInt(bitPattern: buffer.baseAddress!) % (2 << 20), 0)
        buffer.initialize(repeating: 1.5)
        XCTAssertEqual(buffer.reduce(0, +), 2_250_000)
    }

    func testSmallBuffersAreNotAdvised() {
        var small = [UInt8](repeating: 0, count: 4096)
        small.withUnsafeMutableBytes { XCTAssertFalse(HugePages.advise($0)) }
    }
}
