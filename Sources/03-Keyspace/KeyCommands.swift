// Commands on keys, whatever their type: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, SELECT, and
// the ones that cross databases: MOVE, COPY, SWAPDB.
//
// KEYS walks the whole table in one go and blocks the server while it does; SCAN walks it a few
// buckets per call with a cursor (Dict.scan), so a client can list millions of keys without
// stopping anyone else. The cursor is opaque to the client: it is the table's bucket index with
// its bits reversed, which is what lets a scan survive the table growing underneath it.
//
// MOVE hands a value to another database (the same object, with its TTL); COPY makes a deep copy,
// so that a later write to one never shows in the other; SWAPDB exchanges two databases' contents
// in O(1) and then has to tell the clients that had an opinion about them: a transaction
// WATCHing a key of either fails, and a client blocked on a key that now holds a list is served.
//
// Redis: src/db.c (delCommand, existsCommand, keysCommand, scanGenericCommand, renameGenericCommand,
// selectCommand, flushdbCommand, moveCommand, copyCommand, swapdbCommand, touchCommand…)
// SIMPLIFICATION: no cluster mode, so none of Redis's "not allowed in cluster mode" refusals.

import RedisCore
import RedisRESP

extension Err {
    static let sameObject = "ERR source and destination objects are the same"
    static let dbIndexRange = "ERR DB index is out of range"
    static let intRange = "ERR value is out of range, value must between -2147483648 and 2147483647"
}

extension Keyspace {
    /// Registers the key-space commands, with Redis 6.2's arity and flags.
    func registerKeyCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("del", -2, "write @keyspace", 1, -1, 1) { ks.delCommand($0) })
        t.register(RedisCommand("unlink", -2, "write fast @keyspace", 1, -1, 1) { ks.delCommand($0) })
        t.register(RedisCommand("exists", -2, "read-only fast @keyspace", 1, -1, 1) { ks.existsCommand($0) })
        t.register(RedisCommand("type", 2, "read-only fast @keyspace", 1, 1, 1) { ks.typeCommand($0) })
        t.register(RedisCommand("keys", 2, "read-only to-sort @keyspace @dangerous", 0, 0, 0) { ks.keysCommand($0) })
        t.register(RedisCommand("scan", -2, "read-only random @keyspace", 0, 0, 0) { ks.scanCommand($0) })
        t.register(RedisCommand("randomkey", 1, "read-only random @keyspace", 0, 0, 0) { ks.randomkeyCommand($0) })
        t.register(RedisCommand("rename", 3, "write @keyspace", 1, 2, 1) { ks.renameCommand($0, nx: false) })
        t.register(RedisCommand("renamenx", 3, "write fast @keyspace", 1, 2, 1) { ks.renameCommand($0, nx: true) })
        t.register(RedisCommand("dbsize", 1, "read-only fast @keyspace", 0, 0, 0) { ks.dbsizeCommand($0) })
        t.register(RedisCommand("flushdb", -1, "write @keyspace @dangerous", 0, 0, 0) { ks.flushCommand($0, all: false) })
        t.register(RedisCommand("flushall", -1, "write @keyspace @dangerous", 0, 0, 0) { ks.flushCommand($0, all: true) })
        t.register(RedisCommand("select", 2, "ok-loading fast ok-stale @keyspace", 0, 0, 0) { ks.selectCommand($0) })
        t.register(RedisCommand("object", -2, "read-only random @keyspace", 2, 2, 1) { ks.objectCommand($0) })
        t.register(RedisCommand("move", 3, "write fast @keyspace", 1, 1, 1) { ks.moveCommand($0) })
        t.register(RedisCommand("copy", -3, "write use-memory @keyspace", 1, 2, 1) { ks.copyCommand($0) })
        t.register(RedisCommand("swapdb", 3, "write fast @keyspace @dangerous", 0, 0, 0) { ks.swapdbCommand($0) })
        t.register(RedisCommand("touch", -2, "read-only fast @keyspace", 1, -1, 1) { ks.touchCommand($0) })
    }

    /// DEL key [key …] and UNLINK: the number of keys removed. Redis: delGenericCommand (src/db.c)
    func delCommand(_ c: Client) {
        let d = db(c)
        var deleted: Int64 = 0
        for j in 1..<c.argv.count {
            if d.expires.count > 0 { _ = expireIfNeeded(d, c.argv[j]) }
            if delete(d, c.argv[j]) { deleted += 1 }
        }
        dirty += deleted
        c.addReplyLongLong(deleted)
    }

    /// EXISTS key [key …]: how many of the keys exist, a repeated key counted each time.
    /// Redis: existsCommand (src/db.c)
    func existsCommand(_ c: Client) {
        let d = db(c)
        var n: Int64 = 0
        for j in 1..<c.argv.count where lookupReadNoTouch(d, c.argv[j]) != nil { n += 1 }
        c.addReplyLongLong(n)
    }

    /// TYPE key: `none` or the type name. Redis: typeCommand (src/db.c)
    func typeCommand(_ c: Client) {
        let o = lookupReadNoTouch(db(c), c.argv[1])
        c.addReplyStatus(o?.typeName ?? "none")
    }

    /// True if `key` has an expiry time in the past (without deleting it). Redis: keyIsExpired
    func isExpired(_ db: Database, _ key: ByteString) -> Bool {
        guard !loading, db.expires.count > 0, let when = db.expires[key] else { return false }
        return when < nowMs
    }

    /// KEYS pattern: every matching key, in one blocking walk. Redis: keysCommand (src/db.c)
    func keysCommand(_ c: Client) {
        let d = db(c)
        let pattern = c.argv[1]
        let all = pattern == "*"
        var found: [ByteString] = []
        d.dict.forEach { i in
            let k = d.dict.key(at: i)
            if (all || k.globMatch(pattern)) && !isExpired(d, k) { found.append(k) }
        }
        c.addReplyArrayLen(found.count)
        for k in found { c.addReplyBulk(k) }
    }

    // snippet.scanGenericCommand
    /// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. Redis: scanGenericCommand (src/db.c)
    func scanCommand(_ c: Client) {
        guard let cursor = parseScanCursorOrReply(c, c.argv[1]) else { return }
        guard let options = ScanOptions(c, from: 2, allowType: true) else { return }
        let d = db(c)
        // Collect about `count` keys (Scan.swift:/func scanSteps/), a few buckets at a time.
        var keys: [ByteString] = []
        let next = scanSteps(from: cursor, count: options.count, into: &keys) { cursor, out in
            d.dict.scan(cursor) { out.append(d.dict.key(at: $0)) }
        }
        // Filter after collecting, as Redis does: an expired key is deleted on the way.
        keys = keys.filter { k in
            if let pattern = options.pattern, !k.globMatch(pattern) { return false }
            if d.expires.count > 0 && expireIfNeeded(d, k) { return false }
            if let type = options.type, let o = d.dict[k], ByteString(o.typeName) != type.lowercasedASCII { return false }
            return true
        }
        addReplyScan(c, cursor: next, keys)
    }
    // snippet.end

    /// A cursor as strtoul reads it: digits, optionally after `-` (which wraps, as in C).
    /// Redis: parseScanCursorOrReply (src/db.c)
    func parseScanCursor(_ s: ByteString) -> UInt64? {
        var text = Substring(s.stringValue)
        let negative = text.hasPrefix("-")
        if negative || text.hasPrefix("+") { text = text.dropFirst() }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt64(text) else { return nil }
        return negative ? 0 &- v : v
    }

    /// RANDOMKEY: a random key, skipping (and deleting) expired ones. Redis: randomkeyCommand, dbRandomKey
    func randomkeyCommand(_ c: Client) {
        let d = db(c)
        while d.dict.count > 0 {
            let k = d.dict.key(at: d.dict.randomEntry())
            if d.expires.count > 0 && expireIfNeeded(d, k) { continue }
            c.addReplyBulk(k)
            return
        }
        c.addReplyNull()
    }

    /// RENAME key newkey, RENAMENX. The TTL moves with the value. Redis: renameGenericCommand
    func renameCommand(_ c: Client, nx: Bool) {
        let d = db(c)
        let src = c.argv[1], dst = c.argv[2]
        guard let o = lookupWrite(d, src) else { c.addReplyError(Err.noSuchKey); return }
        if src == dst { nx ? c.addReply(":0\r\n") : c.addReplyOK(); return }
        let expire = expireTime(d, src)
        if lookupWrite(d, dst) != nil {
            if nx { c.addReply(":0\r\n"); return }
            delete(d, dst)
        }
        addKey(d, dst, o)
        if let expire { setExpire(d, dst, atMs: expire) }
        delete(d, src)
        dirty += 1
        nx ? c.addReply(":1\r\n") : c.addReplyOK()
    }

    /// DBSIZE. Redis: dbsizeCommand (src/db.c)
    func dbsizeCommand(_ c: Client) { c.addReplyLongLong(Int64(db(c).count)) }

    /// FLUSHDB [ASYNC|SYNC], FLUSHALL [ASYNC|SYNC]. Redis: flushdbCommand, flushallCommand
    /// SIMPLIFICATION: ASYNC frees the memory synchronously too (Redis hands it to a bio thread).
    func flushCommand(_ c: Client, all: Bool) {
        if c.argv.count > 2 || (c.argv.count == 2 && !c.argv[1].equalsIgnoringCase("sync") && !c.argv[1].equalsIgnoringCase("async")) {
            c.addReplyError(Err.syntax); return
        }
        let removed = empty(all ? nil : c.db)
        dirty += Int64(removed) + (all ? 1 : 0)
        c.addReplyOK()
    }

    /// SELECT index. Redis: selectCommand (src/db.c)
    func selectCommand(_ c: Client) {
        guard let n = dbIndexOrReply(c, c.argv[1]) else { return }
        c.db = n
        c.addReplyOK()
    }

    /// An argument as a C `int`, or nil after replying with `message` (Redis's own two texts, not
    /// an integer or out of range, when nil). Redis: getIntFromObjectOrReply (src/object.c)
    func intOrReply(_ c: Client, _ arg: ByteString, _ message: String? = nil) -> Int? {
        guard let v = arg.int64Value else { c.addReplyError(message ?? Err.notInteger); return nil }
        guard v >= Int64(Int32.min) && v <= Int64(Int32.max) else { c.addReplyError(message ?? Err.intRange); return nil }
        return Int(v)
    }

    /// A database number that exists, or nil after the error: first as an int, then in range.
    /// Redis: getIntFromObjectOrReply + selectDb, as SELECT, MOVE and COPY's DB option use them
    func dbIndexOrReply(_ c: Client, _ arg: ByteString) -> Int? {
        guard let n = intOrReply(c, arg) else { return nil }
        guard n >= 0 && n < dbs.count else { c.addReplyError(Err.dbIndexRange); return nil }
        return n
    }

    /// OBJECT ENCODING key: how the value is stored. Redis: objectCommand (src/object.c)
    /// SIMPLIFICATION: REFCOUNT, IDLETIME and FREQ need an LRU/LFU clock we do not keep yet.
    func objectCommand(_ c: Client) {
        let sub = c.argv[1]
        if sub.equalsIgnoringCase("help") && c.argv.count == 2 {
            let lines = ["OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "ENCODING <key>",
                         "    Return the kind of internal representation used in order to store the value",
                         "    associated with a <key>.",
                         "FREQ <key>",
                         "    Return the access frequency index of the <key>. The returned integer is",
                         "    proportional to the logarithm of the recent access frequency of the key.",
                         "IDLETIME <key>",
                         "    Return the idle time of the <key>, that is the approximated number of",
                         "    seconds elapsed since the last access to the key.",
                         "REFCOUNT <key>",
                         "    Return the number of references of the value associated with the specified",
                         "    <key>.",
                         "HELP", "    Prints this help."]
            c.addReplyHelp(lines)
            return
        }
        let known = ["encoding", "freq", "idletime", "refcount"].contains { sub.equalsIgnoringCase($0) }
        guard known && c.argv.count == 3 else {
            c.addReplySubcommandSyntaxError()
            return
        }
        // OBJECT does not count as an access (LOOKUP_NOTOUCH): asking a key's idle time must not
        // reset it.
        let d = db(c)
        guard let i = lookupReadIndex(d, c.argv[2]) else { c.addReplyNull(); return }
        let o = d.dict.value(at: i)
        if sub.equalsIgnoringCase("encoding") {
            c.addReplyBulk(o.encoding)
        } else if sub.equalsIgnoringCase("refcount") {
            c.addReplyLongLong(o.sharedInRedis(maxmemoryEvictsByUse: aging.evictsByUse) ? 2_147_483_647 : 1)
        } else if sub.equalsIgnoringCase("idletime") {
            if aging.lfu { c.addReplyError(Err.lfuSelected); return }
            c.addReplyLongLong(idleMilliseconds(d, i) / 1000)
        } else {
            if !aging.lfu { c.addReplyError(Err.lfuNotSelected); return }
            c.addReplyLongLong(Int64(lfuCount(d, i)))
        }
    }

    // MARK: - Across databases

    /// MOVE key db: 1 if the key went to database `db` (value and TTL), 0 if the source lacks it
    /// or the target already has it. The errors come in Redis's order: the number, its range,
    /// the same database; only then is the key looked at. Redis: moveCommand (src/db.c)
    func moveCommand(_ c: Client) {
        let src = db(c)
        guard let target = dbIndexOrReply(c, c.argv[2]) else { return }
        let dst = dbs[target]
        if dst === src { c.addReplyError(Err.sameObject); return }
        let key = c.argv[1]
        guard let o = lookupWrite(src, key) else { c.addReply(":0\r\n"); return }
        let expire = expireTime(src, key)
        if lookupWrite(dst, key) != nil { c.addReply(":0\r\n"); return }
        // The same object changes hands: no copy. The TTL is absolute, so it moves as it is.
        addKey(dst, key, o)
        if let expire { setExpire(dst, key, atMs: expire) }
        delete(src, key)
        dirty += 1
        c.addReply(":1\r\n")
    }

    // snippet.copyCommand
    /// COPY source destination [DB destination-db] [REPLACE]: 1 if `destination` now holds a deep
    /// copy of `source` (with its TTL), 0 if `source` is missing or `destination` exists and
    /// REPLACE was not given. Redis: copyCommand (src/db.c)
    func copyCommand(_ c: Client) {
        let src = db(c)
        var dst = src, replace = false
        var j = 3
        while j < c.argv.count {
            if c.argv[j].equalsIgnoringCase("replace") {
                replace = true
            } else if c.argv[j].equalsIgnoringCase("db") && j + 1 < c.argv.count {
                guard let n = dbIndexOrReply(c, c.argv[j + 1]) else { return }
                dst = dbs[n]
                j += 1
            } else {
                c.addReplyError(Err.syntax); return
            }
            j += 1
        }
        let key = c.argv[1], newKey = c.argv[2]
        if src === dst && key == newKey { c.addReplyError(Err.sameObject); return }
        guard let o = lookupWrite(src, key) else { c.addReply(":0\r\n"); return }
        let expire = expireTime(src, key)
        if lookupWrite(dst, newKey) != nil {
            if !replace { c.addReply(":0\r\n"); return }
            delete(dst, newKey)
        }
        // Values are objects mutated in place (an RPUSH changes the ListValue every holder
        // sees), so a copy that shared one would not be a copy.
        addKey(dst, newKey, o.duplicate())
        if let expire { setExpire(dst, newKey, atMs: expire) }
        dirty += 1
        c.addReply(":1\r\n")
    }
    // snippet.end

    /// SWAPDB index1 index2: exchanges two databases' contents (Keyspace.swapDatabases). Both
    /// numbers are read before either is checked against the number of databases.
    /// Redis: swapdbCommand (src/db.c)
    func swapdbCommand(_ c: Client) {
        guard let a = intOrReply(c, c.argv[1], "ERR invalid first DB index"),
              let b = intOrReply(c, c.argv[2], "ERR invalid second DB index") else { return }
        guard a >= 0 && a < dbs.count && b >= 0 && b < dbs.count else { c.addReplyError(Err.dbIndexRange); return }
        swapDatabases(a, b)
        // Even SWAPDB 3 3 counts as a change and is propagated, as in Redis.
        dirty += 1
        c.addReplyOK()
    }

    /// TOUCH key [key …]: how many of the keys exist; a lookup (with lazy expiry) on each that
    /// refreshes the key's access clock. Redis: touchCommand (src/db.c)
    func touchCommand(_ c: Client) {
        // Unlike EXISTS, a real use: each key's access clock is refreshed (that is what TOUCH is
        // for, under an LRU or LFU policy).
        let d = db(c)
        var n: Int64 = 0
        for j in 1..<c.argv.count where lookupRead(d, c.argv[j]) != nil { n += 1 }
        c.addReplyLongLong(n)
    }
}

extension RedisObject {
    /// A deep copy: a new value of the same type and encoding that shares no mutable storage
    /// with this one. A string is a value already. Redis: the type switch of copyCommand
    /// (dupStringObject, listTypeDup, setTypeDup, zsetDup, hashTypeDup)
    public func duplicate() -> RedisObject {
        switch self {
        case .string: return self
        case .list(let l): return .list(l.duplicate())
        case .hash(let h): return .hash(h.duplicate())
        case .set(let s): return .set(s.duplicate())
        case .zset(let z): return .zset(z.duplicate())
        }
    }
}

// The names a reader of src/object.c will grep for.
extension Keyspace {
    @available(*, unavailable, renamed: "intOrReply")
    func getIntFromObjectOrReply(_ c: Client, _ arg: ByteString, _ message: String?) -> Int? { nil }
}
