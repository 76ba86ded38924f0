// The hash type's storage, in Redis 6.2's two encodings.
//
// Most hashes in real databases are small: a user record with a dozen fields, an object cached
// as field/value pairs. For those, a hash table is mostly overhead (a bucket array, one entry per
// field, pointers everywhere). Redis therefore starts every hash as a *ziplist*: the pairs one
// after another, in insertion order, searched from the front. A search over at most 128 pairs of
// short strings touches a few cache lines and is as fast as hashing; the memory saved is large.
//
//     ziplist    [ f1 | v1 | f2 | v2 | f3 | v3 ]        ≤ 128 fields, each field and value ≤ 64 bytes
//                         │ a 129th field, or a field or value of 65 bytes
//                         ▼ (once, and never back)
//     hashtable  Dict<ByteString>: f → v               any size, O(1) lookups, incremental rehash
//
// The limits are `hash-max-ziplist-entries` and `hash-max-ziplist-value` (CONFIG SET changes them
// for what comes next; a hash already converted stays a hash table). HGETALL lists a ziplist in
// insertion order, exactly as Redis does, and a hash table in its bucket order.
//
// Redis: src/t_hash.c (hashTypeLookupWriteOrCreate, hashTypeTryConversion, hashTypeConvert,
// hashTypeSet, hashTypeGetValue, hashTypeDelete, hashTypeLength, hashTypeRandomElement),
// src/ziplist.c.
// SIMPLIFICATION: a real ziplist is one contiguous block of bytes: a header (total bytes, offset
// of the last entry, count), then each entry as the previous entry's length, an encoding byte
// (integers are stored as integers) and the bytes, then an end marker 0xFF. Ours is a flat Swift
// array of field/value byte strings in the same order: the same search, the same order, the same
// conversion rules, but one reference per string instead of one block.

import RedisCore

/// A hash value, mutated in place. Redis: OBJ_HASH (src/t_hash.c)
public final class HashValue {
    /// The ziplist encoding: field, value, field, value… in insertion order; empty once converted.
    var flat: [ByteString] = []
    /// The hashtable encoding, once the hash outgrew the ziplist. Redis: OBJ_ENCODING_HT
    var table: Dict<ByteString>?

    public init() {}

    /// Number of fields. Redis: hashTypeLength
    public var count: Int { table?.count ?? flat.count / 2 }

    /// What OBJECT ENCODING answers. Redis: OBJ_ENCODING_ZIPLIST / OBJ_ENCODING_HT
    public var encoding: String { table == nil ? "ziplist" : "hashtable" }

    /// True while the hash is kept as a ziplist.
    public var isZiplist: Bool { table == nil }

    // MARK: - Reading

    // snippet.ziplistFind
    /// The position of `field` in the flat array (always even), or nil. Like ziplistFind with a
    /// skip of 1: compare every second entry, from the front. Redis: ziplistFind (src/ziplist.c)
    @inline(__always)
    func flatIndex(_ field: ByteString) -> Int? {
        var i = 0
        let n = flat.count
        while i < n {
            if flat[i] == field { return i }
            i += 2
        }
        return nil
    }
    // snippet.end

    /// The value of `field`, or nil. Redis: hashTypeGetValue (src/t_hash.c)
    public func get(_ field: ByteString) -> ByteString? {
        if let table { return table[field] }
        guard let i = flatIndex(field) else { return nil }
        return flat[i + 1]
    }

    /// True if the hash has `field`. Redis: hashTypeExists (src/t_hash.c)
    public func contains(_ field: ByteString) -> Bool {
        if let table { return table.find(field) != 0 }
        return flatIndex(field) != nil
    }

    /// Every field and value, in the order HGETALL lists them. Redis: hashTypeNext (src/t_hash.c)
    public func forEach(_ body: (ByteString, ByteString) -> Void) {
        if let table {
            table.forEach { body(table.key(at: $0), table.value(at: $0)) }
            return
        }
        var i = 0
        while i < flat.count { body(flat[i], flat[i + 1]); i += 2 }
    }

    /// A random field and its value; the hash must not be empty.
    /// Redis: hashTypeRandomElement (src/t_hash.c), dictGetFairRandomKey, ziplistRandomPair
    public func randomPair() -> (ByteString, ByteString) {
        if let table {
            let i = table.randomEntry()
            return (table.key(at: i), table.value(at: i))
        }
        let p = Int.random(in: 0..<(flat.count / 2)) * 2
        return (flat[p], flat[p + 1])
    }

    // MARK: - Writing

    // snippet.hashTypeTryConversion
    /// Converts to a hash table if any of `args` (the fields and values about to be written) is
    /// longer than `maxValue` bytes. Called before the write, as Redis does, so that a long string
    /// never enters the ziplist. Redis: hashTypeTryConversion (src/t_hash.c)
    public func convertIfAnyLonger(than maxValue: Int, _ args: ArraySlice<ByteString>) {
        guard table == nil else { return }
        for a in args where a.count > maxValue {
            convert()
            return
        }
    }
    // snippet.end

    // snippet.hashTypeSet
    /// Sets `field` to `value`; true if the field is new. A ziplist that now has more than
    /// `maxEntries` fields becomes a hash table. Redis: hashTypeSet (src/t_hash.c)
    @discardableResult
    public func set(_ field: ByteString, _ value: ByteString, maxEntries: Int) -> Bool {
        if let table { return table.set(field, value) }
        if let i = flatIndex(field) {
            flat[i + 1] = value  // an update keeps the field's place, as in the ziplist
            return false
        }
        flat.append(field)
        flat.append(value)
        if flat.count / 2 > maxEntries { convert() }
        return true
    }
    // snippet.end

    /// Removes `field`; true if it was there. A hash table that is now less than 10% full starts
    /// shrinking, so that a hash emptied by HDEL does not keep its buckets (or make HSCAN walk
    /// them). Redis: hashTypeDelete (src/t_hash.c)
    @discardableResult
    public func remove(_ field: ByteString) -> Bool {
        if let table {
            guard table.remove(field) != nil else { return false }
            if table.needsResize { table.resize() }
            return true
        }
        guard let i = flatIndex(field) else { return false }
        flat.removeSubrange(i..<(i + 2))
        return true
    }

    // snippet.hashTypeConvert
    /// Moves every pair from the ziplist into a new hash table; there is no way back.
    /// Redis: hashTypeConvert, hashTypeConvertZiplist (src/t_hash.c)
    public func convert() {
        guard table == nil else { return }
        let t = Dict<ByteString>()
        t.expand(flat.count / 2)  // one allocation of buckets, no rehash while filling
        var i = 0
        while i < flat.count { t.insert(flat[i], flat[i + 1]); i += 2 }
        table = t
        flat = []
    }
    // snippet.end

    /// A new hash with the same pairs in the same encoding, for COPY: a ziplist copied keeps its
    /// order, a hash table is rebuilt. Redis: hashTypeDup (src/t_hash.c)
    public func duplicate() -> HashValue {
        let copy = HashValue()
        copy.flat = flat
        copy.table = table?.duplicate()
        return copy
    }

    // MARK: - Scanning

    // snippet.hashScanSource
    /// What HSCAN walks: the whole ziplist at once, or the table a few buckets per call.
    /// Redis: the OBJ_ENCODING_ZIPLIST and OBJ_ENCODING_HT branches of scanGenericCommand (src/db.c)
    var scanSource: ScanSource {
        guard let table else { return .whole(flat) }
        return .table { cursor, out in
            table.scan(cursor) { i in
                out.append(table.key(at: i))
                out.append(table.value(at: i))
            }
        }
    }
    // snippet.end
}

// The names a reader of src/t_hash.c will grep for.
extension HashValue {
    @available(*, unavailable, renamed: "count")
    public var hashTypeLength: Int { 0 }
    @available(*, unavailable, renamed: "get")
    public func hashTypeGetValue(_ field: ByteString) -> ByteString? { nil }
    @available(*, unavailable, renamed: "contains")
    public func hashTypeExists(_ field: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "set")
    public func hashTypeSet(_ field: ByteString, _ value: ByteString, maxEntries: Int) -> Bool { false }
    @available(*, unavailable, renamed: "remove")
    public func hashTypeDelete(_ field: ByteString) -> Bool { false }
    @available(*, unavailable, renamed: "convert")
    public func hashTypeConvert() {}
    @available(*, unavailable, renamed: "convertIfAnyLonger")
    public func hashTypeTryConversion(_ maxValue: Int, _ args: ArraySlice<ByteString>) {}
    @available(*, unavailable, renamed: "duplicate")
    public func hashTypeDup() -> HashValue { self }
    @available(*, unavailable, renamed: "randomPair")
    public func hashTypeRandomElement() -> (ByteString, ByteString) { ("", "") }
}
