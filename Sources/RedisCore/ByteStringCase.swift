// Case-insensitive helpers for command names and option words (`get`, `GET`, `Get`).
//
// Redis compares command names with strcasecmp and looks them up in a dict whose hash and
// compare functions ignore case (dictSdsCaseHash, dictSdsKeyCaseCompare in src/server.c).
// We lower-case the name once instead, eight bytes at a time for inline strings.

extension ByteString {
    /// The string with ASCII letters in lower case (command names, option words).
    @inlinable
    public var lowercasedASCII: ByteString {
        if isInline {
            // Eight letters at a time: add 0x20 to every byte in 'A'...'Z'.
            var copy = self
            copy.w0 = ByteString.lowerWord(w0)
            copy.w1 = ByteString.lowerWord(w1)
            copy.w2 = ByteString.lowerWord(w2 & 0x00ff_ffff_ffff_ffff) | (w2 & 0xff00_0000_0000_0000)
            return copy
        }
        return withUnsafeBytes { ByteString($0.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }) }
    }

    @inlinable @inline(__always)
    static func lowerWord(_ w: UInt64) -> UInt64 {
        var out: UInt64 = 0
        for i in stride(from: 0, to: 64, by: 8) {
            var b = (w >> UInt64(i)) & 0xff
            if b >= 65 && b <= 90 { b += 32 }
            out |= b << UInt64(i)
        }
        return out
    }

    /// Case-insensitive comparison with an ASCII word (option names like `EX`, `NX`).
    @inlinable
    public func equalsIgnoringCase(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        if count != n { return false }
        let p = word.utf8Start
        return withUnsafeBytes { b in
            for i in 0..<n {
                var c = b[i]
                if c >= 65 && c <= 90 { c += 32 }
                var d = p[i]
                if d >= 65 && d <= 90 { d += 32 }
                if c != d { return false }
            }
            return true
        }
    }
}
