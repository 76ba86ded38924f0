// How a command is written into the AOF: as the multibulk a client would send.
//
//     SET k v  ─▶  *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
//
// and how relative times become absolute on the way, so that replaying the file later cannot
// lengthen a key's life:
//
//     EXPIRE k 10 / PEXPIRE k 10000 / EXPIREAT k t  ─▶  PEXPIREAT k <unix ms>
//     SET k v PX 10000  (what SET … EX, SETEX, PSETEX propagate)  ─▶  SET k v PXAT <unix ms>
//
// Redis: catAppendOnlyGenericCommand, catAppendOnlyExpireAtCommand, feedAppendOnlyFile (src/aof.c)

import RedisCore

/// RESP encoding of commands for the AOF.
public enum AOFEncoding {
    /// Appends `*argc\r\n` and one `$len\r\nbytes\r\n` per argument. Redis: catAppendOnlyGenericCommand
    public static func append(_ argv: [ByteString], to out: inout [UInt8]) {
        header(UInt8(ascii: "*"), argv.count, &out)
        for a in argv {
            header(UInt8(ascii: "$"), a.count, &out)
            a.withUnsafeBytes { out.append(contentsOf: $0) }
            out.append(13); out.append(10)
        }
    }

    /// The encoding of one command, as bytes.
    public static func encode(_ argv: [ByteString]) -> [UInt8] {
        var out: [UInt8] = []
        append(argv, to: &out)
        return out
    }

    static func header(_ prefix: UInt8, _ n: Int, _ out: inout [UInt8]) {
        out.append(prefix)
        out.append(contentsOf: String(n).utf8)
        out.append(13); out.append(10)
    }

    /// `argv` with relative expiry times turned into absolute ones. `name` is argv[0] in lower case.
    /// Redis: the translations at the top of feedAppendOnlyFile (src/aof.c)
    public static func absoluteTimes(_ name: ByteString, _ argv: [ByteString], nowMs: Int64) -> [ByteString] {
        switch name {
        case "expire", "pexpire", "expireat":
            // Redis: catAppendOnlyExpireAtCommand
            guard argv.count == 3, var when = argv[2].int64Value else { return argv }
            if name != "pexpire" { when = when.multipliedReportingOverflow(by: 1000).partialValue }
            if name != "expireat" { when = when.addingReportingOverflow(nowMs).partialValue }
            return ["PEXPIREAT", argv[1], ByteString(when)]
        case "set":
            // SET key value PX ms, as setGenericCommand propagates it: index 3 is the unit.
            guard argv.count == 5, argv[3].equalsIgnoringCase("px"), let ms = argv[4].int64Value else { return argv }
            return [argv[0], argv[1], argv[2], "PXAT", ByteString(ms.addingReportingOverflow(nowMs).partialValue)]
        default:
            return argv
        }
    }
}
