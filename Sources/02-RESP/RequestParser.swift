// The request parser: bytes from a socket in, one command's arguments out.
//
// A client sends commands in one of two forms:
//
//     multibulk (what every client library sends)     inline (what you type in telnet)
//     *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n        SET k v\r\n
//
// TCP delivers a stream, not messages: one read may hold half a command, or forty. So the parser
// is *incremental*: it checks whether the next piece is all there, and only then consumes it. A
// partial request is normal control flow (`.incomplete`), not an error; the parser keeps how far
// it got (`multibulkLength`, `bulkLength`) and carries on after the next read.
//
//     ┌────────┐ '*'  ┌──────────────┐ "$len"  ┌──────────────┐ len+2 bytes ┌─────────┐
//     │ start  │─────▶│ want `$len`  │────────▶│ want payload │────────────▶│ arg done│─┐
//     └────────┘      └──────────────┘         └──────────────┘             └─────────┘ │
//          │ other         ▲                                                  more args │
//          ▼               └────────────────────────────────────────────────────────────┘
//     inline line
//
// Redis: processMultibulkBuffer, processInlineBuffer, processInputBuffer (src/networking.c).
// The error texts are Redis's own, so `redis-cli` shows the same message against either server.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one call of the parser found.
public enum ParseResult: Equatable {
    /// A whole command is in `argv` (possibly empty: an empty line or `*0`).
    case command
    /// Not enough bytes yet; call again after the next read.
    case incomplete
    /// A protocol error: reply with this text and close the client after the reply.
    case error(String)
}

/// Limits the parser enforces. Redis: PROTO_INLINE_MAX_SIZE, proto-max-bulk-len
public struct ParserLimits: Sendable {
    /// The longest inline request, or `*`/`$` header line, before giving up. Redis: PROTO_INLINE_MAX_SIZE
    public var inlineMax = 64 * 1024
    /// The longest single argument. Redis: proto-max-bulk-len
    public var maxBulkLength: Int64 = 512 * 1024 * 1024
    public init() {}
}

/// The incremental parser state kept in each client between reads.
///
/// Redis: the reqtype, multibulklen and bulklen fields of `client` (src/server.h)
public struct RequestParser {
    /// The request type of the command being read. Redis: PROTO_REQ_INLINE, PROTO_REQ_MULTIBULK
    public enum RequestType { case unknown, inline, multibulk }

    public var requestType = RequestType.unknown
    /// Arguments still to read in this multibulk request (0 before its header). Redis: multibulklen
    public var multibulkLength = 0
    /// Length of the bulk being read, or -1 before its `$` header. Redis: bulklen
    public var bulkLength = -1
    public var limits = ParserLimits()

    public init() {}

    /// Forgets a finished command. Redis: resetClient (src/networking.c)
    public mutating func reset() {
        requestType = .unknown
        multibulkLength = 0
        bulkLength = -1
    }

    /// Parses from `buf[pos...]`, appending arguments to `argv` and advancing `pos` past what it
    /// consumed. Redis: processInputBuffer (src/networking.c)
    public mutating func parse(_ buf: UnsafeRawBufferPointer, pos: inout Int, argv: inout [ByteString]) -> ParseResult {
        if requestType == .unknown {
            guard pos < buf.count else { return .incomplete }
            requestType = buf[pos] == UInt8(ascii: "*") ? .multibulk : .inline
        }
        return requestType == .multibulk ? parseMultibulk(buf, pos: &pos, argv: &argv)
                                         : parseInline(buf, pos: &pos, argv: &argv)
    }

    // snippet.parseMultibulk
    /// Redis: processMultibulkBuffer (src/networking.c)
    mutating func parseMultibulk(_ buf: UnsafeRawBufferPointer, pos: inout Int, argv: inout [ByteString]) -> ParseResult {
        let base = buf.baseAddress!
        let end = buf.count
        if multibulkLength == 0 {
            // The header `*<count>\r\n`: is the whole line here yet?
            guard let cr = findCR(base, pos, end) else {
                if end - pos > limits.inlineMax { return .error("Protocol error: too big mbulk count string") }
                return .incomplete
            }
            if cr + 1 >= end { return .incomplete }  // the \n has not arrived
            guard let n = parseNumber(base, pos + 1, cr), n <= Int64(Int32.max) else {
                return .error("Protocol error: invalid multibulk length")
            }
            pos = cr + 2
            if n <= 0 { reset(); return .command }  // `*0` or `*-1`: nothing to run
            multibulkLength = Int(n)
            // Never trust the header for memory: reserve at most 1024 slots up front, as Redis
            // does since CVE-2021-32675, so `*2000000000` costs nothing until the data arrives.
            argv.reserveCapacity(min(multibulkLength, 1024))
        }
        while multibulkLength > 0 {
            if bulkLength == -1 {
                // The bulk header `$<len>\r\n`.
                guard let cr = findCR(base, pos, end) else {
                    if end - pos > limits.inlineMax { return .error("Protocol error: too big bulk count string") }
                    return .incomplete
                }
                if cr + 1 >= end { return .incomplete }
                if buf[pos] != UInt8(ascii: "$") {
                    return .error("Protocol error: expected '$', got '\(printable(buf[pos]))'")
                }
                guard let n = parseNumber(base, pos + 1, cr), n >= 0, n <= limits.maxBulkLength else {
                    return .error("Protocol error: invalid bulk length")
                }
                pos = cr + 2
                bulkLength = Int(n)
            }
            // The payload and its trailing \r\n.
            if end - pos < bulkLength + 2 { return .incomplete }
            argv.append(ByteString(base + pos, count: bulkLength))
            pos += bulkLength + 2
            bulkLength = -1
            multibulkLength -= 1
        }
        reset()
        return .command
    }
    // snippet.end

    /// Redis: processInlineBuffer (src/networking.c)
    mutating func parseInline(_ buf: UnsafeRawBufferPointer, pos: inout Int, argv: inout [ByteString]) -> ParseResult {
        let base = buf.baseAddress!
        guard let nl = memchr(base + pos, Int32(UInt8(ascii: "\n")), buf.count - pos) else {
            if buf.count - pos > limits.inlineMax { return .error("Protocol error: too big inline request") }
            return .incomplete
        }
        let nlIndex = base.distance(to: UnsafeRawPointer(nl))
        var lineEnd = nlIndex
        if lineEnd > pos && buf[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let line = Array(UnsafeRawBufferPointer(rebasing: buf[pos..<lineEnd]))
        guard let words = splitQuotedArgs(line) else {
            return .error("Protocol error: unbalanced quotes in request")
        }
        pos = nlIndex + 1
        for w in words { argv.append(ByteString(w)) }
        reset()
        return .command
    }

    /// The index of the next `\r` in base[from..<end].
    @inline(__always)
    private func findCR(_ base: UnsafeRawPointer, _ from: Int, _ end: Int) -> Int? {
        guard from < end, let p = memchr(base + from, 13, end - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(p))
    }

    /// A decimal number in base[from..<to], as Redis's string2ll (no sign other than `-`).
    @inline(__always)
    private func parseNumber(_ base: UnsafeRawPointer, _ from: Int, _ to: Int) -> Int64? {
        ByteString.parseInt64(UnsafeRawBufferPointer(start: base + from, count: to - from))
    }

    private func printable(_ c: UInt8) -> String {
        String(decoding: [c], as: UTF8.self)
    }
}
