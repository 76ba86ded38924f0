// A client's life as the server manages it: QUIT, the maxclients limit, and the query-buffer
// limit that cuts off a client sending more than it lets the server parse.
//
// Redis: processCommand's QUIT branch (src/server.c), acceptCommonHandler,
// readQueryFromClient (src/networking.c)

import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ClientLifecycleTests: ServerTestCase {
    func testQuitRepliesOKAndCloses() throws {
        let s = try startServer()
        let c = try connect(s)
        // Whatever follows QUIT in the same write is never executed.
        c.send(raw: RawClient.encode([Array("QUIT".utf8)]) + Array("SET after 1\r\n".utf8))
        XCTAssertEqual(esc(c.readUntilClosed()), esc(Array("+OK\r\n".utf8)))
        expect(try connect(s), "EXISTS", "after", is: ":0\r\n")
        // Inline QUIT, lower case.
        let d = try connect(s)
        d.send(raw: "quit\r\n")
        XCTAssertEqual(esc(d.readUntilClosed()), esc(Array("+OK\r\n".utf8)))
    }

    func testMaxclientsRefusesTheThirdClient() throws {
        let s = try startServer(["--maxclients", "2"])
        let c1 = try connect(s)
        expect(c1, "PING", is: "+PONG\r\n")
        var c2: RawClient? = try connect(s)
        expect(c2!, "PING", is: "+PONG\r\n")
        let c3 = try connect(s)
        XCTAssertEqual(esc(c3.readUntilClosed()), esc(Array("-ERR max number of clients reached\r\n".utf8)))
        XCTAssertEqual(infoField(c1, "stats", "rejected_connections"), "1")
        XCTAssertEqual(infoField(c1, "clients", "connected_clients"), "2")
        // Once one leaves, a newcomer is welcome again.
        c2 = nil
        XCTAssertTrue(waitUntil(5) { infoField(c1, "clients", "connected_clients") == "1" })
        let c4 = try connect(s)
        expect(c4, "PING", is: "+PONG\r\n")
    }

    func testQueryBufferLimitClosesTheClient() throws {
        let s = try startServer(["--client-query-buffer-limit", "1mb"])
        let bystander = try connect(s)
        expect(bystander, "PING", is: "+PONG\r\n")
        let c = try connect(s)
        // A 3 MB argument of which 2 MB arrive: more than 1 MB waiting in the query buffer.
        c.send(raw: Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n".utf8))
        c.send(raw: [UInt8](repeating: UInt8(ascii: "x"), count: 2_000_000))
        XCTAssertTrue(c.isClosedByServer(), "the client over the query buffer limit is still connected")
        expect(bystander, "PING", is: "+PONG\r\n")
        expect(bystander, "EXISTS", "k", is: ":0\r\n")
        XCTAssertTrue(s.log.contains("max query buffer length"), "no log line about the limit:\n\(s.log)")
    }
}
