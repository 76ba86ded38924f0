// The event loop: one thread, one poll call, every socket and timer served in turn.
//
// Redis serves thousands of clients from a single thread. It never blocks on one socket: it asks
// the kernel which sockets are ready (epoll on Linux, kqueue on macOS, poll anywhere), handles
// exactly those, runs any timers that are due, and asks again. One turn of that loop:
//
//     ┌──────────────────────────────────────────────────────────────────────────┐
//     │ 1) beforeSleep()        flush replies, AOF, expire a few keys (server's) │
//     │ 2) poller.poll(timeout) sleep until a socket is ready or a timer is due  │
//     │ 3) afterSleep()                                                          │
//     │ 4) for each fired fd:   read handler, then write handler (or the reverse │
//     │                         when the event asks for a barrier)               │
//     │ 5) processTimeEvents()  serverCron and friends                           │
//     └──────────────────────────────────────────────────────────────────────────┘
//
// Redis: aeEventLoop, aeProcessEvents, aeMain, aeCreateFileEvent, aeCreateTimeEvent (src/ae.c).
// The backends are one file each, as in Redis (ae_epoll.c, ae_kqueue.c, ae_select.c): see
// Poller.swift, PollPoller.swift, EpollPoller.swift, KqueuePoller.swift.
// SIMPLIFICATION: Redis keeps time events in an unsorted linked list; we keep an array, which is
// the same O(n) search for the nearest timer with less pointer chasing. There are only a few.

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file event waits for. Redis: AE_READABLE, AE_WRITABLE, AE_BARRIER (src/ae.h)
public struct EventMask: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Fire when the descriptor can be read (or accepted from). Redis: AE_READABLE
    public static let readable = EventMask(rawValue: 1)
    /// Fire when the descriptor can be written. Redis: AE_WRITABLE
    public static let writable = EventMask(rawValue: 2)
    /// With both readable and writable fired, run the write handler first. Redis: AE_BARRIER
    public static let barrier = EventMask(rawValue: 4)

    public var description: String {
        var s = ""
        if contains(.readable) { s += "R" }
        if contains(.writable) { s += "W" }
        if contains(.barrier) { s += "B" }
        return s.isEmpty ? "-" : s
    }
}

/// A handler for a ready descriptor: called with the fd and what fired. Redis: aeFileProc
public typealias FileProc = (_ fd: Int32, _ mask: EventMask) -> Void

/// A timer handler: returns milliseconds until it should run again, or nil to stop.
/// Redis: aeTimeProc (returning AE_NOMORE to stop)
public typealias TimeProc = (_ id: Int) -> Int?

/// One registered descriptor. Redis: aeFileEvent (src/ae.h)
struct FileEvent {
    var mask: EventMask = []
    var readProc: FileProc?
    var writeProc: FileProc?
}

/// One timer. Redis: aeTimeEvent (src/ae.h)
struct TimeEvent {
    let id: Int
    var whenUs: Int64
    let name: String
    let proc: TimeProc
}

/// Flags for one turn of the loop. Redis: AE_FILE_EVENTS, AE_TIME_EVENTS, AE_DONT_WAIT… (src/ae.h)
public struct ProcessFlags: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let fileEvents = ProcessFlags(rawValue: 1)
    public static let timeEvents = ProcessFlags(rawValue: 2)
    public static let allEvents: ProcessFlags = [.fileEvents, .timeEvents]
    /// Poll without sleeping.
    public static let dontWait = ProcessFlags(rawValue: 4)
    public static let callBeforeSleep = ProcessFlags(rawValue: 8)
    public static let callAfterSleep = ProcessFlags(rawValue: 16)
}

/// The error thrown when a descriptor is out of the loop's range. Redis: ERANGE from aeCreateFileEvent
public struct EventLoopError: Error, CustomStringConvertible {
    public let description: String
}

/// A single-threaded reactor over one `Poller` backend.
///
/// Redis: aeEventLoop (src/ae.c)
public final class EventLoop {
    /// The backend: epoll, kqueue or poll.
    public let poller: Poller
    /// Descriptors from 0 to setSize-1 may be registered. Redis: setsize
    public private(set) var setSize: Int
    var events: [FileEvent]
    var fired: [FiredEvent] = []
    var timers: [TimeEvent] = []
    var nextTimerId = 0
    /// The highest registered descriptor, or -1. Redis: maxfd
    public private(set) var maxfd: Int32 = -1
    var stopped = false
    /// Called before the loop sleeps in poll. Redis: beforesleep
    public var beforeSleep: (() -> Void)?
    /// Called right after poll returns. Redis: aftersleep
    public var afterSleep: (() -> Void)?
    let tracer: Tracer
    let clock: Clock

    /// Creates a loop for descriptors below `setSize`, on `poller`. Redis: aeCreateEventLoop
    public init(setSize: Int, poller: Poller, tracer: Tracer, clock: Clock = Clock()) {
        self.setSize = setSize
        self.poller = poller
        self.tracer = tracer
        self.clock = clock
        events = Array(repeating: FileEvent(), count: setSize)
        fired.reserveCapacity(setSize)
    }

    /// Picks the best backend for this system, or the one named (`epoll`, `kqueue`, `poll`).
    /// Redis: the #ifdef chain at the top of src/ae.c
    public static func makePoller(named name: String = "auto") throws -> Poller {
        switch name {
        case "poll": return PollPoller()
        #if os(Linux)
        case "epoll", "auto": return try EpollPoller()
        #elseif canImport(Darwin)
        case "kqueue", "auto": return try KqueuePoller()
        #endif
        default: throw EventLoopError(description: "event-loop backend '\(name)' is not available on this system")
        }
    }

    // MARK: - File events

    /// Starts watching `fd` for `mask`, calling `proc` when it fires.
    /// Redis: aeCreateFileEvent (src/ae.c)
    public func createFileEvent(fd: Int32, mask: EventMask, proc: @escaping FileProc) throws {
        guard fd >= 0 && Int(fd) < setSize else {
            throw EventLoopError(description: "fd \(fd) out of range (setsize \(setSize))")
        }
        let old = events[Int(fd)].mask
        try poller.add(fd: fd, mask: mask, oldMask: old)
        events[Int(fd)].mask.formUnion(mask)
        if mask.contains(.readable) { events[Int(fd)].readProc = proc }
        if mask.contains(.writable) { events[Int(fd)].writeProc = proc }
        if fd > maxfd { maxfd = fd }
        if tracer.on(.loop) {
            tracer.emit(.loop, .event, "register fd=\(fd) \(mask) now=\(events[Int(fd)].mask)", fn: "aeCreateFileEvent")
        }
    }

    /// Stops watching `fd` for `mask`. Redis: aeDeleteFileEvent (src/ae.c)
    public func deleteFileEvent(fd: Int32, mask: EventMask) {
        guard fd >= 0 && Int(fd) < setSize else { return }
        var fe = events[Int(fd)]
        if fe.mask.isEmpty { return }
        var m = mask
        // Removing the write side also removes the barrier that only makes sense with it.
        if m.contains(.writable) { m.insert(.barrier) }
        let newMask = fe.mask.subtracting(m)
        poller.delete(fd: fd, mask: m, newMask: newMask)
        fe.mask = newMask
        if m.contains(.readable) { fe.readProc = nil }
        if m.contains(.writable) { fe.writeProc = nil }
        events[Int(fd)] = fe
        if fd == maxfd && newMask.isEmpty {
            var j = maxfd - 1
            while j >= 0 && events[Int(j)].mask.isEmpty { j -= 1 }
            maxfd = j
        }
        if tracer.on(.loop) {
            tracer.emit(.loop, .event, "remove fd=\(fd) \(mask) now=\(newMask)", fn: "aeDeleteFileEvent")
        }
    }

    /// What `fd` is registered for. Redis: aeGetFileEvents (src/ae.c)
    public func fileEvents(fd: Int32) -> EventMask {
        guard fd >= 0 && Int(fd) < setSize else { return [] }
        return events[Int(fd)].mask
    }

    // MARK: - Time events

    /// Runs `proc` in `milliseconds`, and again after whatever interval it returns.
    /// Returns the timer's id. Redis: aeCreateTimeEvent (src/ae.c)
    @discardableResult
    public func createTimeEvent(milliseconds: Int, name: String, proc: @escaping TimeProc) -> Int {
        let id = nextTimerId
        nextTimerId += 1
        timers.append(TimeEvent(id: id, whenUs: clock.monotonicUs() + Int64(milliseconds) * 1000, name: name, proc: proc))
        if tracer.on(.loop) { tracer.emit(.loop, .event, "timer \(name) id=\(id) in \(milliseconds)ms", fn: "aeCreateTimeEvent") }
        return id
    }

    /// Cancels a timer. Redis: aeDeleteTimeEvent (src/ae.c)
    public func deleteTimeEvent(id: Int) {
        timers.removeAll { $0.id == id }
    }

    /// Microseconds until the nearest timer, or nil without timers. Redis: usUntilEarliestTimer
    func usUntilEarliestTimer() -> Int64? {
        guard let earliest = timers.min(by: { $0.whenUs < $1.whenUs }) else { return nil }
        return max(0, earliest.whenUs - clock.monotonicUs())
    }

    /// Runs every timer that is due. Redis: processTimeEvents (src/ae.c)
    func processTimeEvents() -> Int {
        var processed = 0
        let now = clock.monotonicUs()
        // Timers created by a handler wait for the next turn, as in Redis (maxId).
        let maxId = nextTimerId - 1
        var i = 0
        while i < timers.count {
            let t = timers[i]
            if t.id > maxId || t.whenUs > now { i += 1; continue }
            if tracer.on(.loop) { tracer.emit(.loop, .event, "timer \(t.name) id=\(t.id) fired", fn: "processTimeEvents") }
            let again = t.proc(t.id)
            processed += 1
            // The handler may have deleted timers: find ours again by id.
            guard let j = timers.firstIndex(where: { $0.id == t.id }) else { continue }
            if let ms = again {
                timers[j].whenUs = clock.monotonicUs() + Int64(ms) * 1000
                i = j + 1
            } else {
                timers.remove(at: j)
                i = j
            }
        }
        return processed
    }

    // MARK: - The loop

    /// One turn: sleep until something is ready (or a timer is due), then handle it.
    /// Returns the number of events handled. Redis: aeProcessEvents (src/ae.c)
    // snippet.processEvents
    @discardableResult
    public func processEvents(_ flags: ProcessFlags = [.allEvents, .callBeforeSleep, .callAfterSleep]) -> Int {
        var processed = 0
        // How long may we sleep? Until the nearest timer, or forever without one.
        var timeoutMs: Int32 = -1
        if flags.contains(.dontWait) {
            timeoutMs = 0
        } else if flags.contains(.timeEvents), let us = usUntilEarliestTimer() {
            timeoutMs = Int32(clamping: (us + 999) / 1000)
        }
        if flags.contains(.callBeforeSleep) { beforeSleep?() }
        let n = poller.poll(timeoutMs: timeoutMs, into: &fired)
        if flags.contains(.callAfterSleep) { afterSleep?() }
        if n > 0 && tracer.on(.loop) { tracer.emit(.loop, .event, "wake fired=\(n)", fn: "aeApiPoll") }

        for i in 0..<n {
            let fd = fired[i].fd
            let firedMask = fired[i].mask
            let fe = events[Int(fd)]
            // Normally read first, so a reply produced by this read can go out in the same turn.
            // With a barrier the write goes first: Redis uses it to fsync the AOF before replying.
            let invert = fe.mask.contains(.barrier)
            if !invert && fe.mask.contains(.readable) && firedMask.contains(.readable), let r = fe.readProc {
                r(fd, firedMask)
            }
            // The read handler may have removed or replaced the write handler: look again.
            let after = events[Int(fd)]
            if after.mask.contains(.writable) && firedMask.contains(.writable), let w = after.writeProc {
                w(fd, firedMask)
            }
            if invert {
                let again = events[Int(fd)]
                if again.mask.contains(.readable) && firedMask.contains(.readable), let r = again.readProc {
                    r(fd, firedMask)
                }
            }
            processed += 1
        }
        if flags.contains(.timeEvents) { processed += processTimeEvents() }
        return processed
    }
    // snippet.end

    /// Runs turns until `stop()` is called. Redis: aeMain (src/ae.c)
    public func run() {
        stopped = false
        while !stopped { processEvents() }
    }

    /// Makes `run()` return after the current turn. Redis: aeStop (src/ae.c)
    public func stop() { stopped = true }
}

// The names a reader of src/ae.c will grep for.
extension EventLoop {
    @available(*, unavailable, renamed: "processEvents")
    public func aeProcessEvents(_ flags: ProcessFlags) -> Int { 0 }
    @available(*, unavailable, renamed: "createFileEvent")
    public func aeCreateFileEvent(fd: Int32, mask: EventMask, proc: @escaping FileProc) throws {}
    @available(*, unavailable, renamed: "deleteFileEvent")
    public func aeDeleteFileEvent(fd: Int32, mask: EventMask) {}
    @available(*, unavailable, renamed: "createTimeEvent")
    public func aeCreateTimeEvent(milliseconds: Int, name: String, proc: @escaping TimeProc) -> Int { 0 }
    @available(*, unavailable, renamed: "run")
    public func aeMain() {}
}
