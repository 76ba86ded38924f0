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

class InteropTestCase: XCTestCase {
    private var servers: [ServerProcess] = []
    private var processes: [Process] = []
    private var dirs: [String] = []

    override func setUp() {
        super.setUp()
        signal(SIGPIPE, SIG_IGN)
    }

    override func tearDown() {
        for s in servers { s.cleanUp() }
        servers.removeAll()
        for p in processes where p.isRunning {
            kill(p.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        processes.removeAll()
        for d in dirs { try? FileManager.default.removeItem(atPath: d) }
        dirs.removeAll()
        super.tearDown()
    }

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

    /// Our server on a free port; stopped in tearDown.
    func startServer(_ args: [String] = []) throws -> ServerProcess {
        let s = try ServerProcess(args: args)
        servers.append(s)
        return s
    }

    /// A temp dir removed in tearDown.
    func tempDir() -> String {
        let d = makeTempDir("swiftredis-interop")
        dirs.append(d)
        return d
    }

    /// Starts a program that tearDown stops (SIGTERM, then SIGKILL).
    func launch(_ path: String, _ args: [String], dir: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        processes.append(p)
        return p
    }

    /// Polls `condition` every 10 ms for up to `timeout` seconds.
    func waitUntil(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// Readable raw bytes for assertion messages.
    func esc(_ b: [UInt8]) -> String { RESPEscape.escape(b, limit: 2000) }
}
