// The commands that belong to the server rather than to a chapter's data: PING, ECHO, AUTH,
// COMMAND, CONFIG, SHUTDOWN, TIME. INFO and DEBUG have files of their own (Info.swift, Debug.swift).
//
// Redis: pingCommand, echoCommand, authCommand, commandCommand, timeCommand (src/server.c),
// configCommand (src/config.c), debugCommand (src/debug.c), shutdownCommand (src/db.c)

import CSystem
import RedisAOF
import RedisCore
import RedisKeyspace
import RedisRESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Server {
    func registerServerCommands() {
        unowned(unsafe) let s = self
        let t = commands
        t.register(RedisCommand("ping", -1, "ok-stale fast @connection", 0, 0, 0) { s.pingCommand($0) })
        t.register(RedisCommand("echo", 2, "fast @connection", 0, 0, 0) { $0.addReplyBulk($0.argv[1]) })
        t.register(RedisCommand("auth", -2, "no-auth no-script ok-loading ok-stale fast @connection", 0, 0, 0) { s.authCommand($0) })
        t.register(RedisCommand("hello", -1, "no-auth no-script fast no-monitor ok-loading ok-stale @connection", 0, 0, 0) { s.helloCommand($0) })
        t.register(RedisCommand("command", -1, "ok-loading ok-stale random @connection", 0, 0, 0) { s.commandCommand($0) })
        t.register(RedisCommand("info", -1, "ok-loading ok-stale random @dangerous", 0, 0, 0) { s.infoCommand($0) })
        t.register(RedisCommand("config", -2, "admin ok-loading ok-stale no-script", 0, 0, 0) { s.configCommand($0) })
        t.register(RedisCommand("debug", -2, "admin no-script ok-loading ok-stale", 0, 0, 0) { s.debugCommand($0) })
        t.register(RedisCommand("shutdown", -1, "admin no-script ok-loading ok-stale", 0, 0, 0) { s.shutdownCommand($0) })
        t.register(RedisCommand("lastsave", 1, "random fast ok-loading ok-stale @admin @dangerous", 0, 0, 0) { s.lastsaveCommand($0) })
        t.register(RedisCommand("time", 1, "ok-loading ok-stale random fast @dangerous", 0, 0, 0) { s.timeCommand($0) })
    }

    /// PING [message]; a subscribed RESP2 client gets `pong` and the message as an array, shaped
    /// like the messages it is waiting for. Redis: pingCommand (src/server.c)
    func pingCommand(_ c: Client) {
        if c.argv.count > 2 { c.addReplyError("ERR wrong number of arguments for 'ping' command"); return }
        if c.flags.contains(.pubsub) && c.resp == 2 {
            c.addReplyArrayLen(2)
            c.addReplyBulk("pong")
            c.addReplyBulk(c.argv.count == 2 ? c.argv[1] : ByteString())
            return
        }
        if c.argv.count == 1 { c.addReply("+PONG\r\n") } else { c.addReplyBulk(c.argv[1]) }
    }

    /// AUTH [username] password, against `requirepass`. Redis: authCommand (src/acl.c)
    func authCommand(_ c: Client) {
        if c.argv.count > 3 { c.addReplyError(Err.syntax); return }
        if config.requirepass.isEmpty && c.argv.count == 2 {
            c.addReplyError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
            return
        }
        let user = c.argv.count == 3 ? c.argv[1] : ByteString("default")
        if checkCredentials(user: user, password: c.argv[c.argv.count - 1]) {
            c.flags.insert(.authenticated)
            c.addReplyOK()
        } else {
            c.addReplyError(Err.wrongPass)
        }
    }

    /// TIME: seconds and microseconds. Redis: timeCommand (src/server.c)
    func timeCommand(_ c: Client) {
        let us = clock.ustime()
        c.addReplyArrayLen(2)
        c.addReplyBulk(String(us / 1_000_000))
        c.addReplyBulk(String(us % 1_000_000))
    }

    // MARK: - COMMAND

    /// One command's description: name, arity, flags, first key, last key, step, categories.
    /// Redis: addReplyCommand (src/server.c)
    func addReplyCommandInfo(_ c: Client, _ cmd: RedisCommand) {
        c.addReplyArrayLen(7)
        c.addReplyBulk(cmd.name)
        c.addReplyLongLong(Int64(cmd.arity))
        let names = cmd.flags.replyNames
        c.addReplySetLen(names.count)
        for f in names { c.addReplyStatus(f) }
        c.addReplyLongLong(Int64(cmd.firstKey))
        c.addReplyLongLong(Int64(cmd.lastKey))
        c.addReplyLongLong(Int64(cmd.keyStep))
        c.addReplySetLen(cmd.categories.count)
        for cat in cmd.categories { c.addReplyStatus(cat) }
    }

    /// COMMAND, COMMAND COUNT, COMMAND INFO name…, COMMAND GETKEYS cmd args…, COMMAND DOCS name….
    /// DOCS is Redis 7.0's, the one subcommand we take from 7.0 rather than 6.2 (which answers
    /// it with the unknown-subcommand error): redis-cli 7 and redis-py send it (CommandDocs.swift).
    /// Redis: commandCommand (src/server.c)
    func commandCommand(_ c: Client) {
        if c.argv.count == 1 {
            c.addReplyArrayLen(commands.count)
            for cmd in commands.all { addReplyCommandInfo(c, cmd) }
            return
        }
        let sub = c.argv[1]
        if sub.equalsIgnoringCase("count") && c.argv.count == 2 {
            c.addReplyLongLong(Int64(commands.count))
        } else if sub.equalsIgnoringCase("info") {
            c.addReplyArrayLen(c.argv.count - 2)
            for j in 2..<c.argv.count {
                if let cmd = commands.lookup(c.argv[j]) { addReplyCommandInfo(c, cmd) } else { c.addReplyNull() }
            }
        } else if sub.equalsIgnoringCase("docs") {
            commandDocsCommand(c)
        } else if sub.equalsIgnoringCase("getkeys") && c.argv.count >= 3 {
            // Redis's order of checks: the command, whether it can have keys, the arity, the keys.
            guard let cmd = commands.lookup(c.argv[2]) else {
                c.addReplyError("ERR Invalid command specified"); return
            }
            if cmd.getKeys == nil && cmd.firstKey == 0 {
                c.addReplyError("ERR The command has no key arguments"); return
            }
            let argv = Array(c.argv[2...])
            if !cmd.acceptsArgumentCount(argv.count) {
                c.addReplyError("ERR Invalid number of arguments specified for command"); return
            }
            let keys = cmd.keyPositions(argv)
            if keys.isEmpty { c.addReplyError("ERR Invalid arguments specified for command"); return }
            c.addReplyArrayLen(keys.count)
            for k in keys { c.addReplyBulk(c.argv[k + 2]) }
        } else if sub.equalsIgnoringCase("help") {
            let lines = ["COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "(no subcommand)", "    Return details about all Redis commands.",
                         "COUNT", "    Return the total number of commands in this Redis server.",
                         "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
                         "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                         // Redis 7.0's DOCS line, in 6.2's layout (7.0 also adds LIST and GETKEYSANDFLAGS).
                         "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                         "    If no command names are given, documentation details for all",
                         "    commands are returned.",
                         "HELP", "    Prints this help."]
            c.addReplyHelp(lines)
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }

    // MARK: - CONFIG

    /// CONFIG GET pattern, CONFIG SET name value, CONFIG RESETSTAT. Redis: configCommand (src/config.c)
    func configCommand(_ c: Client) {
        let sub = c.argv[1]
        if sub.equalsIgnoringCase("get") && c.argv.count == 3 {
            let pairs = config.get(pattern: c.argv[2])
            c.addReplyMapLen(pairs.count)
            for (k, v) in pairs { c.addReplyBulk(k); c.addReplyBulk(v) }
        } else if sub.equalsIgnoringCase("set") && c.argv.count == 4 {
            if let err = config.set(name: c.argv[2].stringValue, value: c.argv[3].stringValue) {
                c.addReplyError(err)
            } else {
                c.addReplyOK()
            }
        } else if sub.equalsIgnoringCase("resetstat") && c.argv.count == 2 {
            resetStats()
            c.addReplyOK()
        } else if sub.equalsIgnoringCase("help") {
            let lines = ["CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                         "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                         "RESETSTAT", "    Reset statistics reported by the INFO command.",
                         "HELP", "    Prints this help."]
            c.addReplyHelp(lines)
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }

    /// Zeroes the INFO counters. Redis: resetServerStats (src/server.c)
    func resetStats() {
        net.stats = NetStats()
        keyspace.stats = KeyspaceStats()
        for cmd in commands.all { cmd.calls = 0; cmd.microseconds = 0; cmd.rejectedCalls = 0; cmd.failedCalls = 0 }
        metrics = InstantaneousMetrics()
    }

    // MARK: - SHUTDOWN (DEBUG is in Debug.swift)

    /// SHUTDOWN [NOSAVE|SAVE]: stop the server; the client gets no reply on success.
    /// Redis: shutdownCommand (src/db.c)
    func shutdownCommand(_ c: Client) {
        if c.argv.count > 2 { c.addReplyError(Err.syntax); return }
        if c.argv.count == 2 && !c.argv[1].equalsIgnoringCase("nosave") && !c.argv[1].equalsIgnoringCase("save") {
            c.addReplyError(Err.syntax); return
        }
        prepareForShutdown()
    }
}
