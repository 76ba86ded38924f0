// CONFIG GET and SET of the options redis-py and the Redis tools read, side by side with a real
// `redis-server`: the same defaults, the same value syntax (100mb, ALLKEYS-LRU) and the same
// values reported back. Both servers start with the same `--save ''` and a temp `--dir`.
//
// The real server is Redis 7.0, which words every CONFIG SET error anew ("CONFIG SET failed
// (possibly related to argument '…')"), protects dbfilename and dir, and has options 6.2 lacks
// (maxmemory-clients): those cases are checked against our 6.2 reply alone, with the reason.

import Foundation
import TestSupport
import XCTest

final class ConfigSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        ["CONFIG", "GET", "maxmemory"], ["CONFIG", "GET", "maxmemory-policy"], ["CONFIG", "GET", "maxmemory-samples"],
        ["CONFIG", "GET", "maxmemory-eviction-tenacity"], ["CONFIG", "GET", "timeout"], ["CONFIG", "GET", "tcp-keepalive"],
        ["CONFIG", "GET", "databases"], ["CONFIG", "GET", "dbfilename"], ["CONFIG", "GET", "appendfilename"],
        ["CONFIG", "GET", "loglevel"], ["CONFIG", "GET", "appendfsync"], ["CONFIG", "GET", "appendonly"], ["CONFIG", "GET", "save"],
        ["CONFIG", "GET", "nosuch-option"],
        ["CONFIG", "SET", "maxmemory", "100mb"], ["CONFIG", "GET", "maxmemory"], ["CONFIG", "SET", "maxmemory", "1gb"],
        ["CONFIG", "GET", "maxmemory"], ["CONFIG", "SET", "maxmemory", "12345"], ["CONFIG", "GET", "maxmemory"],
        ["CONFIG", "SET", "maxmemory", "0"],
        ["CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"], ["CONFIG", "GET", "maxmemory-policy"],
        ["CONFIG", "SET", "maxmemory-policy", "volatile-lfu"], ["CONFIG", "GET", "maxmemory-policy"],
        ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
        ["CONFIG", "SET", "maxmemory-samples", "10"], ["CONFIG", "GET", "maxmemory-samples"],
        ["CONFIG", "SET", "timeout", "30"], ["CONFIG", "GET", "timeout"], ["CONFIG", "SET", "tcp-keepalive", "60"],
        ["CONFIG", "GET", "tcp-keepalive"], ["CONFIG", "SET", "loglevel", "WARNING"], ["CONFIG", "GET", "loglevel"],
        ["CONFIG", "SET", "save", "900 1 300 10"], ["CONFIG", "GET", "save"], ["CONFIG", "SET", "save", ""], ["CONFIG", "GET", "save"],
    ]

    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["CONFIG", "SET", "maxmemory-policy", "lru"],
         "-ERR Invalid argument 'lru' for CONFIG SET 'maxmemory-policy' - argument must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n",
         "7.0: 'CONFIG SET failed (possibly related to argument …)' and 'argument(s)'"),
        (["CONFIG", "SET", "maxmemory", "abc"],
         "-ERR Invalid argument 'abc' for CONFIG SET 'maxmemory' - argument must be a memory value\r\n", "7.0 rewords CONFIG SET errors"),
        (["CONFIG", "SET", "maxmemory-samples", "0"],
         "-ERR Invalid argument '0' for CONFIG SET 'maxmemory-samples' - argument must be between 1 and 2147483647 inclusive\r\n",
         "7.0 rewords CONFIG SET errors"),
        (["CONFIG", "SET", "databases", "4"], "-ERR Unsupported CONFIG parameter: databases\r\n", "7.0: 'can't set immutable config'"),
        (["CONFIG", "SET", "save", "1 2 3"], "-ERR Invalid argument '1 2 3' for CONFIG SET 'save'\r\n", "7.0: 'Invalid save parameters'"),
        (["CONFIG", "SET", "dbfilename", "other.rdb"], "+OK\r\n", "7.0 protects dbfilename (enable-protected-configs)"),
        (["CONFIG", "GET", "dbfilename"], "*2\r\n$10\r\ndbfilename\r\n$9\r\nother.rdb\r\n", "follows the SET above"),
        (["CONFIG", "SET", "dbfilename", "a/b"],
         "-ERR Invalid argument 'a/b' for CONFIG SET 'dbfilename' - dbfilename can't be a path, just a filename\r\n", "7.0 protects dbfilename"),
        (["CONFIG", "GET", "maxmemory-clients"], "*0\r\n", "maxmemory-clients is new in 7.0"),
    ]

    func testSameConfigRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer(["--save", ""])
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(ConfigSideBySideTests.commands, ours: a, redis: b)
        try assertRedis62Replies(ConfigSideBySideTests.redis62Only, ours: a, redis: b)
    }

    /// RESP3: CONFIG GET is a map in both.
    func testSameConfigGetInRESP3() throws {
        let realPort = try startRealRedis()
        let ours = try startServer(["--save", ""])
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        if case .error = try a.call("HELLO", "3") { throw XCTSkip("HELLO is not in this build yet") }
        _ = try b.call("HELLO", "3")
        try assertSameReplies([["CONFIG", "GET", "maxmemory"], ["CONFIG", "GET", "maxmemory-policy"], ["CONFIG", "GET", "nosuch"]],
                              ours: a, redis: b)
    }
}
