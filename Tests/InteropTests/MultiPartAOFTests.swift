// A dataset written by a real Redis 7 as a multi-part AOF (appendonlydir with a manifest, an
// AOF-format base and an incremental file) loads into SwiftRedis, which then continues in its
// own single-file format.

import Foundation
import RedisCore
import TestSupport
import XCTest

final class MultiPartAOFTests: InteropTestCase {
    func testWeLoadRedis7AppendOnlyDir() throws {
        let redis = try tool("redis-server")
        let dir = tempDir()
        let port = freePort()
        let real = try launch(redis, ["--port", String(port), "--save", "", "--appendonly", "yes",
                                      "--aof-use-rdb-preamble", "no", "--bind", "127.0.0.1", "--dir", dir,
                                      "--daemonize", "no"], dir: dir)
        var client: RawClient?
        XCTAssertTrue(waitUntil(10) { client = try? RawClient(port: port); return client != nil })
        let c = try XCTUnwrap(client)
        XCTAssertEqual(try c.call("SET", "a", "1"), .simple("OK"))
        XCTAssertEqual(try c.call("SET", "b", "hello", "EX", "1000"), .simple("OK"))
        XCTAssertEqual(try c.call("SELECT", "2"), .simple("OK"))
        XCTAssertEqual(try c.call("SET", "c", "bin\0\r\n"), .simple("OK"))
        // A rewrite makes a base file; the writes after it go to an incremental file.
        _ = try c.call("BGREWRITEAOF")
        XCTAssertTrue(waitUntil(10) { (try? c.call("INFO", "persistence").string)?.contains("aof_rewrite_in_progress:0") == true })
        XCTAssertEqual(try c.call("SELECT", "0"), .simple("OK"))
        XCTAssertEqual(try c.call("INCR", "a"), .integer(2))
        _ = try? c.call("SHUTDOWN")
        real.waitUntilExit()
        let manifest = try String(contentsOfFile: dir + "/appendonlydir/appendonly.aof.manifest", encoding: .utf8)
        XCTAssertTrue(manifest.contains("type b") && manifest.contains("type i"), manifest)

        let ours = try ServerProcess(args: ["--appendonly", "yes"], dir: dir)
        defer { ours.cleanUp() }
        let o = try RawClient(port: ours.port)
        XCTAssertEqual(try o.call("GET", "a"), .bulk(Array("2".utf8)))
        guard case .integer(let ttl) = try o.call("TTL", "b") else { return XCTFail("no TTL") }
        XCTAssertGreaterThan(ttl, 990)
        XCTAssertEqual(try o.call("SELECT", "2"), .simple("OK"))
        XCTAssertEqual(try o.call("GET", "c"), .bulk(Array("bin\0\r\n".utf8)))
        XCTAssertTrue(ours.log.contains("multi-part AOF"), ours.log)
        // From now on our own file holds the dataset: a restart without the directory keeps it.
        XCTAssertEqual(try o.call("SELECT", "0"), .simple("OK"))
        XCTAssertEqual(try o.call("SET", "d", "4"), .simple("OK"))
        ours.stop()
        try FileManager.default.removeItem(atPath: dir + "/appendonlydir")
        let again = try ServerProcess(args: ["--appendonly", "yes"], dir: dir)
        defer { again.cleanUp() }
        let a = try RawClient(port: again.port)
        XCTAssertEqual(try a.call("GET", "a"), .bulk(Array("2".utf8)))
        XCTAssertEqual(try a.call("GET", "d"), .bulk(Array("4".utf8)))
    }
}
