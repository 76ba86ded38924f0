// redis-py, the Python client, against our server and a real redis-server: the scenario in
// RedisPy/scenario.py drives every command family through redis-py, in RESP3 (redis-py's default,
// `HELLO 3` on connect) and in RESP2 (`protocol=2`), records the raw bytes of every reply and
// compares them step by step. The test fails with the script's report: for each family that
// differs, the first differing step with both replies.
//
// Run alone:  swift test --skip-build --filter InteropTests.RedisPyTests
// or by hand: python3 Tests/InteropTests/RedisPy/scenario.py --ours PORT --redis PORT --protocol 3

import Foundation
import TestSupport
import XCTest

final class RedisPyTests: InteropTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("RedisPy/scenario.py").path

    /// `/usr/bin/env`, once `python3 -c 'import redis'` works; a skip (a failure under
    /// SWIFT_REDIS_INTEROP=require) when python3 or redis-py is missing.
    func python(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let env = "/usr/bin/env"
        let (status, out) = try runProgram(env, ["python3", "-c", "import redis"], timeout: 30)
        if status == 0 { return env }
        let message = "redis-py is not installed (python3 -m pip install redis): \(out)"
        if Interop.required {
            XCTFail(message + " and SWIFT_REDIS_INTEROP=require", file: file, line: line)
            throw TestSupportError(message)
        }
        throw XCTSkip(message)
    }

    /// Runs the scenario in both protocols; fails with the script's report where replies differ.
    func assertScenario(ours: Int, redis: Int, extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let env = try python(file: file, line: line)
        for proto in ["3", "2"] {
            let (status, out) = try runProgram(env, ["python3", RedisPyTests.script, "--ours", String(ours), "--redis", String(redis),
                                                     "--protocol", proto] + extra, timeout: 120)
            XCTAssertEqual(status, 0, "redis-py scenario, protocol=\(proto):\n\(out)", file: file, line: line)
            XCTAssertTrue(out.contains("redis-py scenario: equal") || status != 0, out, file: file, line: line)
        }
    }

    /// DEBUG DIGEST is off by default in Redis 7.0; 6.2 has no such option.
    static let realArgs = ["--enable-debug-command", "yes"]

    /// Two real servers must agree on every step: this checks the scenario itself (no step
    /// depends on timing, randomness or the process's hash seed, beyond what it normalises).
    func testScenarioIsDeterministicOnRealRedis() throws {
        let a = try startRealRedis(RedisPyTests.realArgs), b = try startRealRedis(RedisPyTests.realArgs)
        try assertScenario(ours: a, redis: b, extra: ["--ours-is-redis7"])
    }

    /// Our server against the real one, byte for byte, in RESP3 and RESP2.
    func testSameRepliesAsRealRedisThroughRedisPy() throws {
        let real = try startRealRedis(RedisPyTests.realArgs)
        let ours = try startServer()
        try assertScenario(ours: ours.port, redis: real)
    }
}
