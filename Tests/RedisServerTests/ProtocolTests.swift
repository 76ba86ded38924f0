// Malformed input over raw sockets. For each protocol error the client gets Redis 6.2's exact
// reply and is then disconnected by the server, while another client on the same server carries
// on as if nothing happened. Headers that announce huge sizes must not make the server allocate
// them, and a flood of random bytes must not bring it down.
//
// Redis: processInlineBuffer, processMultibulkBuffer, setProtocolError (src/networking.c)

import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ProtocolErrorTests: ServerTestCase {
    /// Reads from `c` until the server closes it or `timeout` passes; returns what came and
    /// whether the connection was closed.
    func drain(_ c: RawClient, timeout: Double = 5) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var p = pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            if poll(&p, 1, ms) <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { read(c.fd, $0.baseAddress, 65536) }
            if n > 0 { out += chunk[0..<n]; continue }
            return (out, true)  // EOF, or a reset after the reply
        }
        return (out, false)
    }

    /// Sends `input` on a fresh connection and checks: exactly `reply` comes back, the server
    /// closes that connection, and a client connected before still gets PONG.
    func assertProtocolError(_ input: [UInt8], _ reply: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let s = try startServer()
        let bystander = try connect(s)
        expect(bystander, "PING", is: "+PONG\r\n", file: file, line: line)
        let c = try connect(s)
        c.send(raw: input)
        let (got, closed) = drain(c)
        XCTAssertEqual(esc(got), esc(Array(reply.utf8)), file: file, line: line)
        XCTAssertTrue(closed, "the server did not close the connection", file: file, line: line)
        expect(bystander, "PING", is: "+PONG\r\n", file: file, line: line)
        expect(try connect(s), "PING", is: "+PONG\r\n", file: file, line: line)
        XCTAssertTrue(s.isRunning, file: file, line: line)
    }

    func testInvalidMultibulkLength() throws {
        try assertProtocolError(Array("*abc\r\n".utf8), "-ERR Protocol error: invalid multibulk length\r\n")
    }

    func testInvalidBulkLength() throws {
        try assertProtocolError(Array("*1\r\n$x\r\n".utf8), "-ERR Protocol error: invalid bulk length\r\n")
    }

    func testExpectedDollar() throws {
        try assertProtocolError(Array("*1\r\nfoo\r\n".utf8), "-ERR Protocol error: expected '$', got 'f'\r\n")
    }

    func testTooBigInlineRequest() throws {
        // More than PROTO_INLINE_MAX_SIZE (64 KB) with no newline.
        try assertProtocolError([UInt8](repeating: UInt8(ascii: "a"), count: 70_000),
                                "-ERR Protocol error: too big inline request\r\n")
    }

    func testTooBigMultibulkCountString() throws {
        try assertProtocolError(Array("*".utf8) + [UInt8](repeating: UInt8(ascii: "1"), count: 70_000),
                                "-ERR Protocol error: too big mbulk count string\r\n")
    }

    func testUnbalancedQuotesInline() throws {
        try assertProtocolError(Array("set \"a b\r\n".utf8), "-ERR Protocol error: unbalanced quotes in request\r\n")
    }

    func testBulkLengthAboveProtoMaxBulkLen() throws {
        // 600 MB: above proto-max-bulk-len (512 MB), refused before anything is allocated.
        try assertProtocolError(Array("*1\r\n$600000000\r\n".utf8), "-ERR Protocol error: invalid bulk length\r\n")
    }

    func testMultibulkLengthAboveIntMax() throws {
        try assertProtocolError(Array("*3000000000\r\n".utf8), "-ERR Protocol error: invalid multibulk length\r\n")
    }

    func testCommandsBeforeTheErrorAreAnswered() throws {
        // Redis answers what it parsed before the bad bytes, then the error, then closes.
        try assertProtocolError(Array("PING\r\n*1\r\n$4\r\nPING\r\n*abc\r\nPING\r\n".utf8),
                                "+PONG\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n")
    }

    /// `*2000000000` is a legal header (below INT_MAX): Redis waits for the arguments without
    /// reserving room for two billion of them (CVE-2021-32675).
    func testTwoBillionElementHeaderAllocatesNothing() throws {
        let s = try startServer()
        let other = try connect(s)
        let rssBefore = Int64(infoField(other, "memory", "used_memory_rss") ?? "") ?? 0
        XCTAssertGreaterThan(rssBefore, 0)
        let c = try connect(s)
        c.send(raw: "*2000000000\r\n")
        // Not an error: the client is left waiting for more data.
        XCTAssertTrue(staysOpenAndSilent(c, ms: 300), "the server replied or closed the connection")
        c.send(raw: "$3\r\nSET\r\n$1\r\nk\r\n")
        XCTAssertTrue(staysOpenAndSilent(c, ms: 100))
        expect(other, "PING", is: "+PONG\r\n")
        let rssAfter = Int64(infoField(other, "memory", "used_memory_rss") ?? "") ?? 0
        XCTAssertLessThan(rssAfter - rssBefore, 32 << 20,
                          "RSS grew from \(rssBefore) to \(rssAfter) bytes after a 2-billion-element header")
        expect(other, "EXISTS", "k", is: ":0\r\n")
        XCTAssertTrue(s.isRunning)
    }

    func testRandomBytesFromSeveralClients() throws {
        let s = try startServer()
        let bystander = try connect(s)
        expect(bystander, "SET", "safe", "1", is: "+OK\r\n")
        var rng = SeededGenerator(seed: 0x5EED_2021)
        // 1 MB in all, from four clients, interleaved in 16 KB writes.
        let clients = try (0..<4).map { _ in try connect(s) }
        for _ in 0..<16 {
            for c in clients {
                var chunk = [UInt8](repeating: 0, count: 16 * 1024)
                for i in chunk.indices { chunk[i] = UInt8(truncatingIfNeeded: rng.next()) }
                c.send(raw: chunk)
            }
        }
        // Whatever each of them got, the server is up and the bystander is untouched.
        expect(bystander, "PING", is: "+PONG\r\n")
        expect(bystander, "GET", "safe", is: "$1\r\n1\r\n")
        expect(try connect(s), "PING", is: "+PONG\r\n")
        XCTAssertTrue(s.isRunning)
    }
}

final class InlineAndPipeliningTests: ServerTestCase {
    func testInlineCommands() throws {
        let c = try connect(try startServer())
        c.send(raw: "PING\r\n")
        XCTAssertEqual(esc(try c.readRawReply()), esc(Array("+PONG\r\n".utf8)))
        c.send(raw: "SET a \"b c\"\r\n")
        XCTAssertEqual(esc(try c.readRawReply()), esc(Array("+OK\r\n".utf8)))
        expect(c, "GET", "a", is: "$3\r\nb c\r\n")
        // A bare \n ends a line too; quotes may be single; escapes work inside double quotes.
        c.send(raw: "ECHO 'x y'\nECHO \"tab\\there\"\r\n")
        XCTAssertEqual(esc(try c.readRawReply()), esc(Array("$3\r\nx y\r\n".utf8)))
        XCTAssertEqual(esc(try c.readRawReply()), esc(Array("$8\r\ntab\there\r\n".utf8)))
        // An empty line is no command at all: only one reply comes.
        c.send(raw: "\r\n\r\nPING\r\n")
        XCTAssertEqual(esc(try c.readRawReply()), esc(Array("+PONG\r\n".utf8)))
        expect(c, "ECHO", "after", is: "$5\r\nafter\r\n")
    }

    func testPipelinedThousandCommandsInOneWrite() throws {
        let c = try connect(try startServer())
        var burst: [UInt8] = []
        for i in 0..<1000 {
            if i % 2 == 0 {
                burst += RawClient.encode([Array("INCR".utf8), Array("ctr".utf8)])
            } else {
                burst += RawClient.encode([Array("ECHO".utf8), Array("msg-\(i)".utf8)])
            }
        }
        XCTAssertGreaterThan(burst.count, 16 * 1024, "the burst should span several reads")
        c.send(raw: burst)
        for i in 0..<1000 {
            let r = try c.readReply()
            let want: RESPValue = i % 2 == 0 ? .integer(Int64(i / 2 + 1)) : .bulk(Array("msg-\(i)".utf8))
            if r != want { XCTFail("reply \(i): \(r), expected \(want)"); break }
        }
        // Inline commands pipeline too.
        c.send(raw: String(repeating: "PING\r\n", count: 100))
        for _ in 0..<100 { XCTAssertEqual(try c.readReply(), .simple("PONG")) }
        expect(c, "GET", "ctr", is: "$3\r\n500\r\n")
    }

    /// Replies bigger than the socket buffer to a client that does not read for a while: the
    /// server keeps them in the output buffer, serves others meanwhile, and sends everything, in
    /// order, once the client reads.
    func testBigRepliesToASlowReader() throws {
        let s = try startServer()
        let c = try connect(s)
        var value = [UInt8](repeating: 0, count: 1 << 20)
        for i in value.indices { value[i] = UInt8(truncatingIfNeeded: i / 7) }
        XCTAssertEqual(try c.call([Array("SET".utf8), Array("big".utf8), value]), .simple("OK"))
        var burst: [UInt8] = []
        for i in 0..<16 {
            burst += RawClient.encode([Array("GET".utf8), Array("big".utf8)])
            burst += RawClient.encode([Array("ECHO".utf8), Array("after-\(i)".utf8)])
        }
        c.send(raw: burst)
        // 16 MB are waiting for this client; another one is served at once.
        let other = try connect(s)
        let start = Date()
        expect(other, "PING", is: "+PONG\r\n")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
        usleep(100_000)
        for i in 0..<16 {
            XCTAssertEqual(try c.readReply(), .bulk(value), "GET \(i)")
            XCTAssertEqual(try c.readReply(), .bulk(Array("after-\(i)".utf8)))
        }
        expect(c, "PING", is: "+PONG\r\n")
    }

    func testManyClientsAtOnce() throws {
        let s = try startServer()
        let clients = try (0..<200).map { _ in try connect(s) }
        for c in clients { c.send(raw: RawClient.encode([Array("INCR".utf8), Array("n".utf8)])) }
        var seen = Set<Int64>()
        for c in clients {
            if case .integer(let v) = try c.readReply() { seen.insert(v) }
        }
        XCTAssertEqual(seen, Set(1...200), "every client's INCR ran exactly once")
        XCTAssertEqual(infoField(clients[0], "clients", "connected_clients"), "200")
    }

    func testRequestSplitIntoOneByteWrites() throws {
        let c = try connect(try startServer())
        var one: Int32 = 1
        setsockopt(c.fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        func trickle(_ bytes: [UInt8]) {
            for b in bytes { c.send(raw: [b]); usleep(1000) }
        }
        trickle(RawClient.encode([Array("SET".utf8), Array("k".utf8), Array("hello\r\nworld".utf8)]))
        XCTAssertEqual(try c.readReply(), .simple("OK"))
        trickle(Array("GET k\r\n".utf8))
        XCTAssertEqual(try c.readReply(), .bulk(Array("hello\r\nworld".utf8)))
        expect(c, "PING", is: "+PONG\r\n")
    }
}
