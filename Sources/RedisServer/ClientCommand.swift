// CLIENT: who is connected, and what the server can do to a connection. A client asks for its own
// id and name, lists every connection with its state (one `field=value` line each, ClientInfo.swift),
// and closes connections chosen by id, address, type or user.
//
//     CLIENT ID                      :7
//     CLIENT SETNAME app             +OK             (no spaces: LIST must stay one line per client)
//     CLIENT GETNAME                 $3 app          (null while no name is set)
//     CLIENT LIST [TYPE t] [ID id…]  id=7 addr=127.0.0.1:50412 … cmd=client user=default redir=-1\n …
//     CLIENT INFO                    the caller's own line
//     CLIENT KILL 127.0.0.1:50412    +OK or -ERR No such client        (old form: kills yourself too)
//     CLIENT KILL ID 8 SKIPME yes    :1                                (new form: how many were killed)
//
// A killed client is closed at once, between two commands of the killer; the killer itself (old
// form, or SKIPME no) is closed only after its reply is written, so it learns what it did.
//
// Redis: clientCommand, clientSetNameOrReply, getAllClientsInfoString, lookupClientByID
// (src/networking.c), replyToBlockedClientTimedOut, unblockClient (src/blocked.c)
//     CLIENT REPLY OFF|SKIP|ON       (nothing) / (nothing) / +OK     (silence replies: below)
//     CLIENT UNBLOCK 9 [ERROR]       :1 if client 9 waited in BLPOP & co (it reads null, or -UNBLOCKED)
//     CLIENT PAUSE 500 [WRITE|ALL]   +OK; CLIENT UNPAUSE +OK           (ClientPause.swift)
//
// CLIENT REPLY is for a client that sends many writes and does not care about the answers (a bulk
// import): OFF silences every reply, even errors, until ON; SKIP silences only the next command.
//
//     CLIENT TRACKING ON [BCAST] …   +OK   client-side caching (Tracking.swift); CACHING yes|no,
//     CLIENT GETREDIR                :0    GETREDIR and TRACKINGINFO belong to it
//
// The only user is `default`, so USER matches every client or names no user at all.

import RedisCore
import RedisKeyspace
import RedisRESP

extension Err {
    /// CLIENT LIST TYPE / CLIENT KILL TYPE with a name that is no client type.
    /// Redis: clientCommand (src/networking.c)
    static func unknownClientType(_ name: ByteString) -> String { "ERR Unknown client type '\(name.stringValue)'" }
    /// CLIENT LIST ID with an id that is not a number. Redis: clientCommand (src/networking.c)
    static let invalidClientID = "ERR Invalid client ID"
    /// CLIENT KILL's old form found no client at that address. Redis: clientCommand (src/networking.c)
    static let noSuchClient = "ERR No such client"
    /// CLIENT KILL USER with a user that does not exist. Redis: clientCommand (src/networking.c)
    static func noSuchUser(_ name: ByteString) -> String { "ERR No such user '\(name.stringValue)'" }
    /// CLIENT UNBLOCK with a reason other than TIMEOUT or ERROR. Redis: clientCommand (src/networking.c)
    static let unblockReason = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
    /// What a client blocked in BLPOP and friends reads after CLIENT UNBLOCK id ERROR.
    /// Redis: clientCommand (src/networking.c)
    static let unblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK"
}

extension Server {
    func registerClientCommand() {
        unowned(unsafe) let s = self
        commands.register(RedisCommand("client", -2, "admin no-script random ok-loading ok-stale @connection", 0, 0, 0) { s.clientCommand($0) })
        commands.register(RedisCommand("reset", 1, "no-script ok-stale ok-loading fast no-auth @connection", 0, 0, 0) { s.resetCommand($0) })
    }

    /// RESET: the connection as if it were new, without reconnecting: out of MULTI (the queue
    /// and the watched keys dropped), out of every channel and pattern (silently), database 0,
    /// RESP2, no name, and authenticated again only if no password is needed.
    /// Redis: resetCommand, clearClientConnectionState (src/networking.c)
    func resetCommand(_ c: Client) {
        if c.flags.contains(.multi) && tracer.on(.cmd) {
            tracer.transition(.cmd, "id=\(c.id) RESET", from: "MULTI", to: "NORMAL", fn: "clearClientConnectionState")
        }
        discardTransaction(c)
        forgetSubscriptions(c)
        if c.flags.contains(.tracking) { disableTracking(c) }
        c.db = 0
        c.resp = 2
        c.name = nil
        if config.requirepass.isEmpty { c.flags.insert(.authenticated) } else { c.flags.remove(.authenticated) }
        if tracer.on(.cmd) { tracer.emit(.cmd, .event, "id=\(c.id) reset", fn: "clearClientConnectionState") }
        c.addReplyStatus("RESET")
    }

    /// CLIENT HELP's lines, 6.2's own (its HELP ends with the two lines addReplyHelp adds).
    /// Redis: the help array of clientCommand (src/networking.c)
    static let clientHelp = [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (normal|master|replica|pubsub)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "HELP",
        "    Prints this help.",
    ]

    /// CLIENT ID | SETNAME | GETNAME | LIST | INFO | KILL | REPLY | UNBLOCK | PAUSE | UNPAUSE |
    /// TRACKING | CACHING | GETREDIR | TRACKINGINFO | HELP.
    /// Redis: clientCommand (src/networking.c)
    func clientCommand(_ c: Client) {
        let sub = c.argv[1], argc = c.argv.count
        if sub.equalsIgnoringCase("help") && argc == 2 {
            c.addReplyHelp(Server.clientHelp)
        } else if sub.equalsIgnoringCase("id") && argc == 2 {
            c.addReplyLongLong(Int64(bitPattern: c.id))
        } else if sub.equalsIgnoringCase("info") && argc == 2 {
            c.addReplyVerbatim(clientLine(c, running: c) + "\n")
        } else if sub.equalsIgnoringCase("list") {
            clientListCommand(c)
        } else if sub.equalsIgnoringCase("kill") {
            clientKillCommand(c)
        } else if sub.equalsIgnoringCase("setname") && argc == 3 {
            if setClientName(c, c.argv[2]) { c.addReplyOK() }
        } else if sub.equalsIgnoringCase("getname") && argc == 2 {
            if let name = c.name { c.addReplyBulk(name) } else { c.addReplyNull() }
        } else if sub.equalsIgnoringCase("reply") && argc == 3 {
            clientReplyCommand(c)
        } else if sub.equalsIgnoringCase("unblock") && (argc == 3 || argc == 4) {
            clientUnblockCommand(c)
        } else if sub.equalsIgnoringCase("pause") && (argc == 3 || argc == 4) {
            clientPauseCommand(c)
        } else if sub.equalsIgnoringCase("unpause") && argc == 2 {
            clientUnpauseCommand(c)
        } else if sub.equalsIgnoringCase("tracking") && argc >= 3 {
            clientTrackingCommand(c)
        } else if sub.equalsIgnoringCase("caching") && argc >= 3 {
            clientCachingCommand(c)
        } else if sub.equalsIgnoringCase("getredir") && argc == 2 {
            clientGetredirCommand(c)
        } else if sub.equalsIgnoringCase("trackinginfo") && argc == 2 {
            clientTrackingInfoCommand(c)
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }

    // snippet.clientReply
    /// CLIENT REPLY ON|OFF|SKIP: OFF drops every reply until ON, which answers +OK; SKIP drops
    /// the replies of the next command only (Client.commandDone moves it on). OFF and SKIP have
    /// no reply of their own: they are silent from the moment they run.
    /// Redis: the "reply" branch of clientCommand (src/networking.c)
    func clientReplyCommand(_ c: Client) {
        let mode = c.argv[2]
        if mode.equalsIgnoringCase("on") {
            c.flags.remove([.replySkip, .replySkipNext, .replyOff])
            c.addReplyOK()
        } else if mode.equalsIgnoringCase("off") {
            c.flags.insert(.replyOff)
        } else if mode.equalsIgnoringCase("skip") {
            // Already silent: nothing more to skip.
            if !c.flags.contains(.replyOff) { c.flags.insert(.replySkipNext) }
        } else {
            c.addReplyError(Err.syntax)
            return
        }
        if tracer.on(.cmd) { tracer.emit(.cmd, .event, "id=\(c.id) reply \(mode.lowercasedASCII)", fn: "clientCommand") }
    }
    // snippet.end

    /// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: ends the wait of a client blocked on keys, with
    /// its timeout's null reply or with an -UNBLOCKED error; :1 if it was waiting, else :0.
    /// Redis: the "unblock" branch of clientCommand (src/networking.c)
    func clientUnblockCommand(_ c: Client) {
        var error: String?
        if c.argv.count == 4 {
            if c.argv[3].equalsIgnoringCase("timeout") { error = nil }
            else if c.argv[3].equalsIgnoringCase("error") { error = Err.unblocked }
            else { c.addReplyError(Err.unblockReason); return }
        }
        guard let id = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        // SIMPLIFICATION: a client held by CLIENT PAUSE is blocked too, but not on keys: we
        // answer :0. Redis 6.2 (and 7.0) abort on TIMEOUT there, and on ERROR send the error and
        // later the held command's reply as well: two replies to one command.
        if let target = net.client(id: UInt64(bitPattern: id)), keyspace.unblockClient(target, error: error) {
            c.addReplyLongLong(1)
        } else {
            c.addReplyLongLong(0)
        }
    }

    /// One client's CLIENT LIST line; the running client (the caller) shows its query buffer and
    /// arguments, the others what waits in their buffers. Redis: catClientInfoString
    func clientLine(_ other: Client, running c: Client) -> String {
        other.infoString(nowMs: clock.mstime(), running: other === c)
    }

    /// CLIENT LIST [TYPE normal|master|replica|pubsub] | CLIENT LIST ID id [id …]: one line per
    /// client, oldest first. Redis: the "list" branch of clientCommand, getAllClientsInfoString
    func clientListCommand(_ c: Client) {
        let argc = c.argv.count
        var chosen: [Client]
        if argc == 4 && c.argv[2].equalsIgnoringCase("type") {
            guard let type = ClientType(name: c.argv[3]) else {
                c.addReplyError(Err.unknownClientType(c.argv[3])); return
            }
            chosen = net.clients.filter { $0.type == type }
        } else if argc > 3 && c.argv[2].equalsIgnoringCase("id") {
            // In the order asked for; an id nobody has is skipped, a bad one fails the whole list.
            chosen = []
            for arg in c.argv[3...] {
                guard let id = arg.int64Value else { c.addReplyError(Err.invalidClientID); return }
                if let other = net.client(id: UInt64(bitPattern: id)) { chosen.append(other) }
            }
        } else if argc == 2 {
            chosen = net.clients
        } else {
            c.addReplyError(Err.syntax); return
        }
        var text = ""
        for other in chosen { text += clientLine(other, running: c) + "\n" }
        c.addReplyVerbatim(text)
    }

    /// CLIENT KILL ip:port (old form: +OK or an error; may kill the caller) or CLIENT KILL with
    /// filters ID, ADDR, LADDR, TYPE, USER, SKIPME (new form: the number killed; skips the caller
    /// unless SKIPME no). Another client is freed at once; the caller only after its reply.
    /// Redis: the "kill" branch of clientCommand (src/networking.c)
    func clientKillCommand(_ c: Client) {
        let argv = c.argv, argc = argv.count
        var addr: ByteString?, laddr: ByteString?, type: ClientType?, id: UInt64 = 0
        var skipMe = true
        if argc == 3 {
            addr = argv[2]
            skipMe = false
        } else if argc > 3 {
            var i = 2
            while i < argc {
                let opt = argv[i]
                guard i + 1 < argc else { c.addReplyError(Err.syntax); return }
                let value = argv[i + 1]
                if opt.equalsIgnoringCase("id") {
                    guard let n = value.int64Value else { c.addReplyError(Err.notInteger); return }
                    id = UInt64(bitPattern: n)
                } else if opt.equalsIgnoringCase("type") {
                    guard let t = ClientType(name: value) else { c.addReplyError(Err.unknownClientType(value)); return }
                    type = t
                } else if opt.equalsIgnoringCase("addr") {
                    addr = value
                } else if opt.equalsIgnoringCase("laddr") {
                    laddr = value
                } else if opt.equalsIgnoringCase("user") {
                    // The one user is `default`: every client is it.
                    guard value == ByteString("default") else { c.addReplyError(Err.noSuchUser(value)); return }
                } else if opt.equalsIgnoringCase("skipme") {
                    if value.equalsIgnoringCase("yes") { skipMe = true }
                    else if value.equalsIgnoringCase("no") { skipMe = false }
                    else { c.addReplyError(Err.syntax); return }
                } else {
                    c.addReplyError(Err.syntax); return
                }
                i += 2
            }
        } else {
            c.addReplyError(Err.syntax); return
        }

        // snippet.clientKill
        var killed = 0, killSelf = false
        for other in net.clients {
            if let a = addr, a != ByteString(other.address) { continue }
            if let l = laddr, l != ByteString(other.localAddress) { continue }
            if let t = type, other.type != t { continue }
            if id != 0 && other.id != id { continue }
            if other === c {
                if skipMe { continue }
                killSelf = true
            } else {
                if tracer.on(.net) { tracer.emit(.net, .event, "id=\(c.id) kills id=\(other.id)", fn: "clientCommand") }
                net.freeClient(other, reason: "killed by CLIENT KILL")
            }
            killed += 1
        }
        if argc == 3 {
            if killed == 0 { c.addReplyError(Err.noSuchClient) } else { c.addReplyOK() }
        } else {
            c.addReplyLongLong(Int64(killed))
        }
        // Flagged only after the reply is queued: the caller reads it, then the server closes.
        if killSelf { c.flags.insert(.closeAfterReply) }
        // snippet.end
    }
}

// The names a reader of src/networking.c will grep for.
extension Server {
    @available(*, unavailable, renamed: "clientListCommand")
    func getAllClientsInfoString(_ c: Client) {}
    @available(*, unavailable, renamed: "clientLine")
    func catClientInfoString(_ other: Client, running c: Client) -> String { "" }
}
