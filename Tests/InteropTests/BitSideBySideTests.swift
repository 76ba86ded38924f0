// The bit commands side by side with a real `redis-server`: SETBIT, GETBIT, BITCOUNT, BITPOS,
// BITOP, BITFIELD and BITFIELD_RO, the same commands byte for byte, errors included, then
// DEBUG DIGEST, so that the strings they leave behind are the same bytes too. Where Redis 7.0
// changed a reply on purpose (BITCOUNT's and BITPOS's BIT|BYTE option), our 6.2 reply is checked
// on its own (`redis62Only`, with the reason).

import Foundation
import TestSupport
import XCTest

final class BitSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        // SETBIT and GETBIT: bit 0 is the top bit of byte 0; the string grows with zero bytes.
        ["SETBIT", "b", "0", "1"], ["GET", "b"], ["SETBIT", "b", "7", "1"], ["GET", "b"], ["SETBIT", "b", "0", "0"],
        ["SETBIT", "b", "0", "0"], ["GET", "b"], ["SETBIT", "b", "100", "1"], ["STRLEN", "b"], ["GET", "b"],
        ["GETBIT", "b", "7"], ["GETBIT", "b", "6"], ["GETBIT", "b", "100"], ["GETBIT", "b", "101"], ["GETBIT", "b", "4294967295"],
        ["GETBIT", "nosuch", "0"], ["GETBIT", "nosuch", "x"], ["EXISTS", "nosuch"],
        ["SET", "s", "a"], ["GETBIT", "s", "1"], ["GETBIT", "s", "2"], ["GETBIT", "s", "3"], ["GETBIT", "s", "7"],
        ["SETBIT", "s", "6", "1"], ["GET", "s"], ["SET", "n", "10"], ["SETBIT", "n", "7", "1"], ["GET", "n"],
        ["SET", "t", "x", "EX", "1000"], ["SETBIT", "t", "0", "1"], ["TTL", "t"], ["GET", "t"],
        ["SETBIT", "long", "8000000", "1"], ["STRLEN", "long"], ["GETBIT", "long", "8000000"], ["SETBIT", "long", "0", "1"],
        ["BITCOUNT", "long"], ["BITPOS", "long", "1", "1"], ["SETBIT", "e2", "0", "0"], ["GET", "e2"], ["EXISTS", "e2"],
        // SETBIT and GETBIT errors
        ["SETBIT", "b", "-1", "1"], ["SETBIT", "b", "x", "1"], ["SETBIT", "b", "4294967296", "1"], ["SETBIT", "b", "1.5", "1"],
        ["SETBIT", "b", "0", "2"], ["SETBIT", "b", "0", "-1"], ["SETBIT", "b", "0", "x"], ["SETBIT", "b", "0", ""],
        ["SETBIT", "b", "#1", "1"], ["GETBIT", "b", "-1"], ["GETBIT", "b", "4294967296"], ["GETBIT", "b", "99999999999999999999"],
        ["LPUSH", "l", "a"], ["SETBIT", "l", "0", "1"], ["SETBIT", "l", "x", "1"], ["SETBIT", "l", "0", "5"], ["GETBIT", "l", "0"],
        ["GETBIT", "l", "x"], ["SETBIT", "b", "0"], ["SETBIT", "b", "0", "1", "1"], ["GETBIT", "b"], ["GETBIT", "b", "0", "0"],
        // BITCOUNT: byte ranges, negative from the end
        ["SET", "c", "foobar"], ["BITCOUNT", "c"], ["BITCOUNT", "c", "0", "0"], ["BITCOUNT", "c", "1", "1"],
        ["BITCOUNT", "c", "0", "-1"], ["BITCOUNT", "c", "-2", "-1"], ["BITCOUNT", "c", "-1", "-2"], ["BITCOUNT", "c", "2", "1"],
        ["BITCOUNT", "c", "-100", "100"], ["BITCOUNT", "c", "5", "100"], ["BITCOUNT", "c", "6", "10"],
        ["BITCOUNT", "c", "-9223372036854775808", "9223372036854775807"], ["BITCOUNT", "c", "1"],
        ["BITCOUNT", "c", "1", "2", "3"], ["BITCOUNT", "c", "a", "1"], ["BITCOUNT", "c", "1", "b"], ["BITCOUNT", "nosuch"],
        ["BITCOUNT", "nosuch", "a", "b"], ["BITCOUNT", "nosuch", "1"], ["SET", "empty", ""], ["BITCOUNT", "empty"],
        ["BITCOUNT", "empty", "0", "0"], ["BITCOUNT", "l"], ["BITCOUNT"], ["SET", "ones", "\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}"],
        ["BITCOUNT", "ones"], ["BITCOUNT", "ones", "3", "9"],
        // BITPOS: a missing end pads with zeros, an explicit one does not
        ["SET", "p", "\u{00}\u{0f}\u{00}"], ["BITPOS", "p", "1"], ["BITPOS", "p", "0"], ["BITPOS", "p", "1", "2"],
        ["BITPOS", "p", "1", "1", "1"], ["BITPOS", "p", "1", "-2"], ["BITPOS", "p", "0", "1", "1"], ["BITPOS", "p", "1", "2", "1"],
        ["SET", "f", "\u{7f}\u{7f}"], ["BITPOS", "f", "0"], ["BITPOS", "f", "0", "0"], ["BITPOS", "f", "0", "0", "-1"],
        ["BITPOS", "ones", "0"], ["BITPOS", "ones", "1"], ["SETBIT", "full", "7", "1"], ["SETBIT", "full", "0", "1"],
        ["BITFIELD", "full", "SET", "u8", "0", "255"], ["BITPOS", "full", "0"], ["BITPOS", "full", "0", "0"],
        ["BITPOS", "full", "0", "0", "0"], ["BITPOS", "full", "1", "1"], ["BITPOS", "nosuch", "0"], ["BITPOS", "nosuch", "1"],
        ["BITPOS", "nosuch", "0", "x"], ["BITPOS", "nosuch", "2"], ["BITPOS", "p", "2"], ["BITPOS", "p", "x"],
        ["BITPOS", "p", "-1"], ["BITPOS", "p", "1", "x"], ["BITPOS", "p", "1", "0", "x"], ["BITPOS", "p", "1", "0", "1", "2"],
        ["BITPOS", "empty", "0"], ["BITPOS", "empty", "1"], ["BITPOS", "empty", "0", "0", "0"], ["BITPOS", "l", "0"],
        ["BITPOS", "c", "1", "-100", "100"], ["BITPOS", "c", "0", "-1"], ["BITPOS", "p"],
        // BITOP: shorter strings padded with zeros; an empty result deletes the destination
        ["SET", "x", "abc"], ["SET", "y", "\u{ff}"], ["BITOP", "AND", "d", "x", "y"], ["GET", "d"], ["BITOP", "or", "d", "x", "y"],
        ["GET", "d"], ["BITOP", "Xor", "d", "x", "y", "x"], ["GET", "d"], ["BITOP", "NOT", "d", "x"], ["GET", "d"],
        ["BITOP", "NOT", "d", "y"], ["GET", "d"], ["BITOP", "AND", "d", "x", "nosuch"], ["GET", "d"],
        ["BITOP", "OR", "d", "nosuch", "x"], ["GET", "d"], ["BITOP", "XOR", "d", "x"], ["GET", "d"],
        ["SET", "d", "v", "EX", "1000"], ["BITOP", "OR", "d", "x"], ["TTL", "d"], ["BITOP", "AND", "d", "nosuch", "nosuch2"],
        ["EXISTS", "d"], ["BITOP", "NOT", "d", "empty"], ["EXISTS", "d"], ["BITOP", "OR", "l", "x"], ["TYPE", "l"], ["GET", "l"],
        ["SETBIT", "w1", "200", "1"], ["SETBIT", "w2", "300", "1"], ["SETBIT", "w3", "70", "1"],
        ["BITOP", "OR", "w", "w1", "w2", "w3", "c", "x"], ["GET", "w"], ["BITOP", "AND", "w", "w1", "w2"], ["GET", "w"],
        ["BITOP", "XOR", "w", "w1", "w2", "w3"], ["GET", "w"], ["BITOP", "AND", "w", "long", "long"], ["BITCOUNT", "w"],
        ["LPUSH", "l2", "a"], ["BITOP", "AND", "d", "x", "l2"], ["BITOP", "AND", "d", "l2", "nosuch"],
        ["BITOP", "NOT", "d", "x", "y"], ["BITOP", "NOT", "d"], ["BITOP", "NAND", "d", "x"], ["BITOP", "AND", "d"],
        ["BITOP", "AN", "d", "x"],
        // BITFIELD: types, # offsets, the three overflow modes
        ["BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0", "GET", "i8", "0", "GET", "u4", "0", "GET", "i4", "4"],
        ["BITFIELD", "bf", "INCRBY", "u8", "0", "1", "GET", "u8", "0"], ["BITFIELD", "bf", "INCRBY", "u8", "0", "-1"],
        ["BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "1000", "INCRBY", "u8", "0", "-1000"],
        ["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300", "INCRBY", "u8", "0", "3", "GET", "u8", "0"],
        ["BITFIELD", "bf", "overflow", "wrap", "incrby", "i8", "0", "200", "overflow", "sat", "incrby", "i8", "0", "-200"],
        ["BITFIELD", "bf", "SET", "i5", "#2", "-7", "GET", "i5", "#2", "GET", "u5", "#2", "GET", "u2", "11"], ["GET", "bf"],
        ["BITFIELD", "bf", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"],
        ["BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1"],
        ["BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "9223372036854775807"],
        ["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1", "GET", "i64", "0"],
        ["BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "u63", "0", "-1", "GET", "u63", "0", "INCRBY", "u63", "0", "1"],
        ["BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "SET", "i8", "0", "-300", "GET", "i8", "0", "SET", "u8", "0", "-5"],
        ["BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808", "GET", "i8", "0"],
        ["BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "i8", "0", "-9223372036854775808", "GET", "i8", "0"],
        ["BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "i8", "0", "128", "SET", "u1", "0", "2", "GET", "u8", "0"],
        ["BITFIELD", "bf", "INCRBY", "i1", "100", "1", "INCRBY", "i1", "100", "1", "INCRBY", "u1", "200", "3"], ["STRLEN", "bf"],
        ["BITFIELD", "bf", "GET", "u8", "4294967288", "GET", "i64", "4294967290", "GET", "u8", "#536870911"], ["STRLEN", "bf"],
        ["BITFIELD", "bf", "GET", "u63", "5", "GET", "i64", "3", "GET", "i1", "7", "GET", "u1", "7"],
        ["BITFIELD", "nf", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "8"], ["STRLEN", "nf"], ["GET", "nf"],
        ["BITFIELD", "ng", "GET", "u8", "0"], ["EXISTS", "ng"], ["BITFIELD", "ng"], ["BITFIELD", "ng", "OVERFLOW", "SAT"],
        ["EXISTS", "ng"], ["SET", "t2", "abc", "EX", "1000"], ["BITFIELD", "t2", "SET", "u8", "8", "65"], ["TTL", "t2"], ["GET", "t2"],
        ["BITFIELD_RO", "bf", "GET", "u8", "0", "get", "i4", "#1"], ["BITFIELD_RO", "bf"], ["BITFIELD_RO", "nosuch", "GET", "u8", "0"],
        // BITFIELD errors: every subcommand is parsed before anything runs
        ["BITFIELD", "bf", "GET", "i65", "0"], ["BITFIELD", "bf", "GET", "u64", "0"], ["BITFIELD", "bf", "GET", "i0", "0"],
        ["BITFIELD", "bf", "GET", "I8", "0"], ["BITFIELD", "bf", "GET", "i08", "0"], ["BITFIELD", "bf", "GET", "i", "0"],
        ["BITFIELD", "bf", "GET", "x8", "0"], ["BITFIELD", "bf", "GET", "", "0"], ["BITFIELD", "bf", "GET", "u8", "-1"],
        ["BITFIELD", "bf", "GET", "u8", "#-1"], ["BITFIELD", "bf", "GET", "u8", "#"], ["BITFIELD", "bf", "GET", "u8", "#x"],
        ["BITFIELD", "bf", "GET", "u8", "#536870912"], ["BITFIELD", "bf", "GET", "i64", "#67108864"],
        ["BITFIELD", "bf", "GET", "u8", "4294967296"], ["BITFIELD", "bf", "GET", "u8", "-0"], ["BITFIELD", "bf", "GET", "u8", "x"],
        ["BITFIELD", "bf", "GET", "u8"], ["BITFIELD", "bf", "SET", "u8", "0"], ["BITFIELD", "bf", "INCRBY", "u8", "0"],
        ["BITFIELD", "bf", "SET", "u8", "0", "x"], ["BITFIELD", "bf", "INCRBY", "u8", "0", "1.5"], ["BITFIELD", "bf", "FOO"],
        ["BITFIELD", "bf", "OVERFLOW"], ["BITFIELD", "bf", "OVERFLOW", "BAD"], ["BITFIELD", "bf", "GET", "u8", "0", "junk"],
        ["BITFIELD", "bf", "SET", "u8", "0", "1", "GET", "bad", "0"], ["GET", "bf"],
        ["BITFIELD", "l", "GET", "u8", "0"], ["BITFIELD", "l", "SET", "u8", "0", "1"], ["BITFIELD", "l", "GET", "x", "0"],
        ["BITFIELD", "l"], ["BITFIELD_RO", "l", "GET", "u8", "0"], ["BITFIELD_RO", "bf", "SET", "u8", "0", "1"],
        ["BITFIELD_RO", "bf", "INCRBY", "u8", "0", "1"], ["BITFIELD_RO", "bf", "GET", "u8", "0", "SET", "u8", "0", "1"],
        ["BITFIELD_RO", "bf", "OVERFLOW", "FAIL"], ["BITFIELD_RO", "bf", "SET", "u8", "0", "x"], ["BITFIELD"], ["BITFIELD_RO"],
        ["TYPE", "bf"], ["OBJECT", "REFCOUNT", "bf"],
        // Which error comes first: arguments before the key's type, or after, command by command
        ["BITCOUNT", "l", "a", "b"], ["BITCOUNT", "l", "1"], ["BITPOS", "l", "2"], ["BITPOS", "l", "1", "x"],
        ["GETBIT", "l", "-1"], ["BITFIELD", "l", "GET", "u8", "-1"], ["BITFIELD", "l", "SET", "u8", "0", "x"],
        ["BITOP", "AND", "l", "l"], ["BITFIELD_RO", "l", "SET", "u8", "0", "1"], ["SETBIT", "l", "-1", "1"],
    ]

    /// Our 6.2 replies where Redis 7.0 replies differently on purpose; not byte-compared.
    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["BITCOUNT", "c", "0", "1", "BIT"], "-ERR syntax error\r\n", "Redis 7.0 added BITCOUNT's BYTE|BIT option"),
        (["BITCOUNT", "c", "0", "1", "BYTE"], "-ERR syntax error\r\n", "Redis 7.0 added BITCOUNT's BYTE|BIT option"),
        (["BITPOS", "c", "1", "0", "1", "BIT"], "-ERR syntax error\r\n", "Redis 7.0 added BITPOS's BYTE|BIT option"),
        // 'f' is 0110 0110: bit 1 is already 1, so this SETBIT changes nothing. 6.2 counts it as a
        // change all the same (signalModifiedKey, dirty++), so the WATCH fails; 7.0 does not.
        (["WATCH", "c"], "+OK\r\n", "setup"),
        (["SETBIT", "c", "1", "1"], ":1\r\n", "setup"),
        (["MULTI"], "+OK\r\n", "setup"),
        (["PING"], "+QUEUED\r\n", "setup"),
        (["EXEC"], "*-1\r\n", "Redis 7.0's SETBIT signals a change only when the bit or the length changed"),
        // The same for BITFIELD: 6.2 counts every SET and INCRBY, one that FAIL refused or one that
        // stored the value already there included.
        (["WATCH", "c"], "+OK\r\n", "setup"),
        (["BITFIELD", "c", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "100"], "*1\r\n$-1\r\n", "setup"),
        (["MULTI"], "+OK\r\n", "setup"),
        (["PING"], "+QUEUED\r\n", "setup"),
        (["EXEC"], "*-1\r\n", "Redis 7.0's BITFIELD signals a change only when a field's value changed"),
        (["WATCH", "c"], "+OK\r\n", "setup"),
        (["BITFIELD", "c", "SET", "u8", "0", "102"], "*1\r\n:102\r\n", "setup"),
        (["MULTI"], "+OK\r\n", "setup"),
        (["PING"], "+QUEUED\r\n", "setup"),
        (["EXEC"], "*-1\r\n", "Redis 7.0's BITFIELD signals a change only when a field's value changed"),
    ]

    func testSameRepliesAsRealRedis() throws {
        let realPort = try startRealRedis(["--enable-debug-command", "yes"])
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] { XCTAssertEqual(try c.call("FLUSHALL"), .simple("OK")) }
        XCTAssertGreaterThanOrEqual(BitSideBySideTests.commands.count, 250)
        try assertSameReplies(BitSideBySideTests.commands, ours: a, redis: b)
        // The strings left behind are the same bytes: the whole keyspace, and key by key.
        try assertSameReplies([["DBSIZE"], ["DEBUG", "DIGEST"]] +
                              ["b", "s", "n", "t", "long", "d", "w", "bf", "nf", "t2", "full"].map { ["DEBUG", "DIGEST-VALUE", $0] },
                              ours: a, redis: b)
        XCTAssertNotEqual(try a.call("DBSIZE"), .integer(0))
    }

    func testCommandsWhereRedis7Differs() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] { XCTAssertEqual(try c.call("SET", "c", "foobar"), .simple("OK")) }
        try assertRedis62Replies(BitSideBySideTests.redis62Only, ours: a, redis: b)
        // COMMAND INFO: name, arity, flags and key positions are 6.2's, which 7.0 kept.
        for name in ["setbit", "getbit", "bitfield", "bitfield_ro", "bitop", "bitcount", "bitpos"] {
            guard case .array(let m?) = try a.call("COMMAND", "INFO", name), case .array(let mine?) = m.first,
                  case .array(let t?) = try b.call("COMMAND", "INFO", name), case .array(let theirs?) = t.first,
                  theirs.count >= 7 else {
                XCTFail("COMMAND INFO \(name): not an array"); continue
            }
            for i in [0, 1, 2, 3, 4, 5, 6] { XCTAssertEqual(mine[i], theirs[i], "COMMAND INFO \(name), field \(i)") }
        }
    }
}
