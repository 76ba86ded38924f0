// The macOS and BSD backend: kqueue(2).
//
// kqueue watches (descriptor, filter) pairs: one filter for reading, one for writing, each added
// and removed on its own. A wait returns one kevent per ready pair, so a descriptor that is both
// readable and writable comes back twice; Redis merges them into one fired event, and so do we.
//
// Redis: src/ae_kqueue.c

#if canImport(Darwin)
import Darwin
import RedisCore

/// The kqueue backend. Redis: src/ae_kqueue.c
public final class KqueuePoller: Poller {
    public var name: String { "kqueue" }
    private let kq: Int32
    private var buf = [kevent](repeating: kevent(), count: 256)
    private var merged: [Int32: EventMask] = [:]

    /// Redis: aeApiCreate (src/ae_kqueue.c)
    public init() throws {
        kq = kqueue()
        if kq < 0 { throw EventLoopError(description: "kqueue: \(String(cString: strerror(errno)))") }
        _ = fcntl(kq, F_SETFD, FD_CLOEXEC)
    }

    deinit { close(kq) }

    private func change(_ fd: Int32, _ filter: Int16, _ flags: UInt16) -> Int32 {
        var ke = kevent(ident: UInt(fd), filter: filter, flags: flags, fflags: 0, data: 0, udata: nil)
        return kevent(kq, &ke, 1, nil, 0, nil)
    }

    /// Redis: aeApiAddEvent (src/ae_kqueue.c)
    public func add(fd: Int32, mask: EventMask, oldMask: EventMask) throws {
        if mask.contains(.readable) && change(fd, Int16(EVFILT_READ), UInt16(EV_ADD)) == -1 {
            throw EventLoopError(description: "kevent: \(String(cString: strerror(errno)))")
        }
        if mask.contains(.writable) && change(fd, Int16(EVFILT_WRITE), UInt16(EV_ADD)) == -1 {
            throw EventLoopError(description: "kevent: \(String(cString: strerror(errno)))")
        }
    }

    /// Redis: aeApiDelEvent (src/ae_kqueue.c)
    public func delete(fd: Int32, mask: EventMask, newMask: EventMask) {
        if mask.contains(.readable) { _ = change(fd, Int16(EVFILT_READ), UInt16(EV_DELETE)) }
        if mask.contains(.writable) { _ = change(fd, Int16(EVFILT_WRITE), UInt16(EV_DELETE)) }
    }

    /// Redis: aeApiPoll (src/ae_kqueue.c)
    public func poll(timeoutMs: Int32, into fired: inout [FiredEvent]) -> Int {
        fired.removeAll(keepingCapacity: true)
        var ts = timespec(tv_sec: Int(timeoutMs / 1000), tv_nsec: Int(timeoutMs % 1000) * 1_000_000)
        let n = buf.withUnsafeMutableBufferPointer { b in
            timeoutMs < 0 ? kevent(kq, nil, 0, b.baseAddress, Int32(b.count), nil)
                          : kevent(kq, nil, 0, b.baseAddress, Int32(b.count), &ts)
        }
        guard n > 0 else { return 0 }
        merged.removeAll(keepingCapacity: true)
        var order: [Int32] = []
        for i in 0..<Int(n) {
            let fd = Int32(buf[i].ident)
            let m: EventMask = buf[i].filter == Int16(EVFILT_READ) ? .readable : .writable
            if merged[fd] == nil { order.append(fd) }
            merged[fd, default: []].formUnion(m)
        }
        for fd in order { fired.append(FiredEvent(fd: fd, mask: merged[fd]!)) }
        return fired.count
    }
}
#endif
