// Configuration from a redis.conf file, `--option value` arguments and CONFIG GET/SET.
//
// Redis: loadServerConfig, loadServerConfigFromString, configGetCommand, configSetCommand
// (src/config.c), main (src/server.c)

import Foundation
import TestSupport
import XCTest

final class ConfigTests: ServerTestCase {
    // Started with `--port 0`, the server listens on a port of its own choosing (and logs it);
    // `CONFIG GET port` answers that port, as INFO's tcp_port does. Guards that a client can
    // learn the real port from the server.
    func testConfigGetPortIsTheRealPort() throws {
        let s = try startServer()
        XCTAssertNotEqual(s.port, 0)
        let p = String(s.port)
        expect(try connect(s), "CONFIG", "GET", "port", is: "*2\r\n$4\r\nport\r\n$\(p.utf8.count)\r\n\(p)\r\n")
    }

    func testConfigGetGlob() throws {
        let c = try connect(try startServer())
        guard case .array(let items?) = call(c, "CONFIG", "GET", "*max*") else { return XCTFail("not an array") }
        XCTAssertEqual(items.count % 2, 0)
        let names = stride(from: 0, to: items.count, by: 2).compactMap { items[$0].string }
        XCTAssert(names.contains("maxclients"), "\(names)")
        XCTAssert(names.contains("proto-max-bulk-len"), "\(names)")
        XCTAssert(names.allSatisfy { $0.contains("max") }, "\(names)")
        // Patterns are case-insensitive; no match is an empty array.
        guard case .array(let upper?) = call(c, "CONFIG", "GET", "MAXCLIENTS") else { return XCTFail("not an array") }
        XCTAssertEqual(upper, [.bulk(Array("maxclients".utf8)), .bulk(Array("10000".utf8))])
        expect(c, "CONFIG", "GET", "nosuch*", is: "*0\r\n")
    }

    func testConfigSetThenGet() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "CONFIG", "SET", "timeout", "100", is: "+OK\r\n")
        expect(c, "CONFIG", "GET", "timeout", is: "*2\r\n$7\r\ntimeout\r\n$3\r\n100\r\n")
        expect(c, "CONFIG", "SET", "maxclients", "50", is: "+OK\r\n")
        XCTAssertEqual(infoField(c, "clients", "maxclients"), "50")
        expect(c, "CONFIG", "SET", "loglevel", "verbose", is: "+OK\r\n")
        expect(c, "CONFIG", "GET", "loglevel", is: "*2\r\n$8\r\nloglevel\r\n$7\r\nverbose\r\n")
        // A new proto-max-bulk-len applies to the next request.
        expect(c, "CONFIG", "SET", "proto-max-bulk-len", "1mb", is: "+OK\r\n")
        let d = try connect(s)
        d.send(raw: "*2\r\n$4\r\nECHO\r\n$2000000\r\n")
        XCTAssertEqual(esc(d.readUntilClosed()), esc(Array("-ERR Protocol error: invalid bulk length\r\n".utf8)))
    }

    func testConfigSetErrors() throws {
        let c = try connect(try startServer())
        expect(c, "CONFIG", "SET", "port", "1234", is: "-ERR Unsupported CONFIG parameter: port\r\n")
        expect(c, "CONFIG", "SET", "nosuch", "1", is: "-ERR Unsupported CONFIG parameter: nosuch\r\n")
        expect(c, "CONFIG", "SET", "timeout", "abc",
               is: "-ERR Invalid argument 'abc' for CONFIG SET 'timeout' - argument couldn't be parsed into an integer\r\n")
        guard case .error(let e) = call(c, "CONFIG", "SET", "maxclients", "0") else { return XCTFail("maxclients 0 accepted") }
        XCTAssert(e.hasPrefix("ERR Invalid argument '0' for CONFIG SET 'maxclients'"), e)
        expect(c, "CONFIG", "GET", "timeout", is: "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n")
        expect(c, "CONFIG", "FOO", is: "-ERR Unknown subcommand or wrong number of arguments for 'FOO'. Try CONFIG HELP.\r\n")
        expect(c, "CONFIG", is: "-ERR wrong number of arguments for 'config' command\r\n")
    }

    func testConfigFileWithCommandLineOverrides() throws {
        let dir = tempDir()
        let conf = dir + "/redis.conf"
        try """
        # A comment, then options, one per line.
        hz 20
        timeout 50

        maxclients 77
        loglevel verbose
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let s = try startServer(["--maxclients", "99"], configFile: conf)
        let c = try connect(s)
        expect(c, "CONFIG", "GET", "hz", is: "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n")
        expect(c, "CONFIG", "GET", "timeout", is: "*2\r\n$7\r\ntimeout\r\n$2\r\n50\r\n")
        expect(c, "CONFIG", "GET", "maxclients", is: "*2\r\n$10\r\nmaxclients\r\n$2\r\n99\r\n")
        expect(c, "CONFIG", "GET", "loglevel", is: "*2\r\n$8\r\nloglevel\r\n$7\r\nverbose\r\n")
        XCTAssertEqual(infoField(c, "server", "config_file"), conf)
    }

    func testBadConfigLineExitsWithTheLine() throws {
        let dir = tempDir()
        let conf = dir + "/bad.conf"
        try "hz 20\nnosuch-option yes\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let (status, output) = try runProgram(TestBinaries.server, [conf, "--port", "0", "--dir", dir], timeout: 10)
        XCTAssertEqual(status, 1, output)
        XCTAssert(output.contains("line 2"), output)
        XCTAssert(output.contains(">>> 'nosuch-option yes'"), output)
        XCTAssert(output.contains("Bad directive or wrong number of arguments"), output)

        let (status2, output2) = try runProgram(TestBinaries.server, ["--port", "0", "--dir", dir, "--maxclients", "abc"], timeout: 10)
        XCTAssertEqual(status2, 1, output2)
        XCTAssert(output2.contains("'maxclients \"abc\"'") || output2.contains("'maxclients abc'"), output2)
        XCTAssert(output2.contains("argument couldn't be parsed into an integer"), output2)
    }
}
