// INFO memory and DEBUG POPULATE, end to end. What a user relies on: that the figures move with
// what the server holds (keys make dataset and table overhead grow, a client's big query buffer
// shows in mem_clients_normal, FLUSHALL gives the tables back), that the peak remembers, and that
// the derived fields add up the way Redis computes them.
//
// Redis: genRedisInfoString, getMemoryOverheadData (src/server.c, src/object.c); the populate
// branch of debugCommand (src/debug.c)

import Foundation
import TestSupport
import XCTest

final class InfoMemoryTests: ServerTestCase {
    func mem(_ c: RawClient, _ field: String, file: StaticString = #filePath, line: UInt = #line) -> Int {
        guard let v = infoField(c, "memory", field), let n = Int(v) else {
            XCTFail("INFO memory has no integer \(field)", file: file, line: line); return -1
        }
        return n
    }

    /// One INFO memory: its text and its integer fields, all of the same moment.
    func snapshot(_ c: RawClient) -> (String, [String: Int]) {
        let text = call(c, "INFO", "memory").string ?? ""
        var f: [String: Int] = [:]
        for line in text.split(separator: "\r\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2, let n = Int(kv[1]) { f[String(kv[0])] = n }
        }
        return (text, f)
    }

    func testDatasetAndOverheadFollowTheKeys() throws {
        let c = try connect(try startServer())
        let startup = mem(c, "used_memory_startup")
        let overhead0 = mem(c, "used_memory_overhead"), dataset0 = mem(c, "used_memory_dataset")
        XCTAssertGreaterThan(startup, 0)
        XCTAssertGreaterThanOrEqual(overhead0, startup, "the overhead includes the startup heap")

        // 50,000 keys with 100-byte values: at least 5 MB of data, and tables to hold them.
        expect(c, "DEBUG", "POPULATE", "50000", "key", "100", is: "+OK\r\n")
        // One INFO, so that the three figures are of the same moment.
        let (text, f) = snapshot(c)
        let used = f["used_memory"] ?? -1, overhead = f["used_memory_overhead"] ?? -1
        let dataset = f["used_memory_dataset"] ?? -1
        XCTAssertGreaterThan(dataset - dataset0, 5_000_000)
        XCTAssertGreaterThan(overhead - overhead0, 50_000 * 4, "each key costs at least its bucket")
        XCTAssertEqual(dataset, used - overhead, "dataset is what is in use beyond the overhead")
        let perc = Double(dataset) * 100 / Double(used - startup)
        XCTAssertTrue(text.contains("\r\nused_memory_dataset_perc:" + String(format: "%.2f%%", perc) + "\r\n"), text)

        // FLUSHALL gives the tables back: the overhead falls to where it started (clients aside).
        expect(c, "FLUSHALL", is: "+OK\r\n")
        XCTAssertLessThan(mem(c, "used_memory_overhead"), overhead0 + 64 * 1024)
    }

    func testPeakRemembersTheHighestUse() throws {
        let c = try connect(try startServer())
        expect(c, "DEBUG", "POPULATE", "30000", "key", "200", is: "+OK\r\n")
        let high = mem(c, "used_memory")
        expect(c, "FLUSHALL", is: "+OK\r\n")
        let (text, f) = snapshot(c)
        let used = f["used_memory"] ?? -1, peak = f["used_memory_peak"] ?? -1
        XCTAssertGreaterThanOrEqual(peak, high)
        XCTAssertLessThan(used, peak)
        let perc = String(format: "%.2f%%", Double(used) * 100 / Double(peak))
        XCTAssertTrue(text.contains("\r\nused_memory_peak_perc:\(perc)\r\n"), text)
        // CONFIG RESETSTAT leaves the peak alone, as in Redis.
        expect(c, "CONFIG", "RESETSTAT", is: "+OK\r\n")
        XCTAssertGreaterThanOrEqual(mem(c, "used_memory_peak"), high)
    }

    func testAClientsQueryBufferCountsInMemClientsNormal() throws {
        let s = try startServer()
        let c = try connect(s), big = try connect(s)
        let before = mem(c, "mem_clients_normal")
        // Half of a 2 MB argument: the server must keep it all in the client's query buffer.
        big.send(raw: "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n" + String(repeating: "x", count: 1_000_000))
        XCTAssertTrue(waitUntil(5) { self.mem(c, "mem_clients_normal") > before + 1_000_000 },
                      "mem_clients_normal did not grow by the buffered megabyte")
        // The same bytes show in that client's tot-mem in CLIENT LIST.
        guard let list = call(c, "CLIENT", "LIST").string else { return XCTFail("CLIENT LIST") }
        let totals = list.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("tot-mem=") }.flatMap { Int($0.dropFirst(8)) }
        }
        XCTAssertTrue(totals.contains { $0 > 1_000_000 }, list)
    }

    func testAllocatorFieldsAsRedisWithLibc() throws {
        let c = try connect(try startServer())
        // glibc's malloc reports nothing of its own, so Redis (and we) take allocated from
        // used_memory and active and resident from the RSS.
        // One INFO: the RSS may grow by a page between two.
        let (text, f) = snapshot(c)
        XCTAssertTrue(text.contains("\r\nmem_allocator:libc\r\n"))
        let rss = f["used_memory_rss"] ?? -1
        XCTAssertEqual(f["allocator_resident"], rss)
        XCTAssertEqual(f["allocator_active"], rss)
        XCTAssertTrue(text.contains("\r\nallocator_rss_ratio:1.00\r\n"))
        XCTAssertGreaterThan(f["total_system_memory"] ?? 0, 0)
        XCTAssertEqual(f["mem_not_counted_for_evict"], f["mem_aof_buffer"])
    }

    // MARK: - DEBUG POPULATE

    func testPopulateMakesNamedKeysAndLeavesExistingOnes() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "key:1", "mine", is: "+OK\r\n")
        expect(c, "DEBUG", "POPULATE", "3", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":3\r\n")
        expect(c, "GET", "key:0", is: "$7\r\nvalue:0\r\n")
        expect(c, "GET", "key:1", is: "$4\r\nmine\r\n")
        expect(c, "DEBUG", "POPULATE", "2", "p", "3", is: "+OK\r\n")
        expect(c, "GET", "p:1", is: "$3\r\nval\r\n")
        expect(c, "DEBUG", "POPULATE", "2", "q", "10", is: "+OK\r\n")
        expect(c, "GET", "q:1", is: "$10\r\nvalue:1\0\0\0\r\n")
        expect(c, "DEBUG", "POPULATE", "-1", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "DEBUG", "POPULATE", "x", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "DEBUG", "POPULATE", "1", "p", "-2", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "DEBUG", "POPULATE", "1", "p", "1", "2",
               is: "-ERR Unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n")
    }

    func testPopulateIsNotWrittenToTheAOF() throws {
        let c = try connect(try startServer(["--appendonly", "yes"], dir: tempDir()))
        expect(c, "SET", "kept", "1", is: "+OK\r\n")
        expect(c, "DEBUG", "POPULATE", "10", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":11\r\n")
        // Like Redis, POPULATE leaves the dataset clean: a reload of the AOF has only what was
        // written by commands.
        expect(c, "DEBUG", "LOADAOF", is: "+OK\r\n")
        expect(c, "DBSIZE", is: ":1\r\n")
    }
}
