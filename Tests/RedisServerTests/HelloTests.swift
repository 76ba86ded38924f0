// HELLO and the protocol switch: the reply in RESP2 and RESP3, the version checks, AUTH and
// SETNAME inside HELLO, and HELLO before authentication.
//
// Redis: helloCommand (src/networking.c)

import Foundation
import TestSupport
import XCTest

final class HelloTests: ServerTestCase {
    /// The seven fields in Redis 6.2's order, with this connection's id.
    func helloBody(proto: Int, id: Int64) -> String {
        "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n6.2.14\r\n$5\r\nproto\r\n:\(proto)\r\n"
            + "$2\r\nid\r\n:\(id)\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
            + "$7\r\nmodules\r\n*0\r\n"
    }

    func testHelloReplyInBothProtocols() throws {
        let c = try connect(try startServer())
        // HELLO with no version keeps RESP2 and answers a flat array of 14.
        guard case .array(let a?) = call(c, "HELLO"), a.count == 14, case .integer(let id) = a[7] else {
            return XCTFail("HELLO is not a 14-element array")
        }
        expect(c, "HELLO", "2", is: "*14\r\n" + helloBody(proto: 2, id: id))
        expect(c, "GET", "nosuch", is: "$-1\r\n")
        // HELLO 3: the reply itself is already a RESP3 map, and so is everything after it.
        expect(c, "HELLO", "3", is: "%7\r\n" + helloBody(proto: 3, id: id))
        expect(c, "GET", "nosuch", is: "_\r\n")
        expect(c, "HELLO", is: "%7\r\n" + helloBody(proto: 3, id: id))
        // Back to RESP2.
        expect(c, "HELLO", "2", is: "*14\r\n" + helloBody(proto: 2, id: id))
        expect(c, "GET", "nosuch", is: "$-1\r\n")
    }

    func testBadVersionsAndOptions() throws {
        let c = try connect(try startServer())
        expect(c, "HELLO", "1", is: "-NOPROTO unsupported protocol version\r\n")
        expect(c, "HELLO", "4", is: "-NOPROTO unsupported protocol version\r\n")
        expect(c, "HELLO", "three", is: "-ERR Protocol version is not an integer or out of range\r\n")
        expect(c, "HELLO", "3", "FOO", is: "-ERR Syntax error in HELLO option 'FOO'\r\n")
        // AUTH needs two arguments: with one it is an unknown option.
        expect(c, "HELLO", "3", "AUTH", "default", is: "-ERR Syntax error in HELLO option 'AUTH'\r\n")
        expect(c, "HELLO", "3", "SETNAME", "a b", is: "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        // A failed HELLO switches nothing.
        expect(c, "GET", "nosuch", is: "$-1\r\n")
    }

    func testHelloWithPassword() throws {
        let s = try startServer(["--requirepass", "sekret"])
        let c = try connect(s)
        expect(c, "GET", "x", is: "-NOAUTH Authentication required.\r\n")
        expect(c, "HELLO", "3", is: "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n")
        expect(c, "HELLO", "3", "AUTH", "default", "wrong", is: "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        expect(c, "HELLO", "3", "AUTH", "alice", "sekret", is: "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        guard case .map(let kv) = call(c, "HELLO", "3", "AUTH", "default", "sekret"), kv.count == 14 else {
            return XCTFail("HELLO AUTH did not answer the map")
        }
        expect(c, "GET", "x", is: "_\r\n")
    }
}
