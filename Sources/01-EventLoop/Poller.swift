// The one interface every event-loop backend implements.
//
// Redis hides epoll, kqueue, evport and select behind five functions (aeApiCreate, aeApiAddEvent,
// aeApiDelEvent, aeApiPoll, aeApiName), one small file per mechanism, chosen at compile time.
// Here the same five are a protocol, and EventLoop.makePoller picks the backend: epoll on Linux,
// kqueue on macOS, and poll anywhere (start reading with PollPoller.swift: it is the simplest).
//
// Redis: src/ae_epoll.c, src/ae_kqueue.c, src/ae_select.c

/// A descriptor that is ready, and for what.
public struct FiredEvent: Sendable {
    public var fd: Int32
    public var mask: EventMask
    public init(fd: Int32, mask: EventMask) { self.fd = fd; self.mask = mask }
}

/// An OS readiness mechanism. Redis: the aeApi* functions of ae_epoll.c / ae_kqueue.c / ae_select.c
public protocol Poller: AnyObject {
    /// The backend's name, as INFO shows it (`multiplexing_api:epoll`). Redis: aeApiName
    var name: String { get }
    /// Adds `mask` to what `fd` is watched for; `oldMask` is what it was watched for before.
    /// Redis: aeApiAddEvent
    func add(fd: Int32, mask: EventMask, oldMask: EventMask) throws
    /// Removes `mask`; `newMask` is what remains watched. Redis: aeApiDelEvent
    func delete(fd: Int32, mask: EventMask, newMask: EventMask)
    /// Waits up to `timeoutMs` (-1: forever, 0: not at all) and fills `fired` with the ready
    /// descriptors; returns their number. Redis: aeApiPoll
    func poll(timeoutMs: Int32, into fired: inout [FiredEvent]) -> Int
}

// The names a reader of src/ae_epoll.c will grep for.
extension Poller {
    @available(*, unavailable, renamed: "poll(timeoutMs:into:)")
    public func aeApiPoll(timeoutMs: Int32, into fired: inout [FiredEvent]) -> Int { 0 }
    @available(*, unavailable, renamed: "add(fd:mask:oldMask:)")
    public func aeApiAddEvent(fd: Int32, mask: EventMask, oldMask: EventMask) throws {}
    @available(*, unavailable, renamed: "delete(fd:mask:newMask:)")
    public func aeApiDelEvent(fd: Int32, mask: EventMask, newMask: EventMask) {}
}
