// Keyspace commands on a fake client with a hand-driven clock: expiry (lazy and active), TTLs,
// the argv rewrites that make propagation deterministic, KEEPTTL, and `dirty`.
//
// Redis: src/db.c, src/expire.c, src/t_string.c

import Foundation
import XCTest
@testable import RedisKeyspace
import RedisRESP
import RedisEventLoop
import RedisCore

/// A keyspace, its command table and a fake client, driven the way the server's call() does.
final class KeyspaceHarness {
    let clock = Clock()
    let ks: Keyspace
    let table = CommandTable()
    let loop = EventLoop(setSize: 64, poller: PollPoller(), tracer: Tracer())
    let net: Networking
    let client: Client
    /// What the keyspace propagated by itself (expired keys).
    var propagated: [(db: Int, argv: [ByteString])] = []

    init(nowMs: Int64 = 1_000_000) {
        clock.manualMs = nowMs
        ks = Keyspace(databases: 16, clock: clock, tracer: Tracer(), logger: Logger())
        ks.registerCommands(table)
        net = Networking(loop: loop, config: Config(), tracer: Tracer(), logger: Logger(), clock: clock)
        client = net.makeFakeClient()
        ks.propagate = { [unowned self] db, argv in self.propagated.append((db, argv)) }
    }

    /// Moves the hand-driven clock.
    func advance(ms: Int64) { clock.manualMs! += ms }

    /// Runs one command and returns its reply bytes as text. `client.argv` afterwards holds what
    /// would be propagated.
    @discardableResult
    func run(_ args: String...) -> String { run(args.map { ByteString($0) }) }

    @discardableResult
    func run(_ args: [ByteString]) -> String {
        client.argv = args
        ks.nowMs = clock.mstime()  // as call() does: one instant per command
        guard let cmd = table.lookup(args[0]) else { return "<unknown command>" }
        XCTAssertTrue(cmd.acceptsArgumentCount(args.count), "arity of \(cmd.name)")
        cmd.proc(client)
        let out = String(decoding: client.pendingOutput, as: UTF8.self)
        client.discardOutput()
        return out
    }

    var db0: Database { ks.dbs[0] }
}

final class ExpiryCommandTests: XCTestCase {
    func testSetEXThenLazyExpiry() {
        let h = KeyspaceHarness()
        XCTAssertEqual(h.run("SET", "k", "v", "EX", "100"), "+OK\r\n")
        XCTAssertEqual(h.ks.expireTime(h.db0, "k"), 1_100_000)
        XCTAssertEqual(h.run("GET", "k"), "$1\r\nv\r\n")
        h.advance(ms: 99_999)
        XCTAssertEqual(h.run("GET", "k"), "$1\r\nv\r\n", "1 ms left")
        XCTAssertTrue(h.propagated.isEmpty)
        h.advance(ms: 2)
        XCTAssertEqual(h.run("GET", "k"), "$-1\r\n")
        XCTAssertEqual(h.db0.count, 0)
        XCTAssertEqual(h.db0.expires.count, 0)
        XCTAssertEqual(h.ks.stats.expiredKeys, 1)
        XCTAssertEqual(h.propagated.count, 1)
        XCTAssertEqual(h.propagated.first?.db, 0)
        XCTAssertEqual(h.propagated.first?.argv, ["DEL", "k"])
    }

    func testKeyIsStillThereAtItsExactExpiryMillisecond() {
        // Redis 6.2 considers a key expired only when now > when (keyIsExpired in db.c;
        // activeExpireCycleTryExpire in expire.c uses the same `now > t`), so at the exact
        // millisecond of its expiry time the key still exists and PTTL answers 0.
        let h = KeyspaceHarness()
        h.run("SET", "k", "v", "PX", "100")
        h.advance(ms: 100)
        XCTAssertEqual(h.run("PTTL", "k"), ":0\r\n")
        XCTAssertEqual(h.run("KEYS", "*"), "*1\r\n$1\r\nk\r\n")
        XCTAssertEqual(h.run("GET", "k"), "$1\r\nv\r\n")
        var state = ActiveExpireState()
        h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
        XCTAssertEqual(h.db0.count, 1, "the active cycle must not delete it either")
        h.advance(ms: 1)
        XCTAssertEqual(h.run("GET", "k"), "$-1\r\n")
    }

    func testTTLAndPTTLValues() {
        let h = KeyspaceHarness()
        XCTAssertEqual(h.run("TTL", "missing"), ":-2\r\n")
        XCTAssertEqual(h.run("PTTL", "missing"), ":-2\r\n")
        h.run("SET", "plain", "v")
        XCTAssertEqual(h.run("TTL", "plain"), ":-1\r\n")
        XCTAssertEqual(h.run("PTTL", "plain"), ":-1\r\n")
        h.run("SET", "k", "v", "EX", "100")
        XCTAssertEqual(h.run("TTL", "k"), ":100\r\n")
        XCTAssertEqual(h.run("PTTL", "k"), ":100000\r\n")
        h.advance(ms: 40_400)
        XCTAssertEqual(h.run("PTTL", "k"), ":59600\r\n")
        XCTAssertEqual(h.run("TTL", "k"), ":60\r\n", "rounded to the nearest second: (59600+500)/1000")
        h.advance(ms: 200)
        XCTAssertEqual(h.run("TTL", "k"), ":59\r\n", "(59400+500)/1000")
        h.run("PSETEX", "p", "1500", "v")
        XCTAssertEqual(h.run("TTL", "p"), ":2\r\n", "1.5 s rounds up")
        h.run("SETEX", "s", "7", "v")
        XCTAssertEqual(h.run("PTTL", "s"), ":7000\r\n")
    }

    func testExpireWithPastTimeDeletesAndRewritesToDel() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v")
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("EXPIRE", "k", "-1"), ":1\r\n")
        XCTAssertEqual(h.client.argv, ["DEL", "k"])
        XCTAssertEqual(h.db0.count, 0)
        XCTAssertEqual(h.ks.dirty, dirty + 1)
        XCTAssertTrue(h.propagated.isEmpty, "not an expiry: the command itself propagates as DEL")

        h.run("SET", "k", "v")
        XCTAssertEqual(h.run("EXPIREAT", "k", "999"), ":1\r\n", "999 s = 999000 ms, before now")
        XCTAssertEqual(h.client.argv, ["DEL", "k"])
        h.run("SET", "k", "v")
        XCTAssertEqual(h.run("PEXPIREAT", "k", "1000000"), ":1\r\n", "exactly now counts as past")
        XCTAssertEqual(h.client.argv, ["DEL", "k"])
        XCTAssertEqual(h.db0.count, 0)
    }

    func testExpireRewritesToAbsolutePexpireat() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v")
        XCTAssertEqual(h.run("EXPIRE", "k", "100"), ":1\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "1100000"])
        XCTAssertEqual(h.run("PEXPIRE", "k", "500"), ":1\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "1000500"])
        XCTAssertEqual(h.run("EXPIREAT", "k", "2000"), ":1\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "2000000"])
        XCTAssertEqual(h.run("PEXPIREAT", "k", "3000000"), ":1\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "3000000"])
        XCTAssertEqual(h.run("PTTL", "k"), ":2000000\r\n")
        // Lower-case command names propagate the same way.
        XCTAssertEqual(h.run("expire", "k", "1"), ":1\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "1001000"])
    }

    func testExpireErrorsAndMissingKey() {
        let h = KeyspaceHarness()
        XCTAssertEqual(h.run("EXPIRE", "nokey", "10"), ":0\r\n")
        XCTAssertEqual(h.client.argv, ["EXPIRE", "nokey", "10"], "nothing to rewrite")
        h.run("SET", "k", "v")
        XCTAssertEqual(h.run("EXPIRE", "k", "abc"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.run("EXPIRE", "k", "9223372036854775807"), "-ERR invalid expire time in expire\r\n")
        XCTAssertEqual(h.run("PEXPIRE", "k", "9223372036854775807"), "-ERR invalid expire time in pexpire\r\n")
        XCTAssertEqual(h.run("TTL", "k"), ":-1\r\n")
        XCTAssertEqual(h.run("SET", "k", "v", "EX", "0"), "-ERR invalid expire time in set\r\n")
        XCTAssertEqual(h.run("SET", "k", "v", "EX", "-5"), "-ERR invalid expire time in set\r\n")
        XCTAssertEqual(h.run("SETEX", "k", "0", "v"), "-ERR invalid expire time in setex\r\n")
    }

    func testGetexRewrites() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v")
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("GETEX", "k"), "$1\r\nv\r\n")
        XCTAssertEqual(h.client.argv, ["GETEX", "k"], "no option: nothing to rewrite")
        XCTAssertEqual(h.ks.dirty, dirty)

        XCTAssertEqual(h.run("GETEX", "k", "EX", "10"), "$1\r\nv\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "1010000"])
        XCTAssertEqual(h.run("TTL", "k"), ":10\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 1)

        XCTAssertEqual(h.run("GETEX", "k", "PX", "2500"), "$1\r\nv\r\n")
        XCTAssertEqual(h.client.argv, ["PEXPIREAT", "k", "1002500"])

        XCTAssertEqual(h.run("GETEX", "k", "PERSIST"), "$1\r\nv\r\n")
        XCTAssertEqual(h.client.argv, ["PERSIST", "k"])
        XCTAssertEqual(h.run("TTL", "k"), ":-1\r\n")

        XCTAssertEqual(h.run("GETEX", "k", "PXAT", "999999"), "$1\r\nv\r\n", "replies first, then deletes")
        XCTAssertEqual(h.client.argv, ["DEL", "k"])
        XCTAssertEqual(h.db0.count, 0)

        XCTAssertEqual(h.run("GETEX", "nokey", "EX", "10"), "$-1\r\n")
        h.run("SET", "k", "v")
        XCTAssertEqual(h.run("GETEX", "k", "EX", "10", "PERSIST"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.run("GETEX", "k", "KEEPTTL"), "-ERR syntax error\r\n")
    }

    func testIncrbyfloatRewritesToSetKeepttl() {
        let h = KeyspaceHarness()
        h.run("SET", "f", "10.5", "EX", "100")
        XCTAssertEqual(h.run("INCRBYFLOAT", "f", "0.1"), "$4\r\n10.6\r\n")
        XCTAssertEqual(h.client.argv, ["SET", "f", "10.6", "KEEPTTL"])
        XCTAssertEqual(h.run("TTL", "f"), ":100\r\n", "INCRBYFLOAT keeps the TTL")
        XCTAssertEqual(h.run("INCRBYFLOAT", "new", "5.0e3"), "$4\r\n5000\r\n")
        XCTAssertEqual(h.client.argv, ["SET", "new", "5000", "KEEPTTL"])
        XCTAssertEqual(h.run("INCRBYFLOAT", "f", "abc"), "-ERR value is not a valid float\r\n")
    }

    func testKeepTTL() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v1", "EX", "100")
        XCTAssertEqual(h.run("SET", "k", "v2", "KEEPTTL"), "+OK\r\n")
        XCTAssertEqual(h.run("TTL", "k"), ":100\r\n")
        XCTAssertEqual(h.run("GET", "k"), "$2\r\nv2\r\n")
        XCTAssertEqual(h.run("SET", "k", "v3"), "+OK\r\n")
        XCTAssertEqual(h.run("TTL", "k"), ":-1\r\n", "a plain SET drops the TTL")
        XCTAssertEqual(h.run("SET", "k", "v", "KEEPTTL", "EX", "10"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.run("SET", "k", "v", "PX", "10", "KEEPTTL"), "-ERR syntax error\r\n")
    }

    func testIncrKeepsTTLSetDropsIt() {
        let h = KeyspaceHarness()
        h.run("SET", "n", "10", "EX", "100")
        XCTAssertEqual(h.run("INCR", "n"), ":11\r\n")
        XCTAssertEqual(h.run("INCRBY", "n", "5"), ":16\r\n")
        XCTAssertEqual(h.run("DECR", "n"), ":15\r\n")
        XCTAssertEqual(h.run("TTL", "n"), ":100\r\n")
        XCTAssertEqual(h.run("APPEND", "n", "0"), ":3\r\n")
        XCTAssertEqual(h.run("SETRANGE", "n", "0", "2"), ":3\r\n")
        XCTAssertEqual(h.run("GET", "n"), "$3\r\n250\r\n")
        XCTAssertEqual(h.run("TTL", "n"), ":100\r\n", "APPEND and SETRANGE keep it too")
        XCTAssertEqual(h.run("SET", "n", "5"), "+OK\r\n")
        XCTAssertEqual(h.run("TTL", "n"), ":-1\r\n")
        h.run("SET", "g", "1", "EX", "100")
        XCTAssertEqual(h.run("GETSET", "g", "2"), "$1\r\n1\r\n")
        XCTAssertEqual(h.run("TTL", "g"), ":-1\r\n", "GETSET replaces the key: TTL dropped")
    }

    func testIncrOnExpiredKeyStartsFromZero() {
        let h = KeyspaceHarness()
        h.run("SET", "n", "41", "PX", "10")
        h.advance(ms: 11)
        XCTAssertEqual(h.run("INCR", "n"), ":1\r\n")
        XCTAssertEqual(h.run("TTL", "n"), ":-1\r\n")
        XCTAssertEqual(h.propagated.map(\.argv), [["DEL", "n"]])
    }

    func testPropagateReceivesDelForEachLazilyExpiredKey() {
        let h = KeyspaceHarness()
        h.run("SET", "a", "1", "PX", "10")
        h.run("SET", "b", "2", "PX", "10")
        h.run("SET", "c", "3")
        h.run("SELECT", "5")
        h.run("SET", "d", "4", "PX", "10")
        h.advance(ms: 20)
        XCTAssertEqual(h.run("EXISTS", "d"), ":0\r\n")
        h.run("SELECT", "0")
        XCTAssertEqual(h.run("MGET", "a", "b", "c"), "*3\r\n$-1\r\n$-1\r\n$1\r\n3\r\n")
        XCTAssertEqual(h.propagated.map(\.db), [5, 0, 0])
        XCTAssertEqual(h.propagated.map(\.argv), [["DEL", "d"], ["DEL", "a"], ["DEL", "b"]])
        XCTAssertEqual(h.ks.stats.expiredKeys, 3)
        // A second look does not propagate again.
        XCTAssertEqual(h.run("GET", "a"), "$-1\r\n")
        XCTAssertEqual(h.propagated.count, 3)
    }

    func testNothingExpiresWhileLoading() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v", "PX", "10")
        h.advance(ms: 20)
        h.ks.loading = true
        XCTAssertEqual(h.run("GET", "k"), "$1\r\nv\r\n")
        h.ks.loading = false
        XCTAssertEqual(h.run("GET", "k"), "$-1\r\n")
    }

    func testPersist() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v", "EX", "100")
        let dirty = h.ks.dirty
        XCTAssertEqual(h.run("PERSIST", "k"), ":1\r\n")
        XCTAssertEqual(h.run("TTL", "k"), ":-1\r\n")
        XCTAssertEqual(h.run("PERSIST", "k"), ":0\r\n")
        XCTAssertEqual(h.run("PERSIST", "nokey"), ":0\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 1)
    }

    func testActiveExpireCycleDeletesExpiredKeys() {
        let h = KeyspaceHarness()
        for i in 0..<200 { h.run("SET", "vol:\(i)", "x", "PX", "100") }
        for i in 0..<10 { h.run("SET", "plain:\(i)", "x") }
        h.run("SELECT", "3")
        for i in 0..<50 { h.run("SET", "long:\(i)", "x", "EX", "1000") }
        h.run("SELECT", "0")
        XCTAssertEqual(h.db0.expires.count, 200)

        var state = ActiveExpireState()
        // The cycle reads the clock itself (clock.mstime()), not ks.nowMs.
        h.advance(ms: 150)
        h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
        XCTAssertEqual(h.db0.expires.count, 0)
        XCTAssertEqual(h.db0.count, 10, "only the keys without a TTL are left")
        XCTAssertEqual(h.ks.dbs[3].count, 50, "keys not yet due stay")
        XCTAssertEqual(h.ks.stats.expiredKeys, 200)
        XCTAssertEqual(h.propagated.count, 200)
        XCTAssertTrue(h.propagated.allSatisfy { $0.db == 0 && $0.argv.count == 2 && $0.argv[0] == "DEL" })
        XCTAssertEqual(Set(h.propagated.map { $0.argv[1] }), Set((0..<200).map { ByteString("vol:\($0)") }))
        XCTAssertGreaterThan(h.ks.dbs[3].avgTTL, 0, "the average TTL estimate of db3 was updated")
    }

    func testActiveExpireCycleKeepsKeysNotYetDue() {
        let h = KeyspaceHarness()
        for i in 0..<100 { h.run("SET", "vol:\(i)", "x", "PX", "100") }
        h.advance(ms: 100)  // due at the end of this millisecond, not yet expired
        var state = ActiveExpireState()
        h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
        XCTAssertEqual(h.db0.count, 100)
        XCTAssertTrue(h.propagated.isEmpty)
        XCTAssertEqual(h.ks.stats.expiredKeys, 0)
    }

    func testActiveExpireCycleGoesOnAfterASampleFindsNoKeys() throws {
        // Redis 6.2's activeExpireCycle (src/expire.c) repeats its sampling loop while
        // `sampled == 0 || expired*100/sampled > acceptable_stale`: a round that finds no key
        // (the cursor is in an empty stretch of the table) is tried again from where the cursor
        // is now, so the cycle goes on past the wrap and reaches the keys behind the cursor.
        // Guards that: 20 volatile keys, one cycle that samples all 20 and leaves the cursor past
        // them but not at 0; then all 20 expire and the next cycle removes every one.
        // Every table of a process hashes with the same seed (as in Redis), so each try takes
        // other key names to get another layout.
        for attempt in 0..<100 {
            let h = KeyspaceHarness()
            for i in 0..<20 { h.run("SET", "vol:\(attempt):\(i)", "x", "PX", "1000") }
            while h.db0.expires.rehash(100) {}
            var state = ActiveExpireState()
            h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
            XCTAssertEqual(h.db0.count, 20)
            // Only the layouts where the cursor stopped past the last key, not at 0, show it.
            guard h.db0.expiresCursor != 0 else { continue }
            h.advance(ms: 2000)
            h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
            XCTAssertEqual(h.db0.expires.count, 0, "every key had expired; Redis removes them all in this cycle")
            XCTAssertEqual(h.ks.stats.expiredKeys, 20)
            return
        }
        XCTFail("no table layout left the cursor mid-table in 100 tries")
    }

    func testActiveExpireDisabled() {
        let h = KeyspaceHarness()
        h.run("SET", "k", "v", "PX", "1")
        h.advance(ms: 10)
        h.ks.activeExpireEnabled = false
        var state = ActiveExpireState()
        h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
        XCTAssertEqual(h.db0.count, 1)
        h.ks.activeExpireEnabled = true
        h.ks.activeExpireCycle(fast: false, hz: 10, state: &state)
        XCTAssertEqual(h.db0.count, 0)
    }

    func testKeysSkipsExpiredKeysWithoutDeletingThem() {
        let h = KeyspaceHarness()
        h.run("SET", "gone", "v", "PX", "5")
        h.run("SET", "here", "v")
        h.advance(ms: 10)
        XCTAssertEqual(h.run("KEYS", "*"), "*1\r\n$4\r\nhere\r\n")
        XCTAssertEqual(h.run("KEYS", "g*"), "*0\r\n")
        XCTAssertEqual(h.db0.count, 2, "KEYS only hides them (keyIsExpired), as Redis does")
        XCTAssertTrue(h.propagated.isEmpty)
    }

    func testScanReturnsEveryKeyAndDropsExpiredOnes() {
        let h = KeyspaceHarness()
        for i in 0..<300 { h.run("SET", "k:\(i)", "v") }
        h.run("SET", "old", "v", "PX", "5")
        h.advance(ms: 10)
        var seen = Set<String>()
        var cursor = "0"
        var calls = 0
        repeat {
            let reply = h.run("SCAN", cursor, "COUNT", "25")
            // *2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n($<len>\r\n<key>\r\n)*
            let parts = reply.components(separatedBy: "\r\n")
            XCTAssertEqual(parts[0], "*2")
            cursor = parts[2]
            let m = Int(parts[3].dropFirst())!
            for j in 0..<m { seen.insert(parts[5 + 2 * j]) }
            calls += 1
        } while cursor != "0" && calls < 1000
        XCTAssertEqual(cursor, "0")
        XCTAssertEqual(seen, Set((0..<300).map { "k:\($0)" }))
        XCTAssertGreaterThan(calls, 5, "COUNT 25 takes several calls for 300 keys")
        XCTAssertEqual(h.propagated.map(\.argv), [["DEL", "old"]], "the expired key was deleted on the way")
        XCTAssertEqual(h.run("SCAN", "abc"), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.run("SCAN", "0", "COUNT", "0"), "-ERR syntax error\r\n")
    }

    func testRenameMovesTheTTL() {
        let h = KeyspaceHarness()
        h.run("SET", "a", "v", "EX", "50")
        XCTAssertEqual(h.run("RENAME", "a", "b"), "+OK\r\n")
        XCTAssertEqual(h.run("TTL", "b"), ":50\r\n")
        XCTAssertEqual(h.run("TTL", "a"), ":-2\r\n")
        XCTAssertEqual(h.run("RENAME", "nokey", "x"), "-ERR no such key\r\n")
    }
}

final class DirtyCounterTests: XCTestCase {
    /// Runs the command and returns how much it moved `dirty`.
    private func delta(_ h: KeyspaceHarness, _ args: String...) -> Int64 {
        let before = h.ks.dirty
        h.run(args.map { ByteString($0) })
        return h.ks.dirty - before
    }

    func testDirtyCountsOnlyChanges() {
        let h = KeyspaceHarness()
        XCTAssertEqual(delta(h, "GET", "k"), 0)
        XCTAssertEqual(delta(h, "SET", "k", "v"), 1)
        XCTAssertEqual(delta(h, "GET", "k"), 0)
        XCTAssertEqual(delta(h, "SET", "k", "w", "NX"), 0, "NX on an existing key changes nothing")
        XCTAssertEqual(delta(h, "SET", "other", "w", "XX"), 0)
        XCTAssertEqual(delta(h, "SETNX", "k", "w"), 0)
        XCTAssertEqual(delta(h, "SETNX", "k2", "w"), 1)
        XCTAssertEqual(delta(h, "DEL", "missing"), 0)
        XCTAssertEqual(delta(h, "DEL", "k2", "missing"), 1)
        XCTAssertEqual(delta(h, "EXISTS", "k"), 0)
        XCTAssertEqual(delta(h, "TTL", "k"), 0)
        XCTAssertEqual(delta(h, "EXPIRE", "missing", "10"), 0)
        XCTAssertEqual(delta(h, "EXPIRE", "k", "10"), 1)
        XCTAssertEqual(delta(h, "PERSIST", "k"), 1)
        XCTAssertEqual(delta(h, "PERSIST", "k"), 0)
        XCTAssertEqual(delta(h, "INCR", "n"), 1)
        XCTAssertEqual(delta(h, "INCR", "k"), 0, "an error changes nothing")
        XCTAssertEqual(delta(h, "APPEND", "k", "x"), 1)
        XCTAssertEqual(delta(h, "SETRANGE", "k", "0", ""), 0, "an empty SETRANGE changes nothing")
        XCTAssertEqual(delta(h, "MSET", "a", "1", "b", "2"), 2)
        XCTAssertEqual(delta(h, "MSETNX", "a", "1", "c", "2"), 0)
        XCTAssertEqual(delta(h, "GETDEL", "missing"), 0)
        XCTAssertEqual(delta(h, "GETDEL", "a"), 1)
        XCTAssertEqual(delta(h, "RENAME", "b", "bb"), 1)
        XCTAssertEqual(delta(h, "STRLEN", "k"), 0)
        XCTAssertEqual(delta(h, "SET", "k", "v", "EX", "0"), 0, "a rejected SET changes nothing")
    }

    func testLazyExpiryIsNotADirtyChange() {
        // Redis 6.2 does not count expirations in server.dirty (expireIfNeeded and the active
        // cycle delete without server.dirty++); the DEL they propagate is written regardless.
        let h = KeyspaceHarness()
        h.run("SET", "k", "v", "PX", "10")
        h.advance(ms: 20)
        XCTAssertEqual(delta(h, "GET", "k"), 0)
        XCTAssertEqual(h.propagated.count, 1)
    }

    func testFlushCountsRemovedKeys() {
        let h = KeyspaceHarness()
        h.run("MSET", "a", "1", "b", "2", "c", "3")
        XCTAssertEqual(delta(h, "FLUSHDB"), 3)
        XCTAssertEqual(h.db0.count, 0)
    }
}

final class CommandTableTests: XCTestCase {
    func testLookupIgnoresCaseAndArity() {
        let h = KeyspaceHarness()
        XCTAssertEqual(h.table.lookup("GET")?.name, "get")
        XCTAssertEqual(h.table.lookup("gEt")?.name, "get")
        XCTAssertNil(h.table.lookup("nosuchcommand"))
        let set = h.table.lookup("set")!
        XCTAssertEqual(set.arity, -3)
        XCTAssertTrue(set.acceptsArgumentCount(3))
        XCTAssertTrue(set.acceptsArgumentCount(5))
        XCTAssertFalse(set.acceptsArgumentCount(2))
        let get = h.table.lookup("get")!
        XCTAssertTrue(get.acceptsArgumentCount(2))
        XCTAssertFalse(get.acceptsArgumentCount(3))
        XCTAssertEqual(set.flags, [.write, .denyOOM])
        XCTAssertEqual(set.categories, ["@write", "@string", "@slow"], "in the order of Redis's ACLCommandCategories")
        XCTAssertEqual(h.table.lookup("get")!.categories, ["@read", "@string", "@fast"])
        XCTAssertEqual(h.table.lookup("mset")!.keyPositions(argc: 7), [1, 3, 5])
        XCTAssertEqual(h.table.lookup("del")!.keyPositions(argc: 4), [1, 2, 3])
        XCTAssertEqual(h.table.lookup("keys")!.keyPositions(argc: 2), [])
    }
}
