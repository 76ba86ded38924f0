// The walkthrough format: steps, their checks, the golden block; no processes.

import Foundation
@testable import RedisTools
import XCTest

final class WalkFormatTests: XCTestCase {
    private func parse(_ text: String) throws -> Walkthrough {
        try Walkthrough(text: TextLines(text), path: "w.md")
    }

    /// The problems of a walkthrough that does not parse.
    private func problems(_ text: String) -> [String] {
        do {
            _ = try parse(text)
            return []
        } catch let e as WalkFormatError {
            return e.problems
        } catch {
            return ["\(error)"]
        }
    }

    func testEveryStep() throws {
        let w = try parse("""
            # A title
            Prose.
            ```walk
            server s1 --trace-areas net,cmd --save ""
            client c1 s1

            # narration
            send c1 SET k "a b" 'c d'
            raw c1 "PING\\r\\n" "PING\\r\\n"
            read c1 2
            read c1
            expect c1 1) "a" 2) (integer) 3
            wait s1 net close fd=7
            sleep 50
            pause Look at this.
            pause
            close c1
            stop s1
            server s1
            ```
            """)
        XCTAssertEqual(w.title, "A title")
        XCTAssertEqual(w.steps.map(\.action), [
            .server(name: "s1", options: ["--trace-areas", "net,cmd", "--save", ""]),
            .client(name: "c1", server: "s1"),
            .note("narration"),
            .send(client: "c1", words: [Array("SET".utf8), Array("k".utf8), Array("a b".utf8), Array("c d".utf8)]),
            .raw(client: "c1", bytes: Array("PING\r\nPING\r\n".utf8)),
            .read(client: "c1", count: 2),
            .read(client: "c1", count: 1),
            .expect(client: "c1", text: "1) \"a\" 2) (integer) 3"),
            .wait(server: "s1", area: "net", text: "close fd=7"),
            .sleep(milliseconds: 50),
            .pause(message: "Look at this."),
            .pause(message: ""),
            .close(client: "c1"),
            .stop(server: "s1"),
            .server(name: "s1", options: []),
        ])
        XCTAssertEqual(w.steps.map(\.line), [4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
        XCTAssertEqual(w.steps[3].source, "send c1 SET k \"a b\" 'c d'")
        XCTAssertNil(w.golden)
    }

    func testStepsOfSeveralBlocksPlayInOrder() throws {
        let w = try parse("# T\n```walk\nserver s\n```\nprose\n```walk\nclient c s\n```\n")
        XCTAssertEqual(w.steps.map(\.action), [.server(name: "s", options: []), .client(name: "c", server: "s")])
    }

    func testTheTitleDefaultsToTheFileName() throws {
        XCTAssertEqual(try parse("```walk\nsleep 1\n```\n").title, "w.md")
    }

    func testProblemsNameTheirLines() {
        XCTAssertEqual(problems("# T\n```walk\nserver s\nfly s\nclient c t\nsend d PING\nsend c\n```\n"), [
            "w.md:4: unknown step 'fly' (server client send raw read expect wait sleep pause close stop kill truncate)",
            "w.md:5: no server named 't'",
            "w.md:6: no open client named 'd'",
            "w.md:7: no open client named 'c'",
        ])
    }

    func testNamesMustExistWhenUsed() {
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nclose c\nsend c PING\n```\n"),
                       ["w.md:5: no open client named 'c'"])
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nstop s\nsend c PING\nwait s net x\n```\n"),
                       ["w.md:5: no open client named 'c'", "w.md:6: server s has been stopped"])
        XCTAssertEqual(problems("```walk\nserver s\nserver s\n```\n"), ["w.md:3: server s is already running"])
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nclient c s\n```\n"), ["w.md:4: client c is already open"])
        XCTAssertEqual(problems("```walk\nserver s\nclient s s\n```\n"), ["w.md:3: s is already a server's name"])
    }

    func testKillAndTruncate() throws {
        let w = try parse("""
            ```walk
            server s1
            client c1 s1
            truncate s1 appendonly.aof 3
            kill s1
            truncate s1 appendonly.aof 7
            server s1 --appendonly yes
            ```
            """)
        XCTAssertEqual(w.steps.map(\.action), [
            .server(name: "s1", options: []),
            .client(name: "c1", server: "s1"),
            .truncate(server: "s1", file: "appendonly.aof", bytes: 3),
            .kill(server: "s1"),
            .truncate(server: "s1", file: "appendonly.aof", bytes: 7),
            .server(name: "s1", options: ["--appendonly", "yes"]),
        ])
        // A killed server is gone like a stopped one, and so are its clients.
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nkill s\nsend c PING\nkill s\nwait s net x\n```\n"), [
            "w.md:5: no open client named 'c'",
            "w.md:6: server s has been stopped",
            "w.md:7: server s has been stopped",
        ])
        XCTAssertEqual(problems("```walk\nkill s\n```\n"), ["w.md:2: no server named 's'"])
        XCTAssertEqual(problems("```walk\ntruncate s appendonly.aof 7\n```\n"), ["w.md:2: no server named 's'"])
        XCTAssertEqual(problems("```walk\nserver s\ntruncate s appendonly.aof\n```\n"), ["w.md:3: usage: truncate SERVER FILE BYTES"])
        XCTAssertEqual(problems("```walk\nserver s\ntruncate s appendonly.aof 0\n```\n"), ["w.md:3: truncate: BYTES must be a positive number"])
        XCTAssertEqual(problems("```walk\nserver s\ntruncate s appendonly.aof x\n```\n"), ["w.md:3: truncate: BYTES must be a positive number"])
        XCTAssertEqual(problems("```walk\nserver s\ntruncate s ../appendonly.aof 7\n```\n"),
                       ["w.md:3: truncate: FILE is a name in the server's folder, not a path"])
    }

    func testArgumentsAreChecked() {
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nsend c SET \"k\n```\n"), ["w.md:4: unbalanced quotes"])
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nread c 0\n```\n"), ["w.md:4: read: N must be a positive number"])
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nexpect c\n```\n"), ["w.md:4: usage: expect CLIENT TEXT"])
        XCTAssertEqual(problems("```walk\nsleep soon\n```\n"), ["w.md:2: usage: sleep MILLISECONDS"])
        XCTAssertEqual(problems("```walk\nserver s\nwait s network x\n```\n").first?.hasPrefix("w.md:3: wait: unknown area 'network'"), true)
        XCTAssertEqual(problems("```walk\nserver s\nwait s net\n```\n"), ["w.md:3: usage: wait SERVER AREA TEXT"])
        XCTAssertEqual(problems("```walk\nserver s\nclient c s\nraw c\n```\n"), ["w.md:4: usage: raw CLIENT \"BYTES\""])
    }

    func testTheFileNeedsAWalkBlockAndAtMostOneTraceBlock() {
        XCTAssertEqual(problems("# T\n"), ["w.md:1: no ```walk block"])
        XCTAssertEqual(problems("```walk\nsleep 1\n```\n```trace\n```\n```trace\n```\n"), ["w.md:6: more than one ```trace block"])
        XCTAssertEqual(problems("```walk\nsleep 1\n"), ["w.md:1: the ```walk block is never closed"])
    }

    func testTheGoldenBlockIsReadAndRewrittenAlone() throws {
        let text = "# T\n```walk\nsleep 1\n```\n\n## Trace\n\n```trace\n0001 old\n0002 old\n```\n\nAfter.\n"
        let w = try parse(text)
        XCTAssertEqual(w.golden, ["0001 old", "0002 old"])
        XCTAssertEqual(w.withGolden(["0001 new"]),
                       "# T\n```walk\nsleep 1\n```\n\n## Trace\n\n```trace\n0001 new\n```\n\nAfter.\n")
        XCTAssertEqual(w.withGolden([]), "# T\n```walk\nsleep 1\n```\n\n## Trace\n\n```trace\n```\n\nAfter.\n")
    }

    func testAFileWithoutAGoldenBlockGetsATraceSection() throws {
        let w = try parse("# T\n```walk\nsleep 1\n```\n")
        XCTAssertEqual(w.withGolden(["0001 x"]), "# T\n```walk\nsleep 1\n```\n\n## Trace\n\n```trace\n0001 x\n```\n")
    }

    func testFencedBlocks() {
        let lines = ["text", "```swift title", "code", "```", "~~~~", "```", "~~~", "~~~~", "   ```walk", "unclosed"]
        XCTAssertEqual(fencedBlocks(lines), [
            FencedBlock(language: "swift", open: 1, close: 3),
            FencedBlock(language: "", open: 4, close: 7),
            FencedBlock(language: "walk", open: 8, close: nil),
        ])
        XCTAssertEqual(fencedBlocks(["    ```", "`` `x` ``"]), [])
    }

    func testTextLinesRoundTrip() {
        for text in ["", "\n", "a", "a\n", "a\n\nb\n", "a\r\nb"] {
            let t = TextLines(text)
            XCTAssertEqual(t.text, text.replacingOccurrences(of: "\r\n", with: "\n"), "\(t.lines)")
        }
        XCTAssertEqual(TextLines("a\r\nb\n").lines, ["a", "b"])
    }

    func testSplitWordAndPortPlaceholders() {
        XCTAssertEqual(splitWord("  send   c1  GET k  ").0, "send")
        XCTAssertEqual(String(splitWord("  send   c1  GET k  ").1), "c1  GET k")
        XCTAssertEqual(splitWord("").0, "")
        XCTAssertEqual(substitutePorts("REPLICAOF 127.0.0.1 {m1.port} {x.port}", ["m1": 40123]),
                       "REPLICAOF 127.0.0.1 40123 {x.port}")
        XCTAssertEqual(substitutePorts(Array("a{m1.port}b{m1.port}".utf8), ["m1": 7]), Array("a7b7".utf8))
    }

    func testTheRepositoryWalkthroughsParse() throws {
        for path in repositoryWalkthroughs() {
            XCTAssertNoThrow(try Walkthrough(contentsOf: path), path)
        }
    }
}

/// Every Walkthroughs/*.md of this repository except README.md.
func repositoryWalkthroughs() -> [String] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Walkthroughs").path
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { dir + "/" + $0 }
}
