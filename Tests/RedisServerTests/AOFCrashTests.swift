// The promise of `appendfsync always`: nothing acknowledged is lost. A client writes numbered
// keys (SET key:N N, one at a time) as fast as it can while the server is killed with SIGKILL at
// a random moment; the server restarts on the same dir and every N that got +OK must be there.
//
// A SIGKILL leaves the kernel's page cache intact, so this proves "written before the reply";
// the strace test in InteropTests (AOFStraceTests) shows the fsync comes before the reply too.
// The 20 crashes run on one dir, one after the other, so later rounds also load files that
// earlier crashes may have cut in the middle of a command.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class AOFCrashTests: ServerTestCase {
    func testNoAcknowledgedWriteIsLostOnSIGKILL() throws {
        let args = ["--appendonly", "yes", "--appendfsync", "always"]
        let dir = tempDir()
        var rng = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970 * 1000))
        var acked = 0          // keys 1...acked got +OK (writes are sequential)
        var unacked = 0        // writes sent whose reply never came (may or may not be in the file)
        var truncatedLoads = 0
        var lost = 0
        let start = Date()
        let rounds = 20
        var s = try startOnDir(dir, args)
        for round in 1...rounds {
            let c = try connect(s)
            let delayMs = Int.random(in: 10...200, using: &rng)
            let pid = s.pid
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delayMs)) { kill(pid, SIGKILL) }
            let roundStart = acked
            let deadline = Date().addingTimeInterval(5)
            writing: while Date() < deadline {
                let n = acked + 1
                do {
                    let reply = try c.call("SET", "key:\(n)", "\(n)")
                    guard reply == .simple("OK") else { XCTFail("SET key:\(n): \(reply)"); break writing }
                    acked = n
                } catch {
                    unacked += 1
                    break writing
                }
            }
            s.process.waitUntilExit()
            XCTAssertEqual(s.process.terminationReason, .uncaughtSignal, "round \(round): the server was killed")

            s = try startOnDir(dir, args)
            if s.log.contains("AOF loaded anyway because aof-load-truncated is enabled") { truncatedLoads += 1 }
            let v = try connect(s)
            // Every acknowledged key, read back with MGET in batches.
            var missing: [Int] = []
            var first = 1
            while first <= acked {
                let last = min(acked, first + 499)
                let reply = try v.call([Array("MGET".utf8)] + (first...last).map { Array("key:\($0)".utf8) })
                guard case .array(let items?) = reply, items.count == last - first + 1 else {
                    XCTFail("MGET: \(reply)"); break
                }
                for (i, item) in items.enumerated() where item.string != "\(first + i)" { missing.append(first + i) }
                first = last + 1
            }
            lost += missing.count
            XCTAssertEqual(missing, [], "round \(round) (killed after \(delayMs) ms): acknowledged keys lost: \(missing.prefix(20))")
            let size = int(v, "DBSIZE") ?? -1
            // At most the one write in flight when the server died may be there without its reply.
            XCTAssertTrue(size == acked || size == acked + 1, "round \(round): DBSIZE \(size), acknowledged \(acked)")
            XCTAssertGreaterThan(acked, roundStart, "round \(round): no write got through in \(delayMs) ms")
        }
        let elapsed = Date().timeIntervalSince(start)
        print("AOF crash test: \(rounds) SIGKILLs, \(acked) acknowledged writes, \(lost) lost; "
              + "\(unacked) writes in flight at a kill, \(truncatedLoads) restarts truncated a partial tail, "
              + String(format: "%.1f s", elapsed))
    }
}
