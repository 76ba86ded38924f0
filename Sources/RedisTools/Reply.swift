// Replies as a client sees them: parsed from the bytes, and shown the way redis-cli shows them.
//
// The walkthrough runner prints each reply as a student would see it in redis-cli, and an
// `expect` step compares against that form (or against the raw bytes, escaped). RESP2 types
// and the RESP3 ones a `HELLO 3` client receives are understood. An attribute (`|`) is read and
// dropped: it annotates the reply after it, and redis-cli shows only that reply.
//
//     +PONG\r\n                       PONG
//     $3\r\nbar\r\n                   "bar"
//     *2\r\n:1\r\n$-1\r\n             1) (integer) 1
//                                     2) (nil)
//
// Redis: cliFormatReplyTTY (src/redis-cli.c), hiredis's reply reader (deps/hiredis/read.c).

import RedisCore

// MARK: - Reply

/// One reply, parsed.
public indirect enum Reply: Equatable, Sendable {
    /// `+OK`
    case status(String)
    /// `-ERR message`
    case error(String)
    /// RESP3 `!21 SYNTAX invalid syntax`: an error whose text may hold any byte.
    case blobError([UInt8])
    /// `:42`
    case integer(Int64)
    /// `$3 bar`; nil for `$-1`.
    case bulk([UInt8]?)
    /// `*2 …`; nil for `*-1`.
    case array([Reply]?)
    /// RESP3 `_`.
    case null
    /// RESP3 `,3.14` (kept as written).
    case double(String)
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
    /// RESP3 `(12345678901234567890`.
    case bigNumber(String)
    /// RESP3 `=15 txt:Some string`: format and text.
    case verbatim(String, [UInt8])
    /// RESP3 `%` (key, value, key, value…), `~` and `>`.
    case map([Reply]), set([Reply]), push([Reply])

    /// Thrown for bytes that are not RESP.
    public struct ProtocolError: Error, CustomStringConvertible {
        /// What was wrong with the bytes.
        public let description: String
    }

    /// The largest length or count accepted in a header. Redis never sends more than 512 MB in one
    /// bulk; the cap keeps `p + n + 2` and `2 * n` far from overflowing on hostile bytes.
    static let maxLength = 1 << 40

    /// Parses one reply from `bytes[pos...]` and advances `pos` past it; nil when incomplete.
    /// An attribute before the reply is consumed and not returned.
    /// - Throws: `ProtocolError` for an unknown type byte or a bad length.
    public static func parse(_ bytes: [UInt8], _ pos: inout Int) throws -> Reply? {
        var p = pos
        while true {
            guard p < bytes.count else { return nil }
            guard bytes[p] == UInt8(ascii: "|") else { break }
            // `|n` then n key-value pairs, then the reply they describe: skip the pairs.
            guard let cr = bytes[p...].firstIndex(of: 13), cr + 1 < bytes.count else { return nil }
            let line = String(decoding: bytes[(p + 1)..<cr], as: UTF8.self)
            guard let n = Int(line), n >= 0, n <= maxLength else { throw ProtocolError(description: "bad length '\(line)'") }
            p = cr + 2
            for _ in 0..<(2 * n) { guard try parse(bytes, &p) != nil else { return nil } }
        }
        guard let r = try parseOne(bytes, &p) else { return nil }
        pos = p
        return r
    }

    /// One reply that is not an attribute.
    private static func parseOne(_ bytes: [UInt8], _ pos: inout Int) throws -> Reply? {
        guard pos < bytes.count else { return nil }
        guard let cr = bytes[pos...].firstIndex(of: 13), cr + 1 < bytes.count else { return nil }
        guard bytes[cr + 1] == 10 else { throw ProtocolError(description: "CR without LF in a header") }
        let type = bytes[pos]
        let line = String(decoding: bytes[(pos + 1)..<cr], as: UTF8.self)
        var p = cr + 2
        func length() throws -> Int {
            guard let n = Int(line), n >= -1, n <= maxLength else { throw ProtocolError(description: "bad length '\(line)'") }
            return n
        }
        func items(_ n: Int) throws -> [Reply]? {
            // Only `*` and `$` have a null form; `%-1` is not RESP (and `0..<-1` would trap).
            guard n >= 0 else { throw ProtocolError(description: "bad count '\(line)'") }
            var out: [Reply] = []
            for _ in 0..<n {
                guard let r = try parse(bytes, &p) else { return nil }
                out.append(r)
            }
            return out
        }
        func blob(_ n: Int) throws -> [UInt8]? {
            guard n >= 0 else { throw ProtocolError(description: "bad length '\(line)'") }
            guard bytes.count >= p + n + 2 else { return nil }
            guard bytes[p + n] == 13, bytes[p + n + 1] == 10 else { throw ProtocolError(description: "no CRLF after \(n) bytes") }
            defer { p += n + 2 }
            return Array(bytes[p..<(p + n)])
        }
        let reply: Reply
        switch type {
        case UInt8(ascii: "+"): reply = .status(line)
        case UInt8(ascii: "-"): reply = .error(line)
        case UInt8(ascii: ":"):
            guard let v = Int64(line) else { throw ProtocolError(description: "bad integer '\(line)'") }
            reply = .integer(v)
        case UInt8(ascii: "$"):
            let n = try length()
            if n < 0 { reply = .bulk(nil) } else { guard let b = try blob(n) else { return nil }; reply = .bulk(b) }
        case UInt8(ascii: "*"):
            let n = try length()
            if n < 0 { reply = .array(nil) } else { guard let a = try items(n) else { return nil }; reply = .array(a) }
        case UInt8(ascii: "_"): reply = .null
        case UInt8(ascii: ","): reply = .double(line)
        case UInt8(ascii: "#"):
            guard line == "t" || line == "f" else { throw ProtocolError(description: "bad boolean '\(line)'") }
            reply = .boolean(line == "t")
        case UInt8(ascii: "("): reply = .bigNumber(line)
        case UInt8(ascii: "!"):
            guard let b = try blob(try length()) else { return nil }
            reply = .blobError(b)
        case UInt8(ascii: "="):
            // `txt:` or `mkd:` then the text: at least the four bytes of the format.
            guard let b = try blob(try length()) else { return nil }
            guard b.count >= 4, b[3] == UInt8(ascii: ":") else { throw ProtocolError(description: "verbatim string without a format") }
            reply = .verbatim(String(decoding: b.prefix(3), as: UTF8.self), Array(b.dropFirst(4)))
        case UInt8(ascii: "%"):
            guard let a = try items(2 * (try length())) else { return nil }
            reply = .map(a)
        case UInt8(ascii: "~"):
            guard let a = try items(try length()) else { return nil }
            reply = .set(a)
        case UInt8(ascii: ">"):
            guard let a = try items(try length()) else { return nil }
            reply = .push(a)
        default:
            throw ProtocolError(description: "unknown reply type byte '\(RESPEscape.escape([type], limit: 1))'")
        }
        pos = p
        return reply
    }

    // MARK: redis-cli's form

    /// The lines redis-cli prints for this reply. Redis: cliFormatReplyTTY (src/redis-cli.c)
    public var redisCLILines: [String] {
        switch self {
        case .status(let s): return [s]
        case .error(let e): return ["(error) " + e]
        case .blobError(let b): return ["(error) " + String(decoding: b, as: UTF8.self)]
        case .integer(let i): return ["(integer) \(i)"]
        case .bulk(nil), .array(nil), .null: return ["(nil)"]
        case .bulk(let b?): return ["\"" + RESPEscape.escape(b, limit: Int.max) + "\""]
        case .double(let d): return ["(double) " + d]
        case .boolean(let b): return [b ? "(true)" : "(false)"]
        case .bigNumber(let n): return ["(big number) " + n]
        case .verbatim(_, let b): return String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case .array(let a?): return Reply.aggregate(a, empty: "(empty array)", mark: ")")
        case .set(let a): return Reply.aggregate(a, empty: "(empty set)", mark: "~")
        case .push(let a): return Reply.aggregate(a, empty: "(empty push)", mark: ")")
        case .map(let kv):
            if kv.isEmpty { return ["(empty hash)"] }
            // Each entry is `N# key => value`; the value's further lines are indented like an
            // array element's.
            let entries = stride(from: 0, to: kv.count - 1, by: 2).map { i -> [String] in
                let value = kv[i + 1].redisCLILines
                return [kv[i].redisCLILines.joined(separator: " ") + " => " + value[0]] + value.dropFirst()
            }
            return Reply.numbered(entries, mark: "#")
        }
    }

    /// The form an `expect` step compares with: redis-cli's lines, each trimmed, joined by spaces.
    /// `1) "a"` / `2) "b"` becomes `1) "a" 2) "b"`.
    public var redisCLIText: String {
        redisCLILines.map { $0.trimmingLeadingSpaces }.joined(separator: " ")
    }

    private static func aggregate(_ items: [Reply], empty: String, mark: String) -> [String] {
        items.isEmpty ? [empty] : numbered(items.map(\.redisCLILines), mark: mark)
    }

    /// `1) first`, continuation lines indented under it; numbers right-aligned like redis-cli's.
    private static func numbered(_ items: [[String]], mark: String) -> [String] {
        let width = String(items.count).count
        var out: [String] = []
        for (i, lines) in items.enumerated() {
            var number = String(i + 1)
            number = String(repeating: " ", count: width - number.count) + number + mark + " "
            let indent = String(repeating: " ", count: number.count)
            for (k, l) in lines.enumerated() { out.append((k == 0 ? number : indent) + l) }
        }
        return out
    }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
