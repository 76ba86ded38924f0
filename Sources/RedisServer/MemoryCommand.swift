// MEMORY: the memory figures of INFO memory as a reply a program can read (STATS), what one key
// costs (USAGE), a plain-language check (DOCTOR), and the allocator's own report and purge
// (MALLOC-STATS, PURGE), which glibc's malloc mostly does not have.
//
//     MEMORY USAGE user:1000            :72
//     MEMORY STATS                      %25 peak.allocated … db.0 %2 … fragmentation.bytes
//
// Redis: memoryCommand, getMemoryOverheadData, getMemoryDoctorReport (src/object.c)
// SIMPLIFICATION: DOCTOR runs the checks of Redis 6.2's doctor that apply to a server without
// replicas or jemalloc (peak, fragmentation, client buffers), and words its report in our own
// way: the text is for a person, not for a program.

import CSystem
import RedisCore
import RedisKeyspace
import RedisRESP

extension Server {
    static let mallocStatsUnsupported = "Stats not supported for the current allocator"

    func registerMemoryCommand() {
        unowned(unsafe) let s = self
        let memory = RedisCommand("memory", -2, "random read-only movablekeys", 0, 0, 0) { s.memoryCommand($0) }
        // MEMORY USAGE key names a key; the other subcommands none. Redis: memoryGetKeys (src/db.c)
        memory.getKeys = { argv in argv.count >= 3 && argv[1].equalsIgnoringCase("usage") ? [2] : [] }
        commands.register(memory)
    }

    /// MEMORY USAGE key [SAMPLES count], STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.
    /// Redis: memoryCommand (src/object.c)
    func memoryCommand(_ c: Client) {
        let sub = c.argv[1]
        if sub.equalsIgnoringCase("usage") && c.argv.count >= 3 {
            var samples = 5
            var j = 3
            while j < c.argv.count {
                guard c.argv[j].equalsIgnoringCase("samples") && j + 1 < c.argv.count else {
                    c.addReplyError(Err.syntax); return
                }
                guard let n = c.argv[j + 1].int64Value else { c.addReplyError(Err.notInteger); return }
                if n < 0 { c.addReplyError(Err.syntax); return }
                samples = n == 0 ? Int.max : Int(clamping: n)
                j += 2
            }
            if let bytes = keyspace.memoryUsage(keyspace.db(c), c.argv[2], samples: samples) {
                c.addReplyLongLong(Int64(bytes))
            } else {
                c.addReplyNull()
            }
        } else if sub.equalsIgnoringCase("stats") && c.argv.count == 2 {
            memoryStats(c)
        } else if sub.equalsIgnoringCase("doctor") && c.argv.count == 2 {
            c.addReplyVerbatim(memoryDoctorReport())
        } else if sub.equalsIgnoringCase("malloc-stats") && c.argv.count == 2 {
            // Redis: only jemalloc has a report; with libc it says so, in a status reply.
            c.addReplyStatus(Server.mallocStatsUnsupported)
        } else if sub.equalsIgnoringCase("purge") && c.argv.count == 2 {
            // Redis purges jemalloc's dirty pages; glibc's malloc_trim hands free heap back.
            csys_malloc_trim()
            c.addReplyOK()
        } else if sub.equalsIgnoringCase("help") {
            c.addReplyHelp([
                "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DOCTOR", "    Return memory problems reports.",
                "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
                "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
                "STATS", "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).",
                "HELP", "    Prints this help.",
            ])
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }

    /// MEMORY STATS: INFO memory's figures as a map, with each database's two tables apart.
    /// Ratios are C floats in Redis, so they are rounded to Float before they are printed.
    /// Redis: memoryCommand "stats" (src/object.c)
    func memoryStats(_ c: Client) {
        let m = memoryOverhead()
        c.addReplyMapLen(25 + m.dbs.count)
        for (name, v) in [("peak.allocated", m.peak), ("total.allocated", m.used), ("startup.allocated", m.startup),
                          ("replication.backlog", m.replicationBacklog), ("clients.slaves", m.clientsReplicas),
                          ("clients.normal", m.clientsNormal), ("aof.buffer", m.aofBuffer), ("lua.caches", 0)] {
            c.addReplyBulk(name); c.addReplyLongLong(Int64(v))
        }
        for db in m.dbs {
            c.addReplyBulk("db.\(db.id)")
            c.addReplyMapLen(2)
            c.addReplyBulk("overhead.hashtable.main"); c.addReplyLongLong(Int64(db.main))
            c.addReplyBulk("overhead.hashtable.expires"); c.addReplyLongLong(Int64(db.expires))
        }
        let fields: [(String, Any)] = [
            ("overhead.total", m.total), ("keys.count", m.keys), ("keys.bytes-per-key", m.bytesPerKey),
            ("dataset.bytes", m.dataset), ("dataset.percentage", Double(Float(m.datasetPercent))),
            ("peak.percentage", Double(Float(m.peakPercent))),
            ("allocator.allocated", m.allocated), ("allocator.active", m.active), ("allocator.resident", m.resident),
            ("allocator-fragmentation.ratio", Double(m.allocatorFrag)),
            ("allocator-fragmentation.bytes", m.active - m.allocated),
            ("allocator-rss.ratio", Double(m.allocatorRSS)), ("allocator-rss.bytes", m.resident - m.active),
            ("rss-overhead.ratio", Double(m.rssOverhead)), ("rss-overhead.bytes", m.rss - m.resident),
            ("fragmentation", Double(m.fragmentation)), ("fragmentation.bytes", m.rss - m.used),
        ]
        for (name, v) in fields {
            c.addReplyBulk(name)
            if let d = v as? Double { c.addReplyDouble(d) } else if let n = v as? Int { c.addReplyLongLong(Int64(n)) }
        }
    }

    /// MEMORY DOCTOR: the checks of Redis 6.2's doctor that apply here, in our own words.
    /// Redis: getMemoryDoctorReport (src/object.c)
    func memoryDoctorReport() -> String {
        let m = memoryOverhead()
        // Under 5 MB there is too little data for any ratio to mean something (Redis's limit).
        if m.used < 5 * 1024 * 1024 {
            return "This server holds almost no data (\(Server.human(Int64(m.used))) in use), too little "
                + "for the memory checks to say anything. Load some data and ask again."
        }
        var findings: [String] = []
        if Double(m.peak) / Double(m.used) > 1.5 {
            findings.append("* Peak: the server once used \(Server.human(Int64(m.peak))), more than 1.5 times "
                + "what it uses now. The fragmentation figures below may come from that peak; "
                + "MEMORY PURGE asks malloc to give free heap back.")
        }
        if m.used > 0 && Double(m.rss) / Double(m.used) > 1.4 {
            findings.append("* Fragmentation: the process holds \(format2(Double(m.rss) / Double(m.used))) times "
                + "the memory in use (used_memory_rss against used_memory). Freed memory that malloc "
                + "keeps, or libraries' pages, make up the difference.")
        }
        let clients = net.clientCount
        if clients > 0 && m.clientsNormal / clients > 200 * 1024 {
            findings.append("* Clients: on average each of the \(clients) clients holds more than 200 KB in its "
                + "buffers. Look at qbuf and tot-mem in CLIENT LIST for the ones that hold most.")
        }
        if findings.isEmpty {
            return "No memory problem found: the peak, the fragmentation and the client buffers all look normal."
        }
        return "Memory checks found \(findings.count) thing\(findings.count == 1 ? "" : "s") to look at:\n\n"
            + findings.joined(separator: "\n\n") + "\n"
    }
}
