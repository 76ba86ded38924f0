// Blocking operations: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH on lists, BZPOPMIN, BZPOPMAX on sorted sets.
//
// A client that pops from an empty list can ask to wait. The server cannot wait for it: it has
// thousands of other clients. So the client is *parked*: it is written down as waiting on its
// keys, its input is no longer processed, and the command returns. Later:
//
//  1) another client pushes onto one of those keys: the push marks the key *ready*
//     (signalKeyAsReady);
//  2) right after that command, serveClientsBlockedOnKeys pops for the waiting clients, oldest
//     first, as long as the list has elements, replies to each, and propagates what really
//     happened (an LPOP or an LMOVE, never the BLPOP, which a replica could not replay);
//  3) or its timeout passes: beforeSleep replies with a null and lets it go.
//
//     client A: BLPOP q 0 ──▶ q empty ──▶ blocked on q        ┐
//     client B: RPUSH q x ──▶ q ready ──▶ serve A: LPOP q ──▶ A gets [q, x]
//
// Redis: blockForKeys, signalKeyAsReady, handleClientsBlockedOnKeys, serveClientBlockedOnList,
// unblockClient, replyToBlockedClientTimedOut (src/blocked.c), blockingPopGenericCommand,
// blmoveGenericCommand (src/t_list.c), bzpopMinMaxCommand, genericZpopCommand (src/t_zset.c),
// serveClientBlockedOnSortedSet (src/blocked.c).
// SIMPLIFICATION: timeouts are checked in beforeSleep by scanning the blocked clients (Redis
// keeps them in a radix tree sorted by time); the cron wakes the loop at least `hz` times a
// second, so a timeout fires within 1000/hz ms of its time.

import RedisCore
import RedisRESP

/// The keys clients wait on, per database, and the keys made ready since the last check.
/// Redis: redisDb.blocking_keys, server.ready_keys
public struct BlockingState {
    var waiting: [Int: [ByteString: [Client]]] = [:]
    var ready: [(db: Int, key: ByteString)] = []
    var readySet: Set<String> = []
    /// Every blocked client (for timeouts, INFO blocked_clients).
    var clients: [ObjectIdentifier: Client] = [:]
    public init() {}
}

extension Keyspace {
    func registerBlockingCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("blpop", -3, "write no-script @list @blocking", 1, -2, 1) { ks.blockingPop($0, front: true) })
        t.register(RedisCommand("brpop", -3, "write no-script @list @blocking", 1, -2, 1) { ks.blockingPop($0, front: false) })
        t.register(RedisCommand("brpoplpush", 4, "write use-memory no-script @list @blocking", 1, 2, 1) { ks.blockingMove($0) })
        t.register(RedisCommand("blmove", 6, "write use-memory no-script @list @blocking", 1, 2, 1) { ks.blockingMove($0) })
        t.register(RedisCommand("bzpopmin", -3, "write no-script fast @sortedset @blocking", 1, -2, 1) { ks.blockingZPop($0, max: false) })
        t.register(RedisCommand("bzpopmax", -3, "write no-script fast @sortedset @blocking", 1, -2, 1) { ks.blockingZPop($0, max: true) })
    }

    /// Clients blocked right now (INFO blocked_clients).
    public var blockedClientCount: Int { blocking.clients.count }

    /// The timeout argument in seconds (decimals allowed), as an absolute unix time in ms; 0 for
    /// none. nil after replying with the error. Redis: getTimeoutFromObjectOrReply (src/timeout.c)
    func blockTimeout(_ c: Client, _ arg: ByteString) -> Int64? {
        guard let secs = arg.doubleValue, secs.isFinite, secs * 1000 < Double(Int64.max / 2) else {
            c.addReplyError("ERR timeout is not a float or out of range"); return nil
        }
        if secs < 0 { c.addReplyError("ERR timeout is negative"); return nil }
        let ms = Int64((secs * 1000).rounded(.up))
        return ms == 0 ? 0 : nowMs + ms
    }

    /// BLPOP key [key …] timeout, BRPOP: pop from the first non-empty list, or wait.
    /// Redis: blockingPopGenericCommand (src/t_list.c)
    func blockingPop(_ c: Client, front: Bool) {
        guard let timeout = blockTimeout(c, c.argv[c.argv.count - 1]) else { return }
        let d = db(c)
        let keys = Array(c.argv[1..<(c.argv.count - 1)])
        for key in keys {
            switch listLookup(d, key, write: true) {
            case .wrongType: c.addReplyError(Err.wrongType); return
            case .none: continue
            case .list(let l):
                let value = (front ? l.popFront() : l.popBack())!
                c.addReplyArrayLen(2)
                c.addReplyBulk(key)
                c.addReplyBulk(value)
                listChanged(d, key, l)
                dirty += 1
                // What happened is a plain pop: propagate that.
                c.argv = [front ? "LPOP" : "RPOP", key]
                return
            }
        }
        block(c, on: keys, timeout: timeout)
    }

    /// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH source destination timeout.
    /// Redis: blmoveGenericCommand (src/t_list.c)
    func blockingMove(_ c: Client) {
        let isBLMove = c.argv.count == 6
        if isBLMove {
            guard (c.argv[3].equalsIgnoringCase("left") || c.argv[3].equalsIgnoringCase("right")),
                  (c.argv[4].equalsIgnoringCase("left") || c.argv[4].equalsIgnoringCase("right")) else {
                c.addReplyError(Err.syntax); return
            }
        }
        guard let timeout = blockTimeout(c, c.argv[c.argv.count - 1]) else { return }
        let fromFront = isBLMove && c.argv[3].equalsIgnoringCase("left")
        let toFront = !isBLMove || c.argv[4].equalsIgnoringCase("left")
        switch listLookup(db(c), c.argv[1], write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .list:
            lmove(c, fromFront: fromFront, toFront: toFront)
            c.argv = ["LMOVE", c.argv[1], c.argv[2], fromFront ? "LEFT" : "RIGHT", toFront ? "LEFT" : "RIGHT"]
        case .none:
            block(c, on: [c.argv[1]], timeout: timeout)
        }
    }

    /// BZPOPMIN key [key …] timeout, BZPOPMAX: pop the lowest (highest) scored member of the first
    /// non-empty sorted set, answering `[key, member, score]`, or wait. Redis: bzpopMinMaxCommand
    func blockingZPop(_ c: Client, max: Bool) {
        guard let timeout = blockTimeout(c, c.argv[c.argv.count - 1]) else { return }
        let d = db(c)
        let keys = Array(c.argv[1..<(c.argv.count - 1)])
        for key in keys {
            switch zsetLookup(d, key, write: true) {
            case .wrongType: c.addReplyError(Err.wrongType); return
            case .none: continue
            case .zset(let z):
                popOneScored(c, d, key, z, max: max)
                // Propagated as the plain pop it was.
                c.argv = [max ? "ZPOPMAX" : "ZPOPMIN", key]
                return
            }
        }
        block(c, on: keys, timeout: timeout)
    }

    /// Pops one end of `z` for `c`: a flat array of key, member and score, in RESP3 too.
    /// Redis: genericZpopCommand with emitkey (src/t_zset.c)
    func popOneScored(_ c: Client, _ d: Database, _ key: ByteString, _ z: ZSetValue, max: Bool) {
        let rank = max ? z.count - 1 : 0
        c.addReplyArrayLen(3)
        c.addReplyBulk(key)
        z.forEach(ranks: rank, rank, reverse: max) { e in
            c.addReplyBulk(e.member)
            c.addReplyDouble(e.score)
        }
        z.removeRanks(rank, rank)
        zsetChanged(d, key, z)
        dirty += 1
    }

    // snippet.blockForKeys
    /// Parks `c` until one of `keys` gets an element or `timeout` (unix ms, 0: never) passes.
    /// Redis: blockForKeys (src/blocked.c)
    func block(_ c: Client, on keys: [ByteString], timeout: Int64) {
        // Inside MULTI (run by EXEC) nobody may wait: the transaction must finish in one go, so
        // the command answers as if its timeout had passed. Redis: the CLIENT_DENY_BLOCKING
        // test of blockingPopGenericCommand (src/t_list.c)
        if c.flags.contains(.multi) {
            if !c.argv[0].equalsIgnoringCase("blmove") && !c.argv[0].equalsIgnoringCase("brpoplpush") {
                c.addReplyNullArray()
            } else {
                c.addReplyNull()
            }
            return
        }
        c.flags.insert(.blocked)
        c.blockedKeys = keys
        c.blockedDb = c.db
        c.blockedArgv = c.argv
        c.blockTimeoutMs = timeout
        for k in keys { blocking.waiting[c.db, default: [:]][k, default: []].append(c) }
        blocking.clients[ObjectIdentifier(c)] = c
        if tracer.on(.cmd) {
            tracer.transition(.cmd, "id=\(c.id) waits on " + keys.map { "\($0)" }.joined(separator: " ") + (timeout == 0 ? "" : " for \(timeout - nowMs)ms"),
                              from: "NORMAL", to: "BLOCKED", fn: "blockForKeys")
        }
    }
    // snippet.end

    /// Removes `c` from every key it waits on. Redis: unblockClientWaitingData (src/blocked.c)
    func unpark(_ c: Client) {
        for k in c.blockedKeys {
            blocking.waiting[c.blockedDb]?[k]?.removeAll { $0 === c }
            if blocking.waiting[c.blockedDb]?[k]?.isEmpty == true { blocking.waiting[c.blockedDb]?[k] = nil }
        }
        blocking.clients[ObjectIdentifier(c)] = nil
    }

    /// A client that disconnects while blocked stops waiting. Redis: freeClient → unblockClient
    public func forgetBlocked(_ c: Client) {
        if c.flags.contains(.blocked) { unpark(c); c.flags.remove(.blocked) }
    }

    /// Notes that `key` got elements, if anyone waits on it. Redis: signalKeyAsReady (src/blocked.c)
    func signalKeyAsReady(_ db: Int, _ key: ByteString) {
        guard blocking.waiting[db]?[key] != nil else { return }
        let id = "\(db) " + key.stringValue
        if blocking.readySet.insert(id).inserted { blocking.ready.append((db, key)) }
    }

    /// Marks ready every key of database `db` that someone waits on and that now exists, after
    /// SWAPDB put another database's keys under them; serveClientsBlockedOnKeys then checks the
    /// type. Redis: scanDatabaseForReadyLists (src/db.c)
    func signalReadyKeys(inDb db: Int) {
        guard let waited = blocking.waiting[db] else { return }
        for key in waited.keys where dbs[db].dict.find(key) != 0 { signalKeyAsReady(db, key) }
    }

    // snippet.serveClientsBlockedOnKeys
    /// Serves clients blocked on keys that became ready, oldest client first, as long as the
    /// keys have elements. Redis: handleClientsBlockedOnKeys, serveClientBlockedOnList,
    /// serveClientBlockedOnSortedSet
    public func serveClientsBlockedOnKeys() {
        while !blocking.ready.isEmpty {
            let batch = blocking.ready
            blocking.ready.removeAll()
            blocking.readySet.removeAll()
            for (dbIndex, key) in batch {
                let d = dbs[dbIndex]
                // A key serves the clients that wait for its type: a list the list blocks, a
                // sorted set BZPOPMIN and BZPOPMAX, oldest first, while it has elements.
                while let waiters = blocking.waiting[dbIndex]?[key], let o = lookupWrite(d, key) {
                    var next: Client? = nil
                    switch o {
                    case .list(let l) where l.count > 0: next = waiters.first { !Keyspace.waitsForZSet($0) }
                    case .zset(let z) where z.count > 0: next = waiters.first { Keyspace.waitsForZSet($0) }
                    default: break
                    }
                    guard let c = next else { break }
                    unpark(c)
                    let argv = c.blockedArgv
                    let name = argv[0].lowercasedASCII
                    let saved = c.argv, savedDb = c.db
                    c.db = dbIndex
                    if case .zset(let z) = o {
                        let max = name == "bzpopmax"
                        popOneScored(c, d, key, z, max: max)
                        propagate?(dbIndex, [max ? "ZPOPMAX" : "ZPOPMIN", key])
                    } else if case .list(let l) = o, name == "blpop" || name == "brpop" {
                        let front = name == "blpop"
                        let value = (front ? l.popFront() : l.popBack())!
                        c.addReplyArrayLen(2)
                        c.addReplyBulk(key)
                        c.addReplyBulk(value)
                        listChanged(d, key, l)
                        dirty += 1
                        propagate?(dbIndex, [front ? "LPOP" : "RPOP", key])
                    } else {
                        // BLMOVE / BRPOPLPUSH: the same move LMOVE makes, propagated as LMOVE.
                        let isBLMove = argv.count == 6
                        let fromFront = isBLMove && argv[3].equalsIgnoringCase("left")
                        let toFront = !isBLMove || argv[4].equalsIgnoringCase("left")
                        c.argv = argv
                        lmove(c, fromFront: fromFront, toFront: toFront)
                        propagate?(dbIndex, ["LMOVE", argv[1], argv[2], fromFront ? "LEFT" : "RIGHT", toFront ? "LEFT" : "RIGHT"])
                    }
                    c.argv = saved
                    c.db = savedDb
                    if tracer.on(.cmd) {
                        tracer.transition(.cmd, "id=\(c.id) served from \(key)", from: "BLOCKED", to: "NORMAL",
                                          fn: Keyspace.waitsForZSet(c) ? "serveClientBlockedOnSortedSet" : "serveClientBlockedOnList")
                    }
                    c.unblock()
                }
            }
        }
    }
    // snippet.end

    /// Whether a blocked client waits for a sorted set (BZPOPMIN, BZPOPMAX) rather than a list.
    static func waitsForZSet(_ c: Client) -> Bool {
        c.blockedArgv.first.map { $0.count == 8 && ($0.lowercasedASCII == "bzpopmin" || $0.lowercasedASCII == "bzpopmax") } ?? false
    }

    /// Replies null to blocked clients whose time has come. Redis: handleBlockedClientsTimeout,
    /// replyToBlockedClientTimedOut (src/timeout.c, src/blocked.c)
    public func handleBlockedClientsTimeout() {
        if blocking.clients.isEmpty { return }
        let now = clock.mstime()
        for c in blocking.clients.values where c.blockTimeoutMs != 0 && c.blockTimeoutMs <= now {
            endWait(c, error: nil, why: "timed out", fn: "replyToBlockedClientTimedOut")
        }
    }

    /// CLIENT UNBLOCK: ends `c`'s wait on keys as if its timeout had passed, or with `error`.
    /// False if `c` waits on no key (a client held by CLIENT PAUSE is not blocked on keys).
    /// Redis: the "unblock" branch of clientCommand (src/networking.c), unblockClient (src/blocked.c)
    public func unblockClient(_ c: Client, error: String?) -> Bool {
        guard blocking.clients[ObjectIdentifier(c)] != nil else { return false }
        endWait(c, error: error, why: error == nil ? "unblocked (timeout)" : "unblocked (error)", fn: "unblockClient")
        return true
    }

    /// Stops `c` waiting and answers it: the timeout's null, or `error`.
    func endWait(_ c: Client, error: String?, why: String, fn: StaticString) {
        unpark(c)
        // Every list and sorted-set block times out with a null *array*, BLMOVE's too,
        // although BLMOVE's non-blocking answer on an empty list is a null bulk. Redis: the
        // BLOCKED_LIST and BLOCKED_ZSET case of replyToBlockedClientTimedOut (src/blocked.c)
        if let e = error { c.addReplyError(e) } else { c.addReplyNullArray() }
        if tracer.on(.cmd) {
            tracer.transition(.cmd, "id=\(c.id) \(why)", from: "BLOCKED", to: "NORMAL", fn: fn)
        }
        c.unblock()
    }
}

// The names a reader of src/db.c will grep for.
extension Keyspace {
    @available(*, unavailable, renamed: "signalReadyKeys(inDb:)")
    func scanDatabaseForReadyLists(_ db: Int) {}
}
