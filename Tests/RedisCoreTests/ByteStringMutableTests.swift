// ByteString.editBytes: growing with zero bytes (inline, across the inline limit, on the heap),
// editing in place when the buffer is not shared, and copying first when it is.

import XCTest
@testable import RedisCore

final class ByteStringMutableTests: XCTestCase {
    func testGrowsWithZerosInlineAndStaysEqualToAFreshString() {
        var s = ByteString("ab")
        s.editBytes(growingTo: 5) { p in
            XCTAssertEqual(Array(p), [0x61, 0x62, 0, 0, 0])
            p[4] = 0x21
        }
        XCTAssertTrue(s.isInline)
        XCTAssertEqual(s, ByteString([0x61, 0x62, 0, 0, 0x21]))
        XCTAssertEqual(s.hashValue, ByteString([0x61, 0x62, 0, 0, 0x21]).hashValue)
        // Asking for less than the length changes no length.
        s.editBytes(growingTo: 1) { XCTAssertEqual($0.count, 5) }
        XCTAssertEqual(s.count, 5)
    }

    func testGrowsAcrossTheInlineLimitKeepingTheBytes() {
        var s = ByteString(String(repeating: "x", count: 20))
        s.editBytes(growingTo: 100) { p in p[99] = 1 }
        XCTAssertFalse(s.isInline)
        XCTAssertEqual(s.bytes, Array(repeating: UInt8(ascii: "x"), count: 20) + Array(repeating: 0, count: 79) + [1])
        s.editBytes(growingTo: 300) { p in p[0] = UInt8(ascii: "y") }
        XCTAssertEqual(s.count, 300)
        XCTAssertEqual(s[0], UInt8(ascii: "y"))
        XCTAssertEqual(s[99], 1)
        XCTAssertEqual(s.bytes[100...].allSatisfy { $0 == 0 }, true)
    }

    func testEditsAnUnsharedBufferInPlaceAndCopiesASharedOne() {
        var s = ByteString(Array(repeating: UInt8(7), count: 64))
        let before = s.storage.map { ObjectIdentifier($0) }
        s.editBytes(growingTo: 64) { $0[0] = 9 }
        XCTAssertEqual(s.storage.map { ObjectIdentifier($0) }, before, "an unshared buffer is edited where it lies")
        let copy = s
        s.editBytes(growingTo: 64) { $0[1] = 9 }
        XCTAssertEqual(copy[1], 7, "a copy keeps its bytes")
        XCTAssertEqual(s[1], 9)
        XCTAssertNotEqual(s.storage.map { ObjectIdentifier($0) }, copy.storage.map { ObjectIdentifier($0) })
    }
}
