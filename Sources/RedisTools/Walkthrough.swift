// The walkthrough format: a Markdown file with runnable steps and the trace they produce.
//
//     # One request, from accept to reply          ← the title
//     Prose…
//     ```walk                                      ← the steps, one per line
//     server s1 --trace-areas net,cmd
//     client c1 s1
//     send c1 PING
//     expect c1 PONG
//     ```
//     ## Trace
//     ```trace                                     ← the golden trace (`walk --update` writes it)
//     0001 +T PID:M net event accept fd=8 id=1 127.0.0.1:PORT ‹acceptTcpHandler›
//     ```
//
// This file only reads the format: the steps become `WalkStep`s, checked for names used before
// they exist, and the golden block is located so `--update` can rewrite exactly its lines.
// WalkRunner.swift plays the steps; Walkthroughs/README.md is the reference for authors.

import Foundation
import RedisCore

// MARK: - Steps

/// What one line of a ```walk block asks for.
public enum WalkAction: Equatable {
    /// `server NAME [--option value ...]`: start a server (again, in the same folder, after `stop`).
    case server(name: String, options: [String])
    /// `client NAME SERVER`: connect to a server.
    case client(name: String, server: String)
    /// `send CLIENT word "quoted word"`: send one command as a multibulk and read its reply.
    case send(client: String, words: [[UInt8]])
    /// `raw CLIENT "bytes\r\n"`: send bytes as they are, read nothing.
    case raw(client: String, bytes: [UInt8])
    /// `read CLIENT [N]`: read N replies (1 when N is left out).
    case read(client: String, count: Int)
    /// `expect CLIENT TEXT`: the last reply, redis-cli style or raw, is TEXT.
    case expect(client: String, text: String)
    /// `wait SERVER AREA TEXT`: a trace event of AREA whose text contains TEXT has appeared.
    case wait(server: String, area: String, text: String)
    /// `sleep MS`.
    case sleep(milliseconds: Int)
    /// `pause [message]`: wait for Enter when played live on a terminal.
    case pause(message: String)
    /// `close CLIENT`: close the connection.
    case close(client: String)
    /// `stop SERVER`: SIGTERM, and wait for the process to end.
    case stop(server: String)
    /// `kill SERVER`: SIGKILL, a crash: no shutdown, no last flush or fsync.
    case kill(server: String)
    /// `truncate SERVER FILE BYTES`: cut the last BYTES bytes off FILE in the server's folder.
    case truncate(server: String, file: String, bytes: Int)
    /// `# text`: narration, shown when played live.
    case note(String)
}

/// One step and where it was written.
public struct WalkStep: Equatable {
    /// The 1-based line in the file.
    public var line: Int
    /// The line as written, trimmed.
    public var source: String
    /// What it asks for.
    public var action: WalkAction
}

/// Why a walkthrough cannot be played: one `FILE:LINE: message` per problem.
public struct WalkFormatError: Error, CustomStringConvertible {
    /// The problems, each `FILE:LINE: message`.
    public var problems: [String]
    /// The problems, one per line.
    public var description: String { problems.joined(separator: "\n") }
}

// MARK: - The file

/// A parsed walkthrough file.
public struct Walkthrough {
    /// The path it was read from (used in messages).
    public var path: String
    /// The first `# ` heading, or the file name.
    public var title: String
    /// The whole file, to rewrite its golden block.
    public var text: TextLines
    /// The steps of every ```walk block, in order.
    public var steps: [WalkStep]
    /// The ```trace block, when the file has one.
    public var traceBlock: FencedBlock?

    /// The golden trace lines; nil when the file has no ```trace block yet.
    public var golden: [String]? {
        traceBlock.map { Array(text.lines[$0.content]) }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws {
        try self.init(text: TextLines(contentsOf: path), path: path)
    }

    /// Parses a walkthrough; throws `WalkFormatError` listing every problem found.
    public init(text: TextLines, path: String) throws {
        self.path = path
        self.text = text
        let blocks = fencedBlocks(text.lines)
        let inside = linesInsideFences(blocks, lineCount: text.lines.count)
        let heading = text.lines.indices.first { !inside.contains($0) && text.lines[$0].hasPrefix("# ") }
        title = heading.map { String(text.lines[$0].dropFirst(2)).trimmingCharacters(in: .whitespaces) }
            ?? URL(fileURLWithPath: path).lastPathComponent
        var problems: [String] = []
        let traces = blocks.filter { $0.language == "trace" }
        if traces.count > 1 { problems.append("\(path):\(traces[1].open + 1): more than one ```trace block") }
        traceBlock = traces.first
        if let t = traceBlock, t.close == nil { problems.append("\(path):\(t.open + 1): the ```trace block is never closed") }
        let walks = blocks.filter { $0.language == "walk" }
        if walks.isEmpty { problems.append("\(path):1: no ```walk block") }
        var parser = StepParser(path: path)
        for block in walks {
            if block.close == nil { problems.append("\(path):\(block.open + 1): the ```walk block is never closed") }
            for i in block.content {
                parser.parse(text.lines[i], line: i + 1)
            }
        }
        steps = parser.steps
        problems += parser.problems
        if !problems.isEmpty { throw WalkFormatError(problems: problems) }
    }

    /// The file's text with `trace` as its golden block; a file without one gets a `## Trace`
    /// section at the end.
    public func withGolden(_ trace: [String]) -> String {
        var t = text
        if let block = traceBlock {
            t.lines.replaceSubrange(block.content, with: trace)
        } else {
            if t.lines.last.map({ !$0.isEmpty }) ?? false { t.lines.append("") }
            t.lines += ["## Trace", "", "```trace"] + trace + ["```"]
            t.trailingNewline = true
        }
        return t.text
    }
}

// MARK: - Parsing steps

/// Turns lines into steps, checking that every client and server is named after it exists.
struct StepParser {
    let path: String
    var steps: [WalkStep] = []
    var problems: [String] = []
    /// Servers started and not stopped; servers ever started (a stopped one can start again).
    var running = Set<String>(), known = Set<String>()
    /// Open clients, and the server of each.
    var clients: [String: String] = [:]

    init(path: String) { self.path = path }

    /// Parses one line of a ```walk block; blank lines are skipped.
    mutating func parse(_ raw: String, line: Int) {
        let source = raw.trimmingCharacters(in: .whitespaces)
        if source.isEmpty { return }
        if source.hasPrefix("#") {
            add(line, source, .note(String(source.dropFirst()).trimmingCharacters(in: .whitespaces)))
            return
        }
        let (verb, rest) = splitWord(Substring(source))
        do {
            add(line, source, try action(verb, rest))
        } catch {
            problems.append("\(path):\(line): \(error)")
        }
    }

    private mutating func add(_ line: Int, _ source: String, _ action: WalkAction) {
        steps.append(WalkStep(line: line, source: source, action: action))
    }

    /// The action of `verb` with the rest of the line.
    private mutating func action(_ verb: String, _ rest: Substring) throws -> WalkAction {
        switch verb {
        case "server":
            let (name, options) = splitWord(rest)
            guard !name.isEmpty else { throw ToolError("usage: server NAME [--option value ...]") }
            guard !running.contains(name) else { throw ToolError("server \(name) is already running") }
            guard clients[name] == nil else { throw ToolError("\(name) is already a client's name") }
            guard let words = splitQuotedArgs(Array(options.utf8)) else { throw ToolError("unbalanced quotes") }
            running.insert(name); known.insert(name)
            return .server(name: name, options: words.map { String(decoding: $0, as: UTF8.self) })
        case "client":
            let words = rest.split(separator: " ").map(String.init)
            guard words.count == 2 else { throw ToolError("usage: client NAME SERVER") }
            guard clients[words[0]] == nil else { throw ToolError("client \(words[0]) is already open") }
            guard !known.contains(words[0]) else { throw ToolError("\(words[0]) is already a server's name") }
            try needServer(words[1])
            clients[words[0]] = words[1]
            return .client(name: words[0], server: words[1])
        case "send":
            let (client, command) = splitWord(rest)
            try needClient(client)
            guard let words = splitQuotedArgs(Array(command.utf8)) else { throw ToolError("unbalanced quotes") }
            guard !words.isEmpty else { throw ToolError("usage: send CLIENT COMMAND [ARG ...]") }
            return .send(client: client, words: words)
        case "raw":
            let (client, bytes) = splitWord(rest)
            try needClient(client)
            guard let words = splitQuotedArgs(Array(bytes.utf8)) else { throw ToolError("unbalanced quotes") }
            guard !words.isEmpty else { throw ToolError("usage: raw CLIENT \"BYTES\"") }
            return .raw(client: client, bytes: words.flatMap { $0 })
        case "read":
            let words = rest.split(separator: " ").map(String.init)
            guard words.count == 1 || words.count == 2 else { throw ToolError("usage: read CLIENT [N]") }
            try needClient(words[0])
            let n = words.count == 2 ? Int(words[1]) : 1
            guard let n, n >= 1 else { throw ToolError("read: N must be a positive number") }
            return .read(client: words[0], count: n)
        case "expect":
            let (client, text) = splitWord(rest)
            try needClient(client)
            guard !text.isEmpty else { throw ToolError("usage: expect CLIENT TEXT") }
            return .expect(client: client, text: String(text))
        case "wait":
            let (server, afterServer) = splitWord(rest)
            let (area, text) = splitWord(afterServer)
            try needServer(server)
            guard TraceArea.allCases.contains(where: { $0.name == area }) else {
                throw ToolError("wait: unknown area '\(area)' (one of \(TraceArea.allCases.map(\.name).joined(separator: " ")))")
            }
            guard !text.isEmpty else { throw ToolError("usage: wait SERVER AREA TEXT") }
            return .wait(server: server, area: area, text: String(text))
        case "sleep":
            guard let ms = Int(rest), ms >= 0 else { throw ToolError("usage: sleep MILLISECONDS") }
            return .sleep(milliseconds: ms)
        case "pause":
            return .pause(message: String(rest))
        case "close":
            let name = String(rest)
            try needClient(name)
            clients[name] = nil
            return .close(client: name)
        case "stop", "kill":
            let name = String(rest)
            try needServer(name)
            running.remove(name)
            for (c, s) in clients where s == name { clients[c] = nil }
            return verb == "stop" ? .stop(server: name) : .kill(server: name)
        case "truncate":
            let words = rest.split(separator: " ").map(String.init)
            guard words.count == 3 else { throw ToolError("usage: truncate SERVER FILE BYTES") }
            // A stopped or killed server's folder is still there: that is the point.
            guard known.contains(words[0]) else { throw ToolError("no server named '\(words[0])'") }
            guard !words[1].contains("/"), words[1] != ".", words[1] != ".." else {
                throw ToolError("truncate: FILE is a name in the server's folder, not a path")
            }
            guard let n = Int(words[2]), n >= 1 else { throw ToolError("truncate: BYTES must be a positive number") }
            return .truncate(server: words[0], file: words[1], bytes: n)
        default:
            throw ToolError("unknown step '\(verb)' (server client send raw read expect wait sleep pause close stop kill truncate)")
        }
    }

    private func needServer(_ name: String) throws {
        guard running.contains(name) else {
            throw ToolError(known.contains(name) ? "server \(name) has been stopped" : "no server named '\(name)'")
        }
    }

    private func needClient(_ name: String) throws {
        guard clients[name] != nil else { throw ToolError("no open client named '\(name)'") }
    }
}

/// The first space-separated word of `s` and the rest, trimmed.
func splitWord(_ s: Substring) -> (String, Substring) {
    let t = s.drop { $0 == " " || $0 == "\t" }
    let word = t.prefix { $0 != " " && $0 != "\t" }
    let rest = t.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }
    var end = rest.endIndex
    while end > rest.startIndex, rest[rest.index(before: end)] == " " || rest[rest.index(before: end)] == "\t" {
        end = rest.index(before: end)
    }
    return (String(word), rest[rest.startIndex..<end])
}

// MARK: - Placeholders

/// `text` with every `{NAME.port}` replaced by the port of server NAME.
///
/// A replica started after its master needs the master's port, which is only known at run time:
/// `send r1 REPLICAOF 127.0.0.1 {m1.port}`.
func substitutePorts(_ text: String, _ ports: [String: Int]) -> String {
    guard text.contains("{") else { return text }
    var out = text
    for (name, port) in ports { out = out.replacingOccurrences(of: "{\(name).port}", with: String(port)) }
    return out
}

/// `bytes` with every `{NAME.port}` replaced (see `substitutePorts(_:_:)` for text).
func substitutePorts(_ bytes: [UInt8], _ ports: [String: Int]) -> [UInt8] {
    guard bytes.contains(UInt8(ascii: "{")) else { return bytes }
    var out = bytes
    for (name, port) in ports {
        let pattern = Array("{\(name).port}".utf8), value = Array(String(port).utf8)
        var i = 0
        var result: [UInt8] = []
        while i < out.count {
            if out[i] == pattern[0], i + pattern.count <= out.count, Array(out[i..<(i + pattern.count)]) == pattern {
                result += value; i += pattern.count
            } else {
                result.append(out[i]); i += 1
            }
        }
        out = result
    }
    return out
}
