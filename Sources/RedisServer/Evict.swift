// Eviction: with `maxmemory` set, the heap may not grow past it. Before each command the server
// checks; if it is over, it deletes keys chosen by `maxmemory-policy` until it is under again,
// and if the policy is `noeviction` (or nothing is left to delete) it refuses every command that
// could use more memory with -OOM.
//
//     maxmemory-policy      which keys may go             which go first
//     allkeys-lru           any                           the longest unused (OBJECT IDLETIME)
//     volatile-lru          those with a TTL              the longest unused
//     allkeys-lfu           any                           the least often used (OBJECT FREQ)
//     volatile-lfu          those with a TTL              the least often used
//     allkeys-random        any                           any
//     volatile-random       those with a TTL              any
//     volatile-ttl          those with a TTL              the soonest to expire
//     noeviction            none: writes get -OOM
//
// "Longest unused" is approximate, as in Redis: finding the true oldest key would mean looking at
// every key. Instead each round samples `maxmemory-samples` keys of every database and keeps the
// best candidates seen so far in a pool of 16, ordered; the best of the pool goes. With 10 samples
// the result is close to a true LRU.
//
// Redis: performEvictions, evictionPoolPopulate, getMaxmemoryState, freeMemoryGetNotCountedMemory,
// evictionTimeProc, evictionTimeLimitUs, isSafeToPerformEvictions (src/evict.c); the maxmemory
// check in processCommand (src/server.c)
// SIMPLIFICATION: the samples are independent random picks (Dict.randomEntry) where Redis takes
// keys from a run of neighbouring buckets (dictGetSomeKeys); keys are freed at once (no
// lazyfree-lazy-eviction), so an eviction reaches the AOF as DEL, never UNLINK.

import CSystem
import Foundation
import RedisCore
import RedisKeyspace
import RedisRESP

/// One candidate of the eviction pool: its score (higher: evict first), key and database.
/// Redis: struct evictionPoolEntry (src/evict.c)
struct EvictionCandidate {
    var score: UInt64
    var key: ByteString
    var db: Int
}

/// What eviction keeps between rounds. Redis: EvictionPoolLRU, next_db, isEvictionProcRunning
struct EvictionState {
    /// Ascending by score: the best candidate last. Redis: EVPOOL_SIZE
    var pool: [EvictionCandidate] = []
    static let poolSize = 16
    /// The database the random policies try first next time.
    var nextDb = 0
    /// A timer goes on evicting after a round ran out of time.
    var timerRunning = false
}

/// Redis: EVICT_OK, EVICT_RUNNING, EVICT_FAIL
enum EvictionResult { case ok, running, fail }

extension Err {
    static let oom = "OOM command not allowed when used memory > 'maxmemory'."
}

extension Server {
    /// Memory that does not count against maxmemory: the AOF buffer (and, later, the replicas'
    /// output buffers), which deleting keys could not shrink. Redis: freeMemoryGetNotCountedMemory
    func notCountedMemory() -> Int { aofBufferMemory() }

    /// The memory maxmemory limits: what is in use, less what does not count.
    func countedMemory() -> Int { max(usedMemory() - notCountedMemory(), 0) }

    /// How many bytes must go to be under maxmemory again; 0 when there is no limit or we are
    /// under it. Redis: getMaxmemoryState (src/evict.c)
    func memoryToFree() -> Int {
        let limit = Int(config.maxmemory)
        if limit == 0 { return 0 }
        let used = countedMemory()
        return used > limit ? used - limit : 0
    }

    /// How long one round may evict, from maxmemory-eviction-tenacity: 50 µs per step up to 10,
    /// then 15% more per step, unlimited at 100. Redis: evictionTimeLimitUs (src/evict.c)
    func evictionTimeLimitUs() -> Int64 {
        let t = config.maxmemoryEvictionTenacity
        if t <= 10 { return Int64(50 * t) }
        if t < 100 { return Int64(500 * pow(1.15, Double(t - 10))) }
        return .max
    }

    // snippet.performEvictions
    /// Deletes keys until memory is under maxmemory, for at most the tenacity's time; then a
    /// timer goes on. `.fail` means over the limit with nothing left that may be deleted.
    /// Redis: performEvictions (src/evict.c)
    func performEvictions() -> EvictionResult {
        // Not while loading a file, nor while clients are paused: a paused dataset stands still
        // for expiry and eviction alike. Redis: isSafeToPerformEvictions
        if keyspace.loading || checkClientPauseTimeout() { return .ok }
        let toFree = memoryToFree()
        if toFree == 0 { return .ok }
        let policy = config.maxmemoryPolicy
        if policy == "noeviction" { return .fail }
        let limitUs = evictionTimeLimitUs(), startUs = clock.monotonicUs()
        var freed = 0, keysFreed = 0
        while freed < toFree {
            guard let (db, key) = pickEvictionVictim(policy) else { return .fail }
            // What counts against the limit, so not the DEL the eviction adds to the AOF buffer.
            // Redis: the delta around dbSyncDelete
            let before = countedMemory()
            keyspace.deleteAndPropagate(db, key, "db\(db.id) evicted \(key) (\(policy))", fn: "performEvictions")
            keyspace.stats.evictedKeys += 1
            freed += before - countedMemory()
            keysFreed += 1
            // Every 16 keys, check the time: a server far over its limit (after CONFIG SET
            // maxmemory) must keep answering while it frees.
            if keysFreed % 16 == 0 && clock.monotonicUs() - startUs > limitUs {
                if !evictions.timerRunning {
                    evictions.timerRunning = true
                    loop.createTimeEvent(milliseconds: 0, name: "evictionTimeProc") { [unowned self] _ in
                        if self.performEvictions() == .running { return 0 }
                        self.evictions.timerRunning = false
                        return nil
                    }
                }
                break
            }
        }
        return evictions.timerRunning ? .running : .ok
    }
    // snippet.end

    /// The key the policy gives up next, or nil when no key may go.
    func pickEvictionVictim(_ policy: String) -> (Database, ByteString)? {
        let allKeys = policy.hasPrefix("allkeys-")
        if policy.hasSuffix("-random") {
            // One database after the other, so that each loses keys in turn.
            for _ in keyspace.dbs {
                evictions.nextDb = (evictions.nextDb + 1) % keyspace.dbs.count
                let db = keyspace.dbs[evictions.nextDb]
                if allKeys, db.dict.count > 0 { return (db, db.dict.key(at: db.dict.randomEntry())) }
                if !allKeys, db.expires.count > 0 { return (db, db.expires.key(at: db.expires.randomEntry())) }
            }
            return nil
        }
        while true {
            var total = 0
            for db in keyspace.dbs {
                let n = allKeys ? db.dict.count : db.expires.count
                if n > 0 { populateEvictionPool(db, policy, allKeys: allKeys); total += n }
            }
            if total == 0 { return nil }
            // The best candidate that still exists; the pool may hold keys deleted since.
            while let best = evictions.pool.popLast() {
                let db = keyspace.dbs[best.db]
                if (allKeys ? db.dict.find(best.key) : db.expires.find(best.key)) != 0 { return (db, best.key) }
            }
        }
    }

    /// Samples keys of `db` into the pool, keeping the 16 best seen so far in order.
    /// Redis: evictionPoolPopulate (src/evict.c)
    func populateEvictionPool(_ db: Database, _ policy: String, allKeys: Bool) {
        let sampled = allKeys ? db.dict.count : db.expires.count
        for _ in 0..<min(config.maxmemorySamples, max(sampled, 1)) {
            let i = allKeys ? db.dict.randomEntry() : db.expires.randomEntry()
            let key = allKeys ? db.dict.key(at: i) : db.expires.key(at: i)
            let score: UInt64
            if policy == "volatile-ttl" {
                // The sooner it expires, the better a candidate.
                score = UInt64.max - UInt64(max(db.expires.value(at: i), 0))
            } else {
                let main = allKeys ? i : db.dict.find(key)
                if main == 0 { continue }
                score = policy.hasSuffix("-lfu") ? 255 - UInt64(keyspace.lfuCount(db, main))
                                                 : UInt64(keyspace.idleMilliseconds(db, main))
            }
            var k = 0
            while k < evictions.pool.count && evictions.pool[k].score < score { k += 1 }
            if k == 0 && evictions.pool.count == EvictionState.poolSize { continue }  // worse than all
            let c = EvictionCandidate(score: score, key: key, db: db.id)
            if evictions.pool.count < EvictionState.poolSize {
                evictions.pool.insert(c, at: k)
            } else {
                // Full: the worst candidate makes room.
                evictions.pool.removeFirst()
                evictions.pool.insert(c, at: k - 1)
            }
        }
    }

    /// The maxmemory check of processCommand: evicts if needed, and tells whether `cmd` must be
    /// refused with -OOM. Redis: the `server.maxmemory` block of processCommand (src/server.c)
    func refusedForMemory(_ c: Client, _ cmd: RedisCommand) -> Bool {
        let outOfMemory = performEvictions() == .fail
        if !outOfMemory { return false }
        // Inside MULTI even queueing takes memory, so all but EXEC, DISCARD and RESET is refused.
        if c.flags.contains(.multi) && cmd !== tx.execCommand && cmd.name != "discard" && cmd.name != "reset" {
            return true
        }
        return flagsWithQueue(c, cmd).contains(.denyOOM)
    }
}
