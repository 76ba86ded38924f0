// The portable backend: poll(2). Read this one first.
//
// poll takes an array of {fd, events} and fills in `revents` for the ones that are ready. We keep
// that array, plus a table from descriptor to its slot in the array so that changing one entry is
// O(1). Every call hands the whole array to the kernel, so the cost grows with the number of
// descriptors, not with the number that are ready: that is why Redis prefers epoll and kqueue,
// and falls back to select(2) (ae_select.c) only where nothing better exists.
//
// Redis: src/ae_select.c (the same role, with select instead of poll)

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The poll(2) backend. Redis: src/ae_select.c
public final class PollPoller: Poller {
    public var name: String { "poll" }
    private var fds: [pollfd] = []
    /// fd → index in `fds`, or -1.
    private var slot: [Int] = []

    public init() {}

    private func events(for mask: EventMask) -> Int16 {
        var e: Int16 = 0
        if mask.contains(.readable) { e |= Int16(POLLIN) }
        if mask.contains(.writable) { e |= Int16(POLLOUT) }
        return e
    }

    public func add(fd: Int32, mask: EventMask, oldMask: EventMask) throws {
        let i = Int(fd)
        if i >= slot.count { slot.append(contentsOf: repeatElement(-1, count: i + 1 - slot.count)) }
        let all = oldMask.union(mask)
        if slot[i] >= 0 {
            fds[slot[i]].events = events(for: all)
        } else {
            slot[i] = fds.count
            fds.append(pollfd(fd: fd, events: events(for: all), revents: 0))
        }
    }

    public func delete(fd: Int32, mask: EventMask, newMask: EventMask) {
        let i = Int(fd)
        guard i < slot.count, slot[i] >= 0 else { return }
        if newMask.subtracting(.barrier).isEmpty {
            // Move the last entry into the hole, so the array stays dense.
            let hole = slot[i]
            let last = fds.count - 1
            if hole != last {
                fds[hole] = fds[last]
                slot[Int(fds[hole].fd)] = hole
            }
            fds.removeLast()
            slot[i] = -1
        } else {
            fds[slot[i]].events = events(for: newMask)
        }
    }

    public func poll(timeoutMs: Int32, into fired: inout [FiredEvent]) -> Int {
        fired.removeAll(keepingCapacity: true)
        let n = fds.withUnsafeMutableBufferPointer { systemPoll($0.baseAddress, nfds_t($0.count), timeoutMs) }
        guard n > 0 else { return 0 }
        for p in fds where p.revents != 0 {
            var m: EventMask = []
            if p.revents & Int16(POLLIN) != 0 { m.insert(.readable) }
            if p.revents & Int16(POLLOUT) != 0 { m.insert(.writable) }
            // Errors and hang-ups wake both sides, as Redis does, so the handler sees the EOF.
            if p.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { m.formUnion([.readable, .writable]) }
            fired.append(FiredEvent(fd: p.fd, mask: m))
        }
        return fired.count
    }
}

/// poll(2) itself, outside the class whose method has the same name.
private func systemPoll(_ p: UnsafeMutablePointer<pollfd>?, _ n: nfds_t, _ t: Int32) -> Int32 { poll(p, n, t) }
