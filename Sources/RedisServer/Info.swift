// INFO: the server's state as `field:value` lines, in sections, with Redis 6.2's field names
// in Redis 6.2's order, so that tools written for Redis (and students diffing the two) find
// what they expect.
//
//     # Server\r\n
//     redis_version:6.2.14\r\n
//     …\r\n
//     \r\n
//     # Clients\r\n
//     …
//
// Redis: genRedisInfoString, infoCommand (src/server.c)
// SIMPLIFICATION: fields for features not built yet (replication, persistence, modules)
// report their idle values; each chapter fills in its own section as it arrives.

import CSystem
import RedisAOF
import RedisCore
import RedisKeyspace
import RedisRESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Server {
    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication",
                                  "cpu", "modules", "errorstats", "cluster", "keyspace"]

    /// INFO [section]. Redis: infoCommand (src/server.c)
    func infoCommand(_ c: Client) {
        if c.argv.count > 2 { c.addReplyError(Err.syntax); return }
        let section = c.argv.count == 2 ? c.argv[1].lowercasedASCII.stringValue : "default"
        c.addReplyVerbatim(infoString(section: section))
    }

    /// The INFO text for one section, `default`, `all` or `everything`. Redis: genRedisInfoString
    public func infoString(section: String) -> String {
        var names: [String]
        switch section {
        case "default": names = Server.defaultSections
        case "all", "everything":
            // Commandstats comes after modules, before errorstats, as genRedisInfoString orders them.
            names = Server.defaultSections
            names.insert("commandstats", at: names.firstIndex(of: "errorstats")!)
        default: names = [section]
        }
        var parts: [String] = []
        for n in names {
            if let text = infoSection(n) { parts.append(text) }
        }
        return parts.joined(separator: "\r\n")
    }

    func lines(_ title: String, _ fields: [(String, Any)]) -> String {
        var s = "# \(title)\r\n"
        for (k, v) in fields { s += "\(k):\(v)\r\n" }
        return s
    }

    func infoSection(_ name: String) -> String? {
        let now = clock.ustime()
        let uptime = (now / 1000 - startMs) / 1000
        switch name {
        case "server":
            var un = utsname()
            uname(&un)
            let os = [un.sysname, un.release, un.machine].map { field -> String in
                withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }.joined(separator: " ")
            return lines("Server", [
                ("redis_version", Server.redisVersion), ("redis_git_sha1", "00000000"), ("redis_git_dirty", 0),
                ("redis_build_id", "0"), ("redis_mode", "standalone"), ("os", os), ("arch_bits", 64),
                ("multiplexing_api", loop.poller.name), ("atomicvar_api", "c11-builtin"), ("gcc_version", "0.0.0"),
                ("process_id", getpid()), ("process_supervised", "no"), ("run_id", runId), ("tcp_port", net.port),
                ("server_time_usec", now), ("uptime_in_seconds", uptime), ("uptime_in_days", uptime / 86400),
                ("hz", config.effectiveHz), ("configured_hz", config.hz), ("lru_clock", keyspace.aging.lruClock),
                ("executable", CommandLine.arguments.first ?? ""), ("config_file", config.configFile),
                ("io_threads_active", 0), ("swiftredis_version", Server.version),
            ])
        case "clients":
            var maxIn = 0, maxOut = 0
            for cl in net.clients { maxIn = max(maxIn, cl.queryBufferSize); maxOut = max(maxOut, cl.outputPending) }
            return lines("Clients", [
                ("connected_clients", net.clientCount), ("cluster_connections", 0), ("maxclients", config.maxclients),
                ("client_recent_max_input_buffer", maxIn), ("client_recent_max_output_buffer", maxOut),
                ("blocked_clients", keyspace.blockedClientCount + pause.held.count), ("tracking_clients", tracking.clients), ("clients_in_timeout_table", 0),
            ])
        case "memory":
            let m = memoryOverhead()
            let rss = m.rss, allocated = m.allocated, active = m.active, resident = m.resident
            let system = csys_total_system_memory()
            func h(_ n: Int) -> String { Server.human(Int64(n)) }
            func ratio(_ r: Float) -> String { format2(Double(r)) }
            return lines("Memory", [
                ("used_memory", m.used), ("used_memory_human", h(m.used)),
                ("used_memory_rss", rss), ("used_memory_rss_human", h(rss)),
                ("used_memory_peak", m.peak), ("used_memory_peak_human", h(m.peak)),
                ("used_memory_peak_perc", format2(m.peakPercent) + "%"),
                ("used_memory_overhead", m.total), ("used_memory_startup", m.startup),
                ("used_memory_dataset", m.dataset), ("used_memory_dataset_perc", format2(m.datasetPercent) + "%"),
                ("allocator_allocated", allocated), ("allocator_active", active), ("allocator_resident", resident),
                ("total_system_memory", system), ("total_system_memory_human", h(system)),
                // SIMPLIFICATION: no Lua yet, so no interpreter and no script cache to count.
                ("used_memory_lua", 0), ("used_memory_lua_human", h(0)),
                ("used_memory_scripts", 0), ("used_memory_scripts_human", h(0)), ("number_of_cached_scripts", 0),
                ("maxmemory", config.maxmemory), ("maxmemory_human", Server.human(config.maxmemory)),
                ("maxmemory_policy", config.maxmemoryPolicy),
                ("allocator_frag_ratio", ratio(m.allocatorFrag)), ("allocator_frag_bytes", active - allocated),
                ("allocator_rss_ratio", ratio(m.allocatorRSS)), ("allocator_rss_bytes", resident - active),
                ("rss_overhead_ratio", ratio(m.rssOverhead)), ("rss_overhead_bytes", rss - resident),
                ("mem_fragmentation_ratio", ratio(m.fragmentation)), ("mem_fragmentation_bytes", rss - m.used),
                ("mem_not_counted_for_evict", notCountedMemory()), ("mem_replication_backlog", m.replicationBacklog),
                ("mem_clients_slaves", m.clientsReplicas), ("mem_clients_normal", m.clientsNormal),
                ("mem_aof_buffer", m.aofBuffer), ("mem_allocator", "libc"),
                ("active_defrag_running", 0), ("lazyfree_pending_objects", 0), ("lazyfreed_objects", 0),
            ])
        case "persistence":
            var loadingFields: [(String, Any)] = []
            if let p = loadingProgress {
                let elapsed = max(Int64(time(nil)) - p.startSec, 0)
                let perc = p.totalBytes == 0 ? 100 : Double(p.loadedBytes) * 100 / Double(p.totalBytes)
                let rate = elapsed == 0 ? 0 : Double(p.loadedBytes) / Double(elapsed)
                loadingFields = [("loading_start_time", p.startSec), ("loading_total_bytes", p.totalBytes),
                                 ("loading_loaded_bytes", p.loadedBytes), ("loading_loaded_perc", format2(perc)),
                                 ("loading_eta_seconds", rate == 0 ? 1 : Int64(Double(p.totalBytes - p.loadedBytes) / rate))]
            }
            // SIMPLIFICATION: no fork child yet (RDB is chapter 6, the forked rewrite chapter 5),
            // so every current_* and cow field reports its idle value.
            return lines("Persistence", [
                ("loading", keyspace.loading ? 1 : 0), ("current_cow_size", 0), ("current_cow_size_age", 0),
                ("current_fork_perc", "0.00"), ("current_save_keys_processed", 0), ("current_save_keys_total", 0),
                ("rdb_changes_since_last_save", keyspace.dirty),
                ("rdb_bgsave_in_progress", 0), ("rdb_last_save_time", startMs / 1000), ("rdb_last_bgsave_status", "ok"),
                ("rdb_last_bgsave_time_sec", -1), ("rdb_current_bgsave_time_sec", -1), ("rdb_last_cow_size", 0),
                ("aof_enabled", aof.state == .on ? 1 : 0), ("aof_rewrite_in_progress", 0), ("aof_rewrite_scheduled", 0),
                ("aof_last_rewrite_time_sec", -1), ("aof_current_rewrite_time_sec", -1),
                ("aof_last_bgrewrite_status", "ok"), ("aof_last_write_status", aof.lastWriteOK ? "ok" : "err"),
                ("aof_last_cow_size", 0), ("module_fork_in_progress", 0), ("module_fork_last_cow_size", 0),
            ] + (aof.state == .on ? [
                ("aof_current_size", aof.currentSize), ("aof_base_size", 0), ("aof_pending_rewrite", 0),
                ("aof_buffer_length", aof.buffer.count), ("aof_rewrite_buffer_length", 0),
                ("aof_pending_bio_fsync", aof.pendingBioFsyncs), ("aof_delayed_fsync", aof.delayedFsyncs),
            ] : []) + loadingFields)
        case "stats":
            let ns = net.stats, ks = keyspace.stats
            return lines("Stats", [
                ("total_connections_received", ns.connectionsReceived), ("total_commands_processed", ns.commandsProcessed),
                ("instantaneous_ops_per_sec", metrics.opsPerSec), ("total_net_input_bytes", ns.netInputBytes),
                ("total_net_output_bytes", ns.netOutputBytes), ("instantaneous_input_kbps", format2(metrics.inputKbps)),
                ("instantaneous_output_kbps", format2(metrics.outputKbps)), ("rejected_connections", ns.rejectedConnections),
                ("sync_full", 0), ("sync_partial_ok", 0), ("sync_partial_err", 0), ("expired_keys", ks.expiredKeys),
                ("expired_stale_perc", format2(ks.expiredStalePercent)), ("expired_time_cap_reached_count", ks.expiredTimeCapReached),
                ("expire_cycle_cpu_milliseconds", ks.expireCycleCpuMs), ("evicted_keys", ks.evictedKeys), ("keyspace_hits", ks.hits),
                ("keyspace_misses", ks.misses), ("pubsub_channels", pubsub.channels.count), ("pubsub_patterns", pubsub.patterns.count), ("latest_fork_usec", 0),
                ("total_forks", 0), ("migrate_cached_sockets", 0), ("slave_expires_tracked_keys", 0),
                ("active_defrag_hits", 0), ("active_defrag_misses", 0), ("active_defrag_key_hits", 0),
                ("active_defrag_key_misses", 0), ("tracking_total_keys", tracking.table.count), ("tracking_total_items", tracking.totalItems),
                ("tracking_total_prefixes", tracking.prefixes.count), ("unexpected_error_replies", 0), ("total_error_replies", ns.errorReplies),
                ("dump_payload_sanitizations", 0), ("total_reads_processed", ns.readsProcessed),
                ("total_writes_processed", ns.writesProcessed), ("io_threaded_reads_processed", 0),
                ("io_threaded_writes_processed", 0),
            ])
        case "replication":
            return lines("Replication", [
                ("role", "master"), ("connected_slaves", 0), ("master_failover_state", "no-failover"),
                ("master_replid", runId), ("master_replid2", String(repeating: "0", count: 40)),
                ("master_repl_offset", 0), ("second_repl_offset", -1), ("repl_backlog_active", 0),
                ("repl_backlog_size", 1_048_576), ("repl_backlog_first_byte_offset", 0), ("repl_backlog_histlen", 0),
            ])
        case "cpu":
            var ru = rusage()
            getrusage(RUSAGE_SELF.rawValue, &ru)
            var ch = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &ch)
            func secs(_ t: timeval) -> String { format6(Double(t.tv_sec) + Double(t.tv_usec) / 1e6) }
            var fields: [(String, Any)] = [
                ("used_cpu_sys", secs(ru.ru_stime)), ("used_cpu_user", secs(ru.ru_utime)),
                ("used_cpu_sys_children", secs(ch.ru_stime)), ("used_cpu_user_children", secs(ch.ru_utime)),
            ]
            #if os(Linux)
            // The thread that runs the event loop, where RUSAGE_THREAD exists (Redis: the same #ifdef).
            var th = rusage()
            getrusage(__rusage_who_t(1), &th)  // RUSAGE_THREAD
            fields += [("used_cpu_sys_main_thread", secs(th.ru_stime)), ("used_cpu_user_main_thread", secs(th.ru_utime))]
            #endif
            return lines("CPU", fields)
        case "modules": return "# Modules\r\n"
        case "errorstats":
            // In the order of their codes' bytes, as Redis walks its rax.
            let codes = net.stats.errorCodes.sorted { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }
            return lines("Errorstats", codes.map { ("errorstat_\($0.key)", "count=\($0.value)") })
        case "cluster": return lines("Cluster", [("cluster_enabled", 0)])
        case "commandstats":
            var fields: [(String, Any)] = []
            for cmd in commands.all where cmd.calls > 0 || cmd.rejectedCalls > 0 {
                let per = cmd.calls == 0 ? 0 : Double(cmd.microseconds) / Double(cmd.calls)
                fields.append(("cmdstat_\(cmd.name)", "calls=\(cmd.calls),usec=\(cmd.microseconds),usec_per_call=\(format2(per)),rejected_calls=\(cmd.rejectedCalls),failed_calls=\(cmd.failedCalls)"))
            }
            return lines("Commandstats", fields)
        case "keyspace":
            var fields: [(String, Any)] = []
            for d in keyspace.dbs where d.count > 0 || d.expires.count > 0 {
                fields.append(("db\(d.id)", "keys=\(d.count),expires=\(d.expires.count),avg_ttl=\(d.avgTTL)"))
            }
            return lines("Keyspace", fields)
        default:
            return nil
        }
    }

    /// Bytes in use: what malloc has handed out (zmalloc.c's count), less the table slots that
    /// are allocated but free. INFO used_memory, maxmemory. Redis: zmalloc_used_memory
    func usedMemory() -> Int {
        max(csys_heap_used() - keyspace.unusedSlotBytes, 0)
    }

    /// The AOF buffer as allocated, while the AOF is on. Redis: sdsZmallocSize(server.aof_buf)
    func aofBufferMemory() -> Int { aof.state != .off ? aof.buffer.capacity : 0 }

    // snippet.memoryOverhead
    /// Where the heap goes, as INFO memory reports it: the startup heap, the clients, the AOF
    /// buffer and each database's tables are overhead; the rest of what is in use is dataset.
    /// Redis: getMemoryOverheadData (src/object.c)
    /// SIMPLIFICATION: client memory is summed here, when INFO asks, where Redis keeps running
    /// totals updated by clientsCron.
    func memoryOverhead() -> MemoryOverhead {
        var m = MemoryOverhead()
        m.used = usedMemory()
        if m.used > statPeakMemory { statPeakMemory = m.used }
        m.peak = statPeakMemory
        m.rss = Int(Server.residentSetSize())
        // The allocator's own view. glibc's malloc gives none, so, as Redis 6.2's serverCron
        // does when its allocator is libc, "allocated" is used_memory and "active" and
        // "resident" are the process's RSS.
        m.allocated = m.used
        m.active = m.rss
        m.resident = m.rss
        m.startup = initialMemoryUsage
        for c in net.clients { m.clientsNormal += c.memoryUsage(argvBytes: c.argv.reduce(0) { $0 + $1.count }) }
        m.aofBuffer = aofBufferMemory()
        m.total = m.startup + m.replicationBacklog + m.clientsReplicas + m.clientsNormal + m.aofBuffer
        for d in keyspace.dbs where d.count > 0 {
            let main = d.dict.overheadBytes, expires = d.expires.overheadBytes
            m.dbs.append((d.id, main, expires))
            m.total += main + expires
            m.keys += d.count
        }
        // Redis subtracts without a check, and an overhead above what is in use would wrap;
        // we stop at zero.
        m.dataset = max(m.used - m.total, 0)
        let net = m.used > m.startup ? m.used - m.startup : 1
        m.peakPercent = m.peak == 0 ? 0 : Double(m.used) * 100 / Double(m.peak)
        m.datasetPercent = Double(m.dataset) * 100 / Double(net)
        m.bytesPerKey = m.keys == 0 ? 0 : net / m.keys
        return m
    }
    // snippet.end

    /// Resident memory of this process, from /proc/self/statm (0 where it does not exist).
    static func residentSetSize() -> Int64 {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 128)
        let n = read(fd, &buf, 127)
        guard n > 0 else { return 0 }
        let parts = String(decoding: buf[0..<n], as: UTF8.self).split(separator: " ")
        guard parts.count > 1, let pages = Int64(parts[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// `1.50M`, as Redis's bytesToHuman.
    static func human(_ n: Int64) -> String {
        let d = Double(n)
        if d < 1024 { return "\(n)B" }
        if d < 1024 * 1024 { return format2(d / 1024) + "K" }
        if d < 1024 * 1024 * 1024 { return format2(d / 1024 / 1024) + "M" }
        return format2(d / 1024 / 1024 / 1024) + "G"
    }
}

/// Two decimals, as Redis's "%.2f".
func format2(_ v: Double) -> String { fixed(v, 2) }
/// Six decimals, as Redis's "%.6f".
func format6(_ v: Double) -> String { fixed(v, 6) }

func fixed(_ v: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(v) * scale).rounded()
    let whole = Int64(r / scale)
    var frac = String(Int64(r) - whole * Int64(scale))
    while frac.count < digits { frac = "0" + frac }
    return (v < 0 && r != 0 ? "-" : "") + "\(whole).\(frac)"
}

/// The figures behind INFO memory. Redis: struct redisMemOverhead (src/server.h)
struct MemoryOverhead {
    var used = 0, peak = 0, startup = 0
    /// The process's resident pages, and the allocator's allocated, active and resident bytes.
    var rss = 0, allocated = 0, active = 0, resident = 0
    /// SIMPLIFICATION: no replication yet (chapter 7): no backlog and no replicas.
    var replicationBacklog = 0, clientsReplicas = 0
    var clientsNormal = 0, aofBuffer = 0
    /// Each non-empty database: the bytes of its key table and of its expires table.
    var dbs: [(id: Int, main: Int, expires: Int)] = []
    var keys = 0
    /// Everything above added up. Redis: overhead_total
    var total = 0
    var dataset = 0
    var peakPercent = 0.0, datasetPercent = 0.0
    var bytesPerKey = 0

    /// Fragmentation, as C floats the way Redis keeps them: inside the allocator (active over
    /// allocated), pages it holds unused (resident over active), outside it (RSS over resident),
    /// and over all (RSS over used_memory). Redis: allocator_frag, allocator_rss, rss_extra,
    /// total_frag of redisMemOverhead (src/object.c)
    var allocatorFrag: Float { Self.ratio(active, allocated) }
    var allocatorRSS: Float { Self.ratio(resident, active) }
    var rssOverhead: Float { Self.ratio(rss, resident) }
    var fragmentation: Float { Self.ratio(rss, used) }
    static func ratio(_ a: Int, _ b: Int) -> Float { b == 0 ? 0 : Float(a) / Float(b) }
}
