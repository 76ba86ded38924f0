// String commands: GET, SET and their family, counters, ranges.
//
// A Redis string is a byte string of up to 512 MB (proto-max-bulk-len). Counters are strings
// too: INCR parses the value as a 64-bit integer, adds, and stores the decimal text back; there
// is no separate integer type on the wire, which is why `SET n 10` followed by `INCR n` works.
//
// Two details that surprise people, and that we keep:
// - SET drops a key's TTL unless given KEEPTTL; INCR, APPEND and SETRANGE keep it (they modify
//   the value, they do not replace the key). Redis: setKey vs dbOverwrite.
// - INCRBYFLOAT computes in `long double` and prints with 17 decimals, trailing zeros removed,
//   so `INCRBYFLOAT x 0.1` on 10.5 gives `10.6`, not `10.599999999999999`.
//
// Redis: src/t_string.c

import CSystem
import RedisCore
import RedisRESP

/// Redis's shared error replies (src/server.c, createSharedObjects).
public enum Err {
    public static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    public static let syntax = "ERR syntax error"
    public static let notInteger = "ERR value is not an integer or out of range"
    public static let notFloat = "ERR value is not a valid float"
    public static let overflow = "ERR increment or decrement would overflow"
    public static let noSuchKey = "ERR no such key"
    public static let tooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    public static let invalidCursor = "ERR invalid cursor"
    /// A count that must not be negative. Redis: getPositiveLongFromObjectOrReply (src/object.c)
    public static let notPositive = "ERR value is out of range, must be positive"
    /// A count that is negated, so LONG_MIN is refused. Redis: getRangeLongFromObjectOrReply
    public static let negatableRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    public static let nanOrInfinity = "ERR increment would produce NaN or Infinity"
}

/// The options of SET and GETEX. Redis: OBJ_SET_NX, OBJ_SET_XX, OBJ_EX… (src/t_string.c)
struct SetFlags: OptionSet {
    let rawValue: Int
    static let nx = SetFlags(rawValue: 1)
    static let xx = SetFlags(rawValue: 2)
    static let ex = SetFlags(rawValue: 4)
    static let px = SetFlags(rawValue: 8)
    static let keepTTL = SetFlags(rawValue: 16)
    static let get = SetFlags(rawValue: 32)
    static let exat = SetFlags(rawValue: 64)
    static let pxat = SetFlags(rawValue: 128)
    static let persist = SetFlags(rawValue: 256)
    static let anyExpire: SetFlags = [.ex, .px, .exat, .pxat]
}

extension Keyspace {
    /// Registers the string commands, with Redis 6.2's arity and flags.
    func registerStringCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("get", 2, "read-only fast @string", 1, 1, 1) { ks.getCommand($0) })
        t.register(RedisCommand("getex", -2, "write fast @string", 1, 1, 1) { ks.getexCommand($0) })
        t.register(RedisCommand("getdel", 2, "write fast @string", 1, 1, 1) { ks.getdelCommand($0) })
        t.register(RedisCommand("set", -3, "write use-memory @string", 1, 1, 1) { ks.setCommand($0) })
        t.register(RedisCommand("setnx", 3, "write use-memory fast @string", 1, 1, 1) { ks.setnxCommand($0) })
        t.register(RedisCommand("setex", 4, "write use-memory @string", 1, 1, 1) { ks.setexCommand($0, milliseconds: false) })
        t.register(RedisCommand("psetex", 4, "write use-memory @string", 1, 1, 1) { ks.setexCommand($0, milliseconds: true) })
        t.register(RedisCommand("append", 3, "write use-memory fast @string", 1, 1, 1) { ks.appendCommand($0) })
        t.register(RedisCommand("strlen", 2, "read-only fast @string", 1, 1, 1) { ks.strlenCommand($0) })
        t.register(RedisCommand("setrange", 4, "write use-memory @string", 1, 1, 1) { ks.setrangeCommand($0) })
        t.register(RedisCommand("getrange", 4, "read-only @string", 1, 1, 1) { ks.getrangeCommand($0) })
        t.register(RedisCommand("substr", 4, "read-only @string", 1, 1, 1) { ks.getrangeCommand($0) })
        t.register(RedisCommand("incr", 2, "write use-memory fast @string", 1, 1, 1) { ks.incrDecr($0, by: 1) })
        t.register(RedisCommand("decr", 2, "write use-memory fast @string", 1, 1, 1) { ks.incrDecr($0, by: -1) })
        t.register(RedisCommand("incrby", 3, "write use-memory fast @string", 1, 1, 1) { ks.incrbyCommand($0, sign: 1) })
        t.register(RedisCommand("decrby", 3, "write use-memory fast @string", 1, 1, 1) { ks.incrbyCommand($0, sign: -1) })
        t.register(RedisCommand("incrbyfloat", 3, "write use-memory fast @string", 1, 1, 1) { ks.incrbyfloatCommand($0) })
        t.register(RedisCommand("getset", 3, "write use-memory fast @string", 1, 1, 1) { ks.getsetCommand($0) })
        t.register(RedisCommand("mget", -2, "read-only fast @string", 1, -1, 1) { ks.mgetCommand($0) })
        t.register(RedisCommand("mset", -3, "write use-memory @string", 1, -1, 2) { ks.msetCommand($0, nx: false) })
        t.register(RedisCommand("msetnx", -3, "write use-memory @string", 1, -1, 2) { ks.msetCommand($0, nx: true) })
    }

    // MARK: - GET and SET

    // snippet.getCommand
    /// GET key. Redis: getCommand, getGenericCommand (src/t_string.c)
    @discardableResult
    func getCommand(_ c: Client) -> Bool {
        guard let o = lookupRead(db(c), c.argv[1]) else { c.addReplyNull(); return true }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return false }
        c.addReplyBulk(s)
        return true
    }
    // snippet.end

    /// Parses SET/GETEX options from argv[3...] (argv[2...] for GETEX). Returns the flags and the
    /// expire argument, or nil after replying with the error.
    /// Redis: parseExtendedStringArgumentsOrReply (src/t_string.c)
    func parseSetOptions(_ c: Client, from: Int, isSet: Bool) -> (SetFlags, ByteString?)? {
        var flags: SetFlags = []
        var expire: ByteString?
        var j = from
        while j < c.argv.count {
            let opt = c.argv[j]
            let hasNext = j + 1 < c.argv.count
            if isSet && opt.equalsIgnoringCase("nx") && !flags.contains(.xx) && !flags.contains(.get) {
                flags.insert(.nx)
            } else if isSet && opt.equalsIgnoringCase("xx") && !flags.contains(.nx) {
                flags.insert(.xx)
            } else if isSet && opt.equalsIgnoringCase("get") && !flags.contains(.nx) {
                flags.insert(.get)
            } else if isSet && opt.equalsIgnoringCase("keepttl") && flags.isDisjoint(with: SetFlags.anyExpire.union(.persist)) {
                flags.insert(.keepTTL)
            } else if !isSet && opt.equalsIgnoringCase("persist") && flags.isDisjoint(with: SetFlags.anyExpire.union(.keepTTL)) {
                flags.insert(.persist)
            } else if hasNext, let unit = expireUnit(opt),
                      flags.isDisjoint(with: SetFlags.anyExpire.subtracting(unit).union([.keepTTL, .persist])) {
                // The same option twice is allowed (the last one wins); two different ones are not.
                flags.insert(unit)
                expire = c.argv[j + 1]
                j += 1
            } else {
                c.addReplyError(Err.syntax)
                return nil
            }
            j += 1
        }
        return (flags, expire)
    }

    private func expireUnit(_ opt: ByteString) -> SetFlags? {
        if opt.equalsIgnoringCase("ex") { return .ex }
        if opt.equalsIgnoringCase("px") { return .px }
        if opt.equalsIgnoringCase("exat") { return .exat }
        if opt.equalsIgnoringCase("pxat") { return .pxat }
        return nil
    }

    /// The absolute expiry in ms for an EX/PX/EXAT/PXAT argument, or nil after replying.
    /// Redis: getExpireMillisecondsOrReply (src/t_string.c)
    func expireMilliseconds(_ c: Client, _ arg: ByteString, _ flags: SetFlags, command: String) -> Int64? {
        guard var ms = arg.int64Value else { c.addReplyError(Err.notInteger); return nil }
        let seconds = !flags.isDisjoint(with: [.ex, .exat])
        if ms <= 0 || (seconds && ms > Int64.max / 1000) {
            c.addReplyError("ERR invalid expire time in \(command)")
            return nil
        }
        if seconds { ms *= 1000 }
        if !flags.isDisjoint(with: [.ex, .px]) {
            if ms > Int64.max - nowMs {
                c.addReplyError("ERR invalid expire time in \(command)")
                return nil
            }
            ms += nowMs
        }
        return ms
    }

    // snippet.setGenericCommand
    /// The common part of SET, SETNX, SETEX and PSETEX. Redis: setGenericCommand (src/t_string.c)
    func setGeneric(_ c: Client, _ flags: SetFlags, _ key: ByteString, _ value: ByteString, expire: ByteString?,
                    command: String, okReply: StaticString = "+OK\r\n", abortReply: StaticString? = nil) {
        var when: Int64 = 0
        if let expire {
            guard let ms = expireMilliseconds(c, expire, flags, command: command) else { return }
            when = ms
        }
        let d = db(c)
        let found = lookupWrite(d, key) != nil
        if (flags.contains(.nx) && found) || (flags.contains(.xx) && !found) {
            if !flags.contains(.get) {
                if let abortReply { c.addReply(abortReply) } else { c.addReplyNull() }
            } else {
                _ = getCommand(c)
            }
            return
        }
        if flags.contains(.get) && !getCommand(c) { return }
        setKey(d, key, .string(value), keepTTL: flags.contains(.keepTTL))
        dirty += 1
        if expire != nil {
            setExpire(d, key, atMs: when)
            // Propagate SET key value PX <ms> (or PXAT <unix ms> for EXAT/PXAT), whatever the
            // client wrote (SETEX, PSETEX, SET … EX): the AOF then turns PX into PXAT, so a
            // reload never stretches a key's life. Redis: the end of setGenericCommand (6.2).
            let absolute = !flags.isDisjoint(with: [.exat, .pxat])
            c.argv = ["SET", key, value, absolute ? "PXAT" : "PX", ByteString(absolute ? when : when - nowMs)]
        }
        if !flags.contains(.get) { c.addReply(okReply) }
    }
    // snippet.end

    /// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]. Redis: setCommand
    func setCommand(_ c: Client) {
        if c.argv.count == 3 {
            // The common case, without options: skip the option parser.
            setGeneric(c, [], c.argv[1], c.argv[2], expire: nil, command: "set")
            return
        }
        guard let (flags, expire) = parseSetOptions(c, from: 3, isSet: true) else { return }
        setGeneric(c, flags, c.argv[1], c.argv[2], expire: expire, command: "set")
    }

    /// SETNX key value. Redis: setnxCommand
    func setnxCommand(_ c: Client) {
        setGeneric(c, .nx, c.argv[1], c.argv[2], expire: nil, command: "setnx", okReply: ":1\r\n", abortReply: ":0\r\n")
    }

    /// SETEX key seconds value, PSETEX key ms value. Redis: setexCommand, psetexCommand
    func setexCommand(_ c: Client, milliseconds: Bool) {
        setGeneric(c, milliseconds ? .px : .ex, c.argv[1], c.argv[3], expire: c.argv[2],
                   command: milliseconds ? "psetex" : "setex")
    }

    /// GETEX key [EX s|PX ms|EXAT t|PXAT t|PERSIST]. Redis: getexCommand (src/t_string.c)
    func getexCommand(_ c: Client) {
        guard let (flags, expire) = parseSetOptions(c, from: 2, isSet: false) else { return }
        let d = db(c)
        let key = c.argv[1]
        guard let o = lookupRead(d, key) else { c.addReplyNull(); return }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
        // Redis checks the expire argument only once it knows the key is a string.
        var when: Int64 = 0
        if let expire {
            guard let ms = expireMilliseconds(c, expire, flags, command: "getex") else { return }
            when = ms
        }
        c.addReplyBulk(s)
        if expire != nil {
            if when <= nowMs && !loading {
                // Already in the past: delete now, and propagate as DEL.
                delete(d, key)
                c.argv = ["DEL", key]
            } else {
                setExpire(d, key, atMs: when)
                // Propagate as an absolute time, so a replica or a reload agrees. Redis does the
                // same rewrite in getexCommand.
                c.argv = ["PEXPIREAT", key, ByteString(when)]
            }
            keyModified?(d.id, key)
            dirty += 1
        } else if flags.contains(.persist) {
            if removeExpire(d, key) {
                c.argv = ["PERSIST", key]
                keyModified?(d.id, key)
                dirty += 1
            }
        }
    }

    /// GETDEL key. Redis: getdelCommand (src/t_string.c)
    func getdelCommand(_ c: Client) {
        guard getCommand(c) else { return }
        if delete(db(c), c.argv[1]) { dirty += 1 }
    }

    /// GETSET key value. Redis: getsetCommand (src/t_string.c)
    func getsetCommand(_ c: Client) {
        guard getCommand(c) else { return }
        setKey(db(c), c.argv[1], .string(c.argv[2]))
        dirty += 1
    }

    // MARK: - Several keys

    /// MGET key [key …]: a nil for every missing key or non-string. Redis: mgetCommand
    func mgetCommand(_ c: Client) {
        let d = db(c)
        c.addReplyArrayLen(c.argv.count - 1)
        for j in 1..<c.argv.count {
            if case .string(let s)? = lookupRead(d, c.argv[j]) { c.addReplyBulk(s) } else { c.addReplyNull() }
        }
    }

    /// MSET key value [key value …] and MSETNX. Redis: msetGenericCommand (src/t_string.c)
    func msetCommand(_ c: Client, nx: Bool) {
        if c.argv.count % 2 == 0 {
            // Both report MSET: Redis 6.2 shares the text between the two commands.
            c.addReplyError("ERR wrong number of arguments for MSET")
            return
        }
        let d = db(c)
        if nx {
            for j in stride(from: 1, to: c.argv.count, by: 2) where lookupWrite(d, c.argv[j]) != nil {
                c.addReply(":0\r\n")
                return
            }
        }
        for j in stride(from: 1, to: c.argv.count, by: 2) {
            setKey(d, c.argv[j], .string(c.argv[j + 1]))
        }
        dirty += Int64((c.argv.count - 1) / 2)
        if nx { c.addReply(":1\r\n") } else { c.addReplyOK() }
    }

    // MARK: - Counters

    // snippet.incrDecrCommand
    /// INCR, DECR, INCRBY, DECRBY: parse, add with an overflow check, store the decimal text.
    /// The TTL is kept. Redis: incrDecrCommand (src/t_string.c)
    func incrDecr(_ c: Client, by incr: Int64) {
        let d = db(c)
        let key = c.argv[1]
        var value: Int64 = 0
        let o = lookupWrite(d, key)
        if let o {
            guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
            guard let v = s.int64Value else { c.addReplyError(Err.notInteger); return }
            value = v
        }
        let (sum, overflow) = value.addingReportingOverflow(incr)
        if overflow { c.addReplyError(Err.overflow); return }
        let i = d.dict.find(key)
        if i != 0 { d.dict.setValue(.string(ByteString(sum)), at: i) } else { d.dict.insert(key, .string(ByteString(sum))) }
        keyModified?(d.id, key)
        dirty += 1
        c.addReplyLongLong(sum)
    }
    // snippet.end

    /// INCRBY key n, DECRBY key n. Redis: incrbyCommand, decrbyCommand
    func incrbyCommand(_ c: Client, sign: Int64) {
        guard let n = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        if sign < 0 && n == Int64.min { c.addReplyError("ERR decrement would overflow"); return }
        incrDecr(c, by: sign * n)
    }

    /// INCRBYFLOAT key increment, in long double; propagated as SET … KEEPTTL so that every
    /// replica stores the same text. Redis: incrbyfloatCommand (src/t_string.c)
    func incrbyfloatCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1]
        var current: ByteString?
        if let o = lookupWrite(d, key) {
            guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
            current = s
        }
        var out = [CChar](repeating: 0, count: 5 * 1024 + 64)
        let n: Int32 = c.argv[2].withUnsafeBytes { inc in
            let incPtr = inc.baseAddress?.assumingMemoryBound(to: CChar.self)
            return out.withUnsafeMutableBufferPointer { o in
                if let current {
                    return current.withUnsafeBytes { cur in
                        csys_incrbyfloat(cur.baseAddress?.assumingMemoryBound(to: CChar.self) ?? incPtr, cur.count,
                                         incPtr, inc.count, o.baseAddress, o.count)
                    }
                }
                return csys_incrbyfloat(nil, 0, incPtr, inc.count, o.baseAddress, o.count)
            }
        }
        switch n {
        case -1, -2: c.addReplyError(Err.notFloat); return
        case ..<0: c.addReplyError(Err.nanOrInfinity); return
        default: break
        }
        let result = out.withUnsafeBytes { ByteString($0.baseAddress, count: Int(n)) }
        let i = d.dict.find(key)
        if i != 0 { d.dict.setValue(.string(result), at: i) } else { d.dict.insert(key, .string(result)) }
        keyModified?(d.id, key)
        dirty += 1
        c.addReplyBulk(result)
        c.argv = ["SET", key, result, "KEEPTTL"]
    }

    // MARK: - Length, ranges, appends

    /// APPEND key value; returns the new length. Redis: appendCommand (src/t_string.c)
    func appendCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1], add = c.argv[2]
        var total = add.count
        if let o = lookupWrite(d, key) {
            guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
            total = s.count + add.count
            if Int64(total) > maxStringLength { c.addReplyError(Err.tooBig); return }
            let i = d.dict.find(key)
            d.dict.modifyValue(at: i) { v in
                guard case .string(var str) = v else { return }
                v = .string(ByteString())  // let go of the buffer, so the append can grow it in place
                str.append(add)
                v = .string(str)
            }
        } else {
            d.dict.insert(key, .string(add))
        }
        keyModified?(d.id, key)
        dirty += 1
        c.addReplyLongLong(Int64(total))
    }

    /// STRLEN key. Redis: strlenCommand (src/t_string.c)
    func strlenCommand(_ c: Client) {
        guard let o = lookupRead(db(c), c.argv[1]) else { c.addReply(":0\r\n"); return }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
        c.addReplyLongLong(Int64(s.count))
    }

    /// GETRANGE key start end (inclusive, negative from the end). Redis: getrangeCommand
    func getrangeCommand(_ c: Client) {
        guard var start = c.argv[2].int64Value, var end = c.argv[3].int64Value else {
            c.addReplyError(Err.notInteger); return
        }
        guard let o = lookupRead(db(c), c.argv[1]) else { c.addReply("$0\r\n\r\n"); return }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
        let len = Int64(s.count)
        if start < 0 && end < 0 && start > end { c.addReply("$0\r\n\r\n"); return }
        if start < 0 { start = len + start }
        if end < 0 { end = len + end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= len { end = len - 1 }
        if start > end || len == 0 { c.addReply("$0\r\n\r\n"); return }
        s.withUnsafeBytes { c.addReplyBulk(UnsafeRawBufferPointer(rebasing: $0[Int(start)...Int(end)])) }
    }

    /// SETRANGE key offset value; zero-pads a gap; returns the new length. Redis: setrangeCommand
    func setrangeCommand(_ c: Client) {
        guard let offset = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        if offset < 0 { c.addReplyError("ERR offset is out of range"); return }
        let d = db(c)
        let key = c.argv[1], value = c.argv[3]
        var current = ByteString()
        if let o = lookupWrite(d, key) {
            guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
            current = s
            if value.isEmpty { c.addReplyLongLong(Int64(s.count)); return }
        } else if value.isEmpty {
            c.addReply(":0\r\n"); return
        }
        if offset + Int64(value.count) > maxStringLength { c.addReplyError(Err.tooBig); return }
        value.withUnsafeBytes { current.overwrite(at: Int(offset), with: $0) }
        let i = d.dict.find(key)
        if i != 0 { d.dict.setValue(.string(current), at: i) } else { d.dict.insert(key, .string(current)) }
        keyModified?(d.id, key)
        dirty += 1
        c.addReplyLongLong(Int64(current.count))
    }
}
