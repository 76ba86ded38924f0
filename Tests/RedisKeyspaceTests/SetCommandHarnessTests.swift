// The set commands on a fake client, without sockets: RESP3 replies (a set `~` where Redis 6.2
// replies a set, an array where it replies an array), what SPOP leaves to propagate (the
// rewritten argv, or the alsoPropagate queue), `dirty`, and keyModified for every change.

import XCTest
@testable import RedisKeyspace
import RedisCore

final class SetCommandHarnessTests: XCTestCase {
    func testResp3RepliesSetsWhereRedisRepliesSets() {
        let h = KeyspaceHarness()
        h.client.resp = 3
        XCTAssertEqual(h.run("SADD", "s", "2", "1"), ":2\r\n")
        XCTAssertEqual(h.run("SMEMBERS", "s"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(h.run("SINTER", "s", "s"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(h.run("SUNION", "s", "nosuch"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(h.run("SDIFF", "s", "s"), "~0\r\n")
        XCTAssertEqual(h.run("SMEMBERS", "nosuch"), "~0\r\n")
        XCTAssertEqual(h.run("SPOP", "nosuch", "1"), "~0\r\n")
        XCTAssertEqual(h.run("SPOP", "nosuch"), "_\r\n")
        XCTAssertEqual(h.run("SRANDMEMBER", "nosuch"), "_\r\n")
        // SRANDMEMBER with a count is an array even in RESP3: a negative count repeats members.
        XCTAssertEqual(h.run("SRANDMEMBER", "s", "5"), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(h.run("SRANDMEMBER", "nosuch", "5"), "*0\r\n")
        XCTAssertTrue(h.run("SRANDMEMBER", "s", "-3").hasPrefix("*3\r\n"))
        XCTAssertEqual(h.run("SMISMEMBER", "s", "1", "3"), "*2\r\n:1\r\n:0\r\n")
        XCTAssertEqual(h.run("SPOP", "s", "9"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        XCTAssertEqual(h.run("SSCAN", "nosuch", "0"), "*2\r\n$1\r\n0\r\n*0\r\n")
    }

    func testSpopLeavesWhatItDidToPropagate() {
        let h = KeyspaceHarness()
        var modified: [ByteString] = []
        h.ks.keyModified = { _, key in modified.append(key) }
        h.run("SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
        XCTAssertEqual(modified, ["s"])
        let dirty = h.ks.dirty
        let reply = h.run("SPOP", "s")
        XCTAssertEqual(h.client.argv.count, 3)
        XCTAssertEqual(h.client.argv[0], "SREM")
        XCTAssertEqual(h.client.argv[1], "s")
        XCTAssertEqual(reply, "$1\r\n\(h.client.argv[2].stringValue)\r\n")
        XCTAssertEqual(h.ks.dirty, dirty + 1)
        XCTAssertTrue(h.ks.alsoPropagated.isEmpty)
        XCTAssertEqual(modified.count, 2)

        // A few (case 2), then all but one (case 3): one SREM per member, in reply order.
        for n in [2, 6] {
            h.ks.alsoPropagated.removeAll()
            let out = h.run("SPOP", "s", String(n))
            let popped = h.ks.alsoPropagated.map { $0.argv }
            XCTAssertEqual(popped.count, n)
            XCTAssertTrue(popped.allSatisfy { $0.count == 3 && $0[0] == "SREM" && $0[1] == "s" })
            XCTAssertEqual(out, "*\(n)\r\n" + popped.map { "$1\r\n\($0[2].stringValue)\r\n" }.joined())
        }
        XCTAssertEqual(h.run("SCARD", "s"), ":1\r\n")
        h.ks.alsoPropagated.removeAll()
        h.run("SPOP", "s", "5")
        XCTAssertEqual(h.client.argv, ["DEL", "s"], "the whole set: DEL")
        XCTAssertTrue(h.ks.alsoPropagated.isEmpty)
        XCTAssertEqual(h.db0.count, 0)
        let before = h.ks.dirty
        h.run("SRANDMEMBER", "nosuch")
        h.run("SPOP", "nosuch")
        h.run("SREM", "nosuch", "a")
        h.run("SINTERSTORE", "d", "nosuch")
        XCTAssertEqual(h.ks.dirty, before, "nothing changed, nothing to propagate")
    }

    func testEveryChangeSignalsItsKeys() {
        let h = KeyspaceHarness()
        var modified: [ByteString] = []
        h.ks.keyModified = { _, key in modified.append(key) }
        h.run("SADD", "a", "1", "2")
        h.run("SADD", "a", "1")  // nothing added: no signal
        h.run("SREM", "a", "9")  // nothing removed: no signal
        h.run("SMOVE", "a", "b", "1")
        h.run("SINTERSTORE", "c", "a", "a")
        h.run("SUNIONSTORE", "c", "nosuch")
        h.run("SREM", "a", "2")
        XCTAssertEqual(modified, ["a", "a", "b", "c", "c", "a"])
    }
}
