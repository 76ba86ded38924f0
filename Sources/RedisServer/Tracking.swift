// Client-side caching: the server remembers which client may hold a copy of which key, and tells
// it when the key changes, so that the client can keep values in its own memory and still never
// serve a stale one.
//
//     A (tracking, RESP3): CLIENT TRACKING ON   ─▶ +OK
//     A: GET user:1                             ─▶ $3 bob      table["user:1"] = {A}
//     B: SET user:1 ann                         ─▶ +OK         A gets >2 invalidate [user:1]
//                                                              table["user:1"] = (gone)
//
// 1) A read-only command of a tracking client adds the client's id under each of the command's
//    keys in the tracking table (call() → trackingRememberKeys).
// 2) Any change of a key — a command's write, an expiry, an eviction — reaches keyModified, which
//    sends one invalidation to every id under the key and drops the entry: the client must read
//    the key again to hear about it again (trackingInvalidateKey).
// 3) FLUSHDB and FLUSHALL send one invalidation with a null, "everything", and empty the table.
// 4) BCAST mode keeps no table: a client names prefixes, every change of a key under one of them
//    is collected, and before the loop sleeps each prefix's keys go out as one message to each of
//    its clients (trackingBroadcastInvalidationMessages).
//
// The default mode costs server memory (a table entry per key and reader) and sends only what a
// client has read; BCAST costs nothing per read but sends every change under the prefixes.
//
// A RESP3 client gets `>2 invalidate [keys]` pushes on its own connection. RESP2 has no pushes, so
// a RESP2 client redirects (REDIRECT id) to a second connection subscribed to
// `__redis__:invalidate`, which gets an ordinary pub/sub `message`.
//
// Redis: enableTracking, disableTracking, checkPrefixCollisionsOrReply,
// enableBcastTrackingForPrefix, trackingRememberKeys, sendTrackingMessage,
// trackingRememberKeyToBroadcast, trackingInvalidateKeyRaw, trackingInvalidateKey,
// trackingInvalidateKeysOnFlush, trackingLimitUsedSlots, trackingBuildBroadcastReply,
// trackingBroadcastInvalidationMessages (src/tracking.c); the tracking branches of clientCommand
// (src/networking.c); the CMD_READONLY test of call() (src/server.c).
// SIMPLIFICATION: Redis keeps radix trees (rax); we keep dictionaries and sort where Redis's
// order shows on the wire (a broadcast's keys, the prefixes of TRACKINGINFO). The table's
// eviction takes keys in hash order instead of a random walk. A key that a command's own read
// expires counts as changed by that command's client (Redis passes no client), which only
// matters to NOLOOP. Like 6.2 (not 7.0), an invalidation goes out at once, so a tracking client
// that changes a key it read gets the push before the command's reply.

import RedisCore
import RedisKeyspace
import RedisRESP

extension Err {
    /// CLIENT TRACKING ON PREFIX p without BCAST. Redis: clientCommand (src/networking.c)
    static let trackingPrefixNeedsBcast = "ERR PREFIX option requires BCAST mode to be enabled"
    /// CLIENT TRACKING ON with and then without BCAST (or the reverse). Redis: clientCommand
    static let trackingSwitchBcast = "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
    /// CLIENT TRACKING ON BCAST OPTIN. Redis: clientCommand (src/networking.c)
    static let trackingOptBcast = "ERR OPTIN and OPTOUT are not compatible with BCAST"
    /// CLIENT TRACKING ON OPTIN OPTOUT. Redis: clientCommand (src/networking.c)
    static let trackingOptinOptout = "ERR You can't specify both OPTIN mode and OPTOUT mode"
    /// CLIENT TRACKING ON OPTOUT while tracking with OPTIN (or the reverse). Redis: clientCommand
    static let trackingSwitchOpt = "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
    /// REDIRECT given twice. Redis: clientCommand (src/networking.c)
    static let trackingRedirectTwice = "ERR A client can only redirect to a single other client"
    /// REDIRECT to an id nobody has. Redis: clientCommand (src/networking.c)
    static let trackingNoRedirectTarget = "ERR The client ID you want redirect to does not exist"
    /// CLIENT CACHING without tracking. Redis: clientCommand (src/networking.c)
    static let cachingWithoutTracking = "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
    /// CLIENT CACHING yes outside OPTIN. Redis: clientCommand (src/networking.c)
    static let cachingYesNeedsOptin = "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
    /// CLIENT CACHING no outside OPTOUT. Redis: clientCommand (src/networking.c)
    static let cachingNoNeedsOptout = "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
    /// A new prefix overlaps one the client has. Redis: checkPrefixCollisionsOrReply (src/tracking.c)
    static func prefixOverlapsExisting(_ new: ByteString, _ old: ByteString) -> String {
        "ERR Prefix '\(new.stringValue)' overlaps with an existing prefix '\(old.stringValue)'. Prefixes for a single client must not overlap."
    }
    /// Two new prefixes overlap. Redis: checkPrefixCollisionsOrReply (src/tracking.c)
    static func prefixOverlapsProvided(_ a: ByteString, _ b: ByteString) -> String {
        "ERR Prefix '\(a.stringValue)' overlaps with another provided prefix '\(b.stringValue)'. Prefixes for a single client must not overlap."
    }
}

// MARK: - State

/// The keys modified under one BCAST prefix in this turn of the loop, and who listens to it.
/// Redis: bcastState (src/tracking.c)
final class BroadcastState {
    /// Each key changed since the last broadcast, with the id of the first client that changed
    /// it (0: no client, as an expiry), so that a NOLOOP client is not told of its own change.
    /// (The first, as 6.2's raxTryInsert keeps it; Redis 7.0 keeps the last.)
    var keys: [ByteString: UInt64] = [:]
    /// The BCAST clients with this prefix, in the order they asked for it.
    var clients: [Client] = []
}

/// Every piece of tracking state the server keeps. Redis: TrackingTable, PrefixTable,
/// TrackingTableTotalItems (src/tracking.c), server.tracking_clients, c->client_tracking_prefixes
final class TrackingState {
    /// Key → ids of the clients that read it since it last changed. Redis: TrackingTable
    var table: [ByteString: Set<UInt64>] = [:]
    /// Ids across the whole table (INFO tracking_total_items). Redis: TrackingTableTotalItems
    var totalItems = 0
    /// BCAST prefix → its state. Redis: PrefixTable
    var prefixes: [ByteString: BroadcastState] = [:]
    /// Each BCAST client's prefixes, sorted (TRACKINGINFO lists them so, like Redis's rax).
    /// Redis: c->client_tracking_prefixes
    var clientPrefixes: [UInt64: [ByteString]] = [:]
    /// Clients with tracking on (INFO tracking_clients). Redis: server.tracking_clients
    var clients = 0
    /// The id of the tracking client whose command is running (0 otherwise: another client, an
    /// expiry, an eviction): the one a change is blamed on, for NOLOOP. Set and cleared by call()
    /// only around a tracking client's command, so that other commands pay nothing.
    /// Redis: the client argument of signalModifiedKey
    var callerId: UInt64 = 0
    /// Rounds in a row that eviction could not get under the limit: each tries harder.
    /// Redis: timeout_counter in trackingLimitUsedSlots
    var limitRounds = 0

    /// Whether a change of a key has anything to do: keyModified asks this first, so that
    /// without tracking a write pays one test.
    @inline(__always) var active: Bool { !table.isEmpty || !prefixes.isEmpty }
}

/// What an invalidation says: one key, every key (after a flush: a null in the tracking
/// client's protocol), or ready-made RESP for a broadcast's array of keys.
enum Invalidation {
    case key(ByteString)
    case all
    case proto([UInt8])
}

extension Server {
    // MARK: - CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO

    /// The tracking flags a client may choose with CLIENT TRACKING.
    static let trackingModes: ClientFlags = [.trackingBCAST, .trackingOptin, .trackingOptout, .trackingNoloop]

    /// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p …] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]: the
    /// options are parsed first (REDIRECT must name a connected client), then ON checks them
    /// against each other and the client's current mode, in 6.2's order.
    /// Redis: the "tracking" branch of clientCommand (src/networking.c)
    func clientTrackingCommand(_ c: Client) {
        let argv = c.argv, argc = argv.count
        var redirect: UInt64 = 0
        var options: ClientFlags = []
        var prefixes: [ByteString] = []
        var j = 3
        while j < argc {
            let opt = argv[j], more = argc - 1 - j
            if opt.equalsIgnoringCase("redirect") && more > 0 {
                j += 1
                if redirect != 0 { c.addReplyError(Err.trackingRedirectTwice); return }
                guard let id = argv[j].int64Value else { c.addReplyError(Err.notInteger); return }
                // The target must exist now; if it leaves later, the messages stop (broken redirect).
                redirect = UInt64(bitPattern: id)
                if net.client(id: redirect) == nil { c.addReplyError(Err.trackingNoRedirectTarget); return }
            } else if opt.equalsIgnoringCase("bcast") {
                options.insert(.trackingBCAST)
            } else if opt.equalsIgnoringCase("optin") {
                options.insert(.trackingOptin)
            } else if opt.equalsIgnoringCase("optout") {
                options.insert(.trackingOptout)
            } else if opt.equalsIgnoringCase("noloop") {
                options.insert(.trackingNoloop)
            } else if opt.equalsIgnoringCase("prefix") && more > 0 {
                j += 1
                prefixes.append(argv[j])
            } else {
                c.addReplyError(Err.syntax); return
            }
            j += 1
        }
        if argv[2].equalsIgnoringCase("on") {
            let bcast = options.contains(.trackingBCAST)
            if !bcast && !prefixes.isEmpty { c.addReplyError(Err.trackingPrefixNeedsBcast); return }
            if c.flags.contains(.tracking) && c.flags.contains(.trackingBCAST) != bcast {
                c.addReplyError(Err.trackingSwitchBcast); return
            }
            if bcast && !options.isDisjoint(with: [.trackingOptin, .trackingOptout]) {
                c.addReplyError(Err.trackingOptBcast); return
            }
            if options.isSuperset(of: [.trackingOptin, .trackingOptout]) {
                c.addReplyError(Err.trackingOptinOptout); return
            }
            if (options.contains(.trackingOptin) && c.flags.contains(.trackingOptout))
                || (options.contains(.trackingOptout) && c.flags.contains(.trackingOptin)) {
                c.addReplyError(Err.trackingSwitchOpt); return
            }
            if bcast && !checkPrefixCollisionsOrReply(c, prefixes) { return }
            enableTracking(c, redirect: redirect, options: options, prefixes: prefixes)
        } else if argv[2].equalsIgnoringCase("off") {
            disableTracking(c)
        } else {
            c.addReplyError(Err.syntax); return
        }
        c.addReplyOK()
    }

    /// CLIENT CACHING yes|no: in OPTIN mode `yes` makes the next command's keys (or the next
    /// transaction's) remembered; in OPTOUT mode `no` keeps them out. call() clears the flag
    /// after the next command that is not CLIENT and not inside MULTI.
    /// Redis: the "caching" branch of clientCommand (src/networking.c), resetClient
    func clientCachingCommand(_ c: Client) {
        guard c.flags.contains(.tracking) else { c.addReplyError(Err.cachingWithoutTracking); return }
        let opt = c.argv[2]
        if opt.equalsIgnoringCase("yes") {
            guard c.flags.contains(.trackingOptin) else { c.addReplyError(Err.cachingYesNeedsOptin); return }
        } else if opt.equalsIgnoringCase("no") {
            guard c.flags.contains(.trackingOptout) else { c.addReplyError(Err.cachingNoNeedsOptout); return }
        } else {
            c.addReplyError(Err.syntax); return
        }
        c.flags.insert(.trackingCaching)
        c.addReplyOK()
    }

    /// CLIENT GETREDIR: the id invalidations go to, 0 for the client itself, -1 without tracking.
    /// Redis: the "getredir" branch of clientCommand (src/networking.c)
    func clientGetredirCommand(_ c: Client) {
        c.addReplyLongLong(c.flags.contains(.tracking) ? Int64(bitPattern: c.trackingRedirection) : -1)
    }

    /// CLIENT TRACKINGINFO: a map of `flags` (a set: on/off, then bcast, optin and caching-yes,
    /// optout and caching-no, noloop, broken_redirect), `redirect` (as GETREDIR) and `prefixes`.
    /// Redis: the "trackinginfo" branch of clientCommand (src/networking.c)
    func clientTrackingInfoCommand(_ c: Client) {
        let f = c.flags
        var names = [f.contains(.tracking) ? "on" : "off"]
        if f.contains(.trackingBCAST) { names.append("bcast") }
        if f.contains(.trackingOptin) {
            names.append("optin")
            if f.contains(.trackingCaching) { names.append("caching-yes") }
        }
        if f.contains(.trackingOptout) {
            names.append("optout")
            if f.contains(.trackingCaching) { names.append("caching-no") }
        }
        if f.contains(.trackingNoloop) { names.append("noloop") }
        if f.contains(.trackingBrokenRedir) { names.append("broken_redirect") }
        c.addReplyMapLen(3)
        c.addReplyBulk("flags")
        c.addReplySetLen(names.count)
        for n in names { c.addReplyBulk(n) }
        c.addReplyBulk("redirect")
        clientGetredirCommand(c)
        c.addReplyBulk("prefixes")
        let mine = tracking.clientPrefixes[c.id] ?? []
        c.addReplyArrayLen(mine.count)
        for p in mine { c.addReplyBulk(p) }
    }

    // MARK: - Turning tracking on and off

    /// Two prefixes collide when one starts the other: a key under the longer is under both.
    /// Redis: stringCheckPrefix (src/tracking.c)
    static func prefixesOverlap(_ a: ByteString, _ b: ByteString) -> Bool {
        let n = min(a.count, b.count)
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in pa.prefix(n).elementsEqual(pb.prefix(n)) } }
    }

    /// False, after the error, when a new prefix overlaps one the client has or another new one.
    /// Redis: checkPrefixCollisionsOrReply (src/tracking.c)
    func checkPrefixCollisionsOrReply(_ c: Client, _ prefixes: [ByteString]) -> Bool {
        let existing = tracking.clientPrefixes[c.id] ?? []
        for i in prefixes.indices {
            for old in existing where Server.prefixesOverlap(old, prefixes[i]) {
                c.addReplyError(Err.prefixOverlapsExisting(prefixes[i], old))
                return false
            }
            for j in (i + 1)..<prefixes.count where Server.prefixesOverlap(prefixes[i], prefixes[j]) {
                c.addReplyError(Err.prefixOverlapsProvided(prefixes[i], prefixes[j]))
                // Redis returns the index here, not 0: an overlap found past the first prefix
                // counts as success, and the client reads the error *and* +OK (6.2 and 7.0 alike).
                return i != 0
            }
        }
        return true
    }

    /// Turns tracking on (or changes its options): counts the client, sets its redirect and
    /// modes, and in BCAST mode files it under each prefix ("" when none was given: every key).
    /// Redis: enableTracking (src/tracking.c)
    func enableTracking(_ c: Client, redirect: UInt64, options: ClientFlags, prefixes: [ByteString]) {
        if !c.flags.contains(.tracking) { tracking.clients += 1 }
        c.flags.insert(.tracking)
        c.flags.remove([.trackingBrokenRedir, .trackingBCAST, .trackingOptin, .trackingOptout, .trackingNoloop])
        c.trackingRedirection = redirect
        if options.contains(.trackingBCAST) {
            c.flags.insert(.trackingBCAST)
            if prefixes.isEmpty { enableBcastTracking(c, prefix: ByteString()) }
            for p in prefixes { enableBcastTracking(c, prefix: p) }
        }
        c.flags.formUnion(options.intersection([.trackingOptin, .trackingOptout, .trackingNoloop]))
        if tracer.on(.cmd) {
            tracer.emit(.cmd, .event, "id=\(c.id) tracking on flags=\(c.flagLetters) redir=\(redirect) prefixes=\(tracking.clientPrefixes[c.id]?.count ?? 0)", fn: "enableTracking")
        }
    }

    /// Files a BCAST client under `prefix`, once. Redis: enableBcastTrackingForPrefix
    func enableBcastTracking(_ c: Client, prefix: ByteString) {
        let bs: BroadcastState
        if let old = tracking.prefixes[prefix] { bs = old } else {
            bs = BroadcastState()
            tracking.prefixes[prefix] = bs
        }
        guard !bs.clients.contains(where: { $0 === c }) else { return }
        bs.clients.append(c)
        var mine = tracking.clientPrefixes[c.id] ?? []
        mine.insert(prefix, at: mine.firstIndex { $0 > prefix } ?? mine.endIndex)
        tracking.clientPrefixes[c.id] = mine
    }

    /// Turns tracking off: the client leaves its prefixes and loses its tracking flags. Its ids in
    /// the table stay until those keys change (dropping them now would cost a walk of the table).
    /// Redis: disableTracking (src/tracking.c)
    func disableTracking(_ c: Client) {
        if c.flags.contains(.trackingBCAST) {
            for p in tracking.clientPrefixes.removeValue(forKey: c.id) ?? [] {
                guard let bs = tracking.prefixes[p] else { continue }
                bs.clients.removeAll { $0 === c }
                if bs.clients.isEmpty { tracking.prefixes[p] = nil }
            }
        }
        if c.flags.contains(.tracking) {
            // Off in the middle of its own command: call() will not clear the blame.
            if tracking.callerId == c.id { tracking.callerId = 0 }
            tracking.clients -= 1
            c.flags.remove([.tracking, .trackingBrokenRedir, .trackingBCAST, .trackingOptin,
                            .trackingOptout, .trackingCaching, .trackingNoloop])
            if tracer.on(.cmd) { tracer.emit(.cmd, .event, "id=\(c.id) tracking off", fn: "disableTracking") }
        }
    }

    // MARK: - Remembering what a client read

    // snippet.trackingRememberKeys
    /// After a command of a tracking client: a read-only command's keys are remembered for it
    /// (unless OPTIN without CACHING yes, or OPTOUT with CACHING no), CACHING is spent unless
    /// the command was CLIENT or is queued in a transaction, and the table is kept within its
    /// limit (it grows only here). call() comes here only for a tracking client.
    /// Redis: the CMD_READONLY test of call() (src/server.c), trackingRememberKeys
    /// (src/tracking.c), the CLIENT_TRACKING_CACHING reset of resetClient
    func trackingAfterCommand(_ c: Client, _ cmd: RedisCommand) {
        tracking.callerId = 0
        let caching = c.flags.contains(.trackingCaching)
        if cmd.flags.contains(.readonly) && !c.flags.contains(.trackingBCAST)
            && !(c.flags.contains(.trackingOptin) && !caching)
            && !(c.flags.contains(.trackingOptout) && caching) {
            for i in cmd.keyPositions(c.argv) {
                if tracking.table[c.argv[i], default: []].insert(c.id).inserted { tracking.totalItems += 1 }
            }
        }
        if caching && !c.flags.contains(.multi) && cmd !== clientCommandEntry { c.flags.remove(.trackingCaching) }
        trackingLimitUsedSlots()
    }
    // snippet.end

    /// The CLIENT command's table entry: CACHING lasts across it. Redis: prevcmd != clientCommand
    var clientCommandEntry: RedisCommand? { commands.lookup(ByteString("client")) }

    // MARK: - Invalidating

    // snippet.trackingInvalidateKey
    /// A key changed: it is queued for the BCAST prefixes it is under, and every client that read
    /// it (still tracking, not in BCAST mode, not NOLOOP with the change its own) is told, once:
    /// the entry goes, until the key is read again. With `bcast` false (the table's eviction) the
    /// prefixes are left alone: nothing changed. Redis: trackingInvalidateKeyRaw (src/tracking.c)
    func trackingInvalidateKey(_ key: ByteString, bcast: Bool = true) {
        let caller = tracking.callerId
        if bcast && !tracking.prefixes.isEmpty { trackingRememberKeyToBroadcast(key, caller: caller) }
        guard let ids = tracking.table.removeValue(forKey: key) else { return }
        tracking.totalItems -= ids.count
        for id in ids.sorted() {
            guard let target = net.client(id: id), target.flags.contains(.tracking),
                  !target.flags.contains(.trackingBCAST) else { continue }
            if target.flags.contains(.trackingNoloop) && id == caller { continue }
            sendTrackingMessage(target, .key(key))
        }
    }
    // snippet.end

    /// Notes a changed key under every prefix it starts with ("" matches all), with the client
    /// that changed it first in this turn. Redis: trackingRememberKeyToBroadcast (src/tracking.c)
    func trackingRememberKeyToBroadcast(_ key: ByteString, caller: UInt64) {
        for (prefix, bs) in tracking.prefixes where prefix.count <= key.count && Server.prefixesOverlap(prefix, key) {
            if bs.keys[key] == nil { bs.keys[key] = caller }
        }
    }

    /// FLUSHDB, FLUSHALL (any emptying of a database): every tracking client hears "everything
    /// changed" — a null, not a list of keys — and the table starts empty.
    /// Redis: trackingInvalidateKeysOnFlush (src/tracking.c), called from signalFlushedDb
    func trackingInvalidateKeysOnFlush() {
        if tracking.clients > 0 {
            for c in net.clients where c.flags.contains(.tracking) { sendTrackingMessage(c, .all) }
        }
        tracking.table.removeAll()
        tracking.totalItems = 0
    }

    // snippet.sendTrackingMessage
    /// Sends one invalidation for tracking client `c`: to the client it redirects to, or to
    /// itself. A RESP3 receiver gets a `>2 invalidate …` push; a RESP2 one only through a
    /// redirect, as a pub/sub message on `__redis__:invalidate`, if it is subscribed; otherwise
    /// nothing can be sent. A redirect whose target has gone marks `c` broken and, in RESP3,
    /// tells it with a `tracking-redir-broken` push. Redis: sendTrackingMessage (src/tracking.c)
    func sendTrackingMessage(_ c: Client, _ what: Invalidation) {
        var target = c
        let redirected = c.trackingRedirection != 0
        if redirected {
            guard let other = net.client(id: c.trackingRedirection) else {
                c.flags.insert(.trackingBrokenRedir)
                if c.resp > 2 {
                    c.addReplyPushLen(2)
                    c.addReplyBulk("tracking-redir-broken")
                    c.addReplyLongLong(Int64(bitPattern: c.trackingRedirection))
                }
                if tracer.on(.net) {
                    tracer.emit(.net, .netOut, "id=\(c.id) tracking-redir-broken \(c.trackingRedirection)", fn: "sendTrackingMessage")
                }
                return
            }
            target = other
        }
        if target.resp > 2 {
            target.addReplyPushLen(2)
            target.addReplyBulk("invalidate")
        } else if redirected && target.flags.contains(.pubsub) {
            // (Even a redirect to itself: a RESP2 client may subscribe after turning tracking on.)
            target.addReplyPushLen(3)
            target.addReplyBulk("message")
            target.addReplyBulk("__redis__:invalidate")
        } else {
            return  // RESP2 on its own connection: there is no way to say it.
        }
        switch what {
        case .key(let key):
            target.addReplyArrayLen(1)
            target.addReplyBulk(key)
        case .all:
            // The null of the *tracking* client's protocol, even when the receiver speaks the
            // other one: Redis picks shared.null[c->resp] before it looks at the redirect.
            if c.resp > 2 { target.addReply("_\r\n") } else { target.addReply("$-1\r\n") }
        case .proto(let bytes):
            bytes.withUnsafeBytes { if let p = $0.baseAddress { target.addReplyRaw(p, count: $0.count) } }
        }
        if tracer.on(.net) { traceInvalidation(c, target, what) }
    }
    // snippet.end

    /// One `net>` trace line per invalidation sent.
    func traceInvalidation(_ c: Client, _ target: Client, _ what: Invalidation) {
        let keys: String
        switch what {
        case .key(let key): keys = "[\(key)]"
        case .all: keys = "(all)"
        case .proto(let bytes): keys = RESPEscape.escape(bytes, limit: 64)
        }
        let via = c.trackingRedirection == 0 ? "" : " via id=\(target.id)"
        tracer.emit(.net, .netOut, "id=\(c.id)\(via) invalidate \(keys)", fn: "sendTrackingMessage")
    }

    // MARK: - Broadcasting

    /// `*n` and the bulk keys, in byte order, leaving out those last changed by `excluded`
    /// (a NOLOOP client); nil when that leaves none. Redis: trackingBuildBroadcastReply
    static func broadcastReply(_ keys: [(key: ByteString, by: UInt64)], excluding excluded: UInt64?) -> [UInt8]? {
        let chosen = excluded.map { id in keys.filter { $0.by != id } } ?? keys
        if chosen.isEmpty && excluded != nil { return nil }
        var out = Array("*\(chosen.count)\r\n".utf8)
        for (key, _) in chosen {
            out += Array("$\(key.count)\r\n".utf8)
            key.withUnsafeBytes { out.append(contentsOf: $0) }
            out += [13, 10]
        }
        return out
    }

    // snippet.trackingBroadcast
    /// Before the loop sleeps: for each prefix with changed keys, one message with all of them to
    /// each of its clients (a NOLOOP client gets its own copy without the keys it changed), then
    /// the prefix starts collecting afresh. Redis: trackingBroadcastInvalidationMessages
    func trackingBroadcastInvalidationMessages() {
        guard tracking.clients > 0 else { return }
        for (_, bs) in tracking.prefixes.sorted(by: { $0.key < $1.key }) where !bs.keys.isEmpty {
            let keys = bs.keys.map { (key: $0.key, by: $0.value) }.sorted { $0.key < $1.key }
            bs.keys.removeAll()
            guard let common = Server.broadcastReply(keys, excluding: nil) else { continue }
            for c in bs.clients {
                if c.flags.contains(.trackingNoloop) {
                    if let own = Server.broadcastReply(keys, excluding: c.id) { sendTrackingMessage(c, .proto(own)) }
                } else {
                    sendTrackingMessage(c, .proto(common))
                }
            }
        }
    }
    // snippet.end

    // MARK: - The table's limit

    /// Past `tracking-table-max-keys` keys, forgets some, telling their readers as if they had
    /// changed; up to 100 keys a round, 100 more for every round in a row that fell short.
    /// Redis: trackingLimitUsedSlots (src/tracking.c)
    /// SIMPLIFICATION: Redis runs it in processCommand before every command while any client
    /// tracks; we run it after each tracked command (the only place the table grows) and after
    /// CONFIG SET, so a command of an untracked client pays nothing.
    func trackingLimitUsedSlots() {
        let max = config.trackingTableMaxKeys
        if max == 0 { return }
        if tracking.table.count <= max { tracking.limitRounds = 0; return }
        let effort = 100 * (tracking.limitRounds + 1)
        // Hash order stands in for Redis's random walk: it favours no key.
        let victims = Array(tracking.table.keys.prefix(effort))
        for key in victims {
            trackingInvalidateKey(key, bcast: false)
            if tracking.table.count <= max { tracking.limitRounds = 0; return }
        }
        tracking.limitRounds += 1
    }
}

// The names a reader of src/tracking.c and src/networking.c will grep for.
extension Server {
    @available(*, unavailable, renamed: "trackingAfterCommand")
    func trackingRememberKeys(_ c: Client) {}
    @available(*, unavailable, renamed: "trackingInvalidateKey")
    func trackingInvalidateKeyRaw(_ key: ByteString) {}
    @available(*, unavailable, renamed: "enableBcastTracking")
    func enableBcastTrackingForPrefix(_ c: Client, _ prefix: ByteString) {}
    @available(*, unavailable, renamed: "broadcastReply")
    func trackingBuildBroadcastReply(_ c: Client) {}
}
