// Connections: listen, accept, read requests, write replies, close.
//
// The life of one request, as this file handles it:
//
//  1) The listening socket is readable: acceptHandler accepts (up to 1000 per wake-up), makes the
//     socket non-blocking, creates a Client and registers readQueryFromClient for it.
//  2) The client's socket is readable: readQueryFromClient reads up to 16 KB into the query
//     buffer and calls processInputBuffer, which parses as many whole commands as are there and
//     hands each to `processCommand` (the server's dispatcher, server.c's processCommand).
//  3) Each command appends its reply to the client's output buffer; the client is queued on
//     `pendingWrites` (Reply.swift).
//  4) beforeSleep calls handleClientsWithPendingWrites: write(2) straight away, without waiting
//     for the socket to be reported writable. Only a client that could not take everything gets a
//     writable handler (sendReplyToClient), removed again once its buffer has drained.
//  5) EOF, an error, a protocol error (after its reply), QUIT or a full query buffer: freeClient.
//
// Redis: acceptTcpHandler, readQueryFromClient, processInputBuffer, writeToClient,
// handleClientsWithPendingWrites, freeClient (src/networking.c), anetTcpServer (src/anet.c).

import CSystem
import RedisCore
import RedisEventLoop
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counters INFO reports. Redis: the stat_* fields of `server` (src/server.h)
public struct NetStats {
    public var connectionsReceived: Int64 = 0
    public var rejectedConnections: Int64 = 0
    public var netInputBytes: Int64 = 0
    public var netOutputBytes: Int64 = 0
    public var errorReplies: Int64 = 0
    /// Error replies by their code, the first word (`ERR`, `WRONGTYPE`, `NOAUTH`): INFO
    /// errorstats. Redis: server.errors (a rax), incrementErrorCount (src/server.c)
    public var errorCodes: [String: Int64] = [:]
    public var commandsProcessed: Int64 = 0
    /// read(2) and write(2) calls on client sockets. Redis: stat_total_reads_processed…
    public var readsProcessed: Int64 = 0
    public var writesProcessed: Int64 = 0
    public init() {}
}

extension NetStats {
    /// Counts one error reply under its code: the first word, when a space ends it within the
    /// first 31 bytes, else `ERR` (a message without a code of its own). Redis: afterErrorReply
    /// (src/networking.c)
    public mutating func countError(_ text: String) {
        errorReplies += 1
        var code = "ERR"
        if let space = text.utf8.prefix(31).firstIndex(of: UInt8(ascii: " ")) {
            code = String(text[..<space])
        }
        errorCodes[code, default: 0] += 1
    }
}

/// Owns the listening sockets and every client. Redis: the networking half of `server`
public final class Networking {
    let loop: EventLoop
    let config: Config
    let tracer: Tracer
    let logger: Logger
    let clock: Clock
    /// Clients by descriptor. Redis keeps a list (server.clients); a table indexed by fd finds
    /// the client of a fired event in O(1).
    var clientsByFd: [Client?]
    /// The same clients by id, for CLIENT KILL ID, CLIENT UNBLOCK and tracking redirects.
    /// Redis: server.clients_index (a rax), lookupClientByID
    var clientsById: [UInt64: Client] = [:]
    /// Connected clients, in no particular order.
    public private(set) var clientCount = 0
    /// Clients with replies to write before the next sleep. Redis: server.clients_pending_write
    var pendingWrites: [Client] = []
    /// Clients just unblocked, whose buffered input must be processed. Redis: server.unblocked_clients
    var unblockedClients: [Client] = []
    /// Clients to free in beforeSleep. Redis: server.clients_to_close
    var toClose: [Client] = []
    /// The listening descriptors. Redis: server.ipfd
    public private(set) var listeners: [Int32] = []
    /// The port actually listened on (differs from the config when it was 0).
    public private(set) var port = 0
    var nextClientId: UInt64 = 1
    public var stats = NetStats()
    /// Runs one parsed command. Set by the server. Redis: processCommand (src/server.c)
    public var processCommand: (Client) -> Void = { _ in }
    /// Install write handlers with the barrier flag, so that a client's write handler runs
    /// before its read handler in the same turn (appendfsync always: nothing may be replied before
    /// beforeSleep has fsynced the AOF). Redis: the AE_BARRIER in installWriteHandler (6.2: connSetWriteHandlerWithBarrier)
    public var writeBarrier = false
    /// Called when a client is freed, so other parts (transactions, pub/sub) can forget it.
    public var onFree: ((Client) -> Void)?

    /// Redis: PROTO_IOBUF_LEN, NET_MAX_WRITES_PER_EVENT, MAX_ACCEPTS_PER_CALL
    static let ioBufLen = 16 * 1024
    static let maxWritesPerEvent = 64 * 1024
    static let maxAcceptsPerCall = 1000

    public init(loop: EventLoop, config: Config, tracer: Tracer, logger: Logger, clock: Clock) {
        self.loop = loop
        self.config = config
        self.tracer = tracer
        self.logger = logger
        self.clock = clock
        clientsByFd = Array(repeating: nil, count: loop.setSize)
    }

    /// Every connected client, oldest first (CLIENT LIST, INFO).
    public var clients: [Client] { clientsByFd.compactMap { $0 }.sorted { $0.id < $1.id } }

    // MARK: - Listening

    /// Listens on every `bind` address at `port` (0: a free port, the same for all addresses).
    /// Redis: listenToPort, anetTcpServer (src/server.c, src/anet.c)
    public func listen(addresses: [String], port requested: Int, backlog: Int) throws {
        var port = requested
        for raw in addresses {
            // Redis 7 marks optional addresses with a leading '-': skip them if they fail.
            let optional = raw.hasPrefix("-")
            let addr = optional ? String(raw.dropFirst()) : raw
            do {
                let (fd, actual) = try Networking.tcpServer(address: addr, port: port, backlog: backlog)
                port = actual
                listeners.append(fd)
                try loop.createFileEvent(fd: fd, mask: .readable) { [unowned self] fd, _ in self.acceptHandler(fd) }
            } catch let e as ConfigError {
                if optional { continue }
                throw e
            }
        }
        self.port = port
    }

    static func tcpServer(address: String, port: Int, backlog: Int) throws -> (Int32, Int) {
        let six = address.contains(":")
        let fd = socket(six ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { throw ConfigError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if six {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = in_port_t(UInt16(port).bigEndian)
            let host = address == "*" || address == "::*" ? "::" : address
            if inet_pton(AF_INET6, host, &sa.sin6_addr) != 1 { close(fd); throw ConfigError("Invalid bind address '\(address)'") }
            result = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = in_port_t(UInt16(port).bigEndian)
            let host = address == "*" ? "0.0.0.0" : address
            if inet_pton(AF_INET, host, &sa.sin_addr) != 1 { close(fd); throw ConfigError("Invalid bind address '\(address)'") }
            result = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        if result != 0 {
            let msg = String(cString: strerror(errno))
            close(fd)
            throw ConfigError("Could not create server TCP listening socket \(address):\(port): bind: \(msg)")
        }
        if systemListen(fd, Int32(backlog)) != 0 {
            let msg = String(cString: strerror(errno))
            close(fd)
            throw ConfigError("Could not create server TCP listening socket \(address):\(port): listen: \(msg)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, localPort(fd))
    }

    static func localPort(_ fd: Int32) -> Int {
        var ss = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return peerString(&ss).port
    }

    static func peerString(_ ss: inout sockaddr_storage) -> (ip: String, port: Int) {
        var host = [CChar](repeating: 0, count: 64)
        if Int32(ss.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                var a = p.pointee.sin6_addr
                inet_ntop(AF_INET6, &a, &host, 64)
                return (cString(host), Int(UInt16(bigEndian: p.pointee.sin6_port)))
            } }
        }
        return withUnsafePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
            var a = p.pointee.sin_addr
            inet_ntop(AF_INET, &a, &host, 64)
            return (cString(host), Int(UInt16(bigEndian: p.pointee.sin_port)))
        } }
    }

    /// Stops listening (SHUTDOWN). Redis: closeListeningSockets (src/server.c)
    public func closeListeners() {
        for fd in listeners {
            loop.deleteFileEvent(fd: fd, mask: .readable)
            close(fd)
        }
        listeners.removeAll()
    }

    // MARK: - Protected mode

    /// Whether protected mode turns a new connection away: the mode is on, no `bind` was given
    /// (Redis then listens on every interface), the default user needs no password, and the peer
    /// is not the loopback address. Redis: clientAcceptHandler (src/networking.c)
    public static func protectedModeRefuses(protectedMode: Bool, bindGiven: Bool, passwordSet: Bool,
                                            peerIP: String) -> Bool {
        protectedMode && !bindGiven && !passwordSet && peerIP != "127.0.0.1" && peerIP != "::1"
    }

    /// What a refused connection reads before it is closed: Redis 6.2's text, word for word, since
    /// it is what a user searching the web for the error will find explained.
    public static let protectedModeDenial =
        "-DENIED Redis is running in protected mode because protected mode is enabled, no bind address was "
        + "specified, no authentication password is requested to clients. In this mode connections are only "
        + "accepted from the loopback interface. If you want to connect from external computers to Redis you "
        + "may adopt one of the following solutions: 1) Just disable protected mode sending the command "
        + "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
        + "the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. "
        + "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected "
        + "mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then "
        + "restarting the server. 3) If you started the server manually just for testing, restart it with the "
        + "'--protected-mode no' option. 4) Setup a bind address or an authentication password. NOTE: You only "
        + "need to do one of the above things in order for the server to start accepting connections from the "
        + "outside.\r\n"

    // MARK: - Accepting

    /// The listening socket is readable: accept every waiting connection.
    /// Redis: acceptTcpHandler, acceptCommonHandler (src/networking.c)
    func acceptHandler(_ lfd: Int32) {
        for _ in 0..<Networking.maxAcceptsPerCall {
            var ss = sockaddr_storage()
            var len = UInt32(MemoryLayout<sockaddr_storage>.size)
            let cfd = withUnsafeMutablePointer(to: &ss) { csys_accept_nonblock(lfd, $0, &len) }
            if cfd < 0 {
                if errno != EWOULDBLOCK && errno != EAGAIN && errno != EINTR {
                    logger.log(.warning, "Accepting client connection: \(String(cString: strerror(errno)))")
                }
                return
            }
            let (ip, port) = Networking.peerString(&ss)
            let address = "\(ip):\(port)"
            logger.log(.verbose, "Accepted \(address)")
            // Over the limit: say so on the raw socket and close, as Redis does.
            if clientCount + 1 > config.maxclients || Int(cfd) >= clientsByFd.count {
                let err: StaticString = "-ERR max number of clients reached\r\n"
                _ = write(cfd, err.utf8Start, err.utf8CodeUnitCount)
                close(cfd)
                stats.rejectedConnections += 1
                if tracer.on(.net) { tracer.emit(.net, .event, "reject fd=\(cfd) \(address) maxclients", fn: "acceptCommonHandler") }
                continue
            }
            // Protected mode: a server open to every interface with no password talks only to
            // its own machine, and tells anyone else why.
            if Networking.protectedModeRefuses(protectedMode: config.protectedMode, bindGiven: config.bindGiven,
                                               passwordSet: !config.requirepass.isEmpty, peerIP: ip) {
                let err = Networking.protectedModeDenial.utf8
                _ = Array(err).withUnsafeBufferPointer { write(cfd, $0.baseAddress, $0.count) }
                close(cfd)
                stats.rejectedConnections += 1
                if tracer.on(.net) { tracer.emit(.net, .event, "reject fd=\(cfd) \(address) protected-mode", fn: "clientAcceptHandler") }
                continue
            }
            var one: Int32 = 1
            setsockopt(cfd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if config.tcpKeepalive > 0 {
                setsockopt(cfd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            let c = Client(id: nextClientId, fd: cfd, address: address, net: self, nowMs: clock.mstime())
            nextClientId += 1
            if config.requirepass.isEmpty { c.flags.insert(.authenticated) }
            c.parser.limits.maxBulkLength = config.protoMaxBulkLen
            do {
                try loop.createFileEvent(fd: cfd, mask: .readable) { [unowned self] fd, _ in
                    if let c = self.clientsByFd[Int(fd)] { self.readQueryFromClient(c) }
                }
            } catch {
                logger.log(.warning, "Error registering fd event for the new client: \(error)")
                close(cfd)
                continue
            }
            clientsByFd[Int(cfd)] = c
            clientsById[c.id] = c
            clientCount += 1
            stats.connectionsReceived += 1
            if tracer.on(.net) { tracer.emit(.net, .event, "accept fd=\(cfd) id=\(c.id) \(address)", fn: "acceptTcpHandler") }
        }
    }

    /// A client that is not a socket (the AOF loader, scripts). Redis: createClient(NULL)
    public func makeFakeClient() -> Client {
        let c = Client(id: UInt64.max, fd: -1, address: "", net: self, nowMs: clock.mstime())
        c.flags = [.fake, .authenticated]
        c.parser.limits.maxBulkLength = Int64.max
        return c
    }

    // MARK: - Reading

    // snippet.readQueryFromClient
    /// The client's socket is readable: read, then run every whole command that arrived.
    /// Redis: readQueryFromClient (src/networking.c)
    func readQueryFromClient(_ c: Client) {
        // Read 16 KB at a time. Inside a big bulk argument, read more per call, but grow only
        // as fast as the data really arrives (doubling), so that a client announcing
        // `$500000000` and sending nothing makes us allocate nothing.
        // SIMPLIFICATION: Redis 6.2 allocates the whole announced length at once
        // (sdsMakeRoomForNonGreedy in processMultibulkBuffer); Redis 7 grows it as we do.
        var want = Networking.ioBufLen
        if c.parser.requestType == .multibulk && c.parser.multibulkLength > 0 && c.parser.bulkLength >= Networking.ioBufLen {
            let missing = c.parser.bulkLength + 2 - c.queryBufferPending
            want = max(want, min(missing, c.queryBufferPending))
        }
        c.reserveQueryBuffer(want)
        let n = read(c.fd, c.qbuf + c.qbufLen, want)
        stats.readsProcessed += 1
        if n < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            logger.log(.verbose, "Reading from client: \(String(cString: strerror(errno)))")
            freeClient(c, reason: "read error")
            return
        }
        if n == 0 {
            logger.log(.verbose, "Client closed connection")
            freeClient(c, reason: "EOF")
            return
        }
        if tracer.on(.net) {
            tracer.emit(.net, .netIn, "fd=\(c.fd) " + Tracer.preview(UnsafeRawBufferPointer(start: c.qbuf + c.qbufLen, count: n)),
                        fn: "readQueryFromClient")
        }
        c.qbufLen += n
        c.lastInteractionMs = clock.mstime()
        stats.netInputBytes += Int64(n)
        // A client that sends more than it lets us parse is cut off, not allowed to eat memory.
        if Int64(c.queryBufferPending) > config.clientQueryBufferLimit {
            logger.log(.warning, "Closing client that reached max query buffer length: id=\(c.id) addr=\(c.address) qbuf=\(c.queryBufferPending)")
            freeClient(c, reason: "query buffer limit")
            return
        }
        processInputBuffer(c)
    }
    // snippet.end

    /// Runs every complete command in the query buffer. Redis: processInputBuffer (src/networking.c)
    public func processInputBuffer(_ c: Client) {
        while c.qbufPos < c.qbufLen {
            // After QUIT or a protocol error the rest of the input is ignored; after SHUTDOWN or
            // a kill the client may even be gone.
            if !c.flags.isDisjoint(with: [.closeAfterReply, .closeASAP, .closed, .blocked]) { break }
            switch c.parseNext() {
            case .incomplete:
                return
            case .error(let message):
                protocolError(c, message)
                return
            case .command:
                if c.argv.isEmpty { continue }  // an empty line or `*0`: nothing to do
                stats.commandsProcessed += 1
                processCommandAndReset(c)
            }
        }
        if c.qbufPos == c.qbufLen { c.qbufPos = 0; c.qbufLen = 0 }
    }

    /// Runs the command in `c.argv` and readies the client for the next one. A client held by
    /// CLIENT PAUSE keeps its argv, to run it when the pause ends; a client blocked on keys has
    /// not finished its command until it is served. Redis: processCommandAndResetClient,
    /// commandProcessed, resetClient (src/networking.c)
    @inline(__always)
    func processCommandAndReset(_ c: Client) {
        processCommand(c)
        if c.flags.contains(.pendingCommand) { return }
        c.argv.removeAll(keepingCapacity: true)
        if !c.flags.contains(.blocked) { c.commandDone() }
    }

    /// Runs the input that unblocked clients received while they waited; a client that was held
    /// by CLIENT PAUSE first runs the command it was stopped at. Redis: processUnblockedClients,
    /// processPendingCommandsAndResetClient (src/blocked.c, src/networking.c)
    public func processUnblockedClients() {
        while !unblockedClients.isEmpty {
            let c = unblockedClients.removeFirst()
            guard c.flags.isDisjoint(with: [.closed, .blocked]) else { continue }
            if c.flags.contains(.pendingCommand) {
                c.flags.remove(.pendingCommand)
                processCommandAndReset(c)
            }
            processInputBuffer(c)
        }
    }

    /// Queues a client whose buffered input must be looked at again before the loop sleeps (it
    /// was unblocked, or released by the end of a pause). Redis: queueClientForReprocessing (src/blocked.c)
    public func queueForReprocessing(_ c: Client) { unblockedClients.append(c) }

    /// Replies with the protocol error and marks the client to close after the reply.
    /// Redis: setProtocolError (src/networking.c)
    func protocolError(_ c: Client, _ message: String) {
        logger.log(.verbose, "Protocol error (\(message)) from client: id=\(c.id) addr=\(c.address)")
        if tracer.on(.net) { tracer.emit(.net, .event, "fd=\(c.fd) \(message)", fn: "setProtocolError") }
        c.addReplyError("ERR " + message)
        c.flags.insert(.closeAfterReply)
        c.qbufPos = c.qbufLen
    }

    // MARK: - Writing

    /// Writes as much of the output buffer as the socket takes. Returns false if the client was
    /// freed. Redis: writeToClient (src/networking.c)
    @discardableResult
    func writeToClient(_ c: Client, handlerInstalled: Bool) -> Bool {
        if c.flags.contains(.closed) { return false }
        stats.writesProcessed += 1
        var total = 0
        while c.hasPendingReplies {
            let n = write(c.fd, c.buf + c.sent, c.bufLen - c.sent)
            if n <= 0 {
                if n < 0 && (errno == EAGAIN || errno == EINTR) { break }
                logger.log(.verbose, "Error writing to client: \(String(cString: strerror(errno)))")
                freeClient(c, reason: "write error")
                return false
            }
            if tracer.on(.net) {
                tracer.emit(.net, .netOut, "fd=\(c.fd) " + Tracer.preview(UnsafeRawBufferPointer(start: c.buf + c.sent, count: n)),
                            fn: "writeToClient")
            }
            c.sent += n
            total += n
            // Do not let one huge reply starve every other client of this turn.
            if total > Networking.maxWritesPerEvent { break }
        }
        stats.netOutputBytes += Int64(total)
        if total > 0 { c.lastInteractionMs = clock.mstime() }
        if !c.hasPendingReplies {
            c.sent = 0
            c.bufLen = 0
            if handlerInstalled { loop.deleteFileEvent(fd: c.fd, mask: .writable) }
            if c.flags.contains(.closeAfterReply) {
                freeClient(c, reason: "close after reply")
                return false
            }
        }
        return true
    }

    // snippet.handleClientsWithPendingWrites
    /// Writes every queued reply before the loop sleeps; installs a write handler only for the
    /// clients whose socket did not take everything. Redis: handleClientsWithPendingWrites
    public func handleClientsWithPendingWrites() {
        if pendingWrites.isEmpty { return }
        let queued = pendingWrites
        pendingWrites.removeAll(keepingCapacity: true)
        for c in queued {
            c.flags.remove(.pendingWrite)
            if !c.flags.isDisjoint(with: [.closeASAP, .closed]) || c.fd < 0 { continue }
            guard writeToClient(c, handlerInstalled: false) else { continue }
            if c.hasPendingReplies && !loop.fileEvents(fd: c.fd).contains(.writable) {
                do {
                    try loop.createFileEvent(fd: c.fd, mask: writeBarrier ? [.writable, .barrier] : .writable) { [unowned self] fd, _ in
                        if let c = self.clientsByFd[Int(fd)] { self.writeToClient(c, handlerInstalled: true) }
                    }
                } catch {
                    freeClientAsync(c)
                }
            }
        }
    }
    // snippet.end

    // MARK: - Closing

    /// Closes the connection and forgets the client. Redis: freeClient (src/networking.c)
    public func freeClient(_ c: Client, reason: String) {
        guard c.fd >= 0, !c.flags.contains(.closed), clientsByFd[Int(c.fd)] === c else { return }
        c.flags.insert(.closed)
        if tracer.on(.net) { tracer.emit(.net, .event, "close fd=\(c.fd) id=\(c.id) \(reason)", fn: "freeClient") }
        onFree?(c)
        loop.deleteFileEvent(fd: c.fd, mask: [.readable, .writable])
        close(c.fd)
        clientsByFd[Int(c.fd)] = nil
        clientsById[c.id] = nil
        clientCount -= 1
        if c.flags.contains(.pendingWrite) {
            pendingWrites.removeAll { $0 === c }
            c.flags.remove(.pendingWrite)
        }
    }

    /// Schedules the client to be freed in beforeSleep (safe from inside its own command).
    /// Redis: freeClientAsync (src/networking.c)
    public func freeClientAsync(_ c: Client) {
        if c.flags.contains(.closeASAP) { return }
        c.flags.insert(.closeASAP)
        toClose.append(c)
    }

    /// Frees the clients scheduled by freeClientAsync. Redis: freeClientsInAsyncFreeQueue
    public func freeClientsInAsyncFreeQueue() {
        if toClose.isEmpty { return }
        let list = toClose
        toClose.removeAll()
        for c in list { freeClient(c, reason: "closed by the server") }
    }

    /// Finds a connected client by id (CLIENT KILL ID).
    public func client(id: UInt64) -> Client? { clientsById[id] }

    /// Closes clients idle for longer than `timeout` seconds, and gives back the memory of
    /// buffers that grew for one big request or reply and are now empty.
    /// Redis: clientsCron, clientsCronHandleTimeout, clientsCronResizeQueryBuffer
    public func clientsCron(nowMs: Int64) {
        for case let c? in clientsByFd {
            if config.timeout > 0 && nowMs - c.lastInteractionMs > Int64(config.timeout) * 1000 {
                logger.log(.verbose, "Closing idle client")
                freeClient(c, reason: "idle timeout")
                continue
            }
            c.shrinkBuffersIfIdle()
        }
    }
}

/// listen(2) itself, outside the class whose method has the same name.
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }

// The names a reader of src/networking.c and src/blocked.c will grep for.
extension Networking {
    @available(*, unavailable, renamed: "processCommandAndReset")
    func processCommandAndResetClient(_ c: Client) {}
    @available(*, unavailable, renamed: "queueForReprocessing")
    public func queueClientForReprocessing(_ c: Client) {}
}

extension Client {
    @available(*, unavailable, renamed: "commandDone")
    public func resetClient() {}
}
