// Config: redis.conf text, `--name value` arguments, memory units, CONFIG GET globs and the
// exact CONFIG SET error replies of Redis 6.2 (configSetCommand, loadServerConfigFromString).

import Foundation
import XCTest
@testable import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ConfigTests: XCTestCase {
    // MARK: - redis.conf text

    func testLoadTextWithCommentsQuotesAndCRLF() throws {
        let c = Config()
        try c.load(text: """
        # A comment at the top
        port 7000

           # an indented comment, and an empty line above
        requirepass "pass word"
        dir '/tmp/with space'
        save 900 1 300 10
        maxclients 42
        loglevel WARNING
        activerehashing no
        \tproto-max-bulk-len 2mb
        client-query-buffer-limit 1gb
        """)
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.requirepass, "pass word")
        XCTAssertEqual(c.dir, "/tmp/with space")
        XCTAssertEqual(c.save, "900 1 300 10")
        XCTAssertEqual(c.maxclients, 42)
        XCTAssertEqual(c.loglevel, .warning)
        XCTAssertFalse(c.activeRehashing)
        XCTAssertEqual(c.protoMaxBulkLen, 2 * 1024 * 1024)
        XCTAssertEqual(c.clientQueryBufferLimit, 1024 * 1024 * 1024)
    }

    func testCRLFLineEndings() throws {
        // Redis 6.2 splits the config text on "\n" bytes and trims "\r" from each line
        // (loadServerConfigFromString: sdssplitlen + sdstrim(" \t\r\n")), so a redis.conf with
        // Windows line endings loads. Guards that CRLF lines split one per line even though
        // "\r\n" is a single Swift Character, so `port` and `save` do not swallow what follows.
        let c = Config()
        XCTAssertNoThrow(try c.load(text: "port 7000\r\nhz 20\r\n"))
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.hz, 20)
        let d = Config()
        XCTAssertNoThrow(try d.load(text: "save 900 1\r\nmaxclients 42\r\n"))
        XCTAssertEqual(d.save, "900 1")
        XCTAssertEqual(d.maxclients, 42)
    }

    func testTrailingCarriageReturnOnALoneLine() throws {
        // A lone trailing "\r" (not followed by "\n") is trimmed, as Redis's sdstrim does.
        let c = Config()
        try c.load(text: "hz 30\r")
        XCTAssertEqual(c.hz, 30)
    }

    func testEscapesInsideDoubleQuotedConfigValue() throws {
        let c = Config()
        try c.load(text: #"requirepass "a\"b\\c\x41""#)
        XCTAssertEqual(c.requirepass, #"a"b\cA"#)
    }

    func testEmptyQuotedValueClearsSave() throws {
        let c = Config()
        try c.load(text: "save \"\"")
        XCTAssertEqual(c.save, "")
    }

    func testBadDirectiveErrorNamesTheLine() {
        let c = Config()
        XCTAssertThrowsError(try c.load(text: "port 7000\n# comment\nfoo bar\nport 7001")) { error in
            let e = error as? ConfigError
            XCTAssertEqual(e?.message, """

            *** FATAL CONFIG FILE ERROR (SwiftRedis) ***
            Reading the configuration file, at line 3
            >>> 'foo bar'
            Bad directive or wrong number of arguments
            """)
        }
        // Lines before the bad one were applied, the ones after were not.
        XCTAssertEqual(c.port, 7000)
    }

    func testBadValueErrorNamesTheLineAndTheReason() {
        let c = Config()
        XCTAssertThrowsError(try c.load(text: "hz ten")) { error in
            let m = (error as? ConfigError)?.message ?? ""
            XCTAssertTrue(m.contains("at line 1\n>>> 'hz ten'\nargument couldn't be parsed into an integer"), m)
        }
        XCTAssertThrowsError(try c.load(text: "protected-mode maybe")) { error in
            let m = (error as? ConfigError)?.message ?? ""
            XCTAssertTrue(m.hasSuffix("argument must be 'yes' or 'no'"), m)
        }
        XCTAssertThrowsError(try c.load(text: "maxclients 1 2")) { error in
            let m = (error as? ConfigError)?.message ?? ""
            XCTAssertTrue(m.hasSuffix("argument couldn't be parsed into an integer"), m)
        }
        XCTAssertThrowsError(try c.load(text: "port")) { error in
            let m = (error as? ConfigError)?.message ?? ""
            XCTAssertTrue(m.hasSuffix("wrong number of arguments"), m)
        }
        XCTAssertThrowsError(try c.load(text: "requirepass \"open")) { error in
            let m = (error as? ConfigError)?.message ?? ""
            XCTAssertTrue(m.hasSuffix("Unbalanced quotes in configuration line"), m)
        }
    }

    // MARK: - Command-line arguments

    func testDashDashArgumentsIncludingValuesWithSpaces() throws {
        let c = Config()
        try c.load(arguments: ["--port", "7001", "--requirepass", "a b c", "--save", "900", "1",
                               "--loglevel", "debug", "--dir", "/tmp/x y"])
        XCTAssertEqual(c.port, 7001)
        XCTAssertEqual(c.requirepass, "a b c")
        XCTAssertEqual(c.save, "900 1")
        XCTAssertEqual(c.loglevel, .debug)
        XCTAssertEqual(c.dir, "/tmp/x y")
    }

    func testDashDashArgumentsWithQuotesBackslashesAndEmptyValue() throws {
        let c = Config()
        try c.load(arguments: ["--requirepass", #"it"s a\b 'x'"#])
        XCTAssertEqual(c.requirepass, #"it"s a\b 'x'"#)
        try c.load(arguments: ["--requirepass", ""])
        XCTAssertEqual(c.requirepass, "")
    }

    func testDashDashArgumentWithTabOrNewline() throws {
        // Redis 6.2's main() (src/server.c) appends each option argument with sdscatrepr, so a
        // value holding a tab or a newline reaches the config parser quoted and escaped and
        // survives intact (`--requirepass "a<TAB>b"` sets requirepass to "a\tb"). Guards that a
        // tab does not split the value into two words and a newline does not start a new line.
        let c = Config()
        XCTAssertNoThrow(try c.load(arguments: ["--requirepass", "a\tb"]))
        XCTAssertEqual(c.requirepass, "a\tb")
        let d = Config()
        XCTAssertNoThrow(try d.load(arguments: ["--requirepass", "x\ny"]))
        XCTAssertEqual(d.requirepass, "x\ny")
    }

    func testConfigFileThenArgumentsOverride() throws {
        let path = TempFile.path("conf")
        defer { unlink(path) }
        let text = "# test file\nport 7100\nhz 20\n"
        XCTAssertTrue(TempFile.write(path, text))
        let c = Config()
        try c.load(arguments: [path, "--port", "7200"])
        XCTAssertEqual(c.configFile, path)
        XCTAssertEqual(c.hz, 20)
        XCTAssertEqual(c.port, 7200)
    }

    func testMissingConfigFile() {
        let c = Config()
        XCTAssertThrowsError(try c.load(arguments: ["/nonexistent/swiftredis.conf"])) { error in
            XCTAssertEqual((error as? ConfigError)?.message,
                           "Fatal error, can't open config file '/nonexistent/swiftredis.conf': No such file or directory")
        }
    }

    // MARK: - Values

    func testMemoryUnits() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("100", 100), ("1b", 1), ("1k", 1000), ("1kb", 1024), ("1KB", 1024), ("2Kb", 2048),
            ("1m", 1_000_000), ("1mb", 1_048_576), ("1g", 1_000_000_000), ("1gb", 1_073_741_824),
            ("512mb", 536_870_912), ("abc", nil), ("kb", nil), ("1xb", nil), ("1.5mb", nil), ("", nil),
            ("9223372036854775807gb", nil),
        ]
        for (text, want) in cases {
            XCTAssertEqual(Config.parseMemory(text), want, text)
        }
    }

    func testMemoryConfigBelowMinimum() {
        let c = Config()
        XCTAssertEqual(c.set(name: "proto-max-bulk-len", value: "512kb"),
                       "ERR Invalid argument '512kb' for CONFIG SET 'proto-max-bulk-len' - argument must be between 1048576 and 9223372036854775807 inclusive")
        XCTAssertNil(c.set(name: "proto-max-bulk-len", value: "1gb"))
        XCTAssertEqual(c.protoMaxBulkLen, 1 << 30)
    }

    func testBoolYesNo() throws {
        XCTAssertEqual(Config.parseBool("yes"), true)
        XCTAssertEqual(Config.parseBool("YES"), true)
        XCTAssertEqual(Config.parseBool("no"), false)
        XCTAssertEqual(Config.parseBool("No"), false)
        XCTAssertNil(Config.parseBool("1"))
        XCTAssertNil(Config.parseBool("true"))
        XCTAssertNil(Config.parseBool(""))
        let c = Config()
        try c.load(text: "dynamic-hz no\nappendonly yes")
        XCTAssertFalse(c.dynamicHz)
        XCTAssertTrue(c.appendonly)
    }

    // MARK: - CONFIG GET

    func testConfigGetGlob() {
        let c = Config()
        func names(_ p: String) -> [String] { c.get(pattern: ByteString(p)).map(\.0) }
        // Every option with "max" in its name, in table order (the encodings' *-max-* options
        // of the aggregate types are among them).
        let maxNames = names("*max*")
        XCTAssertEqual(maxNames, Config.table.map(\.name).filter { $0.contains("max") })
        XCTAssertEqual(maxNames.filter { $0 == "maxclients" || $0 == "proto-max-bulk-len" }, ["maxclients", "proto-max-bulk-len"])
        XCTAssertEqual(c.get(pattern: "m*x*").map(\.1), ["0", "noeviction", "5", "10", "10000"])
        XCTAssertEqual(c.get(pattern: "proto-max-bulk-len").map(\.1), ["536870912"])
        // Patterns that the types' encoding limits (zset-max-ziplist-entries…) do not match.
        XCTAssertEqual(names("*o-max*"), ["proto-max-bulk-len"])
        XCTAssertEqual(c.get(pattern: "max*").map(\.1), ["0", "noeviction", "5", "10", "10000"])
        XCTAssertEqual(names("zset-max-*"), ["zset-max-ziplist-entries", "zset-max-ziplist-value"])
        XCTAssertEqual(names("PORT"), ["port"])   // case-insensitive, as Redis
        XCTAssertEqual(names("?ort"), ["port"])
        XCTAssertEqual(names("trace-f*"), ["trace-format", "trace-file"])
        XCTAssertEqual(names("[pt]*-*e"), ["tcp-keepalive", "protected-mode", "trace-file"])
        XCTAssertEqual(names("p*-*"), ["protected-mode", "proto-max-bulk-len"])
        XCTAssertEqual(names("nomatch"), [])
        XCTAssertEqual(names("*").count, Config.table.count)
        XCTAssertEqual(c.get(pattern: "save").first?.1, "3600 1 300 100 60 10000")
        XCTAssertEqual(c.get(pattern: "trace-areas").first?.1, "all")
    }

    // MARK: - CONFIG SET

    func testConfigSetErrors() {
        let c = Config()
        XCTAssertEqual(c.set(name: "port", value: "7000"), "ERR Unsupported CONFIG parameter: port")
        XCTAssertEqual(c.set(name: "nosuch", value: "1"), "ERR Unsupported CONFIG parameter: nosuch")
        XCTAssertEqual(c.set(name: "hz", value: "abc"),
                       "ERR Invalid argument 'abc' for CONFIG SET 'hz' - argument couldn't be parsed into an integer")
        XCTAssertEqual(c.set(name: "maxclients", value: "0"),
                       "ERR Invalid argument '0' for CONFIG SET 'maxclients' - argument must be between 1 and 2147483647 inclusive")
        XCTAssertEqual(c.set(name: "activerehashing", value: "maybe"),
                       "ERR Invalid argument 'maybe' for CONFIG SET 'activerehashing' - argument must be 'yes' or 'no'")
        XCTAssertEqual(c.set(name: "loglevel", value: "loud"),
                       "ERR Invalid argument 'loud' for CONFIG SET 'loglevel' - argument must be one of the following: debug, verbose, notice, warning")
        XCTAssertEqual(c.port, 6379)
        XCTAssertEqual(c.hz, 10)
        XCTAssertEqual(c.maxclients, 10000)
    }

    func testConfigSetAppliesAndNotifies() {
        let c = Config()
        var changed: [String] = []
        c.didChange = { changed.append($0) }
        XCTAssertNil(c.set(name: "HZ", value: "20"))
        XCTAssertEqual(c.hz, 20)
        XCTAssertNil(c.set(name: "save", value: "900 1 300 10"))
        XCTAssertEqual(c.save, "900 1 300 10")
        XCTAssertNil(c.set(name: "trace-areas", value: "net,cmd"))
        XCTAssertEqual(c.traceAreas, TraceArea.net.bit | TraceArea.cmd.bit)
        XCTAssertEqual(c.get(pattern: "trace-areas").first?.1, "net,cmd")
        XCTAssertEqual(changed, ["hz", "save", "trace-areas"])
        // A failed SET does not notify.
        XCTAssertNotNil(c.set(name: "hz", value: "-1"))
        XCTAssertEqual(changed.count, 3)
    }
}

// MARK: - Temporary files

enum TempFile {
    /// A fresh path under the temporary directory (not created).
    static func path(_ tag: String) -> String {
        NSTemporaryDirectory() + "/swiftredis-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func write(_ path: String, _ text: String) -> Bool {
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
