// The list commands end to end, reply bytes compared exactly: pushes and pops (with COUNT),
// LLEN, LINDEX, LSET, LRANGE, LTRIM, LINSERT, LREM, LPOS, RPOPLPUSH and LMOVE (a same-key
// rotation included), WRONGTYPE both ways, the key deleted with its last element, TYPE and
// OBJECT ENCODING.
//
// Redis: src/t_list.c

import Foundation
import RedisCore
import TestSupport
import XCTest

final class ListCommandTests: ServerTestCase {
    let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    func testPushAndPop() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "LPUSH", "l", "a", is: ":1\r\n")
        expect(c, "LPUSH", "l", "b", "c", is: ":3\r\n")  // c b a
        expect(c, "RPUSH", "l", "x", "y", is: ":5\r\n")  // c b a x y
        expect(c, "LRANGE", "l", "0", "-1", is: "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\ny\r\n")
        expect(c, "LPUSHX", "l", "p", is: ":6\r\n")
        expect(c, "RPUSHX", "l", "q", "r", is: ":8\r\n")
        expect(c, "LPUSHX", "nosuch", "p", is: ":0\r\n")
        expect(c, "RPUSHX", "nosuch", "p", "q", is: ":0\r\n")
        expect(c, "EXISTS", "nosuch", is: ":0\r\n")
        expect(c, "LLEN", "l", is: ":8\r\n")
        expect(c, "LLEN", "nosuch", is: ":0\r\n")
        // p c b a x y q r
        expect(c, "LPOP", "l", is: "$1\r\np\r\n")
        expect(c, "RPOP", "l", is: "$1\r\nr\r\n")
        expect(c, "LPOP", "l", "2", is: "*2\r\n$1\r\nc\r\n$1\r\nb\r\n")
        expect(c, "RPOP", "l", "2", is: "*2\r\n$1\r\nq\r\n$1\r\ny\r\n")
        expect(c, "LPOP", "l", "-1", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "RPOP", "l", "-5", is: "-ERR value is out of range, must be positive\r\n")
        expect(c, "LPOP", "l", "1", "2", is: "-ERR wrong number of arguments for 'lpop' command\r\n")
        expect(c, "LPOP", "nosuch", is: "$-1\r\n")
        expect(c, "RPOP", "nosuch", is: "$-1\r\n")
        expect(c, "LPOP", "nosuch", "3", is: "*-1\r\n")
        expect(c, "RPOP", "nosuch", "3", is: "*-1\r\n")
        expect(c, "LPOP", "nosuch", "0", is: "*-1\r\n")
        // Redis 6.2: count 0 on an existing list is a null array (7.0 replies *0).
        expect(c, "LPOP", "l", "0", is: "*-1\r\n")
        expect(c, "LLEN", "l", is: ":2\r\n")
        // A count beyond the length pops everything, and the key goes.
        expect(c, "RPOP", "l", "10", is: "*2\r\n$1\r\nx\r\n$1\r\na\r\n")
        expect(c, "EXISTS", "l", is: ":0\r\n")
        expect(c, "TYPE", "l", is: "+none\r\n")
        expect(c, "RPUSH", "one", "v", is: ":1\r\n")
        expect(c, "LPOP", "one", is: "$1\r\nv\r\n")
        expect(c, "EXISTS", "one", is: ":0\r\n")
        expect(c, "LPOP", "one", is: "$-1\r\n")
        // Binary-safe elements.
        expectBytes(c, [Array("RPUSH".utf8), Array("bin".utf8), [0, 13, 10, 255]], is: Array(":1\r\n".utf8))
        expectBytes(c, [Array("LINDEX".utf8), Array("bin".utf8), Array("0".utf8)], is: Array("$4\r\n".utf8) + [0, 13, 10, 255] + Array("\r\n".utf8))
    }

    func testLindexAndLset() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", "b", "c", is: ":3\r\n")
        expect(c, "LINDEX", "l", "0", is: "$1\r\na\r\n")
        expect(c, "LINDEX", "l", "2", is: "$1\r\nc\r\n")
        expect(c, "LINDEX", "l", "-1", is: "$1\r\nc\r\n")
        expect(c, "LINDEX", "l", "-3", is: "$1\r\na\r\n")
        expect(c, "LINDEX", "l", "3", is: "$-1\r\n")
        expect(c, "LINDEX", "l", "-4", is: "$-1\r\n")
        expect(c, "LINDEX", "l", "abc", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "LINDEX", "nosuch", "0", is: "$-1\r\n")
        expect(c, "LINDEX", "nosuch", "abc", is: "$-1\r\n")  // the key is looked up first
        expect(c, "LSET", "l", "1", "B", is: "+OK\r\n")
        expect(c, "LSET", "l", "-1", "C", is: "+OK\r\n")
        expect(c, "LRANGE", "l", "0", "-1", is: "*3\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nC\r\n")
        expect(c, "LSET", "l", "3", "x", is: "-ERR index out of range\r\n")
        expect(c, "LSET", "l", "-4", "x", is: "-ERR index out of range\r\n")
        expect(c, "LSET", "l", "abc", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "LSET", "nosuch", "0", "x", is: "-ERR no such key\r\n")
        expect(c, "EXISTS", "nosuch", is: ":0\r\n")
    }

    func testLrangeAndLtrim() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "0", "1", "2", "3", "4", is: ":5\r\n")
        expect(c, "LRANGE", "l", "1", "2", is: "*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        expect(c, "LRANGE", "l", "-2", "-1", is: "*2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "LRANGE", "l", "-100", "0", is: "*1\r\n$1\r\n0\r\n")
        expect(c, "LRANGE", "l", "3", "100", is: "*2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "LRANGE", "l", "5", "10", is: "*0\r\n")
        expect(c, "LRANGE", "l", "3", "1", is: "*0\r\n")
        expect(c, "LRANGE", "l", "-1", "-2", is: "*0\r\n")
        expect(c, "LRANGE", "l", "0", "9223372036854775807", is: "*5\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n")
        expect(c, "LRANGE", "l", "-9223372036854775808", "-4", is: "*2\r\n$1\r\n0\r\n$1\r\n1\r\n")
        expect(c, "LRANGE", "l", "x", "1", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "LRANGE", "nosuch", "0", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "LRANGE", "nosuch", "0", "-1", is: "*0\r\n")
        expect(c, "LTRIM", "l", "1", "-2", is: "+OK\r\n")
        expect(c, "LRANGE", "l", "0", "-1", is: "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n")
        expect(c, "LTRIM", "l", "-100", "100", is: "+OK\r\n")
        expect(c, "LLEN", "l", is: ":3\r\n")
        expect(c, "LTRIM", "l", "1", "1", is: "+OK\r\n")
        expect(c, "LRANGE", "l", "0", "-1", is: "*1\r\n$1\r\n2\r\n")
        expect(c, "LTRIM", "l", "x", "1", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "LTRIM", "nosuch", "0", "1", is: "+OK\r\n")
        expect(c, "EXISTS", "nosuch", is: ":0\r\n")
        // An empty range deletes the key.
        expect(c, "LTRIM", "l", "1", "0", is: "+OK\r\n")
        expect(c, "EXISTS", "l", is: ":0\r\n")
        expect(c, "RPUSH", "m", "a", "b", is: ":2\r\n")
        expect(c, "LTRIM", "m", "5", "10", is: "+OK\r\n")
        expect(c, "EXISTS", "m", is: ":0\r\n")
    }

    func testLinsert() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", "b", "c", "b", is: ":4\r\n")
        expect(c, "LINSERT", "l", "BEFORE", "b", "x", is: ":5\r\n")  // first b only
        expect(c, "LINSERT", "l", "after", "b", "y", is: ":6\r\n")
        expect(c, "LINSERT", "l", "AFTER", "b", "z", is: ":7\r\n")
        expect(c, "LINSERT", "l", "BEFORE", "a", "head", is: ":8\r\n")
        expect(c, "LINSERT", "l", "AFTER", "c", "mid", is: ":9\r\n")
        expect(c, "LINSERT", "l", "AFTER", "b", "last", is: ":10\r\n")
        expect(c, "LRANGE", "l", "0", "-1",
               is: "*10\r\n$4\r\nhead\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n$4\r\nlast\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nc\r\n$3\r\nmid\r\n$1\r\nb\r\n")
        expect(c, "RPUSH", "t", "a", is: ":1\r\n")
        expect(c, "LINSERT", "t", "AFTER", "a", "end", is: ":2\r\n")
        expect(c, "LRANGE", "t", "0", "-1", is: "*2\r\n$1\r\na\r\n$3\r\nend\r\n")
        expect(c, "LINSERT", "l", "BEFORE", "nope", "x", is: ":-1\r\n")
        expect(c, "LINSERT", "nosuch", "BEFORE", "a", "x", is: ":0\r\n")
        expect(c, "EXISTS", "nosuch", is: ":0\r\n")
        expect(c, "LINSERT", "l", "MIDDLE", "a", "x", is: "-ERR syntax error\r\n")
        expect(c, "LINSERT", "nosuch", "MIDDLE", "a", "x", is: "-ERR syntax error\r\n")
        expect(c, "LLEN", "l", is: ":10\r\n")
    }

    func testLrem() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", "b", "a", "c", "a", "b", "a", is: ":7\r\n")
        expect(c, "LREM", "l", "2", "a", is: ":2\r\n")  // the first two
        expect(c, "LRANGE", "l", "0", "-1", is: "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n")
        expect(c, "LREM", "l", "-1", "b", is: ":1\r\n")  // the last b
        expect(c, "LRANGE", "l", "0", "-1", is: "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\na\r\n")
        expect(c, "RPUSH", "l", "a", "x", "a", is: ":7\r\n")  // b c a a a x a
        expect(c, "LREM", "l", "-2", "a", is: ":2\r\n")
        expect(c, "LRANGE", "l", "0", "-1", is: "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nx\r\n")
        expect(c, "LREM", "l", "0", "a", is: ":2\r\n")
        expect(c, "LRANGE", "l", "0", "-1", is: "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nx\r\n")
        expect(c, "LREM", "l", "0", "nope", is: ":0\r\n")
        expect(c, "LREM", "l", "100", "b", is: ":1\r\n")
        expect(c, "LREM", "l", "x", "b", is: "-ERR value is not an integer or out of range\r\n")
        expect(c, "LREM", "nosuch", "0", "a", is: ":0\r\n")
        expect(c, "LREM", "l", "0", "c", is: ":1\r\n")
        expect(c, "LREM", "l", "-5", "x", is: ":1\r\n")
        expect(c, "EXISTS", "l", is: ":0\r\n")
    }

    func testLpos() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c", is: ":8\r\n")
        expect(c, "LPOS", "l", "c", is: ":2\r\n")
        expect(c, "LPOS", "l", "nope", is: "$-1\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "2", is: ":6\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "4", is: "$-1\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "-1", is: ":7\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "-3", is: ":2\r\n")
        expect(c, "LPOS", "l", "c", "COUNT", "2", is: "*2\r\n:2\r\n:6\r\n")
        expect(c, "LPOS", "l", "c", "COUNT", "0", is: "*3\r\n:2\r\n:6\r\n:7\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "-1", "COUNT", "0", is: "*3\r\n:7\r\n:6\r\n:2\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "2", "COUNT", "0", is: "*2\r\n:6\r\n:7\r\n")
        expect(c, "LPOS", "l", "nope", "COUNT", "0", is: "*0\r\n")
        expect(c, "LPOS", "l", "c", "MAXLEN", "2", is: "$-1\r\n")
        expect(c, "LPOS", "l", "c", "MAXLEN", "3", is: ":2\r\n")
        expect(c, "LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7", is: "*2\r\n:2\r\n:6\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1", "COUNT", "0", is: "*1\r\n:7\r\n")
        expect(c, "LPOS", "l", "c", "rank", "1", "count", "1", "maxlen", "0", is: "*1\r\n:2\r\n")
        expect(c, "LPOS", "nosuch", "c", is: "$-1\r\n")
        expect(c, "LPOS", "nosuch", "c", "COUNT", "1", is: "*0\r\n")
        // The three error texts, and the syntax errors.
        expect(c, "LPOS", "l", "c", "RANK", "0",
               is: "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n")
        expect(c, "LPOS", "l", "c", "COUNT", "-1", is: "-ERR COUNT can't be negative\r\n")
        expect(c, "LPOS", "l", "c", "MAXLEN", "-1", is: "-ERR MAXLEN can't be negative\r\n")
        expect(c, "LPOS", "nosuch", "c", "RANK", "0",
               is: "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n")
        expect(c, "LPOS", "l", "c", "RANK", is: "-ERR syntax error\r\n")
        expect(c, "LPOS", "l", "c", "FOO", "1", is: "-ERR syntax error\r\n")
        expect(c, "LPOS", "l", "c", "RANK", "x", is: "-ERR value is not an integer or out of range\r\n")
    }

    func testRpoplpushAndLmove() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "src", "a", "b", "c", is: ":3\r\n")
        expect(c, "RPOPLPUSH", "src", "dst", is: "$1\r\nc\r\n")
        expect(c, "LRANGE", "dst", "0", "-1", is: "*1\r\n$1\r\nc\r\n")
        expect(c, "LMOVE", "src", "dst", "LEFT", "RIGHT", is: "$1\r\na\r\n")
        expect(c, "LRANGE", "dst", "0", "-1", is: "*2\r\n$1\r\nc\r\n$1\r\na\r\n")
        expect(c, "LMOVE", "dst", "src", "right", "left", is: "$1\r\na\r\n")
        expect(c, "LRANGE", "src", "0", "-1", is: "*2\r\n$1\r\na\r\n$1\r\nb\r\n")
        expect(c, "LMOVE", "src", "dst", "LEFT", "LEFT", is: "$1\r\na\r\n")
        expect(c, "LMOVE", "src", "dst", "RIGHT", "RIGHT", is: "$1\r\nb\r\n")
        expect(c, "EXISTS", "src", is: ":0\r\n")  // the last element moved: the source key goes
        expect(c, "LRANGE", "dst", "0", "-1", is: "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n")
        expect(c, "RPOPLPUSH", "nosuch", "dst", is: "$-1\r\n")
        expect(c, "LMOVE", "nosuch", "dst", "LEFT", "LEFT", is: "$-1\r\n")
        expect(c, "LMOVE", "nosuch", "other", "LEFT", "LEFT", is: "$-1\r\n")
        expect(c, "EXISTS", "other", is: ":0\r\n")
        expect(c, "LMOVE", "dst", "x", "UP", "LEFT", is: "-ERR syntax error\r\n")
        expect(c, "LMOVE", "dst", "x", "LEFT", "DOWN", is: "-ERR syntax error\r\n")
        expect(c, "LMOVE", "nosuch", "x", "UP", "LEFT", is: "-ERR syntax error\r\n")
        // Same key as source and destination: a rotation.
        expect(c, "RPOPLPUSH", "dst", "dst", is: "$1\r\nb\r\n")
        expect(c, "LRANGE", "dst", "0", "-1", is: "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n")
        expect(c, "LMOVE", "dst", "dst", "LEFT", "RIGHT", is: "$1\r\nb\r\n")
        expect(c, "LRANGE", "dst", "0", "-1", is: "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n")
        expect(c, "LMOVE", "dst", "dst", "LEFT", "LEFT", is: "$1\r\na\r\n")
        expect(c, "LRANGE", "dst", "0", "-1", is: "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n")
        // A one-element list rotated onto itself stays.
        expect(c, "RPUSH", "one", "v", is: ":1\r\n")
        expect(c, "RPOPLPUSH", "one", "one", is: "$1\r\nv\r\n")
        expect(c, "LMOVE", "one", "one", "RIGHT", "LEFT", is: "$1\r\nv\r\n")
        expect(c, "LRANGE", "one", "0", "-1", is: "*1\r\n$1\r\nv\r\n")
        expect(c, "EXISTS", "one", is: ":1\r\n")
        // WRONGTYPE on either side, and nothing moves.
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        expect(c, "LMOVE", "dst", "str", "LEFT", "LEFT", is: wrongType)
        expect(c, "RPOPLPUSH", "dst", "str", is: wrongType)
        expect(c, "LMOVE", "str", "dst", "LEFT", "LEFT", is: wrongType)
        expect(c, "RPOPLPUSH", "nosuch", "str", is: "$-1\r\n")
        expect(c, "LLEN", "dst", is: ":3\r\n")
    }

    func testWrongTypeBothWays() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        for cmd in [["LPUSH", "str", "a"], ["RPUSH", "str", "a"], ["LPUSHX", "str", "a"], ["RPUSHX", "str", "a"],
                    ["LPOP", "str"], ["RPOP", "str"], ["LPOP", "str", "2"], ["LLEN", "str"], ["LINDEX", "str", "0"],
                    ["LSET", "str", "0", "x"], ["LRANGE", "str", "0", "-1"], ["LTRIM", "str", "0", "1"],
                    ["LINSERT", "str", "BEFORE", "a", "b"], ["LREM", "str", "0", "a"], ["LPOS", "str", "a"],
                    ["RPOPLPUSH", "str", "dst"], ["LMOVE", "str", "dst", "LEFT", "RIGHT"]] {
            expectBytes(c, cmd.map { Array($0.utf8) }, is: Array(wrongType.utf8))
        }
        expect(c, "GET", "str", is: "$1\r\nv\r\n")
        expect(c, "EXISTS", "dst", is: ":0\r\n")
        expect(c, "RPUSH", "l", "1", is: ":1\r\n")
        for cmd in [["GET", "l"], ["INCR", "l"], ["INCRBY", "l", "2"], ["DECR", "l"], ["APPEND", "l", "x"],
                    ["STRLEN", "l"], ["GETRANGE", "l", "0", "1"], ["SETRANGE", "l", "0", "x"], ["GETSET", "l", "x"],
                    ["INCRBYFLOAT", "l", "1"], ["GETDEL", "l"], ["GETEX", "l"]] {
            expectBytes(c, cmd.map { Array($0.utf8) }, is: Array(wrongType.utf8))
        }
        expect(c, "MGET", "l", "str", is: "*2\r\n$-1\r\n$1\r\nv\r\n")
        expect(c, "LRANGE", "l", "0", "-1", is: "*1\r\n$1\r\n1\r\n")
        // SET replaces a list (a list is no obstacle to SET).
        expect(c, "SET", "l", "s", is: "+OK\r\n")
        expect(c, "TYPE", "l", is: "+string\r\n")
    }

    func testTypeAndObjectEncoding() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", is: ":1\r\n")
        expect(c, "TYPE", "l", is: "+list\r\n")
        expect(c, "OBJECT", "ENCODING", "l", is: "$9\r\nquicklist\r\n")
        expect(c, "SET", "i", "12345", is: "+OK\r\n")
        expect(c, "OBJECT", "ENCODING", "i", is: "$3\r\nint\r\n")
        expect(c, "SET", "e", "hello", is: "+OK\r\n")
        expect(c, "OBJECT", "ENCODING", "e", is: "$6\r\nembstr\r\n")
        expect(c, "SET", "r", String(repeating: "x", count: 45), is: "+OK\r\n")
        expect(c, "OBJECT", "ENCODING", "r", is: "$3\r\nraw\r\n")
        expect(c, "OBJECT", "ENCODING", "nosuch", is: "$-1\r\n")
        expect(c, "TYPE", "nosuch", is: "+none\r\n")
        expect(c, "SCAN", "0", "TYPE", "list", is: "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nl\r\n")
        expect(c, "DEL", "l", is: ":1\r\n")
        expect(c, "OBJECT", "ENCODING", "l", is: "$-1\r\n")
        // EXPIRE works on a list like on any key.
        expect(c, "RPUSH", "l", "a", "b", is: ":2\r\n")
        expect(c, "EXPIRE", "l", "100", is: ":1\r\n")
        expect(c, "TTL", "l", is: ":100\r\n")
        expect(c, "RENAME", "l", "l2", is: "+OK\r\n")
        expect(c, "LRANGE", "l2", "0", "-1", is: "*2\r\n$1\r\na\r\n$1\r\nb\r\n")
    }

    /// The order of checks and the error texts of LPOP's count and LPOS's options, as Redis 6.2 and 7.0 have them.
    func testPopCountAndLposOptionErrorsMatchRedis() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SET", "str", "v", is: "+OK\r\n")
        // Redis looks the key up and checks its type before the count==0 fast exit
        // (lookupKeyWriteOrReply + checkType), so a string key gives WRONGTYPE.
        expect(c, "LPOP", "str", "0", is: wrongType)
        // Redis reads the count with getPositiveLongFromObjectOrReply(…, NULL), whose message
        // "value is out of range, must be positive" is used for a non-integer too.
        expect(c, "RPUSH", "l", "a", "b", is: ":2\r\n")
        expect(c, "LPOP", "l", "abc", is: "-ERR value is out of range, must be positive\r\n")
        // Likewise getPositiveLongFromObjectOrReply(…, "COUNT can't be negative") gives that
        // message for a non-integer COUNT/MAXLEN.
        expect(c, "LPOS", "l", "a", "COUNT", "abc", is: "-ERR COUNT can't be negative\r\n")
        expect(c, "LPOS", "l", "a", "MAXLEN", "abc", is: "-ERR MAXLEN can't be negative\r\n")
    }

    func testLposRankMinimumDoesNotCrash() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "RPUSH", "l", "a", "b", is: ":2\r\n")
        // -Int64.min does not exist: Redis 7.0.15 negates it anyway (undefined in C) and Redis 7.2
        // rejects it with a range error, as we do. Whatever the reply, the server must live.
        _ = try? c.callRaw([Array("LPOS".utf8), Array("l".utf8), Array("a".utf8), Array("RANK".utf8), Array("-9223372036854775808".utf8)])
        let c2 = try? connect(s)
        XCTAssertNotNil(c2, "the server died on LPOS … RANK -9223372036854775808")
        if let c2 { expect(c2, "PING", is: "+PONG\r\n") }
    }
}
