// CLIENT REPLY, UNBLOCK, PAUSE and UNPAUSE side by side with a real redis-server, byte for byte,
// where the reply does not depend on time: the errors for bad modes and timeouts, what a pipeline
// of REPLY OFF/SKIP/ON lets through, and what CLIENT UNBLOCK answers and the unblocked client
// reads. Redis 7.0 checks a subcommand's arity itself and words that error its own way: those
// cases are checked apart, as 6.2 answers them.
//
// Redis: clientCommand (src/networking.c), getTimeoutFromObjectOrReply (src/timeout.c)

import Foundation
import TestSupport
import XCTest

final class ClientPauseSideBySideTests: InteropTestCase {
    /// The replies to a whole pipeline, read until the reply of a closing PING: silenced commands
    /// answer nothing, so the replies cannot be read one command at a time.
    func pipelineReplies(_ c: RawClient, _ commands: [[String]]) throws -> [String] {
        let end = "end-of-pipeline"
        c.send(raw: (commands + [["PING", end]]).flatMap { RawClient.encode($0.map { Array($0.utf8) }) })
        var replies: [String] = []
        while replies.count <= commands.count {
            let r = String(decoding: try c.readRawReply(), as: UTF8.self)
            if r == "$\(end.utf8.count)\r\n\(end)\r\n" { return replies }
            replies.append(r)
        }
        XCTFail("no reply to the closing PING after \(replies)")
        return replies
    }

    func testErrorsAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies([
            ["CLIENT", "REPLY", "maybe"],
            ["CLIENT", "UNBLOCK", "abc"], ["CLIENT", "UNBLOCK", "1", "later"], ["CLIENT", "UNBLOCK", "abc", "later"],
            ["CLIENT", "UNBLOCK", "99999"], ["CLIENT", "UNBLOCK", "99999", "ERROR"], ["CLIENT", "UNBLOCK", "-1", "timeout"],
            ["CLIENT", "PAUSE", "abc"], ["CLIENT", "PAUSE", "1.5"], ["CLIENT", "PAUSE", "99999999999999999999"],
            ["CLIENT", "PAUSE", "-1"], ["CLIENT", "PAUSE", "-1", "WRITE"],
            ["CLIENT", "PAUSE", "1", "READ"], ["CLIENT", "PAUSE", "abc", "READ"],
            ["CLIENT", "UNPAUSE"],
            // A pause of 0 ms and a short WRITE pause: +OK, and over by the next command's turn
            // (a WRITE pause does not hold CLIENT, GET or UNPAUSE).
            ["CLIENT", "PAUSE", "0", "WRITE"], ["GET", "k"],
            ["CLIENT", "PAUSE", "50", "write"], ["GET", "k"], ["CLIENT", "UNPAUSE"],
        ], ours: a, redis: b)
        // 6.2 sends a wrong number of arguments to the subcommand error; 7.0 has arities per
        // subcommand ("wrong number of arguments for 'client|reply' command").
        let arity: [[String]] = [["REPLY"], ["REPLY", "on", "x"], ["UNBLOCK"], ["PAUSE"], ["PAUSE", "1", "ALL", "x"], ["UNPAUSE", "x"]]
        try assertRedis62Replies(arity.map { args in
            (["CLIENT"] + args, "-ERR Unknown subcommand or wrong number of arguments for '\(args[0])'. Try CLIENT HELP.\r\n",
             "Redis 7.0 checks each subcommand's arity and names it as 'client|\(args[0].lowercased())'")
        }, ours: a, redis: b)
    }

    func testReplyPipelinesAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        let pipeline: [[String]] = [
            ["CLIENT", "REPLY", "OFF"], ["SET", "a", "1"], ["GET", "a"], ["NOSUCH"], ["CLIENT", "REPLY", "bad"],
            ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "ON"], ["GET", "a"],
            ["CLIENT", "REPLY", "SKIP"], ["PING", "skipped"], ["PING", "x"],
            ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "SKIP"], ["PING", "y"], ["PING", "z"],
            ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "ON"], ["PING", "after-on"],
            ["CLIENT", "REPLY", "SKIP"], ["NOSUCH"], ["PING", "after-error"],
            ["CLIENT", "REPLY", "SKIP"], ["MULTI"], ["INCR", "n"], ["EXEC"],
        ]
        let mine = try pipelineReplies(a, pipeline), theirs = try pipelineReplies(b, pipeline)
        XCTAssertEqual(mine, theirs)
        XCTAssertGreaterThan(mine.count, 5)
        // 6.2 silences everything, pub/sub confirmations and messages too; Redis 7.0 (since
        // redis/redis#11875) lets pushes through a REPLY OFF.
        let subscribed: [[String]] = [["CLIENT", "REPLY", "OFF"], ["SUBSCRIBE", "ch"], ["UNSUBSCRIBE", "ch"], ["CLIENT", "REPLY", "on"]]
        XCTAssertEqual(try pipelineReplies(a, subscribed), ["+OK\r\n"])
        XCTAssertEqual(try pipelineReplies(b, subscribed).count, 3)
    }

    func testUnblockAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let pairs = [(try RawClient(port: ours.port), try RawClient(port: ours.port)),
                     (try RawClient(port: realPort), try RawClient(port: realPort))]
        let waits: [(command: [String], mode: [String])] = [
            (["BLPOP", "q", "0"], []), (["BRPOP", "q", "q2", "0"], ["TIMEOUT"]),
            (["BLMOVE", "q", "d", "LEFT", "RIGHT", "0"], ["ERROR"]), (["BRPOPLPUSH", "q", "d", "0"], []),
            (["BZPOPMIN", "z", "0"], ["timeout"]), (["BZPOPMAX", "z", "0"], ["error"]),
        ]
        var transcripts: [[String]] = []
        for (admin, waiter) in pairs {
            guard case .integer(let id) = try waiter.call("CLIENT", "ID") else { return XCTFail("CLIENT ID") }
            var t: [String] = []
            t.append(String(decoding: try admin.callRaw("CLIENT", "UNBLOCK", "\(id)"), as: UTF8.self))
            for w in waits {
                waiter.send(raw: RawClient.encode(w.command.map { Array($0.utf8) }))
                XCTAssertTrue(waitUntil(2) { ((try? admin.call("CLIENT", "LIST", "ID", "\(id)"))?.string ?? "").contains("flags=b") })
                let unblock = (["CLIENT", "UNBLOCK", "\(id)"] + w.mode).map { Array($0.utf8) }
                t.append(String(decoding: try admin.callRaw(unblock), as: UTF8.self))
                t.append(String(decoding: try waiter.readRawReply(), as: UTF8.self))
                t.append(String(decoding: try admin.callRaw(unblock), as: UTF8.self))
            }
            t.append(String(decoding: try waiter.callRaw("PING"), as: UTF8.self))
            transcripts.append(t)
        }
        XCTAssertEqual(transcripts[0], transcripts[1])
        XCTAssertTrue(transcripts[0].contains("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"), "\(transcripts[0])")
    }
}
