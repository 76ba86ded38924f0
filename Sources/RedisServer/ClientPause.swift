// CLIENT PAUSE: the server stops taking commands for a while, without closing any connection.
//
// Why a server would want that: a failover. To hand the master role to a replica without losing
// a write, the old master must stop accepting writes, let the replica catch up with everything it
// has already accepted, and only then let the replica take over. Closing the clients would lose
// their requests; pausing them just makes them wait. When the pause ends (its time is up, or
// CLIENT UNPAUSE) every held client runs the command it was stopped at, in the order they came.
//
//     CLIENT PAUSE 5000 WRITE   ⇒ UNPAUSED → PAUSED   writes (and PUBLISH, EVAL…) wait; reads run
//     client B: SET k v          held: flags=b, its SET kept in argv   (no reply yet)
//     client C: GET k            runs at once (a WRITE pause)
//     … 5000 ms, or CLIENT UNPAUSE ⇒ PAUSED → UNPAUSED
//     client B: +OK              its SET runs, then whatever it sent meanwhile
//
// A pause of type ALL holds every command of every normal client, CLIENT UNPAUSE included (only
// the clock ends it then). While paused the dataset stands still: expired keys read as missing,
// but neither lazy nor active expiry deletes them (Keyspace.clientsPaused).
//
// Nothing spins while paused: a held client's further input just waits in its query buffer, and
// a timer at the pause's end releases everyone; the loop sleeps until then.
//
// Redis: pauseClients, unpauseClients, areClientsPaused, checkClientPauseTimeoutAndReturnIfPaused
// (src/networking.c), the pause test of processCommand (src/server.c), blockClient with
// BLOCKED_PAUSE, unblockClient (src/blocked.c).
// SIMPLIFICATION: Redis notices the end of a pause in serverCron (at most 1000/hz ms late) and
// wherever it checks; we also set a timer for the exact end. A timeout so large that now + timeout
// overflows pauses until CLIENT UNPAUSE (6.2 wraps around, which ends the pause at once).

import RedisCore
import RedisKeyspace
import RedisRESP

/// What a pause holds back. Redis: pause_type (CLIENT_PAUSE_OFF, CLIENT_PAUSE_WRITE, CLIENT_PAUSE_ALL)
enum PauseType: Int, Comparable {
    /// Nothing is paused. Redis: CLIENT_PAUSE_OFF
    case off
    /// Commands that may change the dataset or reach replicas wait. Redis: CLIENT_PAUSE_WRITE
    case write
    /// Every command of a normal client waits. Redis: CLIENT_PAUSE_ALL
    case all

    static func < (a: PauseType, b: PauseType) -> Bool { a.rawValue < b.rawValue }
}

/// The pause now in force and the clients it holds.
///
/// | from     | event                            | to       | Redis function |
/// |----------|----------------------------------|----------|----------------|
/// | UNPAUSED | CLIENT PAUSE                     | PAUSED   | pauseClients |
/// | PAUSED   | CLIENT PAUSE (longer or stricter)| PAUSED   | pauseClients |
/// | PAUSED   | end time passed, CLIENT UNPAUSE  | UNPAUSED | unpauseClients |
///
/// INVARIANT: `held` is empty when `type` is `.off`; every held client has the flags `blocked`
/// and `pendingCommand`.
struct ClientPauseState {
    var type = PauseType.off
    /// Unix ms when the pause ends. Redis: server.client_pause_end_time
    var endMs: Int64 = 0
    /// Held clients, in the order they were stopped. Redis: server.paused_clients
    var held: [Client] = []
    /// The timer that ends the pause, while one runs.
    var timer: Int?
}

extension Err {
    /// CLIENT PAUSE with a third argument that is neither WRITE nor ALL. Redis: clientCommand
    static let pauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL"
    /// CLIENT PAUSE's timeout is not a whole number. Redis: getTimeoutFromObjectOrReply (src/timeout.c)
    static let pauseTimeoutNotInteger = "ERR timeout is not an integer or out of range"
    /// CLIENT PAUSE's timeout is below zero. Redis: getTimeoutFromObjectOrReply (src/timeout.c)
    static let timeoutNegative = "ERR timeout is negative"
}

extension Server {
    // MARK: - CLIENT PAUSE and CLIENT UNPAUSE

    /// CLIENT PAUSE timeout [WRITE|ALL]: holds clients for `timeout` ms; +OK at once (the caller
    /// itself is not held by its own PAUSE). Redis: the "pause" branch of clientCommand
    func clientPauseCommand(_ c: Client) {
        var type = PauseType.all
        if c.argv.count == 4 {
            if c.argv[3].equalsIgnoringCase("write") { type = .write }
            else if c.argv[3].equalsIgnoringCase("all") { type = .all }
            else { c.addReplyError(Err.pauseMode); return }
        }
        guard let ms = c.argv[2].int64Value else { c.addReplyError(Err.pauseTimeoutNotInteger); return }
        if ms < 0 { c.addReplyError(Err.timeoutNegative); return }
        // 0 asks for no time at all: the pause ends at the next check. Redis: getTimeoutFromObjectOrReply
        // From the command's own time (call() fixed it), so that the trace says exactly `ms`.
        let (sum, overflow) = keyspace.nowMs.addingReportingOverflow(ms)
        pauseClients(until: ms == 0 ? 0 : (overflow ? Int64.max : sum), type)
        c.addReplyOK()
    }

    // snippet.pauseClients
    /// Starts a pause, or makes the one in force longer or stricter (never shorter or milder).
    /// Redis: pauseClients (src/networking.c)
    func pauseClients(until endMs: Int64, _ type: PauseType) {
        let was = pause.type
        pause.type = max(pause.type, type)
        pause.endMs = max(pause.endMs, endMs)
        if tracer.on(.net) {
            tracer.transition(.net, "\(pause.type == .all ? "ALL" : "WRITE") for \(max(0, pause.endMs - keyspace.nowMs))ms",
                              from: was == .off ? "UNPAUSED" : "PAUSED", to: "PAUSED", fn: "pauseClients")
        }
        // The loop sleeps until the end of the pause, then this timer lets everyone go.
        if let t = pause.timer { loop.deleteTimeEvent(id: t) }
        pause.timer = loop.createTimeEvent(milliseconds: msUntilPauseEnds, name: "unpause") { [unowned self] _ in
            self.checkClientPauseTimeout() ? self.msUntilPauseEnds : nil
        }
    }
    // snippet.end

    /// How long the pause in force still lasts, for its timer.
    var msUntilPauseEnds: Int { Int(clamping: max(0, pause.endMs - clock.mstime())) }

    /// Ends the pause if its time has passed; true while clients are still paused.
    /// Redis: checkClientPauseTimeoutAndReturnIfPaused (src/networking.c)
    func checkClientPauseTimeout() -> Bool {
        if pause.type == .off { return false }
        if pause.endMs <= clock.mstime() { unpauseClients() }
        return pause.type != .off
    }

    // snippet.unpauseClients
    /// Ends the pause: every held client is queued to run its command before the loop sleeps,
    /// in the order they were held. Redis: unpauseClients (src/networking.c)
    func unpauseClients() {
        guard pause.type != .off else { return }
        pause.type = .off
        pause.endMs = 0
        if let t = pause.timer { loop.deleteTimeEvent(id: t); pause.timer = nil }
        if tracer.on(.net) {
            tracer.transition(.net, "\(pause.held.count) held", from: "PAUSED", to: "UNPAUSED", fn: "unpauseClients")
        }
        let held = pause.held
        pause.held.removeAll()
        for c in held {
            c.flags.remove(.blocked)
            if tracer.on(.cmd) { tracer.transition(.cmd, "id=\(c.id) released", from: "BLOCKED", to: "NORMAL", fn: "unblockClient") }
            net.queueForReprocessing(c)
        }
    }
    // snippet.end

    // snippet.pauseHolds
    /// Whether the pause in force holds `cmd` from `c`: everything under ALL; under WRITE what
    /// may change the dataset or reach the replicas (write and may-replicate commands such as
    /// PUBLISH, and an EXEC whose queue has one). Redis: the is_may_replicate_command test of
    /// processCommand (src/server.c)
    func pauseHolds(_ c: Client, _ cmd: RedisCommand) -> Bool {
        // (Replicas, once chapter 7 has them, must never be held: the pause is there so that they
        // can catch up.)
        if pause.type == .all { return true }
        return !flagsWithQueue(c, cmd).isDisjoint(with: [.write, .mayReplicate])
    }
    // snippet.end

    /// Holds `c` until the pause ends, its command kept in argv. Redis: blockClient(c, BLOCKED_PAUSE)
    func holdForPause(_ c: Client) {
        c.flags.insert([.blocked, .pendingCommand])
        pause.held.append(c)
        if tracer.on(.cmd) {
            tracer.transition(.cmd, "id=\(c.id) held by the pause: \(c.argv[0])", from: "NORMAL", to: "BLOCKED", fn: "blockClient")
        }
    }

    /// A held client that goes away is no longer held. Redis: unblockClient from freeClient
    func forgetPaused(_ c: Client) {
        guard c.flags.contains(.pendingCommand) else { return }
        pause.held.removeAll { $0 === c }
    }

    /// CLIENT UNPAUSE: ends the pause now. Redis: the "unpause" branch of clientCommand
    func clientUnpauseCommand(_ c: Client) {
        unpauseClients()
        c.addReplyOK()
    }
}

// The names a reader of src/networking.c and src/blocked.c will grep for.
extension Server {
    @available(*, unavailable, renamed: "checkClientPauseTimeout")
    func checkClientPauseTimeoutAndReturnIfPaused() -> Bool { false }
    @available(*, unavailable, renamed: "holdForPause")
    func blockClient(_ c: Client) {}
}
