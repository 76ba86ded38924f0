// Configuration: one table behind redis.conf, `--name value` arguments, CONFIG GET and CONFIG SET.
//
// Redis 6.2 describes most options in one array, `standardConfig configs[]` in src/config.c, each
// with a name, flags (immutable or not), a default and bounds; the same entry parses the config
// file, answers CONFIG GET and applies CONFIG SET. We do the same: `Config.table` holds one
// `ConfigEntry` per option, and typed fields on `Config` hold the values the server reads.
//
//     redis.conf lines ─┐
//     --name value ─────┼─▶ Config.apply(line:) ─▶ ConfigEntry.set ─▶ typed field (config.port)
//     CONFIG SET ───────┘                                      ▲
//     CONFIG GET ─────────▶ ConfigEntry.get ───────────────────┘
//
// Options that only SwiftRedis has (`trace`, `trace-areas`, `trace-format`, `trace-file`,
// `event-loop`) sit in the same table so that `--trace yes` works like any other option.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A configuration problem, with the message Redis would give.
public struct ConfigError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A CONFIG SET failure whose text is the whole reply, for an option 6.2 still sets by hand in
/// configSetCommand (`save`); `message` is what a config file line gets instead.
/// Redis: config_set_special_field and its `badfmt` label (src/config.c)
public struct ConfigSetReply: Error {
    public let reply: String
    public let message: String
}

/// One option: its name, whether CONFIG SET may change it, and how to read and write it.
/// Redis: standardConfig (src/config.c)
public struct ConfigEntry {
    public let name: String
    public let mutable: Bool
    public let get: (Config) -> String
    /// Parses and stores the arguments; throws a ConfigError with Redis's wording.
    public let set: (Config, [String]) throws -> Void
}

/// Every option the server reads, with Redis 6.2's defaults.
public final class Config {
    // MARK: Network (Redis: the "NETWORK" section of redis.conf)
    public var port = 6379
    /// SIMPLIFICATION: Redis 6.2 with no `bind` line listens on every interface and relies on
    /// protected mode; SwiftRedis listens on loopback unless told otherwise.
    public var bind = ["127.0.0.1"]
    /// Whether `bind` was set (in the config file, on the command line). Redis 6.2's protected
    /// mode applies only without one, since Redis then listens on every interface; ours listens on
    /// loopback, so without `bind` every peer is the loopback address and protected mode never
    /// refuses anyone. Redis: server.bindaddr_count == 0
    public var bindGiven = false
    public var tcpBacklog = 511
    public var timeout = 0
    public var tcpKeepalive = 300
    public var protectedMode = true

    // MARK: Memory management (Redis: the "MEMORY MANAGEMENT" section of redis.conf)
    /// The heap's limit in bytes (0: none): past it, keys are evicted before each command, or
    /// commands that would use more memory are refused (Evict.swift).
    public var maxmemory: Int64 = 0
    /// Which keys eviction picks, one of `Config.maxmemoryPolicies`.
    public var maxmemoryPolicy = "noeviction"
    /// Keys sampled per database in each eviction round.
    public var maxmemorySamples = 5
    /// How long one eviction round may take, 0…100 (new in 6.2): 10 is 500 µs.
    public var maxmemoryEvictionTenacity = 10
    /// LFU: how slowly the access count grows (higher: slower), and the minutes of disuse that
    /// take one off it. Redis: lfu-log-factor, lfu-decay-time
    public var lfuLogFactor = 10
    public var lfuDecayTime = 1
    /// Client-side caching: how many keys the tracking table may remember before it forgets
    /// (and invalidates) some (0: no limit). Redis: tracking-table-max-keys
    public var trackingTableMaxKeys = 1_000_000

    // MARK: Clients and limits
    public var maxclients = 10000
    public var protoMaxBulkLen: Int64 = 512 * 1024 * 1024
    public var clientQueryBufferLimit: Int64 = 1024 * 1024 * 1024
    public var requirepass = ""

    // MARK: General
    public var databases = 16
    /// Cron frequency; values outside 1...500 are clamped when used, as Redis does. Use `effectiveHz`.
    public var hz = 10
    /// `hz` clamped to 1...500. Redis: CONFIG_MIN_HZ, CONFIG_MAX_HZ (src/server.h)
    public var effectiveHz: Int { min(max(hz, 1), 500) }
    public var dynamicHz = true
    public var activeRehashing = true

    // MARK: Advanced config: small aggregates in compact encodings (Redis: "ADVANCED CONFIG")
    /// A hash with more fields becomes a hash table. Redis: hash-max-ziplist-entries (default 512)
    public var hashMaxZiplistEntries = 512
    /// A hash with a longer field or value becomes a hash table. Redis: hash-max-ziplist-value
    public var hashMaxZiplistValue: Int64 = 64
    public var loglevel = LogLevel.notice
    public var logfile = ""
    public var dir = ""
    public var pidfile = ""
    public var daemonize = false
    /// Save points, `seconds changes` pairs, kept as text until the RDB chapter reads them.
    /// SIMPLIFICATION: stored only; no RDB is written on a timer yet. Redis: saveparams
    public var save = "3600 1 300 100 60 10000"
    /// The RDB file's name, inside `dir`. SIMPLIFICATION: stored only until the RDB chapter.
    /// Redis: dbfilename (server.rdb_filename)
    public var dbfilename = "dump.rdb"
    public var appendonly = false
    /// The AOF's file name, inside `dir`. Redis: appendfilename
    public var appendfilename = "appendonly.aof"
    /// `always`, `everysec` or `no`. Redis: appendfsync
    public var appendfsync = "everysec"
    /// Load an AOF whose last command was cut short, dropping that command. Redis: aof-load-truncated
    public var aofLoadTruncated = true
    /// Sets of integers stay intsets up to this many members. Redis: set-max-intset-entries
    public var setMaxIntsetEntries = 512
    /// `auto`, `epoll`, `kqueue` or `poll`: which event-loop backend to use (SwiftRedis only).
    public var eventLoop = "auto"
    /// A sorted set with more members than this leaves the ziplist encoding. Redis: zset-max-ziplist-entries
    public var zsetMaxZiplistEntries = 128
    /// A sorted set with a longer member leaves the ziplist encoding. Redis: zset-max-ziplist-value
    public var zsetMaxZiplistValue = 64

    // MARK: Trace mode (SwiftRedis only)
    public var trace = false
    public var traceAreas = TraceArea.allMask
    public var traceFormat = "text"
    public var traceFile = ""
    /// A FIFO to wait on after every trace line (step mode, driven by `swift-redis walk --step`).
    public var traceStep = ""

    /// Called after an option changed, with its name (the server applies loglevel, trace…).
    public var didChange: ((String) -> Void)?

    /// True while a config text is read (`save` lines then add up), and whether one was seen.
    var loadingFile = false
    var saveLineSeen = false

    /// The config file given on the command line, for CONFIG REWRITE and INFO.
    public var configFile = ""

    public init() {
        var buf = [CChar](repeating: 0, count: 4096)
        if getcwd(&buf, 4096) != nil { dir = cString(buf) }
    }

    // MARK: - The table

    /// One entry per option, in the order CONFIG GET * lists them.
    nonisolated(unsafe) public static let table: [ConfigEntry] = [
        .int("port", \.port, 0...65535, mutable: false),
        ConfigEntry(name: "bind", mutable: false, get: { $0.bind.joined(separator: " ") },
                    set: { c, args in c.bind = args; c.bindGiven = true }),
        .int("tcp-backlog", \.tcpBacklog, 0...Int(Int32.max), mutable: false),
        .int("timeout", \.timeout, 0...Int(Int32.max)),
        .int("tcp-keepalive", \.tcpKeepalive, 0...Int(Int32.max)),
        .memory("maxmemory", \.maxmemory, 0),
        .oneOf("maxmemory-policy", \.maxmemoryPolicy, Config.maxmemoryPolicies),
        .int("maxmemory-samples", \.maxmemorySamples, 1...Int(Int32.max)),
        .int("maxmemory-eviction-tenacity", \.maxmemoryEvictionTenacity, 0...100),
        .int("lfu-log-factor", \.lfuLogFactor, 0...Int(Int32.max)),
        .int("lfu-decay-time", \.lfuDecayTime, 0...Int(Int32.max)),
        .int("tracking-table-max-keys", \.trackingTableMaxKeys, 0...Int.max),
        .bool("protected-mode", \.protectedMode),
        .int("maxclients", \.maxclients, 1...Int(Int32.max)),
        .memory("proto-max-bulk-len", \.protoMaxBulkLen, 1024 * 1024),
        .memory("client-query-buffer-limit", \.clientQueryBufferLimit, 1024 * 1024),
        .string("requirepass", \.requirepass),
        .int("databases", \.databases, 1...Int(Int32.max), mutable: false),
        .int("hz", \.hz, 0...Int(Int32.max)),
        .bool("dynamic-hz", \.dynamicHz),
        .bool("activerehashing", \.activeRehashing),
        .int("hash-max-ziplist-entries", \.hashMaxZiplistEntries, 0...Int.max),
        .memory("hash-max-ziplist-value", \.hashMaxZiplistValue, 0),
        ConfigEntry(name: "loglevel", mutable: true, get: { $0.loglevel.name }, set: { c, a in
            guard a.count == 1, let l = LogLevel(name: a[0]) else { throw ConfigError(Config.oneOfError(["debug", "verbose", "notice", "warning"])) }
            c.loglevel = l
        }),
        .string("logfile", \.logfile, mutable: false),
        .string("dir", \.dir),
        ConfigEntry(name: "dbfilename", mutable: true, get: { $0.dbfilename }, set: { c, a in
            guard a.count == 1 else { throw ConfigError("wrong number of arguments") }
            // Redis: isValidDBfilename, pathIsBaseName (src/config.c, src/util.c)
            if a[0].contains("/") { throw ConfigError("dbfilename can't be a path, just a filename") }
            c.dbfilename = a[0]
        }),
        .string("pidfile", \.pidfile, mutable: false),
        ConfigEntry(name: "daemonize", mutable: false, get: { $0.daemonize ? "yes" : "no" }, set: { c, a in
            guard a.count == 1, let b = Config.parseBool(a[0]) else { throw ConfigError("argument must be 'yes' or 'no'") }
            // The server forks for persistence and must stay in the foreground of its terminal.
            if b { throw ConfigError("SwiftRedis does not daemonize; run it under a supervisor instead") }
            c.daemonize = b
        }),
        ConfigEntry(name: "save", mutable: true, get: { $0.save }, set: { c, a in
            // Pairs of whole numbers, seconds at least 1 and changes at least 0; "" clears them.
            let words = a.flatMap { $0.split(separator: " ").map(String.init) }
            let valid = words.count % 2 == 0 && words.indices.allSatisfy { i in
                guard let v = Int64(words[i]) else { return false }
                return v >= (i % 2 == 0 ? 1 : 0)
            }
            guard valid else {
                throw ConfigSetReply(reply: "ERR Invalid argument '\(a.joined(separator: " "))' for CONFIG SET 'save'", message: "Invalid save parameters")
            }
            // In a config file each `save` line adds its points to the earlier lines' (the first
            // replaces the defaults); CONFIG SET replaces them all. Redis: appendServerSaveParams
            let points = words.joined(separator: " ")
            if c.loadingFile && c.saveLineSeen && !points.isEmpty && !c.save.isEmpty {
                c.save += " " + points
            } else {
                c.save = points
            }
            if c.loadingFile { c.saveLineSeen = true }
        }),
        .bool("appendonly", \.appendonly),
        .int("zset-max-ziplist-entries", \.zsetMaxZiplistEntries, 0...Int.max),
        .int("zset-max-ziplist-value", \.zsetMaxZiplistValue, 0...Int.max),
        .string("appendfilename", \.appendfilename, mutable: false),
        ConfigEntry(name: "appendfsync", mutable: true, get: { $0.appendfsync }, set: { c, a in
            guard a.count == 1, ["always", "everysec", "no"].contains(a[0].lowercased()) else {
                throw ConfigError(Config.oneOfError(["always", "everysec", "no"]))
            }
            c.appendfsync = a[0].lowercased()
        }),
        .bool("aof-load-truncated", \.aofLoadTruncated),
        .int("set-max-intset-entries", \.setMaxIntsetEntries, 0...Int.max),
        ConfigEntry(name: "event-loop", mutable: false, get: { $0.eventLoop }, set: { c, a in
            guard a.count == 1, ["auto", "epoll", "kqueue", "poll"].contains(a[0].lowercased()) else {
                throw ConfigError("argument must be one of auto, epoll, kqueue, poll")
            }
            c.eventLoop = a[0].lowercased()
        }),
        .bool("trace", \.trace),
        ConfigEntry(name: "trace-areas", mutable: true, get: { TraceArea.listString($0.traceAreas) }, set: { c, a in
            guard let m = TraceArea.parseList(a.joined(separator: ",")) else {
                throw ConfigError("argument must be a list of: all, " + TraceArea.allCases.map(\.name).joined(separator: ", "))
            }
            c.traceAreas = m
        }),
        ConfigEntry(name: "trace-format", mutable: true, get: { $0.traceFormat }, set: { c, a in
            guard a.count == 1, a[0] == "text" || a[0] == "jsonl" else { throw ConfigError("argument must be 'text' or 'jsonl'") }
            c.traceFormat = a[0]
        }),
        .string("trace-file", \.traceFile),
        .string("trace-step", \.traceStep),
    ]

    /// The entry called `name` (case-insensitive).
    public static func entry(_ name: String) -> ConfigEntry? {
        let n = name.lowercased()
        return table.first { $0.name == n }
    }

    // MARK: - Loading

    /// Applies one config line, `name arg…`, as from redis.conf. Redis: loadServerConfigFromString
    public func apply(line: String) throws {
        let args = try Config.splitArgs(line)
        guard let name = args.first else { return }
        guard let e = Config.entry(name) else { throw ConfigError("Bad directive or wrong number of arguments") }
        if args.count < 2 { throw ConfigError("wrong number of arguments") }
        try e.set(self, Array(args.dropFirst()))
    }

    /// Applies a whole config text; on error names the line, as Redis does before exiting.
    public func load(text: String) throws {
        // Split on the byte \n, as Redis does: a CRLF file is one Character per line end in Swift.
        let lines = text.unicodeScalars.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" })
        loadingFile = true
        defer { loadingFile = false }
        for (i, raw) in lines.enumerated() {
            var scalars = raw
            while scalars.last == "\r" { scalars.removeLast() }
            let line = Substring(String(scalars)).trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                try apply(line: line)
            } catch let e as ConfigSetReply {
                throw ConfigError(Config.fileError(line: i + 1, text: line, e.message))
            } catch let e as ConfigError {
                throw ConfigError(Config.fileError(line: i + 1, text: line, e.message))
            }
        }
    }

    /// The fatal message for a bad config file line. Redis: loadServerConfigFromString's loaderr
    static func fileError(line: Int, text: String, _ message: String) -> String {
        """

        *** FATAL CONFIG FILE ERROR (SwiftRedis) ***
        Reading the configuration file, at line \(line)
        >>> '\(text)'
        \(message)
        """
    }

    /// Builds the config text from a command line, as Redis's main(): an optional config file
    /// first, then each `--name` starts a new line and the words after it are its arguments.
    public func load(arguments: [String]) throws {
        var args = arguments[...]
        var text = ""
        if let first = args.first, !first.hasPrefix("--") {
            configFile = first
            guard let f = fopen(first, "r") else {
                throw ConfigError("Fatal error, can't open config file '\(first)': \(String(cString: strerror(errno)))")
            }
            var chunk = [CChar](repeating: 0, count: 4096)
            while let p = fgets(&chunk, 4096, f) { text += String(cString: p) }
            fclose(f)
            args = args.dropFirst()
        }
        var line = ""
        for a in args {
            if a.hasPrefix("--") && a.count > 2 {
                if !line.isEmpty { text += "\n" + line }
                line = String(a.dropFirst(2))
            } else {
                line += " " + Config.quote(a)
            }
        }
        if !line.isEmpty { text += "\n" + line }
        try load(text: text)
    }

    // MARK: - CONFIG GET / SET

    /// Name-value pairs for every option matching the glob `pattern`. Redis: configGetCommand
    public func get(pattern: ByteString) -> [(String, String)] {
        Config.table.filter { e in ByteString(e.name).globMatch(pattern, noCase: true) }
            .map { ($0.name, $0.get(self)) }
    }

    /// CONFIG SET name value: nil on success, or the error reply text. Redis: configSetCommand
    public func set(name: String, value: String) -> String? {
        guard let e = Config.entry(name), e.mutable else { return "ERR Unsupported CONFIG parameter: \(name)" }
        if e.name == "dir" {
            // 6.2 sets `dir` by hand: it changes the process's directory at once (the AOF and RDB
            // are opened relative to it) and then reports getcwd(). Redis: configSetCommand
            guard chdir(value) == 0 else { return "ERR Changing directory: \(String(cString: strerror(errno)))" }
            var buf = [CChar](repeating: 0, count: 4096)
            dir = getcwd(&buf, 4096) != nil ? cString(buf) : value
            didChange?(e.name)
            return nil
        }
        let args = e.name == "save" || e.name == "bind" ? value.split(separator: " ").map(String.init) : [value]
        do {
            try e.set(self, args.isEmpty ? [""] : args)
        } catch let err as ConfigSetReply {
            return err.reply
        } catch let err as ConfigError {
            return "ERR Invalid argument '\(value)' for CONFIG SET '\(name)' - \(err.message)"
        } catch {
            return "ERR Invalid argument '\(value)' for CONFIG SET '\(name)'"
        }
        didChange?(e.name)
        return nil
    }

    // MARK: - Value syntax

    /// Redis 6.2's eviction policies, in its order. Redis: maxmemory_policy_enum (src/config.c)
    public static let maxmemoryPolicies = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                           "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]

    /// 6.2's error for a value outside an enum. (7.0 says "argument(s)", as its enums may take
    /// several flags.) Redis: enumConfigSet (src/config.c)
    static func oneOfError(_ names: [String]) -> String {
        "argument must be one of the following: " + names.joined(separator: ", ")
    }

    /// `yes`/`no`. Redis: yesnotoi (src/config.c)
    public static func parseBool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "yes": return true
        case "no": return false
        default: return nil
        }
    }

    /// `100`, `1k`, `1kb`, `512mb`, `1gb`. Redis: memtoll (src/util.c)
    public static func parseMemory(_ s: String) -> Int64? {
        let lower = s.lowercased()
        let units: [(String, Int64)] = [("kb", 1024), ("mb", 1024 * 1024), ("gb", 1024 * 1024 * 1024),
                                        ("k", 1000), ("m", 1_000_000), ("g", 1_000_000_000), ("b", 1)]
        var mul: Int64 = 1
        var digits = lower
        for (u, m) in units where lower.hasSuffix(u) {
            mul = m; digits = String(lower.dropLast(u.count)); break
        }
        guard let v = Int64(digits) else { return nil }
        let (r, o) = v.multipliedReportingOverflow(by: mul)
        return o ? nil : r
    }

    /// Splits a config line into words, honouring quotes as Redis's sdssplitargs does.
    public static func splitArgs(_ line: String) throws -> [String] {
        guard let parts = splitQuotedArgs(Array(line.utf8)) else { throw ConfigError("Unbalanced quotes in configuration line") }
        return parts.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Quotes an argument the way Redis's main() does with sdscatrepr, so that spaces, tabs,
    /// newlines and quotes survive the trip through a config line.
    static func quote(_ s: String) -> String {
        "\"" + RESPEscape.escape(Array(s.utf8), limit: Int.max) + "\""
    }
}

// MARK: - Entry builders

extension ConfigEntry {
    static func int(_ name: String, _ kp: ReferenceWritableKeyPath<Config, Int>, _ range: ClosedRange<Int>,
                    mutable: Bool = true) -> ConfigEntry {
        ConfigEntry(name: name, mutable: mutable, get: { String($0[keyPath: kp]) }, set: { c, a in
            guard a.count == 1, let v = Int(a[0]) else { throw ConfigError("argument couldn't be parsed into an integer") }
            guard range.contains(v) else { throw ConfigError("argument must be between \(range.lowerBound) and \(range.upperBound) inclusive") }
            c[keyPath: kp] = v
        })
    }

    static func memory(_ name: String, _ kp: ReferenceWritableKeyPath<Config, Int64>, _ min: Int64) -> ConfigEntry {
        ConfigEntry(name: name, mutable: true, get: { String($0[keyPath: kp]) }, set: { c, a in
            // A negative size is no memory value (6.2 would wrap it to a huge unsigned number).
            guard a.count == 1, let v = Config.parseMemory(a[0]), v >= 0 else { throw ConfigError("argument must be a memory value") }
            guard v >= min else { throw ConfigError("argument must be between \(min) and \(Int64.max) inclusive") }
            c[keyPath: kp] = v
        })
    }

    /// An option that takes one of `names`, case-insensitively, and reports it in lower case.
    /// Redis: createEnumConfig, enumConfigSet (src/config.c)
    static func oneOf(_ name: String, _ kp: ReferenceWritableKeyPath<Config, String>, _ names: [String]) -> ConfigEntry {
        ConfigEntry(name: name, mutable: true, get: { $0[keyPath: kp] }, set: { c, a in
            guard a.count == 1, names.contains(a[0].lowercased()) else { throw ConfigError(Config.oneOfError(names)) }
            c[keyPath: kp] = a[0].lowercased()
        })
    }

    static func bool(_ name: String, _ kp: ReferenceWritableKeyPath<Config, Bool>, mutable: Bool = true) -> ConfigEntry {
        ConfigEntry(name: name, mutable: mutable, get: { $0[keyPath: kp] ? "yes" : "no" }, set: { c, a in
            guard a.count == 1, let b = Config.parseBool(a[0]) else { throw ConfigError("argument must be 'yes' or 'no'") }
            c[keyPath: kp] = b
        })
    }

    static func string(_ name: String, _ kp: ReferenceWritableKeyPath<Config, String>, mutable: Bool = true) -> ConfigEntry {
        ConfigEntry(name: name, mutable: mutable, get: { $0[keyPath: kp] }, set: { c, a in
            guard a.count == 1 else { throw ConfigError("wrong number of arguments") }
            c[keyPath: kp] = a[0]
        })
    }
}
