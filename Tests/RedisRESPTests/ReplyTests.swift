// Reply encoding into a client's output buffer (RESP2 and RESP3), and the client's input path
// (feed → parseNext → processInputBuffer), on a fake client: no socket anywhere.
//
// Redis: addReply* and processInputBuffer (src/networking.c)

import XCTest
@testable import RedisRESP
import RedisEventLoop
import RedisCore

/// A Networking layer and a fake client, enough to run the reply and input code without sockets.
final class FakeConnection {
    let loop = EventLoop(setSize: 64, poller: PollPoller(), tracer: Tracer())
    let net: Networking
    let client: Client

    init() {
        net = Networking(loop: loop, config: Config(), tracer: Tracer(), logger: Logger(), clock: Clock())
        client = net.makeFakeClient()
    }

    /// The pending output as text, then cleared.
    func take() -> String {
        let s = String(decoding: client.pendingOutput, as: UTF8.self)
        client.discardOutput()
        return s
    }

    func feed(_ s: String) { Array(s.utf8).withUnsafeBytes { client.feed($0) } }
}

final class ReplyEncodingTests: XCTestCase {
    func testRESP2Encodings() {
        let f = FakeConnection()
        let c = f.client
        c.addReplyBulk(ByteString("hello"))
        XCTAssertEqual(f.take(), "$5\r\nhello\r\n")
        c.addReplyBulk(ByteString())
        XCTAssertEqual(f.take(), "$0\r\n\r\n")
        c.addReplyBulk("héllo")
        XCTAssertEqual(f.take(), "$6\r\nhéllo\r\n")
        c.addReplyLongLong(42)
        c.addReplyLongLong(-7)
        c.addReplyLongLong(0)
        XCTAssertEqual(f.take(), ":42\r\n:-7\r\n:0\r\n")
        c.addReplyLongLong(Int64.min)
        c.addReplyLongLong(Int64.max)
        XCTAssertEqual(f.take(), ":-9223372036854775808\r\n:9223372036854775807\r\n")
        c.addReplyError("ERR syntax error")
        XCTAssertEqual(f.take(), "-ERR syntax error\r\n")
        c.addReplyNull()
        XCTAssertEqual(f.take(), "$-1\r\n")
        c.addReplyNullArray()
        XCTAssertEqual(f.take(), "*-1\r\n")
        c.addReplyArrayLen(3)
        c.addReplyArrayLen(0)
        XCTAssertEqual(f.take(), "*3\r\n*0\r\n")
        c.addReplyMapLen(2)
        XCTAssertEqual(f.take(), "*4\r\n", "a map is a flat array of 2n in RESP2")
        c.addReplySetLen(5)
        XCTAssertEqual(f.take(), "*5\r\n")
        c.addReplyPushLen(3)
        XCTAssertEqual(f.take(), "*3\r\n", "a push is a plain array in RESP2")
        c.addReplyVerbatim("hello")
        XCTAssertEqual(f.take(), "$5\r\nhello\r\n", "verbatim is a bulk string in RESP2")
        c.addReplyStatus("PONG")
        c.addReplyOK()
        c.addReply("+QUEUED\r\n")
        XCTAssertEqual(f.take(), "+PONG\r\n+OK\r\n+QUEUED\r\n")
    }

    func testRESP3Encodings() {
        let f = FakeConnection()
        let c = f.client
        c.resp = 3
        c.addReplyNull()
        XCTAssertEqual(f.take(), "_\r\n")
        c.addReplyNullArray()
        XCTAssertEqual(f.take(), "_\r\n")
        c.addReplyMapLen(2)
        XCTAssertEqual(f.take(), "%2\r\n")
        c.addReplySetLen(3)
        XCTAssertEqual(f.take(), "~3\r\n")
        c.addReplyPushLen(4)
        XCTAssertEqual(f.take(), ">4\r\n")
        c.addReplyVerbatim("hello")
        XCTAssertEqual(f.take(), "=9\r\ntxt:hello\r\n")
        c.addReplyVerbatim("é")
        XCTAssertEqual(f.take(), "=6\r\ntxt:é\r\n", "the length counts bytes")
        // Unchanged by the protocol version:
        c.addReplyBulk(ByteString("x"))
        c.addReplyLongLong(1)
        c.addReplyArrayLen(2)
        XCTAssertEqual(f.take(), "$1\r\nx\r\n:1\r\n*2\r\n")
    }

    func testBinaryBulkIsCopiedExactly() {
        let f = FakeConnection()
        let raw: [UInt8] = [0, 13, 10, 255, 36]
        f.client.addReplyBulk(ByteString(raw))
        XCTAssertEqual(f.client.pendingOutput, Array("$5\r\n".utf8) + raw + [13, 10])
    }

    func testErrorNewlinesBecomeSpaces() {
        let f = FakeConnection()
        f.client.addReplyError("ERR one\ntwo\rthree")
        XCTAssertEqual(f.take(), "-ERR one two three\r\n")
    }

    func testErrorCRLFPairBecomesTwoSpaces() {
        // Redis 6.2 (addReplyErrorFormat in src/networking.c: sdsmapchars(s, "\r\n", "  ", 2))
        // replaces each CR and LF byte with a space, giving "-ERR bad  thing\r\n". Guards that a
        // CR LF pair (a single Swift Character) in an error text, e.g. one echoing user input,
        // becomes two spaces and cannot end the error line early.
        let f = FakeConnection()
        f.client.addReplyError("ERR bad\r\nthing")
        XCTAssertEqual(f.take(), "-ERR bad  thing\r\n")
    }

    func testErrorRepliesAreCounted() {
        let f = FakeConnection()
        let before = f.net.stats.errorReplies
        f.client.addReplyError("ERR a")
        f.client.addReplyError("WRONGTYPE b")
        f.client.addReplyBulk(ByteString("not an error"))
        XCTAssertEqual(f.net.stats.errorReplies, before + 2)
    }

    func testLargeRepliesGrowTheBuffer() {
        let f = FakeConnection()
        let big = ByteString((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        f.client.addReplyArrayLen(2)
        f.client.addReplyBulk(big)
        f.client.addReplyBulk(big)
        let out = f.client.pendingOutput
        let header = Array("*2\r\n$100000\r\n".utf8)
        XCTAssertEqual(out.count, header.count + 100_000 + 2 + "$100000\r\n".utf8.count + 100_000 + 2)
        XCTAssertEqual(Array(out[0..<header.count]), header)
        XCTAssertEqual(Array(out[header.count..<header.count + 100_000]), big.bytes)
        XCTAssertEqual(Array(out.suffix(100_002)), big.bytes + [13, 10])
        XCTAssertEqual(f.client.outputPending, out.count)
    }

    func testFakeClientIsNeverQueuedForWriting() {
        let f = FakeConnection()
        f.client.addReplyOK()
        XCTAssertTrue(f.net.pendingWrites.isEmpty)
        XCTAssertFalse(f.client.flags.contains(.pendingWrite))
        XCTAssertTrue(f.client.flags.contains(.fake))
        XCTAssertTrue(f.client.hasPendingReplies)
        f.client.discardOutput()
        XCTAssertFalse(f.client.hasPendingReplies)
        XCTAssertEqual(f.client.pendingOutput, [])
    }
}

final class ClientInputTests: XCTestCase {
    func testFeedAndParseNext() {
        let f = FakeConnection()
        f.feed("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPI")
        XCTAssertEqual(f.client.parseNext(), .command)
        XCTAssertEqual(f.client.argv, ["ECHO", "hi"])
        f.client.argv.removeAll()
        XCTAssertEqual(f.client.parseNext(), .incomplete)
        XCTAssertEqual(f.client.queryBufferPending, 2)
        f.feed("NG\r\n")
        XCTAssertEqual(f.client.parseNext(), .command)
        XCTAssertEqual(f.client.argv, ["PING"])
    }

    func testProcessInputBufferRunsEveryWholeCommand() {
        let f = FakeConnection()
        var seen: [[ByteString]] = []
        f.net.processCommand = { c in
            seen.append(c.argv)
            c.addReplyOK()
        }
        f.feed("*1\r\n$4\r\nPING\r\nECHO \"a b\"\r\n\r\n*0\r\n*2\r\n$3\r\nGET\r\n$1\r\n")
        f.net.processInputBuffer(f.client)
        XCTAssertEqual(seen, [["PING"], ["ECHO", "a b"]], "empty lines and *0 run nothing")
        // The partial GET: its header and first argument are consumed, the parser waits for 1 byte.
        XCTAssertEqual(f.client.argv, ["GET"])
        XCTAssertEqual(f.client.parser.bulkLength, 1)
        XCTAssertEqual(f.client.queryBufferPending, 0)
        f.feed("k\r\n")
        f.net.processInputBuffer(f.client)
        XCTAssertEqual(seen, [["PING"], ["ECHO", "a b"], ["GET", "k"]])
        XCTAssertEqual(f.client.queryBufferPending, 0)
        XCTAssertTrue(f.client.argv.isEmpty, "argv is cleared after each command")
        XCTAssertEqual(f.net.stats.commandsProcessed, 3)
        XCTAssertEqual(f.take(), "+OK\r\n+OK\r\n+OK\r\n")
    }

    func testProtocolErrorRepliesAndStopsProcessing() {
        let f = FakeConnection()
        var seen: [[ByteString]] = []
        f.net.processCommand = { c in seen.append(c.argv) }
        f.feed("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n")
        f.net.processInputBuffer(f.client)
        XCTAssertEqual(seen, [["PING"]])
        XCTAssertEqual(f.take(), "-ERR Protocol error: invalid bulk length\r\n")
        XCTAssertTrue(f.client.flags.contains(.closeAfterReply))
        // Later input is ignored.
        f.feed("*1\r\n$4\r\nPING\r\n")
        f.net.processInputBuffer(f.client)
        XCTAssertEqual(seen.count, 1)
    }

    func testCommandsSeeBinaryArguments() {
        let f = FakeConnection()
        var seen: [ByteString] = []
        f.net.processCommand = { c in seen = c.argv }
        let payload: [UInt8] = [0, 13, 10, 42]
        (Array("*2\r\n$3\r\nSET\r\n$4\r\n".utf8) + payload + [13, 10]).withUnsafeBytes { f.client.feed($0) }
        f.net.processInputBuffer(f.client)
        XCTAssertEqual(seen, ["SET", ByteString(payload)])
    }

    func testLargeRequestAcrossManyFeeds() {
        let f = FakeConnection()
        var sizes: [Int] = []
        f.net.processCommand = { c in sizes.append(c.argv[1].count) }
        let value = [UInt8](repeating: 120, count: 200_000)
        let request = Array("*2\r\n$3\r\nSET\r\n$200000\r\n".utf8) + value + [13, 10]
        var i = 0
        while i < request.count {
            let n = min(16 * 1024, request.count - i)
            request[i..<i + n].withUnsafeBytes { f.client.feed($0) }
            f.net.processInputBuffer(f.client)
            i += n
        }
        XCTAssertEqual(sizes, [200_000])
        XCTAssertEqual(f.client.queryBufferPending, 0)
    }

    func testSetMaxBulkLengthAppliesToTheParser() {
        let f = FakeConnection()
        f.client.setMaxBulkLength(4)
        f.net.processCommand = { _ in XCTFail("must not run") }
        f.feed("*1\r\n$5\r\nhello\r\n")
        f.net.processInputBuffer(f.client)
        XCTAssertEqual(f.take(), "-ERR Protocol error: invalid bulk length\r\n")
    }
}
