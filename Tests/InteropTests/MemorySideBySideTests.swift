// MEMORY side by side with a real redis-server: the replies that do not depend on how much
// memory each server uses (errors, missing keys, HELP), byte for byte, and the names of MEMORY
// STATS's fields, once 7.0's additions are set aside.

import Foundation
import TestSupport
import XCTest

final class MemorySideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        ["MEMORY", "USAGE", "nosuch"], ["SET", "k", "v"], ["MEMORY", "USAGE", "k", "SAMPLES"],
        ["MEMORY", "USAGE", "k", "SAMPLES", "-1"], ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
        ["MEMORY", "USAGE", "k", "FOO", "1"], ["MEMORY", "USAGE", "nosuch", "SAMPLES", "0"],
        ["MEMORY", "PURGE"], ["MEMORY", "HELP"], ["MEMORY"],
    ]
    /// Fields 7.0 added to MEMORY STATS: cluster links, function caches, cluster slot tables.
    static let statsNewIn70: Set<String> = ["cluster.links", "functions.caches", "overhead.hashtable.slot-to-keys"]

    func testSameMemoryRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(MemorySideBySideTests.commands, ours: a, redis: b)
    }

    func testSameStatsFieldsAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for c in [a, b] {
            _ = try c.call("SET", "k", "v"); _ = try c.call("SELECT", "2"); _ = try c.call("SET", "k", "v")
            _ = try c.call("HELLO", "3")
        }
        func names(_ v: RESPValue) -> [String] {
            guard case .map(let items) = v else { return [] }
            var out: [String] = []
            for pair in stride(from: 0, to: items.count - 1, by: 2) {
                let name = items[pair].string ?? "?"
                if Self.statsNewIn70.contains(name) { continue }
                out.append(name)
                out += names(items[pair + 1]).map { name + "/" + $0 }
            }
            return out
        }
        let mine = names(try a.call("MEMORY", "STATS")), theirs = names(try b.call("MEMORY", "STATS"))
        XCTAssertFalse(mine.isEmpty, "MEMORY STATS is not a map in RESP3")
        XCTAssertEqual(mine, theirs)
    }
}
