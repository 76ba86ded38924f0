// Replies: parsing RESP2 and RESP3, and redis-cli's way of showing them.

@testable import RedisTools
import TestSupport
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

    // MARK: - Every RESP3 type, as redis-server writes it

    /// Replies of every type, byte for byte as a real redis-server sends them to a `HELLO 3`
    /// client (`DEBUG PROTOCOL …`, `ZSCORE`, `INFO`, `SUBSCRIBE`), with what each parses to.
    private static let samples: [(String, Reply)] = [
        ("+PONG\r\n", .status("PONG")),
        ("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
         .error("WRONGTYPE Operation against a key holding the wrong kind of value")),
        (":12345\r\n", .integer(12345)),
        ("$11\r\nHello World\r\n", .bulk(Array("Hello World".utf8))),
        ("$0\r\n\r\n", .bulk([])),
        ("$-1\r\n", .bulk(nil)),
        ("*3\r\n:0\r\n:1\r\n:2\r\n", .array([.integer(0), .integer(1), .integer(2)])),
        ("*-1\r\n", .array(nil)),
        ("_\r\n", .null),
        (",3.141\r\n", .double("3.141")),
        (",inf\r\n", .double("inf")),
        (",-inf\r\n", .double("-inf")),
        (",nan\r\n", .double("nan")),
        (",1.5e+20\r\n", .double("1.5e+20")),
        ("#t\r\n", .boolean(true)),
        ("#f\r\n", .boolean(false)),
        ("!22\r\nSYNTAX invalid\r\nsyntax\r\n", .blobError(Array("SYNTAX invalid\r\nsyntax".utf8))),
        ("=29\r\ntxt:This is a verbatim\nstring\r\n", .verbatim("txt", Array("This is a verbatim\nstring".utf8))),
        ("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
         .map([.integer(0), .boolean(false), .integer(1), .boolean(true), .integer(2), .boolean(false)])),
        ("~3\r\n:0\r\n:1\r\n:2\r\n", .set([.integer(0), .integer(1), .integer(2)])),
        (">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
         .push([.bulk(Array("subscribe".utf8)), .bulk(Array("ch".utf8)), .integer(1)])),
        ("(1234567999999999999999999999999999999\r\n", .bigNumber("1234567999999999999999999999999999999")),
        // The attribute is read and dropped: the reply is the one it annotates.
        ("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
         .bulk(Array("Some real reply following the attribute".utf8))),
        // ZRANGE … WITHSCORES in RESP3: an array of [member, score] pairs.
        ("*2\r\n*2\r\n$1\r\no\r\n,-inf\r\n*2\r\n$1\r\nm\r\n,1.5\r\n",
         .array([.array([.bulk([UInt8(ascii: "o")]), .double("-inf")]), .array([.bulk([UInt8(ascii: "m")]), .double("1.5")])])),
        // Aggregates inside aggregates, and an attribute on an element.
        ("%1\r\n$1\r\nk\r\n~2\r\n_\r\n|1\r\n+a\r\n+b\r\n%1\r\n#t\r\n>0\r\n",
         .map([.bulk([UInt8(ascii: "k")]), .set([.null, .map([.boolean(true), .push([])])])])),
    ]

    func testEveryRESP3TypeAsRedisWritesIt() throws {
        for (wire, reply) in Self.samples {
            XCTAssertEqual(try parse(wire), reply, wire)
        }
    }

    func testEveryTypeCutAtEveryByteNeedsMore() throws {
        for (wire, _) in Self.samples {
            let bytes = Array(wire.utf8)
            for cut in 0..<bytes.count {
                var pos = 0
                XCTAssertNil(try Reply.parse(Array(bytes[..<cut]), &pos), "\(wire) cut at \(cut)")
                XCTAssertEqual(pos, 0, "an incomplete reply leaves the position alone")
                XCTAssertNil(RawClient.parse(Array(bytes[..<cut]), &pos), "test client: \(wire) cut at \(cut)")
            }
        }
    }

    func testAllSamplesBackToBackInOneBuffer() throws {
        let bytes = Array(Self.samples.map(\.0).joined().utf8)
        var pos = 0
        for (wire, reply) in Self.samples {
            XCTAssertEqual(try Reply.parse(bytes, &pos), reply, wire)
        }
        XCTAssertEqual(pos, bytes.count)
    }

    func testHostileHeadersThrowAndNeverTrap() {
        let bad = [
            "$9223372036854775807\r\nab\r\n",   // p + n + 2 would overflow
            "%4611686018427387904\r\n",          // 2 * n would overflow
            "|4611686018427387904\r\n",
            "$99999999999999999999\r\n",         // not an Int at all
            "$-2\r\n", "%-1\r\n", "~-1\r\n", ">-1\r\n", "!-1\r\n", "=-1\r\n",
            "$3\r\nabcd\r\n",                    // no CRLF where the length says
            "=2\r\nab\r\n",                      // verbatim without its format
            "#x\r\n", ":12a\r\n", "+a\rb\r\n", "?\r\n",
        ]
        for wire in bad {
            var pos = 0
            XCTAssertThrowsError(try Reply.parse(Array(wire.utf8), &pos), wire)
            // The test client never throws: it must not trap either.
            var p2 = 0
            _ = RawClient.parse(Array(wire.utf8), &p2)
        }
    }

    func testTheTestClientKeepsEveryRESP3Type() {
        // The tests' own client (TestSupport) keeps what redis-cli drops: the attribute, and the
        // blob error as its own type.
        let cases: [(String, RESPValue)] = [
            ("_\r\n", .null),
            (",-inf\r\n", .double("-inf")),
            ("#f\r\n", .boolean(false)),
            ("!3\r\nERR\r\n", .blobError(Array("ERR".utf8))),
            ("=8\r\ntxt:a\r\nb\r\n", .verbatim("txt", Array("a\r\nb".utf8))),
            ("(18446744073709551616\r\n", .bigNumber("18446744073709551616")),
            ("%1\r\n+k\r\n~1\r\n:1\r\n", .map([.simple("k"), .set([.integer(1)])])),
            (">2\r\n$7\r\nmessage\r\n$-1\r\n", .push([.bulk(Array("message".utf8)), .bulk(nil)])),
            ("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", .attribute([.simple("ttl"), .integer(3)], .bulk([UInt8(ascii: "v")]))),
            ("*-1\r\n", .array(nil)),
        ]
        for (wire, value) in cases {
            var pos = 0
            XCTAssertEqual(RawClient.parse(Array(wire.utf8), &pos), value, wire)
            XCTAssertEqual(pos, wire.utf8.count, wire)
        }
    }

    func testRedisCLIFormsOfTheRESP3Types() throws {
        XCTAssertEqual(try cli("_\r\n"), ["(nil)"])
        XCTAssertEqual(try cli(",inf\r\n"), ["(double) inf"])
        XCTAssertEqual(try cli("!10\r\nERR broken\r\n"), ["(error) ERR broken"])
        XCTAssertEqual(try cli("(12345678901234567890\r\n"), ["(big number) 12345678901234567890"])
        XCTAssertEqual(try cli("=29\r\ntxt:This is a verbatim\nstring\r\n"), ["This is a verbatim", "string"])
        XCTAssertEqual(try cli(">2\r\n$7\r\nmessage\r\n$2\r\nhi\r\n"), ["1) \"message\"", "2) \"hi\""])
        XCTAssertEqual(try cli("|1\r\n+a\r\n+b\r\n:7\r\n"), ["(integer) 7"])
    }
}
