// Trace lines (text and JSON Lines), the Tracer's sink and file output, and Redis-style log lines.

import Foundation
import XCTest
@testable import RedisCore

final class TraceEventTests: XCTestCase {
    func testTextFormat() {
        let e = TraceEvent(seq: 3, time: 0.512, pid: 4242, role: "M", area: "net", kind: "net<",
                           payload: #"fd=8 14B "*1\r\n$4\r\nPING\r\n""#, function: "readQueryFromClient")
        XCTAssertEqual(e.text, #"0003 +0.512 4242:M net net< fd=8 14B "*1\r\n$4\r\nPING\r\n" ‹readQueryFromClient›"#)
    }

    func testTextFormatWithTransition() {
        let e = TraceEvent(seq: 7, time: 1.99, pid: 4242, role: "M", area: "aofrw", kind: "pipe<",
                           payload: #"ackC2P "!""#, from: "CHILD_RUNNING", to: "DIFFS_STOPPED",
                           function: "aofChildPipeReadable")
        XCTAssertEqual(e.text, #"0007 +1.990 4242:M aofrw pipe< ackC2P "!" ⇒ CHILD_RUNNING → DIFFS_STOPPED ‹aofChildPipeReadable›"#)
    }

    func testTextFormatEmptyPayloadLongSeqAndChildRole() {
        let e = TraceEvent(seq: 12345, time: 61.25, pid: 7, role: "C", area: "db", kind: "state",
                           payload: "", from: "STABLE", to: "REHASHING", function: "dictExpand")
        XCTAssertEqual(e.text, "12345 +61.250 7:C db state ⇒ STABLE → REHASHING ‹dictExpand›")
        let z = TraceEvent(seq: 1, time: 0, pid: 1, role: "S", area: "repl", kind: "event", payload: "x", function: "f")
        XCTAssertEqual(z.text, "0001 +0.000 1:S repl event x ‹f›")
    }

    func testJSONFormat() {
        let e = TraceEvent(seq: 7, time: 1.99, pid: 4242, role: "M", area: "aofrw", kind: "pipe<",
                           payload: "a\"b\\c\n\u{1}", from: "CHILD_RUNNING", to: "DIFFS_STOPPED",
                           function: "aofChildPipeReadable")
        XCTAssertEqual(e.json, #"{"seq":7,"t":1.990,"pid":4242,"role":"M","area":"aofrw","kind":"pipe<","msg":"a\"b\\c\n\u0001","from":"CHILD_RUNNING","to":"DIFFS_STOPPED","fn":"aofChildPipeReadable"}"#)
        let plain = TraceEvent(seq: 1, time: 0.5, pid: 9, role: "M", area: "net", kind: "net>", payload: "ok", function: "writeToClient")
        XCTAssertEqual(plain.json, #"{"seq":1,"t":0.500,"pid":9,"role":"M","area":"net","kind":"net>","msg":"ok","fn":"writeToClient"}"#)
    }

    func testJSONIsValidJSONAndRoundTripsThePayload() throws {
        let payload = "tab\t cr\r quote\" back\\ bell\u{7} é ⇒"
        let e = TraceEvent(seq: 2, time: 0.001, pid: 1, role: "M", area: "cmd", kind: "call", payload: payload, function: "call")
        let obj = try JSONSerialization.jsonObject(with: Data(e.json.utf8)) as? [String: Any]
        XCTAssertEqual(obj?["msg"] as? String, payload)
        XCTAssertEqual(obj?["seq"] as? Int, 2)
        XCTAssertEqual(obj?["fn"] as? String, "call")
        XCTAssertNil(obj?["from"])
    }
}

final class TracerTests: XCTestCase {
    func testAreasMask() {
        let t = Tracer()
        XCTAssertFalse(t.on(.net))
        t.enable(areas: TraceArea.net.bit | TraceArea.aof.bit)
        XCTAssertTrue(t.on(.net))
        XCTAssertTrue(t.on(.aof))
        XCTAssertFalse(t.on(.cmd))
        t.enable(areas: 0)
        XCTAssertFalse(t.on(.net))
        XCTAssertEqual(TraceArea.parseList("net, cmd"), TraceArea.net.bit | TraceArea.cmd.bit)
        XCTAssertEqual(TraceArea.parseList("all"), TraceArea.allMask)
        XCTAssertNil(TraceArea.parseList("net,bogus"))
        XCTAssertEqual(TraceArea.listString(TraceArea.loop.bit | TraceArea.repl.bit), "loop,repl")
    }

    func testEmitThroughSinkAndFile() throws {
        let path = TempFile.path("trace")
        defer { unlink(path) }
        let t = Tracer()
        t.enable(areas: TraceArea.allMask)
        try t.setFile(path)
        var seen: [TraceEvent] = []
        t.sink = { seen.append($0) }
        t.emit(.net, .netIn, "fd=8 4B \"PING\"", fn: "readQueryFromClient")
        t.transition(.aofrw, "ackC2P \"!\"", from: "CHILD_RUNNING", to: "DIFFS_STOPPED", fn: "aofChildPipeReadable")
        t.emit(.cmd, .call, "", fn: "call")
        try t.setFile(nil)  // back to stderr, closing the file

        XCTAssertEqual(seen.count, 3)
        XCTAssertEqual(seen.map(\.area), ["net", "aofrw", "cmd"])
        XCTAssertEqual(seen.map(\.kind), ["net<", "state", "call"])
        XCTAssertEqual(seen[1].from, "CHILD_RUNNING")
        XCTAssertEqual(seen[1].to, "DIFFS_STOPPED")
        XCTAssertEqual(seen[0].pid, getpid())
        XCTAssertEqual(seen[0].role, "M")
        for i in 1..<seen.count {
            XCTAssertEqual(seen[i].seq, seen[i - 1].seq + 1, "sequence numbers increase by one")
            XCTAssertGreaterThanOrEqual(seen[i].time, seen[i - 1].time)
        }

        let text = try XCTUnwrap(TempFile.read(path))
        XCTAssertTrue(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(lines, seen.map(\.text))
        XCTAssertTrue(lines[1].contains(" ⇒ CHILD_RUNNING → DIFFS_STOPPED ‹aofChildPipeReadable›"))
    }

    func testJSONLinesToFileAndChildRole() throws {
        let path = TempFile.path("trace-jsonl")
        defer { unlink(path) }
        let t = Tracer()
        t.enable(areas: TraceArea.allMask)
        t.jsonFormat = true
        try t.setFile(path)
        var seen: [TraceEvent] = []
        t.sink = { seen.append($0) }
        t.emit(.loop, .event, "tick", fn: "processTimeEvents")
        t.didFork(role: "C")
        t.emit(.aofrw, .pipeOut, "data 5B", fn: "aofChildWriteDiffData")
        try t.setFile(nil)

        let lines = try XCTUnwrap(TempFile.read(path)).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, seen.map(\.json))
        XCTAssertEqual(seen.map(\.role), ["M", "C"])
        for line in lines {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)))
        }
    }

    func testSetFileAppends() throws {
        let path = TempFile.path("trace-append")
        defer { unlink(path) }
        XCTAssertTrue(TempFile.write(path, "existing line\n"))
        let t = Tracer()
        try t.setFile(path)
        t.emit(.net, .event, "x", fn: "f")
        try t.setFile(nil)
        let lines = try XCTUnwrap(TempFile.read(path)).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first, "existing line")
    }

    func testSetFileErrorForUnwritablePath() {
        let t = Tracer()
        XCTAssertThrowsError(try t.setFile("/nonexistent-dir/trace.log")) { error in
            XCTAssertEqual((error as? ConfigError)?.message,
                           "Can't open the trace file '/nonexistent-dir/trace.log': No such file or directory")
        }
    }

    func testPreview() {
        let bytes: [UInt8] = Array("*1\r\n$4\r\nPING\r\n".utf8)
        XCTAssertEqual(bytes.withUnsafeBytes { Tracer.preview($0) }, #"14B "*1\r\n$4\r\nPING\r\n""#)
        XCTAssertEqual(bytes.withUnsafeBytes { Tracer.preview($0, limit: 4) }, #"14B "*1\r\n…""#)
    }
}

final class LogTests: XCTestCase {
    func testLevelMarksNamesAndOrder() {
        XCTAssertEqual(LogLevel.debug.mark, ".")
        XCTAssertEqual(LogLevel.verbose.mark, "-")
        XCTAssertEqual(LogLevel.notice.mark, "*")
        XCTAssertEqual(LogLevel.warning.mark, "#")
        XCTAssertEqual(LogLevel(name: "WARNING"), .warning)
        XCTAssertEqual(LogLevel(name: "verbose"), .verbose)
        XCTAssertNil(LogLevel(name: "info"))
        XCTAssertLessThan(LogLevel.debug, LogLevel.verbose)
        XCTAssertLessThan(LogLevel.notice, LogLevel.warning)
        XCTAssertEqual(LogLevel.notice.name, "notice")
    }

    func testLineFormatAndVerbosity() throws {
        let path = TempFile.path("log")
        defer { unlink(path) }
        let log = Logger()
        try log.setFile(path)
        log.log(.notice, "hello")
        log.log(.debug, "dropped: below notice")
        log.log(.verbose, "dropped too")
        log.log(.warning, "careful")
        log.verbosity = .debug
        log.log(.debug, "now shown")
        log.role = "S"
        log.log(.notice, "as a replica")
        try log.setFile("")  // back to stdout, closing the file

        let lines = try XCTUnwrap(TempFile.read(path)).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, "\(lines)")
        let line = try Regex(#"^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} \* hello$"#)
        XCTAssertNotNil(lines[0].wholeMatch(of: line), lines[0])
        XCTAssertTrue(lines[0].hasPrefix("\(getpid()):M "))
        XCTAssertTrue(lines[1].hasSuffix(" # careful"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix(" . now shown"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix("\(getpid()):S "), lines[3])
        XCTAssertFalse(lines.contains { $0.contains("dropped") })
    }

    func testTimestampShape() throws {
        let ts = Logger.timestamp()
        XCTAssertNotNil(ts.wholeMatch(of: try Regex(#"\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3}"#)), ts)
    }
}
