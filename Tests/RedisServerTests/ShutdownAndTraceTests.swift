// How the server stops (signals and SHUTDOWN), and trace mode: the line format of DESIGN.md in
// text and JSON Lines, nothing written when it is off, and switching it on at run time.
//
// Redis: sigShutdownHandler, prepareForShutdown (src/server.c), shutdownCommand (src/db.c).
// Trace mode has no Redis counterpart; each line names the Redis function doing the work.

import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ShutdownTests: ServerTestCase {
    func waitForExit(_ s: ServerProcess, timeout: Double = 5) -> Bool {
        waitUntil(timeout) { !s.isRunning }
    }

    func testSigtermShutsDownCleanly() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "PING", is: "+PONG\r\n")
        kill(s.pid, SIGTERM)
        XCTAssertTrue(waitForExit(s), "still running 5 s after SIGTERM")
        XCTAssertEqual(s.process.terminationReason, .exit)
        XCTAssertEqual(s.process.terminationStatus, 0)
        XCTAssertTrue(c.isClosedByServer())
        let log = s.log
        XCTAssert(log.contains("Received SIGTERM scheduling shutdown..."), log)
        XCTAssert(log.contains("User requested shutdown..."), log)
        XCTAssert(log.contains("ready to exit, bye bye"), log)
    }

    func testSigintShutsDownCleanly() throws {
        let s = try startServer()
        kill(s.pid, SIGINT)
        XCTAssertTrue(waitForExit(s), "still running 5 s after SIGINT")
        XCTAssertEqual(s.process.terminationReason, .exit)
        XCTAssertEqual(s.process.terminationStatus, 0)
        let log = s.log
        XCTAssert(log.contains("Received SIGINT scheduling shutdown..."), log)
        XCTAssert(log.contains("User requested shutdown..."), log)
        XCTAssert(log.contains("ready to exit, bye bye"), log)
    }

    func testShutdownCommandClosesWithoutReply() throws {
        let s = try startServer()
        let c = try connect(s)
        c.send(raw: RawClient.encode([Array("SHUTDOWN".utf8)]))
        XCTAssertEqual(c.readUntilClosed(), [], "SHUTDOWN must not reply on success")
        XCTAssertTrue(waitForExit(s), "still running 5 s after SHUTDOWN")
        XCTAssertEqual(s.process.terminationReason, .exit)
        XCTAssertEqual(s.process.terminationStatus, 0)
        XCTAssert(s.log.contains("User requested shutdown..."), s.log)
        XCTAssert(s.log.contains("ready to exit, bye bye"), s.log)
    }

    func testPortZeroPicksAFreePortAndLogsIt() throws {
        let s = try startServer()
        XCTAssertNotEqual(s.port, 0)
        XCTAssertNotEqual(s.port, 6379)
        XCTAssert(s.log.contains("port=\(s.port)."), s.log)
        let c = try connect(s)
        XCTAssertEqual(infoField(c, "server", "tcp_port"), String(s.port))
        // A second server with --port 0 gets a port of its own.
        let t = try startServer()
        XCTAssertNotEqual(t.port, s.port)
        expect(try connect(t), "PING", is: "+PONG\r\n")
    }
}

final class TraceTests: ServerTestCase {
    /// The DESIGN.md text format for the net and cmd areas.
    static let linePattern = try! NSRegularExpression(pattern: #"^\d{4} \+\d+\.\d{3} \d+:M (net|cmd) \S+ .* ‹\w+›$"#)

    func matchesFormat(_ line: String) -> Bool {
        TraceTests.linePattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    /// PINGs once on a fresh connection, closes it, and waits for the close to be traced.
    func pingAndClose(_ s: ServerProcess, closeMarker: String) throws {
        var c: RawClient? = try connect(s)
        expect(c!, "PING", is: "+PONG\r\n")
        c = nil
        XCTAssertTrue(waitUntil(5) { s.trace.contains(closeMarker) }, "no close in the trace:\n\(s.trace)")
    }

    func testTextTraceOfOnePing() throws {
        let s = try startServer(["--trace", "yes", "--trace-areas", "net,cmd"])
        try pingAndClose(s, closeMarker: "close fd=")
        let lines = s.trace.split(separator: "\n").map(String.init)
        XCTAssertFalse(lines.isEmpty)
        for l in lines {
            XCTAssert(matchesFormat(l), "not in the trace format: \(l)")
            XCTAssert(l.contains(" \(s.pid):M "), "wrong pid: \(l)")
        }
        func index(_ what: String, _ test: (String) -> Bool) -> Int {
            guard let i = lines.firstIndex(where: test) else { XCTFail("no \(what) line in:\n\(s.trace)"); return -1 }
            return i
        }
        let accept = index("accept") { $0.contains(" net event accept fd=") && $0.hasSuffix("‹acceptTcpHandler›") }
        let netIn = index("net<") { $0.contains(" net net< ") && $0.contains(#"14B "*1\r\n$4\r\nPING\r\n""#) && $0.hasSuffix("‹readQueryFromClient›") }
        let call = index("cmd call") { $0.contains(" cmd call ") && $0.contains("PING") && $0.hasSuffix("‹call›") }
        let netOut = index("net>") { $0.contains(" net net> ") && $0.contains(#"7B "+PONG\r\n""#) && $0.hasSuffix("‹writeToClient›") }
        let close = index("close") { $0.contains(" net event close fd=") && $0.hasSuffix("‹freeClient›") }
        XCTAssert(accept < netIn && netIn < call && call < netOut && netOut < close,
                  "events out of order: \(accept) \(netIn) \(call) \(netOut) \(close)")
        // Sequence numbers count up from 1, one per line.
        XCTAssertEqual(lines.map { Int($0.prefix(4)) ?? -1 }, Array(1...lines.count))
        // --trace-areas net,cmd: nothing from the event loop or the keyspace.
        XCTAssertFalse(lines.contains { $0.contains(":M loop ") || $0.contains(":M db ") })
    }

    func testJsonLinesTrace() throws {
        let s = try startServer(["--trace", "yes", "--trace-areas", "net,cmd", "--trace-format", "jsonl"])
        try pingAndClose(s, closeMarker: "close fd=")
        let lines = s.trace.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 5)
        var sawPing = false
        for l in lines {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any] else {
                XCTFail("not a JSON object: \(l)"); continue
            }
            for key in ["seq", "t", "pid", "role", "area", "kind", "msg", "fn"] {
                XCTAssertNotNil(obj[key], "\(key) missing in \(l)")
            }
            XCTAssertEqual(obj["pid"] as? Int, Int(s.pid))
            XCTAssertEqual(obj["role"] as? String, "M")
            XCTAssert(["net", "cmd"].contains(obj["area"] as? String ?? ""), "\(l)")
            if (obj["msg"] as? String)?.contains(#""*1\r\n$4\r\nPING\r\n""#) == true { sawPing = true }
        }
        XCTAssertTrue(sawPing, "no net< line with the PING payload:\n\(s.trace)")
    }

    func testTraceIsOffByDefault() throws {
        let dir = tempDir()
        let file = dir + "/trace.log"
        let s = try startServer(["--trace-file", file], dir: dir)
        let c = try connect(s)
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "PING", is: "+PONG\r\n")
        usleep(100_000)
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        XCTAssertEqual(text, "", "tracing is off by default")
        // …and with an explicit `--trace no`.
        let t = try startServer(["--trace", "no"])
        expect(try connect(t), "PING", is: "+PONG\r\n")
        usleep(100_000)
        XCTAssertEqual(t.trace, "")
    }

    func testConfigSetTraceAtRunTime() throws {
        let s = try startServer(["--trace", "no", "--trace-areas", "cmd"])
        let c = try connect(s)
        expect(c, "ECHO", "before", is: "$6\r\nbefore\r\n")
        expect(c, "CONFIG", "SET", "trace", "yes", is: "+OK\r\n")
        expect(c, "CONFIG", "GET", "trace", is: "*2\r\n$5\r\ntrace\r\n$3\r\nyes\r\n")
        expect(c, "ECHO", "during", is: "$6\r\nduring\r\n")
        expect(c, "CONFIG", "SET", "trace", "no", is: "+OK\r\n")
        expect(c, "ECHO", "after", is: "$5\r\nafter\r\n")
        let trace = s.trace
        XCTAssertFalse(trace.contains("before"), trace)
        XCTAssert(trace.split(separator: "\n").contains { $0.contains(" cmd call ") && $0.contains("during") && matchesFormat(String($0)) }, trace)
        XCTAssertFalse(trace.contains("after"), trace)
    }
}
