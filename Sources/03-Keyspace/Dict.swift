// Dict: the hash table behind every database, with incremental rehashing.
//
// Redis stores its keyspace in a chained hash table whose size is a power of two. When it fills
// up (one entry per bucket on average) it must grow, and moving millions of entries at once
// would stop the server for a second. So Redis keeps *two* tables while growing and moves a few
// buckets at a time: one bucket on every lookup, insert and delete, and batches of 100 buckets for
// a millisecond in each serverCron tick. Until the move is done, a lookup checks both tables and
// an insert goes to the new one.
//
//     ht[0] (old, size 4)        ht[1] (new, size 8)         rehashIndex = 2
//     0 ─ (moved)                0 ─ a                        buckets below 2 are empty in
//     1 ─ (moved)                1 ─ c ─ e                    ht[0]; the rest still wait
//     2 ─ b ─ f     ──────▶      …
//     3 ─ d
//
// Entries live in a slab of chunks (doubling from 16 entries up to 1024, then 1024 each) and
// chains link them by 32-bit index, not by pointer. Growing the slab adds a chunk and never
// copies, so there is no stop-the-world moment anywhere: Swift's Dictionary, by contrast,
// rebuilds itself in one go when it grows (1.3 s at 3 million keys, measured on this project's
// machine).
//
// Redis: dict.c (dictAdd, dictFind, dictDelete, dictRehash, dictRehashMilliseconds, dictScan,
// dictGetRandomKey, _dictExpandIfNeeded, dictResize).
// SIMPLIFICATION: no safe/unsafe iterator distinction; `forEach` must not modify the table,
// and `pauseRehashing` does the job of Redis's safe iterators for code that needs it.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry: key, value, the next entry in its chain, and the low 32 bits of the key's hash.
/// Redis: dictEntry (src/dict.h)
@usableFromInline
struct DictEntry<V> {
    var key: ByteString
    var value: V
    /// Index of the next entry in the bucket's chain; 0 ends the chain.
    var next: UInt32
    /// Cached hash: rehashing and lookups compare this before the key.
    var hash: UInt32
    /// When the key was last used (LRU, 24 bits of seconds) or how often (LFU: 16 bits of
    /// minutes and an 8-bit counter), for OBJECT IDLETIME/FREQ and eviction. Only the keyspace's
    /// tables set it. Redis: robj.lru
    var clock: UInt32
}

/// One of the two bucket arrays. Redis: dictht (src/dict.h)
struct HashTable {
    /// `size` chain heads (entry indices, 0 = empty), from calloc so that growing costs no
    /// up-front write of the whole array.
    var buckets: UnsafeMutablePointer<UInt32>? = nil
    var size = 0
    var mask = 0
    /// Entries in this table. Redis: dictht.used
    var used = 0
}

/// A hash table from ByteString keys to values, rehashed incrementally.
///
/// | from | event | to | Redis function |
/// |---|---|---|---|
/// | stable | an insert makes `used >= size` | rehashing | _dictExpandIfNeeded → dictExpand |
/// | stable | cron finds `used < 10%` of size | rehashing (to a smaller table) | dictResize |
/// | rehashing | every bucket of ht[0] moved | stable | dictRehash |
///
/// INVARIANT: while rehashing, buckets of ht[0] below `rehashIndex` are empty, and every key
/// is in exactly one of the two tables.
///
/// Redis: dict (src/dict.h, src/dict.c)
public final class Dict<V> {
    /// The slab: chunks 0…6 hold indices 0..<16, 16..<32, 32..<64 … 512..<1024 (each as big
    /// as all before it), and every chunk after that 1024 entries. A small table (a hash of 200
    /// fields) so allocates room for about what it holds, and a big one grows 1024 entries at a
    /// time, never moving what is there. Index 0 is never used.
    var chunks: [UnsafeMutablePointer<DictEntry<V>>] = []

    /// The chunk that holds index `i`, and the offset inside it.
    @inline(__always)
    static func chunk(of i: UInt32) -> (chunk: Int, offset: Int) {
        if i >= 1024 { return (6 + Int(i >> 10), Int(i & 1023)) }
        if i < 16 { return (0, Int(i)) }
        let width = 32 - i.leadingZeroBitCount  // 5…10: i is in [2^(width-1), 2^width)
        return (width - 4, Int(i) - (1 << (width - 1)))
    }

    /// Entries in chunk `k`.
    static func chunkSize(_ k: Int) -> Int { k == 0 ? 16 : k < 7 ? 1 << (k + 3) : 1024 }

    /// Slots in the first `n` chunks.
    static func slabCapacity(chunks n: Int) -> Int { n == 0 ? 0 : n <= 7 ? 1 << (n + 3) : (n - 6) * 1024 }
    /// Next never-used slab index.
    var slabTop: UInt32 = 1
    /// Slab indices freed by deletes, reused first.
    var freeSlots: [UInt32] = []

    var ht0 = HashTable()
    var ht1 = HashTable()
    /// The next ht[0] bucket to move, or -1 when not rehashing. Redis: rehashidx
    public private(set) var rehashIndex = -1
    /// While above zero, lookups do not move buckets. Redis: pauserehash
    public var pauseRehashing = 0
    /// When false, the table grows only past 5 entries per bucket (while a fork child runs, so
    /// that copy-on-write does not copy every page). Redis: dict_can_resize
    public var resizeAllowed = true
    /// Seed of the hash function: the process's, shared by every table as in Redis.
    let seed: UInt64
    var rng: UInt64
    /// The access clock a new entry, or a new value, starts with: the keyspace keeps it current
    /// (the LRU clock, or LFU's initial count). Redis: the lru field createObject sets
    public var newEntryClock: UInt32 = 0
    /// Names the table in trace lines (`db0`); nil keeps it quiet (small per-key dicts).
    let traceName: String?
    let tracer: Tracer?

    /// Creates an empty table. `traceName` and `tracer` make its rehashing visible in the trace.
    public init(traceName: String? = nil, tracer: Tracer? = nil) {
        seed = dictHashSeed
        rng = dictHashSeed ^ 0x9e37_79b9_7f4a_7c15
        self.traceName = traceName
        self.tracer = tracer
        // Each table its own random sequence, without a system call per table.
        rng = Hash64.mix(rng ^ Hash64.p0, UInt64(UInt(bitPattern: ObjectIdentifier(self).hashValue))) | 1
    }

    deinit {
        removeAll()
        free(ht0.buckets)
        free(ht1.buckets)
    }

    // MARK: - Sizes

    /// Number of entries. Redis: dictSize
    public var count: Int { ht0.used + ht1.used }
    /// Buckets in both tables. Redis: dictSlots
    public var bucketCount: Int { ht0.size + ht1.size }
    /// Redis: dictIsRehashing
    @inline(__always) public var isRehashing: Bool { rehashIndex != -1 }
    /// The sizes of the two tables (for INFO, DEBUG HTSTATS and the chapter's walkthrough).
    public var tableSizes: (Int, Int) { (ht0.size, ht1.size) }
    // snippet.dictOverhead
    /// Bytes the table itself costs, apart from the keys and values it stores: both bucket
    /// arrays, the free list, and in each entry in use what is not its key or its value (the
    /// chain link, the cached hash, the access clock). INFO's used_memory_overhead counts this
    /// for each database, as Redis counts its buckets, dictEntry and robj headers; the key and
    /// value bytes are dataset in both. Redis: getMemoryOverheadData (src/object.c)
    public var overheadBytes: Int {
        let stride = MemoryLayout<DictEntry<V>>.stride
        let payload = MemoryLayout<ByteString>.size + MemoryLayout<V>.size
        return (ht0.size + ht1.size + freeSlots.capacity) * MemoryLayout<UInt32>.stride
            + count * (stride - payload)
    }

    /// Bytes of slab slots allocated but holding no entry: freed ones on the free list and the
    /// never-used rest of the last chunk. The next inserts take them before the slab grows, so
    /// they are to this table what malloc's free lists are to malloc: memory held, not in use.
    /// INFO's used_memory leaves them out, as Redis's leaves out what it has freed.
    public var unusedSlotBytes: Int {
        let slots = Dict.slabCapacity(chunks: chunks.count)
        // Index 0 is never used.
        return slots == 0 ? 0 : (slots - 1 - count) * MemoryLayout<DictEntry<V>>.stride
    }
    // snippet.end

    // MARK: - Entries by index

    @inline(__always)
    func entry(_ i: UInt32) -> UnsafeMutablePointer<DictEntry<V>> {
        let (c, offset) = Dict.chunk(of: i)
        return chunks[c] + offset
    }

    /// The key of the entry at `i`.
    @inline(__always) public func key(at i: UInt32) -> ByteString { entry(i).pointee.key }
    /// The value of the entry at `i`.
    @inline(__always) public func value(at i: UInt32) -> V { entry(i).pointee.value }
    /// Replaces the value of the entry at `i`.
    /// Replaces the value at `i`; a new value starts a new access history, as a new object does
    /// in Redis.
    @inline(__always) public func setValue(_ v: V, at i: UInt32) {
        entry(i).pointee.value = v
        entry(i).pointee.clock = newEntryClock
    }
    /// The access clock of the entry at `i`. Redis: o->lru
    @inline(__always) public func clock(at i: UInt32) -> UInt32 { entry(i).pointee.clock }
    @inline(__always) public func setClock(_ c: UInt32, at i: UInt32) { entry(i).pointee.clock = c }
    /// Mutates the value of the entry at `i` in place (no copy of a uniquely owned buffer).
    @inline(__always) public func modifyValue<R>(at i: UInt32, _ body: (inout V) -> R) -> R { body(&entry(i).pointee.value) }

    func allocateSlot() -> UInt32 {
        if let s = freeSlots.popLast() { return s }
        if Dict.chunk(of: slabTop).chunk == chunks.count {
            chunks.append(UnsafeMutablePointer<DictEntry<V>>.allocate(capacity: Dict.chunkSize(chunks.count)))
        }
        let s = slabTop
        slabTop += 1
        return s
    }

    @inline(__always)
    func hash(_ key: ByteString) -> UInt32 { UInt32(truncatingIfNeeded: key.hash64(seed: seed)) }

    // MARK: - Lookup, insert, delete

    // snippet.dictFind
    /// The index of `key`'s entry, or 0. Redis: dictFind (src/dict.c)
    public func find(_ key: ByteString) -> UInt32 {
        if ht0.used + ht1.used == 0 { return 0 }
        if isRehashing && pauseRehashing == 0 { _ = rehash(1) }
        let h = hash(key)
        var i = ht0.buckets![Int(h) & ht0.mask]
        while i != 0 {
            let e = entry(i)
            if e.pointee.hash == h && e.pointee.key == key { return i }
            i = e.pointee.next
        }
        // While rehashing, the key may already have moved to the new table.
        guard isRehashing else { return 0 }
        i = ht1.buckets![Int(h) & ht1.mask]
        while i != 0 {
            let e = entry(i)
            if e.pointee.hash == h && e.pointee.key == key { return i }
            i = e.pointee.next
        }
        return 0
    }
    // snippet.end

    /// The value for `key`, if any.
    public subscript(key: ByteString) -> V? {
        get {
            let i = find(key)
            return i == 0 ? nil : entry(i).pointee.value
        }
        set {
            if let v = newValue { _ = set(key, v) } else { _ = remove(key) }
        }
    }

    /// Inserts `key` (which must not be present) and returns its index. Redis: dictAdd
    @discardableResult
    public func insert(_ key: ByteString, _ value: V) -> UInt32 {
        if isRehashing && pauseRehashing == 0 { _ = rehash(1) }
        expandIfNeeded()
        let h = hash(key)
        let s = allocateSlot()
        // New entries go to the head of the chain of the table being filled: the new one while
        // rehashing, so that ht[0] only ever shrinks.
        if isRehashing {
            let b = Int(h) & ht1.mask
            entry(s).initialize(to: DictEntry(key: key, value: value, next: ht1.buckets![b], hash: h, clock: newEntryClock))
            ht1.buckets![b] = s
            ht1.used += 1
        } else {
            let b = Int(h) & ht0.mask
            entry(s).initialize(to: DictEntry(key: key, value: value, next: ht0.buckets![b], hash: h, clock: newEntryClock))
            ht0.buckets![b] = s
            ht0.used += 1
        }
        return s
    }

    /// Sets `key` to `value`, adding it if absent. Returns true if it was added. Redis: dictReplace
    @discardableResult
    public func set(_ key: ByteString, _ value: V) -> Bool {
        let i = find(key)
        if i != 0 { entry(i).pointee.value = value; return false }
        insert(key, value)
        return true
    }

    /// Removes `key` and returns its value. Redis: dictDelete / dictUnlink (src/dict.c)
    @discardableResult
    public func remove(_ key: ByteString) -> V? {
        if ht0.used + ht1.used == 0 { return nil }
        if isRehashing && pauseRehashing == 0 { _ = rehash(1) }
        let h = hash(key)
        for t in 0..<2 {
            let table = t == 0 ? ht0 : ht1
            if table.size == 0 { break }
            let b = Int(h) & table.mask
            var prev: UInt32 = 0
            var i = table.buckets![b]
            while i != 0 {
                let e = entry(i)
                if e.pointee.hash == h && e.pointee.key == key {
                    if prev == 0 { table.buckets![b] = e.pointee.next } else { entry(prev).pointee.next = e.pointee.next }
                    if t == 0 { ht0.used -= 1 } else { ht1.used -= 1 }
                    let old = e.move()
                    freeSlots.append(i)
                    return old.value
                }
                prev = i
                i = e.pointee.next
            }
            if !isRehashing { break }
        }
        return nil
    }

    /// Removes every entry. Redis: dictEmpty (src/dict.c)
    public func removeAll() {
        for table in [ht0, ht1] where table.size > 0 {
            for b in 0..<table.size {
                var i = table.buckets![b]
                while i != 0 {
                    let e = entry(i)
                    let next = e.pointee.next
                    e.deinitialize(count: 1)
                    i = next
                }
            }
        }
        for c in chunks { c.deallocate() }
        chunks.removeAll()
        freeSlots.removeAll()
        slabTop = 1
        free(ht0.buckets); free(ht1.buckets)
        ht0 = HashTable(); ht1 = HashTable()
        rehashIndex = -1
    }

    // MARK: - Growing, shrinking, rehashing

    /// Grows the table when it is full. Redis: _dictExpandIfNeeded (src/dict.c)
    @inline(__always)
    func expandIfNeeded() {
        if isRehashing { return }
        if ht0.size == 0 { _ = expand(4); return }
        // One entry per bucket: double. While a child process is running, wait until it gets
        // bad (five per bucket) so that the parent does not touch every page of the snapshot.
        if ht0.used >= ht0.size && (resizeAllowed || ht0.used / ht0.size > 5) {
            _ = expand(ht0.used + 1)
        }
    }

    /// Starts rehashing into a table of at least `size` buckets (the next power of two).
    /// Returns false if that is impossible right now. Redis: dictExpand (src/dict.c)
    @discardableResult
    public func expand(_ size: Int) -> Bool {
        if isRehashing || ht0.used > size { return false }
        var real = 4
        while real < size { real <<= 1 }
        if real == ht0.size { return false }
        guard let b = calloc(real, MemoryLayout<UInt32>.size)?.assumingMemoryBound(to: UInt32.self) else { return false }
        let fresh = HashTable(buckets: b, size: real, mask: real - 1, used: 0)
        if ht0.buckets == nil {
            ht0 = fresh  // the first table: nothing to move
            return true
        }
        ht1 = fresh
        rehashIndex = 0
        if let tracer, let name = traceName, tracer.on(.db) {
            tracer.transition(.db, "\(name) rehash \(ht0.size)→\(real) buckets, \(ht0.used) keys",
                              from: "STABLE", to: "REHASHING", fn: "dictExpand")
        }
        return true
    }

    /// Shrinks to the smallest power of two that holds every entry. Redis: dictResize
    @discardableResult
    public func resize() -> Bool {
        if !resizeAllowed || isRehashing { return false }
        return expand(max(ht0.used, 4))
    }

    /// True when the table is mostly empty and worth shrinking. Redis: htNeedsResize (src/server.c)
    public var needsResize: Bool {
        let size = ht0.size + ht1.size, used = count
        return size > 4 && used * 100 / size < 10
    }

    // snippet.dictRehash
    /// Moves up to `n` buckets from ht[0] to ht[1]; returns true while there is more to move.
    /// Visits at most n*10 empty buckets so that one call stays short. Redis: dictRehash (src/dict.c)
    public func rehash(_ n: Int) -> Bool {
        if !isRehashing { return false }
        var n = n
        var emptyVisits = n * 10
        let old = ht0.buckets!, new = ht1.buckets!
        while n > 0 && ht0.used != 0 {
            n -= 1
            while old[rehashIndex] == 0 {
                rehashIndex += 1
                emptyVisits -= 1
                if emptyVisits == 0 { return true }
            }
            // Move the whole chain: each entry goes to the head of its new bucket.
            var i = old[rehashIndex]
            while i != 0 {
                let e = entry(i)
                let next = e.pointee.next
                let b = Int(e.pointee.hash) & ht1.mask
                e.pointee.next = new[b]
                new[b] = i
                ht0.used -= 1
                ht1.used += 1
                i = next
            }
            old[rehashIndex] = 0
            rehashIndex += 1
        }
        if ht0.used == 0 {
            // Done: the new table becomes the only one.
            free(ht0.buckets)
            ht0 = ht1
            ht1 = HashTable()
            rehashIndex = -1
            if let tracer, let name = traceName, tracer.on(.db) {
                tracer.transition(.db, "\(name) rehash done, \(ht0.size) buckets, \(ht0.used) keys",
                                  from: "REHASHING", to: "STABLE", fn: "dictRehash")
            }
            return false
        }
        return true
    }
    // snippet.end

    /// Rehashes in batches of 100 buckets for about `ms` milliseconds; returns buckets moved.
    /// Redis: dictRehashMilliseconds (src/dict.c)
    public func rehashMilliseconds(_ ms: Int, clock: Clock) -> Int {
        if pauseRehashing > 0 || !isRehashing { return 0 }
        let start = clock.monotonicUs()
        var moved = 0
        while rehash(100) {
            moved += 100
            if clock.monotonicUs() - start > Int64(ms) * 1000 { break }
        }
        return moved
    }

    // MARK: - Random sampling, scanning, iterating

    /// A random number (xorshift64*), cheap enough for every sample.
    @inline(__always)
    func random() -> UInt64 {
        rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27
        return rng &* 0x2545_f491_4f6c_dd1d
    }

    /// The index of a random entry, or 0 when empty: a random non-empty bucket, then a random
    /// element of its chain. O(1) on average. Redis: dictGetRandomKey (src/dict.c)
    public func randomEntry() -> UInt32 {
        if count == 0 { return 0 }
        if isRehashing && pauseRehashing == 0 { _ = rehash(1) }
        var head: UInt32 = 0
        if isRehashing {
            // Buckets of ht[0] below rehashIndex are empty: do not pick them.
            let span = ht0.size + ht1.size - rehashIndex
            repeat {
                let h = rehashIndex + Int(random() % UInt64(span))
                head = h >= ht0.size ? ht1.buckets![h - ht0.size] : ht0.buckets![h]
            } while head == 0
        } else {
            repeat { head = ht0.buckets![Int(random() & UInt64(ht0.mask))] } while head == 0
        }
        var len = 0
        var i = head
        while i != 0 { len += 1; i = entry(i).pointee.next }
        var pick = Int(random() % UInt64(len))
        i = head
        while pick > 0 { i = entry(i).pointee.next; pick -= 1 }
        return i
    }

    // snippet.dictScan
    /// Calls `body` with every entry of the bucket(s) at `cursor` and returns the next cursor;
    /// 0 means the scan is complete. Every key present for the whole scan is returned at least
    /// once, even if the table grows or shrinks in between, because the cursor counts with its
    /// bits reversed: the high bits advance first, and a bucket of a table twice as big is the
    /// same bucket with one more high bit. Redis: dictScan (src/dict.c)
    public func scan(_ cursor: UInt64, _ body: (UInt32) -> Void) -> UInt64 {
        if count == 0 { return 0 }
        pauseRehashing += 1
        defer { pauseRehashing -= 1 }
        var v = cursor
        func emitChain(_ head: UInt32) {
            var i = head
            while i != 0 { let next = entry(i).pointee.next; body(i); i = next }
        }
        if !isRehashing {
            let m0 = UInt64(ht0.mask)
            emitChain(ht0.buckets![Int(v & m0)])
            v |= ~m0
            v = reverseBits(reverseBits(v) &+ 1)
        } else {
            // Visit the small table's bucket, then every bucket of the big table it expands to.
            var small = ht0, big = ht1
            if small.size > big.size { swap(&small, &big) }
            let m0 = UInt64(small.mask), m1 = UInt64(big.mask)
            emitChain(small.buckets![Int(v & m0)])
            repeat {
                emitChain(big.buckets![Int(v & m1)])
                v |= ~m1
                v = reverseBits(reverseBits(v) &+ 1)
            } while v & (m0 ^ m1) != 0
        }
        return v
    }
    // snippet.end

    /// Calls `body` with every entry index. The table must not change during the walk.
    public func forEach(_ body: (UInt32) -> Void) {
        pauseRehashing += 1
        defer { pauseRehashing -= 1 }
        for table in [ht0, ht1] where table.size > 0 {
            for b in 0..<table.size {
                var i = table.buckets![b]
                while i != 0 { let next = entry(i).pointee.next; body(i); i = next }
            }
        }
    }

    /// Calls `body` with the first `limit` entries in bucket order, for estimates that sample
    /// a table instead of walking it. The table must not change during the walk.
    public func forFirst(_ limit: Int, _ body: (UInt32) -> Void) {
        var left = limit
        for table in [ht0, ht1] where table.size > 0 {
            for b in 0..<table.size {
                var i = table.buckets![b]
                while i != 0 {
                    if left == 0 { return }
                    let next = entry(i).pointee.next
                    body(i)
                    left -= 1
                    i = next
                }
            }
        }
    }

    /// Bytes the table has allocated for itself: buckets, slab and free list, not counting
    /// what its keys and values point to. MEMORY USAGE of a hash, set or sorted set adds it.
    public var allocatedBytes: Int {
        (ht0.size + ht1.size + freeSlots.capacity) * MemoryLayout<UInt32>.stride
            + Dict.slabCapacity(chunks: chunks.count) * MemoryLayout<DictEntry<V>>.stride
    }

    /// Every key (for KEYS and tests).
    public var keys: [ByteString] {
        var out: [ByteString] = []
        out.reserveCapacity(count)
        forEach { out.append(key(at: $0)) }
        return out
    }

    // MARK: - Copying and swapping

    /// A new table with the same entries, sized for them at once (no rehash while filling). The
    /// copy has its own seed, so its bucket order may differ. Redis: the dictExpand + dictAdd loop
    /// of hashTypeDup, setTypeDup and zsetDup (src/t_hash.c, src/t_set.c, src/t_zset.c)
    public func duplicate() -> Dict<V> {
        let copy = Dict<V>()
        if count == 0 { return copy }
        copy.expand(count)
        forEach { copy.insert(key(at: $0), value(at: $0)) }
        return copy
    }

    /// Exchanges every entry, bucket and rehashing state with `other`; each table keeps its name
    /// in the trace and its `resizeAllowed`. O(1): nothing is copied. The seed stays: every table
    /// has the process's, so the hashes the entries carry are right in either table.
    /// Redis: the dict pointer swap in dbSwapDatabases (src/db.c)
    public func swapContents(with other: Dict<V>) {
        // INVARIANT: both tables hash with the same seed (dictHashSeed).
        precondition(other.seed == seed, "swapContents needs tables with the same hash seed")
        if other === self { return }
        swap(&chunks, &other.chunks)
        swap(&slabTop, &other.slabTop)
        swap(&freeSlots, &other.freeSlots)
        swap(&ht0, &other.ht0)
        swap(&ht1, &other.ht1)
        swap(&rehashIndex, &other.rehashIndex)
        swap(&pauseRehashing, &other.pauseRehashing)
        swap(&rng, &other.rng)
    }

    /// Chain-length statistics, as DEBUG HTSTATS prints them. Redis: dictGetStats (src/dict.c)
    public func stats() -> String {
        var s = ""
        for (n, table) in [ht0, ht1].enumerated() where table.size > 0 {
            var nonEmpty = 0, longest = 0, total = 0
            for b in 0..<table.size {
                var len = 0
                var i = table.buckets![b]
                while i != 0 { len += 1; i = entry(i).pointee.next }
                if len > 0 { nonEmpty += 1; total += len; longest = max(longest, len) }
            }
            s += "Hash table \(n) stats (\(n == 0 ? "main hash table" : "rehashing target")):\n"
            s += " table size: \(table.size)\n number of elements: \(table.used)\n"
            s += " different slots: \(nonEmpty)\n max chain length: \(longest)\n"
            s += " avg chain length (counted): \(twoDecimals(nonEmpty == 0 ? 0 : Double(total) / Double(nonEmpty)))\n"
            s += " avg chain length (computed): \(twoDecimals(nonEmpty == 0 ? 0 : Double(table.used) / Double(nonEmpty)))\n"
        }
        return s.isEmpty ? "No stats available for empty dictionaries\n" : s
    }
}

/// Fills `p` with random bytes from the OS (getrandom on Linux, arc4random on macOS).
/// The seed of every table's hash function, drawn once per process (the first table reads
/// /dev/urandom; the others reuse it). Redis: dict_hash_function_seed, dictSetHashFunctionSeed
let dictHashSeed: UInt64 = {
    var r: UInt64 = 0
    withUnsafeMutableBytes(of: &r) { arc4random_buf_portable($0.baseAddress!, 8) }
    return r
}()

func arc4random_buf_portable(_ p: UnsafeMutableRawPointer, _ n: Int) {
    #if canImport(Darwin)
    arc4random_buf(p, n)
    #else
    var filled = 0
    let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    if fd >= 0 {
        while filled < n {
            let r = read(fd, p + filled, n - filled)
            if r <= 0 { break }
            filled += r
        }
        close(fd)
    }
    if filled < n {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        var x = UInt64(t.tv_nsec) ^ UInt64(getpid()) << 32
        for i in filled..<n { x = x &* 6364136223846793005 &+ 1; p.storeBytes(of: UInt8(truncatingIfNeeded: x >> 56), toByteOffset: i, as: UInt8.self) }
    }
    #endif
}

/// The bits of `v` in reverse order. Redis: rev (src/dict.c)
@inline(__always)
func reverseBits(_ v: UInt64) -> UInt64 {
    var x = v
    x = (x & 0x5555_5555_5555_5555) << 1 | (x >> 1) & 0x5555_5555_5555_5555
    x = (x & 0x3333_3333_3333_3333) << 2 | (x >> 2) & 0x3333_3333_3333_3333
    x = (x & 0x0f0f_0f0f_0f0f_0f0f) << 4 | (x >> 4) & 0x0f0f_0f0f_0f0f_0f0f
    return x.byteSwapped
}

// The names a reader of src/dict.c will grep for.
extension Dict {
    @available(*, unavailable, renamed: "find")
    public func dictFind(_ key: ByteString) -> UInt32 { 0 }
    @available(*, unavailable, renamed: "insert")
    public func dictAdd(_ key: ByteString, _ value: V) -> UInt32 { 0 }
    @available(*, unavailable, renamed: "remove")
    public func dictDelete(_ key: ByteString) -> V? { nil }
    @available(*, unavailable, renamed: "rehash")
    public func dictRehash(_ n: Int) -> Bool { false }
    @available(*, unavailable, renamed: "scan")
    public func dictScan(_ cursor: UInt64, _ body: (UInt32) -> Void) -> UInt64 { 0 }
    @available(*, unavailable, renamed: "randomEntry")
    public func dictGetRandomKey() -> UInt32 { 0 }
    @available(*, unavailable, renamed: "expand")
    public func dictExpand(_ size: Int) -> Bool { false }
}

/// "%.2f" without Foundation.
func twoDecimals(_ v: Double) -> String {
    let r = Int((v * 100).rounded())
    let frac = r % 100
    return "\(r / 100)." + (frac < 10 ? "0" : "") + "\(frac)"
}
