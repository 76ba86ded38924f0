// The background fsync thread: `appendfsync everysec` without stalling the event loop.
//
// fsync(2) waits for the disk; on a busy disk that is hundreds of milliseconds. With `everysec`
// Redis hands the fsync to a thread of its own (a "bio" job, src/bio.c) and goes on serving
// clients. The main thread only asks "is an fsync still running?" (aofFsyncInProgress) to decide
// whether to postpone its next write (AppendOnlyFile.flush).
//
//     main thread                          bio thread
//     flush: write(aof_fd, aof_buf)
//     once a second: submit(fd) ───────▶  fdatasync(fd)   (pending = 1 until it returns)
//     next flush: pending? ──yes──▶ postpone the write, up to 2 s
//
// Redis: bioCreateFsyncJob, bioProcessBackgroundJobs, bioPendingJobsOfType (src/bio.c),
// aof_background_fsync and aofFsyncInProgress (src/aof.c).
// This is the only thread in the server. It touches nothing but its own queue and the
// descriptors it is given; a fork child never uses it.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A single worker thread that fsyncs descriptors in order. Redis: the BIO_AOF_FSYNC job type
public final class BackgroundFsync: @unchecked Sendable {
    // INVARIANT: `queue` and `pending` are read and written only with `mutex` held.
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var queue: [Int32] = []
    private var pending = 0
    private let tracer: Tracer
    private var thread = pthread_t()

    /// Starts the thread. Redis: bioInit (src/bio.c)
    public init(tracer: Tracer) {
        self.tracer = tracer
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { arg in
            let me = Unmanaged<BackgroundFsync>.fromOpaque(arg!).takeRetainedValue()
            me.loop()
            return nil
        }, context)
    }

    /// Queues an fsync of `fd`. Redis: aof_background_fsync → bioCreateFsyncJob
    public func submit(_ fd: Int32) {
        pthread_mutex_lock(&mutex)
        queue.append(fd)
        pending += 1
        pthread_cond_signal(&cond)
        pthread_mutex_unlock(&mutex)
    }

    /// Jobs queued or running. Redis: bioPendingJobsOfType(BIO_AOF_FSYNC)
    public var pendingJobs: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return pending
    }

    /// The thread's body: wait for a job, fsync, count it done. Redis: bioProcessBackgroundJobs
    private func loop() {
        while true {
            pthread_mutex_lock(&mutex)
            while queue.isEmpty { pthread_cond_wait(&cond, &mutex) }
            let fd = queue.removeFirst()
            pthread_mutex_unlock(&mutex)
            let r = syncData(fd)
            if tracer.on(.aof) {
                tracer.emit(.aof, .file, "fsync fd=\(fd) on the bio thread \(r == 0 ? "ok" : "failed: errno \(errno)")",
                            fn: "bioProcessBackgroundJobs")
            }
            pthread_mutex_lock(&mutex)
            pending -= 1
            pthread_mutex_unlock(&mutex)
        }
    }
}

/// fdatasync where it exists (Linux), fsync elsewhere. Redis: redis_fsync (src/config.h)
@inline(__always)
func syncData(_ fd: Int32) -> Int32 {
    #if os(Linux)
    return fdatasync(fd)
    #else
    return fsync(fd)
    #endif
}
