// Snippet regions: the parts of the sources that the chapters quote.
//
// A region is opened by a line `// snippet.NAME` and closed by `// snippet.end`; its text is the
// lines strictly between, with their common indentation removed. That text is what a chapter's
// ```swift copy under a snippet marker must equal (Book.swift). Names are unique across
// Sources/**/*.swift, so a name alone says which code a chapter shows.
//
//     // snippet.processEvents          ← opens "processEvents"
//     public func processEvents(…) {    ┐
//         …                             │ the region
//     }                                 ┘
//     // snippet.end                    ← closes the innermost open region
//
// Regions may nest; the inner marker lines are left out of the outer region's text, so a chapter
// can show a whole function and, later, one part of it.
//
// Crafting Interpreters does the same with `//> name` tags, and its build fails on a missing tag.

import Foundation

// MARK: - Regions

/// A marked region of a source file.
public struct SnippetRegion: Equatable {
    /// The NAME of `// snippet.NAME`.
    public var name: String
    /// The file, relative to the package root (`Sources/01-EventLoop/EventLoop.swift`).
    public var file: String
    /// The 1-based line of the opening marker.
    public var line: Int
    /// The lines between the markers, as they are in the file (nested markers left out).
    public var lines: [String]

    /// The text a chapter copy must equal: `lines` with their common indentation removed.
    public var text: [String] { dedent(lines) }
}

/// A problem the book checker reports: where it is and what is wrong.
public struct BookProblem: Equatable, CustomStringConvertible {
    /// The file, relative to the root.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// What is wrong, in one line.
    public var message: String

    /// Makes a problem.
    public init(_ file: String, _ line: Int, _ message: String) {
        self.file = file; self.line = line; self.message = message
    }

    /// `FILE:LINE: message`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line): \(message)" }
}

/// What a marker line in a source file says.
enum SnippetMarker: Equatable {
    case open(String)
    case end
    case malformed(String)
}

/// The marker on `line`, if it is one: `// snippet.NAME` or `// snippet.end`, alone on the line.
func snippetMarker(_ line: String) -> SnippetMarker? {
    let t = line.trimmingCharacters(in: .whitespaces)
    let prefix = "// snippet."
    guard t.hasPrefix(prefix) else { return nil }
    let name = String(t.dropFirst(prefix.count))
    if name == "end" { return .end }
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-."))
    if name.isEmpty || name.unicodeScalars.contains(where: { !allowed.contains($0) }) {
        return .malformed(name)
    }
    return .open(name)
}

/// The regions of one source file and the problems with its markers.
/// - Parameters:
///   - file: the path relative to the root, used in the regions and problems.
///   - lines: the file's lines.
func scanSnippets(file: String, lines: [String]) -> (regions: [SnippetRegion], problems: [BookProblem]) {
    var regions: [SnippetRegion] = []
    var problems: [BookProblem] = []
    var open: [SnippetRegion] = []          // innermost last
    for (i, line) in lines.enumerated() {
        switch snippetMarker(line) {
        case .open(let name)?:
            open.append(SnippetRegion(name: name, file: file, line: i + 1, lines: []))
        case .end?:
            if let r = open.popLast() {
                regions.append(r)
            } else {
                problems.append(BookProblem(file, i + 1, "`// snippet.end` closes no open region"))
            }
        case .malformed(let name)?:
            problems.append(BookProblem(file, i + 1,
                "malformed snippet marker `// snippet.\(name)`: a name is letters, digits, _ - ."))
        case nil:
            for k in open.indices { open[k].lines.append(line) }
        }
    }
    for r in open {
        problems.append(BookProblem(file, r.line, "snippet \(r.name) is opened and never closed (`// snippet.end`)"))
    }
    regions.sort { $0.line < $1.line }
    return (regions, problems)
}

/// Every region under `root`/Sources, by name, with the problems found (duplicates included).
func scanSourceSnippets(root: String) -> (regions: [String: SnippetRegion], problems: [BookProblem]) {
    var byName: [String: SnippetRegion] = [:]
    var problems: [BookProblem] = []
    for file in listFiles(root: root, under: "Sources") where file.hasSuffix(".swift") {
        guard let text = try? TextLines(contentsOf: root + "/" + file) else { continue }
        let (regions, ps) = scanSnippets(file: file, lines: text.lines)
        problems += ps
        for r in regions {
            if let first = byName[r.name] {
                problems.append(BookProblem(file, r.line,
                    "duplicate snippet name \(r.name): also at \(first.file):\(first.line)"))
            } else {
                byName[r.name] = r
            }
        }
    }
    return (byName, problems)
}

// MARK: - Helpers

/// `lines` with their common leading whitespace removed; blank lines become empty.
public func dedent(_ lines: [String]) -> [String] {
    func indentation(_ s: String) -> Int { s.prefix { $0 == " " || $0 == "\t" }.count }
    func isBlank(_ s: String) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" } }
    let common = lines.filter { !isBlank($0) }.map(indentation).min() ?? 0
    return lines.map { isBlank($0) ? "" : String($0.dropFirst(common)) }
}

/// The regular files under `root`/`folder`, as paths relative to `root`, sorted; hidden files and
/// folders are skipped.
func listFiles(root: String, under folder: String) -> [String] {
    let base = root + "/" + folder
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
    var files: [String] = []
    while let relative = walker.nextObject() as? String {
        if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDir), !isDir.boolValue {
            files.append(folder + "/" + relative)
        }
    }
    return files.sorted()
}
