// What the end-to-end tests share: the built binaries, free ports, a real server process in a
// temp dir, and a raw RESP client that speaks bytes, so tests see exactly what goes on the wire.

import Foundation
import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `swift build` put the executables: beside the test bundle.
public enum TestBinaries {
    public static var directory: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On macOS the test binary sits inside PackageTests.xctest/Contents/MacOS.
        while dir.path.contains(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.path
    }
    public static var server: String { directory + "/swift-redis-server" }
    public static var tool: String { directory + "/swift-redis" }
}

/// A loopback TCP port nobody listens on right now (never 6379).
public func freePort() -> Int {
    for _ in 0..<50 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = 0
        sa.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { continue }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: sa.sin_port))
        if port != 6379 { return port }
    }
    return 0
}

/// A fresh temp directory, removed by the caller.
public func makeTempDir(_ prefix: String = "swiftredis") -> String {
    var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return p.map { String(cString: $0) } ?? NSTemporaryDirectory()
}

/// Thrown when a server does not come up or a reply does not arrive.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// A real server process on a free port in its own temp dir; stopped and cleaned up by `stop()`.
public final class ServerProcess {
    public let process: Process
    public let port: Int
    public let dir: String
    public let logPath: String
    public var pid: Int32 { process.processIdentifier }
    private var ownsDir: Bool

    /// Starts `binary` with `--port 0 --dir <tmp> --logfile <tmp>/server.log` plus `args`, and waits
    /// for `Ready to accept connections`. The port is read from the log.
    /// With `configFile`, that path comes first on the command line, as `redis-server redis.conf`
    /// takes it; the `--option value` arguments then override it.
    public init(binary: String = TestBinaries.server, args: [String] = [], dir: String? = nil,
                timeout: Double = 20, configFile: String? = nil) throws {
        let d = dir ?? makeTempDir()
        ownsDir = dir == nil
        self.dir = d
        logPath = d + "/server.log"
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = (configFile.map { [$0] } ?? []) + ["--port", "0", "--dir", d, "--logfile", logPath] + args
        process.currentDirectoryURL = URL(fileURLWithPath: d)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        if args.contains("--trace") && !args.contains("--trace-file") {
            process.arguments! += ["--trace-file", d + "/trace.log"]
        }
        // A restart in the same dir must not read the last run's port from an old log.
        try? FileManager.default.removeItem(atPath: logPath)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var found = 0
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if log.contains("Ready to accept connections"), let p = ServerProcess.port(in: log) { found = p; break }
            if !process.isRunning { break }
            usleep(20_000)
        }
        port = found
        if found == 0 {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
            stop()
            throw TestSupportError("server did not start: \(log)")
        }
    }

    static func port(in log: String) -> Int? {
        guard let r = log.range(of: "port=") else { return nil }
        return Int(log[r.upperBound...].prefix { $0.isNumber })
    }

    /// The server's log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The trace file written with `--trace yes` (unless the test named its own).
    public var trace: String { (try? String(contentsOfFile: dir + "/trace.log", encoding: .utf8)) ?? "" }

    /// True while the process runs.
    public var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL after `grace` seconds; waits for the exit. Returns the exit status.
    @discardableResult
    public func stop(grace: Double = 5) -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Removes the temp dir (when this object made it).
    public func cleanUp() {
        stop()
        if ownsDir { try? FileManager.default.removeItem(atPath: dir) }
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
}

/// A RESP value as it came off the wire: every RESP2 and RESP3 type.
public indirect enum RESPValue: Equatable, CustomStringConvertible {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8]?)
    case array([RESPValue]?)
    /// RESP3 `_`.
    case null
    /// RESP3 `,1.5` (`inf`, `-inf`, `nan`), kept as written.
    case double(String)
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
    /// RESP3 `(123…`, kept as written.
    case bigNumber(String)
    /// RESP3 `!len` error with a binary-safe body.
    case blobError([UInt8])
    /// RESP3 `=len` verbatim string: the three-letter format and the text.
    case verbatim(String, [UInt8])
    /// RESP3 `%n`: key, value, key, value…
    case map([RESPValue])
    /// RESP3 `~n`.
    case set([RESPValue])
    /// RESP3 `|n`: attribute pairs, and the reply they describe.
    case attribute([RESPValue], RESPValue)
    /// RESP3 `>n`: an out-of-band push (pub/sub messages).
    case push([RESPValue])
    /// A type byte no version of RESP has, with the rest of its line.
    case other(UInt8, String)

    public var description: String {
        switch self {
        case .simple(let s): return s
        case .error(let e): return "(error) " + e
        case .integer(let i): return "(integer) \(i)"
        case .bulk(nil): return "(nil)"
        case .bulk(let b?): return "\"" + RESPEscape.escape(b, limit: 200) + "\""
        case .array(nil): return "(nil array)"
        case .array(let a?): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .null: return "(null)"
        case .double(let d): return "(double) " + d
        case .boolean(let b): return b ? "(true)" : "(false)"
        case .bigNumber(let n): return "(big number) " + n
        case .blobError(let b): return "(blob error) " + RESPEscape.escape(b, limit: 200)
        case .verbatim(let f, let b): return "(verbatim \(f)) \"" + RESPEscape.escape(b, limit: 200) + "\""
        case .map(let kv): return "{" + stride(from: 0, to: kv.count - 1, by: 2).map { "\(kv[$0]): \(kv[$0 + 1])" }.joined(separator: ", ") + "}"
        case .set(let a): return "~[" + a.map(\.description).joined(separator: ", ") + "]"
        case .attribute(let kv, let v): return "|" + RESPValue.map(kv).description + " " + v.description
        case .push(let a): return ">[" + a.map(\.description).joined(separator: ", ") + "]"
        case .other(let t, let s): return String(UnicodeScalar(t)) + s
        }
    }

    /// The bulk payload as a string, or nil.
    public var string: String? {
        switch self {
        case .bulk(let b?): return String(decoding: b, as: UTF8.self)
        case .simple(let s): return s
        case .verbatim(_, let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }
}

/// A blocking TCP client that sends raw bytes and reads RESP replies (10 s timeout).
public final class RawClient {
    public let fd: Int32
    private var buffer: [UInt8] = []

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = in_port_t(UInt16(port).bigEndian)
        sa.sin_addr.s_addr = inet_addr(host)
        let r = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if r != 0 { close(fd); throw TestSupportError("connect to \(port): \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends bytes as they are.
    public func send(raw bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n <= 0 { return }
            off += n
        }
    }

    public func send(raw s: String) { send(raw: Array(s.utf8)) }

    /// The multibulk encoding of a command.
    public static func encode(_ args: [[UInt8]]) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for a in args { out += Array("$\(a.count)\r\n".utf8) + a + [13, 10] }
        return out
    }

    /// Sends a command and reads its reply.
    @discardableResult
    public func call(_ args: String...) throws -> RESPValue { try call(args.map { Array($0.utf8) }) }

    /// Sends a command made of byte arrays and reads its reply.
    @discardableResult
    public func call(_ args: [[UInt8]]) throws -> RESPValue {
        send(raw: RawClient.encode(args))
        return try readReply()
    }

    /// Reads one reply.
    public func readReply() throws -> RESPValue {
        while true {
            var pos = 0
            if let v = RawClient.parse(buffer, &pos) {
                buffer.removeFirst(pos)
                return v
            }
            guard try fill() else { throw TestSupportError("connection closed; buffered: \(RESPEscape.escape(buffer, limit: 200))") }
        }
    }

    /// Sends a command and returns its reply exactly as the bytes came off the wire.
    public func callRaw(_ args: String...) throws -> [UInt8] { try callRaw(args.map { Array($0.utf8) }) }

    /// Sends a command made of byte arrays and returns its reply's raw bytes.
    public func callRaw(_ args: [[UInt8]]) throws -> [UInt8] {
        send(raw: RawClient.encode(args))
        return try readRawReply()
    }

    /// Reads one reply and returns its raw bytes (type byte to final CRLF).
    public func readRawReply() throws -> [UInt8] {
        while true {
            var pos = 0
            if RawClient.parse(buffer, &pos) != nil {
                let raw = Array(buffer[0..<pos])
                buffer.removeFirst(pos)
                return raw
            }
            guard try fill() else { throw TestSupportError("connection closed; buffered: \(RESPEscape.escape(buffer, limit: 200))") }
        }
    }

    /// Reads until the server closes the connection; returns everything that came.
    public func readUntilClosed() -> [UInt8] {
        while (try? fill()) == true {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// True if the server has closed the connection (reads to EOF, 10 s at most).
    public func isClosedByServer() -> Bool {
        do { while try fill() {} ; return true } catch { return false }
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
        if n < 0 {
            if errno == ECONNRESET { return false }
            throw TestSupportError("read: \(String(cString: strerror(errno)))")
        }
        if n == 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// Parses one reply from `b[pos...]`; nil if incomplete. Every RESP2 and RESP3 type.
    public static func parse(_ b: [UInt8], _ pos: inout Int) -> RESPValue? {
        guard pos < b.count else { return nil }
        guard let cr = b[pos...].firstIndex(of: 13), cr + 1 < b.count else { return nil }
        let type = b[pos]
        let line = String(decoding: b[(pos + 1)..<cr], as: UTF8.self)
        var p = cr + 2
        let n = Int(line) ?? -1
        // A length can be anything a broken server sends: `n <= b.count` keeps `p + n + 2` and
        // `2 * n` from overflowing (a reply that long is incomplete anyway).
        func blob() -> [UInt8]? {
            guard n >= 0, n <= b.count, b.count >= p + n + 2 else { return nil }
            defer { p += n + 2 }
            return Array(b[p..<(p + n)])
        }
        func items(_ count: Int) -> [RESPValue]? {
            var out: [RESPValue] = []
            guard count <= b.count else { return nil }
            for _ in 0..<max(count, 0) {
                guard let v = parse(b, &p) else { return nil }
                out.append(v)
            }
            return out
        }
        let v: RESPValue
        switch type {
        case UInt8(ascii: "+"): v = .simple(line)
        case UInt8(ascii: "-"): v = .error(line)
        case UInt8(ascii: ":"): v = .integer(Int64(line) ?? 0)
        case UInt8(ascii: "$"):
            if n < 0 { v = .bulk(nil) } else { guard let d = blob() else { return nil }; v = .bulk(d) }
        case UInt8(ascii: "*"):
            if n < 0 { v = .array(nil) } else { guard let a = items(n) else { return nil }; v = .array(a) }
        case UInt8(ascii: "_"): v = .null
        case UInt8(ascii: ","): v = .double(line)
        case UInt8(ascii: "#"): v = .boolean(line == "t")
        case UInt8(ascii: "("): v = .bigNumber(line)
        case UInt8(ascii: "!"): guard let d = blob() else { return nil }; v = .blobError(d)
        case UInt8(ascii: "="):
            guard let d = blob() else { return nil }
            v = .verbatim(String(decoding: d.prefix(3), as: UTF8.self), Array(d.dropFirst(4)))
        case UInt8(ascii: "%"): guard n <= b.count, let a = items(2 * n) else { return nil }; v = .map(a)
        case UInt8(ascii: "~"): guard let a = items(n) else { return nil }; v = .set(a)
        case UInt8(ascii: ">"): guard let a = items(n) else { return nil }; v = .push(a)
        case UInt8(ascii: "|"):
            // The attribute comes first; the reply it annotates follows it.
            guard n <= b.count, let a = items(2 * n), let r = parse(b, &p) else { return nil }
            v = .attribute(a, r)
        default: v = .other(type, line)
        }
        pos = p
        return v
    }
}

/// True when the real Redis tools are installed; with SWIFT_REDIS_INTEROP=require their absence
/// is a failure, not a skip.
public enum Interop {
    public static func find(_ tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + tool) {
            return dir + "/" + tool
        }
        return nil
    }

    public static var required: Bool { ProcessInfo.processInfo.environment["SWIFT_REDIS_INTEROP"] == "require" }
}

/// Runs a program to completion and returns (status, stdout+stderr).
@discardableResult
public func runProgram(_ path: String, _ args: [String], input: [UInt8]? = nil, timeout: Double = 60) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = makeTempDir("out") + "/out.txt"
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    let h = FileHandle(forWritingAtPath: out)!
    p.standardOutput = h
    p.standardError = h
    if let input {
        let inPath = out + ".in"
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(input))
        p.standardInput = FileHandle(forReadingAtPath: inPath)
    } else {
        p.standardInput = FileHandle.nullDevice
    }
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    try? h.close()
    let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: out).deletingLastPathComponent().path)
    return (p.terminationStatus, text)
}
