// The options redis-py and the Redis tools read with CONFIG GET, with Redis 6.2's defaults, value
// syntax and errors: maxmemory, maxmemory-policy, maxmemory-samples, dbfilename, save, dir.
//
// Redis: the standardConfig entries and configSetCommand's special fields (src/config.c)

import Foundation
import RedisCore
import XCTest

final class ConfigOptionsTests: XCTestCase {
    func value(_ c: Config, _ name: String) -> String? { c.get(pattern: ByteString(name)).first?.1 }

    func testDefaultsAre62s() {
        let c = Config()
        XCTAssertEqual(value(c, "maxmemory"), "0")
        XCTAssertEqual(value(c, "maxmemory-policy"), "noeviction")
        XCTAssertEqual(value(c, "maxmemory-samples"), "5")
        XCTAssertEqual(value(c, "dbfilename"), "dump.rdb")
        XCTAssertEqual(value(c, "timeout"), "0")
        XCTAssertEqual(value(c, "tcp-keepalive"), "300")
        XCTAssertEqual(value(c, "databases"), "16")
        XCTAssertEqual(value(c, "appendfilename"), "appendonly.aof")
        XCTAssertEqual(c.get(pattern: "maxmemory*").map(\.0).sorted(), ["maxmemory", "maxmemory-eviction-tenacity", "maxmemory-policy", "maxmemory-samples"])
    }

    func testMaxmemoryTakesUnitsAndReportsBytes() throws {
        let c = Config()
        XCTAssertNil(c.set(name: "maxmemory", value: "100mb"))
        XCTAssertEqual(value(c, "maxmemory"), "104857600")
        XCTAssertNil(c.set(name: "MAXMEMORY", value: "1GB"))
        XCTAssertEqual(c.maxmemory, 1 << 30)
        try c.load(text: "maxmemory 10k")
        XCTAssertEqual(c.maxmemory, 10_000)
        for bad in ["abc", "-1", "10xb", ""] {
            XCTAssertEqual(c.set(name: "maxmemory", value: bad),
                           "ERR Invalid argument '\(bad)' for CONFIG SET 'maxmemory' - argument must be a memory value", bad)
        }
        XCTAssertEqual(c.maxmemory, 10_000)
    }

    func testMaxmemoryPolicyIs62sEnum() {
        let c = Config()
        for p in Config.maxmemoryPolicies {
            XCTAssertNil(c.set(name: "maxmemory-policy", value: p.uppercased()))
            XCTAssertEqual(value(c, "maxmemory-policy"), p)
        }
        XCTAssertEqual(c.set(name: "maxmemory-policy", value: "lru"),
                       "ERR Invalid argument 'lru' for CONFIG SET 'maxmemory-policy' - argument must be one of the following: "
                       + "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction")
        XCTAssertEqual(c.set(name: "maxmemory-samples", value: "0"),
                       "ERR Invalid argument '0' for CONFIG SET 'maxmemory-samples' - argument must be between 1 and 2147483647 inclusive")
        XCTAssertNil(c.set(name: "maxmemory-samples", value: "10"))
        XCTAssertEqual(c.maxmemorySamples, 10)
    }

    func testReadOnlyAfterStart() {
        let c = Config()
        for name in ["databases", "appendfilename", "port"] {
            XCTAssertEqual(c.set(name: name, value: "3"), "ERR Unsupported CONFIG parameter: \(name)")
        }
        XCTAssertEqual(value(c, "databases"), "16")
    }

    func testSaveIsPairsOfNumbers() throws {
        let c = Config()
        XCTAssertNil(c.set(name: "save", value: "900 1 300 10"))
        XCTAssertEqual(value(c, "save"), "900 1 300 10")
        for bad in ["1 2 3", "a 1", "0 1", "10 -1"] {
            // 6.2's badfmt: no reason after the value.
            XCTAssertEqual(c.set(name: "save", value: bad), "ERR Invalid argument '\(bad)' for CONFIG SET 'save'", bad)
        }
        XCTAssertNil(c.set(name: "save", value: ""))
        XCTAssertEqual(value(c, "save"), "")
        // In a file, save lines add up, the first replacing the defaults; "" clears them.
        let f = Config()
        try f.load(text: "save 900 1\nmaxclients 5\nsave 300 10\n")
        XCTAssertEqual(f.save, "900 1 300 10")
        try f.load(text: "save \"\"\nsave 60 1")
        XCTAssertEqual(f.save, "60 1")
        XCTAssertThrowsError(try c.load(text: "save 900")) { e in
            XCTAssert("\(e)".contains("Invalid save parameters"), "\(e)")
        }
    }

    func testDbfilenameIsAFileName() {
        let c = Config()
        XCTAssertNil(c.set(name: "dbfilename", value: "other.rdb"))
        XCTAssertEqual(value(c, "dbfilename"), "other.rdb")
        XCTAssertEqual(c.set(name: "dbfilename", value: "a/b.rdb"),
                       "ERR Invalid argument 'a/b.rdb' for CONFIG SET 'dbfilename' - dbfilename can't be a path, just a filename")
    }

    func testDirChangesDirectoryOrSaysWhyNot() {
        let c = Config()
        let before = value(c, "dir")
        XCTAssertEqual(c.set(name: "dir", value: "/nonexistent-swiftredis-dir"), "ERR Changing directory: No such file or directory")
        XCTAssertEqual(value(c, "dir"), before)
        XCTAssertNil(c.set(name: "dir", value: "/tmp"))
        XCTAssertEqual(value(c, "dir"), FileManager.default.currentDirectoryPath)
        if let before { _ = c.set(name: "dir", value: before) }
    }
}
