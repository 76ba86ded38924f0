// Traces as the runner reads them back: JSON lines → TraceEvent, merged, and normalised.
//
// A server started with `--trace-format jsonl` writes one JSON object per event:
//
//     {"seq":3,"t":0.512,"pid":4242,"role":"M","area":"net","kind":"net<","msg":"fd=8 14B …","fn":"readQueryFromClient"}
//
// Live, the runner prints each one in the text form (`TraceEvent.text`). To compare a run with
// the golden trace of a walkthrough, what changes from run to run must go first:
//
//     0003 +0.512 4242:M net net< fd=8 14B "*1\r\n$4\r\nPING\r\n" ‹readQueryFromClient›
//     0001 +T PID:M net net< fd=8 14B "*1\r\n$4\r\nPING\r\n" ‹readQueryFromClient›
//
//  1) seq is renumbered 0001… in the merged order;
//  2) the time becomes `+T`;
//  3) pids become `PID`, or `PID1`, `PID2`… by first appearance when there are several (a fork
//     child, a replica). Inside a payload a pid is recognised after `pid=`, and a known pid after
//     `-` (temp file names such as `temp-rewriteaof-bg-4250.aof`);
//  4) TCP ports become `PORT`: after `A.B.C.D:`, after `port=`, and any number equal to the
//     port of a server of the walkthrough.
//
// What else varies (timer wake-ups of the `loop` area, durations) a walkthrough keeps out of its
// trace by choosing areas with `--trace-areas`; the runner filters nothing.

import Foundation
import RedisCore

// MARK: - Reading

/// Reads the JSON Lines form of trace events.
public enum TraceJSON {
    /// The event of one JSON line, or nil when the line is not one.
    public static func parse(_ line: String) -> TraceEvent? {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let seq = (object["seq"] as? NSNumber)?.uint64Value,
              let time = (object["t"] as? NSNumber)?.doubleValue,
              let pid = (object["pid"] as? NSNumber)?.int32Value,
              let role = (object["role"] as? String)?.first,
              let area = object["area"] as? String,
              let kind = object["kind"] as? String,
              let msg = object["msg"] as? String,
              let fn = object["fn"] as? String
        else { return nil }
        return TraceEvent(seq: seq, time: time, pid: pid, role: role, area: area, kind: kind, payload: msg,
                          from: object["from"] as? String, to: object["to"] as? String, function: fn)
    }
}

// MARK: - Merging

/// Merges the traces of several servers into one sequence.
///
/// Within one server (and its fork children, which share its sequence counter) events are put
/// in seq order. Servers have counters of their own, so between them the order is by time:
/// `offset` is when the runner started that server, on the runner's clock, and an event's `t`
/// counts from the server's start.
/// - Parameter streams: each server's events, with its start offset in seconds.
/// - Returns: all events, each server's in seq order, interleaved by estimated time.
public func mergeTraces(_ streams: [(events: [TraceEvent], offset: Double)]) -> [TraceEvent] {
    // SIMPLIFICATION: the start offset is measured by the runner, not by the server, so two
    // servers' events less than a few milliseconds apart may come out in either order.
    let queues: [(events: [TraceEvent], offset: Double)] = streams.map { s in
        // Stable: events with equal seq (none, normally) keep their file order.
        let ordered = s.events.enumerated().sorted { ($0.element.seq, $0.offset) < ($1.element.seq, $1.offset) }
        return (ordered.map(\.element), s.offset)
    }
    var heads = Array(repeating: 0, count: queues.count)
    func nextTime(_ q: Int) -> Double? {
        heads[q] < queues[q].events.count ? queues[q].offset + queues[q].events[heads[q]].time : nil
    }
    var merged: [TraceEvent] = []
    while true {
        var best: (queue: Int, time: Double)?
        for q in queues.indices {
            guard let t = nextTime(q) else { continue }
            if best == nil || t < best!.time { best = (q, t) }
        }
        guard let b = best else { break }
        merged.append(queues[b.queue].events[heads[b.queue]])
        heads[b.queue] += 1
    }
    return merged
}

// MARK: - Normalising

/// Turns merged events into the lines of a golden trace (see the file header for the rules).
/// - Parameters:
///   - events: the merged events, in order.
///   - ports: the TCP ports the walkthrough's servers listened on.
///   - pids: pids known to the runner (its servers), besides those in the events.
public func normaliseTrace(_ events: [TraceEvent], ports: [Int], pids: [Int32] = []) -> [String] {
    // Pass 1: which numbers are pids, in order of first appearance.
    var known = Set(events.map { Int($0.pid) } + pids.map(Int.init))
    var order: [Int] = []
    func see(_ pid: Int) { if !order.contains(pid) { order.append(pid) } }
    for e in events {
        see(Int(e.pid))
        for n in pidsInPayload(e.payload, known: &known) { see(n) }
    }
    let single = order.count == 1
    var names: [Int: String] = [:]
    for (i, pid) in order.enumerated() { names[pid] = single ? "PID" : "PID\(i + 1)" }

    // Pass 2: the lines.
    let portSet = Set(ports)
    return events.enumerated().map { i, e in
        var n = e
        n.seq = UInt64(i + 1)
        n.payload = normalisePayload(e.payload, pids: names, ports: portSet)
        // The text form with its first three fields (seq, time, pid:role) rewritten.
        let fields = n.text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        let pid = names[Int(e.pid)] ?? "PID"
        return "\(fields[0]) +T \(pid):\(e.role) \(fields.count > 3 ? fields[3] : "")"
    }
}

/// The pids named in a payload: after `pid=`, or a known pid after `-`. A number after `pid=`
/// becomes known.
private func pidsInPayload(_ payload: String, known: inout Set<Int>) -> [Int] {
    var found: [Int] = []
    for run in digitRuns(Array(payload.utf8)) {
        if run.after("pid=") { known.insert(run.value); found.append(run.value) }
        else if run.after("-") && known.contains(run.value) { found.append(run.value) }
    }
    return found
}

/// `payload` with pids and ports replaced by their names.
func normalisePayload(_ payload: String, pids: [Int: String], ports: Set<Int>) -> String {
    let bytes = Array(payload.utf8)
    var out: [UInt8] = []
    var last = 0
    for run in digitRuns(bytes) {
        var name: String?
        if let p = pids[run.value], run.after("pid=") || run.after("-") {
            name = p
        } else if run.afterIPv4() || run.after("port=") || ports.contains(run.value) {
            name = "PORT"
        }
        guard let name else { continue }
        out += bytes[last..<run.range.lowerBound]
        out += Array(name.utf8)
        last = run.range.upperBound
    }
    out += bytes[last...]
    return String(decoding: out, as: UTF8.self)
}

/// A maximal run of ASCII digits in a payload, with what comes before it.
private struct DigitRun {
    var bytes: [UInt8]
    var range: Range<Int>
    /// The number; Int.min when it does not fit.
    var value: Int

    /// The run is directly preceded by `prefix`.
    func after(_ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return range.lowerBound >= p.count && Array(bytes[(range.lowerBound - p.count)..<range.lowerBound]) == p
    }

    /// The run is directly preceded by `A.B.C.D:` (a port after an IPv4 address).
    func afterIPv4() -> Bool {
        guard range.lowerBound >= 8, bytes[range.lowerBound - 1] == UInt8(ascii: ":") else { return false }
        var i = range.lowerBound - 2
        var dots = 0, digits = 0
        while i >= 0, (bytes[i] >= 48 && bytes[i] <= 57) || bytes[i] == UInt8(ascii: ".") {
            if bytes[i] == UInt8(ascii: ".") { dots += 1 } else { digits += 1 }
            i -= 1
        }
        return dots == 3 && digits >= 4
    }
}

/// The digit runs of `bytes`, in order.
private func digitRuns(_ bytes: [UInt8]) -> [DigitRun] {
    var runs: [DigitRun] = []
    var i = 0
    while i < bytes.count {
        guard bytes[i] >= 48 && bytes[i] <= 57 else { i += 1; continue }
        var j = i
        while j < bytes.count && bytes[j] >= 48 && bytes[j] <= 57 { j += 1 }
        let value = Int(String(decoding: bytes[i..<j], as: UTF8.self)) ?? Int.min
        runs.append(DigitRun(bytes: bytes, range: i..<j, value: value))
        i = j
    }
    return runs
}
