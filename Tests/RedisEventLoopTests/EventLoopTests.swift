// The event loop on every backend this system has: file events on pipes and socket pairs
// (readable, writable, delete, the barrier order), time events, beforeSleep, run/stop.
//
// No network: pipe(2) and socketpair(AF_UNIX) give descriptors whose readiness the test controls.

import XCTest
@testable import RedisEventLoop
import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every poller available here, by name.
private func backends() throws -> [(String, Poller)] {
    var out: [(String, Poller)] = [("poll", PollPoller())]
    #if os(Linux)
    out.append(("epoll", try EpollPoller()))
    #elseif canImport(Darwin)
    out.append(("kqueue", try KqueuePoller()))
    #endif
    return out
}

private func makeLoop(_ poller: Poller, setSize: Int = 1024) -> EventLoop {
    EventLoop(setSize: setSize, poller: poller, tracer: Tracer())
}

/// A pipe: (read end, write end), closed by the caller.
private func makePipe() throws -> (Int32, Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw EventLoopError(description: "pipe failed") }
    return (fds[0], fds[1])
}

private func makeSocketPair() throws -> (Int32, Int32) {
    var fds: [Int32] = [0, 0]
    #if canImport(Glibc)
    let type = Int32(SOCK_STREAM.rawValue)
    #else
    let type = SOCK_STREAM
    #endif
    guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw EventLoopError(description: "socketpair failed") }
    return (fds[0], fds[1])
}

private func writeByte(_ fd: Int32) {
    var b: UInt8 = 120
    XCTAssertEqual(write(fd, &b, 1), 1)
}

private func drain(_ fd: Int32) {
    var buf = [UInt8](repeating: 0, count: 64)
    _ = read(fd, &buf, 64)
}

private let noWaitFiles: ProcessFlags = [.fileEvents, .dontWait]

final class EventLoopFileEventTests: XCTestCase {
    func testReadableFiresWithTheRightFd() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (r, w) = try makePipe()
            let (r2, w2) = try makePipe()
            defer { close(r); close(w); close(r2); close(w2) }
            var fired: [(Int32, EventMask)] = []
            try loop.createFileEvent(fd: r, mask: .readable) { fd, mask in fired.append((fd, mask)); drain(fd) }
            try loop.createFileEvent(fd: r2, mask: .readable) { fd, mask in fired.append((fd, mask)); drain(fd) }
            XCTAssertEqual(loop.processEvents(noWaitFiles), 0, name)
            XCTAssertTrue(fired.isEmpty, "\(name): nothing written yet")
            writeByte(w2)
            XCTAssertEqual(loop.processEvents(noWaitFiles), 1, name)
            XCTAssertEqual(fired.map(\.0), [r2], name)
            XCTAssertTrue(fired[0].1.contains(.readable), name)
            XCTAssertEqual(loop.fileEvents(fd: r), .readable, name)
            XCTAssertEqual(loop.maxfd, max(r, r2), name)
        }
    }

    func testWritableFires() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (r, w) = try makePipe()
            defer { close(r); close(w) }
            var fired: [Int32] = []
            try loop.createFileEvent(fd: w, mask: .writable) { fd, mask in
                XCTAssertTrue(mask.contains(.writable))
                fired.append(fd)
            }
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(fired, [w], name)
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(fired, [w, w], "\(name): level-triggered, fires again")
        }
    }

    func testDeleteFileEventStopsEvents() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (r, w) = try makePipe()
            defer { close(r); close(w) }
            var calls = 0
            try loop.createFileEvent(fd: r, mask: .readable) { _, _ in calls += 1 }
            writeByte(w)  // stays unread: level-triggered readiness persists
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(calls, 1, name)
            loop.deleteFileEvent(fd: r, mask: .readable)
            XCTAssertEqual(loop.fileEvents(fd: r), [], name)
            XCTAssertEqual(loop.maxfd, -1, name)
            XCTAssertEqual(loop.processEvents(noWaitFiles), 0, name)
            XCTAssertEqual(calls, 1, "\(name): no event after delete")
            // Registering again works (epoll: ADD after DEL).
            try loop.createFileEvent(fd: r, mask: .readable) { _, _ in calls += 10 }
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(calls, 11, name)
        }
    }

    func testDeleteOneSideKeepsTheOther() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (a, b) = try makeSocketPair()
            defer { close(a); close(b) }
            var log: [String] = []
            try loop.createFileEvent(fd: a, mask: .readable) { _, _ in log.append("R") }
            try loop.createFileEvent(fd: a, mask: .writable) { _, _ in log.append("W") }
            XCTAssertEqual(loop.fileEvents(fd: a), [.readable, .writable], name)
            writeByte(b)
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(log, ["R", "W"], name)
            log.removeAll()
            loop.deleteFileEvent(fd: a, mask: .readable)
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(log, ["W"], "\(name): only the write side is left")
            log.removeAll()
            try loop.createFileEvent(fd: a, mask: .readable) { _, _ in log.append("R") }
            loop.deleteFileEvent(fd: a, mask: .writable)
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(log, ["R"], "\(name): only the read side is left")
        }
    }

    func testBarrierRunsWriteBeforeRead() throws {
        for (name, poller) in try backends() {
            for barrier in [false, true] {
                let loop = makeLoop(poller)
                let (a, b) = try makeSocketPair()
                defer { close(a); close(b) }
                var order: [String] = []
                try loop.createFileEvent(fd: a, mask: .readable) { _, _ in order.append("R") }
                try loop.createFileEvent(fd: a, mask: barrier ? [.writable, .barrier] : .writable) { _, _ in order.append("W") }
                writeByte(b)  // `a` is now readable, and a socket with room is writable
                XCTAssertEqual(loop.processEvents(noWaitFiles), 1, name)
                XCTAssertEqual(order, barrier ? ["W", "R"] : ["R", "W"], "\(name) barrier=\(barrier)")
                // Deleting the write side also drops the barrier.
                loop.deleteFileEvent(fd: a, mask: .writable)
                XCTAssertEqual(loop.fileEvents(fd: a), .readable, name)
            }
        }
    }

    func testReadHandlerRemovingWriteHandlerPreventsIt() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (a, b) = try makeSocketPair()
            defer { close(a); close(b) }
            var order: [String] = []
            try loop.createFileEvent(fd: a, mask: .readable) { fd, _ in
                order.append("R")
                loop.deleteFileEvent(fd: fd, mask: .writable)
            }
            try loop.createFileEvent(fd: a, mask: .writable) { _, _ in order.append("W") }
            writeByte(b)
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(order, ["R"], "\(name): the write handler was removed during this turn")
        }
    }

    func testHangUpWakesTheReadHandler() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (a, b) = try makeSocketPair()
            defer { close(a) }
            var got: [EventMask] = []
            try loop.createFileEvent(fd: a, mask: .readable) { _, m in got.append(m) }
            close(b)
            loop.processEvents(noWaitFiles)
            XCTAssertEqual(got.count, 1, name)
            XCTAssertTrue(got.first?.contains(.readable) ?? false, "\(name): EOF is reported as readable")
        }
    }

    func testFdOutOfRangeThrows() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller, setSize: 16)
            XCTAssertThrowsError(try loop.createFileEvent(fd: 16, mask: .readable) { _, _ in }, name) { error in
                XCTAssertEqual((error as? EventLoopError)?.description, "fd 16 out of range (setsize 16)")
            }
            XCTAssertThrowsError(try loop.createFileEvent(fd: 1000, mask: .writable) { _, _ in }, name)
            XCTAssertThrowsError(try loop.createFileEvent(fd: -1, mask: .readable) { _, _ in }, name)
            XCTAssertEqual(loop.maxfd, -1, name)
            // Deleting out of range is harmless.
            loop.deleteFileEvent(fd: 99, mask: .readable)
            XCTAssertEqual(loop.fileEvents(fd: 99), [], name)
        }
    }

    func testMakePollerByName() throws {
        XCTAssertEqual(try EventLoop.makePoller(named: "poll").name, "poll")
        #if os(Linux)
        XCTAssertEqual(try EventLoop.makePoller(named: "auto").name, "epoll")
        XCTAssertEqual(try EventLoop.makePoller(named: "epoll").name, "epoll")
        XCTAssertThrowsError(try EventLoop.makePoller(named: "kqueue"))
        #endif
        XCTAssertThrowsError(try EventLoop.makePoller(named: "select"))
    }
}

final class EventLoopTimeEventTests: XCTestCase {
    func testTimersFireInOrderOfDueTime() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            var order: [String] = []
            loop.createTimeEvent(milliseconds: 30, name: "c") { _ in order.append("c"); return nil }
            loop.createTimeEvent(milliseconds: 5, name: "a") { _ in order.append("a"); return nil }
            loop.createTimeEvent(milliseconds: 15, name: "b") { _ in order.append("b"); return nil }
            var turns = 0
            while order.count < 3 && turns < 100 { loop.processEvents(); turns += 1 }
            XCTAssertEqual(order, ["a", "b", "c"], name)
            XCTAssertTrue(loop.timers.isEmpty, "\(name): handlers returning nil are removed")
        }
    }

    func testTimerDoesNotFireEarly() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let clock = Clock()
            let start = clock.monotonicSeconds()
            var firedAt: Double?
            loop.createTimeEvent(milliseconds: 20, name: "t") { _ in firedAt = clock.monotonicSeconds(); return nil }
            while firedAt == nil && clock.monotonicSeconds() - start < 2 { loop.processEvents() }
            let elapsed = try XCTUnwrap(firedAt) - start
            XCTAssertGreaterThanOrEqual(elapsed, 0.019, name)
            XCTAssertLessThan(elapsed, 1.0, name)
        }
    }

    func testReturningNilRemovesAndReturningNReschedules() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            var once = 0, repeated = 0
            var ids: [Int] = []
            let onceId = loop.createTimeEvent(milliseconds: 0, name: "once") { id in ids.append(id); once += 1; return nil }
            loop.createTimeEvent(milliseconds: 0, name: "repeat") { _ in
                repeated += 1
                return repeated < 4 ? 1 : nil
            }
            var turns = 0
            while repeated < 4 && turns < 200 { loop.processEvents(); turns += 1 }
            // A few more turns without timers due (nothing left, so do not block).
            for _ in 0..<3 { loop.processEvents([.allEvents, .dontWait]) }
            XCTAssertEqual(once, 1, name)
            XCTAssertEqual(ids, [onceId], name)
            XCTAssertEqual(repeated, 4, "\(name): ran, rescheduled three times, then stopped")
            XCTAssertTrue(loop.timers.isEmpty, name)
        }
    }

    func testDeleteTimeEvent() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            var fired = 0
            let id = loop.createTimeEvent(milliseconds: 0, name: "gone") { _ in fired += 1; return nil }
            loop.deleteTimeEvent(id: id)
            loop.processEvents([.allEvents, .dontWait])
            XCTAssertEqual(fired, 0, name)
        }
    }

    func testTimerCreatedByHandlerWaitsForNextTurn() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            var log: [String] = []
            loop.createTimeEvent(milliseconds: 0, name: "parent") { _ in
                log.append("parent")
                loop.createTimeEvent(milliseconds: 0, name: "child") { _ in log.append("child"); return nil }
                return nil
            }
            loop.processEvents([.timeEvents, .dontWait])
            XCTAssertEqual(log, ["parent"], name)
            loop.processEvents([.timeEvents, .dontWait])
            XCTAssertEqual(log, ["parent", "child"], name)
        }
    }

    func testDontWaitDoesNotBlock() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (r, w) = try makePipe()
            defer { close(r); close(w) }
            var fired = 0
            try loop.createFileEvent(fd: r, mask: .readable) { _, _ in fired += 1 }
            loop.createTimeEvent(milliseconds: 10_000, name: "far") { _ in fired += 1; return nil }
            let clock = Clock()
            let start = clock.monotonicSeconds()
            XCTAssertEqual(loop.processEvents([.allEvents, .dontWait]), 0, name)
            XCTAssertLessThan(clock.monotonicSeconds() - start, 0.5, name)
            XCTAssertEqual(fired, 0, name)
        }
    }

    func testWaitIsBoundedByTheNearestTimer() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            let (r, w) = try makePipe()
            defer { close(r); close(w) }
            try loop.createFileEvent(fd: r, mask: .readable) { _, _ in }
            var fired = false
            loop.createTimeEvent(milliseconds: 10, name: "soon") { _ in fired = true; return nil }
            let clock = Clock()
            let start = clock.monotonicSeconds()
            // Nothing is readable: poll must wake for the timer, not sleep for ever.
            while !fired && clock.monotonicSeconds() - start < 2 { loop.processEvents() }
            XCTAssertTrue(fired, name)
            XCTAssertLessThan(clock.monotonicSeconds() - start, 1.0, name)
        }
    }

    func testRunAndStopFromATimer() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            var ticks = 0, before = 0, after = 0
            loop.beforeSleep = { before += 1 }
            loop.afterSleep = { after += 1 }
            loop.createTimeEvent(milliseconds: 1, name: "tick") { _ in
                ticks += 1
                if ticks == 5 { loop.stop(); return nil }
                return 1
            }
            loop.run()
            XCTAssertEqual(ticks, 5, name)
            XCTAssertGreaterThanOrEqual(before, 5, "\(name): beforeSleep runs on every turn")
            XCTAssertEqual(before, after, name)
            // run() can be entered again after stop().
            loop.createTimeEvent(milliseconds: 0, name: "again") { _ in loop.stop(); return nil }
            let b = before
            loop.run()
            XCTAssertGreaterThan(before, b, name)
        }
    }

    func testBeforeSleepIsCalledEachTurnOnlyWhenAsked() throws {
        for (name, poller) in try backends() {
            let loop = makeLoop(poller)
            var before = 0, after = 0
            loop.beforeSleep = { before += 1 }
            loop.afterSleep = { after += 1 }
            for _ in 0..<7 { loop.processEvents([.allEvents, .dontWait, .callBeforeSleep, .callAfterSleep]) }
            XCTAssertEqual(before, 7, name)
            XCTAssertEqual(after, 7, name)
            for _ in 0..<3 { loop.processEvents([.allEvents, .dontWait]) }
            XCTAssertEqual(before, 7, "\(name): not without .callBeforeSleep")
            XCTAssertEqual(after, 7, name)
        }
    }

    func testBeforeSleepRunsBeforeThePoll() throws {
        for (name, poller) in try backends() {
            // A beforeSleep that makes a pipe readable: the same turn's poll must see it.
            let loop = makeLoop(poller)
            let (r, w) = try makePipe()
            defer { close(r); close(w) }
            var read = 0
            try loop.createFileEvent(fd: r, mask: .readable) { fd, _ in read += 1; drain(fd) }
            loop.beforeSleep = { writeByte(w) }
            loop.processEvents([.allEvents, .dontWait, .callBeforeSleep])
            XCTAssertEqual(read, 1, name)
        }
    }
}
