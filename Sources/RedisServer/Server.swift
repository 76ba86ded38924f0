// The server: where every chapter's module is put together.
//
//     main.swift ─▶ Server(arguments:) ─▶ config, log, trace
//                       │
//                       ├─ EventLoop (chapter 1)  ◀── serverCron every 1000/hz ms, beforeSleep
//                       ├─ Networking (chapter 2) ──▶ processCommand ─▶ call ─▶ command proc
//                       └─ Keyspace (chapter 3)                             │
//                                                                           └─▶ propagate ─▶ (AOF, replicas:
//                                                                                             later chapters)
//
// 1) main() builds the Config from redis.conf and `--name value` arguments.
// 2) initServer: the log, the trace, the event loop with the best backend, the keyspace, the
//    command table, the listening sockets, and the serverCron timer.
// 3) run(): the event loop turns until SHUTDOWN or a signal; beforeSleep writes replies and
//    runs a fast expiry cycle; serverCron expires keys, rehashes, closes idle clients.
// 4) prepareForShutdown: close the listeners, say goodbye in the log, exit.
//
// Redis: main, initServer, serverCron, beforeSleep, prepareForShutdown (src/server.c)

import CSystem
import RedisAOF
import RedisCore
import RedisEventLoop
import RedisKeyspace
import RedisRESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal that asked us to stop (SIGTERM, SIGINT), read by beforeSleep and serverCron.
/// Redis: server.shutdown_asap, set in sigShutdownHandler
nonisolated(unsafe) var shutdownSignal: Int32 = 0

/// The one server object, created in main and passed explicitly. Redis: `struct redisServer server`
public final class Server {
    public let config: Config
    public let logger: Logger
    public let tracer: Tracer
    public let clock: Clock
    public let loop: EventLoop
    public let net: Networking
    public let keyspace: Keyspace
    public let commands = CommandTable()
    /// The append-only file (chapter 4).
    public let aof: AppendOnlyFile

    /// The same string Redis 6.2 reports for INFO's redis_version, so clients that look at it
    /// enable the features we implement. Our own version is `swiftredis_version`.
    public static let redisVersion = "6.2.14"
    public static let version = "0.1.0"

    /// A random 40-character id, new at every start. Redis: server.runid
    public let runId: String
    let startMs: Int64
    /// Set while a file is being loaded (INFO's loading_* fields). Redis: server.loading_*
    var loadingProgress: LoadingProgress?
    var cronLoops: Int64 = 0
    /// Heap in use once the server is built, before any data is loaded: INFO's
    /// used_memory_startup. Redis: server.initial_memory_usage (InitServerLast)
    var initialMemoryUsage = 0
    /// The most heap in use seen so far (by serverCron and INFO). Redis: server.stat_peak_memory
    var statPeakMemory = 0
    var expireState = ActiveExpireState()
    var shuttingDown = false
    /// Exit status once the loop has stopped.
    public private(set) var exitCode: Int32 = 0
    /// Who receives propagated writes: the AOF and replication subscribe in later chapters.
    /// Redis: propagate() → feedAppendOnlyFile, replicationFeedSlaves
    public var propagators: [(Int, [ByteString]) -> Void] = []
    var metrics = InstantaneousMetrics()
    /// Transactions and watched keys (Multi.swift).
    let tx = TransactionState()
    /// Channels, patterns and who listens to them (PubSub.swift).
    var pubsub = PubSubState()
    /// The eviction pool and timer (Evict.swift).
    var evictions = EvictionState()
    /// CLIENT PAUSE: the pause in force and the clients it holds (ClientPause.swift).
    var pause = ClientPauseState()
    /// Client-side caching: who read which key, BCAST prefixes (Tracking.swift).
    let tracking = TrackingState()

    /// Builds the server from a command line: `[config-file] [--name value …]`.
    /// Redis: main, loadServerConfig, initServer (src/server.c)
    public init(arguments: [String]) throws {
        config = Config()
        try config.load(arguments: arguments)
        logger = Logger()
        logger.verbosity = config.loglevel
        try logger.setFile(config.logfile)
        clock = Clock()
        tracer = Tracer(clock: clock)
        try Server.applyTrace(config, tracer)
        startMs = clock.mstime()
        var rid = ""
        var bytes = [UInt8](repeating: 0, count: 20)
        let fd = open("/dev/urandom", O_RDONLY)
        if fd >= 0 { _ = read(fd, &bytes, 20); close(fd) }
        for b in bytes { rid += String(b >> 4, radix: 16) + String(b & 15, radix: 16) }
        runId = rid

        logger.log(.notice, "oO0OoO0OoO0Oo SwiftRedis is starting oO0OoO0OoO0Oo")
        logger.log(.notice, "SwiftRedis version=\(Server.version) (Redis \(Server.redisVersion) compatible), bits=64, pid=\(getpid()), just started")
        if config.configFile.isEmpty {
            logger.log(.warning, "Warning: no config file specified, using the default config. In order to specify a config file use swift-redis-server /path/to/redis.conf")
        } else {
            logger.log(.notice, "Configuration loaded")
        }

        Server.adjustOpenFilesLimit(config, logger)
        let poller = try EventLoop.makePoller(named: config.eventLoop)
        loop = EventLoop(setSize: config.maxclients + 128, poller: poller, tracer: tracer, clock: clock)
        net = Networking(loop: loop, config: config, tracer: tracer, logger: logger, clock: clock)
        keyspace = Keyspace(databases: config.databases, clock: clock, tracer: tracer, logger: logger)
        keyspace.maxStringLength = config.protoMaxBulkLen
        keyspace.setMaxIntsetEntries = config.setMaxIntsetEntries
        Server.applyEncodingLimits(config, keyspace)
        keyspace.zsetLimits = ZSetLimits(entries: config.zsetMaxZiplistEntries, value: config.zsetMaxZiplistValue)
        aof = AppendOnlyFile(config: config, logger: logger, tracer: tracer, clock: clock)

        // The dir the server works in: later chapters write their files here.
        if chdir(config.dir) != 0 {
            throw ConfigError("Can't chdir to '\(config.dir)': \(String(cString: strerror(errno)))")
        }

        applyAging()
        keyspace.registerCommands(commands)
        registerServerCommands()
        registerTransactionCommands()
        registerClientCommand()
        registerPubSubCommands()
        registerMemoryCommand()
        // Every modified key may doom a WATCHer's EXEC. Redis: signalModifiedKey → touchWatchedKey
        keyspace.keyModified = { [unowned self] db, key in
            if !self.tx.watchers.isEmpty { self.touchWatchedKey(db, key) }
            // …and a tracking client's cached copy. Redis: signalModifiedKey → trackingInvalidateKey
            if self.tracking.active { self.trackingInvalidateKey(key) }
        }
        keyspace.willEmpty = { [unowned self] db in
            if !self.tx.watchers.isEmpty { self.touchAllWatchedKeys(inDb: db) }
            // Redis: signalFlushedDb → trackingInvalidateKeysOnFlush
            if self.tracking.clients > 0 || !self.tracking.table.isEmpty { self.trackingInvalidateKeysOnFlush() }
        }
        keyspace.databasesSwapped = { [unowned self] a, b in
            if !self.tx.watchers.isEmpty {
                self.touchAllWatchedKeys(inDb: a, replacedWith: b)
                self.touchAllWatchedKeys(inDb: b, replacedWith: a)
            }
        }
        keyspace.propagate = { [unowned self] db, argv in self.propagate(db: db, argv) }
        // Expiry stands still while clients are paused. Redis: checkClientPauseTimeoutAndReturnIfPaused
        keyspace.clientsPaused = { [unowned self] in self.checkClientPauseTimeout() }
        // The AOF subscribes to propagation, as feedAppendOnlyFile does in Redis's propagate().
        propagators.append { [unowned self] db, argv in self.aof.feed(db: db, argv) }
        net.processCommand = { [unowned self] c in self.processCommand(c) }
        net.onFree = { [unowned self] c in
            self.keyspace.forgetBlocked(c)
            self.forgetPaused(c)
            self.forgetTransaction(c)
            self.forgetSubscriptions(c)
            if c.flags.contains(.tracking) { self.disableTracking(c) }
        }
        config.didChange = { [unowned self] name in self.configChanged(name) }

        try net.listen(addresses: config.bind, port: config.port, backlog: config.tcpBacklog)
        // `--port 0` asked for any free port: from now on CONFIG GET port tells which one.
        config.port = net.port
        logger.log(.notice, "Running mode=standalone, port=\(net.port).")
        loop.beforeSleep = { [unowned self] in self.beforeSleep() }
        loop.createTimeEvent(milliseconds: 1, name: "serverCron") { [unowned self] _ in self.serverCron() }
        installSignalHandlers()
        if !config.pidfile.isEmpty { writePidFile() }
        logger.log(.warning, "Server initialized")
        initialMemoryUsage = usedMemory()
        if config.appendonly { try loadDataFromDisk() }
        logger.log(.notice, "Ready to accept connections")
    }

    /// Turns the event loop until shutdown; returns the exit status. Redis: aeMain in main()
    public func run() -> Int32 {
        loop.run()
        return exitCode
    }

    // MARK: - Trace and config changes

    static func applyTrace(_ config: Config, _ tracer: Tracer) throws {
        tracer.jsonFormat = config.traceFormat == "jsonl"
        try tracer.setFile(config.traceFile.isEmpty ? nil : config.traceFile)
        try tracer.setStepFile(config.trace ? config.traceStep : nil)
        tracer.colour = config.traceFile.isEmpty && !tracer.jsonFormat && isatty(2) == 1
            && getenv("NO_COLOR") == nil
        tracer.enable(areas: config.trace ? config.traceAreas : 0)
    }

    /// Applies a CONFIG SET that needs more than storing the value.
    func configChanged(_ name: String) {
        switch name {
        case "loglevel": logger.verbosity = config.loglevel
        case "trace", "trace-areas", "trace-format", "trace-file", "trace-step": try? Server.applyTrace(config, tracer)
        case "appendonly":
            if config.appendonly {
                do { try aof.start(keyspace: keyspace) } catch {
                    logger.log(.warning, "\(error)")
                    config.appendonly = false
                }
            } else {
                aof.stop()
            }
            net.writeBarrier = aof.state == .on && aof.policy == .always
        case "appendfsync":
            net.writeBarrier = aof.state == .on && aof.policy == .always
        case "hash-max-ziplist-entries", "hash-max-ziplist-value":
            Server.applyEncodingLimits(config, keyspace)
        case "zset-max-ziplist-entries", "zset-max-ziplist-value":
            keyspace.zsetLimits = ZSetLimits(entries: config.zsetMaxZiplistEntries, value: config.zsetMaxZiplistValue)
        case "proto-max-bulk-len":
            keyspace.maxStringLength = config.protoMaxBulkLen
            for c in net.clients { c.setMaxBulkLength(config.protoMaxBulkLen) }
        case "set-max-intset-entries":
            keyspace.setMaxIntsetEntries = config.setMaxIntsetEntries
        case "maxmemory":
            applyAging()
            let used = usedMemory()
            if config.maxmemory != 0 && Int(config.maxmemory) < used {
                logger.log(.warning, "WARNING: the new maxmemory value set via CONFIG SET (\(config.maxmemory)) is smaller than the current memory usage (\(used)). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.")
            }
            _ = performEvictions()
        case "tracking-table-max-keys":
            if tracking.clients > 0 { trackingLimitUsedSlots() }
        case "maxmemory-policy", "lfu-log-factor", "lfu-decay-time":
            applyAging()
        default: break
        }
    }

    /// Tells the keyspace how keys age under the eviction policy, and sets its clocks.
    /// Redis: the maxmemory-policy flags (MAXMEMORY_FLAG_LFU, MAXMEMORY_FLAG_NO_SHARED_INTEGERS)
    func applyAging() {
        let policy = config.maxmemoryPolicy
        keyspace.aging.lfu = policy.hasSuffix("-lfu")
        keyspace.aging.evictsByUse = config.maxmemory != 0 && (policy.hasSuffix("-lru") || policy.hasSuffix("-lfu"))
        keyspace.aging.lfuLogFactor = config.lfuLogFactor
        keyspace.aging.lfuDecayTime = config.lfuDecayTime
        keyspace.updateAgingClock(nowMs: clock.mstime())
    }

    /// Hands the compact-encoding limits to the keyspace (at start-up and after CONFIG SET).
    static func applyEncodingLimits(_ config: Config, _ keyspace: Keyspace) {
        keyspace.hashMaxZiplistEntries = config.hashMaxZiplistEntries
        keyspace.hashMaxZiplistValue = Int(clamping: config.hashMaxZiplistValue)
    }

    /// Raises the open-files limit to what maxclients needs, or lowers maxclients.
    /// Redis: adjustOpenFilesLimit (src/server.c)
    static func adjustOpenFilesLimit(_ config: Config, _ logger: Logger) {
        let needed = rlim_t(config.maxclients + 32)
        var lim = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim) == 0 else { return }
        if lim.rlim_cur >= needed { return }
        var want = lim
        want.rlim_cur = min(needed, lim.rlim_max)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &want) == 0 { lim = want }
        if lim.rlim_cur < needed {
            let old = config.maxclients
            config.maxclients = max(1, Int(lim.rlim_cur) - 32)
            logger.log(.warning, "You requested maxclients of \(old) requiring at least \(needed) max file descriptors.")
            logger.log(.warning, "Server can't set maximum open files to \(needed) because of OS error: \(String(cString: strerror(errno))).")
            logger.log(.warning, "Current maximum open files is \(lim.rlim_cur). maxclients has been reduced to \(config.maxclients) to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.")
        }
    }

    func writePidFile() {
        let s = "\(getpid())\n"
        let fd = open(config.pidfile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd >= 0 { _ = s.withCString { write(fd, $0, strlen($0)) }; close(fd) }
    }

    // MARK: - Loading

    /// Opens the AOF and replays it. Redis: loadDataFromDisk (src/server.c)
    func loadDataFromDisk() throws {
        // A Redis 7 multi-part AOF and no file of our own: load it, then continue in our format.
        if access(aof.path, F_OK) != 0, let manifest = try AOFManifest.load(dir: "appendonlydir", filename: config.appendfilename) {
            var n = 0
            let paths = manifest.paths(dir: "appendonlydir")
            for (i, path) in paths.enumerated() {
                // Only the last file may end in a cut command, as in Redis 7.
                let last = i == paths.count - 1
                do { n += try replayAOF(path: path, truncatedOK: last && config.aofLoadTruncated) } catch {
                    logger.log(.warning, "\(error)"); throw error
                }
            }
            logger.log(.notice, "DB loaded from Redis 7 multi-part AOF appendonlydir (\(manifest.paths(dir: "").count) files, \(n) commands)")
            try aof.start(keyspace: keyspace)
            net.writeBarrier = aof.policy == .always
            return
        }
        try aof.open()
        net.writeBarrier = aof.policy == .always
        let start = clock.monotonicSeconds()
        let n: Int
        do { n = try replayAOF() } catch { logger.log(.warning, "\(error)"); throw error }
        aof.refreshSize()
        logger.log(.notice, "DB loaded from append only file: \(fixed(clock.monotonicSeconds() - start, 3)) seconds (\(n) commands)")
    }

    /// Runs every command of the AOF through a fake client, as Redis's loader does; nothing it
    /// runs is propagated (the keyspace is `loading`). Returns the number of commands.
    /// Redis: loadAppendOnlyFile, createAOFClient (src/aof.c)
    func replayAOF(path: String? = nil, truncatedOK: Bool? = nil) throws -> Int {
        let loader = try AOFLoader(path: path ?? aof.path)
        keyspace.loading = true
        defer { keyspace.loading = false }
        let fake = net.makeFakeClient()
        loadingProgress = loader.progress
        defer { loadingProgress = nil }
        let n = try loader.load(truncatedOK: truncatedOK ?? config.aofLoadTruncated, logger: logger, tracer: tracer, whileBlocked: { p in
            // Serve clients for a moment: they get -LOADING, INFO shows the progress.
            self.loadingProgress = p
            self.loop.processEvents([.fileEvents, .dontWait, .callBeforeSleep])
        }) { argv in
            guard let cmd = commands.lookup(argv[0]) else { return false }
            fake.argv = argv
            keyspace.nowMs = clock.mstime()
            // A transaction in the file is queued and run by its EXEC, as a client's would be.
            if fake.flags.contains(.multi) && !runsInsideMulti(cmd) { queueMultiCommand(fake, cmd) } else { cmd.proc(fake) }
            fake.discardOutput()
            return true
        }
        forgetTransaction(fake)
        keyspace.dirty = 0
        return n
    }

    // MARK: - Signals and shutdown

    /// SIGTERM and SIGINT ask for a clean shutdown; SIGPIPE is ignored (a closed client socket
    /// must not kill the server). Redis: setupSignalHandlers (src/server.c)
    func installSignalHandlers() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM) { sig in shutdownSignal = sig }
        signal(SIGINT) { sig in shutdownSignal = sig }
    }

    func checkShutdownSignal() {
        let sig = shutdownSignal
        guard sig != 0, !shuttingDown else { return }
        logger.log(.warning, "Received \(sig == SIGINT ? "SIGINT" : "SIGTERM") scheduling shutdown...")
        prepareForShutdown()
    }

    /// Closes the listeners and clients and stops the loop. Redis: prepareForShutdown (src/server.c)
    public func prepareForShutdown() {
        if keyspace.loading {
            // Half a dataset is nothing worth saving. Redis: "Received shutdown signal during loading"
            logger.log(.warning, "Received shutdown signal during loading, exiting now.")
            exit(0)
        }
        shuttingDown = true
        logger.log(.warning, "User requested shutdown...")
        net.closeListeners()
        aof.flushAndSyncForShutdown()
        for c in net.clients { net.freeClient(c, reason: "shutdown") }
        if !config.pidfile.isEmpty {
            logger.log(.notice, "Removing the pid file.")
            unlink(config.pidfile)
        }
        logger.log(.warning, "SwiftRedis is now ready to exit, bye bye...")
        loop.stop()
    }

    // MARK: - The periodic work

    // snippet.beforeSleep
    /// Runs before the event loop sleeps. Redis: beforeSleep (src/server.c)
    func beforeSleep() {
        // Blocked clients whose time is up get their null reply; served ones run their next input.
        keyspace.handleBlockedClientsTimeout()
        net.processUnblockedClients()
        // A fast expiry cycle, if the last slow one had to stop before it was done.
        keyspace.activeExpireCycle(fast: true, hz: config.effectiveHz, state: &expireState)
        // BCAST clients hear of this turn's changes under their prefixes, one message a prefix.
        if !tracking.prefixes.isEmpty { trackingBroadcastInvalidationMessages() }
        // The AOF goes to the kernel (and, with appendfsync always, to the disk) before any
        // reply to the commands it holds can leave.
        aof.flush(force: false)
        net.handleClientsWithPendingWrites()
        net.freeClientsInAsyncFreeQueue()
        checkShutdownSignal()
    }
    // snippet.end

    // snippet.serverCron
    /// The server's heartbeat, `hz` times a second. Returns the delay until the next run.
    /// Redis: serverCron (src/server.c)
    func serverCron() -> Int? {
        cronLoops += 1
        let now = clock.mstime()
        keyspace.nowMs = now
        keyspace.updateAgingClock(nowMs: now)
        metrics.sample(nowMs: now, commands: net.stats.commandsProcessed,
                       input: net.stats.netInputBytes, output: net.stats.netOutputBytes)
        checkShutdownSignal()
        net.clientsCron(nowMs: now)
        // Expire keys, then give rehashing its millisecond. Redis: databasesCron
        keyspace.activeExpireCycle(fast: false, hz: config.effectiveHz, state: &expireState)
        keyspace.databasesCron(activeRehashing: config.activeRehashing)
        aof.cron(everySecond: cronLoops % Int64(config.effectiveHz) == 0)
        // Record the most memory used since the start (INFO used_memory_peak).
        let used = usedMemory()
        if used > statPeakMemory { statPeakMemory = used }
        // Every five seconds, at verbose level, what Redis logs too.
        if cronLoops % Int64(config.effectiveHz * 5) == 0 && logger.verbosity <= .verbose {
            for d in keyspace.dbs where d.count > 0 {
                logger.log(.verbose, "DB \(d.id): \(d.count) keys (\(d.expires.count) volatile) in \(d.dict.bucketCount) slots HT.")
            }
            logger.log(.verbose, "\(net.clientCount) clients connected (0 replicas), \(usedMemory()) bytes in use")
        }
        return 1000 / config.effectiveHz
    }
    // snippet.end
}

/// Operations per second and network throughput, sampled every 100 ms over the last 16 samples.
/// Redis: trackInstantaneousMetric, getInstantaneousMetric (src/server.c)
struct InstantaneousMetrics {
    var lastMs: Int64 = 0
    var last = (commands: Int64(0), input: Int64(0), output: Int64(0))
    var samples: [(Double, Double, Double)] = []

    mutating func sample(nowMs: Int64, commands: Int64, input: Int64, output: Int64) {
        if lastMs == 0 { lastMs = nowMs; last = (commands, input, output); return }
        let dt = nowMs - lastMs
        guard dt >= 100 else { return }
        let per = 1000 / Double(dt)
        samples.append((Double(commands - last.commands) * per, Double(input - last.input) * per, Double(output - last.output) * per))
        if samples.count > 16 { samples.removeFirst() }
        lastMs = nowMs
        last = (commands, input, output)
    }

    var opsPerSec: Int { samples.isEmpty ? 0 : Int(samples.map(\.0).reduce(0, +) / Double(samples.count)) }
    var inputKbps: Double { samples.isEmpty ? 0 : samples.map(\.1).reduce(0, +) / Double(samples.count) / 1024 }
    var outputKbps: Double { samples.isEmpty ? 0 : samples.map(\.2).reduce(0, +) / Double(samples.count) / 1024 }
}
