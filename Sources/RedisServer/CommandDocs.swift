// COMMAND DOCS: what each command is for, for the humans and tools that ask the server itself.
//
// The command table (CommandTable.swift) tells the dispatcher how to run a command: arity, flags,
// key positions. It says nothing a person can read. Redis 7.0 added a second description to every
// command — a one-line summary, the version that introduced it, its group, its cost in big-O — and
// `COMMAND DOCS` to fetch it, so that redis-cli can show hints and clients such as redis-py
// (`command_docs`) can document commands without shipping their own copy. This is the one place
// where SwiftRedis follows Redis 7.0 rather than 6.2: 6.2 has no DOCS subcommand and answers it
// with the unknown-subcommand error, but the clients people use today send it.
//
//     COMMAND DOCS get
//     1) "get"                          a map (RESP3 `%`, a flat array in RESP2):
//     2) 1) "summary"   2) "Reads …"       command name → that command's doc map
//        3) "since"     4) "1.0.0"
//        5) "group"     6) "string"
//        7) "complexity" 8) "O(1)"
//
// `since`, `group`, `complexity`, `doc_flags` and `deprecated_since` are facts, taken from Redis
// 7.0.15's replies; every summary and every `replaced_by` is written in our own words, and long
// prose complexities are shortened.
//
// Redis 7.0: commandDocsCommand, addReplyCommandDocs, addReplyDocFlagsForCommand (src/server.c);
// the docs themselves come from src/commands/*.json through src/commands.c.
//
// The `arguments` field (each argument's name, type, token and flags, from which redis-cli draws
// its hints) comes from the syntax table in CommandSyntax.swift.
//
// SIMPLIFICATION: Redis 7.0 also returns `history` (what changed in which version, in prose); we
// leave it out. A subcommand's doc (`client|list`) has no `doc_flags`.

import RedisCore
import RedisKeyspace
import RedisRESP

// MARK: - The doc of one command

/// The group a command belongs to in the docs, with Redis 7.0's names.
/// Redis 7.0: COMMAND_GROUP_* and commandGroupStr (src/server.c)
enum CommandGroup: String, Sendable {
    case generic, string, bitmap, list, set, hash, pubsub, transactions, connection, server
    case sortedSet = "sorted-set"
}

/// What `COMMAND DOCS` says about one command or subcommand.
/// Redis 7.0: the docs fields of struct redisCommand (src/server.h)
struct CommandDoc: Sendable {
    /// Lower case; a subcommand's is `container|sub`, as 7.0 names it. Redis 7.0: fullname
    let name: String
    let group: CommandGroup
    /// The Redis version that introduced the command.
    let since: String
    let complexity: String
    /// One line, in our own words.
    let summary: String
    /// Redis 7.0's doc flags, in its order: `deprecated`, `syscmd`.
    var docFlags: [String] = []
    var deprecatedSince: String?
    /// What to use instead of a deprecated command, in our words.
    var replacedBy: String?
    var subcommands: [CommandDoc] = []

    init(_ name: String, _ group: CommandGroup, _ since: String, _ complexity: String, _ summary: String) {
        self.name = name; self.group = group; self.since = since; self.complexity = complexity; self.summary = summary
    }

    /// This doc, marked deprecated since `version` in favour of `replacement`.
    func deprecated(_ version: String, by replacement: String) -> CommandDoc {
        var d = self
        d.docFlags.append("deprecated"); d.deprecatedSince = version; d.replacedBy = replacement
        return d
    }

    /// This doc, marked as a command for operators rather than applications (DEBUG).
    func syscmd() -> CommandDoc {
        var d = self
        d.docFlags.append("syscmd")
        return d
    }

    /// This doc with its subcommands' docs; their names are prefixed with `name|`.
    func subcommands(_ subs: [CommandDoc]) -> CommandDoc {
        var d = self
        d.subcommands = subs.map { CommandDoc(name + "|" + $0.name, $0.group, $0.since, $0.complexity, $0.summary) }
        return d
    }

    /// Its subcommand `sub` (lower case, without the container's name), or nil.
    func subcommand(_ sub: String) -> CommandDoc? {
        let full = name + "|" + sub
        return subcommands.first { $0.name == full }
    }
}

// MARK: - The table

/// Every command's doc, by lower-case name.
enum CommandDocs {
    /// A test checks that every registered command has an entry here, so a command cannot be
    /// added without one. Entries for commands not registered are never shown.
    static let byName: [String: CommandDoc] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The docs in the order of the chapters that build the commands; the reply follows
    /// COMMAND's order instead.
    static let all: [CommandDoc] = strings + bitmaps + keys + lists + hashes + sets + sortedSets + server

    static let strings: [CommandDoc] = [
        // snippet.commandDocsTable
        CommandDoc("get", .string, "1.0.0", "O(1)", "Reads the string stored at a key."),
        CommandDoc("getset", .string, "1.0.0", "O(1)", "Stores a new string and answers the one it replaced.")
            .deprecated("6.2.0", by: "SET key value GET"),
        // snippet.end
        CommandDoc("getex", .string, "6.2.0", "O(1)", "Reads a string and changes or removes its time to live."),
        CommandDoc("getdel", .string, "6.2.0", "O(1)", "Reads a string and deletes its key."),
        CommandDoc("set", .string, "1.0.0", "O(1)", "Stores a string at a key, with optional expiry and conditions."),
        CommandDoc("setnx", .string, "1.0.0", "O(1)", "Stores a string only where the key does not exist yet."),
        CommandDoc("setex", .string, "2.0.0", "O(1)", "Stores a string that expires after a number of seconds."),
        CommandDoc("psetex", .string, "2.6.0", "O(1)", "Stores a string that expires after a number of milliseconds."),
        CommandDoc("append", .string, "2.0.0", "O(1) amortized", "Adds bytes to the end of a string, creating it if needed."),
        CommandDoc("strlen", .string, "2.2.0", "O(1)", "Counts the bytes of a string."),
        CommandDoc("setrange", .string, "2.2.0", "O(1), O(M) for a long value of M bytes", "Overwrites part of a string from an offset, padding with zero bytes."),
        CommandDoc("getrange", .string, "2.4.0", "O(N), N = bytes returned", "Reads the bytes of a string between two offsets."),
        CommandDoc("substr", .string, "1.0.0", "O(N), N = bytes returned", "Reads the bytes of a string between two offsets (the old name of GETRANGE).")
            .deprecated("2.0.0", by: "GETRANGE"),
        CommandDoc("incr", .string, "1.0.0", "O(1)", "Adds one to the integer held in a string."),
        CommandDoc("decr", .string, "1.0.0", "O(1)", "Takes one from the integer held in a string."),
        CommandDoc("incrby", .string, "1.0.0", "O(1)", "Adds a whole number to the integer held in a string."),
        CommandDoc("decrby", .string, "1.0.0", "O(1)", "Takes a whole number from the integer held in a string."),
        CommandDoc("incrbyfloat", .string, "2.6.0", "O(1)", "Adds a decimal number to the number held in a string."),
        CommandDoc("mget", .string, "1.0.0", "O(N), N = keys", "Reads the strings of several keys at once."),
        CommandDoc("mset", .string, "1.0.1", "O(N), N = keys", "Stores several key-string pairs at once."),
        CommandDoc("msetnx", .string, "1.0.1", "O(N), N = keys", "Stores several key-string pairs, only if none of the keys exists."),
    ]

    static let bitmaps: [CommandDoc] = [
        CommandDoc("setbit", .bitmap, "2.2.0", "O(1)", "Sets or clears one bit of a string, growing it with zero bytes if needed."),
        CommandDoc("getbit", .bitmap, "2.2.0", "O(1)", "Reads one bit of a string; bits past its end read as 0."),
        CommandDoc("bitfield", .bitmap, "3.2.0", "O(1) for each subcommand specified",
                   "Reads, writes and adds to integers of any width packed at bit offsets of a string."),
        CommandDoc("bitfield_ro", .bitmap, "6.0.0", "O(1) for each subcommand specified",
                   "Reads integers packed at bit offsets of a string, and nothing else, so replicas may serve it."),
        CommandDoc("bitop", .bitmap, "2.6.0", "O(N)", "Combines strings with AND, OR, XOR or NOT and stores the result."),
        CommandDoc("bitcount", .bitmap, "2.6.0", "O(N)", "Counts the bits set to 1 in a string, or in a range of its bytes."),
        CommandDoc("bitpos", .bitmap, "2.8.7", "O(N)", "Finds the first bit set to 1, or to 0, in a string or a range of its bytes."),
    ]

    static let keys: [CommandDoc] = [
        CommandDoc("del", .generic, "1.0.0", "O(N), N = keys; O(M) for a key holding M elements", "Removes keys and their values."),
        CommandDoc("unlink", .generic, "4.0.0", "O(1) per key; memory is reclaimed later in another thread", "Removes keys, freeing big values in the background."),
        CommandDoc("exists", .generic, "1.0.0", "O(N), N = keys", "Counts how many of the given keys are present."),
        CommandDoc("type", .generic, "1.0.0", "O(1)", "Names the kind of value a key holds."),
        CommandDoc("keys", .generic, "1.0.0", "O(N), N = keys in the database", "Lists every key matching a glob pattern, all in one reply."),
        CommandDoc("scan", .generic, "2.8.0", "O(1) per call, O(N) for a whole iteration", "Walks the keys of a database a few at a time with a cursor."),
        CommandDoc("randomkey", .generic, "1.0.0", "O(1)", "Picks a key of the database at random."),
        CommandDoc("rename", .generic, "1.0.0", "O(1)", "Gives a key a new name, replacing any key of that name."),
        CommandDoc("renamenx", .generic, "1.0.0", "O(1)", "Gives a key a new name, only if that name is free."),
        CommandDoc("dbsize", .server, "1.0.0", "O(1)", "Counts the keys of the selected database."),
        CommandDoc("flushdb", .server, "1.0.0", "O(N), N = keys in the database", "Empties the selected database."),
        CommandDoc("flushall", .server, "1.0.0", "O(N), N = keys in all databases", "Empties every database."),
        CommandDoc("select", .connection, "1.0.0", "O(1)", "Switches this connection to another numbered database."),
        CommandDoc("move", .generic, "1.0.0", "O(1)", "Transfers a key into another database."),
        CommandDoc("copy", .generic, "6.2.0", "O(N) for a collection of N items, O(1) for a string", "Duplicates a value under another key, possibly in another database."),
        CommandDoc("swapdb", .server, "4.0.0", "O(N), N = clients watching or blocked on keys of either database", "Exchanges the contents of two databases."),
        CommandDoc("touch", .generic, "3.2.1", "O(N), N = keys", "Marks keys as used just now and counts those present."),
        CommandDoc("object", .generic, "2.2.3", "Depends on subcommand.", "Looks inside the object that holds a key's value.")
            .subcommands([
                CommandDoc("encoding", .generic, "2.2.3", "O(1)", "Names the internal representation of a key's value."),
                CommandDoc("freq", .generic, "4.0.0", "O(1)", "Reports the access-frequency counter of a key (LFU policies)."),
                CommandDoc("help", .generic, "6.2.0", "O(1)", "Lists the OBJECT subcommands."),
                CommandDoc("idletime", .generic, "2.2.3", "O(1)", "Reports the seconds since a key was last read or written."),
                CommandDoc("refcount", .generic, "2.2.3", "O(1)", "Reports how many references share a key's value object."),
            ]),
        CommandDoc("expire", .generic, "1.0.0", "O(1)", "Makes a key expire after a number of seconds."),
        CommandDoc("expireat", .generic, "1.2.0", "O(1)", "Makes a key expire at a Unix time in seconds."),
        CommandDoc("pexpire", .generic, "2.6.0", "O(1)", "Makes a key expire after a number of milliseconds."),
        CommandDoc("pexpireat", .generic, "2.6.0", "O(1)", "Makes a key expire at a Unix time in milliseconds."),
        CommandDoc("ttl", .generic, "1.0.0", "O(1)", "Reports the seconds a key has left to live."),
        CommandDoc("pttl", .generic, "2.6.0", "O(1)", "Reports the milliseconds a key has left to live."),
        CommandDoc("persist", .generic, "2.2.0", "O(1)", "Takes the expiry off a key, so it lives until deleted."),
    ]

    static let lists: [CommandDoc] = [
        CommandDoc("lpush", .list, "1.0.0", "O(1) per element", "Inserts elements at the head of a list, creating it if needed."),
        CommandDoc("rpush", .list, "1.0.0", "O(1) per element", "Inserts elements at the tail of a list, creating it if needed."),
        CommandDoc("lpushx", .list, "2.2.0", "O(1) per element", "Inserts elements at the head of a list that already exists."),
        CommandDoc("rpushx", .list, "2.2.0", "O(1) per element", "Inserts elements at the tail of a list that already exists."),
        CommandDoc("lpop", .list, "1.0.0", "O(N), N = elements returned", "Takes elements off the head of a list."),
        CommandDoc("rpop", .list, "1.0.0", "O(N), N = elements returned", "Takes elements off the tail of a list."),
        CommandDoc("llen", .list, "1.0.0", "O(1)", "Counts the elements of a list."),
        CommandDoc("lindex", .list, "1.0.0", "O(N), N = elements walked; O(1) at either end", "Reads the element at a position of a list."),
        CommandDoc("lset", .list, "1.0.0", "O(N), N = list length; O(1) at either end", "Replaces the element at a position of a list."),
        CommandDoc("lrange", .list, "1.0.0", "O(S+N), S = distance to the start, N = elements returned", "Reads the elements of a list between two positions."),
        CommandDoc("ltrim", .list, "1.0.0", "O(N), N = elements removed", "Cuts a list down to the elements between two positions."),
        CommandDoc("linsert", .list, "2.2.0", "O(N), N = elements walked to find the pivot", "Inserts an element just before or after another one."),
        CommandDoc("lrem", .list, "1.0.0", "O(N+M), N = list length, M = elements removed", "Deletes occurrences of a value from a list."),
        CommandDoc("lpos", .list, "6.0.6", "O(N), N = list length; less with MAXLEN or a match near an end", "Finds the positions where a value occurs in a list."),
        CommandDoc("rpoplpush", .list, "1.2.0", "O(1)", "Moves the last element of one list to the head of another.")
            .deprecated("6.2.0", by: "LMOVE source destination RIGHT LEFT"),
        CommandDoc("lmove", .list, "6.2.0", "O(1)", "Moves an element from one end of a list to an end of another."),
        CommandDoc("blpop", .list, "2.0.0", "O(N), N = keys", "Takes the head of the first non-empty list, waiting for one if all are empty."),
        CommandDoc("brpop", .list, "2.0.0", "O(N), N = keys", "Takes the tail of the first non-empty list, waiting for one if all are empty."),
        CommandDoc("brpoplpush", .list, "2.2.0", "O(1)", "RPOPLPUSH that waits while the source list is empty.")
            .deprecated("6.2.0", by: "BLMOVE source destination RIGHT LEFT timeout"),
        CommandDoc("blmove", .list, "6.2.0", "O(1)", "LMOVE that waits while the source list is empty."),
    ]

    static let hashes: [CommandDoc] = [
        CommandDoc("hset", .hash, "2.0.0", "O(1) per field", "Stores field-value pairs in a hash, creating it if needed."),
        CommandDoc("hsetnx", .hash, "2.0.0", "O(1)", "Stores a field in a hash only if the field is new."),
        CommandDoc("hget", .hash, "2.0.0", "O(1)", "Reads one field of a hash."),
        CommandDoc("hmset", .hash, "2.0.0", "O(N), N = fields", "Stores several fields of a hash and answers OK.")
            .deprecated("4.0.0", by: "HSET, which takes several field-value pairs"),
        CommandDoc("hmget", .hash, "2.0.0", "O(N), N = fields", "Reads several fields of a hash at once."),
        CommandDoc("hincrby", .hash, "2.0.0", "O(1)", "Adds a whole number to the integer in a hash field."),
        CommandDoc("hincrbyfloat", .hash, "2.6.0", "O(1)", "Adds a decimal number to the number in a hash field."),
        CommandDoc("hdel", .hash, "2.0.0", "O(N), N = fields", "Removes fields from a hash."),
        CommandDoc("hlen", .hash, "2.0.0", "O(1)", "Counts the fields of a hash."),
        CommandDoc("hstrlen", .hash, "3.2.0", "O(1)", "Counts the bytes of one hash field's value."),
        CommandDoc("hkeys", .hash, "2.0.0", "O(N), N = fields", "Lists the field names of a hash."),
        CommandDoc("hvals", .hash, "2.0.0", "O(N), N = fields", "Lists the values of a hash."),
        CommandDoc("hgetall", .hash, "2.0.0", "O(N), N = fields", "Reads a whole hash, fields and values."),
        CommandDoc("hexists", .hash, "2.0.0", "O(1)", "Tells whether a hash has a field."),
        CommandDoc("hrandfield", .hash, "6.2.0", "O(N), N = fields returned", "Picks fields of a hash at random, with or without repeats."),
        CommandDoc("hscan", .hash, "2.8.0", "O(1) per call, O(N) for a whole iteration", "Walks the fields of a hash a few at a time with a cursor."),
    ]

    static let sets: [CommandDoc] = [
        CommandDoc("sadd", .set, "1.0.0", "O(1) per member", "Puts members into a set, creating it if needed."),
        CommandDoc("srem", .set, "1.0.0", "O(N), N = members", "Takes members out of a set."),
        CommandDoc("smove", .set, "1.0.0", "O(1)", "Moves a member from one set to another."),
        CommandDoc("sismember", .set, "1.0.0", "O(1)", "Tells whether a value belongs to a set."),
        CommandDoc("smismember", .set, "6.2.0", "O(N), N = values checked", "Tells, for each of several values, whether it belongs to a set."),
        CommandDoc("scard", .set, "1.0.0", "O(1)", "Counts the members of a set."),
        CommandDoc("spop", .set, "1.0.0", "O(1), or O(N) for a count of N", "Removes and answers random members of a set."),
        CommandDoc("srandmember", .set, "1.0.0", "O(1), or O(N) for a count of N", "Answers random members of a set without removing them."),
        CommandDoc("sinter", .set, "1.0.0", "O(N*M), N = smallest set, M = sets", "Answers the members common to all given sets."),
        CommandDoc("sinterstore", .set, "1.0.0", "O(N*M), N = smallest set, M = sets", "Stores the members common to all given sets under a key."),
        CommandDoc("sunion", .set, "1.0.0", "O(N), N = members of all sets", "Answers the members found in any of the given sets."),
        CommandDoc("sunionstore", .set, "1.0.0", "O(N), N = members of all sets", "Stores the members found in any of the given sets under a key."),
        CommandDoc("sdiff", .set, "1.0.0", "O(N), N = members of all sets", "Answers the members of the first set found in none of the others."),
        CommandDoc("sdiffstore", .set, "1.0.0", "O(N), N = members of all sets", "Stores the members of the first set found in none of the others."),
        CommandDoc("smembers", .set, "1.0.0", "O(N), N = members", "Lists every member of a set."),
        CommandDoc("sscan", .set, "2.8.0", "O(1) per call, O(N) for a whole iteration", "Walks the members of a set a few at a time with a cursor."),
    ]

    static let sortedSets: [CommandDoc] = [
        CommandDoc("zadd", .sortedSet, "1.2.0", "O(log(N)) per member, N = set size", "Puts scored members into a sorted set, or changes their scores."),
        CommandDoc("zincrby", .sortedSet, "1.2.0", "O(log(N)), N = set size", "Adds to the score of a member of a sorted set."),
        CommandDoc("zrem", .sortedSet, "1.2.0", "O(M*log(N)), M = members removed", "Takes members out of a sorted set."),
        CommandDoc("zremrangebyscore", .sortedSet, "1.2.0", "O(log(N)+M), M = members removed", "Deletes the members whose scores fall in a range."),
        CommandDoc("zremrangebyrank", .sortedSet, "2.0.0", "O(log(N)+M), M = members removed", "Deletes the members between two ranks."),
        CommandDoc("zremrangebylex", .sortedSet, "2.8.9", "O(log(N)+M), M = members removed", "Deletes the members between two names, for equal scores."),
        CommandDoc("zunionstore", .sortedSet, "2.0.0", "O(N)+O(M log(M)), N = input sizes, M = result size", "Stores the union of sorted sets, scores combined, under a key."),
        CommandDoc("zinterstore", .sortedSet, "2.0.0", "O(N*K)+O(M*log(M)), N = smallest input, K = inputs, M = result", "Stores the intersection of sorted sets, scores combined, under a key."),
        CommandDoc("zdiffstore", .sortedSet, "6.2.0", "O(L + (N-K)log(N)), L = all members, N = first set, K = result", "Stores the members of the first sorted set absent from the others."),
        CommandDoc("zunion", .sortedSet, "6.2.0", "O(N)+O(M*log(M)), N = input sizes, M = result size", "Answers the union of sorted sets, scores combined."),
        CommandDoc("zinter", .sortedSet, "6.2.0", "O(N*K)+O(M*log(M)), N = smallest input, K = inputs, M = result", "Answers the intersection of sorted sets, scores combined."),
        CommandDoc("zdiff", .sortedSet, "6.2.0", "O(L + (N-K)log(N)), L = all members, N = first set, K = result", "Answers the members of the first sorted set absent from the others."),
        CommandDoc("zrange", .sortedSet, "1.2.0", "O(log(N)+M), M = members returned", "Reads a slice of a sorted set by rank, score or name."),
        CommandDoc("zrangestore", .sortedSet, "6.2.0", "O(log(N)+M), M = members stored", "Copies a slice of a sorted set into another key."),
        CommandDoc("zrangebyscore", .sortedSet, "1.0.5", "O(log(N)+M), M = members returned", "Reads the members whose scores fall in a range.")
            .deprecated("6.2.0", by: "ZRANGE key min max BYSCORE"),
        CommandDoc("zrevrangebyscore", .sortedSet, "2.2.0", "O(log(N)+M), M = members returned", "Reads the members in a score range, highest first.")
            .deprecated("6.2.0", by: "ZRANGE key max min BYSCORE REV"),
        CommandDoc("zrangebylex", .sortedSet, "2.8.9", "O(log(N)+M), M = members returned", "Reads the members between two names, for equal scores.")
            .deprecated("6.2.0", by: "ZRANGE key min max BYLEX"),
        CommandDoc("zrevrangebylex", .sortedSet, "2.8.9", "O(log(N)+M), M = members returned", "Reads the members between two names, last name first.")
            .deprecated("6.2.0", by: "ZRANGE key max min BYLEX REV"),
        CommandDoc("zcount", .sortedSet, "2.0.0", "O(log(N)), N = set size", "Counts the members whose scores fall in a range."),
        CommandDoc("zlexcount", .sortedSet, "2.8.9", "O(log(N)), N = set size", "Counts the members between two names, for equal scores."),
        CommandDoc("zrevrange", .sortedSet, "1.2.0", "O(log(N)+M), M = members returned", "Reads a slice of a sorted set by rank, highest score first.")
            .deprecated("6.2.0", by: "ZRANGE key start stop REV"),
        CommandDoc("zcard", .sortedSet, "1.2.0", "O(1)", "Counts the members of a sorted set."),
        CommandDoc("zscore", .sortedSet, "1.2.0", "O(1)", "Reads the score of one member."),
        CommandDoc("zmscore", .sortedSet, "6.2.0", "O(N), N = members asked for", "Reads the scores of several members at once."),
        CommandDoc("zrank", .sortedSet, "2.0.0", "O(log(N))", "Reports a member's position, lowest score first."),
        CommandDoc("zrevrank", .sortedSet, "2.0.0", "O(log(N))", "Reports a member's position, highest score first."),
        CommandDoc("zrandmember", .sortedSet, "6.2.0", "O(N), N = members returned", "Picks members of a sorted set at random, optionally with scores."),
        CommandDoc("zscan", .sortedSet, "2.8.0", "O(1) per call, O(N) for a whole iteration", "Walks the members and scores of a sorted set with a cursor."),
        CommandDoc("zpopmin", .sortedSet, "5.0.0", "O(log(N)*M), M = members popped", "Removes and answers the members with the lowest scores."),
        CommandDoc("zpopmax", .sortedSet, "5.0.0", "O(log(N)*M), M = members popped", "Removes and answers the members with the highest scores."),
        CommandDoc("bzpopmin", .sortedSet, "5.0.0", "O(log(N)), N = set size", "ZPOPMIN of one member that waits while every sorted set is empty."),
        CommandDoc("bzpopmax", .sortedSet, "5.0.0", "O(log(N)), N = set size", "ZPOPMAX of one member that waits while every sorted set is empty."),
    ]

    static let server: [CommandDoc] = [
        CommandDoc("ping", .connection, "1.0.0", "O(1)", "Checks that the server answers; echoes a message if given one."),
        CommandDoc("echo", .connection, "1.0.0", "O(1)", "Answers with the message it was sent."),
        CommandDoc("auth", .connection, "1.0.0", "O(N), N = passwords of the user", "Logs this connection in with a password (and a user name)."),
        CommandDoc("hello", .connection, "6.0.0", "O(1)", "Picks the protocol version, optionally logs in, and describes the server."),
        CommandDoc("reset", .connection, "6.2.0", "O(1)", "Puts this connection back in the state of a new one."),
        CommandDoc("command", .server, "2.8.13", "O(N), N = commands", "Describes the commands this server knows.")
            .subcommands([
                CommandDoc("count", .server, "2.8.13", "O(1)", "Counts the commands this server knows."),
                CommandDoc("docs", .server, "7.0.0", "O(N), N = commands asked for", "Answers the documentation of commands: summary, version, group, cost."),
                CommandDoc("getkeys", .server, "2.8.13", "O(N), N = arguments", "Finds the key names inside a complete command."),
                CommandDoc("help", .server, "5.0.0", "O(1)", "Lists the COMMAND subcommands."),
                CommandDoc("info", .server, "2.8.13", "O(N), N = commands asked for", "Describes the arity, flags and keys of the named commands."),
            ]),
        CommandDoc("info", .server, "1.0.0", "O(1)", "Reports the server's state and counters, section by section."),
        CommandDoc("config", .server, "2.0.0", "Depends on subcommand.", "Reads and changes the server's settings while it runs.")
            .subcommands([
                CommandDoc("get", .server, "2.0.0", "O(N), N = parameters matched", "Answers the settings whose names match a glob pattern."),
                CommandDoc("help", .server, "5.0.0", "O(1)", "Lists the CONFIG subcommands."),
                CommandDoc("resetstat", .server, "2.0.0", "O(1)", "Zeroes the counters INFO reports."),
                CommandDoc("set", .server, "2.0.0", "O(N), N = parameters given", "Changes a setting at run time."),
            ]),
        CommandDoc("memory", .server, "4.0.0", "Depends on subcommand.", "Reports how the server uses its memory.")
            .subcommands([
                CommandDoc("doctor", .server, "4.0.0", "O(1)", "Answers a short diagnosis of the server's memory use."),
                CommandDoc("help", .server, "4.0.0", "O(1)", "Lists the MEMORY subcommands."),
                CommandDoc("malloc-stats", .server, "4.0.0", "Grows with the memory allocated; may be slow", "Answers the allocator's own statistics."),
                CommandDoc("purge", .server, "4.0.0", "Grows with the memory allocated; may be slow", "Asks the allocator to give unused pages back."),
                CommandDoc("stats", .server, "4.0.0", "O(1)", "Breaks the server's memory use down into fields."),
                CommandDoc("usage", .server, "4.0.0", "O(N), N = samples", "Estimates the bytes a key and its value take."),
            ]),
        CommandDoc("debug", .server, "1.0.0", "Depends on subcommand.", "Inspects and pokes at the server's internals, for tests.").syscmd(),
        CommandDoc("shutdown", .server, "1.0.0", "O(N) with saving, N = keys; otherwise O(1)", "Stops the server, saving first if persistence asks for it."),
        CommandDoc("lastsave", .server, "1.0.0", "O(1)", "Reports the Unix time of the last successful save to disk."),
        CommandDoc("time", .server, "2.6.0", "O(1)", "Reports the server's clock in seconds and microseconds."),
        CommandDoc("multi", .transactions, "1.2.0", "O(1)", "Starts queueing commands to run together as one transaction."),
        CommandDoc("exec", .transactions, "1.2.0", "Depends on the queued commands", "Runs the queued transaction, unless a watched key changed."),
        CommandDoc("discard", .transactions, "2.0.0", "O(N), N = queued commands", "Drops the queued transaction."),
        CommandDoc("watch", .transactions, "2.2.0", "O(1) per key", "Makes the next EXEC fail if any of these keys changes first."),
        CommandDoc("unwatch", .transactions, "2.2.0", "O(1)", "Forgets every key this connection watches."),
        CommandDoc("client", .connection, "2.4.0", "Depends on subcommand.", "Inspects and manages the connections to the server.")
            .subcommands([
                CommandDoc("caching", .connection, "6.0.0", "O(1)", "Says whether the next read should be tracked for client-side caching."),
                CommandDoc("getname", .connection, "2.6.9", "O(1)", "Answers the name this connection was given."),
                CommandDoc("getredir", .connection, "6.0.0", "O(1)", "Answers the id that receives this connection's tracking messages."),
                CommandDoc("help", .connection, "5.0.0", "O(1)", "Lists the CLIENT subcommands."),
                CommandDoc("id", .connection, "5.0.0", "O(1)", "Answers this connection's unique number."),
                CommandDoc("info", .connection, "6.2.0", "O(1)", "Describes this connection in one CLIENT LIST line."),
                CommandDoc("kill", .connection, "2.4.0", "O(N), N = connections", "Closes the connections that match a filter."),
                CommandDoc("list", .connection, "2.4.0", "O(N), N = connections", "Describes every connection, one line each."),
                CommandDoc("pause", .connection, "2.9.50", "O(1)", "Holds clients' commands (all, or only writes) for some milliseconds."),
                CommandDoc("reply", .connection, "3.2.0", "O(1)", "Turns this connection's replies off, on, or off for one command."),
                CommandDoc("setname", .connection, "2.6.9", "O(1)", "Gives this connection a name that CLIENT LIST shows."),
                CommandDoc("tracking", .connection, "6.0.0", "O(1), more with some options", "Turns key tracking for client-side caching on or off."),
                CommandDoc("trackinginfo", .connection, "6.2.0", "O(1)", "Describes this connection's key-tracking settings."),
                CommandDoc("unblock", .connection, "5.0.0", "O(log N), N = connections", "Wakes a connection blocked in a waiting command."),
                CommandDoc("unpause", .connection, "6.2.0", "O(N), N = paused clients", "Ends a CLIENT PAUSE early."),
            ]),
        CommandDoc("subscribe", .pubsub, "2.0.0", "O(N), N = channels", "Listens for messages published to channels."),
        CommandDoc("unsubscribe", .pubsub, "2.0.0", "O(N), N = clients already on the channel", "Stops listening to channels (all of them if none is named)."),
        CommandDoc("psubscribe", .pubsub, "2.0.0", "O(N), N = patterns already subscribed", "Listens for messages on every channel matching glob patterns."),
        CommandDoc("punsubscribe", .pubsub, "2.0.0", "O(N+M), N = own patterns, M = all patterns", "Stops listening to channel patterns (all if none is named)."),
        CommandDoc("publish", .pubsub, "2.0.0", "O(N+M), N = channel subscribers, M = all patterns", "Sends a message to a channel's listeners and counts them."),
        CommandDoc("pubsub", .pubsub, "2.8.0", "Depends on subcommand.", "Reports on the channels and patterns in use.")
            .subcommands([
                CommandDoc("channels", .pubsub, "2.8.0", "O(N), N = active channels", "Lists the channels that have listeners, optionally filtered."),
                CommandDoc("help", .pubsub, "6.2.0", "O(1)", "Lists the PUBSUB subcommands."),
                CommandDoc("numpat", .pubsub, "2.8.0", "O(1)", "Counts the patterns subscribed to across all clients."),
                CommandDoc("numsub", .pubsub, "2.8.0", "O(N), N = channels asked for", "Counts the listeners of each named channel."),
            ]),
    ]
}

// MARK: - The reply

extension Server {
    /// The doc for a name as a client sends it: `get`, `GET`, or a subcommand as `client|list`;
    /// nil when no registered command has that name.
    /// Redis 7.0: lookupCommandBySds (src/server.c)
    func commandDoc(named raw: ByteString) -> CommandDoc? {
        let name = raw.lowercasedASCII.stringValue
        let parts = name.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count <= 2, let container = commands.lookup(ByteString(String(parts[0]))),
              let doc = CommandDocs.byName[container.name] else { return nil }
        return parts.count == 1 ? doc : doc.subcommand(String(parts[1]))
    }

    // snippet.commandDocsCommand
    /// COMMAND DOCS [name …]: a map of command name → doc, for every command when no name is
    /// given; names that find no command are left out, so the map may be empty.
    /// Redis 7.0: commandDocsCommand (src/server.c)
    func commandDocsCommand(_ c: Client) {
        let docs: [CommandDoc]
        if c.argv.count == 2 {
            docs = commands.all.compactMap { CommandDocs.byName[$0.name] }
        } else {
            // A name given twice is answered twice, as 7.0 does.
            docs = c.argv[2...].compactMap { commandDoc(named: $0) }
        }
        c.addReplyMapLen(docs.count)
        for doc in docs {
            c.addReplyBulk(doc.name)
            addReplyCommandDocs(c, doc)
        }
    }
    // snippet.end

    /// One doc map, with 7.0's keys in 7.0's order; the optional ones only where they apply.
    /// Redis 7.0: addReplyCommandDocs (src/server.c)
    func addReplyCommandDocs(_ c: Client, _ doc: CommandDoc) {
        let args = CommandSyntax.arguments(doc.name)
        var fields = 4
        if !doc.docFlags.isEmpty { fields += 1 }
        if doc.deprecatedSince != nil { fields += 1 }
        if doc.replacedBy != nil { fields += 1 }
        if !args.isEmpty { fields += 1 }
        if !doc.subcommands.isEmpty { fields += 1 }
        c.addReplyMapLen(fields)
        c.addReplyBulk("summary"); c.addReplyBulk(doc.summary)
        c.addReplyBulk("since"); c.addReplyBulk(doc.since)
        c.addReplyBulk("group"); c.addReplyBulk(doc.group.rawValue)
        c.addReplyBulk("complexity"); c.addReplyBulk(doc.complexity)
        if !doc.docFlags.isEmpty {
            // A set of status replies, as addReplyDocFlagsForCommand sends them.
            c.addReplyBulk("doc_flags")
            c.addReplySetLen(doc.docFlags.count)
            for f in doc.docFlags { c.addReplyStatus(f) }
        }
        if let v = doc.deprecatedSince { c.addReplyBulk("deprecated_since"); c.addReplyBulk(v) }
        if let v = doc.replacedBy { c.addReplyBulk("replaced_by"); c.addReplyBulk(v) }
        if !args.isEmpty { c.addReplyBulk("arguments"); addReplyCommandArgList(c, args) }
        if !doc.subcommands.isEmpty {
            c.addReplyBulk("subcommands")
            c.addReplyMapLen(doc.subcommands.count)
            for sub in doc.subcommands {
                c.addReplyBulk(sub.name)
                addReplyCommandDocs(c, sub)
            }
        }
    }
}
