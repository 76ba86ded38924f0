// The sorted set type's storage, in Redis 6.2's two encodings.
//
//     ziplist   [(a,1) (b,2) (c,2) (d,5)]            small: one sorted array, binary search
//        │  more than zset-max-ziplist-entries (128) members,
//        │  or a member longer than zset-max-ziplist-value (64) bytes
//        ▼
//     skiplist  dict: member → score                 ZSCORE, ZADD's "is it there?" in O(1)
//               skiplist: (score, member) in order   ranks and ranges in O(log n)
//
// Every operation here speaks in 0-based ranks (position from the lowest score): the commands
// turn a score or lex range into a rank interval first (`rankRange`), then read, count or
// delete by rank. A set converts to the skiplist once and never back, as in Redis, except when
// a store command (ZUNIONSTORE…) builds a fresh result, which picks the encoding by its size.
//
// Redis: zsetAdd, zsetDel, zsetScore, zsetRank, zsetConvert, zsetConvertToZiplistIfNeeded,
// zzlInsert, zzlFind, zzlDelete (src/t_zset.c).
// SIMPLIFICATION: a real ziplist is one contiguous byte buffer of variable-length entries
// (previous entry's length, an encoding byte, then the member or score as text or a small
// integer), member and score alternating, walked from either end; inserting shifts the bytes
// after it (memmove). Our "ziplist" is a Swift array of (member, score) structs kept sorted: the
// same O(n) inserts and linear member lookups, the same reason to exist (few allocations, good
// locality for small sets), without the byte layout.

import RedisCore

/// One member and its score.
public struct ZEntry: Equatable {
    public var member: ByteString
    public var score: Double
    public init(_ member: ByteString, _ score: Double) { self.member = member; self.score = score }
}

/// The two limits that choose the encoding. Redis: zset-max-ziplist-entries, zset-max-ziplist-value
public struct ZSetLimits: Sendable {
    public var maxZiplistEntries = 128
    public var maxZiplistValue = 64
    public init(entries: Int = 128, value: Int = 64) { maxZiplistEntries = entries; maxZiplistValue = value }
}

/// A sorted set value, mutated in place. Redis: OBJ_ZSET with OBJ_ENCODING_ZIPLIST or
/// OBJ_ENCODING_SKIPLIST (src/server.h, src/t_zset.c)
public final class ZSetValue {
    /// The small encoding: sorted by (score, member). Empty once converted.
    var small: [ZEntry] = []
    /// The big encoding, both halves; nil while small. Redis: struct zset { dict; zsl }
    var dict: Dict<Double>?
    var list = Skiplist(unused: ())

    /// An empty set in the small encoding, or in the skiplist when `skiplist` (Redis creates one
    /// directly when the limits are 0 or the first member is already too long).
    /// Redis: createZsetZiplistObject, createZsetObject (src/object.c)
    public init(skiplist: Bool = false) {
        if skiplist { dict = Dict<Double>(); list = Skiplist() }
    }

    /// Number of members. Redis: zsetLength
    public var count: Int { dict == nil ? small.count : list.count }
    /// True in the skiplist encoding.
    public var isSkiplist: Bool { dict != nil }
    /// What OBJECT ENCODING answers (Redis 7 calls the small one `listpack`).
    public var encoding: String { dict == nil ? "ziplist" : "skiplist" }

    /// Every member and its score, lowest score first (ties by member), as ZRANGE lists them.
    public func forEach(_ body: (ByteString, Double) -> Void) {
        if dict == nil { for e in small { body(e.member, e.score) }; return }
        var x = list.first
        while x != 0 { let e = list.entry(x); body(e.member, e.score); x = list.next(x) }
    }

    /// A new sorted set with the same members and scores in the same encoding, for COPY. The
    /// skiplist is a value type (arrays of nodes and links), so assigning it copies it.
    /// Redis: zsetDup (src/t_zset.c), which rebuilds the skiplist node by node instead
    public func duplicate() -> ZSetValue {
        let copy = ZSetValue()
        copy.small = small
        copy.dict = dict?.duplicate()
        copy.list = list
        return copy
    }

    // MARK: - Lookups

    /// The score of `member`, or nil. Redis: zsetScore (src/t_zset.c), zzlFind
    @inline(__always)
    public func score(_ member: ByteString) -> Double? {
        if let d = dict { let i = d.find(member); return i == 0 ? nil : d.value(at: i) }
        for e in small where e.member == member { return e.score }
        return nil
    }

    /// The 0-based rank of `member` from the lowest score, or nil. Redis: zsetRank (src/t_zset.c)
    public func rank(_ member: ByteString) -> Int? {
        if let d = dict {
            let i = d.find(member)
            if i == 0 { return nil }
            return list.rank(d.value(at: i), member) - 1
        }
        return small.firstIndex { $0.member == member }
    }

    /// The entry at 0-based `rank` (which must be in 0..<count).
    public func entry(atRank rank: Int) -> ZEntry {
        if dict == nil { return small[rank] }
        let e = list.entry(list.node(atRank: rank + 1))
        return ZEntry(e.member, e.score)
    }

    /// Calls `body` with the entries of ranks `from...to` (0-based, inside the set), in order, or
    /// from `to` down to `from` when `reverse`. Redis: the rank walks of zrangeGenericCommand
    public func forEach(ranks from: Int, _ to: Int, reverse: Bool, _ body: (ZEntry) -> Void) {
        if from > to { return }
        if dict == nil {
            if reverse { for i in stride(from: to, through: from, by: -1) { body(small[i]) } }
            else { for i in from...to { body(small[i]) } }
            return
        }
        var x = list.node(atRank: (reverse ? to : from) + 1)
        for _ in from...to {
            let e = list.entry(x)
            body(ZEntry(e.member, e.score))
            x = reverse ? list.previous(x) : list.next(x)
        }
    }

    /// How many members, from the lowest, satisfy `pred`, which must hold for a prefix of the
    /// order (a score below a bound, a member before a bound).
    public func prefixCount(_ pred: (Double, ByteString) -> Bool) -> Int {
        if dict != nil { return list.prefixCount(pred) }
        var lo = 0, hi = small.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pred(small[mid].score, small[mid].member) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: - Changes

    /// Adds a member that is not in the set, converting to the skiplist first when the set
    /// would outgrow the small encoding. Redis: the "new element" half of zsetAdd (src/t_zset.c)
    public func insert(_ member: ByteString, _ score: Double, _ limits: ZSetLimits) {
        if dict == nil {
            if small.count + 1 <= limits.maxZiplistEntries && member.count <= limits.maxZiplistValue {
                small.insert(ZEntry(member, score), at: insertionIndex(score, member))
                return
            }
            convertToSkiplist()
        }
        dict!.insert(member, score)
        list.insert(score, member)
    }

    /// Where (score, member) goes in the small array. Redis: zzlInsert's walk (src/t_zset.c)
    @inline(__always)
    func insertionIndex(_ score: Double, _ member: ByteString) -> Int {
        var lo = 0, hi = small.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Skiplist.before(small[mid].score, small[mid].member, score, member) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Changes the score of a member that is in the set with score `old`.
    /// Redis: the "update" half of zsetAdd, zzlDelete + zzlInsert, zslUpdateScore
    public func update(_ member: ByteString, from old: Double, to new: Double) {
        if let d = dict {
            list.delete(old, member)
            list.insert(new, member)
            d.set(member, new)
            return
        }
        let i = insertionIndex(old, member)
        small.remove(at: i)
        small.insert(ZEntry(member, new), at: insertionIndex(new, member))
    }

    /// Removes `member`; false if it was not there. Redis: zsetDel (src/t_zset.c)
    @discardableResult
    public func remove(_ member: ByteString) -> Bool {
        if let d = dict {
            guard let s = d.remove(member) else { return false }
            list.delete(s, member)
            return true
        }
        guard let i = small.firstIndex(where: { $0.member == member }) else { return false }
        small.remove(at: i)
        return true
    }

    /// Removes the members of ranks `from...to` (0-based, inside the set).
    /// Redis: zzlDeleteRangeByRank, zslDeleteRangeByRank (src/t_zset.c)
    public func removeRanks(_ from: Int, _ to: Int) {
        if from > to { return }
        if dict == nil { small.removeSubrange(from...to); return }
        var doomed: [ZEntry] = []
        forEach(ranks: from, to, reverse: false) { doomed.append($0) }
        for e in doomed { list.delete(e.score, e.member); dict!.remove(e.member) }
    }

    /// Moves a small set into the dict and the skiplist. Redis: zsetConvert (src/t_zset.c)
    public func convertToSkiplist() {
        guard dict == nil else { return }
        let d = Dict<Double>()
        var l = Skiplist()
        _ = d.expand(small.count)
        for e in small { d.insert(e.member, e.score); l.insert(e.score, e.member) }
        small = []
        dict = d
        list = l
    }

    /// A set built from entries already in order (ZUNIONSTORE's result), in the small encoding
    /// when it fits. Redis: zsetConvertToZiplistIfNeeded (src/t_zset.c)
    public static func build(sorted entries: [ZEntry], _ limits: ZSetLimits) -> ZSetValue {
        let z = ZSetValue()
        let longest = entries.reduce(0) { max($0, $1.member.count) }
        if entries.count <= limits.maxZiplistEntries && longest <= limits.maxZiplistValue {
            z.small = entries
        } else {
            z.convertToSkiplist()
            for e in entries { z.dict!.insert(e.member, e.score); z.list.insert(e.score, e.member) }
        }
        return z
    }

    /// What ZSCAN walks: a small set whole, or the dict a few buckets per call; each member is
    /// followed by its score as Redis 6.2 formats it. Redis: the OBJ_ZSET branches of
    /// scanGenericCommand (src/db.c)
    var scanSource: ScanSource {
        guard let d = dict else {
            var out: [ByteString] = []
            out.reserveCapacity(count * 2)
            forEach { m, s in out.append(m); out.append(ByteString(g17: s)) }
            return .whole(out)
        }
        return .table { cursor, out in
            d.scan(cursor) { i in out.append(d.key(at: i)); out.append(ByteString(g17: d.value(at: i))) }
        }
    }
}

extension ZSetValue {
    @available(*, unavailable, renamed: "convertToSkiplist")
    public func zsetConvert() {}
    @available(*, unavailable, renamed: "score")
    public func zsetScore(_ member: ByteString) -> Double? { nil }
    @available(*, unavailable, renamed: "remove")
    public func zsetDel(_ member: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "duplicate")
    public func zsetDup() -> ZSetValue { self }
}
