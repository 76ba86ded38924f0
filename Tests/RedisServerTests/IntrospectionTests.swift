// What a client can learn about the server: INFO, COMMAND, and the DEBUG helpers tests rely on.
//
// Redis: infoCommand, genRedisInfoString, commandCommand, addReplyCommand (src/server.c),
// debugCommand (src/debug.c)

import Foundation
import TestSupport
import XCTest

final class InfoTests: ServerTestCase {
    func testDefaultSectionsArePresent() throws {
        let s = try startServer()
        let c = try connect(s)
        guard case .bulk(let b?) = call(c, "INFO") else { return XCTFail("INFO is not a bulk string") }
        let text = String(decoding: b, as: UTF8.self)
        for section in ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Keyspace"] {
            XCTAssert(text.contains("# \(section)\r\n"), "missing # \(section)")
        }
        XCTAssert(text.hasPrefix("# Server\r\n"))
        XCTAssert(text.contains("\r\nredis_version:6.2."), "clients look at redis_version")
        XCTAssert(text.contains("\r\ntcp_port:\(s.port)\r\n"))
        XCTAssert(text.contains("\r\nconnected_clients:1\r\n"))
        XCTAssert(text.contains("\r\nprocess_id:\(s.pid)\r\n"))
        XCTAssertFalse(text.contains("\n\n"), "lines end with CRLF")
    }

    func testKeyspaceLine() throws {
        let c = try connect(try startServer())
        expect(c, "INFO", "keyspace", is: "$12\r\n# Keyspace\r\n\r\n")
        expect(c, "SET", "a", "1", is: "+OK\r\n")
        expect(c, "SET", "b", "2", "EX", "100", is: "+OK\r\n")
        guard let text = call(c, "INFO", "keyspace").string else { return XCTFail("no INFO") }
        XCTAssert(text.contains("\r\ndb0:keys=2,expires=1,avg_ttl="), text)
        XCTAssertFalse(text.contains("db1:"), text)
        expect(c, "SELECT", "3", is: "+OK\r\n")
        expect(c, "SET", "c", "1", is: "+OK\r\n")
        XCTAssert(call(c, "INFO", "keyspace").string?.contains("\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n") == true)
    }

    func testTotalCommandsProcessedGrows() throws {
        let c = try connect(try startServer())
        let before = Int(infoField(c, "stats", "total_commands_processed") ?? "") ?? -1
        for _ in 0..<5 { expect(c, "PING", is: "+PONG\r\n") }
        let after = Int(infoField(c, "stats", "total_commands_processed") ?? "") ?? -1
        XCTAssertGreaterThanOrEqual(before, 0)
        // Five PINGs and the first INFO itself.
        XCTAssertEqual(after - before, 6)
    }

    func testCPUCountsTheMainThreadApart() throws {
        let c = try connect(try startServer())
        for _ in 0..<200 { expect(c, "SET", "k", "v", is: "+OK\r\n") }
        let names = ["used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"]
        #if os(Linux)
        let all = names + ["used_cpu_sys_main_thread", "used_cpu_user_main_thread"]
        #else
        let all = names
        #endif
        for n in all { XCTAssertNotNil(Double(infoField(c, "cpu", n) ?? ""), n) }
        #if os(Linux)
        // The event loop's thread is part of the process: it cannot have used more.
        let proc = Double(infoField(c, "cpu", "used_cpu_user") ?? "") ?? 0
        let main = Double(infoField(c, "cpu", "used_cpu_user_main_thread") ?? "") ?? .infinity
        XCTAssertLessThanOrEqual(main, proc + 0.01)
        #endif
    }

    func testOneSectionOnly() throws {
        let c = try connect(try startServer())
        guard let text = call(c, "INFO", "stats").string else { return XCTFail("no INFO") }
        XCTAssert(text.hasPrefix("# Stats\r\n"), text)
        let headers = text.split(separator: "\r\n").filter { $0.hasPrefix("#") }
        XCTAssertEqual(headers, ["# Stats"])
        XCTAssert(text.contains("\r\nexpired_keys:0\r\n"))
        // Section names are case-insensitive; an unknown one is empty.
        XCTAssert(call(c, "INFO", "STATS").string?.hasPrefix("# Stats\r\n") == true)
        expect(c, "INFO", "nosuch", is: "$0\r\n\r\n")
    }
}

final class CommandCommandTests: ServerTestCase {
    func testCommandCount() throws {
        let c = try connect(try startServer())
        guard let n = int(c, "COMMAND", "COUNT") else { return XCTFail("COMMAND COUNT is not an integer") }
        XCTAssertGreaterThanOrEqual(n, 40)
        guard case .array(let all?) = call(c, "COMMAND") else { return XCTFail("COMMAND is not an array") }
        XCTAssertEqual(Int64(all.count), n)
        let names = all.compactMap { entry -> String? in
            if case .array(let e?) = entry { return e.first?.string }
            return nil
        }
        for name in ["get", "set", "scan", "expire", "command", "config", "info", "ping"] {
            XCTAssert(names.contains(name), "COMMAND lacks \(name)")
        }
    }

    func testCommandInfoGet() throws {
        let c = try connect(try startServer())
        guard case .array(let outer?) = call(c, "COMMAND", "INFO", "get"), outer.count == 1,
              case .array(let get?) = outer[0], get.count == 7 else { return XCTFail("bad COMMAND INFO reply") }
        XCTAssertEqual(get[0], .bulk(Array("get".utf8)))
        XCTAssertEqual(get[1], .integer(2))
        XCTAssertEqual(get[2], .array([.simple("readonly"), .simple("fast")]))
        XCTAssertEqual(Array(get[3...5]), [.integer(1), .integer(1), .integer(1)])
        guard case .array(let cats?) = get[6] else { return XCTFail("no ACL categories") }
        XCTAssertEqual(Set(cats.compactMap(\.string)), ["@read", "@string", "@fast"])
        guard case .array(let m?) = call(c, "COMMAND", "INFO", "MSET"), case .array(let mset?) = m.first else {
            return XCTFail("bad COMMAND INFO reply")
        }
        XCTAssertEqual(Array(mset[0...5]), [.bulk(Array("mset".utf8)), .integer(-3), .array([.simple("write"), .simple("denyoom")]),
                                            .integer(1), .integer(-1), .integer(2)])
    }

    // Redis 6.2 lists a command's ACL categories in the order of ACLCommandCategories
    // (keyspace, read, write, set, …, string, …, fast, slow, …; addReplyCommandCategories in
    // src/acl.c), so `COMMAND INFO get` ends with `+@read +@string +@fast`. Guards that exact
    // order, byte for byte, rather than the order the categories are named in the spec.
    func testCommandInfoExactBytesAsRedis62() throws {
        let c = try connect(try startServer())
        expect(c, "COMMAND", "INFO", "get",
               is: "*1\r\n*7\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n")
        expect(c, "COMMAND", "INFO", "mset",
               is: "*1\r\n*7\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n")
    }

    func testCommandInfoUnknownIsNull() throws {
        let c = try connect(try startServer())
        expect(c, "COMMAND", "INFO", "nosuch", is: "*1\r\n$-1\r\n")
        guard case .array(let two?) = call(c, "COMMAND", "INFO", "nosuch", "ping"), two.count == 2 else {
            return XCTFail("bad COMMAND INFO reply")
        }
        XCTAssertEqual(two[0], .bulk(nil))
        guard case .array(let ping?) = two[1] else { return XCTFail("no entry for ping") }
        XCTAssertEqual(ping.first, .bulk(Array("ping".utf8)))
    }

    func testCommandGetkeys() throws {
        let c = try connect(try startServer())
        expect(c, "COMMAND", "GETKEYS", "mset", "a", "b", "c", "d", is: "*2\r\n$1\r\na\r\n$1\r\nc\r\n")
        expect(c, "COMMAND", "GETKEYS", "get", "k", is: "*1\r\n$1\r\nk\r\n")
        expect(c, "COMMAND", "GETKEYS", "rename", "x", "y", is: "*2\r\n$1\r\nx\r\n$1\r\ny\r\n")
        expect(c, "COMMAND", "GETKEYS", "nosuch", "x", is: "-ERR Invalid command specified\r\n")
        expect(c, "COMMAND", "GETKEYS", "get", is: "-ERR Invalid number of arguments specified for command\r\n")
        expect(c, "COMMAND", "GETKEYS", "ping", is: "-ERR The command has no key arguments\r\n")
    }
}

final class DebugCommandTests: ServerTestCase {
    func testDebugSleep() throws {
        let c = try connect(try startServer())
        let start = Date()
        expect(c, "DEBUG", "SLEEP", "0.1", is: "+OK\r\n")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.1)
        expect(c, "DEBUG", "SLEEP", "0", is: "+OK\r\n")
    }

    func testDebugHtstats() throws {
        let c = try connect(try startServer())
        expect(c, "MSET", "a", "1", "b", "2", "c", "3", is: "+OK\r\n")
        guard let text = call(c, "DEBUG", "HTSTATS", "0").string else { return XCTFail("DEBUG HTSTATS gave no text") }
        XCTAssert(text.contains("Hash table 0 stats"), text)
        XCTAssert(text.contains("number of elements: 3"), text)
        expect(c, "DEBUG", "HTSTATS", "99", is: "-ERR Out of range database\r\n")
    }
}
