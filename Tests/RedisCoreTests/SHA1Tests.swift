// SHA-1 against the FIPS 180 test vectors (FIPS 180-2 appendix A, and the NIST "abc" set), so
// that DEBUG DIGEST can be compared with a real Redis's.

import RedisCore
import XCTest

final class SHA1Tests: XCTestCase {
    func hex(_ s: String) -> String { SHA1.hex(SHA1.hash(Array(s.utf8))) }

    func testFIPSVectors() {
        XCTAssertEqual(hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// One million 'a's, fed in uneven pieces: the block boundary handling of update.
    func testMillionAsInPieces() {
        var s = SHA1()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var left = 1_000_000
        while left > 0 {
            let n = min(left, piece.count)
            piece.withUnsafeBytes { s.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            left -= n
        }
        XCTAssertEqual(SHA1.hex(s.finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Messages of 55, 56 and 64 bytes put the length in the same block or the next one.
    func testPaddingEdges() {
        XCTAssertEqual(hex(String(repeating: "a", count: 55)), "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        XCTAssertEqual(hex(String(repeating: "a", count: 56)), "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        XCTAssertEqual(hex(String(repeating: "a", count: 64)), "0098ba824b5c16427bd7a1122a5a442a25ec644d")
    }
}
