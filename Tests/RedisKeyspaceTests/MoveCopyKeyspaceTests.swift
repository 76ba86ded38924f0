// MOVE, COPY, SWAPDB and TOUCH on a fake client, without sockets: what lands in which database,
// that a copy shares nothing with its original (for every type and encoding), that the TTL goes
// along, that `dirty` grows and `keyModified` fires for each key changed, and that
// Dict.swapContents and Dict.duplicate keep every entry findable, mid-rehash included.
//
// Redis: moveCommand, copyCommand, dbSwapDatabases, touchCommand (src/db.c)

import Foundation
import XCTest
@testable import RedisKeyspace
import RedisCore

final class MoveCopyKeyspaceTests: XCTestCase {
    /// The keys reported to `keyModified`, as "db:key".
    func recordModified(_ h: KeyspaceHarness) -> () -> [String] {
        var seen: [String] = []
        h.ks.keyModified = { db, key in seen.append("\(db):\(key.stringValue)") }
        return { let s = seen; seen.removeAll(); return s }
    }

    func testMoveHandsValueAndTTLToTheOtherDatabase() {
        let h = KeyspaceHarness()
        let modified = recordModified(h)
        XCTAssertEqual(h.run("RPUSH", "l", "a", "b"), ":2\r\n")
        XCTAssertEqual(h.run("PEXPIRE", "l", "5000"), ":1\r\n")
        _ = modified()
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("MOVE", "l", "3"), ":1\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 1)
        XCTAssertEqual(Set(modified()), ["0:l", "3:l"])
        XCTAssertNil(h.db0.dict["l"])
        XCTAssertNil(h.ks.expireTime(h.db0, "l"))
        XCTAssertEqual(h.ks.expireTime(h.ks.dbs[3], "l"), 1_005_000)
        guard case .list(let l)? = h.ks.dbs[3].dict["l"] else { return XCTFail("no list in db 3") }
        XCTAssertEqual(Array(l.elements), ["a", "b"])
        // Nothing to move, or the target has the key: 0, and nothing changes.
        XCTAssertEqual(h.run("MOVE", "l", "3"), ":0\r\n")
        XCTAssertEqual(h.run("SET", "l", "here"), "+OK\r\n")
        XCTAssertEqual(h.run("MOVE", "l", "3"), ":0\r\n")
        // The argv that call() propagates is the command itself.
        XCTAssertEqual(h.client.argv, ["MOVE", "l", "3"])
        XCTAssertEqual(h.run("GET", "l"), "$4\r\nhere\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 2)  // only the SET
    }

    func testMoveErrorsInRedisOrder() {
        let h = KeyspaceHarness()
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("MOVE", "nokey", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.run("MOVE", "nokey", "2147483648"),
                       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n")
        XCTAssertEqual(h.run("MOVE", "nokey", "16"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.run("MOVE", "nokey", "-1"), "-ERR DB index is out of range\r\n")
        // The same database is refused before the key is looked at.
        XCTAssertEqual(h.run("MOVE", "nokey", "0"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(h.ks.dirty, dirty)
    }

    /// Writes to a copy, then checks the original still reads as before.
    func assertCopyIsIndependent(_ setup: [[String]], write: [String], read: [String],
                                 file: StaticString = #filePath, line: UInt = #line) {
        let h = KeyspaceHarness()
        h.ks.hashMaxZiplistEntries = 4
        h.ks.zsetLimits = ZSetLimits(entries: 4, value: 64)
        h.ks.setMaxIntsetEntries = 4
        for cmd in setup { h.run(cmd.map { ByteString($0) }) }
        let before = h.run(read.map { ByteString($0) })
        let encoding = h.run("OBJECT", "ENCODING", "src")
        XCTAssertEqual(h.run("COPY", "src", "dst"), ":1\r\n", file: file, line: line)
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "dst"), encoding, "the copy keeps the encoding", file: file, line: line)
        var readCopy = read
        readCopy[1] = "dst"
        XCTAssertEqual(h.run(readCopy.map { ByteString($0) }), before, "the copy reads as the original", file: file, line: line)
        var w = write
        w[1] = "dst"
        h.run(w.map { ByteString($0) })
        XCTAssertNotEqual(h.run(readCopy.map { ByteString($0) }), before, "the write changed the copy", file: file, line: line)
        XCTAssertEqual(h.run(read.map { ByteString($0) }), before, "the original did not change", file: file, line: line)
    }

    func testCopyIsDeepForEveryTypeAndEncoding() {
        assertCopyIsIndependent([["SET", "src", "v"]], write: ["APPEND", "", "x"], read: ["GET", "src"])
        assertCopyIsIndependent([["RPUSH", "src", "a", "b"]], write: ["LSET", "", "0", "z"], read: ["LRANGE", "src", "0", "-1"])
        assertCopyIsIndependent([["HSET", "src", "f", "v"]], write: ["HSET", "", "f", "w"], read: ["HGETALL", "src"])
        assertCopyIsIndependent([["HSET", "src", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"]],
                                write: ["HDEL", "", "a"], read: ["HLEN", "src"])
        assertCopyIsIndependent([["SADD", "src", "1", "2"]], write: ["SADD", "", "3"], read: ["SCARD", "src"])
        assertCopyIsIndependent([["SADD", "src", "x", "y"]], write: ["SREM", "", "x"], read: ["SCARD", "src"])
        assertCopyIsIndependent([["ZADD", "src", "1", "a", "2", "b"]], write: ["ZINCRBY", "", "5", "a"], read: ["ZRANGE", "src", "0", "-1", "WITHSCORES"])
        assertCopyIsIndependent([["ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"]],
                                write: ["ZREM", "", "c"], read: ["ZRANGE", "src", "0", "-1", "WITHSCORES"])
    }

    func testCopyOptionsTTLAndErrors() {
        let h = KeyspaceHarness()
        let modified = recordModified(h)
        h.run("SET", "a", "1")
        h.run("PEXPIRE", "a", "7000")
        h.run("SET", "b", "2")
        _ = modified()
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("COPY", "a", "b"), ":0\r\n")
        XCTAssertEqual(h.run("COPY", "nosuch", "c"), ":0\r\n")
        XCTAssertEqual(h.ks.dirty, dirty)
        XCTAssertEqual(h.run("COPY", "a", "b", "REPLACE"), ":1\r\n")
        XCTAssertEqual(h.ks.expireTime(h.db0, "b"), 1_007_000)
        XCTAssertEqual(h.run("COPY", "a", "a", "db", "5"), ":1\r\n")
        XCTAssertEqual(h.ks.expireTime(h.ks.dbs[5], "a"), 1_007_000)
        XCTAssertEqual(h.ks.dirty, dirty + 2)
        XCTAssertTrue(modified().contains("5:a"))
        // A key without TTL copied over one with a TTL: the copy has none (the old key is gone).
        h.run("SET", "plain", "p")
        XCTAssertEqual(h.run("COPY", "plain", "b", "REPLACE"), ":1\r\n")
        XCTAssertNil(h.ks.expireTime(h.db0, "b"))
        XCTAssertEqual(h.run("COPY", "a", "a"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(h.run("COPY", "a", "a", "DB", "0"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(h.run("COPY", "a", "c", "DB"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.run("COPY", "a", "c", "REPLACE", "x"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.run("COPY", "a", "c", "DB", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.run("COPY", "a", "c", "DB", "16"), "-ERR DB index is out of range\r\n")
        // The last DB option wins, as in Redis's loop.
        XCTAssertEqual(h.run("COPY", "a", "c", "DB", "1", "db", "2"), ":1\r\n")
        XCTAssertNil(h.ks.dbs[1].dict["c"])
        XCTAssertNotNil(h.ks.dbs[2].dict["c"])
    }

    func testSwapdbExchangesContentsAndKeepsNumbers() {
        let h = KeyspaceHarness()
        h.run("SET", "zero", "0")
        h.run("PEXPIRE", "zero", "9000")
        h.client.db = 1
        h.run("SET", "one", "1")
        h.client.db = 0
        var swapped: [(Int, Int)] = []
        h.ks.databasesSwapped = { swapped.append(($0, $1)) }
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("SWAPDB", "0", "1"), "+OK\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 1)
        XCTAssertEqual(swapped.map { "\($0.0)-\($0.1)" }, ["0-1"])
        XCTAssertEqual(h.ks.dbs[0].id, 0)
        XCTAssertEqual(h.ks.dbs[0].dict.keys, ["one"])
        XCTAssertEqual(h.ks.dbs[1].dict.keys, ["zero"])
        XCTAssertEqual(h.ks.expireTime(h.ks.dbs[1], "zero"), 1_009_000)
        XCTAssertEqual(h.ks.dbs[0].expires.count, 0)
        // The selected database is a number: the client now reads the other keys.
        XCTAssertEqual(h.run("GET", "one"), "$1\r\n1\r\n")
        XCTAssertEqual(h.run("SWAPDB", "3", "3"), "+OK\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 2)
        XCTAssertEqual(swapped.count, 1, "swapping a database with itself changes nothing")
        XCTAssertEqual(h.run("SWAPDB", "x", "1"), "-ERR invalid first DB index\r\n")
        XCTAssertEqual(h.run("SWAPDB", "1", "9999999999"), "-ERR invalid second DB index\r\n")
        XCTAssertEqual(h.run("SWAPDB", "0", "16"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 2)
    }

    func testTouchCountsExistingKeysAndExpiresLazily() {
        let h = KeyspaceHarness()
        h.run("SET", "a", "1")
        h.run("SET", "b", "2", "PX", "10")
        XCTAssertEqual(h.run("TOUCH", "a", "b", "a", "nosuch"), ":3\r\n")
        h.advance(ms: 20)
        XCTAssertEqual(h.run("TOUCH", "a", "b"), ":1\r\n")
        XCTAssertEqual(h.propagated.map { $0.argv }, [["DEL", "b"]])
    }

    // MARK: - The tables underneath

    func testSwapContentsMidRehashKeepsEveryKeyFindable() {
        let a = Dict<Int>(), b = Dict<Int>()
        for i in 0..<1000 { a.insert(ByteString("a\(i)"), i) }
        for i in 0..<5 { b.insert(ByteString("b\(i)"), i) }
        while b.rehash(100) {}
        a.expand(4096)  // start a rehash and leave it halfway
        _ = a.rehash(10)
        XCTAssertTrue(a.isRehashing)
        a.swapContents(with: b)
        XCTAssertTrue(b.isRehashing)
        XCTAssertFalse(a.isRehashing)
        XCTAssertEqual(a.count, 5)
        XCTAssertEqual(b.count, 1000)
        for i in 0..<1000 { XCTAssertEqual(b[ByteString("a\(i)")], i) }
        for i in 0..<5 { XCTAssertEqual(a[ByteString("b\(i)")], i) }
        XCTAssertNil(a["a1"])
        // Both go on working: inserts, deletes, the end of the rehash.
        b.insert("new", -1)
        XCTAssertEqual(b.remove("a7"), 7)
        while b.rehash(100) {}
        XCTAssertEqual(b["new"], -1)
        XCTAssertEqual(b.count, 1000)
        a.insert("a1", 1)
        XCTAssertEqual(a.count, 6)
    }

    func testDuplicateIsAnIndependentTable() {
        let a = Dict<ByteString>()
        for i in 0..<300 { a.insert(ByteString("k\(i)"), ByteString("v\(i)")) }
        let b = a.duplicate()
        XCTAssertEqual(b.count, 300)
        XCTAssertEqual(Set(b.keys), Set(a.keys))
        b["k1"] = "changed"
        b.remove("k2")
        XCTAssertEqual(a["k1"], "v1")
        XCTAssertEqual(a["k2"], "v2")
        XCTAssertEqual(Dict<Int>().duplicate().count, 0)
    }
}
