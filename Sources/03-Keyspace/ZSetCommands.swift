// Sorted set commands: members with a score, kept in order, read by rank, by score or by name.
//
//     ZADD board 10 alice 20 bob          the set: (alice,10) (bob,20)
//     ZRANGE board 0 -1 WITHSCORES        by rank       rank 0 is the lowest score
//     ZRANGE board (10 +inf BYSCORE       by score      "(" excludes the bound
//     ZRANGE board [a (b BYLEX            by member     only meaningful when all scores are equal
//
// Every range command works the same way: parse the range (before looking at the key, so a bad
// range is an error even on a missing key), turn it into an interval of ranks, then walk or
// delete that interval (ZSetValue.swift). Scores are doubles, printed with "%.17g" as 6.2 does.
//
// Redis: src/t_zset.c (zaddGenericCommand, zremCommand, zrangeGenericCommand, zslParseRange,
// zslParseLexRange, zcountCommand, zremrangeGenericCommand, genericZpopCommand,
// zunionInterDiffGenericCommand, zscoreCommand, zmscoreCommand, zrankGenericCommand).
// SIMPLIFICATION: no ZRANGESTORE, ZUNION, ZINTER, ZDIFF, ZDIFFSTORE, ZRANDMEMBER, BZPOPMIN or
// BZPOPMAX; no keyspace notifications. Lex ranges on a set with mixed scores walk our order
// with a binary search in both encodings (Redis's ziplist scans linearly, so its answer there
// can differ; Redis documents such ranges as unspecified).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RedisCore
import RedisRESP

extension Err {
    static let zaddXXNX = "ERR XX and NX options at the same time are not compatible"
    static let zaddGTLTNX = "ERR GT, LT, and/or NX options at the same time are not compatible"
    static let zaddIncrPair = "ERR INCR option supports a single increment-element pair"
    static let zsetNaN = "ERR resulting score is not a number (NaN)"
    static let minMaxNotFloat = "ERR min or max is not a float"
    static let minMaxNotLex = "ERR min or max not valid string range item"
    static let weightNotFloat = "ERR weight value is not a float"
    static let zrangeLimit = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    static let zrangeLexScores = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
}

/// What a key holds, from a sorted-set command's point of view.
enum ZSetLookup {
    case none
    case zset(ZSetValue)
    case wrongType
}

// MARK: - Ranges

/// A score interval, each end inclusive or not. Redis: zrangespec (src/server.h)
struct ScoreRange {
    var min: Double, max: Double
    var minExclusive = false, maxExclusive = false

    @inline(__always) func aboveMin(_ v: Double) -> Bool { minExclusive ? v > min : v >= min }
    @inline(__always) func belowMax(_ v: Double) -> Bool { maxExclusive ? v < max : v <= max }

    /// Parses `min` and `max` as ZRANGEBYSCORE takes them: `1.5`, `(1.5`, `-inf`, `+inf`.
    /// Redis: zslParseRange (src/t_zset.c)
    init?(_ min: ByteString, _ max: ByteString) {
        guard let (a, ax) = ScoreRange.bound(min), let (b, bx) = ScoreRange.bound(max) else { return nil }
        self.min = a; self.max = b; minExclusive = ax; maxExclusive = bx
    }

    /// One end: plain strtod, which (unlike a ZADD score) accepts leading spaces and an empty
    /// string (as 0), exactly as Redis 6.2 does.
    static func bound(_ s: ByteString) -> (Double, Bool)? {
        s.withUnsafeBytes { p -> (Double, Bool)? in
            let exclusive = p.count > 0 && p[0] == UInt8(ascii: "(")
            let start = exclusive ? 1 : 0
            var buf = [CChar](repeating: 0, count: p.count - start + 1)
            for i in start..<p.count { buf[i - start] = CChar(bitPattern: p[i]) }
            return buf.withUnsafeMutableBufferPointer { b -> (Double, Bool)? in
                var end: UnsafeMutablePointer<CChar>? = nil
                let v = strtod(b.baseAddress!, &end)
                // Redis checks that strtod stopped at a NUL (the end, or a NUL inside the argument).
                guard let e = end, e.pointee == 0, !v.isNaN else { return nil }
                return (v, exclusive)
            }
        }
    }
}

/// One end of a lex range. Redis: shared.minstring, shared.maxstring and the sds of zlexrangespec
enum LexBound {
    case minusInfinity, plusInfinity
    case value(ByteString, exclusive: Bool)

    /// Parses `-`, `+`, `[name` or `(name`. Redis: zslParseLexRangeItem (src/t_zset.c)
    init?(_ s: ByteString) {
        guard s.count > 0 else { return nil }
        switch s[0] {
        case UInt8(ascii: "-"): if s.count != 1 { return nil }; self = .minusInfinity
        case UInt8(ascii: "+"): if s.count != 1 { return nil }; self = .plusInfinity
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let rest = s.withUnsafeBytes { ByteString(UnsafeRawBufferPointer(rebasing: $0.dropFirst())) }
            self = .value(rest, exclusive: s[0] == UInt8(ascii: "("))
        default: return nil
        }
    }

    /// True when `m` is after (or, inclusive, at) this bound used as a minimum. Redis: zslLexValueGteMin
    func isAtOrAfterMin(_ m: ByteString) -> Bool {
        switch self {
        case .minusInfinity: return true
        case .plusInfinity: return false
        case .value(let v, let ex): let c = m.compare(v); return ex ? c > 0 : c >= 0
        }
    }
    /// True when `m` is before (or, inclusive, at) this bound used as a maximum. Redis: zslLexValueLteMax
    func isAtOrBeforeMax(_ m: ByteString) -> Bool {
        switch self {
        case .minusInfinity: return false
        case .plusInfinity: return true
        case .value(let v, let ex): let c = m.compare(v); return ex ? c < 0 : c <= 0
        }
    }
}

extension ZSetValue {
    /// The ranks (0-based, inclusive) of the members with a score in `r`; empty when lo > hi.
    /// Redis: zslFirstInRange, zslLastInRange, zzlFirstInRange, zzlLastInRange (src/t_zset.c)
    func ranks(_ r: ScoreRange) -> (Int, Int) {
        (prefixCount { s, _ in !r.aboveMin(s) }, prefixCount { s, _ in r.belowMax(s) } - 1)
    }
    /// The ranks of the members between two lex bounds. Redis: zslFirstInLexRange, zslLastInLexRange
    func ranks(_ min: LexBound, _ max: LexBound) -> (Int, Int) {
        (prefixCount { _, m in !min.isAtOrAfterMin(m) }, prefixCount { _, m in max.isAtOrBeforeMax(m) } - 1)
    }
    /// Ranks from ZRANGE-style indexes (negative from the end), clamped; lo > hi when empty.
    /// Redis: the start/end sanitising of zrangeGenericCommand and zremrangeGenericCommand
    func ranks(start: Int64, end: Int64) -> (Int, Int) {
        let n = Int64(count)
        var s = start < 0 ? start &+ n : start
        var e = end < 0 ? end &+ n : end
        if s < 0 { s = 0 }
        if s > e || s >= n { return (0, -1) }
        if e >= n { e = n - 1 }
        return (Int(s), Int(e))
    }
}

/// A score from a client (ZADD, ZINCRBY, WEIGHTS): strtod on the whole argument, no NaN.
/// Redis: getDoubleFromObject (src/object.c)
@inline(__always)
func parseScore(_ s: ByteString) -> Double? {
    // Fast path for the integers benchmarks send; "-0" still goes to strtod, which keeps its sign.
    if let i = s.int64Value, i != 0 || s.count == 1 { return Double(i) }
    return s.doubleValue
}

// MARK: - Commands

extension Keyspace {
    func registerZSetCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("zadd", -4, "write use-memory fast @sortedset", 1, 1, 1) { ks.zaddCommand($0, zincrby: false) })
        t.register(RedisCommand("zincrby", 4, "write use-memory fast @sortedset", 1, 1, 1) { ks.zaddCommand($0, zincrby: true) })
        t.register(RedisCommand("zrem", -3, "write fast @sortedset", 1, 1, 1) { ks.zremCommand($0) })
        t.register(RedisCommand("zremrangebyscore", 4, "write @sortedset", 1, 1, 1) { ks.zremrangeCommand($0, .score) })
        t.register(RedisCommand("zremrangebyrank", 4, "write @sortedset", 1, 1, 1) { ks.zremrangeCommand($0, .rank) })
        t.register(RedisCommand("zremrangebylex", 4, "write @sortedset", 1, 1, 1) { ks.zremrangeCommand($0, .lex) })
        t.register(RedisCommand("zunionstore", -4, "write use-memory @sortedset movablekeys", 1, 1, 1) { ks.zsetStoreCommand($0, .union, store: true) })
        t.register(RedisCommand("zinterstore", -4, "write use-memory @sortedset movablekeys", 1, 1, 1) { ks.zsetStoreCommand($0, .inter, store: true) })
        t.register(RedisCommand("zdiffstore", -4, "write use-memory @sortedset movablekeys", 1, 1, 1) { ks.zsetStoreCommand($0, .diff, store: true) })
        t.register(RedisCommand("zunion", -3, "read-only @sortedset movablekeys", 0, 0, 0) { ks.zsetStoreCommand($0, .union, store: false) })
        t.register(RedisCommand("zinter", -3, "read-only @sortedset movablekeys", 0, 0, 0) { ks.zsetStoreCommand($0, .inter, store: false) })
        t.register(RedisCommand("zdiff", -3, "read-only @sortedset movablekeys", 0, 0, 0) { ks.zsetStoreCommand($0, .diff, store: false) })
        // Their keys follow a count. Redis: zunionInterDiffStoreGetKeys, zunionInterDiffGetKeys (src/db.c)
        for name in ["zunionstore", "zinterstore", "zdiffstore"] {
            t.lookup(ByteString(name))?.getKeys = { keysWithCount($0, store: 1, countAt: 2, firstKeyAt: 3) }
        }
        for name in ["zunion", "zinter", "zdiff"] {
            t.lookup(ByteString(name))?.getKeys = { keysWithCount($0, store: 0, countAt: 1, firstKeyAt: 2) }
        }
        t.register(RedisCommand("zrange", -4, "read-only @sortedset", 1, 1, 1) { ks.zrangeCommand($0, .auto, reverse: nil) })
        t.register(RedisCommand("zrangestore", -5, "write use-memory @sortedset", 1, 2, 1) { ks.zrangeCommand($0, .auto, reverse: nil, store: true) })
        t.register(RedisCommand("zrangebyscore", -4, "read-only @sortedset", 1, 1, 1) { ks.zrangeCommand($0, .score, reverse: false) })
        t.register(RedisCommand("zrevrangebyscore", -4, "read-only @sortedset", 1, 1, 1) { ks.zrangeCommand($0, .score, reverse: true) })
        t.register(RedisCommand("zrangebylex", -4, "read-only @sortedset", 1, 1, 1) { ks.zrangeCommand($0, .lex, reverse: false) })
        t.register(RedisCommand("zrevrangebylex", -4, "read-only @sortedset", 1, 1, 1) { ks.zrangeCommand($0, .lex, reverse: true) })
        t.register(RedisCommand("zcount", 4, "read-only fast @sortedset", 1, 1, 1) { ks.zcountCommand($0, lex: false) })
        t.register(RedisCommand("zlexcount", 4, "read-only fast @sortedset", 1, 1, 1) { ks.zcountCommand($0, lex: true) })
        t.register(RedisCommand("zrevrange", -4, "read-only @sortedset", 1, 1, 1) { ks.zrangeCommand($0, .rank, reverse: true) })
        t.register(RedisCommand("zcard", 2, "read-only fast @sortedset", 1, 1, 1) { ks.zcardCommand($0) })
        t.register(RedisCommand("zscore", 3, "read-only fast @sortedset", 1, 1, 1) { ks.zscoreCommand($0) })
        t.register(RedisCommand("zmscore", -3, "read-only fast @sortedset", 1, 1, 1) { ks.zmscoreCommand($0) })
        t.register(RedisCommand("zrank", 3, "read-only fast @sortedset", 1, 1, 1) { ks.zrankCommand($0, reverse: false) })
        t.register(RedisCommand("zrevrank", 3, "read-only fast @sortedset", 1, 1, 1) { ks.zrankCommand($0, reverse: true) })
        t.register(RedisCommand("zrandmember", -2, "read-only random @sortedset", 1, 1, 1) { ks.zrandmemberCommand($0) })
        t.register(RedisCommand("zscan", -3, "read-only random @sortedset", 1, 1, 1) { ks.zscanCommand($0) })
        t.register(RedisCommand("zpopmin", -2, "write fast @sortedset", 1, 1, 1) { ks.zpopCommand($0, max: false) })
        t.register(RedisCommand("zpopmax", -2, "write fast @sortedset", 1, 1, 1) { ks.zpopCommand($0, max: true) })
    }

    /// The sorted set at `key` (after lazy expiry). Redis: lookupKeyRead/Write + checkType
    @inline(__always)
    func zsetLookup(_ d: Database, _ key: ByteString, write: Bool) -> ZSetLookup {
        guard let o = write ? lookupWrite(d, key) : lookupRead(d, key) else { return .none }
        if case .zset(let z) = o { return .zset(z) }
        return .wrongType
    }

    /// Traces a set leaving the small encoding, a state change worth seeing in class.
    /// Redis: zsetConvert (src/t_zset.c)
    func traceConversion(_ d: Database, _ key: ByteString) {
        if tracer.on(.db) {
            tracer.transition(.db, "db\(d.id) \(key) encoding", from: "ziplist", to: "skiplist", fn: "zsetConvert")
        }
    }

    /// Notes a change to the set at `key`, deleting the key when the set became empty.
    func zsetChanged(_ d: Database, _ key: ByteString, _ z: ZSetValue) {
        if z.count == 0 { delete(d, key) } else { keyModified?(d.id, key) }
    }

    // MARK: ZADD, ZINCRBY, ZREM

    /// ZADD's option flags. Redis: ZADD_IN_NX, ZADD_IN_XX… (src/server.h)
    struct ZAddFlags: OptionSet {
        let rawValue: UInt8
        static let nx = ZAddFlags(rawValue: 1), xx = ZAddFlags(rawValue: 2), ch = ZAddFlags(rawValue: 4)
        static let incr = ZAddFlags(rawValue: 8), gt = ZAddFlags(rawValue: 16), lt = ZAddFlags(rawValue: 32)
    }

    /// What zsetAdd did. Redis: ZADD_OUT_ADDED, ZADD_OUT_UPDATED, ZADD_OUT_NOP, ZADD_OUT_NAN
    enum ZAddOutcome { case added, updated, unchanged, skipped, nan }

    // snippet.zsetAdd
    /// Adds or updates one member under ZADD's flags; returns what happened and the score it has
    /// now (the increment applied, with INCR). Redis: zsetAdd (src/t_zset.c)
    @inline(__always)
    func zsetAdd(_ z: ZSetValue, _ member: ByteString, _ score: Double, _ f: ZAddFlags) -> (ZAddOutcome, Double) {
        if let current = z.score(member) {
            if f.contains(.nx) { return (.skipped, current) }
            var new = score
            if f.contains(.incr) {
                new += current
                if new.isNaN { return (.nan, current) }  // inf + -inf
            }
            if (f.contains(.lt) && new >= current) || (f.contains(.gt) && new <= current) { return (.skipped, current) }
            if new == current { return (.unchanged, new) }
            z.update(member, from: current, to: new)
            return (.updated, new)
        }
        if f.contains(.xx) { return (.skipped, score) }
        z.insert(member, score, zsetLimits)
        return (.added, score)
    }
    // snippet.end

    /// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member …], and ZINCRBY key
    /// increment member (ZADD with INCR). Redis: zaddGenericCommand (src/t_zset.c)
    func zaddCommand(_ c: Client, zincrby: Bool) {
        var f: ZAddFlags = zincrby ? .incr : []
        var j = 2
        while !zincrby && j < c.argv.count {
            let o = c.argv[j]
            if o.equalsIgnoringCase("nx") { f.insert(.nx) }
            else if o.equalsIgnoringCase("xx") { f.insert(.xx) }
            else if o.equalsIgnoringCase("ch") { f.insert(.ch) }
            else if o.equalsIgnoringCase("incr") { f.insert(.incr) }
            else if o.equalsIgnoringCase("gt") { f.insert(.gt) }
            else if o.equalsIgnoringCase("lt") { f.insert(.lt) }
            else { break }
            j += 1
        }
        let rest = c.argv.count - j
        if rest == 0 || rest % 2 != 0 { c.addReplyError(Err.syntax); return }
        let pairs = rest / 2
        if f.contains(.nx) && f.contains(.xx) { c.addReplyError(Err.zaddXXNX); return }
        if (f.contains(.gt) && f.contains(.nx)) || (f.contains(.lt) && f.contains(.nx)) || (f.contains(.gt) && f.contains(.lt)) {
            c.addReplyError(Err.zaddGTLTNX); return
        }
        if f.contains(.incr) && pairs > 1 { c.addReplyError(Err.zaddIncrPair); return }
        // Every score is checked before anything changes: the command runs fully or not at all.
        var single = 0.0
        var scores: [Double] = []
        if pairs == 1 {
            guard let s = parseScore(c.argv[j]) else { c.addReplyError(Err.notFloat); return }
            single = s
        } else {
            scores.reserveCapacity(pairs)
            for p in 0..<pairs {
                guard let s = parseScore(c.argv[j + 2 * p]) else { c.addReplyError(Err.notFloat); return }
                scores.append(s)
            }
        }
        let d = db(c)
        let key = c.argv[1]
        var added = 0, updated = 0, processed = 0
        var last = 0.0
        var z: ZSetValue? = nil
        switch zsetLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .zset(let existing): z = existing
        case .none:
            if !f.contains(.xx) {
                let tooLong = zsetLimits.maxZiplistEntries == 0 || c.argv[j + 1].count > zsetLimits.maxZiplistValue
                let fresh = ZSetValue(skiplist: tooLong)
                d.dict.insert(key, .zset(fresh))
                signalKeyAsReady(d.id, key)  // BZPOPMIN may wait for it. Redis: dbAdd
                z = fresh
            }
        }
        if let z {
            let wasSmall = !z.isSkiplist
            defer { if wasSmall && z.isSkiplist { traceConversion(d, key) } }
            for p in 0..<pairs {
                let (outcome, score) = zsetAdd(z, c.argv[j + 2 * p + 1], pairs == 1 ? single : scores[p], f)
                switch outcome {
                case .added: added += 1; processed += 1
                case .updated: updated += 1; processed += 1
                case .unchanged: processed += 1
                case .skipped: break
                case .nan:
                    c.addReplyError(Err.zsetNaN)
                    if added + updated > 0 { keyModified?(d.id, key) }
                    return
                }
                last = score
            }
            dirty += Int64(added + updated)
            if added + updated > 0 { keyModified?(d.id, key) }
        }
        if f.contains(.incr) {
            if processed > 0 { c.addReplyDouble(last) } else { c.addReplyNull() }
        } else {
            c.addReplyLongLong(Int64(f.contains(.ch) ? added + updated : added))
        }
    }

    /// ZREM key member [member …]: how many were removed. Redis: zremCommand (src/t_zset.c)
    func zremCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1]
        switch zsetLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .zset(let z):
            var removed = 0
            for j in 2..<c.argv.count where z.remove(c.argv[j]) {
                removed += 1
                if z.count == 0 { break }
            }
            if removed > 0 { zsetChanged(d, key, z); dirty += Int64(removed) }
            c.addReplyLongLong(Int64(removed))
        }
    }

    // MARK: Reads of one member

    /// ZCARD key. Redis: zcardCommand
    func zcardCommand(_ c: Client) {
        switch zsetLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .zset(let z): c.addReplyLongLong(Int64(z.count))
        }
    }

    /// ZSCORE key member. Redis: zscoreCommand
    func zscoreCommand(_ c: Client) {
        switch zsetLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyNull()
        case .zset(let z):
            if let s = z.score(c.argv[2]) { c.addReplyDouble(s) } else { c.addReplyNull() }
        }
    }

    /// ZMSCORE key member [member …]: a score or a null for each. Redis: zmscoreCommand
    func zmscoreCommand(_ c: Client) {
        var z: ZSetValue? = nil
        switch zsetLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: break
        case .zset(let found): z = found
        }
        c.addReplyArrayLen(c.argv.count - 2)
        for j in 2..<c.argv.count {
            if let s = z?.score(c.argv[j]) { c.addReplyDouble(s) } else { c.addReplyNull() }
        }
    }

    /// ZRANK key member, ZREVRANK key member. Redis: zrankGenericCommand
    func zrankCommand(_ c: Client, reverse: Bool) {
        switch zsetLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyNull()
        case .zset(let z):
            guard let r = z.rank(c.argv[2]) else { c.addReplyNull(); return }
            c.addReplyLongLong(Int64(reverse ? z.count - 1 - r : r))
        }
    }

    // MARK: Ranges

    /// How ZRANGE reads its range. Redis: zrange_type (src/t_zset.c)
    enum ZRangeType { case auto, rank, score, lex }

    /// ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], and the
    /// older commands that are ZRANGE with options fixed: ZREVRANGE (rank, REV), ZRANGEBYSCORE,
    /// ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX. With `store`, ZRANGESTORE dst src min max
    /// […]: the range replaces dst, and the reply is its size. Redis: zrangeGenericCommand (src/t_zset.c)
    func zrangeCommand(_ c: Client, _ fixedType: ZRangeType, reverse fixedReverse: Bool?, store: Bool = false) {
        var type = fixedType
        var reverse = fixedReverse
        var withScores = false
        var offset: Int64 = 0, limit: Int64 = -1
        let a0 = store ? 1 : 0  // ZRANGESTORE's arguments sit one further right
        var j = 4 + a0
        while j < c.argv.count {
            let o = c.argv[j]
            if !store && o.equalsIgnoringCase("withscores") { withScores = true }
            else if o.equalsIgnoringCase("limit") && c.argv.count - j - 1 >= 2 {
                guard let a = c.argv[j + 1].int64Value, let b = c.argv[j + 2].int64Value else {
                    c.addReplyError(Err.notInteger); return
                }
                offset = a; limit = b
                j += 2
            } else if reverse == nil && o.equalsIgnoringCase("rev") { reverse = true }
            else if type == .auto && o.equalsIgnoringCase("bylex") { type = .lex }
            else if type == .auto && o.equalsIgnoringCase("byscore") { type = .score }
            else { c.addReplyError(Err.syntax); return }
            j += 1
        }
        let rev = reverse ?? false
        if type == .auto { type = .rank }
        if limit != -1 && type == .rank { c.addReplyError(Err.zrangeLimit); return }
        if withScores && type == .lex { c.addReplyError(Err.zrangeLexScores); return }
        // By score or lex, a reverse range names its high end first: ZRANGE k max min BYSCORE REV.
        let (minArg, maxArg) = rev && type != .rank ? (c.argv[3 + a0], c.argv[2 + a0]) : (c.argv[2 + a0], c.argv[3 + a0])
        var scoreRange: ScoreRange? = nil
        var lex: (LexBound, LexBound)? = nil
        var start: Int64 = 0, end: Int64 = 0
        switch type {
        case .auto, .rank:
            guard let a = minArg.int64Value, let b = maxArg.int64Value else { c.addReplyError(Err.notInteger); return }
            start = a; end = b
        case .score:
            guard let r = ScoreRange(minArg, maxArg) else { c.addReplyError(Err.minMaxNotFloat); return }
            scoreRange = r
        case .lex:
            guard let a = LexBound(minArg), let b = LexBound(maxArg) else { c.addReplyError(Err.minMaxNotLex); return }
            lex = (a, b)
        }
        let z: ZSetValue
        switch zsetLookup(db(c), c.argv[1 + a0], write: store) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none:
            if store { storeRange(c, []) } else { c.addReply("*0\r\n") }
            return
        case .zset(let found): z = found
        }
        // snippet.zrangeGenericCommand
        var (lo, hi): (Int, Int)
        if let r = scoreRange { (lo, hi) = z.ranks(r) }
        else if let (a, b) = lex { (lo, hi) = z.ranks(a, b) }
        else {
            (lo, hi) = z.ranks(start: start, end: end)
            // By rank, REV counts its indexes from the highest score.
            if rev && lo <= hi { (lo, hi) = (z.count - 1 - hi, z.count - 1 - lo) }
        }
        // LIMIT counts from the first member in the walk's direction; a negative offset skips all.
        if type != .rank && lo <= hi {
            if offset < 0 || offset > Int64(hi - lo) { hi = lo - 1 } else {
                let n = Int64(hi - lo + 1) - offset
                let take = limit < 0 ? n : min(limit, n)
                if rev { hi -= Int(offset); lo = hi - Int(take) + 1 } else { lo += Int(offset); hi = lo + Int(take) - 1 }
            }
        }
        let n = max(0, hi - lo + 1)
        if store {
            var entries: [ZEntry] = []
            entries.reserveCapacity(n)
            z.forEach(ranks: lo, hi, reverse: false) { entries.append(ZEntry($0.member, $0.score)) }
            storeRange(c, entries)
            return
        }
        let pairs = withScores && c.resp >= 3
        c.addReplyArrayLen(withScores && !pairs ? n * 2 : n)
        z.forEach(ranks: lo, hi, reverse: rev) { e in
            if pairs { c.addReplyArrayLen(2) }
            c.addReplyBulk(e.member)
            if withScores { c.addReplyDouble(e.score) }
        }
        // snippet.end
    }

    /// The end of every command that stores a sorted set (ZRANGESTORE, ZUNIONSTORE, …): `entries`
    /// (in score order) replace the destination, or delete it when empty; the reply is their
    /// number. Redis: zrangeResultFinalizeStore, the dstkey end of zunionInterDiffGenericCommand
    func storeRange(_ c: Client, _ entries: [ZEntry]) {
        let d = db(c)
        let dest = c.argv[1]
        if entries.isEmpty {
            if delete(d, dest) { dirty += 1 }
        } else {
            setKey(d, dest, .zset(ZSetValue.build(sorted: entries, zsetLimits)))
            signalKeyAsReady(d.id, dest)
            dirty += 1
        }
        c.addReplyLongLong(Int64(entries.count))
    }

    /// ZCOUNT key min max, ZLEXCOUNT key min max. Redis: zcountCommand, zlexcountCommand
    func zcountCommand(_ c: Client, lex: Bool) {
        var scoreRange: ScoreRange? = nil
        var bounds: (LexBound, LexBound)? = nil
        if lex {
            guard let a = LexBound(c.argv[2]), let b = LexBound(c.argv[3]) else { c.addReplyError(Err.minMaxNotLex); return }
            bounds = (a, b)
        } else {
            guard let r = ScoreRange(c.argv[2], c.argv[3]) else { c.addReplyError(Err.minMaxNotFloat); return }
            scoreRange = r
        }
        switch zsetLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .zset(let z):
            let (lo, hi) = scoreRange.map { z.ranks($0) } ?? z.ranks(bounds!.0, bounds!.1)
            c.addReplyLongLong(Int64(max(0, hi - lo + 1)))
        }
    }

    /// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX key min max: how many were removed.
    /// Redis: zremrangeGenericCommand (src/t_zset.c)
    func zremrangeCommand(_ c: Client, _ type: ZRangeType) {
        var scoreRange: ScoreRange? = nil
        var bounds: (LexBound, LexBound)? = nil
        var start: Int64 = 0, end: Int64 = 0
        switch type {
        case .score:
            guard let r = ScoreRange(c.argv[2], c.argv[3]) else { c.addReplyError(Err.minMaxNotFloat); return }
            scoreRange = r
        case .lex:
            guard let a = LexBound(c.argv[2]), let b = LexBound(c.argv[3]) else { c.addReplyError(Err.minMaxNotLex); return }
            bounds = (a, b)
        case .rank, .auto:
            guard let a = c.argv[2].int64Value, let b = c.argv[3].int64Value else { c.addReplyError(Err.notInteger); return }
            start = a; end = b
        }
        let d = db(c)
        let key = c.argv[1]
        switch zsetLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .zset(let z):
            let (lo, hi): (Int, Int)
            if let r = scoreRange { (lo, hi) = z.ranks(r) }
            else if let (a, b) = bounds { (lo, hi) = z.ranks(a, b) }
            else { (lo, hi) = z.ranks(start: start, end: end) }
            let removed = max(0, hi - lo + 1)
            if removed > 0 {
                z.removeRanks(lo, hi)
                zsetChanged(d, key, z)
                dirty += Int64(removed)
            }
            c.addReplyLongLong(Int64(removed))
        }
    }

    // MARK: ZPOPMIN, ZPOPMAX

    /// ZPOPMIN key [count], ZPOPMAX key [count]: member, score, member, score… (a flat array in
    /// RESP3 too, in 6.2). Propagated as it is: which members it pops is determined by the data.
    /// Redis: genericZpopCommand (src/t_zset.c)
    func zpopCommand(_ c: Client, max: Bool) {
        if c.argv.count > 3 { c.addReplyError(Err.syntax); return }
        var count = 1
        if c.argv.count == 3 {
            guard let n = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
            if n <= 0 { c.addReply("*0\r\n"); return }
            count = Int(n)
        }
        let d = db(c)
        let key = c.argv[1]
        switch zsetLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply("*0\r\n")
        case .zset(let z):
            let n = min(count, z.count)
            c.addReplyArrayLen(n * 2)
            let (lo, hi) = max ? (z.count - n, z.count - 1) : (0, n - 1)
            z.forEach(ranks: lo, hi, reverse: max) { e in
                c.addReplyBulk(e.member)
                c.addReplyDouble(e.score)
            }
            z.removeRanks(lo, hi)
            zsetChanged(d, key, z)
            dirty += Int64(n)
        }
    }

    // MARK: ZRANDMEMBER

    /// ZRANDMEMBER key [count [WITHSCORES]], as HRANDFIELD is for hashes: without a count one
    /// member (null for a missing key); a positive count that many distinct members (the whole
    /// set, highest score first, if it is smaller); a negative one |count| draws with replacement. RESP3
    /// gets one [member, score] pair per element. Redis: zrandmemberCommand,
    /// zrandmemberWithCountCommand (src/t_zset.c)
    func zrandmemberCommand(_ c: Client) {
        func member(_ z: ZSetValue, rank: Int) -> ZEntry {
            var found = ZEntry(ByteString(), 0)
            z.forEach(ranks: rank, rank, reverse: false) { found = ZEntry($0.member, $0.score) }
            return found
        }
        if c.argv.count == 2 {
            switch zsetLookup(db(c), c.argv[1], write: false) {
            case .none: c.addReplyNull()
            case .wrongType: c.addReplyError(Err.wrongType)
            case .zset(let z): c.addReplyBulk(member(z, rank: Int.random(in: 0..<z.count)).member)
            }
            return
        }
        guard let (l, withScores) = randomCountArguments(c, "withscores") else { return }
        let z: ZSetValue
        switch zsetLookup(db(c), c.argv[1], write: false) {
        case .none: c.addReply("*0\r\n"); return
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .zset(let found): z = found
        }
        let unique = l >= 0
        let count = Int(l.magnitude)
        if count == 0 { c.addReply("*0\r\n"); return }
        let nested = withScores && c.resp > 2
        func reply(_ e: ZEntry) {
            if nested { c.addReplyArrayLen(2) }
            c.addReplyBulk(e.member)
            if withScores { c.addReplyDouble(e.score) }
        }
        let n = unique ? min(count, z.count) : count
        c.addReplyArrayLen(withScores && !nested ? n * 2 : n)
        if !unique || count == 1 {
            for _ in 0..<n { reply(member(z, rank: Int.random(in: 0..<z.count))) }
        } else if count >= z.count {
            // The whole set, highest score first: Redis's set-operation iterator (zuiInitIterator)
            // walks a sorted set from its tail.
            z.forEach(ranks: 0, z.count - 1, reverse: true) { reply(ZEntry($0.member, $0.score)) }
        } else {
            // `count` distinct ranks, by a partial shuffle, as HRANDFIELD does.
            var ranks = Array(0..<z.count)
            for i in 0..<n {
                ranks.swapAt(i, Int.random(in: i..<ranks.count))
                reply(member(z, rank: ranks[i]))
            }
        }
    }

    // MARK: ZSCAN

    /// ZSCAN key cursor [MATCH pattern] [COUNT n]. Redis: zscanCommand, scanGenericCommand (src/db.c)
    func zscanCommand(_ c: Client) {
        scanValueCommand(c, pairs: true) { if case .zset(let z) = $0 { return z.scanSource }; return nil }
    }

    // MARK: ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZUNION, ZINTER, ZDIFF

    /// How the scores of one member in several inputs combine. Redis: REDIS_AGGR_SUM/MIN/MAX
    enum Aggregate { case sum, min, max }

    /// Which members a set operation keeps. Redis: SET_OP_UNION, SET_OP_INTER, SET_OP_DIFF
    enum ZSetOp { case union, inter, diff }

    /// Combines two scores; a sum of inf and -inf is 0, not NaN. Redis: zunionInterAggregate
    static func aggregate(_ a: Double, _ b: Double, _ how: Aggregate) -> Double {
        switch how {
        case .sum: let s = a + b; return s.isNaN ? 0 : s
        case .min: return a < b ? a : b
        case .max: return a > b ? a : b
        }
    }

    /// ZUNIONSTORE / ZINTERSTORE destination numkeys key [key …] [WEIGHTS w …]
    /// [AGGREGATE SUM|MIN|MAX]: the size of the result, which replaces the destination. ZDIFFSTORE
    /// destination numkeys key [key …]: the members of the first not in the others. Without a
    /// destination (ZUNION, ZINTER, ZDIFF numkeys key … [WITHSCORES]) the result is the reply, as
    /// ZRANGE would give it. A plain set counts as a sorted set whose scores are all 1.
    /// Redis: zunionInterDiffGenericCommand (src/t_zset.c)
    func zsetStoreCommand(_ c: Client, _ op: ZSetOp, store: Bool) {
        let name = c.argv[0].lowercasedASCII.stringValue
        let numkeysAt = store ? 2 : 1
        guard let numkeys = c.argv[numkeysAt].int64Value else { c.addReplyError(Err.notInteger); return }
        if numkeys < 1 { c.addReplyError("ERR at least 1 input key is needed for \(name)"); return }
        if numkeys > Int64(c.argv.count - numkeysAt - 1) { c.addReplyError(Err.syntax); return }
        let n = Int(numkeys)
        let d = db(c)
        // Each input, as (member → score) with its size; nil for a missing key (an empty set).
        var inputs: [(members: [ByteString: Double], size: Int, index: Int)] = []
        for i in 0..<n {
            var m: [ByteString: Double] = [:]
            let key = c.argv[numkeysAt + 1 + i]
            switch store ? lookupWrite(d, key) : lookupRead(d, key) {
            case nil: break
            case .zset(let z)?: m.reserveCapacity(z.count); z.forEach { m[$0] = $1 }
            case .set(let s)?: m.reserveCapacity(s.count); s.forEach { m[$0] = 1.0 }
            default: c.addReplyError(Err.wrongType); return
            }
            inputs.append((m, m.count, i))
        }
        var weights = [Double](repeating: 1, count: n)
        var how = Aggregate.sum
        var withScores = false
        var j = numkeysAt + 1 + n
        while j < c.argv.count {
            let remaining = c.argv.count - j
            if op != .diff && remaining >= n + 1 && c.argv[j].equalsIgnoringCase("weights") {
                for i in 0..<n {
                    guard let w = parseScore(c.argv[j + 1 + i]) else { c.addReplyError(Err.weightNotFloat); return }
                    weights[i] = w
                }
                j += n + 1
            } else if op != .diff && remaining >= 2 && c.argv[j].equalsIgnoringCase("aggregate") {
                let a = c.argv[j + 1]
                if a.equalsIgnoringCase("sum") { how = .sum }
                else if a.equalsIgnoringCase("min") { how = .min }
                else if a.equalsIgnoringCase("max") { how = .max }
                else { c.addReplyError(Err.syntax); return }
                j += 2
            } else if !store && c.argv[j].equalsIgnoringCase("withscores") {
                withScores = true
                j += 1
            } else {
                c.addReplyError(Err.syntax); return
            }
        }
        // Smallest input first, as Redis does (it changes the order of a sum's additions); a
        // difference keeps the first input first.
        if op != .diff { inputs.sort { $0.size != $1.size ? $0.size < $1.size : $0.index < $1.index } }
        func weighted(_ s: Double, _ i: Int) -> Double { let v = weights[inputs[i].index] * s; return v.isNaN ? 0 : v }
        var result: [ByteString: Double] = [:]
        var order: [ByteString] = []
        if op == .diff {
            outer: for (m, s) in inputs[0].members {
                for i in inputs.indices.dropFirst() where inputs[i].members[m] != nil { continue outer }
                result[m] = s
                order.append(m)
            }
        } else if op == .union {
            for i in inputs.indices {
                for (m, s) in inputs[i].members {
                    let v = weighted(s, i)
                    if let old = result[m] { result[m] = Keyspace.aggregate(old, v, how) } else { result[m] = v; order.append(m) }
                }
            }
        } else if let first = inputs.first {
            outer: for (m, s) in first.members {
                var v = weighted(s, 0)
                for i in inputs.indices.dropFirst() {
                    guard let other = inputs[i].members[m] else { continue outer }
                    v = Keyspace.aggregate(v, weighted(other, i), how)
                }
                result[m] = v
                order.append(m)
            }
        }
        var entries = order.map { ZEntry($0, result[$0]!) }
        entries.sort { Skiplist.before($0.score, $0.member, $1.score, $1.member) }
        if !store {
            let pairs = withScores && c.resp >= 3
            c.addReplyArrayLen(withScores && !pairs ? entries.count * 2 : entries.count)
            for e in entries {
                if pairs { c.addReplyArrayLen(2) }
                c.addReplyBulk(e.member)
                if withScores { c.addReplyDouble(e.score) }
            }
            return
        }
        storeRange(c, entries)
    }
}

// The names a reader of src/t_zset.c will grep for.
extension Keyspace {
    @available(*, unavailable, renamed: "zaddCommand")
    func zaddGenericCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "zrangeCommand")
    func zrangeGenericCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "zremrangeCommand")
    func zremrangeGenericCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "zpopCommand")
    func genericZpopCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "zsetStoreCommand")
    func zunionInterDiffGenericCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "zrankCommand")
    func zrankGenericCommand(_ c: Client) {}
}
