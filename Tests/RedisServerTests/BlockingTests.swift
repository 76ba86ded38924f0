// The blocking list commands end to end: BLPOP, BRPOP, BLMOVE and BRPOPLPUSH reply at once on a
// non-empty list, park the client on an empty one, and are served by a push from another client
// (oldest waiter first) or time out with a null; a pipelined command behind the blocking one runs
// only after it is served; a client that disconnects while blocked is forgotten; the argument
// errors; and the AOF records the pop that really happened (LPOP, RPOP, LMOVE), never the
// blocking command.
//
// Redis: src/blocked.c, src/t_list.c (blockingPopGenericCommand, blmoveGenericCommand)

import Foundation
import RedisCore
import TestSupport
import XCTest

final class BlockingTests: ServerTestCase {
    let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    /// Waits (2 s at most) until INFO clients says `blocked_clients:n`.
    func waitBlocked(_ c: RawClient, _ n: Int, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            if infoField(c, "clients", "blocked_clients") == "\(n)" { return }
            usleep(10_000)
        }
        XCTFail("blocked_clients never became \(n) (is \(infoField(c, "clients", "blocked_clients") ?? "?"))", file: file, line: line)
    }

    func testNonEmptyListRepliesAtOnce() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", "b", is: ":2\r\n")
        expect(c, "BLPOP", "nosuch", "l", "0", is: "*2\r\n$1\r\nl\r\n$1\r\na\r\n")
        expect(c, "BRPOP", "l", "0", is: "*2\r\n$1\r\nl\r\n$1\r\nb\r\n")
        expect(c, "EXISTS", "l", is: ":0\r\n")
        // The first non-empty key in argument order wins.
        expect(c, "RPUSH", "k1", "x", is: ":1\r\n")
        expect(c, "RPUSH", "k2", "y", is: ":1\r\n")
        expect(c, "BLPOP", "k2", "k1", "1", is: "*2\r\n$2\r\nk2\r\n$1\r\ny\r\n")
        XCTAssertEqual(infoField(c, "clients", "blocked_clients"), "0")
    }

    func testBlpopBlocksUntilAPush() throws {
        let s = try startServer()
        let a = try connect(s)
        let b = try connect(s)
        sendOnly(a, "BLPOP", "q1", "q2", "0")
        XCTAssertTrue(staysOpenAndSilent(a, ms: 200), "BLPOP on empty lists replied at once")
        waitBlocked(b, 1)
        expect(b, "RPUSH", "q2", "job", is: ":1\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$2\r\nq2\r\n$3\r\njob\r\n")
        expect(b, "EXISTS", "q2", is: ":0\r\n")
        waitBlocked(b, 0)
        // a works normally again
        expect(a, "PING", is: "+PONG\r\n")
    }

    func testWaitersAreServedInArrivalOrder() throws {
        let s = try startServer()
        let a = try connect(s)
        let b = try connect(s)
        let p = try connect(s)
        sendOnly(a, "BLPOP", "q", "0")
        waitBlocked(p, 1)
        sendOnly(b, "BLPOP", "q", "0")
        waitBlocked(p, 2)
        expect(p, "RPUSH", "q", "first", "second", is: ":2\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n")
        XCTAssertEqual(nextReply(b), "*2\r\n$1\r\nq\r\n$6\r\nsecond\r\n")
        expect(p, "EXISTS", "q", is: ":0\r\n")
        waitBlocked(p, 0)
        // One element for two waiters: only the oldest is served; the other keeps waiting.
        sendOnly(a, "BLPOP", "r", "0")
        waitBlocked(p, 1)
        sendOnly(b, "BLPOP", "r", "0")
        waitBlocked(p, 2)
        expect(p, "LPUSH", "r", "only", is: ":1\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$1\r\nr\r\n$4\r\nonly\r\n")
        XCTAssertTrue(staysOpenAndSilent(b, ms: 100))
        waitBlocked(p, 1)
        expect(p, "RPUSH", "r", "more", is: ":1\r\n")
        XCTAssertEqual(nextReply(b), "*2\r\n$1\r\nr\r\n$4\r\nmore\r\n")
    }

    func testBrpopTakesFromTheTail() throws {
        let s = try startServer()
        let a = try connect(s)
        let p = try connect(s)
        sendOnly(a, "BRPOP", "q", "0")
        waitBlocked(p, 1)
        expect(p, "RPUSH", "q", "head", "mid", "tail", is: ":3\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$1\r\nq\r\n$4\r\ntail\r\n")
        expect(p, "LRANGE", "q", "0", "-1", is: "*2\r\n$4\r\nhead\r\n$3\r\nmid\r\n")
    }

    func testTimeoutRepliesNull() throws {
        let s = try startServer()
        let c = try connect(s)
        var t0 = Date()
        expect(c, "BLPOP", "q", "0.2", is: "*-1\r\n")
        var elapsed = Date().timeIntervalSince(t0)
        XCTAssertGreaterThanOrEqual(elapsed, 0.15)
        XCTAssertLessThanOrEqual(elapsed, 1.5)
        t0 = Date()
        expect(c, "BRPOP", "q", "0.2", is: "*-1\r\n")
        elapsed = Date().timeIntervalSince(t0)
        XCTAssertGreaterThanOrEqual(elapsed, 0.15)
        XCTAssertLessThanOrEqual(elapsed, 1.5)
        // BLMOVE and BRPOPLPUSH time out with a null array too, as every list block does in
        // Redis (replyToBlockedClientTimedOut), not with the null bulk of their non-blocking form.
        t0 = Date()
        expect(c, "BLMOVE", "q", "d", "LEFT", "RIGHT", "0.2", is: "*-1\r\n")
        elapsed = Date().timeIntervalSince(t0)
        XCTAssertGreaterThanOrEqual(elapsed, 0.15)
        XCTAssertLessThanOrEqual(elapsed, 1.5)
        expect(c, "BRPOPLPUSH", "q", "d", "0.2", is: "*-1\r\n")
        XCTAssertEqual(infoField(c, "clients", "blocked_clients"), "0")
        expect(c, "EXISTS", "d", is: ":0\r\n")
    }

    func testBlmoveAndBrpoplpush() throws {
        let s = try startServer()
        let a = try connect(s)
        let p = try connect(s)
        // At once on a non-empty source.
        expect(p, "RPUSH", "src", "1", "2", "3", is: ":3\r\n")
        expect(p, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0", is: "$1\r\n1\r\n")
        expect(p, "BRPOPLPUSH", "src", "dst", "0", is: "$1\r\n3\r\n")
        expect(p, "LRANGE", "dst", "0", "-1", is: "*2\r\n$1\r\n3\r\n$1\r\n1\r\n")
        expect(p, "BLMOVE", "src", "dst", "UP", "LEFT", "0", is: "-ERR syntax error\r\n")
        // Blocked, then moved: BLMOVE RIGHT → LEFT.
        sendOnly(a, "BLMOVE", "s2", "d2", "RIGHT", "LEFT", "0")
        XCTAssertTrue(staysOpenAndSilent(a, ms: 200))
        waitBlocked(p, 1)
        expect(p, "RPUSH", "s2", "x", "y", is: ":2\r\n")
        XCTAssertEqual(nextReply(a), "$1\r\ny\r\n")
        expect(p, "LRANGE", "s2", "0", "-1", is: "*1\r\n$1\r\nx\r\n")
        expect(p, "LRANGE", "d2", "0", "-1", is: "*1\r\n$1\r\ny\r\n")
        // BRPOPLPUSH: tail of the source to the head of the destination.
        sendOnly(a, "BRPOPLPUSH", "s3", "d2", "0")
        waitBlocked(p, 1)
        expect(p, "LPUSH", "s3", "z", is: ":1\r\n")
        XCTAssertEqual(nextReply(a), "$1\r\nz\r\n")
        expect(p, "LRANGE", "d2", "0", "-1", is: "*2\r\n$1\r\nz\r\n$1\r\ny\r\n")
        expect(p, "EXISTS", "s3", is: ":0\r\n")
        waitBlocked(p, 0)
    }

    func testPipelinedCommandRunsAfterTheBlockedOne() throws {
        let s = try startServer()
        let a = try connect(s)
        let p = try connect(s)
        a.send(raw: RawClient.encode([Array("BLPOP".utf8), Array("q".utf8), Array("0".utf8)])
               + RawClient.encode([Array("PING".utf8)]))
        XCTAssertTrue(staysOpenAndSilent(a, ms: 200), "the PING behind the BLPOP ran while it was blocked")
        waitBlocked(p, 1)
        expect(p, "RPUSH", "q", "v", is: ":1\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$1\r\nq\r\n$1\r\nv\r\n")
        XCTAssertEqual(nextReply(a), "+PONG\r\n")
        // The same with a timeout.
        a.send(raw: RawClient.encode([Array("BRPOP".utf8), Array("q".utf8), Array("0.1".utf8)])
               + RawClient.encode([Array("ECHO".utf8), Array("after".utf8)]))
        XCTAssertEqual(nextReply(a), "*-1\r\n")
        XCTAssertEqual(nextReply(a), "$5\r\nafter\r\n")
    }

    func testADisconnectedWaiterIsForgotten() throws {
        let s = try startServer()
        let p = try connect(s)
        do {
            let a = try connect(s)
            sendOnly(a, "BLPOP", "q", "0")
            waitBlocked(p, 1)
            close(a.fd)
        }
        waitBlocked(p, 0)
        expect(p, "RPUSH", "q", "kept", is: ":1\r\n")
        expect(p, "LRANGE", "q", "0", "-1", is: "*1\r\n$4\r\nkept\r\n")
        XCTAssertEqual(infoField(p, "clients", "blocked_clients"), "0")
    }

    func testErrors() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "BLPOP", "q", "abc", is: "-ERR timeout is not a float or out of range\r\n")
        expect(c, "BRPOP", "q", "nan", is: "-ERR timeout is not a float or out of range\r\n")
        expect(c, "BLPOP", "q", "-1", is: "-ERR timeout is negative\r\n")
        expect(c, "BLMOVE", "q", "d", "LEFT", "LEFT", "-0.5", is: "-ERR timeout is negative\r\n")
        expect(c, "BRPOPLPUSH", "q", "d", "x", is: "-ERR timeout is not a float or out of range\r\n")
        expect(c, "BLPOP", "q", is: "-ERR wrong number of arguments for 'blpop' command\r\n")
        expect(c, "BRPOPLPUSH", "q", "d", is: "-ERR wrong number of arguments for 'brpoplpush' command\r\n")
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        expect(c, "BLPOP", "str", "0", is: wrongType)
        expect(c, "BRPOP", "nosuch", "str", "0", is: wrongType)
        expect(c, "BLMOVE", "str", "d", "LEFT", "LEFT", "0", is: wrongType)
        expect(c, "BRPOPLPUSH", "str", "d", "0", is: wrongType)
        XCTAssertEqual(infoField(c, "clients", "blocked_clients"), "0")
    }

    func testAOFRecordsThePopsNotTheBlockingCommands() throws {
        let dir = tempDir()
        let aof = ["--appendonly", "yes", "--appendfsync", "always"]
        var s = try startOnDir(dir, aof)
        let a = try connect(s)
        let p = try connect(s)
        // Served at once.
        expect(p, "RPUSH", "l", "a", "b", "c", is: ":3\r\n")
        expect(p, "BLPOP", "l", "0", is: "*2\r\n$1\r\nl\r\n$1\r\na\r\n")
        expect(p, "BRPOP", "l", "0", is: "*2\r\n$1\r\nl\r\n$1\r\nc\r\n")
        expect(p, "BLMOVE", "l", "m", "LEFT", "RIGHT", "0", is: "$1\r\nb\r\n")
        // Served after blocking.
        sendOnly(a, "BLPOP", "q", "0")
        waitBlocked(p, 1)
        expect(p, "RPUSH", "q", "1", "2", "3", is: ":3\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$1\r\nq\r\n$1\r\n1\r\n")
        sendOnly(a, "BRPOP", "r", "0")
        waitBlocked(p, 1)
        expect(p, "RPUSH", "r", "x", "y", is: ":2\r\n")
        XCTAssertEqual(nextReply(a), "*2\r\n$1\r\nr\r\n$1\r\ny\r\n")
        sendOnly(a, "BLMOVE", "s", "m", "RIGHT", "LEFT", "0")
        waitBlocked(p, 1)
        expect(p, "RPUSH", "s", "s1", "s2", is: ":2\r\n")
        XCTAssertEqual(nextReply(a), "$2\r\ns2\r\n")
        sendOnly(a, "BRPOPLPUSH", "t", "m", "0")
        waitBlocked(p, 1)
        expect(p, "RPUSH", "t", "t1", is: ":1\r\n")
        XCTAssertEqual(nextReply(a), "$2\r\nt1\r\n")
        // A timed-out one writes nothing.
        expect(p, "BLPOP", "none", "0.1", is: "*-1\r\n")
        expect(p, "LRANGE", "m", "0", "-1", is: "*3\r\n$2\r\nt1\r\n$2\r\ns2\r\n$1\r\nb\r\n")

        let bytes = aofBytes(dir)
        let text = String(decoding: bytes, as: UTF8.self)
        for cmd in ["BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "blpop", "brpop", "blmove", "brpoplpush"] {
            XCTAssertFalse(contains(bytes, "$\(cmd.count)\r\n\(cmd)\r\n"), "the AOF holds \(cmd): \(text)")
        }
        XCTAssertTrue(contains(bytes, "$4\r\nLPOP\r\n$1\r\nl\r\n"), text)
        XCTAssertTrue(contains(bytes, "$4\r\nRPOP\r\n$1\r\nl\r\n"), text)
        XCTAssertTrue(contains(bytes, "$4\r\nLPOP\r\n$1\r\nq\r\n"), text)
        XCTAssertTrue(contains(bytes, "$4\r\nRPOP\r\n$1\r\nr\r\n"), text)
        XCTAssertTrue(contains(bytes, "$5\r\nLMOVE\r\n$1\r\nl\r\n$1\r\nm\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n"), text)
        XCTAssertTrue(contains(bytes, "$5\r\nLMOVE\r\n$1\r\ns\r\n$1\r\nm\r\n$5\r\nRIGHT\r\n$4\r\nLEFT\r\n"), text)
        XCTAssertTrue(contains(bytes, "$5\r\nLMOVE\r\n$1\r\nt\r\n$1\r\nm\r\n$5\r\nRIGHT\r\n$4\r\nLEFT\r\n"), text)

        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, aof)
        let c = try connect(s)
        expect(c, "LRANGE", "q", "0", "-1", is: "*2\r\n$1\r\n2\r\n$1\r\n3\r\n")
        expect(c, "LRANGE", "r", "0", "-1", is: "*1\r\n$1\r\nx\r\n")
        expect(c, "LRANGE", "s", "0", "-1", is: "*1\r\n$2\r\ns1\r\n")
        expect(c, "LRANGE", "m", "0", "-1", is: "*3\r\n$2\r\nt1\r\n$2\r\ns2\r\n$1\r\nb\r\n")
        expect(c, "EXISTS", "l", "t", is: ":0\r\n")
    }
}
