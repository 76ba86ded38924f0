// The real things a walkthrough drives: server processes (with their trace files) and client
// sockets.
//
// A server runs in its own folder and writes its trace as JSON lines to a file there; the runner
// tails that file. A client is a plain blocking TCP socket read through poll(2), so that while
// it waits for a reply the runner keeps reading traces (and, live, printing them) instead of
// sitting in read(2).
//
//     runner ──send──▶ server ──trace line──▶ folder/trace.jsonl ──tail──▶ runner
//            ◀─reply──
//
// Everything is single-threaded: every wait is a loop of short polls that calls `idle` (the
// runner's trace pump) between them. Redis's own test suite drives servers the same way from
// Tcl (tests/support/server.tcl: start_server, wait_for_condition).

import Foundation
import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - A server run

/// One run of a walkthrough's server: a process, from `server NAME` to `stop NAME`.
/// A server started again after `stop` is a new run in the same folder.
final class ServerRun {
    let name: String
    let folder: String
    let process: Process
    /// The port read from the log (`Running mode=standalone, port=NNNNN.`).
    private(set) var port = 0
    var pid: Int32 { process.processIdentifier }
    /// When the runner started the process, on the runner's monotonic clock (merge order).
    let offset: Double
    let logPath: String
    let tracePath: String
    /// Every trace event read so far, in file order.
    private(set) var events: [TraceEvent] = []
    /// Lines of the trace file that were not trace events.
    private(set) var badLines: [String] = []
    /// `wait` steps search the events from here on (just after the last one they matched).
    var waitCursor = 0
    private var traceFD: Int32 = -1
    private var partial: [UInt8] = []

    /// Starts the server and waits until it accepts connections.
    /// - Parameters:
    ///   - run: 1 for the first run in `folder`, 2 for the next… (names the log and trace files).
    ///   - options: the walkthrough's `--option value` words, appended after the runner's own.
    ///   - idle: called between polls while waiting.
    /// - Throws: `ToolError` with the log's tail when the server exits or is not ready in 20 s;
    ///   what `idle` throws (Ctrl-C), after stopping the process.
    init(name: String, binary: String, folder: String, run: Int, options: [String], readyTimeout: Double = 20,
         offset: Double, idle: () throws -> Void) throws {
        self.name = name
        self.folder = folder
        self.offset = offset
        let suffix = run == 1 ? "" : ".\(run)"
        logPath = folder + "/server\(suffix).log"
        tracePath = folder + "/trace\(suffix).jsonl"
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--dir", folder, "--logfile", logPath,
                             "--trace", "yes", "--trace-format", "jsonl", "--trace-file", tracePath] + options
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdio = folder + "/stdio\(suffix).log"
        _ = FileManager.default.createFile(atPath: stdio, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdio)
        process.standardError = FileHandle(forWritingAtPath: stdio)
        do {
            try process.run()
        } catch {
            throw ToolError("cannot start \(binary): \(error)")
        }
        let deadline = Date().addingTimeInterval(readyTimeout)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if log.contains("Ready to accept connections"), let r = log.range(of: "port="),
               let p = Int(log[r.upperBound...].prefix { $0.isNumber }) {
                port = p
                return
            }
            if !process.isRunning { break }
            do {
                try idle()
            } catch {
                stop(idle: {})
                throw error
            }
            usleep(10_000)
        }
        let why = process.isRunning ? "not ready after \(Int(readyTimeout)) s" : "exited with status \(process.terminationStatus)"
        stop(idle: {})
        throw ToolError("server \(name) \(why)\n" + logTail(12))
    }

    /// Reads the trace lines written since the last call; returns the new events.
    func readTrace() -> [TraceEvent] {
        if traceFD < 0 {
            traceFD = open(tracePath, O_RDONLY | O_CLOEXEC)
            if traceFD < 0 { return [] }
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(traceFD, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            partial += chunk[0..<n]
        }
        var fresh: [TraceEvent] = []
        while let nl = partial.firstIndex(of: 10) {
            let line = String(decoding: partial[..<nl], as: UTF8.self)
            partial.removeSubrange(...nl)
            if line.isEmpty { continue }
            if let e = TraceJSON.parse(line) { fresh.append(e) } else { badLines.append(line) }
        }
        events += fresh
        return fresh
    }

    /// SIGTERM, then SIGKILL after 10 s; waits for the exit and reads the last trace lines.
    func stop(idle: () -> Void) {
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { idle(); usleep(10_000) }
            if process.isRunning { kill(pid, SIGKILL) }
        }
        process.waitUntilExit()
        idle()
        if traceFD >= 0 { close(traceFD); traceFD = -1 }
    }

    /// SIGKILL: a crash, with no shutdown and no last flush. Waits for the exit and reads the
    /// trace lines the process wrote before it died (each one is a write(2) of its own, so none
    /// is lost in a buffer).
    func crash(idle: () -> Void) {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        idle()
        if traceFD >= 0 { close(traceFD); traceFD = -1 }
    }

    /// The last `n` lines of the server's log, indented, for failure messages.
    func logTail(_ n: Int) -> String {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
        return log.split(separator: "\n").suffix(n).map { "    " + $0 }.joined(separator: "\n")
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL); process.waitUntilExit() }
        if traceFD >= 0 { close(traceFD) }
    }
}

// MARK: - A client

/// A TCP connection to a server, speaking RESP.
final class WalkClient {
    let name: String
    /// The server this client is connected to.
    let server: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    /// The last reply read, with its bytes.
    var last: (reply: Reply, raw: [UInt8])?

    /// Connects to 127.0.0.1:`port`.
    init(name: String, server: String, port: Int) throws {
        self.name = name
        self.server = server
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolError("socket: \(String(cString: strerror(errno)))") }
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = in_port_t(UInt16(port).bigEndian)
        sa.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 {
            let why = String(cString: strerror(errno))
            closeDescriptor(fd)
            throw ToolError("connect to port \(port): \(why)")
        }
    }

    /// The multibulk encoding of a command: `*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`.
    static func encode(_ words: [[UInt8]]) -> [UInt8] {
        var out = Array("*\(words.count)\r\n".utf8)
        for w in words { out += Array("$\(w.count)\r\n".utf8) + w + [13, 10] }
        return out
    }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { buf -> Int in
                #if canImport(Glibc)
                return Glibc.send(fd, buf.baseAddress! + off, buf.count - off, Int32(MSG_NOSIGNAL))
                #else
                return Darwin.send(fd, buf.baseAddress! + off, buf.count - off, 0)
                #endif
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw ToolError("\(name): write: \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    /// Reads one whole reply, calling `idle` between polls; keeps it as `last`.
    /// - Throws: `ToolError` on a timeout, a closed connection or bytes that are not RESP; what
    ///   `idle` throws.
    @discardableResult
    func readReply(timeout: Double, idle: () throws -> Void) throws -> (reply: Reply, raw: [UInt8]) {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var pos = 0
            do {
                if let r = try Reply.parse(buffer, &pos) {
                    let raw = Array(buffer[..<pos])
                    buffer.removeFirst(pos)
                    last = (r, raw)
                    return (r, raw)
                }
            } catch {
                throw ToolError("\(name): \(error) in \"\(RESPEscape.escape(buffer, limit: 80))\"")
            }
            guard Date() < deadline else {
                throw ToolError("\(name): no whole reply within \(Int(timeout)) s" +
                                (buffer.isEmpty ? "" : " (have \"\(RESPEscape.escape(buffer, limit: 80))\")"))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 20) > 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    throw ToolError("\(name): the server closed the connection" +
                                    (buffer.isEmpty ? "" : " (have \"\(RESPEscape.escape(buffer, limit: 80))\")"))
                }
                buffer += chunk[0..<n]
            }
            try idle()
        }
    }

    /// Closes the connection.
    func close() {
        if fd >= 0 { closeDescriptor(fd); fd = -1 }
    }

    deinit { close() }
}

/// close(2). (A free function: inside `WalkClient`, the name `close` means the method.)
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
