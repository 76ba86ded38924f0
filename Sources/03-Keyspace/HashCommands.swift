// Hash commands: fields and their values under one key.
//
//     HSET user:1 name Ada born 1815      a hash with two fields (the reply: 2 new fields)
//     HGET user:1 name                    "Ada"
//     HINCRBY user:1 born 1               1816, stored back as the text "1816"
//     HGETALL user:1                      name Ada born 1816 (a map in RESP3)
//
// As with lists, a hash exists only while it has fields: HSET on a missing key creates it, and
// HDEL of the last field deletes the key. Every write goes through HashValue, which keeps small
// hashes in the ziplist encoding and converts them to a hash table once they grow (HashValue.swift).
//
// HINCRBYFLOAT computes in long double, like INCRBYFLOAT, and is propagated as an HSET of the
// result, so that an AOF or a replica stores the very same text instead of redoing the
// arithmetic. HRANDFIELD is random and read-only: nothing is propagated.
//
// Redis: src/t_hash.c (hsetCommand, hsetnxCommand, hgetCommand, hmgetCommand, hdelCommand,
// hlenCommand, hstrlenCommand, hexistsCommand, genericHgetallCommand, hincrbyCommand,
// hincrbyfloatCommand, hrandfieldCommand, hrandfieldWithCountCommand, hscanCommand).

import CSystem
import RedisCore
import RedisRESP

extension Err {
    static let hashNotInteger = "ERR hash value is not an integer"
    static let hashNotFloat = "ERR hash value is not a float"
    /// HINCRBYFLOAT's increment itself is infinite. Redis: hincrbyfloatCommand (src/t_hash.c)
    static let incrNanOrInfinity = "ERR value is NaN or Infinity"
    static let outOfRange = "ERR value is out of range"
}

/// What a key holds, from a hash command's point of view.
enum HashLookup {
    case none
    case hash(HashValue)
    case wrongType
}

extension Keyspace {
    func registerHashCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("hset", -4, "write use-memory fast @hash", 1, 1, 1) { ks.hsetCommand($0, hmset: false) })
        t.register(RedisCommand("hsetnx", 4, "write use-memory fast @hash", 1, 1, 1) { ks.hsetnxCommand($0) })
        t.register(RedisCommand("hget", 3, "read-only fast @hash", 1, 1, 1) { ks.hgetCommand($0) })
        t.register(RedisCommand("hmset", -4, "write use-memory fast @hash", 1, 1, 1) { ks.hsetCommand($0, hmset: true) })
        t.register(RedisCommand("hmget", -3, "read-only fast @hash", 1, 1, 1) { ks.hmgetCommand($0) })
        t.register(RedisCommand("hincrby", 4, "write use-memory fast @hash", 1, 1, 1) { ks.hincrbyCommand($0) })
        t.register(RedisCommand("hincrbyfloat", 4, "write use-memory fast @hash", 1, 1, 1) { ks.hincrbyfloatCommand($0) })
        t.register(RedisCommand("hdel", -3, "write fast @hash", 1, 1, 1) { ks.hdelCommand($0) })
        t.register(RedisCommand("hlen", 2, "read-only fast @hash", 1, 1, 1) { ks.hlenCommand($0) })
        t.register(RedisCommand("hstrlen", 3, "read-only fast @hash", 1, 1, 1) { ks.hstrlenCommand($0) })
        t.register(RedisCommand("hkeys", 2, "read-only to-sort @hash", 1, 1, 1) { ks.hgetallCommand($0, fields: true, values: false) })
        t.register(RedisCommand("hvals", 2, "read-only to-sort @hash", 1, 1, 1) { ks.hgetallCommand($0, fields: false, values: true) })
        t.register(RedisCommand("hgetall", 2, "read-only random @hash", 1, 1, 1) { ks.hgetallCommand($0, fields: true, values: true) })
        t.register(RedisCommand("hexists", 3, "read-only fast @hash", 1, 1, 1) { ks.hexistsCommand($0) })
        t.register(RedisCommand("hrandfield", -2, "read-only random @hash", 1, 1, 1) { ks.hrandfieldCommand($0) })
        t.register(RedisCommand("hscan", -3, "read-only random @hash", 1, 1, 1) { ks.hscanCommand($0) })
    }

    // MARK: - Lookups

    /// The hash at `key` (after lazy expiry). Redis: lookupKeyRead/Write + checkType(OBJ_HASH)
    @inline(__always)
    func hashLookup(_ d: Database, _ key: ByteString, write: Bool) -> HashLookup {
        guard let o = write ? lookupWrite(d, key) : lookupRead(d, key) else { return .none }
        if case .hash(let h) = o { return .hash(h) }
        return .wrongType
    }

    /// The hash at `key`, created empty and added to the database if missing; nil (after
    /// replying WRONGTYPE) if the key holds another type. Redis: hashTypeLookupWriteOrCreate
    @inline(__always)
    func hashForWrite(_ c: Client, _ d: Database, _ key: ByteString) -> HashValue? {
        switch hashLookup(d, key, write: true) {
        case .hash(let h): return h
        case .wrongType: c.addReplyError(Err.wrongType); return nil
        case .none:
            let h = HashValue()
            d.dict.insert(key, .hash(h))
            return h
        }
    }

    /// Traces a hash that this command moved out of the ziplist encoding: a state change worth
    /// seeing in class (Redis itself logs nothing). Redis: hashTypeConvert (src/t_hash.c)
    @inline(__always)
    func traceIfConverted(_ d: Database, _ key: ByteString, _ h: HashValue, wasZiplist: Bool) {
        if wasZiplist && !h.isZiplist && tracer.on(.db) {
            tracer.transition(.db, "db\(d.id) hash \(key) converted at \(h.count) fields", from: "ziplist",
                              to: "hashtable", fn: "hashTypeConvert")
        }
    }

    // MARK: - Writes

    // snippet.hsetCommand
    /// HSET key field value [field value …]: the number of new fields; HMSET: OK.
    /// The path redis-benchmark's `hset` test takes: one key lookup, one ziplist search, no copy
    /// of the arguments (`c.argv[2...]` is a slice of the same array). Redis: hsetCommand
    func hsetCommand(_ c: Client, hmset: Bool) {
        let argc = c.argv.count
        if argc % 2 == 1 {
            c.addReplyError("ERR wrong number of arguments for '\(hmset ? "hmset" : "hset")' command"); return
        }
        let d = db(c)
        let key = c.argv[1]
        guard let h = hashForWrite(c, d, key) else { return }
        let wasZiplist = h.isZiplist
        h.convertIfAnyLonger(than: hashMaxZiplistValue, c.argv[2...])
        var created: Int64 = 0
        var j = 2
        while j < argc {
            if h.set(c.argv[j], c.argv[j + 1], maxEntries: hashMaxZiplistEntries) { created += 1 }
            j += 2
        }
        traceIfConverted(d, key, h, wasZiplist: wasZiplist)
        keyModified?(d.id, key)
        dirty += Int64((argc - 2) / 2)
        if hmset { c.addReplyOK() } else { c.addReplyLongLong(created) }
    }
    // snippet.end

    /// HSETNX key field value: 1 if the field was set, 0 if it existed. Like Redis, the length
    /// check runs before the existence check, so a long value converts the hash either way.
    /// Redis: hsetnxCommand (src/t_hash.c)
    func hsetnxCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1]
        guard let h = hashForWrite(c, d, key) else { return }
        let wasZiplist = h.isZiplist
        h.convertIfAnyLonger(than: hashMaxZiplistValue, c.argv[2...3])
        defer { traceIfConverted(d, key, h, wasZiplist: wasZiplist) }
        if h.contains(c.argv[2]) { c.addReply(":0\r\n"); return }
        h.set(c.argv[2], c.argv[3], maxEntries: hashMaxZiplistEntries)
        keyModified?(d.id, key)
        dirty += 1
        c.addReply(":1\r\n")
    }

    /// HDEL key field [field …]: the number of fields removed; the key goes with its last field.
    /// Redis: hdelCommand (src/t_hash.c)
    func hdelCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1]
        let h: HashValue
        switch hashLookup(d, key, write: true) {
        case .none: c.addReply(":0\r\n"); return
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .hash(let found): h = found
        }
        var deleted: Int64 = 0
        for j in 2..<c.argv.count where h.remove(c.argv[j]) {
            deleted += 1
            if h.count == 0 { break }
        }
        if deleted > 0 {
            if h.count == 0 { delete(d, key) } else { keyModified?(d.id, key) }
            dirty += deleted
        }
        c.addReplyLongLong(deleted)
    }

    // snippet.hincrbyCommand
    /// HINCRBY key field increment: the new value, stored back as decimal text. A missing field
    /// counts as 0. Redis: hincrbyCommand (src/t_hash.c)
    func hincrbyCommand(_ c: Client) {
        guard let incr = c.argv[3].int64Value else { c.addReplyError(Err.notInteger); return }
        let d = db(c)
        let key = c.argv[1], field = c.argv[2]
        guard let h = hashForWrite(c, d, key) else { return }
        var value: Int64 = 0
        if let current = h.get(field) {
            guard let v = current.int64Value else { c.addReplyError(Err.hashNotInteger); return }
            value = v
        }
        let (sum, overflow) = value.addingReportingOverflow(incr)
        if overflow { c.addReplyError(Err.overflow); return }
        let wasZiplist = h.isZiplist
        h.set(field, ByteString(sum), maxEntries: hashMaxZiplistEntries)
        traceIfConverted(d, key, h, wasZiplist: wasZiplist)
        keyModified?(d.id, key)
        dirty += 1
        c.addReplyLongLong(sum)
    }
    // snippet.end

    // snippet.hincrbyfloatCommand
    /// HINCRBYFLOAT key field increment: the new value, computed in long double and printed as
    /// INCRBYFLOAT prints it. Propagated as `HSET key field result`: a replica or the AOF then
    /// stores the same bytes, whatever its own floating point does. Redis: hincrbyfloatCommand
    func hincrbyfloatCommand(_ c: Client) {
        let incr = c.argv[3]
        // The increment is checked before the key, as in Redis: a bad number beats WRONGTYPE, and
        // an infinite one is refused before a missing key is created (Redis 6.2.12 and later; the
        // empty hash earlier versions left behind crashed the server on its next read).
        switch longDoubleSum(nil, incr) {
        case .success: break
        case .failure(.nanOrInfinity): c.addReplyError(Err.incrNanOrInfinity); return
        case .failure: c.addReplyError(Err.notFloat); return
        }
        let d = db(c)
        let key = c.argv[1], field = c.argv[2]
        guard let h = hashForWrite(c, d, key) else { return }
        let result: ByteString
        switch longDoubleSum(h.get(field), incr) {
        case .success(let r): result = r
        case .failure(.currentNotFloat): c.addReplyError(Err.hashNotFloat); return
        case .failure(.notFloat): c.addReplyError(Err.notFloat); return
        case .failure(.nanOrInfinity): c.addReplyError(Err.nanOrInfinity); return
        }
        let wasZiplist = h.isZiplist
        h.set(field, result, maxEntries: hashMaxZiplistEntries)
        traceIfConverted(d, key, h, wasZiplist: wasZiplist)
        keyModified?(d.id, key)
        dirty += 1
        c.addReplyBulk(result)
        c.argv = ["HSET", key, field, result]
    }
    // snippet.end

    // MARK: - Reads

    /// HGET key field: the value or a null. Redis: hgetCommand (src/t_hash.c)
    func hgetCommand(_ c: Client) {
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReplyNull()
        case .wrongType: c.addReplyError(Err.wrongType)
        case .hash(let h):
            if let v = h.get(c.argv[2]) { c.addReplyBulk(v) } else { c.addReplyNull() }
        }
    }

    /// HMGET key field [field …]: one value or null per field; a missing key is all nulls.
    /// Redis: hmgetCommand (src/t_hash.c)
    func hmgetCommand(_ c: Client) {
        var h: HashValue?
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: break
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .hash(let found): h = found
        }
        c.addReplyArrayLen(c.argv.count - 2)
        for j in 2..<c.argv.count {
            if let v = h?.get(c.argv[j]) { c.addReplyBulk(v) } else { c.addReplyNull() }
        }
    }

    /// HLEN key. Redis: hlenCommand (src/t_hash.c)
    func hlenCommand(_ c: Client) {
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReply(":0\r\n")
        case .wrongType: c.addReplyError(Err.wrongType)
        case .hash(let h): c.addReplyLongLong(Int64(h.count))
        }
    }

    /// HSTRLEN key field: the length of the value, 0 if missing. Redis: hstrlenCommand
    func hstrlenCommand(_ c: Client) {
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReply(":0\r\n")
        case .wrongType: c.addReplyError(Err.wrongType)
        case .hash(let h): c.addReplyLongLong(Int64(h.get(c.argv[2])?.count ?? 0))
        }
    }

    /// HEXISTS key field: 1 or 0. Redis: hexistsCommand (src/t_hash.c)
    func hexistsCommand(_ c: Client) {
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReply(":0\r\n")
        case .wrongType: c.addReplyError(Err.wrongType)
        case .hash(let h): c.addReply(h.contains(c.argv[2]) ? ":1\r\n" : ":0\r\n")
        }
    }

    // snippet.genericHgetallCommand
    /// HGETALL (a map of field → value; in RESP2 a flat array), HKEYS, HVALS (arrays).
    /// Redis: genericHgetallCommand (src/t_hash.c)
    func hgetallCommand(_ c: Client, fields: Bool, values: Bool) {
        let both = fields && values
        let h: HashValue
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: if both { c.addReplyMapLen(0) } else { c.addReply("*0\r\n") }; return
        case .hash(let found): h = found
        }
        if both { c.addReplyMapLen(h.count) } else { c.addReplyArrayLen(h.count) }
        h.forEach { f, v in
            if fields { c.addReplyBulk(f) }
            if values { c.addReplyBulk(v) }
        }
    }
    // snippet.end

    // MARK: - HRANDFIELD

    /// HRANDFIELD key [count [WITHVALUES]]. Without a count: one field, or a null.
    /// Redis: hrandfieldCommand (src/t_hash.c)
    func hrandfieldCommand(_ c: Client) {
        if c.argv.count >= 3 { hrandfieldWithCount(c); return }
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReplyNull()
        case .wrongType: c.addReplyError(Err.wrongType)
        case .hash(let h): c.addReplyBulk(h.randomPair().0)
        }
    }

    // snippet.hrandfieldWithCountCommand
    /// HRANDFIELD key count [WITHVALUES]. A positive count: that many *distinct* fields (all of
    /// them if the hash is smaller, in HGETALL's order); a negative one: |count| fields drawn
    /// with replacement, so repeats are possible. With WITHVALUES, RESP2 gets field, value,
    /// field, value… and RESP3 one [field, value] pair per element.
    /// Redis: hrandfieldWithCountCommand (src/t_hash.c)
    func hrandfieldWithCount(_ c: Client) {
        guard let (l, withValues) = randomCountArguments(c, "withvalues") else { return }
        let h: HashValue
        switch hashLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReply("*0\r\n"); return
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .hash(let found): h = found
        }
        let unique = l >= 0
        let count = Int(l.magnitude)
        if count == 0 { c.addReply("*0\r\n"); return }
        let nested = withValues && c.resp > 2
        func reply(_ f: ByteString, _ v: ByteString) {
            if nested { c.addReplyArrayLen(2) }
            c.addReplyBulk(f)
            if withValues { c.addReplyBulk(v) }
        }
        let n = unique ? min(count, h.count) : count
        c.addReplyArrayLen(withValues && !nested ? n * 2 : n)
        if !unique || count == 1 {
            // CASE 1: draws with replacement, each one independent.
            for _ in 0..<n { let (f, v) = h.randomPair(); reply(f, v) }
        } else if count >= h.count {
            // CASE 2: the whole hash.
            h.forEach(reply)
        } else {
            // CASES 3 and 4: `count` distinct fields. Redis copies a large share into a dict and
            // deletes at random, or draws until it has enough; a partial shuffle of every pair
            // does both jobs at O(size), and the hash here is either small or asked for a lot.
            var pairs: [(ByteString, ByteString)] = []
            pairs.reserveCapacity(h.count)
            h.forEach { pairs.append(($0, $1)) }
            for i in 0..<n {
                pairs.swapAt(i, Int.random(in: i..<pairs.count))
                reply(pairs[i].0, pairs[i].1)
            }
        }
    }
    // snippet.end

    /// The count and the option of HRANDFIELD key count [WITHVALUES] and ZRANDMEMBER key count
    /// [WITHSCORES], checked in Redis's order; nil after the error reply.
    func randomCountArguments(_ c: Client, _ option: StaticString) -> (count: Int64, with: Bool)? {
        guard let l = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return nil }
        if l == Int64.min { c.addReplyError(Err.negatableRange); return nil }
        let argc = c.argv.count
        if argc > 4 || (argc == 4 && !c.argv[3].equalsIgnoringCase(option)) {
            c.addReplyError(Err.syntax); return nil
        }
        let with = argc == 4
        // count × 2 must not overflow the reply's length (Redis 6.2.7 and later refuse it too).
        if with && (l > Int64.max / 2 || l < -(Int64.max / 2)) { c.addReplyError(Err.outOfRange); return nil }
        return (l, with)
    }

    // MARK: - HSCAN

    /// HSCAN key cursor [MATCH pattern] [COUNT n]: the cursor is checked first, then the key,
    /// then the options, as in Redis. Redis: hscanCommand (src/t_hash.c), scanGenericCommand
    func hscanCommand(_ c: Client) {
        scanValueCommand(c, pairs: true) { if case .hash(let h) = $0 { return h.scanSource }; return nil }
    }
}

// MARK: - Long double arithmetic

/// Why a long-double sum failed.
enum LongDoubleError: Error {
    /// The current value is not a number. HINCRBYFLOAT: "hash value is not a float"
    case currentNotFloat
    /// The increment is not a number.
    case notFloat
    /// The result is infinite or not a number.
    case nanOrInfinity
}

/// `current + incr` in long double, printed as Redis prints it (17 decimals, trailing zeros
/// removed); a nil `current` counts as 0. Redis: string2ld, ld2string(LD_STR_HUMAN) (src/util.c)
func longDoubleSum(_ current: ByteString?, _ incr: ByteString) -> Result<ByteString, LongDoubleError> {
    var out = [CChar](repeating: 0, count: 5 * 1024 + 64)
    let n: Int32 = incr.withUnsafeBytes { inc in
        let incPtr = inc.baseAddress?.assumingMemoryBound(to: CChar.self)
        return out.withUnsafeMutableBufferPointer { o in
            guard let current else { return csys_incrbyfloat(nil, 0, incPtr, inc.count, o.baseAddress, o.count) }
            return current.withUnsafeBytes { cur in
                // An empty current value may have no base address: any non-null pointer with
                // length 0 makes the C side refuse it as a number, as Redis does.
                csys_incrbyfloat(cur.baseAddress?.assumingMemoryBound(to: CChar.self) ?? incPtr, cur.count,
                                 incPtr, inc.count, o.baseAddress, o.count)
            }
        }
    }
    switch n {
    case -1: return .failure(.currentNotFloat)
    case -2: return .failure(.notFloat)
    case ..<0: return .failure(.nanOrInfinity)
    default: return .success(out.withUnsafeBytes { ByteString($0.baseAddress, count: Int(n)) })
    }
}

// The names a reader of src/t_hash.c will grep for.
extension Keyspace {
    @available(*, unavailable, renamed: "hashForWrite")
    func hashTypeLookupWriteOrCreate(_ c: Client, _ d: Database, _ key: ByteString) -> HashValue? { nil }
    @available(*, unavailable, renamed: "hgetallCommand")
    func genericHgetallCommand(_ c: Client, fields: Bool, values: Bool) {}
    @available(*, unavailable, renamed: "hrandfieldWithCount")
    func hrandfieldWithCountCommand(_ c: Client) {}
}
