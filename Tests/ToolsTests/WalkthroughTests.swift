// The walkthrough runner against the real server: every walkthrough of the repository passes
// --check, and the runner's steps, failures, diff and update work on small temp walkthroughs.

import Foundation
@testable import RedisTools
import TestSupport
import XCTest

final class WalkthroughTests: XCTestCase {
    private var folder = ""

    override func setUp() { folder = makeTempDir("walk") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// The built server; a missing binary fails the test (it must not pass by skipping).
    private func server(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = TestBinaries.server
        guard FileManager.default.isExecutableFile(atPath: path) else {
            XCTFail("no server binary at \(path): build the package first", file: file, line: line)
            throw ToolError("no server binary")
        }
        return path
    }

    /// Writes a walkthrough into the temp folder and returns its path.
    private func walkFile(_ steps: String, golden: [String]? = nil) -> String {
        var text = "# Test\n\n```walk\n" + steps + "\n```\n"
        if let golden { text += "\n## Trace\n\n```trace\n" + golden.map { $0 + "\n" }.joined() + "```\n" }
        let path = folder + "/w.md"
        XCTAssertNoThrow(try text.write(toFile: path, atomically: true, encoding: .utf8))
        return path
    }

    private func play(_ path: String, _ mode: WalkMode) throws -> (ok: Bool, output: String) {
        let console = Console(capturing: ())
        let ok = playWalkthrough(path, mode: mode, serverBinary: try server(), console: console)
        return (ok, console.text)
    }

    // MARK: The repository's walkthroughs

    func testEveryWalkthroughPasses() throws {
        let binary = try server()
        let walks = repositoryWalkthroughs()
        XCTAssertFalse(walks.isEmpty, "no Walkthroughs/*.md found")
        for path in walks {
            let console = Console(capturing: ())
            let ok = playWalkthrough(path, mode: .check, serverBinary: binary, console: console)
            XCTAssertTrue(ok, "\(path):\n\(console.text)")
        }
    }

    // MARK: The runner

    func testUpdateWritesTheGoldenTraceAndCheckThenPasses() throws {
        let path = walkFile("""
            server s --trace-areas net,cmd
            client c s
            raw c "PING\\r\\nPING\\r\\n"
            read c 2
            expect c +PONG\\r\\n
            send c ECHO "a b"
            expect c "a b"
            close c
            wait s net close fd=
            """)
        let update = try play(path, .update)
        XCTAssertTrue(update.ok, update.output)
        let golden = try Walkthrough(contentsOf: path).golden ?? []
        XCTAssertTrue(golden.contains { $0.hasPrefix("0001 +T PID:M net event accept fd=") && $0.contains("127.0.0.1:PORT") }, "\(golden)")
        XCTAssertTrue(golden.contains { $0.contains("cmd call") && $0.contains("\"ECHO\" \"a b\"") }, "\(golden)")
        XCTAssertTrue(golden.last?.contains("close fd=") ?? false, "\(golden)")
        let check = try play(path, .check)
        XCTAssertTrue(check.ok, check.output)
        let again = try play(path, .update)
        XCTAssertTrue(again.output.hasPrefix("unchanged"), again.output)
    }

    func testCheckShowsADiffWhenTheTraceDiffers() throws {
        let path = walkFile("server s --trace-areas net\nclient c s\nsend c PING\nclose c\nwait s net close",
                            golden: ["0001 +T PID:M net event something else ‹f›"])
        let check = try play(path, .check)
        XCTAssertFalse(check.ok)
        XCTAssertTrue(check.output.contains("FAIL \(path): the trace differs from the golden one"), check.output)
        XCTAssertTrue(check.output.contains("- 0001 +T PID:M net event something else ‹f›"), check.output)
        XCTAssertTrue(check.output.contains("+ 0001 +T PID:M net event accept fd="), check.output)
    }

    func testCheckWithoutAGoldenBlockFails() throws {
        let check = try play(walkFile("sleep 1"), .check)
        XCTAssertFalse(check.ok)
        XCTAssertTrue(check.output.contains("no ```trace block yet"), check.output)
    }

    func testAFailedExpectNamesItsLineAndTheReply() throws {
        let path = walkFile("server s\nclient c s\nsend c PING\nexpect c PANG")
        let run = try play(path, .update)
        XCTAssertFalse(run.ok)
        XCTAssertTrue(run.output.contains("\(path):7: expect c PANG: expected PANG"), run.output)
        XCTAssertTrue(run.output.contains("got PONG"), run.output)
        XCTAssertTrue(run.output.contains("raw +PONG\\r\\n"), run.output)
        // A failed walk leaves nothing behind in the file.
        XCTAssertNil(try Walkthrough(contentsOf: path).golden)
    }

    func testErrorRepliesAndClosedConnections() throws {
        // Redis's message ends with a space; `expect` ignores trailing spaces on both sides.
        let steps = """
            server s
            client c s
            send c NOSUCHCOMMAND
            expect c (error) ERR unknown command `NOSUCHCOMMAND`, with args beginning with:
            raw c "*1\\r\\n$x\\r\\n"
            read c
            expect c -ERR Protocol error: invalid bulk length\\r\\n
            """
        let run = try play(walkFile(steps), .update)
        XCTAssertTrue(run.ok, run.output)
        // The server closed the connection after the protocol error.
        let path = walkFile(steps + "\nsend c PING")
        let closed = try play(path, .update)
        XCTAssertFalse(closed.ok)
        XCTAssertTrue(closed.output.contains("\(path):11: send c PING: c: the server closed the connection"), closed.output)
    }

    func testAWaitThatNeverHappensTimesOut() throws {
        let path = walkFile("server s --trace-areas net\nwait s net nothing like this")
        let walk = try Walkthrough(contentsOf: path)
        let runner = WalkRunner(walk, mode: .check, serverBinary: try server(), console: Console(capturing: ()))
        runner.timeout = 0.3
        XCTAssertThrowsError(try runner.play()) { error in
            XCTAssertTrue("\(error)".contains("\(path):5: wait s net nothing like this: no net event containing \"nothing like this\""), "\(error)")
        }
    }

    func testAWaitMatchesEachEventOnce() throws {
        let path = walkFile("""
            server s --trace-areas net
            client a s
            client b s
            send a PING
            send b PING
            close a
            wait s net close
            close b
            wait s net close
            """)
        let run = try play(path, .update)
        XCTAssertTrue(run.ok, run.output)
        let golden = try Walkthrough(contentsOf: path).golden ?? []
        XCTAssertEqual(golden.filter { $0.contains("close fd=") }.count, 2, "\(golden)")
    }

    func testARestartedServerIsASecondProcess() throws {
        let path = walkFile("""
            server s --trace-areas net
            client c s
            send c PING
            stop s
            server s --trace-areas net
            client d s
            send d PING
            close d
            wait s net close
            """)
        let run = try play(path, .update)
        XCTAssertTrue(run.ok, run.output)
        let golden = try Walkthrough(contentsOf: path).golden ?? []
        XCTAssertTrue(golden.first?.contains("PID1:M") ?? false, "\(golden)")
        XCTAssertTrue(golden.last?.contains("PID2:M") ?? false, "\(golden)")
    }

    func testLiveModeShowsStepsRepliesAndTraceLines() throws {
        let path = walkFile("# Say hello.\nserver s --trace-areas net,cmd\nclient c s\nsend c ECHO hi\npause Look.\nclose c\nwait s net close")
        let run = try play(path, .live)
        XCTAssertTrue(run.ok, run.output)
        for piece in ["Test", "# Say hello.", "▶ server s --trace-areas net,cmd", "s: pid ", "▶ send c ECHO hi",
                      "  c: \"hi\"", "⏸ Look.", "+0.", ":M cmd call", "‹readQueryFromClient›", "── end of Test"] {
            XCTAssertTrue(run.output.contains(piece), "no \(piece) in\n\(run.output)")
        }
        XCTAssertFalse(run.output.contains("\u{1b}["), "a capturing console is never coloured")
    }

    func testThePortPlaceholder() throws {
        let path = walkFile("server s\nclient c s\nsend c ECHO {s.port}\nexpect c \"{s.port}\"")
        let run = try play(path, .update)
        XCTAssertTrue(run.ok, run.output)
    }

    func testTheWalkCommand() throws {
        let path = walkFile("sleep 1")
        let console = Console(capturing: ())
        XCTAssertEqual(WalkCommand.run(["--check", "--update", path], console: console), 1)
        XCTAssertTrue(console.text.hasPrefix("usage:"), console.text)
        XCTAssertEqual(WalkCommand.run(["--server", folder + "/none", path], console: Console(capturing: ())), 1)
        XCTAssertEqual(WalkCommand.run(["--update", "--server", try server(), path], console: Console(capturing: ())), 0)
        XCTAssertEqual(WalkCommand.run(["--check", "--server", try server(), path], console: Console(capturing: ())), 0)
    }
}
