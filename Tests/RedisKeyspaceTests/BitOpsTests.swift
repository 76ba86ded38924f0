// The bit arithmetic of BitCommands.swift without sockets: the word-at-a-time popcount, bitpos
// and BITOP combine checked against a bit-by-bit model on random buffers at every alignment, and
// BITFIELD's overflow checks against exact arithmetic in a wider integer.

import XCTest
@testable import RedisKeyspace
import RedisCore

final class BitOpsTests: XCTestCase {
    private var rng = SeededRNG(state: 42)

    private func randomBytes(_ n: Int, density: UInt64) -> [UInt8] {
        (0..<n).map { _ in
            // Mostly runs of 0x00 or 0xff, so that the word skips in bitpos are exercised.
            switch rng.next() % density { case 0: UInt8(truncatingIfNeeded: rng.next()); case 1: 0xff; default: 0 }
        }
    }

    /// Bit `i` of `b`, bit 0 the most significant of byte 0.
    private func bit(_ b: [UInt8], _ i: Int) -> Int { Int(b[i >> 3] >> (7 - UInt8(i & 7))) & 1 }

    func testPopcountAndBitposAgreeWithABitByBitModel() {
        for n in 0..<70 {
            for density: UInt64 in [2, 5, 40] {
                let b = randomBytes(n, density: density)
                for start in [0, 1, 3, 7].filter({ $0 <= n }) {
                    let slice = Array(b[start...])
                    slice.withUnsafeBytes { p in
                        XCTAssertEqual(BitOps.popcount(p), (0..<(slice.count * 8)).filter { bit(slice, $0) == 1 }.count)
                        for want in [0, 1] {
                            let model = (0..<(slice.count * 8)).first { bit(slice, $0) == want } ?? (want == 1 ? -1 : slice.count * 8)
                            XCTAssertEqual(BitOps.bitpos(p, bit: want), model, "n \(n) start \(start) bit \(want)")
                        }
                    }
                }
            }
        }
    }

    func testCombinePadsTheShorterSourceWithZeros() {
        for _ in 0..<200 {
            let a = randomBytes(Int(rng.next() % 40), density: 3), b = randomBytes(Int(rng.next() % 40), density: 3)
            let n = max(a.count, b.count)
            for (op, f) in [(BitOps.Operation.and, { (x: UInt8, y: UInt8) in x & y }), (.or, { $0 | $1 }), (.xor, { $0 ^ $1 })] {
                var out = a + Array(repeating: 0, count: n - a.count)
                out.withUnsafeMutableBytes { o in b.withUnsafeBytes { BitOps.combine(o, $0, op) } }
                let model = (0..<n).map { f($0 < a.count ? a[$0] : 0, $0 < b.count ? b[$0] : 0) }
                XCTAssertEqual(out, model, "\(op)")
            }
        }
    }

    func testFieldsReadBackWhatWasWritten() {
        var buf = [UInt8](repeating: 0, count: 32)
        for _ in 0..<500 {
            let signed = rng.next() % 2 == 0
            let bits = Int(rng.next() % (signed ? 64 : 63)) + 1
            let offset = Int(rng.next() % UInt64(32 * 8 - bits))
            let v = rng.next() & (bits == 64 ? UInt64.max : (1 << UInt64(bits)) - 1)
            buf.withUnsafeMutableBytes { BitOps.set($0, offset, bits, v) }
            buf.withUnsafeBytes { p in
                XCTAssertEqual(BitOps.getUnsigned(p, offset, bits), v)
                let s = BitOps.getSigned(p, offset, bits)
                let expected = bits < 64 && v >> UInt64(bits - 1) != 0 ? Int64(bitPattern: v | (.max << UInt64(bits))) : Int64(bitPattern: v)
                XCTAssertEqual(s, expected)
            }
        }
        // Past the end reads as zeros.
        [UInt8(0xff)].withUnsafeBytes { XCTAssertEqual(BitOps.getUnsigned($0, 4, 8), 0xf0) }
    }

    /// The overflow checks against exact sums: fits, or wraps to the low bits, or saturates.
    func testOverflowChecksAgreeWithExactArithmetic() {
        let edges: [Int64] = [0, 1, -1, 2, 100, -100, 127, -128, 255, .max, .min, .max - 1, .min + 1]
        for bits in [1, 2, 7, 8, 13, 32, 63, 64] {
            let maxS = bits == 64 ? Int128(Int64.max) : (Int128(1) << (bits - 1)) - 1, minS = -maxS - 1
            for _ in 0..<300 {
                let pick = { (r: inout SeededRNG) -> Int64 in r.next() % 3 == 0 ? Int64(bitPattern: r.next()) >> (r.next() % 64)
                                                                               : edges[Int(r.next() % UInt64(edges.count))] }
                let anyIncr = pick(&rng)
                // A value as the field could hold it (INCRBY), or any value within ±2^62 (SET,
                // increment 0); beyond, Redis's own differences wrap (the next test).
                let any = Int128(pick(&rng)), setValue = rng.next() % 2 == 0
                let value = Int64(setValue ? max(-(Int128(1) << 62), min(Int128(1) << 62, any)) : max(minS, min(maxS, any)))
                let incr = setValue ? 0 : anyIncr
                let sum = Int128(value) + Int128(incr)
                for mode in [BitOps.Overflow.wrap, .sat, .fail] {
                    let (over, got) = BitOps.checkSigned(value, incr, bits, mode)
                    XCTAssertEqual(over, sum > maxS || sum < minS, "i\(bits) \(value) + \(incr)")
                    if !over { XCTAssertEqual(Int128(got), sum) }
                    if over && mode == .sat { XCTAssertEqual(Int128(got), sum > maxS ? maxS : minS) }
                    if over && mode == .wrap {
                        let low = UInt64(truncatingIfNeeded: sum) & (bits == 64 ? .max : (1 << UInt64(bits)) - 1)
                        XCTAssertEqual(UInt64(bitPattern: got) & (bits == 64 ? .max : (1 << UInt64(bits)) - 1), low)
                        XCTAssert(Int128(got) <= maxS && Int128(got) >= minS)
                    }
                }
            }
            guard bits < 64 else { continue }
            let maxU = (UInt64(1) << UInt64(bits)) - 1
            for _ in 0..<300 {
                // INCRBY on a value the field holds, or SET (increment 0) of any 64-bit pattern.
                let setValue = rng.next() % 4 == 0
                let incr = setValue ? 0 : Int64(bitPattern: rng.next()) >> (rng.next() % 64)
                let value = setValue ? rng.next() : rng.next() & maxU
                let sum = Int128(value) + Int128(incr)
                for mode in [BitOps.Overflow.wrap, .sat] {
                    let (over, got) = BitOps.checkUnsigned(value, incr, bits, mode)
                    XCTAssertEqual(over, sum > Int128(maxU) || sum < 0, "u\(bits) \(value) + \(incr)")
                    if !over { XCTAssertEqual(Int128(got), sum) }
                    if over && mode == .sat { XCTAssertEqual(got, sum < 0 ? 0 : maxU) }
                    if over && mode == .wrap { XCTAssertEqual(got, UInt64(truncatingIfNeeded: sum) & maxU) }
                }
            }
        }
    }

    /// Where Redis's C differences wrap, we wrap with them: SET i8 to -2^63 under SAT gives
    /// +127, as a real redis-server answers (checkSignedBitfieldOverflow computes 127 - value).
    func testSignedOverflowKeepsRedissQuirkForHugeNegativeSets() {
        XCTAssertEqual(BitOps.checkSigned(.min, 0, 8, .sat).1, 127)
        XCTAssertEqual(BitOps.checkSigned(-200, 0, 8, .sat).1, -128)
        XCTAssertEqual(BitOps.checkSigned(.min, 0, 64, .sat).1, .min)
    }
}
