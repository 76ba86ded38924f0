// ListValue (the list type's double-ended array) against a plain Swift Array used as the model:
// 20,000 seeded random pushes, pops, inserts, removes, trims and overwrites, with `elements`
// compared after every batch, so that room at both ends, recentring and shrinking are exercised.

import XCTest
@testable import RedisKeyspace
import RedisCore

/// SplitMix64, so that a failure can be replayed from its seed.
private struct ListSeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class ListValueTests: XCTestCase {
    private func check(_ l: ListValue, _ model: [ByteString], _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(l.count, model.count, "count, \(what)", file: file, line: line)
        XCTAssertEqual(Array(l.elements), model, "elements, \(what)", file: file, line: line)
    }

    func testRandomOperationsMatchAnArray() {
        for seed: UInt64 in [1, 42, 0xC0FFEE] {
            var rng = ListSeededGenerator(state: seed)
            let l = ListValue()
            var model: [ByteString] = []
            var next = 0
            func fresh() -> ByteString { next += 1; return ByteString("v\(next)") }
            for step in 0..<20_000 {
                // Phases that favour growth, then shrinking, so the list is long and also empty.
                let growing = (step / 2_000) % 2 == 0
                let op = Int.random(in: 0..<100, using: &rng)
                switch op {
                case 0..<20:
                    if growing || op < 10 { let v = fresh(); l.pushFront(v); model.insert(v, at: 0) }
                case 20..<40:
                    if growing || op < 30 { let v = fresh(); l.pushBack(v); model.append(v) }
                case 40..<55:
                    let got = l.popFront()
                    XCTAssertEqual(got, model.isEmpty ? nil : model.removeFirst(), "popFront, seed \(seed) step \(step)")
                case 55..<70:
                    let got = l.popBack()
                    XCTAssertEqual(got, model.popLast(), "popBack, seed \(seed) step \(step)")
                case 70..<78:
                    let i = Int.random(in: 0...model.count, using: &rng)
                    let v = fresh()
                    l.insert(v, at: i); model.insert(v, at: i)
                case 78..<86:
                    if !model.isEmpty {
                        let i = Int.random(in: 0..<model.count, using: &rng)
                        l.remove(at: i); model.remove(at: i)
                    }
                case 86..<89:
                    if !model.isEmpty && Int.random(in: 0..<4, using: &rng) == 0 {
                        let a = Int.random(in: 0...model.count, using: &rng)
                        let b = Int.random(in: a...model.count, using: &rng)
                        l.keep(a..<b); model = Array(model[a..<b])
                    }
                default:
                    if !model.isEmpty {
                        let i = Int.random(in: 0..<model.count, using: &rng)
                        let v = fresh()
                        l[i] = v; model[i] = v
                        XCTAssertEqual(l[i], v)
                    }
                }
                if step % 50 == 0 { check(l, model, "seed \(seed) step \(step)") }
                if !model.isEmpty && step % 7 == 0 {
                    let i = Int.random(in: 0..<model.count, using: &rng)
                    XCTAssertEqual(l[i], model[i], "subscript \(i), seed \(seed) step \(step)")
                }
            }
            check(l, model, "seed \(seed) end")
            // Drain it: the empty list after pops.
            while let v = l.popBack() { XCTAssertEqual(v, model.popLast()) }
            check(l, [], "seed \(seed) drained")
            XCTAssertNil(l.popFront()); XCTAssertNil(l.popBack())
            // And it works again after being emptied.
            l.pushFront("x"); l.pushBack("y"); l.pushFront("w")
            check(l, ["w", "x", "y"], "seed \(seed) reused")
        }
    }

    func testEmptyAfterPopsFromBothEnds() {
        let l = ListValue(["a", "b", "c"] as [ByteString])
        XCTAssertEqual(l.popFront(), "a")
        XCTAssertEqual(l.popBack(), "c")
        XCTAssertEqual(l.popFront(), "b")
        XCTAssertEqual(l.count, 0)
        XCTAssertTrue(l.elements.isEmpty)
        XCTAssertNil(l.popFront())
        XCTAssertNil(l.popBack())
        l.pushBack("z")
        XCTAssertEqual(Array(l.elements), ["z"])
    }

    func testLongPushFrontThenPopBackShrinks() {
        // Many pushes at the front (recentring each time there is no room), then pops at the
        // back well past the sparse threshold.
        let l = ListValue()
        var model: [ByteString] = []
        for i in 0..<5_000 { let v = ByteString("f\(i)"); l.pushFront(v); model.insert(v, at: 0) }
        check(l, model, "after pushFront")
        for _ in 0..<4_990 { XCTAssertEqual(l.popBack(), model.popLast()) }
        check(l, model, "after popBack")
        for i in 0..<100 { let v = ByteString("g\(i)"); l.pushFront(v); model.insert(v, at: 0) }
        check(l, model, "after more pushFront")
        l.keep(10..<20); model = Array(model[10..<20])
        check(l, model, "after keep")
        l.keep(0..<0)
        check(l, [], "after keep nothing")
    }
}
