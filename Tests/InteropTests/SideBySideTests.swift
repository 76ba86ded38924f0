// Our server and a real `redis-server`, side by side: the same commands, sent as raw RESP to
// both, must get byte-for-byte the same replies.
//
// The real server installed here is Redis 7.0 (Debian's), while SwiftRedis follows Redis 6.2.
// Where Redis 7 deliberately changed a reply, the command is left out of the byte comparison and
// our 6.2 reply is checked on its own (`redis62Only` below, each with the reason).

import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class SideBySideTests: InteropTestCase {
    /// Every string, key and expiry command, with the error cases both versions share. Nothing
    /// here depends on time (TTLs are read back within the same second) or on randomness
    /// (RANDOMKEY and SCAN run on a one-key database).
    static let commands: [[String]] = [
        ["PING"], ["PING", "hello"], ["PING", "a", "b"], ["ECHO", "hi there"], ["ECHO"],
        ["SET", "k", "v"], ["GET", "k"], ["GET", "nosuch"], ["SET", "empty", ""], ["GET", "empty"],
        ["EXISTS", "k", "k", "nosuch"], ["DEL", "empty", "nosuch"], ["UNLINK", "nosuch"], ["GET"], ["GET", "a", "b"],
        // INCR family
        ["INCR", "n"], ["INCRBY", "n", "10"], ["DECR", "n"], ["DECRBY", "n", "20"], ["INCRBY", "n", "abc"],
        ["SET", "max", "9223372036854775807"], ["INCR", "max"], ["INCR", "k"], ["INCRBY", "n", "9223372036854775808"],
        ["INCRBYFLOAT", "f", "10.5"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "5.0e3"], ["INCRBYFLOAT", "k", "1"],
        ["INCRBYFLOAT", "f", "abc"], ["GET", "f"],
        // APPEND, STRLEN, GETRANGE, SETRANGE
        ["APPEND", "s", "Hello"], ["APPEND", "s", " World"], ["STRLEN", "s"], ["STRLEN", "nosuch"],
        ["GETRANGE", "s", "0", "4"], ["GETRANGE", "s", "-5", "-1"], ["GETRANGE", "s", "0", "-1"], ["GETRANGE", "s", "100", "200"],
        ["GETRANGE", "nosuch", "0", "-1"], ["SETRANGE", "s", "6", "Redis"], ["GET", "s"], ["SETRANGE", "pad", "3", "x"], ["GET", "pad"],
        ["SETRANGE", "s", "-1", "x"], ["SETRANGE", "none", "0", ""], ["EXISTS", "none"],
        // MGET, MSET, MSETNX, GETSET, GETDEL, GETEX, SETNX, SETEX, PSETEX
        ["MSET", "a", "1", "b", "2"], ["MGET", "a", "b", "nosuch"], ["MSETNX", "a", "3", "c", "4"], ["MSETNX", "c", "3", "d", "4"],
        ["MGET", "c", "d"], ["GETSET", "a", "9"], ["GETSET", "new", "1"], ["GETDEL", "a"], ["GETDEL", "a"],
        ["SETNX", "a", "1"], ["SETNX", "a", "2"], ["SETEX", "x", "100", "v"], ["TTL", "x"], ["SETEX", "x", "abc", "v"],
        ["PSETEX", "y", "100000", "v"], ["GETEX", "x", "PERSIST"], ["TTL", "x"], ["GETEX", "x", "EX", "100"], ["TTL", "x"],
        ["GETEX", "x", "EX", "10", "PX", "10"], ["GETEX", "x", "FOO"], ["GETEX", "nosuch"],
        // SET options and their errors
        ["SET", "o", "v", "XX"], ["SET", "o", "v", "NX"], ["SET", "o", "w", "NX"], ["SET", "o", "w", "XX", "GET"],
        ["SET", "o", "x", "GET"], ["SET", "o2", "x", "GET"], ["SET", "o", "v", "EX", "100"], ["TTL", "o"],
        ["SET", "o", "w", "KEEPTTL"], ["TTL", "o"], ["GET", "o"], ["SET", "o", "z"], ["TTL", "o"],
        ["SET", "o", "v", "PX", "100000", "NX"], ["SET", "o", "v", "NX", "XX"], ["SET", "o", "v", "EX", "10", "PX", "100"],
        ["SET", "o", "v", "KEEPTTL", "EX", "10"], ["SET", "o", "v", "FOO"], ["SET", "o", "v", "EX"], ["SET", "o", "v", "EX", "abc"],
        ["SET", "o"],
        // Expiry
        ["EXPIRE", "k", "100"], ["TTL", "k"], ["EXPIRE", "nosuch", "100"], ["TTL", "nosuch"], ["PTTL", "nosuch"], ["TTL", "s"],
        ["PTTL", "s"], ["PERSIST", "k"], ["PERSIST", "k"], ["TTL", "k"], ["EXPIRE", "k", "abc"], ["PEXPIRE", "k", "100000"],
        ["PEXPIREAT", "nosuch", "1"], ["EXPIREAT", "k", "1"], ["EXISTS", "k"], ["PEXPIRE", "s", "-1"], ["GET", "s"],
        // Keys
        ["TYPE", "pad"], ["TYPE", "nosuch"], ["SET", "s", "text"], ["RENAME", "s", "s2"], ["RENAME", "nosuch", "x"],
        ["RENAMENX", "s2", "pad"], ["RENAMENX", "s2", "s3"], ["RENAME", "s3", "s3"], ["RENAMENX", "s3", "s3"], ["GET", "s3"],
        ["KEYS", "s*"], ["KEYS", "nomatch*"], ["KEYS", "p?d"],
        ["SELECT", "16"], ["SELECT", "-1"], ["SELECT", "abc"], ["SELECT", "1"], ["DBSIZE"], ["RANDOMKEY"], ["SET", "only", "1"],
        ["RANDOMKEY"], ["SCAN", "0"], ["SCAN", "0", "MATCH", "o*", "COUNT", "10"], ["SCAN", "0", "TYPE", "string"],
        ["SCAN", "abc"], ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "MATCH"], ["FLUSHDB"], ["DBSIZE"], ["SELECT", "0"], ["DBSIZE"],
        ["FLUSHDB", "foo"], ["FLUSHALL", "ASYNC"], ["DBSIZE"],
        // Corners: number syntax (Redis's string2ll), long double arithmetic, repeated options,
        // GETRANGE's clamping, glob escapes, duplicate keys.
        ["SET", "n", "5"], ["INCRBY", "n", "01"], ["INCRBY", "n", "+1"], ["INCRBY", "n", "-0"], ["INCRBY", "n", " 1"],
        ["INCRBY", "n", "1 "], ["INCRBY", "n", "-9223372036854775808"], ["SET", "z", "007"], ["INCR", "z"],
        ["INCRBYFLOAT", "ff", "0.1"], ["INCRBYFLOAT", "ff", "0.1"], ["INCRBYFLOAT", "ff", "0.1"],
        ["INCRBYFLOAT", "ff", "1e400"], ["INCRBYFLOAT", "g", "3.0e3"], ["INCRBYFLOAT", "g", "0.0000001"],
        ["INCRBYFLOAT", "g", "-3000.0000001"], ["INCRBYFLOAT", "g", " 1"], ["INCRBYFLOAT", "g", "inf"],
        ["SET", "o", "v", "EX", "10", "EX", "20"], ["TTL", "o"], ["SET", "o", "v", "NX", "NX"], ["SET", "o", "v", "XX", "XX"],
        ["SET", "o", "v", "GET", "GET"], ["TTL", "o"],
        ["SET", "s", "Hello World"], ["GETRANGE", "s", "-100", "-50"], ["GETRANGE", "s", "-1", "-5"],
        ["GETRANGE", "s", "3", "9223372036854775807"], ["GETRANGE", "s", "x", "1"], ["SETRANGE", "s", "536870912", "x"],
        ["SETRANGE", "s", "536870911", ""], ["SETRANGE", "s", "x", "x"],
        ["MSET", "a", "1", "a", "2"], ["GET", "a"], ["MSETNX", "m", "1", "m", "2"], ["GET", "m"], ["DEL", "a", "a"],
        ["EXISTS", "m", "m", "m"],
        ["MSET", "a*b", "1", "a?b", "2", "a[b", "3", "a\\b", "4", "axb", "5"], ["KEYS", "a\\*b"], ["KEYS", "a\\?b"], ["KEYS", "a[[]b"],
        ["KEYS", "a\\[b"], ["KEYS", "a[\\]]b"], ["KEYS", "a[x"], ["KEYS", "a[^*?[\\\\]b"], ["KEYS", "a[a-a-z]b"], ["KEYS", "[a]x[a-z]"],
        // Lists: pushes and pops (with a count), indexes, ranges, LINSERT, LREM, LPOS, LMOVE.
        ["LPUSH", "L", "a", "b", "c"], ["RPUSH", "L", "x", "y"], ["LPUSHX", "L", "p"], ["RPUSHX", "L", "q"],
        ["LPUSHX", "nolist", "p"], ["RPUSHX", "nolist", "p"], ["EXISTS", "nolist"], ["LLEN", "L"], ["LLEN", "nolist"],
        ["LRANGE", "L", "0", "-1"], ["LRANGE", "L", "-3", "100"], ["LRANGE", "L", "5", "2"], ["LRANGE", "L", "100", "200"],
        ["LRANGE", "L", "x", "1"], ["LRANGE", "nolist", "0", "-1"],
        ["LPOP", "L"], ["RPOP", "L"], ["LPOP", "L", "2"], ["RPOP", "L", "1"], ["LPOP", "L", "-1"], ["LPOP", "L", "1", "2"],
        ["LPOP", "nolist"], ["LPOP", "nolist", "2"], ["LPOP", "nolist", "0"], ["RPOP", "nolist", "5"],
        ["LINDEX", "L", "0"], ["LINDEX", "L", "-1"], ["LINDEX", "L", "100"], ["LINDEX", "L", "-100"], ["LINDEX", "L", "x"],
        ["LINDEX", "nolist", "x"],
        ["LSET", "L", "0", "A"], ["LSET", "L", "-1", "Z"], ["LSET", "L", "100", "v"], ["LSET", "L", "x", "v"],
        ["LSET", "nolist", "0", "v"], ["LRANGE", "L", "0", "-1"],
        ["RPUSH", "L", "a", "b", "a", "c", "a"], ["LINSERT", "L", "BEFORE", "a", "B"], ["LINSERT", "L", "AFTER", "c", "C"],
        ["LINSERT", "L", "AFTER", "nope", "v"], ["LINSERT", "nolist", "BEFORE", "a", "v"], ["LINSERT", "L", "MIDDLE", "a", "v"],
        ["LRANGE", "L", "0", "-1"],
        ["LPOS", "L", "a"], ["LPOS", "L", "a", "RANK", "2"], ["LPOS", "L", "a", "RANK", "-1"], ["LPOS", "L", "a", "COUNT", "0"],
        ["LPOS", "L", "a", "RANK", "-2", "COUNT", "2"], ["LPOS", "L", "a", "MAXLEN", "3"], ["LPOS", "L", "a", "COUNT", "0", "MAXLEN", "6"],
        ["LPOS", "L", "nope"], ["LPOS", "L", "nope", "COUNT", "1"], ["LPOS", "nolist", "a"], ["LPOS", "nolist", "a", "COUNT", "0"],
        ["LPOS", "L", "a", "RANK", "0"], ["LPOS", "L", "a", "COUNT", "-1"], ["LPOS", "L", "a", "MAXLEN", "-1"],
        ["LPOS", "L", "a", "RANK"], ["LPOS", "L", "a", "FOO", "1"], ["LPOS", "L", "a", "RANK", "x"],
        ["LREM", "L", "1", "a"], ["LREM", "L", "-1", "a"], ["LREM", "L", "0", "a"], ["LREM", "L", "0", "nope"],
        ["LREM", "L", "x", "a"], ["LREM", "nolist", "0", "a"], ["LRANGE", "L", "0", "-1"],
        ["RPOPLPUSH", "L", "L2"], ["LMOVE", "L", "L2", "LEFT", "RIGHT"], ["LMOVE", "L2", "L", "right", "left"],
        ["RPOPLPUSH", "L", "L"], ["LMOVE", "L", "L", "LEFT", "RIGHT"], ["LMOVE", "L", "L", "RIGHT", "RIGHT"],
        // Blocking forms that time out at once: every list block answers a null array.
        ["BLPOP", "noblock", "0.01"], ["BLMOVE", "noblock", "d", "LEFT", "RIGHT", "0.01"], ["BRPOPLPUSH", "noblock", "d", "0.01"],
        ["LRANGE", "L", "0", "-1"], ["LRANGE", "L2", "0", "-1"],
        ["RPOPLPUSH", "nolist", "L"], ["LMOVE", "nolist", "L", "LEFT", "LEFT"], ["LMOVE", "L", "L2", "UP", "LEFT"],
        ["LMOVE", "nolist", "L2", "LEFT", "DOWN"],
        ["LTRIM", "L", "1", "-2"], ["LRANGE", "L", "0", "-1"], ["LTRIM", "L", "x", "1"], ["LTRIM", "nolist", "0", "1"],
        ["LTRIM", "L2", "5", "1"], ["EXISTS", "L2"], ["TYPE", "L"], ["OBJECT", "ENCODING", "L"],
        ["SET", "str", "v"], ["LPUSH", "str", "a"], ["RPUSHX", "str", "a"], ["LPOP", "str"], ["LPOP", "str", "2"],
        ["LLEN", "str"], ["LINDEX", "str", "0"], ["LSET", "str", "0", "v"], ["LRANGE", "str", "0", "-1"], ["LTRIM", "str", "0", "1"],
        ["LINSERT", "str", "BEFORE", "a", "b"], ["LREM", "str", "0", "a"], ["LPOS", "str", "a"], ["RPOPLPUSH", "str", "L"],
        ["LMOVE", "L", "str", "LEFT", "LEFT"], ["GET", "L"], ["INCR", "L"], ["APPEND", "L", "x"], ["STRLEN", "L"],
        ["OBJECT", "ENCODING", "str"], ["SET", "int", "123"], ["OBJECT", "ENCODING", "int"],
        ["SET", "raw", "0123456789012345678901234567890123456789012345"], ["OBJECT", "ENCODING", "raw"],
        ["OBJECT", "ENCODING", "nolist"],
        ["RPUSH", "one", "v"], ["RPOP", "one", "5"], ["EXISTS", "one"], ["RPUSH", "one", "v"], ["LPOP", "one"], ["TYPE", "one"],
        // The type is checked before a count of 0; a non-integer count or COUNT/MAXLEN gets the
        // range message (getPositiveLongFromObjectOrReply).
        ["SET", "str", "v"], ["LPOP", "str", "0"],
        ["RPUSH", "L", "a"], ["LPOP", "L", "abc"],
        ["LPOS", "L", "a", "COUNT", "abc"], ["LPOS", "L", "a", "MAXLEN", "abc"],
    ]


    /// Our 6.2 replies where Redis 7.0 replies differently on purpose; not byte-compared.
    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["LPOP", "lk", "0"], "*-1\r\n",
         "Redis 7.0 replies *0 (an empty array) to a count of 0 on an existing list; 6.2 a null array"),
        (["SET", "k", "v", "NX", "GET"], "-ERR syntax error\r\n",
         "Redis 7.0 allows NX together with GET"),
        (["SET", "k", "v", "EX", "0"], "-ERR invalid expire time in set\r\n",
         "Redis 7.0 says \"invalid expire time in 'set' command\""),
        (["SET", "k", "v", "EX", "-1"], "-ERR invalid expire time in set\r\n",
         "Redis 7.0 says \"invalid expire time in 'set' command\""),
        (["SETEX", "k", "0", "v"], "-ERR invalid expire time in setex\r\n",
         "Redis 7.0 says \"invalid expire time in 'setex' command\""),
        (["GETEX", "k", "EX", "0"], "-ERR invalid expire time in getex\r\n",
         "Redis 7.0 says \"invalid expire time in 'getex' command\""),
        (["foo", "bar"], "-ERR unknown command `foo`, with args beginning with: `bar`, \r\n",
         "Redis 7.0 quotes with ' instead of ` and drops the trailing \", \""),
        (["MSET", "a", "1", "b"], "-ERR wrong number of arguments for MSET\r\n",
         "Redis 7.0 says \"wrong number of arguments for 'mset' command\""),
        (["EXPIRE", "k", "9223372036854775807"], "-ERR invalid expire time in expire\r\n",
         "Redis 7.0 says \"invalid expire time in 'expire' command\""),
        (["PEXPIRE", "k", "9223372036854775807"], "-ERR invalid expire time in pexpire\r\n",
         "Redis 7.0 says \"invalid expire time in 'pexpire' command\""),
        (["COMMAND", "INFO", "nosuch"], "*1\r\n$-1\r\n",
         "compared separately below: Redis 7.0's COMMAND INFO entries have 10 fields, not 7"),
    ]

    /// Inline commands, as typed in telnet.
    static let inline = ["PING\r\n", "SET a \"b c\"\r\n", "GET a\r\n", "ECHO 'x y'\r\n", "ECHO \"tab\\there\"\r\n",
                         "EXISTS a nosuch\n", "\r\n", "DEL a\r\n"]

    /// Malformed requests: each gets an error and the connection closes.
    static let malformed = ["*abc\r\n", "*1\r\n$x\r\n", "*1\r\nfoo\r\n", "set \"a b\r\n", "*1\r\n$600000000\r\n",
                            "*3000000000\r\n", "PING\r\n*1\r\n$4\r\nPING\r\n*-5x\r\n", "*1\r\n$-1\r\n", "*+1\r\n$4\r\nPING\r\n",
                            "*01\r\n$4\r\nPING\r\n", "*1\r\n$04\r\nPING\r\n", "* 1\r\n", "*1\r\n$ 4\r\nPING\r\n",
                            "set 'a\r\n", "set \"a\"b\r\n", "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n:1\r\n"]

    // Redis (6.2 and 7.0) accepts a repeated EX/PX/EXAT/PXAT and the last one wins, so the
    // list includes `SET o v EX 10 EX 20` followed by `TTL o`. See
    // SetOptionsTests.testRepeatedExpireOptionLastOneWins.
    func testSameRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        XCTAssertEqual(try a.call("FLUSHALL"), .simple("OK"))
        XCTAssertEqual(try b.call("FLUSHALL"), .simple("OK"))
        try assertSameReplies(SideBySideTests.commands, ours: a, redis: b)
        // Binary-safe values round-trip identically.
        let value: [UInt8] = [0, 13, 10, 0xff, 36, 42, 0]
        for c in [a, b] { _ = try c.call([Array("SET".utf8), Array("bin\0".utf8), value]) }
        XCTAssertEqual(try a.callRaw([Array("GET".utf8), Array("bin\0".utf8)]), try b.callRaw([Array("GET".utf8), Array("bin\0".utf8)]))
    }

    func testSameInlineReplies() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        for line in SideBySideTests.inline {
            a.send(raw: line); b.send(raw: line)
        }
        // "\r\n" alone is no command: one reply fewer than lines.
        for i in 0..<(SideBySideTests.inline.count - 1) {
            let mine = try a.readRawReply(), theirs = try b.readRawReply()
            XCTAssertEqual(esc(mine), esc(theirs), "inline reply \(i)")
        }
    }

    func testSameProtocolErrors() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        for input in SideBySideTests.malformed {
            let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
            a.send(raw: input); b.send(raw: input)
            let mine = a.readUntilClosed(), theirs = b.readUntilClosed()
            XCTAssertEqual(esc(mine), esc(theirs), "reply to \(esc(Array(input.utf8)))")
            XCTAssert(mine.starts(with: Array("-ERR Protocol error".utf8)) || mine.starts(with: Array("+PONG".utf8)), esc(mine))
        }
    }

    func testCommandsWhereRedis7Differs() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        // GETEX checks the expire time only when the key exists.
        for c in [a, b] { XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK")) }
        for c in [a, b] { XCTAssertEqual(try c.call("RPUSH", "lk", "a"), .integer(1)) }
        // The real server still answers: the difference is in the text, not in kind.
        try assertRedis62Replies(SideBySideTests.redis62Only, ours: a, redis: b)
        // COMMAND INFO: Redis 7 adds tips, key specs and subcommands after the first seven
        // fields, and revised some flags (`random` became a tip) and arities (EXPIRE took options).
        // Name, arity and key positions of these commands are unchanged since 6.2.
        for name in ["get", "set", "mset", "scan", "ping", "incr", "rename", "getex"] {
            guard case .array(let m?) = try a.call("COMMAND", "INFO", name), case .array(let mine?) = m.first,
                  case .array(let t?) = try b.call("COMMAND", "INFO", name), case .array(let theirs?) = t.first else {
                XCTFail("COMMAND INFO \(name): not an array"); continue
            }
            XCTAssertEqual(mine.count, 7)
            guard theirs.count >= 6 else { XCTFail("COMMAND INFO \(name) from redis-server: \(theirs)"); continue }
            for i in [0, 1, 3, 4, 5] { XCTAssertEqual(mine[i], theirs[i], "COMMAND INFO \(name), field \(i)") }
        }
    }
}
