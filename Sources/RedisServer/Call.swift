// From parsed arguments to an executed, counted, traced and propagated command.
//
//     processCommand: QUIT? known command? right arity? authenticated?  ── no ─▶ error reply
//           │ yes
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
    /// Checks a parsed command and runs it. Redis: processCommand (src/server.c)
    func processCommand(_ c: Client) {
        let name = c.argv[0]
        // QUIT is not in the command table in Redis 6.2: it is handled right here.
        if name.count == 4 && name.equalsIgnoringCase("quit") {
            c.addReplyOK()
            c.flags.insert(.closeAfterReply)
            return
        }
        guard let cmd = commands.lookup(name) else {
            var args = ""
            var i = 1
            while i < c.argv.count && args.count < 128 {
                args += "`" + String(c.argv[i].stringValue.prefix(128 - args.count)) + "`, "
                i += 1
            }
            c.addReplyError("ERR unknown command `\(name.stringValue)`, with args beginning with: \(args)")
            return
        }
        guard cmd.acceptsArgumentCount(c.argv.count) else {
            cmd.rejectedCalls += 1
            c.addReplyError("ERR wrong number of arguments for '\(cmd.name)' command")
            return
        }
        if !c.flags.contains(.authenticated) && !cmd.flags.contains(.noAuth) {
            cmd.rejectedCalls += 1
            c.addReplyError("NOAUTH Authentication required.")
            return
        }
        if keyspace.loading && !cmd.flags.contains(.loading) {
            cmd.rejectedCalls += 1
            c.addReplyError("LOADING Redis is loading the dataset in memory")
            return
        }
        // After a failed AOF write, refuse writes (and PING, as Redis does) until one succeeds.
        // Redis: writeCommandsDeniedByDiskError and the MISCONF check in processCommand
        if let err = aof.writeError, cmd.flags.contains(.write) || cmd.name == "ping" {
            cmd.rejectedCalls += 1
            c.addReplyError(err)
            return
        }
        call(c, cmd)
    }
    // snippet.end

    // snippet.call
    /// Runs a command and does the bookkeeping around it. Redis: call (src/server.c)
    func call(_ c: Client, _ cmd: RedisCommand) {
        let dirtyBefore = keyspace.dirty
        let errorsBefore = net.stats.errorReplies
        keyspace.nowMs = clock.mstime()
        if tracer.on(.cmd) {
            tracer.emit(.cmd, .call, "db\(c.db) id=\(c.id) " + c.argv.map { "\($0)" }.joined(separator: " "), fn: "call")
        }
        let start = clock.monotonicUs()
        cmd.proc(c)
        let duration = clock.monotonicUs() - start
        cmd.calls += 1
        cmd.microseconds += duration
        if net.stats.errorReplies != errorsBefore { cmd.failedCalls += 1 }
        c.lastCommand = cmd.name
        // Whatever changed the dataset goes to the AOF and the replicas, as executed.
        // (Only an increase: DEBUG LOADAOF resets dirty, and must not be logged itself.)
        if !keyspace.alsoPropagated.isEmpty {
            // The command chose what to propagate (SPOP with a count: one SREM per member). More
            // than one command is wrapped in MULTI/EXEC, so that a replica applies them at once.
            let ops = keyspace.alsoPropagated
            keyspace.alsoPropagated.removeAll()
            if ops.count > 1 { propagate(db: ops[0].db, ["MULTI"]) }
            for op in ops { propagate(db: op.db, op.argv) }
            if ops.count > 1 { propagate(db: ops[0].db, ["EXEC"]) }
        } else if keyspace.dirty > dirtyBefore {
            propagate(db: c.db, c.argv)
        }
        // A push may have made lists ready for clients blocked on them. Redis: the
        // handleClientsBlockedOnKeys call in processCommand
        keyspace.serveClientsBlockedOnKeys()
    }
    // snippet.end

    /// Hands a write to every subscriber (AOF, replicas). Redis: propagate (src/server.c)
    func propagate(db: Int, _ argv: [ByteString]) {
        for p in propagators { p(db, argv) }
    }
}
