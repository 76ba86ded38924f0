// One line per client, the way CLIENT LIST and CLIENT INFO show it: `field=value` pairs in Redis
// 6.2's order, so that tools that parse Redis's line (and students diffing the two) read ours.
//
//     id=3 addr=127.0.0.1:50412 laddr=127.0.0.1:6379 fd=8 name= age=2 idle=0 flags=N db=0 sub=0
//     psub=0 multi=-1 qbuf=26 qbuf-free=16358 argv-mem=10 obl=0 oll=0 omem=0 tot-mem=… events=r
//     cmd=client user=default redir=-1
//
// Redis: catClientInfoString, getClientSockname, getClientType (src/networking.c)
// SIMPLIFICATION: one growable output buffer instead of a static buffer plus a reply list: `obl`
// is what waits in it, `oll` and `omem` are always 0; `tot-mem` adds the client object, our two buffers and argv.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kinds of client CLIENT LIST TYPE and CLIENT KILL TYPE select. Redis: CLIENT_TYPE_*
public enum ClientType: Sendable {
    case normal, replica, pubsub, master

    /// `normal`, `slave`/`replica`, `pubsub`, `master`, any case. Redis: getClientTypeByName
    public init?(name: ByteString) {
        switch name.lowercasedASCII.stringValue {
        case "normal": self = .normal
        case "slave", "replica": self = .replica
        case "pubsub": self = .pubsub
        case "master": self = .master
        default: return nil
        }
    }
}

extension Client {
    /// What kind of client this is. Redis: getClientType (src/networking.c)
    /// (Replication arrives in chapter 7; until then a client is normal or pub/sub.)
    public var type: ClientType { flags.contains(.pubsub) ? .pubsub : .normal }

    /// The local end of the connection, `ip:port`. Redis: getClientSockname (src/networking.c)
    public var localAddress: String {
        var ss = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let r = withUnsafeMutablePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        if r != 0 { return "?:0" }
        let (ip, port) = Networking.peerString(&ss)
        return Int32(ss.ss_family) == AF_INET6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// The letters of CLIENT LIST's `flags=` field; `N` when none applies.
    /// Redis: the flags part of catClientInfoString (src/networking.c)
    public var flagLetters: String {
        var s = ""
        if flags.contains(.pubsub) { s += "P" }
        if flags.contains(.multi) { s += "x" }
        if flags.contains(.blocked) { s += "b" }
        if flags.contains(.tracking) { s += "t" }
        if flags.contains(.trackingBrokenRedir) { s += "R" }
        if flags.contains(.trackingBCAST) { s += "B" }
        if flags.contains(.dirtyCAS) { s += "d" }
        if flags.contains(.closeAfterReply) { s += "c" }
        if flags.contains(.closeASAP) { s += "A" }
        return s.isEmpty ? "N" : s
    }

    /// This client's CLIENT LIST line (without the newline). `running` is true for the client
    /// whose command is executing: Redis shows its query buffer and argv before they are freed.
    /// Redis: catClientInfoString (src/networking.c)
    public func infoString(nowMs: Int64, running: Bool) -> String {
        let qbuf = running ? qbufLen : qbufLen - qbufPos
        let argvMem = running || flags.contains(.pendingCommand) ? argv.reduce(0) { $0 + $1.count } : 0
        let events = hasPendingReplies && !flags.contains(.pendingWrite) ? "rw" : "r"
        let totMem = memoryUsage(argvBytes: argvMem)
        let nameText = name.map { $0.stringValue } ?? ""
        return "id=\(id) addr=\(address) laddr=\(localAddress) fd=\(fd) name=\(nameText)"
            + " age=\((nowMs - createdMs) / 1000) idle=\((nowMs - lastInteractionMs) / 1000)"
            + " flags=\(flagLetters) db=\(db) sub=\(channelCount) psub=\(patternCount) multi=\(flags.contains(.multi) ? multiCount : -1)"
            + " qbuf=\(qbuf) qbuf-free=\(qbufCapacity - qbufLen) argv-mem=\(argvMem)"
            + " obl=\(outputPending) oll=0 omem=0 tot-mem=\(totMem) events=\(events)"
            + " cmd=\(lastCommand) user=default redir=\(flags.contains(.tracking) ? Int64(bitPattern: trackingRedirection) : -1)"
    }
}
