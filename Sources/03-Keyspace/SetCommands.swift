// Set commands: add, remove, test, count, pop and sample members; intersect, unite and subtract
// sets, and store the result; scan a set.
//
// A set exists only while it has members, like a list: SREM, SPOP and SMOVE delete the key that
// they empty, and the store commands delete their destination when the result is empty (and
// answer 0). A missing key reads as the empty set everywhere, so `SUNION a nosuch` is `a`.
//
// SPOP and SRANDMEMBER pick at random, which matters for propagation: the AOF and the replicas
// must not pick again (they would pick something else). So SPOP is propagated as what it did,
// `SREM key member`, one per member; when it takes the whole set, as `DEL key`.
//
// Redis: src/t_set.c (saddCommand, sremCommand, smoveCommand, sismemberCommand,
// smismemberCommand, scardCommand, spopCommand, spopWithCountCommand, srandmemberCommand,
// srandmemberWithCountCommand, sinterGenericCommand, sunionDiffGenericCommand, sscanCommand)
// SIMPLIFICATION: SDIFF always walks the first set and tests each member against the others
// (Redis's "algorithm 1"); Redis 6.2 switches to adding the first set and removing the others
// (algorithm 2) when that is estimated to be less work. The result is the same set.

import RedisCore
import RedisRESP

/// What a key holds, from a set command's point of view.
enum SetLookup {
    case none
    case set(SetValue)
    case wrongType
}

extension Keyspace {
    /// The names SPOP is propagated as, made once rather than on every pop.
    static let sremName: ByteString = "SREM", delName: ByteString = "DEL"

    func registerSetCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("sadd", -3, "write use-memory fast @set", 1, 1, 1) { ks.saddCommand($0) })
        t.register(RedisCommand("srem", -3, "write fast @set", 1, 1, 1) { ks.sremCommand($0) })
        t.register(RedisCommand("smove", 4, "write fast @set", 1, 2, 1) { ks.smoveCommand($0) })
        t.register(RedisCommand("sismember", 3, "read-only fast @set", 1, 1, 1) { ks.sismemberCommand($0) })
        t.register(RedisCommand("smismember", -3, "read-only fast @set", 1, 1, 1) { ks.smismemberCommand($0) })
        t.register(RedisCommand("scard", 2, "read-only fast @set", 1, 1, 1) { ks.scardCommand($0) })
        t.register(RedisCommand("spop", -2, "write random fast @set", 1, 1, 1) { ks.spopCommand($0) })
        t.register(RedisCommand("srandmember", -2, "read-only random @set", 1, 1, 1) { ks.srandmemberCommand($0) })
        t.register(RedisCommand("sinter", -2, "read-only to-sort @set", 1, -1, 1) { ks.sinterGeneric($0, from: 1, store: nil) })
        t.register(RedisCommand("sinterstore", -3, "write use-memory @set", 1, -1, 1) { ks.sinterGeneric($0, from: 2, store: $0.argv[1]) })
        t.register(RedisCommand("sunion", -2, "read-only to-sort @set", 1, -1, 1) { ks.sunionDiffGeneric($0, from: 1, store: nil, diff: false) })
        t.register(RedisCommand("sunionstore", -3, "write use-memory @set", 1, -1, 1) { ks.sunionDiffGeneric($0, from: 2, store: $0.argv[1], diff: false) })
        t.register(RedisCommand("sdiff", -2, "read-only to-sort @set", 1, -1, 1) { ks.sunionDiffGeneric($0, from: 1, store: nil, diff: true) })
        t.register(RedisCommand("sdiffstore", -3, "write use-memory @set", 1, -1, 1) { ks.sunionDiffGeneric($0, from: 2, store: $0.argv[1], diff: true) })
        // SMEMBERS is SINTER of one set, in Redis's table too.
        t.register(RedisCommand("smembers", 2, "read-only to-sort @set", 1, 1, 1) { ks.sinterGeneric($0, from: 1, store: nil) })
        t.register(RedisCommand("sscan", -3, "read-only random @set", 1, 1, 1) { ks.sscanCommand($0) })
    }

    /// The set at `key` (after lazy expiry). Redis: lookupKeyRead/Write + checkType
    @inline(__always)
    func setLookup(_ d: Database, _ key: ByteString, write: Bool) -> SetLookup {
        guard let o = write ? lookupWrite(d, key) : lookupRead(d, key) else { return .none }
        if case .set(let s) = o { return .set(s) }
        return .wrongType
    }

    /// Traces a set that has just left the intset encoding.
    func traceSetConversion(_ d: Database, _ key: ByteString, _ s: SetValue) {
        if tracer.on(.db) {
            tracer.transition(.db, "db\(d.id) set \(key) converted at \(s.count) members", from: "intset",
                              to: "hashtable", fn: "setTypeConvert")
        }
    }

    // MARK: - Adding, removing, testing

    // snippet.saddCommand
    /// SADD key member…: the number of members that were not there. Redis: saddCommand (src/t_set.c)
    func saddCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1]
        let s: SetValue
        switch setLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .set(let existing): s = existing
        case .none:
            s = SetValue(for: c.argv[2])
            d.dict.insert(key, .set(s))
        }
        let wasIntset = s.isIntset
        var added = 0
        for j in 2..<c.argv.count where s.add(c.argv[j], maxIntsetEntries: setMaxIntsetEntries) { added += 1 }
        if wasIntset && !s.isIntset { traceSetConversion(d, key, s) }
        if added > 0 { keyModified?(d.id, key) }
        dirty += Int64(added)
        c.addReplyLongLong(Int64(added))
    }
    // snippet.end

    /// SREM key member…: the number removed. The key goes with the last member.
    /// Redis: sremCommand (src/t_set.c)
    func sremCommand(_ c: Client) {
        let d = db(c)
        let key = c.argv[1]
        switch setLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .set(let s):
            var deleted = 0
            for j in 2..<c.argv.count where s.remove(c.argv[j]) {
                deleted += 1
                if s.count == 0 { break }
            }
            if deleted > 0 {
                if s.count == 0 { delete(d, key) } else { keyModified?(d.id, key) }
                dirty += Int64(deleted)
            }
            c.addReplyLongLong(Int64(deleted))
        }
    }

    /// SMOVE source destination member: 1 if moved. Both keys are type-checked before anything
    /// changes; moving within one set only tests membership. Redis: smoveCommand (src/t_set.c)
    func smoveCommand(_ c: Client) {
        let d = db(c)
        let src = c.argv[1], dst = c.argv[2], member = c.argv[3]
        let srcObject = lookupWrite(d, src), dstObject = lookupWrite(d, dst)
        guard let srcObject else { c.addReply(":0\r\n"); return }
        guard case .set(let from) = srcObject else { c.addReplyError(Err.wrongType); return }
        var to: SetValue?
        if let dstObject {
            guard case .set(let existing) = dstObject else { c.addReplyError(Err.wrongType); return }
            to = existing
        }
        if let to, to === from {
            if from.contains(member) { c.addReply(":1\r\n") } else { c.addReply(":0\r\n") }
            return
        }
        guard from.remove(member) else { c.addReply(":0\r\n"); return }
        if from.count == 0 { delete(d, src) } else { keyModified?(d.id, src) }
        let target: SetValue
        if let to { target = to } else {
            target = SetValue(for: member)
            d.dict.insert(dst, .set(target))
        }
        dirty += 1
        let wasIntset = target.isIntset
        if target.add(member, maxIntsetEntries: setMaxIntsetEntries) {
            if wasIntset && !target.isIntset { traceSetConversion(d, dst, target) }
            dirty += 1
            keyModified?(d.id, dst)
        }
        c.addReply(":1\r\n")
    }

    /// SISMEMBER key member: 1 or 0. Redis: sismemberCommand (src/t_set.c)
    func sismemberCommand(_ c: Client) {
        switch setLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .set(let s): if s.contains(c.argv[2]) { c.addReply(":1\r\n") } else { c.addReply(":0\r\n") }
        }
    }

    /// SMISMEMBER key member…: an array of 1 and 0; a missing key is the empty set.
    /// Redis: smismemberCommand (src/t_set.c)
    func smismemberCommand(_ c: Client) {
        var set: SetValue?
        switch setLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: set = nil
        case .set(let s): set = s
        }
        c.addReplyArrayLen(c.argv.count - 2)
        for j in 2..<c.argv.count {
            if set?.contains(c.argv[j]) == true { c.addReply(":1\r\n") } else { c.addReply(":0\r\n") }
        }
    }

    /// SCARD key: the number of members. Redis: scardCommand (src/t_set.c)
    func scardCommand(_ c: Client) {
        switch setLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .set(let s): c.addReplyLongLong(Int64(s.count))
        }
    }

    // MARK: - Random members

    // snippet.spopCommand
    /// SPOP key [count]: removes and returns a random member. Propagated as `SREM key member`, so
    /// that the AOF and the replicas remove the member this server chose.
    /// Redis: spopCommand (src/t_set.c)
    func spopCommand(_ c: Client) {
        if c.argv.count == 3 { spopWithCountCommand(c); return }
        if c.argv.count > 3 { c.addReplyError(Err.syntax); return }
        let d = db(c)
        let key = c.argv[1]
        switch setLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyNull()
        case .set(let s):
            let member = s.removeRandom()
            c.argv = [Keyspace.sremName, key, member]
            c.addReplyBulk(member)
            if s.count == 0 { delete(d, key) } else { keyModified?(d.id, key) }
            dirty += 1
        }
    }
    // snippet.end

    // snippet.spopWithCountCommand
    /// SPOP key count: up to `count` distinct random members, as a set. Each is propagated as its
    /// own `SREM` (call() wraps several in MULTI/EXEC); taking the whole set is propagated as
    /// `DEL key`. Redis: spopWithCountCommand (src/t_set.c)
    func spopWithCountCommand(_ c: Client) {
        guard let n = c.argv[2].int64Value, n >= 0 else { c.addReplyError(Err.notPositive); return }
        let d = db(c)
        let key = c.argv[1]
        let s: SetValue
        switch setLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: c.addReplySetLen(0); return
        case .set(let existing): s = existing
        }
        if n == 0 { c.addReplySetLen(0); return }
        let size = s.count
        if n >= size {
            // Everything: reply with the set, delete the key, tell the others to delete it too.
            c.addReplySetLen(size)
            s.forEach { c.addReplyBulk($0) }
            delete(d, key)
            c.argv = [Keyspace.delName, key]
            dirty += Int64(size)
            return
        }
        let count = Int(n)
        let remaining = size - count
        c.addReplySetLen(count)
        if remaining * 5 > count {
            // Few to take: pick them one by one.
            for _ in 0..<count {
                let member = s.removeRandom()
                c.addReplyBulk(member)
                alsoPropagate(d.id, [Keyspace.sremName, key, member])
            }
        } else {
            // Nearly all: pick the few that stay into a new set, and hand out the old one.
            // (Redis creates the new set for its first member, so a hash table whose survivors
            // are all integers comes back as an intset.)
            var kept: SetValue?
            for _ in 0..<remaining {
                let member = s.removeRandom()
                if kept == nil { kept = SetValue(for: member) }
                kept?.add(member, maxIntsetEntries: setMaxIntsetEntries)
            }
            s.forEach { member in
                c.addReplyBulk(member)
                alsoPropagate(d.id, [Keyspace.sremName, key, member])
            }
            if let kept { d.dict.setValue(.set(kept), at: d.dict.find(key)) }  // the TTL stays
        }
        keyModified?(d.id, key)
        dirty += Int64(count)
    }
    // snippet.end

    /// A negative SRANDMEMBER count may ask for more replies than memory holds; past this many
    /// bytes of pending output the reply is cut and the client closed, as Redis 7 does when a
    /// client reaches its output buffer limit. SIMPLIFICATION: Redis 6.2 has no such stop.
    static let randomReplyLimit = 1 << 30

    /// SRANDMEMBER key [count]: a random member; with a count, up to `count` distinct members,
    /// or with a negative count exactly -count members, repeats allowed. Read-only: nothing
    /// changes, so nothing is propagated. Redis: srandmemberCommand (src/t_set.c)
    func srandmemberCommand(_ c: Client) {
        if c.argv.count == 3 { srandmemberWithCountCommand(c); return }
        if c.argv.count > 3 { c.addReplyError(Err.syntax); return }
        switch setLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyNull()
        case .set(let s): c.addReplyBulk(s.randomMember())
        }
    }

    /// SRANDMEMBER key count. Replies an array (not a set, even in RESP3: a negative count repeats
    /// members). Redis: srandmemberWithCountCommand (src/t_set.c)
    func srandmemberWithCountCommand(_ c: Client) {
        guard let l = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        if l == Int64.min { c.addReplyError(Err.negatableRange); return }
        let unique = l >= 0
        let count = Int(l.magnitude)
        let s: SetValue
        switch setLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: c.addReply("*0\r\n"); return
        case .set(let existing): s = existing
        }
        if count == 0 { c.addReply("*0\r\n"); return }
        let size = s.count
        if !unique || count == 1 {
            // Independent picks: the only case where the order is random too.
            c.addReplyArrayLen(count)
            for _ in 0..<count {
                c.addReplyBulk(s.randomMember())
                if c.outputPending > Keyspace.randomReplyLimit { c.flags.insert(.closeAfterReply); break }
            }
            return
        }
        if count >= size {
            c.addReplyArrayLen(size)
            s.forEach { c.addReplyBulk($0) }
            return
        }
        var picked: [ByteString] = []
        picked.reserveCapacity(count)
        if count * 3 > size {
            // Most of the set: shuffle the front `count` places of a copy (Fisher–Yates).
            // (Redis copies the set into a dict and deletes random members until `count` are left.)
            var all = s.members
            for i in 0..<count { all.swapAt(i, i + SetValue.randomIndex(below: size - i)) }
            picked = Array(all[0..<count])
        } else {
            // A small part: pick at random until `count` distinct members are found.
            var seen = Set<ByteString>(minimumCapacity: count)
            while picked.count < count {
                let m = s.randomMember()
                if seen.insert(m).inserted { picked.append(m) }
            }
        }
        c.addReplyArrayLen(count)
        for m in picked { c.addReplyBulk(m) }
    }

    // MARK: - Intersection, union, difference

    /// Writes a computed set: the reply of SINTER, SUNION, SDIFF (a RESP3 set), or for the STORE
    /// variants the new value of `store` (replacing it and its TTL; an empty result deletes it)
    /// and its size.
    func finishSetOperation(_ c: Client, _ d: Database, _ result: SetValue, store: ByteString?) {
        guard let store else {
            c.addReplySetLen(result.count)
            result.forEach { c.addReplyBulk($0) }
            return
        }
        if result.count > 0 {
            setKey(d, store, .set(result))
            dirty += 1
            c.addReplyLongLong(Int64(result.count))
        } else {
            c.addReply(":0\r\n")
            if delete(d, store) { dirty += 1 }
        }
    }

    /// SINTER key…, SINTERSTORE destination key…, SMEMBERS key. Walks the smallest set and keeps
    /// the members that every other set has. A missing key makes the result empty at once, before
    /// the keys after it are even type-checked (Redis 6.2; 7.0 checks them all first).
    /// Redis: sinterGenericCommand (src/t_set.c)
    func sinterGeneric(_ c: Client, from first: Int, store: ByteString?) {
        let d = db(c)
        var sets: [SetValue] = []
        for j in first..<c.argv.count {
            switch setLookup(d, c.argv[j], write: store != nil) {
            case .wrongType: c.addReplyError(Err.wrongType); return
            case .set(let s): sets.append(s)
            case .none:
                if let store {
                    if delete(d, store) { dirty += 1 }
                    c.addReply(":0\r\n")
                } else {
                    c.addReplySetLen(0)
                }
                return
            }
        }
        // Smallest first: it bounds the work. (A stable sort, like the merge sort glibc's qsort uses.)
        sets = sets.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)
        let smallest = sets[0]
        let others = sets.dropFirst().filter { $0 !== smallest }
        guard let store else {
            // A reply: straight from the smallest set, in its order, without building a set.
            // (Redis writes the members as it finds them and fills in the count afterwards.)
            var found: [ByteString] = []
            smallest.forEach { member in
                if others.allSatisfy({ $0.contains(member) }) { found.append(member) }
            }
            c.addReplySetLen(found.count)
            for m in found { c.addReplyBulk(m) }
            return
        }
        let result = SetValue()
        smallest.forEach { member in
            if others.allSatisfy({ $0.contains(member) }) { result.add(member, maxIntsetEntries: setMaxIntsetEntries) }
        }
        finishSetOperation(c, d, result, store: store)
    }

    /// SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE. Missing keys are empty sets; a wrong type anywhere
    /// is an error. The result starts as an intset and converts like any set.
    /// Redis: sunionDiffGenericCommand (src/t_set.c)
    func sunionDiffGeneric(_ c: Client, from first: Int, store: ByteString?, diff: Bool) {
        let d = db(c)
        var sets: [SetValue?] = []
        for j in first..<c.argv.count {
            switch setLookup(d, c.argv[j], write: store != nil) {
            case .wrongType: c.addReplyError(Err.wrongType); return
            case .set(let s): sets.append(s)
            case .none: sets.append(nil)
            }
        }
        let result = SetValue()
        let limit = setMaxIntsetEntries
        if !diff {
            for s in sets { s?.forEach { result.add($0, maxIntsetEntries: limit) } }
        } else if let head = sets[0], !sets.dropFirst().contains(where: { $0 === head }) {
            // Largest of the others first: a member is more likely to be found early.
            let others = sets.dropFirst().compactMap { $0 }.enumerated()
                .sorted { ($1.element.count, $0.offset) < ($0.element.count, $1.offset) }.map(\.element)
            head.forEach { member in
                if !others.contains(where: { $0.contains(member) }) { result.add(member, maxIntsetEntries: limit) }
            }
        }
        finishSetOperation(c, d, result, store: store)
    }

    // MARK: - SSCAN

    /// SSCAN key cursor [MATCH pattern] [COUNT n]. Checks the cursor, then the key, then the
    /// options. An intset is returned whole with cursor 0. Redis: sscanCommand (src/t_set.c)
    func sscanCommand(_ c: Client) {
        scanValueCommand(c, pairs: false) { if case .set(let s) = $0 { return s.scanSource }; return nil }
    }
}

// The names a reader of src/t_set.c will grep for.
extension Keyspace {
    @available(*, unavailable, renamed: "sinterGeneric")
    func sinterGenericCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "sunionDiffGeneric")
    func sunionDiffGenericCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "sinterGeneric")
    func sinterCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "sunionDiffGeneric")
    func sunionCommand(_ c: Client) {}
    @available(*, unavailable, renamed: "sunionDiffGeneric")
    func sdiffCommand(_ c: Client) {}
}
