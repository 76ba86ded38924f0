// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// A transaction is a list of commands queued by one client and run by EXEC in one go, with no
// other client's command in between. Nothing is locked while the client queues: the server is
// single-threaded, so "in one go" is simply one turn of the event loop.
//
//     MULTI ──▶ flags += multi            every command after it: checked, queued, +QUEUED
//     SET a 1 ─▶ +QUEUED                  (a command that fails its checks, e.g. an unknown
//     INCR b ──▶ +QUEUED                   name or a wrong arity, flags the transaction dirty)
//     EXEC ───▶ dirty? ─ yes ─▶ -EXECABORT …
//                  │ no
//               a watched key touched? ─ yes ─▶ null: nothing ran
//                  │ no
//               run each queued command through call(); reply with an array of their replies
//
// WATCH is optimistic locking: it asks nothing to wait. It notes the keys, and every write to
// one of them, by any client (or by expiry, or by a FLUSH), marks each watcher's client
// `dirtyCAS`; EXEC then refuses to run. A client reads a value, WATCHes it, computes and queues
// the write: if someone changed the value meanwhile, its EXEC answers null and it tries again.
//
// What EXEC ran reaches the AOF (and replicas) wrapped in MULTI … EXEC, so a reload or a
// replica applies the whole transaction or, if the file ends in the middle, none of it. The
// MULTI is written only when the first write is propagated: a read-only transaction writes
// nothing.
//
// Redis: multiCommand, execCommand, discardCommand, watchCommand, unwatchCommand,
// queueMultiCommand, flagTransaction, touchWatchedKey, touchAllWatchedKeysInDb,
// isWatchedKeyExpired, execCommandPropagateMulti (src/multi.c), the CLIENT_MULTI branch of
// processCommand and the in_exec test of propagate (src/server.c).

import RedisCore
import RedisKeyspace
import RedisRESP

/// One client's transaction: its queued commands and the keys it watches. Redis: multiState,
/// client.watched_keys (src/server.h)
final class Transaction {
    /// Queued since MULTI, with the arguments they were queued with. Redis: mstate.commands
    var queued: [(cmd: RedisCommand, argv: [ByteString])] = []
    /// Keys watched by this client, with their database. Redis: c->watched_keys
    var watched: [(db: Int, key: ByteString)] = []
}

/// The server's side of transactions: who watches what, and the propagation of EXEC.
final class TransactionState {
    /// Per client (by identity), while it is in MULTI or watches a key.
    var byClient: [ObjectIdentifier: Transaction] = [:]
    /// Database → key → clients watching it. Redis: redisDb.watched_keys
    var watchers: [Int: [ByteString: [Client]]] = [:]
    /// EXEC is running its queued commands. Redis: server.in_exec
    var inExec = false
    /// The EXEC command itself, which call() must not propagate (it propagates its commands).
    var execCommand: RedisCommand?
    /// A MULTI has been propagated for the running EXEC, so an EXEC must follow.
    /// Redis: server.propagate_in_transaction
    var propagatedMulti = false
}

extension Server {
    func registerTransactionCommands() {
        unowned(unsafe) let s = self
        let t = commands
        t.register(RedisCommand("multi", 1, "no-script fast ok-loading ok-stale @transaction", 0, 0, 0) { s.multiCommand($0) })
        let exec = RedisCommand("exec", 1, "no-script no-slowlog ok-loading ok-stale @transaction", 0, 0, 0) { s.execCommand($0) }
        t.register(exec)
        tx.execCommand = exec
        t.register(RedisCommand("discard", 1, "no-script fast ok-loading ok-stale @transaction", 0, 0, 0) { s.discardCommand($0) })
        t.register(RedisCommand("watch", -2, "no-script fast ok-loading ok-stale @transaction", 1, -1, 1) { s.watchCommand($0) })
        t.register(RedisCommand("unwatch", 1, "no-script fast ok-loading ok-stale @transaction", 0, 0, 0) { s.unwatchCommand($0) })
    }

    /// The client's transaction record, created on first use.
    func transaction(_ c: Client) -> Transaction {
        let id = ObjectIdentifier(c)
        if let t = tx.byClient[id] { return t }
        let t = Transaction()
        tx.byClient[id] = t
        return t
    }

    /// True for the commands that act on the transaction itself, which MULTI does not queue:
    /// EXEC, DISCARD, MULTI and WATCH (the last two to refuse), and RESET, which ends it. UNWATCH
    /// is queued, as in Redis, and runs inside EXEC, where it changes nothing.
    /// Redis: the command list in processCommand's CLIENT_MULTI test (src/server.c)
    /// What `cmd` may do, for the checks processCommand makes before running it: its own flags,
    /// and for EXEC those of every command it would run. Redis: c->mstate.cmd_flags, the union
    /// queueMultiCommand keeps (src/multi.c)
    func flagsWithQueue(_ c: Client, _ cmd: RedisCommand) -> CommandFlags {
        guard cmd === tx.execCommand, let t = tx.byClient[ObjectIdentifier(c)] else { return cmd.flags }
        return t.queued.reduce(cmd.flags) { $0.union($1.cmd.flags) }
    }

    func runsInsideMulti(_ cmd: RedisCommand) -> Bool {
        switch cmd.name {
        case "exec", "discard", "multi", "watch", "reset": return true
        default: return false
        }
    }

    // MARK: - MULTI, queueing, DISCARD

    /// MULTI: start queueing. Redis: multiCommand (src/multi.c)
    func multiCommand(_ c: Client) {
        if c.flags.contains(.multi) { c.addReplyError("ERR MULTI calls can not be nested"); return }
        c.flags.insert(.multi)
        c.multiCount = 0
        _ = transaction(c)
        if tracer.on(.cmd) { tracer.transition(.cmd, "id=\(c.id) MULTI", from: "NORMAL", to: "MULTI", fn: "multiCommand") }
        c.addReplyOK()
    }

    // snippet.queueMultiCommand
    /// Queues the command in `c.argv` and answers +QUEUED. A transaction already doomed queues
    /// nothing more, since EXEC will not run it anyway. Redis: queueMultiCommand (src/multi.c)
    func queueMultiCommand(_ c: Client, _ cmd: RedisCommand) {
        if !c.flags.contains(.dirtyExec) && !c.flags.contains(.dirtyCAS) {
            transaction(c).queued.append((cmd, c.argv))
            c.multiCount += 1
        }
        if tracer.on(.cmd) {
            tracer.emit(.cmd, .event, "id=\(c.id) queued #\(c.multiCount) " + c.argv.map { "\($0)" }.joined(separator: " "), fn: "queueMultiCommand")
        }
        c.addReply("+QUEUED\r\n")
    }

    /// A command that failed its checks inside MULTI dooms the transaction: EXEC will answer
    /// EXECABORT. Redis: flagTransaction (src/multi.c)
    func flagTransaction(_ c: Client) {
        if c.flags.contains(.multi) { c.flags.insert(.dirtyExec) }
    }
    // snippet.end

    /// Leaves MULTI and forgets the queue and the watched keys. Redis: discardTransaction
    func discardTransaction(_ c: Client) {
        if let t = tx.byClient[ObjectIdentifier(c)] { t.queued.removeAll() }
        c.flags.subtract([.multi, .dirtyCAS, .dirtyExec])
        c.multiCount = -1
        unwatchAllKeys(c)
    }

    /// DISCARD. Redis: discardCommand (src/multi.c)
    func discardCommand(_ c: Client) {
        guard c.flags.contains(.multi) else { c.addReplyError("ERR DISCARD without MULTI"); return }
        discardTransaction(c)
        if tracer.on(.cmd) { tracer.transition(.cmd, "id=\(c.id) DISCARD", from: "MULTI", to: "NORMAL", fn: "discardCommand") }
        c.addReplyOK()
    }

    // MARK: - EXEC

    // snippet.execCommand
    /// EXEC: runs the queue, or refuses to. Redis: execCommand (src/multi.c)
    func execCommand(_ c: Client) {
        guard c.flags.contains(.multi) else { c.addReplyError("ERR EXEC without MULTI"); return }
        // A watched key that has expired counts as changed, even if nobody deleted it yet.
        if isWatchedKeyExpired(c) { c.flags.insert(.dirtyCAS) }
        if c.flags.contains(.dirtyExec) || c.flags.contains(.dirtyCAS) {
            let aborted = c.flags.contains(.dirtyExec)
            if aborted {
                c.addReplyError("EXECABORT Transaction discarded because of previous errors.")
            } else {
                c.addReplyNullArray()
            }
            if tracer.on(.cmd) {
                tracer.transition(.cmd, "id=\(c.id) EXEC " + (aborted ? "aborted: a command failed to queue" : "refused: a watched key changed"),
                                  from: "MULTI", to: "NORMAL", fn: "execCommand")
            }
            discardTransaction(c)
            return
        }
        // Once EXEC starts, watching is over: its own writes must not mark it dirty.
        unwatchAllKeys(c)
        let queued = transaction(c).queued
        let savedArgv = c.argv
        if tracer.on(.cmd) { tracer.transition(.cmd, "id=\(c.id) EXEC runs \(queued.count) commands", from: "MULTI", to: "EXEC", fn: "execCommand") }
        tx.inExec = true
        c.addReplyArrayLen(queued.count)
        for (cmd, argv) in queued {
            c.argv = argv
            // While loading the AOF, the commands only rebuild the dataset: no propagation, no
            // statistics. Redis: call(c, server.loading ? CMD_CALL_NONE : CMD_CALL_FULL)
            if keyspace.loading { cmd.proc(c) } else { call(c, cmd) }
        }
        tx.inExec = false
        c.argv = savedArgv
        discardTransaction(c)
        // The MULTI went out with the first write; close it.
        if tx.propagatedMulti {
            propagate(db: c.db, ["EXEC"])
            tx.propagatedMulti = false
        }
        if tracer.on(.cmd) { tracer.transition(.cmd, "id=\(c.id) EXEC done", from: "EXEC", to: "NORMAL", fn: "execCommand") }
    }
    // snippet.end

    // MARK: - WATCH

    /// WATCH key [key …]. Redis: watchCommand, watchForKey (src/multi.c)
    func watchCommand(_ c: Client) {
        if c.flags.contains(.multi) { c.addReplyError("ERR WATCH inside MULTI is not allowed"); return }
        let t = transaction(c)
        for key in c.argv[1...] where !t.watched.contains(where: { $0.db == c.db && $0.key == key }) {
            t.watched.append((c.db, key))
            tx.watchers[c.db, default: [:]][key, default: []].append(c)
        }
        c.addReplyOK()
    }

    /// UNWATCH. Redis: unwatchCommand (src/multi.c)
    func unwatchCommand(_ c: Client) {
        unwatchAllKeys(c)
        c.flags.remove(.dirtyCAS)
        c.addReplyOK()
    }

    /// Forgets every key `c` watches. Redis: unwatchAllKeys (src/multi.c)
    func unwatchAllKeys(_ c: Client) {
        let id = ObjectIdentifier(c)
        guard let t = tx.byClient[id] else { return }
        for (db, key) in t.watched {
            tx.watchers[db]?[key]?.removeAll { $0 === c }
            if tx.watchers[db]?[key]?.isEmpty == true { tx.watchers[db]?[key] = nil }
        }
        t.watched.removeAll()
        if !c.flags.contains(.multi) { tx.byClient[id] = nil }
    }

    // snippet.touchWatchedKey
    /// A key was modified: every client watching it will see its EXEC fail.
    /// Redis: touchWatchedKey (src/multi.c), called from signalModifiedKey
    func touchWatchedKey(_ db: Int, _ key: ByteString) {
        guard let clients = tx.watchers[db]?[key] else { return }
        for c in clients where !c.flags.contains(.dirtyCAS) {
            c.flags.insert(.dirtyCAS)
            if tracer.on(.cmd) { tracer.emit(.cmd, .state, "id=\(c.id) watched key \(key) touched: EXEC will fail", fn: "touchWatchedKey") }
        }
    }
    // snippet.end

    /// FLUSHDB / FLUSHALL (before the keys go) and SWAPDB (after the swap): a watched key counts
    /// as modified if it exists in `dbIndex` (nil: every database) or, for SWAPDB, in the
    /// database `replacedWith` whose old keys `dbIndex` now holds. A key absent on both sides
    /// did not change. Redis: touchAllWatchedKeysInDb (src/multi.c)
    func touchAllWatchedKeys(inDb dbIndex: Int?, replacedWith other: Int? = nil) {
        for (db, keys) in tx.watchers where dbIndex == nil || db == dbIndex {
            for key in keys.keys where keyspace.dbs[db].dict.find(key) != 0 || other.map({ keyspace.dbs[$0].dict.find(key) != 0 }) == true {
                touchWatchedKey(db, key)
            }
        }
    }

    /// True if a key `c` watches has passed its expiry time. Redis: isWatchedKeyExpired (src/multi.c)
    func isWatchedKeyExpired(_ c: Client) -> Bool {
        guard let t = tx.byClient[ObjectIdentifier(c)] else { return false }
        let now = clock.mstime()
        for (db, key) in t.watched {
            if let when = keyspace.expireTime(keyspace.dbs[db], key), when < now { return true }
        }
        return false
    }

    /// A client goes away: out of its transaction, and no longer watching. Redis: freeClient →
    /// freeClientMultiState, unwatchAllKeys
    func forgetTransaction(_ c: Client) {
        if tx.byClient[ObjectIdentifier(c)] != nil { discardTransaction(c) }
        tx.byClient[ObjectIdentifier(c)] = nil
    }
}

extension Server {
    @available(*, unavailable, renamed: "touchAllWatchedKeys(inDb:replacedWith:)")
    func touchAllWatchedKeysInDb(_ emptied: Int, _ replacedWith: Int?) {}
}
