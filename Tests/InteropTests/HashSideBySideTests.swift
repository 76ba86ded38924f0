// The hash commands side by side with a real redis-server, reply bytes compared exactly: every
// command and error, corner numbers for HINCRBY and HINCRBYFLOAT, HRANDFIELD and HSCAN where
// nothing is random, in RESP2 and in RESP3; a hash table compared by content (its order depends
// on each server's hash seed); and, apart, what Redis 7.0 changed on purpose since 6.2
// (`redis62Only`, each with the reason).
//
// Redis: src/t_hash.c, tests/unit/type/hash.tcl

import Foundation
import TestSupport
import XCTest

final class HashSideBySideTests: InteropTestCase {
    static let x64 = String(repeating: "x", count: 64), x65 = String(repeating: "x", count: 65)
    /// 2^256: 78 digits, exact in a long double.
    static let two256 = "115792089237316195423570985008687907853269984665640564039457584007913129639936"

    /// Small hashes only (both servers keep them in insertion order), so every reply, HGETALL's
    /// included, must match byte for byte.
    static let commands: [[String]] = [
        // HSET, HMSET, HSETNX and their arity
        ["HSET", "h", "a", "1", "b", "2"], ["HSET", "h", "a", "9", "c", "3"], ["HSET", "h", "a"], ["HSET", "h"],
        ["HSET", "h", "a", "1", "b"], ["hset", "h", "d", "4"], ["HMSET", "h", "e", "5", "f", "6"], ["HMSET", "h", "e"],
        ["HMSET", "h", "e", "5", "f"], ["HSETNX", "h", "a", "x"], ["HSETNX", "h", "g", "7"], ["HSETNX", "h", "g"],
        ["HSETNX", "new", "f", "v"],
        // reads, in insertion order
        ["HGET", "h", "a"], ["HGET", "h", "zz"], ["HGET", "nosuch", "a"], ["HGET", "h"],
        ["HMGET", "h", "a", "zz", "b", "a"], ["HMGET", "nosuch", "a", "b"], ["HMGET", "h"],
        ["HLEN", "h"], ["HLEN", "nosuch"], ["HLEN"], ["HSTRLEN", "h", "a"], ["HSTRLEN", "h", "zz"], ["HSTRLEN", "nosuch", "a"],
        ["HEXISTS", "h", "a"], ["HEXISTS", "h", "zz"], ["HEXISTS", "nosuch", "a"], ["HEXISTS", "h"],
        ["HKEYS", "h"], ["HVALS", "h"], ["HGETALL", "h"], ["HKEYS", "nosuch"], ["HVALS", "nosuch"], ["HGETALL", "nosuch"],
        ["HGETALL", "h", "x"], ["TYPE", "h"],
        // an update keeps the field's place; a deleted field comes back at the end
        ["HSET", "h", "a", "first-again"], ["HDEL", "h", "c"], ["HSET", "h", "c", "back"], ["HGETALL", "h"],
        // HDEL, and the key that goes with its last field
        ["HDEL", "h", "zz"], ["HDEL", "h", "a", "a", "zz", "b"], ["HDEL", "nosuch", "a"], ["HDEL", "h"], ["HLEN", "h"],
        ["HDEL", "new", "f"], ["EXISTS", "new"], ["TYPE", "new"],
        // the empty field and value
        ["HSET", "e", "", ""], ["HGET", "e", ""], ["HSTRLEN", "e", ""], ["HEXISTS", "e", ""], ["HGETALL", "e"],
        ["HDEL", "e", ""], ["EXISTS", "e"],
        // HINCRBY: what counts as an integer, and the edges of 64 bits
        ["HINCRBY", "n", "i", "5"], ["HINCRBY", "n", "i", "-7"], ["HINCRBY", "n", "i", "0"], ["HGET", "n", "i"],
        ["HINCRBY", "n", "i", "x"], ["HINCRBY", "n", "i", ""], ["HINCRBY", "n", "i", " 1"], ["HINCRBY", "n", "i", "1 "],
        ["HINCRBY", "n", "i", "+1"], ["HINCRBY", "n", "i", "01"], ["HINCRBY", "n", "i", "1.5"],
        ["HINCRBY", "n", "i", "9223372036854775808"], ["HINCRBY", "n", "i", "-9223372036854775809"],
        ["HSET", "n", "max", "9223372036854775807", "min", "-9223372036854775808", "s", "abc", "sp", " 1", "z", "007", "neg0", "-0"],
        ["HINCRBY", "n", "max", "1"], ["HINCRBY", "n", "max", "0"], ["HINCRBY", "n", "max", "-1"], ["HINCRBY", "n", "min", "-1"],
        ["HINCRBY", "n", "min", "1"], ["HINCRBY", "n", "s", "1"], ["HINCRBY", "n", "sp", "1"], ["HINCRBY", "n", "z", "1"],
        ["HINCRBY", "n", "neg0", "1"], ["HINCRBY", "n", "big", "9223372036854775807"], ["HINCRBY", "n", "big", "1"],
        ["HINCRBY", "n", "small", "-9223372036854775808"], ["HINCRBY", "n", "small", "-1"], ["HINCRBY", "n", "i"], ["HGETALL", "n"],
        // HINCRBYFLOAT: long double arithmetic, printed with up to 17 decimals and no trailing zeros
        ["HINCRBYFLOAT", "f", "x", "10.5"], ["HINCRBYFLOAT", "f", "x", "0.1"], ["HINCRBYFLOAT", "f", "x", "-10.6"],
        ["HINCRBYFLOAT", "f", "x", "5.0e3"], ["HINCRBYFLOAT", "f", "z", "3"], ["HINCRBYFLOAT", "f", "z", "-3"],
        ["HINCRBYFLOAT", "f", "w", "0.0000000000000000001"], ["HINCRBYFLOAT", "f", "v", "1.23456789012345678901"],
        ["HINCRBYFLOAT", "f", "u", "-0"], ["HINCRBYFLOAT", "f", "hex", "0x10"],
        ["HINCRBYFLOAT", "f", "x", "abc"], ["HINCRBYFLOAT", "f", "x", ""], ["HINCRBYFLOAT", "f", "x", " 1"],
        ["HINCRBYFLOAT", "f", "x", "1 "], ["HINCRBYFLOAT", "f", "x", "nan"], ["HINCRBYFLOAT", "f", "x", "1e5000"],
        // an infinite increment is refused before the key is looked at (Redis 6.2.12 and 7.0.11)
        ["HINCRBYFLOAT", "f", "x", "inf"], ["HINCRBYFLOAT", "f", "x", "-inf"], ["HINCRBYFLOAT", "f", "x", "+inf"],
        ["HINCRBYFLOAT", "f", "x", "infinity"], ["HINCRBYFLOAT", "newf", "x", "inf"], ["EXISTS", "newf"],
        ["HSET", "f", "s", "abc", "i", "12"], ["HINCRBYFLOAT", "f", "s", "1"], ["HINCRBYFLOAT", "f", "i", "0.5"],
        ["HINCRBYFLOAT", "f", "x"], ["HINCRBY", "f", "x", "1"], ["HGETALL", "f"],
        // the largest long doubles: thousands of digits, then an overflow (kept apart from "f":
        // these long values make Redis 7 convert the hash, see redis62Only)
        ["HINCRBYFLOAT", "fl", "y", "1e4000"], ["HINCRBYFLOAT", "fl", "y", "1.1e4932"], ["HINCRBYFLOAT", "fl", "y", "1e308"],
        ["HSTRLEN", "fl", "y"], ["HINCRBYFLOAT", "fl", "y", "-1e4000"], ["HSTRLEN", "fl", "y"],
        // HRANDFIELD where nothing is random: a missing key, a count of 0, or one that takes it all
        ["HSET", "r", "a", "1", "b", "2", "c", "3"], ["HRANDFIELD", "nosuch"], ["HRANDFIELD", "nosuch", "3"],
        ["HRANDFIELD", "nosuch", "-3", "WITHVALUES"], ["HRANDFIELD", "r", "0"], ["HRANDFIELD", "r", "0", "WITHVALUES"],
        ["HRANDFIELD", "r", "3"], ["HRANDFIELD", "r", "10", "WITHVALUES"], ["HRANDFIELD", "r", "10", "withvalues"],
        ["HRANDFIELD", "r", "x"], ["HRANDFIELD", "r", "1.5"], ["HRANDFIELD", "r", "1", "WITHSCORES"],
        ["HRANDFIELD", "r", "1", "WITHVALUES", "x"], ["HRANDFIELD", "r", "-9223372036854775808"],
        ["HRANDFIELD", "r", "9223372036854775807", "WITHVALUES"], ["HRANDFIELD", "r", "-9223372036854775807", "WITHVALUES"],
        ["HRANDFIELD"], ["HSET", "one", "only", "v"], ["HRANDFIELD", "one"], ["HRANDFIELD", "one", "-3"],
        ["HRANDFIELD", "one", "-2", "WITHVALUES"], ["HRANDFIELD", "one", "1", "WITHVALUES"],
        // HSCAN of a ziplist: the whole hash in one reply, whatever COUNT says; then the errors,
        // the cursor's first, then the key's type, then the options
        ["HSCAN", "r", "0"], ["HSCAN", "r", "0", "COUNT", "1"], ["HSCAN", "r", "0", "MATCH", "b*"],
        ["HSCAN", "r", "0", "MATCH", "*", "COUNT", "100"], ["HSCAN", "r", "x"], ["HSCAN", "r", "-1"],
        ["HSCAN", "r", "18446744073709551615"], ["HSCAN", "r", "18446744073709551616"], ["HSCAN", "nosuch", "x"],
        ["HSCAN", "nosuch", "0"], ["HSCAN", "nosuch", "0", "FOO"], ["HSCAN", "r", "0", "FOO"], ["HSCAN", "r", "0", "COUNT", "0"],
        ["HSCAN", "r", "0", "COUNT", "x"], ["HSCAN", "r", "0", "COUNT"], ["HSCAN", "r", "0", "MATCH"], ["HSCAN", "r"],
        // values at and past hash-max-ziplist-value read back the same
        ["HSET", "long", "f", x64], ["HSET", "long", "g", x65], ["HSTRLEN", "long", "g"], ["HGET", "long", "f"], ["HLEN", "long"],
        // WRONGTYPE, both ways; a bad number is reported before the type
        ["SET", "str", "v"], ["HSET", "str", "a", "1"], ["HMSET", "str", "a", "1"], ["HSETNX", "str", "a", "1"],
        ["HGET", "str", "a"], ["HMGET", "str", "a"], ["HDEL", "str", "a"], ["HLEN", "str"], ["HSTRLEN", "str", "a"],
        ["HEXISTS", "str", "a"], ["HKEYS", "str"], ["HVALS", "str"], ["HGETALL", "str"], ["HINCRBY", "str", "a", "1"],
        ["HINCRBYFLOAT", "str", "a", "1"], ["HRANDFIELD", "str"], ["HRANDFIELD", "str", "2"], ["HSCAN", "str", "0"],
        ["HINCRBY", "str", "a", "x"], ["HINCRBYFLOAT", "str", "a", "x"], ["HINCRBYFLOAT", "str", "a", "inf"],
        ["HRANDFIELD", "str", "x"], ["HSCAN", "str", "x"],
        ["HSET", "h", "k", "v"], ["GET", "h"], ["LPUSH", "h", "x"], ["SADD", "h", "x"], ["INCR", "h"], ["DEL", "h"], ["HGETALL", "h"],
    ]

    /// The replies RESP3 gives another shape: HGETALL a map, HRANDFIELD WITHVALUES pairs, nulls.
    static let resp3: [[String]] = [
        ["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HGETALL", "h"], ["HGETALL", "nosuch"], ["HGET", "h", "zz"],
        ["HGET", "nosuch", "a"], ["HMGET", "h", "a", "zz"], ["HRANDFIELD", "nosuch"], ["HRANDFIELD", "nosuch", "2"],
        ["HRANDFIELD", "h", "5"], ["HRANDFIELD", "h", "5", "WITHVALUES"], ["HRANDFIELD", "h", "0", "WITHVALUES"],
        ["HSET", "one", "f", "v"], ["HRANDFIELD", "one", "-2", "WITHVALUES"], ["HRANDFIELD", "one", "1", "WITHVALUES"],
        ["HRANDFIELD", "one", "-2"], ["HSCAN", "h", "0"], ["HSCAN", "nosuch", "0"], ["HKEYS", "h"], ["HVALS", "h"],
        ["HKEYS", "nosuch"], ["HINCRBYFLOAT", "h", "a", "1.5"], ["HINCRBY", "h", "b", "1"], ["HLEN", "h"],
        ["HEXISTS", "h", "a"], ["HSTRLEN", "h", "a"], ["HSET", "h", "x"], ["HINCRBY", "h", "a", "1"],
    ]

    /// What SwiftRedis answers as Redis 6.2 does, where Redis 7.0 answers otherwise on purpose.
    /// Run in order, on a fresh database.
    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["HSET", "small", "a", "1"], ":1\r\n", "setup"),
        (["OBJECT", "ENCODING", "small"], "$7\r\nziplist\r\n",
         "Redis 7.0 keeps small hashes in a listpack and says \"listpack\""),
        (["HINCRBYFLOAT", "small", "p", two256], "$78\r\n" + two256 + "\r\n", "setup"),
        (["OBJECT", "ENCODING", "small"], "$7\r\nziplist\r\n",
         "Redis 6.2 checks lengths only for the strings a command receives (hashTypeTryConversion), so a long " +
         "HINCRBYFLOAT result stays in the ziplist; Redis 7.0's hashTypeSet converts, and answers \"hashtable\""),
        (["HINCRBY", "small", String(repeating: "f", count: 65), "1"], ":1\r\n", "setup"),
        (["OBJECT", "ENCODING", "small"], "$7\r\nziplist\r\n",
         "the same for a long field given to HINCRBY: Redis 7.0 converts, 6.2 does not"),
    ]

    func testSameRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        XCTAssertGreaterThanOrEqual(HashSideBySideTests.commands.count, 80)
        try assertSameReplies(HashSideBySideTests.commands, ours: a, redis: b)
        // Binary fields and values: NUL, CR LF and bytes that are not UTF-8.
        let field: [UInt8] = [0, 13, 10, 0xff], value: [UInt8] = [36, 42, 0, 0xfe]
        for args in [[Array("HSET".utf8), Array("bin".utf8), field, value], [Array("HGET".utf8), Array("bin".utf8), field],
                     [Array("HGETALL".utf8), Array("bin".utf8)], [Array("HSTRLEN".utf8), Array("bin".utf8), field]] {
            XCTAssertEqual(esc(try a.callRaw(args)), esc(try b.callRaw(args)))
        }
    }

    func testSameRepliesInRESP3() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        // HELLO's own map names each server: only its kind is compared.
        for c in [a, b] {
            guard case .map = try c.call("HELLO", "3") else { XCTFail("HELLO 3 is not a map"); return }
        }
        try assertSameReplies(HashSideBySideTests.resp3, ours: a, redis: b)
    }

    /// Past 512 fields both servers use a hash table whose order depends on a random hash seed:
    /// the same fields and values must come back, in whatever order.
    func testAHashTableHoldsTheSameFields() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] {
            for i in 0..<512 { XCTAssertEqual(try c.call("HSET", "big", "f\(i)", "v\(i)"), .integer(1)) }
            XCTAssertEqual(try c.call("HSET", "big", "f512", "v512"), .integer(1))
            XCTAssertEqual(try c.call("HSET", "wide", "f", HashSideBySideTests.x65), .integer(1))
        }
        // A hash table is called the same in 6.2 and 7.0.
        try assertSameReplies([["OBJECT", "ENCODING", "big"], ["OBJECT", "ENCODING", "wide"], ["HLEN", "big"],
                               ["HGET", "big", "f300"], ["HEXISTS", "big", "f512"], ["HSTRLEN", "big", "f99"],
                               ["HINCRBY", "big", "n", "7"], ["HDEL", "big", "n", "f0", "nope"], ["HLEN", "big"],
                               ["HRANDFIELD", "big", "0"], ["HGETALL", "wide"]], ours: a, redis: b)
        func pairs(_ v: RESPValue) -> [String] {
            guard case .array(let items?) = v else { return ["not an array: \(v)"] }
            return stride(from: 0, to: items.count - 1, by: 2).map { "\(items[$0])=\(items[$0 + 1])" }.sorted()
        }
        func fields(_ v: RESPValue) -> [String] {
            guard case .array(let items?) = v else { return ["not an array: \(v)"] }
            return items.map(\.description).sorted()
        }
        /// Every field and value HSCAN returns before the cursor comes back to 0.
        func scanAll(_ c: RawClient) throws -> [String] {
            var cursor = "0", out: [String] = []
            repeat {
                guard case .array(let r?) = try c.call("HSCAN", "big", cursor, "COUNT", "37"), r.count == 2,
                      let next = r[0].string else { XCTFail("HSCAN reply"); return out }
                cursor = next
                out += pairs(r[1])
            } while cursor != "0"
            return Array(Set(out)).sorted()  // HSCAN may return a field twice while a table rehashes
        }
        let all = pairs(try a.call("HGETALL", "big"))
        XCTAssertEqual(all.count, 512)
        XCTAssertEqual(all, pairs(try b.call("HGETALL", "big")))
        XCTAssertEqual(fields(try a.call("HKEYS", "big")), fields(try b.call("HKEYS", "big")))
        XCTAssertEqual(fields(try a.call("HVALS", "big")), fields(try b.call("HVALS", "big")))
        XCTAssertEqual(try scanAll(a), all)
        XCTAssertEqual(try scanAll(b), all)
        // HRANDFIELD: a count past the size is the whole hash; a negative one gives |count|
        // fields that all exist; a positive one distinct fields.
        XCTAssertEqual(pairs(try a.call("HRANDFIELD", "big", "1000", "WITHVALUES")), all)
        XCTAssertEqual(pairs(try b.call("HRANDFIELD", "big", "1000", "WITHVALUES")), all)
        for c in [a, b] {
            let drawn = pairs(try c.call("HRANDFIELD", "big", "-700", "WITHVALUES"))
            XCTAssertEqual(drawn.count, 700)
            XCTAssertTrue(Set(drawn).isSubset(of: all))
            let distinct = fields(try c.call("HRANDFIELD", "big", "300"))
            XCTAssertEqual(Set(distinct).count, 300)
        }
    }

    func testCommandsWhereRedis7Differs() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        let theirs = try assertRedis62Replies(HashSideBySideTests.redis62Only, ours: a, redis: b)
        // Set-up lines answer alike; every other line must still differ, or it belongs in the
        // byte comparison.
        for ((cmd, reply, reason), real) in zip(HashSideBySideTests.redis62Only, theirs) {
            if reason == "setup" {
                XCTAssertEqual(esc(Array(reply.utf8)), esc(real), cmd.joined(separator: " "))
            } else {
                XCTAssertNotEqual(esc(Array(reply.utf8)), esc(real), "\(cmd.joined(separator: " ")): no longer differs")
            }
        }
        // COMMAND INFO: Redis 7.0 moved `random` to a tip and added fields after the seventh;
        // name, arity and key positions of the hash commands are those of 6.2.
        for name in ["hset", "hsetnx", "hget", "hmset", "hmget", "hincrby", "hincrbyfloat", "hdel", "hlen", "hstrlen",
                     "hkeys", "hvals", "hgetall", "hexists", "hrandfield", "hscan"] {
            guard case .array(let m?) = try a.call("COMMAND", "INFO", name), case .array(let mine?) = m.first,
                  case .array(let t?) = try b.call("COMMAND", "INFO", name), case .array(let theirs?) = t.first,
                  theirs.count >= 6 else {
                XCTFail("COMMAND INFO \(name): not an array"); continue
            }
            XCTAssertEqual(mine.count, 7, name)
            for i in [0, 1, 3, 4, 5] { XCTAssertEqual(mine[i], theirs[i], "COMMAND INFO \(name), field \(i)") }
        }
    }
}
