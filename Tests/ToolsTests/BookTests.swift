// The book checker against small fixture trees (Sources/, Tests/, Chapters/ in a temp folder),
// one test per rule, and once against the repository itself.

import Foundation
@testable import RedisTools
import TestSupport
import XCTest

final class BookTests: XCTestCase {
    private var root = ""

    override func setUp() {
        root = makeTempDir("book")
        write("Sources/01-Loop/Loop.swift", """
            // The loop.
            public final class Loop {
                // snippet.process
                public func process() {
                    step()
                }
                // snippet.end

                func step() {}
            }
            """)
        write("Tests/LoopTests/LoopTests.swift", "func testLoop() {}\n")
        write("Chapters/01-loop.md", """
            # The loop

            `Loop.swift:/func step()/` is where the work happens.

            <!-- snippet: Sources/01-Loop/Loop.swift process -->
            ```swift
            public func process() {
                step()
            }
            ```
            """)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: Helpers

    private func write(_ path: String, _ text: String) {
        let full = root + "/" + path
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        XCTAssertNoThrow(try (text.hasSuffix("\n") ? text : text + "\n").write(toFile: full, atomically: true, encoding: .utf8))
    }

    private func read(_ path: String) -> String {
        (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? ""
    }

    private func edit(_ path: String, _ old: String, _ new: String) {
        let text = read(path)
        XCTAssertTrue(text.contains(old), "fixture \(path) has no \(old)")
        write(path, text.replacingOccurrences(of: old, with: new))
    }

    private func problems() -> [String] { Book(root: root).check().map(\.description) }

    /// Asserts exactly one problem, at `location`, whose message contains `text`.
    private func assertOneProblem(at location: String, containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        let ps = problems()
        XCTAssertEqual(ps.count, 1, "\(ps)", file: file, line: line)
        XCTAssertTrue(ps.first?.hasPrefix(location + ": ") ?? false, "\(ps)", file: file, line: line)
        XCTAssertTrue(ps.first?.contains(text) ?? false, "\(ps)", file: file, line: line)
    }

    // MARK: Copies

    func testAConsistentBookHasNoProblems() {
        XCTAssertEqual(problems(), [])
    }

    func testADifferingCopyIsReportedAtItsMarker() {
        edit("Chapters/01-loop.md", "    step()\n}\n```", "    step() // changed\n}\n```")
        assertOneProblem(at: "Chapters/01-loop.md:5", containing: "copy of snippet process differs")
    }

    func testSyncRewritesCopiesWithCommonIndentationRemoved() throws {
        edit("Sources/01-Loop/Loop.swift", "        step()\n", "        step()\n        step()\n")
        XCTAssertEqual(problems().count, 1)
        XCTAssertEqual(try Book(root: root).sync(), ["Chapters/01-loop.md"])
        XCTAssertEqual(problems(), [])
        XCTAssertTrue(read("Chapters/01-loop.md").contains("```swift\npublic func process() {\n    step()\n    step()\n}\n```\n"))
        // Nothing left to do: a second sync changes nothing.
        XCTAssertEqual(try Book(root: root).sync(), [])
    }

    func testSyncLeavesTheRestOfTheChapterAlone() throws {
        edit("Chapters/01-loop.md", "    step()\n}\n```", "    old()\n}\n```\n\nMore prose.\n\n```swift\nlet untouched = 1\n```")
        let before = read("Chapters/01-loop.md")
        _ = try Book(root: root).sync()
        let after = read("Chapters/01-loop.md")
        XCTAssertEqual(after, before.replacingOccurrences(of: "    old()", with: "    step()"))
    }

    func testAMarkerNamingAnUnknownFile() {
        edit("Chapters/01-loop.md", "Sources/01-Loop/Loop.swift process", "Sources/01-Loop/Nope.swift process")
        let ps = problems()
        XCTAssertTrue(ps.contains { $0.hasPrefix("Chapters/01-loop.md:5: ") && $0.contains("unknown file Sources/01-Loop/Nope.swift") }, "\(ps)")
        // The region is then used by no chapter.
        XCTAssertTrue(ps.contains { $0.hasPrefix("Sources/01-Loop/Loop.swift:3: ") && $0.contains("used by no chapter") }, "\(ps)")
    }

    func testAMarkerNamingAnUnknownSnippet() {
        edit("Chapters/01-loop.md", "Loop.swift process -->", "Loop.swift proces -->")
        let ps = problems()
        XCTAssertTrue(ps.contains { $0.hasPrefix("Chapters/01-loop.md:5: ") && $0.contains("unknown snippet proces") }, "\(ps)")
    }

    func testAMarkerNamingASnippetOfAnotherFile() {
        write("Sources/01-Loop/Other.swift", "// snippet.other\nlet x = 1\n// snippet.end\n")
        write("Chapters/02-other.md", "<!-- snippet: Sources/01-Loop/Loop.swift other -->\n```swift\nlet x = 1\n```\n")
        let ps = problems()
        XCTAssertTrue(ps.contains { $0.hasPrefix("Chapters/02-other.md:1: ") && $0.contains("is in Sources/01-Loop/Other.swift") }, "\(ps)")
    }

    func testAMarkerMustBeDirectlyFollowedByASwiftBlock() {
        edit("Chapters/01-loop.md", "-->\n```swift", "-->\n\n```swift")
        assertOneProblem(at: "Chapters/01-loop.md:5", containing: "not directly followed by a ```swift block")
        edit("Chapters/01-loop.md", "-->\n\n```swift", "-->\n```text")
        assertOneProblem(at: "Chapters/01-loop.md:5", containing: "not directly followed by a ```swift block")
    }

    func testAnUnclosedCopyBlock() {
        write("Chapters/01-loop.md", "<!-- snippet: Sources/01-Loop/Loop.swift process -->\n```swift\npublic func process() {\n")
        assertOneProblem(at: "Chapters/01-loop.md:2", containing: "never closed")
    }

    func testAMalformedMarker() {
        write("Chapters/02-bad.md", "<!-- snippet: process -->\n")
        assertOneProblem(at: "Chapters/02-bad.md:1", containing: "malformed snippet marker")
    }

    func testMarkersInsideCodeBlocksAreExamplesNotMarkers() {
        write("Chapters/02-howto.md", "````markdown\n<!-- snippet: Sources/Nope.swift nope -->\n```swift\n```\n````\n")
        XCTAssertEqual(problems(), [])
    }

    // MARK: Regions

    func testARegionNoChapterUses() {
        edit("Sources/01-Loop/Loop.swift", "    func step() {}", "    // snippet.step\n    func step() {}\n    // snippet.end")
        assertOneProblem(at: "Sources/01-Loop/Loop.swift:9", containing: "snippet step is used by no chapter")
    }

    func testARegionOpenedAndNeverClosed() {
        edit("Sources/01-Loop/Loop.swift", "    func step() {}", "    // snippet.step\n    func step() {}")
        assertOneProblem(at: "Sources/01-Loop/Loop.swift:9", containing: "snippet step is opened and never closed")
    }

    func testAnEndWithoutARegion() {
        edit("Sources/01-Loop/Loop.swift", "    func step() {}", "    func step() {}\n    // snippet.end")
        assertOneProblem(at: "Sources/01-Loop/Loop.swift:10", containing: "closes no open region")
    }

    func testDuplicateNamesAcrossFiles() {
        write("Sources/02-Other/Other.swift", "// snippet.process\nlet x = 1\n// snippet.end\n")
        let ps = problems()
        XCTAssertTrue(ps.contains { $0.hasPrefix("Sources/02-Other/Other.swift:1: ") && $0.contains("duplicate snippet name process: also at Sources/01-Loop/Loop.swift:3") }, "\(ps)")
    }

    func testAMalformedRegionMarker() {
        edit("Sources/01-Loop/Loop.swift", "    func step() {}", "    // snippet.two words\n    func step() {}")
        assertOneProblem(at: "Sources/01-Loop/Loop.swift:9", containing: "malformed snippet marker")
    }

    func testNestedRegionsLeaveTheInnerMarkersOut() throws {
        write("Sources/01-Loop/Loop.swift", """
            // snippet.outer
            func outer() {
                // snippet.inner
                inner()
                // snippet.end
            }
            // snippet.end
            """)
        write("Chapters/01-loop.md", """
            <!-- snippet: Sources/01-Loop/Loop.swift outer -->
            ```swift
            ```

            <!-- snippet: Sources/01-Loop/Loop.swift inner -->
            ```swift
            ```
            """)
        XCTAssertEqual(try Book(root: root).sync(), ["Chapters/01-loop.md"])
        XCTAssertEqual(problems(), [])
        XCTAssertEqual(read("Chapters/01-loop.md"), """
            <!-- snippet: Sources/01-Loop/Loop.swift outer -->
            ```swift
            func outer() {
                inner()
            }
            ```

            <!-- snippet: Sources/01-Loop/Loop.swift inner -->
            ```swift
            inner()
            ```

            """)
    }

    func testDedentKeepsBlankLinesEmpty() {
        XCTAssertEqual(dedent(["        a", "", "   ", "            b"]), ["a", "", "", "    b"])
        XCTAssertEqual(dedent([]), [])
    }

    // MARK: References

    func testAReferenceByFileName() {
        XCTAssertEqual(problems(), [])
        edit("Chapters/01-loop.md", "`Loop.swift:/func step()/`", "`LoopTests.swift:/func testLoop/`")
        XCTAssertEqual(problems(), [])
    }

    func testAReferenceToAMissingFile() {
        edit("Chapters/01-loop.md", "`Loop.swift:/func step()/`", "`Lop.swift:/func step()/`")
        assertOneProblem(at: "Chapters/01-loop.md:3", containing: "no file Lop.swift under Sources/ or Tests/")
    }

    func testAReferenceWhoseLiteralIsNowhere() {
        edit("Chapters/01-loop.md", "`Loop.swift:/func step()/`", "`Loop.swift:/func stop()/`")
        assertOneProblem(at: "Chapters/01-loop.md:3", containing: "no line of Sources/01-Loop/Loop.swift contains \"func stop()\"")
    }

    func testAnAmbiguousNameAndTheLongerPathThatFixesIt() {
        write("Sources/02-Other/Loop.swift", "func step() {}\n")
        assertOneProblem(at: "Chapters/01-loop.md:3", containing: "Loop.swift is ambiguous")
        edit("Chapters/01-loop.md", "`Loop.swift:/", "`01-Loop/Loop.swift:/")
        XCTAssertEqual(problems(), [])
        edit("Chapters/01-loop.md", "`01-Loop/Loop.swift:/", "`Sources/02-Other/Loop.swift:/")
        XCTAssertEqual(problems(), [])
    }

    func testReferencesAreFoundOnlyInProseAndOnlyInTheirOwnForm() {
        write("Chapters/02-more.md", """
            Not references: `a:/b/`, `http://example.com/`, `x.swift:/`, plain Loop.swift:/nope/ text.
            Two on a line: `Loop.swift:/func step/` and `Loop.swift:/nope/`.
            ```sh
            grep `Loop.swift:/not checked in code/`
            ```
            """)
        assertOneProblem(at: "Chapters/02-more.md:2", containing: "contains \"nope\"")
    }

    func testInlineCodeSpans() {
        XCTAssertEqual(inlineCodeSpans("a `b` c ``d`e`` `f"), ["b", "d`e"])
        XCTAssertEqual(inlineCodeSpans("`` `x` ``"), ["`x`"])
    }

    // MARK: The command

    func testTheBookCommand() {
        let console = Console(capturing: ())
        XCTAssertEqual(BookCommand.run(["check", "--root", root], console: console), 0)
        XCTAssertTrue(console.text.contains("book: ok"), console.text)

        edit("Sources/01-Loop/Loop.swift", "        step()\n", "        step(1)\n")
        let failing = Console(capturing: ())
        XCTAssertEqual(BookCommand.run(["check", "--root", root], console: failing), 1)
        XCTAssertTrue(failing.text.contains("Chapters/01-loop.md:5: the copy of snippet process differs"), failing.text)

        let syncing = Console(capturing: ())
        XCTAssertEqual(BookCommand.run(["sync", "--root", root], console: syncing), 0)
        XCTAssertTrue(syncing.text.contains("updated Chapters/01-loop.md"), syncing.text)

        XCTAssertEqual(BookCommand.run(["verify", "--root", root], console: Console(capturing: ())), 1)
        XCTAssertEqual(BookCommand.run(["check", "--root"], console: Console(capturing: ())), 1)
    }

    func testTheExecutable() throws {
        let tool = TestBinaries.tool
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: tool), "no \(tool): build the package first")
        var (status, output) = try runProgram(tool, ["help"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.contains("walk [--check|--update|--step]") && output.contains("book check|sync"), output)
        (status, output) = try runProgram(tool, ["frobnicate"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(output.contains("unknown command 'frobnicate'"), output)
        edit("Chapters/01-loop.md", "`Loop.swift:/func step()/`", "`Loop.swift:/func stop()/`")
        (status, output) = try runProgram(tool, ["book", "check", "--root", root])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(output.contains("Chapters/01-loop.md:3: "), output)
    }

    // MARK: The real book

    /// Chapters/ and Sources/ of this repository agree. (Fails until the chapters quote every
    /// snippet region: run `swift-redis book check` to see what is missing.)
    func testTheRealBookIsConsistent() {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let ps = Book(root: repository).check()
        XCTAssertEqual(ps.map(\.description), [], "run `swift-redis book check` (and `book sync`) in \(repository)")
    }
}
