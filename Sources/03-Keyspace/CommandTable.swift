// The command table: every command's name, arity, flags and key positions, and its function.
//
// Redis describes each command with one line of a big array in src/server.c:
//
//     {"set", setCommand, -3, "write use-memory @string", 0, NULL, 1, 1, 1, 0, 0, 0},
//      name   function   arity  flags                               first last step
//
// Arity counts the command name itself: 2 means exactly `GET key`; -3 means at least three
// words (`SET key value [options]`). The flags tell the dispatcher what a command may do
// (`write`: refused on a read-only replica and propagated to the AOF; `fast`: O(1) or
// O(log N); `@string`: its ACL category). The key positions let `COMMAND GETKEYS` and, later,
// cluster routing find the keys without running the command. We keep the same description, in
// the same words, so `COMMAND INFO set` answers exactly as Redis 6.2 does.
//
// Redis: struct redisCommand, redisCommandTable, populateCommandTable, lookupCommand (src/server.c)

import RedisCore
import RedisRESP

/// What a command may do. Redis: the CMD_* flags (src/server.h)
public struct CommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    public static let denyOOM = CommandFlags(rawValue: 1 << 2)
    public static let admin = CommandFlags(rawValue: 1 << 4)
    public static let pubsub = CommandFlags(rawValue: 1 << 5)
    public static let noScript = CommandFlags(rawValue: 1 << 6)
    public static let random = CommandFlags(rawValue: 1 << 7)
    public static let sortForScript = CommandFlags(rawValue: 1 << 8)
    public static let loading = CommandFlags(rawValue: 1 << 9)
    public static let stale = CommandFlags(rawValue: 1 << 10)
    public static let skipMonitor = CommandFlags(rawValue: 1 << 11)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 12)
    public static let asking = CommandFlags(rawValue: 1 << 13)
    public static let fast = CommandFlags(rawValue: 1 << 14)
    public static let noAuth = CommandFlags(rawValue: 1 << 15)
    public static let mayReplicate = CommandFlags(rawValue: 1 << 16)
    /// Keys found by a function, not only by first/last/step (ZUNIONSTORE's numkeys). Redis 6.2
    /// prints `movablekeys` for a command with a getkeys_proc (addReplyCommand, src/server.c).
    public static let movableKeys = CommandFlags(rawValue: 1 << 17)

    /// The words of Redis 6.2's `sflags` strings, and the names COMMAND prints for them.
    /// Redis: populateCommandTableParseFlags (src/server.c), addReplyCommandFlags
    static let words: [(spec: String, reply: String, flag: CommandFlags)] = [
        ("write", "write", .write), ("read-only", "readonly", .readonly), ("use-memory", "denyoom", .denyOOM),
        ("admin", "admin", .admin), ("pub-sub", "pubsub", .pubsub), ("no-script", "noscript", .noScript),
        ("random", "random", .random), ("to-sort", "sort_for_script", .sortForScript),
        ("ok-loading", "loading", .loading), ("ok-stale", "stale", .stale),
        ("no-monitor", "skip_monitor", .skipMonitor), ("no-slowlog", "skip_slowlog", .skipSlowlog),
        ("cluster-asking", "asking", .asking), ("fast", "fast", .fast), ("no-auth", "no_auth", .noAuth),
        ("may-replicate", "may_replicate", .mayReplicate), ("movablekeys", "movablekeys", .movableKeys),
    ]

    /// The flag names COMMAND replies with, in Redis's order.
    public var replyNames: [String] { CommandFlags.words.filter { contains($0.flag) }.map(\.reply) }
}

/// A command's implementation: runs with the client whose `argv` holds the arguments.
public typealias CommandProc = (Client) -> Void

/// One command. Redis: struct redisCommand (src/server.h)
public final class RedisCommand {
    /// Lower-case name.
    public let name: String
    /// Number of words including the name; negative: at least that many. Redis: arity
    public let arity: Int
    public let flags: CommandFlags
    /// ACL categories (`@string`, `@keyspace`…), as COMMAND lists them.
    public let categories: [String]
    /// Positions of the first and last key and the step between keys (0 0 0: no keys;
    /// last -1: up to the last argument). Redis: firstkey, lastkey, keystep
    public let firstKey: Int, lastKey: Int, keyStep: Int
    public let proc: CommandProc

    // Statistics for INFO commandstats. Redis: calls, microseconds, rejected_calls, failed_calls
    public var calls: Int64 = 0
    public var microseconds: Int64 = 0
    public var rejectedCalls: Int64 = 0
    public var failedCalls: Int64 = 0

    /// `spec` is the flag string as in Redis 6.2's table: `"write use-memory fast @string"`.
    public init(_ name: String, _ arity: Int, _ spec: String, _ firstKey: Int, _ lastKey: Int, _ keyStep: Int,
                _ proc: @escaping CommandProc) {
        self.name = name
        self.arity = arity
        var flags: CommandFlags = []
        var categories: [String] = []
        for word in spec.split(separator: " ") {
            if word.hasPrefix("@") { categories.append(String(word)); continue }
            if let w = CommandFlags.words.first(where: { $0.spec == word }) { flags.insert(w.flag) }
        }
        // Redis adds these categories from the flags. Redis: setImplicitACLCategories
        if flags.contains(.write) { categories.append("@write") }
        if flags.contains(.readonly) { categories.append("@read") }
        if flags.contains(.admin) { categories.append(contentsOf: ["@admin", "@dangerous"]) }
        if flags.contains(.pubsub) { categories.append("@pubsub") }
        if flags.contains(.fast) { categories.append("@fast") }
        if !flags.contains(.fast) { categories.append("@slow") }
        self.flags = flags
        // COMMAND lists them in the order of Redis's category table, not of the spec string.
        self.categories = categories.sorted {
            (RedisCommand.categoryOrder.firstIndex(of: $0) ?? 99) < (RedisCommand.categoryOrder.firstIndex(of: $1) ?? 99)
        }
        self.firstKey = firstKey
        self.lastKey = lastKey
        self.keyStep = keyStep
        self.proc = proc
    }

    /// The ACL categories in the order Redis prints them. Redis: ACLCommandCategories (src/acl.c)
    static let categoryOrder = ["@keyspace", "@read", "@write", "@set", "@sortedset", "@list", "@hash", "@string",
                                "@bitmap", "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow",
                                "@blocking", "@dangerous", "@connection", "@transaction", "@scripting"]

    /// True when `argc` words satisfy the arity. Redis: the arity check in processCommand
    @inline(__always)
    public func acceptsArgumentCount(_ argc: Int) -> Bool {
        arity > 0 ? argc == arity : argc >= -arity
    }

    /// Finds the keys of a command whose keys move with its arguments (`ZUNIONSTORE dest
    /// numkeys key…`): the positions in argv, or [] when the arguments are invalid. Set for
    /// the commands with the `movablekeys` flag. Redis: redisCommand.getkeys_proc
    public var getKeys: (([ByteString]) -> [Int])?

    /// The key positions in `argv` (the command name first). Redis: getKeysFromCommand (src/db.c)
    public func keyPositions(_ argv: [ByteString]) -> [Int] {
        if let getKeys { return getKeys(argv) }
        return keyPositions(argc: argv.count)
    }

    /// The key positions by first/last/step alone. Redis: getKeysUsingCommandTable (src/db.c)
    public func keyPositions(argc: Int) -> [Int] {
        if firstKey == 0 { return [] }
        let last = lastKey < 0 ? argc + lastKey : lastKey
        return Array(stride(from: firstKey, through: min(last, argc - 1), by: max(keyStep, 1)))
    }
}

/// The keys of a command with a key count: `num` keys from `firstKeyAt`, the count at
/// `countAt`, and the destination (if any) last; [] when the count is below 1 or runs past the
/// arguments. Redis: genericGetKeys (src/db.c)
public func keysWithCount(_ argv: [ByteString], store: Int, countAt: Int, firstKeyAt: Int) -> [Int] {
    guard countAt < argv.count, let num = argv[countAt].int64Value, num >= 1,
          num <= Int64(argv.count - firstKeyAt) else { return [] }
    var keys = Array(firstKeyAt..<(firstKeyAt + Int(num)))
    if store > 0 { keys.append(store) }
    return keys
}

/// Commands by name. Redis: server.commands (a dict) and lookupCommand (src/server.c)
public final class CommandTable {
    let byName = Dict<RedisCommand>()
    /// Every command in registration order (COMMAND lists them).
    public private(set) var all: [RedisCommand] = []

    public init() {}

    /// Adds a command (replacing one of the same name).
    public func register(_ cmd: RedisCommand) {
        if byName.set(ByteString(cmd.name), cmd) { all.append(cmd) } else {
            all = all.map { $0.name == cmd.name ? cmd : $0 }
        }
    }

    /// Looks a command up, ignoring case. Redis: lookupCommand (src/server.c)
    @inline(__always)
    public func lookup(_ name: ByteString) -> RedisCommand? {
        let i = byName.find(name.lowercasedASCII)
        return i == 0 ? nil : byName.value(at: i)
    }

    public var count: Int { all.count }
}
