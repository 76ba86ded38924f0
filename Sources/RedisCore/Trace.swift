// Trace mode: one line per state transition, pipe or network message, from every process.
//
// This is the teaching instrument of the project. A teacher starts the server with
// `--trace yes` and every accept, request, reply, timer, rehash step (and, in later chapters,
// every pipe message between the AOF-rewrite child and its parent) appears as one line:
//
//     0003 +0.512 4242:M net net< fd=8 14B "*1\r\n$4\r\nPING\r\n" ‹readQueryFromClient›
//     seq  time   pid:role area kind payload                           Redis function
//
// A state transition adds `⇒ FROM → TO` before the function name.
//
// Cost when off: every call site is written `if tracer.on(.net) { tracer.emit(...) }`, so the
// only work done with tracing off is one load and one bit test; the payload string is never
// built. Building with `-Xswiftc -DSWIFT_REDIS_NO_TRACE` turns `on` into a constant `false`
// and removes the calls altogether; scripts/bench.sh compares the two builds.
//
// Each line is written with a single write(2) on a descriptor opened with O_APPEND, so lines
// from several processes (a fork child, a replica) never interleave. The sequence number is
// shared through a MAP_SHARED page, so a fork child continues its parent's count.
//
// Redis has no trace mode; the nearest things are `MONITOR`, `DEBUG` logging and `latency`
// monitoring. Every line names the Redis 6.2 function that does the same work.

import CSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of the server a trace line can come from (`--trace-areas`).
public enum TraceArea: Int, CaseIterable, Sendable {
    /// The event loop: file events registered and removed, wake-ups, timers. Redis: ae.c
    case loop
    /// Connections: accept, bytes in, bytes out, close. Redis: networking.c
    case net
    /// Commands: each call, with its arguments. Redis: call() in server.c
    case cmd
    /// The keyspace: hash-table rehashing, expiry. Redis: dict.c, expire.c
    case db
    /// The append-only file. Redis: aof.c
    case aof
    /// The AOF rewrite and its pipes. Redis: aof.c (rewriteAppendOnlyFileBackground)
    case aofrw
    /// RDB snapshots. Redis: rdb.c
    case rdb
    /// Replication. Redis: replication.c
    case repl

    public var name: String {
        switch self {
        case .loop: return "loop"
        case .net: return "net"
        case .cmd: return "cmd"
        case .db: return "db"
        case .aof: return "aof"
        case .aofrw: return "aofrw"
        case .rdb: return "rdb"
        case .repl: return "repl"
        }
    }

    @inlinable public var bit: UInt32 { 1 << UInt32(rawValue) }

    /// Parses a comma-separated area list (`net,cmd`); `all` or `*` means every area.
    public static func parseList(_ s: String) -> UInt32? {
        var mask: UInt32 = 0
        for part in s.split(separator: ",") {
            let p = part.trimmingSpaces.lowercased()
            if p == "all" || p == "*" { mask |= allMask; continue }
            guard let a = TraceArea.allCases.first(where: { $0.name == p }) else { return nil }
            mask |= a.bit
        }
        return mask
    }

    public static var allMask: UInt32 { TraceArea.allCases.reduce(0) { $0 | $1.bit } }

    /// The list form of a mask, as `CONFIG GET trace-areas` shows it.
    public static func listString(_ mask: UInt32) -> String {
        if mask == allMask { return "all" }
        return TraceArea.allCases.filter { mask & $0.bit != 0 }.map(\.name).joined(separator: ",")
    }
}

/// What a trace line reports.
public enum TraceKind: String, Sendable {
    /// A state machine moved from one state to another.
    case state
    /// A message written to a pipe, and one read from it.
    case pipeOut = "pipe>", pipeIn = "pipe<"
    /// Bytes written to a socket, and bytes read from one.
    case netOut = "net>", netIn = "net<"
    /// A process was forked, or a child ended.
    case fork
    /// A file was created, written, fsynced, renamed or removed.
    case file
    /// A command was executed.
    case call
    /// Anything else worth a line: a timer fired, a wake-up, a rehash step.
    case event
}

/// One trace line, before it is formatted.
public struct TraceEvent: Equatable, Sendable {
    public var seq: UInt64
    public var time: Double
    public var pid: Int32
    public var role: Character
    public var area: String
    public var kind: String
    public var payload: String
    public var from: String?
    public var to: String?
    public var function: String

    public init(seq: UInt64, time: Double, pid: Int32, role: Character, area: String, kind: String,
                payload: String, from: String? = nil, to: String? = nil, function: String) {
        self.seq = seq; self.time = time; self.pid = pid; self.role = role; self.area = area
        self.kind = kind; self.payload = payload; self.from = from; self.to = to; self.function = function
    }

    /// The text form: `0003 +0.512 4242:M net net< … ‹readQueryFromClient›`.
    public var text: String {
        var s = String(seq)
        while s.count < 4 { s = "0" + s }
        s += " +" + TraceEvent.seconds(time) + " \(pid):\(role) \(area) \(kind)"
        if !payload.isEmpty { s += " " + payload }
        if let from, let to { s += " ⇒ \(from) → \(to)" }
        s += " ‹\(function)›"
        return s
    }

    /// The JSON Lines form, one object per line.
    public var json: String {
        var s = "{\"seq\":\(seq),\"t\":\(TraceEvent.seconds(time)),\"pid\":\(pid),\"role\":\"\(role)\","
        s += "\"area\":\"\(area)\",\"kind\":\"\(kind)\",\"msg\":" + TraceEvent.jsonString(payload)
        if let from, let to { s += ",\"from\":" + TraceEvent.jsonString(from) + ",\"to\":" + TraceEvent.jsonString(to) }
        s += ",\"fn\":\"\(function)\"}"
        return s
    }

    /// Seconds with three decimals, without Foundation's String(format:).
    static func seconds(_ t: Double) -> String {
        let ms = Int((t * 1000).rounded())
        var frac = String(ms % 1000)
        while frac.count < 3 { frac = "0" + frac }
        return "\(ms / 1000).\(frac)"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// Writes trace lines. One per process; a fork child keeps its parent's, with a new role.
public final class Tracer {
    /// The enabled areas; zero when tracing is off.
    public private(set) var mask: UInt32 = 0
    /// `jsonl` instead of text.
    public var jsonFormat = false
    /// Where lines go: stderr unless `--trace-file` names a file.
    public private(set) var fd: Int32 = 2
    /// The role letter printed after the pid: `M` master, `S` replica, `C` fork child.
    public var role: Character = "M"
    /// Colour lines by role (text format on a terminal, unless NO_COLOR is set).
    public var colour = false
    private var pid: Int32 = getpid()
    private let start: Double
    private var counter: UnsafeMutablePointer<UInt64>
    /// Every line also goes here when set (the tests collect events this way).
    public var sink: ((TraceEvent) -> Void)?
    /// Step mode: after each line, wait for one byte on this descriptor (a FIFO the presenter's
    /// walkthrough runner writes to). Every traced process reads the same FIFO, so each byte
    /// lets exactly one event happen, whichever process it belongs to. -1: not stepping.
    public private(set) var stepFd: Int32 = -1

    public init(clock: Clock = Clock()) {
        start = clock.monotonicSeconds()
        // A page shared with fork children, so the sequence continues across processes.
        let p = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
        if let p, p != MAP_FAILED {
            counter = p.assumingMemoryBound(to: UInt64.self)
        } else {
            counter = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        }
        counter.pointee = 1
        self.clock = clock
    }

    private let clock: Clock

    /// True when lines of `area` are written. Test this before building a payload.
    @inline(__always)
    public func on(_ area: TraceArea) -> Bool {
        #if SWIFT_REDIS_NO_TRACE
        return false
        #else
        return mask & area.bit != 0
        #endif
    }

    /// Turns tracing on for `areas` (a mask of TraceArea bits), or off with 0.
    public func enable(areas: UInt32) { mask = areas }

    /// Sends lines to `path` (appending), or to stderr with nil.
    public func setFile(_ path: String?) throws {
        if fd != 2 { close(fd) }
        guard let path, !path.isEmpty else { fd = 2; return }
        let f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if f < 0 { throw ConfigError("Can't open the trace file '\(path)': \(String(cString: strerror(errno)))") }
        fd = f
    }

    /// Step mode on the FIFO at `path` (`--trace-step PATH`), or off with nil.
    public func setStepFile(_ path: String?) throws {
        if stepFd >= 0 { close(stepFd) }
        stepFd = -1
        guard let path, !path.isEmpty else { return }
        // O_RDWR: opening a FIFO read-only would block until the runner opens it for writing.
        let f = open(path, O_RDWR | O_CLOEXEC)
        if f < 0 { throw ConfigError("Can't open the trace step FIFO '\(path)': \(String(cString: strerror(errno)))") }
        stepFd = f
    }

    /// Called in a fork child: new pid, new role letter.
    public func didFork(role: Character) {
        pid = getpid()
        self.role = role
    }

    /// Writes one event. Call only after `on(area)` said yes.
    public func emit(_ area: TraceArea, _ kind: TraceKind, _ payload: String,
                     from: String? = nil, to: String? = nil, fn: StaticString) {
        let seq = csys_fetch_add(counter)
        let e = TraceEvent(seq: seq, time: clock.monotonicSeconds() - start, pid: pid, role: role,
                           area: area.name, kind: kind.rawValue, payload: payload, from: from, to: to,
                           function: fn.description)
        sink?(e)
        var line = jsonFormat ? e.json : e.text
        if colour && !jsonFormat {
            let code = role == "M" ? "36" : role == "C" ? "35" : role == "S" ? "33" : "32"
            line = "\u{1b}[\(code)m" + line + "\u{1b}[0m"
        }
        line += "\n"
        var l = line
        l.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                off += n
            }
        }
        if stepFd >= 0 {
            // Hold this process here until the presenter lets one more event through.
            var b: UInt8 = 0
            while read(stepFd, &b, 1) < 0 && errno == EINTR {}
        }
    }

    /// A transition, the common case: `⇒ from → to`.
    public func transition(_ area: TraceArea, _ payload: String, from: String, to: String, fn: StaticString) {
        emit(area, .state, payload, from: from, to: to, fn: fn)
    }

    /// A short quoted, escaped preview of bytes for a payload.
    public static func preview(_ bytes: UnsafeRawBufferPointer, limit: Int = 48) -> String {
        "\(bytes.count)B \"" + RESPEscape.escape(bytes, limit: limit) + "\""
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
