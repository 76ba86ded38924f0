// Dict: round trips, incremental rehashing (growing and shrinking), random sampling, the scan
// cursor's guarantee across resizes, and a seeded comparison with Swift's Dictionary.
//
// Redis: src/dict.c

import XCTest
@testable import RedisKeyspace
import RedisCore

/// SplitMix64, so that a failing sequence can be replayed from its seed.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

private func key(_ i: Int) -> ByteString { ByteString("key:\(i)") }

/// Finishes any rehash in progress.
private func finishRehash<V>(_ d: Dict<V>) {
    var guardSteps = 0
    while d.rehash(100) { guardSteps += 1; precondition(guardSteps < 10_000_000) }
}

/// Every key a full scan returns, with the number of times each was returned, calling
/// `between` after each scan step.
private func fullScan<V>(_ d: Dict<V>, between: (Int) -> Void = { _ in }) -> [ByteString: Int] {
    var seen: [ByteString: Int] = [:]
    var cursor: UInt64 = 0
    var step = 0
    repeat {
        cursor = d.scan(cursor) { seen[d.key(at: $0), default: 0] += 1 }
        between(step)
        step += 1
        precondition(step < 1_000_000, "scan does not terminate")
    } while cursor != 0
    return seen
}

final class DictTests: XCTestCase {
    func testRoundTrip100kKeys() {
        let d = Dict<Int>()
        let n = 100_000
        for i in 0..<n { d.insert(key(i), i) }
        XCTAssertEqual(d.count, n)
        for i in 0..<n {
            let idx = d.find(key(i))
            XCTAssertNotEqual(idx, 0)
            if idx != 0, d.value(at: idx) != i { XCTFail("key \(i) has \(d.value(at: idx))"); break }
        }
        XCTAssertEqual(d.find(key(n)), 0)
        XCTAssertNil(d[key(-1)])
        for i in 0..<n { if d.set(key(i), i * 2) { XCTFail("set reported an insert for \(i)"); break } }
        XCTAssertTrue(d.set(key(n), -1), "set of a new key inserts")
        XCTAssertEqual(d[key(n)], -1)
        for i in stride(from: 0, to: n, by: 1) {
            if d.remove(key(i)) != i * 2 { XCTFail("remove \(i)"); break }
        }
        XCTAssertNil(d.remove(key(0)), "already removed")
        XCTAssertEqual(d.count, 1)
        d[key(n)] = nil
        XCTAssertEqual(d.count, 0)
        XCTAssertEqual(d.find(key(5)), 0)
    }

    func testSubscriptAndBinaryKeys() {
        let d = Dict<String>()
        let k1 = ByteString([0, 13, 10, 255])
        let k2 = ByteString([0, 13, 10])
        d[k1] = "one"
        d[k2] = "two"
        XCTAssertEqual(d[k1], "one")
        XCTAssertEqual(d[k2], "two")
        d[k1] = "uno"
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(d[k1], "uno")
        let long = ByteString(String(repeating: "L", count: 100))
        d[long] = "long"
        XCTAssertEqual(d[ByteString(String(repeating: "L", count: 100))], "long")
    }

    func testGrowingStartsRehashingAtAPowerOfTwo() {
        let d = Dict<Int>()
        d.insert(key(0), 0)
        XCTAssertEqual(d.tableSizes.0, 4)
        XCTAssertFalse(d.isRehashing, "the first table needs no rehash")
        for i in 1..<1024 { d.insert(key(i), i) }
        finishRehash(d)
        XCTAssertEqual(d.count, 1024)
        XCTAssertEqual(d.tableSizes.0, 1024)
        XCTAssertEqual(d.tableSizes.1, 0)
        XCTAssertFalse(d.isRehashing)

        d.insert(key(1024), 1024)  // used == size: the table doubles
        XCTAssertTrue(d.isRehashing)
        XCTAssertEqual(d.tableSizes.0, 1024)
        XCTAssertEqual(d.tableSizes.1, 2048)
        XCTAssertEqual(d.bucketCount, 3072)
        XCTAssertEqual(d.rehashIndex, 0)
        XCTAssertEqual(d.count, 1025)

        // Every operation moves a bucket along.
        _ = d.find(key(3))
        XCTAssertGreaterThan(d.rehashIndex, 0)
        XCTAssertTrue(d.rehash(10), "more to move after ten buckets")
        finishRehash(d)
        XCTAssertFalse(d.isRehashing)
        XCTAssertEqual(d.tableSizes.0, 2048)
        XCTAssertEqual(d.tableSizes.1, 0)
        XCTAssertEqual(d.rehashIndex, -1)
        XCTAssertFalse(d.rehash(1), "nothing to do when stable")
        for i in 0...1024 { XCTAssertEqual(d[key(i)], i) }
    }

    func testLookupsRemovesAndInsertsMidRehash() {
        let d = Dict<Int>()
        var model: [ByteString: Int] = [:]
        for i in 0..<1025 { d.insert(key(i), i); model[key(i)] = i }
        XCTAssertTrue(d.isRehashing)
        _ = d.rehash(100)
        // Freeze the rehash half way: lookups then see both tables as they are.
        d.pauseRehashing += 1
        XCTAssertTrue(d.isRehashing)
        let sizes = d.tableSizes
        let index = d.rehashIndex
        XCTAssertGreaterThan(index, 0)
        XCTAssertEqual(sizes.0, 1024)
        XCTAssertEqual(sizes.1, 2048)
        XCTAssertGreaterThan(d.ht1.used, 0, "some keys moved")
        XCTAssertGreaterThan(d.ht0.used, 0, "some keys still wait")
        for (k, v) in model { XCTAssertEqual(d[k], v) }
        for i in stride(from: 0, to: 1025, by: 3) {
            XCTAssertEqual(d.remove(key(i)), i)
            model[key(i)] = nil
        }
        for i in 2000..<2100 { d.insert(key(i), i); model[key(i)] = i }
        XCTAssertEqual(d.rehashIndex, index, "paused: nothing moved")
        XCTAssertEqual(d.count, model.count)
        for (k, v) in model { XCTAssertEqual(d[k], v) }
        XCTAssertNil(d[key(0)])
        d.pauseRehashing -= 1
        finishRehash(d)
        XCTAssertEqual(d.count, model.count)
        for (k, v) in model { XCTAssertEqual(d[k], v) }
        XCTAssertEqual(Set(d.keys), Set(model.keys))
    }

    func testRehashWhileOperating() {
        // Without pausing: each find/insert/remove moves one bucket and the contents stay right.
        let d = Dict<Int>()
        var model: [ByteString: Int] = [:]
        var sawRehash = 0
        for i in 0..<20_000 {
            d.insert(key(i), i); model[key(i)] = i
            if i % 7 == 0 { XCTAssertEqual(d.remove(key(i / 2)), model.removeValue(forKey: key(i / 2))) }
            if d.isRehashing { sawRehash += 1; XCTAssertEqual(d[key(i / 3)], model[key(i / 3)]) }
        }
        XCTAssertGreaterThan(sawRehash, 1000)
        XCTAssertEqual(d.count, model.count)
        for (k, v) in model { XCTAssertEqual(d[k], v) }
    }

    func testRehashMilliseconds() {
        let d = Dict<Int>()
        let clock = Clock()
        for i in 0..<(16_384 + 1) { d.insert(key(i), i) }
        // The last insert started a rehash 16384 → 32768 buckets (an earlier one may still be going).
        finishRehash(d)
        XCTAssertFalse(d.isRehashing)
        XCTAssertEqual(d.rehashMilliseconds(1, clock: clock), 0, "nothing to do when stable")
        for i in 16_385..<32_769 { d.insert(key(i), i) }
        XCTAssertTrue(d.isRehashing)
        d.pauseRehashing += 1
        XCTAssertEqual(d.rehashMilliseconds(100, clock: clock), 0, "paused: no work")
        d.pauseRehashing -= 1
        var total = 0, calls = 0
        while d.isRehashing && calls < 10_000 {
            let moved = d.rehashMilliseconds(1, clock: clock)
            XCTAssertEqual(moved % 100, 0, "counted in batches of 100")
            total += moved
            calls += 1
        }
        XCTAssertFalse(d.isRehashing)
        XCTAssertGreaterThan(total, 0)
        XCTAssertEqual(d.tableSizes.0, 65_536)
        for i in stride(from: 0, to: 32_769, by: 97) { XCTAssertEqual(d[key(i)], i) }
    }

    func testShrinkWhenMostlyEmpty() {
        let d = Dict<Int>()
        for i in 0..<1000 { d.insert(key(i), i) }
        finishRehash(d)
        XCTAssertEqual(d.tableSizes.0, 1024)
        XCTAssertFalse(d.needsResize)
        for i in 50..<1000 { d.remove(key(i)) }
        XCTAssertEqual(d.count, 50)
        XCTAssertTrue(d.needsResize, "50 keys in 1024 buckets is under 10%")
        XCTAssertTrue(d.resize())
        XCTAssertTrue(d.isRehashing)
        XCTAssertEqual(d.tableSizes.0, 1024)
        XCTAssertEqual(d.tableSizes.1, 64, "the next power of two above 50")
        XCTAssertFalse(d.resize(), "not while rehashing")
        for i in 0..<50 { XCTAssertEqual(d[key(i)], i) }
        finishRehash(d)
        XCTAssertEqual(d.tableSizes.0, 64)
        XCTAssertEqual(d.tableSizes.1, 0)
        XCTAssertFalse(d.needsResize)
        for i in 0..<50 { XCTAssertEqual(d[key(i)], i) }
        // resizeAllowed = false (a fork child is running) forbids shrinking.
        for i in 0..<45 { d.remove(key(i)) }
        XCTAssertTrue(d.needsResize)
        d.resizeAllowed = false
        XCTAssertFalse(d.resize())
        d.resizeAllowed = true
        XCTAssertTrue(d.resize())
        finishRehash(d)
        XCTAssertEqual(d.tableSizes.0, 8)
        for i in 45..<50 { XCTAssertEqual(d[key(i)], i) }
    }

    func testNoGrowthWhileResizeForbiddenUntilFivePerBucket() {
        let d = Dict<Int>()
        for i in 0..<4 { d.insert(key(i), i) }
        XCTAssertEqual(d.tableSizes.0, 4)
        d.resizeAllowed = false
        for i in 4..<24 { d.insert(key(i), i) }
        XCTAssertFalse(d.isRehashing, "up to 5 per bucket the table stays")
        XCTAssertEqual(d.tableSizes.0, 4)
        for i in 24..<30 { d.insert(key(i), i) }
        XCTAssertTrue(d.isRehashing || d.tableSizes.0 > 4, "past 5 per bucket it must grow anyway")
        for i in 0..<30 { XCTAssertEqual(d[key(i)], i) }
    }

    func testRandomEntryReturnsLiveEntriesAndCoversAll() {
        let d = Dict<Int>()
        XCTAssertEqual(d.randomEntry(), 0, "empty")
        for i in 0..<200 { d.insert(key(i), i) }
        for i in 100..<200 { d.remove(key(i)) }
        var counts = [Int](repeating: 0, count: 100)
        for _ in 0..<20_000 {
            let idx = d.randomEntry()
            XCTAssertNotEqual(idx, 0)
            let v = d.value(at: idx)
            XCTAssertTrue((0..<100).contains(v), "a removed entry came back: \(v)")
            XCTAssertEqual(d.key(at: idx), key(v))
            counts[v] += 1
        }
        XCTAssertEqual(counts.filter { $0 == 0 }.count, 0, "every key is sampled")
        XCTAssertLessThan(counts.max()!, 2000, "roughly uniform: no key hogs the samples")
    }

    func testRandomEntryMidRehash() {
        let d = Dict<Int>()
        for i in 0..<1025 { d.insert(key(i), i) }
        _ = d.rehash(100)
        XCTAssertTrue(d.isRehashing)
        d.pauseRehashing += 1
        var seen = Set<Int>()
        for _ in 0..<30_000 {
            let idx = d.randomEntry()
            XCTAssertEqual(d.key(at: idx), key(d.value(at: idx)))
            seen.insert(d.value(at: idx))
        }
        d.pauseRehashing -= 1
        XCTAssertGreaterThan(seen.count, 1000, "keys from both tables are sampled")
    }

    func testScanVisitsEveryKeyOfAStableTable() {
        let d = Dict<Int>()
        for i in 0..<3000 { d.insert(key(i), i) }
        finishRehash(d)
        let seen = fullScan(d)
        XCTAssertEqual(Set(seen.keys), Set((0..<3000).map(key)))
        XCTAssertEqual(seen.values.max(), 1, "no duplicates without a resize")
        XCTAssertEqual(Dict<Int>().scan(0) { _ in XCTFail() }, 0, "an empty table's scan ends at once")
    }

    func testScanSurvivesGrowthBetweenCalls() {
        let d = Dict<Int>()
        for i in 0..<100 { d.insert(key(i), i) }
        var next = 100
        let seen = fullScan(d) { step in
            // The table grows several times during the scan, rehashing as it goes (for a while
            // only: a table that grows for ever outruns any cursor).
            if step < 100 { for _ in 0..<40 { d.insert(key(next), next); next += 1 } }
        }
        XCTAssertGreaterThan(d.tableSizes.0, 1024, "the table grew a lot")
        for i in 0..<100 { XCTAssertNotNil(seen[key(i)], "key \(i) present for the whole scan was missed") }
    }

    func testScanSurvivesShrinkBetweenCalls() {
        let d = Dict<Int>()
        for i in 0..<4096 { d.insert(key(i), i) }
        finishRehash(d)
        let keepers = Set((0..<4096).filter { $0 % 41 == 0 }.map(key))
        var toRemove = (0..<4096).map(key).filter { !keepers.contains($0) }
        var shrinks = 0
        let seen = fullScan(d) { _ in
            for _ in 0..<200 where !toRemove.isEmpty { d.remove(toRemove.removeLast()) }
            if !d.isRehashing && d.needsResize { if d.resize() { shrinks += 1 } }
            _ = d.rehash(3)
        }
        XCTAssertGreaterThan(shrinks, 0, "the table shrank during the scan")
        for k in keepers { XCTAssertNotNil(seen[k], "\(k) present for the whole scan was missed") }
    }

    func testScanMidRehashVisitsBothTables() {
        let d = Dict<Int>()
        for i in 0..<1025 { d.insert(key(i), i) }
        _ = d.rehash(50)
        XCTAssertTrue(d.isRehashing)
        d.pauseRehashing += 1
        let seen = fullScan(d)
        d.pauseRehashing -= 1
        XCTAssertEqual(Set(seen.keys), Set((0..<1025).map(key)))
    }

    func testSlabChunksTileTheIndicesWithoutGapsOrOverlap() {
        // Walking the indices in order, each lands at the next offset of its chunk, a chunk is
        // entered at offset 0, and no offset reaches the chunk's size.
        var expected = (chunk: 0, offset: 0)
        for i in UInt32(0)..<UInt32(5000) {
            let (c, off) = Dict<Int>.chunk(of: i)
            XCTAssertEqual(c, expected.chunk, "index \(i)")
            XCTAssertEqual(off, expected.offset, "index \(i)")
            XCTAssertLessThan(off, Dict<Int>.chunkSize(c))
            expected = off + 1 == Dict<Int>.chunkSize(c) ? (c + 1, 0) : (c, off + 1)
            if off + 1 == Dict<Int>.chunkSize(c) {
                XCTAssertEqual(Dict<Int>.slabCapacity(chunks: c + 1), Int(i) + 1, "capacity after chunk \(c)")
            }
        }
    }

    func testASmallTableAllocatesRoomForAboutWhatItHolds() {
        let d = Dict<Int>()
        XCTAssertEqual(d.allocatedBytes, 0)
        for i in 0..<200 { d.insert(ByteString("field\(i)"), i) }
        // 200 entries (index 0 unused): the slab stops at 256 slots, not at a chunk of 1024.
        XCTAssertEqual(d.chunks.count, 5)
        XCTAssertEqual(Dict<Int>.slabCapacity(chunks: d.chunks.count), 256)
        for i in 0..<200 { XCTAssertEqual(d[ByteString("field\(i)")], i) }
        for i in 200..<3000 { d.insert(ByteString("field\(i)"), i) }
        XCTAssertEqual(Dict<Int>.slabCapacity(chunks: d.chunks.count), 3072)
        for i in 0..<3000 { XCTAssertEqual(d[ByteString("field\(i)")], i) }
    }

    func testRemoveAll() {
        let d = Dict<String>()
        for i in 0..<5000 { d.insert(key(i), "v\(i)") }
        XCTAssertTrue(d.count == 5000)
        d.removeAll()
        XCTAssertEqual(d.count, 0)
        XCTAssertEqual(d.bucketCount, 0)
        XCTAssertFalse(d.isRehashing)
        XCTAssertEqual(d.find(key(1)), 0)
        XCTAssertEqual(d.randomEntry(), 0)
        XCTAssertEqual(d.keys, [])
        d.insert(key(1), "again")
        XCTAssertEqual(d[key(1)], "again")
        XCTAssertEqual(d.count, 1)
    }

    func testReusedSlotsDoNotLeakOldValues() {
        let d = Dict<[Int]>()
        for i in 0..<100 { d.insert(key(i), [i]) }
        for i in 0..<100 { d.remove(key(i)) }
        for i in 100..<200 { d.insert(key(i), [i, i]) }
        XCTAssertEqual(d.count, 100)
        for i in 100..<200 { XCTAssertEqual(d[key(i)], [i, i]) }
        for i in 0..<100 { XCTAssertNil(d[key(i)]) }
    }

    func testMixedOperationsAgainstASwiftDictionary() {
        var rng = SeededRNG(state: 20_260_101)
        let d = Dict<Int>()
        var model: [ByteString: Int] = [:]
        for step in 0..<150_000 {
            let k = key(Int.random(in: 0..<6000, using: &rng))
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3:
                XCTAssertEqual(d.set(k, step), model.updateValue(step, forKey: k) == nil)
            case 4...5:
                XCTAssertEqual(d.remove(k), model.removeValue(forKey: k))
            case 6...7:
                XCTAssertEqual(d[k], model[k])
            case 8:
                if model[k] == nil { d.insert(k, step); model[k] = step }
            default:
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: if d.needsResize { d.resize() }
                case 1: _ = d.rehash(Int.random(in: 1...50, using: &rng))
                default:
                    // Drain a big part of the table, so it has to shrink later.
                    if Int.random(in: 0..<200, using: &rng) == 0 {
                        for (mk, _) in model where Int.random(in: 0..<10, using: &rng) < 9 {
                            XCTAssertNotNil(d.remove(mk)); model[mk] = nil
                        }
                    }
                }
            }
            if step % 10_000 == 0 { XCTAssertEqual(d.count, model.count, "step \(step)") }
        }
        XCTAssertEqual(d.count, model.count)
        for (k, v) in model { XCTAssertEqual(d[k], v) }
        XCTAssertEqual(Set(d.keys), Set(model.keys))
        XCTAssertEqual(d.keys.count, model.count, "no key twice")
    }

    func testStatsText() {
        let d = Dict<Int>()
        XCTAssertEqual(d.stats(), "No stats available for empty dictionaries\n")
        for i in 0..<3 { d.insert(key(i), i) }
        let s = d.stats()
        XCTAssertTrue(s.hasPrefix("Hash table 0 stats (main hash table):\n table size: 4\n number of elements: 3\n"), s)
    }
}
