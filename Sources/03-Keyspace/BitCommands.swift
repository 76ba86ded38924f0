// Bit commands: a string seen as an array of bits (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP) or as
// an array of small integers of any width (BITFIELD, BITFIELD_RO).
//
// There is no bitmap type: these commands work on the ordinary string values of the keyspace,
// so `SET k "a"` followed by `GETBIT k 1` answers 1 ('a' is 0x61 = 0110 0001). Bit 0 is the most
// significant bit of the first byte, so a bitmap reads left to right as it prints:
//
//     byte     0                 1
//     bits     0 1 2 3 4 5 6 7   8 9 …
//     'a'      0 1 1 0 0 0 0 1
//
// A bit past the end reads as 0; writing one grows the string with zero bytes, as SETRANGE does,
// up to proto-max-bulk-len bytes (2^32 bits by default).
//
// Redis: src/bitops.c (setbitCommand, getbitCommand, bitcountCommand, bitposCommand,
// bitopCommand, bitfieldGeneric, redisPopcount, redisBitpos, getBitOffsetFromArgument,
// checkUnsignedBitfieldOverflow, checkSignedBitfieldOverflow).
// SIMPLIFICATION: Redis counts bits and combines strings with unrolled word loops (and AVX2 in
// later versions); we use one 64-bit word at a time. A string changed by these commands keeps our
// usual OBJECT ENCODING (embstr or int when short), where Redis's turns raw.

import RedisCore
import RedisRESP

extension Err {
    static let bitOffset = "ERR bit offset is not an integer or out of range"
    static let bitValue = "ERR bit is not an integer or out of range"
    static let bitArgument = "ERR The bit argument must be 1 or 0."
    static let bitfieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
    static let bitfieldOverflow = "ERR Invalid OVERFLOW type specified"
    static let bitfieldReadOnly = "ERR BITFIELD_RO only supports the GET subcommand"
    static let bitopNot = "ERR BITOP NOT must be called with a single source key."
}

extension Keyspace {
    /// Registers the bit commands, with Redis 6.2's arity and flags.
    func registerBitCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("setbit", 4, "write use-memory @bitmap", 1, 1, 1) { ks.setbitCommand($0) })
        t.register(RedisCommand("getbit", 3, "read-only fast @bitmap", 1, 1, 1) { ks.getbitCommand($0) })
        t.register(RedisCommand("bitfield", -2, "write use-memory @bitmap", 1, 1, 1) { ks.bitfieldCommand($0) })
        t.register(RedisCommand("bitfield_ro", -2, "read-only fast @bitmap", 1, 1, 1) { ks.bitfieldroCommand($0) })
        t.register(RedisCommand("bitop", -4, "write use-memory @bitmap", 2, -1, 1) { ks.bitopCommand($0) })
        t.register(RedisCommand("bitcount", -2, "read-only @bitmap", 1, 1, 1) { ks.bitcountCommand($0) })
        t.register(RedisCommand("bitpos", -3, "read-only @bitmap", 1, 1, 1) { ks.bitposCommand($0) })
    }

    // MARK: - Arguments and the string to write

    /// Parses a bit offset: 0 … proto-max-bulk-len × 8 − 1. In BITFIELD (`hashBits` > 0) `#n`
    /// means the n-th field of that width, bit n × width. Nil after replying with the error.
    /// Redis: getBitOffsetFromArgument (src/bitops.c)
    func bitOffset(_ c: Client, _ arg: ByteString, hashBits: Int = 0) -> Int? {
        let v: Int64? = arg.withUnsafeBytes { p in
            guard hashBits > 0, p.count > 0, p[0] == UInt8(ascii: "#") else { return ByteString.parseInt64(p) }
            guard let n = ByteString.parseInt64(UnsafeRawBufferPointer(rebasing: p[1...])) else { return nil }
            // Redis multiplies without a check; an offset that overflows is refused here.
            let (bit, overflow) = n.multipliedReportingOverflow(by: Int64(hashBits))
            return overflow ? nil : bit
        }
        guard let v, v >= 0, v >> 3 < maxStringLength else { c.addReplyError(Err.bitOffset); return nil }
        return Int(v)
    }

    /// The table index of `key`'s string, creating an empty one if the key is missing; nil after
    /// a WRONGTYPE reply. The caller grows it with `editString`. Redis: lookupStringForBitCommand
    func lookupStringForBitCommand(_ c: Client, _ d: Database, _ key: ByteString) -> UInt32? {
        // lookupWrite by hand, to keep the table index (one hash lookup, not two) and to look at
        // the value's type without keeping a copy of it, which would make its buffer shared.
        if d.expires.count > 0 { _ = expireIfNeeded(d, key) }
        let i = d.dict.find(key)
        if i == 0 { return d.dict.insert(key, .string(ByteString())) }
        touch(d, i)
        guard case .string = d.dict.value(at: i) else { c.addReplyError(Err.wrongType); return nil }
        return i
    }

    // snippet.editString
    /// Grows the string at table index `i` with zero bytes to `count` bytes and lets `body` edit
    /// it where it lies: no copy of a long bitmap per SETBIT. Redis: sdsgrowzero in
    /// lookupStringForBitCommand (src/bitops.c)
    func editString<R>(_ d: Database, at i: UInt32, growingTo count: Int,
                       _ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        d.dict.modifyValue(at: i) { v in
            // INVARIANT: lookupStringForBitCommand checked that the value is a string.
            guard case .string(var s) = v else { preconditionFailure("editString on a non-string") }
            v = .string(ByteString())  // drop the table's reference, so `s` owns its buffer alone
            let r = s.editBytes(growingTo: count, body)
            v = .string(s)
            return r
        }
    }
    // snippet.end

    /// Makes a BITCOUNT/BITPOS range absolute: negative indexes count from the end, then both
    /// are clamped to the string. `start > end` afterwards means an empty range.
    private func clampRange(_ start: Int64, _ end: Int64, length: Int64) -> (Int64, Int64) {
        var start = start < 0 ? length + start : start
        var end = end < 0 ? length + end : end
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= length { end = length - 1 }
        return (start, end)
    }

    // MARK: - SETBIT, GETBIT

    // snippet.setbitCommand
    /// SETBIT key offset 0|1: sets or clears one bit and answers its old value. The string grows
    /// with zero bytes to reach the bit; its TTL is kept. Redis: setbitCommand (src/bitops.c)
    func setbitCommand(_ c: Client) {
        guard let offset = bitOffset(c, c.argv[2]) else { return }
        guard let on = c.argv[3].int64Value, on & ~1 == 0 else { c.addReplyError(Err.bitValue); return }
        let d = db(c), key = c.argv[1]
        guard let i = lookupStringForBitCommand(c, d, key) else { return }
        let byte = offset >> 3
        let mask = UInt8(0x80) >> UInt8(offset & 7)  // bit 0 is the byte's most significant
        let was = editString(d, at: i, growingTo: byte + 1) { p in
            let old = p[byte] & mask != 0
            if on == 1 { p[byte] |= mask } else { p[byte] &= ~mask }
            return old
        }
        keyModified?(d.id, key)
        dirty += 1
        c.addReply(was ? ":1\r\n" : ":0\r\n")
    }
    // snippet.end

    /// GETBIT key offset: 0 past the end of the string or for a missing key.
    /// Redis: getbitCommand (src/bitops.c)
    func getbitCommand(_ c: Client) {
        guard let offset = bitOffset(c, c.argv[2]) else { return }
        guard let o = lookupRead(db(c), c.argv[1]) else { c.addReply(":0\r\n"); return }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
        let byte = offset >> 3
        let on = s.withUnsafeBytes { byte < $0.count && $0[byte] & (UInt8(0x80) >> UInt8(offset & 7)) != 0 }
        c.addReply(on ? ":1\r\n" : ":0\r\n")
    }

    // MARK: - BITCOUNT, BITPOS

    /// BITCOUNT key [start end]: the set bits in a range of bytes (inclusive, negative from the
    /// end). The key is looked up before the range is parsed, as 6.2 does, so a missing key
    /// answers 0 whatever the arguments. Redis: bitcountCommand (src/bitops.c)
    func bitcountCommand(_ c: Client) {
        guard let o = lookupRead(db(c), c.argv[1]) else { c.addReply(":0\r\n"); return }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
        let length = Int64(s.count)
        var start: Int64 = 0, end = length - 1
        if c.argv.count == 4 {
            guard let a = c.argv[2].int64Value, let b = c.argv[3].int64Value else {
                c.addReplyError(Err.notInteger); return
            }
            // Both from the end and in the wrong order: empty, before clamping could make it not.
            if a < 0 && b < 0 && a > b { c.addReply(":0\r\n"); return }
            (start, end) = clampRange(a, b, length: length)
        } else if c.argv.count != 2 {
            c.addReplyError(Err.syntax); return
        }
        if start > end { c.addReply(":0\r\n"); return }
        let bits = s.withUnsafeBytes { BitOps.popcount(UnsafeRawBufferPointer(rebasing: $0[Int(start)...Int(end)])) }
        c.addReplyLongLong(Int64(bits))
    }

    /// BITPOS key bit [start [end]]: the first bit equal to `bit` in a range of bytes, or -1.
    /// A missing key is all zeros (0 for bit 0, -1 for bit 1); without an explicit end the
    /// string is taken as padded with zeros on the right, so looking for a 0 in all ones answers
    /// the first bit past the end; with an end given, -1. Redis: bitposCommand (src/bitops.c)
    func bitposCommand(_ c: Client) {
        guard let bit = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        guard bit == 0 || bit == 1 else { c.addReplyError(Err.bitArgument); return }
        guard let o = lookupRead(db(c), c.argv[1]) else { c.addReplyLongLong(bit == 1 ? -1 : 0); return }
        guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
        let length = Int64(s.count)
        var start: Int64 = 0, end = length - 1
        let endGiven = c.argv.count == 5
        if c.argv.count == 4 || c.argv.count == 5 {
            guard let a = c.argv[3].int64Value else { c.addReplyError(Err.notInteger); return }
            var b = end
            if endGiven {
                guard let given = c.argv[4].int64Value else { c.addReplyError(Err.notInteger); return }
                b = given
            }
            (start, end) = clampRange(a, b, length: length)
        } else if c.argv.count != 3 {
            c.addReplyError(Err.syntax); return
        }
        // An empty range holds neither a 0 nor a 1.
        if start > end { c.addReplyLongLong(-1); return }
        let bytes = Int(end - start + 1)
        let pos = s.withUnsafeBytes { BitOps.bitpos(UnsafeRawBufferPointer(rebasing: $0[Int(start)...Int(end)]), bit: Int(bit)) }
        if endGiven && bit == 0 && pos == bytes * 8 { c.addReplyLongLong(-1); return }
        c.addReplyLongLong(pos == -1 ? -1 : Int64(pos) + start * 8)
    }

    // MARK: - BITOP

    /// BITOP AND|OR|XOR|NOT destkey key [key …]: combines strings byte by byte, the shorter ones
    /// padded with zeros, stores the result (dropping destkey's TTL) and answers its length. An
    /// empty result (every source missing or empty) deletes destkey. Redis: bitopCommand
    func bitopCommand(_ c: Client) {
        guard let op = BitOps.Operation(c.argv[1]) else { c.addReplyError(Err.syntax); return }
        if op == .not && c.argv.count != 4 { c.addReplyError(Err.bitopNot); return }
        let d = db(c)
        var sources: [ByteString] = []
        sources.reserveCapacity(c.argv.count - 3)
        var maxLength = 0
        for j in 3..<c.argv.count {
            guard let o = lookupRead(d, c.argv[j]) else { sources.append(ByteString()); continue }
            guard case .string(let s) = o else { c.addReplyError(Err.wrongType); return }
            sources.append(s)
            maxLength = max(maxLength, s.count)
        }
        let key = c.argv[2]
        if maxLength == 0 {
            if delete(d, key) { dirty += 1 }
            c.addReply(":0\r\n")
            return
        }
        var result = ByteString()
        result.editBytes(growingTo: maxLength) { out in
            sources[0].withUnsafeBytes { out.copyMemory(from: $0) }
            if op == .not {
                // The zero padding past the source's end turns to ones too.
                for k in 0..<out.count { out[k] = ~out[k] }
                return
            }
            for s in sources.dropFirst() { s.withUnsafeBytes { BitOps.combine(out, $0, op) } }
        }
        setKey(d, key, .string(result))
        dirty += 1
        c.addReplyLongLong(Int64(maxLength))
    }

    // MARK: - BITFIELD

    /// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
    /// [OVERFLOW WRAP|SAT|FAIL] …. Redis: bitfieldCommand (src/bitops.c)
    func bitfieldCommand(_ c: Client) { bitfieldGeneric(c, readOnly: false) }

    /// BITFIELD_RO key [GET type offset] …: BITFIELD limited to GET, so that it may run on a
    /// read-only replica. Redis: bitfieldroCommand (src/bitops.c)
    func bitfieldroCommand(_ c: Client) { bitfieldGeneric(c, readOnly: true) }

    /// Parses a field type, `i1`…`i64` or `u1`…`u63`: nil after replying with the error.
    /// Redis: getBitfieldTypeFromArgument (src/bitops.c)
    func bitfieldType(_ c: Client, _ arg: ByteString) -> (signed: Bool, bits: Int)? {
        let type: (Bool, Int)? = arg.withUnsafeBytes { p in
            guard p.count > 0, p[0] == UInt8(ascii: "i") || p[0] == UInt8(ascii: "u") else { return nil }
            let signed = p[0] == UInt8(ascii: "i")
            // Redis reads the width as a C string, up to the first NUL byte.
            let end = p[1...].firstIndex(of: 0) ?? p.count
            guard let bits = ByteString.parseInt64(UnsafeRawBufferPointer(rebasing: p[1..<end])),
                  bits >= 1, bits <= (signed ? 64 : 63) else { return nil }
            return (signed, Int(bits))
        }
        guard let type else { c.addReplyError(Err.bitfieldType); return nil }
        return type
    }

    /// Parses every subcommand first (any error replies before anything is read or written),
    /// then runs them in order on one string. Redis: bitfieldGeneric (src/bitops.c)
    func bitfieldGeneric(_ c: Client, readOnly: Bool) {
        var ops: [BitOps.FieldOp] = []
        var overflow = BitOps.Overflow.wrap
        var writes = 0
        var highestBit = 0
        var j = 2
        let argc = c.argv.count
        while j < argc {
            let remaining = argc - j - 1
            let sub = c.argv[j]
            let kind: BitOps.FieldOp.Kind
            if sub.equalsIgnoringCase("get") && remaining >= 2 {
                kind = .get
            } else if sub.equalsIgnoringCase("set") && remaining >= 3 {
                kind = .set
            } else if sub.equalsIgnoringCase("incrby") && remaining >= 3 {
                kind = .incrby
            } else if sub.equalsIgnoringCase("overflow") && remaining >= 1 {
                guard let mode = BitOps.Overflow(c.argv[j + 1]) else { c.addReplyError(Err.bitfieldOverflow); return }
                overflow = mode  // applies to the SETs and INCRBYs that follow it
                j += 2
                continue
            } else {
                c.addReplyError(Err.syntax); return
            }
            guard let (signed, bits) = bitfieldType(c, c.argv[j + 1]),
                  let offset = bitOffset(c, c.argv[j + 2], hashBits: bits) else { return }
            var value: Int64 = 0
            if kind != .get {
                writes += 1
                highestBit = max(highestBit, offset + bits - 1)
                guard let v = c.argv[j + 3].int64Value else { c.addReplyError(Err.notInteger); return }
                value = v
            }
            ops.append(BitOps.FieldOp(kind: kind, signed: signed, bits: bits, offset: offset, value: value, overflow: overflow))
            j += kind == .get ? 3 : 4
        }

        let d = db(c), key = c.argv[1]
        if writes == 0 {
            var s = ByteString()
            if let o = lookupRead(d, key) {
                guard case .string(let str) = o else { c.addReplyError(Err.wrongType); return }
                s = str
            }
            c.addReplyArrayLen(ops.count)
            s.withUnsafeBytes { p in for op in ops { c.addReplyLongLong(BitOps.get(p, op)) } }
            return
        }
        if readOnly { c.addReplyError(Err.bitfieldReadOnly); return }
        guard let i = lookupStringForBitCommand(c, d, key) else { return }
        c.addReplyArrayLen(ops.count)
        editString(d, at: i, growingTo: (highestBit >> 3) + 1) { p in
            for op in ops {
                if op.kind == .get { c.addReplyLongLong(BitOps.get(UnsafeRawBufferPointer(p), op)); continue }
                if let reply = BitOps.write(p, op) { c.addReplyLongLong(reply) } else { c.addReplyNull() }
            }
        }
        keyModified?(d.id, key)
        // Every SET and INCRBY counts, even one that FAIL refused. Redis: server.dirty += changes
        dirty += Int64(writes)
    }
}

// MARK: - The bit arithmetic

/// The bit-level work of the commands above, on raw bytes: no keyspace, no client.
enum BitOps {
    /// A BITOP operation. Redis: BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT (src/bitops.c)
    enum Operation {
        case and, or, xor, not

        init?(_ name: ByteString) {
            if name.equalsIgnoringCase("and") { self = .and }
            else if name.equalsIgnoringCase("or") { self = .or }
            else if name.equalsIgnoringCase("xor") { self = .xor }
            else if name.equalsIgnoringCase("not") { self = .not }
            else { return nil }
        }

        @inline(__always)
        func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
            switch self {
            case .and: return a & b
            case .or: return a | b
            case .xor: return a ^ b
            case .not: return ~a
            }
        }
    }

    /// What BITFIELD does when a SET or INCRBY does not fit the field.
    /// Redis: BFOVERFLOW_WRAP, BFOVERFLOW_SAT, BFOVERFLOW_FAIL (src/bitops.c)
    enum Overflow {
        /// Keep the low bits, as C's unsigned arithmetic does: u8 255 + 1 is 0, i8 127 + 1 is -128.
        case wrap
        /// Stop at the field's largest or smallest value.
        case sat
        /// Write nothing and answer nil for that subcommand.
        case fail

        init?(_ name: ByteString) {
            if name.equalsIgnoringCase("wrap") { self = .wrap }
            else if name.equalsIgnoringCase("sat") { self = .sat }
            else if name.equalsIgnoringCase("fail") { self = .fail }
            else { return nil }
        }
    }

    /// One parsed BITFIELD subcommand. Redis: struct bitfieldOp (src/bitops.c)
    struct FieldOp {
        enum Kind { case get, set, incrby }
        var kind: Kind
        var signed: Bool
        var bits: Int
        var offset: Int
        /// SET's value or INCRBY's increment.
        var value: Int64
        var overflow: Overflow
    }

    // snippet.popcount
    /// The number of set bits in `p`. A population count per 64-bit word (one POPCNT
    /// instruction where the CPU has it) instead of a test per bit: 64 bits per step.
    /// Redis: redisPopcount (src/bitops.c)
    static func popcount(_ p: UnsafeRawBufferPointer) -> Int {
        guard let base = p.baseAddress else { return 0 }
        var bits = 0, i = 0
        while i + 8 <= p.count {
            bits += base.loadUnaligned(fromByteOffset: i, as: UInt64.self).nonzeroBitCount
            i += 8
        }
        while i < p.count { bits += p[i].nonzeroBitCount; i += 1 }
        return bits
    }
    // snippet.end

    /// The position of the first bit equal to `bit` in `p`. With no such bit: -1 when looking
    /// for a 1, the first bit past the end when looking for a 0 (the string is taken as padded
    /// with zeros). Redis: redisBitpos (src/bitops.c)
    static func bitpos(_ p: UnsafeRawBufferPointer, bit: Int) -> Int {
        let skipByte: UInt8 = bit == 1 ? 0 : 0xff
        var i = 0
        if let base = p.baseAddress {
            // Skip whole words of the wrong bits first, then bytes.
            let skipWord: UInt64 = bit == 1 ? 0 : .max
            while i + 8 <= p.count && base.loadUnaligned(fromByteOffset: i, as: UInt64.self) == skipWord { i += 8 }
        }
        while i < p.count && p[i] == skipByte { i += 1 }
        if i == p.count { return bit == 1 ? -1 : p.count * 8 }
        // Bit 0 is the most significant, so the answer is the count of leading wrong bits.
        let byte = bit == 1 ? p[i] : ~p[i]
        return i * 8 + byte.leadingZeroBitCount
    }

    /// `out[k] = out[k] op src[k]`, with `src` padded with zeros to `out`'s length.
    static func combine(_ out: UnsafeMutableRawBufferPointer, _ src: UnsafeRawBufferPointer, _ op: Operation) {
        var k = 0
        if let o = out.baseAddress, let s = src.baseAddress {
            while k + 8 <= src.count {
                let a = o.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                let b = s.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                o.storeBytes(of: op.apply(a, b), toByteOffset: k, as: UInt64.self)
                k += 8
            }
        }
        while k < src.count { out[k] = op.apply(out[k], src[k]); k += 1 }
        // Past the source's end it is zeros: AND clears, OR and XOR change nothing.
        if op == .and && k < out.count {
            UnsafeMutableRawBufferPointer(rebasing: out[k...]).initializeMemory(as: UInt8.self, repeating: 0)
        }
    }

    // MARK: Fields

    /// Reads `bits` bits from bit `offset`, the first one the most significant of the result;
    /// bits past the end are 0. Redis: getUnsignedBitfield (src/bitops.c)
    static func getUnsigned(_ p: UnsafeRawBufferPointer, _ offset: Int, _ bits: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in offset..<(offset + bits) {
            let byte = k >> 3
            let bit: UInt64 = byte < p.count ? UInt64((p[byte] >> UInt8(7 - (k & 7))) & 1) : 0
            v = (v << 1) | bit
        }
        return v
    }

    /// Reads a two's complement field: the top bit read is the sign. Redis: getSignedBitfield
    static func getSigned(_ p: UnsafeRawBufferPointer, _ offset: Int, _ bits: Int) -> Int64 {
        var v = Int64(bitPattern: getUnsigned(p, offset, bits))
        if bits < 64 && v & (1 << (bits - 1)) != 0 { v |= -1 << bits }  // extend the sign
        return v
    }

    /// Writes the low `bits` bits of `value` at bit `offset`, which must lie inside `p`.
    /// Redis: setUnsignedBitfield, setSignedBitfield (src/bitops.c)
    static func set(_ p: UnsafeMutableRawBufferPointer, _ offset: Int, _ bits: Int, _ value: UInt64) {
        for j in 0..<bits {
            let k = offset + j
            let mask = UInt8(0x80) >> UInt8(k & 7)
            if (value >> UInt64(bits - 1 - j)) & 1 != 0 { p[k >> 3] |= mask } else { p[k >> 3] &= ~mask }
        }
    }

    /// GET's answer for `op`. Redis: the GET branch of bitfieldGeneric
    static func get(_ p: UnsafeRawBufferPointer, _ op: FieldOp) -> Int64 {
        op.signed ? getSigned(p, op.offset, op.bits) : Int64(getUnsigned(p, op.offset, op.bits))
    }

    /// Runs a SET or INCRBY: the answer (SET: the old value; INCRBY: the new one), or nil when
    /// it overflowed under OVERFLOW FAIL and nothing was written. Redis: bitfieldGeneric
    static func write(_ p: UnsafeMutableRawBufferPointer, _ op: FieldOp) -> Int64? {
        let incr = op.kind == .incrby
        if op.signed {
            let old = getSigned(UnsafeRawBufferPointer(p), op.offset, op.bits)
            let (overflowed, new) = incr ? checkSigned(old, op.value, op.bits, op.overflow)
                                         : checkSigned(op.value, 0, op.bits, op.overflow)
            if overflowed && op.overflow == .fail { return nil }
            set(p, op.offset, op.bits, UInt64(bitPattern: new))
            return incr ? new : old
        }
        let old = getUnsigned(UnsafeRawBufferPointer(p), op.offset, op.bits)
        let (overflowed, new) = incr ? checkUnsigned(old, op.value, op.bits, op.overflow)
                                     : checkUnsigned(UInt64(bitPattern: op.value), 0, op.bits, op.overflow)
        if overflowed && op.overflow == .fail { return nil }
        set(p, op.offset, op.bits, new)
        // An unsigned field has at most 63 bits, so it always fits an Int64.
        return Int64(incr ? new : old)
    }

    // snippet.checkSignedBitfieldOverflow
    /// Whether `value + incr` overflows a signed field of `bits` bits, and the value to store:
    /// the sum when it fits, else the wrapped sum (WRAP) or the limit it crossed (SAT).
    /// The differences are computed with wrapping arithmetic, as Redis's C does; they are only
    /// trusted where they cannot have wrapped. Redis: checkSignedBitfieldOverflow (src/bitops.c)
    static func checkSigned(_ value: Int64, _ incr: Int64, _ bits: Int, _ mode: Overflow) -> (Bool, Int64) {
        let max: Int64 = bits == 64 ? .max : (1 << (bits - 1)) - 1
        let min = -max - 1
        let maxIncr = max &- value, minIncr = min &- value
        if value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr) {
            return (true, mode == .wrap ? wrapSigned(value, incr, bits) : max)
        }
        if value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr) {
            return (true, mode == .wrap ? wrapSigned(value, incr, bits) : min)
        }
        return (false, value &+ incr)
    }
    // snippet.end

    /// The sum in `bits` bits of two's complement: add as unsigned, then copy the field's sign
    /// bit into every higher bit. Redis: handle_wrap in checkSignedBitfieldOverflow
    static func wrapSigned(_ value: Int64, _ incr: Int64, _ bits: Int) -> Int64 {
        var sum = UInt64(bitPattern: value) &+ UInt64(bitPattern: incr)
        if bits < 64 {
            let high = UInt64.max << UInt64(bits)
            if sum & (1 << UInt64(bits - 1)) != 0 { sum |= high } else { sum &= ~high }
        }
        return Int64(bitPattern: sum)
    }

    /// The same for an unsigned field (at most 63 bits): the sum, or it wrapped to the field's
    /// low bits (WRAP), or 0 or the field's maximum (SAT). Redis: checkUnsignedBitfieldOverflow
    static func checkUnsigned(_ value: UInt64, _ incr: Int64, _ bits: Int, _ mode: Overflow) -> (Bool, UInt64) {
        let max: UInt64 = (1 << UInt64(bits)) - 1
        let maxIncr = Int64(bitPattern: max &- value), minIncr = Int64(bitPattern: 0 &- value)
        let wrapped = (value &+ UInt64(bitPattern: incr)) & max
        if value > max || (incr > 0 && incr > maxIncr) { return (true, mode == .wrap ? wrapped : max) }
        if incr < 0 && incr < minIncr { return (true, mode == .wrap ? wrapped : 0) }
        return (false, value &+ UInt64(bitPattern: incr))
    }
}

// The names a reader of src/bitops.c will grep for.
extension BitOps {
    @available(*, unavailable, renamed: "popcount")
    static func redisPopcount(_ p: UnsafeRawBufferPointer) -> Int { 0 }
    @available(*, unavailable, renamed: "bitpos")
    static func redisBitpos(_ p: UnsafeRawBufferPointer, bit: Int) -> Int { 0 }
    @available(*, unavailable, renamed: "getUnsigned")
    static func getUnsignedBitfield(_ p: UnsafeRawBufferPointer, _ offset: Int, _ bits: Int) -> UInt64 { 0 }
    @available(*, unavailable, renamed: "getSigned")
    static func getSignedBitfield(_ p: UnsafeRawBufferPointer, _ offset: Int, _ bits: Int) -> Int64 { 0 }
    @available(*, unavailable, renamed: "set")
    static func setUnsignedBitfield(_ p: UnsafeMutableRawBufferPointer, _ offset: Int, _ bits: Int, _ value: UInt64) {}
    @available(*, unavailable, renamed: "checkSigned")
    static func checkSignedBitfieldOverflow(_ value: Int64, _ incr: Int64, _ bits: Int, _ mode: Overflow) -> (Bool, Int64) { (false, 0) }
    @available(*, unavailable, renamed: "checkUnsigned")
    static func checkUnsignedBitfieldOverflow(_ value: UInt64, _ incr: Int64, _ bits: Int, _ mode: Overflow) -> (Bool, UInt64) { (false, 0) }
}

extension Keyspace {
    @available(*, unavailable, renamed: "editString")
    func dbUnshareStringValue(_ d: Database, at i: UInt32, growingTo count: Int) {}
    @available(*, unavailable, renamed: "bitOffset")
    func getBitOffsetFromArgument(_ c: Client, _ arg: ByteString, hashBits: Int) -> Int? { nil }
    @available(*, unavailable, renamed: "bitfieldType")
    func getBitfieldTypeFromArgument(_ c: Client, _ arg: ByteString) -> (signed: Bool, bits: Int)? { nil }
}
