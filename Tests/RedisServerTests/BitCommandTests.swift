// The bit commands end to end: what the keyspace contracts promise around them. Every change
// reaches WATCH and the AOF (and a restart replays it to the same bytes), a BITFIELD of GETs
// writes nothing, a BITOP with an empty result deletes its destination, the offset limit follows
// proto-max-bulk-len, and a long bitmap keeps its bytes through many small edits.
// The replies themselves are compared byte for byte with a real redis-server in
// Tests/InteropTests/BitSideBySideTests.swift.

import Foundation
import TestSupport
import XCTest

final class BitCommandTests: ServerTestCase {
    func testBitOrderAndGrowth() throws {
        let c = try connect(try startServer())
        // Bit 0 is the most significant bit of byte 0: bits 1 and 7 make 0100 0001, "A".
        expect(c, "SETBIT", "k", "1", "1", is: ":0\r\n")
        expect(c, "SETBIT", "k", "7", "1", is: ":0\r\n")
        expect(c, "GET", "k", is: "$1\r\nA\r\n")
        expect(c, "SETBIT", "k", "7", "0", is: ":1\r\n")
        // Bit 23 grows the string to three bytes, the new ones zero.
        expect(c, "SETBIT", "k", "23", "1", is: ":0\r\n")
        expectBytes(c, [Array("GET".utf8), Array("k".utf8)], is: Array("$3\r\n@\u{0}\u{1}\r\n".utf8))
        expect(c, "BITCOUNT", "k", is: ":2\r\n")
        expect(c, "BITPOS", "k", "1", "1", is: ":23\r\n")
        expect(c, "GETBIT", "k", "23", is: ":1\r\n")
        expect(c, "GETBIT", "k", "24", is: ":0\r\n")
        expect(c, "STRLEN", "k", is: ":3\r\n")
    }

    /// A bitmap grown past the inline size and edited bit by bit keeps every bit: the in-place
    /// edit must neither lose earlier bytes nor share them with a copy made by GET.
    func testManySmallEditsOfALongBitmap() throws {
        let c = try connect(try startServer())
        var rng = SeededGenerator(seed: 7)
        var set = Set<Int>()
        for _ in 0..<400 {
            let bit = Int(rng.next() % 4000)
            let on = rng.next() % 3 != 0
            let was = set.contains(bit)
            expect(c, "SETBIT", "m", String(bit), on ? "1" : "0", is: was ? ":1\r\n" : ":0\r\n")
            if on { set.insert(bit) } else { set.remove(bit) }
            if rng.next() % 50 == 0 { _ = call(c, "GET", "m") }  // a reader holds the old bytes
        }
        expect(c, "BITCOUNT", "m", is: ":\(set.count)\r\n")
        for bit in set.sorted().prefix(20) { expect(c, "GETBIT", "m", String(bit), is: ":1\r\n") }
        expect(c, "BITPOS", "m", "1", is: ":\(set.min() ?? -1)\r\n")
    }

    /// WATCH `w` on `a`, run `writes` on `b` (each with its expected reply), then a transaction
    /// on `a`: the EXEC reply.
    private func execAfter(_ a: RawClient, _ b: RawClient, _ writes: [([String], String)],
                           file: StaticString = #filePath, line: UInt = #line) -> String {
        expect(a, "WATCH", "w", is: "+OK\r\n", file: file, line: line)
        for (cmd, reply) in writes {
            expectBytes(b, cmd.map { Array($0.utf8) }, is: Array(reply.utf8), file: file, line: line)
        }
        expect(a, "MULTI", is: "+OK\r\n", file: file, line: line)
        expect(a, "PING", is: "+QUEUED\r\n", file: file, line: line)
        return (try? a.callRaw("EXEC")).map { String(decoding: $0, as: UTF8.self) } ?? "no reply"
    }

    func testWatchSeesEveryBitChange() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        let failed = "*-1\r\n"
        XCTAssertEqual(execAfter(a, b, [(["SETBIT", "w", "3", "1"], ":0\r\n")]), failed)
        XCTAssertEqual(execAfter(a, b, [(["BITFIELD", "w", "INCRBY", "u4", "0", "1"], "*1\r\n:2\r\n")]), failed)
        XCTAssertEqual(execAfter(a, b, [(["BITOP", "NOT", "w", "w"], ":1\r\n")]), failed)
        // A SETBIT that leaves the bit as it was still counts as a change, as in Redis 6.2, and
        // so does a BITFIELD INCRBY that OVERFLOW FAIL refused.
        XCTAssertEqual(execAfter(a, b, [(["SETBIT", "w", "0", "1"], ":1\r\n")]), failed)
        XCTAssertEqual(execAfter(a, b, [(["BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "u1", "0", "2"], "*1\r\n$-1\r\n")]),
                       failed)
        // A BITFIELD of GETs changes nothing, so the transaction runs.
        XCTAssertEqual(execAfter(a, b, [(["BITFIELD", "w", "GET", "u8", "0"], "*1\r\n:223\r\n"),
                                        (["BITFIELD_RO", "w", "GET", "u4", "4"], "*1\r\n:15\r\n")]), "*1\r\n+PONG\r\n")
    }

    func testBitopWithAnEmptyResultDeletesTheDestination() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "dest", "old", is: "+OK\r\n")
        expect(c, "SET", "empty", "", is: "+OK\r\n")
        expect(c, "BITOP", "OR", "dest", "nosuch", "empty", is: ":0\r\n")
        expect(c, "EXISTS", "dest", is: ":0\r\n")
        expect(c, "BITOP", "AND", "dest", "nosuch", is: ":0\r\n")
        expect(c, "EXISTS", "dest", is: ":0\r\n")
        // NOT pads too: the result is as long as the longest source.
        expect(c, "SET", "a", "\u{0f}", is: "+OK\r\n")
        expect(c, "BITOP", "NOT", "dest", "a", is: ":1\r\n")
        expectBytes(c, [Array("GET".utf8), Array("dest".utf8)], is: [UInt8]("$1\r\n".utf8) + [0xf0] + [UInt8]("\r\n".utf8))
    }

    /// The offset limit is proto-max-bulk-len bytes × 8, and follows CONFIG SET.
    func testOffsetLimitFollowsProtoMaxBulkLen() throws {
        let c = try connect(try startServer())
        expect(c, "GETBIT", "k", "4294967295", is: ":0\r\n")
        expect(c, "GETBIT", "k", "4294967296", is: "-ERR bit offset is not an integer or out of range\r\n")
        expect(c, "CONFIG", "SET", "proto-max-bulk-len", "1mb", is: "+OK\r\n")
        expect(c, "SETBIT", "k", String(8 * 1024 * 1024), "1", is: "-ERR bit offset is not an integer or out of range\r\n")
        expect(c, "SETBIT", "k", String(8 * 1024 * 1024 - 1), "1", is: ":0\r\n")
        expect(c, "STRLEN", "k", is: ":1048576\r\n")
        expect(c, "BITFIELD", "k", "GET", "u8", "#1048576", is: "-ERR bit offset is not an integer or out of range\r\n")
        expect(c, "BITFIELD", "k", "GET", "u8", "#1048575", is: "*1\r\n:1\r\n")
    }

    func testBitChangesReachTheAOFAndSurviveARestart() throws {
        let dir = tempDir()
        let args = ["--appendonly", "yes", "--appendfsync", "always"]
        var s = try startOnDir(dir, args)
        var c = try connect(s)
        expect(c, "SETBIT", "b", "9", "1", is: ":0\r\n")
        expect(c, "BITFIELD", "f", "SET", "i8", "0", "-3", "OVERFLOW", "SAT", "INCRBY", "u4", "8", "100", is: "*2\r\n:0\r\n:15\r\n")
        expect(c, "BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u4", "8", "1", is: "*1\r\n$-1\r\n")
        expect(c, "BITFIELD", "g", "GET", "u8", "0", is: "*1\r\n:0\r\n")
        expect(c, "SET", "x", "ab", is: "+OK\r\n")
        expect(c, "BITOP", "XOR", "o", "x", "b", is: ":2\r\n")
        expect(c, "BITOP", "AND", "gone", "nosuch", is: ":0\r\n")
        let before = try c.callRaw("DEBUG", "DIGEST")
        let file = aofBytes(dir)
        XCTAssertTrue(contains(file, "$6\r\nSETBIT\r\n$1\r\nb\r\n$1\r\n9\r\n$1\r\n1\r\n"), esc(file))
        XCTAssertTrue(contains(file, "$5\r\nBITOP\r\n$3\r\nXOR\r\n$1\r\no\r\n"), esc(file))
        // A BITFIELD of GETs, and a BITOP that deleted nothing, write nothing.
        XCTAssertFalse(contains(file, "$1\r\ng\r\n"), esc(file))
        XCTAssertFalse(contains(file, "$4\r\ngone\r\n"), esc(file))
        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, args)
        c = try connect(s)
        XCTAssertEqual(esc(try c.callRaw("DEBUG", "DIGEST")), esc(before))
        expect(c, "BITFIELD_RO", "f", "GET", "i8", "0", "GET", "u4", "8", is: "*2\r\n:-3\r\n:15\r\n")
        expect(c, "EXISTS", "g", is: ":0\r\n")
    }

    /// SETBIT and BITFIELD keep a key's TTL (they edit the value); BITOP replaces the key.
    func testTTLIsKeptByEditsAndDroppedByBitop() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", "EX", "1000", is: "+OK\r\n")
        expect(c, "SETBIT", "k", "100", "1", is: ":0\r\n")
        expect(c, "BITFIELD", "k", "SET", "u8", "200", "1", is: "*1\r\n:0\r\n")
        XCTAssertGreaterThan(int(c, "TTL", "k") ?? -1, 0)
        expect(c, "BITOP", "NOT", "k", "k", is: ":26\r\n")
        expect(c, "TTL", "k", is: ":-1\r\n")
    }
}
