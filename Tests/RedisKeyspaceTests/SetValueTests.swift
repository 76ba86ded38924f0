// SetValue (the set type's storage) without sockets: both encodings, the one-way conversion at
// member 513 and at the first non-integer, string2ll's idea of an integer, random picks, forEach,
// and a seeded random run against Swift's Set as the model.

import XCTest
@testable import RedisKeyspace
import RedisCore

final class SetValueTests: XCTestCase {
    private func b(_ s: String) -> ByteString { ByteString(s) }

    func testIntegersStayAnIntsetInAscendingOrder() {
        let s = SetValue()
        for v in ["42", "-7", "1000000", "0", "9223372036854775807", "-9223372036854775808", "42"] {
            s.add(b(v), maxIntsetEntries: 512)
        }
        XCTAssertEqual(s.encoding, "intset")
        XCTAssertEqual(s.count, 6)
        XCTAssertEqual(s.members.map(\.stringValue),
                       ["-9223372036854775808", "-7", "0", "42", "1000000", "9223372036854775807"])
        XCTAssertTrue(s.contains(b("-7")))
        XCTAssertFalse(s.contains(b("7")))
        XCTAssertFalse(s.add(b("0"), maxIntsetEntries: 512), "already there")
        XCTAssertTrue(s.remove(b("42")))
        XCTAssertFalse(s.remove(b("42")))
        XCTAssertFalse(s.remove(b("abc")), "a non-integer is never in an intset")
        XCTAssertEqual(s.count, 5)
    }

    /// Only what string2ll accepts is an integer: the member must come back byte for byte.
    func testString2llCornerCasesAreNotIntegers() {
        for odd in ["+1", "01", " 1", "1 ", "-0", "", "9223372036854775808", "-9223372036854775809", "1.0", "0x10"] {
            let s = SetValue()
            s.add(b("1"), maxIntsetEntries: 512)
            XCTAssertEqual(s.encoding, "intset")
            XCTAssertTrue(s.add(b(odd), maxIntsetEntries: 512), "'\(odd)' is a new member")
            XCTAssertEqual(s.encoding, "hashtable", "'\(odd)' is not an integer")
            XCTAssertTrue(s.contains(b(odd)))
            XCTAssertTrue(s.contains(b("1")), "the integers moved to the table as text")
            XCTAssertEqual(Set(s.members), [b("1"), b(odd)])
        }
        XCTAssertFalse(SetValue().contains(b("+1")))
        let s = SetValue()
        s.add(b("1"), maxIntsetEntries: 512)
        XCTAssertFalse(s.contains(b("01")), "01 is not the integer 1")
        XCTAssertFalse(s.contains(b("+1")))
    }

    func testConversionAt513MembersIsOneWay() {
        let s = SetValue()
        for i in 1...512 { s.add(ByteString(Int64(i * 3)), maxIntsetEntries: 512) }
        XCTAssertEqual(s.encoding, "intset", "512 members fit")
        XCTAssertFalse(s.add(ByteString(Int64(3)), maxIntsetEntries: 512), "a duplicate adds nothing")
        XCTAssertEqual(s.encoding, "intset")
        s.add(b("2"), maxIntsetEntries: 512)
        XCTAssertEqual(s.encoding, "hashtable", "member 513 converts")
        XCTAssertEqual(s.count, 513)
        for i in 1...512 { XCTAssertTrue(s.contains(ByteString(Int64(i * 3)))) }
        for i in 1...500 { s.remove(ByteString(Int64(i * 3))) }
        XCTAssertEqual(s.count, 13)
        XCTAssertEqual(s.encoding, "hashtable", "never back to an intset")
        // The limit is the caller's: 0 converts on the first member.
        let z = SetValue()
        z.add(b("5"), maxIntsetEntries: 0)
        XCTAssertEqual(z.encoding, "hashtable")
    }

    func testCreateForTheFirstMember() {
        XCTAssertEqual(SetValue(for: b("12")).encoding, "intset")
        XCTAssertEqual(SetValue(for: b("x")).encoding, "hashtable")
        XCTAssertEqual(SetValue(for: b("012")).encoding, "hashtable")
        XCTAssertEqual(SetValue().count, 0)
    }

    func testForEachVisitsEveryMemberOnceInBothEncodings() {
        for members in [["3", "1", "2"], ["a", "b", "1", "zz"]] {
            let s = SetValue()
            for m in members { s.add(b(m), maxIntsetEntries: 512) }
            var seen: [ByteString] = []
            s.forEach { seen.append($0) }
            XCTAssertEqual(seen.count, members.count)
            XCTAssertEqual(Set(seen), Set(members.map(b)))
        }
        // Many members: a hash table that grew (and rehashed) still lists each once.
        let s = SetValue()
        for i in 0..<5000 { s.add(b("m\(i)"), maxIntsetEntries: 512) }
        var n = 0
        var distinct = Set<ByteString>()
        s.forEach { n += 1; distinct.insert($0) }
        XCTAssertEqual(n, 5000)
        XCTAssertEqual(distinct.count, 5000)
    }

    func testRandomPicksAreMembersAndRemoveRandomEmptiesTheSet() {
        for members in [(1...20).map(String.init), (1...20).map { "x\($0)" }] {
            let s = SetValue()
            for m in members { s.add(b(m), maxIntsetEntries: 512) }
            for _ in 0..<200 { XCTAssertTrue(members.contains(s.randomMember().stringValue)) }
            var popped = Set<String>()
            while s.count > 0 {
                let m = s.removeRandom().stringValue
                XCTAssertTrue(popped.insert(m).inserted, "\(m) popped twice")
                XCTAssertFalse(s.contains(b(m)))
            }
            XCTAssertEqual(popped, Set(members))
        }
    }

    /// An intset pick is a uniform index: 10 members, 20,000 picks, each about 2,000 times.
    /// The bounds (1,000…3,000) are more than 20 standard deviations wide.
    func testIntsetPicksAreUniform() {
        let s = SetValue()
        for i in 0..<10 { s.add(ByteString(Int64(i)), maxIntsetEntries: 512) }
        var counts = [ByteString: Int]()
        for _ in 0..<20_000 { counts[s.randomMember(), default: 0] += 1 }
        XCTAssertEqual(counts.count, 10)
        for (m, n) in counts { XCTAssertTrue((1000...3000).contains(n), "\(m) picked \(n) times") }
    }

    func testRandomOperationsMatchASwiftSet() {
        var rng = SplitMix(state: 7)
        for limit in [512, 16] {
            let s = SetValue()
            var model = Set<ByteString>()
            for step in 0..<20_000 {
                let intOnly = step < 8_000
                let m = intOnly || Bool.random(using: &rng) ? ByteString(Int64.random(in: -300...300, using: &rng))
                                                          : ByteString("k\(Int.random(in: 0..<300, using: &rng))")
                if Int.random(in: 0..<3, using: &rng) < 2 {
                    XCTAssertEqual(s.add(m, maxIntsetEntries: limit), model.insert(m).inserted)
                } else {
                    XCTAssertEqual(s.remove(m), model.remove(m) != nil)
                }
                XCTAssertEqual(s.count, model.count)
                if s.isIntset { XCTAssertLessThanOrEqual(s.count, limit) }
            }
            XCTAssertEqual(Set(s.members), model)
        }
    }
}

/// SplitMix64, so that a failure can be replayed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
