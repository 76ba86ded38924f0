// The set commands end to end, over raw RESP: every command and every error with its exact bytes;
// the random commands checked by properties (members that were there, gone after SPOP, counts,
// every member reachable); the encodings and set-max-intset-entries; and the AOF: what SPOP
// writes (SREM, MULTI/EXEC around several, DEL for the whole set) and a set surviving a restart.

import Foundation
import RedisCore
import TestSupport
import XCTest

final class SetCommandTests: ServerTestCase {
    /// The members of a set reply (array), as strings.
    func members(_ c: RawClient, _ args: String..., file: StaticString = #filePath, line: UInt = #line) -> [String] {
        guard case .array(let items?) = (try? c.call(args.map { Array($0.utf8) })) ?? .array(nil) else {
            XCTFail("\(args.joined(separator: " ")): not an array", file: file, line: line); return []
        }
        return items.compactMap { $0.string }
    }

    func testAddRemoveAndTest() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SADD", "s", "3", "1", "2", is: ":3\r\n")
        expect(c, "SADD", "s", "2", "4", "4", is: ":1\r\n")
        expect(c, "SMEMBERS", "s", is: "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "SCARD", "s", is: ":4\r\n")
        expect(c, "SCARD", "nosuch", is: ":0\r\n")
        expect(c, "SISMEMBER", "s", "1", is: ":1\r\n")
        expect(c, "SISMEMBER", "s", "01", is: ":0\r\n")
        expect(c, "SISMEMBER", "nosuch", "1", is: ":0\r\n")
        expect(c, "SMISMEMBER", "s", "1", "x", "4", is: "*3\r\n:1\r\n:0\r\n:1\r\n")
        expect(c, "SMISMEMBER", "nosuch", "a", "b", is: "*2\r\n:0\r\n:0\r\n")
        expect(c, "SREM", "s", "1", "x", "+2", is: ":1\r\n")
        expect(c, "SREM", "nosuch", "1", is: ":0\r\n")
        expect(c, "SREM", "s", "2", "3", "4", "5", is: ":3\r\n")
        expect(c, "EXISTS", "s", is: ":0\r\n")  // the last member took the key with it
        expect(c, "SMEMBERS", "s", is: "*0\r\n")
        expect(c, "TYPE", "s", is: "+none\r\n")
        expect(c, "SADD", "s", "a", is: ":1\r\n")
        expect(c, "TYPE", "s", is: "+set\r\n")
    }

    func testWrongTypeAndArityErrors() throws {
        let s = try startServer()
        let c = try connect(s)
        let wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        expect(c, "SADD", "set", "1", is: ":1\r\n")
        for cmd in [["SADD", "str", "a"], ["SREM", "str", "a"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"],
                    ["SCARD", "str"], ["SMEMBERS", "str"], ["SPOP", "str"], ["SPOP", "str", "2"], ["SRANDMEMBER", "str"],
                    ["SRANDMEMBER", "str", "2"], ["SMOVE", "str", "set", "a"], ["SMOVE", "set", "str", "1"],
                    ["SINTER", "set", "str"], ["SUNION", "nosuch", "str"], ["SDIFF", "set", "str"],
                    ["SINTERSTORE", "d", "str"], ["SUNIONSTORE", "d", "set", "str"], ["SDIFFSTORE", "d", "nosuch", "str"],
                    ["SSCAN", "str", "0"]] {
            expectBytes(c, cmd.map { Array($0.utf8) }, is: Array(wrong.utf8))
        }
        expect(c, "SMEMBERS", "set", is: "*1\r\n$1\r\n1\r\n")  // nothing moved on an error
        // Redis 6.2's SINTER stops at a missing key before type-checking the keys after it.
        expect(c, "SINTER", "nosuch", "str", is: "*0\r\n")
        expect(c, "SINTERSTORE", "d", "nosuch", "str", is: ":0\r\n")
        for (name, args) in [("sadd", ["SADD", "s"]), ("srem", ["SREM", "s"]), ("smove", ["SMOVE", "a", "b"]),
                             ("sismember", ["SISMEMBER", "s"]), ("smismember", ["SMISMEMBER", "s"]), ("scard", ["SCARD"]),
                             ("spop", ["SPOP"]), ("srandmember", ["SRANDMEMBER"]), ("sinter", ["SINTER"]),
                             ("sinterstore", ["SINTERSTORE", "d"]), ("sunion", ["SUNION"]), ("sunionstore", ["SUNIONSTORE", "d"]),
                             ("sdiff", ["SDIFF"]), ("sdiffstore", ["SDIFFSTORE", "d"]), ("smembers", ["SMEMBERS", "a", "b"]),
                             ("sscan", ["SSCAN", "s"])] {
            expectBytes(c, args.map { Array($0.utf8) }, is: Array("-ERR wrong number of arguments for '\(name)' command\r\n".utf8))
        }
        expect(c, "SPOP", "set", "1", "2", is: "-ERR syntax error\r\n")
        expect(c, "SRANDMEMBER", "set", "1", "2", is: "-ERR syntax error\r\n")
        expect(c, "SPOP", "set", "-1", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "SPOP", "set", "abc", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "SRANDMEMBER", "set", "abc", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "SRANDMEMBER", "set", "-9223372036854775808",
               is: "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n")
    }

    func testEncodingsAndTheConfigOption() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "CONFIG", "GET", "set-max-intset-entries", is: "*2\r\n$22\r\nset-max-intset-entries\r\n$3\r\n512\r\n")
        expect(c, "SADD", "i", "1", "-5", is: ":2\r\n")
        expect(c, "OBJECT", "ENCODING", "i", is: "$6\r\nintset\r\n")
        expect(c, "SADD", "i", "+1", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "i", is: "$9\r\nhashtable\r\n")
        expect(c, "SREM", "i", "+1", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "i", is: "$9\r\nhashtable\r\n")  // one way
        expect(c, "SADD", "w", "word", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "w", is: "$9\r\nhashtable\r\n")
        // 512 integers fit, 513 do not.
        let ints = (1...512).map { String($0) }
        XCTAssertEqual(try c.call([Array("SADD".utf8), Array("big".utf8)] + ints.map { Array($0.utf8) }), .integer(512))
        expect(c, "OBJECT", "ENCODING", "big", is: "$6\r\nintset\r\n")
        expect(c, "SADD", "big", "513", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "big", is: "$9\r\nhashtable\r\n")
        expect(c, "SCARD", "big", is: ":513\r\n")
        // CONFIG SET changes the limit for later additions.
        expect(c, "CONFIG", "SET", "set-max-intset-entries", "2", is: "+OK\r\n")
        expect(c, "SADD", "small", "1", "2", is: ":2\r\n")
        expect(c, "OBJECT", "ENCODING", "small", is: "$6\r\nintset\r\n")
        expect(c, "SADD", "small", "3", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "small", is: "$9\r\nhashtable\r\n")
        expect(c, "CONFIG", "SET", "set-max-intset-entries", "-1",
               is: "-ERR Invalid argument '-1' for CONFIG SET 'set-max-intset-entries' - argument must be between 0 and 9223372036854775807 inclusive\r\n")
        expect(c, "CONFIG", "GET", "set-max-intset-entries", is: "*2\r\n$22\r\nset-max-intset-entries\r\n$1\r\n2\r\n")
    }

    func testSmove() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SADD", "a", "1", "2", is: ":2\r\n")
        expect(c, "SADD", "b", "2", is: ":1\r\n")
        expect(c, "SMOVE", "a", "b", "1", is: ":1\r\n")
        expect(c, "SMEMBERS", "b", is: "*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        expect(c, "SMOVE", "a", "b", "2", is: ":1\r\n")  // already in b: still a move
        expect(c, "EXISTS", "a", is: ":0\r\n")
        expect(c, "SMOVE", "a", "b", "2", is: ":0\r\n")
        expect(c, "SMOVE", "b", "b", "2", is: ":1\r\n")
        expect(c, "SMOVE", "b", "b", "9", is: ":0\r\n")
        expect(c, "SMOVE", "b", "new", "x", is: ":0\r\n")
        expect(c, "SMOVE", "b", "new", "1", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "new", is: "$6\r\nintset\r\n")
        expect(c, "SADD", "h", "x", is: ":1\r\n")
        expect(c, "SMOVE", "h", "new", "x", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "new", is: "$9\r\nhashtable\r\n")
        expect(c, "SCARD", "new", is: ":2\r\n")
    }

    func testIntersectionUnionDifferenceAndStore() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SADD", "a", "1", "2", "3", "4", is: ":4\r\n")
        expect(c, "SADD", "b", "3", "4", "5", is: ":3\r\n")
        expect(c, "SADD", "c", "4", "9", is: ":2\r\n")
        expect(c, "SINTER", "a", "b", "c", is: "*1\r\n$1\r\n4\r\n")
        expect(c, "SINTER", "a", "b", is: "*2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "SINTER", "a", "a", is: "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "SUNION", "b", "c", "nosuch", is: "*4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n9\r\n")
        expect(c, "SDIFF", "a", "b", "c", is: "*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        expect(c, "SDIFF", "a", "nosuch", is: "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "SDIFF", "nosuch", "a", is: "*0\r\n")
        expect(c, "SDIFF", "a", "a", is: "*0\r\n")
        expect(c, "SINTER", "a", "nosuch", is: "*0\r\n")
        // Mixed encodings: members compare as bytes.
        expect(c, "SADD", "h", "x", "3", "1", is: ":3\r\n")
        XCTAssertEqual(Set(members(c, "SINTER", "a", "h")), ["1", "3"])
        XCTAssertEqual(Set(members(c, "SUNION", "h", "c")), ["x", "3", "1", "4", "9"])
        XCTAssertEqual(Set(members(c, "SDIFF", "h", "a")), ["x"])
        // STORE: replaces the destination and its TTL; an empty result deletes it.
        expect(c, "SET", "d", "old", "EX", "100", is: "+OK\r\n")
        expect(c, "SINTERSTORE", "d", "a", "b", is: ":2\r\n")
        expect(c, "TTL", "d", is: ":-1\r\n")
        expect(c, "SMEMBERS", "d", is: "*2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "SUNIONSTORE", "d", "d", "c", is: ":3\r\n")
        expect(c, "SMEMBERS", "d", is: "*3\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n9\r\n")
        expect(c, "SDIFFSTORE", "d", "a", "d", is: ":2\r\n")
        expect(c, "SMEMBERS", "d", is: "*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        expect(c, "SDIFFSTORE", "d", "a", "a", is: ":0\r\n")
        expect(c, "EXISTS", "d", is: ":0\r\n")
        expect(c, "SET", "d", "v", is: "+OK\r\n")
        expect(c, "SINTERSTORE", "d", "a", "nosuch", is: ":0\r\n")
        expect(c, "EXISTS", "d", is: ":0\r\n")
        expect(c, "SUNIONSTORE", "d", "nosuch", is: ":0\r\n")
        expect(c, "SUNIONSTORE", "d", "h", is: ":3\r\n")
        expect(c, "OBJECT", "ENCODING", "d", is: "$9\r\nhashtable\r\n")
        expect(c, "SINTERSTORE", "d", "h", "a", is: ":2\r\n")
        expect(c, "OBJECT", "ENCODING", "d", is: "$6\r\nintset\r\n")
    }

    func testSpopProperties() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SPOP", "nosuch", is: "$-1\r\n")
        expect(c, "SPOP", "nosuch", "3", is: "*0\r\n")
        for all in [(1...30).map(String.init), (1...30).map { "m\($0)" }] {
            XCTAssertEqual(try c.call([Array("SADD".utf8), Array("s".utf8)] + all.map { Array($0.utf8) }), .integer(30))
            expect(c, "SPOP", "s", "0", is: "*0\r\n")
            var left = Set(all)
            guard let one = call(c, "SPOP", "s").string else { XCTFail("SPOP"); return }
            XCTAssertNotNil(left.remove(one), "\(one) was a member")
            expect(c, "SISMEMBER", "s", one, is: ":0\r\n")
            // Few (case 2) and nearly all (case 3) of the rest.
            for n in ["3", "20"] {
                let got = members(c, "SPOP", "s", n)
                XCTAssertEqual(got.count, Int(n))
                XCTAssertEqual(Set(got).count, got.count, "distinct")
                for m in got {
                    XCTAssertNotNil(left.remove(m), "\(m) was a member")
                    expect(c, "SISMEMBER", "s", m, is: ":0\r\n")
                }
                XCTAssertEqual(int(c, "SCARD", "s"), Int64(left.count))
            }
            XCTAssertEqual(Set(members(c, "SMEMBERS", "s")), left)
            XCTAssertEqual(Set(members(c, "SPOP", "s", "100")), left, "more than the set: all of it")
            expect(c, "EXISTS", "s", is: ":0\r\n")
        }
        expect(c, "SADD", "one", "x", is: ":1\r\n")
        expect(c, "SPOP", "one", is: "$1\r\nx\r\n")
        expect(c, "EXISTS", "one", is: ":0\r\n")
        // A TTL survives a partial SPOP with a count.
        expect(c, "SADD", "t", "1", "2", "3", "4", "5", "6", is: ":6\r\n")
        expect(c, "EXPIRE", "t", "100", is: ":1\r\n")
        XCTAssertEqual(members(c, "SPOP", "t", "5").count, 5)
        expect(c, "TTL", "t", is: ":100\r\n")
    }

    func testSrandmemberProperties() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SRANDMEMBER", "nosuch", is: "$-1\r\n")
        expect(c, "SRANDMEMBER", "nosuch", "5", is: "*0\r\n")
        expect(c, "SRANDMEMBER", "nosuch", "-5", is: "*0\r\n")
        expect(c, "SADD", "two", "a", "b", is: ":2\r\n")
        expect(c, "SRANDMEMBER", "two", "0", is: "*0\r\n")
        let five = members(c, "SRANDMEMBER", "two", "-5")
        XCTAssertEqual(five.count, 5, "a negative count repeats members")
        XCTAssertTrue(five.allSatisfy { ["a", "b"].contains($0) }, "\(five)")
        XCTAssertEqual(Set(members(c, "SRANDMEMBER", "two", "5")), ["a", "b"])
        XCTAssertEqual(members(c, "SRANDMEMBER", "two", "1").count, 1)
        expect(c, "SCARD", "two", is: ":2\r\n")  // read-only
        for all in [(1...40).map(String.init), (1...40).map { "m\($0)" }] {
            call(c, "DEL", "s")
            XCTAssertEqual(try c.call([Array("SADD".utf8), Array("s".utf8)] + all.map { Array($0.utf8) }), .integer(40))
            for n in ["5", "30", "39"] {  // a small part (random picks) and most (shuffle)
                let got = members(c, "SRANDMEMBER", "s", n)
                XCTAssertEqual(got.count, Int(n))
                XCTAssertEqual(Set(got).count, got.count, "distinct with a positive count")
                XCTAssertTrue(Set(got).isSubset(of: Set(all)))
            }
            // Every member comes up: 4,000 picks from 40 members.
            var seen = Set<String>()
            for _ in 0..<4 { seen.formUnion(members(c, "SRANDMEMBER", "s", "-1000")) }
            XCTAssertEqual(seen, Set(all), "no member is starved")
            XCTAssertEqual(int(c, "SCARD", "s"), 40)
        }
    }

    /// 10 integers (an intset, where a pick is a uniform index), 20,000 picks: each about 2,000
    /// times. The bounds are more than 20 standard deviations away, so the test does not flake.
    func testSrandmemberIsRoughlyUniform() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SADD", "s", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", is: ":10\r\n")
        var counts = [String: Int]()
        for _ in 0..<4 { for m in members(c, "SRANDMEMBER", "s", "-5000") { counts[m, default: 0] += 1 } }
        XCTAssertEqual(counts.count, 10)
        for (m, n) in counts { XCTAssertTrue((1000...3000).contains(n), "\(m): \(n) of 20000") }
    }

    func testSscan() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SADD", "i", "3", "1", "2", is: ":3\r\n")
        expect(c, "SSCAN", "i", "0", is: "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n")
        expect(c, "SSCAN", "i", "0", "MATCH", "2", is: "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n2\r\n")
        expect(c, "SSCAN", "nosuch", "0", is: "*2\r\n$1\r\n0\r\n*0\r\n")
        expect(c, "SSCAN", "i", "abc", is: "-ERR invalid cursor\r\n")
        expect(c, "SSCAN", "i", "0", "COUNT", "0", is: "-ERR syntax error\r\n")
        expect(c, "SSCAN", "i", "0", "FOO", is: "-ERR syntax error\r\n")
        expect(c, "SSCAN", "nosuch", "0", "FOO", is: "*2\r\n$1\r\n0\r\n*0\r\n")  // cursor, key, then options
        // A hash table: the cursor walks it; every member comes back.
        let all = (1...300).map { "m\($0)" }
        XCTAssertEqual(try c.call([Array("SADD".utf8), Array("h".utf8)] + all.map { Array($0.utf8) }), .integer(300))
        var cursor = "0", seen = Set<String>(), calls = 0
        repeat {
            guard case .array(let r?) = call(c, "SSCAN", "h", cursor, "COUNT", "20"), r.count == 2,
                  let next = r[0].string, case .array(let items?) = r[1] else { XCTFail("SSCAN reply"); return }
            cursor = next
            seen.formUnion(items.compactMap(\.string))
            calls += 1
        } while cursor != "0" && calls < 1000
        XCTAssertGreaterThan(calls, 1, "a 300-member table takes several calls")
        XCTAssertEqual(seen, Set(all))
    }

    /// Arity, flags and key positions of Redis 6.2's table (src/server.c).
    func testCommandInfo() throws {
        let s = try startServer()
        let c = try connect(s)
        let table: [(String, Int, [String], Int, Int)] = [
            ("sadd", -3, ["write", "denyoom", "fast"], 1, 1), ("srem", -3, ["write", "fast"], 1, 1),
            ("smove", 4, ["write", "fast"], 1, 2), ("sismember", 3, ["readonly", "fast"], 1, 1),
            ("smismember", -3, ["readonly", "fast"], 1, 1), ("scard", 2, ["readonly", "fast"], 1, 1),
            ("spop", -2, ["write", "random", "fast"], 1, 1), ("srandmember", -2, ["readonly", "random"], 1, 1),
            ("sinter", -2, ["readonly", "sort_for_script"], 1, -1), ("sinterstore", -3, ["write", "denyoom"], 1, -1),
            ("sunion", -2, ["readonly", "sort_for_script"], 1, -1), ("sunionstore", -3, ["write", "denyoom"], 1, -1),
            ("sdiff", -2, ["readonly", "sort_for_script"], 1, -1), ("sdiffstore", -3, ["write", "denyoom"], 1, -1),
            ("smembers", 2, ["readonly", "sort_for_script"], 1, 1), ("sscan", -3, ["readonly", "random"], 1, 1),
        ]
        for (name, arity, flags, first, last) in table {
            guard case .array(let outer?) = call(c, "COMMAND", "INFO", name), case .array(let info?) = outer.first,
                  info.count == 7 else { XCTFail("COMMAND INFO \(name)"); continue }
            XCTAssertEqual(info[0], .bulk(Array(name.utf8)))
            XCTAssertEqual(info[1], .integer(Int64(arity)), name)
            XCTAssertEqual(info[2], .array(flags.map { .simple($0) }), name)
            XCTAssertEqual(info[3], .integer(Int64(first)), name)
            XCTAssertEqual(info[4], .integer(Int64(last)), name)
            XCTAssertEqual(info[5], .integer(1), name)
            guard case .array(let cats?) = info[6] else { XCTFail(name); continue }
            XCTAssertTrue(cats.contains(.simple("@set")), name)
        }
    }
}

/// What the set commands write to the AOF, and sets surviving a restart.
final class SetAOFTests: ServerTestCase {
    /// `always`: with everysec, a write waits while the last second's fsync is still running
    /// (as in Redis), so the file could lag a command behind the reply.
    let aof = ["--appendonly", "yes", "--appendfsync", "always"]

    func cmd(_ args: String...) -> String {
        "*\(args.count)\r\n" + args.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    /// The bytes the AOF gained while `body` ran.
    func appended(_ dir: String, _ body: () -> Void) -> String {
        let before = fileSize(aofPath(dir))
        body()
        return String(decoding: aofBytes(dir).dropFirst(max(before, 0)), as: UTF8.self)
    }

    func testSpopIsWrittenAsWhatItRemoved() throws {
        let dir = tempDir()
        let s = try startOnDir(dir, aof)
        let c = try connect(s)
        expect(c, "SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", is: ":10\r\n")
        var one = ""
        var tail = appended(dir) { one = call(c, "SPOP", "s").string ?? "?" }
        XCTAssertEqual(tail, cmd("SREM", "s", one), "SPOP key is written as SREM key member")

        var three: [String] = []
        tail = appended(dir) {
            guard case .array(let items?) = call(c, "SPOP", "s", "3") else { return }
            three = items.compactMap(\.string)
        }
        XCTAssertEqual(three.count, 3)
        XCTAssertEqual(tail, cmd("MULTI") + three.map { cmd("SREM", "s", $0) }.joined() + cmd("EXEC"),
                       "one SREM per popped member, in the reply's order, inside MULTI/EXEC")

        tail = appended(dir) {
            guard case .array(let items?) = call(c, "SPOP", "s", "1") else { return }
            one = items.first?.string ?? "?"
        }
        XCTAssertEqual(tail, cmd("SREM", "s", one), "a single SREM needs no MULTI")

        tail = appended(dir) {
            _ = call(c, "SRANDMEMBER", "s")
            _ = call(c, "SRANDMEMBER", "s", "-3")
            _ = call(c, "SPOP", "nosuch")
            _ = call(c, "SPOP", "s", "0")
            _ = call(c, "SINTERSTORE", "nosuchdst", "nosuch")
        }
        XCTAssertEqual(tail, "", "reads and no-ops are not written")

        tail = appended(dir) { XCTAssertEqual(members(c, "SPOP", "s", "100").count, 5) }
        XCTAssertEqual(tail, cmd("DEL", "s"), "taking the whole set is written as DEL (Redis 6.2; 7.0 may write UNLINK)")
    }

    func members(_ c: RawClient, _ args: String...) -> [String] {
        guard case .array(let items?) = (try? c.call(args.map { Array($0.utf8) })) ?? .array(nil) else { return [] }
        return items.compactMap(\.string)
    }

    func testSetsSurviveARestart() throws {
        let dir = tempDir()
        var s = try startOnDir(dir, aof)
        var c = try connect(s)
        let transactions = call(c, "COMMAND", "INFO", "multi") != .array([.bulk(nil)])
        expect(c, "SADD", "ints", "5", "-1", "300", "7", is: ":4\r\n")
        expect(c, "SADD", "words", "a", "b", "c", "12", is: ":4\r\n")
        expect(c, "SREM", "ints", "300", is: ":1\r\n")
        expect(c, "SMOVE", "words", "ints", "12", is: ":1\r\n")
        expect(c, "SINTERSTORE", "both", "ints", "words", is: ":0\r\n")
        expect(c, "SUNIONSTORE", "all", "ints", "words", is: ":7\r\n")
        expect(c, "SDIFFSTORE", "diff", "all", "words", is: ":4\r\n")
        _ = call(c, "SPOP", "all")
        expect(c, "SADD", "gone", "x", "y", is: ":2\r\n")
        XCTAssertEqual(members(c, "SPOP", "gone", "5").count, 2)
        if transactions { XCTAssertEqual(members(c, "SPOP", "diff", "2").count, 2) }
        let before = ["ints", "words", "all", "diff"].map { Set(members(c, "SMEMBERS", $0)) }
        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, aof)
        c = try connect(s)
        XCTAssertTrue(s.log.contains("DB loaded from append only file"), s.log)
        let after = ["ints", "words", "all", "diff"].map { Set(members(c, "SMEMBERS", $0)) }
        XCTAssertEqual(after, before)
        XCTAssertEqual(before[0], ["-1", "5", "7", "12"])
        expect(c, "OBJECT", "ENCODING", "ints", is: "$6\r\nintset\r\n")
        expect(c, "OBJECT", "ENCODING", "words", is: "$9\r\nhashtable\r\n")
        expect(c, "EXISTS", "gone", "both", is: ":0\r\n")
    }
}
