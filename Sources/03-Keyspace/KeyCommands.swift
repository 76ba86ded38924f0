// Commands on keys, whatever their type: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, SELECT…
//
// KEYS walks the whole table in one go and blocks the server while it does; SCAN walks it a few
// buckets per call with a cursor (Dict.scan), so a client can list millions of keys without
// stopping anyone else. The cursor is opaque to the client: it is the table's bucket index with
// its bits reversed, which is what lets a scan survive the table growing underneath it.
//
// Redis: src/db.c (delCommand, existsCommand, keysCommand, scanGenericCommand, renameGenericCommand,
// selectCommand, flushdbCommand…)

import RedisCore
import RedisRESP

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
        for j in 1..<c.argv.count where lookupRead(d, c.argv[j]) != nil { n += 1 }
        c.addReplyLongLong(n)
    }

    /// TYPE key: `none` or the type name. Redis: typeCommand (src/db.c)
    func typeCommand(_ c: Client) {
        let o = lookupRead(db(c), c.argv[1])
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
        setKey(d, dst, o)
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
        guard let n = c.argv[1].int64Value else { c.addReplyError(Err.notInteger); return }
        guard n >= Int64(Int32.min), n <= Int64(Int32.max) else {
            c.addReplyError("ERR value is out of range, value must between -2147483648 and 2147483647"); return
        }
        guard n >= 0 && n < Int64(dbs.count) else { c.addReplyError("ERR DB index is out of range"); return }
        c.db = Int(n)
        c.addReplyOK()
    }

    /// OBJECT ENCODING key: how the value is stored. Redis: objectCommand (src/object.c)
    /// SIMPLIFICATION: REFCOUNT, IDLETIME and FREQ need an LRU/LFU clock we do not keep yet.
    func objectCommand(_ c: Client) {
        if c.argv[1].equalsIgnoringCase("encoding") && c.argv.count == 3 {
            // OBJECT does not count as an access, like Redis's LOOKUP_NOTOUCH.
            guard let o = lookupWrite(db(c), c.argv[2]) else { c.addReplyNull(); return }
            c.addReplyBulk(o.encoding)
        } else {
            c.addReplyError("ERR Unknown subcommand or wrong number of arguments for '\(c.argv[1].stringValue.prefix(128))'. Try OBJECT HELP.")
        }
    }
}
