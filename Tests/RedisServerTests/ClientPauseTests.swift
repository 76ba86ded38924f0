// CLIENT PAUSE, UNPAUSE, REPLY and UNBLOCK over real sockets: a paused client's command waits
// and then runs (by timeout or UNPAUSE), in arrival order, with what it pipelined behind it; a
// WRITE pause lets reads through and holds writes, PUBLISH and a writing EXEC; expiry stands still
// during a pause; CLIENT LIST shows a held client as blocked; REPLY OFF/SKIP/ON silence exactly
// the replies Redis silences; UNBLOCK ends a BLPOP/BZPOPMIN/BLMOVE wait with a null or an error.
//
// Redis: pauseClients, unpauseClients, clientCommand (src/networking.c), processCommand
// (src/server.c), tests/unit/pause.tcl and tests/unit/introspection.tcl

import Foundation
import RedisCore
import TestSupport
import XCTest

final class ClientPauseTests: ServerTestCase {
    /// The `flags=` and `cmd=` of client `id` in CLIENT LIST, as "flags cmd".
    func flagsAndCommand(_ c: RawClient, id: Int64) -> String {
        guard let line = call(c, "CLIENT", "LIST", "ID", "\(id)").string else { return "?" }
        let fields = line.split(separator: " ")
        let flags = fields.first { $0.hasPrefix("flags=") } ?? "?"
        let cmd = fields.first { $0.hasPrefix("cmd=") } ?? "?"
        return "\(flags) \(cmd)".trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (2 s at most) until client `id` is shown blocked (`flags=b`).
    func waitHeld(_ c: RawClient, id: Int64, file: StaticString = #filePath, line: UInt = #line) {
        if waitUntil(2, { flagsAndCommand(c, id: id).hasPrefix("flags=b ") }) { return }
        XCTFail("client \(id) never showed flags=b: \(flagsAndCommand(c, id: id))", file: file, line: line)
    }

    /// Sends `args` and asserts that it gets no reply for 100 ms (it is held), and then `reply`
    /// (the pause ended by itself).
    func assertHeld(_ c: RawClient, _ args: String..., thenAnswers reply: String,
                    file: StaticString = #filePath, line: UInt = #line) {
        c.send(raw: RawClient.encode(args.map { Array($0.utf8) }))
        XCTAssertTrue(staysOpenAndSilent(c, ms: 100), "\(args.joined(separator: " ")) ran during the pause", file: file, line: line)
        XCTAssertEqual(nextReply(c), reply, file: file, line: line)
    }

    // MARK: - PAUSE

    func testPausedGetWaitsThenAnswersWhenThePauseEnds() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        expect(a, "SET", "k", "v", is: "+OK\r\n")
        expect(a, "CLIENT", "PAUSE", "300", is: "+OK\r\n")
        // ALL: even a read waits, and what the client pipelines behind it waits with it.
        sendOnly(b, "GET", "k")
        sendOnly(b, "PING")
        XCTAssertTrue(staysOpenAndSilent(b, ms: 100), "a GET answered during a pause ALL")
        // The pause ends by itself: the held GET runs, then the PING.
        XCTAssertEqual(nextReply(b), "$1\r\nv\r\n")
        XCTAssertEqual(nextReply(b), "+PONG\r\n")
        expect(a, "PING", is: "+PONG\r\n")
    }

    func testWritePauseLetsReadsThroughAndHoldsWrites() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s), c = try connect(s)
        guard let idb = int(b, "CLIENT", "ID"), let idc = int(c, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(a, "SET", "k", "old", is: "+OK\r\n")
        expect(a, "CLIENT", "PAUSE", "100000", "WRITE", is: "+OK\r\n")
        sendOnly(b, "SET", "k", "first")
        waitHeld(a, id: idb)
        sendOnly(c, "SET", "k", "second")
        waitHeld(a, id: idc)
        XCTAssertEqual(flagsAndCommand(a, id: idb), "flags=b cmd=set")
        // A held client is a blocked client, in INFO as in Redis (blockClient with BLOCKED_PAUSE).
        XCTAssertEqual(infoField(a, "clients", "blocked_clients"), "2")
        // Reads (and commands that change nothing) run at once.
        expect(a, "GET", "k", is: "$3\r\nold\r\n")
        expect(a, "DBSIZE", is: ":1\r\n")
        // A syntax error is answered at once too: the checks come before the pause.
        expect(a, "SET", "k", is: "-ERR wrong number of arguments for 'set' command\r\n")
        XCTAssertTrue(staysOpenAndSilent(b, ms: 50))
        // UNPAUSE: the held SETs run in the order they arrived.
        expect(a, "CLIENT", "UNPAUSE", is: "+OK\r\n")
        XCTAssertEqual(nextReply(b), "+OK\r\n")
        XCTAssertEqual(nextReply(c), "+OK\r\n")
        expect(a, "GET", "k", is: "$6\r\nsecond\r\n")
        XCTAssertEqual(flagsAndCommand(a, id: idb), "flags=N cmd=set")
    }

    func testWritePauseHoldsPublishAndAWritingExec() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s), c = try connect(s)
        expect(b, "MULTI", is: "+OK\r\n")
        expect(b, "INCR", "n", is: "+QUEUED\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "GET", "n", is: "+QUEUED\r\n")
        expect(a, "CLIENT", "PAUSE", "100000", "WRITE", is: "+OK\r\n")
        // A read-only transaction runs; one with a write waits, and so does PUBLISH, which
        // reaches the replicas although it changes no key (may-replicate).
        expect(c, "EXEC", is: "*1\r\n$-1\r\n")
        sendOnly(b, "EXEC")
        sendOnly(c, "PUBLISH", "ch", "hi")
        XCTAssertTrue(staysOpenAndSilent(b, ms: 100), "a writing EXEC ran during a WRITE pause")
        XCTAssertTrue(staysOpenAndSilent(c, ms: 10), "PUBLISH ran during a WRITE pause")
        expect(a, "CLIENT", "UNPAUSE", is: "+OK\r\n")
        XCTAssertEqual(nextReply(b), "*1\r\n:1\r\n")
        XCTAssertEqual(nextReply(c), ":0\r\n")
    }

    func testPauseAllHoldsUnpauseTooAndOnlyTheClockEndsIt() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        expect(a, "CLIENT", "PAUSE", "250", "ALL", is: "+OK\r\n")
        assertHeld(b, "CLIENT", "UNPAUSE", thenAnswers: "+OK\r\n")
    }

    func testAPauseIsOnlyEverMadeLongerOrStricter() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        expect(a, "CLIENT", "PAUSE", "250", "WRITE", is: "+OK\r\n")
        // A shorter pause of type ALL: the pause becomes ALL, and still lasts its 250 ms.
        expect(a, "CLIENT", "PAUSE", "10", "ALL", is: "+OK\r\n")
        assertHeld(b, "GET", "k", thenAnswers: "$-1\r\n")
    }

    func testExpiryStandsStillDuringAPause() throws {
        let s = try startServer()
        let a = try connect(s)
        expect(a, "SET", "k", "v", "PX", "30", is: "+OK\r\n")
        expect(a, "CLIENT", "PAUSE", "100000", "WRITE", is: "+OK\r\n")
        usleep(150_000)
        // It reads as gone, but neither lazy nor active expiry deletes it while paused.
        expect(a, "GET", "k", is: "$-1\r\n")
        expect(a, "DBSIZE", is: ":1\r\n")
        XCTAssertEqual(infoField(a, "stats", "expired_keys"), "0")
        expect(a, "CLIENT", "UNPAUSE", is: "+OK\r\n")
        expect(a, "GET", "k", is: "$-1\r\n")
        expect(a, "DBSIZE", is: ":0\r\n")
        XCTAssertEqual(infoField(a, "stats", "expired_keys"), "1")
    }

    func testAHeldClientThatDisconnectsIsForgotten() throws {
        let s = try startServer()
        let a = try connect(s)
        var b: RawClient? = try connect(s)
        guard let idb = int(b!, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(a, "CLIENT", "PAUSE", "100000", "WRITE", is: "+OK\r\n")
        sendOnly(b!, "SET", "k", "v")
        waitHeld(a, id: idb)
        b = nil
        XCTAssertTrue(waitUntil(2) { call(a, "CLIENT", "LIST", "ID", "\(idb)").string == "" })
        expect(a, "CLIENT", "UNPAUSE", is: "+OK\r\n")
        expect(a, "EXISTS", "k", is: ":0\r\n")
    }

    func testPauseStartAndEndAreTraced() throws {
        let s = try startServer(["--trace", "yes", "--trace-areas", "net,cmd"])
        let a = try connect(s), b = try connect(s)
        expect(a, "CLIENT", "PAUSE", "100000", "WRITE", is: "+OK\r\n")
        sendOnly(b, "SET", "k", "v")
        XCTAssertTrue(waitUntil(2) { s.trace.contains("⇒ NORMAL → BLOCKED ‹blockClient›") }, s.trace)
        expect(a, "CLIENT", "UNPAUSE", is: "+OK\r\n")
        XCTAssertEqual(nextReply(b), "+OK\r\n")
        XCTAssertTrue(waitUntil(2) { s.trace.contains("⇒ PAUSED → UNPAUSED ‹unpauseClients›") }, s.trace)
        XCTAssertTrue(s.trace.contains("⇒ UNPAUSED → PAUSED ‹pauseClients›"), s.trace)
    }

    // MARK: - REPLY

    func testReplyOffSkipOnOnTheWire() throws {
        let s = try startServer()
        let a = try connect(s)
        let commands: [[String]] = [
            ["CLIENT", "REPLY", "OFF"], ["SET", "a", "1"], ["GET", "a"], ["NOSUCH"],
            ["CLIENT", "REPLY", "SKIP"],  // while OFF: nothing to skip
            ["CLIENT", "REPLY", "ON"], ["GET", "a"],
            ["CLIENT", "REPLY", "SKIP"], ["GET", "a"], ["PING", "x"],
            // Two SKIPs in a row skip one command, the one after the second.
            ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "SKIP"], ["PING", "y"], ["PING", "z"],
            ["CLIENT", "REPLY", "SKIP"], ["NOSUCH"], ["PING", "after-error"],
        ]
        a.send(raw: commands.flatMap { RawClient.encode($0.map { Array($0.utf8) }) })
        let expected = ["+OK\r\n", "$1\r\n1\r\n", "$1\r\nx\r\n", "$1\r\nz\r\n", "$11\r\nafter-error\r\n"]
        for e in expected { XCTAssertEqual(nextReply(a), e) }
        expect(a, "PING", is: "+PONG\r\n")
    }

    func testReplyOffSilencesPubSubMessagesAndABlockedPopsReply() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        guard let ida = int(a, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        // SKIP before a blocking pop: the pop's reply, sent when it is served, is the one skipped.
        sendOnly(a, "CLIENT", "REPLY", "SKIP")
        sendOnly(a, "BLPOP", "q", "0")
        XCTAssertTrue(waitUntil(2) { flagsAndCommand(b, id: ida) == "flags=b cmd=blpop" })
        expect(b, "RPUSH", "q", "x", is: ":1\r\n")
        expect(a, "PING", is: "+PONG\r\n")
        expect(b, "LLEN", "q", is: ":0\r\n")
        // OFF drops messages too (RESP3, so that the subscriber may still send CLIENT REPLY).
        call(a, "HELLO", "3")
        expect(a, "SUBSCRIBE", "ch", is: ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        sendOnly(a, "CLIENT", "REPLY", "OFF")
        expect(b, "PUBLISH", "ch", "lost", is: ":1\r\n")
        expect(a, "CLIENT", "REPLY", "ON", is: "+OK\r\n")
        expect(b, "PUBLISH", "ch", "seen", is: ":1\r\n")
        XCTAssertEqual(nextReply(a), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nseen\r\n")
    }

    // MARK: - UNBLOCK

    func testUnblockWithTimeoutAndWithError() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        guard let idb = int(b, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(a, "CLIENT", "UNBLOCK", "\(idb)", is: ":0\r\n")
        let waits: [(command: [String], mode: [String], reply: String)] = [
            (["BLPOP", "q", "0"], [], "*-1\r\n"),
            (["BRPOP", "q", "0"], ["TIMEOUT"], "*-1\r\n"),
            (["BLMOVE", "q", "d", "LEFT", "RIGHT", "0"], ["timeout"], "*-1\r\n"),
            (["BZPOPMIN", "z", "0"], ["ERROR"], "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"),
            (["BZPOPMAX", "z", "0"], ["error"], "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"),
        ]
        for w in waits {
            b.send(raw: RawClient.encode(w.command.map { Array($0.utf8) }))
            waitHeld(a, id: idb)
            expect(a, ["CLIENT", "UNBLOCK", "\(idb)"] + w.mode, is: ":1\r\n")
            XCTAssertEqual(nextReply(b), w.reply, "\(w.command[0]) \(w.mode)")
            expect(a, ["CLIENT", "UNBLOCK", "\(idb)"] + w.mode, is: ":0\r\n")
        }
        // Unblocked, b is a normal client again and a later push does not reach it.
        expect(a, "RPUSH", "q", "x", is: ":1\r\n")
        expect(b, "LPOP", "q", is: "$1\r\nx\r\n")
    }

    func testUnblockLeavesAClientHeldByAPauseAlone() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        guard let idb = int(b, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(a, "CLIENT", "PAUSE", "100000", "WRITE", is: "+OK\r\n")
        sendOnly(b, "SET", "k", "v")
        waitHeld(a, id: idb)
        // Redis 6.2 aborts here (TIMEOUT) or answers the SET twice (ERROR): we leave it held.
        expect(a, "CLIENT", "UNBLOCK", "\(idb)", "ERROR", is: ":0\r\n")
        expect(a, "CLIENT", "UNBLOCK", "\(idb)", is: ":0\r\n")
        expect(a, "CLIENT", "UNPAUSE", is: "+OK\r\n")
        XCTAssertEqual(nextReply(b), "+OK\r\n")
        expect(b, "PING", is: "+PONG\r\n")
    }

    // MARK: - Errors only 6.2 gives

    func testWrongArityIsTheSubcommandError() throws {
        let s = try startServer()
        let a = try connect(s)
        for args in [["REPLY"], ["REPLY", "ON", "x"], ["UNBLOCK"], ["UNBLOCK", "1", "2", "3"], ["PAUSE"], ["PAUSE", "1", "ALL", "x"], ["UNPAUSE", "x"]] {
            expect(a, ["CLIENT"] + args,
                   is: "-ERR Unknown subcommand or wrong number of arguments for '\(args[0])'. Try CLIENT HELP.\r\n")
        }
    }
}

extension ClientPauseTests {
    func expect(_ c: RawClient, _ args: [String], is expected: String, file: StaticString = #filePath, line: UInt = #line) {
        expectBytes(c, args.map { Array($0.utf8) }, is: Array(expected.utf8), file: file, line: line)
    }
}
