// BZPOPMIN and BZPOPMAX end to end: an answer at once from a non-empty sorted set, a wait on empty
// ones that a ZADD from another client ends (oldest waiter first), a wait that a list push does not
// end, the null-array timeout, RESP3's double score, and the AOF holding the plain ZPOPMIN/ZPOPMAX.
// The helpers (sendOnly, nextReply, waitBlocked) are BlockingTests'.
//
// Redis: bzpopMinMaxCommand, genericZpopCommand (src/t_zset.c), serveClientBlockedOnSortedSet
// (src/blocked.c)

import Foundation
import RedisCore
import TestSupport
import XCTest

extension BlockingTests {
    func testBzpopAnswersAtOnceFromTheFirstNonEmptySortedSet() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "ZADD", "z", "1", "a", "2", "b", "3", "c", is: ":3\r\n")
        expect(c, "BZPOPMIN", "nosuch", "z", "0", is: "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n")
        expect(c, "BZPOPMAX", "z", "0", is: "*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n")
        expect(c, "BZPOPMAX", "z", "0", is: "*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n")
        expect(c, "EXISTS", "z", is: ":0\r\n")
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        expect(c, "BZPOPMIN", "str", "0", is: wrongType)
        expect(c, "BZPOPMIN", "z", "x", is: "-ERR timeout is not a float or out of range\r\n")
        expect(c, "BZPOPMIN", "z", "-1", is: "-ERR timeout is negative\r\n")
        expect(c, "BZPOPMIN", "z", is: "-ERR wrong number of arguments for 'bzpopmin' command\r\n")
        // RESP3: the score is a double, the reply still one flat array.
        XCTAssertTrue(String(decoding: try c.callRaw("HELLO", "3"), as: UTF8.self).hasPrefix("%7\r\n"))
        expect(c, "ZADD", "z", "1.5", "m", is: ":1\r\n")
        expect(c, "BZPOPMIN", "z", "0", is: "*3\r\n$1\r\nz\r\n$1\r\nm\r\n,1.5\r\n")
        expect(c, "BZPOPMIN", "z", "0.05", is: "_\r\n")
    }

    func testZaddWakesTheOldestWaiterAndAListPushDoesNot() throws {
        let s = try startServer()
        let a = try connect(s)
        let b = try connect(s)
        let p = try connect(s)
        sendOnly(a, "BZPOPMIN", "z", "0")
        waitBlocked(p, 1)
        sendOnly(b, "BZPOPMAX", "z", "0")
        waitBlocked(p, 2)
        // A key of another type does not serve a sorted-set waiter.
        expect(p, "RPUSH", "z2", "x", is: ":1\r\n")
        XCTAssertEqual(infoField(p, "clients", "blocked_clients"), "2")
        // One ZADD of three members: a takes the lowest, then b the highest of what is left.
        expect(p, "ZADD", "z", "1", "one", "2", "two", "3", "three", is: ":3\r\n")
        XCTAssertEqual(nextReply(a), "*3\r\n$1\r\nz\r\n$3\r\none\r\n$1\r\n1\r\n")
        XCTAssertEqual(nextReply(b), "*3\r\n$1\r\nz\r\n$5\r\nthree\r\n$1\r\n3\r\n")
        expect(p, "ZRANGE", "z", "0", "-1", is: "*1\r\n$3\r\ntwo\r\n")
        // A list waiter and a sorted-set waiter on one key: ZADD serves only the second.
        expect(p, "DEL", "z", is: ":1\r\n")
        sendOnly(a, "BLPOP", "k", "0")
        waitBlocked(p, 1)
        sendOnly(b, "BZPOPMIN", "k", "0")
        waitBlocked(p, 2)
        expect(p, "ZINCRBY", "k", "5", "m", is: "$1\r\n5\r\n")
        XCTAssertEqual(nextReply(b), "*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n5\r\n")
        XCTAssertEqual(infoField(p, "clients", "blocked_clients"), "1")
        XCTAssertTrue(staysOpenAndSilent(a, ms: 100), "BLPOP was served by a sorted set")
        // ZUNIONSTORE into the waited key serves too.
        sendOnly(b, "BZPOPMAX", "u", "0")
        waitBlocked(p, 2)
        expect(p, "ZADD", "src", "7", "s", is: ":1\r\n")
        expect(p, "ZUNIONSTORE", "u", "1", "src", is: ":1\r\n")
        XCTAssertEqual(nextReply(b), "*3\r\n$1\r\nu\r\n$1\r\ns\r\n$1\r\n7\r\n")
    }

    func testBzpopTimesOutWithANullArrayAndInsideMultiDoesNotWait() throws {
        let s = try startServer()
        let c = try connect(s)
        let t0 = Date()
        expect(c, "BZPOPMIN", "z", "0.2", is: "*-1\r\n")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.15)
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "BZPOPMAX", "z", "0", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n*-1\r\n")
        XCTAssertEqual(infoField(c, "clients", "blocked_clients"), "0")
    }

    func testTheAOFHoldsTheZpopNotTheBlockingCommand() throws {
        let dir = tempDir()
        let aof = ["--appendonly", "yes", "--appendfsync", "always"]
        var s = try startOnDir(dir, aof)
        let a = try connect(s)
        let p = try connect(s)
        expect(p, "ZADD", "z", "1", "a", "2", "b", "3", "c", is: ":3\r\n")
        expect(p, "BZPOPMIN", "z", "0", is: "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n")
        sendOnly(a, "BZPOPMAX", "w", "0")
        waitBlocked(p, 1)
        expect(p, "ZADD", "w", "1", "x", "2", "y", is: ":2\r\n")
        XCTAssertEqual(nextReply(a), "*3\r\n$1\r\nw\r\n$1\r\ny\r\n$1\r\n2\r\n")
        let bytes = aofBytes(dir)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertFalse(contains(bytes, "BZPOP"), text)
        XCTAssertTrue(contains(bytes, "$7\r\nZPOPMIN\r\n$1\r\nz\r\n"), text)
        XCTAssertTrue(contains(bytes, "$7\r\nZPOPMAX\r\n$1\r\nw\r\n"), text)
        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, aof)
        let c = try connect(s)
        expect(c, "ZRANGE", "z", "0", "-1", is: "*2\r\n$1\r\nb\r\n$1\r\nc\r\n")
        expect(c, "ZRANGE", "w", "0", "-1", is: "*1\r\n$1\r\nx\r\n")
    }
}
