// How bytes are shown to people: in trace payloads, in log lines, in `redis-cli`-style output.
//
// Redis: sdscatrepr (src/sds.c), which `MONITOR` and the log use. Printable ASCII stays as it is;
// `\\`, `"`, `\n`, `\r`, `\t`, `\a`, `\b` get their C escapes; every other byte becomes `\xHH`.

/// Escapes bytes the way Redis's `sdscatrepr` does, cutting long payloads short.
public enum RESPEscape {
    /// Escapes at most `limit` bytes of `bytes`; a longer input ends with `…`.
    ///
    /// Redis: sdscatrepr (src/sds.c)
    public static func escape(_ bytes: UnsafeRawBufferPointer, limit: Int) -> String {
        var out = ""
        out.reserveCapacity(min(bytes.count, limit) + 8)
        let hex: [Character] = Array("0123456789abcdef")
        for (i, b) in bytes.enumerated() {
            if i >= limit { out += "…"; break }
            switch b {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\""): out += "\\\""
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 9: out += "\\t"
            case 7: out += "\\a"
            case 8: out += "\\b"
            case 32...126: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "\\x"
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
        }
        return out
    }

    /// Escapes a ByteString (see `escape(_:limit:)`).
    public static func escape(_ s: ByteString, limit: Int) -> String {
        s.withUnsafeBytes { escape($0, limit: limit) }
    }

    /// Escapes a byte array (see `escape(_:limit:)`).
    public static func escape(_ a: [UInt8], limit: Int) -> String {
        a.withUnsafeBytes { escape($0, limit: limit) }
    }
}
