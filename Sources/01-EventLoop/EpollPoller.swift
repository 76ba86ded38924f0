// The Linux backend: epoll(7).
//
// Unlike poll, epoll keeps the interest list inside the kernel: we tell it once what to watch
// (epoll_ctl), and each wait returns only the ready descriptors, so the cost follows the number
// of ready descriptors, not the number of clients. Swift cannot import epoll (its event struct is
// packed), so the three calls go through CSystem's one-line wrappers.
//
// Redis: src/ae_epoll.c

#if os(Linux)
import CSystem
import RedisCore
import Glibc

/// The epoll backend. Redis: src/ae_epoll.c
public final class EpollPoller: Poller {
    public var name: String { "epoll" }
    private let epfd: Int32
    private var fdBuf = [Int32](repeating: 0, count: 256)
    private var evBuf = [UInt32](repeating: 0, count: 256)

    // The values of EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP and EPOLL_CTL_* from <sys/epoll.h>.
    private static let epollIn: UInt32 = 0x001, epollOut: UInt32 = 0x004
    private static let epollErr: UInt32 = 0x008, epollHup: UInt32 = 0x010
    private static let ctlAdd: Int32 = 1, ctlDel: Int32 = 2, ctlMod: Int32 = 3

    /// Redis: aeApiCreate (src/ae_epoll.c)
    public init() throws {
        epfd = csys_epoll_create()
        if epfd < 0 { throw EventLoopError(description: "epoll_create1: \(String(cString: strerror(errno)))") }
    }

    deinit { close(epfd) }

    private func bits(_ m: EventMask) -> UInt32 {
        (m.contains(.readable) ? EpollPoller.epollIn : 0) | (m.contains(.writable) ? EpollPoller.epollOut : 0)
    }

    /// Redis: aeApiAddEvent (src/ae_epoll.c)
    public func add(fd: Int32, mask: EventMask, oldMask: EventMask) throws {
        // Already watched for something: modify; otherwise add.
        let op = oldMask.subtracting(.barrier).isEmpty ? EpollPoller.ctlAdd : EpollPoller.ctlMod
        if csys_epoll_ctl(epfd, op, fd, bits(mask.union(oldMask))) == -1 {
            throw EventLoopError(description: "epoll_ctl: \(String(cString: strerror(errno)))")
        }
    }

    /// Redis: aeApiDelEvent (src/ae_epoll.c)
    public func delete(fd: Int32, mask: EventMask, newMask: EventMask) {
        let remaining = newMask.subtracting(.barrier)
        // Note: the kernel ignores errors here; a closed descriptor left the set already.
        _ = csys_epoll_ctl(epfd, remaining.isEmpty ? EpollPoller.ctlDel : EpollPoller.ctlMod, fd, bits(remaining))
    }

    /// Redis: aeApiPoll (src/ae_epoll.c)
    public func poll(timeoutMs: Int32, into fired: inout [FiredEvent]) -> Int {
        fired.removeAll(keepingCapacity: true)
        let n = fdBuf.withUnsafeMutableBufferPointer { f in
            evBuf.withUnsafeMutableBufferPointer { e in
                csys_epoll_wait(epfd, f.baseAddress, e.baseAddress, Int32(f.count), timeoutMs)
            }
        }
        guard n > 0 else { return 0 }
        for i in 0..<Int(n) {
            let ev = evBuf[i]
            var m: EventMask = []
            if ev & EpollPoller.epollIn != 0 { m.insert(.readable) }
            if ev & (EpollPoller.epollOut | EpollPoller.epollErr | EpollPoller.epollHup) != 0 { m.insert(.writable) }
            if ev & (EpollPoller.epollErr | EpollPoller.epollHup) != 0 { m.insert(.readable) }
            fired.append(FiredEvent(fd: fdBuf[i], mask: m))
        }
        return Int(n)
    }
}
#endif
