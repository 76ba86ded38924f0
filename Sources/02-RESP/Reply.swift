// Replies: RESP written straight into the client's output buffer.
//
// A command never writes to its socket. It appends the reply's bytes to the client's output
// buffer, and the client is queued (once) on the list of clients with pending writes. Just before
// the event loop sleeps, `handleClientsWithPendingWrites` writes every queued buffer; only a
// client whose socket could not take everything gets a write handler, until it has drained.
//
//     +OK\r\n                  status          addReplyStatus
//     -ERR message\r\n         error           addReplyError
//     :42\r\n                  integer         addReplyLongLong
//     $5\r\nhello\r\n          bulk string     addReplyBulk
//     $-1\r\n                  null (RESP2)    addReplyNull
//     *2\r\n…                  array           addReplyArrayLen
//
// A client that sent `HELLO 3` (`resp == 3`) gets the RESP3 form of the replies that have one;
// the command calls the same helper either way:
//
//     _\r\n                    null            addReplyNull, addReplyNullArray   ($-1 / *-1)
//     ,1.5\r\n                 double          addReplyDouble                    ($3 1.5)
//     %1\r\n…                  map of pairs    addReplyMapLen                    (*2 …)
//     ~2\r\n…                  set             addReplySetLen                    (*2 …)
//     =15\r\ntxt:…             verbatim        addReplyVerbatim                  ($11 …)
//
// Redis: addReply*, prepareClientToWrite, _addReplyToBuffer (src/networking.c)

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Client {
    /// Queues the client for writing the first time a reply is added. False when the reply must
    /// be dropped instead: the client said CLIENT REPLY OFF, or SKIP for this command.
    /// Redis: prepareClientToWrite, clientInstallWriteHandler (src/networking.c)
    @inline(__always)
    func prepareToWrite() -> Bool {
        if !flags.isDisjoint(with: [.pendingWrite, .fake, .closed, .replyOff, .replySkip]) {
            return flags.isDisjoint(with: [.replyOff, .replySkip])
        }
        flags.insert(.pendingWrite)
        net.pendingWrites.append(self)
        return true
    }

    /// Appends raw protocol bytes. Redis: addReplyProto (src/networking.c)
    @inline(__always)
    public func addReplyRaw(_ p: UnsafeRawPointer, count: Int) {
        guard prepareToWrite() else { return }
        reserveOutput(count)
        (buf + bufLen).copyMemory(from: p, byteCount: count)
        bufLen += count
    }

    /// Appends a protocol literal such as `"+OK\r\n"`. Redis: addReply(c, shared.ok)
    @inline(__always)
    public func addReply(_ s: StaticString) {
        addReplyRaw(s.utf8Start, count: s.utf8CodeUnitCount)
    }

    /// `+OK\r\n`. Redis: shared.ok
    @inline(__always) public func addReplyOK() { addReply("+OK\r\n") }

    /// A status reply, `+text\r\n`. Redis: addReplyStatus (src/networking.c)
    public func addReplyStatus(_ text: String) {
        var s = "+" + text + "\r\n"
        s.withUTF8 { addReplyRaw($0.baseAddress!, count: $0.count) }
    }

    /// An error reply. `text` is the whole message with its code (`ERR syntax error`,
    /// `WRONGTYPE …`); a newline inside is replaced by a space so it cannot break the protocol.
    /// Redis: addReplyError, addReplyErrorLength (src/networking.c)
    public func addReplyError(_ text: String) {
        // Scalars, not Characters: Swift sees "\r\n" as one Character, which is neither.
        var clean = String.UnicodeScalarView()
        for u in text.unicodeScalars { clean.append(u == "\r" || u == "\n" ? " " : u) }
        var s = "-" + String(clean) + "\r\n"
        s.withUTF8 { addReplyRaw($0.baseAddress!, count: $0.count) }
        net.stats.countError(text)
    }

    /// `:n\r\n`. Redis: addReplyLongLong (src/networking.c)
    @inline(__always)
    public func addReplyLongLong(_ v: Int64) {
        addHeader(UInt8(ascii: ":"), v)
    }

    /// `*n\r\n`. Redis: addReplyArrayLen (src/networking.c)
    @inline(__always)
    public func addReplyArrayLen(_ n: Int) { addHeader(UInt8(ascii: "*"), Int64(n)) }

    /// A push header: `>n\r\n` in RESP3, where it marks a message nobody asked for (a pub/sub
    /// delivery) apart from the replies; a plain array in RESP2, which has no such type.
    /// Redis: addReplyPushLen (src/networking.c)
    @inline(__always)
    public func addReplyPushLen(_ n: Int) {
        addHeader(resp >= 3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), Int64(n))
    }

    // snippet.resp3Headers
    /// A map header: `%n\r\n` in RESP3, an array of 2n in RESP2. Redis: addReplyMapLen
    public func addReplyMapLen(_ n: Int) {
        if resp >= 3 { addHeader(UInt8(ascii: "%"), Int64(n)) } else { addHeader(UInt8(ascii: "*"), Int64(n * 2)) }
    }

    /// A set header: `~n\r\n` in RESP3, an array in RESP2. Redis: addReplySetLen
    public func addReplySetLen(_ n: Int) {
        addHeader(resp >= 3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), Int64(n))
    }

    /// The null bulk string: `$-1\r\n` (RESP2) or `_\r\n` (RESP3). Redis: addReplyNull
    public func addReplyNull() {
        if resp >= 3 { addReply("_\r\n") } else { addReply("$-1\r\n") }
    }

    /// The null array: `*-1\r\n` (RESP2) or `_\r\n` (RESP3). Redis: addReplyNullArray
    public func addReplyNullArray() {
        if resp >= 3 { addReply("_\r\n") } else { addReply("*-1\r\n") }
    }
    // snippet.end

    /// A bulk string. Redis: addReplyBulk (src/networking.c)
    @inline(__always)
    public func addReplyBulk(_ s: ByteString) {
        s.withUnsafeBytes { addReplyBulk($0) }
    }

    /// A bulk string from raw bytes. Redis: addReplyBulkCBuffer (src/networking.c)
    @inline(__always)
    public func addReplyBulk(_ p: UnsafeRawBufferPointer) {
        guard prepareToWrite() else { return }
        reserveOutput(p.count + 24 + 2)
        let out = (buf + bufLen).assumingMemoryBound(to: UInt8.self)
        out[0] = UInt8(ascii: "$")
        var n = 1 + formatInt64(Int64(p.count), into: out + 1)
        out[n] = 13; out[n + 1] = 10; n += 2
        if p.count > 0 { (out + n).update(from: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: p.count) }
        n += p.count
        out[n] = 13; out[n + 1] = 10
        bufLen += n + 2
    }

    /// A bulk string holding a Swift string (INFO, CONFIG GET).
    public func addReplyBulk(_ s: String) {
        var t = s
        t.withUTF8 { addReplyBulk(UnsafeRawBufferPointer($0)) }
    }

    // snippet.resp3Scalars
    /// A double: `,1.5\r\n` in RESP3, a bulk string in RESP2; "%.17g", `inf` and `-inf` as Redis 6.2
    /// prints them. Redis: addReplyDouble (src/networking.c)
    public func addReplyDouble(_ d: Double) {
        let text = ByteString(g17: d)
        if resp < 3 { addReplyBulk(text); return }
        addReply(",")
        text.withUnsafeBytes { addReplyRaw($0.baseAddress!, count: $0.count) }
        addReply("\r\n")
    }

    /// A verbatim string (`=` in RESP3, `txt:` format), a bulk string in RESP2. Redis: addReplyVerbatim
    public func addReplyVerbatim(_ s: String) {
        if resp < 3 { addReplyBulk(s); return }
        var t = "=\(s.utf8.count + 4)\r\ntxt:" + s + "\r\n"
        t.withUTF8 { addReplyRaw($0.baseAddress!, count: $0.count) }
    }
    // snippet.end

    /// A HELP reply: one status line per entry. Redis: addReplyHelp (src/networking.c)
    public func addReplyHelp(_ lines: [String]) {
        addReplyArrayLen(lines.count)
        for l in lines { addReplyStatus(l) }
    }

    /// The error for an unknown subcommand or a known one with the wrong number of arguments,
    /// naming the subcommand as typed. Redis: addReplySubcommandSyntaxError (src/networking.c)
    public func addReplySubcommandSyntaxError() {
        addReplyError("ERR Unknown subcommand or wrong number of arguments for '\(argv[1].stringValue.prefix(128))'. Try \(argv[0].stringValue.uppercased()) HELP.")
    }

    /// `<prefix><n>\r\n`.
    @inline(__always)
    func addHeader(_ prefix: UInt8, _ v: Int64) {
        guard prepareToWrite() else { return }
        reserveOutput(24)
        let out = (buf + bufLen).assumingMemoryBound(to: UInt8.self)
        out[0] = prefix
        let n = 1 + formatInt64(v, into: out + 1)
        out[n] = 13; out[n + 1] = 10
        bufLen += n + 2
    }
}
