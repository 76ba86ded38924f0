// From parsed arguments to an executed, counted, traced and propagated command.
//
//     processCommand: QUIT? known command? right arity? authenticated? under maxmemory
//                     (after evicting)?                                 ── no ─▶ error reply
//                     subscribed in RESP2 and not a (P)(UN)SUBSCRIBE or PING?
//                     (a CLIENT PAUSE in force holds the command here: ClientPause.swift)
//           │ yes
//           ├──── client in MULTI? ── yes ─▶ queued, +QUEUED (Multi.swift)
//           ▼
//     call: fix the clock for this command, run its proc, count calls and microseconds,
//           and if it changed the dataset, propagate its (possibly rewritten) argv.
//
// A command that changed something bumps `keyspace.dirty`; that is how call() knows to
// propagate. A command may rewrite its own argv first (EXPIRE becomes PEXPIREAT, INCRBYFLOAT
// becomes SET … KEEPTTL), so that what the AOF and the replicas receive is deterministic.
//
// Redis: processCommand, call, propagate (src/server.c)

import RedisAOF
import RedisCore
import RedisKeyspace
import RedisRESP

extension Server {
    // snippet.processCommand
    /// Checks a parsed command and runs it, or queues it inside MULTI. Every refusal inside
    /// MULTI also dooms the transaction (flagTransaction). Redis: processCommand (src/server.c)
    func processCommand(_ c: Client) {
        let name = c.argv[0]
        // QUIT is not in the command table in Redis 6.2: it is handled right here.
        if name.count == 4 && name.equalsIgnoringCase("quit") {
            c.addReplyOK()
            c.flags.insert(.closeAfterReply)
            return
        }
        // CLIENT LIST's cmd= is the last command looked up, run or not (NULL when unknown; the
        // caller of CLIENT LIST sees `client`). Redis: c->cmd = c->lastcmd = lookupCommand(…)
        guard let cmd = commands.lookup(name) else {
            c.lastCommand = "NULL"
            var args = ""
            var i = 1
            while i < c.argv.count && args.count < 128 {
                args += "`" + String(c.argv[i].stringValue.prefix(128 - args.count)) + "`, "
                i += 1
            }
            flagTransaction(c)
            c.addReplyError("ERR unknown command `\(name.stringValue)`, with args beginning with: \(args)")
            return
        }
        c.lastCommand = cmd.name
        guard cmd.acceptsArgumentCount(c.argv.count) else {
            reject(c, cmd, "ERR wrong number of arguments for '\(cmd.name)' command")
            return
        }
        if !c.flags.contains(.authenticated) && !cmd.flags.contains(.noAuth) {
            reject(c, cmd, "NOAUTH Authentication required.")
            return
        }
        // Over maxmemory: evict, or refuse what would use more. Redis: performEvictions and
        // the OOM check in processCommand
        if config.maxmemory != 0 && refusedForMemory(c, cmd) {
            reject(c, cmd, Err.oom)
            return
        }
        // After a failed AOF write, refuse writes (and PING, as Redis does) until one succeeds.
        // Redis: writeCommandsDeniedByDiskError and the MISCONF check in processCommand
        if let err = aof.writeError, cmd.flags.contains(.write) || cmd.name == "ping" {
            reject(c, cmd, err)
            return
        }
        // In RESP2 a subscribed connection is a stream of messages: a reply to anything else
        // could not be told apart from them. RESP3 marks messages as pushes, so it may do all.
        if c.flags.contains(.pubsub) && c.resp == 2 && !allowedWhileSubscribed(cmd) {
            reject(c, cmd, "ERR Can't execute '\(cmd.name)': only (P)SUBSCRIBE / (P)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
            return
        }
        if keyspace.loading && !cmd.flags.contains(.loading) {
            reject(c, cmd, "LOADING Redis is loading the dataset in memory")
            return
        }
        // During CLIENT PAUSE the command waits, before it is even queued in MULTI; it runs
        // through these checks again when the pause ends. Redis: the pause test of processCommand
        if pause.type != .off && pauseHolds(c, cmd) {
            holdForPause(c)
            return
        }
        if c.flags.contains(.multi) && !runsInsideMulti(cmd) {
            queueMultiCommand(c, cmd)
            return
        }
        call(c, cmd)
        // A push (or a whole transaction) may have made lists ready for clients blocked on
        // them. Redis: handleClientsBlockedOnKeys in processCommand
        keyspace.serveClientsBlockedOnKeys()
    }
    // snippet.end

    /// Refuses a command with `error`, counting it and dooming an open transaction.
    /// Redis: rejectCommand, rejectCommandFormat (src/server.c)
    func reject(_ c: Client, _ cmd: RedisCommand, _ error: String) {
        cmd.rejectedCalls += 1
        flagTransaction(c)
        c.addReplyError(error)
    }

    // snippet.call
    /// Runs a command and does the bookkeeping around it. Redis: call (src/server.c)
    func call(_ c: Client, _ cmd: RedisCommand) {
        let dirtyBefore = keyspace.dirty
        let errorsBefore = net.stats.errorReplies
        // One clock read gives the command its time (expiry compares against it) and starts the
        // stopwatch for commandstats, as Redis 6.2's call() takes both from ustime().
        let start = clock.ustime()
        keyspace.nowMs = start / 1000
        if tracer.on(.cmd) {
            tracer.emit(.cmd, .call, "db\(c.db) id=\(c.id) " + c.argv.map { "\($0)" }.joined(separator: " "), fn: "call")
        }
        // What a tracking client changes is its own doing (NOLOOP clients are not told of it).
        if c.flags.contains(.tracking) { tracking.callerId = c.id }
        cmd.proc(c)
        // A wall clock set back during the command would make it negative.
        let duration = max(clock.ustime() - start, 0)
        // …and what it read is remembered. Redis: trackingRememberKeys from call()
        if c.flags.contains(.tracking) { trackingAfterCommand(c, cmd) }
        cmd.calls += 1
        cmd.microseconds += duration
        if net.stats.errorReplies != errorsBefore { cmd.failedCalls += 1 }
        // Whatever changed the dataset goes to the AOF and the replicas, as executed.
        // (Only an increase: DEBUG LOADAOF resets dirty, and must not be logged itself.)
        if !keyspace.alsoPropagated.isEmpty {
            // The command chose what to propagate (SPOP with a count: one SREM per member). More
            // than one command is wrapped in MULTI/EXEC, so that a replica applies them at once
            // (inside EXEC the transaction's own MULTI already does).
            let ops = keyspace.alsoPropagated
            keyspace.alsoPropagated.removeAll()
            let wrap = ops.count > 1 && !tx.inExec
            if wrap { propagate(db: ops[0].db, ["MULTI"]) }
            for op in ops { propagate(db: op.db, op.argv) }
            if wrap { propagate(db: ops[0].db, ["EXEC"]) }
        } else if keyspace.dirty > dirtyBefore && cmd !== tx.execCommand {
            // (EXEC propagated its commands one by one, and its own EXEC after them.)
            propagate(db: c.db, c.argv)
        }
    }
    // snippet.end

    /// Hands a write to every subscriber (AOF, replicas). Redis: propagate (src/server.c)
    func propagate(db: Int, _ argv: [ByteString]) {
        // The first write inside EXEC opens the transaction in the AOF and on the replicas.
        // Redis: the in_exec test of propagate, execCommandPropagateMulti (src/multi.c)
        if tx.inExec && !tx.propagatedMulti {
            tx.propagatedMulti = true
            for p in propagators { p(db, ["MULTI"]) }
        }
        for p in propagators { p(db, argv) }
    }
}
