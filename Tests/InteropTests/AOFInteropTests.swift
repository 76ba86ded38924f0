// Our AOF read by the real Redis tools: `redis-check-aof` (Debian's 7.0.15) says it is valid, and a
// real `redis-server` 7.0.15 started on a copy of our dir loads it (as a legacy single-file AOF,
// which Redis 7 then upgrades into its `appendonlydir`) and has the same keys, values and TTLs.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class AOFInteropTests: InteropTestCase {
    /// A dataset with what the AOF has to express: several dbs, binary values, counters,
    /// deletions, relative and absolute expiries, a key that expires before the copy.
    func writeDataset(_ c: RawClient) throws -> [String] {
        var cmds: [[String]] = [
            ["SET", "plain", "value"], ["SET", "empty", ""], ["INCR", "counter"], ["INCRBY", "counter", "41"],
            ["SET", "ex", "v", "EX", "1000"], ["SET", "px", "v", "PX", "500000"], ["SETEX", "setex", "700", "v"],
            ["SET", "e", "v"], ["EXPIRE", "e", "900"], ["SET", "pe", "v"], ["PEXPIRE", "pe", "800000"],
            ["SET", "at", "v"], ["EXPIREAT", "at", "\(Int(Date().timeIntervalSince1970) + 3600)"],
            ["SET", "gone", "x"], ["DEL", "gone"], ["SET", "short", "x", "PX", "30"],
            ["APPEND", "plain", "+more"], ["SET", "persisted", "v", "EX", "100"], ["PERSIST", "persisted"],
            ["SELECT", "1"], ["SET", "db1", "one"], ["MSET", "m1", "a", "m2", "b"],
            ["SELECT", "7"], ["SET", "db7", "seven"], ["SETNX", "db7", "no"], ["GETSET", "db7", "seven!"],
        ]
        for i in 0..<200 { cmds.append(["SET", "bulk:\(i)", String(repeating: "x", count: i * 13)]) }
        for cmd in cmds {
            let reply = try c.call(cmd.map { Array($0.utf8) })
            if case .error(let e) = reply { XCTFail("\(cmd): \(e)") }
        }
        // A value with CR, LF and NUL in it.
        _ = try c.call([Array("SET".utf8), Array("bin".utf8), [0, 13, 10, 255, 36, 42]])
        usleep(100_000)  // `short` expires
        return cmds.map { $0.joined(separator: " ") }
    }

    func testRedisCheckAOFAcceptsOurAOF() throws {
        let check = try tool("redis-check-aof")
        let s = try startServer(["--appendonly", "yes"])
        let c = try RawClient(port: s.port)
        _ = try writeDataset(c)
        _ = try c.call("GET", "short")  // deleted on access: a DEL in the file
        let path = s.dir + "/appendonly.aof"
        let (status, out) = try runProgram(check, [path])
        XCTAssertEqual(status, 0, out)
        XCTAssertTrue(out.contains("is valid"), out)
        // And after CONFIG SET appendonly no/yes, which writes the dataset as a fresh file.
        XCTAssertEqual(try c.call("CONFIG", "SET", "appendonly", "no"), .simple("OK"))
        XCTAssertEqual(try c.call("CONFIG", "SET", "appendonly", "yes"), .simple("OK"))
        _ = try c.call("SET", "after", "rewrite")
        let (status2, out2) = try runProgram(check, [path])
        XCTAssertEqual(status2, 0, out2)
        XCTAssertTrue(out2.contains("is valid"), out2)
        print("redis-check-aof on our AOF: \(out.split(separator: "\n").last ?? "")")
    }

    func testRealRedisServerLoadsOurAOFWithTheSameDataset() throws {
        let redis = try tool("redis-server")
        let s = try startServer(["--appendonly", "yes"])
        let ours = try RawClient(port: s.port)
        _ = try writeDataset(ours)
        // A copy of our dir (the file only), as a real server's working dir.
        let copy = tempDir()
        try FileManager.default.copyItem(atPath: s.dir + "/appendonly.aof", toPath: copy + "/appendonly.aof")
        let port = freePort()
        let log = copy + "/redis.log"
        let p = try launch(redis, ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", copy, "--appendonly", "yes",
                                   "--save", "", "--logfile", log, "--daemonize", "no"], dir: copy)
        var theirs: RawClient?
        _ = waitUntil(20) {
            guard p.isRunning else { return true }
            if let c = try? RawClient(port: port), (try? c.call("PING")) == .simple("PONG") { theirs = c; return true }
            return false
        }
        let redisLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard let theirs else { return XCTFail("redis-server did not start on our AOF:\n\(redisLog)") }
        XCTAssertTrue(redisLog.contains("DB loaded from append only file") || redisLog.contains("DB loaded from"), redisLog)
        let upgraded = redisLog.split(separator: "\n").filter { $0.contains("AOF") || $0.contains("append only") }

        var compared = 0
        var ttls = 0
        for db in [0, 1, 7] {
            XCTAssertEqual(try ours.call("SELECT", "\(db)"), .simple("OK"))
            XCTAssertEqual(try theirs.call("SELECT", "\(db)"), .simple("OK"))
            guard case .array(let keys?) = try ours.call("KEYS", "*") else { XCTFail("KEYS"); continue }
            XCTAssertEqual(try theirs.call("DBSIZE"), .integer(Int64(keys.count)), "db \(db)")
            for key in keys {
                guard case .bulk(let k?) = key else { continue }
                let name = String(decoding: k, as: UTF8.self)
                XCTAssertEqual(try theirs.call([Array("GET".utf8), k]), try ours.call([Array("GET".utf8), k]), "db \(db) \(name)")
                guard case .integer(let a) = try ours.call([Array("PTTL".utf8), k]),
                      case .integer(let b) = try theirs.call([Array("PTTL".utf8), k]) else { XCTFail("PTTL \(name)"); continue }
                if a < 0 {
                    XCTAssertEqual(a, b, "db \(db) \(name): PTTL")
                } else {
                    XCTAssertLessThan(Swift.abs(a - b), 2000, "db \(db) \(name): PTTL ours \(a), theirs \(b)")
                    ttls += 1
                }
                compared += 1
            }
        }
        XCTAssertEqual(try theirs.call("SELECT", "0"), .simple("OK"))
        XCTAssertEqual(try theirs.call("EXISTS", "short"), .integer(0))
        XCTAssertEqual(try theirs.call("EXISTS", "gone"), .integer(0))
        XCTAssertEqual(try theirs.call("GET", "counter"), .bulk(Array("42".utf8)))
        XCTAssertGreaterThanOrEqual(compared, 215)
        print("redis-server 7 on our AOF: \(compared) keys identical (\(ttls) with a TTL, within 2 s); its log: "
              + upgraded.map { String($0.drop { $0 != "*" && $0 != "#" }) }.joined(separator: " | "))
    }
}
