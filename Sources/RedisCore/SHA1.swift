// SHA-1 (FIPS 180-4), for DEBUG DIGEST: Redis hashes the whole dataset with it, so a test can
// tell whether two servers (a master and its replica, or before and after DEBUG RELOAD) hold the
// same data. It is not used for anything secret; SHA-1 is only a well-known, fixed mixing function.
//
// The algorithm, in short: pad the message to a multiple of 64 bytes (a 1 bit, zeros, then the
// length in bits as a big-endian 64-bit number); for each 64-byte block expand 16 words into 80,
// run 80 rounds over five 32-bit state words, and add the result to the state.
//
// Redis: SHA1Init, SHA1Update, SHA1Final, SHA1Transform (src/sha1.c, Steve Reid's public-domain code)
// SIMPLIFICATION: none in the result; we keep the pending block in a fixed 64-byte array.

/// An incremental SHA-1 hash. Redis: SHA1_CTX (src/sha1.h)
public struct SHA1 {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    /// The bytes of a block not yet full.
    private var block = [UInt8](repeating: 0, count: 64)
    private var used = 0
    /// Total message length in bytes.
    private var length: UInt64 = 0

    /// A fresh hash. Redis: SHA1Init (src/sha1.c)
    public init() {}

    /// Adds bytes to the message. Redis: SHA1Update (src/sha1.c)
    public mutating func update(_ p: UnsafeRawBufferPointer) {
        length &+= UInt64(p.count)
        var i = 0
        while i < p.count {
            let n = min(64 - used, p.count - i)
            for k in 0..<n { block[used + k] = p[i + k] }
            used += n
            i += n
            if used == 64 { transform(); used = 0 }
        }
    }

    /// Adds the bytes of an array. Redis: SHA1Update (src/sha1.c)
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads, finishes and returns the 20-byte digest. Redis: SHA1Final (src/sha1.c)
    public mutating func finish() -> [UInt8] {
        let bits = length &* 8
        var pad: [UInt8] = [0x80]
        let afterOne = (used + 1) % 64
        pad += [UInt8](repeating: 0, count: afterOne <= 56 ? 56 - afterOne : 120 - afterOne)
        for s in stride(from: 56, through: 0, by: -8) { pad.append(UInt8(truncatingIfNeeded: bits >> UInt64(s))) }
        pad.withUnsafeBytes { update($0) }
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for w in [h.0, h.1, h.2, h.3, h.4] {
            out += [UInt8(w >> 24), UInt8(truncatingIfNeeded: w >> 16), UInt8(truncatingIfNeeded: w >> 8), UInt8(truncatingIfNeeded: w)]
        }
        return out
    }

    /// The digest of one buffer.
    public static func hash(_ p: UnsafeRawBufferPointer) -> [UInt8] {
        var s = SHA1()
        s.update(p)
        return s.finish()
    }

    /// The digest of an array of bytes.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Lower-case hex, as DEBUG DIGEST prints a digest.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - One block

    /// Mixes the 64 bytes in `block` into the state. Redis: SHA1Transform (src/sha1.c)
    private mutating func transform() {
        var w = [UInt32](repeating: 0, count: 80)
        for t in 0..<16 {
            w[t] = UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16
                | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
        }
        for t in 16..<80 { w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
        var (a, b, c, d, e) = h
        for t in 0..<80 {
            let f: UInt32, k: UInt32
            switch t {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
            default: f = b ^ c ^ d; k = 0xCA62_C1D6
            }
            let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
            e = d; d = c; c = rotl(b, 30); b = a; a = temp
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
    }

    @inline(__always) private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}

// MARK: - Redis's names

extension SHA1 {
    @available(*, unavailable, renamed: "init()")
    public static func SHA1Init() -> SHA1 { SHA1() }
    @available(*, unavailable, renamed: "update")
    public mutating func SHA1Update(_ p: UnsafeRawBufferPointer) {}
    @available(*, unavailable, renamed: "finish")
    public mutating func SHA1Final() -> [UInt8] { [] }
}
