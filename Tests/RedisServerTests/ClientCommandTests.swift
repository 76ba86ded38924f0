// CLIENT over real sockets, with two or more connections: ids, names, the fields of CLIENT LIST
// and CLIENT INFO, the filters of LIST and KILL, and when a killed connection closes.
//
// Redis: clientCommand, catClientInfoString (src/networking.c)

import Foundation
import TestSupport
import XCTest

final class ClientCommandTests: ServerTestCase {
    /// The `field=value` pairs of one CLIENT LIST line, in order.
    func fields(_ line: Substring) -> [(String, String)] {
        line.split(separator: " ").map { kv in
            let parts = kv.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// CLIENT LIST's lines, each as a dictionary.
    func listLines(_ c: RawClient, _ args: String...) -> [[String: String]] {
        guard let text = call(c, ["CLIENT", "LIST"] + args).string else { XCTFail("no CLIENT LIST text"); return [] }
        return text.split(separator: "\n").map { Dictionary(fields($0), uniquingKeysWith: { a, _ in a }) }
    }

    func call(_ c: RawClient, _ args: [String]) -> RESPValue {
        do { return try c.call(args.map { Array($0.utf8) }) } catch { XCTFail("\(args): \(error)"); return .error("\(error)") }
    }

    func testIdNameAndGetname() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        guard let ida = int(a, "CLIENT", "ID"), let idb = int(b, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        XCTAssertGreaterThan(idb, ida, "ids grow with each connection")
        expect(a, "CLIENT", "GETNAME", is: "$-1\r\n")
        expect(a, "CLIENT", "SETNAME", "worker-1", is: "+OK\r\n")
        expect(a, "CLIENT", "GETNAME", is: "$8\r\nworker-1\r\n")
        expect(b, "CLIENT", "GETNAME", is: "$-1\r\n")
        for bad in ["a b", "a\nb", "tab\there", "\u{7f}"] {
            expect(a, "CLIENT", "SETNAME", bad, is: "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        }
        expect(a, "CLIENT", "GETNAME", is: "$8\r\nworker-1\r\n")
        // An empty name removes it.
        expect(a, "CLIENT", "SETNAME", "", is: "+OK\r\n")
        expect(a, "CLIENT", "GETNAME", is: "$-1\r\n")
        // RESP3: a null is `_`.
        _ = call(a, "HELLO", "3")
        expect(a, "CLIENT", "GETNAME", is: "_\r\n")
    }

    func testListFieldsInRedis62Order() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        expect(b, "CLIENT", "SETNAME", "other", is: "+OK\r\n")
        expect(b, "SELECT", "3", is: "+OK\r\n")
        guard let text = call(a, "CLIENT", "LIST").string else { return XCTFail("CLIENT LIST") }
        XCTAssertTrue(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let names = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "multi",
                     "qbuf", "qbuf-free", "argv-mem", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir"]
        for line in lines { XCTAssertEqual(fields(line).map(\.0), names) }
        let mine = Dictionary(fields(lines[0]), uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(fields(lines[1]), uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(mine["id"], int(a, "CLIENT", "ID").map(String.init))
        XCTAssertEqual(mine["laddr"], "127.0.0.1:\(s.port)")
        XCTAssertEqual(mine["addr"]?.hasPrefix("127.0.0.1:"), true)
        XCTAssertNotEqual(mine["addr"], theirs["addr"])
        XCTAssertEqual(mine["name"], "")
        XCTAssertEqual(mine["flags"], "N")
        XCTAssertEqual(mine["multi"], "-1")
        XCTAssertEqual(mine["cmd"], "client", "the caller is running CLIENT")
        XCTAssertEqual(mine["argv-mem"], "10", "CLIENT + LIST: the caller's arguments")
        XCTAssertEqual(mine["user"], "default")
        XCTAssertEqual(theirs["name"], "other")
        XCTAssertEqual(theirs["db"], "3")
        XCTAssertEqual(theirs["cmd"], "select")
        XCTAssertEqual(theirs["argv-mem"], "0")
        // CLIENT INFO is the caller's own line.
        guard let info = call(b, "CLIENT", "INFO").string else { return XCTFail("CLIENT INFO") }
        XCTAssertTrue(info.hasSuffix("\n"))
        let own = Dictionary(fields(info.dropLast()), uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(own["id"], theirs["id"])
        XCTAssertEqual(own["name"], "other")
        XCTAssertEqual(own["cmd"], "client")
    }

    func testFlagsAndMultiCount() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        guard let idb = int(b, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(b, "MULTI", is: "+OK\r\n")
        expect(b, "SET", "k", "v", is: "+QUEUED\r\n")
        expect(b, "INCR", "n", is: "+QUEUED\r\n")
        var line = listLines(a, "ID", String(idb)).first
        XCTAssertEqual(line?["flags"], "x")
        XCTAssertEqual(line?["multi"], "2")
        XCTAssertEqual(line?["cmd"], "incr", "cmd= is the last command looked up, queued or not")
        expect(b, "GET", is: "-ERR wrong number of arguments for 'get' command\r\n")
        XCTAssertEqual(listLines(a, "ID", String(idb)).first?["cmd"], "get")
        expect(b, "NOSUCH", is: "-ERR unknown command `NOSUCH`, with args beginning with: \r\n")
        XCTAssertEqual(listLines(a, "ID", String(idb)).first?["cmd"], "NULL")
        expect(b, "DISCARD", is: "+OK\r\n")
        line = listLines(a, "ID", String(idb)).first
        XCTAssertEqual(line?["flags"], "N")
        XCTAssertEqual(line?["multi"], "-1")
        XCTAssertEqual(line?["cmd"], "discard")
        // Blocked in BLPOP: `b`.
        b.send(raw: RawClient.encode([Array("BLPOP".utf8), Array("nolist".utf8), Array("0".utf8)]))
        var flags: String?
        for _ in 0..<50 {
            flags = listLines(a, "ID", String(idb)).first?["flags"]
            if flags == "b" { break }
            usleep(20_000)
        }
        XCTAssertEqual(flags, "b")
        XCTAssertEqual(listLines(a, "ID", String(idb)).first?["cmd"], "blpop")
        expect(a, "RPUSH", "nolist", "x", is: ":1\r\n")
        XCTAssertEqual(try b.readReply().description, "[\"nolist\", \"x\"]")
        XCTAssertEqual(listLines(a, "ID", String(idb)).first?["flags"], "N")
    }

    func testListFilters() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        guard let ida = int(a, "CLIENT", "ID"), let idb = int(b, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        XCTAssertEqual(listLines(a, "TYPE", "normal").count, 2)
        XCTAssertEqual(listLines(a, "TYPE", "NORMAL").count, 2)
        expect(a, "CLIENT", "LIST", "TYPE", "pubsub", is: "$0\r\n\r\n")
        expect(a, "CLIENT", "LIST", "TYPE", "replica", is: "$0\r\n\r\n")
        expect(a, "CLIENT", "LIST", "TYPE", "master", is: "$0\r\n\r\n")
        // ID: in the order asked for, unknown ids skipped.
        XCTAssertEqual(listLines(a, "ID", String(idb), "999999", String(ida)).map { $0["id"] ?? "" }, [String(idb), String(ida)])
        expect(a, "CLIENT", "LIST", "ID", "999999", is: "$0\r\n\r\n")
        expect(a, "CLIENT", "LIST", "ID", String(ida), "x", is: "-ERR Invalid client ID\r\n")
        expect(a, "CLIENT", "LIST", "TYPE", "nosuch", is: "-ERR Unknown client type 'nosuch'\r\n")
        expect(a, "CLIENT", "LIST", "ID", is: "-ERR syntax error\r\n")
        expect(a, "CLIENT", "LIST", "TYPE", is: "-ERR syntax error\r\n")
        expect(a, "CLIENT", "LIST", "TYPE", "normal", "ID", "1", is: "-ERR syntax error\r\n")
        // RESP3: LIST and INFO are verbatim strings.
        _ = call(a, "HELLO", "3")
        guard case .verbatim(let format, _) = call(a, "CLIENT", "INFO") else { return XCTFail("CLIENT INFO in RESP3") }
        XCTAssertEqual(format, "txt")
        guard case .verbatim = call(a, "CLIENT", "LIST") else { return XCTFail("CLIENT LIST in RESP3") }
    }

    func testKillOldAndNewForms() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s), c = try connect(s)
        guard let idb = int(b, "CLIENT", "ID"), let idc = int(c, "CLIENT", "ID") else { return XCTFail("CLIENT ID") }
        expect(a, "CLIENT", "KILL", "127.0.0.1:1", is: "-ERR No such client\r\n")
        expect(a, "CLIENT", "KILL", "ID", "999999", is: ":0\r\n")
        // The old form by b's address: +OK, and b is gone.
        guard let addrB = listLines(a, "ID", String(idb)).first?["addr"] else { return XCTFail("b's addr") }
        expect(a, "CLIENT", "KILL", addrB, is: "+OK\r\n")
        XCTAssertThrowsError(try b.call("PING"), "b was killed")
        XCTAssertEqual(listLines(a, "ID", String(idb)).count, 0)
        // The new form by id: the count; c is closed, the killer carries on.
        expect(a, "CLIENT", "KILL", "ID", String(idc), is: ":1\r\n")
        XCTAssertThrowsError(try c.call("PING"), "c was killed")
        expect(a, "PING", is: "+PONG\r\n")
        XCTAssertEqual(listLines(a).count, 1)
        // ID 0 is no ID filter in 6.2: every other client.
        let d = try connect(s)
        expect(d, "PING", is: "+PONG\r\n")
        expect(a, "CLIENT", "KILL", "ID", "0", is: ":1\r\n")
        XCTAssertThrowsError(try d.call("PING"), "d was killed")
    }

    func testKillFiltersAndSkipme() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s), c = try connect(s)
        _ = int(b, "CLIENT", "ID"); _ = int(c, "CLIENT", "ID")
        // Filters combine: LADDR of another port and TYPE pubsub match nobody.
        expect(a, "CLIENT", "KILL", "LADDR", "127.0.0.1:1", is: ":0\r\n")
        expect(a, "CLIENT", "KILL", "TYPE", "pubsub", is: ":0\r\n")
        expect(a, "CLIENT", "KILL", "TYPE", "normal", "USER", "default", "ID", "999999", is: ":0\r\n")
        // TYPE normal with SKIPME yes (the default): everyone but the caller.
        expect(a, "CLIENT", "KILL", "TYPE", "normal", "LADDR", "127.0.0.1:\(s.port)", is: ":2\r\n")
        XCTAssertThrowsError(try b.call("PING"))
        XCTAssertThrowsError(try c.call("PING"))
        expect(a, "CLIENT", "KILL", "TYPE", "normal", is: ":0\r\n")
        // Errors.
        expect(a, "CLIENT", "KILL", is: "-ERR syntax error\r\n")
        expect(a, "CLIENT", "KILL", "ID", "1", "SKIPME", is: "-ERR syntax error\r\n")
        expect(a, "CLIENT", "KILL", "ID", "x", is: "-ERR value is not an integer or out of range\r\n")
        expect(a, "CLIENT", "KILL", "TYPE", "x", is: "-ERR Unknown client type 'x'\r\n")
        expect(a, "CLIENT", "KILL", "USER", "bob", is: "-ERR No such user 'bob'\r\n")
        expect(a, "CLIENT", "KILL", "SKIPME", "maybe", is: "-ERR syntax error\r\n")
        expect(a, "CLIENT", "KILL", "FOO", "bar", is: "-ERR syntax error\r\n")
        // SKIPME no: the caller kills itself, and still reads its reply first.
        expect(a, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no", is: ":1\r\n")
        XCTAssertThrowsError(try a.call("PING"), "the caller closed after its reply")
    }

    func testKillYourselfWithTheOldForm() throws {
        let s = try startServer()
        let a = try connect(s)
        guard let addr = listLines(a).first?["addr"] else { return XCTFail("addr") }
        // Pipelined: the reply to KILL arrives, the PING after it never runs.
        a.send(raw: RawClient.encode([Array("CLIENT".utf8), Array("KILL".utf8), Array(addr.utf8)])
                    + RawClient.encode([Array("PING".utf8)]))
        guard case .simple(let ok) = try a.readReply() else { return XCTFail("no +OK") }
        XCTAssertEqual(ok, "OK")
        XCTAssertThrowsError(try a.readReply(), "closed: no PONG")
        let b = try connect(s)
        XCTAssertEqual(listLines(b).count, 1)
    }

    func testHelpAndUnknownSubcommands() throws {
        let c = try connect(try startServer())
        guard case .array(let lines?) = call(c, "CLIENT", "HELP") else { return XCTFail("CLIENT HELP") }
        XCTAssertEqual(lines.count, 46)
        XCTAssertEqual(lines.first?.string, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
        XCTAssertEqual(lines.last?.string, "    Prints this help.")
        XCTAssertTrue(lines.contains { $0.string == "KILL <ip:port>" })
        expect(c, "CLIENT", "SETINFO", "LIB-NAME", "redis-py",
               is: "-ERR Unknown subcommand or wrong number of arguments for 'SETINFO'. Try CLIENT HELP.\r\n")
        expect(c, "CLIENT", "HELP", "x", is: "-ERR Unknown subcommand or wrong number of arguments for 'HELP'. Try CLIENT HELP.\r\n")
        expect(c, "CLIENT", "ID", "x", is: "-ERR Unknown subcommand or wrong number of arguments for 'ID'. Try CLIENT HELP.\r\n")
        expect(c, "CLIENT", "SETNAME", is: "-ERR Unknown subcommand or wrong number of arguments for 'SETNAME'. Try CLIENT HELP.\r\n")
        expect(c, "CLIENT", is: "-ERR wrong number of arguments for 'client' command\r\n")
    }
}
