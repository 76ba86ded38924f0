// maxmemory and the keys' access clocks, end to end. What a user relies on: past the limit,
// noeviction refuses writes with Redis's -OOM and serves reads; an evicting policy brings memory
// back under the limit and keeps what it should (recently used keys under LRU, keys without a
// TTL under the volatile policies); evictions reach the AOF; OBJECT IDLETIME, FREQ and REFCOUNT
// answer as Redis does, and reads that are not uses leave the clock alone.
//
// Redis: performEvictions (src/evict.c), the OOM check of processCommand (src/server.c),
// objectCommand (src/object.c)

import Foundation
import TestSupport
import XCTest

final class EvictionTests: ServerTestCase {
    let oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"

    func used(_ c: RawClient) -> Int { Int(infoField(c, "memory", "used_memory") ?? "") ?? -1 }
    /// used_memory less what does not count against maxmemory (the AOF buffer), from one INFO.
    func counted(_ c: RawClient) -> Int {
        let text = call(c, "INFO", "memory").string ?? ""
        func field(_ name: String) -> Int? {
            text.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.flatMap { Int($0.dropFirst(name.count + 1)) }
        }
        guard let used = field("used_memory"), let not = field("mem_not_counted_for_evict") else { return -1 }
        return used - not
    }
    func evicted(_ c: RawClient) -> Int { Int(infoField(c, "stats", "evicted_keys") ?? "") ?? -1 }
    func dbsize(_ c: RawClient) -> Int64 { int(c, "DBSIZE") ?? -1 }

    func testNoevictionRefusesWhatUsesMemoryAndServesTheRest() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "CONFIG", "SET", "maxmemory", "1", is: "+OK\r\n")
        expect(c, "SET", "k2", "v", is: oom)
        expect(c, "LPUSH", "l", "x", is: oom)
        expect(c, "GET", "k", is: "$1\r\nv\r\n")
        // DEL frees memory: it is not refused.
        expect(c, "DEL", "k", is: ":1\r\n")
        // Inside MULTI even queueing is refused, and the transaction is doomed.
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "GET", "k", is: oom)
        expect(c, "EXEC", is: "-EXECABORT Transaction discarded because of previous errors.\r\n")
        XCTAssertEqual(evicted(c), 0)
        expect(c, "CONFIG", "SET", "maxmemory", "0", is: "+OK\r\n")
        expect(c, "SET", "k2", "v", is: "+OK\r\n")
        // A volatile policy with no key that has a TTL has nothing to evict either.
        expect(c, "CONFIG", "SET", "maxmemory-policy", "volatile-lru", is: "+OK\r\n")
        expect(c, "CONFIG", "SET", "maxmemory", "1", is: "+OK\r\n")
        expect(c, "SET", "k3", "v", is: oom)
        expect(c, "CONFIG", "SET", "maxmemory", "0", is: "+OK\r\n")
        XCTAssertEqual(infoField(c, "commandstats", "cmdstat_set")?.contains("rejected_calls=2"), true)
    }

    func testAnEvictingPolicyBringsMemoryUnderTheLimit() throws {
        let c = try connect(try startServer())
        expect(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-random", is: "+OK\r\n")
        expect(c, "DEBUG", "POPULATE", "20000", "key", "200", is: "+OK\r\n")
        let full = used(c)
        let limit = full - 2 * 1024 * 1024
        expect(c, "CONFIG", "SET", "maxmemory", "\(limit)", is: "+OK\r\n")
        // Eviction runs before commands and, past the round's time limit, on a timer.
        XCTAssertTrue(waitUntil(10) { self.used(c) <= limit }, "used_memory stayed above maxmemory")
        let left = dbsize(c)
        XCTAssertGreaterThan(left, 0)
        XCTAssertLessThan(left, 20000)
        XCTAssertEqual(Int64(evicted(c)), 20000 - left)
        // Writes go on, and evict as they need to.
        for i in 0..<2000 { sendOnly(c, "SET", "new:\(i)", String(repeating: "n", count: 200)) }
        for _ in 0..<2000 { XCTAssertEqual(nextReply(c), "+OK\r\n") }
        XCTAssertLessThanOrEqual(used(c), limit + 64 * 1024)
    }

    func testLRUKeepsTheKeysInUse() throws {
        let c = try connect(try startServer())
        expect(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru", is: "+OK\r\n")
        expect(c, "CONFIG", "SET", "maxmemory-samples", "10", is: "+OK\r\n")
        expect(c, "DEBUG", "POPULATE", "20000", "key", "200", is: "+OK\r\n")
        // The LRU clock counts seconds: after a second, the keys read now are the recent ones.
        Thread.sleep(forTimeInterval: 1.2)
        for i in 0..<200 { XCTAssertEqual(call(c, "GET", "key:\(i)").string?.count, 200) }
        let limit = used(c) - 2 * 1024 * 1024
        expect(c, "CONFIG", "SET", "maxmemory", "\(limit)", is: "+OK\r\n")
        XCTAssertTrue(waitUntil(10) { self.used(c) <= limit })
        XCTAssertLessThan(dbsize(c), 20000)
        for i in 0..<200 { expect(c, "EXISTS", "key:\(i)", is: ":1\r\n") }
    }

    func testVolatilePoliciesEvictOnlyKeysWithATTL() throws {
        let c = try connect(try startServer())
        expect(c, "CONFIG", "SET", "maxmemory-policy", "volatile-ttl", is: "+OK\r\n")
        expect(c, "DEBUG", "POPULATE", "10000", "keep", "200", is: "+OK\r\n")
        expect(c, "DEBUG", "POPULATE", "10000", "temp", "200", is: "+OK\r\n")
        for i in 0..<10000 { sendOnly(c, "EXPIRE", "temp:\(i)", "\(1000 + i)") }
        for _ in 0..<10000 { _ = nextReply(c) }
        let limit = used(c) - 1024 * 1024
        expect(c, "CONFIG", "SET", "maxmemory", "\(limit)", is: "+OK\r\n")
        XCTAssertTrue(waitUntil(10) { self.used(c) <= limit })
        XCTAssertGreaterThan(evicted(c), 0)
        // Every key without a TTL is still there; the soonest to expire went first.
        guard case .array(let keep?) = call(c, "KEYS", "keep:*") else { return XCTFail("KEYS") }
        XCTAssertEqual(keep.count, 10000)
        // The pool favours the soonest to expire: far more of the first thousand went than of
        // the last thousand.
        func gone(_ range: Range<Int>) -> Int {
            range.filter { int(c, "EXISTS", "temp:\($0)") == 0 }.count
        }
        let soon = gone(0..<1000), late = gone(9000..<10000)
        XCTAssertGreaterThan(soon, 2 * late + 100, "soon: \(soon) gone, late: \(late) gone")
    }

    func testEvictionsReachTheAOFAsDEL() throws {
        let dir = tempDir()
        let s = try startServer(["--appendonly", "yes", "--maxmemory-policy", "allkeys-random"], dir: dir)
        let c = try connect(s)
        for i in 0..<3000 { sendOnly(c, "SET", "key:\(i)", String(repeating: "v", count: 300)) }
        for _ in 0..<3000 { _ = nextReply(c) }
        let limit = used(c) - 512 * 1024
        expect(c, "CONFIG", "SET", "maxmemory", "\(limit)", is: "+OK\r\n")
        // The AOF buffer holds the DELs and does not count against the limit, as in Redis.
        XCTAssertTrue(waitUntil(10) { self.counted(c) <= limit })
        let left = dbsize(c)
        expect(c, "CONFIG", "SET", "maxmemory", "0", is: "+OK\r\n")
        let aof = try String(contentsOfFile: dir + "/appendonly.aof", encoding: .utf8)
        XCTAssertEqual(aof.components(separatedBy: "*2\r\n$3\r\nDEL\r\n").count - 1, evicted(c))
        // Replayed, the file has exactly the keys that were left.
        expect(c, "DEBUG", "LOADAOF", is: "+OK\r\n")
        XCTAssertEqual(dbsize(c), left)
    }

    // MARK: - The access clock

    func testIdletimeCountsFromTheLastUse() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "OBJECT", "IDLETIME", "k", is: ":0\r\n")
        Thread.sleep(forTimeInterval: 2.1)
        // Reads that are not uses leave the clock alone.
        _ = call(c, "TYPE", "k"); _ = call(c, "EXISTS", "k"); _ = call(c, "TTL", "k"); _ = call(c, "OBJECT", "ENCODING", "k")
        guard let idle = int(c, "OBJECT", "IDLETIME", "k") else { return XCTFail("IDLETIME") }
        XCTAssertGreaterThanOrEqual(idle, 1)
        XCTAssertTrue((call(c, "DEBUG", "OBJECT", "k").string ?? "").contains("lru_seconds_idle:\(idle)"))
        expect(c, "GET", "k", is: "$1\r\nv\r\n")
        expect(c, "OBJECT", "IDLETIME", "k", is: ":0\r\n")
        // TOUCH is a use without reading the value.
        expect(c, "SET", "t", "v", is: "+OK\r\n")
        Thread.sleep(forTimeInterval: 1.1)
        XCTAssertGreaterThanOrEqual(int(c, "OBJECT", "IDLETIME", "t") ?? 0, 1)
        expect(c, "TOUCH", "t", "nosuch", is: ":1\r\n")
        expect(c, "OBJECT", "IDLETIME", "t", is: ":0\r\n")
        expect(c, "OBJECT", "IDLETIME", "nosuch", is: "$-1\r\n")
        expect(c, "OBJECT", "FREQ", "k",
               is: "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n")
    }

    func testFreqUnderAnLFUPolicy() throws {
        let c = try connect(try startServer())
        expect(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", is: "+OK\r\n")
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        // A new key starts at 5; the first uses are counted for certain, later ones less often.
        expect(c, "OBJECT", "FREQ", "k", is: ":5\r\n")
        expect(c, "GET", "k", is: "$1\r\nv\r\n")
        expect(c, "OBJECT", "FREQ", "k", is: ":6\r\n")
        for _ in 0..<1000 { sendOnly(c, "GET", "k") }
        for _ in 0..<1000 { _ = nextReply(c) }
        guard let freq = int(c, "OBJECT", "FREQ", "k") else { return XCTFail("FREQ") }
        XCTAssertGreaterThan(freq, 6)
        XCTAssertLessThan(freq, 40, "the count grows logarithmically")
        expect(c, "OBJECT", "IDLETIME", "k",
               is: "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n")
    }

    func testRefcountAsRedisSharesSmallIntegers() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "n", "100", is: "+OK\r\n")
        expect(c, "SET", "s", "hello", is: "+OK\r\n")
        expect(c, "SET", "big", "10000", is: "+OK\r\n")
        expect(c, "OBJECT", "REFCOUNT", "n", is: ":2147483647\r\n")
        expect(c, "OBJECT", "REFCOUNT", "s", is: ":1\r\n")
        expect(c, "OBJECT", "REFCOUNT", "big", is: ":1\r\n")
        // An LRU policy with a limit needs every key's own clock: nothing is shared then.
        expect(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru", is: "+OK\r\n")
        expect(c, "CONFIG", "SET", "maxmemory", "1gb", is: "+OK\r\n")
        expect(c, "OBJECT", "REFCOUNT", "n", is: ":1\r\n")
    }
}
