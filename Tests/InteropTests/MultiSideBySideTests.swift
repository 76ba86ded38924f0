// Transactions side by side with a real redis-server: the same MULTI/EXEC/DISCARD/WATCH
// sequences, byte for byte, from one connection to each server, and WATCH broken by a second
// connection to each.

import Foundation
import TestSupport
import XCTest

final class MultiSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        ["EXEC"], ["DISCARD"], ["UNWATCH"], ["WATCH"], ["MULTI", "x"],
        ["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], ["EXEC"],
        ["MULTI"], ["EXEC"],
        ["MULTI"], ["MULTI"], ["WATCH", "a"], ["PING"], ["EXEC"],
        ["SET", "s", "text"], ["MULTI"], ["INCR", "s"], ["LPUSH", "s", "x"], ["SET", "t", "ok"], ["EXEC"], ["GET", "t"],
        ["MULTI"], ["SET", "a"], ["SET", "b", "2"], ["EXEC"], ["EXISTS", "b"],
        ["MULTI"], ["GET", "a", "b"], ["EXEC"],
        ["MULTI"], ["SET", "c", "3"], ["DISCARD"], ["EXISTS", "c"],
        ["MULTI"], ["BLPOP", "empty", "0"], ["BLMOVE", "empty", "d", "LEFT", "RIGHT", "0"], ["RPUSH", "q", "x"], ["BRPOP", "q", "0"], ["EXEC"],
        ["WATCH", "a", "b"], ["MULTI"], ["INCR", "a"], ["EXEC"],
        ["WATCH", "a"], ["SET", "a", "changed by me"], ["MULTI"], ["GET", "a"], ["EXEC"],
        ["WATCH", "a"], ["UNWATCH"], ["SET", "a", "again"], ["MULTI"], ["GET", "a"], ["EXEC"],
        ["WATCH", "a"], ["MULTI"], ["UNWATCH"], ["GET", "a"], ["EXEC"],
        ["MULTI"], ["SELECT", "1"], ["SET", "in1", "v"], ["EXEC"], ["GET", "in1"], ["SELECT", "0"], ["GET", "in1"],
    ]

    func testSameTransactionRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(MultiSideBySideTests.commands, ours: a, redis: b)
    }

    func testWatchBrokenByAnotherClientAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        for port in [ours.port, realPort] {
            let c = try RawClient(port: port), other = try RawClient(port: port)
            XCTAssertEqual(try c.callRaw("SET", "k", "1"), Array("+OK\r\n".utf8))
            XCTAssertEqual(try c.callRaw("WATCH", "k"), Array("+OK\r\n".utf8))
            XCTAssertEqual(try other.callRaw("INCR", "k"), Array(":2\r\n".utf8))
            XCTAssertEqual(try c.callRaw("MULTI"), Array("+OK\r\n".utf8))
            XCTAssertEqual(try c.callRaw("INCR", "k"), Array("+QUEUED\r\n".utf8))
            XCTAssertEqual(esc(try c.callRaw("EXEC")), "*-1\\r\\n", "port \(port)")
        }
    }
}
