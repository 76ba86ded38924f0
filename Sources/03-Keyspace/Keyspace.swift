// The keyspace: sixteen databases of keys, each key with a value and perhaps an expiry time.
//
//     Keyspace
//     ├─ db0: dict     key → RedisObject     (every key)
//     │       expires  key → unix time in ms  (only keys with a TTL)
//     ├─ db1 …
//     └─ db15
//
// Like Redis, expiry times live in a second table, so that the active expiry cycle samples only
// keys that can expire, and a server whose keys never expire never pays for the check.
// A key whose time has passed is deleted when it is touched (lazy expiry, `expireIfNeeded`) or
// when the cron finds it (active expiry, Expire.swift); either way the deletion is propagated as a
// DEL, so that an AOF or a replica never has to decide on its own whether a key has expired.
//
// Redis: redisDb (src/server.h), lookupKeyRead, lookupKeyWrite, setKey, dbAdd, dbDelete,
// expireIfNeeded, setExpire, removeExpire (src/db.c).

import RedisCore
import RedisRESP

/// A value. Redis: robj (src/server.h), with its type and encoding.
public enum RedisObject {
    case string(ByteString)
    /// A list, mutated in place through its reference. Redis: OBJ_LIST
    case list(ListValue)
    /// A hash: fields and their values. Redis: OBJ_HASH
    case hash(HashValue)
    /// A set of distinct strings. Redis: OBJ_SET
    case set(SetValue)
    /// A sorted set: members ordered by score. Redis: OBJ_ZSET
    case zset(ZSetValue)

    /// The name TYPE replies with. Redis: typeCommand (src/db.c)
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .list: return "list"
        case .hash: return "hash"
        case .set: return "set"
        case .zset: return "zset"
        }
    }

    /// The name OBJECT ENCODING replies with. Redis: strEncoding (src/object.c)
    public var encoding: String {
        switch self {
        case .string(let s):
            if s.count <= 20, s.int64Value != nil { return "int" }
            return s.count <= 44 ? "embstr" : "raw"
        case .list: return "quicklist"
        case .hash(let h): return h.encoding
        case .set(let s): return s.encoding
        case .zset(let z): return z.encoding
        }
    }
}

/// One numbered database. Redis: redisDb (src/server.h)
public final class Database {
    /// 0…15. Redis: redisDb.id
    public let id: Int
    /// Every key. Redis: redisDb.dict
    public let dict: Dict<RedisObject>
    /// Keys with a time to live → unix time in ms when they expire. Redis: redisDb.expires
    public let expires: Dict<Int64>
    /// Where the active expiry cycle continues. Redis: redisDb.expires_cursor
    var expiresCursor: UInt64 = 0
    /// Estimated average TTL of volatile keys (INFO keyspace avg_ttl). Redis: redisDb.avg_ttl
    public var avgTTL: Int64 = 0

    init(id: Int, tracer: Tracer) {
        self.id = id
        dict = Dict(traceName: "db\(id)", tracer: tracer)
        expires = Dict(traceName: "db\(id).expires", tracer: tracer)
    }

    /// Number of keys. Redis: dictSize(db->dict)
    public var count: Int { dict.count }
}

/// Counters for INFO stats. Redis: stat_keyspace_hits, stat_keyspace_misses, stat_expiredkeys…
public struct KeyspaceStats {
    public var hits: Int64 = 0
    public var misses: Int64 = 0
    public var expiredKeys: Int64 = 0
    /// Keys deleted to stay under maxmemory. Redis: stat_evictedkeys
    public var evictedKeys: Int64 = 0
    public var expiredStalePercent: Double = 0
    public var expiredTimeCapReached: Int64 = 0
    public var expireCycleCpuMs: Int64 = 0
    public init() {}
}

/// The databases and what every command needs to reach them: the clock, the trace, the hooks.
public final class Keyspace {
    public let dbs: [Database]
    public let clock: Clock
    public let tracer: Tracer
    public let logger: Logger
    public var stats = KeyspaceStats()
    /// Changes since the last save: the persistence chapters use it. Redis: server.dirty
    public var dirty: Int64 = 0
    /// The time commands see: fixed once per command. Redis: server.mstime (updated in call())
    public var nowMs: Int64 = 0
    /// Off with DEBUG SET-ACTIVE-EXPIRE 0. Redis: server.active_expire_enabled
    public var activeExpireEnabled = true
    /// Set while loading a file: keys are not expired then. Redis: server.loading
    public var loading = false
    /// True while CLIENT PAUSE holds clients (the server ends a pause that is over first): the
    /// dataset stands still then, so expired keys read as missing but are not deleted.
    /// Redis: checkClientPauseTimeoutAndReturnIfPaused (src/networking.c)
    public var clientsPaused: (() -> Bool)?
    /// The largest string a command may build. Redis: proto-max-bulk-len in checkStringLength
    public var maxStringLength: Int64 = 512 * 1024 * 1024
    /// A set of integers converts to a hash table past this many members. Redis: set-max-intset-entries
    public var setMaxIntsetEntries = 512
    /// Hashes with more fields leave the ziplist encoding. Redis: server.hash_max_ziplist_entries
    public var hashMaxZiplistEntries = 512
    /// Hashes with a longer field or value leave the ziplist. Redis: server.hash_max_ziplist_value
    public var hashMaxZiplistValue = 64
    /// When a sorted set leaves the small encoding. Redis: zset-max-ziplist-entries, zset-max-ziplist-value
    public var zsetLimits = ZSetLimits()
    /// Receives a command to propagate to the AOF and replicas: db and arguments (expired keys
    /// become DEL here). Redis: propagate (src/server.c)
    public var propagate: ((Int, [ByteString]) -> Void)?
    /// Commands a command asked to propagate in place of its own argv, in order: SPOP with a count
    /// becomes one SREM per member. call() sends them (wrapped in MULTI/EXEC when there are several)
    /// and then not the command itself. Redis: server.also_propagate, alsoPropagate (src/server.c)
    public var alsoPropagated: [(db: Int, argv: [ByteString])] = []
    /// Called when a key is modified (WATCH, in a later chapter). Redis: signalModifiedKey
    public var keyModified: ((Int, ByteString) -> Void)?
    /// Called before databases are emptied (one, or all with nil), while their keys still exist:
    /// FLUSHDB touches the watched keys it removes. Redis: signalFlushedDb (src/db.c)
    public var willEmpty: ((Int?) -> Void)?
    /// Called after SWAPDB exchanged two databases' contents, with their numbers, so that
    /// transactions watching a key of either can fail. Redis: the touchAllWatchedKeysInDb calls
    /// of dbSwapDatabases (src/db.c)
    public var databasesSwapped: ((Int, Int) -> Void)?
    /// Clients parked in BLPOP and friends (Blocking.swift).
    var blocking = BlockingState()
    /// The clocks keys age by (LRU.swift).
    public var aging = AgingState()

    public init(databases: Int, clock: Clock, tracer: Tracer, logger: Logger) {
        self.clock = clock
        self.tracer = tracer
        self.logger = logger
        dbs = (0..<databases).map { Database(id: $0, tracer: tracer) }
        nowMs = clock.mstime()
    }

    /// The client's selected database.
    @inline(__always) public func db(_ c: Client) -> Database { dbs[c.db] }

    /// Slab slots the databases' tables hold but do not use (Dict.unusedSlotBytes), over all
    /// databases: the server takes them off the heap's count, as freed memory.
    public var unusedSlotBytes: Int {
        dbs.reduce(0) { $0 + $1.dict.unusedSlotBytes + $1.expires.unusedSlotBytes }
    }

    /// Total number of keys in every database.
    public var totalKeys: Int { dbs.reduce(0) { $0 + $1.count } }

    // MARK: - Lookups

    // snippet.lookupKeyRead
    /// The table index of `key` for a read, after lazy expiry, or nil; counts a hit or a miss.
    /// Redis: lookupKeyReadWithFlags (src/db.c)
    @inline(__always)
    public func lookupReadIndex(_ db: Database, _ key: ByteString) -> UInt32? {
        if db.expires.count > 0 && expireIfNeeded(db, key) { stats.misses += 1; return nil }
        let i = db.dict.find(key)
        if i == 0 { stats.misses += 1; return nil }
        stats.hits += 1
        return i
    }

    /// The value of `key` for a read, which is a use: the key's access clock is refreshed.
    /// Redis: lookupKeyRead (src/db.c)
    @inline(__always)
    public func lookupRead(_ db: Database, _ key: ByteString) -> RedisObject? {
        guard let i = lookupReadIndex(db, key) else { return nil }
        touch(db, i)
        return db.dict.value(at: i)
    }
    // snippet.end

    /// The value of `key` for a write, after lazy expiry. Redis: lookupKeyWrite (src/db.c)
    @inline(__always)
    public func lookupWrite(_ db: Database, _ key: ByteString) -> RedisObject? {
        if db.expires.count > 0 { _ = expireIfNeeded(db, key) }
        let i = db.dict.find(key)
        if i == 0 { return nil }
        touch(db, i)
        return db.dict.value(at: i)
    }

    /// A read that is not a use: like `lookupRead` (lazy expiry, a hit or a miss counted), but
    /// the key's access clock is left alone (TYPE, TTL, EXISTS, OBJECT, DEBUG DIGEST-VALUE).
    /// Redis: lookupKeyReadWithFlags with LOOKUP_NOTOUCH (src/db.c)
    public func lookupReadNoTouch(_ db: Database, _ key: ByteString) -> RedisObject? {
        lookupReadIndex(db, key).map { db.dict.value(at: $0) }
    }

    /// True if `key` exists (after lazy expiry), without touching the hit counters.
    public func exists(_ db: Database, _ key: ByteString) -> Bool { lookupWrite(db, key) != nil }

    // MARK: - Writes

    /// Sets `key` to `value`, dropping its TTL unless `keepTTL`. Redis: setKey, genericSetKey (src/db.c)
    @inline(__always)
    public func setKey(_ db: Database, _ key: ByteString, _ value: RedisObject, keepTTL: Bool = false) {
        let i = db.dict.find(key)
        if i != 0 {
            db.dict.setValue(value, at: i)
            if !keepTTL && db.expires.count > 0 { db.expires.remove(key) }
        } else {
            db.dict.insert(key, value)
        }
        keyModified?(db.id, key)
    }

    /// Adds `key`, which must not exist, and wakes clients blocked on it if the value is a list
    /// or a sorted set (MOVE and COPY create keys that BLPOP or BZPOPMIN may wait for).
    /// Redis: dbAdd (src/db.c), which calls signalKeyAsReady
    public func addKey(_ db: Database, _ key: ByteString, _ value: RedisObject) {
        setKey(db, key, value)
        switch value {
        case .list, .zset: signalKeyAsReady(db.id, key)
        default: break
        }
    }

    /// Deletes `key` and its TTL; true if it existed. Redis: dbDelete (src/db.c)
    @discardableResult
    public func delete(_ db: Database, _ key: ByteString) -> Bool {
        if db.expires.count > 0 { db.expires.remove(key) }
        guard db.dict.remove(key) != nil else { return false }
        keyModified?(db.id, key)
        return true
    }

    /// Sets the absolute expiry time of an existing key. Redis: setExpire (src/db.c)
    public func setExpire(_ db: Database, _ key: ByteString, atMs: Int64) {
        db.expires.set(key, atMs)
    }

    /// The expiry time of `key` in unix ms, or nil. Redis: getExpire (src/db.c)
    public func expireTime(_ db: Database, _ key: ByteString) -> Int64? {
        db.expires.count == 0 ? nil : db.expires[key]
    }

    /// Removes the TTL of `key`; true if it had one. Redis: removeExpire (src/db.c)
    @discardableResult
    public func removeExpire(_ db: Database, _ key: ByteString) -> Bool {
        db.expires.count > 0 && db.expires.remove(key) != nil
    }

    /// Empties one database, or all with nil; returns the number of keys removed.
    /// Redis: emptyDb (src/db.c)
    @discardableResult
    public func empty(_ dbIndex: Int?) -> Int {
        willEmpty?(dbIndex)
        var removed = 0
        for db in dbs where dbIndex == nil || db.id == dbIndex {
            removed += db.count
            db.dict.removeAll()
            db.expires.removeAll()
            db.avgTTL = 0
            db.expiresCursor = 0
        }
        return removed
    }

    // snippet.dbSwapDatabases
    /// Exchanges the contents of databases `a` and `b`: keys, expiry times and the expiry cycle's
    /// place. The `Database` objects stay where they are, with their numbers, and so does
    /// everything filed under a number: which client has selected it, who is blocked or watches
    /// a key in it. So a client in db 0 sees db 1's keys at once, with no reference to fix.
    /// Redis: dbSwapDatabases (src/db.c)
    public func swapDatabases(_ a: Int, _ b: Int) {
        if a == b { return }
        let x = dbs[a], y = dbs[b]
        x.dict.swapContents(with: y.dict)
        x.expires.swapContents(with: y.expires)
        swap(&x.avgTTL, &y.avgTTL)
        swap(&x.expiresCursor, &y.expiresCursor)
        if tracer.on(.db) {
            tracer.emit(.db, .event, "swapped db\(a) (now \(x.count) keys) and db\(b) (now \(y.count) keys)",
                        fn: "dbSwapDatabases")
        }
        // A client blocked on `q` in db a now waits on the other database's `q`, which may be a
        // list: only a push marks a key ready, so look now. Redis: scanDatabaseForReadyLists
        signalReadyKeys(inDb: a)
        signalReadyKeys(inDb: b)
        // A watched key that existed on either side has changed under its watcher.
        databasesSwapped?(a, b)
    }
    // snippet.end

    // MARK: - Lazy expiry

    // snippet.expireIfNeeded
    /// Deletes `key` if its time has come, propagating a DEL; true if it was deleted.
    /// Redis: expireIfNeeded (src/db.c)
    public func expireIfNeeded(_ db: Database, _ key: ByteString) -> Bool {
        let i = db.expires.find(key)
        if i == 0 { return false }
        // While loading a file nothing expires: the file's own DELs will come.
        if loading { return false }
        // Expired once the clock is *past* the time, as Redis's keyIsExpired (now > when).
        if db.expires.value(at: i) >= nowMs { return false }
        // Paused (a failover may be under way): say it is gone, but leave it to the end of the
        // pause, or to the new master's DEL.
        if let paused = clientsPaused, paused() { return true }
        deleteExpired(db, key, active: false)
        return true
    }
    // snippet.end

    /// Deletes an expired key and tells the AOF and replicas with a DEL.
    /// Redis: deleteExpiredKeyAndPropagate (src/db.c), propagateExpire
    func deleteExpired(_ db: Database, _ key: ByteString, active: Bool) {
        deleteAndPropagate(db, key, "db\(db.id) expired \(key) (\(active ? "active" : "lazy"))",
                           fn: active ? "activeExpireCycle" : "expireIfNeeded")
        stats.expiredKeys += 1
    }

    /// Deletes a key the server removes on its own, expired or evicted: the AOF and the replicas
    /// get a DEL first, as no client command will stand for it; `event` is the trace line.
    /// Redis: propagateExpire, then dbSyncDelete (expireIfNeeded, performEvictions)
    public func deleteAndPropagate(_ db: Database, _ key: ByteString, _ event: @autoclosure () -> String, fn: StaticString) {
        if tracer.on(.db) { tracer.emit(.db, .event, event(), fn: fn) }
        propagate?(db.id, ["DEL", key])
        delete(db, key)
    }
}

extension Keyspace {
    /// Queues `argv` to be propagated after the running command, instead of the command itself.
    /// Redis: alsoPropagate + preventCommandPropagation (src/server.c)
    public func alsoPropagate(_ db: Int, _ argv: [ByteString]) {
        alsoPropagated.append((db, argv))
    }
}

// The names a reader of src/db.c will grep for.
extension Keyspace {
    @available(*, unavailable, renamed: "lookupRead")
    public func lookupKeyRead(_ db: Database, _ key: ByteString) -> RedisObject? { nil }
    @available(*, unavailable, renamed: "lookupWrite")
    public func lookupKeyWrite(_ db: Database, _ key: ByteString) -> RedisObject? { nil }
    @available(*, unavailable, renamed: "delete")
    public func dbDelete(_ db: Database, _ key: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "addKey")
    public func dbAdd(_ db: Database, _ key: ByteString, _ value: RedisObject) {}
    @available(*, unavailable, renamed: "swapDatabases")
    public func dbSwapDatabases(_ a: Int, _ b: Int) {}
    @available(*, unavailable, renamed: "empty")
    public func emptyDb(_ dbIndex: Int?) -> Int { 0 }
}
