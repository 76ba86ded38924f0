// Sorted sets, side by side with a real `redis-server`: the same commands as raw RESP to both,
// byte-for-byte the same replies, in RESP2 and RESP3, for small sets (the ziplist encoding) and a
// set of 1000 members (the skiplist encoding).
//
// The real server is Redis 7.0: OBJECT ENCODING of a small sorted set says `listpack` there
// (7.0 replaced the ziplist by the listpack) where we, following 6.2, say `ziplist`; those and
// the other deliberate 7.0 changes are in `redis62Only`, checked against our 6.2 reply alone.

import Foundation
import TestSupport
import XCTest

final class ZSetSideBySideTests: InteropTestCase {
    /// Every sorted-set command, with its errors and corner scores.
    static let commands: [[String]] = [
        // ZADD and its options
        ["ZADD", "z", "1", "a"], ["ZADD", "z", "2", "b", "3", "c"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "CH", "5", "a"],
        ["ZADD", "z", "NX", "9", "a", "4", "d"], ["ZADD", "z", "XX", "6", "a", "7", "e"], ["ZADD", "z", "XX", "CH", "6", "a", "8", "a"],
        ["ZADD", "z", "GT", "1", "a"], ["ZADD", "z", "GT", "CH", "10", "a"], ["ZADD", "z", "LT", "CH", "0.5", "a"],
        ["ZADD", "z", "LT", "CH", "100", "a"], ["ZADD", "z", "XX", "GT", "CH", "20", "a"], ["ZSCORE", "z", "a"],
        ["ZADD", "z", "NX", "XX", "1", "a"], ["ZADD", "z", "GT", "LT", "1", "a"], ["ZADD", "z", "NX", "GT", "1", "a"],
        ["ZADD", "z", "NX", "LT", "1", "a"], ["ZADD", "z", "INCR", "1", "a", "2", "b"], ["ZADD", "z", "1"],
        ["ZADD", "z", "1", "a", "2"], ["ZADD", "z", "abc", "a"], ["ZADD", "z", "1", "x", "nan", "y"], ["ZSCORE", "z", "x"],
        ["ZADD", "z", " 1", "x"], ["ZADD", "z", "1abc", "x"], ["ZADD", "z", "", "x"], ["ZADD", "z", "NX"], ["ZADD", "z"],
        ["ZADD", "z", "INCR", "5", "a"], ["ZADD", "z", "INCR", "NX", "5", "a"], ["ZADD", "z", "INCR", "XX", "5", "nosuch"],
        ["ZADD", "z", "INCR", "GT", "-1", "a"], ["ZADD", "z", "INCR", "LT", "-1", "a"], ["ZADD", "z", "INCR", "0", "a"],
        ["ZADD", "nokey", "XX", "1", "a"], ["EXISTS", "nokey"], ["ZADD", "nokey", "XX", "INCR", "1", "a"],
        // Corner scores and their printing
        ["ZADD", "s", "0.1", "p1", "1e308", "big", "-inf", "ninf", "+inf", "pinf", "12345678901234567", "d17"],
        ["ZADD", "s", "0.30000000000000004", "third", "1.7976931348623157e308", "max", "5e-324", "tiny"],
        ["ZADD", "s", "3.14159265358979323846", "pi", "-1.5", "neg", "1E3", "exp", "inf", "inf2", "-INF", "ninf2"],
        ["ZRANGE", "s", "0", "-1", "WITHSCORES"], ["ZSCORE", "s", "d17"], ["ZMSCORE", "s", "pi", "nosuch", "tiny"],
        ["ZADD", "s", "1e309", "over"], ["ZINCRBY", "s", "-inf", "pinf"], ["ZINCRBY", "s", "inf", "ninf"], ["ZINCRBY", "s", "0.2", "p1"],
        ["ZINCRBY", "s", "1", "newmember"], ["ZINCRBY", "s", "abc", "p1"], ["ZINCRBY", "s", "1"], ["ZADD", "s", "INCR", "inf", "ninf"],
        // ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZREM
        ["ZCARD", "z"], ["ZCARD", "nosuch"], ["ZSCORE", "nosuch", "a"], ["ZSCORE", "z", "nosuch"], ["ZMSCORE", "nosuch", "a", "b"],
        ["ZMSCORE", "z"], ["ZRANK", "z", "a"], ["ZRANK", "z", "b"], ["ZREVRANK", "z", "b"], ["ZRANK", "z", "nosuch"],
        ["ZRANK", "nosuch", "a"], ["ZREVRANK", "s", "ninf"], ["ZREM", "z", "d", "nosuch", "d"], ["ZREM", "nosuch", "a"], ["ZREM", "z"],
        // Wrong type
        ["SET", "str", "v"], ["ZADD", "str", "1", "a"], ["ZSCORE", "str", "a"], ["ZCARD", "str"], ["ZRANGE", "str", "0", "-1"],
        ["ZRANK", "str", "a"], ["ZREM", "str", "a"], ["ZINCRBY", "str", "1", "a"], ["ZPOPMIN", "str"], ["ZCOUNT", "str", "0", "1"],
        ["ZSCAN", "str", "0"], ["ZUNIONSTORE", "out", "1", "str"], ["ZMSCORE", "str", "a"], ["ZREMRANGEBYRANK", "str", "0", "1"],
        // ZRANGE by rank
        ["DEL", "r"], ["ZADD", "r", "1", "one", "2", "two", "3", "three", "4", "four", "5", "five"],
        ["ZRANGE", "r", "0", "-1"], ["ZRANGE", "r", "1", "2", "WITHSCORES"], ["ZRANGE", "r", "-2", "-1"], ["ZRANGE", "r", "-100", "100"],
        ["ZRANGE", "r", "3", "1"], ["ZRANGE", "r", "10", "20"], ["ZRANGE", "r", "0", "-1", "REV"], ["ZRANGE", "r", "0", "1", "REV", "WITHSCORES"],
        ["ZREVRANGE", "r", "0", "1"], ["ZREVRANGE", "r", "0", "-1", "WITHSCORES"], ["ZRANGE", "r", "a", "1"], ["ZRANGE", "r", "0", "1", "LIMIT", "0", "1"],
        ["ZRANGE", "r", "0", "1", "LIMIT", "0", "-1"], ["ZRANGE", "r", "0", "1", "FOO"], ["ZRANGE", "nosuch", "0", "-1"], ["ZRANGE", "r", "0"],
        ["ZREVRANGE", "r", "0", "1", "REV"], ["ZRANGE", "r", "0", "1", "LIMIT", "x", "1"],
        // By score
        ["ZRANGE", "r", "2", "4", "BYSCORE"], ["ZRANGE", "r", "(2", "4", "BYSCORE"], ["ZRANGE", "r", "(2", "(4", "BYSCORE", "WITHSCORES"],
        ["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"], ["ZRANGE", "r", "+inf", "-inf", "BYSCORE", "REV"],
        ["ZRANGE", "r", "4", "2", "BYSCORE", "REV", "LIMIT", "1", "5", "WITHSCORES"], ["ZRANGE", "r", "2", "4", "BYSCORE", "LIMIT", "-1", "2"],
        ["ZRANGE", "r", "2", "4", "BYSCORE", "LIMIT", "0", "0"], ["ZRANGE", "r", "2", "4", "BYSCORE", "LIMIT", "0", "-5"],
        ["ZRANGE", "r", "2", "4", "BYSCORE", "LIMIT", "9", "1"], ["ZRANGE", "r", "x", "4", "BYSCORE"], ["ZRANGE", "r", "(", "4", "BYSCORE"],
        ["ZRANGE", "r", "1", "nan", "BYSCORE"], ["ZRANGE", "r", "4", "2", "BYSCORE"], ["ZRANGE", "r", "(2", "(2", "BYSCORE"],
        ["ZRANGEBYSCORE", "r", "-inf", "+inf"], ["ZRANGEBYSCORE", "r", "2", "+inf", "WITHSCORES", "LIMIT", "1", "10"],
        ["ZRANGEBYSCORE", "r", "0", "1", "BYSCORE"], ["ZREVRANGEBYSCORE", "r", "+inf", "-inf", "WITHSCORES"],
        ["ZREVRANGEBYSCORE", "r", "(4", "2", "LIMIT", "0", "1"], ["ZRANGEBYSCORE", "r", "a", "b"], ["ZRANGEBYSCORE", "r", "1", "2", "LIMIT", "1"],
        ["ZCOUNT", "r", "-inf", "+inf"], ["ZCOUNT", "r", "(1", "3"], ["ZCOUNT", "r", "5", "1"], ["ZCOUNT", "r", "x", "1"], ["ZCOUNT", "nosuch", "0", "1"],
        // By lex
        ["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "aa", "0", "ab"],
        ["ZRANGEBYLEX", "lex", "-", "+"], ["ZRANGEBYLEX", "lex", "[a", "(c"], ["ZRANGEBYLEX", "lex", "(a", "[c"], ["ZRANGEBYLEX", "lex", "-", "[b", "LIMIT", "1", "2"],
        ["ZRANGEBYLEX", "lex", "+", "-"], ["ZRANGEBYLEX", "lex", "a", "c"], ["ZRANGEBYLEX", "lex", "[a", "+x"], ["ZRANGEBYLEX", "lex", "-", "+", "WITHSCORES"],
        ["ZREVRANGEBYLEX", "lex", "+", "-"], ["ZREVRANGEBYLEX", "lex", "[c", "(a", "LIMIT", "0", "2"], ["ZRANGE", "lex", "[b", "[d", "BYLEX"],
        ["ZRANGE", "lex", "[d", "[b", "BYLEX", "REV"], ["ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"], ["ZRANGE", "lex", "(", "+", "BYLEX"],
        ["ZLEXCOUNT", "lex", "-", "+"], ["ZLEXCOUNT", "lex", "[aa", "(b"], ["ZLEXCOUNT", "lex", "x", "+"], ["ZLEXCOUNT", "nosuch", "-", "+"],
        ["ZREMRANGEBYLEX", "lex", "[aa", "[ab"], ["ZRANGE", "lex", "0", "-1"], ["ZREMRANGEBYLEX", "lex", "x", "y"], ["ZREMRANGEBYLEX", "nosuch", "-", "+"],
        // Removals by rank and score; an emptied set deletes its key
        ["ZREMRANGEBYRANK", "r", "0", "0"], ["ZRANGE", "r", "0", "-1"], ["ZREMRANGEBYRANK", "r", "-1", "-1"], ["ZREMRANGEBYRANK", "r", "5", "10"],
        ["ZREMRANGEBYRANK", "r", "a", "1"], ["ZREMRANGEBYSCORE", "r", "(2", "3"], ["ZREMRANGEBYSCORE", "r", "x", "3"], ["ZRANGE", "r", "0", "-1", "WITHSCORES"],
        ["ZREMRANGEBYSCORE", "r", "-inf", "+inf"], ["EXISTS", "r"], ["ZREMRANGEBYSCORE", "nosuch", "0", "1"], ["ZREMRANGEBYRANK", "nosuch", "0", "1"],
        ["ZREMRANGEBYLEX", "lex", "-", "+"], ["EXISTS", "lex"],
        // ZPOPMIN, ZPOPMAX
        ["ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZPOPMIN", "p"], ["ZPOPMAX", "p"], ["ZPOPMIN", "p", "0"], 
        ["ZPOPMIN", "p", "1", "2"], ["ZPOPMAX", "p", "10"], ["EXISTS", "p"], ["ZPOPMIN", "nosuch"], ["ZPOPMAX", "nosuch", "3"], ["ZPOPMIN"],
        // ZUNION, ZINTER, ZDIFF, ZDIFFSTORE
        ["ZADD", "u1", "1", "a", "2", "b", "3", "c"], ["ZADD", "u2", "10", "b", "20", "d"], ["SADD", "us", "a", "d"],
        ["ZUNION", "2", "u1", "u2"], ["ZUNION", "2", "u1", "u2", "WITHSCORES"], ["ZUNION", "3", "u1", "u2", "us", "WEIGHTS", "1", "2", "3", "WITHSCORES"],
        ["ZUNION", "2", "u1", "u2", "AGGREGATE", "MAX", "WITHSCORES"], ["ZINTER", "2", "u1", "u2", "WITHSCORES"], ["ZINTER", "2", "u1", "us"],
        ["ZINTER", "2", "u1", "nosuch"], ["ZDIFF", "2", "u1", "u2"], ["ZDIFF", "2", "u1", "u2", "WITHSCORES"], ["ZDIFF", "3", "u1", "u2", "us", "WITHSCORES"],
        ["ZDIFF", "1", "nosuch"], ["ZDIFF", "2", "u1", "u2", "WEIGHTS", "1", "1"], ["ZDIFF", "2", "u1", "u2", "AGGREGATE", "SUM"],
        ["ZDIFFSTORE", "ud", "2", "u1", "u2"], ["ZRANGE", "ud", "0", "-1", "WITHSCORES"], ["ZDIFFSTORE", "ud", "2", "u1", "u1"], ["EXISTS", "ud"],
        ["ZDIFFSTORE", "ud", "2", "u1", "u2", "WITHSCORES"], ["ZUNIONSTORE", "ud", "1", "u1", "WITHSCORES"], 
        ["ZINTER", "3", "u1", "u2"], ["ZUNION", "x", "u1"], ["ZUNION", "1", "str"], ["ZDIFF", "2", "u1", "str"], ["ZUNION", "1"], ["ZDIFF", "1", "u1", "FOO"],
        // ZRANDMEMBER: the deterministic cases (a count that covers the set gives it in order)
        ["ZADD", "rm", "1", "a", "2", "b", "3", "c"], ["ZRANDMEMBER", "rm", "3"], ["ZRANDMEMBER", "rm", "10", "WITHSCORES"], ["ZRANDMEMBER", "rm", "0"],
        ["ZRANDMEMBER", "nosuch"], ["ZRANDMEMBER", "nosuch", "5"], ["ZRANDMEMBER", "nosuch", "-5", "WITHSCORES"], ["ZRANDMEMBER", "str"],
        ["ZRANDMEMBER", "str", "1"], ["ZRANDMEMBER", "rm", "x"], ["ZRANDMEMBER", "rm", "1", "FOO"], ["ZRANDMEMBER", "rm", "1", "WITHSCORES", "x"],
        ["ZRANDMEMBER", "rm", "-9223372036854775808"], ["ZRANDMEMBER", "rm", "9223372036854775807", "WITHSCORES"], ["ZRANDMEMBER"],
        // ZRANGESTORE
        ["ZADD", "rs", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZRANGESTORE", "rd", "rs", "1", "2"], ["ZRANGE", "rd", "0", "-1", "WITHSCORES"],
        ["ZRANGESTORE", "rd", "rs", "(1", "+inf", "BYSCORE", "LIMIT", "1", "5"], ["ZRANGE", "rd", "0", "-1", "WITHSCORES"],
        ["ZRANGESTORE", "rd", "rs", "+inf", "2", "BYSCORE", "REV"], ["ZRANGE", "rd", "0", "-1"], ["ZRANGESTORE", "rd", "rs", "[b", "[c", "BYLEX"],
        ["ZRANGESTORE", "rd", "rs", "0", "-1", "REV"], ["ZRANGE", "rd", "0", "-1"], ["ZRANGESTORE", "rd", "rs", "5", "9"], ["EXISTS", "rd"],
        ["ZRANGESTORE", "rd", "nosuch", "0", "-1"], ["ZRANGESTORE", "rd", "rs", "0", "-1", "WITHSCORES"], ["ZRANGESTORE", "rd", "str", "0", "-1"],
        ["ZRANGESTORE", "rd", "rs", "a", "b"], ["ZRANGESTORE", "rd", "rs", "0"], ["ZRANGESTORE", "rd", "rs", "0", "1", "LIMIT", "0", "1"],
        ["SET", "rstr", "x"], ["ZRANGESTORE", "rstr", "rs", "0", "0"], ["TYPE", "rstr"],
        // BZPOPMIN, BZPOPMAX: the forms that answer at once, and a timeout
        ["ZADD", "bz", "1", "a", "2", "b", "3", "c"], ["BZPOPMIN", "nosuch", "bz", "0"], ["BZPOPMAX", "bz", "0"],
        ["BZPOPMIN", "bz", "0.01"], ["BZPOPMIN", "bz", "0.01"], ["EXISTS", "bz"], ["BZPOPMIN", "str", "0"], ["BZPOPMAX", "bz", "x"],
        ["BZPOPMAX", "bz", "-1"], ["BZPOPMIN", "bz"],
        // ZSCAN
        ["ZADD", "sc", "1", "m1", "2.5", "m2", "-inf", "m3"], ["ZSCAN", "sc", "0"], ["ZSCAN", "sc", "0", "MATCH", "m[12]"], ["ZSCAN", "sc", "0", "COUNT", "1"],
        ["ZSCAN", "sc", "abc"], ["ZSCAN", "sc", "0", "COUNT", "0"], ["ZSCAN", "sc", "0", "FOO"], ["ZSCAN", "nosuch", "0"], ["ZSCAN", "sc", "0", "TYPE", "zset"],
        // ZUNIONSTORE, ZINTERSTORE
        ["ZADD", "u1", "1", "a", "2", "b", "3", "c"], ["ZADD", "u2", "10", "b", "20", "c", "30", "d"], 
        ["ZUNIONSTORE", "out", "2", "u1", "u2"], ["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        ["ZINTERSTORE", "out", "2", "u1", "u2"], ["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        ["ZUNIONSTORE", "out", "2", "u1", "u2", "WEIGHTS", "2", "0.5"], ["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        ["ZUNIONSTORE", "out", "2", "u1", "u2", "AGGREGATE", "MIN"], ["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        ["ZINTERSTORE", "out", "2", "u1", "u2", "AGGREGATE", "max", "WEIGHTS", "1", "-1"], ["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        ["ZUNIONSTORE", "out", "2", "u1", "nosuch"], ["ZINTERSTORE", "out", "2", "u1", "nosuch"], ["EXISTS", "out"],
        ["ZUNIONSTORE", "out", "abc", "u1"], ["ZUNIONSTORE", "out", "3", "u1", "u2"],
        ["ZUNIONSTORE", "out", "2", "u1", "u2", "WEIGHTS", "1"], ["ZUNIONSTORE", "out", "2", "u1", "u2", "WEIGHTS", "1", "x"],
        ["ZUNIONSTORE", "out", "2", "u1", "u2", "AGGREGATE", "avg"], ["ZUNIONSTORE", "out", "2", "u1", "u2", "AGGREGATE"],
        ["ZUNIONSTORE", "out", "1", "u1", "WITHSCORES"], ["ZUNIONSTORE", "out", "1", "u1", "FOO"],
        ["ZADD", "i1", "inf", "x"], ["ZADD", "i2", "-inf", "x"], ["ZUNIONSTORE", "out", "2", "i1", "i2"], ["ZSCORE", "out", "x"],
        ["ZUNIONSTORE", "out", "1", "i1", "WEIGHTS", "0"], ["ZSCORE", "out", "x"],
        ["SET", "out", "string"], ["EXPIRE", "out", "100"], ["ZUNIONSTORE", "out", "1", "u1"], ["TTL", "out"], ["TYPE", "out"],
        ["ZUNIONSTORE", "u1", "2", "u1", "u2"], ["ZRANGE", "u1", "0", "-1", "WITHSCORES"],
        // Types and encodings of the results
        ["TYPE", "z"], ["OBJECT", "ENCODING", "nosuch"],
    ]

    /// Our 6.2 replies where Redis 7.0 replies differently on purpose; not byte-compared.
    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["OBJECT", "ENCODING", "small"], "$7\r\nziplist\r\n", "Redis 7.0 keeps small sorted sets in a listpack"),
        (["ZUNION", "0", "u1"], "-ERR at least 1 input key is needed for zunion\r\n", "Redis 7.0 quotes the name: 'zunion' command"),
        (["ZDIFF", "0", "u1"], "-ERR at least 1 input key is needed for zdiff\r\n", "Redis 7.0 quotes the name: 'zdiff' command"),
        (["ZPOPMIN", "small", "-1"], "*0\r\n", "Redis 7.0 rejects a negative count (value is out of range, must be positive)"),
        (["ZPOPMIN", "small", "abc"], "-ERR value is not an integer or out of range\r\n",
         "Redis 7.0 answers \"value is out of range, must be positive\""),
        (["ZUNIONSTORE", "out", "0", "small"], "-ERR at least 1 input key is needed for zunionstore\r\n",
         "Redis 7.0 says \"at least 1 input key is needed for 'zunionstore' command\""),
        (["ZINTERSTORE", "out", "-1", "small"], "-ERR at least 1 input key is needed for zinterstore\r\n",
         "Redis 7.0 says \"at least 1 input key is needed for 'zinterstore' command\""),
        (["ZADD", "small", "-0", "negzero"], ":1\r\n", "(sets up the next line)"),
        (["ZSCORE", "small", "negzero"], "$2\r\n-0\r\n",
         "Redis 6.2 keeps the sign of -0 (d2string writes \"-0\"); 7.0 stores an integral score as the integer 0"),
    ]

    func testSameRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(ZSetSideBySideTests.commands, ours: a, redis: b)
        for c in [a, b] { _ = try c.call("ZADD", "small", "1", "a", "2", "b") }
        try assertRedis62Replies(ZSetSideBySideTests.redis62Only, ours: a, redis: b)
    }

    /// RESP3: scores as doubles (`,`), WITHSCORES as pairs, ZPOPMIN flat in 6.2.
    func testSameRESP3Replies() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        _ = try a.call("HELLO", "3")
        _ = try b.call("HELLO", "3")
        try assertSameReplies([
            ["ZADD", "z", "1.5", "a", "inf", "b", "-2", "c"], ["ZSCORE", "z", "a"], ["ZSCORE", "z", "b"], ["ZMSCORE", "z", "a", "x"],
            ["ZINCRBY", "z", "1", "a"], ["ZADD", "z", "INCR", "1", "a"], ["ZADD", "z", "NX", "INCR", "1", "a"],
            ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"],
            ["ZREVRANGE", "z", "0", "-1", "WITHSCORES"], ["ZRANGE", "z", "0", "-1"], ["ZSCAN", "z", "0"], ["ZPOPMIN", "z"], ["ZPOPMIN", "nosuch"],
            ["ZADD", "u1", "1", "a", "2.5", "b"], ["ZADD", "u2", "3", "b"], ["ZUNION", "2", "u1", "u2", "WITHSCORES"], ["ZINTER", "2", "u1", "u2"],
            ["ZDIFF", "2", "u1", "u2", "WITHSCORES"], ["ZRANDMEMBER", "u1", "5", "WITHSCORES"],
            ["ZADD", "bz", "2.5", "m"], ["BZPOPMIN", "bz", "0"], ["BZPOPMAX", "bz", "0.01"],
        ], ours: a, redis: b)
        // Redis 7.0 nests ZPOPMIN's reply with a count in RESP3; 6.2 keeps it flat.
        XCTAssertEqual(esc(try a.callRaw("ZPOPMAX", "z", "2")), esc(Array("*4\r\n$1\r\nb\r\n,inf\r\n$1\r\na\r\n,3.5\r\n".utf8)))
    }

    /// A set of 1000 members is in the skiplist encoding in both servers; every read agrees.
    func testBigSortedSetAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        var add = ["ZADD", "big"]
        for i in 0..<1000 { add += [String(Double((i * 7919) % 1000) / 8), "member:\((i * 31) % 1000)"] }
        var cmds: [[String]] = [add, ["ZCARD", "big"], ["OBJECT", "ENCODING", "big"], ["ZRANGE", "big", "0", "-1", "WITHSCORES"],
                                ["ZRANGE", "big", "100", "120", "REV", "WITHSCORES"], ["ZRANGEBYSCORE", "big", "(10", "20.5", "WITHSCORES"],
                                ["ZREVRANGEBYSCORE", "big", "100", "-inf", "LIMIT", "5", "10"], ["ZCOUNT", "big", "10", "(50"],
                                ["ZRANK", "big", "member:500"], ["ZREVRANK", "big", "member:500"], ["ZSCORE", "big", "member:999"],
                                ["ZINCRBY", "big", "0.25", "member:1"], ["ZRANK", "big", "member:1"], ["ZREM", "big", "member:2", "member:3"],
                                ["ZREMRANGEBYRANK", "big", "10", "20"], ["ZREMRANGEBYSCORE", "big", "100", "110"], ["ZPOPMIN", "big", "3"],
                                ["ZPOPMAX", "big", "3"], ["ZCARD", "big"], ["ZRANGE", "big", "0", "-1", "WITHSCORES"],
                                ["ZUNIONSTORE", "copy", "1", "big", "WEIGHTS", "2"], ["OBJECT", "ENCODING", "copy"], ["ZRANGE", "copy", "0", "50", "WITHSCORES"],
                                ["ZINTERSTORE", "few", "2", "big", "copy"], ["ZCARD", "few"]]
        for m in 0..<200 { cmds.append(["ZRANK", "big", "member:\(m * 5)"]) }
        try assertSameReplies(cmds, ours: a, redis: b)
        // 129 members, 65-byte members: the limits where the small encoding ends.
        var mid = ["ZADD", "edge"]
        for i in 0..<128 { mid += [String(i), "m\(i)"] }
        XCTAssertEqual(try a.call(mid.map { Array($0.utf8) }), .integer(128))
        XCTAssertEqual(try a.call("OBJECT", "ENCODING", "edge"), .bulk(Array("ziplist".utf8)))
        XCTAssertEqual(try a.call("ZADD", "edge", "200", "m128"), .integer(1))
        XCTAssertEqual(try a.call("OBJECT", "ENCODING", "edge"), .bulk(Array("skiplist".utf8)))
        XCTAssertEqual(try b.call("ZADD", "long", "1", String(repeating: "x", count: 65)), .integer(1))
        XCTAssertEqual(try b.call("OBJECT", "ENCODING", "long"), .bulk(Array("skiplist".utf8)))
        XCTAssertEqual(try a.call("ZADD", "long", "1", String(repeating: "x", count: 65)), .integer(1))
        XCTAssertEqual(try a.call("OBJECT", "ENCODING", "long"), .bulk(Array("skiplist".utf8)))
    }

    /// COMMAND INFO: name, arity, first key, last key, step as in 6.2's table (unchanged in 7.0).
    func testCommandInfoMatches() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for name in ["zadd", "zincrby", "zrem", "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "zunionstore",
                     "zinterstore", "zrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zcount",
                     "zlexcount", "zrevrange", "zcard", "zscore", "zmscore", "zrank", "zrevrank", "zscan", "zpopmin", "zpopmax"] {
            guard case .array(let m?) = try a.call("COMMAND", "INFO", name), case .array(let mine?) = m.first,
                  case .array(let t?) = try b.call("COMMAND", "INFO", name), case .array(let theirs?) = t.first,
                  mine.count == 7, theirs.count >= 6 else {
                XCTFail("COMMAND INFO \(name): not an entry"); continue
            }
            for i in [0, 1, 3, 4, 5] { XCTAssertEqual(mine[i], theirs[i], "COMMAND INFO \(name), field \(i)") }
        }
    }
}
