// MOVE, COPY, SWAPDB and TOUCH side by side with a real redis-server (started with
// `--enable-debug-command yes`), byte for byte: every reply and error text, in Redis's order of
// checks; DEBUG DIGEST after each step, so that what ended up in which database, with which
// expiry time, is the same on both (the expiry times are absolute PEXPIREATs, the same on both
// servers, since the digest mixes them in); deep copies of big aggregates; and what WATCH and
// a blocked client see when another connection swaps their database.
//
// The real server is Redis 7.0; these four commands answer as in 6.2 there (7.0 changed only
// how SWAPDB treats watched keys that have already expired, which no step here involves).
//
// Redis: moveCommand, copyCommand, swapdbCommand, dbSwapDatabases, touchCommand (src/db.c)

import Foundation
import TestSupport
import XCTest

final class MoveCopySideBySideTests: InteropTestCase {
    /// Our server and a real one; their ports.
    func startBothPorts() throws -> (ours: Int, redis: Int) {
        let realPort = try startRealRedis(["--enable-debug-command", "yes"])
        return (try startServer().port, realPort)
    }

    /// One connection to each of a fresh pair of servers.
    func startBoth() throws -> (RawClient, RawClient) {
        let (ours, redis) = try startBothPorts()
        return (try RawClient(port: ours), try RawClient(port: redis))
    }

    /// Each command followed by DEBUG DIGEST, so that a mismatch names the step.
    func digestAfterEach(_ cmds: [[String]]) -> [[String]] { cmds.flatMap { [$0, ["DEBUG", "DIGEST"]] } }

    /// An absolute expiry time far in the future: the same on both servers.
    static let later = "4102444800000"

    func testMoveAsRealRedis() throws {
        let (a, b) = try startBoth()
        try assertSameReplies(digestAfterEach([
            ["SET", "s", "v"], ["RPUSH", "L", "a", "b"], ["PEXPIREAT", "L", MoveCopySideBySideTests.later],
            ["MOVE", "s", "1"], ["MOVE", "L", "1"], ["MOVE", "nosuch", "1"],
            ["SET", "s", "again"], ["MOVE", "s", "1"],             // the target has it: 0
            ["SELECT", "1"], ["MOVE", "L", "15"], ["SELECT", "15"], ["MOVE", "L", "0"], ["SELECT", "0"],
        ]), ours: a, redis: b)
        try assertSameReplies([
            ["MOVE", "s", "x"], ["MOVE", "s", "1.5"], ["MOVE", "s", ""], ["MOVE", "s", "16"], ["MOVE", "s", "-1"],
            ["MOVE", "s", "2147483648"], ["MOVE", "s", "-2147483649"], ["MOVE", "s", "99999999999999999999"],
            ["MOVE", "s", "0"], ["MOVE", "nosuch", "0"], ["MOVE", "s"], ["MOVE", "s", "1", "2"],
            ["EXISTS", "s", "L"], ["PTTL", "s"], ["DBSIZE"],
        ], ours: a, redis: b)
    }

    func testCopyAsRealRedis() throws {
        let (a, b) = try startBoth()
        try assertSameReplies(digestAfterEach([
            ["SET", "s", "v"], ["RPUSH", "L", "a", "b", "c"], ["HSET", "h", "f1", "v1", "f2", "v2"],
            ["SADD", "si", "1", "2", "3"], ["SADD", "ss", "x", "y"], ["ZADD", "z", "1", "a", "2", "b"],
            ["PEXPIREAT", "h", MoveCopySideBySideTests.later],
            ["COPY", "s", "s2"], ["COPY", "L", "L2"], ["COPY", "L", "L2"], ["COPY", "h", "h", "DB", "3"],
            ["COPY", "si", "si2", "db", "2"], ["COPY", "ss", "L2", "REPLACE"], ["COPY", "z", "z", "REPLACE", "DB", "4"],
            ["COPY", "s", "h", "replace"], ["COPY", "nosuch", "x"], ["COPY", "s", "c", "DB", "1", "DB", "2"],
            // Writes to the copies: the originals stay as they were.
            ["RPUSH", "L", "d"], ["SELECT", "4"], ["ZINCRBY", "z", "10", "a"], ["SELECT", "3"], ["HSET", "h", "f1", "new"],
            ["SELECT", "0"],
        ]), ours: a, redis: b)
        try assertSameReplies([
            ["LRANGE", "L", "0", "-1"], ["TYPE", "L2"], ["SCARD", "L2"], ["SISMEMBER", "L2", "x"], ["HGETALL", "h"], ["TYPE", "h"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
            ["SELECT", "3"], ["HGETALL", "h"], ["SELECT", "4"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["SELECT", "0"],
            ["COPY", "s", "s"], ["COPY", "s", "s", "DB", "0"], ["COPY", "s", "t", "DB"], ["COPY", "s", "t", "DB", "x"],
            ["COPY", "s", "t", "DB", "16"], ["COPY", "s", "t", "DB", "-1"], ["COPY", "s", "t", "DB", "2147483648"],
            ["COPY", "s", "t", "foo"], ["COPY", "s", "t", "REPLACE", "foo"], ["COPY", "s", "t", "DB", "x", "foo"],
            ["COPY", "s", "t", "foo", "DB", "x"], ["COPY", "nosuch", "nosuch"], ["COPY", "s"], ["EXISTS", "t"],
        ], ours: a, redis: b)
    }

    /// Big aggregates (a hash table, a hash-table set, a skiplist, a long list) copied across
    /// databases: the digests match, and a write to each copy leaves the original's alone.
    func testCopyOfBigAggregatesAsRealRedis() throws {
        let (a, b) = try startBoth()
        var hset = ["HSET", "bh"], sadd = ["SADD", "bs"], zadd = ["ZADD", "bz"], rpush = ["RPUSH", "bl"]
        for i in 0..<300 {
            hset += ["field:\(i)", "value:\(i)"]
            sadd += ["member:\(i)"]
            zadd += [String(i * 3), "m\(i)"]
            rpush += ["item:\(i)"]
        }
        var steps = [hset, sadd, zadd, rpush, ["SADD", "bi"] + (0..<600).map { String($0) }]
        for key in ["bh", "bs", "bz", "bl", "bi"] { steps.append(["COPY", key, key, "DB", "7"]) }
        steps += [["SELECT", "7"], ["HDEL", "bh", "field:3"], ["SREM", "bs", "member:1"], ["ZREM", "bz", "m9"],
                  ["LPOP", "bl"], ["SREM", "bi", "5"], ["SELECT", "0"]]
        try assertSameReplies(digestAfterEach(steps), ours: a, redis: b)
        try assertSameReplies([["HLEN", "bh"], ["SCARD", "bs"], ["ZCARD", "bz"], ["LLEN", "bl"], ["SCARD", "bi"],
                               ["DEBUG", "DIGEST-VALUE", "bh", "bs", "bz", "bl", "bi"],
                               ["SELECT", "7"], ["HLEN", "bh"], ["SCARD", "bs"], ["ZCARD", "bz"], ["LLEN", "bl"], ["SCARD", "bi"]],
                              ours: a, redis: b)
    }

    func testSwapdbAndTouchAsRealRedis() throws {
        let (a, b) = try startBoth()
        try assertSameReplies(digestAfterEach([
            ["SET", "zero", "0"], ["PEXPIREAT", "zero", MoveCopySideBySideTests.later], ["SELECT", "1"], ["RPUSH", "one", "1"],
            ["SWAPDB", "0", "1"], ["DBSIZE"], ["GET", "zero"], ["SELECT", "0"], ["DBSIZE"], ["LRANGE", "one", "0", "-1"],
            ["SWAPDB", "0", "15"], ["SWAPDB", "5", "5"], ["SWAPDB", "15", "1"],
        ]), ours: a, redis: b)
        try assertSameReplies([
            ["SWAPDB", "a", "1"], ["SWAPDB", "1", "a"], ["SWAPDB", "a", "b"], ["SWAPDB", "16", "x"], ["SWAPDB", "1", "16"],
            ["SWAPDB", "-1", "0"], ["SWAPDB", "99999999999", "0"], ["SWAPDB", "0", "1.0"], ["SWAPDB", "0"], ["SWAPDB", "0", "1", "2"],
            ["SET", "t1", "x"], ["TOUCH", "t1", "t1", "nosuch"], ["TOUCH", "nosuch"], ["TOUCH"], ["DEBUG", "DIGEST"],
        ], ours: a, redis: b)
    }

    /// Two connections on each server: one WATCHes, the other swaps. EXEC fails when a watched
    /// key exists on either side of the swap, runs when it exists on neither.
    func testSwapdbAndWatchAsRealRedis() throws {
        let (ours, redis) = try startBothPorts()
        let (a, b) = (try RawClient(port: ours), try RawClient(port: redis))
        let (a2, b2) = (try RawClient(port: ours), try RawClient(port: redis))
        let setup: [[String]] = [["SELECT", "1"], ["SET", "k1", "v"], ["SELECT", "0"], ["SET", "k0", "v"]]
        try assertSameReplies(setup, ours: a2, redis: b2)
        for watched in ["k1", "k0", "neither"] {
            try assertSameReplies([["WATCH", watched]], ours: a, redis: b)
            try assertSameReplies([["SWAPDB", "0", "1"]], ours: a2, redis: b2)
            try assertSameReplies([["MULTI"], ["GET", watched], ["EXEC"]], ours: a, redis: b)
        }
        // MOVE and COPY seen by a watcher of the destination.
        try assertSameReplies([["SELECT", "2"], ["WATCH", "k0"]], ours: a, redis: b)
        try assertSameReplies([["COPY", "k0", "k0", "DB", "2"]], ours: a2, redis: b2)
        try assertSameReplies([["MULTI"], ["GET", "k0"], ["EXEC"]], ours: a, redis: b)
    }

    /// A client blocked on a key that SWAPDB makes a list is served with the same reply; one
    /// blocked on a key that becomes a string is not.
    func testSwapdbServesBlockedClientsAsRealRedis() throws {
        let (ours, redis) = try startBothPorts()
        let (a, b) = (try RawClient(port: ours), try RawClient(port: redis))
        let (a2, b2) = (try RawClient(port: ours), try RawClient(port: redis))
        for c in [a, b] { c.send(raw: RawClient.encode([Array("BLPOP".utf8), Array("str".utf8), Array("q".utf8), Array("0".utf8)])) }
        try assertSameReplies([["SELECT", "1"], ["SET", "str", "x"], ["RPUSH", "q", "first", "second"],
                               ["SWAPDB", "0", "1"], ["SELECT", "0"], ["LRANGE", "q", "0", "-1"]], ours: a2, redis: b2)
        let mine = try a.readRawReply(), theirs = try b.readRawReply()
        XCTAssertEqual(esc(mine), esc(theirs))
        XCTAssertEqual(esc(mine), esc(Array("*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n".utf8)))
    }
}
