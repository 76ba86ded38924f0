// A connected client: its socket, its query buffer, its parsed arguments and its output buffer.
//
//     socket ──read──▶ query buffer ──parser──▶ argv ──command──▶ output buffer ──write──▶ socket
//                      (qbuf, qbufPos)          [ByteString]      (buf, sent)
//
// The fields are grouped by who touches them: the networking code (Networking.swift) owns the
// buffers and flags; commands read `argv` and `db` and append replies (Reply.swift).
//
// Redis: `struct client` (src/server.h), createClient and freeClient (src/networking.c).

import CSystem
import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Client flags. Redis: the CLIENT_* bits (src/server.h)
public struct ClientFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Close once the output buffer has been written (after QUIT or a protocol error).
    /// Redis: CLIENT_CLOSE_AFTER_REPLY
    public static let closeAfterReply = ClientFlags(rawValue: 1 << 0)
    /// Close in the next beforeSleep, whatever is pending. Redis: CLIENT_CLOSE_ASAP
    public static let closeASAP = ClientFlags(rawValue: 1 << 1)
    /// Queued for handleClientsWithPendingWrites. Redis: CLIENT_PENDING_WRITE
    public static let pendingWrite = ClientFlags(rawValue: 1 << 2)
    /// Not a socket: the AOF loader's fake client. Redis: fd == -1 / CONN_TYPE_NONE
    public static let fake = ClientFlags(rawValue: 1 << 3)
    /// Passed AUTH, or no password is set. Redis: c->authenticated
    public static let authenticated = ClientFlags(rawValue: 1 << 4)
    /// freeClient has run: the socket is closed, nothing more is read or written.
    /// (Redis frees the struct itself; in Swift the object lives on while referenced.)
    public static let closed = ClientFlags(rawValue: 1 << 5)
    /// Waiting in BLPOP and friends: its input is not processed until it is served or times
    /// out. Redis: CLIENT_BLOCKED
    public static let blocked = ClientFlags(rawValue: 1 << 6)
    /// Between MULTI and EXEC: commands are queued, not run. Redis: CLIENT_MULTI
    public static let multi = ClientFlags(rawValue: 1 << 7)
    /// A watched key was modified: the next EXEC fails. Redis: CLIENT_DIRTY_CAS
    public static let dirtyCAS = ClientFlags(rawValue: 1 << 8)
    /// A command failed to queue: the next EXEC answers EXECABORT. Redis: CLIENT_DIRTY_EXEC
    public static let dirtyExec = ClientFlags(rawValue: 1 << 9)
    /// Subscribed to at least one channel or pattern. Redis: CLIENT_PUBSUB
    public static let pubsub = ClientFlags(rawValue: 1 << 10)
    /// CLIENT REPLY OFF: every reply is dropped until CLIENT REPLY ON. Redis: CLIENT_REPLY_OFF
    public static let replyOff = ClientFlags(rawValue: 1 << 11)
    /// CLIENT REPLY SKIP, armed: the replies of the command running now are dropped.
    /// Redis: CLIENT_REPLY_SKIP
    public static let replySkip = ClientFlags(rawValue: 1 << 12)
    /// CLIENT REPLY SKIP has just run: the *next* command's replies are dropped.
    /// Redis: CLIENT_REPLY_SKIP_NEXT
    public static let replySkipNext = ClientFlags(rawValue: 1 << 13)
    /// Held by CLIENT PAUSE: `argv` keeps the command, which runs when the pause ends.
    /// Redis: CLIENT_PENDING_COMMAND (with CLIENT_BLOCKED and btype BLOCKED_PAUSE)
    public static let pendingCommand = ClientFlags(rawValue: 1 << 14)
    /// CLIENT TRACKING ON: the keys it reads are remembered, and it hears when they change
    /// (RedisServer/Tracking.swift). Redis: CLIENT_TRACKING
    public static let tracking = ClientFlags(rawValue: 1 << 15)
    /// The client it redirects invalidations to has gone. Redis: CLIENT_TRACKING_BROKEN_REDIR
    public static let trackingBrokenRedir = ClientFlags(rawValue: 1 << 16)
    /// Tracking in broadcast mode: told about every key under its prefixes. Redis: CLIENT_TRACKING_BCAST
    public static let trackingBCAST = ClientFlags(rawValue: 1 << 17)
    /// Only what follows CLIENT CACHING yes is remembered. Redis: CLIENT_TRACKING_OPTIN
    public static let trackingOptin = ClientFlags(rawValue: 1 << 18)
    /// All is remembered except what follows CLIENT CACHING no. Redis: CLIENT_TRACKING_OPTOUT
    public static let trackingOptout = ClientFlags(rawValue: 1 << 19)
    /// CLIENT CACHING was given for the next command (or transaction). Redis: CLIENT_TRACKING_CACHING
    public static let trackingCaching = ClientFlags(rawValue: 1 << 20)
    /// Not told about the keys it modifies itself. Redis: CLIENT_TRACKING_NOLOOP
    public static let trackingNoloop = ClientFlags(rawValue: 1 << 21)
}

/// One connection. Redis: client (src/server.h)
public final class Client {
    // MARK: Identity (set once)
    /// A unique, increasing id. Redis: c->id (CLIENT ID)
    public let id: UInt64
    /// The socket, or -1 for a fake client.
    public let fd: Int32
    /// `ip:port` of the peer. Redis: c->conn peer id (CLIENT LIST addr=)
    public let address: String
    /// When the connection was accepted (ms). Redis: c->ctime
    public let createdMs: Int64

    // MARK: Owned by the command layer
    /// The selected database. Redis: c->db
    public var db = 0
    /// The arguments of the command being executed. Redis: c->argv, c->argc
    public var argv: [ByteString] = []
    /// The protocol version for replies, 2 or 3. Redis: c->resp
    public var resp = 2
    /// CLIENT SETNAME. Redis: c->name
    public var name: ByteString?
    /// The last command run, for CLIENT LIST. Redis: c->lastcmd
    public var lastCommand = "NULL"
    /// Commands queued since MULTI, or -1 outside a transaction (CLIENT LIST multi=).
    /// Redis: c->mstate.count
    public var multiCount = -1
    /// Channels and patterns subscribed to (CLIENT LIST sub= psub=). Redis: dictSize(c->pubsub_channels),
    /// listLength(c->pubsub_patterns)
    public var channelCount = 0
    public var patternCount = 0
    /// CLIENT TRACKING … REDIRECT id: who receives this client's invalidations (0: itself).
    /// Redis: c->client_tracking_redirection
    public var trackingRedirection: UInt64 = 0

    /// While blocked: the keys it waits on, its db, the blocking command's arguments, and the
    /// unix time in ms when it gives up (0: never). Redis: c->bpop (struct blockingState)
    public var blockedKeys: [ByteString] = []
    public var blockedDb = 0
    public var blockedArgv: [ByteString] = []
    public var blockTimeoutMs: Int64 = 0

    // MARK: Owned by the networking layer
    public var flags: ClientFlags = []
    /// Last time the client sent or received something (ms). Redis: c->lastinteraction
    public var lastInteractionMs: Int64
    var parser = RequestParser()
    /// The query buffer: bytes read but not yet parsed live in qbuf[qbufPos..<qbufLen].
    /// Redis: c->querybuf, c->qb_pos
    var qbuf: UnsafeMutableRawPointer
    var qbufCapacity: Int
    var qbufLen = 0
    var qbufPos = 0
    /// The output buffer: reply bytes in buf[sent..<bufLen] are still to be written.
    /// Redis: c->buf, c->bufpos, c->sentlen (and c->reply, the list for big replies)
    /// SIMPLIFICATION: Redis has a 16 KB static buffer plus a list of reply blocks; one growable
    /// buffer does the same job with less code.
    var buf: UnsafeMutableRawPointer
    var bufCapacity: Int
    var bufLen = 0
    var sent = 0
    /// Back-reference to the networking layer, to queue this client for writing.
    unowned(unsafe) let net: Networking

    init(id: UInt64, fd: Int32, address: String, net: Networking, nowMs: Int64) {
        self.id = id
        self.fd = fd
        self.address = address
        self.net = net
        createdMs = nowMs
        lastInteractionMs = nowMs
        qbufCapacity = 16 * 1024
        qbuf = UnsafeMutableRawPointer.allocate(byteCount: qbufCapacity, alignment: 8)
        bufCapacity = 16 * 1024
        buf = UnsafeMutableRawPointer.allocate(byteCount: bufCapacity, alignment: 8)
        argv.reserveCapacity(8)
    }

    deinit {
        qbuf.deallocate()
        buf.deallocate()
    }

    /// Bytes waiting in the query buffer. Redis: sdslen(c->querybuf) - c->qb_pos
    public var queryBufferPending: Int { qbufLen - qbufPos }
    /// Allocated query buffer size. Redis: sdsalloc(c->querybuf) (CLIENT LIST qbuf=)
    public var queryBufferSize: Int { qbufCapacity }
    /// Reply bytes not yet written. Redis: c->bufpos + c->reply_bytes (CLIENT LIST omem=)
    public var outputPending: Int { bufLen - sent }
    /// What this client costs in memory: the object itself (as malloc sized it), both buffers
    /// as allocated, and the argument bytes of the command in hand (`argvBytes`; Redis counts
    /// their length, not their allocation). CLIENT LIST's tot-mem; INFO's mem_clients_normal
    /// adds it up over every client. Redis: clientsCronTrackClientsMemUsage (src/server.c)
    public func memoryUsage(argvBytes: Int) -> Int {
        csys_alloc_size(Unmanaged.passUnretained(self).toOpaque()) + qbufCapacity + bufCapacity + argvBytes
    }
    /// True when there is something to write. Redis: clientHasPendingReplies
    @inline(__always) public var hasPendingReplies: Bool { bufLen > sent }

    /// Makes room for `n` more bytes in the query buffer, moving unparsed bytes to the front.
    func reserveQueryBuffer(_ n: Int) {
        if qbufPos > 0 {
            let pending = qbufLen - qbufPos
            if pending > 0 { qbuf.copyMemory(from: qbuf + qbufPos, byteCount: pending) }
            qbufLen = pending
            qbufPos = 0
        }
        if qbufCapacity - qbufLen < n {
            var cap = qbufCapacity
            while cap - qbufLen < n { cap *= 2 }
            let nb = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 8)
            nb.copyMemory(from: qbuf, byteCount: qbufLen)
            qbuf.deallocate()
            qbuf = nb
            qbufCapacity = cap
        }
    }

    /// Shrinks a query or output buffer that grew past 32 KB back to 16 KB once it is empty.
    /// Redis: clientsCronResizeQueryBuffer (src/server.c)
    func shrinkBuffersIfIdle() {
        let small = 16 * 1024
        if qbufCapacity > 2 * small && qbufLen == qbufPos {
            qbuf.deallocate()
            qbuf = UnsafeMutableRawPointer.allocate(byteCount: small, alignment: 8)
            qbufCapacity = small
            qbufLen = 0
            qbufPos = 0
        }
        if bufCapacity > 2 * small && bufLen == sent {
            buf.deallocate()
            buf = UnsafeMutableRawPointer.allocate(byteCount: small, alignment: 8)
            bufCapacity = small
            bufLen = 0
            sent = 0
        }
    }

    /// Appends bytes to the query buffer as if read from the socket (fake clients, tests).
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        reserveQueryBuffer(bytes.count)
        if bytes.count > 0 { (qbuf + qbufLen).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        qbufLen += bytes.count
    }

    /// Parses the next command out of the query buffer into `argv`.
    public func parseNext() -> ParseResult {
        parser.parse(UnsafeRawBufferPointer(start: qbuf, count: qbufLen), pos: &qbufPos, argv: &argv)
    }

    /// The reply bytes not yet written (tests, fake clients).
    public var pendingOutput: [UInt8] { Array(UnsafeRawBufferPointer(start: buf + sent, count: bufLen - sent)) }

    /// Drops the pending output (fake clients discard replies). Redis: the fake client's reply list is never sent
    public func discardOutput() { bufLen = 0; sent = 0 }

    /// Makes room for `n` more reply bytes.
    @inline(__always)
    func reserveOutput(_ n: Int) {
        if bufCapacity - bufLen < n { growOutput(n) }
    }

    private func growOutput(_ n: Int) {
        if sent > 0 {
            // Slide the unsent part to the front before growing.
            let pending = bufLen - sent
            if pending > 0 { buf.copyMemory(from: buf + sent, byteCount: pending) }
            bufLen = pending
            sent = 0
            if bufCapacity - bufLen >= n { return }
        }
        var cap = bufCapacity
        while cap - bufLen < n { cap *= 2 }
        let nb = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 8)
        nb.copyMemory(from: buf, byteCount: bufLen)
        buf.deallocate()
        buf = nb
        bufCapacity = cap
    }
}

extension Client {
    /// Applies a new proto-max-bulk-len to this client's parser (CONFIG SET).
    public func setMaxBulkLength(_ n: Int64) { parser.limits.maxBulkLength = n }
}

extension Client {
    /// Marks a blocked client as served or timed out; its pending input runs before the loop
    /// sleeps again. Redis: unblockClient, queueClientForReprocessing (src/blocked.c)
    public func unblock() {
        flags.remove(.blocked)
        blockedKeys = []
        blockedArgv = []
        // Its command has replied only now: that is when a CLIENT REPLY SKIP before it is used up.
        commandDone()
        net.queueForReprocessing(self)
    }

    /// A command has finished: a CLIENT REPLY SKIP lasts one command, and the SKIP that just ran
    /// arms it for the next one. Redis: the CLIENT_REPLY_SKIP lines of resetClient (src/networking.c)
    @inline(__always)
    public func commandDone() {
        if flags.isDisjoint(with: [.replySkip, .replySkipNext]) { return }
        flags.remove(.replySkip)
        if flags.contains(.replySkipNext) {
            flags.remove(.replySkipNext)
            flags.insert(.replySkip)
        }
    }
}
