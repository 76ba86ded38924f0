// check-aof against AOF fixtures written byte by byte into a temp folder: a valid file, then the
// same file cut inside a bulk, inside a `$` header, right after a `*`, with garbage in the middle,
// and with a MULTI left open; --fix cuts each exactly after the last whole command. Where Debian's
// redis-check-aof is installed, the real tool must agree with ours on every fixture.

import Foundation
@testable import RedisTools
import TestSupport
import XCTest

final class CheckAOFTests: XCTestCase {
    private var dir = ""

    override func setUp() {
        dir = makeTempDir("checkaof")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    // MARK: Fixtures

    /// One command as the AOF stores it: `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
    private func cmd(_ args: String...) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for a in args {
            let bytes = Array(a.utf8)
            out += Array("$\(bytes.count)\r\n".utf8) + bytes + Array("\r\n".utf8)
        }
        return out
    }

    /// SELECT and SET in two databases; one value holds \r\n (values are binary-safe: only the
    /// length counts).
    private var validAOF: [UInt8] {
        cmd("SELECT", "0") + cmd("SET", "k1", "v1") + cmd("set", "k2", "hello\r\nworld")
            + cmd("SELECT", "3") + cmd("SET", "k3", "v3")
    }

    /// The last command of `validAOF` and the offset where it starts.
    private var lastCommand: [UInt8] { cmd("SET", "k3", "v3") }
    private var lastCommandStart: Int { validAOF.count - lastCommand.count }

    @discardableResult
    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = dir + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    private func contents(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path) ?? Data())
    }

    /// Runs check-aof in-process; returns the exit code and the output lines.
    private func check(_ args: [String], ask: (() -> String?)? = nil) -> (Int32, [String]) {
        let console = Console(capturing: ())
        let status = CheckAOFCommand.run(args, console: console, ask: ask)
        var lines = console.text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return (status, lines)
    }

    /// Redis's error prefix: `0x%16llx: `.
    private func at(_ offset: Int) -> String {
        let hex = String(offset, radix: 16)
        return "0x" + String(repeating: " ", count: 16 - hex.count) + hex + ": "
    }

    /// The line number where reading stopped at `offset`: 1 + the \r\n that end protocol lines
    /// before it. The \r\n inside the value of k2 is data: Redis counts a line only in
    /// consumeNewline, so it is not counted (the real tool agrees, see the interop test).
    private func lineAt(_ bytes: [UInt8], _ offset: Int) -> Int {
        let all = zip(bytes.prefix(offset), bytes.prefix(offset).dropFirst()).filter { $0 == (13, 10) }.count
        let inValue = offset > embeddedCRLF && bytes.starts(with: validAOF.prefix(embeddedCRLF + 2)) ? 1 : 0
        return 1 + all - inValue
    }

    /// Where the \r\n inside "hello\r\nworld" is in `validAOF`.
    private var embeddedCRLF: Int {
        let hello = Array("hello".utf8)
        return (0...(validAOF.count - hello.count)).first { Array(validAOF[$0..<($0 + hello.count)]) == hello }! + hello.count
    }

    /// Asserts an invalid file: the error line (if any), the summary, the advice, exit 1.
    private func assertNotValid(_ bytes: [UInt8], error: String?, okUpTo: Int, line: Int,
                                file: StaticString = #filePath, at lineNo: UInt = #line) {
        let path = write("broken.aof", bytes)
        let (status, out) = check([path])
        var expected: [String] = []
        if let error { expected.append(error) }
        expected.append("AOF analyzed: size=\(bytes.count), ok_up_to=\(okUpTo), ok_up_to_line=\(line), diff=\(bytes.count - okUpTo)")
        expected.append("AOF is not valid. Use the --fix option to try fixing it.")
        XCTAssertEqual(out, expected, file: file, line: lineNo)
        XCTAssertEqual(status, 1, file: file, line: lineNo)
        XCTAssertEqual(contents(path), bytes, "a check without --fix changes nothing", file: file, line: lineNo)
    }

    // MARK: Valid files

    func testAValidAOFWithSelectAndSetIsValid() {
        let path = write("appendonly.aof", validAOF)
        let (status, out) = check([path])
        XCTAssertEqual(out, [
            "AOF analyzed: size=\(validAOF.count), ok_up_to=\(validAOF.count), ok_up_to_line=\(lineAt(validAOF, validAOF.count)), diff=0",
            "AOF is valid",
        ])
        XCTAssertEqual(status, 0)
        // --fix on a valid file does nothing and succeeds.
        XCTAssertEqual(check(["--fix", "--yes", path]).0, 0)
        XCTAssertEqual(contents(path), validAOF)
    }

    func testAClosedTransactionIsValid() {
        let bytes = validAOF + cmd("MULTI") + cmd("SET", "a", "1") + cmd("exec")
        let report = try? CheckAOF.analyze(path: write("tx.aof", bytes))
        XCTAssertEqual(report, AOFCheckReport(size: Int64(bytes.count), okUpTo: Int64(bytes.count),
                                              okUpToLine: Int64(lineAt(bytes, bytes.count)), error: nil))
    }

    func testABulkLargerThanTheReadBufferIsStreamed() throws {
        let big = String(repeating: "x", count: 200_000)
        let bytes = cmd("SET", "big", big) + cmd("SET", "k", "v")
        XCTAssertTrue(try CheckAOF.analyze(path: write("big.aof", bytes)).isValid)
        // Cut in the middle of the big value: the short read names len + 2 (the \r\n included).
        let headerLength = "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$200000\r\n".utf8.count
        let cut = Array(bytes.prefix(150_000))
        let report = try CheckAOF.analyze(path: write("big-cut.aof", cut))
        XCTAssertEqual(report.okUpTo, 0)
        XCTAssertEqual(report.error, at(headerLength) + "Expected to read 200002 bytes, got \(150_000 - headerLength) bytes")
    }

    // MARK: Truncated and corrupted files

    func testCutInsideABulk() {
        // "*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv" : the value "v3\r\n" is one byte long of four.
        let bytes = Array(validAOF.dropLast(3))
        let valueStart = validAOF.count - 4
        assertNotValid(bytes, error: at(valueStart) + "Expected to read 4 bytes, got 1 bytes",
                       okUpTo: lastCommandStart, line: lineAt(bytes, valueStart))
    }

    func testCutInsideADollarHeader() {
        // "…$2\r\nk3\r\n$": the line has no number and no \r\n.
        let dollar = validAOF.count - 8
        var bytes = Array(validAOF.prefix(dollar + 1))
        assertNotValid(bytes, error: at(dollar) + "Expected \\r\\n, got: 0000",
                       okUpTo: lastCommandStart, line: lineAt(bytes, dollar))
        // "…$2": a number, still no \r\n.
        bytes = Array(validAOF.prefix(dollar + 2))
        assertNotValid(bytes, error: at(dollar) + "Expected \\r\\n, got: 0000",
                       okUpTo: lastCommandStart, line: lineAt(bytes, dollar))
        // "…$2\r": half a \r\n.
        bytes = Array(validAOF.prefix(dollar + 3))
        assertNotValid(bytes, error: at(dollar) + "Expected \\r\\n, got: 0d00",
                       okUpTo: lastCommandStart, line: lineAt(bytes, dollar))
    }

    func testCutRightAfterStar() {
        let bytes = Array(validAOF.prefix(lastCommandStart + 1))
        assertNotValid(bytes, error: at(lastCommandStart) + "Expected \\r\\n, got: 0000",
                       okUpTo: lastCommandStart, line: lineAt(bytes, lastCommandStart))
    }

    func testCutJustBeforeADollarHeaderPrintsNoErrorLine() {
        // readLong finds the end of the file where a `$` should be: Redis sets no error, but the
        // command is not whole, so the file is still not valid.
        let bytes = Array(validAOF.prefix(lastCommandStart + 4))    // "*3\r\n"
        assertNotValid(bytes, error: nil, okUpTo: lastCommandStart, line: lineAt(bytes, bytes.count))
    }

    func testGarbageInTheMiddle() {
        let bytes = Array(validAOF.prefix(lastCommandStart)) + Array("garbage\r\n".utf8) + lastCommand
        assertNotValid(bytes, error: at(lastCommandStart) + "Expected prefix '*', got: 'g'",
                       okUpTo: lastCommandStart, line: lineAt(bytes, lastCommandStart))
        // Where a `$` is expected.
        let dollar = validAOF.count - 8
        let wrong = Array(validAOF.prefix(dollar)) + Array("#2\r\nv3\r\n".utf8)
        assertNotValid(wrong, error: at(dollar) + "Expected prefix '$', got: '#'",
                       okUpTo: lastCommandStart, line: lineAt(wrong, dollar))
    }

    func testABulkNotFollowedByCRLF() {
        // "$2\r\nv3xy": the length says 2, the \r\n is not where it must be.
        let valueStart = validAOF.count - 4
        let bytes = Array(validAOF.prefix(valueStart)) + Array("v3xy".utf8)
        assertNotValid(bytes, error: at(valueStart) + "Expected \\r\\n, got: 7879",
                       okUpTo: lastCommandStart, line: lineAt(bytes, valueStart))
        // A byte of 0x80 or more prints as C's sign-extended char does.
        let high = Array(validAOF.prefix(valueStart)) + [0x76, 0x33, 0x90, 0x91]
        assertNotValid(high, error: at(valueStart) + "Expected \\r\\n, got: ffffff90ffffff91",
                       okUpTo: lastCommandStart, line: lineAt(high, valueStart))
    }

    func testANegativeLengthIsOutOfRange() {
        let dollar = validAOF.count - 8
        let bytes = Array(validAOF.prefix(dollar)) + Array("$-5\r\nv3\r\n".utf8)
        assertNotValid(bytes, error: at(dollar) + "Expected to read string of -5 bytes, which is not in the suitable range",
                       okUpTo: lastCommandStart, line: lineAt(bytes, dollar + 5))
    }

    func testMultiWithoutExecAtEOF() {
        let bytes = validAOF + cmd("MULTI") + cmd("SET", "a", "1") + cmd("SET", "b", "2")
        // Redis 6.2 reports where it looked for the next `*`: the end of the file.
        assertNotValid(bytes, error: at(bytes.count) + "Reached EOF before reading EXEC for MULTI",
                       okUpTo: validAOF.count, line: lineAt(bytes, bytes.count))
        // The same, cut inside the transaction: the cut is reported, and ok_up_to is the MULTI.
        let cut = Array(bytes.dropLast(2))
        XCTAssertEqual(try CheckAOF.analyze(path: write("cut.aof", cut)).okUpTo, Int64(validAOF.count))
    }

    func testUnexpectedExecAndMulti() {
        // The error names where the argument starts; the line count already includes its \r\n
        // (readString consumes it before process looks at the name).
        let exec = validAOF + cmd("EXEC")
        assertNotValid(exec, error: at(validAOF.count + 8) + "Unexpected EXEC",
                       okUpTo: validAOF.count, line: lineAt(exec, exec.count))
        let nested = validAOF + cmd("MULTI") + cmd("SET", "a", "1") + cmd("multi") + cmd("EXEC")
        let secondMulti = validAOF.count + cmd("MULTI").count + cmd("SET", "a", "1").count + 8
        assertNotValid(nested, error: at(secondMulti) + "Unexpected MULTI",
                       okUpTo: validAOF.count, line: lineAt(nested, secondMulti + "multi\r\n".utf8.count))
    }

    // MARK: --fix

    /// Every broken fixture, and where its last whole command ends.
    private var brokenFixtures: [(name: String, bytes: [UInt8], okUpTo: Int)] {
        let dollar = validAOF.count - 8
        return [
            ("cut-in-bulk", Array(validAOF.dropLast(3)), lastCommandStart),
            ("cut-in-header", Array(validAOF.prefix(dollar + 2)), lastCommandStart),
            ("cut-after-star", Array(validAOF.prefix(lastCommandStart + 1)), lastCommandStart),
            ("cut-before-dollar", Array(validAOF.prefix(lastCommandStart + 4)), lastCommandStart),
            ("garbage", Array(validAOF.prefix(lastCommandStart)) + Array("garbage\r\n".utf8) + lastCommand, lastCommandStart),
            ("no-crlf", Array(validAOF.prefix(validAOF.count - 4)) + Array("v3xy".utf8), lastCommandStart),
            ("open-multi", validAOF + cmd("MULTI") + cmd("SET", "a", "1"), validAOF.count),
            ("open-multi-cut", validAOF + cmd("MULTI") + Array(cmd("SET", "a", "1").dropLast(1)), validAOF.count),
        ]
    }

    func testFixTruncatesExactlyAfterTheLastWholeCommand() {
        for f in brokenFixtures {
            let path = write(f.name + ".aof", f.bytes)
            let (status, out) = check(["--fix", "--yes", path])
            XCTAssertEqual(status, 0, f.name)
            XCTAssertEqual(Array(out.suffix(3)), [
                "This will shrink the AOF from \(f.bytes.count) bytes, with \(f.bytes.count - f.okUpTo) bytes, to \(f.okUpTo) bytes",
                "Continue? [y/N]: y (--yes)",
                "Successfully truncated AOF",
            ], f.name)
            XCTAssertEqual(contents(path), Array(f.bytes.prefix(f.okUpTo)), f.name)
            // The repaired file is valid.
            let (again, lines) = check([path])
            XCTAssertEqual(again, 0, f.name)
            XCTAssertEqual(lines.last, "AOF is valid", f.name)
        }
    }

    func testFixAsksAndOnlyYGoesOn() {
        let bytes = Array(validAOF.dropLast(3))
        let path = write("ask.aof", bytes)
        for answer in ["n", "", "N", nil] as [String?] {
            let (status, out) = check(["--fix", path], ask: { answer })
            XCTAssertEqual(status, 1, "\(String(describing: answer))")
            XCTAssertEqual(out.last, "Continue? [y/N]: Aborting...")
            XCTAssertEqual(contents(path), bytes)
        }
        let (status, out) = check(["--fix", path], ask: { "Yes" })
        XCTAssertEqual(status, 0)
        XCTAssertEqual(out.last, "Continue? [y/N]: Successfully truncated AOF")
        XCTAssertEqual(contents(path).count, lastCommandStart)
    }

    func testYesDoesNotAsk() {
        let path = write("yes.aof", Array(validAOF.dropLast(3)))
        let (status, out) = check(["--fix", "--yes", path], ask: { XCTFail("asked"); return "n" })
        XCTAssertEqual(status, 0)
        XCTAssertTrue(out.contains("Continue? [y/N]: y (--yes)"), "\(out)")
        XCTAssertEqual(contents(path).count, lastCommandStart)
    }

    // MARK: Arguments and special files

    func testArgumentsAndFilesThatCannotBeChecked() {
        XCTAssertEqual(check([]).1, ["Usage: swift-redis check-aof [--fix [--yes]] FILE"])
        XCTAssertEqual(check(["--repair", "x.aof"]).1, ["Invalid argument: --repair"])
        XCTAssertEqual(check(["a.aof", "b.aof"]).1, ["Invalid arguments"])
        XCTAssertEqual(check(["--yes", "a.aof"]).1, ["Invalid arguments"])
        XCTAssertEqual(check([dir + "/missing.aof"]).1, ["Cannot open file: \(dir)/missing.aof"])
        let empty = write("empty.aof", [])
        XCTAssertEqual(check([empty]).1, ["Empty file: \(empty)"])
        XCTAssertEqual(check([empty]).0, 1)
    }

    func testAnRDBPreambleIsNotSupportedYet() {
        let path = write("preamble.aof", Array("REDIS0009".utf8) + [0xfa, 0, 0, 0] + cmd("SET", "a", "1"))
        let (status, out) = check(["--fix", path])
        XCTAssertEqual(status, 1)
        XCTAssertEqual(Array(out.prefix(2)), ["The AOF appears to start with an RDB preamble.", "Checking the RDB preamble to start:"])
        XCTAssertTrue(out.last?.hasPrefix("RDB preamble not supported yet") ?? false, "\(out)")
        XCTAssertEqual(contents(path).count, 13 + cmd("SET", "a", "1").count, "--fix leaves it alone")
    }

    // MARK: C, as the checker needs it

    func testStrtolAndCharFormattingBehaveLikeC() {
        func s(_ text: String) -> (Int, Int) { let r = strtol(Array(text.utf8) + [0], from: 1); return (r.value, r.end) }
        XCTAssertTrue(s("*3\r\n") == (3, 2))
        XCTAssertTrue(s("* 12\r\n") == (12, 4))            // leading white space
        XCTAssertTrue(s("*-1\r\n") == (-1, 3))
        XCTAssertTrue(s("*+7\r\n") == (7, 3))
        XCTAssertTrue(s("*\r\n") == (0, 1))                // no digits: eptr stays at the start
        XCTAssertTrue(s("*x\r\n") == (0, 1))
        XCTAssertTrue(s("*99999999999999999999\r\n") == (Int.max, 21))   // clamps, like strtol
        XCTAssertEqual(hexOfCChar(0x0d), "0d")
        XCTAssertEqual(hexOfCChar(0x7f), "7f")
        XCTAssertEqual(hexOfCChar(0x80), "ffffff80")
        XCTAssertTrue(equalsIgnoringCase(Array("MuLtI".utf8), "multi"))
        XCTAssertFalse(equalsIgnoringCase(Array("multix".utf8), "multi"))
    }

    func testAnEmptyCommandAndAnArgumentWithANulAreReadAsRedisReadsThem() throws {
        // "*0\r\n" and even "*\r\n" are commands with no arguments; "MULTI\0x" is MULTI to strcasecmp.
        let bytes = Array("*0\r\n*\r\n".utf8) + Array("*1\r\n$7\r\nMULTI\0x\r\n".utf8) + cmd("EXEC")
        XCTAssertTrue(try CheckAOF.analyze(path: write("odd.aof", bytes)).isValid)
        let open = Array("*1\r\n$7\r\nMULTI\0x\r\n".utf8)
        XCTAssertEqual(try CheckAOF.analyze(path: write("odd-open.aof", open)).error, at(open.count) + "Reached EOF before reading EXEC for MULTI")
    }

    // MARK: The binary

    func testTheSwiftRedisBinaryRunsCheckAOF() throws {
        let tool = TestBinaries.tool
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("no \(tool): build the package first") }
        let good = write("good.aof", validAOF)
        var (status, text) = try runProgram(tool, ["check-aof", good])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.hasSuffix("AOF is valid\n"), text)
        let bad = write("bad.aof", Array(validAOF.dropLast(3)))
        (status, text) = try runProgram(tool, ["check-aof", bad])
        XCTAssertEqual(status, 1, text)
        // Like Redis: answer y on stdin.
        (status, text) = try runProgram(tool, ["check-aof", "--fix", bad], input: Array("y\n".utf8))
        XCTAssertEqual(status, 0, text)
        XCTAssertEqual(contents(bad).count, lastCommandStart)
        (status, text) = try runProgram(tool, ["help"])
        XCTAssertTrue(text.contains("check-aof [--fix [--yes]] FILE"), text)
    }

    // MARK: The real redis-check-aof

    /// Debian's redis-check-aof (Redis 7.0) on the same fixtures: it must find the same files
    /// valid, stop at the same offset and line, and cut them to the same bytes.
    /// Redis 7 takes a plain file as an "Old-Style AOF" (a manifest or an RDB file otherwise),
    /// prints `filename=` in its summary, and asks "Continue? [y/N]:" on stdin: we answer y.
    func testTheRealRedisCheckAOFAgrees() throws {
        guard let real = Interop.find("redis-check-aof") else {
            let message = "redis-check-aof is not installed (apt-get install redis-tools)"
            if Interop.required { XCTFail(message + " and SWIFT_REDIS_INTEROP=require"); return }
            throw XCTSkip(message)
        }
        let fixtures = [("valid", validAOF, validAOF.count),
                        ("tx", validAOF + cmd("MULTI") + cmd("SET", "a", "1") + cmd("EXEC"), -1)]
            + brokenFixtures.map { ($0.name, $0.bytes, $0.okUpTo) }
        for (name, bytes, _) in fixtures {
            let ours = write(name + ".ours.aof", bytes)
            let theirs = write(name + ".theirs.aof", bytes)
            let report = try CheckAOF.analyze(path: ours)
            let (status, text) = try runProgram(real, [theirs])
            XCTAssertEqual(status == 0, report.isValid, "\(name): \(text)")
            XCTAssertEqual(number(after: "ok_up_to=", in: text), report.okUpTo, "\(name): \(text)")
            XCTAssertEqual(number(after: "ok_up_to_line=", in: text), report.okUpToLine, "\(name): \(text)")
            guard !report.isValid else { continue }

            let (fixStatus, fixText) = try runProgram(real, ["--fix", theirs], input: Array("y\n".utf8))
            XCTAssertEqual(fixStatus, 0, "\(name): \(fixText)")
            XCTAssertTrue(fixText.contains("Successfully truncated AOF"), "\(name): \(fixText)")
            XCTAssertEqual(check(["--fix", "--yes", ours]).0, 0, name)
            XCTAssertEqual(contents(ours).count, contents(theirs).count, name)
            XCTAssertEqual(contents(ours), contents(theirs), name)
            // Each tool finds the other's repair valid.
            XCTAssertEqual(try runProgram(real, [ours]).0, 0, name)
            XCTAssertEqual(check([theirs]).0, 0, name)
        }
    }

    /// The decimal number after `key` in `text`.
    private func number(after key: String, in text: String) -> Int64? {
        guard let r = text.range(of: key) else { return nil }
        return Int64(text[r.upperBound...].prefix { $0.isNumber })
    }
}
