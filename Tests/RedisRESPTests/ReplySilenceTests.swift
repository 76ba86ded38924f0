// The networking half of CLIENT REPLY and CLIENT PAUSE, on a fake client without sockets: every
// reply helper writes nothing while `replyOff` or `replySkip` is set; SKIP moves on one command at
// a time (commandDone); a command held by a pause keeps its argv and the input behind it, and runs
// first when the client is queued for reprocessing.
//
// Redis: prepareClientToWrite, resetClient, processInputBuffer, processUnblockedClients
// (src/networking.c, src/blocked.c)

import XCTest
@testable import RedisRESP
import RedisCore

final class ReplySilenceTests: XCTestCase {
    /// One reply of every helper that writes bytes of its own.
    func addOneOfEach(_ c: Client) {
        c.addReplyOK()
        c.addReplyError("ERR x")
        c.addReplyLongLong(42)
        c.addReplyArrayLen(2)
        c.addReplyBulk(ByteString("v"))
        c.addReplyStatus("PONG")
        c.addReplyNull()
        c.addReplyDouble(1.5)
        c.addReplyVerbatim("txt")
    }

    func testOffAndSkipDropEveryReply() {
        let f = FakeConnection()
        let c = f.client
        addOneOfEach(c)
        let all = f.take()
        XCTAssertFalse(all.isEmpty)
        for flag in [ClientFlags.replyOff, .replySkip] {
            c.flags.insert(flag)
            addOneOfEach(c)
            XCTAssertEqual(f.take(), "", "\(flag)")
            c.flags.remove(flag)
        }
        addOneOfEach(c)
        XCTAssertEqual(f.take(), all)
    }

    func testSkipLastsOneCommandAfterTheSkipItself() {
        let f = FakeConnection()
        let c = f.client
        c.flags.insert(.replySkipNext)   // what CLIENT REPLY SKIP leaves
        c.commandDone()                  // …at the end of CLIENT REPLY SKIP
        c.addReplyOK()
        XCTAssertEqual(f.take(), "")
        c.commandDone()                  // the skipped command is over
        c.addReplyOK()
        XCTAssertEqual(f.take(), "+OK\r\n")
        XCTAssertTrue(c.flags.isDisjoint(with: [.replySkip, .replySkipNext]))
    }

    func testAHeldCommandKeepsItsArgvAndRunsFirstWhenReleased() {
        let f = FakeConnection()
        let c = f.client
        var ran: [String] = []
        var hold = true
        f.net.processCommand = { c in
            if hold && c.argv[0] == ByteString("SET") {
                c.flags.insert([.blocked, .pendingCommand])
                return
            }
            ran.append(c.argv.map { $0.stringValue }.joined(separator: " "))
        }
        f.feed("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$3\r\nGET\r\n")
        f.net.processInputBuffer(c)
        XCTAssertEqual(ran, ["PING"])
        XCTAssertEqual(c.argv.map { $0.stringValue }, ["SET", "k", "v"], "the held command was dropped")
        // More input while held only waits.
        f.feed("*1\r\n$4\r\nQUIT\r\n")
        f.net.processInputBuffer(c)
        XCTAssertEqual(ran, ["PING"])
        // Released: the held SET runs first, then the input behind it, in order.
        hold = false
        c.flags.remove(.blocked)
        f.net.queueForReprocessing(c)
        f.net.processUnblockedClients()
        XCTAssertEqual(ran, ["PING", "SET k v", "GET", "QUIT"])
        XCTAssertFalse(c.flags.contains(.pendingCommand))
        XCTAssertTrue(c.argv.isEmpty)
    }
}
