// Editing a ByteString's bytes where they are, for the commands that change a few bits of a
// long string (SETBIT, BITFIELD): rebuilding a 512 MB value to flip one bit would make each
// call cost as much as the whole string.
//
// The string first grows to the length asked for, the new bytes zero, as Redis's sdsgrowzero
// does; then the caller gets a mutable pointer to all of it. A heap buffer owned by this string
// alone is edited in place; a shared one is copied first (copy on write, as any Swift value).
//
// Redis: sdsgrowzero (src/sds.c), dbUnshareStringValue (src/db.c)

extension ByteString {
    /// Grows the string with zero bytes to at least `minimumCount` bytes, then calls `body` with
    /// its bytes to edit them in place. The pointer is valid only inside `body`.
    /// Redis: sdsgrowzero (src/sds.c)
    public mutating func editBytes<R>(growingTo minimumCount: Int,
                                      _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        let old = count
        let n = Swift.max(old, minimumCount)
        if n <= ByteString.inlineCapacity {
            // INVARIANT: the unused inline bytes are zero, so growing is only a new length; the
            // length lives in the last byte, which `body` (n <= 23 bytes) cannot reach.
            var words: (UInt64, UInt64, UInt64) = (w0, w1, (w2 & 0x00ff_ffff_ffff_ffff) | UInt64(n) << 56)
            defer { w0 = words.0; w1 = words.1; w2 = words.2 }
            return try Swift.withUnsafeMutableBytes(of: &words) {
                try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]))
            }
        }
        if storage == nil || !isKnownUniquelyReferenced(&storage) || storage!.capacity < n {
            // Grow as append does: doubling while small, so SETBIT at rising offsets stays
            // amortised O(1) per byte. Redis: sdsMakeRoomFor's greedy growth
            let capacity = n == old ? n : (n < 1024 * 1024 ? n * 2 : n + 1024 * 1024)
            let s = ByteStorage.make(count: old, capacity: capacity)
            s.withUnsafeMutablePointerToElements { dst in
                withUnsafeBytes { src in
                    if old > 0 { dst.update(from: src.baseAddress!.assumingMemoryBound(to: UInt8.self), count: old) }
                }
            }
            storage = s
            w1 = 0; w2 = 0
        }
        let s = storage!
        if n > old {
            s.withUnsafeMutablePointerToElements { ($0 + old).initialize(repeating: 0, count: n - old) }
        }
        s.header = n
        w0 = UInt64(n)
        return try s.withUnsafeMutablePointerToElements {
            try body(UnsafeMutableRawBufferPointer(start: $0, count: n))
        }
    }
}
