// The hash commands end to end, reply bytes compared exactly: every command, every error text,
// WRONGTYPE both ways, the key deleted with its last field, OBJECT ENCODING at the limits and
// after CONFIG SET, HSCAN's error order, and hashes across an AOF restart (HINCRBYFLOAT written
// as HSET).
//
// Redis: src/t_hash.c

import Foundation
import RedisCore
import TestSupport
import XCTest

final class HashCommandTests: ServerTestCase {
    let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    func testSetGetDelete() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "HSET", "h", "a", "1", "b", "2", is: ":2\r\n")
        expect(c, "HSET", "h", "a", "9", "c", "3", is: ":1\r\n")
        expect(c, "HMSET", "h", "d", "4", is: "+OK\r\n")
        expect(c, "HSET", "h", "a", is: "-ERR wrong number of arguments for 'hset' command\r\n")
        expect(c, "HMSET", "h", "a", "1", "b", is: "-ERR wrong number of arguments for 'hmset' command\r\n")
        expect(c, "HSETNX", "h", "a", "x", is: ":0\r\n")
        expect(c, "HSETNX", "h", "e", "5", is: ":1\r\n")
        expect(c, "HGET", "h", "a", is: "$1\r\n9\r\n")
        expect(c, "HGET", "h", "zz", is: "$-1\r\n")
        expect(c, "HGET", "nosuch", "a", is: "$-1\r\n")
        expect(c, "HMGET", "h", "a", "zz", "b", is: "*3\r\n$1\r\n9\r\n$-1\r\n$1\r\n2\r\n")
        expect(c, "HMGET", "nosuch", "a", is: "*1\r\n$-1\r\n")
        expect(c, "HLEN", "h", is: ":5\r\n")
        expect(c, "HLEN", "nosuch", is: ":0\r\n")
        expect(c, "HSTRLEN", "h", "a", is: ":1\r\n")
        expect(c, "HSTRLEN", "h", "zz", is: ":0\r\n")
        expect(c, "HEXISTS", "h", "a", is: ":1\r\n")
        expect(c, "HEXISTS", "h", "zz", is: ":0\r\n")
        expect(c, "HKEYS", "h", is: "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n")
        expect(c, "HVALS", "h", is: "*5\r\n$1\r\n9\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n")
        expect(c, "HGETALL", "h", is: "*10\r\n$1\r\na\r\n$1\r\n9\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n")
        expect(c, "HKEYS", "nosuch", is: "*0\r\n")
        expect(c, "HGETALL", "nosuch", is: "*0\r\n")
        expect(c, "HDEL", "h", "a", "zz", "a", is: ":1\r\n")
        expect(c, "HDEL", "nosuch", "a", is: ":0\r\n")
        expect(c, "HDEL", "h", "b", "c", "d", "e", is: ":4\r\n")
        expect(c, "EXISTS", "h", is: ":0\r\n")
        expect(c, "TYPE", "h", is: "+none\r\n")
        // Binary-safe fields and values.
        expectBytes(c, [Array("HSET".utf8), Array("bin".utf8), [0, 13, 10], [255, 0]], is: Array(":1\r\n".utf8))
        expectBytes(c, [Array("HGET".utf8), Array("bin".utf8), [0, 13, 10]], is: Array("$2\r\n".utf8) + [255, 0] + Array("\r\n".utf8))
    }

    func testCountersAndTheirErrors() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "HINCRBY", "h", "n", "5", is: ":5\r\n")
        expect(c, "HINCRBY", "h", "n", "-7", is: ":-2\r\n")
        expect(c, "HINCRBY", "h", "n", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "HSET", "h", "s", "abc", "max", "9223372036854775807", is: ":2\r\n")
        expect(c, "HINCRBY", "h", "s", "1", is: "-ERR hash value is not an integer\r\n")
        expect(c, "HINCRBY", "h", "max", "1", is: "-ERR increment or decrement would overflow\r\n")
        expect(c, "HINCRBYFLOAT", "h", "f", "10.5", is: "$4\r\n10.5\r\n")
        expect(c, "HINCRBYFLOAT", "h", "f", "0.1", is: "$4\r\n10.6\r\n")
        expect(c, "HINCRBYFLOAT", "h", "n", "1.5", is: "$4\r\n-0.5\r\n")
        expect(c, "HINCRBYFLOAT", "h", "s", "1", is: "-ERR hash value is not a float\r\n")
        expect(c, "HINCRBYFLOAT", "h", "f", "abc", is: "-ERR value is not a valid float\r\n")
        expect(c, "HINCRBYFLOAT", "h", "f", "inf", is: "-ERR value is NaN or Infinity\r\n")
        expect(c, "HINCRBYFLOAT", "h", "f", "-inf", is: "-ERR value is NaN or Infinity\r\n")
        expect(c, "HINCRBYFLOAT", "h", "f", "nan", is: "-ERR value is not a valid float\r\n")
        expect(c, "HINCRBYFLOAT", "new", "f", "inf", is: "-ERR value is NaN or Infinity\r\n")
        expect(c, "EXISTS", "new", is: ":0\r\n")  // refused before the key is created
        guard case .bulk(let huge?) = call(c, "HINCRBYFLOAT", "h", "huge", "1.1e4932") else { XCTFail("HINCRBYFLOAT 1.1e4932"); return }
        XCTAssertEqual(huge.count, 4933)  // 1.1e4932 in long double, all its digits
        expect(c, "HINCRBYFLOAT", "h", "huge", "1.1e4932", is: "-ERR increment would produce NaN or Infinity\r\n")
        expect(c, "OBJECT", "ENCODING", "h", is: "$7\r\nziplist\r\n")  // 6.2: HINCRBYFLOAT never converts by length
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        for cmd in [["HSET", "str", "a", "1"], ["HSETNX", "str", "a", "1"], ["HGET", "str", "a"], ["HMGET", "str", "a"],
                    ["HDEL", "str", "a"], ["HLEN", "str"], ["HSTRLEN", "str", "a"], ["HEXISTS", "str", "a"],
                    ["HKEYS", "str"], ["HVALS", "str"], ["HGETALL", "str"], ["HINCRBY", "str", "a", "1"],
                    ["HINCRBYFLOAT", "str", "a", "1"], ["HRANDFIELD", "str"], ["HRANDFIELD", "str", "2"], ["HSCAN", "str", "0"]] {
            XCTAssertEqual(try c.callRaw(cmd.map { Array($0.utf8) }), Array(wrongType.utf8), cmd.joined(separator: " "))
        }
        // A bad increment is reported before the key's type.
        expect(c, "HINCRBY", "str", "a", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "HINCRBYFLOAT", "str", "a", "x", is: "-ERR value is not a valid float\r\n")
        expect(c, "LPUSH", "h", "x", is: wrongType)
    }

    func testRandfieldAndScan() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "HSET", "h", "a", "1", "b", "2", "c", "3", is: ":3\r\n")
        expect(c, "HRANDFIELD", "nosuch", is: "$-1\r\n")
        expect(c, "HRANDFIELD", "nosuch", "3", is: "*0\r\n")
        expect(c, "HRANDFIELD", "h", "0", is: "*0\r\n")
        expect(c, "HRANDFIELD", "h", "10", is: "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        expect(c, "HRANDFIELD", "h", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "HRANDFIELD", "h", "1", "WITHSCORES", is: "-ERR syntax error\r\n")
        expect(c, "HRANDFIELD", "h", "1", "WITHVALUES", "x", is: "-ERR syntax error\r\n")
        expect(c, "HRANDFIELD", "h", "-9223372036854775808",
               is: "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n")
        expect(c, "HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES", is: "-ERR value is out of range\r\n")
        for _ in 0..<20 {
            guard case .bulk(let f)? = Optional(call(c, "HRANDFIELD", "h")) else { XCTFail("HRANDFIELD"); return }
            XCTAssertTrue(["a", "b", "c"].contains(String(decoding: f ?? [], as: UTF8.self)))
            guard case .array(let two)? = Optional(call(c, "HRANDFIELD", "h", "2")) else { XCTFail("HRANDFIELD 2"); return }
            XCTAssertEqual(Set((two ?? []).map { "\($0)" }).count, 2, "distinct fields")
            guard case .array(let many)? = Optional(call(c, "HRANDFIELD", "h", "-7", "WITHVALUES")) else { XCTFail("HRANDFIELD -7"); return }
            XCTAssertEqual(many?.count, 14, "repeats allowed")
        }
        expect(c, "HSCAN", "h", "0", is: "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n")
        expect(c, "HSCAN", "h", "0", "MATCH", "b*", is: "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n")
        expect(c, "HSCAN", "h", "x", is: "-ERR invalid cursor\r\n")
        expect(c, "HSCAN", "nosuch", "x", is: "-ERR invalid cursor\r\n")
        expect(c, "HSCAN", "nosuch", "0", "FOO", is: "*2\r\n$1\r\n0\r\n*0\r\n")
        expect(c, "HSCAN", "h", "0", "FOO", is: "-ERR syntax error\r\n")
        expect(c, "HSCAN", "h", "0", "COUNT", "0", is: "-ERR syntax error\r\n")
        // A hash table is walked with a cursor: every field comes back, once the cursor is 0.
        for i in 0..<600 { _ = call(c, "HSET", "big", "f\(i)", "v") }
        expect(c, "OBJECT", "ENCODING", "big", is: "$9\r\nhashtable\r\n")
        var cursor = "0", seen = Set<String>()
        repeat {
            guard case .array(let r)? = Optional(call(c, "HSCAN", "big", cursor, "COUNT", "50")), let r, r.count == 2,
                  case .bulk(let next) = r[0], case .array(let items) = r[1], let items else { XCTFail("HSCAN reply"); return }
            cursor = String(decoding: next ?? [], as: UTF8.self)
            for (i, item) in items.enumerated() where i % 2 == 0 {
                if case .bulk(let f) = item { seen.insert(String(decoding: f ?? [], as: UTF8.self)) }
            }
        } while cursor != "0"
        XCTAssertEqual(seen.count, 600)
    }

    func testEncodingsAndConfig() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "CONFIG", "GET", "hash-max-ziplist-entries", is: "*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n")
        expect(c, "CONFIG", "GET", "hash-max-ziplist-value", is: "*2\r\n$22\r\nhash-max-ziplist-value\r\n$2\r\n64\r\n")
        for i in 0..<512 { _ = call(c, "HSET", "h", "f\(i)", "v") }
        expect(c, "OBJECT", "ENCODING", "h", is: "$7\r\nziplist\r\n")
        expect(c, "HSET", "h", "f512", "v", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "h", is: "$9\r\nhashtable\r\n")
        expect(c, "HSET", "v", "f", String(repeating: "x", count: 64), is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "v", is: "$7\r\nziplist\r\n")
        expect(c, "HSET", "v", "g", String(repeating: "x", count: 65), is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "v", is: "$9\r\nhashtable\r\n")
        expect(c, "CONFIG", "SET", "hash-max-ziplist-entries", "2", is: "+OK\r\n")
        expect(c, "HSET", "small", "a", "1", "b", "2", is: ":2\r\n")
        expect(c, "OBJECT", "ENCODING", "small", is: "$7\r\nziplist\r\n")
        expect(c, "HSET", "small", "c", "3", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "small", is: "$9\r\nhashtable\r\n")
        expect(c, "HDEL", "small", "a", "b", is: ":2\r\n")
        expect(c, "OBJECT", "ENCODING", "small", is: "$9\r\nhashtable\r\n")  // never back
        expect(c, "COMMAND", "INFO", "hset", is: "*1\r\n*7\r\n$4\r\nhset\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n")
    }

    /// Arity, flags and key positions as in Redis 6.2's command table (src/server.c).
    func testCommandTableAsInRedis62() throws {
        let s = try startServer()
        let c = try connect(s)
        let table: [(String, Int64, [String])] = [
            ("hset", -4, ["write", "denyoom", "fast"]), ("hsetnx", 4, ["write", "denyoom", "fast"]),
            ("hget", 3, ["readonly", "fast"]), ("hmset", -4, ["write", "denyoom", "fast"]),
            ("hmget", -3, ["readonly", "fast"]), ("hincrby", 4, ["write", "denyoom", "fast"]),
            ("hincrbyfloat", 4, ["write", "denyoom", "fast"]), ("hdel", -3, ["write", "fast"]),
            ("hlen", 2, ["readonly", "fast"]), ("hstrlen", 3, ["readonly", "fast"]),
            ("hkeys", 2, ["readonly", "sort_for_script"]), ("hvals", 2, ["readonly", "sort_for_script"]),
            ("hgetall", 2, ["readonly", "random"]), ("hexists", 3, ["readonly", "fast"]),
            ("hrandfield", -2, ["readonly", "random"]), ("hscan", -3, ["readonly", "random"]),
        ]
        for (name, arity, flags) in table {
            guard case .array(let m?) = call(c, "COMMAND", "INFO", name), case .array(let info?) = m.first,
                  info.count == 7, case .array(let f?) = info[2] else { XCTFail("COMMAND INFO \(name)"); continue }
            XCTAssertEqual(info[1], .integer(arity), name)
            XCTAssertEqual(f.compactMap(\.string), flags, name)
            XCTAssertEqual(Array(info[3...5]), [.integer(1), .integer(1), .integer(1)], name)
        }
    }

    /// Redis 6.2 checks lengths only for the strings a command was given, before it writes:
    /// HSET and HSETNX convert for a long field or value (HSETNX even when the field exists),
    /// HINCRBY and HINCRBYFLOAT never do. Each conversion is a traced transition.
    func testWhatConvertsAndItsTrace() throws {
        let s = try startServer(["--trace", "yes", "--trace-areas", "db"])
        let c = try connect(s)
        let long = String(repeating: "f", count: 65)
        expect(c, "HSET", "nx", "a", "1", is: ":1\r\n")
        expect(c, "HSETNX", "nx", "a", long, is: ":0\r\n")
        expect(c, "OBJECT", "ENCODING", "nx", is: "$9\r\nhashtable\r\n")
        expect(c, "HINCRBY", "incr", long, "1", is: ":1\r\n")
        expect(c, "HINCRBYFLOAT", "incr", "p", "115792089237316195423570985008687907853269984665640564039457584007913129639936",
               is: "$78\r\n115792089237316195423570985008687907853269984665640564039457584007913129639936\r\n")
        expect(c, "OBJECT", "ENCODING", "incr", is: "$7\r\nziplist\r\n")
        expect(c, "CONFIG", "SET", "hash-max-ziplist-entries", "2", is: "+OK\r\n")
        expect(c, "HINCRBY", "incr", "third", "1", is: ":1\r\n")  // the entry limit holds for every write
        expect(c, "OBJECT", "ENCODING", "incr", is: "$9\r\nhashtable\r\n")
        let nx = #"db state db0 hash "nx" converted at 1 fields ⇒ ziplist → hashtable ‹hashTypeConvert›"#
        let incr = #"db state db0 hash "incr" converted at 3 fields ⇒ ziplist → hashtable ‹hashTypeConvert›"#
        XCTAssertTrue(waitUntil(5) { s.trace.contains(nx) && s.trace.contains(incr) }, s.trace)
        XCTAssertEqual(s.trace.components(separatedBy: "hashTypeConvert").count, 3, "one line per conversion")
    }

    func testHashesSurviveAnAOFRestart() throws {
        let dir = tempDir()
        var s = try startOnDir(dir, ["--appendonly", "yes", "--appendfsync", "always"])
        var c = try connect(s)
        expect(c, "HSET", "h", "a", "1", "b", "2", "c", "3", is: ":3\r\n")
        expect(c, "HDEL", "h", "b", is: ":1\r\n")
        expect(c, "HINCRBYFLOAT", "h", "a", "0.1", is: "$3\r\n1.1\r\n")
        expect(c, "HINCRBY", "h", "c", "4", is: ":7\r\n")
        expect(c, "HSET", "gone", "x", "1", is: ":1\r\n")
        expect(c, "HDEL", "gone", "x", is: ":1\r\n")
        _ = call(c, "HRANDFIELD", "h")  // read-only: not in the file
        let file = aofBytes(dir)
        XCTAssertTrue(contains(file, "*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\na\r\n$3\r\n1.1\r\n"), esc(file))
        XCTAssertFalse(contains(file, "HINCRBYFLOAT") || contains(file, "hincrbyfloat"), esc(file))
        XCTAssertFalse(contains(file, "HRANDFIELD") || contains(file, "hrandfield"), esc(file))
        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, ["--appendonly", "yes", "--appendfsync", "always"])
        c = try connect(s)
        expect(c, "HGETALL", "h", is: "*4\r\n$1\r\na\r\n$3\r\n1.1\r\n$1\r\nc\r\n$1\r\n7\r\n")
        expect(c, "EXISTS", "gone", is: ":0\r\n")
    }

    /// The dump behind CONFIG SET appendonly yes writes a hash as HMSET of at most 64 pairs, in
    /// HGETALL's order, so a ziplist comes back in the same order. Redis: rewriteHashObject
    func testAHashInTheDumpIsHMSETOf64Pairs() throws {
        let dir = tempDir()
        var s = try startOnDir(dir, [])
        var c = try connect(s)
        var args = ["HSET", "h"]
        for i in (0..<150).reversed() { args += ["f\(i)", "v\(i)"] }
        XCTAssertEqual(try c.call(args.map { Array($0.utf8) }), .integer(150))
        let before = try c.callRaw("HGETALL", "h")
        expect(c, "CONFIG", "SET", "appendonly", "yes", is: "+OK\r\n")
        let file = String(decoding: aofBytes(dir), as: UTF8.self)
        XCTAssertEqual(file.components(separatedBy: "*130\r\n$5\r\nHMSET\r\n$1\r\nh\r\n").count - 1, 2, file)
        XCTAssertEqual(file.components(separatedBy: "*46\r\n$5\r\nHMSET\r\n$1\r\nh\r\n").count - 1, 1, file)
        XCTAssertTrue(file.contains("$5\r\nHMSET\r\n$1\r\nh\r\n$4\r\nf149\r\n$4\r\nv149\r\n"), "HGETALL's order")
        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, ["--appendonly", "yes"])
        c = try connect(s)
        XCTAssertEqual(esc(try c.callRaw("HGETALL", "h")), esc(before))
        expect(c, "OBJECT", "ENCODING", "h", is: "$7\r\nziplist\r\n")
    }
}
