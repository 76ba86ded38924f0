// INFO side by side with a real redis-server: the same sections, and in each the same field names
// in the same order, once the fields Redis 7.0 added since 6.2 are set aside. Values differ
// (pids, memory, times), so names are what is compared; the values that must agree are checked
// where they are deterministic (errorstats after the same failing commands).

import Foundation
import TestSupport
import XCTest

final class InfoSideBySideTests: InteropTestCase {
    /// Fields Redis 7.0 added to each section since 6.2 (genRedisInfoString in 7.0's server.c):
    /// functions and the eval VM, shard pub/sub, replication buffers, client eviction,
    /// async loading, reply-buffer resizing, and the per-command latency section.
    static let newIn70: [String: Set<String>] = [
        "Server": ["monotonic_clock"],
        "Memory": ["used_memory_vm_eval", "used_memory_scripts_eval", "number_of_functions", "number_of_libraries",
                   "used_memory_vm_functions", "used_memory_vm_total", "used_memory_vm_total_human",
                   "used_memory_functions", "mem_total_replication_buffers", "mem_cluster_links"],
        "Persistence": ["async_loading", "current_cow_peak", "rdb_saves", "rdb_last_load_keys_expired",
                        "rdb_last_load_keys_loaded", "aof_rewrites", "aof_rewrites_consecutive_failures"],
        "Stats": ["total_net_repl_input_bytes", "total_net_repl_output_bytes", "instantaneous_input_repl_kbps",
                  "instantaneous_output_repl_kbps", "evicted_clients", "total_eviction_exceeded_time",
                  "current_eviction_exceeded_time", "pubsubshard_channels", "total_active_defrag_time",
                  "current_active_defrag_time", "reply_buffer_shrinks", "reply_buffer_expands"],
    ]
    static let sectionsNewIn70: Set<String> = ["Latencystats"]
    /// Fields 7.0 dropped: its multi-part AOF has no rewrite buffer.
    static let goneIn70: Set<String> = ["aof_rewrite_buffer_length"]
    /// 7.0 moved the script fields of Memory among its new eval and function fields, so Memory is
    /// compared with 7.0 as a set, and its order with 6.2's own (genRedisInfoString in 6.2).
    static let memory62: [String] = [
        "used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human", "used_memory_peak",
        "used_memory_peak_human", "used_memory_peak_perc", "used_memory_overhead", "used_memory_startup",
        "used_memory_dataset", "used_memory_dataset_perc", "allocator_allocated", "allocator_active",
        "allocator_resident", "total_system_memory", "total_system_memory_human", "used_memory_lua",
        "used_memory_lua_human", "used_memory_scripts", "used_memory_scripts_human", "number_of_cached_scripts",
        "maxmemory", "maxmemory_human", "maxmemory_policy", "allocator_frag_ratio", "allocator_frag_bytes",
        "allocator_rss_ratio", "allocator_rss_bytes", "rss_overhead_ratio", "rss_overhead_bytes",
        "mem_fragmentation_ratio", "mem_fragmentation_bytes", "mem_not_counted_for_evict",
        "mem_replication_backlog", "mem_clients_slaves", "mem_clients_normal", "mem_aof_buffer", "mem_allocator",
        "active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects",
    ]
    /// Ours alone: the SwiftRedis version beside the Redis version it answers as.
    static let oursOnly: Set<String> = ["swiftredis_version"]

    /// Section title → field names, in order.
    func sections(_ c: RawClient, _ which: String) throws -> [(String, [String])] {
        guard let text = try c.call("INFO", which).string else { throw TestSupportError("INFO is not a bulk string") }
        var out: [(String, [String])] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# ") {
                out.append((String(line.dropFirst(2)), []))
            } else if let colon = line.firstIndex(of: ":"), !out.isEmpty {
                out[out.count - 1].1.append(String(line[..<colon]))
            }
        }
        return out
    }

    func testSameSectionsAndFieldsAsRealRedis() throws {
        let realPort = try startRealRedis(["--appendonly", "yes"])
        let dir = tempDir()
        let ours = try startServer(["--appendonly", "yes"], dir: dir)
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        // Something in the keyspace and in errorstats, so those sections have lines too.
        for c in [a, b] { _ = try c.call("SET", "k", "v"); _ = try c.call("LPUSH", "k", "x") }
        for which in ["default", "everything"] {
            let mine = try sections(a, which), theirs = try sections(b, which).filter { !Self.sectionsNewIn70.contains($0.0) }
            XCTAssertEqual(mine.map(\.0), theirs.map(\.0), "INFO \(which): section titles")
            for ((title, ours), (_, real)) in zip(mine, theirs) where title != "Commandstats" {
                let expected = real.filter { !(Self.newIn70[title] ?? []).contains($0) }
                let mineAs70 = ours.filter { !Self.oursOnly.contains($0) && !Self.goneIn70.contains($0) }
                if title == "Memory" {
                    XCTAssertEqual(Set(mineAs70), Set(expected), "INFO \(which), section Memory")
                    XCTAssertEqual(ours, Self.memory62, "INFO \(which): Memory in 6.2's order")
                } else {
                    XCTAssertEqual(mineAs70, expected, "INFO \(which), section \(title)")
                }
            }
        }
    }

    func testErrorstatsCountLikeRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        let failing: [[String]] = [["SET", "k"], ["SET", "k", "v"], ["LPUSH", "k", "x"], ["INCR", "k"],
                                   ["NOSUCHCOMMAND"], ["ZADD", "z", "x", "m"], ["HGET", "k", "f"]]
        for cmd in failing {
            _ = try a.call(cmd.map { Array($0.utf8) }); _ = try b.call(cmd.map { Array($0.utf8) })
        }
        XCTAssertEqual(try a.call("INFO", "errorstats").string, try b.call("INFO", "errorstats").string)
        XCTAssertEqual(try a.call("CONFIG", "RESETSTAT"), try b.call("CONFIG", "RESETSTAT"))
        XCTAssertEqual(try a.call("INFO", "errorstats").string, try b.call("INFO", "errorstats").string)
    }
}
