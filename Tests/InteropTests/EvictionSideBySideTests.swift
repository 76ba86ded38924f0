// OBJECT and maxmemory side by side with a real redis-server: the replies that do not depend on
// the time or on how much memory each server uses, byte for byte: OBJECT's subcommands, HELP and
// errors, the shared-integer REFCOUNT, LFU's first counts, and noeviction's -OOM.

import Foundation
import TestSupport
import XCTest

final class EvictionSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        ["SET", "n", "100"], ["SET", "s", "hello"], ["SET", "big", "10000"], ["RPUSH", "l", "a"],
        ["OBJECT", "HELP"], ["OBJECT", "REFCOUNT", "n"], ["OBJECT", "REFCOUNT", "s"], ["OBJECT", "REFCOUNT", "big"],
        ["OBJECT", "REFCOUNT", "l"], ["OBJECT", "REFCOUNT", "nosuch"], ["OBJECT", "IDLETIME", "nosuch"],
        ["OBJECT", "FREQ", "s"], ["OBJECT", "ENCODING", "nosuch"],
        ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], ["SET", "f", "v"], ["OBJECT", "FREQ", "f"],
        ["GET", "f"], ["OBJECT", "FREQ", "f"], ["OBJECT", "IDLETIME", "f"],
        ["CONFIG", "SET", "maxmemory", "1gb"], ["SET", "m", "100"], ["OBJECT", "REFCOUNT", "m"],
        ["CONFIG", "SET", "maxmemory-policy", "noeviction"], ["CONFIG", "SET", "maxmemory", "1"],
        ["SET", "x", "y"], ["LPUSH", "l", "b"], ["GET", "s"], ["INCR", "n"], ["DEL", "big"],
        ["MULTI"], ["GET", "s"], ["EXEC"],
        ["CONFIG", "SET", "maxmemory-policy", "volatile-lru"], ["SET", "x", "y"],
        ["CONFIG", "SET", "maxmemory", "0"], ["SET", "x", "y"], ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
    ]

    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["OBJECT", "NOSUCH", "k"], "-ERR Unknown subcommand or wrong number of arguments for 'NOSUCH'. Try OBJECT HELP.\r\n",
         "Redis 7.0 says \"unknown subcommand 'NOSUCH'. Try OBJECT HELP.\""),
        (["OBJECT", "ENCODING"], "-ERR Unknown subcommand or wrong number of arguments for 'ENCODING'. Try OBJECT HELP.\r\n",
         "Redis 7.0 checks a subcommand's arity: \"wrong number of arguments for 'object|encoding' command\""),
    ]

    func testSameObjectAndOOMRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(EvictionSideBySideTests.commands, ours: a, redis: b)
        _ = try assertRedis62Replies(EvictionSideBySideTests.redis62Only, ours: a, redis: b)
    }
}
