// RESP3 side by side with a real `redis-server`: after `HELLO 3` the same commands must come back
// as the same bytes, type byte and counts included, and after `HELLO 2` as the RESP2 bytes.
// These are the claims of chapter 2's "RESP2 and RESP3 side by side" table, checked on the wire.
//
// HELLO's own reply is compared by shape: its `version` (6.2.14 here, 7.0.15 there) and `id`
// differ on purpose.

import Foundation
import TestSupport
import XCTest

final class RESP3SideBySideTests: InteropTestCase {
    /// Every reply type our commands send, with values whose order is the same in both servers
    /// (one hash field, an intset, a sorted set).
    static let commands: [[String]] = [
        ["HSET", "h", "f", "v"], ["HGETALL", "h"], ["HGETALL", "nosuch"],
        ["SADD", "s", "3", "1", "2"], ["SMEMBERS", "s"], ["SINTER", "s"], ["SUNION", "s", "nosuch"], ["SDIFF", "s", "nosuch"],
        ["SMEMBERS", "nosuch"],
        ["ZADD", "z", "0.1", "a", "1.5", "b", "inf", "c", "-inf", "d"], ["ZSCORE", "z", "a"], ["ZSCORE", "z", "c"],
        ["ZSCORE", "z", "d"], ["ZSCORE", "z", "nosuch"], ["ZSCORE", "nosuch", "a"], ["ZINCRBY", "z", "1e20", "b"],
        ["ZMSCORE", "z", "a", "nosuch", "b"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZRANGE", "z", "0", "-1"],
        ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"], ["ZREVRANGE", "z", "0", "1", "WITHSCORES"],
        ["ZPOPMIN", "z"],
        ["GET", "nosuch"], ["LPOP", "nosuch"], ["LPOP", "nosuch", "2"], ["BLPOP", "nosuch", "0.01"], ["LRANGE", "nosuch", "0", "-1"],
        ["CONFIG", "GET", "appendfsync"], ["CONFIG", "GET", "hash-max-ziplist-entries"],
        ["EXISTS", "h"], ["SET", "k", "v"], ["GET", "k"], ["HGETALL", "k"],
        ["HELLO", "4"], ["HELLO", "x"],
    ]

    /// Where Redis 7.0 changed a RESP3 reply on purpose: we answer as 6.2.
    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["ZPOPMAX", "z", "2"], "*4\r\n$1\r\nc\r\n,inf\r\n$1\r\nb\r\n,1e+20\r\n",
         "Redis 6.2's genericZpopCommand writes a flat array of member, score even in RESP3; 7.0 nests pairs like ZRANGE"),
    ]

    /// The HELLO reply as (key, value) pairs, from either protocol's form.
    private func helloPairs(_ reply: RESPValue) -> [(String, RESPValue)] {
        let flat: [RESPValue]
        switch reply {
        case .map(let kv): flat = kv
        case .array(let a?): flat = a
        default: return []
        }
        return stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0].string ?? "?", flat[$0 + 1]) }
    }

    func testHELLOSwitchesBothServersAlike() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for version in ["3", "2"] {
            let mine = try a.call("HELLO", version), theirs = try b.call("HELLO", version)
            switch (version, mine, theirs) {
            case ("3", .map, .map), ("2", .array, .array): break
            default: XCTFail("HELLO \(version): ours \(mine), redis-server \(theirs)")
            }
            let m = helloPairs(mine), t = helloPairs(theirs)
            XCTAssertEqual(m.map(\.0), ["server", "version", "proto", "id", "mode", "role", "modules"])
            XCTAssertEqual(m.map(\.0), t.map(\.0), "HELLO \(version): the same keys in the same order")
            for ((key, mv), (_, tv)) in zip(m, t) where key != "version" && key != "id" {
                XCTAssertEqual(mv, tv, "HELLO \(version): \(key)")
            }
            XCTAssertEqual(m.first { $0.0 == "proto" }?.1, .integer(Int64(version)!))
            XCTAssertEqual(m.first { $0.0 == "version" }?.1.string, "6.2.14", "we answer as the Redis we mirror")
        }
        // HELLO without a version answers in the connection's protocol and changes nothing.
        _ = try a.call("HELLO", "3"); _ = try b.call("HELLO", "3")
        try assertSameReplies([["HGETALL", "nosuch"]], ours: a, redis: b)
        guard case .map = try a.call("HELLO"), case .map = try b.call("HELLO") else { return XCTFail("HELLO: not a map") }
    }

    func testEveryReplyTypeInRESP3AndRESP2() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        for version in ["3", "2"] {
            let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
            for c in [a, b] {
                XCTAssertEqual(try c.call("FLUSHALL"), .simple("OK"))
                _ = try c.call("HELLO", version)
            }
            try assertSameReplies(RESP3SideBySideTests.commands, ours: a, redis: b)
            if version == "3" { try assertRedis62Replies(RESP3SideBySideTests.redis62Only, ours: a, redis: b) }
        }
        // The chapter's table, spot-checked as types on our server: a map, a set, a double, one null.
        let a = try RawClient(port: ours.port)
        _ = try a.call("HELLO", "3")
        XCTAssertEqual(try a.call("HSET", "h2", "f", "v"), .integer(1))
        XCTAssertEqual(try a.call("HGETALL", "h2"), .map([.bulk(Array("f".utf8)), .bulk(Array("v".utf8))]))
        XCTAssertEqual(try a.call("SADD", "s2", "7"), .integer(1))
        XCTAssertEqual(try a.call("SMEMBERS", "s2"), .set([.bulk(Array("7".utf8))]))
        XCTAssertEqual(try a.call("ZADD", "z2", "2.5", "m"), .integer(1))
        XCTAssertEqual(try a.call("ZSCORE", "z2", "m"), .double("2.5"))
        XCTAssertEqual(try a.call("GET", "nosuch"), .null)
        XCTAssertEqual(try a.call("BLPOP", "nosuch", "0.01"), .null)
    }

    func testINFOIsAVerbatimStringInRESP3() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        for port in [ours.port, realPort] {
            let c = try RawClient(port: port)
            guard case .bulk(let text?) = try c.call("INFO", "server") else { return XCTFail("RESP2 INFO: not a bulk string") }
            XCTAssertTrue(text.starts(with: Array("# Server\r\n".utf8)), "port \(port)")
            _ = try c.call("HELLO", "3")
            let raw = try c.callRaw("INFO", "server")
            XCTAssertEqual(raw.first, UInt8(ascii: "="), "port \(port)")
            var pos = 0
            guard case .verbatim(let format, let body)? = RawClient.parse(raw, &pos) else { return XCTFail("not verbatim") }
            XCTAssertEqual(format, "txt")
            XCTAssertTrue(body.starts(with: Array("# Server\r\n".utf8)), "port \(port)")
            XCTAssertEqual(pos, raw.count)
        }
    }

    func testAFailedHELLOKeepsTheProtocol() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        // Still RESP2 after each failure: HGETALL is `*2`.
        try assertSameReplies([
            ["HSET", "h", "f", "v"],
            ["HELLO", "3", "SETNAME", "a b"], ["HGETALL", "h"],
            ["HELLO", "3", "AUTH", "nobody", "x"], ["HGETALL", "h"],
            ["HELLO", "3", "BOGUS"], ["HGETALL", "h"],
        ], ours: a, redis: b)
        // The switch itself is not compared byte for byte (HELLO's id and version differ).
        _ = try a.call("HELLO", "3"); _ = try b.call("HELLO", "3")
        // Now RESP3, and still RESP3 after a failed HELLO 2: HGETALL is `%1`.
        try assertSameReplies([["HGETALL", "h"], ["HELLO", "2", "SETNAME", "a b"], ["HGETALL", "h"],
                               ["ZSCORE", "nosuch", "m"]], ours: a, redis: b)
    }
}
