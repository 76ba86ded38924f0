// The set type's storage: distinct byte strings, kept in one of two encodings.
//
//     intset      [-3, 7, 42, 1000]            every member an integer, sorted; binary search
//                 while count <= set-max-intset-entries (512) and every member is an integer
//        │  one-way, on the first non-integer member or member number 513 (setTypeConvert)
//        ▼
//     hashtable   Dict<Void>: "-3", "7", "x"…  any bytes; O(1) add, remove, find, random pick
//
// Sets of small integers (user ids, tags by number) are common. Kept as a sorted array they cost
// 8 bytes a member here (2, 4 or 8 in Redis) and nothing else, where a hash table entry costs
// about 40 (our DictEntry: a 32-byte key, the chain link, the cached hash) plus its bucket. A
// binary search over 512 integers is 9 comparisons, no slower than hashing a string. Past the
// limit, the O(n) move of an insert in the middle starts to cost, so the set becomes a hash
// table, and stays one: shrinking back below 512 does not convert it back.
//
// Redis: setTypeCreate, setTypeAdd, setTypeRemove, setTypeIsMember, setTypeRandomElement,
// setTypeSize, setTypeConvert (src/t_set.c); intsetAdd, intsetRemove, intsetFind, intsetSearch,
// intsetRandom (src/intset.c).
// SIMPLIFICATION: our intset is a Swift `[Int64]`, 8 bytes per member. A real intset is one
// allocation: a header (`encoding`: 2, 4 or 8 bytes per element, and `length`) and then the
// elements, little-endian, all of the same width. The width is the smallest that holds every
// member: `_intsetValueEncoding` answers INTSET_ENC_INT16 for -32768…32767, INT32 for the rest of
// the 32-bit range, INT64 beyond. Adding a value that needs a wider width first widens every
// element (`intsetUpgradeAndAdd`, working from the end so that it can be done in place), and the
// new value, being outside the old range, goes to the very front (negative) or the very end. An
// intset never narrows again, even when its only wide member is removed.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set value, mutated in place through its reference. Redis: OBJ_SET (src/t_set.c)
public final class SetValue {
    /// The intset: sorted ascending, no duplicates. Holds the members while `table` is nil.
    /// Redis: intset (src/intset.h)
    private(set) var ints: [Int64] = []
    /// The hash table, once converted. Values are unused: `Void` takes no room in an entry.
    /// Redis: OBJ_ENCODING_HT with setDictType (values NULL)
    private(set) var table: Dict<Void>?

    /// An empty intset. Redis: createIntsetObject (src/object.c)
    public init() {}

    /// An empty set in the encoding that can hold `first`: an intset if it is an integer, a hash
    /// table otherwise. Redis: setTypeCreate (src/t_set.c)
    public init(for first: ByteString) {
        if first.int64Value == nil { table = Dict() }
    }

    /// Number of members. Redis: setTypeSize (src/t_set.c)
    @inline(__always) public var count: Int { table?.count ?? ints.count }

    /// True while the members live in the sorted integer array.
    @inline(__always) public var isIntset: Bool { table == nil }

    /// What OBJECT ENCODING answers: `intset` or `hashtable`. Redis: strEncoding (src/object.c)
    public var encoding: String { table == nil ? "intset" : "hashtable" }

    // MARK: - The intset

    /// Where `v` is, or where it would be inserted. The ends are checked first, so that adding
    /// increasing ids is O(1). Redis: intsetSearch (src/intset.c)
    @inline(__always)
    static func search(_ a: [Int64], _ v: Int64) -> (found: Bool, index: Int) {
        guard let first = a.first, let last = a.last else { return (false, 0) }
        if v > last { return (false, a.count) }
        if v < first { return (false, 0) }
        var lo = 0, hi = a.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let m = a[mid]
            if m == v { return (true, mid) }
            if m < v { lo = mid + 1 } else { hi = mid - 1 }
        }
        return (false, lo)
    }

    /// What SSCAN walks: an intset whole, or the table a few buckets per call.
    /// Redis: the OBJ_SET branches of scanGenericCommand (src/db.c)
    var scanSource: ScanSource {
        guard let t = table else { return .whole(members) }
        return .table { cursor, out in t.scan(cursor) { out.append(t.key(at: $0)) } }
    }

    /// A new set with the same members in the same encoding, for COPY: an intset is copied
    /// whole, a hash table rebuilt. Redis: setTypeDup (src/t_set.c)
    public func duplicate() -> SetValue {
        let copy = SetValue()
        copy.ints = ints
        copy.table = table?.duplicate()
        return copy
    }

    // MARK: - Membership

    /// True if `member` is in the set. A non-integer is never in an intset.
    /// Redis: setTypeIsMember (src/t_set.c)
    public func contains(_ member: ByteString) -> Bool {
        if let t = table { return t.find(member) != 0 }
        guard let v = member.int64Value else { return false }
        return SetValue.search(ints, v).found
    }

    // snippet.setTypeAdd
    /// Adds `member`; false if it was already there. The first non-integer member, or one more
    /// member than `maxIntsetEntries` (capped at 2^30, as Redis caps it), converts an intset to
    /// a hash table. Redis: setTypeAdd (src/t_set.c)
    @discardableResult
    public func add(_ member: ByteString, maxIntsetEntries: Int) -> Bool {
        if let t = table {
            if t.find(member) != 0 { return false }
            t.insert(member, ())
            return true
        }
        // "12" is an integer; "+12", "012", " 12" and "-0" are not (string2ll), so that the
        // member can always be given back with exactly the bytes the client sent.
        guard let v = member.int64Value else {
            convertToHashtable().insert(member, ())
            return true
        }
        let (found, i) = SetValue.search(ints, v)
        if found { return false }
        ints.insert(v, at: i)
        if ints.count > min(maxIntsetEntries, 1 << 30) { convertToHashtable() }
        return true
    }
    // snippet.end

    /// Removes `member`; false if it was not there. A hash table that became mostly empty is
    /// shrunk. Redis: setTypeRemove (src/t_set.c)
    @discardableResult
    public func remove(_ member: ByteString) -> Bool {
        if let t = table {
            guard t.remove(member) != nil else { return false }
            if t.needsResize { t.resize() }
            return true
        }
        guard let v = member.int64Value else { return false }
        let (found, i) = SetValue.search(ints, v)
        if found { ints.remove(at: i) }
        return found
    }

    /// Moves every integer into a new hash table, presized to hold them. Returns the table.
    /// Redis: setTypeConvert (src/t_set.c)
    @discardableResult
    func convertToHashtable() -> Dict<Void> {
        if let t = table { return t }
        let t = Dict<Void>()
        t.expand(ints.count)
        for v in ints { t.insert(ByteString(v), ()) }
        ints = []
        table = t
        return t
    }

    // MARK: - Random members

    /// The random source for picks from an intset (the hash table has its own, in Dict). One
    /// process-wide xorshift64* state is enough: commands run on one thread.
    nonisolated(unsafe) private static var rngState: UInt64 = {
        var r: UInt64 = 0
        withUnsafeMutableBytes(of: &r) { arc4random_buf_portable($0.baseAddress!, 8) }
        return r | 1
    }()

    @inline(__always)
    static func randomIndex(below n: Int) -> Int {
        var x = rngState
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27
        rngState = x
        return Int((x &* 0x2545_f491_4f6c_dd1d) % UInt64(n))
    }

    /// A random member of a non-empty set: a uniform index into the intset, or Dict's random
    /// entry (a random non-empty bucket, then a random entry of its chain).
    /// SIMPLIFICATION: Redis 6.2 picks from the hash table with dictGetFairRandomKey, which samples
    /// a few buckets first, so that a member alone in its bucket is not favoured over one that
    /// shares a chain. Redis: setTypeRandomElement (src/t_set.c), intsetRandom (src/intset.c)
    public func randomMember() -> ByteString {
        if let t = table { return t.key(at: t.randomEntry()) }
        return ByteString(ints[SetValue.randomIndex(below: ints.count)])
    }

    /// Removes and returns a random member of a non-empty set. Redis: the pick and remove of spopCommand
    public func removeRandom() -> ByteString {
        if let t = table {
            let member = t.key(at: t.randomEntry())
            t.remove(member)
            if t.needsResize { t.resize() }
            return member
        }
        return ByteString(ints.remove(at: SetValue.randomIndex(below: ints.count)))
    }

    // MARK: - Iterating

    /// Every member: ascending integers for an intset, table order for a hash table. `body` must
    /// not modify the set. Redis: setTypeInitIterator, setTypeNext (src/t_set.c)
    public func forEach(_ body: (ByteString) -> Void) {
        if let t = table {
            t.forEach { body(t.key(at: $0)) }
        } else {
            for v in ints { body(ByteString(v)) }
        }
    }

    /// Every member, as forEach lists them.
    public var members: [ByteString] {
        var out: [ByteString] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        return out
    }
}

// The names a reader of src/t_set.c will grep for.
extension SetValue {
    @available(*, unavailable, renamed: "add(_:maxIntsetEntries:)")
    public func setTypeAdd(_ member: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "remove")
    public func setTypeRemove(_ member: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "contains")
    public func setTypeIsMember(_ member: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "randomMember")
    public func setTypeRandomElement() -> ByteString { ByteString() }
    @available(*, unavailable, renamed: "count")
    public func setTypeSize() -> Int { 0 }
    @available(*, unavailable, renamed: "convertToHashtable")
    public func setTypeConvert() {}
    @available(*, unavailable, renamed: "duplicate")
    public func setTypeDup() -> SetValue { self }
}
