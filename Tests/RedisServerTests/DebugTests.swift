// DEBUG DIGEST, DIGEST-VALUE and OBJECT, LASTSAVE, and the CONFIG options tools read, end to end.
// What a user relies on: a digest that changes with the data and survives a reload of the AOF
// (Redis's own tests compare digests that way), and the replies' exact shapes.
//
// Redis: debugCommand, computeDatasetDigest (src/debug.c), lastsaveCommand (src/server.c)

import Foundation
import TestSupport
import XCTest

final class DebugTests: ServerTestCase {
    func digest(_ c: RawClient, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard case .simple(let d) = call(c, "DEBUG", "DIGEST") else { XCTFail("not a status", file: file, line: line); return "" }
        XCTAssertEqual(d.count, 40, file: file, line: line)
        return d
    }

    func testDigestFollowsTheDataNotItsHistory() throws {
        let c = try connect(try startServer())
        let zero = String(repeating: "0", count: 40)
        XCTAssertEqual(digest(c), zero)
        expect(c, "SET", "a", "1", is: "+OK\r\n")
        let one = digest(c)
        XCTAssertNotEqual(one, zero)
        // A value changed and changed back; a key added and removed: the same digest.
        _ = call(c, "SET", "a", "2")
        XCTAssertNotEqual(digest(c), one)
        _ = call(c, "SET", "a", "1")
        _ = call(c, "RPUSH", "tmp", "x")
        _ = call(c, "DEL", "tmp")
        XCTAssertEqual(digest(c), one)
        // A TTL is part of the digest (its time is not); moving the key to another db changes it.
        _ = call(c, "EXPIRE", "a", "100")
        let volatile = digest(c)
        XCTAssertNotEqual(volatile, one)
        _ = call(c, "EXPIRE", "a", "5000")
        XCTAssertEqual(digest(c), volatile)
        _ = call(c, "DEL", "a")
        _ = call(c, "SELECT", "1")
        _ = call(c, "SET", "a", "1")
        XCTAssertNotEqual(digest(c), one)
        _ = call(c, "SELECT", "0")
        // A list's order matters; a set's does not.
        _ = call(c, "FLUSHALL")
        _ = call(c, "RPUSH", "l", "a", "b"); _ = call(c, "SADD", "s", "x", "y")
        let ab = digest(c)
        _ = call(c, "DEL", "l", "s")
        _ = call(c, "RPUSH", "l", "b", "a"); _ = call(c, "SADD", "s", "y", "x")
        XCTAssertNotEqual(digest(c), ab)
        _ = call(c, "DEL", "l"); _ = call(c, "RPUSH", "l", "a", "b")
        XCTAssertEqual(digest(c), ab)
    }

    func testDigestValueIsPerKeyAndZeroForMissing() throws {
        let c = try connect(try startServer())
        _ = call(c, "HSET", "h1", "f", "v", "g", "w")
        _ = call(c, "HSET", "h2", "g", "w", "f", "v")
        guard case .array(let d?) = call(c, "DEBUG", "DIGEST-VALUE", "h1", "h2", "nosuch") else { return XCTFail("not an array") }
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d[0], d[1])
        XCTAssertEqual(d[2], .simple(String(repeating: "0", count: 40)))
        expect(c, "DEBUG", "DIGEST-VALUE", is: "*0\r\n")
        expect(c, "DEBUG", "DIGEST", "extra", is: "-ERR Unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP.\r\n")
    }

    /// Redis's tests reload the AOF and compare digests: the data must come back the same.
    func testDigestSurvivesDebugLoadaof() throws {
        let dir = tempDir()
        let c = try connect(try startServer(["--appendonly", "yes", "--appendfsync", "always"], dir: dir))
        _ = call(c, "SET", "s", "v"); _ = call(c, "RPUSH", "l", "1", "2", "3"); _ = call(c, "ZADD", "z", "0.1", "a", "2", "b")
        _ = call(c, "HSET", "h", "f", "v"); _ = call(c, "SADD", "set", "1", "x"); _ = call(c, "SET", "t", "v", "EX", "1000")
        _ = call(c, "SELECT", "2"); _ = call(c, "SET", "other", "db")
        let before = digest(c)
        expect(c, "DEBUG", "LOADAOF", is: "+OK\r\n")
        XCTAssertEqual(digest(c), before)
    }

    func testDebugObjectLine() throws {
        let c = try connect(try startServer())
        _ = call(c, "SET", "n", "42")
        _ = call(c, "SET", "s", "hello")
        _ = call(c, "RPUSH", "l", "a", "b", "c")
        guard case .simple(let n) = call(c, "DEBUG", "OBJECT", "n"), case .simple(let s) = call(c, "DEBUG", "OBJECT", "s"),
              case .simple(let l) = call(c, "DEBUG", "OBJECT", "l") else { return XCTFail("not a status") }
        let shape = #"^Value at:0x[0-9a-f]+ refcount:\d+ encoding:\w+ serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+"#
        for line in [n, s, l] { XCTAssertNotNil(line.range(of: shape, options: .regularExpression), line) }
        XCTAssert(n.contains(" refcount:2147483647 encoding:int serializedlength:2 "), n)
        XCTAssert(s.contains(" refcount:1 encoding:embstr serializedlength:6 "), s)
        // A ziplist of three one-byte strings: 11 + 3 * 3 bytes, and the node count before it.
        XCTAssert(l.hasSuffix(" ql_nodes:1 ql_avg_node:3.00 ql_ziplist_max:-2 ql_compressed:0 ql_uncompressed_size:20"), l)
        XCTAssert(l.contains(" serializedlength:22 "), l)
        expect(c, "DEBUG", "OBJECT", "nosuch", is: "-ERR no such key\r\n")
    }

    func testLastsaveIsTheStartTime() throws {
        let before = Int64(Date().timeIntervalSince1970)
        let c = try connect(try startServer())
        guard case .integer(let t) = call(c, "LASTSAVE") else { return XCTFail("not an integer") }
        XCTAssert(t >= before - 1 && t <= Int64(Date().timeIntervalSince1970), "\(t)")
        expect(c, "LASTSAVE", "x", is: "-ERR wrong number of arguments for 'lastsave' command\r\n")
        sleep(1)
        XCTAssertEqual(call(c, "LASTSAVE"), .integer(t))
    }

    func testConfigOptionsOverTheWire() throws {
        let c = try connect(try startServer(["--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"]))
        expect(c, "CONFIG", "GET", "maxmemory", is: "*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n")
        expect(c, "CONFIG", "GET", "maxmemory-policy", is: "*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n")
        // INFO memory reports the configured limit and policy, as Redis's does.
        XCTAssertEqual(infoField(c, "memory", "maxmemory"), "104857600")
        XCTAssertEqual(infoField(c, "memory", "maxmemory_human"), "100.00M")
        XCTAssertEqual(infoField(c, "memory", "maxmemory_policy"), "allkeys-lru")
        expect(c, "CONFIG", "SET", "maxmemory-policy", "volatile-ttl", is: "+OK\r\n")
        expect(c, "CONFIG", "GET", "maxmemory-policy", is: "*2\r\n$16\r\nmaxmemory-policy\r\n$12\r\nvolatile-ttl\r\n")
        expect(c, "CONFIG", "SET", "databases", "4", is: "-ERR Unsupported CONFIG parameter: databases\r\n")
        expect(c, "CONFIG", "GET", "dbfilename", is: "*2\r\n$10\r\ndbfilename\r\n$8\r\ndump.rdb\r\n")
        expect(c, "CONFIG", "SET", "dir", "/nonexistent-swiftredis", is: "-ERR Changing directory: No such file or directory\r\n")
    }
}
