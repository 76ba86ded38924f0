// The real `redis-benchmark` against our server, pipelined and not: every test must finish,
// print its result line, and report no error; both for the string tests at a larger -n and for
// redis-benchmark's whole default test set at a small one. (Speed is measured by scripts/bench.sh on a
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

    /// The CSV rows of a redis-benchmark run: test name and requests per second.
    static func results(_ out: String) -> [(test: String, rps: Double)] {
        out.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: ["\""]) }
            guard f.count > 1, let rps = Double(f[1]) else { return nil }
            return (f[0], rps)
        }
    }

    /// redis-benchmark's whole default test set (no -t: PING, SET, GET, INCR, the list pushes and
    /// pops, SADD, HSET, SPOP, ZADD, ZPOPMIN, LRANGE_100…600, MSET), at pipeline depth `depth`.
    /// A test that gets an error reply stops redis-benchmark with "Error from server: …" and exit
    /// status 1, so every test the real redis-server completes must complete against ours too.
    func benchDefaultSet(depth: Int, requests: Int = 2000, file: StaticString = #filePath, line: UInt = #line) throws {
        let benchmark = try tool("redis-benchmark")
        let args = ["-n", String(requests), "-P", String(depth), "-q", "--csv"]
        // The list of tests is redis-benchmark's own: read it from a run against real Redis.
        let real = try startRealRedis()
        let (realStatus, realOut) = try runProgram(benchmark, ["-p", String(real)] + args, timeout: 120)
        XCTAssertEqual(realStatus, 0, realOut, file: file, line: line)
        let expected = RedisBenchmarkTests.results(realOut).map(\.test)
        XCTAssertGreaterThanOrEqual(expected.count, 15, realOut, file: file, line: line)
        let s = try startServer()
        let (status, out) = try runProgram(benchmark, ["-p", String(s.port)] + args, timeout: 240)
        XCTAssertFalse(out.contains("Error from server"), "redis-benchmark -P \(depth) against ours:\n\(out.prefix(500))",
                       file: file, line: line)
        XCTAssertFalse(out.contains("WARNING"), out, file: file, line: line)
        var ours = RedisBenchmarkTests.results(out)
        if status != 0 {
            // The run stopped at the first error: run every test alone, so that the failure
            // names each test that fails (`-t` takes the first word of the CSV name, lowercase;
            // "LPUSH (needed to benchmark LRANGE)" is what the LRANGE tests run first).
            ours = []
            for t in expected where !t.contains("needed") {
                let name = String(t.prefix { $0 != " " }).lowercased()
                let (st, o) = try runProgram(benchmark, ["-p", String(s.port), "-t", name] + args, timeout: 120)
                if st != 0 { XCTFail("-P \(depth) -t \(name): \(o.prefix(300))", file: file, line: line) }
                ours += RedisBenchmarkTests.results(o)
            }
        }
        for t in expected {
            guard let row = ours.first(where: { $0.test == t }) else {
                XCTFail("-P \(depth): no result for \(t)", file: file, line: line); continue
            }
            XCTAssertGreaterThan(row.rps, 0, "-P \(depth) \(t)", file: file, line: line)
        }
        XCTAssertTrue(s.isRunning, file: file, line: line)
    }

    func testDefaultTestSetUnpipelined() throws {
        try benchDefaultSet(depth: 1)
    }

    func testDefaultTestSetPipelined() throws {
        try benchDefaultSet(depth: 16)
    }

    func testPipelinedBenchmark() throws {
        try bench(["-n", "100000", "-P", "16"])
    }

    func testUnpipelinedBenchmark() throws {
        try bench(["-n", "20000", "-P", "1"])
    }
}
