// Just enough Markdown for the tools: a file as lines, and its fenced code blocks.
//
// The book checker finds the ```swift copies under snippet markers in Chapters/*.md; the
// walkthrough runner finds the ```walk steps and the ```trace golden block. Both need the same
// two things: which lines are inside a fence (so prose rules skip them), and where a block's
// content starts and ends (so a tool can rewrite exactly that block and nothing else).
//
// Fences follow CommonMark: up to three spaces, then at least three backticks or tildes and an
// info string; the block ends at a line of the same character, at least as long.
// SIMPLIFICATION: no indented code blocks, no fences inside lists or block quotes.

import Foundation

// MARK: - Lines

/// A text file as lines, remembering whether it ended with a newline so it can be written back
/// byte for byte.
public struct TextLines: Equatable {
    /// The lines, without their line ends.
    public var lines: [String]
    /// The text ended with a line end.
    public var trailingNewline: Bool

    /// Splits `text` at `\n` (a `\r\n` pair counts as one line end).
    public init(_ text: String) {
        if text.isEmpty { lines = []; trailingNewline = false; return }
        var parts = text.split(omittingEmptySubsequences: false,
                               whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        trailingNewline = parts.count > 1 && parts.last == ""
        if trailingNewline { parts.removeLast() }
        lines = parts
    }

    /// Reads a file; throws a `ToolError` naming the path when it cannot.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ToolError("\(path): cannot read")
        }
        self.init(String(decoding: data, as: UTF8.self))
    }

    /// The text again.
    public var text: String {
        lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")
    }
}

// MARK: - Fenced blocks

/// A fenced code block: its info string and where its lines are (0-based line indices).
public struct FencedBlock: Equatable {
    /// The first word after the opening fence: `swift`, `walk`, `trace`; empty when none.
    public var language: String
    /// The line of the opening fence.
    public var open: Int
    /// The line of the closing fence; nil when the file ends inside the block.
    public var close: Int?
    /// The content lines, between the fences.
    public var content: Range<Int> { (open + 1)..<(close ?? open + 1) }
}

/// The fenced code blocks of `lines`, in order.
public func fencedBlocks(_ lines: [String]) -> [FencedBlock] {
    var blocks: [FencedBlock] = []
    var current: (block: FencedBlock, char: Character, length: Int)?
    for (i, line) in lines.enumerated() {
        guard let fence = fenceOpening(line) else { continue }
        if let c = current {
            // A closing fence: the same character, at least as long, nothing after it.
            if fence.char == c.char && fence.length >= c.length && fence.info.isEmpty {
                var b = c.block
                b.close = i
                blocks.append(b)
                current = nil
            }
        } else {
            let language = fence.info.split(separator: " ").first.map(String.init) ?? ""
            current = (FencedBlock(language: language, open: i, close: nil), fence.char, fence.length)
        }
    }
    if let c = current { blocks.append(c.block) }
    return blocks
}

/// A set with every line index that belongs to a fenced block, fences included.
func linesInsideFences(_ blocks: [FencedBlock], lineCount: Int) -> Set<Int> {
    var inside = Set<Int>()
    for b in blocks { inside.formUnion(b.open...(b.close ?? max(b.open, lineCount - 1))) }
    return inside
}

/// The fence character, its run length and the info string, when `line` is a fence line.
private func fenceOpening(_ line: String) -> (char: Character, length: Int, info: String)? {
    var rest = Substring(line)
    var indent = 0
    while rest.first == " " && indent < 4 { rest.removeFirst(); indent += 1 }
    guard indent < 4, let c = rest.first, c == "`" || c == "~" else { return nil }
    let run = rest.prefix { $0 == c }.count
    guard run >= 3 else { return nil }
    let info = rest.dropFirst(run).trimmingCharacters(in: .whitespaces)
    // A backtick fence's info string may not contain a backtick (that is inline code).
    if c == "`" && info.contains("`") { return nil }
    return (c, run, info)
}
