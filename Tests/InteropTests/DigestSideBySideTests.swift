// DEBUG DIGEST side by side with a real `redis-server` (started with `--enable-debug-command yes`):
// after every write, both servers must print the same 40 hex digits, which holds only if our
// SHA-1, the order of mixing and xor-ing, the type numbers and the score text are Redis's.
//
// The real server is Redis 7.0; its digest algorithm is 6.2's (debug.c's computeDatasetDigest
// did not change), so every digest is compared byte for byte. DEBUG OBJECT's line is compared
// without the address and the LRU fields (they depend on the process and the clock); a list's
// line differs on purpose (7.0 says `ql_listpack_max`, 6.2 `ql_ziplist_max`) and is checked apart.

import Foundation
import TestSupport
import XCTest

final class DigestSideBySideTests: InteropTestCase {
    /// Writes of every type, each followed by DEBUG DIGEST, so that a mismatch names the write.
    static let writes: [[String]] = [
        ["SET", "s", "hello"], ["SET", "n", "100"], ["SET", "big", "12345678901234567890"], ["SET", "neg", "-7"],
        ["SET", "t", "x", "EX", "100"], ["SET", "bin", "a\u{0}b\r\n"], ["SET", "empty", ""],
        ["RPUSH", "L", "a", "b", "1", "2", "c"], ["LPUSH", "L", "front"], ["RPUSH", "L2", "c", "b", "a"],
        ["HSET", "h", "f1", "v1", "f2", "v2", "3", "4"], ["HSET", "h2", "f2", "v2", "f1", "v1", "3", "4"],
        ["SADD", "si", "1", "2", "3", "-5"], ["SADD", "ss", "a", "b", "c"], ["SADD", "ss", "1"],
        ["ZADD", "z", "1", "a", "2.5", "b", "-3", "c", "0.1", "d", "1e300", "e", "inf", "f", "-inf", "g", "5e-324", "h"],
        ["ZADD", "zi", "3", "10", "4", "-20"], ["ZINCRBY", "z", "0.2", "d"],
        ["EXPIRE", "h", "1000"], ["PERSIST", "h"], ["PEXPIRE", "L", "500000"],
        ["SELECT", "5"], ["SET", "s", "hello"], ["SELECT", "15"], ["RPUSH", "L", "a"], ["SELECT", "0"],
        ["DEL", "s"], ["SET", "s", "hello"],
    ]

    func digestAfterEach(_ cmds: [[String]]) -> [[String]] {
        cmds.flatMap { [$0, ["DEBUG", "DIGEST"]] }
    }

    func startBoth() throws -> (RawClient, RawClient) {
        let realPort = try startRealRedis(["--enable-debug-command", "yes"])
        let ours = try startServer()
        return (try RawClient(port: ours.port), try RawClient(port: realPort))
    }

    func testEmptyDatasetIsFortyZeros() throws {
        let (a, b) = try startBoth()
        let zeros = "+" + String(repeating: "0", count: 40) + "\r\n"
        XCTAssertEqual(esc(try a.callRaw("DEBUG", "DIGEST")), esc(Array(zeros.utf8)))
        try assertSameReplies([["DEBUG", "DIGEST"], ["DEBUG", "DIGEST-VALUE", "nosuch", "other"], ["DEBUG", "DIGEST-VALUE"],
                               ["SET", "k", "v"], ["DEL", "k"], ["DEBUG", "DIGEST"],
                               // An empty database after one with keys: only non-empty dbs are mixed in.
                               ["SELECT", "9"], ["SET", "k", "v"], ["SELECT", "0"], ["DEBUG", "DIGEST"], ["FLUSHALL"], ["DEBUG", "DIGEST"]],
                              ours: a, redis: b)
    }

    func testDigestOfEveryTypeAsRealRedis() throws {
        let (a, b) = try startBoth()
        try assertSameReplies(digestAfterEach(DigestSideBySideTests.writes), ours: a, redis: b)
        // Per key, without the key's name: the same value under two names has one digest.
        try assertSameReplies([["DEBUG", "DIGEST-VALUE", "s", "n", "big", "neg", "t", "bin", "empty", "L", "L2", "h", "h2",
                                "si", "ss", "z", "zi", "nosuch"],
                               ["SELECT", "5"], ["DEBUG", "DIGEST-VALUE", "s", "L"], ["SELECT", "0"]],
                              ours: a, redis: b)
        // Hashes with the same pairs in another order have the same digest; a changed value does not.
        guard case .array(let d?) = try a.call("DEBUG", "DIGEST-VALUE", "h", "h2") else { return XCTFail("not an array") }
        XCTAssertEqual(d[0], d[1])
    }

    /// Big aggregates: a hash table, a hash-table set and a skiplist sorted set are walked in
    /// their tables' order, which differs between the servers; xor makes it not matter.
    func testDigestOfBigAggregatesAsRealRedis() throws {
        let (a, b) = try startBoth()
        var hset = ["HSET", "bh"], sadd = ["SADD", "bs"], zadd = ["ZADD", "bz"], rpush = ["RPUSH", "bl"]
        for i in 0..<700 {
            hset += ["field:\(i)", "value:\(i * 7)"]
            sadd += ["member:\(i)"]
            zadd += [String(Double(i) / 3), "m\(i)"]
            rpush += ["item:\(i)"]
        }
        try assertSameReplies(digestAfterEach([hset, sadd, zadd, rpush, ["SADD", "bi"] + (0..<600).map { String($0 * 3) },
                                               ["OBJECT", "ENCODING", "bi"], ["HDEL", "bh", "field:3"], ["ZREM", "bz", "m9"],
                                               ["LPOP", "bl"], ["SREM", "bs", "member:1"]]),
                              ours: a, redis: b)
        try assertSameReplies([["DEBUG", "DIGEST-VALUE", "bh", "bs", "bz", "bl", "bi"]], ours: a, redis: b)
    }

    /// DEBUG OBJECT: the same refcount, encoding and serializedlength for strings; the same error.
    func testDebugObjectAsRealRedis() throws {
        let (a, b) = try startBoth()
        for c in [a, b] {
            for (k, v) in [("s", "hello"), ("n", "100"), ("n2", "10000"), ("i16", "-3000"), ("i32", "70000"), ("big", "12345678901"),
                           ("long", String(repeating: "x", count: 19)), ("raw", "a" + String(repeating: "b", count: 50))] {
                _ = try c.call("SET", k, v)
            }
            _ = try c.call("SADD", "set", "1", "2")
            _ = try c.call("HSET", "hash", "f", "v")
        }
        func stable(_ c: RawClient, _ key: String) throws -> String {
            guard case .simple(let line) = try c.call("DEBUG", "OBJECT", key) else { return "not a status" }
            // Value at:0x… refcount:… encoding:… serializedlength:… lru:… lru_seconds_idle:…
            let words = line.split(separator: " ")
            XCTAssertEqual(words.first, "Value", line)
            return words.filter { $0.hasPrefix("refcount:") || $0.hasPrefix("encoding:") || $0.hasPrefix("serializedlength:") }
                .joined(separator: " ")
        }
        for key in ["s", "n", "n2", "i16", "i32", "big", "long", "set"] {
            XCTAssertEqual(try stable(a, key), try stable(b, key), key)
        }
        // `raw` (51 bytes) is LZF-compressed in Redis's RDB; our serializedlength leaves LZF out.
        XCTAssertEqual(try stable(a, "raw").split(separator: " ").dropLast(), try stable(b, "raw").split(separator: " ").dropLast())
        try assertSameReplies([["DEBUG", "OBJECT", "nosuch"]], ours: a, redis: b)
        // Where 7.0 differs on purpose: a small hash is a listpack there (6.2: a ziplist of
        // 11 + 3 + 3 bytes, saved as a 1-byte length and the blob), and 7.0 lower-cased "Unknown".
        XCTAssertEqual(try stable(a, "hash"), "refcount:1 encoding:ziplist serializedlength:18")
        try assertRedis62Replies([(["DEBUG", "OBJECT"], "-ERR Unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.\r\n",
                                   "7.0 starts the sentence with a lower-case 'unknown'")], ours: a, redis: b)
        // A list: 6.2's quicklist of ziplists (7.0's of listpacks).
        _ = try a.call("RPUSH", "L", "a", "b")
        guard case .simple(let line) = try a.call("DEBUG", "OBJECT", "L") else { return XCTFail("not a status") }
        XCTAssert(line.contains(" encoding:quicklist ") && line.contains(" ql_nodes:1 ql_avg_node:2.00 ql_ziplist_max:-2 ql_compressed:0 "), line)
    }
}
