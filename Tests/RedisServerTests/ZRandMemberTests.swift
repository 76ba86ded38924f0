// ZRANDMEMBER's random cases, which no side-by-side test can compare: a positive count gives
// distinct members of the set, a negative one draws with replacement, WITHSCORES pairs each
// member with its own score, in both encodings. (The deterministic cases are compared with
// redis-server in ZSetSideBySideTests.)
//
// Redis: zrandmemberCommand, zrandmemberWithCountCommand (src/t_zset.c)

import Foundation
import RedisCore
import TestSupport
import XCTest

extension ZSetCommandTests {
    func strings(_ v: RESPValue) -> [String] {
        guard case .array(let items?) = v else { XCTFail("not an array: \(v)"); return [] }
        return items.map { if case .bulk(let b?) = $0 { return String(decoding: b, as: UTF8.self) }; return "?" }
    }

    func testZrandmemberDrawsMembersOfTheSet() throws {
        let s = try startServer()
        let c = try connect(s)
        for (key, size) in [("small", 10), ("big", 300)] {
            var add = ["ZADD", key]
            for i in 0..<size { add += [String(i), "m\(i)"] }
            _ = try c.call(add.map { Array($0.utf8) })
            let members = Set((0..<size).map { "m\($0)" })
            // One member, many times: always one of the set, and not always the same one.
            var seen = Set<String>()
            for _ in 0..<50 {
                guard case .bulk(let b?) = try c.call("ZRANDMEMBER", key) else { return XCTFail("not a bulk") }
                seen.insert(String(decoding: b, as: UTF8.self))
            }
            XCTAssertTrue(seen.isSubset(of: members), key)
            XCTAssertGreaterThan(seen.count, 1, "\(key): 50 draws gave one member")
            // A positive count smaller than the set: that many, all distinct.
            let five = strings(try c.call("ZRANDMEMBER", key, "5"))
            XCTAssertEqual(five.count, 5, key)
            XCTAssertEqual(Set(five).count, 5, "\(key): repeats in \(five)")
            XCTAssertTrue(Set(five).isSubset(of: members), key)
            // A negative count: exactly |count| draws, repeats allowed, more than the set holds.
            let many = strings(try c.call("ZRANDMEMBER", key, String(-2 * size)))
            XCTAssertEqual(many.count, 2 * size, key)
            XCTAssertTrue(Set(many).isSubset(of: members), key)
            // WITHSCORES: member, score, member, score…, each score the member's own.
            let pairs = strings(try c.call("ZRANDMEMBER", key, "-7", "WITHSCORES"))
            XCTAssertEqual(pairs.count, 14, key)
            for i in stride(from: 0, to: pairs.count, by: 2) {
                XCTAssertEqual("m" + pairs[i + 1], pairs[i], "\(key): score of \(pairs[i])")
            }
        }
        XCTAssertEqual(String(decoding: try c.callRaw("OBJECT", "ENCODING", "big"), as: UTF8.self), "$8\r\nskiplist\r\n")
    }
}
