// The keyspace seen from a client: sixteen databases, key commands, and SCAN's promise that a
// full iteration returns every key that was there the whole time, even while the table grows
// and rehashes between calls.
//
// Redis: selectCommand, dbsizeCommand, flushdbCommand, flushallCommand, keysCommand,
// renameGenericCommand, randomkeyCommand, typeCommand, scanGenericCommand (src/db.c),
// dictScan (src/dict.c)

import Foundation
import TestSupport
import XCTest

final class KeyspaceTests: ServerTestCase {
    func testSelectIsolatesDatabases() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SET", "k", "db0", is: "+OK\r\n")
        expect(c, "SELECT", "1", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$-1\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        expect(c, "SET", "k", "db1", is: "+OK\r\n")
        expect(c, "SET", "only1", "x", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":2\r\n")
        expect(c, "SELECT", "15", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        expect(c, "SELECT", "16", is: "-ERR DB index is out of range\r\n")
        // A failed SELECT leaves the client where it was.
        expect(c, "SET", "k", "db15", is: "+OK\r\n")
        expect(c, "SELECT", "0", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$3\r\ndb0\r\n")
        expect(c, "EXISTS", "only1", is: ":0\r\n")
        // Every new connection starts in database 0, whatever the others selected.
        let d = try connect(s)
        expect(d, "GET", "k", is: "$3\r\ndb0\r\n")
        expect(d, "SELECT", "1", is: "+OK\r\n")
        expect(d, "GET", "k", is: "$3\r\ndb1\r\n")
        expect(c, "GET", "k", is: "$3\r\ndb0\r\n")
    }

    func testDbsizeFlushdbFlushall() throws {
        let c = try connect(try startServer())
        expect(c, "MSET", "a", "1", "b", "2", "c", "3", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":3\r\n")
        expect(c, "SELECT", "1", is: "+OK\r\n")
        expect(c, "MSET", "x", "1", "y", "2", is: "+OK\r\n")
        expect(c, "FLUSHDB", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        expect(c, "SELECT", "0", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":3\r\n")
        expect(c, "SELECT", "2", is: "+OK\r\n")
        expect(c, "SET", "z", "1", is: "+OK\r\n")
        expect(c, "FLUSHALL", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        expect(c, "SELECT", "0", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        expect(c, "SET", "a", "1", is: "+OK\r\n")
        expect(c, "FLUSHDB", "ASYNC", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        expect(c, "FLUSHALL", "foo", is: "-ERR syntax error\r\n")
    }

    func testKeysGlobPatterns() throws {
        let c = try connect(try startServer())
        expect(c, "MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "other", "1", is: "+OK\r\n")
        func keys(_ pattern: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
            guard case .array(let items?) = call(c, "KEYS", pattern, file: file, line: line) else {
                XCTFail("KEYS \(pattern): not an array", file: file, line: line); return []
            }
            return items.compactMap(\.string).sorted()
        }
        XCTAssertEqual(keys("h?llo"), ["hallo", "hello", "hxllo"])
        XCTAssertEqual(keys("h*llo"), ["hallo", "heeeello", "hello", "hllo", "hxllo"])
        XCTAssertEqual(keys("h[ae]llo"), ["hallo", "hello"])
        XCTAssertEqual(keys("h[^e]llo"), ["hallo", "hxllo"])
        XCTAssertEqual(keys("h[a-b]llo"), ["hallo"])
        XCTAssertEqual(keys("*"), ["hallo", "heeeello", "hello", "hllo", "hxllo", "other"])
        XCTAssertEqual(keys("H*"), [], "KEYS is case-sensitive")
        expect(c, "KEYS", "nomatch*", is: "*0\r\n")
        expect(c, "KEYS", "oth?r", is: "*1\r\n$5\r\nother\r\n")
    }

    func testRenameMovesValueAndTTL() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "a", "1", is: "+OK\r\n")
        expect(c, "PEXPIRE", "a", "100000", is: ":1\r\n")
        expect(c, "RENAME", "a", "b", is: "+OK\r\n")
        expect(c, "EXISTS", "a", is: ":0\r\n")
        expect(c, "GET", "b", is: "$1\r\n1\r\n")
        let pttl = int(c, "PTTL", "b") ?? 0
        XCTAssert((99_000...100_000).contains(pttl), "the TTL moves with the key: PTTL \(pttl)")
        // Over an existing key: its value and its TTL are replaced.
        expect(c, "SET", "c", "old", "EX", "5000", is: "+OK\r\n")
        expect(c, "SET", "plain", "p", is: "+OK\r\n")
        expect(c, "RENAME", "plain", "c", is: "+OK\r\n")
        expect(c, "GET", "c", is: "$1\r\np\r\n")
        expect(c, "TTL", "c", is: ":-1\r\n")
        expect(c, "RENAME", "b", "c", is: "+OK\r\n")
        expect(c, "GET", "c", is: "$1\r\n1\r\n")
        XCTAssertGreaterThan(int(c, "TTL", "c") ?? 0, 90)
        // RENAMENX only to a free name.
        expect(c, "RENAMENX", "c", "d", is: ":1\r\n")
        XCTAssertGreaterThan(int(c, "TTL", "d") ?? 0, 90)
        expect(c, "SET", "e", "x", is: "+OK\r\n")
        expect(c, "RENAMENX", "d", "e", is: ":0\r\n")
        expect(c, "GET", "e", is: "$1\r\nx\r\n")
        expect(c, "GET", "d", is: "$1\r\n1\r\n")
        // Renaming a key to itself.
        expect(c, "RENAME", "d", "d", is: "+OK\r\n")
        expect(c, "RENAMENX", "d", "d", is: ":0\r\n")
        expect(c, "RENAME", "nosuch", "x", is: "-ERR no such key\r\n")
    }

    func testRandomkeyAndType() throws {
        let c = try connect(try startServer())
        expect(c, "RANDOMKEY", is: "$-1\r\n")
        let names = (0..<20).map { "key:\($0)" }
        for n in names { expect(c, "SET", n, "v", is: "+OK\r\n") }
        var seen = Set<String>()
        for _ in 0..<50 {
            guard let k = call(c, "RANDOMKEY").string else { XCTFail("RANDOMKEY returned no key"); break }
            XCTAssert(names.contains(k), "RANDOMKEY returned \(k)")
            seen.insert(k)
        }
        XCTAssertGreaterThan(seen.count, 3, "RANDOMKEY keeps returning the same few keys: \(seen)")
        expect(c, "TYPE", "key:1", is: "+string\r\n")
        expect(c, "TYPE", "nosuch", is: "+none\r\n")
    }

    /// SCAN's guarantee: every key present from the start to the end of a full iteration is
    /// returned at least once, even when the table grows (and rehashes) between calls.
    func testScanReturnsEveryKeyWhileTheTableGrows() throws {
        let c = try connect(try startServer())
        func insert(_ prefix: String, _ range: Range<Int>) throws {
            var batch: [[UInt8]] = [Array("MSET".utf8)]
            for i in range { batch.append(Array("\(prefix):\(i)".utf8)); batch.append(Array("v".utf8)) }
            XCTAssertEqual(try c.call(batch), .simple("OK"))
        }
        for start in stride(from: 0, to: 5000, by: 500) { try insert("old", start..<(start + 500)) }
        expect(c, "DBSIZE", is: ":5000\r\n")

        func tableSize() -> Int {
            let stats = call(c, "DEBUG", "HTSTATS", "0").string ?? ""
            guard let r = stats.range(of: "table size: ") else { return 0 }
            return Int(stats[r.upperBound...].prefix { $0.isNumber }) ?? 0
        }
        let sizeBefore = tableSize()
        var returned = Set<String>()
        var cursor = "0"
        var calls = 0
        var added = 0
        repeat {
            guard case .array(let reply?) = call(c, "SCAN", cursor, "COUNT", "100"), reply.count == 2,
                  case .bulk(let next?) = reply[0], case .array(let keys?) = reply[1] else {
                XCTFail("bad SCAN reply"); return
            }
            for k in keys { if let s = k.string { returned.insert(s) } }
            cursor = String(decoding: next, as: UTF8.self)
            calls += 1
            // Grow the table between calls: 5000 new keys over the first 50 calls.
            if added < 5000 { try insert("new", added..<(added + 100)); added += 100 }
        } while cursor != "0" && calls < 10_000
        XCTAssertGreaterThan(tableSize(), sizeBefore, "the table never grew during the scan")
        XCTAssertEqual(cursor, "0", "the iteration never ended")
        let missing = (0..<5000).filter { !returned.contains("old:\($0)") }
        XCTAssertEqual(missing.count, 0, "keys never returned: \(missing.prefix(10))")
        XCTAssert(returned.allSatisfy { $0.hasPrefix("old:") || $0.hasPrefix("new:") })
        expect(c, "DBSIZE", is: ":10000\r\n")
    }

    func testScanMatchTypeAndErrors() throws {
        let c = try connect(try startServer())
        expect(c, "MSET", "user:1", "a", "user:2", "b", "other", "c", is: "+OK\r\n")
        func fullScan(_ extra: [String]) -> [String] {
            var cursor = "0", out: [String] = []
            repeat {
                let args = ["SCAN", cursor] + extra
                guard case .array(let r?) = (try? c.call(args.map { Array($0.utf8) })) ?? .array(nil), r.count == 2,
                      let next = r[0].string, case .array(let keys?) = r[1] else { XCTFail("bad SCAN reply"); return out }
                out += keys.compactMap(\.string)
                cursor = next
            } while cursor != "0"
            return Array(Set(out)).sorted()
        }
        XCTAssertEqual(fullScan([]), ["other", "user:1", "user:2"])
        XCTAssertEqual(fullScan(["MATCH", "user:*"]), ["user:1", "user:2"])
        XCTAssertEqual(fullScan(["MATCH", "user:*", "COUNT", "1"]), ["user:1", "user:2"])
        XCTAssertEqual(fullScan(["TYPE", "string"]), ["other", "user:1", "user:2"])
        XCTAssertEqual(fullScan(["TYPE", "list"]), [])
        XCTAssertEqual(fullScan(["MATCH", "nomatch"]), [])
        // The cursor is a bulk string; a small table is done in one call.
        expect(c, "SCAN", "0", "MATCH", "other", is: "*2\r\n$1\r\n0\r\n*1\r\n$5\r\nother\r\n")
        expect(c, "SCAN", "abc", is: "-ERR invalid cursor\r\n")
        expect(c, "SCAN", "1x", is: "-ERR invalid cursor\r\n")
        expect(c, "SCAN", "0", "COUNT", "0", is: "-ERR syntax error\r\n")
        expect(c, "SCAN", "0", "COUNT", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "SCAN", "0", "MATCH", is: "-ERR syntax error\r\n")
        expect(c, "SCAN", "0", "FOO", "bar", is: "-ERR syntax error\r\n")
    }
}
