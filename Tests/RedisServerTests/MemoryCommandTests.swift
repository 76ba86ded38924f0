// MEMORY, end to end: what a key costs follows what it holds, STATS has Redis 6.2's fields and
// agrees with INFO and DBSIZE, and the allocator subcommands answer as Redis does with libc.
//
// Redis: memoryCommand, objectComputeSize (src/object.c)

import Foundation
import TestSupport
import XCTest

final class MemoryCommandTests: ServerTestCase {
    func usage(_ c: RawClient, _ args: String..., file: StaticString = #filePath, line: UInt = #line) -> Int {
        do {
            if case .integer(let n) = try c.call((["MEMORY", "USAGE"] + args).map { Array($0.utf8) }) { return Int(n) }
        } catch { XCTFail("\(error)", file: file, line: line) }
        XCTFail("MEMORY USAGE \(args) is not an integer", file: file, line: line)
        return -1
    }

    func testUsageFollowsWhatTheKeyHolds() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "short", "v", is: "+OK\r\n")
        expect(c, "SET", "long", String(repeating: "x", count: 10_000), is: "+OK\r\n")
        let short = usage(c, "short"), long = usage(c, "long")
        XCTAssertGreaterThan(short, 0)
        XCTAssertGreaterThanOrEqual(long - short, 10_000, "a 10 KB value costs at least 10 KB more")
        // A long key name costs its bytes too.
        let name = String(repeating: "k", count: 1000)
        expect(c, "SET", name, "v", is: "+OK\r\n")
        XCTAssertGreaterThanOrEqual(usage(c, name) - short, 1000)

        // Aggregates: 1,000 elements of 100 bytes are at least 100 KB, sampled or measured whole.
        let element = String(repeating: "e", count: 100)
        for i in 0..<1000 {
            sendOnly(c, "RPUSH", "list", element + "\(i)")
            sendOnly(c, "SADD", "set", element + "\(i)")
            sendOnly(c, "HSET", "hash", element + "\(i)", element)
            sendOnly(c, "ZADD", "zset", "\(i)", element + "\(i)")
        }
        for _ in 0..<4000 { _ = nextReply(c) }
        for key in ["list", "set", "zset"] {
            XCTAssertGreaterThan(usage(c, key), 100_000, key)
            XCTAssertGreaterThan(usage(c, key, "SAMPLES", "0"), 100_000, key)
        }
        XCTAssertGreaterThan(usage(c, "hash"), 200_000, "fields and values")
        XCTAssertGreaterThan(usage(c, "hash", "SAMPLES", "0"), 200_000, "fields and values")
        // Every encoding, measured whole (SAMPLES 0): small aggregates too.
        for (cmd, args) in [("HSET", ["sh", "f", "v"]), ("SADD", ["ss", "m"]), ("ZADD", ["sz", "1", "m"]),
                            ("RPUSH", ["sl", "e"])] {
            _ = call(c, cmd, args[0], args[1], args.count > 2 ? args[2] : "x")
            XCTAssertGreaterThan(usage(c, args[0], "SAMPLES", "0"), 0, cmd)
            XCTAssertGreaterThan(usage(c, args[0], "SAMPLES", "9223372036854775807"), 0, cmd)
        }
        // A small set of integers is an intset: a few bytes per member, far less than the strings.
        for i in 0..<100 { sendOnly(c, "SADD", "ints", "\(i)") }
        for _ in 0..<100 { _ = nextReply(c) }
        XCTAssertLessThan(usage(c, "ints"), 100 * 16 + 1024)
    }

    func testUsageRepliesAndErrors() throws {
        let c = try connect(try startServer())
        expect(c, "MEMORY", "USAGE", "nosuch", is: "$-1\r\n")
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "MEMORY", "USAGE", "k", "SAMPLES", is: "-ERR syntax error\r\n")
        expect(c, "MEMORY", "USAGE", "k", "SAMPLES", "-1", is: "-ERR syntax error\r\n")
        expect(c, "MEMORY", "USAGE", "k", "SAMPLES", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "MEMORY", "USAGE", "k", "FOO", "1", is: "-ERR syntax error\r\n")
        expect(c, "MEMORY", "MALLOC-STATS", is: "+Stats not supported for the current allocator\r\n")
        expect(c, "MEMORY", "PURGE", is: "+OK\r\n")
        expect(c, "MEMORY", "NOSUCH",
               is: "-ERR Unknown subcommand or wrong number of arguments for 'NOSUCH'. Try MEMORY HELP.\r\n")
        _ = call(c, "HELLO", "3")
        guard case .verbatim(let format, let text) = call(c, "MEMORY", "DOCTOR") else { return XCTFail("DOCTOR is not verbatim") }
        XCTAssertEqual(format, "txt")
        XCTAssertFalse(text.isEmpty)
    }

    func testStatsAgreeWithInfoAndDbsize() throws {
        let c = try connect(try startServer())
        expect(c, "DEBUG", "POPULATE", "500", is: "+OK\r\n")
        expect(c, "SELECT", "3", is: "+OK\r\n")
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "EXPIRE", "k", "100", is: ":1\r\n")
        guard case .array(let items?) = call(c, "MEMORY", "STATS") else { return XCTFail("STATS is not an array in RESP2") }
        var fields: [String: RESPValue] = [:], names: [String] = []
        for pair in stride(from: 0, to: items.count - 1, by: 2) {
            guard let name = items[pair].string else { return XCTFail("a name is not a string") }
            names.append(name)
            fields[name] = items[pair + 1]
        }
        XCTAssertEqual(names, ["peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
                               "clients.slaves", "clients.normal", "aof.buffer", "lua.caches", "db.0", "db.3",
                               "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes",
                               "dataset.percentage", "peak.percentage", "allocator.allocated", "allocator.active",
                               "allocator.resident", "allocator-fragmentation.ratio", "allocator-fragmentation.bytes",
                               "allocator-rss.ratio", "allocator-rss.bytes", "rss-overhead.ratio", "rss-overhead.bytes",
                               "fragmentation", "fragmentation.bytes"])
        XCTAssertEqual(fields["keys.count"], .integer(501))
        guard case .array(let db3?) = fields["db.3"], db3.count == 4, case .integer(let expires) = db3[3] else {
            return XCTFail("db.3 is not a map of the two tables")
        }
        XCTAssertGreaterThan(expires, 0, "db 3 has a key with a TTL: its expires table costs something")
        XCTAssertEqual(fields["startup.allocated"], .integer(Int64(infoField(c, "memory", "used_memory_startup") ?? "") ?? -1))
        // A ratio is a double: a bulk string in RESP2, `,` in RESP3.
        guard case .bulk(let ratio?) = fields["fragmentation"] else { return XCTFail("fragmentation is not a bulk") }
        XCTAssertNotNil(Double(String(decoding: ratio, as: UTF8.self)))
    }
}
