// ByteString: the binary-safe string every key and value is made of.
//
// Redis keeps keys and values in `sds` strings: a length, then the bytes, so a value may hold
// `\0`, `\r\n` or any byte at all. We do the same, with one twist that matters in Swift: strings
// of up to 23 bytes live *inline*, inside the struct's own 32 bytes, and need no heap allocation.
// Most keys (`user:1000`, `key:000000012345`) and many values are that short.
//
//     inline (count <= 23)                    heap (count > 23)
//     ┌─storage─┬──w0──┬──w1──┬──w2──────┐     ┌─storage─┬──w0──┬─w1─┬─w2─┐
//     │   nil   │ bytes 0..7 8..15 16..22│len│ │  ref ───┼─▶ ByteStorage: count, bytes…
//     └─────────┴──────┴──────┴──────────┘     └─────────┴──────┴────┴────┘
//
// Redis: sds.c (sdsnewlen, sdslen), and the OBJ_ENCODING_EMBSTR trick in object.c, which also
// keeps short strings in the same allocation as their header.
// SIMPLIFICATION: Redis has five sds header sizes and a free-space field for appends; we have one
// heap layout and grow an uniquely owned buffer in place when appending.

import CSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The heap buffer behind a ByteString longer than 23 bytes. The header is the byte count.
public final class ByteStorage: ManagedBuffer<Int, UInt8> {
    @inlinable @inline(__always)
    static func make(count: Int, capacity: Int) -> ByteStorage {
        let b = ByteStorage.create(minimumCapacity: capacity) { _ in count }
        return unsafeDowncast(b, to: ByteStorage.self)
    }
}

/// A binary-safe byte string, inline up to 23 bytes, heap-allocated beyond.
///
/// INVARIANT: a string of at most `inlineCapacity` bytes is always inline, so two equal strings
/// always have the same representation, and unused inline bytes are zero.
///
/// Redis: sds (src/sds.c)
public struct ByteString: @unchecked Sendable {
    // `storage` comes first on purpose: the spare bits of its pointer are then in the first word,
    // where an enum wrapping a ByteString (RedisObject) can put its case tag at no extra size.
    @usableFromInline var storage: ByteStorage?
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64

    /// Strings up to this many bytes are stored inside the struct.
    public static let inlineCapacity = 23

    /// Bytes on the heap behind this string: none when it is inline, else its buffer as malloc
    /// sized it (ManagedBuffer's capacity is the allocation's usable size) plus the buffer's
    /// object header and count. MEMORY USAGE adds these up. Redis: sdsZmallocSize (src/sds.c)
    public var heapBytes: Int {
        guard let storage else { return 0 }
        return storage.capacity + 3 * MemoryLayout<Int>.size
    }

    /// The empty string.
    @inlinable public init() { storage = nil; w0 = 0; w1 = 0; w2 = 0 }

    /// Copies `count` bytes starting at `base`.
    @inlinable
    public init(_ base: UnsafeRawPointer?, count: Int) {
        if count <= ByteString.inlineCapacity {
            storage = nil
            var words: (UInt64, UInt64, UInt64) = (0, 0, UInt64(count) << 56)
            if count > 0, let base {
                withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: count) }
            }
            w0 = words.0; w1 = words.1; w2 = words.2
        } else {
            let s = ByteStorage.make(count: count, capacity: count)
            s.withUnsafeMutablePointerToElements { $0.update(from: base!.assumingMemoryBound(to: UInt8.self), count: count) }
            storage = s
            w0 = UInt64(count); w1 = 0; w2 = 0
        }
    }

    /// Copies the bytes of a raw buffer.
    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer) { self.init(buffer.baseAddress, count: buffer.count) }

    /// Copies a byte array.
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let a = Array(bytes)
        self = a.withUnsafeBytes { ByteString($0) }
    }

    /// The UTF-8 bytes of a Swift string (for replies and tests; never for user data).
    public init(_ string: String) {
        var s = string
        self = s.withUTF8 { ByteString(UnsafeRawBufferPointer($0)) }
    }

    /// The decimal form of an integer, as Redis stores `SET k 10` or the result of `INCR`.
    public init(_ value: Int64) {
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let n = withUnsafeMutableBytes(of: &buf) { formatInt64(value, into: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        self = Swift.withUnsafeBytes(of: &buf) { ByteString($0.baseAddress, count: n) }
    }

    /// The number of bytes.
    @inlinable public var count: Int {
        if let s = storage { return s.header }
        return Int(truncatingIfNeeded: w2 >> 56)
    }

    @inlinable public var isEmpty: Bool { count == 0 }
    @inlinable public var isInline: Bool { storage == nil }

    /// Calls `body` with the bytes. The pointer is valid only inside `body`.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let s = storage {
            let n = s.header
            return try s.withUnsafeMutablePointerToElements { try body(UnsafeRawBufferPointer(start: $0, count: n)) }
        }
        var words = (w0, w1, w2)
        let n = Int(truncatingIfNeeded: w2 >> 56)
        return try Swift.withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(start: $0.baseAddress, count: n)) }
    }

    /// The bytes as an array (for tests and slow paths).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The byte at `i`.
    public subscript(i: Int) -> UInt8 { withUnsafeBytes { $0[i] } }

    /// The bytes decoded as UTF-8, invalid sequences repaired (for logs and error texts only).
    public var stringValue: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
}

// MARK: - Equality, hashing, ordering

extension ByteString: Equatable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    @inlinable
    public static func == (a: ByteString, b: ByteString) -> Bool {
        switch (a.storage, b.storage) {
        case (nil, nil): return a.w0 == b.w0 && a.w1 == b.w1 && a.w2 == b.w2
        case let (x?, y?):
            if x === y { return true }
            let n = x.header
            if n != y.header { return false }
            return x.withUnsafeMutablePointerToElements { px in
                y.withUnsafeMutablePointerToElements { py in memcmp(px, py, n) == 0 }
            }
        default: return false  // by the invariant, different lengths
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash64(seed: 0)) }

    /// A fast 64-bit hash of the bytes (a small multiply-mix in the style of wyhash).
    ///
    /// Redis: dictGenHashFunction (src/dict.c), which uses SipHash. SIMPLIFICATION: SipHash costs
    /// 20-35 ns a lookup in Swift; this mix costs a few, and a random seed per process still keeps
    /// an attacker from choosing keys that collide.
    @inlinable
    public func hash64(seed: UInt64) -> UInt64 {
        if storage == nil {
            return Hash64.mix(Hash64.mix(w0 ^ seed ^ Hash64.p0, w1 ^ Hash64.p1) ^ w2, seed ^ Hash64.p2)
        }
        return withUnsafeBytes { Hash64.hash($0, seed: seed) }
    }

    /// Byte-wise comparison, shorter first on a common prefix (memcmp order, as Redis's sdscmp).
    public static func < (a: ByteString, b: ByteString) -> Bool { a.compare(b) < 0 }

    /// memcmp-style comparison: negative, zero or positive. Redis: sdscmp (src/sds.c)
    public func compare(_ other: ByteString) -> Int {
        withUnsafeBytes { x in
            other.withUnsafeBytes { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : Int(memcmp(x.baseAddress!, y.baseAddress!, n))
                return c != 0 ? c : x.count - y.count
            }
        }
    }

    public var description: String { "\"" + RESPEscape.escape(self, limit: Int.max) + "\"" }

    public init(stringLiteral value: String) { self.init(value) }
}

/// The hash function behind ByteString.hash64 (a wyhash-style multiply-and-fold).
public enum Hash64 {
    public static let p0: UInt64 = 0xa076_1d64_78bd_642f
    public static let p1: UInt64 = 0xe703_7ed1_a0b4_28db
    public static let p2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    @inlinable @inline(__always)
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inlinable
    public static func hash(_ buf: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed ^ p0 ^ UInt64(buf.count)
        var i = 0
        let n = buf.count
        while i + 16 <= n {
            let a = buf.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = buf.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            h = mix(a ^ h ^ p1, b ^ p2)
            i += 16
        }
        var a: UInt64 = 0, b: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            if shift < 64 { a |= UInt64(buf[i]) << shift } else { b |= UInt64(buf[i]) << (shift - 64) }
            shift += 8; i += 1
        }
        return mix(mix(a ^ h ^ p1, b ^ p2), h ^ p0)
    }
}

// MARK: - Numbers, as Redis reads and writes them

extension ByteString {
    /// Parses the whole string as a signed 64-bit integer, exactly as Redis's `string2ll`: no
    /// spaces, no `+`, no leading zeros, no `-0`, and nothing after the digits.
    ///
    /// Redis: string2ll (src/util.c)
    public var int64Value: Int64? { withUnsafeBytes { ByteString.parseInt64($0) } }

    /// `string2ll` on raw bytes. Redis: string2ll (src/util.c)
    public static func parseInt64(_ p: UnsafeRawBufferPointer) -> Int64? {
        let n = p.count
        if n == 0 || n > 20 { return nil }
        if n == 1 && p[0] == UInt8(ascii: "0") { return 0 }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") {
            negative = true; i = 1
            if n == 1 { return nil }
        }
        guard p[i] >= UInt8(ascii: "1") && p[i] <= UInt8(ascii: "9") else { return nil }
        var v: UInt64 = 0
        while i < n {
            let c = p[i]
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { return nil }
            v = s; i += 1
        }
        if negative {
            if v > UInt64(Int64.max) + 1 { return nil }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        return v > UInt64(Int64.max) ? nil : Int64(v)
    }

    /// Parses the whole string as a double, as Redis's `string2d`: no leading space, no NaN.
    ///
    /// Redis: string2d (src/util.c)
    public var doubleValue: Double? {
        withUnsafeBytes { p -> Double? in
            if p.count == 0 || p.count > 5000 { return nil }
            if isspace(Int32(p[0])) != 0 { return nil }
            var buf = [CChar](repeating: 0, count: p.count + 1)
            for i in 0..<p.count { buf[i] = CChar(bitPattern: p[i]) }
            return buf.withUnsafeMutableBufferPointer { b -> Double? in
                var end: UnsafeMutablePointer<CChar>? = nil
                errno = 0
                let v = strtod(b.baseAddress!, &end)
                if end != b.baseAddress! + p.count { return nil }
                if v.isNaN { return nil }
                if errno == ERANGE && (v.isInfinite || v == 0) { return nil }
                return v
            }
        }
    }
}

/// Writes the decimal form of `v` at `out` (room for 20 bytes) and returns its length.
/// Redis: ll2string (src/util.c)
@inlinable
public func formatInt64(_ v: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var u = v < 0 ? UInt64(bitPattern: 0 &- v) : UInt64(v)
    if v == Int64.min { u = UInt64(Int64.max) + 1 }
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return withUnsafeMutableBytes(of: &tmp) { raw -> Int in
        let t = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var i = 0
        repeat {
            t[i] = UInt8(48 + u % 10); u /= 10; i += 1
        } while u > 0
        var n = 0
        if v < 0 { out[0] = UInt8(ascii: "-"); n = 1 }
        while i > 0 { i -= 1; out[n] = t[i]; n += 1 }
        return n
    }
}

// MARK: - Building and editing

extension ByteString {
    /// Appends bytes. A heap buffer owned only by this string grows in place, doubling its
    /// capacity, so that repeated APPENDs cost amortised O(1) per byte, as sdsMakeRoomFor does.
    /// Redis: sdscatlen, sdsMakeRoomFor (src/sds.c)
    public mutating func append(_ p: UnsafeRawBufferPointer) {
        let old = count
        let total = old + p.count
        if p.count == 0 { return }
        if total <= ByteString.inlineCapacity {
            var words: (UInt64, UInt64, UInt64) = (w0, w1, (w2 & 0x00ff_ffff_ffff_ffff) | UInt64(total) << 56)
            Swift.withUnsafeMutableBytes(of: &words) { ($0.baseAddress! + old).copyMemory(from: p.baseAddress!, byteCount: p.count) }
            w0 = words.0; w1 = words.1; w2 = words.2
            return
        }
        if storage != nil && isKnownUniquelyReferenced(&storage) && storage!.capacity >= total {
            storage!.withUnsafeMutablePointerToElements { ($0 + old).update(from: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: p.count) }
            storage!.header = total
            w0 = UInt64(total)
            return
        }
        let capacity = total < 1024 * 1024 ? total * 2 : total + 1024 * 1024
        let s = ByteStorage.make(count: total, capacity: capacity)
        s.withUnsafeMutablePointerToElements { dst in
            withUnsafeBytes { src in
                if old > 0 { dst.update(from: src.baseAddress!.assumingMemoryBound(to: UInt8.self), count: old) }
            }
            (dst + old).update(from: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: p.count)
        }
        storage = s
        w0 = UInt64(total); w1 = 0; w2 = 0
    }

    /// Appends another string. Redis: sdscatsds
    public mutating func append(_ other: ByteString) {
        other.withUnsafeBytes { append($0) }
    }

    /// Writes `p` at `offset`, zero-filling any gap past the end (SETRANGE).
    /// Redis: sdsgrowzero + memcpy in setrangeCommand (src/t_string.c)
    public mutating func overwrite(at offset: Int, with p: UnsafeRawBufferPointer) {
        var bytes = self.bytes
        if bytes.count < offset + p.count { bytes += [UInt8](repeating: 0, count: offset + p.count - bytes.count) }
        for i in 0..<p.count { bytes[offset + i] = p[i] }
        self = ByteString(bytes)
    }

    /// `count` bytes starting at `start` (both within bounds).
    public func slice(_ start: Int, _ length: Int) -> ByteString {
        withUnsafeBytes { ByteString($0.baseAddress! + start, count: length) }
    }
}

extension ByteString {
    /// A double in Redis 6.2's form for scores and replies: "%.17g", "inf", "-inf".
    /// Redis: the snprintf "%.17g" of addReplyDouble (src/networking.c) and zsetConvert… (src/t_zset.c)
    public init(g17 v: Double) {
        var buf = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        self = withUnsafeMutableBytes(of: &buf) { b in
            let p = b.baseAddress!.assumingMemoryBound(to: CChar.self)
            let n = Int(csys_fmt_g17(v, p, b.count))
            return ByteString(UnsafeRawBufferPointer(start: b.baseAddress!, count: n))
        }
    }
}
