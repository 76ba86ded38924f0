// The sorted-set commands end to end, reply bytes compared exactly: ZADD with every option and
// error, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK, the ZRANGE family by rank,
// score and lex, ZCOUNT, ZLEXCOUNT, the ZREMRANGEBY commands, ZPOPMIN/ZPOPMAX, ZSCAN in both
// encodings, ZUNIONSTORE/ZINTERSTORE, WRONGTYPE, CONFIG of the encoding limits, and a sorted set
// surviving a restart with appendonly yes.
//
// Redis: src/t_zset.c

import Foundation
import RedisCore
import TestSupport
import XCTest

final class ZSetCommandTests: ServerTestCase {
    let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    func testZaddOptionsAndErrors() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "ZADD", "z", "1", "a", "2", "b", is: ":2\r\n")
        expect(c, "ZADD", "z", "CH", "3", "a", "2", "b", "4", "c", is: ":2\r\n")
        expect(c, "ZADD", "z", "NX", "9", "a", "5", "d", is: ":1\r\n")
        expect(c, "ZADD", "z", "XX", "CH", "9", "a", "1", "e", is: ":1\r\n")
        expect(c, "ZSCORE", "z", "e", is: "$-1\r\n")
        expect(c, "ZADD", "z", "GT", "CH", "1", "a", is: ":0\r\n")
        expect(c, "ZADD", "z", "LT", "CH", "1", "a", is: ":1\r\n")
        expect(c, "ZADD", "z", "INCR", "2.5", "a", is: "$3\r\n3.5\r\n")
        expect(c, "ZADD", "z", "INCR", "NX", "2.5", "a", is: "$-1\r\n")
        expect(c, "ZADD", "z", "INCR", "GT", "-1", "a", is: "$-1\r\n")
        expect(c, "ZINCRBY", "z", "-0.5", "a", is: "$1\r\n3\r\n")
        expect(c, "ZADD", "z", "NX", "XX", "1", "a", is: "-ERR XX and NX options at the same time are not compatible\r\n")
        expect(c, "ZADD", "z", "GT", "LT", "1", "a", is: "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n")
        expect(c, "ZADD", "z", "GT", "NX", "1", "a", is: "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n")
        expect(c, "ZADD", "z", "INCR", "1", "a", "1", "b", is: "-ERR INCR option supports a single increment-element pair\r\n")
        expect(c, "ZADD", "z", "1", "a", "2", is: "-ERR syntax error\r\n")
        expect(c, "ZADD", "z", "XX", "CH", is: "-ERR syntax error\r\n")
        expect(c, "ZADD", "z", "1", "x", "nan", "y", is: "-ERR value is not a valid float\r\n")
        expect(c, "ZSCORE", "z", "x", is: "$-1\r\n")  // all or nothing
        expect(c, "ZADD", "z", "1x", "x", is: "-ERR value is not a valid float\r\n")
        expect(c, "ZADD", "z", "inf", "x", is: ":1\r\n")
        expect(c, "ZINCRBY", "z", "-inf", "x", is: "-ERR resulting score is not a number (NaN)\r\n")
        expect(c, "ZINCRBY", "z", "abc", "x", is: "-ERR value is not a valid float\r\n")
        expect(c, "ZADD", "nokey", "XX", "1", "a", is: ":0\r\n")
        expect(c, "EXISTS", "nokey", is: ":0\r\n")
        expect(c, "ZADD", "z", is: "-ERR wrong number of arguments for 'zadd' command\r\n")
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        expect(c, "ZADD", "str", "1", "a", is: wrongType)
        expect(c, "ZINCRBY", "str", "1", "a", is: wrongType)
        expect(c, "TYPE", "z", is: "+zset\r\n")
    }

    func testScoresAndRanks() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "ZADD", "z", "0.1", "a", "1e308", "b", "-inf", "c", "12345678901234567", "d", is: ":4\r\n")
        expect(c, "ZSCORE", "z", "a", is: "$19\r\n0.10000000000000001\r\n")
        expect(c, "ZSCORE", "z", "b", is: "$6\r\n1e+308\r\n")
        expect(c, "ZSCORE", "z", "c", is: "$4\r\n-inf\r\n")
        expect(c, "ZSCORE", "z", "d", is: "$17\r\n12345678901234568\r\n")
        expect(c, "ZMSCORE", "z", "a", "nosuch", is: "*2\r\n$19\r\n0.10000000000000001\r\n$-1\r\n")
        expect(c, "ZMSCORE", "nosuch", "a", is: "*1\r\n$-1\r\n")
        expect(c, "ZCARD", "z", is: ":4\r\n")
        expect(c, "ZCARD", "nosuch", is: ":0\r\n")
        expect(c, "ZRANK", "z", "c", is: ":0\r\n")
        expect(c, "ZRANK", "z", "b", is: ":3\r\n")
        expect(c, "ZREVRANK", "z", "b", is: ":0\r\n")
        expect(c, "ZRANK", "z", "nosuch", is: "$-1\r\n")
        expect(c, "ZRANK", "nosuch", "a", is: "$-1\r\n")
        expect(c, "ZREM", "z", "a", "nosuch", "a", is: ":1\r\n")
        expect(c, "ZREM", "z", "b", "c", "d", is: ":3\r\n")
        expect(c, "EXISTS", "z", is: ":0\r\n")
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        for cmd in [["ZSCORE", "str", "a"], ["ZCARD", "str"], ["ZRANK", "str", "a"], ["ZREM", "str", "a"], ["ZMSCORE", "str", "a"]] {
            expectBytes(c, cmd.map { Array($0.utf8) }, is: Array(wrongType.utf8))
        }
    }

    func testRanges() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "ZADD", "r", "1", "one", "2", "two", "3", "three", "4", "four", is: ":4\r\n")
        expect(c, "ZRANGE", "r", "0", "-1", is: "*4\r\n$3\r\none\r\n$3\r\ntwo\r\n$5\r\nthree\r\n$4\r\nfour\r\n")
        expect(c, "ZRANGE", "r", "-2", "-1", "WITHSCORES", is: "*4\r\n$5\r\nthree\r\n$1\r\n3\r\n$4\r\nfour\r\n$1\r\n4\r\n")
        expect(c, "ZRANGE", "r", "0", "0", "REV", is: "*1\r\n$4\r\nfour\r\n")
        expect(c, "ZREVRANGE", "r", "1", "2", is: "*2\r\n$5\r\nthree\r\n$3\r\ntwo\r\n")
        expect(c, "ZRANGE", "r", "3", "1", is: "*0\r\n")
        expect(c, "ZRANGE", "r", "x", "1", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "ZRANGE", "r", "0", "1", "LIMIT", "0", "1",
               is: "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n")
        expect(c, "ZRANGE", "r", "(1", "3", "BYSCORE", is: "*2\r\n$3\r\ntwo\r\n$5\r\nthree\r\n")
        expect(c, "ZRANGE", "r", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2", is: "*2\r\n$5\r\nthree\r\n$3\r\ntwo\r\n")
        expect(c, "ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2", is: "*0\r\n")
        expect(c, "ZRANGE", "r", "x", "1", "BYSCORE", is: "-ERR min or max is not a float\r\n")
        expect(c, "ZRANGEBYSCORE", "r", "2", "(4", "WITHSCORES", is: "*4\r\n$3\r\ntwo\r\n$1\r\n2\r\n$5\r\nthree\r\n$1\r\n3\r\n")
        expect(c, "ZREVRANGEBYSCORE", "r", "4", "3", is: "*2\r\n$4\r\nfour\r\n$5\r\nthree\r\n")
        expect(c, "ZRANGEBYSCORE", "r", "0", "1", "BYSCORE", is: "-ERR syntax error\r\n")
        expect(c, "ZCOUNT", "r", "(1", "+inf", is: ":3\r\n")
        expect(c, "ZCOUNT", "r", "a", "1", is: "-ERR min or max is not a float\r\n")
        expect(c, "ZCOUNT", "nosuch", "a", "1", is: "-ERR min or max is not a float\r\n")  // the range first
        expect(c, "ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", is: ":4\r\n")
        expect(c, "ZRANGEBYLEX", "lex", "[b", "+", is: "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n")
        expect(c, "ZRANGEBYLEX", "lex", "(a", "(d", "LIMIT", "1", "5", is: "*1\r\n$1\r\nc\r\n")
        expect(c, "ZREVRANGEBYLEX", "lex", "+", "(b", is: "*2\r\n$1\r\nd\r\n$1\r\nc\r\n")
        expect(c, "ZRANGE", "lex", "-", "[b", "BYLEX", is: "*2\r\n$1\r\na\r\n$1\r\nb\r\n")
        expect(c, "ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES",
               is: "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n")
        expect(c, "ZRANGEBYLEX", "lex", "a", "+", is: "-ERR min or max not valid string range item\r\n")
        expect(c, "ZLEXCOUNT", "lex", "[b", "[c", is: ":2\r\n")
        expect(c, "ZREMRANGEBYLEX", "lex", "-", "(c", is: ":2\r\n")
        expect(c, "ZREMRANGEBYRANK", "r", "0", "1", is: ":2\r\n")
        expect(c, "ZREMRANGEBYRANK", "r", "5", "9", is: ":0\r\n")
        expect(c, "ZREMRANGEBYSCORE", "r", "(3", "4", is: ":1\r\n")
        expect(c, "ZREMRANGEBYSCORE", "r", "-inf", "+inf", is: ":1\r\n")
        expect(c, "EXISTS", "r", is: ":0\r\n")
        expect(c, "ZRANGE", "nosuch", "0", "-1", is: "*0\r\n")
    }

    func testPopAndScan() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "ZADD", "p", "1", "a", "2", "b", "3", "c", is: ":3\r\n")
        expect(c, "ZPOPMIN", "p", is: "*2\r\n$1\r\na\r\n$1\r\n1\r\n")
        expect(c, "ZPOPMAX", "p", "5", is: "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n")
        expect(c, "EXISTS", "p", is: ":0\r\n")
        expect(c, "ZPOPMIN", "p", is: "*0\r\n")
        expect(c, "ZPOPMIN", "p", "1", "2", is: "-ERR syntax error\r\n")
        expect(c, "ZPOPMIN", "p", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "ZADD", "sc", "1.5", "m1", "-inf", "m2", is: ":2\r\n")
        expect(c, "ZSCAN", "sc", "0", is: "*2\r\n$1\r\n0\r\n*4\r\n$2\r\nm2\r\n$4\r\n-inf\r\n$2\r\nm1\r\n$3\r\n1.5\r\n")
        expect(c, "ZSCAN", "sc", "0", "MATCH", "*1", is: "*2\r\n$1\r\n0\r\n*2\r\n$2\r\nm1\r\n$3\r\n1.5\r\n")
        expect(c, "ZSCAN", "sc", "x", is: "-ERR invalid cursor\r\n")
        expect(c, "ZSCAN", "nosuch", "0", is: "*2\r\n$1\r\n0\r\n*0\r\n")
        // The skiplist encoding: a full scan by cursor returns every member once, with its score.
        var add = ["ZADD", "big"]
        for i in 0..<300 { add += [String(Double(i) / 2), "m\(i)"] }
        _ = try c.call(add.map { Array($0.utf8) })
        var cursor = "0", seen: [String: String] = [:]
        repeat {
            guard case .array(let parts?) = try c.call("ZSCAN", "big", cursor, "COUNT", "50"),
                  case .bulk(let next?) = parts[0], case .array(let items?) = parts[1] else { return XCTFail("not a scan reply") }
            cursor = String(decoding: next, as: UTF8.self)
            for k in stride(from: 0, to: items.count, by: 2) {
                guard case .bulk(let m?) = items[k], case .bulk(let v?) = items[k + 1] else { continue }
                seen[String(decoding: m, as: UTF8.self)] = String(decoding: v, as: UTF8.self)
            }
        } while cursor != "0"
        XCTAssertEqual(seen.count, 300)
        XCTAssertEqual(seen["m3"], "1.5")
        XCTAssertEqual(seen["m4"], "2")
    }

    func testUnionAndInter() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "ZADD", "a", "1", "x", "2", "y", is: ":2\r\n")
        expect(c, "ZADD", "b", "10", "y", "20", "z", is: ":2\r\n")
        expect(c, "ZUNIONSTORE", "u", "2", "a", "b", "WEIGHTS", "2", "1", is: ":3\r\n")
        expect(c, "ZRANGE", "u", "0", "-1", "WITHSCORES", is: "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$2\r\n14\r\n$1\r\nz\r\n$2\r\n20\r\n")
        expect(c, "ZINTERSTORE", "i", "2", "a", "b", "AGGREGATE", "MAX", is: ":1\r\n")
        expect(c, "ZSCORE", "i", "y", is: "$2\r\n10\r\n")
        expect(c, "ZINTERSTORE", "i", "2", "a", "nosuch", is: ":0\r\n")
        expect(c, "EXISTS", "i", is: ":0\r\n")
        expect(c, "ZUNIONSTORE", "u", "0", "a", is: "-ERR at least 1 input key is needed for zunionstore\r\n")
        expect(c, "ZUNIONSTORE", "u", "3", "a", "b", is: "-ERR syntax error\r\n")
        expect(c, "ZUNIONSTORE", "u", "2", "a", "b", "WEIGHTS", "1", "x", is: "-ERR weight value is not a float\r\n")
        expect(c, "ZUNIONSTORE", "u", "2", "a", "b", "AGGREGATE", "AVG", is: "-ERR syntax error\r\n")
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        expect(c, "ZUNIONSTORE", "u", "2", "a", "str", is: wrongType)
        // The destination is replaced, its TTL dropped.
        expect(c, "EXPIRE", "str", "100", is: ":1\r\n")
        expect(c, "ZUNIONSTORE", "str", "1", "a", is: ":2\r\n")
        expect(c, "TTL", "str", is: ":-1\r\n")
        expect(c, "TYPE", "str", is: "+zset\r\n")
    }

    func testEncodingLimitsFromConfig() throws {
        let s = try startServer(["--zset-max-ziplist-entries", "2"])
        let c = try connect(s)
        expect(c, "CONFIG", "GET", "zset-max-ziplist-entries", is: "*2\r\n$24\r\nzset-max-ziplist-entries\r\n$1\r\n2\r\n")
        expect(c, "ZADD", "z", "1", "a", "2", "b", is: ":2\r\n")
        expect(c, "OBJECT", "ENCODING", "z", is: "$7\r\nziplist\r\n")
        expect(c, "ZADD", "z", "3", "c", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "z", is: "$8\r\nskiplist\r\n")
        expect(c, "CONFIG", "SET", "zset-max-ziplist-value", "3", is: "+OK\r\n")
        expect(c, "ZADD", "y", "1", "abcd", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "y", is: "$8\r\nskiplist\r\n")
    }

    func testSortedSetSurvivesARestartWithAOF() throws {
        let dir = tempDir()
        var s = try startServer(["--appendonly", "yes", "--dir", dir])
        var c = try connect(s)
        var add = ["ZADD", "big"]
        for i in 0..<200 { add += [String(Double(i) * 0.1), "m\(i)"] }
        _ = try c.call(add.map { Array($0.utf8) })
        expect(c, "ZADD", "small", "0.1", "a", "-inf", "b", "12345678901234567", "c", is: ":3\r\n")
        expect(c, "ZINCRBY", "small", "0.2", "a", is: "$19\r\n0.30000000000000004\r\n")
        expect(c, "ZPOPMAX", "big", "2", is: "*4\r\n$4\r\nm199\r\n$18\r\n19.900000000000002\r\n$4\r\nm198\r\n$18\r\n19.800000000000001\r\n")
        expect(c, "ZREMRANGEBYRANK", "big", "0", "9", is: ":10\r\n")
        let before = try c.callRaw("ZRANGE", "big", "0", "-1", "WITHSCORES")
        XCTAssertEqual(s.stop(), 0)
        s = try startServer(["--appendonly", "yes", "--dir", dir])
        c = try connect(s)
        XCTAssertEqual(try c.callRaw("ZRANGE", "big", "0", "-1", "WITHSCORES"), before)
        expect(c, "OBJECT", "ENCODING", "big", is: "$8\r\nskiplist\r\n")
        expect(c, "ZRANGE", "small", "0", "-1", "WITHSCORES",
               is: "*6\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\na\r\n$19\r\n0.30000000000000004\r\n$1\r\nc\r\n$17\r\n12345678901234568\r\n")
    }
}
