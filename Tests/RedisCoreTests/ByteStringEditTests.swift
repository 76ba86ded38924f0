// ByteString editing: append (inline → heap, in-place growth), overwrite (SETRANGE), slice,
// and the case helpers used for command names and options.

import XCTest
@testable import RedisCore

final class ByteStringEditTests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testAppendStaysInlineUpTo23Bytes() {
        var s = ByteString("abc")
        s.append(ByteString("def"))
        XCTAssertTrue(s.isInline)
        XCTAssertEqual(s.bytes, bytes("abcdef"))
        // Equality of inline strings compares whole words: the padding must be zero, as in a
        // freshly made string (the INVARIANT in ByteString.swift).
        XCTAssertEqual(s, ByteString("abcdef"))
        XCTAssertEqual(s.hashValue, ByteString("abcdef").hashValue)

        var t = ByteString(String(repeating: "x", count: 20))
        t.append(ByteString("yzw"))
        XCTAssertEqual(t.count, 23)
        XCTAssertTrue(t.isInline)
        XCTAssertEqual(t, ByteString(String(repeating: "x", count: 20) + "yzw"))
    }

    func testAppendInlineToHeapTransition() {
        var s = ByteString(String(repeating: "a", count: 23))
        XCTAssertTrue(s.isInline)
        s.append(ByteString("b"))
        XCTAssertFalse(s.isInline)
        XCTAssertEqual(s.count, 24)
        XCTAssertEqual(s.bytes, bytes(String(repeating: "a", count: 23) + "b"))
        XCTAssertEqual(s, ByteString(String(repeating: "a", count: 23) + "b"))

        var small = ByteString("hello")
        small.append(ByteString(" wonderful world of bytes"))
        XCTAssertFalse(small.isInline)
        XCTAssertEqual(small.stringValue, "hello wonderful world of bytes")
    }

    func testAppendGrowsUniquelyOwnedBufferInPlace() {
        var s = ByteString(String(repeating: "0", count: 30))
        s.append(ByteString(String(repeating: "1", count: 40)))  // reallocated with doubled capacity
        let storage = ObjectIdentifier(s.storage!)
        let spare = s.storage!.capacity - s.count
        XCTAssertGreaterThanOrEqual(spare, 70, "append doubles the capacity")
        var model = Array(String(repeating: "0", count: 30).utf8) + Array(String(repeating: "1", count: 40).utf8)
        for i in 0..<spare {
            let piece = ByteString([UInt8(48 + i % 10)])
            s.append(piece)
            model.append(UInt8(48 + i % 10))
        }
        XCTAssertEqual(ObjectIdentifier(s.storage!), storage, "appends within capacity reuse the buffer")
        XCTAssertEqual(s.bytes, model)
        // Many more appends: the content survives every reallocation.
        for i in 0..<5000 {
            let b = UInt8(truncatingIfNeeded: i &* 7)
            [b].withUnsafeBytes { s.append($0) }
            model.append(b)
        }
        XCTAssertEqual(s.count, model.count)
        XCTAssertEqual(s.bytes, model)
    }

    func testAppendDoesNotChangeACopy() {
        var a = ByteString(String(repeating: "q", count: 40))
        a.append(ByteString("r"))  // spare capacity now
        let b = a
        a.append(ByteString("s"))
        XCTAssertEqual(b.stringValue, String(repeating: "q", count: 40) + "r")
        XCTAssertEqual(a.stringValue, String(repeating: "q", count: 40) + "rs")
        XCTAssertNotEqual(ObjectIdentifier(a.storage!), ObjectIdentifier(b.storage!))
    }

    func testAppendEmptyIsNoOp() {
        var s = ByteString("abc")
        s.append(ByteString())
        XCTAssertEqual(s, ByteString("abc"))
        var e = ByteString()
        e.append(ByteString("x"))
        XCTAssertEqual(e, ByteString("x"))
    }

    func testOverwriteWithZeroPadding() {
        var s = ByteString("ab")
        bytes("xy").withUnsafeBytes { s.overwrite(at: 5, with: $0) }
        XCTAssertEqual(s.bytes, [97, 98, 0, 0, 0, 120, 121])

        var h = ByteString("hello")
        bytes("EL").withUnsafeBytes { h.overwrite(at: 1, with: $0) }
        XCTAssertEqual(h, ByteString("hELlo"))

        var e = ByteString("hello")
        bytes("!!").withUnsafeBytes { e.overwrite(at: 4, with: $0) }
        XCTAssertEqual(e, ByteString("hell!!"))

        var g = ByteString("abc")
        bytes("z").withUnsafeBytes { g.overwrite(at: 30, with: $0) }
        XCTAssertEqual(g.count, 31)
        XCTAssertFalse(g.isInline)
        XCTAssertEqual(g.bytes, bytes("abc") + [UInt8](repeating: 0, count: 27) + bytes("z"))

        var empty = ByteString()
        bytes("k").withUnsafeBytes { empty.overwrite(at: 0, with: $0) }
        XCTAssertEqual(empty, ByteString("k"))
    }

    func testSlice() {
        let s = ByteString("hello world")
        XCTAssertEqual(s.slice(6, 5), ByteString("world"))
        XCTAssertEqual(s.slice(0, 0), ByteString())
        XCTAssertEqual(s.slice(0, 11), s)
        let long = ByteString(String(repeating: "0123456789", count: 5))
        let part = long.slice(10, 10)
        XCTAssertTrue(part.isInline, "a short slice of a heap string is inline again")
        XCTAssertEqual(part, ByteString("0123456789"))
        XCTAssertEqual(long.slice(5, 30).bytes, Array(long.bytes[5..<35]))
    }

    func testLowercasedASCII() {
        XCTAssertEqual(ByteString("GET").lowercasedASCII, ByteString("get"))
        XCTAssertEqual(ByteString("MiXeD-Case_09").lowercasedASCII, ByteString("mixed-case_09"))
        // The neighbours of 'A'...'Z' stay as they are.
        XCTAssertEqual(ByteString("@[`{AZ").lowercasedASCII, ByteString("@[`{az"))
        // Exactly 23 bytes: the length byte shares a word with the last letters.
        let full = ByteString("ABCDEFGHIJKLMNOPQRSTUVW")
        XCTAssertEqual(full.lowercasedASCII, ByteString("abcdefghijklmnopqrstuvw"))
        XCTAssertEqual(full.lowercasedASCII.count, 23)
        // Non-ASCII bytes are untouched (0xC1 is 'A' + 0x80).
        XCTAssertEqual(ByteString([0xc1, 0x41, 0xda]).lowercasedASCII.bytes, [0xc1, 0x61, 0xda])
        // Heap strings take the other path.
        let long = ByteString(String(repeating: "AbC", count: 20))
        XCTAssertEqual(long.lowercasedASCII, ByteString(String(repeating: "abc", count: 20)))
        XCTAssertEqual(ByteString().lowercasedASCII, ByteString())
    }

    func testEqualsIgnoringCase() {
        XCTAssertTrue(ByteString("GeT").equalsIgnoringCase("get"))
        XCTAssertTrue(ByteString("keepttl").equalsIgnoringCase("KEEPTTL"))
        XCTAssertFalse(ByteString("gets").equalsIgnoringCase("get"))
        XCTAssertFalse(ByteString("ge").equalsIgnoringCase("get"))
        XCTAssertFalse(ByteString("[").equalsIgnoringCase("{"))
        XCTAssertFalse(ByteString("@").equalsIgnoringCase("`"))
        XCTAssertFalse(ByteString("ex").equalsIgnoringCase("px"))
        XCTAssertTrue(ByteString().equalsIgnoringCase(""))
    }
}
