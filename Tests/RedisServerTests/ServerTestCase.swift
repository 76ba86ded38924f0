// What every end-to-end test shares: start the real server binary on a free loopback port, talk
// to it over raw sockets, compare replies byte for byte, and clean up every process and temp dir.
//
// The tests in this target run the built `swift-redis-server` exactly as a user would; nothing
// is mocked. Replies are compared as the raw RESP bytes that came off the wire, so a stray space
// or a `$` where Redis sends a `+` fails the test.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

class ServerTestCase: ProcessTestCase {
    func connect(_ s: ServerProcess) throws -> RawClient { try RawClient(port: s.port) }

    // MARK: - Assertions on raw replies

    /// Asserts that the reply to `args` is exactly `expected` (RESP text, e.g. "$1\r\nv\r\n").
    func expect(_ c: RawClient, _ args: String..., is expected: String,
                file: StaticString = #filePath, line: UInt = #line) {
        expectBytes(c, args.map { Array($0.utf8) }, is: Array(expected.utf8), file: file, line: line)
    }

    /// Asserts the raw reply to a binary command.
    func expectBytes(_ c: RawClient, _ args: [[UInt8]], is expected: [UInt8],
                     file: StaticString = #filePath, line: UInt = #line) {
        let shown = args.map { RESPEscape.escape($0, limit: 40) }.joined(separator: " ")
        do {
            let got = try c.callRaw(args)
            if got != expected {
                XCTFail("reply to \(shown): got \"\(esc(got))\", expected \"\(esc(expected))\"", file: file, line: line)
            }
        } catch {
            XCTFail("\(shown): \(error)", file: file, line: line)
        }
    }

    /// Sends `args` as a multibulk without reading the reply.
    func sendOnly(_ c: RawClient, _ args: String...) {
        c.send(raw: RawClient.encode(args.map { Array($0.utf8) }))
    }

    /// The next raw reply, as text ("" and a failure on a transport error).
    func nextReply(_ c: RawClient, file: StaticString = #filePath, line: UInt = #line) -> String {
        do { return String(decoding: try c.readRawReply(), as: UTF8.self) } catch {
            XCTFail("reading a reply: \(error)", file: file, line: line)
            return ""
        }
    }

    /// The reply to a command, parsed; a failure on a transport error.
    @discardableResult
    func call(_ c: RawClient, _ args: String..., file: StaticString = #filePath, line: UInt = #line) -> RESPValue {
        do { return try c.call(args.map { Array($0.utf8) }) } catch {
            XCTFail("\(args.joined(separator: " ")): \(error)", file: file, line: line)
            return .error("transport: \(error)")
        }
    }

    /// An integer reply, or nil.
    func int(_ c: RawClient, _ args: String..., file: StaticString = #filePath, line: UInt = #line) -> Int64? {
        do {
            if case .integer(let i) = try c.call(args.map { Array($0.utf8) }) { return i }
        } catch { XCTFail("\(args.joined(separator: " ")): \(error)", file: file, line: line) }
        return nil
    }

    /// One field of an INFO section (`INFO stats` → `expired_keys`).
    func infoField(_ c: RawClient, _ section: String, _ field: String) -> String? {
        guard let text = call(c, "INFO", section).string else { return nil }
        for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    /// True if nothing arrives and the peer does not close within `ms` milliseconds.
    func staysOpenAndSilent(_ c: RawClient, ms: Int32) -> Bool {
        var p = pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, ms) == 0
    }

    /// Unix time in milliseconds.
    func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// A small seeded generator, so a failing random-input test can be replayed. (SplitMix64)
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
