// COMMAND DOCS side by side with a real redis-server 7.0 (DOCS arrived in 7.0; 6.2 has none, so
// here 7.0 is the reference). The facts must agree — `since`, `group`, `doc_flags`,
// `deprecated_since` of every command and subcommand both servers have — while every summary must
// be our own. The reply's shape (keys, their order and their types) must match for a few commands,
// apart from the field we leave out (`history`). The arguments must read the same: rendered as
// redis-cli renders its hints, and with the same type for every value. Then the clients: redis-cli 7
// builds its `help` and hints from our docs, and redis-py reads them in both protocols.

import Foundation
import TestSupport
import XCTest

final class CommandDocsSideBySideTests: InteropTestCase {
    /// The field of 7.0's docs that we leave out (SIMPLIFICATION in CommandDocs.swift).
    static let leftOut: Set<String> = ["history"]
    /// The fields that are facts, not prose: they must be equal.
    static let facts = ["since", "group", "deprecated_since"]

    /// The docs of every command, by name, from one server.
    func allDocs(_ c: RawClient) throws -> [String: [RESPPair]] {
        guard let pairs = try c.call("COMMAND", "DOCS").pairs else { throw TestSupportError("DOCS is not a map") }
        var out: [String: [RESPPair]] = [:]
        for p in pairs { out[p.key] = p.value.pairs ?? [] }
        return out
    }

    func value(_ doc: [RESPPair], _ key: String) -> RESPValue? { doc.first { $0.key == key }?.value }

    /// Compares one of our docs with 7.0's: equal facts, different summaries; then the same for
    /// every subcommand both have. Returns how many docs were compared.
    func compare(_ name: String, ours: [RESPPair], theirs: [RESPPair]) -> Int {
        for k in CommandDocsSideBySideTests.facts {
            XCTAssertEqual(value(ours, k)?.string, value(theirs, k)?.string, "\(name): \(k)")
        }
        let flags = { (d: [RESPPair]) in Set(self.value(d, "doc_flags")?.elements?.compactMap(\.string) ?? []) }
        XCTAssertEqual(flags(ours), flags(theirs), "\(name): doc_flags")
        let mine = value(ours, "summary")?.string ?? "", real = value(theirs, "summary")?.string ?? ""
        XCTAssertFalse(mine.isEmpty, "\(name): no summary")
        XCTAssertNotEqual(mine.lowercased().filter(\.isLetter), real.lowercased().filter(\.isLetter),
                          "\(name): the summary must be our own words, not Redis's")
        var compared = 1
        let realSubs = Dictionary((value(theirs, "subcommands")?.pairs ?? []).map { ($0.key, $0.value.pairs ?? []) },
                                  uniquingKeysWith: { a, _ in a })
        for sub in value(ours, "subcommands")?.pairs ?? [] {
            guard let real = realSubs[sub.key] else { continue }
            compared += compare(sub.key, ours: sub.value.pairs ?? [], theirs: real)
        }
        return compared
    }

    func testFactsMatchRedis70AndSummariesAreOurOwn() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        let mine = try allDocs(a), real = try allDocs(b)
        XCTAssertEqual(Int64(mine.count), try a.call("COMMAND", "COUNT").integerValue)
        var compared = 0
        for (name, doc) in mine {
            guard let theirs = real[name] else { XCTFail("\(name) is not a Redis 7.0 command"); continue }
            compared += compare(name, ours: doc, theirs: theirs)
        }
        // Every command of ours, and the subcommands of CLIENT, CONFIG, COMMAND, OBJECT, PUBSUB.
        XCTAssertGreaterThan(compared, mine.count + 20)
    }

    /// Keys in the same order, each with the same RESP type, in RESP2 and RESP3.
    func testReplyShapeMatchesRedis70() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let names = ["get", "getset", "debug", "config", "zadd", "client|list"]
        for proto in ["2", "3"] {
            let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
            _ = try a.call("HELLO", proto); _ = try b.call("HELLO", proto)
            for name in names {
                let mine = try a.call("COMMAND", "DOCS", name), real = try b.call("COMMAND", "DOCS", name)
                XCTAssertEqual(kind(mine), kind(real), "RESP\(proto) \(name): top level")
                guard let m = mine.pairs?.first, let r = real.pairs?.first else { XCTFail("\(name): no doc"); continue }
                XCTAssertEqual(m.key, r.key)
                XCTAssertEqual(kind(m.value), kind(r.value), "RESP\(proto) \(name)")
                let realKeys = (r.value.pairs ?? []).filter { !CommandDocsSideBySideTests.leftOut.contains($0.key) }
                XCTAssertEqual(m.value.pairs?.map(\.key), realKeys.map(\.key), "RESP\(proto) \(name): keys")
                for (x, y) in zip(m.value.pairs ?? [], realKeys) {
                    XCTAssertEqual(kind(x.value), kind(y.value), "RESP\(proto) \(name).\(x.key)")
                    for (f, g) in zip(x.value.elements ?? [], y.value.elements ?? []) {
                        XCTAssertEqual(kind(f), kind(g), "RESP\(proto) \(name).\(x.key) element")
                    }
                }
            }
        }
    }

    // MARK: - Arguments

    /// Where our syntax is 6.2's and 7.0's differs on purpose, with the reason.
    static let syntax62Only: [String: String] = [
        "expire": "7.0 added NX|XX|GT|LT", "expireat": "7.0 added NX|XX|GT|LT",
        "pexpire": "7.0 added NX|XX|GT|LT", "pexpireat": "7.0 added NX|XX|GT|LT",
        "shutdown": "7.0 added NOW, FORCE and ABORT",
        "command|getkeys": "7.0's docs list no arguments for GETKEYS; it takes a whole command",
        "bitcount": "7.0 added BYTE|BIT", "bitpos": "7.0 added BYTE|BIT",
    ]
    /// Values whose type we give differently, with the reason.
    static let typeDifferences: [String: String] = [
        "zunionstore.weight": "7.0 says integer; 6.2 parses a double (zunionInterGenericCommand)",
        "zinterstore.weight": "7.0 says integer; 6.2 parses a double (zunionInterGenericCommand)",
        "zunion.weight": "7.0 says integer; 6.2 parses a double (zunionInterGenericCommand)",
        "zinter.weight": "7.0 says integer; 6.2 parses a double (zunionInterGenericCommand)",
        "zincrby.increment": "7.0 says integer; 6.2 parses a double (zaddGenericCommand)",
    ]

    /// An argument list as redis-cli 7.0 renders it for `help` and hints (cliConcatArguments,
    /// cliAddArgument in src/redis-cli.c).
    func render(_ args: [RESPValue], _ separator: String = " ") -> String {
        args.compactMap(\.pairs).map { a in
            let name = value(a, "name")?.string ?? "", type = value(a, "type")?.string ?? ""
            let token = value(a, "token")?.string ?? ""
            let flags = Set(value(a, "flags")?.elements?.compactMap(\.string) ?? [])
            let children = value(a, "arguments")?.elements ?? []
            let repeated = type == "oneof" ? render(children, "|") : type == "block" ? render(children) : type == "pure-token" ? "" : name
            let tokenPart = token.isEmpty || type == "pure-token" ? token : token + " "
            var out = tokenPart + repeated
            if flags.contains("multiple") { out += " [" + (flags.contains("multiple_token") ? tokenPart : "") + repeated + " ...]" }
            return flags.contains("optional") ? "[" + out + "]" : out
        }.joined(separator: separator)
    }

    /// Every value (not group, not bare token) as name:type, in order.
    func valueTypes(_ args: [RESPValue]) -> [String] {
        args.compactMap(\.pairs).flatMap { a -> [String] in
            let type = value(a, "type")?.string ?? ""
            if type == "oneof" || type == "block" { return valueTypes(value(a, "arguments")?.elements ?? []) }
            if type == "pure-token" { return [] }
            return ["\(value(a, "name")?.string ?? ""):\(type)"]
        }
    }

    func testArgumentsReadAsRedis70s() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let mine = try allDocs(try RawClient(port: ours.port)), real = try allDocs(try RawClient(port: realPort))
        var docs: [(String, [RESPPair], [RESPPair])] = []
        for (name, doc) in mine {
            guard let theirs = real[name] else { continue }
            docs.append((name, doc, theirs))
            let realSubs = value(theirs, "subcommands")?.pairs ?? []
            for sub in value(doc, "subcommands")?.pairs ?? [] {
                if let r = realSubs.first(where: { $0.key == sub.key }) { docs.append((sub.key, sub.value.pairs ?? [], r.value.pairs ?? [])) }
            }
        }
        var same = 0
        for (name, doc, theirs) in docs {
            let a = value(doc, "arguments")?.elements ?? [], b = value(theirs, "arguments")?.elements ?? []
            if let reason = CommandDocsSideBySideTests.syntax62Only[name] {
                XCTAssertNotEqual(render(a), render(b), "\(name) is listed as different (\(reason)) but is not")
                continue
            }
            XCTAssertEqual(render(a), render(b), "\(name): arguments")
            XCTAssertEqual(valueTypes(a).count, valueTypes(b).count, "\(name): values")
            let types = zip(valueTypes(a), valueTypes(b)).filter { x, y in
                x != y && CommandDocsSideBySideTests.typeDifferences["\(name).\(x.split(separator: ":")[0])"] == nil
            }
            XCTAssert(types.isEmpty, "\(name): types \(types)")
            same += 1
        }
        XCTAssertGreaterThan(same, 170, "every command and subcommand both servers have")
    }

    /// redis-cli shows the same grey hint after `ZADD ` for both servers.
    func testRedisCliHintsMatchRedis70() throws {
        let cli = try tool("redis-cli"), python = try tool("python3")
        let realPort = try startRealRedis()
        let ours = try startServer()
        let script = tempDir() + "/hint.py"
        try CommandDocsSideBySideTests.hintDriver.write(toFile: script, atomically: true, encoding: .utf8)
        for typed in ["zadd ", "set k ", "client list "] {
            let (s1, mine) = try runProgram(python, [script, cli, String(ours.port), typed], timeout: 30)
            let (s2, real) = try runProgram(python, [script, cli, String(realPort), typed], timeout: 30)
            XCTAssertEqual(s1, 0, mine); XCTAssertEqual(s2, 0, real)
            XCTAssertFalse(mine.isEmpty, "no hint for \(typed)")
            XCTAssertEqual(mine, real, "hint after \(typed)")
        }
    }

    /// python3 hint.py CLI PORT TEXT: types TEXT into an interactive redis-cli on a pty and prints
    /// the grey hint it draws after it (the text between the colour codes `ESC[0;90;49m` and `ESC[0m`).
    static let hintDriver = #"""
    import os, sys, time, fcntl, termios, struct, select, subprocess, re
    cli, port, typed = sys.argv[1], sys.argv[2], sys.argv[3]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 200, 0, 0))
    env = dict(os.environ, TERM='xterm', REDISCLI_HISTFILE='/dev/null')
    p = subprocess.Popen([cli, '-p', port], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    def read(seconds, until=None):
        out, end = b'', time.time() + seconds
        while time.time() < end and not (until and until in out):
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try: out += os.read(master, 65536)
                except OSError: break
        return out
    read(10, ('%s> ' % port).encode())
    os.write(master, typed.encode())
    out = read(1.0)
    p.kill(); p.wait()
    hints = re.findall(rb'\x1b\[0;90;49m(.*?)\x1b\[0m', out)
    sys.stdout.write(hints[-1].decode() if hints else '')
    """#

    /// The RESP type of a reply, as the first byte of its encoding would tell.
    func kind(_ v: RESPValue) -> String {
        switch v {
        case .simple: return "+"
        case .error: return "-"
        case .integer: return ":"
        case .bulk: return "$"
        case .array: return "*"
        case .map: return "%"
        case .set: return "~"
        case .null: return "_"
        default: return String(describing: v).prefix(1).description
        }
    }

    func testUnknownNamesAreLeftOutAsInRedis70() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        let commands = [["COMMAND", "DOCS", "nosuch"], ["COMMAND", "DOCS", "nosuch", "neither"],
                        ["COMMAND", "DOCS", "get|x"], ["COMMAND", "DOCS", "client|nosuch"], ["COMMAND", "DOCS", "|"]]
        try assertSameReplies(commands, ours: a, redis: b)
        _ = try a.call("HELLO", "3"); _ = try b.call("HELLO", "3")
        try assertSameReplies(commands, ours: a, redis: b)
        for names in [["GeT", "nosuch", "ZADD"], ["get", "get"], ["CLIENT|LIST"]] {
            let args = (["COMMAND", "DOCS"] + names).map { Array($0.utf8) }
            XCTAssertEqual(try a.call(args).pairs?.map(\.key), try b.call(args).pairs?.map(\.key), "\(names)")
        }
    }

    /// Our HELP keeps 6.2's lines and adds 7.0's DOCS entry word for word.
    func testHelpDocsEntryIsRedis70s() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        func docsEntry(_ port: Int) throws -> [String] {
            let lines = try RawClient(port: port).call("COMMAND", "HELP").elements?.compactMap(\.string) ?? []
            guard let i = lines.firstIndex(where: { $0.hasPrefix("DOCS ") }) else { return [] }
            return [lines[i]] + lines[(i + 1)...].prefix { $0.hasPrefix(" ") }
        }
        let mine = try docsEntry(ours.port)
        XCTAssertEqual(mine.count, 4)
        XCTAssertEqual(mine, try docsEntry(realPort))
    }

    /// redis-cli 7's `help get` prints what our DOCS says.
    func testRedisCliHelpShowsOurSummaries() throws {
        let cli = try tool("redis-cli"), python = try tool("python3")
        let s = try startServer()
        let script = tempDir() + "/drive.py"
        try InteractiveDriver.python.write(toFile: script, atomically: true, encoding: .utf8)
        let (status, out) = try runProgram(python, [script, cli, String(s.port), "help get", "help client list", "quit"], timeout: 60)
        let text = InteractiveDriver.stripEscapes(out)
        XCTAssertEqual(status, 0, text)
        let c = try RawClient(port: s.port)
        for name in ["get", "client|list"] {
            guard let doc = try c.call("COMMAND", "DOCS", name).pairs?.first?.value.pairs,
                  let summary = value(doc, "summary")?.string, let since = value(doc, "since")?.string else {
                XCTFail("no doc for \(name)"); continue
            }
            XCTAssert(text.contains("summary: \(summary)"), "redis-cli did not show \(name)'s summary:\n\(text)")
            XCTAssert(text.contains("since: \(since)"), "redis-cli did not show \(name)'s version:\n\(text)")
        }
    }

    /// redis-py 8 refuses `command_docs()` on any server ("intentionally not implemented"), so
    /// its users send the command as `execute_command("COMMAND DOCS", …)`: that must give the
    /// same keys and facts from us as from Redis 7.0, in RESP2 and RESP3.
    func testRedisPyReadsOurDocs() throws {
        // The python3 on PATH, as RedisPyTests runs it: the one redis-py was installed for.
        let env = "/usr/bin/env"
        let (ok, why) = try runProgram(env, ["python3", "-c", "import redis"], timeout: 30)
        if ok != 0 {
            let message = "redis-py is not installed: \(why)"
            if Interop.required { return XCTFail(message + " and SWIFT_REDIS_INTEROP=require") }
            throw XCTSkip(message)
        }
        let realPort = try startRealRedis()
        let ours = try startServer()
        let script = #"""
        import sys, redis
        ours, real = int(sys.argv[1]), int(sys.argv[2])
        for proto in (2, 3):
            docs = {}
            for port in (ours, real):
                r = redis.Redis(port=port, protocol=proto, decode_responses=True)
                try:
                    r.command_docs("get")
                    print("command_docs() worked on", port)
                except NotImplementedError:
                    pass
                reply = r.execute_command("COMMAND DOCS", "get", "hset")
                if isinstance(reply, list):
                    reply = {reply[i]: dict(zip(reply[i + 1][::2], reply[i + 1][1::2])) for i in range(0, len(reply), 2)}
                docs[port] = reply
            for name in ("get", "hset"):
                mine, theirs = docs[ours][name], docs[real][name]
                for k in ("since", "group"):
                    assert mine[k] == theirs[k], (proto, name, k, mine[k], theirs[k])
                assert [k for k in mine] == ["summary", "since", "group", "complexity", "arguments"], (proto, name, list(mine))
                assert mine["summary"] != theirs["summary"], (proto, name)
            print("protocol", proto, "ok")
        """#
        let (status, out) = try runProgram(env, ["python3", "-c", script, String(ours.port), String(realPort)], timeout: 60)
        XCTAssertEqual(status, 0, out)
        XCTAssertEqual(out, "protocol 2 ok\nprotocol 3 ok\n")
    }
}

private extension RESPValue {
    var integerValue: Int64? { if case .integer(let i) = self { return i } else { return nil } }
}
