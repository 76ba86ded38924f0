// What every `swift-redis` subcommand shares: its row in the dispatch table and the console it
// writes to.
//
// `swift-redis` is one executable with subcommands, the way `git` is: `walk`, `book`, and in
// later chapters `check-aof` and `check-rdb`. Each subcommand is a `ToolCommand` whose `run`
// takes the arguments after its name and returns the exit code (0 success, 1 failure);
// Sources/swift-redis/main.swift holds the table and nothing else of substance.
//
// Redis ships one binary per tool (redis-check-aof, redis-check-rdb, redis-benchmark), and
// redis-server itself picks the check tools by argv[0] (main in src/server.c).
// SIMPLIFICATION: one binary, one subcommand per tool.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Subcommands

/// One subcommand of `swift-redis`: its name, how to call it, and the function that runs it.
public struct ToolCommand: Sendable {
    /// The word after `swift-redis` (`walk`).
    public let name: String
    /// The synopsis shown by `swift-redis help` (`walk [--check|--update|--step] FILE...`).
    public let usage: String
    /// One line saying what it does.
    public let summary: String
    /// Runs the subcommand with the arguments after its name; returns the exit code.
    public let run: @Sendable (_ arguments: [String], _ console: Console) -> Int32

    /// Makes a table row.
    public init(name: String, usage: String, summary: String,
                run: @escaping @Sendable (_ arguments: [String], _ console: Console) -> Int32) {
        self.name = name
        self.usage = usage
        self.summary = summary
        self.run = run
    }
}

// MARK: - Console

/// Where a tool's output goes: standard output, or a string the tests read back.
///
/// Writes go straight to descriptor 1 with write(2), so nothing waits in a buffer when the
/// output is a pipe (stdout is fully buffered when redirected) and a live walkthrough shows each
/// line the moment it happens.
public final class Console {
    /// ANSI colours: on a terminal, unless `NO_COLOR` is set.
    public let colour: Bool
    /// Standard input is a terminal, so a presenter can press Enter.
    public let interactive: Bool
    private var captured: [String]?

    /// The console of the running program.
    public init() {
        let tty = isatty(1) == 1
        colour = tty && getenv("NO_COLOR") == nil
        interactive = isatty(0) == 1
        captured = nil
    }

    /// A console that keeps what is written, for tests; never coloured, never interactive.
    public init(capturing: Void) {
        colour = false
        interactive = false
        captured = []
    }

    /// Everything written so far, when capturing.
    public var text: String { (captured ?? []).joined() }

    /// Writes one line.
    public func line(_ s: String = "") { write(s + "\n") }

    /// Writes text as it is.
    public func write(_ s: String) {
        if captured != nil { captured!.append(s); return }
        writeAll(1, s)
    }

    /// `text` wrapped in an ANSI colour `code` when colour is on.
    public func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1b}[\(code)m" + text + "\u{1b}[0m" : text
    }
}

/// Writes all of `s` to `fd`, retrying short writes. (A free function: inside `Console`, the
/// name `write` means the method.)
private func writeAll(_ fd: Int32, _ s: String) {
    let bytes = Array(s.utf8)
    bytes.withUnsafeBytes { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}

// MARK: - Arguments

/// Removes `--flag VALUE` from `arguments` and returns VALUE; nil when absent.
/// Throws when the flag is the last word.
func takeOption(_ flag: String, from arguments: inout [String]) throws -> String? {
    guard let i = arguments.firstIndex(of: flag) else { return nil }
    guard i + 1 < arguments.count else { throw ToolError("\(flag) needs a value") }
    let value = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
    return value
}

/// Removes `--flag` from `arguments`; true when it was there.
func takeFlag(_ flag: String, from arguments: inout [String]) -> Bool {
    guard let i = arguments.firstIndex(of: flag) else { return false }
    arguments.remove(at: i)
    return true
}

/// A failure a tool reports in one line and turns into exit code 1.
public struct ToolError: Error, CustomStringConvertible {
    /// The message, in one line.
    public let description: String
    /// An error with the message `description`.
    public init(_ description: String) { self.description = description }
}
