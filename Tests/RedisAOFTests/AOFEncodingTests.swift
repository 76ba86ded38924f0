// The AOF's bytes: how one command is encoded, and how relative expiry times become absolute on
// the way into the file (so that replaying it later cannot lengthen a key's life).

import RedisAOF
import RedisCore
import XCTest

final class AOFEncodingTests: XCTestCase {
    func testEncodeIsTheMultibulkAClientSends() {
        XCTAssertEqual(AOFEncoding.encode(["SET", "k", "v"]), Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8))
        XCTAssertEqual(AOFEncoding.encode(["SELECT", "0"]), Array("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n".utf8))
        // An empty argument and one with CR, LF and NUL in it: lengths, not delimiters, frame them.
        XCTAssertEqual(AOFEncoding.encode(["SET", "", ByteString([13, 10, 0])]),
                       Array("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$3\r\n\r\n\0\r\n".utf8))
    }

    func testAppendAddsToWhatIsAlreadyThere() {
        var out = Array("xy".utf8)
        AOFEncoding.append(["DEL", "key"], to: &out)
        XCTAssertEqual(out, Array("xy*2\r\n$3\r\nDEL\r\n$3\r\nkey\r\n".utf8))
    }

    func testTenArgumentsAndALongArgument() {
        let argv: [ByteString] = ["MSET"] + (0..<9).map { ByteString("a\($0)") }
        let long = ByteString(String(repeating: "x", count: 1234))
        XCTAssertTrue(String(decoding: AOFEncoding.encode(argv), as: UTF8.self).hasPrefix("*10\r\n$4\r\nMSET\r\n$2\r\na0\r\n"))
        XCTAssertEqual(AOFEncoding.encode([long]), Array("*1\r\n$1234\r\n\(String(repeating: "x", count: 1234))\r\n".utf8))
    }

    let now: Int64 = 1_700_000_000_000

    func abs(_ argv: [ByteString]) -> [ByteString] {
        AOFEncoding.absoluteTimes(argv[0].lowercasedASCII, argv, nowMs: now)
    }

    func testExpireFamilyBecomesPexpireat() {
        XCTAssertEqual(abs(["EXPIRE", "k", "10"]), ["PEXPIREAT", "k", ByteString(now + 10_000)])
        XCTAssertEqual(abs(["expire", "k", "10"]), ["PEXPIREAT", "k", ByteString(now + 10_000)])
        XCTAssertEqual(abs(["PEXPIRE", "k", "1500"]), ["PEXPIREAT", "k", ByteString(now + 1500)])
        XCTAssertEqual(abs(["EXPIREAT", "k", "1800000000"]), ["PEXPIREAT", "k", "1800000000000"])
        // A negative relative time is still an absolute time in the past: the reload deletes the key.
        XCTAssertEqual(abs(["EXPIRE", "k", "-5"]), ["PEXPIREAT", "k", ByteString(now - 5000)])
    }

    func testSetPxBecomesPxat() {
        XCTAssertEqual(abs(["SET", "k", "v", "PX", "100"]), ["SET", "k", "v", "PXAT", ByteString(now + 100)])
        XCTAssertEqual(abs(["SET", "k", "v", "px", "100"]), ["SET", "k", "v", "PXAT", ByteString(now + 100)])
    }

    func testOtherCommandsAreUnchanged() {
        let unchanged: [[ByteString]] = [
            ["SET", "k", "v"], ["SET", "k", "v", "KEEPTTL"], ["SET", "k", "v", "PXAT", "123"],
            ["INCR", "k"], ["DEL", "a", "b"], ["PEXPIREAT", "k", "123"], ["SELECT", "3"],
            ["EXPIRE", "k", "notanumber"], ["EXPIRE", "k"],
        ]
        for argv in unchanged { XCTAssertEqual(abs(argv), argv, "\(argv)") }
    }
}
