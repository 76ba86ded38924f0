// The append-only file: every write, logged after it ran, in the protocol clients speak.
//
//  1) A command runs and changes the dataset; call() propagates its argv (Call.swift).
//  2) feed() appends it to `buffer` (Redis's aof_buf) as a RESP multibulk, preceded by a
//     SELECT when the database differs from the last one written. Relative times become
//     absolute: SET … PX 1000 is logged as SET … PXAT <unix ms>, so a reload a day later does
//     not give the key another second.
//  3) Before the event loop sleeps, and so before any reply is written, flush() writes the whole
//     buffer with one write(2): no client ever sees +OK for a write that is not at least in the
//     kernel. Then, by `appendfsync`:
//        always    fdatasync now, on the main thread, before the replies go out;
//        everysec  at most once a second, on the background thread (BackgroundFsync.swift);
//        no        never; the kernel writes the pages back when it likes.
//  4) At start-up the file is replayed through a fake client (AOFLoader.swift).
//
// The AOF is a write-*after* log: a command that fails is never logged, and what is logged is
// exactly what ran. Its two risks are the ones `appendfsync` trades between: losing the last
// second of writes in a power cut (everysec), or waiting on the disk for every write (always).
//
// Redis: feedAppendOnlyFile, catAppendOnlyGenericCommand, catAppendOnlyExpireAtCommand,
// flushAppendOnlyFile, startAppendOnly, stopAppendOnly (src/aof.c).

import RedisCore
import RedisKeyspace
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Redis's AOF_OFF / AOF_ON. (AOF_WAIT_REWRITE arrives with the rewrite, chapter 5.)
///
/// | from | event | to | Redis function |
/// |---|---|---|---|
/// | off | appendonly yes at start, CONFIG SET appendonly yes | on | loadAppendOnlyFile / startAppendOnly |
/// | on | CONFIG SET appendonly no | off | stopAppendOnly |
public enum AOFState: String {
    /// Redis: AOF_OFF
    case off = "AOF_OFF"
    /// Redis: AOF_ON
    case on = "AOF_ON"
}

/// `appendfsync`. Redis: AOF_FSYNC_ALWAYS, AOF_FSYNC_EVERYSEC, AOF_FSYNC_NO
public enum FsyncPolicy: String {
    case always, everysec, no
}

/// The AOF of one server. Redis: the aof_* fields of `struct redisServer`
public final class AppendOnlyFile {
    public private(set) var state = AOFState.off
    /// Commands fed but not yet written. Redis: server.aof_buf
    public private(set) var buffer: [UInt8] = []
    /// The file, open for appending, or -1. Redis: server.aof_fd
    public private(set) var fd: Int32 = -1
    /// The database of the last command written; -1 forces a SELECT. Redis: server.aof_selected_db
    var selectedDb = -1
    /// Bytes in the file. Redis: server.aof_current_size
    public private(set) var currentSize: Int64 = 0
    /// `currentSize` when the file was last fsynced. Redis: server.aof_fsync_offset
    var fsyncOffset: Int64 = 0
    /// Unix seconds of the last fsync (or its hand-off to the thread). Redis: server.aof_last_fsync
    var lastFsyncSec: Int64 = 0
    /// When a write was first put off because an fsync was still running. Redis: aof_flush_postponed_start
    public private(set) var flushPostponedStart: Int64 = 0
    /// Writes done without waiting for a slow fsync. Redis: server.aof_delayed_fsync
    public private(set) var delayedFsyncs: Int64 = 0
    /// False after a failed write, until one succeeds; writes are then refused. Redis: aof_last_write_status
    public private(set) var lastWriteOK = true
    /// errno of the last failed write. Redis: server.aof_last_write_errno
    public private(set) var lastWriteErrno: Int32 = 0
    var lastWriteErrorLogSec: Int64 = 0

    let config: Config
    let logger: Logger
    let tracer: Tracer
    let clock: Clock
    let bio: BackgroundFsync

    public init(config: Config, logger: Logger, tracer: Tracer, clock: Clock) {
        self.config = config
        self.logger = logger
        self.tracer = tracer
        self.clock = clock
        bio = BackgroundFsync(tracer: tracer)
    }

    /// The policy in force (read on every flush, so CONFIG SET appendfsync acts at once).
    public var policy: FsyncPolicy { FsyncPolicy(rawValue: config.appendfsync) ?? .everysec }

    /// The file's path: `appendfilename` inside `dir` (the server has chdir'ed there).
    public var path: String { config.appendfilename }

    /// True while an fsync runs on the background thread. Redis: aofFsyncInProgress
    public var fsyncInProgress: Bool { bio.pendingJobs > 0 }

    /// fsyncs queued or running (INFO aof_pending_bio_fsync).
    public var pendingBioFsyncs: Int { bio.pendingJobs }

    func setState(_ new: AOFState, _ why: String, fn: StaticString) {
        if tracer.on(.aof) { tracer.transition(.aof, why, from: state.rawValue, to: new.rawValue, fn: fn) }
        state = new
    }

    // MARK: - Opening and closing

    /// Opens the file for appending at start-up (before it is loaded). Redis: initServer
    public func open(fn: StaticString = "initServer") throws {
        let f = systemOpen(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if f < 0 { throw ConfigError("Can't open the append-only file: \(String(cString: strerror(errno)))") }
        fd = f
        var st = stat()
        if fstat(f, &st) == 0 { currentSize = Int64(st.st_size) }
        fsyncOffset = currentSize
        selectedDb = -1
        setState(.on, "\(path) opened, \(currentSize) bytes", fn: fn)
    }

    /// Reads the file's size again (after loading truncated it). Redis: aof_current_size after loadAppendOnlyFile
    public func refreshSize() {
        var st = stat()
        if fd >= 0 && fstat(fd, &st) == 0 { currentSize = Int64(st.st_size); fsyncOffset = currentSize }
    }

    /// Turns the AOF on at run time by writing the whole dataset into a new file.
    /// Redis: startAppendOnly (src/aof.c), which starts a background rewrite instead.
    /// SIMPLIFICATION: until chapter 5 brings the rewrite through fork and pipes, the dataset is
    /// written synchronously here, blocking the server for as long as that takes.
    public func start(keyspace: Keyspace) throws {
        guard state == .off else { return }
        let temp = "temp-rewriteaof-\(getpid()).aof"
        let t = systemOpen(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if t < 0 { throw ConfigError("Can't open the append-only file: \(String(cString: strerror(errno)))") }
        var out: [UInt8] = []
        var keys = 0
        var failed = false
        func drain() {
            if out.withUnsafeBytes({ writeAll(t, $0) }) != out.count { failed = true }
            out.removeAll(keepingCapacity: true)
        }
        let now = clock.mstime()
        for db in keyspace.dbs where db.count > 0 {
            AOFEncoding.append(["SELECT", ByteString(Int64(db.id))], to: &out)
            db.dict.forEach { i in
                let key = db.dict.key(at: i)
                let when = db.expires.count > 0 ? db.expires[key] : nil
                if let when, when < now { return }  // already expired: leave it out
                AOFRewrite.commands(key: key, value: db.dict.value(at: i)) { AOFEncoding.append($0, to: &out) }
                if let when { AOFEncoding.append(["PEXPIREAT", key, ByteString(when)], to: &out) }
                keys += 1
                if out.count > 1 << 20 { drain() }
            }
        }
        drain()
        if syncData(t) != 0 { failed = true }
        close(t)
        if failed {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw ConfigError("Can't write the new append-only file: \(why)")
        }
        if rename(temp, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw ConfigError("Can't rename the new append-only file: \(why)")
        }
        if tracer.on(.aof) { tracer.emit(.aof, .file, "wrote \(keys) keys to \(temp), fsync, rename → \(path)", fn: "startAppendOnly") }
        try open(fn: "startAppendOnly")
        buffer.removeAll()
        logger.log(.notice, "AOF enabled: the dataset (\(keys) keys) was written synchronously to \(path).")
    }

    /// Writes what is buffered, fsyncs, closes. Redis: stopAppendOnly (src/aof.c)
    public func stop() {
        guard state == .on else { return }
        flush(force: true)
        _ = syncData(fd)
        close(fd)
        fd = -1
        selectedDb = -1
        setState(.off, "\(path) closed", fn: "stopAppendOnly")
    }

    /// At shutdown: write and fsync everything. Redis: prepareForShutdown ("Calling fsync() on the AOF file.")
    public func flushAndSyncForShutdown() {
        guard state == .on else { return }
        logger.log(.notice, "Calling fsync() on the AOF file.")
        flush(force: true)
        _ = syncData(fd)
    }

    // MARK: - Feeding

    // snippet.feedAppendOnlyFile
    /// Appends one executed write to the buffer, with a SELECT if the database changed and
    /// relative expiry times made absolute. Redis: feedAppendOnlyFile (src/aof.c)
    public func feed(db: Int, _ argv: [ByteString]) {
        guard state == .on, let name = argv.first else { return }
        let before = buffer.count
        if db != selectedDb {
            AOFEncoding.append(["SELECT", ByteString(Int64(db))], to: &buffer)
            selectedDb = db
        }
        AOFEncoding.append(AOFEncoding.absoluteTimes(name.lowercasedASCII, argv, nowMs: clock.mstime()), to: &buffer)
        if tracer.on(.aof) {
            let added = buffer[before...].withUnsafeBytes { Tracer.preview($0) }
            tracer.emit(.aof, .event, "aof_buf +\(added), now \(buffer.count)B", fn: "feedAppendOnlyFile")
        }
    }
    // snippet.end

    // MARK: - Flushing

    // snippet.flushAppendOnlyFile
    /// Writes the buffer to the file and fsyncs it as the policy says. Called in beforeSleep,
    /// before replies are written; `force` writes even while an everysec fsync is running.
    /// Redis: flushAppendOnlyFile (src/aof.c)
    public func flush(force: Bool) {
        guard state == .on else { return }
        let now = clock.mstime() / 1000
        var syncInProgress = false
        if buffer.isEmpty {
            // Nothing new, but an everysec fsync may still be owed for the last writes.
            if policy == .everysec && fsyncOffset != currentSize && now > lastFsyncSec && !fsyncInProgress {
                fsyncIfDue(now: now, syncInProgress: false)
            }
            return
        }
        if policy == .everysec { syncInProgress = fsyncInProgress }
        if policy == .everysec && !force && syncInProgress {
            // The disk is slow: put the write off, but for two seconds at most.
            if flushPostponedStart == 0 {
                flushPostponedStart = now
                if tracer.on(.aof) { tracer.emit(.aof, .event, "write postponed: an fsync is still running", fn: "flushAppendOnlyFile") }
                return
            } else if now - flushPostponedStart < 2 {
                return
            }
            delayedFsyncs += 1
            logger.log(.notice, "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.")
        }
        let expected = buffer.count
        let written = buffer.withUnsafeBytes { writeAll(fd, $0) }
        flushPostponedStart = 0
        if tracer.on(.aof) {
            tracer.emit(.aof, .file, "write \(written)/\(expected)B to \(path) at offset \(currentSize)", fn: "flushAppendOnlyFile")
        }
        if written != expected {
            handleWriteError(written: written, expected: expected, now: now)
            return
        }
        if !lastWriteOK {
            logger.log(.warning, "AOF write error looks solved, Redis can write again.")
            lastWriteOK = true
        }
        currentSize += Int64(written)
        buffer.removeAll(keepingCapacity: buffer.capacity < 4000)
        fsyncIfDue(now: now, syncInProgress: syncInProgress)
    }
    // snippet.end

    /// The fsync half of flush. Redis: the try_fsync label of flushAppendOnlyFile
    func fsyncIfDue(now: Int64, syncInProgress: Bool) {
        switch policy {
        case .always:
            if syncData(fd) == -1 {
                // A reply is about to promise the write is on disk: we cannot go on.
                logger.log(.warning, "Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(String(cString: strerror(errno))). Exiting...")
                exit(1)
            }
            if tracer.on(.aof) {
                tracer.emit(.aof, .file, "fsync \(path) on the main thread", fn: "flushAppendOnlyFile")
            }
            fsyncOffset = currentSize
            lastFsyncSec = now
        case .everysec:
            guard now > lastFsyncSec else { return }
            if !syncInProgress {
                // Trace first: once submitted, the thread may report its fsync at any moment.
                if tracer.on(.aof) { tracer.emit(.aof, .event, "fsync of \(path) handed to the bio thread", fn: "aof_background_fsync") }
                bio.submit(fd)
                fsyncOffset = currentSize
            }
            lastFsyncSec = now
        case .no:
            break
        }
    }

    /// A short or failed write. Redis: the error branch of flushAppendOnlyFile
    func handleWriteError(written: Int, expected: Int, now: Int64) {
        let err = errno
        let canLog = now - lastWriteErrorLogSec > 30
        if canLog { lastWriteErrorLogSec = now }
        var partial = written
        if written < 0 {
            if canLog { logger.log(.warning, "Error writing to the AOF file: \(String(cString: strerror(err)))") }
            lastWriteErrno = err
        } else {
            if canLog { logger.log(.warning, "Short write while writing to the AOF file: (nwritten=\(written), expected=\(expected))") }
            // Cut the half-written command off again, so the file stays loadable.
            if ftruncate(fd, off_t(currentSize)) == -1 {
                if canLog { logger.log(.warning, "Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: \(String(cString: strerror(errno)))") }
            } else {
                partial = -1
            }
            lastWriteErrno = ENOSPC
        }
        if policy == .always {
            logger.log(.warning, "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
            exit(1)
        }
        lastWriteOK = false
        if partial > 0 {
            currentSize += Int64(partial)
            buffer.removeFirst(partial)
        }
    }

    /// Called from serverCron: retry a postponed write, and (once a second) a failed one.
    /// Redis: the AOF part of serverCron (src/server.c)
    public func cron(everySecond: Bool) {
        guard state == .on else { return }
        if flushPostponedStart != 0 { flush(force: false) }
        if everySecond && !lastWriteOK { flush(force: false) }
    }

    /// The text of `-MISCONF`, or nil while writing works. Redis: writeCommandsDeniedByDiskError
    public var writeError: String? {
        guard state == .on, !lastWriteOK else { return nil }
        return "MISCONF Errors writing to the AOF file: \(String(cString: strerror(lastWriteErrno)))"
    }
}

/// write(2) until everything is written or an error; returns bytes written, or -1 if none.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    var off = 0
    while off < bytes.count {
        let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
        if n < 0 {
            if errno == EINTR { continue }
            return off == 0 ? -1 : off
        }
        if n == 0 { break }
        off += n
    }
    return off
}

/// open(2), outside the class whose method has the same name.
func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, mode)
    #else
    return Darwin.open(path, flags, mode)
    #endif
}
