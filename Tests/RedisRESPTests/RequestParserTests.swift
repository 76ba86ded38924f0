// The request parser on plain byte buffers: multibulk and inline requests, partial input,
// pipelining, Redis 6.2's exact protocol-error texts, the CVE-2021-32675 allocation limit,
// binary payloads, and a seeded fuzz test comparing whole-buffer and chunked parsing.
//
// Redis: processMultibulkBuffer, processInlineBuffer (src/networking.c)

import XCTest
@testable import RedisRESP
import RedisCore

/// One step of parsing: a whole command's arguments, or an error.
enum Parsed: Equatable {
    case command([[UInt8]])
    case error(String)
}

/// A growing input buffer and the parser state, as a client keeps them between reads.
struct ParserHarness {
    var parser = RequestParser()
    var buf: [UInt8] = []
    var pos = 0
    var argv: [ByteString] = []

    /// Appends `bytes` and parses every whole command now in the buffer. Stops at `.incomplete`
    /// or after an error (a client is closed after a protocol error).
    mutating func feed(_ bytes: [UInt8]) -> [Parsed] {
        buf += bytes
        var out: [Parsed] = []
        var guardSteps = 0
        while true {
            guardSteps += 1
            precondition(guardSteps < 1_000_000, "parser made no progress")
            let before = pos
            let r = buf.withUnsafeBytes { parser.parse($0, pos: &pos, argv: &argv) }
            precondition(pos >= before && pos <= buf.count, "pos went out of bounds")
            switch r {
            case .incomplete:
                return out
            case .error(let m):
                out.append(.error(m))
                return out
            case .command:
                out.append(.command(argv.map(\.bytes)))
                argv.removeAll(keepingCapacity: true)
                precondition(parser.requestType == .unknown, "parser not reset after a command")
                if pos == buf.count { return out }
            }
        }
    }

    mutating func feed(_ s: String) -> [Parsed] { feed(Array(s.utf8)) }
}

private func cmd(_ words: String...) -> Parsed { .command(words.map { Array($0.utf8) }) }

final class RequestParserTests: XCTestCase {
    // MARK: - Well-formed requests

    func testMultibulkComplete() {
        var h = ParserHarness()
        XCTAssertEqual(h.feed("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"), [cmd("SET", "k", "value")])
        XCTAssertEqual(h.pos, h.buf.count)
        XCTAssertEqual(h.parser.requestType, .unknown)
        XCTAssertEqual(h.parser.multibulkLength, 0)
        XCTAssertEqual(h.parser.bulkLength, -1)
    }

    func testMultibulkOneByteAtATime() {
        let request = Array("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n".utf8)
        var h = ParserHarness()
        for (i, b) in request.enumerated() {
            let r = h.feed([b])
            if i < request.count - 1 {
                XCTAssertEqual(r, [], "byte \(i) completed nothing")
            } else {
                XCTAssertEqual(r, [cmd("SET", "key", "0123456789")])
            }
        }
    }

    func testInlineOneByteAtATime() {
        let request = Array("SET k \"a b\"\r\n".utf8)
        var h = ParserHarness()
        for (i, b) in request.enumerated() {
            let r = h.feed([b])
            XCTAssertEqual(r, i < request.count - 1 ? [] : [cmd("SET", "k", "a b")], "byte \(i)")
        }
    }

    func testPipelinedRequestsInOneBuffer() {
        var h = ParserHarness()
        let input = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPI"
        XCTAssertEqual(h.feed(input), [cmd("PING"), cmd("ECHO", "hi"), cmd("PING"), cmd("GET", "k")])
        XCTAssertEqual(h.feed("NG\r\n"), [cmd("PING")])
    }

    func testInlineWithQuotes() {
        var h = ParserHarness()
        XCTAssertEqual(h.feed("SET \"a b\" 'c d' \"\\x41\\n\"\r\n"), [.command([Array("SET".utf8), Array("a b".utf8), Array("c d".utf8), [65, 10]])])
        XCTAssertEqual(h.feed("  get   key  \n"), [cmd("get", "key")])   // bare \n ends a line too
    }

    func testEmptyLinesAndZeroCounts() {
        var h = ParserHarness()
        XCTAssertEqual(h.feed("\r\n"), [.command([])])
        XCTAssertEqual(h.feed("\n"), [.command([])])
        XCTAssertEqual(h.feed("   \r\n"), [.command([])])
        XCTAssertEqual(h.feed("*0\r\n"), [.command([])])
        XCTAssertEqual(h.feed("*-1\r\n"), [.command([])])
        XCTAssertEqual(h.feed("*1\r\n$0\r\n\r\n"), [.command([[]])])
        XCTAssertEqual(h.pos, h.buf.count)
    }

    func testBinaryPayloadWithCRLFInsideBulk() {
        var h = ParserHarness()
        let payload: [UInt8] = [97, 13, 10, 0, 13, 10, 255]
        let r = h.feed(Array("*2\r\n$3\r\nSET\r\n$7\r\n".utf8) + payload + [13, 10])
        XCTAssertEqual(r, [.command([Array("SET".utf8), payload])])
    }

    func testBulkSplitAcrossReads() {
        var h = ParserHarness()
        XCTAssertEqual(h.feed("*2\r\n$3\r\nGET\r\n$10\r\n01234"), [])
        XCTAssertEqual(h.parser.bulkLength, 10)
        XCTAssertEqual(h.parser.multibulkLength, 1)
        XCTAssertEqual(h.feed("56789\r"), [], "payload there but not its \\n")
        XCTAssertEqual(h.feed("\n"), [cmd("GET", "0123456789")])
    }

    // MARK: - Protocol errors, with Redis 6.2's exact texts

    private func firstError(_ input: [UInt8], limits: ParserLimits = ParserLimits()) -> String? {
        var h = ParserHarness()
        h.parser.limits = limits
        for r in h.feed(input) { if case .error(let m) = r { return m } }
        return nil
    }

    private func firstError(_ input: String) -> String? { firstError(Array(input.utf8)) }

    func testInvalidMultibulkLength() {
        XCTAssertEqual(firstError("*abc\r\n"), "Protocol error: invalid multibulk length")
        XCTAssertEqual(firstError("*3000000000\r\n"), "Protocol error: invalid multibulk length")
        XCTAssertEqual(firstError("*2147483648\r\n"), "Protocol error: invalid multibulk length")
        XCTAssertEqual(firstError("*+1\r\n"), "Protocol error: invalid multibulk length")
        XCTAssertEqual(firstError("*\r\n"), "Protocol error: invalid multibulk length")
        XCTAssertEqual(firstError("*1x\r\n"), "Protocol error: invalid multibulk length")
    }

    func testInvalidBulkLength() {
        XCTAssertEqual(firstError("*1\r\n$-5\r\n"), "Protocol error: invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$-1\r\n"), "Protocol error: invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$abc\r\n"), "Protocol error: invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$\r\n"), "Protocol error: invalid bulk length")
        var limits = ParserLimits()
        limits.maxBulkLength = 10
        XCTAssertEqual(firstError(Array("*1\r\n$11\r\n".utf8), limits: limits), "Protocol error: invalid bulk length")
        XCTAssertNil(firstError(Array("*1\r\n$10\r\n0123456789\r\n".utf8), limits: limits))
        // The default limit is proto-max-bulk-len, 512 MB.
        XCTAssertEqual(firstError("*1\r\n$536870913\r\n"), "Protocol error: invalid bulk length")
        XCTAssertNil(firstError("*1\r\n$536870912\r\n"))
    }

    func testExpectedDollar() {
        XCTAssertEqual(firstError("*1\r\nx3\r\nfoo\r\n"), "Protocol error: expected '$', got 'x'")
        XCTAssertEqual(firstError("*2\r\n$3\r\nfoo\r\n:1\r\n"), "Protocol error: expected '$', got ':'")
    }

    func testTooBigInlineRequest() {
        let limit = ParserLimits().inlineMax
        XCTAssertEqual(limit, 64 * 1024)
        var h = ParserHarness()
        XCTAssertEqual(h.feed([UInt8](repeating: UInt8(ascii: "a"), count: limit)), [], "exactly 64 KB: still waiting")
        XCTAssertEqual(h.feed([UInt8(ascii: "a")]), [.error("Protocol error: too big inline request")])
        // A long line that does end is fine.
        var ok = ParserHarness()
        let long = [UInt8](repeating: UInt8(ascii: "b"), count: 100_000) + [10]
        XCTAssertEqual(ok.feed(long), [.command([[UInt8](repeating: UInt8(ascii: "b"), count: 100_000)])])
    }

    func testTooBigCountStrings() {
        let digits = [UInt8](repeating: UInt8(ascii: "1"), count: 64 * 1024 + 1)
        XCTAssertEqual(firstError([UInt8(ascii: "*")] + digits), "Protocol error: too big mbulk count string")
        XCTAssertEqual(firstError(Array("*1\r\n$".utf8) + digits), "Protocol error: too big bulk count string")
    }

    func testUnbalancedQuotes() {
        XCTAssertEqual(firstError("SET \"a\r\n"), "Protocol error: unbalanced quotes in request")
        XCTAssertEqual(firstError("SET 'a\r\n"), "Protocol error: unbalanced quotes in request")
        XCTAssertEqual(firstError("SET \"a\"b\r\n"), "Protocol error: unbalanced quotes in request")
    }

    // MARK: - Memory

    func testHugeMultibulkCountReservesLittle() {
        var h = ParserHarness()
        XCTAssertEqual(h.feed("*2000000000\r\n"), [])
        XCTAssertEqual(h.parser.multibulkLength, 2_000_000_000)
        XCTAssertLessThanOrEqual(h.argv.capacity, 1024, "argv capacity \(h.argv.capacity)")
        XCTAssertEqual(h.feed("$3\r\nfoo\r\n"), [])
        XCTAssertEqual(h.argv.count, 1)
        XCTAssertEqual(h.parser.multibulkLength, 2_000_000_000 - 1)
    }

    // MARK: - Fuzz

    /// SplitMix64: a small seeded generator, so a failure can be replayed.
    struct SeededRNG: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// A random input: pieces of valid requests, protocol characters and raw bytes.
    private func randomInput(_ rng: inout SeededRNG) -> [UInt8] {
        var out: [UInt8] = []
        let pieces = Int.random(in: 1...8, using: &rng)
        let alphabet = Array("*$\r\n0123456789-+ \"'\\xabSETGET".utf8)
        for _ in 0..<pieces {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                // A valid multibulk request.
                let n = Int.random(in: 0...4, using: &rng)
                out += Array("*\(n)\r\n".utf8)
                for _ in 0..<n {
                    let len = Int.random(in: 0...12, using: &rng)
                    out += Array("$\(len)\r\n".utf8)
                    for _ in 0..<len { out.append(UInt8.random(in: 0...255, using: &rng)) }
                    out += [13, 10]
                }
            case 1:
                out += Array("SET k \"v w\"\r\n".utf8)
            case 2, 3:
                for _ in 0..<Int.random(in: 1...20, using: &rng) { out.append(alphabet.randomElement(using: &rng)!) }
            case 4:
                for _ in 0..<Int.random(in: 1...20, using: &rng) { out.append(UInt8.random(in: 0...255, using: &rng)) }
            default:
                // A valid request with one byte changed.
                var r = Array("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n".utf8)
                r[Int.random(in: 0..<r.count, using: &rng)] = alphabet.randomElement(using: &rng)!
                out += r
            }
        }
        return out
    }

    func testFuzzChunkedParsingMatchesWholeBufferParsing() {
        var rng = SeededRNG(state: 0x5eed_2026)
        var commands = 0, errors = 0
        for iteration in 0..<2000 {
            let input = randomInput(&rng)
            // Once, all at once…
            var whole = ParserHarness()
            let expected = whole.feed(input)
            // …and in random chunks, as reads deliver it.
            var chunked = ParserHarness()
            var got: [Parsed] = []
            var i = 0
            while i < input.count {
                let n = min(input.count - i, Int.random(in: 1...9, using: &rng))
                got += chunked.feed(Array(input[i..<i + n]))
                i += n
                if case .error? = got.last { break }
            }
            XCTAssertEqual(got, expected, "iteration \(iteration): \(RESPEscape.escape(input, limit: 200))")
            for r in got {
                switch r {
                case .command: commands += 1
                case .error(let m):
                    errors += 1
                    XCTAssertTrue(m.hasPrefix("Protocol error: "), m)
                }
            }
        }
        // The generator must exercise both outcomes, or the test proves little.
        XCTAssertGreaterThan(commands, 1000)
        XCTAssertGreaterThan(errors, 100)
    }
}
