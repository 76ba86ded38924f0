// COMMAND GETKEYS side by side with a real redis-server, for commands whose keys are found by
// their position and for those whose keys follow a count (`movablekeys`). Redis 7.0 finds keys
// through its new key specs, which changed a few replies on purpose; those cases carry 6.2's
// reply and the reason.
//
// Redis: commandGetKeysCommand (src/server.c), genericGetKeys, memoryGetKeys (src/db.c)

import Foundation
import TestSupport
import XCTest

final class GetkeysSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        ["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"], ["COMMAND", "GETKEYS", "blpop", "x", "y", "0"],
        ["COMMAND", "GETKEYS", "zunion", "2", "a", "b", "WEIGHTS", "1", "2"],
        ["COMMAND", "GETKEYS", "zdiff", "3", "a", "b", "c"], ["COMMAND", "GETKEYS", "zinter", "5", "a", "b"],
        ["COMMAND", "GETKEYS", "zinter", "0", "a"], ["COMMAND", "GETKEYS", "zunion", "x", "a"],
        ["COMMAND", "GETKEYS", "zunionstore", "d", "0", "a"], ["COMMAND", "GETKEYS", "zinterstore", "d", "3", "a"],
        ["COMMAND", "GETKEYS", "memory", "usage", "foo"], ["COMMAND", "GETKEYS", "ping", "x"],
        ["COMMAND", "GETKEYS", "nosuch", "a"], ["COMMAND", "GETKEYS", "get", "a", "b"],
    ]

    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["COMMAND", "GETKEYS", "zunionstore", "d", "2", "a", "b"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n",
         "6.2's genericGetKeys puts the destination last; 7.0's key specs list it first"),
        (["COMMAND", "GETKEYS", "zdiffstore", "d", "1", "a"], "*2\r\n$1\r\na\r\n$1\r\nd\r\n",
         "6.2's genericGetKeys puts the destination last; 7.0's key specs list it first"),
        (["COMMAND", "GETKEYS", "memory", "stats"], "-ERR Invalid arguments specified for command\r\n",
         "6.2's memoryGetKeys finds no key in it; 7.0 says the subcommand has no key arguments"),
        (["COMMAND", "GETKEYS", "ping"], "-ERR The command has no key arguments\r\n",
         "7.0 wants an argument after the command's name (its COMMAND GETKEYS arity is -4)"),
        (["COMMAND", "GETKEYS", "time", "x"], "-ERR The command has no key arguments\r\n",
         "6.2 asks whether a command can have keys before its arity; 7.0 checks the arity of every command first"),
    ]

    func testSameGetkeysRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(GetkeysSideBySideTests.commands, ours: a, redis: b)
        _ = try assertRedis62Replies(GetkeysSideBySideTests.redis62Only, ours: a, redis: b)
    }
}
