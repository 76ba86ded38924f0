// The grammar of every command's arguments, for `COMMAND DOCS`'s `arguments` field: what
// redis-cli 7 draws its grey hints from (`ZADD ` → `key [NX|XX] [GT|LT] [CH] [INCR] score member
// [score member ...]`). Each command's syntax is written once, in a compact notation of ours, and
// parsed (the first time DOCS is asked) into the tree Redis 7.0 answers:
//
//     key               an argument (its type guessed from the name, or given: `timeout#double`)
//     NX                a token the client types as it is ("pure-token")
//     EX seconds        a token followed by its value: one argument with a token
//     LIMIT (a b)       a token that introduces a group of values
//     [ … ]             optional
//     ( … )             a group; `(a|b)` one of them, `(a b)` a block of several
//     a|b  inside [ ]   one of them: `[NX|XX]`, `[EX seconds|PX milliseconds]`
//     …...              may repeat: `key...`, `(field value)...`, `[WEIGHTS weight...]`;
//                       `[PREFIX prefix]...` repeats the token as well
//
// The syntax is Redis 6.2's, where 7.0 added options (EXPIRE's NX|XX|GT|LT, SHUTDOWN's NOW).
//
// Redis 7.0: struct redisCommandArg, addReplyCommandArgList (src/server.c); the arguments of
// src/commands/*.json.
//
// SIMPLIFICATION: 7.0 gives each argument also a `key_spec_index` (keys) and a `since`, and names
// every group ("condition" for NX|XX); we give name, type, token and flags, and name a group after
// its members ("nx_xx"). A value's type is guessed from its name unless the notation gives it.

import RedisRESP

// MARK: - An argument

/// One argument of a command, or a group of them. Redis 7.0: struct redisCommandArg (src/server.h)
struct CommandArg: Sendable, Equatable {
    /// Redis 7.0's argument types. Redis 7.0: redisCommandArgType, ARG_TYPE_STR (src/server.c)
    enum Kind: String, Sendable {
        case key, string, integer, double, pattern, block, oneof
        case unixTime = "unix-time", pureToken = "pure-token"
    }
    var name: String
    var kind: Kind
    var token: String?
    var optional = false
    var multiple = false
    /// Each repetition repeats the token too: `[PREFIX prefix [PREFIX prefix ...]]`.
    var multipleToken = false
    var children: [CommandArg] = []
}

// MARK: - The syntax table

enum CommandSyntax {
    /// The parsed arguments of a command or subcommand (`client|list`); [] for none.
    static func arguments(_ name: String) -> [CommandArg] { parsed[name] ?? [] }

    /// Parsed once. A syntax that does not parse gives no arguments, which the tests catch
    /// (CommandDocsTests: every command that takes arguments describes them).
    static let parsed: [String: [CommandArg]] = table.compactMapValues { parse($0) }

    /// Each command's syntax in the notation above, by lower-case name (`container|sub` for a
    /// subcommand); a command without arguments has no entry.
    static let table: [String: String] = [
        // snippet.commandSyntaxTable
        "get": "key",
        "getex": "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]",
        "getdel": "key",
        "set": "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
        // snippet.end
        "setnx": "key value",
        "setex": "key seconds value",
        "psetex": "key milliseconds value",
        "append": "key value",
        "strlen": "key",
        "setrange": "key offset value",
        "getrange": "key start end",
        "substr": "key start end",
        "incr": "key",
        "decr": "key",
        "incrby": "key increment",
        "decrby": "key decrement",
        "incrbyfloat": "key increment#double",
        "getset": "key value",
        "mget": "key...",
        "mset": "(key value)...",
        "msetnx": "(key value)...",
        "setbit": "key offset value#integer",
        "getbit": "key offset",
        "bitfield": "key [(GET (encoding offset)|([OVERFLOW (WRAP|SAT|FAIL)] (SET (encoding offset value#integer)|INCRBY (encoding offset increment))))...]",
        "bitfield_ro": "key [GET (encoding offset)]...",
        "bitop": "operation destkey#key key...",
        "bitcount": "key [start end]",
        "bitpos": "key bit#integer [start [end]]",
        "del": "key...",
        "unlink": "key...",
        "exists": "key...",
        "type": "key",
        "keys": "pattern",
        "scan": "cursor [MATCH pattern] [COUNT count] [TYPE type]",
        "rename": "key newkey",
        "renamenx": "key newkey",
        "flushdb": "[ASYNC|SYNC]",
        "flushall": "[ASYNC|SYNC]",
        "select": "index",
        "object|encoding": "key",
        "object|freq": "key",
        "object|idletime": "key",
        "object|refcount": "key",
        "expire": "key seconds",
        "expireat": "key unix-time-seconds",
        "pexpire": "key milliseconds",
        "pexpireat": "key unix-time-milliseconds",
        "ttl": "key",
        "pttl": "key",
        "persist": "key",
        "lpush": "key element...",
        "rpush": "key element...",
        "lpushx": "key element...",
        "rpushx": "key element...",
        "lpop": "key [count]",
        "rpop": "key [count]",
        "llen": "key",
        "lindex": "key index",
        "lset": "key index element",
        "lrange": "key start stop",
        "ltrim": "key start stop",
        "linsert": "key (BEFORE|AFTER) pivot element",
        "lrem": "key count element",
        "lpos": "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
        "rpoplpush": "source destination",
        "lmove": "source destination (LEFT|RIGHT) (LEFT|RIGHT)",
        "blpop": "key... timeout#double",
        "brpop": "key... timeout#double",
        "brpoplpush": "source destination timeout#double",
        "blmove": "source destination (LEFT|RIGHT) (LEFT|RIGHT) timeout#double",
        "bzpopmin": "key... timeout#double",
        "bzpopmax": "key... timeout#double",
        "hset": "key (field value)...",
        "hsetnx": "key field value",
        "hget": "key field",
        "hmset": "key (field value)...",
        "hmget": "key field...",
        "hincrby": "key field increment",
        "hincrbyfloat": "key field increment#double",
        "hdel": "key field...",
        "hlen": "key",
        "hstrlen": "key field",
        "hkeys": "key",
        "hvals": "key",
        "hgetall": "key",
        "hexists": "key field",
        "hrandfield": "key [count [WITHVALUES]]",
        "hscan": "key cursor [MATCH pattern] [COUNT count]",
        "sadd": "key member...",
        "srem": "key member...",
        "smove": "source destination member",
        "sismember": "key member",
        "smismember": "key member...",
        "scard": "key",
        "spop": "key [count]",
        "srandmember": "key [count]",
        "sinter": "key...",
        "sinterstore": "destination key...",
        "sunion": "key...",
        "sunionstore": "destination key...",
        "sdiff": "key...",
        "sdiffstore": "destination key...",
        "smembers": "key",
        "sscan": "key cursor [MATCH pattern] [COUNT count]",
        "zadd": "key [NX|XX] [GT|LT] [CH] [INCR] (score member)...",
        "zincrby": "key increment#double member",
        "zrem": "key member...",
        "zremrangebyscore": "key min#double max#double",
        "zremrangebyrank": "key start stop",
        "zremrangebylex": "key min max",
        "zunionstore": "destination numkeys key... [WEIGHTS weight...] [AGGREGATE (SUM|MIN|MAX)]",
        "zinterstore": "destination numkeys key... [WEIGHTS weight...] [AGGREGATE (SUM|MIN|MAX)]",
        "zdiffstore": "destination numkeys key...",
        "zunion": "numkeys key... [WEIGHTS weight...] [AGGREGATE (SUM|MIN|MAX)] [WITHSCORES]",
        "zinter": "numkeys key... [WEIGHTS weight...] [AGGREGATE (SUM|MIN|MAX)] [WITHSCORES]",
        "zdiff": "numkeys key... [WITHSCORES]",
        "zrange": "key start#string stop#string [BYSCORE|BYLEX] [REV] [LIMIT (offset count)] [WITHSCORES]",
        "zrangestore": "dst src min max [BYSCORE|BYLEX] [REV] [LIMIT (offset count)]",
        "zrangebyscore": "key min#double max#double [WITHSCORES] [LIMIT (offset count)]",
        "zrevrangebyscore": "key max#double min#double [WITHSCORES] [LIMIT (offset count)]",
        "zrangebylex": "key min max [LIMIT (offset count)]",
        "zrevrangebylex": "key max min [LIMIT (offset count)]",
        "zcount": "key min#double max#double",
        "zlexcount": "key min max",
        "zrevrange": "key start stop [WITHSCORES]",
        "zcard": "key",
        "zscore": "key member",
        "zmscore": "key member...",
        "zrank": "key member",
        "zrevrank": "key member",
        "zrandmember": "key [count [WITHSCORES]]",
        "zscan": "key cursor [MATCH pattern] [COUNT count]",
        "zpopmin": "key [count]",
        "zpopmax": "key [count]",
        "ping": "[message]",
        "echo": "message",
        "auth": "[username] password",
        "hello": "[protover [AUTH (username password)] [SETNAME clientname]]",
        "command|docs": "[command-name...]",
        "command|getkeys": "command [arg...]",
        "command|info": "[command-name...]",
        "info": "[section...]",
        "config|get": "parameter...",
        "config|set": "(parameter value)...",
        "shutdown": "[NOSAVE|SAVE]",
        "memory|usage": "key [SAMPLES count]",
        "watch": "key...",
        "client|caching": "(YES|NO)",
        "client|kill": "(ip:port|([ID client-id]|[TYPE (NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)]|[USER username]|[ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no])...)",
        "client|list": "[TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID (client-id...)]",
        "client|pause": "timeout [WRITE|ALL]",
        "client|reply": "(ON|OFF|SKIP)",
        "client|setname": "connection-name",
        "client|tracking": "(ON|OFF) [REDIRECT client-id] [PREFIX prefix]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
        "client|unblock": "client-id [TIMEOUT|ERROR]",
        "subscribe": "channel...",
        "unsubscribe": "[channel...]",
        "psubscribe": "pattern...",
        "punsubscribe": "[pattern...]",
        "publish": "channel message",
        "pubsub|channels": "[pattern]",
        "pubsub|numsub": "[channel...]",
        "move": "key db",
        "copy": "source destination [DB destination-db] [REPLACE]",
        "swapdb": "index1 index2",
        "touch": "key...",
    ]
}

// MARK: - Parsing the notation

extension CommandSyntax {
    /// One symbol of the notation.
    enum Symbol: Equatable {
        case open(Character), close(Character), bar, repeats, word(String)
    }

    /// Splits a syntax into symbols: brackets, parentheses, `|`, `...` and words.
    static func symbols(_ text: String) -> [Symbol] {
        var out: [Symbol] = []
        var word = ""
        func flush() { if !word.isEmpty { out.append(.word(word)); word = "" } }
        var rest = Substring(text)
        while let ch = rest.first {
            if rest.hasPrefix("...") { flush(); out.append(.repeats); rest = rest.dropFirst(3); continue }
            rest = rest.dropFirst()
            switch ch {
            case "[", "(": flush(); out.append(.open(ch))
            case "]", ")": flush(); out.append(.close(ch))
            case "|": flush(); out.append(.bar)
            case " ": flush()
            default: word.append(ch)
            }
        }
        flush()
        return out
    }

    /// The argument tree of a syntax, or nil when the notation is malformed.
    static func parse(_ text: String) -> [CommandArg]? {
        var p = SyntaxParser(symbols: symbols(text))
        guard let args = p.sequence(), p.atEnd else { return nil }
        return args
    }

    /// True for a word the client types as it is: capitals, digits and dashes.
    static func isToken(_ w: String) -> Bool {
        w.contains { $0.isUppercase } && w.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "-" }
    }

    /// The type of a named argument: `name#type` when given, else guessed from the name.
    static func namedArg(_ w: String) -> CommandArg? {
        let parts = w.split(separator: "#", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            guard let k = CommandArg.Kind(rawValue: parts[1]) else { return nil }
            return CommandArg(name: parts[0], kind: k)
        }
        let kind: CommandArg.Kind
        switch w {
        case "key", "newkey", "source", "destination", "src", "dst": kind = .key
        case "pattern": kind = .pattern
        case "unix-time-seconds", "unix-time-milliseconds": kind = .unixTime
        case "count", "seconds", "milliseconds", "offset", "start", "end", "stop", "index", "db", "numkeys",
             "cursor", "increment", "decrement", "rank", "num-matches", "len", "destination-db", "index1",
             "index2", "client-id", "protover", "timeout": kind = .integer
        case "score", "weight": kind = .double
        default: kind = .string
        }
        return CommandArg(name: w, kind: kind)
    }

    /// One group from its alternatives: a single argument, a block of several, or a one-of.
    static func group(_ alternatives: [[CommandArg]]) -> CommandArg? {
        func block(_ seq: [CommandArg]) -> CommandArg? {
            if seq.count == 1 { return seq[0] }
            if seq.isEmpty { return nil }
            return CommandArg(name: seq.map(\.name).joined(separator: "_"), kind: .block, children: seq)
        }
        if alternatives.count == 1 { return block(alternatives[0]) }
        var choices: [CommandArg] = []
        for alt in alternatives {
            guard let b = block(alt) else { return nil }
            choices.append(b)
        }
        return CommandArg(name: choices.map(\.name).joined(separator: "_"), kind: .oneof, children: choices)
    }
}

/// A recursive-descent reader of the notation, one symbol at a time.
struct SyntaxParser {
    let symbols: [CommandSyntax.Symbol]
    var i = 0

    var atEnd: Bool { i == symbols.count }
    var next: CommandSyntax.Symbol? { i < symbols.count ? symbols[i] : nil }

    /// Items up to a closing bracket, a `|` or the end.
    mutating func sequence() -> [CommandArg]? {
        var items: [CommandArg] = []
        while let s = next, s != .bar, !isClose(s) {
            guard var item = self.item() else { return nil }
            if next == .repeats {
                // `[PREFIX prefix]...` repeats the token; `[WEIGHTS weight...]` only the value.
                if item.optional && item.token != nil && item.kind != .pureToken { item.multipleToken = true }
                item.multiple = true
                i += 1
            }
            items.append(item)
        }
        return items
    }

    /// Sequences separated by `|`, up to the closing bracket.
    mutating func alternatives() -> [[CommandArg]]? {
        guard var alts = sequence().map({ [$0] }) else { return nil }
        while next == .bar {
            i += 1
            guard let seq = sequence() else { return nil }
            alts.append(seq)
        }
        return alts
    }

    /// A bracketed or parenthesised group, a token (with its value, if one follows), or a name.
    mutating func item() -> CommandArg? {
        guard let s = next else { return nil }
        i += 1
        switch s {
        case .open(let ch):
            guard let alts = alternatives(), next == .close(ch == "[" ? "]" : ")"),
                  var g = CommandSyntax.group(alts) else { return nil }
            i += 1
            if ch == "[" { g.optional = true }
            return g
        case .word(let w) where CommandSyntax.isToken(w):
            // `EX seconds`, `TYPE (NORMAL|MASTER)`: the token introduces the value after it.
            if case .word(let v)? = next, !CommandSyntax.isToken(v) {
                i += 1
                guard var arg = CommandSyntax.namedArg(v) else { return nil }
                arg.token = w
                return arg
            }
            if case .open("(")? = next {
                // `LIMIT (offset count)`, `ID (client-id...)`: the token belongs to the group.
                guard var g = item() else { return nil }
                if g.kind != .block && g.kind != .oneof { g = CommandArg(name: g.name, kind: .block, children: [g]) }
                g.token = w
                return g
            }
            return CommandArg(name: w.lowercased(), kind: .pureToken, token: w)
        case .word(let w):
            return CommandSyntax.namedArg(w)
        default:
            return nil
        }
    }

    func isClose(_ s: CommandSyntax.Symbol) -> Bool {
        if case .close = s { return true }
        return false
    }
}

// MARK: - The reply

extension Server {
    /// An argument list, each argument a map with 7.0's keys in 7.0's order: name, type, token,
    /// flags, arguments. Redis 7.0: addReplyCommandArgList (src/server.c)
    func addReplyCommandArgList(_ c: Client, _ args: [CommandArg]) {
        c.addReplyArrayLen(args.count)
        for a in args {
            let flags = (a.optional ? ["optional"] : []) + (a.multiple ? ["multiple"] : [])
                + (a.multipleToken ? ["multiple_token"] : [])
            c.addReplyMapLen(2 + (a.token != nil ? 1 : 0) + (flags.isEmpty ? 0 : 1) + (a.children.isEmpty ? 0 : 1))
            c.addReplyBulk("name"); c.addReplyBulk(a.name)
            c.addReplyBulk("type"); c.addReplyBulk(a.kind.rawValue)
            if let t = a.token { c.addReplyBulk("token"); c.addReplyBulk(t) }
            if !flags.isEmpty {
                c.addReplyBulk("flags")
                c.addReplySetLen(flags.count)
                for f in flags { c.addReplyStatus(f) }
            }
            if !a.children.isEmpty {
                c.addReplyBulk("arguments")
                addReplyCommandArgList(c, a.children)
            }
        }
    }
}
