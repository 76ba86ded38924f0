// CLIENT TRACKING over real sockets: a RESP3 client that read a key gets one `invalidate` push
// when another client changes it (and none after, until it reads again); a RESP2 client hears
// through a second connection subscribed to __redis__:invalidate; BCAST sends every change under
// a prefix, batched per loop turn; OPTIN/OPTOUT with CLIENT CACHING; NOLOOP; FLUSHALL's null;
// expiry; a redirect whose target has gone; the errors, INFO's fields and the table's limit.
//
// Redis: src/tracking.c, the tracking branches of clientCommand (src/networking.c),
// tests/unit/tracking.tcl

import Foundation
import RedisCore
import TestSupport
import XCTest

final class TrackingTests: ServerTestCase {
    /// The push for one invalidated key, in RESP3.
    func push(_ key: String) -> String { ">2\r\n$10\r\ninvalidate\r\n*1\r\n$\(key.utf8.count)\r\n\(key)\r\n" }

    /// The pub/sub message for one invalidated key, as a RESP2 subscriber reads it.
    func message(_ key: String) -> String {
        "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$\(key.utf8.count)\r\n\(key)\r\n"
    }

    /// A RESP3 connection with tracking on, with `options` after ON.
    func tracker(_ s: ServerProcess, _ options: String...) throws -> RawClient {
        let c = try connect(s)
        _ = call(c, "HELLO", "3")
        expectBytes(c, (["CLIENT", "TRACKING", "ON"] + options).map { Array($0.utf8) }, is: Array("+OK\r\n".utf8))
        return c
    }

    // MARK: - The default mode

    func testRESP3ClientIsToldOnceWhenAnotherClientChangesAKeyItRead() throws {
        let s = try startServer()
        let t = try tracker(s), w = try connect(s)
        expect(w, "SET", "k", "v", is: "+OK\r\n")
        expect(t, "GET", "k", is: "$1\r\nv\r\n")
        expect(w, "SET", "k", "v2", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), push("k"))
        // The entry is gone: a second change says nothing until the key is read again.
        expect(w, "SET", "k", "v3", is: "+OK\r\n")
        expect(t, "PING", is: "+PONG\r\n")
        // A key never read is never announced; MGET remembers every key it names.
        expect(t, "MGET", "k", "other", is: "*2\r\n$2\r\nv3\r\n_\r\n")
        expect(w, "DEL", "other", is: ":0\r\n")
        expect(w, "HSET", "other", "f", "1", is: ":1\r\n")
        XCTAssertEqual(nextReply(t), push("other"))
        expect(w, "APPEND", "k", "!", is: ":3\r\n")
        XCTAssertEqual(nextReply(t), push("k"))
    }

    func testRESP2ClientHearsThroughARedirectToASubscriber() throws {
        let s = try startServer()
        let r = try connect(s), t = try connect(s), w = try connect(s)
        guard let rid = int(r, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(r, "SUBSCRIBE", "__redis__:invalidate", is: "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n")
        expect(t, "CLIENT", "GETREDIR", is: ":-1\r\n")
        expect(t, "CLIENT", "TRACKING", "on", "REDIRECT", "\(rid)", is: "+OK\r\n")
        expect(t, "CLIENT", "GETREDIR", is: ":\(rid)\r\n")
        expect(t, "GET", "a", is: "$-1\r\n")
        expect(w, "SET", "a", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(r), message("a"))
        // Without a redirect a RESP2 client can be told nothing: it has no pushes.
        let alone = try connect(s)
        expect(alone, "CLIENT", "TRACKING", "on", is: "+OK\r\n")
        expect(alone, "CLIENT", "GETREDIR", is: ":0\r\n")
        expect(alone, "GET", "b", is: "$-1\r\n")
        expect(w, "SET", "b", "1", is: "+OK\r\n")
        expect(alone, "PING", is: "+PONG\r\n")
        // A redirect to itself counts as a redirect: once subscribed, it hears on its own channel.
        let me = try connect(s)
        guard let mid = int(me, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(me, "CLIENT", "TRACKING", "on", "REDIRECT", "\(mid)", is: "+OK\r\n")
        expect(me, "GET", "c", is: "$-1\r\n")
        expect(me, "SUBSCRIBE", "__redis__:invalidate", is: "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n")
        expect(w, "SET", "c", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(me), message("c"))
    }

    func testARedirectWhoseTargetLeftIsReportedBroken() throws {
        let s = try startServer()
        let r = try connect(s), t = try tracker(s), w = try connect(s)
        guard let rid = int(r, "CLIENT", "ID"), let tid = int(t, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(t, "CLIENT", "TRACKING", "on", "REDIRECT", "\(rid)", is: "+OK\r\n")
        expect(t, "GET", "k", is: "_\r\n")
        shutdown(r.fd, Int32(SHUT_RDWR))
        XCTAssertTrue(waitUntil(2) { !(call(w, "CLIENT", "LIST").string ?? "").contains("id=\(rid) ") })
        expect(w, "SET", "k", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), ">2\r\n$21\r\ntracking-redir-broken\r\n:\(rid)\r\n")
        let line = call(w, "CLIENT", "LIST", "ID", "\(tid)").string ?? ""
        XCTAssertTrue(line.contains(" flags=tR ") && line.contains(" redir=\(rid)"), line)
        expect(t, "CLIENT", "TRACKINGINFO", is: "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n"
               + "$8\r\nredirect\r\n:\(rid)\r\n$8\r\nprefixes\r\n*0\r\n")
    }

    // MARK: - BCAST, OPTIN/OPTOUT, NOLOOP

    func testBroadcastSendsEveryChangeUnderItsPrefixesOncePerLoopTurn() throws {
        let s = try startServer()
        let t = try tracker(s, "BCAST", "PREFIX", "user:", "PREFIX", "cfg"), w = try connect(s)
        // One command changing three keys: one message per prefix, the keys in byte order.
        expect(w, "MSET", "user:2", "b", "user:1", "a", "other", "x", "cfg", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\ncfg\r\n")
        XCTAssertEqual(nextReply(t), ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n")
        // Nothing was read, and still every change is told; a key outside the prefixes is not.
        expect(w, "SET", "other", "y", is: "+OK\r\n")
        expect(w, "DEL", "user:1", is: ":1\r\n")
        XCTAssertEqual(nextReply(t), push("user:1"))
        expect(t, "CLIENT", "TRACKINGINFO", is: "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n"
               + "$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$3\r\ncfg\r\n$5\r\nuser:\r\n")
        XCTAssertEqual(infoField(w, "stats", "tracking_total_prefixes"), "2")
        guard let tid = int(t, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        let line = call(w, "CLIENT", "LIST", "ID", "\(tid)").string ?? ""
        XCTAssertTrue(line.contains(" flags=tB ") && line.hasSuffix(" redir=0\n"), line)
        XCTAssertTrue((call(w, "CLIENT", "INFO").string ?? "").hasSuffix(" redir=-1\n"))
        // BCAST with no prefix is every key.
        let all = try tracker(s, "BCAST")
        expect(w, "SET", "anything", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(all), push("anything"))
    }

    func testOptinRemembersOnlyAfterCachingYesAndOptoutAllButCachingNo() throws {
        let s = try startServer()
        let t = try tracker(s, "OPTIN"), w = try connect(s)
        expect(t, "GET", "k1", is: "_\r\n")
        expect(t, "CLIENT", "CACHING", "yes", is: "+OK\r\n")
        expect(t, "GET", "k2", is: "_\r\n")
        // Spent by GET k2: k3 is not remembered.
        expect(t, "GET", "k3", is: "_\r\n")
        expect(w, "MSET", "k1", "1", "k2", "2", "k3", "3", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), push("k2"))
        expect(t, "PING", is: "+PONG\r\n")

        let o = try tracker(s, "OPTOUT")
        expect(o, "CLIENT", "CACHING", "no", is: "+OK\r\n")
        // CACHING lasts through a whole transaction.
        expect(o, "MULTI", is: "+OK\r\n")
        expect(o, "GET", "k1", is: "+QUEUED\r\n")
        expect(o, "EXEC", is: "*1\r\n$1\r\n1\r\n")
        expect(o, "GET", "k2", is: "$1\r\n2\r\n")
        expect(w, "MSET", "k1", "x", "k2", "y", is: "+OK\r\n")
        XCTAssertEqual(nextReply(o), push("k2"))
        expect(o, "PING", is: "+PONG\r\n")
        expect(o, "CLIENT", "CACHING", "yes", is: "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n")
        expect(t, "CLIENT", "CACHING", "no", is: "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n")
    }

    func testNoloopIsNotToldOfItsOwnChanges() throws {
        let s = try startServer()
        let t = try tracker(s, "NOLOOP"), w = try connect(s)
        expect(t, "GET", "k", is: "_\r\n")
        expect(t, "SET", "k", "mine", is: "+OK\r\n")
        expect(t, "GET", "k", is: "$4\r\nmine\r\n")
        expect(w, "SET", "k", "theirs", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), push("k"))
        // Without NOLOOP a client's own change is told, at once: before its reply, as in 6.2.
        let plain = try tracker(s)
        expect(plain, "GET", "p", is: "_\r\n")
        sendOnly(plain, "SET", "p", "1")
        XCTAssertEqual(nextReply(plain), push("p"))
        XCTAssertEqual(nextReply(plain), "+OK\r\n")
        // BCAST NOLOOP: the batch leaves out what this client changed itself.
        let b = try tracker(s, "BCAST", "NOLOOP", "PREFIX", "x")
        expect(b, "SET", "x1", "1", is: "+OK\r\n")
        expect(w, "SET", "x2", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(b), push("x2"))
    }

    // MARK: - Flush, expiry, eviction of the table

    func testFlushallSendsANullToEveryTrackingClient() throws {
        let s = try startServer()
        let t = try tracker(s), r = try connect(s), t2 = try connect(s), w = try connect(s)
        guard let rid = int(r, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(r, "SUBSCRIBE", "__redis__:invalidate", is: "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n")
        expect(t2, "CLIENT", "TRACKING", "on", "REDIRECT", "\(rid)", is: "+OK\r\n")
        expect(t, "GET", "k", is: "_\r\n")
        XCTAssertEqual(infoField(w, "stats", "tracking_total_keys"), "1")
        expect(w, "FLUSHALL", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), ">2\r\n$10\r\ninvalidate\r\n_\r\n")
        XCTAssertEqual(nextReply(r), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n")
        XCTAssertEqual(infoField(w, "stats", "tracking_total_keys"), "0")
        // The table was emptied: a later change of k says nothing.
        expect(w, "SET", "k", "1", is: "+OK\r\n")
        expect(t, "PING", is: "+PONG\r\n")
    }

    func testAnExpiredKeyIsInvalidated() throws {
        let s = try startServer()
        let t = try tracker(s), w = try connect(s)
        expect(w, "SET", "k", "v", "PX", "50", is: "+OK\r\n")
        expect(t, "GET", "k", is: "$1\r\nv\r\n")
        // Nobody touches it: the active expiry cycle deletes it and tells the reader.
        XCTAssertEqual(nextReply(t), push("k"))
    }

    func testInfoCountsAndTheTableLimit() throws {
        let s = try startServer()
        let t = try tracker(s), t2 = try tracker(s), w = try connect(s)
        XCTAssertEqual(infoField(w, "clients", "tracking_clients"), "2")
        expect(t, "MGET", "a", "b", "c", is: "*3\r\n_\r\n_\r\n_\r\n")
        expect(t2, "GET", "a", is: "_\r\n")
        XCTAssertEqual(infoField(w, "stats", "tracking_total_keys"), "3")
        XCTAssertEqual(infoField(w, "stats", "tracking_total_items"), "4")
        expect(t2, "CLIENT", "TRACKING", "off", is: "+OK\r\n")
        XCTAssertEqual(infoField(w, "clients", "tracking_clients"), "1")
        expect(w, "CONFIG", "GET", "tracking-table-max-keys", is: "*2\r\n$23\r\ntracking-table-max-keys\r\n$7\r\n1000000\r\n")
        // Over the limit, keys are forgotten and their reader told, as if they had changed.
        expect(w, "CONFIG", "SET", "tracking-table-max-keys", "1", is: "+OK\r\n")
        XCTAssertEqual(infoField(w, "stats", "tracking_total_keys"), "1")
        let told = [nextReply(t), nextReply(t)]
        XCTAssertEqual(Set(told).count, 2)
        XCTAssertTrue(told.allSatisfy { [push("a"), push("b"), push("c")].contains($0) }, "\(told)")
        expect(t, "PING", is: "+PONG\r\n")
        expect(w, "CONFIG", "SET", "tracking-table-max-keys", "0", is: "+OK\r\n")
        expect(t, "RESET", is: "+RESET\r\n")
        XCTAssertEqual(infoField(w, "clients", "tracking_clients"), "0")
        expect(t, "CLIENT", "TRACKINGINFO", is: "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n")
    }

    func testAnInvalidationSentIsANetTraceEvent() throws {
        let s = try startServer(["--trace", "yes", "--trace-areas", "net"])
        let t = try tracker(s), w = try connect(s)
        guard let tid = int(t, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(t, "GET", "traced", is: "_\r\n")
        expect(w, "SET", "traced", "1", is: "+OK\r\n")
        XCTAssertEqual(nextReply(t), push("traced"))
        XCTAssertTrue(waitUntil(2) {
            s.trace.split(separator: "\n").contains {
                $0.contains(" net net> ") && $0.contains("id=\(tid) invalidate [\"traced\"]") && $0.contains("sendTrackingMessage")
            }
        }, s.trace)
    }

    // MARK: - Errors

    func testErrorsInRedis62Order() throws {
        let s = try startServer()
        let c = try connect(s)
        let cases: [([String], String)] = [
            (["CLIENT", "TRACKING", "on", "PREFIX", "x"], "-ERR PREFIX option requires BCAST mode to be enabled\r\n"),
            (["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"], "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"),
            (["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"], "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"),
            (["CLIENT", "TRACKING", "on", "REDIRECT", "999999"], "-ERR The client ID you want redirect to does not exist\r\n"),
            (["CLIENT", "TRACKING", "on", "REDIRECT", "x"], "-ERR value is not an integer or out of range\r\n"),
            (["CLIENT", "TRACKING", "on", "REDIRECT"], "-ERR syntax error\r\n"),
            (["CLIENT", "TRACKING", "maybe"], "-ERR syntax error\r\n"),
            (["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"],
             "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.\r\n"),
            (["CLIENT", "CACHING", "yes"],
             "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"),
            (["CLIENT", "TRACKING"], "-ERR Unknown subcommand or wrong number of arguments for 'TRACKING'. Try CLIENT HELP.\r\n"),
            (["CLIENT", "GETREDIR"], ":-1\r\n"),
        ]
        for (args, reply) in cases { expectBytes(c, args.map { Array($0.utf8) }, is: Array(reply.utf8)) }
        guard let id = int(c, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(c, "CLIENT", "TRACKING", "on", "REDIRECT", "\(id)", "REDIRECT", "\(id)", is: "-ERR A client can only redirect to a single other client\r\n")
        expect(c, "CLIENT", "TRACKING", "on", "OPTIN", is: "+OK\r\n")
        expect(c, "CLIENT", "TRACKING", "on", "OPTOUT",
               is: "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n")
        expect(c, "CLIENT", "TRACKING", "on", "BCAST",
               is: "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n")
        expect(c, "CLIENT", "CACHING", "maybe", is: "-ERR syntax error\r\n")
        expect(c, "CLIENT", "TRACKING", "off", is: "+OK\r\n")
        expect(c, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", is: "+OK\r\n")
        expect(c, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a",
               is: "-ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap.\r\n")
        // Redis's own slip, kept: an overlap among the new prefixes found past the first one
        // answers the error and then +OK, with the prefixes added.
        sendOnly(c, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "y", "PREFIX", "yz")
        XCTAssertEqual(nextReply(c), "-ERR Prefix 'y' overlaps with another provided prefix 'yz'. Prefixes for a single client must not overlap.\r\n")
        XCTAssertEqual(nextReply(c), "+OK\r\n")
    }
}
