// Pub/sub end to end, in raw bytes, with two clients: a subscriber and a publisher. SUBSCRIBE and
// PSUBSCRIBE answers, message and pmessage deliveries, the RESP2 subscribed context (only the
// pub/sub commands and PING, which answers `pong` as an array) against RESP3 (push messages, any
// command), UNSUBSCRIBE with nothing to leave, PUBSUB's subcommands, a disconnect that leaves
// no subscription behind, and the trace.
//
// Redis: src/pubsub.c, the CLIENT_PUBSUB test in processCommand and pingCommand (src/server.c)

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class PubSubTests: ServerTestCase {
    /// `*3 $kind $name :count` (or `>3` in RESP3): one answer of a (P)(UN)SUBSCRIBE.
    func answer(_ kind: String, _ name: String?, _ count: Int, push: Bool = false) -> String {
        let n = name.map { "$\($0.utf8.count)\r\n\($0)\r\n" } ?? (push ? "_\r\n" : "$-1\r\n")
        return (push ? ">3" : "*3") + "\r\n$\(kind.utf8.count)\r\n\(kind)\r\n" + n + ":\(count)\r\n"
    }

    func message(_ channel: String, _ text: String, push: Bool = false) -> String {
        (push ? ">3" : "*3") + "\r\n$7\r\nmessage\r\n$\(channel.utf8.count)\r\n\(channel)\r\n$\(text.utf8.count)\r\n\(text)\r\n"
    }

    func pmessage(_ pattern: String, _ channel: String, _ text: String) -> String {
        "*4\r\n$8\r\npmessage\r\n$\(pattern.utf8.count)\r\n\(pattern)\r\n$\(channel.utf8.count)\r\n\(channel)\r\n$\(text.utf8.count)\r\n\(text)\r\n"
    }

    // MARK: - RESP2

    func testSubscribeAndPublishInRESP2() throws {
        let s = try startServer()
        let sub = try connect(s), pub = try connect(s)
        sendOnly(sub, "SUBSCRIBE", "news", "sport")
        XCTAssertEqual(nextReply(sub), answer("subscribe", "news", 1))
        XCTAssertEqual(nextReply(sub), answer("subscribe", "sport", 2))
        // Subscribing again to a channel answers again, with the same count.
        expect(sub, "SUBSCRIBE", "news", is: answer("subscribe", "news", 2))
        expect(pub, "PUBLISH", "news", "hello world", is: ":1\r\n")
        XCTAssertEqual(nextReply(sub), message("news", "hello world"))
        expect(pub, "PUBLISH", "weather", "rain", is: ":0\r\n")
        // Binary-safe: the message comes back byte for byte.
        expectBytes(pub, [Array("PUBLISH".utf8), Array("sport".utf8), [0, 13, 10, 255]], is: Array(":1\r\n".utf8))
        XCTAssertEqual(Array(try sub.readRawReply()), Array("*3\r\n$7\r\nmessage\r\n$5\r\nsport\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10])
        expect(sub, "UNSUBSCRIBE", "news", is: answer("unsubscribe", "news", 1))
        expect(pub, "PUBLISH", "news", "again", is: ":0\r\n")
        // Leaving a channel one is not in still answers, with the unchanged count.
        expect(sub, "UNSUBSCRIBE", "nosuch", is: answer("unsubscribe", "nosuch", 1))
        expect(sub, "UNSUBSCRIBE", is: answer("unsubscribe", "sport", 0))
        // Out of the subscribed context: an ordinary connection again.
        expect(sub, "GET", "k", is: "$-1\r\n")
        expect(sub, "PING", is: "+PONG\r\n")
    }

    func testPatternsReceivePmessage() throws {
        let s = try startServer()
        let sub = try connect(s), other = try connect(s), pub = try connect(s)
        sendOnly(sub, "PSUBSCRIBE", "news.*", "n?ws.sport")
        XCTAssertEqual(nextReply(sub), answer("psubscribe", "news.*", 1))
        XCTAssertEqual(nextReply(sub), answer("psubscribe", "n?ws.sport", 2))
        expect(sub, "SUBSCRIBE", "news.sport", is: answer("subscribe", "news.sport", 3))
        expect(other, "PSUBSCRIBE", "news.*", is: answer("psubscribe", "news.*", 1))
        // One channel delivery and three pattern deliveries: the count is deliveries.
        expect(pub, "PUBLISH", "news.sport", "goal", is: ":4\r\n")
        // The channel first, then the patterns (in hash order between patterns).
        XCTAssertEqual(nextReply(sub), message("news.sport", "goal"))
        let two = [nextReply(sub), nextReply(sub)].sorted()
        XCTAssertEqual(two, [pmessage("n?ws.sport", "news.sport", "goal"), pmessage("news.*", "news.sport", "goal")].sorted())
        XCTAssertEqual(nextReply(other), pmessage("news.*", "news.sport", "goal"))
        expect(pub, "PUBLISH", "news.", "x", is: ":2\r\n")
        XCTAssertEqual(nextReply(sub), pmessage("news.*", "news.", "x"))
        XCTAssertEqual(nextReply(other), pmessage("news.*", "news.", "x"))
        // PUNSUBSCRIBE with no argument leaves every pattern, in the order they were made.
        sendOnly(sub, "PUNSUBSCRIBE")
        XCTAssertEqual(nextReply(sub), answer("punsubscribe", "news.*", 2))
        XCTAssertEqual(nextReply(sub), answer("punsubscribe", "n?ws.sport", 1))
        expect(sub, "PUNSUBSCRIBE", is: answer("punsubscribe", nil, 1))
        expect(pub, "PUBLISH", "news.x", "y", is: ":1\r\n")
        XCTAssertEqual(nextReply(other), pmessage("news.*", "news.x", "y"))
    }

    func testRESP2SubscribedContextAllowsOnlyPubSubAndPing() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SUBSCRIBE", "ch", is: answer("subscribe", "ch", 1))
        let refusal = { (name: String) in
            "-ERR Can't execute '\(name)': only (P)SUBSCRIBE / (P)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
        }
        expect(c, "GET", "k", is: refusal("get"))
        expect(c, "set", "k", "v", is: refusal("set"))
        expect(c, "MULTI", is: refusal("multi"))
        expect(c, "HELLO", "3", is: refusal("hello"))
        expect(c, "PING", is: "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        expect(c, "PING", "still there", is: "*2\r\n$4\r\npong\r\n$11\r\nstill there\r\n")
        expect(c, "PSUBSCRIBE", "p*", is: answer("psubscribe", "p*", 2))
        expect(c, "UNSUBSCRIBE", is: answer("unsubscribe", "ch", 1))
        // A pattern alone keeps the connection subscribed.
        expect(c, "GET", "k", is: refusal("get"))
        expect(c, "PUNSUBSCRIBE", "p*", is: answer("punsubscribe", "p*", 0))
        // The refused SET did not run.
        expect(c, "GET", "k", is: "$-1\r\n")
        expect(c, "QUIT", is: "+OK\r\n")
    }

    func testUnsubscribeWithNothingSubscribed() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "UNSUBSCRIBE", is: "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        expect(c, "PUNSUBSCRIBE", is: "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n")
        // …and the connection was never put in the subscribed context.
        expect(c, "GET", "k", is: "$-1\r\n")
        // With a pattern but no channel: a null channel and the pattern's count.
        expect(c, "PSUBSCRIBE", "x*", is: answer("psubscribe", "x*", 1))
        expect(c, "UNSUBSCRIBE", is: "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n")
        expect(c, "SUBSCRIBE", is: "-ERR wrong number of arguments for 'subscribe' command\r\n")
        // Arity is checked before the subscribed context, as in processCommand.
        expect(c, "PUBLISH", "only-channel", is: "-ERR wrong number of arguments for 'publish' command\r\n")
    }

    // MARK: - RESP3

    func testRESP3PushMessagesAndAnyCommand() throws {
        let s = try startServer()
        let sub = try connect(s), pub = try connect(s)
        guard case .map = call(sub, "HELLO", "3") else { return XCTFail("HELLO 3 did not answer a map") }
        expect(sub, "SUBSCRIBE", "ch", is: answer("subscribe", "ch", 1, push: true))
        expect(sub, "PSUBSCRIBE", "c*", is: answer("psubscribe", "c*", 2, push: true))
        // Any command runs, and PING is the ordinary PONG.
        expect(sub, "SET", "k", "v", is: "+OK\r\n")
        expect(sub, "GET", "k", is: "$1\r\nv\r\n")
        expect(sub, "PING", is: "+PONG\r\n")
        expect(pub, "PUBLISH", "ch", "hi", is: ":2\r\n")
        XCTAssertEqual(nextReply(sub), message("ch", "hi", push: true))
        XCTAssertEqual(nextReply(sub), ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n")
        // Publishing to its own channel: the push arrives before the reply.
        sendOnly(sub, "PUBLISH", "ch", "me")
        XCTAssertEqual(nextReply(sub), message("ch", "me", push: true))
        XCTAssertEqual(nextReply(sub), ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nme\r\n")
        XCTAssertEqual(nextReply(sub), ":2\r\n")
        expect(sub, "UNSUBSCRIBE", is: answer("unsubscribe", "ch", 1, push: true))
        expect(sub, "PUNSUBSCRIBE", is: answer("punsubscribe", "c*", 0, push: true))
        expect(sub, "UNSUBSCRIBE", is: ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n")
        // The publisher is a RESP2 client: its own subscriptions are arrays.
        expect(pub, "SUBSCRIBE", "ch", is: answer("subscribe", "ch", 1))
    }

    // MARK: - PUBSUB and cleanup

    func testPubsubIntrospection() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s), q = try connect(s)
        expect(q, "PUBSUB", "CHANNELS", is: "*0\r\n")
        expect(q, "PUBSUB", "NUMPAT", is: ":0\r\n")
        sendOnly(a, "SUBSCRIBE", "news", "sport")
        _ = (nextReply(a), nextReply(a))
        expect(b, "SUBSCRIBE", "news", is: answer("subscribe", "news", 1))
        sendOnly(a, "PSUBSCRIBE", "n*", "s*")
        _ = (nextReply(a), nextReply(a))
        expect(b, "PSUBSCRIBE", "n*", is: answer("psubscribe", "n*", 2))
        expect(q, "PUBSUB", "NUMSUB", "news", "sport", "none",
               is: "*6\r\n$4\r\nnews\r\n:2\r\n$5\r\nsport\r\n:1\r\n$4\r\nnone\r\n:0\r\n")
        expect(q, "PUBSUB", "NUMSUB", is: "*0\r\n")
        // Patterns, not subscriptions: n* has two subscribers and counts once.
        expect(q, "PUBSUB", "NUMPAT", is: ":2\r\n")
        expect(q, "PUBSUB", "CHANNELS", "n*", is: "*1\r\n$4\r\nnews\r\n")
        guard case .array(let all?) = call(q, "PUBSUB", "channels") else { return XCTFail("CHANNELS is not an array") }
        XCTAssertEqual(all.compactMap { $0.string }.sorted(), ["news", "sport"])
        XCTAssertEqual(infoField(q, "stats", "pubsub_channels"), "2")
        XCTAssertEqual(infoField(q, "stats", "pubsub_patterns"), "2")
        guard case .array(let help?) = call(q, "PUBSUB", "HELP") else { return XCTFail("HELP is not an array") }
        XCTAssertEqual(help.first, .simple("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"))
        XCTAssertEqual(help.count, 10)
        expect(q, "PUBSUB", "NUMPAT", "x", is: "-ERR Unknown subcommand or wrong number of arguments for 'NUMPAT'. Try PUBSUB HELP.\r\n")
        expect(q, "PUBSUB", "CHANNELS", "a", "b", is: "-ERR Unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n")
        expect(q, "PUBSUB", "foo", is: "-ERR Unknown subcommand or wrong number of arguments for 'foo'. Try PUBSUB HELP.\r\n")
        expect(q, "PUBSUB", is: "-ERR wrong number of arguments for 'pubsub' command\r\n")
    }

    func testDisconnectRemovesEverySubscription() throws {
        let s = try startServer()
        let q = try connect(s)
        do {
            let a = try connect(s)
            sendOnly(a, "SUBSCRIBE", "news", "sport")
            sendOnly(a, "PSUBSCRIBE", "n*")
            for _ in 0..<3 { _ = nextReply(a) }
            expect(q, "PUBSUB", "NUMSUB", "news", is: "*2\r\n$4\r\nnews\r\n:1\r\n")
            expect(q, "PUBSUB", "NUMPAT", is: ":1\r\n")
            shutdown(a.fd, Int32(SHUT_RDWR))
        }
        XCTAssertTrue(waitUntil(5) { self.int(q, "PUBSUB", "NUMPAT") == 0 }, "the pattern outlived its client")
        expect(q, "PUBSUB", "NUMSUB", "news", "sport", is: "*4\r\n$4\r\nnews\r\n:0\r\n$5\r\nsport\r\n:0\r\n")
        expect(q, "PUBSUB", "CHANNELS", is: "*0\r\n")
        expect(q, "PUBLISH", "news", "anyone?", is: ":0\r\n")
        XCTAssertEqual(infoField(q, "stats", "pubsub_channels"), "0")
        XCTAssertEqual(infoField(q, "stats", "pubsub_patterns"), "0")
    }

    // MARK: - Trace

    func testSubscriptionsAndPublishAreTraced() throws {
        let s = try startServer(["--trace", "yes", "--trace-areas", "cmd"])
        let sub = try connect(s), pub = try connect(s)
        sendOnly(sub, "SUBSCRIBE", "news", "sport")
        _ = (nextReply(sub), nextReply(sub))
        expect(pub, "PUBLISH", "news", "hi", is: ":1\r\n")
        _ = nextReply(sub)
        expect(sub, "UNSUBSCRIBE", "news", is: answer("unsubscribe", "news", 1))
        expect(sub, "UNSUBSCRIBE", "sport", is: answer("unsubscribe", "sport", 0))
        let wanted = ["subscribe \"news\" subscriptions=1 ⇒ NORMAL → PUBSUB ‹pubsubSubscribeChannel›",
                      "subscribe \"sport\" subscriptions=2 ‹pubsubSubscribeChannel›",
                      "publish \"news\" \"hi\" receivers=1 ‹pubsubPublishMessage›",
                      "unsubscribe \"news\" subscriptions=1 ‹pubsubUnsubscribeChannel›",
                      "unsubscribe \"sport\" subscriptions=0 ⇒ PUBSUB → NORMAL ‹pubsubUnsubscribeChannel›"]
        XCTAssertTrue(waitUntil(5) { wanted.allSatisfy { w in s.trace.contains(w) } }, "missing pub/sub events in:\n\(s.trace)")
    }
}
