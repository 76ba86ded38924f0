// The sorted set's storage: the skiplist alone (spans, ranks, backward links, the level
// distribution) and ZSetValue in both encodings, each against a sorted array used as the model
// over thousands of seeded random operations, plus the conversion at 128/129 members and
// 64/65-byte members, and dirty/keyModified/propagation through the commands.

import XCTest
@testable import RedisKeyspace
import RedisCore

/// The model: entries sorted by (score, member bytes).
private func sortedModel(_ m: [ByteString: Double]) -> [ZEntry] {
    m.map { ZEntry($0.key, $0.value) }.sorted { Skiplist.before($0.score, $0.member, $1.score, $1.member) }
}

private func contents(_ z: ZSetValue) -> [ZEntry] {
    var out: [ZEntry] = []
    z.forEach { out.append(ZEntry($0, $1)) }
    return out
}

final class ZSetValueTests: XCTestCase {
    func testSkiplistAgainstModel() {
        var rng = SeededRNG(state: 42)
        var list = Skiplist(seed: 7)
        var model: [ByteString: Double] = [:]
        for step in 0..<6000 {
            let member = ByteString("m\(Int.random(in: 0..<400, using: &rng))")
            let score = Double(Int.random(in: -50...50, using: &rng)) / 4
            if let old = model[member] {
                XCTAssertTrue(list.delete(old, member))
                XCTAssertFalse(list.delete(old, member), "deleted twice")
                model[member] = nil
                if Bool.random(using: &rng) { list.insert(score, member); model[member] = score }
            } else {
                list.insert(score, member)
                model[member] = score
            }
            if step % 500 == 0 { XCTAssertTrue(list.checkInvariants(), "step \(step)") }
        }
        let expected = sortedModel(model)
        XCTAssertEqual(list.count, expected.count)
        // Every rank both ways: rank(of:) and node(atRank:) agree with the model's positions.
        for (i, e) in expected.enumerated() {
            XCTAssertEqual(list.rank(e.score, e.member), i + 1)
            let n = list.node(atRank: i + 1)
            XCTAssertEqual(list.entry(n).member, e.member)
        }
        XCTAssertEqual(list.node(atRank: expected.count + 1), 0)
        // Backward links walk the list in reverse.
        var x = list.tail, back: [ByteString] = []
        while x != 0 { back.append(list.entry(x).member); x = list.previous(x) }
        XCTAssertEqual(back, expected.reversed().map(\.member))
        XCTAssertTrue(list.checkInvariants())
    }

    func testOrderIsScoreThenMemcmpShorterFirst() {
        var list = Skiplist(seed: 3)
        for m in ["b", "ab", "a", "\u{7f}", "aa", ""] { list.insert(1, ByteString(m)) }
        list.insert(0.5, "zzz")
        var x = list.first, order: [String] = []
        while x != 0 { order.append(list.entry(x).member.stringValue); x = list.next(x) }
        XCTAssertEqual(order, ["zzz", "", "a", "aa", "ab", "b", "\u{7f}"])
    }

    func testRandomLevelsFollowOneQuarter() {
        var list = Skiplist(seed: 99)
        var counts = [Int](repeating: 0, count: skiplistMaxLevel + 1)
        let n = 200_000
        for _ in 0..<n { counts[list.randomLevel()] += 1 }
        XCTAssertEqual(counts[0], 0)
        // P(level >= k) = (1/4)^(k-1): 1, 0.25, 0.0625, 0.0156…, within a few percent.
        var atLeast = n
        for k in 1...4 {
            let expected = Double(n) * pow(0.25, Double(k - 1))
            XCTAssertEqual(Double(atLeast), expected, accuracy: expected * 0.05, "level >= \(k)")
            atLeast -= counts[k]
        }
        XCTAssertTrue(counts.dropFirst().allSatisfy { $0 >= 0 })
    }

    func testBothEncodingsAgainstModel() {
        for limits in [ZSetLimits(), ZSetLimits(entries: 0, value: 0), ZSetLimits(entries: 16, value: 64)] {
            var rng = SeededRNG(state: UInt64(limits.maxZiplistEntries) + 1)
            let z = ZSetValue(skiplist: limits.maxZiplistEntries == 0)
            var model: [ByteString: Double] = [:]
            for step in 0..<4000 {
                let member = ByteString("k\(Int.random(in: 0..<(limits.maxZiplistEntries == 16 ? 60 : 300), using: &rng))")
                let score = Double(Int.random(in: -20...20, using: &rng))
                switch Int.random(in: 0..<10, using: &rng) {
                case 0...5:
                    if let old = model[member] { z.update(member, from: old, to: score) } else { z.insert(member, score, limits) }
                    model[member] = score
                case 6, 7:
                    XCTAssertEqual(z.remove(member), model.removeValue(forKey: member) != nil)
                case 8:
                    let sorted = sortedModel(model)
                    if !sorted.isEmpty {
                        let a = Int.random(in: 0..<sorted.count, using: &rng), b = Int.random(in: a..<sorted.count, using: &rng)
                        z.removeRanks(a, b)
                        for e in sorted[a...b] { model[e.member] = nil }
                    }
                default:
                    let sorted = sortedModel(model)
                    XCTAssertEqual(z.score(member), model[member])
                    XCTAssertEqual(z.rank(member), sorted.firstIndex { $0.member == member })
                    // A score range becomes the right interval of ranks.
                    let r = ScoreRange(ByteString("(\(score - 5)"), ByteString("\(score + 3)"))!
                    let (lo, hi) = z.ranks(r)
                    let want = sorted.indices.filter { sorted[$0].score > score - 5 && sorted[$0].score <= score + 3 }
                    XCTAssertEqual(Array(lo..<max(lo, hi + 1)), want, "step \(step)")
                }
                XCTAssertEqual(z.count, model.count)
                if limits.maxZiplistEntries == 16 && z.count > 16 { XCTAssertTrue(z.isSkiplist) }
            }
            XCTAssertEqual(contents(z), sortedModel(model))
            if z.isSkiplist { XCTAssertTrue(z.list.checkInvariants()) }
            // Walking by rank, forwards and backwards, gives the same entries.
            var forward: [ZEntry] = [], backward: [ZEntry] = []
            z.forEach(ranks: 0, z.count - 1, reverse: false) { forward.append($0) }
            z.forEach(ranks: 0, z.count - 1, reverse: true) { backward.append($0) }
            XCTAssertEqual(forward, sortedModel(model))
            XCTAssertEqual(backward, sortedModel(model).reversed())
        }
    }

    func testLexRanges() {
        let z = ZSetValue()
        for m in ["a", "aa", "ab", "b", "c", "d"] { z.insert(ByteString(m), 0, ZSetLimits()) }
        func members(_ min: String, _ max: String) -> [String] {
            let (lo, hi) = z.ranks(LexBound(ByteString(min))!, LexBound(ByteString(max))!)
            var out: [String] = []
            z.forEach(ranks: lo, hi, reverse: false) { out.append($0.member.stringValue) }
            return out
        }
        XCTAssertEqual(members("-", "+"), ["a", "aa", "ab", "b", "c", "d"])
        XCTAssertEqual(members("[aa", "(b"), ["aa", "ab"])
        XCTAssertEqual(members("(a", "[b"), ["aa", "ab", "b"])
        XCTAssertEqual(members("+", "-"), [])
        XCTAssertEqual(members("[c", "[a"), [])
        XCTAssertNil(LexBound("a"))
        XCTAssertNil(LexBound(""))
        XCTAssertNil(LexBound("+x"))
        z.convertToSkiplist()
        XCTAssertEqual(members("[aa", "(b"), ["aa", "ab"])
    }

    func testScoreRangeParsing() {
        XCTAssertNotNil(ScoreRange("-inf", "+inf"))
        XCTAssertEqual(ScoreRange("(1.5", "2")?.minExclusive, true)
        XCTAssertEqual(ScoreRange("(", "1")?.min, 0)  // strtod of "" is 0, as in Redis
        XCTAssertNil(ScoreRange("nan", "1"))
        XCTAssertNil(ScoreRange("1x", "2"))
        XCTAssertNil(parseScore("nan"))
        XCTAssertNil(parseScore(" 1"))
        XCTAssertEqual(parseScore("-inf"), -.infinity)
        XCTAssertEqual(parseScore("-0")?.sign, .minus)
        XCTAssertEqual(parseScore("1e3"), 1000)
    }

    func testConversionAt128And129Members() {
        let h = KeyspaceHarness()
        for i in 0..<128 { h.run("ZADD", "z", String(i), "m\(i)") }
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "z"), "$7\r\nziplist\r\n")
        h.run("ZADD", "z", "1000", "m128")
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "z"), "$8\r\nskiplist\r\n")
        XCTAssertEqual(h.run("ZCARD", "z"), ":129\r\n")
        XCTAssertEqual(h.run("ZRANK", "z", "m128"), ":128\r\n")
        // Removing members does not convert back (as in Redis).
        h.run("ZREMRANGEBYRANK", "z", "0", "100")
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "z"), "$8\r\nskiplist\r\n")
    }

    func testConversionAt64And65Bytes() {
        let h = KeyspaceHarness()
        h.run("ZADD", "z", "1", String(repeating: "a", count: 64))
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "z"), "$7\r\nziplist\r\n")
        h.run("ZADD", "z", "2", String(repeating: "b", count: 65))
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "z"), "$8\r\nskiplist\r\n")
        h.run("ZADD", "fresh", "1", String(repeating: "c", count: 65))
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "fresh"), "$8\r\nskiplist\r\n")
        // A store command picks the small encoding again when the result fits.
        h.run("ZADD", "long", "1", String(repeating: "d", count: 65), "2", "x")
        h.run("ZREM", "long", String(repeating: "d", count: 65))
        h.run("ZUNIONSTORE", "copy", "1", "long")
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "long"), "$8\r\nskiplist\r\n")
        XCTAssertEqual(h.run("OBJECT", "ENCODING", "copy"), "$7\r\nziplist\r\n")
    }

    func testDirtyAndKeyModified() {
        let h = KeyspaceHarness()
        var modified = 0
        h.ks.keyModified = { _, _ in modified += 1 }
        let d0 = h.ks.dirty
        h.run("ZADD", "z", "1", "a", "2", "b")
        XCTAssertEqual(h.ks.dirty - d0, 2)
        XCTAssertEqual(modified, 1)
        h.run("ZADD", "z", "1", "a")  // nothing changes: no dirty, no signal
        XCTAssertEqual(h.ks.dirty - d0, 2)
        XCTAssertEqual(modified, 1)
        h.run("ZINCRBY", "z", "1", "a")
        XCTAssertEqual(h.client.argv, ["ZINCRBY", "z", "1", "a"])  // propagated as executed
        h.run("ZPOPMIN", "z", "5")
        XCTAssertEqual(h.run("EXISTS", "z"), ":0\r\n")
        XCTAssertEqual(h.ks.dirty - d0, 5)
        XCTAssertEqual(modified, 3)
    }
}
