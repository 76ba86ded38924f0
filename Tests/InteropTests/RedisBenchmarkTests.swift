// The real `redis-benchmark` against our server, pipelined and not: every test must finish,
// print its result line, and report no error. (Speed is measured by scripts/bench.sh on a
// release build; these tests run the debug build and check correctness under load.)

import Foundation
import TestSupport
import XCTest

final class RedisBenchmarkTests: InteropTestCase {
    static let tests = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"]

    /// Runs redis-benchmark with `args` and checks one CSV result line per test and no error.
    func bench(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let benchmark = try tool("redis-benchmark")
        let s = try startServer()
        let (status, out) = try runProgram(benchmark, ["-p", String(s.port), "-t", "ping_inline,ping_mbulk,set,get,incr,mset",
                                                       "-q", "--csv"] + args, timeout: 180)
        XCTAssertEqual(status, 0, out, file: file, line: line)
        XCTAssertFalse(out.lowercased().contains("error"), out, file: file, line: line)
        // redis-benchmark reads `save` and `appendonly` with CONFIG GET first, and warns if it cannot.
        XCTAssertFalse(out.contains("WARNING"), out, file: file, line: line)
        let rows = out.split(separator: "\n").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: ["\""]) } }
        for t in RedisBenchmarkTests.tests {
            guard let row = rows.first(where: { $0.first == t }) else {
                XCTFail("no result for \(t):\n\(out)", file: file, line: line); continue
            }
            let rps = row.count > 1 ? Double(row[1]) ?? 0 : 0
            XCTAssertGreaterThan(rps, 0, "\(t): \(row)", file: file, line: line)
        }
        // The server counted what the benchmark sent: the keys it wrote are there.
        let c = try RawClient(port: s.port)
        XCTAssertEqual(try c.call("EXISTS", "key:__rand_int__", "counter:__rand_int__"), .integer(2), file: file, line: line)
        XCTAssertTrue(s.isRunning, file: file, line: line)
    }

    func testPipelinedBenchmark() throws {
        try bench(["-n", "100000", "-P", "16"])
    }

    func testUnpipelinedBenchmark() throws {
        try bench(["-n", "20000", "-P", "1"])
    }
}
