// COMMAND DOCS end to end: every registered command has a doc, the reply is a map in RESP3 and a
// flat array in RESP2, names are found whatever their case, unknown names are left out, and the
// containers document the subcommands their HELP lists.
//
// Redis 7.0: commandDocsCommand, addReplyCommandDocs (src/server.c); Redis 6.2 has no DOCS.

import Foundation
import TestSupport
import XCTest

final class CommandDocsTests: ServerTestCase {
    /// The four fields every doc has, in Redis 7.0's order.
    static let mainKeys = ["summary", "since", "group", "complexity"]
    static let groups: Set<String> = ["generic", "string", "bitmap", "list", "set", "sorted-set", "hash", "pubsub",
                                      "transactions", "connection", "server"]

    /// The docs of a DOCS reply, by name, in reply order.
    func docs(_ c: RawClient, _ names: String..., file: StaticString = #filePath, line: UInt = #line) -> [RESPPair] {
        let reply = call(c, ["COMMAND", "DOCS"] + names, file: file, line: line)
        guard let pairs = reply.pairs else { XCTFail("not a map: \(reply)", file: file, line: line); return [] }
        return pairs
    }

    func call(_ c: RawClient, _ args: [String], file: StaticString = #filePath, line: UInt = #line) -> RESPValue {
        do { return try c.call(args.map { Array($0.utf8) }) } catch {
            XCTFail("\(args.joined(separator: " ")): \(error)", file: file, line: line)
            return .error("transport: \(error)")
        }
    }

    /// A doc's fields as strings (bulk values only), keyed by field name.
    func fields(_ doc: RESPValue) -> [String: String] { fieldsOf(doc.pairs ?? []) }

    // MARK: - Coverage

    /// A command added to the table without a doc fails here.
    func testEveryRegisteredCommandHasADoc() throws {
        let c = try connect(try startServer())
        guard let all = call(c, "COMMAND").elements else { return XCTFail("COMMAND is not an array") }
        let registered = all.compactMap { $0.elements?.first?.string }
        XCTAssertEqual(Int64(registered.count), int(c, "COMMAND", "COUNT"))
        let reply = docs(c)
        XCTAssertEqual(reply.map(\.key), registered, "DOCS lists every command, in COMMAND's order")
        for p in reply {
            let f = fields(p.value)
            XCTAssertEqual(p.value.pairs?.prefix(4).map(\.key), CommandDocsTests.mainKeys, p.key)
            for k in CommandDocsTests.mainKeys { XCTAssertFalse(f[k, default: ""].isEmpty, "\(p.key): empty \(k)") }
            XCTAssertFalse(f["summary", default: ""].contains("\n"), "\(p.key): a summary is one line")
            XCTAssertNotNil(f["since"].flatMap { $0.wholeMatch(of: /\d+\.\d+\.\d+/) }, "\(p.key): since \(f["since"] ?? "")")
            XCTAssert(CommandDocsTests.groups.contains(f["group"] ?? ""), "\(p.key): group \(f["group"] ?? "")")
        }
    }

    // MARK: - Shape

    func testOneNameInRESP2IsAFlatArray() throws {
        let c = try connect(try startServer())
        guard case .array(let top?) = call(c, "COMMAND", "DOCS", "get"), top.count == 2,
              case .array(let doc?) = top[1] else { return XCTFail("not [name, [k, v, …]]") }
        XCTAssertEqual(top[0].string, "get")
        XCTAssertEqual(doc.count, 10)
        let f = fields(top[1])
        XCTAssertEqual(f["since"], "1.0.0")
        XCTAssertEqual(f["group"], "string")
        XCTAssertEqual(f["complexity"], "O(1)")
        let raw = String(decoding: try c.callRaw("COMMAND", "DOCS", "get"), as: UTF8.self)
        XCTAssert(raw.hasPrefix("*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$"), raw)
        XCTAssert(raw.hasSuffix("$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"), raw)
    }

    func testRESP3IsAMapOfMaps() throws {
        let c = try connect(try startServer())
        _ = call(c, "HELLO", "3")
        let raw = String(decoding: try c.callRaw("COMMAND", "DOCS", "get"), as: UTF8.self)
        XCTAssert(raw.hasPrefix("%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n$"), raw)
        XCTAssert(raw.hasSuffix("$9\r\narguments\r\n*1\r\n%2\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"), raw)
        guard case .map = call(c, "COMMAND", "DOCS") else { return XCTFail("DOCS is not a map in RESP3") }
        // doc_flags is a set of statuses, as in 7.0.
        let getset = String(decoding: try c.callRaw("COMMAND", "DOCS", "getset"), as: UTF8.self)
        XCTAssert(getset.contains("$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n"), getset)
    }

    func testDeprecatedAndSystemCommandsSaySo() throws {
        let c = try connect(try startServer())
        for name in ["getset", "hmset", "rpoplpush", "zrevrange", "debug"] {
            guard let doc = docs(c, name).first?.value.pairs else { XCTFail("no doc for \(name)"); continue }
            let flags = doc.first { $0.key == "doc_flags" }?.value.elements?.compactMap(\.string)
            XCTAssertEqual(flags, [name == "debug" ? "syscmd" : "deprecated"], name)
            XCTAssertEqual(doc.contains { $0.key == "replaced_by" }, name != "debug", name)
        }
        let plain = docs(c, "set").first?.value.pairs?.map(\.key)
        XCTAssertEqual(plain, CommandDocsTests.mainKeys + ["arguments"], "a current command has no doc_flags")
    }

    // MARK: - Names

    func testSeveralNamesKeepTheirOrderAndUnknownOnesAreLeftOut() throws {
        let c = try connect(try startServer())
        XCTAssertEqual(docs(c, "hset", "nosuch", "get", "zadd").map(\.key), ["hset", "get", "zadd"])
        XCTAssertEqual(docs(c, "get", "get").map(\.key), ["get", "get"], "a repeated name is answered twice, as 7.0 does")
        expect(c, "COMMAND", "DOCS", "nosuch", is: "*0\r\n")
        expect(c, "COMMAND", "DOCS", "nosuch", "neither", is: "*0\r\n")
        _ = call(c, "HELLO", "3")
        expect(c, "COMMAND", "DOCS", "nosuch", is: "%0\r\n")
    }

    func testNamesAreCaseInsensitiveAndSubcommandsUseAPipe() throws {
        let c = try connect(try startServer())
        XCTAssertEqual(docs(c, "GeT", "ZADD").map(\.key), ["get", "zadd"])
        let list = docs(c, "CLIENT|LiSt")
        XCTAssertEqual(list.map(\.key), ["client|list"])
        XCTAssertEqual(fields(list.first?.value ?? .null)["group"], "connection")
        XCTAssertEqual(docs(c, "client|nosuch", "get|x", "client|list|x", "nosuch|list", "|").map(\.key), [])
    }

    /// Each container documents exactly the subcommands its HELP lists.
    func testContainersDocumentTheSubcommandsTheirHelpLists() throws {
        let c = try connect(try startServer())
        for container in ["command", "config", "client", "pubsub", "memory"] {
            guard let help = call(c, container.uppercased(), "HELP").elements?.compactMap(\.string) else {
                XCTFail("\(container) HELP is not an array"); continue
            }
            // Lines that name a subcommand start without indentation; the first is the title.
            let listed = Set(help.dropFirst().filter { !$0.hasPrefix(" ") && !$0.hasPrefix("(") }
                .compactMap { $0.split(separator: " ").first.map { $0.lowercased() } })
            let doc = docs(c, container).first?.value.pairs
            let subs = doc?.first { $0.key == "subcommands" }?.value.pairs?.map(\.key) ?? []
            XCTAssert(subs.allSatisfy { $0.hasPrefix(container + "|") }, "\(subs)")
            XCTAssertEqual(Set(subs.map { String($0.dropFirst(container.count + 1)) }), listed, container)
            XCTAssertEqual(doc?.last?.key, "subcommands", "subcommands come last, as in 7.0")
            // A HELP line with more than the subcommand's name takes arguments: the doc says which.
            let subDocs = doc?.first { $0.key == "subcommands" }?.value.pairs ?? []
            for line in help.dropFirst() where !line.hasPrefix(" ") && !line.hasPrefix("(") {
                let words = line.split(separator: " ")
                let sub = container + "|" + words[0].lowercased()
                let described = subDocs.first { $0.key == sub }?.value.pairs?.contains { $0.key == "arguments" } ?? false
                if words.count > 1 { XCTAssert(described, "\(sub): HELP shows arguments (\(line)), the doc has none") }
                else { XCTAssertFalse(described, "\(sub) takes no arguments") }
            }
        }
    }

    // MARK: - Arguments

    /// A command that takes arguments describes them; one that takes none (arity 1) does not.
    func testCommandsThatTakeArgumentsDescribeThem() throws {
        let c = try connect(try startServer())
        guard let all = call(c, "COMMAND").elements else { return XCTFail("COMMAND is not an array") }
        let byName = Dictionary(docs(c).map { ($0.key, $0.value.pairs ?? []) }, uniquingKeysWith: { a, _ in a })
        for info in all {
            guard let e = info.elements, let name = e.first?.string, case .integer(let arity)? = e.dropFirst().first else {
                XCTFail("bad COMMAND entry \(info)"); continue
            }
            let doc = byName[name] ?? []
            let hasArgs = doc.contains { $0.key == "arguments" }
            if doc.contains(where: { $0.key == "subcommands" }) || name == "debug" {
                XCTAssertFalse(hasArgs, "\(name): a container's arguments belong to its subcommands")
            } else {
                XCTAssertEqual(hasArgs, arity != 1, "\(name) (arity \(arity))")
            }
        }
    }

    /// `SET`'s arguments as 7.0 shapes them: maps of name, type, token, flags, nested arguments.
    func testArgumentsAreMapsOfNameTypeTokenAndFlags() throws {
        let c = try connect(try startServer())
        for proto in ["2", "3"] {
            _ = call(c, "HELLO", proto)
            guard let doc = docs(c, "set").first?.value.pairs,
                  let args = doc.first(where: { $0.key == "arguments" })?.value.elements else {
                XCTFail("RESP\(proto): SET has no arguments"); continue
            }
            XCTAssertEqual(doc.map(\.key), CommandDocsTests.mainKeys + ["arguments"])
            let maps = args.compactMap(\.pairs)
            XCTAssertEqual(maps.count, 5)
            XCTAssertEqual(maps.first.map(fieldsOf), ["name": "key", "type": "key"])
            guard let expiration = maps.last else { continue }
            XCTAssertEqual(expiration.map(\.key), ["name", "type", "flags", "arguments"])
            XCTAssertEqual(fieldsOf(expiration)["type"], "oneof")
            let flags = expiration.first { $0.key == "flags" }?.value
            XCTAssertEqual(flags?.elements?.compactMap(\.string), ["optional"])
            if proto == "3", case .set = flags ?? .null {} else if proto == "3" { XCTFail("flags is not a set in RESP3") }
            let choices = expiration.last?.value.elements?.compactMap(\.pairs) ?? []
            XCTAssertEqual(choices.map { fieldsOf($0)["token"] ?? "" }, ["EX", "PX", "EXAT", "PXAT", "KEEPTTL"])
            XCTAssertEqual(choices.map { fieldsOf($0)["type"] ?? "" }, ["integer", "integer", "unix-time", "unix-time", "pure-token"])
        }
    }

    func fieldsOf(_ pairs: [RESPPair]) -> [String: String] {
        var out: [String: String] = [:]
        for p in pairs { if let s = p.value.string { out[p.key] = s } }
        return out
    }

    // MARK: - HELP

    func testHelpHasTheDocsLine() throws {
        let c = try connect(try startServer())
        let help = call(c, "COMMAND", "HELP").elements?.compactMap(\.string) ?? []
        guard let i = help.firstIndex(of: "DOCS [<command-name> ...]") else { return XCTFail("no DOCS line: \(help)") }
        XCTAssertEqual(help[i + 1], "    Return documentation details about multiple Redis commands.")
        XCTAssertEqual(help[i - 2], "INFO [<command-name> ...]", "after INFO, as in 7.0")
        XCTAssertEqual(help.last, "    Prints this help.")
    }
}
