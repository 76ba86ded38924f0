// The base of every test case that starts processes: our server, a real redis-server, a tool.
// Everything started or created through it is stopped and removed in tearDown, so a failing test
// leaves no process and no file behind.

import Foundation
import RedisCore
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

open class ProcessTestCase: XCTestCase {
    private var servers: [ServerProcess] = []
    private var processes: [Process] = []
    private var dirs: [String] = []

    override open func setUp() {
        super.setUp()
        // A server closing a socket we still write to must fail the write, not kill the test run.
        signal(SIGPIPE, SIG_IGN)
    }

    override open func tearDown() {
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

    /// Our server with `args` (plus `--port 0 --dir … --logfile …`); stopped in tearDown.
    public func startServer(_ args: [String] = [], configFile: String? = nil, dir: String? = nil) throws -> ServerProcess {
        let s = try ServerProcess(args: args, dir: dir, configFile: configFile)
        servers.append(s)
        return s
    }

    /// A temp dir removed in tearDown.
    public func tempDir() -> String {
        let d = makeTempDir("swiftredis-test")
        dirs.append(d)
        return d
    }

    /// Starts a program that tearDown stops (SIGTERM, then SIGKILL).
    public func launch(_ path: String, _ args: [String], dir: String) throws -> Process {
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
    public func waitUntil(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// A readable form of raw bytes for assertion messages (`\r\n` shown as such).
    public func esc(_ b: [UInt8]) -> String { RESPEscape.escape(b, limit: 2000) }
}
