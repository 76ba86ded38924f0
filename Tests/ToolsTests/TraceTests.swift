// Reading trace lines back, merging servers, normalising for golden traces, and the diff.

import RedisCore
@testable import RedisTools
import XCTest

final class TraceTests: XCTestCase {
    private func event(_ seq: UInt64, _ time: Double, pid: Int32 = 4242, role: Character = "M", area: String = "net",
                       kind: String = "event", _ payload: String, fn: String = "f") -> TraceEvent {
        TraceEvent(seq: seq, time: time, pid: pid, role: role, area: area, kind: kind, payload: payload, function: fn)
    }

    // MARK: JSON

    func testAJSONLineBecomesTheEventItWasMadeFrom() {
        let e = TraceEvent(seq: 3, time: 0.512, pid: 4242, role: "M", area: "net", kind: "net<",
                           payload: "fd=8 14B \"*1\\r\\n$4\\r\\nPING\\r\\n\"", function: "readQueryFromClient")
        XCTAssertEqual(TraceJSON.parse(e.json), e)
        XCTAssertEqual(TraceJSON.parse(e.json)?.text, "0003 +0.512 4242:M net net< fd=8 14B \"*1\\r\\n$4\\r\\nPING\\r\\n\" ‹readQueryFromClient›")
        let t = TraceEvent(seq: 12, time: 1.5, pid: 7, role: "C", area: "aofrw", kind: "state", payload: "",
                           from: "NONE", to: "CHILD_RUNNING", function: "rewriteAppendOnlyFileBackground")
        XCTAssertEqual(TraceJSON.parse(t.json), t)
    }

    func testTheServersOwnLineParses() {
        let line = #"{"seq":3,"t":0.512,"pid":4242,"role":"M","area":"net","kind":"net<","msg":"fd=8 14B \"*1\\r\\n$4\\r\\nPING\\r\\n\"","fn":"readQueryFromClient"}"#
        XCTAssertEqual(TraceJSON.parse(line)?.payload, #"fd=8 14B "*1\r\n$4\r\nPING\r\n""#)
        XCTAssertNil(TraceJSON.parse("not json"))
        XCTAssertNil(TraceJSON.parse(#"{"seq":1}"#))
    }

    // MARK: Normalising

    func testSeqTimePidAndClientPortsAreNormalised() {
        let lines = normaliseTrace([
            event(7, 0.5, "accept fd=7 id=1 127.0.0.1:55586", fn: "acceptTcpHandler"),
            event(8, 0.75, kind: "net<", "fd=7 14B \"PING\\r\\n\"", fn: "readQueryFromClient"),
        ], ports: [44251])
        XCTAssertEqual(lines, [
            "0001 +T PID:M net event accept fd=7 id=1 127.0.0.1:PORT ‹acceptTcpHandler›",
            "0002 +T PID:M net net< fd=7 14B \"PING\\r\\n\" ‹readQueryFromClient›",
        ])
    }

    func testSeveralPidsAreNumberedByFirstAppearance() {
        let lines = normaliseTrace([
            event(1, 0.1, pid: 500, area: "aofrw", kind: "fork", "child pid=611 started"),
            event(2, 0.2, pid: 611, role: "C", area: "aofrw", kind: "file", "write temp-rewriteaof-bg-611.aof"),
            event(3, 0.3, pid: 500, area: "aofrw", kind: "state", "rename temp-rewriteaof-bg-611.aof"),
        ], ports: [])
        XCTAssertEqual(lines, [
            "0001 +T PID1:M aofrw fork child pid=PID2 started ‹f›",
            "0002 +T PID2:C aofrw file write temp-rewriteaof-bg-PID2.aof ‹f›",
            "0003 +T PID1:M aofrw state rename temp-rewriteaof-bg-PID2.aof ‹f›",
        ])
    }

    func testAPidNamedOnlyInAPayloadStillCounts() {
        // The child traces nothing itself, but the parent names it.
        XCTAssertEqual(normaliseTrace([event(1, 0.1, pid: 500, "child pid=611 exited")], ports: []),
                       ["0001 +T PID1:M net event child pid=PID2 exited ‹f›"])
    }

    func testNumbersThatMerelyEqualAPidAreLeftAlone() {
        // pid 14 and a 14-byte read: only `pid=` and `-N` mark a pid in a payload.
        XCTAssertEqual(normaliseTrace([event(1, 0.1, pid: 14, "fd=14 14B id=14")], ports: []),
                       ["0001 +T PID:M net event fd=14 14B id=14 ‹f›"])
    }

    func testServerPortsAreNormalisedWherever() {
        let lines = normaliseTrace([
            event(1, 0.1, area: "cmd", kind: "call", "\"REPLICAOF\" \"127.0.0.1\" \"40123\""),
            event(2, 0.2, area: "repl", "connecting to 127.0.0.1:40123 port=40123 (*3\\r\\n$5\\r\\n40123\\r\\n)"),
            event(3, 0.3, "size 40124"),
        ], ports: [40123])
        XCTAssertEqual(lines, [
            "0001 +T PID:M cmd call \"REPLICAOF\" \"127.0.0.1\" \"PORT\" ‹f›",
            "0002 +T PID:M repl event connecting to 127.0.0.1:PORT port=PORT (*3\\r\\n$5\\r\\nPORT\\r\\n) ‹f›",
            "0003 +T PID:M net event size 40124 ‹f›",
        ])
    }

    func testTransitionsKeepTheirStates() {
        var e = event(5, 1.0, area: "repl", kind: "state", "master 127.0.0.1:6380")
        e.from = "CONNECT"; e.to = "CONNECTING"
        XCTAssertEqual(normaliseTrace([e], ports: []),
                       ["0001 +T PID:M repl state master 127.0.0.1:PORT ⇒ CONNECT → CONNECTING ‹f›"])
    }

    // MARK: Merging

    func testOneServersEventsAreOrderedBySeq() {
        // A fork child and its parent append to one file; seq is taken before the write, so a
        // file can hold 5 before 4.
        let merged = mergeTraces([([event(1, 0.1, "a"), event(3, 0.3, "c"), event(2, 0.2, "b")], 0)])
        XCTAssertEqual(merged.map(\.payload), ["a", "b", "c"])
    }

    func testServersAreInterleavedByTimeFromTheirStart() {
        let master = [event(1, 0.10, pid: 1, "m1"), event(2, 0.50, pid: 1, "m2")]
        let replica = [event(1, 0.05, pid: 2, role: "S", "r1"), event(2, 0.40, pid: 2, role: "S", "r2")]
        // The replica started 0.2 s after the master: r1 at 0.25, r2 at 0.60.
        let merged = mergeTraces([(master, 0.0), (replica, 0.2)])
        XCTAssertEqual(merged.map(\.payload), ["m1", "r1", "m2", "r2"])
        XCTAssertEqual(normaliseTrace(merged, ports: []).map { String($0.prefix(12)) },
                       ["0001 +T PID1", "0002 +T PID2", "0003 +T PID1", "0004 +T PID2"])
    }

    // MARK: Diff

    func testTheDiffShowsOnlyChangesWithContext() {
        let old = (1...10).map { "line \($0)" }
        var new = old
        new[4] = "line five"
        new.append("line 11")
        XCTAssertEqual(unifiedDiff(old, new, oldName: "golden", newName: "this run", context: 1), [
            "--- golden",
            "+++ this run",
            "@@ golden line 4, this run line 4 @@",
            "  line 4",
            "- line 5",
            "+ line five",
            "  line 6",
            "@@ golden line 10, this run line 10 @@",
            "  line 10",
            "+ line 11",
        ])
        XCTAssertEqual(unifiedDiff(old, old, oldName: "a", newName: "b"), [])
    }

    func testTheDiffOfInsertionsAndDeletions() {
        XCTAssertEqual(diffLines(["a", "b", "c"], ["a", "c", "d"]), [.same("a"), .removed("b"), .same("c"), .added("d")])
        XCTAssertEqual(diffLines([], ["x"]), [.added("x")])
        XCTAssertEqual(diffLines(["x"], []), [.removed("x")])
    }
}
