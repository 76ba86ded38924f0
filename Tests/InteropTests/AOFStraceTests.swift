// The order of system calls behind `appendfsync`, recorded with strace: with `always`, the
// fdatasync of the AOF comes after the write of a command and before the write of its +OK; with
// `everysec`, the fsyncs happen on the background thread, about once a second.
//
// strace (Debian's) runs as the executable with the server and its arguments after it:
//     strace -f -tt -e trace=write,fdatasync,fsync -o FILE swift-redis-server --port 0 …
// With -f and -o, every line starts with the pid (the thread id) that made the call.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One system call from an strace -f -tt log.
struct Syscall {
    let tid: Int
    let time: Double  // seconds since midnight
    let name: String  // write, fdatasync, fsync
    let fd: Int
    let payload: String  // the string argument of write, as strace escapes it
}

final class AOFStraceTests: InteropTestCase {
    func strace() throws -> String {
        let path = "/usr/bin/strace"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        let message = "\(path) is not installed (apt-get install strace)"
        if Interop.required {
            XCTFail(message + " and SWIFT_REDIS_INTEROP=require")
            throw TestSupportError(message)
        }
        throw XCTSkip(message)
    }

    /// Starts the server under strace; returns (server pid, port, strace output path).
    func startTraced(_ policy: String) throws -> (pid: Int32, port: Int, out: String, process: Process) {
        let st = try strace()
        let dir = tempDir()
        let out = dir + "/strace.txt"
        let log = dir + "/server.log"
        let p = try launch(st, ["-f", "-tt", "-e", "trace=write,fdatasync,fsync", "-o", out,
                                TestBinaries.server, "--port", "0", "--dir", dir, "--logfile", log,
                                "--appendonly", "yes", "--appendfsync", policy], dir: dir)
        var text = ""
        let up = waitUntil(20) {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.contains("Ready to accept connections") || !p.isRunning
        }
        guard up, text.contains("Ready to accept connections"),
              let r = text.range(of: "port="), let port = Int(text[r.upperBound...].prefix { $0.isNumber }),
              let pr = text.range(of: "pid="), let pid = Int32(text[pr.upperBound...].prefix { $0.isNumber }) else {
            let straceOut = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if straceOut.contains("EPERM") || straceOut.contains("Operation not permitted") {
                throw XCTSkip("strace cannot trace here (ptrace: EPERM): \(straceOut.prefix(300))")
            }
            throw TestSupportError("server under strace did not start: \(text)\n\(straceOut.prefix(500))")
        }
        return (pid, port, out, p)
    }

    /// Stops the server (SIGTERM to it, not to strace) and waits for strace to finish writing.
    func stopTraced(_ pid: Int32, _ p: Process) {
        kill(pid, SIGTERM)
        _ = waitUntil(10) { !p.isRunning }
        p.waitUntilExit()
    }

    /// Parses strace's lines: `1234 12:00:00.123456 write(7, "*3\r\n$3\r\nSET"..., 33) = 33`.
    /// Calls split by another thread (`<unfinished …>` / `<… resumed>`) keep the first half,
    /// which has the name and fd.
    static func parse(_ text: String) -> [Syscall] {
        var calls: [Syscall] = []
        for line in text.split(separator: "\n") {
            var rest = Substring(line)
            if rest.hasPrefix("[pid") { rest = rest.dropFirst(4).drop { $0 == " " } }
            let tidText = rest.prefix { $0.isNumber }
            guard let tid = Int(tidText) else { continue }
            rest = rest.dropFirst(tidText.count).drop { $0 == " " || $0 == "]" }
            let timeText = rest.prefix { $0 != " " }
            let parts = timeText.split(separator: ":")
            guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let sec = Double(parts[2]) else { continue }
            rest = rest.dropFirst(timeText.count + 1)
            if rest.hasPrefix("<...") { continue }
            guard let paren = rest.firstIndex(of: "(") else { continue }
            let name = String(rest[..<paren])
            guard ["write", "fdatasync", "fsync"].contains(name) else { continue }
            let args = rest[rest.index(after: paren)...]
            let fdText = args.prefix { $0.isNumber }
            guard let fd = Int(fdText) else { continue }
            var payload = ""
            if let q = args.firstIndex(of: "\"") { payload = String(args[args.index(after: q)...]) }
            calls.append(Syscall(tid: tid, time: h * 3600 + m * 60 + sec, name: name, fd: fd, payload: payload))
        }
        return calls
    }

    func testAlwaysFsyncsBeforeTheReply() throws {
        let (pid, port, out, p) = try startTraced("always")
        let c = try RawClient(port: port)
        let n = 20
        for i in 0..<n {
            let reply = try c.call("SET", "key:\(i)", "value:\(i)")
            XCTAssertEqual(reply, .simple("OK"))
        }
        stopTraced(pid, p)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let calls = AOFStraceTests.parse(text)
        // The AOF's fd: the one the commands are written to (the first write carries a SELECT).
        guard let aofFd = calls.first(where: { $0.name == "write" && $0.payload.hasPrefix("*2\\r\\n$6\\r\\nSELECT") })?.fd else {
            return XCTFail("no write of a SELECT to the AOF in the strace log:\n\(text.prefix(3000))")
        }
        guard let clientFd = calls.first(where: { $0.name == "write" && $0.payload.hasPrefix("+OK\\r\\n") })?.fd else {
            return XCTFail("no +OK written:\n\(text.prefix(3000))")
        }
        var checked = 0
        var gapsUs: [Double] = []
        for (i, call) in calls.enumerated() where call.name == "write" && call.fd == aofFd
            && (call.payload.hasPrefix("*3\\r\\n$3\\r\\nSET") || call.payload.hasPrefix("*2\\r\\n$6\\r\\nSELECT")) {
            guard let reply = calls[(i + 1)...].firstIndex(where: { $0.name == "write" && $0.fd == clientFd }) else {
                XCTFail("write #\(i) to the AOF has no reply after it"); continue
            }
            let sync = calls[(i + 1)..<reply].first { ($0.name == "fdatasync" || $0.name == "fsync") && $0.fd == aofFd }
            XCTAssertNotNil(sync, "no fsync of fd \(aofFd) between the AOF write #\(i) and the reply #\(reply)")
            XCTAssertTrue(calls[reply].payload.hasPrefix("+OK\\r\\n"), calls[reply].payload)
            if let sync {
                XCTAssertEqual(sync.tid, call.tid, "with always, the fsync is on the main thread")
                gapsUs.append((calls[reply].time - sync.time) * 1e6)
            }
            checked += 1
        }
        XCTAssertEqual(checked, n, "one AOF write per SET")
        let syncs = calls.filter { ($0.name == "fdatasync" || $0.name == "fsync") && $0.fd == aofFd }
        print("strace, appendfsync always: \(n) SETs, \(checked) AOF writes each followed by fdatasync(\(aofFd)) before +OK on fd \(clientFd); "
              + "\(syncs.count) fsyncs of the AOF, all on thread \(Set(syncs.map(\.tid)).sorted()) (main pid \(pid)); "
              + String(format: "median fsync→reply %.0f us", gapsUs.sorted()[gapsUs.count / 2]))
    }

    func testEverysecFsyncsOnTheBackgroundThreadOnceASecond() throws {
        let (pid, port, out, p) = try startTraced("everysec")
        let c = try RawClient(port: port)
        let start = Date()
        var sets = 0
        while Date().timeIntervalSince(start) < 3.0 {
            XCTAssertEqual(try c.call("SET", "key:\(sets)", "v"), .simple("OK"))
            sets += 1
            usleep(2000)
        }
        stopTraced(pid, p)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let calls = AOFStraceTests.parse(text)
        guard let aofFd = calls.first(where: { $0.name == "write" && $0.payload.hasPrefix("*2\\r\\n$6\\r\\nSELECT") })?.fd,
              let firstWrite = calls.first(where: { $0.name == "write" && $0.fd == aofFd }),
              let lastWrite = calls.last(where: { $0.name == "write" && $0.fd == aofFd }) else {
            return XCTFail("no writes to the AOF in the strace log:\n\(text.prefix(3000))")
        }
        // The fsyncs while the SETs ran (the shutdown fsync comes after the last write, on the main thread).
        let syncs = calls.filter {
            ($0.name == "fdatasync" || $0.name == "fsync") && $0.fd == aofFd && $0.time >= firstWrite.time && $0.time <= lastWrite.time
        }
        let background = syncs.filter { $0.tid != Int(pid) }
        let onMain = syncs.filter { $0.tid == Int(pid) }
        XCTAssertEqual(onMain.count, 0, "with everysec no fsync runs on the main thread while serving: \(onMain.map(\.time))")
        XCTAssertTrue((2...5).contains(background.count), "fsyncs on the background thread in ~3 s: \(background.count)")
        XCTAssertEqual(Set(background.map(\.tid)).count, 1, "one bio thread")
        let intervals = zip(background.dropFirst(), background).map { $0.time - $1.time }
        // "Once a second" counts whole unix seconds (Redis: server.unixtime > aof_last_fsync), so the
        // first fsync comes with the first write and the second at the next tick of the clock,
        // which may be a fraction of a second later; the ones after are a second apart.
        for gap in intervals.dropFirst() { XCTAssertGreaterThan(gap, 0.5, "about once a second: \(intervals)") }
        let aofWrites = calls.filter { $0.name == "write" && $0.fd == aofFd }.count
        print("strace, appendfsync everysec: \(sets) SETs in \(String(format: "%.1f", lastWrite.time - firstWrite.time)) s, "
              + "\(aofWrites) AOF writes on the main thread \(pid), \(background.count) fdatasync(\(aofFd)) on thread(s) "
              + "\(Set(background.map(\.tid)).sorted()), intervals \(intervals.map { String(format: "%.2f s", $0) }.joined(separator: ", ")), "
              + "\(onMain.count) on the main thread")
    }
}
