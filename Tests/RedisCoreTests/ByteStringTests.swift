import XCTest
@testable import RedisCore

final class ByteStringTests: XCTestCase {
    func testInlineAndHeapRoundTrip() {
        for n in [0, 1, 15, 16, 22, 23, 24, 100, 70_000] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            let s = ByteString(bytes)
            XCTAssertEqual(s.count, n)
            XCTAssertEqual(s.bytes, bytes)
            XCTAssertEqual(s.isInline, n <= ByteString.inlineCapacity, "length \(n)")
        }
    }

    func testBinarySafe() {
        let raw: [UInt8] = [0, 13, 10, 0, 255, 36]
        let s = ByteString(raw)
        XCTAssertEqual(s.count, 6)
        XCTAssertEqual(s.bytes, raw)
        XCTAssertNotEqual(s, ByteString([0, 13, 10, 0, 255]))
    }

    func testEqualityAndHashAgree() {
        let a = ByteString("key:000000012345"), b = ByteString(Array("key:000000012345".utf8))
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hash64(seed: 7), b.hash64(seed: 7))
        let long1 = ByteString(String(repeating: "x", count: 40)), long2 = ByteString(String(repeating: "x", count: 40))
        XCTAssertEqual(long1, long2)
        XCTAssertEqual(long1.hash64(seed: 1), long2.hash64(seed: 1))
        XCTAssertNotEqual(ByteString("abc").hash64(seed: 1), ByteString("abd").hash64(seed: 1))
    }

    func testFitsInThirtyTwoBytes() {
        XCTAssertEqual(MemoryLayout<ByteString>.size, 32)
    }

    func testString2ll() {
        XCTAssertEqual(ByteString("0").int64Value, 0)
        XCTAssertEqual(ByteString("-12").int64Value, -12)
        XCTAssertEqual(ByteString("9223372036854775807").int64Value, Int64.max)
        XCTAssertEqual(ByteString("-9223372036854775808").int64Value, Int64.min)
        for bad in ["", "-", "-0", "01", "+1", " 1", "1 ", "9223372036854775808", "1a", "1.0"] {
            XCTAssertNil(ByteString(bad).int64Value, bad)
        }
        XCTAssertEqual(ByteString(Int64.min).stringValue, "-9223372036854775808")
        XCTAssertEqual(ByteString(Int64(42)).stringValue, "42")
    }

    func testString2d() {
        XCTAssertEqual(ByteString("1.5").doubleValue, 1.5)
        XCTAssertEqual(ByteString("-inf").doubleValue, -.infinity)
        XCTAssertNil(ByteString(" 1").doubleValue)
        XCTAssertNil(ByteString("nan").doubleValue)
        XCTAssertNil(ByteString("1x").doubleValue)
        XCTAssertNil(ByteString("").doubleValue)
    }

    func testCompareIsMemcmpOrder() {
        XCTAssertLessThan(ByteString("a"), ByteString("b"))
        XCTAssertLessThan(ByteString("ab"), ByteString("abc"))
        XCTAssertLessThan(ByteString([0x7f]), ByteString([0x80]))
    }
}
