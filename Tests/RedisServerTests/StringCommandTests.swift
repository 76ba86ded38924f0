// The string commands over a real socket, with the exact RESP bytes Redis 6.2 sends back.
//
// Redis: src/t_string.c (getCommand, setCommand, incrDecrCommand, appendCommand, getrangeCommand,
// setrangeCommand, mgetCommand, msetGenericCommand, getexCommand, getdelCommand,
// incrbyfloatCommand), src/server.c (pingCommand, echoCommand)

import Foundation
import TestSupport
import XCTest

final class StringCommandTests: ServerTestCase {
    func testPingAndEcho() throws {
        let c = try connect(try startServer())
        expect(c, "PING", is: "+PONG\r\n")
        expect(c, "ping", is: "+PONG\r\n")
        expect(c, "PING", "hello", is: "$5\r\nhello\r\n")
        expect(c, "ECHO", "hi there", is: "$8\r\nhi there\r\n")
        expect(c, "ECHO", "", is: "$0\r\n\r\n")
        expect(c, "PING", "a", "b", is: "-ERR wrong number of arguments for 'ping' command\r\n")
        expect(c, "ECHO", is: "-ERR wrong number of arguments for 'echo' command\r\n")
    }

    func testSetGetDelExists() throws {
        let c = try connect(try startServer())
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$1\r\nv\r\n")
        expect(c, "GET", "nosuch", is: "$-1\r\n")
        expect(c, "SET", "k", "value2", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$6\r\nvalue2\r\n")
        expect(c, "SET", "empty", "", is: "+OK\r\n")
        expect(c, "GET", "empty", is: "$0\r\n\r\n")
        // EXISTS counts a key as many times as it is named.
        expect(c, "EXISTS", "k", "k", "nosuch", is: ":2\r\n")
        expect(c, "DEL", "k", "empty", "nosuch", is: ":2\r\n")
        expect(c, "DEL", "k", is: ":0\r\n")
        expect(c, "EXISTS", "k", is: ":0\r\n")
        expect(c, "SET", "u", "1", is: "+OK\r\n")
        expect(c, "UNLINK", "u", "nosuch", is: ":1\r\n")
        expect(c, "GET", "u", is: "$-1\r\n")
    }

    func testIncrDecrFamily() throws {
        let c = try connect(try startServer())
        expect(c, "INCR", "n", is: ":1\r\n")
        expect(c, "INCR", "n", is: ":2\r\n")
        expect(c, "INCRBY", "n", "10", is: ":12\r\n")
        expect(c, "DECR", "n", is: ":11\r\n")
        expect(c, "DECRBY", "n", "20", is: ":-9\r\n")
        expect(c, "INCRBY", "n", "-1", is: ":-10\r\n")
        expect(c, "GET", "n", is: "$3\r\n-10\r\n")
        expect(c, "DECR", "fresh", is: ":-1\r\n")
        expect(c, "SET", "s", "abc", is: "+OK\r\n")
        expect(c, "INCR", "s", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "SET", "sp", " 1", is: "+OK\r\n")
        expect(c, "INCR", "sp", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "INCRBY", "n", "abc", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "SET", "big", "9223372036854775807", is: "+OK\r\n")
        expect(c, "INCR", "big", is: "-ERR increment or decrement would overflow\r\n")
        expect(c, "GET", "big", is: "$19\r\n9223372036854775807\r\n")
        expect(c, "SET", "small", "-9223372036854775808", is: "+OK\r\n")
        expect(c, "DECR", "small", is: "-ERR increment or decrement would overflow\r\n")
        expect(c, "INCRBY", "small", "-1", is: "-ERR increment or decrement would overflow\r\n")
    }

    func testIncrByFloat() throws {
        let c = try connect(try startServer())
        expect(c, "INCRBYFLOAT", "f", "10.5", is: "$4\r\n10.5\r\n")
        // The classic: not 10.600000000000001. Redis prints with %.17Lg and trims.
        expect(c, "INCRBYFLOAT", "f", "0.1", is: "$4\r\n10.6\r\n")
        expect(c, "GET", "f", is: "$4\r\n10.6\r\n")
        expect(c, "SET", "g", "5.0e3", is: "+OK\r\n")
        expect(c, "INCRBYFLOAT", "g", "2.0e2", is: "$4\r\n5200\r\n")
        expect(c, "INCRBYFLOAT", "h", "-5", is: "$2\r\n-5\r\n")
        expect(c, "INCRBYFLOAT", "f", "abc", is: "-ERR value is not a valid float\r\n")
        expect(c, "SET", "s", "abc", is: "+OK\r\n")
        expect(c, "INCRBYFLOAT", "s", "1", is: "-ERR value is not a valid float\r\n")
        expect(c, "GET", "f", is: "$4\r\n10.6\r\n")
    }

    func testAppendStrlenGetrangeSetrange() throws {
        let c = try connect(try startServer())
        expect(c, "APPEND", "s", "Hello", is: ":5\r\n")
        expect(c, "APPEND", "s", " World", is: ":11\r\n")
        expect(c, "STRLEN", "s", is: ":11\r\n")
        expect(c, "STRLEN", "nosuch", is: ":0\r\n")
        expect(c, "GETRANGE", "s", "0", "4", is: "$5\r\nHello\r\n")
        expect(c, "GETRANGE", "s", "-5", "-1", is: "$5\r\nWorld\r\n")
        expect(c, "GETRANGE", "s", "0", "-1", is: "$11\r\nHello World\r\n")
        expect(c, "GETRANGE", "s", "5", "3", is: "$0\r\n\r\n")
        expect(c, "GETRANGE", "s", "100", "200", is: "$0\r\n\r\n")
        expect(c, "GETRANGE", "nosuch", "0", "-1", is: "$0\r\n\r\n")
        expect(c, "SETRANGE", "s", "6", "Redis", is: ":11\r\n")
        expect(c, "GET", "s", is: "$11\r\nHello Redis\r\n")
        // Past the end: the gap is filled with zero bytes.
        expect(c, "SETRANGE", "pad", "5", "x", is: ":6\r\n")
        expect(c, "GET", "pad", is: "$6\r\n\0\0\0\0\0x\r\n")
        expect(c, "SETRANGE", "s", "-1", "x", is: "-ERR offset is out of range\r\n")
        // An empty value on a missing key creates nothing.
        expect(c, "SETRANGE", "none", "0", "", is: ":0\r\n")
        expect(c, "EXISTS", "none", is: ":0\r\n")
    }

    func testMgetMsetMsetnx() throws {
        let c = try connect(try startServer())
        expect(c, "MSET", "a", "1", "b", "2", is: "+OK\r\n")
        expect(c, "MGET", "a", "b", "nosuch", is: "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n")
        // MSETNX sets nothing if any key exists…
        expect(c, "MSETNX", "a", "3", "c", "4", is: ":0\r\n")
        expect(c, "MGET", "a", "c", is: "*2\r\n$1\r\n1\r\n$-1\r\n")
        // …and everything if none does.
        expect(c, "MSETNX", "c", "3", "d", "4", is: ":1\r\n")
        expect(c, "MGET", "c", "d", is: "*2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "MSET", "a", "1", "b", is: "-ERR wrong number of arguments for MSET\r\n")
        // Redis 6.2's msetGenericCommand says MSET for MSETNX too.
        expect(c, "MSETNX", "x", "1", "y", is: "-ERR wrong number of arguments for MSET\r\n")
        expect(c, "MSET", "a", is: "-ERR wrong number of arguments for 'mset' command\r\n")
        expect(c, "EXISTS", "x", is: ":0\r\n")
    }

    func testGetsetGetdelGetex() throws {
        let c = try connect(try startServer())
        expect(c, "GETSET", "k", "1", is: "$-1\r\n")
        expect(c, "GETSET", "k", "2", is: "$1\r\n1\r\n")
        expect(c, "GETDEL", "k", is: "$1\r\n2\r\n")
        expect(c, "GETDEL", "k", is: "$-1\r\n")
        expect(c, "EXISTS", "k", is: ":0\r\n")

        expect(c, "SET", "e", "v", is: "+OK\r\n")
        expect(c, "GETEX", "e", is: "$1\r\nv\r\n")
        expect(c, "TTL", "e", is: ":-1\r\n")
        expect(c, "GETEX", "e", "EX", "100", is: "$1\r\nv\r\n")
        expect(c, "TTL", "e", is: ":100\r\n")
        expect(c, "GETEX", "e", "PX", "50000", is: "$1\r\nv\r\n")
        let pttl = int(c, "PTTL", "e") ?? 0
        XCTAssert((49_000...50_000).contains(pttl), "PTTL after GETEX PX 50000: \(pttl)")
        expect(c, "GETEX", "e", "EXAT", String(nowMs() / 1000 + 200), is: "$1\r\nv\r\n")
        let ttl = int(c, "TTL", "e") ?? 0
        XCTAssert((198...200).contains(ttl), "TTL after GETEX EXAT now+200: \(ttl)")
        expect(c, "GETEX", "e", "PXAT", String(nowMs() + 300_000), is: "$1\r\nv\r\n")
        let ttl2 = int(c, "TTL", "e") ?? 0
        XCTAssert((298...300).contains(ttl2), "TTL after GETEX PXAT now+300s: \(ttl2)")
        expect(c, "GETEX", "e", "PERSIST", is: "$1\r\nv\r\n")
        expect(c, "TTL", "e", is: ":-1\r\n")
        expect(c, "GETEX", "nosuch", "EX", "10", is: "$-1\r\n")
        expect(c, "GETEX", "e", "EX", "0", is: "-ERR invalid expire time in getex\r\n")
        expect(c, "GETEX", "e", "EX", "10", "PX", "10", is: "-ERR syntax error\r\n")
        expect(c, "GETEX", "e", "FOO", is: "-ERR syntax error\r\n")
        expect(c, "TTL", "e", is: ":-1\r\n")
    }

    func testSetnxSetexPsetex() throws {
        let c = try connect(try startServer())
        expect(c, "SETNX", "n", "1", is: ":1\r\n")
        expect(c, "SETNX", "n", "2", is: ":0\r\n")
        expect(c, "GET", "n", is: "$1\r\n1\r\n")
        expect(c, "SETEX", "x", "100", "v", is: "+OK\r\n")
        expect(c, "TTL", "x", is: ":100\r\n")
        expect(c, "GET", "x", is: "$1\r\nv\r\n")
        expect(c, "PSETEX", "y", "100000", "w", is: "+OK\r\n")
        let pttl = int(c, "PTTL", "y") ?? 0
        XCTAssert((99_000...100_000).contains(pttl), "PTTL after PSETEX 100000: \(pttl)")
        expect(c, "GET", "y", is: "$1\r\nw\r\n")
        expect(c, "SETEX", "x", "0", "v", is: "-ERR invalid expire time in setex\r\n")
        expect(c, "SETEX", "x", "abc", "v", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "PSETEX", "y", "-5", "v", is: "-ERR invalid expire time in psetex\r\n")
        expect(c, "SETEX", "x", "100", is: "-ERR wrong number of arguments for 'setex' command\r\n")
    }

    func testBinarySafeKeysAndValues() throws {
        let c = try connect(try startServer())
        let key: [UInt8] = Array("bin\0key\r\n".utf8)
        let value: [UInt8] = [0, 13, 10, 0xff, 0x80, 36, 42] + Array("\r\n$3\r\nfoo\r\n".utf8) + [0]
        expectBytes(c, [Array("SET".utf8), key, value], is: Array("+OK\r\n".utf8))
        expectBytes(c, [Array("GET".utf8), key], is: Array("$\(value.count)\r\n".utf8) + value + [13, 10])
        expectBytes(c, [Array("STRLEN".utf8), key], is: Array(":\(value.count)\r\n".utf8))
        expectBytes(c, [Array("APPEND".utf8), key, [0, 13, 10]], is: Array(":\(value.count + 3)\r\n".utf8))
        expectBytes(c, [Array("GETRANGE".utf8), key, Array("-3".utf8), Array("-1".utf8)], is: Array("$3\r\n\0\r\n\r\n".utf8))
        // A key that differs only after the zero byte is another key.
        expectBytes(c, [Array("EXISTS".utf8), Array("bin".utf8)], is: Array(":0\r\n".utf8))
        // A value far bigger than one 16 KB read, with every byte value in it.
        var big = [UInt8](repeating: 0, count: 300_000)
        for i in big.indices { big[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i / 256) }
        expectBytes(c, [Array("SET".utf8), Array("big".utf8), big], is: Array("+OK\r\n".utf8))
        expectBytes(c, [Array("GET".utf8), Array("big".utf8)], is: Array("$300000\r\n".utf8) + big + [13, 10])
    }
}
