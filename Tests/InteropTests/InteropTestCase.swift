// What the interop tests share: finding the real Redis tools (a skip, or a failure under
// SWIFT_REDIS_INTEROP=require, when one is missing), starting our server, and cleaning up.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

class InteropTestCase: ProcessTestCase {
    /// The path of a real Redis tool; skips the test (or fails it, when interop is required)
    /// if it is not installed.
    func tool(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if let path = Interop.find(name) { return path }
        let message = "\(name) is not installed (apt-get install redis-server redis-tools)"
        if Interop.required {
            XCTFail(message + " and SWIFT_REDIS_INTEROP=require", file: file, line: line)
            throw TestSupportError(message)
        }
        throw XCTSkip(message)
    }

    /// Starts a real redis-server on a free port (with `extraArgs`, e.g. `--enable-debug-command
    /// yes`) and waits until it answers.
    func startRealRedis(_ extraArgs: [String] = []) throws -> Int {
        let path = try tool("redis-server")
        let dir = tempDir()
        let port = freePort()
        _ = try launch(path, ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1",
                              "--dir", dir, "--daemonize", "no"] + extraArgs, dir: dir)
        var up = false
        _ = waitUntil(10) {
            guard let c = try? RawClient(port: port) else { return false }
            up = (try? c.call("PING")) == .simple("PONG")
            return up
        }
        if !up { throw TestSupportError("redis-server did not start on port \(port)") }
        return port
    }

    /// Sends each command to both servers, one at a time, and fails the test for every reply that
    /// differs by a byte.
    func assertSameReplies(_ commands: [[String]], ours a: RawClient, redis b: RawClient,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        for cmd in commands {
            let args = cmd.map { Array($0.utf8) }
            let mine = try a.callRaw(args), theirs = try b.callRaw(args)
            if mine != theirs {
                XCTFail("\(cmd.joined(separator: " ")): ours \"\(esc(mine))\", redis-server \"\(esc(theirs))\"",
                        file: file, line: line)
            }
        }
    }

    /// The cases where SwiftRedis answers as Redis 6.2 and the installed Redis 7.0 answers
    /// otherwise on purpose: each of our replies must be the 6.2 reply given, and the real server
    /// must still answer something. Returns the real server's replies, in order.
    @discardableResult
    func assertRedis62Replies(_ cases: [(command: [String], reply: String, reason: String)],
                              ours a: RawClient, redis b: RawClient,
                              file: StaticString = #filePath, line: UInt = #line) throws -> [[UInt8]] {
        var theirs: [[UInt8]] = []
        for (cmd, reply, reason) in cases {
            let args = cmd.map { Array($0.utf8) }
            let mine = try a.callRaw(args)
            XCTAssertEqual(esc(mine), esc(Array(reply.utf8)), "\(cmd.joined(separator: " ")) (\(reason))", file: file, line: line)
            let real = try b.callRaw(args)
            XCTAssertFalse(real.isEmpty, cmd.joined(separator: " "), file: file, line: line)
            theirs.append(real)
        }
        return theirs
    }
}
