// Expiry: EXPIRE and friends, TTL, PERSIST, and the active expiry cycle.
//
// A key with a TTL is deleted in one of two ways:
//
// - lazily, when a command touches it after its time (Keyspace.expireIfNeeded): cheap, but a key
//   nobody reads again would stay in memory for ever;
// - actively, by `activeExpireCycle`, which serverCron runs `hz` times a second: it samples 20
//   keys with a TTL from each database and deletes the expired ones; while more than 10% of a
//   sample was expired it samples again, until it has used its time budget (25% of a cron tick).
//   So the proportion of expired-but-present keys stays around 10% or less, at a bounded cost.
//
// Redis: src/expire.c (activeExpireCycle, expireGenericCommand, ttlGenericCommand, persistCommand)
// SIMPLIFICATION: Redis also runs a "fast" cycle of at most 1 ms from beforeSleep when the last
// slow cycle ran out of time; we run it under the same condition but without the effort knob.

import RedisCore
import RedisRESP

/// The state the active expiry cycle keeps between calls. Redis: the statics of activeExpireCycle
public struct ActiveExpireState {
    /// Which database the next cycle starts with.
    var currentDb = 0
    /// The last cycle stopped because it ran out of time.
    var timeLimitExit = false
    var lastFastCycleUs: Int64 = 0
    public init() {}
}

extension Keyspace {
    /// Keys sampled per round. Redis: ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
    static let keysPerLoop = 20
    /// Sample again while more than this percentage was expired. Redis: ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE
    static let acceptableStale = 10
    /// Share of each cron tick the slow cycle may use. Redis: ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC
    static let slowTimePercent = 25
    /// Length of a fast cycle. Redis: ACTIVE_EXPIRE_CYCLE_FAST_DURATION
    static let fastDurationUs: Int64 = 1000

    func registerExpireCommands(_ t: CommandTable) {
        unowned(unsafe) let ks = self
        t.register(RedisCommand("expire", 3, "write fast @keyspace", 1, 1, 1) { ks.expireCommand($0, base: ks.nowMs, seconds: true) })
        t.register(RedisCommand("expireat", 3, "write fast @keyspace", 1, 1, 1) { ks.expireCommand($0, base: 0, seconds: true) })
        t.register(RedisCommand("pexpire", 3, "write fast @keyspace", 1, 1, 1) { ks.expireCommand($0, base: ks.nowMs, seconds: false) })
        t.register(RedisCommand("pexpireat", 3, "write fast @keyspace", 1, 1, 1) { ks.expireCommand($0, base: 0, seconds: false) })
        t.register(RedisCommand("ttl", 2, "read-only fast random @keyspace", 1, 1, 1) { ks.ttlCommand($0, milliseconds: false) })
        t.register(RedisCommand("pttl", 2, "read-only fast random @keyspace", 1, 1, 1) { ks.ttlCommand($0, milliseconds: true) })
        t.register(RedisCommand("persist", 2, "write fast @keyspace", 1, 1, 1) { ks.persistCommand($0) })
    }

    // snippet.expireGenericCommand
    /// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. A time already past deletes the key, and the
    /// command is propagated as DEL; otherwise as the absolute PEXPIREAT, so that a reload of
    /// the AOF or a replica that applies it later does not extend the key's life.
    /// Redis: expireGenericCommand (src/expire.c)
    func expireCommand(_ c: Client, base: Int64, seconds: Bool) {
        let key = c.argv[1]
        guard var when = c.argv[2].int64Value else { c.addReplyError(Err.notInteger); return }
        let invalid = "ERR invalid expire time in " + c.argv[0].lowercasedASCII.stringValue
        if seconds {
            let (m, o) = when.multipliedReportingOverflow(by: 1000)
            if o { c.addReplyError(invalid); return }
            when = m
        }
        let (sum, o) = when.addingReportingOverflow(base)
        if o { c.addReplyError(invalid); return }
        when = sum
        let d = db(c)
        guard lookupWrite(d, key) != nil else { c.addReply(":0\r\n"); return }
        if when <= nowMs && !loading {
            delete(d, key)
            dirty += 1
            c.argv = ["DEL", key]
        } else {
            setExpire(d, key, atMs: when)
            keyModified?(d.id, key)
            dirty += 1
            c.argv = ["PEXPIREAT", key, ByteString(when)]
        }
        c.addReply(":1\r\n")
    }
    // snippet.end

    /// TTL key, PTTL key: -2 no key, -1 no TTL, else the time left. Redis: ttlGenericCommand
    func ttlCommand(_ c: Client, milliseconds: Bool) {
        let d = db(c)
        guard lookupReadNoTouch(d, c.argv[1]) != nil else { c.addReply(":-2\r\n"); return }
        guard let when = expireTime(d, c.argv[1]) else { c.addReply(":-1\r\n"); return }
        let ttl = max(0, when - nowMs)
        c.addReplyLongLong(milliseconds ? ttl : (ttl + 500) / 1000)
    }

    /// PERSIST key: 1 if a TTL was removed. Redis: persistCommand (src/expire.c)
    func persistCommand(_ c: Client) {
        let d = db(c)
        guard lookupWrite(d, c.argv[1]) != nil else { c.addReply(":0\r\n"); return }
        if removeExpire(d, c.argv[1]) {
            keyModified?(d.id, c.argv[1])
            dirty += 1
            c.addReply(":1\r\n")
        } else {
            c.addReply(":0\r\n")
        }
    }

    // snippet.activeExpireCycle
    /// Samples keys with a TTL and deletes the expired ones, within a time budget.
    /// `fast` is the 1 ms variant run from beforeSleep. Redis: activeExpireCycle (src/expire.c)
    public func activeExpireCycle(fast: Bool, hz: Int, state: inout ActiveExpireState) {
        guard activeExpireEnabled, !loading else { return }
        // While clients are paused nothing may change the dataset, expiry included.
        if let paused = clientsPaused, paused() { return }
        let startUs = clock.monotonicUs()
        if fast {
            // Only when the last slow cycle ran out of time, and not twice in a row too soon.
            if !state.timeLimitExit && stats.expiredStalePercent < Double(Keyspace.acceptableStale) { return }
            if startUs < state.lastFastCycleUs + Keyspace.fastDurationUs * 2 { return }
            state.lastFastCycleUs = startUs
        }
        nowMs = clock.mstime()
        let limitUs = fast ? Keyspace.fastDurationUs : Int64(1_000_000 * Keyspace.slowTimePercent / max(hz, 1) / 100)
        state.timeLimitExit = false
        var totalSampled = 0, totalExpired = 0
        var iteration = 0
        for _ in 0..<dbs.count {
            if state.timeLimitExit { break }
            let d = dbs[state.currentDb % dbs.count]
            state.currentDb += 1
            var sampled = 0, expired = 0
            repeat {
                iteration += 1
                let volatile = d.expires.count
                if volatile == 0 { d.avgTTL = 0; break }
                // Under 1% full: sampling would mostly find empty buckets; the table will shrink.
                if d.expires.bucketCount > 4 && volatile * 100 / d.expires.bucketCount < 1 { break }
                sampled = 0; expired = 0
                var ttlSum: Int64 = 0, ttlSamples: Int64 = 0
                var doomed: [ByteString] = []
                // Walk buckets from where the last call stopped, until 20 keys were seen.
                var buckets = 0
                repeat {
                    d.expiresCursor = d.expires.scan(d.expiresCursor) { i in
                        sampled += 1
                        let ttl = d.expires.value(at: i) - nowMs
                        if ttl < 0 { doomed.append(d.expires.key(at: i)) } else { ttlSum += ttl; ttlSamples += 1 }
                    }
                    buckets += 1
                } while sampled < Keyspace.keysPerLoop && buckets < Keyspace.keysPerLoop * 20 && d.expiresCursor != 0
                for k in doomed { deleteExpired(d, k, active: true) }
                expired = doomed.count
                totalSampled += sampled
                totalExpired += expired
                if ttlSamples > 0 {
                    // A running average, weighted towards the new sample. Redis does the same.
                    let avg = ttlSum / ttlSamples
                    d.avgTTL = d.avgTTL == 0 ? avg : (d.avgTTL / 50) * 49 + avg / 50
                }
                if iteration % 16 == 0 && clock.monotonicUs() - startUs > limitUs {
                    state.timeLimitExit = true
                    stats.expiredTimeCapReached += 1
                    break
                }
            } while sampled == 0 || expired * 100 / sampled > Keyspace.acceptableStale
        }
        let elapsed = clock.monotonicUs() - startUs
        stats.expireCycleCpuMs += elapsed / 1000
        let current = totalSampled == 0 ? 0 : Double(totalExpired) * 100 / Double(totalSampled)
        stats.expiredStalePercent = current * 0.05 + stats.expiredStalePercent * 0.95
        if totalExpired > 0 && tracer.on(.db) {
            tracer.emit(.db, .event, "\(fast ? "fast" : "slow") expire cycle: sampled \(totalSampled), expired \(totalExpired)",
                        fn: "activeExpireCycle")
        }
    }
    // snippet.end

    /// Registers every command of this chapter.
    public func registerCommands(_ t: CommandTable) {
        registerStringCommands(t)
        registerBitCommands(t)
        registerKeyCommands(t)
        registerExpireCommands(t)
        registerListCommands(t)
        registerBlockingCommands(t)
        registerHashCommands(t)
        registerSetCommands(t)
        registerZSetCommands(t)
    }

    /// Moves rehashing along for about 1 ms per database with a table to grow, and shrinks
    /// mostly empty tables. Redis: databasesCron, tryResizeHashTables, incrementallyRehash
    public func databasesCron(activeRehashing: Bool) {
        for d in dbs {
            if d.dict.needsResize { d.dict.resize() }
            if d.expires.needsResize { d.expires.resize() }
        }
        guard activeRehashing else { return }
        for d in dbs {
            if d.dict.isRehashing { _ = d.dict.rehashMilliseconds(1, clock: clock); break }
            if d.expires.isRehashing { _ = d.expires.rehashMilliseconds(1, clock: clock); break }
        }
    }
}
