// List commands: pushes and pops at both ends, indexes, ranges, LINSERT, LREM, LPOS, LMOVE.
//
// A list exists only while it has elements: the push that finds no key creates it, and the pop
// or trim that takes the last element deletes the key, so `EXISTS` and `TYPE` never see an empty
// list. Negative indexes count from the tail (-1 is the last element), in every command.
//
// Redis: src/t_list.c (pushGenericCommand, popGenericCommand, lrangeCommand, ltrimCommand,
// lposCommand, lremCommand, linsertCommand, lmoveGenericCommand…)
// The blocking variants (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH) are in Blocking.swift.

import RedisCore
import RedisRESP

/// What a key holds, from a list command's point of view.
enum ListLookup {
    case none
    case list(ListValue)
    case wrongType
}

extension Keyspace {
    func registerListCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("lpush", -3, "write use-memory fast @list", 1, 1, 1) { ks.pushCommand($0, front: true, onlyIfExists: false) })
        t.register(RedisCommand("rpush", -3, "write use-memory fast @list", 1, 1, 1) { ks.pushCommand($0, front: false, onlyIfExists: false) })
        t.register(RedisCommand("lpushx", -3, "write use-memory fast @list", 1, 1, 1) { ks.pushCommand($0, front: true, onlyIfExists: true) })
        t.register(RedisCommand("rpushx", -3, "write use-memory fast @list", 1, 1, 1) { ks.pushCommand($0, front: false, onlyIfExists: true) })
        t.register(RedisCommand("lpop", -2, "write fast @list", 1, 1, 1) { ks.popCommand($0, front: true) })
        t.register(RedisCommand("rpop", -2, "write fast @list", 1, 1, 1) { ks.popCommand($0, front: false) })
        t.register(RedisCommand("llen", 2, "read-only fast @list", 1, 1, 1) { ks.llenCommand($0) })
        t.register(RedisCommand("lindex", 3, "read-only @list", 1, 1, 1) { ks.lindexCommand($0) })
        t.register(RedisCommand("lset", 4, "write use-memory @list", 1, 1, 1) { ks.lsetCommand($0) })
        t.register(RedisCommand("lrange", 4, "read-only @list", 1, 1, 1) { ks.lrangeCommand($0) })
        t.register(RedisCommand("ltrim", 4, "write @list", 1, 1, 1) { ks.ltrimCommand($0) })
        t.register(RedisCommand("linsert", 5, "write use-memory @list", 1, 1, 1) { ks.linsertCommand($0) })
        t.register(RedisCommand("lrem", 4, "write @list", 1, 1, 1) { ks.lremCommand($0) })
        t.register(RedisCommand("lpos", -3, "read-only @list", 1, 1, 1) { ks.lposCommand($0) })
        t.register(RedisCommand("rpoplpush", 3, "write use-memory @list", 1, 2, 1) { ks.lmove($0, fromFront: false, toFront: true) })
        t.register(RedisCommand("lmove", 5, "write use-memory @list", 1, 2, 1) { ks.lmoveCommand($0) })
    }

    /// The list at `key` (after lazy expiry). Redis: lookupKeyRead/Write + checkType
    func listLookup(_ d: Database, _ key: ByteString, write: Bool) -> ListLookup {
        guard let o = write ? lookupWrite(d, key) : lookupRead(d, key) else { return .none }
        if case .list(let l) = o { return .list(l) }
        return .wrongType
    }

    /// Deletes the key of a list that became empty, and notes the change.
    func listChanged(_ d: Database, _ key: ByteString, _ l: ListValue) {
        if l.count == 0 { delete(d, key) } else { keyModified?(d.id, key) }
    }

    // snippet.pushGenericCommand
    /// LPUSH, RPUSH, LPUSHX, RPUSHX: the new length. Redis: pushGenericCommand (src/t_list.c)
    func pushCommand(_ c: Client, front: Bool, onlyIfExists: Bool) {
        let d = db(c)
        let key = c.argv[1]
        let l: ListValue
        switch listLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .list(let existing): l = existing
        case .none:
            if onlyIfExists { c.addReply(":0\r\n"); return }
            l = ListValue()
            d.dict.insert(key, .list(l))
        }
        for j in 2..<c.argv.count {
            if front { l.pushFront(c.argv[j]) } else { l.pushBack(c.argv[j]) }
        }
        keyModified?(d.id, key)
        signalKeyAsReady(d.id, key)
        dirty += Int64(c.argv.count - 2)
        c.addReplyLongLong(Int64(l.count))
    }
    // snippet.end

    /// LPOP key [count], RPOP key [count]. Redis: popGenericCommand (src/t_list.c)
    func popCommand(_ c: Client, front: Bool) {
        if c.argv.count > 3 {
            c.addReplyError("ERR wrong number of arguments for '\(front ? "lpop" : "rpop")' command"); return
        }
        var count = 1
        let hasCount = c.argv.count == 3
        if hasCount {
            // Redis: getPositiveLongFromObjectOrReply, whose one message covers "abc" too.
            guard let n = c.argv[2].int64Value, n >= 0 else {
                c.addReplyError(Err.notPositive); return
            }
            count = Int(n)
        }
        let d = db(c)
        let key = c.argv[1]
        switch listLookup(d, key, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: if hasCount { c.addReplyNullArray() } else { c.addReplyNull() }
        case .list where hasCount && count == 0:
            c.addReplyNullArray()  // Redis 6.2: a count of 0 pops nothing (7.0 answers an empty array)
        case .list(let l):
            if hasCount {
                let n = min(count, l.count)
                c.addReplyArrayLen(n)
                for _ in 0..<n { c.addReplyBulk((front ? l.popFront() : l.popBack())!) }
            } else {
                c.addReplyBulk((front ? l.popFront() : l.popBack())!)
            }
            listChanged(d, key, l)
            dirty += 1
        }
    }

    /// LLEN key. Redis: llenCommand
    func llenCommand(_ c: Client) {
        switch listLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .list(let l): c.addReplyLongLong(Int64(l.count))
        }
    }

    /// An index counted from the tail when negative; nil when outside the list.
    func listIndex(_ i: Int64, _ count: Int) -> Int? {
        let j = i < 0 ? Int64(count) + i : i
        return j >= 0 && j < Int64(count) ? Int(j) : nil
    }

    /// LINDEX key index. Redis: lindexCommand
    func lindexCommand(_ c: Client) {
        switch listLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyNull()
        case .list(let l):
            guard let i = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
            if let j = listIndex(i, l.count) { c.addReplyBulk(l[j]) } else { c.addReplyNull() }
        }
    }

    /// LSET key index element. Redis: lsetCommand
    func lsetCommand(_ c: Client) {
        let d = db(c)
        switch listLookup(d, c.argv[1], write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyError(Err.noSuchKey)
        case .list(let l):
            guard let i = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
            guard let j = listIndex(i, l.count) else { c.addReplyError("ERR index out of range"); return }
            l[j] = c.argv[3]
            keyModified?(d.id, c.argv[1])
            dirty += 1
            c.addReplyOK()
        }
    }

    /// Start and end of a range (LRANGE, LTRIM), converted and clamped as Redis does; nil if empty.
    func listRange(_ start: Int64, _ end: Int64, _ count: Int) -> ClosedRange<Int>? {
        let n = Int64(count)
        var s = start < 0 ? n + start : start
        var e = end < 0 ? n + end : end
        if s < 0 { s = 0 }
        if s > e || s >= n { return nil }
        if e >= n { e = n - 1 }
        return Int(s)...Int(e)
    }

    /// LRANGE key start stop. Redis: lrangeCommand, addListRangeReply
    func lrangeCommand(_ c: Client) {
        guard let start = c.argv[2].int64Value, let end = c.argv[3].int64Value else {
            c.addReplyError(Err.notInteger); return
        }
        switch listLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply("*0\r\n")
        case .list(let l):
            guard let r = listRange(start, end, l.count) else { c.addReply("*0\r\n"); return }
            c.addReplyArrayLen(r.count)
            for i in r { c.addReplyBulk(l[i]) }
        }
    }

    /// LTRIM key start stop. Redis: ltrimCommand
    func ltrimCommand(_ c: Client) {
        guard let start = c.argv[2].int64Value, let end = c.argv[3].int64Value else {
            c.addReplyError(Err.notInteger); return
        }
        let d = db(c)
        switch listLookup(d, c.argv[1], write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReplyOK()
        case .list(let l):
            let before = l.count
            if let r = listRange(start, end, l.count) { l.keep(r.lowerBound..<(r.upperBound + 1)) } else { l.keep(0..<0) }
            listChanged(d, c.argv[1], l)
            dirty += Int64(before - l.count)
            c.addReplyOK()
        }
    }

    /// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot.
    /// Redis: linsertCommand
    func linsertCommand(_ c: Client) {
        let after: Bool
        if c.argv[2].equalsIgnoringCase("after") { after = true }
        else if c.argv[2].equalsIgnoringCase("before") { after = false }
        else { c.addReplyError(Err.syntax); return }
        let d = db(c)
        switch listLookup(d, c.argv[1], write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .list(let l):
            guard let i = l.elements.firstIndex(of: c.argv[3]) else { c.addReply(":-1\r\n"); return }
            l.insert(c.argv[4], at: i - l.head + (after ? 1 : 0))
            keyModified?(d.id, c.argv[1])
            dirty += 1
            c.addReplyLongLong(Int64(l.count))
        }
    }

    /// LREM key count element: remove up to count matches from the head (count > 0), the tail
    /// (count < 0), or all (0). Redis: lremCommand
    func lremCommand(_ c: Client) {
        guard let count = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        let d = db(c)
        switch listLookup(d, c.argv[1], write: true) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: c.addReply(":0\r\n")
        case .list(let l):
            let target = c.argv[3]
            var removed: Int64 = 0
            let limit = count == 0 ? Int64.max : abs(count)
            if count >= 0 {
                var i = 0
                while i < l.count && removed < limit {
                    if l[i] == target { l.remove(at: i); removed += 1 } else { i += 1 }
                }
            } else {
                var i = l.count - 1
                while i >= 0 && removed < limit {
                    if l[i] == target { l.remove(at: i); removed += 1 }
                    i -= 1
                }
            }
            if removed > 0 { listChanged(d, c.argv[1], l); dirty += removed }
            c.addReplyLongLong(removed)
        }
    }

    /// LPOS key element [RANK rank] [COUNT num] [MAXLEN len]. Redis: lposCommand
    func lposCommand(_ c: Client) {
        var rank: Int64 = 1, count: Int64 = -1, maxlen: Int64 = 0
        var j = 3
        while j < c.argv.count {
            let more = c.argv.count - 1 - j
            let opt = c.argv[j]
            guard more > 0, opt.equalsIgnoringCase("rank") || opt.equalsIgnoringCase("count") || opt.equalsIgnoringCase("maxlen") else {
                c.addReplyError(Err.syntax); return
            }
            let v = c.argv[j + 1].int64Value
            if opt.equalsIgnoringCase("rank") {
                guard let v else { c.addReplyError(Err.notInteger); return }
                // -Int64.min does not exist; Redis 7.2 refuses it the same way.
                if v == Int64.min {
                    c.addReplyError(Err.negatableRange)
                    return
                }
                if v == 0 {
                    c.addReplyError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                    return
                }
                rank = v
            } else if opt.equalsIgnoringCase("count") {
                // Redis: getPositiveLongFromObjectOrReply with this message, for "abc" too.
                guard let v, v >= 0 else { c.addReplyError("ERR COUNT can't be negative"); return }
                count = v
            } else {
                guard let v, v >= 0 else { c.addReplyError("ERR MAXLEN can't be negative"); return }
                maxlen = v
            }
            j += 2
        }
        let fromTail = rank < 0
        if fromTail { rank = -rank }
        switch listLookup(db(c), c.argv[1], write: false) {
        case .wrongType: c.addReplyError(Err.wrongType)
        case .none: if count != -1 { c.addReply("*0\r\n") } else { c.addReplyNull() }
        case .list(let l):
            var found: [Int64] = []
            var matches: Int64 = 0
            var scanned: Int64 = 0
            let n = l.count
            while scanned < Int64(n) && (maxlen == 0 || scanned < maxlen) {
                let i = fromTail ? n - 1 - Int(scanned) : Int(scanned)
                if l[i] == c.argv[2] {
                    matches += 1
                    if matches >= rank {
                        found.append(Int64(i))
                        if count == -1 || (count > 0 && Int64(found.count) >= count) { break }
                    }
                }
                scanned += 1
            }
            if count == -1 {
                if let f = found.first { c.addReplyLongLong(f) } else { c.addReplyNull() }
            } else {
                c.addReplyArrayLen(found.count)
                for f in found { c.addReplyLongLong(f) }
            }
        }
    }

    /// LMOVE source destination LEFT|RIGHT LEFT|RIGHT. Redis: lmoveCommand, getListPositionFromObjectOrReply
    func lmoveCommand(_ c: Client) {
        func side(_ s: ByteString) -> Bool? {
            if s.equalsIgnoringCase("left") { return true }
            if s.equalsIgnoringCase("right") { return false }
            return nil
        }
        guard let from = side(c.argv[3]), let to = side(c.argv[4]) else { c.addReplyError(Err.syntax); return }
        lmove(c, fromFront: from, toFront: to)
    }

    /// Pops from one list and pushes onto another (maybe the same). Redis: lmoveGenericCommand
    func lmove(_ c: Client, fromFront: Bool, toFront: Bool) {
        let d = db(c)
        let src = c.argv[1], dst = c.argv[2]
        let source: ListValue
        switch listLookup(d, src, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: c.addReplyNull(); return
        case .list(let l): source = l
        }
        var target: ListValue?
        switch listLookup(d, dst, write: true) {
        case .wrongType: c.addReplyError(Err.wrongType); return
        case .none: target = nil
        case .list(let l): target = l
        }
        let value = (fromFront ? source.popFront() : source.popBack())!
        if target == nil {
            let l = ListValue()
            d.dict.insert(dst, .list(l))
            target = l
        }
        if toFront { target!.pushFront(value) } else { target!.pushBack(value) }
        keyModified?(d.id, dst)
        signalKeyAsReady(d.id, dst)
        c.addReplyBulk(value)
        listChanged(d, src, source)
        dirty += 1
    }
}
