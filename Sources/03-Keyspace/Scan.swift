// What SCAN, HSCAN, SSCAN and ZSCAN share: the options after the cursor, the loop that walks a
// table a few buckets per call, and the reply.
//
//     SCAN  cursor          [MATCH pattern] [COUNT n] [TYPE t]   the keys of the database
//     HSCAN key cursor      [MATCH pattern] [COUNT n]            field, value, field, value…
//     SSCAN key cursor      [MATCH pattern] [COUNT n]            member, member…
//     ZSCAN key cursor      [MATCH pattern] [COUNT n]            member, score, member, score…
//
// A value kept in a hash table is walked with the same reverse-binary cursor as the keyspace
// (Dict.scan). A value in a compact encoding (a small hash or sorted set in a ziplist, a set of
// integers in an intset) has no buckets to resume from, and is small by definition: the first
// call returns all of it, with cursor 0. COUNT is a hint, not a limit, in both cases.
//
// Redis: scanGenericCommand, parseScanCursorOrReply (src/db.c)

import RedisCore
import RedisRESP

/// The options of the SCAN family. Redis: the option loop of scanGenericCommand (src/db.c)
struct ScanOptions {
    /// Elements to collect per call, about. Redis: count (default 10)
    var count = 10
    /// Only elements (or keys, or fields, or members) matching this glob; nil matches all.
    var pattern: ByteString?
    /// SCAN only: keys of this type. Redis: typename
    var type: ByteString?

    /// Reads the options from `c.argv[from...]`, or replies with Redis's error and returns nil.
    /// TYPE is an option of SCAN alone: for the others it is a syntax error, as in Redis.
    init?(_ c: Client, from: Int, allowType: Bool) {
        var j = from
        while j < c.argv.count {
            let more = c.argv.count - j - 1
            if c.argv[j].equalsIgnoringCase("count") && more >= 1 {
                guard let n = c.argv[j + 1].int64Value else { c.addReplyError(Err.notInteger); return nil }
                if n < 1 { c.addReplyError(Err.syntax); return nil }
                count = Int(min(n, Int64(Int32.max)))
                j += 2
            } else if c.argv[j].equalsIgnoringCase("match") && more >= 1 {
                pattern = c.argv[j + 1]
                if pattern == "*" { pattern = nil }
                j += 2
            } else if allowType && c.argv[j].equalsIgnoringCase("type") && more >= 1 {
                type = c.argv[j + 1]
                j += 2
            } else {
                c.addReplyError(Err.syntax); return nil
            }
        }
    }
}

/// Where HSCAN, SSCAN and ZSCAN find a value's elements.
enum ScanSource {
    /// A compact encoding: every element at once; the scan is over after one call.
    case whole([ByteString])
    /// A hash table: `step` visits the buckets at one cursor, appends their elements and returns
    /// the next cursor (0 when the walk is complete). Redis: dictScan (src/dict.c)
    case table((UInt64, inout [ByteString]) -> UInt64)
}

extension Keyspace {
    /// Calls `step` from `cursor` until about `count` elements are collected, visiting at most
    /// count × 10 cursor positions (a sparse table may have few elements in many buckets).
    /// Returns the cursor to give back to the client. Redis: the dictScan loop of scanGenericCommand
    func scanSteps(from cursor: UInt64, count: Int, into out: inout [ByteString],
                   _ step: (UInt64, inout [ByteString]) -> UInt64) -> UInt64 {
        var cursor = cursor
        var budget = count * 10
        repeat {
            cursor = step(cursor, &out)
            budget -= 1
        } while cursor != 0 && budget > 0 && out.count < count
        return cursor
    }

    /// Replies `[cursor, [elements…]]`, the shape of every SCAN reply (in RESP3 too).
    func addReplyScan(_ c: Client, cursor: UInt64, _ elements: [ByteString]) {
        c.addReplyArrayLen(2)
        c.addReplyBulk(String(cursor))
        c.addReplyArrayLen(elements.count)
        for e in elements { c.addReplyBulk(e) }
    }

    /// HSCAN, SSCAN, ZSCAN key cursor [MATCH pattern] [COUNT count], in Redis's order of checks:
    /// the cursor, then the key and its type, then the options. `source` gives the value's
    /// elements, or nil when the key holds another type. `pairs`: elements come two by two
    /// (field and value, member and score) and MATCH looks at the first of each pair only.
    /// Redis: hscanCommand, sscanCommand, zscanCommand (src/t_*.c), scanGenericCommand (src/db.c)
    func scanValueCommand(_ c: Client, pairs: Bool, _ source: (RedisObject) -> ScanSource?) {
        guard let cursor = parseScanCursorOrReply(c, c.argv[2]) else { return }
        guard let o = lookupRead(db(c), c.argv[1]) else { addReplyEmptyScan(c); return }
        guard let from = source(o) else { c.addReplyError(Err.wrongType); return }
        guard let options = ScanOptions(c, from: 3, allowType: false) else { return }
        var elements: [ByteString] = []
        var next: UInt64 = 0
        switch from {
        case .whole(let all): elements = all
        case .table(let step): next = scanSteps(from: cursor, count: options.count, into: &elements, step)
        }
        if let pattern = options.pattern {
            let stride = pairs ? 2 : 1
            var kept: [ByteString] = []
            var i = 0
            while i + stride <= elements.count {
                if elements[i].globMatch(pattern) { kept.append(contentsOf: elements[i..<(i + stride)]) }
                i += stride
            }
            elements = kept
        }
        addReplyScan(c, cursor: next, elements)
    }

    /// The cursor argument, or nil after replying `ERR invalid cursor`.
    /// Redis: parseScanCursorOrReply (src/db.c)
    func parseScanCursorOrReply(_ c: Client, _ arg: ByteString) -> UInt64? {
        guard let cursor = parseScanCursor(arg) else { c.addReplyError(Err.invalidCursor); return nil }
        return cursor
    }

    /// The reply for a key that does not exist: an empty, finished scan. Redis: shared.emptyscan
    func addReplyEmptyScan(_ c: Client) { c.addReply("*2\r\n$1\r\n0\r\n*0\r\n") }
}
