// The book checker: the chapters quote the sources exactly, and cite them by pattern.
//
// Two rules keep Chapters/*.md and Sources/ one (DESIGN.md, "Prose, code and walkthroughs stay
// one"):
//
//  1) Copies. A marker line names a file and a snippet region in it (Snippets.swift), and the
//     ```swift block directly below it is a copy of that region:
//
//         <!-- snippet: Sources/01-EventLoop/EventLoop.swift processEvents -->
//         ```swift
//         public func processEvents(…) {
//         ```
//
//     `check` fails when a copy differs, a marker names an unknown file or snippet, a region is
//     used by no chapter, a region is never closed, or two regions share a name. `sync` rewrites
//     every copy from the sources.
//
//  2) References. Prose cites code as inline code `` `EventLoop.swift:/func processEvents/` ``:
//     a file name (or a longer part of its path) under Sources/ or Tests/, then `:/literal/`.
//     `check` fails when no such file exists, a bare name matches several files, or no line of
//     the file contains the literal. Never line numbers: they rot with every edit.
//
// xv6's book cites code the same way and a script fails on a pattern that finds nothing;
// Crafting Interpreters builds its chapters from tagged regions of the tested sources.

import Foundation

// MARK: - The checker

/// Checks and syncs the chapters of the package at `root` against its sources.
public struct Book {
    /// The package root: the folder that holds Sources/, Tests/ and Chapters/.
    public let root: String

    /// A checker for the package at `root`.
    public init(root: String) { self.root = root }

    /// A snippet marker in a chapter, with the copy below it.
    struct Marker {
        var chapter: String
        /// 0-based line of the marker.
        var line: Int
        var file: String
        var name: String
        /// The ```swift block directly below, if there is one and it is closed.
        var block: FencedBlock?
    }

    /// The chapter files, relative to the root, in order.
    var chapters: [String] {
        listFiles(root: root, under: "Chapters").filter { $0.hasSuffix(".md") && !$0.dropFirst(9).contains("/") }
    }

    /// Every problem, sorted by file and line; empty when the book is consistent.
    public func check() -> [BookProblem] {
        let (regions, sourceProblems) = scanSourceSnippets(root: root)
        var problems = sourceProblems
        var used = Set<String>()
        for chapter in chapters {
            guard let text = try? TextLines(contentsOf: root + "/" + chapter) else {
                problems.append(BookProblem(chapter, 1, "cannot read")); continue
            }
            let (markers, markerProblems) = findMarkers(chapter: chapter, lines: text.lines)
            problems += markerProblems
            for m in markers {
                guard let region = resolve(m, regions, &problems) else { continue }
                used.insert(region.name)
                guard let block = m.block else { continue }
                if Array(text.lines[block.content]) != region.text {
                    problems.append(BookProblem(chapter, m.line + 1,
                        "the copy of snippet \(m.name) differs from \(m.file):\(region.line) (run `swift-redis book sync`)"))
                }
            }
            problems += checkReferences(chapter: chapter, lines: text.lines)
        }
        for region in regions.values where !used.contains(region.name) {
            problems.append(BookProblem(region.file, region.line, "snippet \(region.name) is used by no chapter"))
        }
        return problems.sorted { ($0.file, $0.line, $0.message) < ($1.file, $1.line, $1.message) }
    }

    /// Rewrites every copy from its region; returns the chapters it changed.
    /// Problems other than differing copies are left for `check` to report.
    public func sync() throws -> [String] {
        let (regions, _) = scanSourceSnippets(root: root)
        var changed: [String] = []
        for chapter in chapters {
            let path = root + "/" + chapter
            let original = try TextLines(contentsOf: path)
            var text = original
            let (markers, _) = findMarkers(chapter: chapter, lines: text.lines)
            // Bottom-up, so a replacement never moves the blocks still to do.
            for m in markers.reversed() {
                guard let block = m.block, let region = regions[m.name], region.file == m.file else { continue }
                text.lines.replaceSubrange(block.content, with: region.text)
            }
            if text != original {
                try text.text.write(toFile: path, atomically: true, encoding: .utf8)
                changed.append(chapter)
            }
        }
        return changed
    }

    // MARK: Markers

    /// The snippet markers of a chapter, and the problems with their form.
    func findMarkers(chapter: String, lines: [String]) -> ([Marker], [BookProblem]) {
        let blocks = fencedBlocks(lines)
        let inside = linesInsideFences(blocks, lineCount: lines.count)
        var markers: [Marker] = []
        var problems: [BookProblem] = []
        for (i, line) in lines.enumerated() where !inside.contains(i) {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("<!-- snippet:") else { continue }
            let words = t.dropFirst("<!-- snippet:".count).split(separator: " ").map(String.init)
            guard words.count == 3, words[2] == "-->" else {
                problems.append(BookProblem(chapter, i + 1,
                    "malformed snippet marker: write `<!-- snippet: Sources/PATH.swift NAME -->`"))
                continue
            }
            var m = Marker(chapter: chapter, line: i, file: words[0], name: words[1], block: nil)
            if let b = blocks.first(where: { $0.open == i + 1 }), b.language == "swift" {
                if b.close == nil {
                    problems.append(BookProblem(chapter, i + 2, "the ```swift block of snippet \(m.name) is never closed"))
                } else {
                    m.block = b
                }
            } else {
                problems.append(BookProblem(chapter, i + 1,
                    "snippet marker for \(m.name) is not directly followed by a ```swift block"))
            }
            markers.append(m)
        }
        return (markers, problems)
    }

    /// The region a marker names, or nil after recording why there is none.
    private func resolve(_ m: Marker, _ regions: [String: SnippetRegion], _ problems: inout [BookProblem]) -> SnippetRegion? {
        if !FileManager.default.fileExists(atPath: root + "/" + m.file) {
            problems.append(BookProblem(m.chapter, m.line + 1, "snippet marker names an unknown file \(m.file)"))
            return nil
        }
        guard let region = regions[m.name] else {
            problems.append(BookProblem(m.chapter, m.line + 1, "unknown snippet \(m.name) in \(m.file)"))
            return nil
        }
        if region.file != m.file {
            problems.append(BookProblem(m.chapter, m.line + 1,
                "snippet \(m.name) is in \(region.file), not in \(m.file)"))
            return nil
        }
        return region
    }

    // MARK: References

    /// The problems with the pattern references (`` `File.swift:/text/` ``) in a chapter's prose.
    func checkReferences(chapter: String, lines: [String]) -> [BookProblem] {
        let inside = linesInsideFences(fencedBlocks(lines), lineCount: lines.count)
        var problems: [BookProblem] = []
        var files: [String]?            // listed on first use
        for (i, line) in lines.enumerated() where !inside.contains(i) {
            for span in inlineCodeSpans(line) {
                guard let ref = PatternReference(span) else { continue }
                if files == nil { files = listFiles(root: root, under: "Sources") + listFiles(root: root, under: "Tests") }
                let matches = files!.filter { $0 == ref.file || $0.hasSuffix("/" + ref.file) }
                if matches.isEmpty {
                    problems.append(BookProblem(chapter, i + 1, "`\(span)`: no file \(ref.file) under Sources/ or Tests/"))
                } else if matches.count > 1 {
                    problems.append(BookProblem(chapter, i + 1,
                        "`\(span)`: \(ref.file) is ambiguous (\(matches.joined(separator: ", "))); write more of its path"))
                } else if let text = try? TextLines(contentsOf: root + "/" + matches[0]),
                          !text.lines.contains(where: { $0.contains(ref.literal) }) {
                    problems.append(BookProblem(chapter, i + 1, "`\(span)`: no line of \(matches[0]) contains \"\(ref.literal)\""))
                }
            }
        }
        return problems
    }
}

/// A reference to code by pattern: `EventLoop.swift:/func processEvents/`.
struct PatternReference: Equatable {
    /// The file name, or the end of its path.
    var file: String
    /// The text some line of the file must contain.
    var literal: String

    /// Parses the content of an inline code span; nil when it is not a reference.
    /// The file part has no spaces and a dot (`Pipes.swift`, `01-EventLoop/EventLoop.swift`).
    init?(_ span: String) {
        guard let sep = span.range(of: ":/") else { return nil }
        let file = String(span[..<sep.lowerBound])
        let rest = span[sep.upperBound...]
        guard !file.isEmpty, file.contains("."), !file.contains(where: { $0 == " " || $0 == ":" }),
              rest.count >= 2, rest.hasSuffix("/") else { return nil }
        self.file = file
        self.literal = String(rest.dropLast())
    }
}

/// The contents of the inline code spans on one line (`` `x` ``, ``` ``a`b`` ```).
func inlineCodeSpans(_ line: String) -> [String] {
    let chars = Array(line)
    var spans: [String] = []
    var i = 0
    while i < chars.count {
        guard chars[i] == "`" else { i += 1; continue }
        var n = 0
        while i + n < chars.count && chars[i + n] == "`" { n += 1 }
        // Find a closing run of exactly n backticks.
        var j = i + n
        var found: Int?
        while j < chars.count {
            if chars[j] == "`" {
                var m = 0
                while j + m < chars.count && chars[j + m] == "`" { m += 1 }
                if m == n { found = j; break }
                j += m
            } else {
                j += 1
            }
        }
        guard let close = found else { i += n; continue }
        var content = String(chars[(i + n)..<close])
        // CommonMark strips one space on both sides (so `` `a` `` can hold a backtick).
        if content.count >= 2 && content.hasPrefix(" ") && content.hasSuffix(" ") && content.contains(where: { $0 != " " }) {
            content = String(content.dropFirst().dropLast())
        }
        spans.append(content)
        i = close + n
    }
    return spans
}

// MARK: - The command

/// `swift-redis book check|sync [--root DIR]`.
public enum BookCommand {
    /// The table row for main.swift.
    public static let command = ToolCommand(
        name: "book", usage: "book check|sync [--root DIR]",
        summary: "check that Chapters/ quote and cite Sources/ exactly; sync rewrites the copies",
        run: { arguments, console in run(arguments, console: console) })

    /// Runs `book` with the arguments after its name; returns the exit code.
    public static func run(_ arguments: [String], console: Console) -> Int32 {
        var args = arguments
        let root: String
        do {
            root = try takeOption("--root", from: &args) ?? findPackageRoot()
        } catch {
            console.line("book: \(error)"); return 1
        }
        guard args.count == 1, args[0] == "check" || args[0] == "sync" else {
            console.line("usage: swift-redis \(command.usage)"); return 1
        }
        let book = Book(root: root)
        if args[0] == "sync" {
            do {
                for chapter in try book.sync() { console.line("updated \(chapter)") }
            } catch {
                console.line("book: \(error)"); return 1
            }
        }
        let problems = book.check()
        for p in problems { console.line(p.description) }
        if problems.isEmpty {
            console.line("book: ok")
            return 0
        }
        console.line("book: \(problems.count) problem\(problems.count == 1 ? "" : "s")")
        return 1
    }
}

/// The nearest folder, from the current one upwards, that holds a Package.swift; else the
/// current folder.
func findPackageRoot() -> String {
    let cwd = FileManager.default.currentDirectoryPath
    var dir = URL(fileURLWithPath: cwd)
    while true {
        if FileManager.default.fileExists(atPath: dir.path + "/Package.swift") { return dir.path }
        let up = dir.deletingLastPathComponent()
        if up.path == dir.path { return cwd }
        dir = up
    }
}
