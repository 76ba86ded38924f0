// HashValue (the hash type's storage) in both encodings: the ziplist's insertion order, updates
// in place, deletes, the one-way conversion at exactly the limits (fields and bytes), and
// HGETALL's RESP3 map reply through the keyspace harness (HELLO lives on another branch).
//
// Redis: src/t_hash.c (hashTypeSet, hashTypeTryConversion, hashTypeConvert)

import XCTest
@testable import RedisKeyspace
import RedisCore

final class HashValueTests: XCTestCase {
    func pairs(_ h: HashValue) -> [String] {
        var out: [String] = []
        h.forEach { out.append($0.stringValue + "=" + $1.stringValue) }
        return out
    }

    func testZiplistKeepsInsertionOrderAndUpdatesInPlace() {
        let h = HashValue()
        XCTAssertTrue(h.set("b", "1", maxEntries: 512))
        XCTAssertTrue(h.set("a", "2", maxEntries: 512))
        XCTAssertTrue(h.set("c", "3", maxEntries: 512))
        XCTAssertFalse(h.set("a", "22", maxEntries: 512))
        XCTAssertEqual(pairs(h), ["b=1", "a=22", "c=3"])
        XCTAssertEqual(h.encoding, "ziplist")
        XCTAssertTrue(h.remove("b"))
        XCTAssertFalse(h.remove("b"))
        XCTAssertEqual(pairs(h), ["a=22", "c=3"])
        XCTAssertEqual(h.count, 2)
        XCTAssertEqual(h.get("c"), "3")
        XCTAssertNil(h.get("b"))
        XCTAssertTrue(h.contains("a"))
    }

    func testConversionAtExactlyTheEntryLimit() {
        for limit in [128, 512] {
            let h = HashValue()
            for i in 0..<limit { h.set(ByteString("f\(i)"), "v", maxEntries: limit) }
            XCTAssertEqual(h.encoding, "ziplist", "\(limit) fields")
            XCTAssertFalse(h.set("f0", "again", maxEntries: limit))  // an update adds nothing
            XCTAssertEqual(h.encoding, "ziplist")
            h.set(ByteString("f\(limit)"), "v", maxEntries: limit)
            XCTAssertEqual(h.encoding, "hashtable", "\(limit + 1) fields")
            XCTAssertEqual(h.count, limit + 1)
            XCTAssertEqual(h.get("f0"), "again")
            // Never back: even empty again, it stays a hash table.
            for i in 0...limit { XCTAssertTrue(h.remove(ByteString("f\(i)"))) }
            XCTAssertEqual(h.count, 0)
            XCTAssertEqual(h.encoding, "hashtable")
        }
    }

    func testConversionAtExactlyTheValueLimit() {
        let h = HashValue()
        let b64 = ByteString(String(repeating: "x", count: 64)), b65 = ByteString(String(repeating: "x", count: 65))
        h.convertIfAnyLonger(than: 64, [b64, b64][...])
        h.set(b64, b64, maxEntries: 512)
        XCTAssertEqual(h.encoding, "ziplist")
        h.convertIfAnyLonger(than: 64, ["f", b65][...])
        XCTAssertEqual(h.encoding, "hashtable")
        XCTAssertEqual(h.get(b64), b64)
        let g = HashValue()
        g.convertIfAnyLonger(than: 64, [b65, "v"][...])  // a long field converts too
        XCTAssertEqual(g.encoding, "hashtable")
    }

    func testHashtableShrinksAfterDeletes() {
        let h = HashValue()
        for i in 0..<1000 { h.set(ByteString("f\(i)"), "v", maxEntries: 512) }
        guard let t = h.table else { XCTFail("not a hash table"); return }
        while t.isRehashing { _ = t.rehash(100) }
        let big = t.bucketCount
        for i in 0..<990 { h.remove(ByteString("f\(i)")) }
        while t.isRehashing { _ = t.rehash(100) }
        XCTAssertLessThanOrEqual(t.bucketCount, big / 8, "the table shrank")
        XCTAssertEqual(h.count, 10)
        XCTAssertEqual(h.get("f995"), "v")
    }

    func testHashtableForEachVisitsEveryPairOnce() {
        let h = HashValue()
        for i in 0..<600 { h.set(ByteString("f\(i)"), ByteString("v\(i)"), maxEntries: 512) }
        XCTAssertEqual(h.encoding, "hashtable")
        var seen = Set<String>()
        h.forEach { f, v in
            XCTAssertEqual("v" + f.stringValue.dropFirst(), v.stringValue)
            XCTAssertTrue(seen.insert(f.stringValue).inserted)
        }
        XCTAssertEqual(seen.count, 600)
        let (f, v) = h.randomPair()
        XCTAssertEqual(h.get(f), v)
    }

    func testHgetallRepliesAMapInRESP3AndHincrbyfloatPropagatesHset() {
        let k = KeyspaceHarness()
        XCTAssertEqual(k.run("HSET", "h", "f", "1", "g", "2"), ":2\r\n")
        XCTAssertEqual(k.run("HGETALL", "h"), "*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n")
        k.client.resp = 3
        XCTAssertEqual(k.run("HGETALL", "h"), "%2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n")
        XCTAssertEqual(k.run("HGETALL", "nosuch"), "%0\r\n")
        XCTAssertEqual(k.run("HGET", "h", "nosuch"), "_\r\n")
        XCTAssertEqual(k.run("HRANDFIELD", "h", "5", "WITHVALUES"),
                       "*2\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n")
        k.client.resp = 2
        XCTAssertEqual(k.run("HRANDFIELD", "h", "5", "WITHVALUES"), "*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n")
        let dirty = k.ks.dirty
        XCTAssertEqual(k.run("HINCRBYFLOAT", "h", "f", "0.5"), "$3\r\n1.5\r\n")
        XCTAssertEqual(k.client.argv, ["HSET", "h", "f", "1.5"])
        XCTAssertEqual(k.ks.dirty, dirty + 1)
        XCTAssertEqual(k.run("HINCRBYFLOAT", "new", "f", "inf"), "-ERR value is NaN or Infinity\r\n")
        XCTAssertFalse(k.ks.exists(k.db0, "new"), "no empty hash left behind")
    }
}
