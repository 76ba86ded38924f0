// Transactions end to end: MULTI/EXEC/DISCARD/WATCH/UNWATCH over raw sockets, with the exact
// replies and errors of Redis 6.2, WATCH touched by another client, by expiry and by FLUSHALL,
// and what a transaction leaves in the AOF (wrapped in MULTI … EXEC) and how it is reloaded.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class MultiTests: ServerTestCase {
    func testQueuedCommandsRunAtExecAndTheirRepliesComeInOneArray() throws {
        let s = try startServer()
        let c = try connect(s), other = try connect(s)
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "SET", "a", "1", is: "+QUEUED\r\n")
        expect(c, "INCR", "a", is: "+QUEUED\r\n")
        // Queued, not run: another client sees nothing yet.
        expect(other, "GET", "a", is: "$-1\r\n")
        expect(c, "GET", "a", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n")
        expect(other, "GET", "a", is: "$1\r\n2\r\n")
        // An empty transaction answers an empty array.
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "EXEC", is: "*0\r\n")
    }

    func testARuntimeErrorIsOneElementOfTheExecReply() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "SET", "s", "text", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "INCR", "s", is: "+QUEUED\r\n")
        expect(c, "LPUSH", "s", "x", is: "+QUEUED\r\n")
        expect(c, "SET", "t", "ok", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*3\r\n-ERR value is not an integer or out of range\r\n"
               + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n")
        expect(c, "GET", "t", is: "$2\r\nok\r\n")
    }

    func testQueueingErrorsAbortTheWholeTransaction() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "SET", "a", "1", is: "+QUEUED\r\n")
        expect(c, "SET", "a", is: "-ERR wrong number of arguments for 'set' command\r\n")
        expect(c, "NOSUCHCMD", "x", is: "-ERR unknown command `NOSUCHCMD`, with args beginning with: `x`, \r\n")
        expect(c, "SET", "b", "2", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "-EXECABORT Transaction discarded because of previous errors.\r\n")
        expect(c, "EXISTS", "a", "b", is: ":0\r\n")
        // The client is out of MULTI afterwards.
        expect(c, "SET", "a", "1", is: "+OK\r\n")
    }

    func testTheErrorsOfMisplacedCommands() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "EXEC", is: "-ERR EXEC without MULTI\r\n")
        expect(c, "DISCARD", is: "-ERR DISCARD without MULTI\r\n")
        expect(c, "UNWATCH", is: "+OK\r\n")
        expect(c, "WATCH", is: "-ERR wrong number of arguments for 'watch' command\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "MULTI", is: "-ERR MULTI calls can not be nested\r\n")
        expect(c, "WATCH", "k", is: "-ERR WATCH inside MULTI is not allowed\r\n")
        // Neither of those dooms the transaction.
        expect(c, "SET", "k", "v", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "SET", "k", "w", is: "+QUEUED\r\n")
        expect(c, "DISCARD", is: "+OK\r\n")
        expect(c, "GET", "k", is: "$1\r\nv\r\n")
    }

    func testWatchedKeyModifiedByAnotherClientMakesExecAnswerNull() throws {
        let s = try startServer()
        let c = try connect(s), other = try connect(s)
        expect(c, "SET", "balance", "10", is: "+OK\r\n")
        expect(c, "WATCH", "balance", "unrelated", is: "+OK\r\n")
        expect(other, "INCRBY", "balance", "5", is: ":15\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "SET", "balance", "0", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*-1\r\n")
        expect(c, "GET", "balance", is: "$2\r\n15\r\n")
        // EXEC unwatched everything: the next transaction runs.
        expect(other, "SET", "balance", "1", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "SET", "balance", "0", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n+OK\r\n")
    }

    func testWatchedKeyUntouchedLetsExecRunAndItsOwnWritesDoNotCount() throws {
        let s = try startServer()
        let c = try connect(s), other = try connect(s)
        expect(c, "WATCH", "k", is: "+OK\r\n")
        expect(other, "SET", "elsewhere", "1", is: "+OK\r\n")  // another key: no effect
        expect(c, "GET", "k", is: "$-1\r\n")                  // a read: no effect
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "SET", "k", "1", is: "+QUEUED\r\n")
        expect(c, "INCR", "k", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*2\r\n+OK\r\n:2\r\n")
    }

    func testUnwatchAndDiscardForgetTheWatchedKeys() throws {
        let s = try startServer()
        let c = try connect(s), other = try connect(s)
        expect(c, "WATCH", "k", is: "+OK\r\n")
        expect(c, "UNWATCH", is: "+OK\r\n")
        expect(other, "SET", "k", "x", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "GET", "k", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n$1\r\nx\r\n")
        expect(c, "WATCH", "k", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "DISCARD", is: "+OK\r\n")
        expect(other, "SET", "k", "y", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "GET", "k", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n$1\r\ny\r\n")
    }

    func testWatchIsPerDatabase() throws {
        let s = try startServer()
        let c = try connect(s), other = try connect(s)
        expect(c, "WATCH", "k", is: "+OK\r\n")          // db 0
        expect(other, "SELECT", "1", is: "+OK\r\n")
        expect(other, "SET", "k", "in db1", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "PING", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n+PONG\r\n")
    }

    func testFlushallAndFlushdbTouchWatchedKeysThatExist() throws {
        let s = try startServer()
        let c = try connect(s), other = try connect(s)
        expect(c, "SET", "k", "v", is: "+OK\r\n")
        expect(c, "WATCH", "k", is: "+OK\r\n")
        expect(other, "FLUSHALL", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "PING", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*-1\r\n")
        // A watched key that did not exist is not touched by a flush, as in Redis.
        expect(c, "WATCH", "absent", is: "+OK\r\n")
        expect(other, "FLUSHDB", is: "+OK\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "PING", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n+PONG\r\n")
    }

    func testAWatchedKeyThatExpiresMakesExecFail() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "DEBUG", "SET-ACTIVE-EXPIRE", "0", is: "+OK\r\n")  // only the WATCH check can see it
        expect(c, "SET", "k", "v", "PX", "100", is: "+OK\r\n")
        expect(c, "WATCH", "k", is: "+OK\r\n")
        usleep(250_000)
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "PING", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*-1\r\n")
    }

    func testBlockingPopsInsideMultiDoNotBlock() throws {
        let s = try startServer()
        let c = try connect(s)
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "BLPOP", "empty", "0", is: "+QUEUED\r\n")
        expect(c, "BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0", is: "+QUEUED\r\n")
        expect(c, "RPUSH", "q", "x", is: "+QUEUED\r\n")
        expect(c, "BRPOP", "q", "0", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*4\r\n*-1\r\n$-1\r\n:1\r\n*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
    }

    func testAPushInsideExecServesABlockedClientAfterTheTransaction() throws {
        let s = try startServer()
        let waiter = try connect(s), c = try connect(s)
        waiter.send(raw: Array(RawClient.encode(["BLPOP", "q", "5"].map { Array($0.utf8) })))
        XCTAssertTrue(waitUntil(5) { (self.infoField(c, "clients", "blocked_clients") ?? "") == "1" })
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "RPUSH", "q", "a", "b", is: "+QUEUED\r\n")
        expect(c, "LLEN", "q", is: "+QUEUED\r\n")
        // Inside the transaction the list still holds both: nobody was served in between.
        expect(c, "EXEC", is: "*2\r\n:2\r\n:2\r\n")
        XCTAssertEqual(esc(try waiter.readRawReply()), esc(Array("*2\r\n$1\r\nq\r\n$1\r\na\r\n".utf8)))
        expect(c, "LRANGE", "q", "0", "-1", is: "*1\r\n$1\r\nb\r\n")
    }

    func testPipelinedTransaction() throws {
        let s = try startServer()
        let c = try connect(s)
        var bytes: [UInt8] = []
        for cmd in [["MULTI"], ["INCR", "n"], ["INCR", "n"], ["EXEC"], ["GET", "n"]] {
            bytes += RawClient.encode(cmd.map { Array($0.utf8) })
        }
        c.send(raw: bytes)
        var got: [UInt8] = []
        for _ in 0..<5 { got += try c.readRawReply() }
        XCTAssertEqual(esc(got), esc(Array("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:2\r\n$1\r\n2\r\n".utf8)))
    }

    func testCommandsOfADisconnectedClientInMultiAreDropped() throws {
        let s = try startServer()
        var c: RawClient? = try connect(s)
        let other = try connect(s)
        expect(c!, "WATCH", "w", is: "+OK\r\n")
        expect(c!, "MULTI", is: "+OK\r\n")
        expect(c!, "SET", "never", "1", is: "+QUEUED\r\n")
        c = nil  // closes the socket
        XCTAssertTrue(waitUntil(5) { (self.infoField(other, "clients", "connected_clients") ?? "") == "1" })
        expect(other, "SET", "w", "x", is: "+OK\r\n")  // touching a key nobody watches any more
        expect(other, "EXISTS", "never", is: ":0\r\n")
    }
}

final class MultiAOFTests: ServerTestCase {
    // `always`, so that the file holds a write once its reply arrived (everysec may postpone the
    // write while a background fsync runs).
    let aof = ["--appendonly", "yes", "--appendfsync", "always"]

    func testExecIsWrittenAsMultiExecAndAReadOnlyTransactionWritesNothing() throws {
        let dir = tempDir()
        let s = try startOnDir(dir, aof)
        let c = try connect(s)
        expect(c, "SET", "a", "1", is: "+OK\r\n")
        var before = fileSize(aofPath(dir))
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "GET", "a", is: "+QUEUED\r\n")
        expect(c, "INCR", "a", is: "+QUEUED\r\n")
        expect(c, "SET", "b", "v", "EX", "100", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*3\r\n$1\r\n1\r\n:2\r\n+OK\r\n")
        let written = String(decoding: aofBytes(dir).dropFirst(before), as: UTF8.self)
        XCTAssertTrue(written.hasPrefix("*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n*5\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\nv\r\n$4\r\nPXAT\r\n"),
                      esc(Array(written.utf8)))
        XCTAssertTrue(written.hasSuffix("*1\r\n$4\r\nEXEC\r\n"), esc(Array(written.utf8)))
        XCTAssertFalse(written.contains("GET"), "reads are not logged")

        before = fileSize(aofPath(dir))
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "GET", "a", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*1\r\n$1\r\n2\r\n")
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "INCR", "a", is: "+QUEUED\r\n")
        expect(c, "DISCARD", is: "+OK\r\n")
        XCTAssertEqual(fileSize(aofPath(dir)), before, "a read-only or discarded transaction writes nothing")
    }

    func testATransactionInTheFileIsReplayedOnRestart() throws {
        let dir = tempDir()
        var s = try startOnDir(dir, aof)
        var c = try connect(s)
        expect(c, "MULTI", is: "+OK\r\n")
        expect(c, "RPUSH", "l", "a", "b", is: "+QUEUED\r\n")
        expect(c, "INCRBY", "n", "7", is: "+QUEUED\r\n")
        expect(c, "EXEC", is: "*2\r\n:2\r\n:7\r\n")
        XCTAssertEqual(s.stop(), 0)
        s = try startOnDir(dir, aof)
        c = try connect(s)
        expect(c, "LRANGE", "l", "0", "-1", is: "*2\r\n$1\r\na\r\n$1\r\nb\r\n")
        expect(c, "GET", "n", is: "$1\r\n7\r\n")
        // The loader's fake client left MULTI behind it: new writes are plain.
        expect(c, "SET", "after", "1", is: "+OK\r\n")
        expect(c, "GET", "after", is: "$1\r\n1\r\n")
    }

    /// A file whose last transaction has no EXEC (the server died while writing it): Redis
    /// reverts the whole transaction, logging so, and truncates the file before its MULTI.
    func testATransactionWithoutExecAtTheEndIsReverted() throws {
        let dir = tempDir()
        let complete = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\nkept\r\n$1\r\n1\r\n"
        let open = "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1\r\n1\r\n"
        for (name, tail) in [("whole commands", open), ("cut inside a command", open + "*3\r\n$3\r\nSET\r\n$2\r\nxy")] {
            try Data((complete + tail).utf8).write(to: URL(fileURLWithPath: aofPath(dir)))
            let s = try startOnDir(dir, aof)
            let c = try connect(s)
            expect(c, "GET", "kept", is: "$1\r\n1\r\n")
            expect(c, "EXISTS", "lost", is: ":0\r\n")
            XCTAssertEqual(fileSize(aofPath(dir)), complete.utf8.count, name)
            if tail == open { XCTAssertTrue(s.log.contains("Revert incomplete MULTI/EXEC transaction in AOF file"), s.log) }
            XCTAssertTrue(s.log.contains("AOF loaded anyway because aof-load-truncated is enabled"), s.log)
            // What is written now follows the whole commands, outside any transaction.
            expect(c, "SET", "new", "1", is: "+OK\r\n")
            XCTAssertEqual(s.stop(), 0)
            let again = try startOnDir(dir, aof)
            let d = try connect(again)
            expect(d, "MGET", "kept", "lost", "new", is: "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n1\r\n")
            XCTAssertEqual(again.stop(), 0)
            try? FileManager.default.removeItem(atPath: aofPath(dir))
        }
    }

    func testAnOpenTransactionRefusesToStartWithoutAofLoadTruncated() throws {
        let dir = tempDir()
        try Data("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n".utf8).write(to: URL(fileURLWithPath: aofPath(dir)))
        let (status, log) = try runServerExpectingExit(dir, aof + ["--aof-load-truncated", "no"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(log.contains("Unexpected end of file reading the append only file"), log)
    }
}
