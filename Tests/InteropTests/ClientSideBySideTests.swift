// CLIENT side by side with a real redis-server: the replies that do not depend on ids, addresses
// or timing (names, errors, kills that find nobody), byte for byte. Where Redis 7.0 changed a reply
// since 6.2 on purpose, our 6.2 reply is checked on its own (`redis62Only`, each with the reason).
// The fields of CLIENT LIST are compared by name: 7.0 added some.

import Foundation
import TestSupport
import XCTest

final class ClientSideBySideTests: InteropTestCase {
    static let commands: [[String]] = [
        ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "app-1"], ["CLIENT", "GETNAME"],
        ["CLIENT", "SETNAME", "a b"], ["CLIENT", "SETNAME", "new\nline"], ["CLIENT", "GETNAME"],
        ["CLIENT", "SETNAME", ""], ["CLIENT", "GETNAME"],
        ["CLIENT", "KILL", "127.0.0.1:1"], ["CLIENT", "KILL", "nonsense"],
        ["CLIENT", "KILL", "ID", "999999"], ["CLIENT", "KILL", "LADDR", "127.0.0.1:1"],
        ["CLIENT", "KILL", "ADDR", "127.0.0.1:1", "TYPE", "normal"], ["CLIENT", "KILL", "TYPE", "pubsub"],
        ["CLIENT", "KILL", "TYPE", "master"], ["CLIENT", "KILL", "USER", "default", "ID", "999999"],
        ["CLIENT", "KILL", "TYPE", "x"], ["CLIENT", "KILL", "USER", "bob"], ["CLIENT", "KILL", "SKIPME", "maybe"],
        ["CLIENT", "KILL", "FOO", "bar"], ["CLIENT", "KILL", "ID", "1", "SKIPME"],
        ["CLIENT", "LIST", "TYPE", "pubsub"], ["CLIENT", "LIST", "TYPE", "nosuch"], ["CLIENT", "LIST", "TYPE"],
        ["CLIENT", "LIST", "ID"], ["CLIENT", "LIST", "ID", "x"], ["CLIENT", "LIST", "ID", "999999"],
        ["CLIENT", "LIST", "foo"], ["CLIENT"],
    ]

    static let redis62Only: [(command: [String], reply: String, reason: String)] = [
        (["CLIENT", "SETINFO", "LIB-NAME", "redis-py"],
         "-ERR Unknown subcommand or wrong number of arguments for 'SETINFO'. Try CLIENT HELP.\r\n",
         "Redis 7.0 says \"unknown subcommand 'SETINFO'. Try CLIENT HELP.\" (and 7.2 has SETINFO)"),
        (["CLIENT", "HELP", "x"],
         "-ERR Unknown subcommand or wrong number of arguments for 'HELP'. Try CLIENT HELP.\r\n",
         "Redis 7.0 checks a subcommand's arity: \"wrong number of arguments for 'client|help' command\""),
        (["CLIENT", "KILL", "ID", "x"], "-ERR value is not an integer or out of range\r\n",
         "Redis 7.0 says \"client-id should be greater than 0\" (and refuses ID 0)"),
        (["CLIENT", "KILL", "ID", "0"], ":0\r\n",
         "Redis 6.2 reads ID 0 as no ID filter (here: everyone but the caller, so nobody); 7.0 refuses it"),
        (["CLIENT", "KILL"], "-ERR syntax error\r\n",
         "Redis 7.0 checks a subcommand's arity: \"wrong number of arguments for 'client|kill' command\""),
    ]

    func testSameClientRepliesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies(ClientSideBySideTests.commands, ours: a, redis: b)
        _ = try assertRedis62Replies(ClientSideBySideTests.redis62Only, ours: a, redis: b)
        // RESP3: GETNAME's null and the verbatim type of LIST and INFO.
        _ = try a.call("HELLO", "3"); _ = try b.call("HELLO", "3")
        try assertSameReplies([["CLIENT", "GETNAME"], ["CLIENT", "LIST", "TYPE", "pubsub"]], ours: a, redis: b)
        for sub in ["INFO", "LIST"] {
            guard case .verbatim(let f1, _) = try a.call("CLIENT", sub), case .verbatim(let f2, _) = try b.call("CLIENT", sub) else {
                return XCTFail("CLIENT \(sub) is not a verbatim string in RESP3")
            }
            XCTAssertEqual(f1, f2)
        }
    }

    /// Fields 7.0 added to the line since 6.2 (catClientInfoString): shard channels, the
    /// transaction's memory, the reply buffer's size and peak, and the protocol.
    static let fieldsNewIn70: Set<String> = ["ssub", "multi-mem", "rbs", "rbp", "resp"]

    func testListLineHasRedis62FieldsInRealRedisOrder() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        var names: [[String]] = []
        var cmds: [String] = []
        for port in [ours.port, realPort] {
            let c = try RawClient(port: port)
            guard let text = try c.call("CLIENT", "INFO").string else { return XCTFail("CLIENT INFO on \(port)") }
            let pairs = text.dropLast().split(separator: " ").map { $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false) }
            names.append(pairs.map { String($0[0]) })
            cmds.append(pairs.first { $0[0] == "cmd" }.map { String($0[1]) } ?? "")
        }
        XCTAssertEqual(names[0], names[1].filter { !ClientSideBySideTests.fieldsNewIn70.contains($0) })
        // 6.2 names the command; 7.0 the command and its subcommand.
        XCTAssertEqual(cmds[0], "client")
        XCTAssertEqual(cmds[1], "client|info")
    }

    func testKillAnotherClientAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        for port in [ours.port, realPort] {
            let a = try RawClient(port: port), b = try RawClient(port: port)
            guard case .integer(let id) = try b.call("CLIENT", "ID") else { return XCTFail("CLIENT ID on \(port)") }
            XCTAssertEqual(esc(try a.callRaw("CLIENT", "KILL", "ID", String(id))), ":1\\r\\n", "port \(port)")
            XCTAssertThrowsError(try b.call("PING"), "port \(port)")
            XCTAssertEqual(esc(try a.callRaw("CLIENT", "KILL", "ID", String(id))), ":0\\r\\n", "port \(port)")
            XCTAssertEqual(esc(try a.callRaw("CLIENT", "KILL", "SKIPME", "no", "ID", "999999")), ":0\\r\\n", "port \(port)")
        }
    }

    /// `cmd=` of another client, as a third client sees it: the last command looked up, whether
    /// it ran, was queued or was refused; EXEC, not the commands it ran; NULL for an unknown name.
    func testCmdFieldOfAnotherClientAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        var seen: [[String]] = []
        for port in [ours.port, realPort] {
            let a = try RawClient(port: port), b = try RawClient(port: port)
            guard case .integer(let id) = try b.call("CLIENT", "ID") else { return XCTFail("CLIENT ID on \(port)") }
            var cmds: [String] = []
            for step in [["MULTI"], ["SET", "k", "v"], ["EXEC"], ["GET"], ["NOSUCH"], ["SELECT", "2"]] {
                _ = try b.callRaw(step.map { Array($0.utf8) })
                let line = try a.call("CLIENT", "LIST", "ID", String(id)).string ?? ""
                cmds.append(line.split(separator: " ").first { $0.hasPrefix("cmd=") }.map { String($0.dropFirst(4)) } ?? "(none)")
            }
            seen.append(cmds)
        }
        XCTAssertEqual(seen[0], ["multi", "set", "exec", "get", "NULL", "select"])
        XCTAssertEqual(seen[0], seen[1])
    }
}
