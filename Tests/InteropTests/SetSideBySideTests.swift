// The set commands side by side with a real `redis-server`: the same commands, byte for byte.
//
// A hash table's order is its own (ours differs from Redis's), so the byte comparison uses sets
// of integers (intsets list in ascending order in both), sets of one member, counts, and random
// commands only where the answer is not random (the whole set, or an empty one). Sets of strings
// are compared after sorting, in a separate test.

import Foundation
import TestSupport
import XCTest

final class SetSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        // SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, OBJECT ENCODING
        ["SADD", "s", "3", "1", "2"], ["SADD", "s", "2", "4", "4"], ["SMEMBERS", "s"], ["SCARD", "s"], ["SCARD", "nosuch"],
        ["OBJECT", "ENCODING", "s"], ["SISMEMBER", "s", "1"], ["SISMEMBER", "s", "01"], ["SISMEMBER", "s", "+1"],
        ["SISMEMBER", "nosuch", "1"], ["SMISMEMBER", "s", "1", "x", "4"], ["SMISMEMBER", "nosuch", "a", "b"],
        ["SREM", "s", "1", "x", "+2"], ["SREM", "nosuch", "1"], ["SMEMBERS", "s"], ["SREM", "s", "2", "3", "4", "5"],
        ["EXISTS", "s"], ["SMEMBERS", "nosuch"], ["TYPE", "s"],
        ["SADD", "i", "5", "-3", "100000", "9223372036854775807", "-9223372036854775808", "0"], ["SMEMBERS", "i"],
        ["OBJECT", "ENCODING", "i"], ["SADD", "i", "9223372036854775808"], ["OBJECT", "ENCODING", "i"], ["SCARD", "i"],
        ["SREM", "i", "9223372036854775808"], ["OBJECT", "ENCODING", "i"], ["SISMEMBER", "i", "-3"],
        ["SADD", "w", "word"], ["OBJECT", "ENCODING", "w"], ["SMEMBERS", "w"], ["SADD", "z", "-0"], ["OBJECT", "ENCODING", "z"],
        ["SADD", "z2", "007"], ["OBJECT", "ENCODING", "z2"], ["SADD", "z3", " 1"], ["OBJECT", "ENCODING", "z3"],
        ["SADD", "e", ""], ["SMEMBERS", "e"], ["SISMEMBER", "e", ""],
        // Wrong types and arity
        ["SET", "str", "v"], ["SADD", "str", "a"], ["SREM", "str", "a"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"],
        ["SCARD", "str"], ["SMEMBERS", "str"], ["SPOP", "str"], ["SPOP", "str", "1"], ["SRANDMEMBER", "str"],
        ["SRANDMEMBER", "str", "1"], ["SMOVE", "str", "i", "a"], ["SMOVE", "i", "str", "5"], ["SMOVE", "nosuch", "str", "5"],
        ["SINTER", "str", "nosuch"], ["SINTER", "i", "str"], ["SUNION", "nosuch", "str"], ["SDIFF", "i", "str"],
        ["SDIFF", "nosuch", "str"], ["SINTERSTORE", "d", "str"], ["SUNIONSTORE", "d", "i", "str"], ["SDIFFSTORE", "d", "str"],
        ["SSCAN", "str", "0"], ["SSCAN", "str", "abc"], ["SSCAN", "str", "0", "FOO"], ["GET", "str"],
        ["SADD", "s"], ["SREM", "s"], ["SCARD"], ["SISMEMBER", "s"], ["SMISMEMBER", "s"], ["SMEMBERS"], ["SMEMBERS", "a", "b"],
        ["SPOP"], ["SRANDMEMBER"], ["SMOVE", "a", "b"], ["SINTER"], ["SINTERSTORE", "d"], ["SUNION"], ["SUNIONSTORE", "d"],
        ["SDIFF"], ["SDIFFSTORE", "d"], ["SSCAN", "s"],
        // SMOVE
        ["SADD", "a", "1", "2", "3"], ["SADD", "b", "3", "4"], ["SMOVE", "a", "b", "1"], ["SMEMBERS", "a"], ["SMEMBERS", "b"],
        ["SMOVE", "a", "b", "3"], ["SMEMBERS", "b"], ["SMOVE", "a", "b", "9"], ["SMOVE", "a", "a", "2"], ["SMOVE", "a", "a", "9"],
        ["SMOVE", "a", "new", "x"], ["SMOVE", "a", "new", "2"], ["EXISTS", "a"], ["SMEMBERS", "new"], ["OBJECT", "ENCODING", "new"],
        ["SMOVE", "w", "new", "word"], ["OBJECT", "ENCODING", "new"], ["EXISTS", "w"], ["SCARD", "new"],
        // SINTER, SUNION, SDIFF and their STORE forms, on integer sets
        ["SADD", "a", "1", "2", "3", "4"], ["SADD", "b", "3", "4", "5"], ["SADD", "c", "4", "9"],
        ["SINTER", "a", "b", "c"], ["SINTER", "a", "b"], ["SINTER", "a", "a"], ["SINTER", "a", "nosuch"], ["SINTER", "nosuch", "a"],
        ["SUNION", "b", "c", "nosuch"], ["SUNION", "nosuch"], ["SDIFF", "a", "b", "c"], ["SDIFF", "a", "nosuch"],
        ["SDIFF", "nosuch", "a"], ["SDIFF", "a", "a"], ["SDIFF", "a", "b", "a"], ["SINTER", "i", "a"],
        ["SET", "d", "old", "EX", "100"], ["SINTERSTORE", "d", "a", "b"], ["TTL", "d"], ["SMEMBERS", "d"], ["OBJECT", "ENCODING", "d"],
        ["SUNIONSTORE", "d", "d", "c"], ["SMEMBERS", "d"], ["SDIFFSTORE", "d", "a", "d"], ["SMEMBERS", "d"],
        ["SDIFFSTORE", "d", "a", "a"], ["EXISTS", "d"], ["SET", "d", "v"], ["SINTERSTORE", "d", "a", "nosuch"], ["EXISTS", "d"],
        ["SUNIONSTORE", "d", "nosuch"], ["SUNIONSTORE", "d", "a"], ["SINTERSTORE", "d", "d"], ["SMEMBERS", "d"],
        ["SADD", "one", "x"], ["SUNIONSTORE", "d2", "one", "nosuch"], ["SMEMBERS", "d2"], ["OBJECT", "ENCODING", "d2"],
        ["SINTERSTORE", "d2", "one", "a"], ["EXISTS", "d2"],
        // SPOP and SRANDMEMBER where the answer is not random
        ["SPOP", "nosuch"], ["SPOP", "nosuch", "2"], ["SPOP", "nosuch", "0"], ["SPOP", "a", "0"], ["SPOP", "a", "-1"],
        ["SPOP", "a", "abc"], ["SPOP", "a", "1", "2"], ["SPOP", "one"], ["EXISTS", "one"], ["SPOP", "c", "2"], ["EXISTS", "c"],
        ["SADD", "c", "7", "8"], ["SPOP", "c", "5"], ["EXISTS", "c"], ["SADD", "one", "x"], ["SPOP", "one", "1"], ["EXISTS", "one"],
        ["SRANDMEMBER", "nosuch"], ["SRANDMEMBER", "nosuch", "5"], ["SRANDMEMBER", "nosuch", "-5"], ["SRANDMEMBER", "a", "0"],
        ["SRANDMEMBER", "a", "-0"], ["SRANDMEMBER", "a", "abc"], ["SRANDMEMBER", "a", "1", "2"], ["SRANDMEMBER", "a", "100"],
        ["SRANDMEMBER", "a", "4"], ["SADD", "one", "x"], ["SRANDMEMBER", "one"], ["SRANDMEMBER", "one", "-3"],
        ["SRANDMEMBER", "one", "1"], ["SCARD", "a"],
        // SSCAN
        ["SSCAN", "a", "0"], ["SSCAN", "a", "0", "MATCH", "2"], ["SSCAN", "a", "0", "MATCH", "*"], ["SSCAN", "a", "0", "COUNT", "1"],
        ["SSCAN", "a", "0", "COUNT", "0"], ["SSCAN", "a", "0", "COUNT", "abc"], ["SSCAN", "a", "0", "FOO"], ["SSCAN", "a", "abc"],
        ["SSCAN", "a", "-1"], ["SSCAN", "nosuch", "0"], ["SSCAN", "nosuch", "0", "FOO"], ["SSCAN", "one", "0"],
        ["SSCAN", "a", "0", "MATCH"], ["SSCAN", "a", "5"],
        // The config option
        ["CONFIG", "GET", "set-max-intset-entries"], ["CONFIG", "SET", "set-max-intset-entries", "2"],
        ["SADD", "small", "1", "2"], ["OBJECT", "ENCODING", "small"], ["SADD", "small", "3"], ["OBJECT", "ENCODING", "small"],
        ["CONFIG", "GET", "set-max-intset-entries"], ["CONFIG", "SET", "set-max-intset-entries", "512"],
    ]

    /// Our 6.2 replies where Redis 7.0 replies differently on purpose; not byte-compared.
    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["SINTER", "nosuch", "str"], "*0\r\n",
         "Redis 6.2's SINTER returns at the first missing key; 7.0 type-checks every key first (WRONGTYPE)"),
        (["SINTERSTORE", "d", "nosuch", "str"], ":0\r\n",
         "Redis 6.2's SINTERSTORE returns at the first missing key; 7.0 type-checks every key first (WRONGTYPE)"),
    ]

    func testSameRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] { XCTAssertEqual(try c.call("FLUSHALL"), .simple("OK")) }
        XCTAssertGreaterThanOrEqual(SetSideBySideTests.commands.count, 80)
        try assertSameReplies(SetSideBySideTests.commands, ours: a, redis: b)
        // 513 integers: both convert at the same member.
        let ints = (1...512).map { [String($0)] }.flatMap { $0 }
        try assertSameReplies([["SADD", "big"] + ints, ["OBJECT", "ENCODING", "big"], ["SADD", "big", "513"],
                               ["OBJECT", "ENCODING", "big"], ["SCARD", "big"], ["SADD", "big2"] + ints + ["513"],
                               ["OBJECT", "ENCODING", "big2"]], ours: a, redis: b)
    }

    /// Sets of strings: the same members, once sorted (a hash table's order is its own).
    func testSameMembersOnceSorted() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] { XCTAssertEqual(try c.call("FLUSHALL"), .simple("OK")) }
        try assertSameReplies([["SADD", "x", "a", "b", "c", "1", "2"], ["SADD", "y", "b", "c", "d", "2", "3"],
                               ["SADD", "z", "c", "zz"]], ours: a, redis: b)
        func sorted(_ c: RawClient, _ args: [String]) throws -> [String] {
            guard case .array(let items?) = try c.call(args.map { Array($0.utf8) }) else { return ["not an array"] }
            return items.compactMap(\.string).sorted()
        }
        for cmd in [["SMEMBERS", "x"], ["SINTER", "x", "y"], ["SINTER", "x", "y", "z"], ["SUNION", "x", "y", "z"],
                    ["SDIFF", "x", "y"], ["SDIFF", "y", "x", "z"], ["SRANDMEMBER", "x", "10"], ["SPOP", "z", "10"]] {
            XCTAssertEqual(try sorted(a, cmd), try sorted(b, cmd), cmd.joined(separator: " "))
        }
        try assertSameReplies([["SUNIONSTORE", "u", "x", "y"], ["SCARD", "u"], ["SINTERSTORE", "u", "x", "y"], ["SCARD", "u"],
                               ["OBJECT", "ENCODING", "u"], ["EXISTS", "z"]], ours: a, redis: b)
    }

    func testCommandsWhereRedis7Differs() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] { XCTAssertEqual(try c.call("SET", "str", "v"), .simple("OK")) }
        try assertRedis62Replies(SetSideBySideTests.redis62Only, ours: a, redis: b)
        // COMMAND INFO: name, arity and key positions are unchanged since 6.2 (7.0 adds fields
        // after the seventh, and moved `random` to a tip).
        for name in ["sadd", "srem", "smove", "sismember", "smismember", "scard", "spop", "srandmember", "sinter",
                     "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "smembers", "sscan"] {
            guard case .array(let m?) = try a.call("COMMAND", "INFO", name), case .array(let mine?) = m.first,
                  case .array(let t?) = try b.call("COMMAND", "INFO", name), case .array(let theirs?) = t.first,
                  theirs.count >= 6 else {
                XCTFail("COMMAND INFO \(name): not an array"); continue
            }
            XCTAssertEqual(mine.count, 7)
            for i in [0, 1, 3, 4, 5] { XCTAssertEqual(mine[i], theirs[i], "COMMAND INFO \(name), field \(i)") }
        }
    }
}
