// How keys age: every key carries 24 bits that say when it was last used (LRU) or how often it
// is used (LFU), so that OBJECT IDLETIME and FREQ can answer and eviction under maxmemory can
// pick the keys least worth keeping.
//
//     LRU:  ├──────────── 24 bits: seconds, wrapping every 194 days ────────────┤
//     LFU:  ├──── 16 bits: minutes of the last decrement ────┤├─ 8 bits: count ─┤
//
// The LRU clock is read from a number serverCron refreshes, not from the system clock, so a
// lookup pays one store. The LFU count is logarithmic: the more a key has been used, the less
// likely one more use is counted, so 8 bits cover a million uses; and it decays by one for each
// `lfu-decay-time` minutes without use, so that yesterday's hot key can go.
//
// Redis: robj.lru, LRU_CLOCK, estimateObjectIdleTime, updateLFU, LFUGetTimeInMinutes,
// LFUTimeElapsed, LFULogIncr, LFUDecrAndReturn (src/evict.c, src/db.c)

import RedisCore

/// The LRU clock's range: 24 bits of seconds. Redis: LRU_CLOCK_MAX, LRU_CLOCK_RESOLUTION 1000
public let lruClockMax: UInt32 = (1 << 24) - 1
/// The count a new key starts with under LFU, so that it is not evicted before it is used.
/// Redis: LFU_INIT_VAL
let lfuInitialCount: UInt32 = 5

/// What the keyspace needs to age keys: the clocks, the policy's kind and LFU's two knobs.
public struct AgingState {
    /// Seconds since the epoch, 24 bits. Redis: server.lruclock
    public var lruClock: UInt32 = 0
    /// Minutes since the epoch, 16 bits. Redis: LFUGetTimeInMinutes()
    public var minutes: UInt32 = 0
    /// The policy is an LFU one: the 24 bits hold a frequency, not a time.
    public var lfu = false
    /// A memory limit with an LRU or LFU policy is set: every key then needs its own clock,
    /// so Redis stops sharing small integers (OBJECT REFCOUNT). Redis: MAXMEMORY_FLAG_NO_SHARED_INTEGERS
    public var evictsByUse = false
    /// Redis: lfu-log-factor, lfu-decay-time
    public var lfuLogFactor = 10
    public var lfuDecayTime = 1
    var rng: UInt64 = 0x2545_f491_4f6c_dd1d
}

extension Keyspace {
    // snippet.lruClock
    /// Sets the clocks from `nowMs` and tells every database what a new key starts with.
    /// serverCron calls it every tick. Redis: server.lruclock = getLRUClock() in serverCron
    public func updateAgingClock(nowMs: Int64) {
        aging.lruClock = UInt32(truncatingIfNeeded: nowMs / 1000) & lruClockMax
        aging.minutes = UInt32(truncatingIfNeeded: nowMs / 60_000) & 0xffff
        let fresh = aging.lfu ? aging.minutes << 8 | lfuInitialCount : aging.lruClock
        for db in dbs { db.dict.newEntryClock = fresh }
    }

    /// Records a use of the key at `i`. Redis: the access-time update in lookupKey, updateLFU
    @inline(__always)
    func touch(_ db: Database, _ i: UInt32) {
        if !aging.lfu { db.dict.setClock(aging.lruClock, at: i); return }
        let count = lfuLogIncrement(lfuDecayedCount(db.dict.clock(at: i)))
        db.dict.setClock(aging.minutes << 8 | count, at: i)
    }
    // snippet.end

    /// Milliseconds since the key at `i` was last used, at the clock's one-second resolution.
    /// Redis: estimateObjectIdleTime (src/evict.c)
    public func idleMilliseconds(_ db: Database, _ i: UInt32) -> Int64 {
        let then = db.dict.clock(at: i), now = aging.lruClock
        let seconds = now >= then ? now - then : now + (lruClockMax - then)
        return Int64(seconds) * 1000
    }

    /// The LFU count of the key at `i`, decayed by the minutes since it was last decremented,
    /// without storing the decay (a real access does). Redis: LFUDecrAndReturn (src/evict.c)
    public func lfuCount(_ db: Database, _ i: UInt32) -> UInt32 { lfuDecayedCount(db.dict.clock(at: i)) }

    func lfuDecayedCount(_ clock: UInt32) -> UInt32 {
        let last = clock >> 8, count = clock & 255
        let now = aging.minutes
        let elapsed = now >= last ? now - last : 65535 - last + now
        let periods = aging.lfuDecayTime > 0 ? elapsed / UInt32(aging.lfuDecayTime) : 0
        return periods > count ? 0 : count - periods
    }

    /// Adds one to an LFU count with probability 1 / ((count - 5) * lfu-log-factor + 1).
    /// Redis: LFULogIncr (src/evict.c)
    func lfuLogIncrement(_ count: UInt32) -> UInt32 {
        if count == 255 { return 255 }
        aging.rng ^= aging.rng >> 12; aging.rng ^= aging.rng << 25; aging.rng ^= aging.rng >> 27
        let r = Double((aging.rng &* 0x2545_f491_4f6c_dd1d) >> 11) / Double(1 << 53)
        let base = max(Double(count) - Double(lfuInitialCount), 0)
        return r < 1 / (base * Double(aging.lfuLogFactor) + 1) ? count + 1 : count
    }
}

extension Err {
    static let lfuSelected = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
    static let lfuNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
}

extension RedisObject {
    /// Whether Redis 6.2 would hold this value as one of its shared integers, which OBJECT
    /// REFCOUNT reports as 2147483647: a string that is a plain integer from 0 to 9999, unless
    /// an LRU or LFU eviction policy with a memory limit needs every key to have its own
    /// object. SwiftRedis shares nothing and counts no references; this says what Redis would.
    /// Redis: OBJ_SHARED_INTEGERS, tryObjectEncoding, MAXMEMORY_FLAG_NO_SHARED_INTEGERS
    public func sharedInRedis(maxmemoryEvictsByUse: Bool) -> Bool {
        guard case .string(let s) = self, !maxmemoryEvictsByUse, s.count <= 4, let n = s.int64Value,
              n >= 0, n < 10_000, ByteString(n) == s else { return false }
        return true
    }
}
