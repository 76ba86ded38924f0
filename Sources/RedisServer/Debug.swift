// DEBUG: the helpers Redis's own test suite leans on. The one with an idea behind it is DIGEST:
// a 20-byte fingerprint of the whole dataset, equal on two servers exactly when they hold the same
// keys, values and volatile keys, whatever order their hash tables keep. Tests compare a master's
// digest with its replica's, or a digest before and after reloading an AOF.
//
// How the fingerprint is built (Redis 6.2's computeDatasetDigest):
//
//     final = 0                                  for every non-empty db j:
//       final = mix(final, htonl(j))               the db number, so moving data changes it
//       for every key k:                           in any order: keys are combined with xor
//         d = mix(0, k); d = mix(d, htonl(type))
//         string:  d = mix(d, value)
//         list:    d = mix(d, e) for each element, head to tail (order matters: mix)
//         set:     d ^= sha1(m) for each member   (order does not matter: xor)
//         hash, zset: d ^= mix(mix(0, field), value) per pair; a zset's value is "%.17g" of the score
//         volatile: d ^= sha1("!!expire!!")        (a marker only: deadlines do not matter)
//         final ^= d
//
// where xor(d, p) is d ^= sha1(p) and mix(d, p) is d = sha1(xor(d, p)).
//
// Redis: debugCommand, xorDigest, mixDigest, xorStringObjectDigest, mixStringObjectDigest,
// xorObjectDigest, computeDatasetDigest (src/debug.c); lastsaveCommand (src/server.c)
// SIMPLIFICATION: DEBUG OBJECT's serializedlength is what 6.2's RDB would write without LZF (Redis
// compresses strings and ziplists longer than 20 bytes when that helps); the ziplists are sized
// from 6.2's entry encoding, not kept as bytes.

import RedisCore
import RedisKeyspace
import RedisRESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The digest

/// A 20-byte digest under construction, with Redis's two ways of adding bytes to it.
struct Digest {
    var bytes = [UInt8](repeating: 0, count: 20)

    /// digest ^= sha1(p): the order of xor'ed items does not matter. Redis: xorDigest (src/debug.c)
    mutating func xor(_ p: UnsafeRawBufferPointer) {
        let h = SHA1.hash(p)
        for j in 0..<20 { bytes[j] ^= h[j] }
    }

    /// digest = sha1(digest ^ sha1(p)): the order of mixed items matters. Redis: mixDigest (src/debug.c)
    mutating func mix(_ p: UnsafeRawBufferPointer) {
        xor(p)
        bytes = SHA1.hash(bytes)
    }

    /// Redis: xorStringObjectDigest (src/debug.c)
    mutating func xor(_ s: ByteString) { s.withUnsafeBytes { xor($0) } }
    /// Redis: mixStringObjectDigest (src/debug.c)
    mutating func mix(_ s: ByteString) { s.withUnsafeBytes { mix($0) } }
    /// Another digest's 20 bytes, xor'ed in.
    mutating func xor(_ d: Digest) { d.bytes.withUnsafeBytes { xor($0) } }

    /// A 32-bit number in network byte order, as Redis mixes `htonl(j)`.
    mutating func mix(bigEndian v: UInt32) {
        let b: [UInt8] = [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        b.withUnsafeBytes { mix($0) }
    }

    /// A field-value pair as one xor'ed item: mix(mix(0, a), b). Hash fields and zset members.
    mutating func xorPair(_ a: ByteString, _ b: ByteString) {
        var e = Digest()
        e.mix(a)
        e.mix(b)
        xor(e)
    }

    var hex: String { SHA1.hex(bytes) }
}

extension RedisObject {
    /// Redis's type number, OBJ_STRING 0 … OBJ_HASH 4 (src/server.h), as the digest mixes it.
    var typeNumber: UInt32 {
        switch self {
        case .string: return 0
        case .list: return 1
        case .set: return 2
        case .zset: return 3
        case .hash: return 4
        }
    }
}

extension Server {
    /// Adds one value (and whether it is volatile) to `d`. Redis: xorObjectDigest (src/debug.c)
    func addObjectDigest(_ d: inout Digest, _ o: RedisObject, volatile: Bool) {
        d.mix(bigEndian: o.typeNumber)
        switch o {
        case .string(let s): d.mix(s)
        case .list(let l): for e in l.elements { d.mix(e) }
        case .set(let s): s.forEach { d.xor($0) }
        case .hash(let h): h.forEach { f, v in d.xorPair(f, v) }
        case .zset(let z): z.forEach { m, score in d.xorPair(m, ByteString(g17: score)) }
        }
        // The 10 bytes of "!!expire!!", without a terminating NUL, as Redis passes them.
        if volatile { d.xor(ByteString("!!expire!!")) }
    }

    /// The digest of every database; 20 zero bytes when all are empty. Redis: computeDatasetDigest
    func datasetDigest() -> Digest {
        var final = Digest()
        for db in keyspace.dbs where db.count > 0 {
            final.mix(bigEndian: UInt32(db.id))
            db.dict.forEach { i in
                let key = db.dict.key(at: i)
                var d = Digest()
                d.mix(key)
                addObjectDigest(&d, db.dict.value(at: i), volatile: keyspace.expireTime(db, key) != nil)
                final.xor(d)
            }
        }
        return final
    }
}

// MARK: - DEBUG

extension Err {
    static let debugOutOfRange = "ERR Out of range database"
}

extension Server {
    /// DEBUG DIGEST, DIGEST-VALUE key…, OBJECT key, SLEEP seconds, SET-ACTIVE-EXPIRE 0|1,
    /// HTSTATS dbid, LOADAOF, HELP. Redis: debugCommand (src/debug.c)
    func debugCommand(_ c: Client) {
        let sub = c.argv[1]
        if sub.equalsIgnoringCase("digest") && c.argv.count == 2 {
            c.addReplyStatus(datasetDigest().hex)
        } else if sub.equalsIgnoringCase("digest-value") {
            // Without the key name, so that the same value under two names has one digest.
            let db = keyspace.db(c)
            c.addReplyArrayLen(c.argv.count - 2)
            for key in c.argv.dropFirst(2) {
                var d = Digest()
                // LOOKUP_NOTOUCH in Redis: a read that does not count as an access.
                if let o = keyspace.lookupReadNoTouch(db, key) {
                    addObjectDigest(&d, o, volatile: keyspace.expireTime(db, key) != nil)
                }
                c.addReplyStatus(d.hex)
            }
        } else if sub.equalsIgnoringCase("object") && c.argv.count == 3 {
            debugObject(c)
        } else if sub.equalsIgnoringCase("populate") && c.argv.count >= 3 && c.argv.count <= 5 {
            debugPopulate(c)
        } else if sub.equalsIgnoringCase("sleep") && c.argv.count == 3 {
            // Blocks the whole server, on purpose: tests use it to make a slow command.
            guard let secs = c.argv[2].doubleValue, secs.isFinite, secs >= 0, secs < 1e9 else {
                c.addReplyError(Err.notFloat); return
            }
            var ts = timespec(tv_sec: Int(secs), tv_nsec: Int((secs - secs.rounded(.down)) * 1e9))
            nanosleep(&ts, nil)
            c.addReplyOK()
        } else if sub.equalsIgnoringCase("set-active-expire") && c.argv.count == 3 {
            guard let v = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
            keyspace.activeExpireEnabled = v != 0
            c.addReplyOK()
        } else if sub.equalsIgnoringCase("htstats") && c.argv.count >= 3 {
            guard let id = c.argv[2].int64Value, id >= 0, id < Int64(keyspace.dbs.count) else {
                c.addReplyError(Err.debugOutOfRange); return
            }
            let d = keyspace.dbs[Int(id)]
            let text = "[Dictionary HT]\n" + d.dict.stats() + "[Expires HT]\n" + d.expires.stats()
            c.addReplyVerbatim(text)
        } else if sub.equalsIgnoringCase("loadaof") && c.argv.count == 2 {
            // Write what is buffered, empty every database, replay the file.
            aof.flush(force: true)
            keyspace.empty(nil)
            do {
                _ = try replayAOF()
            } catch {
                logger.log(.warning, "\(error)")
                c.addReplyError("ERR")
                return
            }
            logger.log(.warning, "Append Only File loaded by DEBUG LOADAOF")
            c.addReplyOK()
        } else if sub.equalsIgnoringCase("help") {
            let lines = ["DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                         "DIGEST", "    Output a hex signature representing the current DB content.",
                         "DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
                         "LOADAOF", "    Flush the AOF buffers on disk and reload the AOF in memory.",
                         "OBJECT <key>", "    Show low level info about the <key> and associated value.",
                         "POPULATE <count> [<prefix>] [<size>]",
                         "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                         "    it is used instead of the 'key' prefix. These are not propagated to",
                         "    replicas. Cluster slots are not respected so keys not belonging to the",
                         "    current node can be created in cluster mode.",
                         "HTSTATS <dbid>", "    Return hash table statistics of the specified Redis database.",
                         "SET-ACTIVE-EXPIRE <0|1>", "    Setting it to 0 disables expiring keys in background when they are not accessed.",
                         "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.",
                         "HELP", "    Prints this help."]
            c.addReplyHelp(lines)
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }

    // MARK: - DEBUG POPULATE

    /// DEBUG POPULATE count [prefix] [size]: `count` string keys `prefix:0`, `prefix:1`… (prefix
    /// `key`) holding `value:0`, `value:1`…, or with `size`, that text cut or zero-padded to
    /// `size` bytes. A key that exists is left as it is. Redis's tests fill a server with it.
    /// Like Redis it does not make the dataset dirty, so nothing reaches the AOF.
    /// Redis: debugCommand, the "populate" branch (src/debug.c)
    func debugPopulate(_ c: Client) {
        // Not a number and a negative number get the same error. Redis: getPositiveLongFromObjectOrReply
        guard let count = c.argv[2].int64Value, count >= 0 else { c.addReplyError(Err.notPositive); return }
        var size: Int64 = 0
        if c.argv.count == 5 {
            guard let v = c.argv[4].int64Value, v >= 0 else { c.addReplyError(Err.notPositive); return }
            // Redis would try to allocate it and abort; we refuse what no string may hold.
            guard v <= Int64(keyspace.maxStringLength) else { c.addReplyError(Err.tooBig); return }
            size = v
        }
        // Redis formats the name into a 128-byte buffer: a longer prefix is cut to fit.
        let prefix = c.argv.count >= 4 ? Array(c.argv[3].bytes) : Array("key".utf8)
        let db = keyspace.db(c)
        _ = db.dict.expand(Int(min(count, Int64(Int32.max))))
        for j in 0..<count {
            let digits = Array(":\(j)".utf8)
            let name = ByteString((prefix + digits).prefix(127))
            if keyspace.lookupWrite(db, name) != nil { continue }
            var value = Array("value:\(j)".utf8)
            if size > 0 {
                value = Array(value.prefix(Int(size)))
                value += [UInt8](repeating: 0, count: Int(size) - value.count)
            }
            keyspace.setKey(db, name, .string(ByteString(value)))
        }
        c.addReplyOK()
    }

    // MARK: - DEBUG OBJECT

    /// One status line about a key's value, found without expiring it (Redis uses dictFind).
    /// Redis: the "object" branch of debugCommand (src/debug.c)
    func debugObject(_ c: Client) {
        let db = keyspace.db(c)
        let i = db.dict.find(c.argv[2])
        if i == 0 { c.addReplyError(Err.noSuchKey); return }
        let o = db.dict.value(at: i)
        // Redis shares the objects for 0…9999 (OBJ_SHARED_INTEGERS) with refcount INT_MAX.
        let refcount = o.sharedInRedis(maxmemoryEvictsByUse: keyspace.aging.evictsByUse) ? Int(Int32.max) : 1
        // The key's access clock as it is stored (LRU seconds, or LFU minutes and count).
        let lru = db.dict.clock(at: i)
        let idle = keyspace.idleMilliseconds(db, i) / 1000
        var extra = ""
        if case .list(let l) = o {
            let nodes = ziplistSizes(l.elements, nodeLimit: 8192)
            let avg = Double(l.count) / Double(nodes.count)
            extra = " ql_nodes:\(nodes.count) ql_avg_node:\(format2(avg)) ql_ziplist_max:-2 ql_compressed:0 ql_uncompressed_size:\(nodes.reduce(0, +))"
        }
        let address = "0x" + String(UInt(bitPattern: 0x7f00_0000_0000 &+ Int(i) &* 16), radix: 16)
        c.addReplyStatus("Value at:\(address) refcount:\(refcount) encoding:\(o.encoding) serializedlength:\(serializedLength(o)) lru:\(lru) lru_seconds_idle:\(idle)\(extra)")
    }

    /// The bytes RDB would write for a length. Redis: rdbSaveLen (src/rdb.c)
    private func rdbLenSize(_ n: Int) -> Int { n < 64 ? 1 : n < 16384 ? 2 : n <= Int(UInt32.max) ? 5 : 9 }

    /// The bytes RDB would write for a string: small integers as 2, 3 or 5 bytes, else length
    /// and bytes. Redis: rdbSaveStringObject, rdbTryIntegerEncoding (src/rdb.c)
    private func rdbStringSize(_ s: ByteString) -> Int {
        if s.count <= 11, let v = s.int64Value, ByteString(v) == s {
            if v >= -128 && v <= 127 { return 2 }
            if v >= -32768 && v <= 32767 { return 3 }
            if v >= Int64(Int32.min) && v <= Int64(Int32.max) { return 5 }
        }
        return rdbLenSize(s.count) + s.count
    }

    /// The bytes a Redis 6.2 ziplist holding `entries` takes: an 11-byte frame, and per entry the
    /// previous entry's length (1 or 5 bytes) and the entry, an integer when the text is one.
    /// Redis: zipStoreEntryEncoding, zipTryEncoding, zipStorePrevEntryLength (src/ziplist.c)
    private func ziplistEntrySize(_ e: ByteString, prev: Int) -> Int {
        let prevlen = prev < 254 ? 1 : 5
        if e.count <= 32, let v = e.int64Value, ByteString(v) == e {
            switch v {
            case 0...12: return prevlen + 1
            case -128...127: return prevlen + 2
            case -32768...32767: return prevlen + 3
            case -8_388_608...8_388_607: return prevlen + 4
            case Int64(Int32.min)...Int64(Int32.max): return prevlen + 5
            default: return prevlen + 9
            }
        }
        return prevlen + (e.count <= 63 ? 1 : e.count <= 16383 ? 2 : 5) + e.count
    }

    /// The ziplists a sequence fills: one when `nodeLimit` is nil (a hash or a sorted set), else
    /// quicklist nodes of at most that many bytes (list-max-ziplist-size -2 is 8 KB).
    /// Redis: ziplistPush (src/ziplist.c), _quicklistNodeAllowInsert (src/quicklist.c)
    private func ziplistSizes<S: Sequence>(_ entries: S, nodeLimit: Int? = nil) -> [Int] where S.Element == ByteString {
        var sizes: [Int] = [], size = 11, prev = 0, count = 0
        for e in entries {
            var n = ziplistEntrySize(e, prev: prev)
            if let limit = nodeLimit, count > 0, size + n > limit {
                sizes.append(size)
                size = 11; count = 0; prev = 0
                n = ziplistEntrySize(e, prev: 0)
            }
            size += n; prev = n; count += 1
        }
        sizes.append(size)
        return sizes
    }

    /// What the value would take in an RDB file, as DEBUG OBJECT reports: compact encodings are
    /// saved as one string holding their bytes. Redis: rdbSavedObjectLen, rdbSaveObject (src/rdb.c)
    func serializedLength(_ o: RedisObject) -> Int {
        let blob = { (n: Int) in self.rdbLenSize(n) + n }
        switch o {
        case .string(let s): return rdbStringSize(s)
        case .list(let l):
            let nodes = ziplistSizes(l.elements, nodeLimit: 8192)
            return nodes.reduce(rdbLenSize(nodes.count)) { $0 + blob($1) }
        case .set(let s) where s.isIntset:
            // An intset: 8 bytes of header, then every member in the widest width one needs.
            var width = 2
            s.forEach { m in
                let v = m.int64Value ?? 0
                if v < Int64(Int32.min) || v > Int64(Int32.max) { width = 8 } else if v < -32768 || v > 32767 { width = max(width, 4) }
            }
            return blob(8 + width * s.count)
        case .set(let s):
            var n = rdbLenSize(s.count)
            s.forEach { n += rdbStringSize($0) }
            return n
        case .hash(let h) where h.isZiplist:
            var pairs: [ByteString] = []
            h.forEach { f, v in pairs.append(f); pairs.append(v) }
            return blob(ziplistSizes(pairs)[0])
        case .hash(let h):
            var n = rdbLenSize(h.count)
            h.forEach { f, v in n += rdbStringSize(f) + rdbStringSize(v) }
            return n
        case .zset(let z) where !z.isSkiplist:
            var pairs: [ByteString] = []
            z.forEach { m, score in pairs.append(m); pairs.append(ByteString(g17: score)) }
            return blob(ziplistSizes(pairs)[0])
        case .zset(let z):
            // Each member as a string, each score as 8 binary bytes (RDB_TYPE_ZSET_2).
            var n = rdbLenSize(z.count)
            z.forEach { m, _ in n += rdbStringSize(m) + 8 }
            return n
        }
    }

    // MARK: - LASTSAVE

    /// The unix time of the last successful save; until the first one, the server's start, as
    /// Redis sets `lastsave` in initServer. Redis: lastsaveCommand (src/server.c)
    func lastsaveCommand(_ c: Client) {
        c.addReplyLongLong(startMs / 1000)
    }
}

// MARK: - Redis's names

/// Redis's names for the digest functions, so that `grep mixDigest` finds ours.
extension Server {
    @available(*, unavailable, renamed: "datasetDigest")
    func computeDatasetDigest() -> Digest { Digest() }
    @available(*, unavailable, renamed: "addObjectDigest")
    func xorObjectDigest(_ d: inout Digest, _ o: RedisObject, volatile: Bool) {}
}

extension Digest {
    @available(*, unavailable, renamed: "mix")
    mutating func mixDigest(_ p: UnsafeRawBufferPointer) {}
    @available(*, unavailable, renamed: "xor")
    mutating func xorDigest(_ p: UnsafeRawBufferPointer) {}
    @available(*, unavailable, renamed: "mix")
    mutating func mixStringObjectDigest(_ s: ByteString) {}
    @available(*, unavailable, renamed: "xor")
    mutating func xorStringObjectDigest(_ s: ByteString) {}
}
