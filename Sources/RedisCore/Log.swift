// Redis-style log lines: `pid:role dd Mon yyyy hh:mm:ss.mmm level message`.
//
//     4242:M 22 Nov 2026 03:49:20.123 * Ready to accept connections
//
// The level mark is `.` debug, `-` verbose, `*` notice, `#` warning, exactly as Redis prints
// them, so a student can diff our log against a real server's.
//
// Redis: serverLogRaw (src/server.c)

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log verbosity, as `loglevel` in redis.conf.
public enum LogLevel: Int, Comparable, Sendable {
    case debug = 0, verbose, notice, warning

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    /// The mark printed before the message.
    public var mark: Character {
        switch self {
        case .debug: return "."
        case .verbose: return "-"
        case .notice: return "*"
        case .warning: return "#"
        }
    }

    public var name: String {
        switch self {
        case .debug: return "debug"
        case .verbose: return "verbose"
        case .notice: return "notice"
        case .warning: return "warning"
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "verbose": self = .verbose
        case "notice": self = .notice
        case "warning": self = .warning
        default: return nil
        }
    }
}

/// Writes log lines to stdout or the `logfile`, one write(2) each.
public final class Logger {
    /// Lines below this level are dropped (`loglevel`).
    public var verbosity: LogLevel = .notice
    /// `M` master, `S` replica, `C` fork child, as Redis prints after the pid.
    public var role: Character = "M"
    private var fd: Int32 = 1
    private var pid: Int32 = getpid()

    public init() {}

    /// Appends to `path`, or writes to stdout when `path` is empty (Redis's `logfile ""`).
    public func setFile(_ path: String) throws {
        if fd != 1 { close(fd) }
        if path.isEmpty { fd = 1; return }
        let f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if f < 0 { throw ConfigError("Can't open the log file: \(String(cString: strerror(errno)))") }
        fd = f
    }

    /// Called in a fork child.
    public func didFork(role: Character) { pid = getpid(); self.role = role }

    /// Logs one line at `level`. Redis: serverLog (src/server.c)
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level >= verbosity else { return }
        var line = "\(pid):\(role) " + Logger.timestamp() + " \(level.mark) " + message() + "\n"
        line.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                off += n
            }
        }
    }

    /// `22 Nov 2026 03:49:20.123`, local time, as Redis's "%d %b %Y %H:%M:%S." plus milliseconds.
    public static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%d %b %Y %H:%M:%S.", &tmv)
        let ms = Int(tv.tv_usec) / 1000
        let head = buf.withUnsafeBufferPointer { p in
            String(decoding: UnsafeRawBufferPointer(start: p.baseAddress, count: n), as: UTF8.self)
        }
        return head + (ms < 10 ? "00" : ms < 100 ? "0" : "") + String(ms)
    }
}
