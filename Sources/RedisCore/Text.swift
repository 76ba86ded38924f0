// Two small text algorithms that several chapters share.
//
// - `splitQuotedArgs`: Redis's sdssplitargs (src/sds.c), which splits redis.conf lines and inline
//   requests (`SET "a b" 'c'`) into words, with "double quotes" understanding \n \r \t \b \a \\
//   \" and \xHH, and 'single quotes' understanding only \'.
// - `globMatch`: Redis's stringmatchlen (src/util.c), the glob behind KEYS, SCAN MATCH and
//   CONFIG GET: `*`, `?`, `[abc]`, `[^a-z]`, `\x`.

/// Splits a line into words as Redis's `sdssplitargs`; nil on unbalanced quotes.
/// Redis: sdssplitargs (src/sds.c)
public func splitQuotedArgs(_ line: [UInt8]) -> [[UInt8]]? {
    func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }
    func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
    var result: [[UInt8]] = []
    var i = 0
    let n = line.count
    while true {
        while i < n && isSpace(line[i]) { i += 1 }
        if i >= n { return result }
        var inDouble = false, inSingle = false, done = false
        var current: [UInt8] = []
        while !done {
            if inDouble {
                if i >= n { return nil }
                let c = line[i]
                if c == UInt8(ascii: "\\") && i + 3 < n && line[i + 1] == UInt8(ascii: "x"),
                   let h = hexValue(line[i + 2]), let l = hexValue(line[i + 3]) {
                    current.append(h << 4 | l); i += 3
                } else if c == UInt8(ascii: "\\") && i + 1 < n {
                    i += 1
                    switch line[i] {
                    case UInt8(ascii: "n"): current.append(10)
                    case UInt8(ascii: "r"): current.append(13)
                    case UInt8(ascii: "t"): current.append(9)
                    case UInt8(ascii: "b"): current.append(8)
                    case UInt8(ascii: "a"): current.append(7)
                    default: current.append(line[i])
                    }
                } else if c == UInt8(ascii: "\"") {
                    // A closing quote must be followed by a space or the end.
                    if i + 1 < n && !isSpace(line[i + 1]) { return nil }
                    done = true
                } else {
                    current.append(c)
                }
            } else if inSingle {
                if i >= n { return nil }
                let c = line[i]
                if c == UInt8(ascii: "\\") && i + 1 < n && line[i + 1] == UInt8(ascii: "'") {
                    i += 1; current.append(UInt8(ascii: "'"))
                } else if c == UInt8(ascii: "'") {
                    if i + 1 < n && !isSpace(line[i + 1]) { return nil }
                    done = true
                } else {
                    current.append(c)
                }
            } else {
                if i >= n { done = true; break }
                let c = line[i]
                // Only these end an unquoted word; other white space is part of it. Redis: sdssplitargs
                if c == 32 || c == 10 || c == 13 || c == 9 || c == 0 { done = true }
                else if c == UInt8(ascii: "\"") { inDouble = true }
                else if c == UInt8(ascii: "'") { inSingle = true }
                else { current.append(c) }
            }
            if i < n { i += 1 }
        }
        result.append(current)
    }
}

extension ByteString {
    /// True when the whole string matches the glob `pattern`. Redis: stringmatchlen (src/util.c)
    public func globMatch(_ pattern: ByteString, noCase: Bool = false) -> Bool {
        pattern.withUnsafeBytes { p in
            withUnsafeBytes { s in
                var skipLonger = false
                return globMatchBytes(p, 0, s, 0, noCase: noCase, nesting: 0, skipLonger: &skipLonger)
            }
        }
    }
}

private func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

/// `skipLonger`: set once a `*` has tried every remaining suffix and failed; a longer match
/// for an outer `*` cannot succeed then, so every level gives up at once. Without it a pattern
/// like `a*a*a*a*b` takes exponential time (CVE-2022-36021, fixed in Redis 6.2.11).
private func globMatchBytes(_ p: UnsafeRawBufferPointer, _ pi0: Int, _ s: UnsafeRawBufferPointer, _ si0: Int,
                            noCase: Bool, nesting: Int, skipLonger: inout Bool) -> Bool {
    // Redis caps the recursion so that a pattern like "a*a*a*…" cannot exhaust the stack.
    if nesting > 1000 { return false }
    var pi = pi0, si = si0
    while pi < p.count && si < s.count {
        switch p[pi] {
        case UInt8(ascii: "*"):
            while pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*") { pi += 1 }
            if pi + 1 == p.count { return true }
            while si < s.count {
                if globMatchBytes(p, pi + 1, s, si, noCase: noCase, nesting: nesting + 1, skipLonger: &skipLonger) { return true }
                if skipLonger { return false }
                si += 1
            }
            skipLonger = true
            return false
        case UInt8(ascii: "?"):
            si += 1
        case UInt8(ascii: "["):
            pi += 1
            let not = pi < p.count && p[pi] == UInt8(ascii: "^")
            if not { pi += 1 }
            var match = false
            while true {
                if pi >= p.count { pi -= 1; break }
                if p[pi] == UInt8(ascii: "\\") && pi + 2 <= p.count - 1 + 1 && pi + 1 < p.count {
                    pi += 1
                    if p[pi] == s[si] { match = true }
                } else if p[pi] == UInt8(ascii: "]") {
                    break
                } else if pi + 2 < p.count && p[pi + 1] == UInt8(ascii: "-") {
                    var start = p[pi], end = p[pi + 2], c = s[si]
                    if start > end { swap(&start, &end) }
                    if noCase { start = lower(start); end = lower(end); c = lower(c) }
                    pi += 2
                    if c >= start && c <= end { match = true }
                } else {
                    if noCase ? lower(p[pi]) == lower(s[si]) : p[pi] == s[si] { match = true }
                }
                pi += 1
            }
            if not { match = !match }
            if !match { return false }
            si += 1
        case UInt8(ascii: "\\") where pi + 1 < p.count:
            pi += 1
            fallthrough
        default:
            if noCase ? lower(p[pi]) != lower(s[si]) : p[pi] != s[si] { return false }
            si += 1
        }
        pi += 1
        if si == s.count {
            while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
            break
        }
    }
    return pi == p.count && si == s.count
}

/// The text of a NUL-terminated C buffer.
public func cString(_ buf: [CChar]) -> String {
    let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
