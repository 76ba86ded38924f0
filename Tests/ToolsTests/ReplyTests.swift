// Replies: parsing RESP2 and RESP3, and redis-cli's way of showing them.

@testable import RedisTools
import XCTest

final class ReplyTests: XCTestCase {
    private func parse(_ s: String) throws -> Reply? {
        var pos = 0
        let r = try Reply.parse(Array(s.utf8), &pos)
        if r != nil { XCTAssertEqual(pos, s.utf8.count, "the whole of \(s) is one reply") }
        return r
    }

    private func cli(_ s: String) throws -> [String] { try XCTUnwrap(parse(s)).redisCLILines }

    func testEveryRESP2Type() throws {
        XCTAssertEqual(try parse("+PONG\r\n"), .status("PONG"))
        XCTAssertEqual(try parse("-ERR unknown\r\n"), .error("ERR unknown"))
        XCTAssertEqual(try parse(":-42\r\n"), .integer(-42))
        XCTAssertEqual(try parse("$3\r\nb\rr\r\n"), .bulk(Array("b\rr".utf8)))
        XCTAssertEqual(try parse("$-1\r\n"), .bulk(nil))
        XCTAssertEqual(try parse("*-1\r\n"), .array(nil))
        XCTAssertEqual(try parse("*2\r\n:1\r\n*1\r\n+x\r\n"), .array([.integer(1), .array([.status("x")])]))
    }

    func testRESP3Types() throws {
        XCTAssertEqual(try parse("_\r\n"), .null)
        XCTAssertEqual(try parse(",3.14\r\n"), .double("3.14"))
        XCTAssertEqual(try parse("#t\r\n"), .boolean(true))
        XCTAssertEqual(try parse("(123456789012345678901\r\n"), .bigNumber("123456789012345678901"))
        XCTAssertEqual(try parse("=7\r\ntxt:abc\r\n"), .verbatim("txt", Array("abc".utf8)))
        XCTAssertEqual(try parse("%1\r\n+k\r\n:1\r\n"), .map([.status("k"), .integer(1)]))
        XCTAssertEqual(try parse("~1\r\n+a\r\n"), .set([.status("a")]))
        XCTAssertEqual(try parse(">1\r\n+a\r\n"), .push([.status("a")]))
    }

    func testAnIncompleteReplyIsNotAnError() throws {
        for partial in ["", "+PON", "+PONG\r", "$3\r\nab", "*2\r\n:1\r\n", "%1\r\n+k\r\n"] {
            XCTAssertNil(try parse(partial), partial)
        }
    }

    func testBytesThatAreNotRESP() {
        var pos = 0
        XCTAssertThrowsError(try Reply.parse(Array("!oops\r\n".utf8), &pos))
        XCTAssertThrowsError(try Reply.parse(Array("$x\r\n".utf8), &pos))
    }

    func testTwoRepliesInOneBuffer() throws {
        let bytes = Array("+a\r\n:2\r\n".utf8)
        var pos = 0
        XCTAssertEqual(try Reply.parse(bytes, &pos), .status("a"))
        XCTAssertEqual(pos, 4)
        XCTAssertEqual(try Reply.parse(bytes, &pos), .integer(2))
    }

    func testRedisCLIForms() throws {
        XCTAssertEqual(try cli("+OK\r\n"), ["OK"])
        XCTAssertEqual(try cli("-ERR x\r\n"), ["(error) ERR x"])
        XCTAssertEqual(try cli(":3\r\n"), ["(integer) 3"])
        XCTAssertEqual(try cli("$4\r\na\"\n\u{1}\r\n"), ["\"a\\\"\\n\\x01\""])
        XCTAssertEqual(try cli("$-1\r\n"), ["(nil)"])
        XCTAssertEqual(try cli("*0\r\n"), ["(empty array)"])
        XCTAssertEqual(try cli("%0\r\n"), ["(empty hash)"])
        XCTAssertEqual(try cli(",1.5\r\n"), ["(double) 1.5"])
        XCTAssertEqual(try cli("#f\r\n"), ["(false)"])
    }

    func testNestedArraysAreIndentedLikeRedisCLI() throws {
        XCTAssertEqual(try cli("*3\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n*0\r\n"), [
            "1) 1) \"a\"",
            "   2) \"b\"",
            "2) \"c\"",
            "3) (empty array)",
        ])
        let ten = "*10\r\n" + String(repeating: ":0\r\n", count: 9) + "*2\r\n:1\r\n:2\r\n"
        let lines = try cli(ten)
        XCTAssertEqual(lines.first, " 1) (integer) 0")
        XCTAssertEqual(Array(lines.suffix(2)), ["10) 1) (integer) 1", "    2) (integer) 2"])
    }

    func testMapsAndSets() throws {
        XCTAssertEqual(try cli("%2\r\n+server\r\n+redis\r\n+modules\r\n*1\r\n+m\r\n"), [
            "1# server => redis",
            "2# modules => 1) m",
        ])
        XCTAssertEqual(try cli("~2\r\n+a\r\n+b\r\n"), ["1~ a", "2~ b"])
    }

    func testTheOneLineFormThatExpectCompares() throws {
        XCTAssertEqual(try XCTUnwrap(parse("*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n:3\r\n")).redisCLIText,
                       "1) 1) \"a\" 2) \"b\" 2) (integer) 3")
        XCTAssertEqual(try XCTUnwrap(parse("+PONG\r\n")).redisCLIText, "PONG")
    }
}
