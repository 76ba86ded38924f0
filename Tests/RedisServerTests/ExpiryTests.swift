// Keys with a time to live: the commands that set and read it, lazy expiry (a key is deleted
// when it is touched after its time) and active expiry (the server's cycle deletes keys that
// nobody touches), and which writes keep or drop a TTL.
//
// Redis: expireGenericCommand, ttlGenericCommand, persistCommand (src/expire.c),
// expireIfNeeded (src/db.c), activeExpireCycle (src/expire.c)

import Foundation
import TestSupport
import XCTest

final class ExpiryTests: ServerTestCase {
    func testExpireTtlPersistReplies() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":-1\r\n")
        expect(c, "PTTL", "k", is: ":-1\r\n")
        expect(c, "TTL", "nosuch", is: ":-2\r\n")
        expect(c, "PTTL", "nosuch", is: ":-2\r\n")
        expect(c, "EXPIRE", "k", "100", is: ":1\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        let pttl = int(c, "PTTL", "k") ?? 0
        XCTAssert((99_000...100_000).contains(pttl), "PTTL after EXPIRE 100: \(pttl)")
        expect(c, "EXPIRE", "nosuch", "100", is: ":0\r\n")
        expect(c, "PEXPIRE", "k", "50000", is: ":1\r\n")
        expect(c, "TTL", "k", is: ":50\r\n")
        expect(c, "EXPIREAT", "k", String(nowMs() / 1000 + 200), is: ":1\r\n")
        XCTAssert((198...200).contains(int(c, "TTL", "k") ?? 0))
        expect(c, "PEXPIREAT", "k", String(nowMs() + 300_000), is: ":1\r\n")
        XCTAssert((298...300).contains(int(c, "TTL", "k") ?? 0))
        expect(c, "PEXPIREAT", "nosuch", String(nowMs() + 300_000), is: ":0\r\n")
        expect(c, "PERSIST", "k", is: ":1\r\n")
        expect(c, "TTL", "k", is: ":-1\r\n")
        expect(c, "PERSIST", "k", is: ":0\r\n")
        expect(c, "PERSIST", "nosuch", is: ":0\r\n")
        expect(c, "EXPIRE", "k", "abc", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "TTL", "k", is: ":-1\r\n")
        // A time in the past deletes the key at once.
        expect(c, "EXPIRE", "k", "-1", is: ":1\r\n")
        expect(c, "EXISTS", "k", is: ":0\r\n")
        expect(c, "SET", "k2", "v", is: "+OK\r\n")
        expect(c, "EXPIREAT", "k2", "1", is: ":1\r\n")
        expect(c, "GET", "k2", is: "$-1\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
    }

    func testLazyExpiryOnAccess() throws {
        let c = try connect(try startServer())
        // With the active cycle off, only an access can notice that a key has expired.
        expect(c, "DEBUG", "SET-ACTIVE-EXPIRE", "0", is: "+OK\r\n")
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "SET", "k2", "v", is: "+OK\r\n")
        expect(c, "PEXPIRE", "k", "50", is: ":1\r\n")
        expect(c, "PEXPIRE", "k2", "50", is: ":1\r\n")
        usleep(200_000)
        expect(c, "DBSIZE", is: ":2\r\n")
        expect(c, "GET", "k", is: "$-1\r\n")
        expect(c, "DBSIZE", is: ":1\r\n")
        expect(c, "EXISTS", "k2", is: ":0\r\n")
        expect(c, "DBSIZE", is: ":0\r\n")
        XCTAssertEqual(infoField(c, "stats", "expired_keys"), "2")
    }

    /// An expired key that nobody has deleted yet is invisible to every command but DBSIZE.
    func testExpiredKeysAreInvisibleBeforeDeletion() throws {
        let c = try connect(try startServer())
        expect(c, "DEBUG", "SET-ACTIVE-EXPIRE", "0", is: "+OK\r\n")
        for k in ["a", "b", "c", "d", "e", "f"] { expect(c, "SET", k, "1", "PX", "50", is: "+OK\r\n") }
        expect(c, "SET", "keep", "1", is: "+OK\r\n")
        usleep(150_000)
        expect(c, "DBSIZE", is: ":7\r\n")
        expect(c, "KEYS", "*", is: "*1\r\n$4\r\nkeep\r\n")
        for _ in 0..<5 { expect(c, "RANDOMKEY", is: "$4\r\nkeep\r\n") }
        expect(c, "SCAN", "0", "COUNT", "100", is: "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nkeep\r\n")
        expect(c, "TTL", "a", is: ":-2\r\n")
        expect(c, "TYPE", "b", is: "+none\r\n")
        expect(c, "MGET", "c", "keep", is: "*2\r\n$-1\r\n$1\r\n1\r\n")
        expect(c, "SET", "d", "v", "XX", is: "$-1\r\n")
        expect(c, "RENAME", "e", "x", is: "-ERR no such key\r\n")
        // A write to an expired key starts a new key, without the old TTL.
        expect(c, "INCR", "f", is: ":1\r\n")
        expect(c, "TTL", "f", is: ":-1\r\n")
    }

    func testActiveExpiryDeletesUntouchedKeys() throws {
        let c = try connect(try startServer())
        // 200 keys with a 100 ms TTL, sent in one pipelined write and never read again.
        var burst: [UInt8] = []
        for i in 0..<200 {
            burst += RawClient.encode([Array("SET".utf8), Array("k:\(i)".utf8), Array("v".utf8)])
            burst += RawClient.encode([Array("PEXPIRE".utf8), Array("k:\(i)".utf8), Array("100".utf8)])
        }
        c.send(raw: burst)
        for i in 0..<400 {
            let r = try c.readReply()
            XCTAssertEqual(r, i % 2 == 0 ? .simple("OK") : .integer(1))
        }
        expect(c, "SET", "keep", "v", is: "+OK\r\n")
        // The cycle visits every database, not only the first.
        expect(c, "SELECT", "5", is: "+OK\r\n")
        for i in 0..<20 { expect(c, "SET", "db5:\(i)", "v", "PX", "100", is: "+OK\r\n") }
        let db5Gone = waitUntil(2.0) { int(c, "DBSIZE") == 0 }
        XCTAssert(db5Gone, "active expiry left \(int(c, "DBSIZE") ?? -1) keys in db 5 after 2 s")
        expect(c, "SELECT", "0", is: "+OK\r\n")
        // DBSIZE touches no key, so only the active cycle can bring it down.
        let gone = waitUntil(2.0) { int(c, "DBSIZE") == 1 }
        XCTAssert(gone, "active expiry left \(int(c, "DBSIZE") ?? -1) keys after 2 s")
        XCTAssertEqual(infoField(c, "stats", "expired_keys"), "220")
        expect(c, "GET", "keep", is: "$1\r\nv\r\n")
    }

    func testWhichWritesKeepTheTTL() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "1", "EX", "100", is: "+OK\r\n")
        expect(c, "INCR", "k", is: ":2\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        expect(c, "INCRBY", "k", "3", is: ":5\r\n")
        expect(c, "APPEND", "k", "0", is: ":2\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        expect(c, "INCRBYFLOAT", "k", "0.5", is: "$4\r\n50.5\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        expect(c, "SETRANGE", "k", "0", "9", is: ":4\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        // A plain SET replaces the key, TTL included; so does GETSET.
        expect(c, "SET", "k", "x", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":-1\r\n")
        expect(c, "SET", "g", "1", "EX", "100", is: "+OK\r\n")
        expect(c, "GETSET", "g", "2", is: "$1\r\n1\r\n")
        expect(c, "TTL", "g", is: ":-1\r\n")
    }
}
