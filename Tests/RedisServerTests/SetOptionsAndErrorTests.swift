// SET's options, and the error replies a client sees, word for word as Redis 6.2 sends them.
//
// Redis: setCommand, parseExtendedStringArgumentsOrReply, getExpireMillisecondsOrReply
// (src/t_string.c), processCommand (src/server.c), selectCommand, renameGenericCommand (src/db.c)

import Foundation
import TestSupport
import XCTest

final class SetOptionsTests: ServerTestCase {
    func testSetNXAndXX() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", "XX", is: "$-1\r\n")
        expect(c, "EXISTS", "k", is: ":0\r\n")
        expect(c, "SET", "k", "v", "NX", is: "+OK\r\n")
        expect(c, "SET", "k", "w", "NX", is: "$-1\r\n")
        expect(c, "GET", "k", is: "$1\r\nv\r\n")
        expect(c, "SET", "k", "w", "XX", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$1\r\nw\r\n")
        expect(c, "set", "k", "x", "xx", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$1\r\nx\r\n")
    }

    func testSetGetReturnsTheOldValue() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "g", "1", "GET", is: "$-1\r\n")
        expect(c, "SET", "g", "2", "GET", is: "$1\r\n1\r\n")
        expect(c, "GET", "g", is: "$1\r\n2\r\n")
        expect(c, "SET", "g", "3", "XX", "GET", is: "$1\r\n2\r\n")
        expect(c, "SET", "missing", "3", "XX", "GET", is: "$-1\r\n")
        expect(c, "EXISTS", "missing", is: ":0\r\n")
        expect(c, "GET", "g", is: "$1\r\n3\r\n")
    }

    func testSetExpiryOptions() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", "EX", "100", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        expect(c, "SET", "k", "v", "PX", "100000", is: "+OK\r\n")
        let pttl = int(c, "PTTL", "k") ?? 0
        XCTAssert((99_000...100_000).contains(pttl), "PTTL after PX 100000: \(pttl)")
        expect(c, "SET", "k", "v", "EXAT", String(nowMs() / 1000 + 100), is: "+OK\r\n")
        let ttl = int(c, "TTL", "k") ?? 0
        XCTAssert((98...100).contains(ttl), "TTL after EXAT now+100: \(ttl)")
        expect(c, "SET", "k", "v", "PXAT", String(nowMs() + 200_000), is: "+OK\r\n")
        let ttl2 = int(c, "TTL", "k") ?? 0
        XCTAssert((198...200).contains(ttl2), "TTL after PXAT now+200 s: \(ttl2)")
        // KEEPTTL: a new value, the old time to live.
        expect(c, "SET", "k", "v", "EX", "100", is: "+OK\r\n")
        expect(c, "SET", "k", "w", "KEEPTTL", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":100\r\n")
        expect(c, "GET", "k", is: "$1\r\nw\r\n")
        // A plain SET forgets it.
        expect(c, "SET", "k", "x", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":-1\r\n")
        // Options combine, in any order and case.
        expect(c, "set", "n", "1", "ex", "50", "nx", is: "+OK\r\n")
        expect(c, "TTL", "n", is: ":50\r\n")
        // EXAT in the past: the key is set and immediately gone.
        expect(c, "SET", "past", "v", "PXAT", "1000", is: "+OK\r\n")
        expect(c, "GET", "past", is: "$-1\r\n")
    }

    // Redis 6.2's parseExtendedStringArgumentsOrReply (src/t_string.c) refuses only a *different*
    // expire option: EX may follow EX (PX PX, EXAT EXAT, PXAT PXAT), so `SET k v EX 10 EX 20`
    // replies +OK and the last one wins (TTL 20); GETEX likewise. Guards that a repeated expire
    // option is accepted for SET and GETEX.
    func testRepeatedExpireOptionLastOneWins() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", "EX", "10", "EX", "20", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":20\r\n")
        expect(c, "SET", "k", "v", "PX", "10000", "PX", "30000", is: "+OK\r\n")
        expect(c, "TTL", "k", is: ":30\r\n")
        expect(c, "GETEX", "k", "EX", "10", "EX", "40", is: "$1\r\nv\r\n")
        expect(c, "TTL", "k", is: ":40\r\n")
    }

    func testSetSyntaxErrors() throws {
        let c = try connect(try startServer())
        let syntax = "-ERR syntax error\r\n"
        expect(c, "SET", "k", "v", "NX", "XX", is: syntax)
        // Redis 6.2 refuses NX with GET (Redis 7 allows it).
        expect(c, "SET", "k", "v", "NX", "GET", is: syntax)
        expect(c, "SET", "k", "v", "EX", "10", "PX", "100", is: syntax)
        expect(c, "SET", "k", "v", "EX", "10", "EXAT", "100", is: syntax)
        expect(c, "SET", "k", "v", "KEEPTTL", "EX", "10", is: syntax)
        expect(c, "SET", "k", "v", "PX", "10", "KEEPTTL", is: syntax)
        expect(c, "SET", "k", "v", "FOO", is: syntax)
        expect(c, "SET", "k", "v", "EX", is: syntax)
        expect(c, "EXISTS", "k", is: ":0\r\n")
    }

    func testSetInvalidExpireTimes() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", "EX", "0", is: "-ERR invalid expire time in set\r\n")
        expect(c, "SET", "k", "v", "EX", "-1", is: "-ERR invalid expire time in set\r\n")
        expect(c, "SET", "k", "v", "PX", "0", is: "-ERR invalid expire time in set\r\n")
        expect(c, "SET", "k", "v", "EXAT", "-5", is: "-ERR invalid expire time in set\r\n")
        // Seconds that overflow once turned into milliseconds.
        expect(c, "SET", "k", "v", "EX", "9223372036854775807", is: "-ERR invalid expire time in set\r\n")
        expect(c, "SET", "k", "v", "EX", "abc", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "SET", "k", "v", "PX", "1.5", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "EXISTS", "k", is: ":0\r\n")
    }
}

final class ErrorReplyTests: ServerTestCase {
    func testWrongNumberOfArguments() throws {
        let c = try connect(try startServer())
        expect(c, "GET", is: "-ERR wrong number of arguments for 'get' command\r\n")
        expect(c, "GET", "a", "b", is: "-ERR wrong number of arguments for 'get' command\r\n")
        expect(c, "set", "a", is: "-ERR wrong number of arguments for 'set' command\r\n")
        expect(c, "EXPIRE", "a", is: "-ERR wrong number of arguments for 'expire' command\r\n")
        // The connection stays usable after an error.
        expect(c, "PING", is: "+PONG\r\n")
    }

    func testUnknownCommand() throws {
        let c = try connect(try startServer())
        expect(c, "foo", "bar", is: "-ERR unknown command `foo`, with args beginning with: `bar`, \r\n")
        expect(c, "foo", is: "-ERR unknown command `foo`, with args beginning with: \r\n")
        expect(c, "FOO", "a", "b c", is: "-ERR unknown command `FOO`, with args beginning with: `a`, `b c`, \r\n")
        expect(c, "PING", is: "+PONG\r\n")
    }

    func testIntegerAndOverflowErrors() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "max", "9223372036854775807", is: "+OK\r\n")
        expect(c, "INCR", "max", is: "-ERR increment or decrement would overflow\r\n")
        expect(c, "INCRBY", "x", "9223372036854775808", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "INCRBYFLOAT", "x", "nan", is: "-ERR value is not a valid float\r\n")
        expect(c, "INCRBYFLOAT", "x", "1.5x", is: "-ERR value is not a valid float\r\n")
        expect(c, "EXISTS", "x", is: ":0\r\n")
    }

    func testSelectAndRenameErrors() throws {
        let c = try connect(try startServer())
        expect(c, "SELECT", "16", is: "-ERR DB index is out of range\r\n")
        expect(c, "SELECT", "-1", is: "-ERR DB index is out of range\r\n")
        expect(c, "SELECT", "abc", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "RENAME", "nosuch", "x", is: "-ERR no such key\r\n")
        expect(c, "RENAMENX", "nosuch", "x", is: "-ERR no such key\r\n")
    }
}
