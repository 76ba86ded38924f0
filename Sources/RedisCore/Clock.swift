// Clock: wall time for expiry, monotonic time for intervals, and a hand-driven mode for tests.
//
// Redis reads the clock through mstime()/ustime() (src/server.c) and caches it in
// `server.mstime` once per command so that a command sees one instant. Tests here set
// `manualMs` and move time by hand, the way swift-nio's EmbeddedEventLoop has advanceTime(by:).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's view of time.
public final class Clock {
    /// When set, `mstime()` returns this instead of the wall clock (tests only).
    public var manualMs: Int64?

    public init() {}

    /// Unix time in milliseconds. Redis: mstime (src/server.c)
    @inline(__always)
    public func mstime() -> Int64 {
        if let m = manualMs { return m }
        return ustime() / 1000
    }

    /// Unix time in microseconds. Redis: ustime (src/server.c)
    public func ustime() -> Int64 {
        if let m = manualMs { return m * 1000 }
        var tv = timeval()
        gettimeofday(&tv, nil)
        return Int64(tv.tv_sec) * 1_000_000 + Int64(tv.tv_usec)
    }

    /// Seconds on a clock that never jumps, for durations. Redis: getMonotonicUs (src/monotonic.c)
    public func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Microseconds on the monotonic clock. Redis: getMonotonicUs (src/monotonic.c)
    public func monotonicUs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
