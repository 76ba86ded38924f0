// The walkthrough runner: plays a walkthrough against real servers, live for a class or as a
// test against its golden trace.
//
// What one run does:
//
//  1) Parse the file (Walkthrough.swift); a format problem stops here, before any process starts.
//  2) Make a temp folder, one subfolder per server name.
//  3) Play the steps in order. Every wait (a reply, a trace event, a sleep, Enter) is a loop of
//     short polls that pumps the servers' trace files in between; live, each new event is
//     printed in the text form as it arrives, coloured by role.
//  4) Stop every server still running (SIGTERM), close the clients, read the last trace lines,
//     remove the temp folder.
//  5) Merge the traces of every server run and normalise them (TraceNormalise.swift).
//     `--check` compares with the golden block and prints a diff; `--update` rewrites it.
//
// Modes:
//
// | mode     | prints steps and events | waits for Enter            | compares / writes golden |
// |----------|-------------------------|----------------------------|--------------------------|
// | live     | yes                     | at `pause` (on a terminal) | no                       |
// | --step   | yes                     | before every trace event   | no                       |
// | --check  | failures only           | never                      | compares                 |
// | --update | failures only           | never                      | writes                   |
//
// Step mode: the runner makes a FIFO and starts every server with `--trace-step FIFO`; each
// traced process then waits after every event until it can read one byte from the FIFO. Each
// Enter the presenter presses writes one byte, so the whole scenario (every server, and later
// every fork child) moves exactly one event forward. `c` then Enter lets everything run; so does
// the end of input (piped stdin, a test).

import Foundation
import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Modes and results

/// How a walkthrough is played.
public enum WalkMode: Sendable {
    /// Print steps and events as they happen; `pause` waits for Enter on a terminal.
    case live
    /// Like live, and every traced process waits for Enter before each event (a presenter in class).
    case step
    /// Compare the normalised trace with the golden block.
    case check
    /// Rewrite the golden block with the normalised trace.
    case update

    var isLive: Bool { self == .live || self == .step }
}

/// A step that went wrong: where, and why.
public struct WalkFailure: Error, CustomStringConvertible {
    /// `FILE:LINE: step: why`, then the tail of every server log.
    public let description: String
}

// MARK: - The runner

/// Plays one walkthrough. Not reusable: make one per run.
public final class WalkRunner {
    let walk: Walkthrough
    let mode: WalkMode
    let binary: String
    let console: Console
    /// Seconds to wait for a reply or a trace event.
    public var timeout: Double = 10
    /// How long live modes keep reading traces after a step, so that the events a step caused
    /// are printed under it rather than under the next one.
    public var settle: Double = 0.15

    private let clock = Clock()
    private let start: Double
    private var folder = ""
    /// Every server run in start order (a restarted server has several).
    private var runs: [ServerRun] = []
    /// The running servers by name.
    private var servers: [String: ServerRun] = [:]
    private var clients: [String: WalkClient] = [:]
    /// How many times each server name has been started (names its log and trace files).
    private var starts: [String: Int] = [:]
    /// The last known port of each server name, for `{NAME.port}`.
    private var ports: [String: Int] = [:]
    /// stdin reached its end; step mode stops waiting for Enter.
    private var inputEnded = false
    /// Step mode: the FIFO every server waits on, and the runner's write end of it.
    private var stepFIFO = ""
    private var stepFD: Int32 = -1
    /// Step mode after `c`: let every event through.
    private var freeRunning = false
    /// The step being played, named when it fails.
    private var current: WalkStep?

    /// A runner for `walk` that starts servers from `serverBinary`.
    public init(_ walk: Walkthrough, mode: WalkMode, serverBinary: String, console: Console) {
        self.walk = walk
        self.mode = mode
        self.binary = serverBinary
        self.console = console
        start = clock.monotonicSeconds()
    }

    /// Plays every step, stops everything, and returns the normalised trace.
    /// - Throws: `WalkFailure` naming the step that failed (servers are stopped and the temp
    ///   folder removed in every case).
    public func play() throws -> [String] {
        folder = makeTempFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        if mode == .step {
            stepFIFO = folder + "/step.fifo"
            guard mkfifo(stepFIFO, 0o600) == 0 else { throw WalkFailure(description: "mkfifo \(stepFIFO) failed") }
            stepFD = open(stepFIFO, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            // The presenter sets the pace: nothing times out.
            timeout = 24 * 3600
            console.line(console.paint("  step mode: Enter lets one event happen; c then Enter runs to the end", "2"))
        }
        defer { if stepFD >= 0 { close(stepFD); stepFD = -1 } }
        if mode.isLive {
            console.line(console.paint(walk.title, "1"))
            console.line(console.paint("  \(walk.path)", "2"))
        }
        // Live, Ctrl-C ends the walk cleanly: the waits notice the flag and fail the step.
        interruptRequested = false
        let previous = mode.isLive ? signal(SIGINT, { _ in interruptRequested = true }) : nil
        defer { if mode.isLive { signal(SIGINT, previous) } }
        do {
            for step in walk.steps {
                current = step
                try perform(step)
            }
        } catch {
            let failure = "\(walk.path):\(current?.line ?? 0): \(current?.source ?? ""): \(error)"
            finish()
            throw WalkFailure(description: failure + serverLogs())
        }
        finish()
        let bad = runs.flatMap { run in run.badLines.map { "\(run.name): \($0)" } }
        if !bad.isEmpty {
            throw WalkFailure(description: "\(walk.path): trace lines that are not events:\n" + bad.prefix(5).joined(separator: "\n"))
        }
        return trace
    }

    /// The merged, normalised trace of every server run so far.
    public var trace: [String] {
        let merged = mergeTraces(runs.map { ($0.events, $0.offset) })
        return normaliseTrace(merged, ports: runs.map(\.port), pids: runs.map(\.pid))
    }

    // MARK: Steps

    private func perform(_ step: WalkStep) throws {
        if case .note(let text) = step.action {
            if mode.isLive { console.line(console.paint("# " + text, "2;3")) }
            return
        }
        if mode.isLive {
            var header = console.paint("▶ \(step.source)", "1")
            if case .pause(let message) = step.action { header = console.paint("⏸ " + message, "1") }
            console.line(header)
        }
        switch step.action {
        case .server(let name, let options):
            let n = (starts[name] ?? 0) + 1
            starts[name] = n
            let dir = folder + "/" + name
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let stepOptions = mode == .step ? ["--trace-step", stepFIFO] : []
            let run = try ServerRun(name: name, binary: binary, folder: dir, run: n,
                                    options: stepOptions + options.map { substitutePorts($0, ports) },
                                    readyTimeout: mode == .step ? timeout : 20,
                                    offset: clock.monotonicSeconds() - start, idle: pump)
            runs.append(run)
            servers[name] = run
            ports[name] = run.port
            say("\(name): pid \(run.pid), port \(run.port), folder \(dir)")
        case .client(let name, let server):
            clients[name] = try WalkClient(name: name, server: server, port: try running(server).port)
        case .send(let name, let words):
            let c = try client(name)
            try c.send(WalkClient.encode(words.map { substitutePorts($0, ports) }))
            try show(name, try c.readReply(timeout: timeout, idle: pump).reply)
        case .raw(let name, let bytes):
            try client(name).send(substitutePorts(bytes, ports))
        case .read(let name, let count):
            let c = try client(name)
            for _ in 0..<count { try show(name, try c.readReply(timeout: timeout, idle: pump).reply) }
        case .expect(let name, let text):
            let want = substitutePorts(text, ports)
            guard let last = try client(name).last else { throw ToolError("\(name) has no reply yet") }
            let raw = RESPEscape.escape(last.raw, limit: Int.max)
            // Trailing spaces do not count: a walk line cannot show them, and some Redis errors
            // end with one (`…with args beginning with: `).
            let trimmed = { (s: String) in String(s.reversed().drop { $0 == " " }.reversed()) }
            guard trimmed(want) == trimmed(last.reply.redisCLIText) || want == raw else {
                throw ToolError("expected \(want)\n    got \(last.reply.redisCLIText)\n    raw \(raw)")
            }
        case .wait(let name, let area, let text):
            try waitForEvent(try running(name), area: area, text: substitutePorts(text, ports))
        case .sleep(let ms):
            try pumpFor(Double(ms) / 1000)
        case .pause:
            // The header showed the message; in step mode the events set the pace.
            if mode == .live && console.interactive {
                console.write(console.paint("   [Enter]", "2"))
                try waitForEnter()
            }
        case .close(let name):
            try client(name).close()
            clients[name] = nil
        case .stop(let name):
            let run = try running(name)
            run.stop(idle: readTracesStepping)
            servers[name] = nil
            for (c, client) in clients where client.server == name { client.close(); clients[c] = nil }
        case .kill(let name):
            let run = try running(name)
            run.crash(idle: readTracesStepping)
            servers[name] = nil
            for (c, client) in clients where client.server == name { client.close(); clients[c] = nil }
            say("\(name): killed (SIGKILL)")
        case .truncate(let name, let file, let bytes):
            let path = folder + "/" + name + "/" + file
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
                throw ToolError("no file \(file) in the folder of \(name)")
            }
            guard size >= bytes else { throw ToolError("\(file) has \(size) bytes, fewer than \(bytes)") }
            guard truncate(path, off_t(size - bytes)) == 0 else {
                throw ToolError("truncate \(path): \(String(cString: strerror(errno)))")
            }
            say("\(name)/\(file): \(size) → \(size - bytes) bytes")
        case .note:
            break
        }
        if mode.isLive { try pumpFor(settle) }
    }

    private func running(_ name: String) throws -> ServerRun {
        guard let s = servers[name] else { throw ToolError("no running server \(name)") }
        return s
    }

    private func client(_ name: String) throws -> WalkClient {
        guard let c = clients[name] else { throw ToolError("no open client \(name)") }
        return c
    }

    /// Waits until `run` has a trace event of `area` whose text contains `text`, after the one
    /// the previous `wait` on this server matched.
    private func waitForEvent(_ run: ServerRun, area: String, text: String) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            try pump()
            let events = run.events
            if let i = events[run.waitCursor...].firstIndex(where: { $0.area == area && $0.text.contains(text) }) {
                run.waitCursor = i + 1
                return
            }
            if Date() >= deadline {
                let recent = events.suffix(5).map { "    " + $0.text }.joined(separator: "\n")
                throw ToolError("no \(area) event containing \"\(text)\" within \(Int(timeout)) s; the last events:\n" + recent)
            }
            usleep(10_000)
        }
    }

    // MARK: Traces and output

    /// Reads every running server's new trace lines (live, prints them); throws once Ctrl-C
    /// has been pressed.
    private func pump() throws {
        if interruptRequested { throw ToolError("interrupted") }
        if mode == .step { forwardKeypresses() }
        readTraces()
    }

    /// Step mode: one byte into the FIFO for each Enter; many after `c` or the end of input.
    private func forwardKeypresses() {
        guard stepFD >= 0 else { return }
        var pfd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        while !inputEnded && !freeRunning && poll(&pfd, 1, 0) > 0 {
            var chunk = [UInt8](repeating: 0, count: 256)
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n <= 0 { inputEnded = true; break }
            for b in chunk[0..<n] {
                if b == UInt8(ascii: "c") { freeRunning = true }
                if b == 10 { var one: UInt8 = 1; _ = write(stepFD, &one, 1) }
            }
        }
        if inputEnded || freeRunning {
            // Keep the FIFO topped up; a full pipe just says EAGAIN.
            let many = [UInt8](repeating: 1, count: 512)
            _ = many.withUnsafeBytes { write(stepFD, $0.baseAddress, $0.count) }
        }
    }

    /// readTraces, and in step mode the keypresses too (a server stopping must get past its wait).
    private func readTracesStepping() {
        if mode == .step { forwardKeypresses() }
        readTraces()
    }

    /// Reads every running server's new trace lines; live, prints them.
    private func readTraces() {
        for run in servers.values.sorted(by: { $0.offset < $1.offset }) {
            for e in run.readTrace() where mode.isLive {
                let code = e.role == "M" ? "36" : e.role == "C" ? "35" : e.role == "S" ? "33" : "32"
                console.line(console.paint(e.text, code))
            }
        }
    }

    /// Pumps traces for `seconds`.
    private func pumpFor(_ seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        repeat { try pump(); usleep(10_000) } while Date() < deadline
    }

    /// Waits for a line on stdin, pumping traces meanwhile; returns at once after end of input.
    private func waitForEnter() throws {
        // A terminal echoes the Enter; piped input does not, so end the prompt's line ourselves.
        defer { if mode.isLive && !console.interactive { console.line() } }
        while !inputEnded {
            var pfd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 50) > 0 {
                var chunk = [UInt8](repeating: 0, count: 256)
                let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n <= 0 { inputEnded = true; return }
                if chunk[0..<n].contains(10) { return }
            }
            try pump()
        }
    }

    /// Prints the lines of a reply, redis-cli style, after the client's name.
    private func show(_ client: String, _ reply: Reply) throws {
        guard mode.isLive else { return }
        // The server traces its write after write(2) returns, so the reply can arrive first;
        // a moment's pumping prints the `net>` line above the reply it sent.
        try pumpFor(0.03)
        let lines = reply.redisCLILines
        let prefix = "  \(client): "
        for (i, l) in lines.enumerated() {
            console.line((i == 0 ? prefix : String(repeating: " ", count: prefix.count)) + console.paint(l, "1;32"))
        }
    }

    /// A runner message, live only.
    private func say(_ text: String) {
        if mode.isLive { console.line(console.paint("  " + text, "2")) }
    }

    // MARK: The end

    /// Stops the servers still running, then closes the clients; reads the last trace lines.
    private func finish() {
        // A stepping server waits in the FIFO: let everything through so it can stop.
        if mode == .step { freeRunning = true }
        for run in servers.values.sorted(by: { $0.offset > $1.offset }) { run.stop(idle: readTracesStepping) }
        servers.removeAll()
        for c in clients.values { c.close() }
        clients.removeAll()
    }

    /// The tail of every server log, for a failure message.
    private func serverLogs() -> String {
        runs.map { "\n  \($0.name) (\($0.logPath.split(separator: "/").last ?? "")):\n" + $0.logTail(10) }.joined()
    }

    private func makeTempFolder() -> String {
        var base = NSTemporaryDirectory()
        while base.hasSuffix("/") { base.removeLast() }
        var template = Array((base + "/swift-redis-walk-XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return p.map { String(cString: $0) } ?? NSTemporaryDirectory()
    }
}

/// Set by the SIGINT handler while a walk plays live. (A signal handler can reach only globals.)
nonisolated(unsafe) private var interruptRequested = false

// MARK: - Playing a file

/// Plays the walkthrough at `path` in `mode` and reports on `console`; true on success.
///
/// `--check` succeeds when the trace equals the golden block; `--update` rewrites the block
/// (only it) and succeeds when the steps do.
public func playWalkthrough(_ path: String, mode: WalkMode, serverBinary: String, console: Console) -> Bool {
    let walk: Walkthrough
    do {
        walk = try Walkthrough(contentsOf: path)
    } catch {
        console.line("\(error)")
        return false
    }
    if mode == .check && walk.golden == nil {
        console.line("\(path): no ```trace block yet; write it with `swift-redis walk --update \(path)`")
        return false
    }
    let runner = WalkRunner(walk, mode: mode, serverBinary: serverBinary, console: console)
    let trace: [String]
    do {
        trace = try runner.play()
    } catch {
        console.line(console.paint("FAIL", "1;31") + " \(error)")
        if !mode.isLive && !runner.trace.isEmpty {
            console.line("  the trace so far (last 10 lines):")
            for l in runner.trace.suffix(10) { console.line("    " + l) }
        }
        return false
    }
    switch mode {
    case .live, .step:
        console.line(console.paint("── end of \(walk.title): \(trace.count) trace events", "2"))
        return true
    case .check:
        let diff = unifiedDiff(walk.golden ?? [], trace, oldName: "golden", newName: "this run")
        if diff.isEmpty {
            console.line("ok \(path) (\(trace.count) trace lines)")
            return true
        }
        console.line(console.paint("FAIL", "1;31") + " \(path): the trace differs from the golden one")
        for l in diff {
            let code = l.hasPrefix("-") ? "31" : l.hasPrefix("+") ? "32" : l.hasPrefix("@@") ? "36" : "0"
            console.line(console.paint(l, code))
        }
        return false
    case .update:
        if walk.golden == trace {
            console.line("unchanged \(path) (\(trace.count) trace lines)")
            return true
        }
        do {
            try walk.withGolden(trace).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            console.line("\(path): cannot write: \(error)")
            return false
        }
        console.line("updated \(path) (\(trace.count) trace lines)")
        return true
    }
}

// MARK: - The command

/// `swift-redis walk [--check|--update|--step] [--server PATH] FILE...`.
public enum WalkCommand {
    /// The table row for main.swift.
    public static let command = ToolCommand(
        name: "walk", usage: "walk [--check|--update|--step] [--server PATH] FILE...",
        summary: "play a walkthrough live, step by step, or against its golden trace",
        run: { arguments, console in run(arguments, console: console) })

    /// Runs `walk` with the arguments after its name; returns the exit code.
    public static func run(_ arguments: [String], console: Console) -> Int32 {
        var args = arguments
        var modes: [WalkMode] = []
        if takeFlag("--check", from: &args) { modes.append(.check) }
        if takeFlag("--update", from: &args) { modes.append(.update) }
        if takeFlag("--step", from: &args) { modes.append(.step) }
        let server: String
        do {
            server = try takeOption("--server", from: &args) ?? defaultServerBinary()
        } catch {
            console.line("walk: \(error)"); return 1
        }
        guard modes.count <= 1, !args.isEmpty, !args.contains(where: { $0.hasPrefix("--") }) else {
            console.line("usage: swift-redis \(command.usage)"); return 1
        }
        guard FileManager.default.isExecutableFile(atPath: server) else {
            console.line("walk: no server binary at \(server) (build it, or pass --server PATH)"); return 1
        }
        var ok = true
        for file in args {
            if !playWalkthrough(file, mode: modes.first ?? .live, serverBinary: server, console: console) { ok = false }
        }
        return ok ? 0 : 1
    }

    /// Where the server binary is: `$SWIFT_REDIS_SERVER`, else beside this executable, else on
    /// the PATH.
    static func defaultServerBinary() -> String {
        if let env = ProcessInfo.processInfo.environment["SWIFT_REDIS_SERVER"], !env.isEmpty { return env }
        let me = CommandLine.arguments.first ?? ""
        if me.contains("/") {
            let beside = URL(fileURLWithPath: me).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("swift-redis-server").path
            if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/swift-redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "swift-redis-server"
    }
}
