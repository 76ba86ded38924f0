// How many bytes one key and its value take, for MEMORY USAGE.
//
// Measuring a value exactly would mean walking every element of a list of a million entries, so
// Redis estimates: the fixed parts of the value (its object, its tables) are counted exactly, and
// for the elements it measures the first few (`SAMPLES`, 5 by default, 0 for all) and multiplies
// their average by the count. SwiftRedis does the same with its own structures:
//
//     key      the slab slot that holds key and value + the key's heap buffer (none if inline)
//     string   its heap buffer (none up to 23 bytes: the bytes live in the slot)
//     list     the ListValue object + its array + sampled elements' heap buffers
//     hash     the object + its flat array, or its Dict's buckets and slab + sampled fields, values
//     set      the object + its intset array, or its Dict + sampled members
//     zset     the object + its small array, or its Dict and skiplist arrays + sampled members
//
// Redis: objectComputeSize, the "usage" branch of memoryCommand (src/object.c)
// SIMPLIFICATION: a Swift array's buffer is counted as its capacity times the element stride
// plus a 32-byte header, not as malloc sized it.

import CSystem
import RedisCore

/// The bytes malloc gave one object. Redis: zmalloc_size (src/zmalloc.c)
@inline(__always)
func allocationSize(_ object: AnyObject) -> Int {
    Int(csys_alloc_size(Unmanaged.passUnretained(object).toOpaque()))
}

/// The bytes an array's buffer takes: its elements' room and the buffer's header.
func arrayBytes<T>(_ a: [T]) -> Int {
    a.capacity == 0 ? 0 : a.capacity * MemoryLayout<T>.stride + 32
}

/// The average heap bytes of the sampled elements, times `count`: Redis's estimate for the
/// elements of an aggregate.
func scaled(_ sampledBytes: Int, sampled: Int, count: Int) -> Int {
    sampled == 0 ? 0 : Int(Double(sampledBytes) / Double(sampled) * Double(count))
}

extension Keyspace {
    /// What `key` in `db` costs in bytes, or nil if there is no such key. `samples` is how many
    /// elements of an aggregate to measure (Int.max: all). Like Redis, this looks the key up
    /// without lazy expiry. Redis: memoryCommand "usage" (src/object.c)
    public func memoryUsage(_ db: Database, _ key: ByteString, samples: Int) -> Int? {
        let i = db.dict.find(key)
        if i == 0 { return nil }
        return MemoryLayout<DictEntry<RedisObject>>.stride + db.dict.key(at: i).heapBytes
            + db.dict.value(at: i).computeSize(samples: samples)
    }
}

extension RedisObject {
    // snippet.objectComputeSize
    /// The bytes this value holds beyond the slot it sits in. Redis: objectComputeSize
    func computeSize(samples: Int) -> Int {
        switch self {
        case .string(let s):
            return s.heapBytes
        case .list(let l):
            var bytes = 0, n = 0
            for e in l.elements.prefix(samples) { bytes += e.heapBytes; n += 1 }
            return allocationSize(l) + arrayBytes(l.storage) + scaled(bytes, sampled: n, count: l.count)
        case .hash(let h):
            var bytes = 0, n = 0
            if let t = h.table {
                t.forFirst(samples) { i in bytes += t.key(at: i).heapBytes + t.value(at: i).heapBytes; n += 1 }
                return allocationSize(h) + allocationSize(t) + t.allocatedBytes + scaled(bytes, sampled: n, count: h.count)
            }
            // Fields and values alternate: `samples` pairs (samples may be Int.max: all of them).
            let (pairs, overflow) = samples.multipliedReportingOverflow(by: 2)
            for e in h.flat.prefix(overflow ? Int.max : pairs) { bytes += e.heapBytes; n += 1 }
            return allocationSize(h) + arrayBytes(h.flat) + scaled(bytes, sampled: n, count: h.flat.count)
        case .set(let s):
            guard let t = s.table else { return allocationSize(s) + arrayBytes(s.ints) }
            var bytes = 0, n = 0
            t.forFirst(samples) { i in bytes += t.key(at: i).heapBytes; n += 1 }
            return allocationSize(s) + allocationSize(t) + t.allocatedBytes + scaled(bytes, sampled: n, count: s.count)
        case .zset(let z):
            var bytes = 0, n = 0
            guard let d = z.dict else {
                for e in z.small.prefix(samples) { bytes += e.member.heapBytes; n += 1 }
                return allocationSize(z) + arrayBytes(z.small) + scaled(bytes, sampled: n, count: z.count)
            }
            // A member's bytes are shared by the skiplist node and the dict entry: counted once.
            d.forFirst(samples) { i in bytes += d.key(at: i).heapBytes; n += 1 }
            return allocationSize(z) + allocationSize(d) + d.allocatedBytes + z.list.allocatedBytes
                + scaled(bytes, sampled: n, count: z.count)
        }
    }
    // snippet.end
}

extension Skiplist {
    /// The skiplist's arrays: nodes, levels and the free lists. Redis: the zskiplistNode sizes
    /// in objectComputeSize
    var allocatedBytes: Int {
        arrayBytes(nodes) + arrayBytes(levels) + arrayBytes(freeNodes) + freeLevels.reduce(arrayBytes(freeLevels)) { $0 + arrayBytes($1) }
    }
}
