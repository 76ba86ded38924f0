// MOVE, COPY, SWAPDB and TOUCH end to end, over real sockets: what other clients see. A client
// that has selected a database sees SWAPDB's new contents at once; a transaction WATCHing a key
// that MOVE, COPY or SWAPDB changed fails; a client blocked on a key that MOVE, COPY or SWAPDB
// turns into a list (or sorted set) is served, and one whose key became a string stays blocked;
// and the AOF replays all of it, expiry times included, after a restart. RENAME, which creates
// keys the same way, wakes a waiter too.
//
// Redis: moveCommand, copyCommand, dbSwapDatabases, scanDatabaseForReadyLists (src/db.c),
// touchAllWatchedKeysInDb (src/multi.c)

import Foundation
import RedisCore
import TestSupport
import XCTest

final class MoveCopyTests: ServerTestCase {
    /// Waits (2 s at most) until INFO clients says `blocked_clients:n`.
    func waitBlocked(_ c: RawClient, _ n: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(waitUntil(2) { infoField(c, "clients", "blocked_clients") == "\(n)" },
                      "blocked_clients never became \(n)", file: file, line: line)
    }

    /// MULTI, PING, EXEC on `c`: true if EXEC ran (false if a watched key changed).
    func execRuns(_ c: RawClient, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        expect(c, "MULTI", is: "+OK\r\n", file: file, line: line)
        expect(c, "PING", is: "+QUEUED\r\n", file: file, line: line)
        return call(c, "EXEC", file: file, line: line) != .array(nil)
    }

    func testSwapdbIsSeenAtOnceByAClientInEitherDatabase() throws {
        let s = try startServer()
        let a = try connect(s), b = try connect(s)
        expect(a, "SET", "k", "in zero", is: "+OK\r\n")
        expect(a, "RPUSH", "l", "x", is: ":1\r\n")
        expect(a, "PEXPIRE", "l", "100000", is: ":1\r\n")
        expect(b, "SELECT", "1", is: "+OK\r\n")
        expect(b, "SET", "k", "in one", is: "+OK\r\n")
        expect(a, "SWAPDB", "0", "1", is: "+OK\r\n")
        // Neither client moved: each database number now names the other contents.
        expect(a, "GET", "k", is: "$6\r\nin one\r\n")
        expect(b, "GET", "k", is: "$7\r\nin zero\r\n")
        expect(a, "DBSIZE", is: ":1\r\n")
        expect(b, "DBSIZE", is: ":2\r\n")
        XCTAssertGreaterThan(int(b, "PTTL", "l") ?? -1, 90_000, "the TTL went with the database")
        // The keyspace line of INFO follows the contents.
        XCTAssertEqual(infoField(a, "keyspace", "db1").map { $0.hasPrefix("keys=2,expires=1") }, true)
    }

    func testSwapdbFailsTransactionsWatchingAKeyOfEitherDatabase() throws {
        let s = try startServer()
        let w = try connect(s), other = try connect(s)
        expect(other, "SELECT", "1", is: "+OK\r\n")
        expect(other, "SET", "only1", "v", is: "+OK\r\n")
        expect(other, "SELECT", "0", is: "+OK\r\n")
        expect(other, "SET", "only0", "v", is: "+OK\r\n")
        // Watched in db 0, a key that exists only in db 1: after the swap it exists here.
        expect(w, "WATCH", "only1", is: "+OK\r\n")
        expect(other, "SWAPDB", "0", "1", is: "+OK\r\n")
        XCTAssertFalse(execRuns(w), "the key appeared in the watched database")
        // Watched in db 0 (which holds only1 now), a key that exists in the database that goes away.
        expect(w, "WATCH", "only1", is: "+OK\r\n")
        expect(other, "SWAPDB", "1", "0", is: "+OK\r\n")
        XCTAssertFalse(execRuns(w), "the key left the watched database")
        // A key in neither database did not change.
        expect(w, "WATCH", "absent", is: "+OK\r\n")
        expect(other, "SWAPDB", "0", "1", is: "+OK\r\n")
        XCTAssertTrue(execRuns(w))
        // Databases other than the two are not concerned.
        expect(w, "SELECT", "5", is: "+OK\r\n")
        expect(w, "SET", "only1", "five", is: "+OK\r\n")
        expect(w, "WATCH", "only1", is: "+OK\r\n")
        expect(other, "SWAPDB", "0", "1", is: "+OK\r\n")
        XCTAssertTrue(execRuns(w))
    }

    func testSwapdbServesAClientBlockedOnAKeyThatIsNowAList() throws {
        let s = try startServer()
        let blocked = try connect(s), zblocked = try connect(s), stuck = try connect(s), other = try connect(s)
        sendOnly(blocked, "BLPOP", "q", "0")
        sendOnly(zblocked, "BZPOPMIN", "z", "0")
        sendOnly(stuck, "BLPOP", "str", "0")
        waitBlocked(other, 3)
        expect(other, "SELECT", "1", is: "+OK\r\n")
        expect(other, "RPUSH", "q", "from db1", is: ":1\r\n")
        expect(other, "ZADD", "z", "2", "m", is: ":1\r\n")
        expect(other, "SET", "str", "not a list", is: "+OK\r\n")
        expect(other, "SWAPDB", "1", "0", is: "+OK\r\n")
        XCTAssertEqual(nextReply(blocked), "*2\r\n$1\r\nq\r\n$8\r\nfrom db1\r\n")
        XCTAssertEqual(nextReply(zblocked), "*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n2\r\n")
        // The one waiting on a key that is now a string keeps waiting, as in Redis.
        waitBlocked(other, 1)
        XCTAssertTrue(staysOpenAndSilent(stuck, ms: 100))
        // The pops happened in db 0, where the clients were blocked.
        expect(other, "SELECT", "0", is: "+OK\r\n")
        expect(other, "EXISTS", "q", "z", "str", is: ":1\r\n")
    }

    func testMoveAndCopyServeBlockedClientsAndTouchWatchedKeys() throws {
        let s = try startServer()
        let blocked = try connect(s), w = try connect(s), other = try connect(s)
        expect(blocked, "SELECT", "2", is: "+OK\r\n")
        sendOnly(blocked, "BLPOP", "jobs", "0")
        waitBlocked(other, 1)
        expect(other, "RPUSH", "jobs", "j1", "j2", is: ":2\r\n")
        expect(other, "MOVE", "jobs", "2", is: ":1\r\n")
        XCTAssertEqual(nextReply(blocked), "*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n")
        sendOnly(blocked, "BLPOP", "copied", "0")
        waitBlocked(other, 1)
        expect(other, "RPUSH", "src", "c1", is: ":1\r\n")
        expect(other, "COPY", "src", "copied", "DB", "2", is: ":1\r\n")
        XCTAssertEqual(nextReply(blocked), "*2\r\n$6\r\ncopied\r\n$2\r\nc1\r\n")
        // The pop took the copy's element, not the original's.
        expect(other, "LRANGE", "src", "0", "-1", is: "*1\r\n$2\r\nc1\r\n")

        // WATCH sees MOVE on both sides and COPY on its destination.
        expect(w, "SET", "m", "1", is: "+OK\r\n")
        expect(w, "WATCH", "m", is: "+OK\r\n")
        expect(other, "MOVE", "m", "3", is: ":1\r\n")
        XCTAssertFalse(execRuns(w), "the watched key moved away")
        expect(w, "SELECT", "3", is: "+OK\r\n")
        expect(w, "WATCH", "arrives", is: "+OK\r\n")
        expect(other, "SET", "arrives", "x", is: "+OK\r\n")
        expect(other, "MOVE", "arrives", "3", is: ":1\r\n")
        XCTAssertFalse(execRuns(w), "a key moved onto the watched name")
        expect(w, "WATCH", "dst", is: "+OK\r\n")
        expect(other, "COPY", "src", "dst", "DB", "3", is: ":1\r\n")
        XCTAssertFalse(execRuns(w), "COPY wrote the watched key")
        // A COPY *from* a watched key does not change it.
        expect(w, "WATCH", "dst", is: "+OK\r\n")
        expect(w, "COPY", "dst", "dst2", is: ":1\r\n")
        XCTAssertTrue(execRuns(w))
    }

    /// RENAME creates its new key through the same addKey (Redis: dbAdd), so it wakes a waiter too.
    func testRenameOntoAWaitedKeyServesTheWaiter() throws {
        let s = try startServer()
        let blocked = try connect(s), other = try connect(s)
        sendOnly(blocked, "BZPOPMAX", "ranked", "0")
        waitBlocked(other, 1)
        expect(other, "ZADD", "draft", "1", "a", "5", "b", is: ":2\r\n")
        expect(other, "RENAME", "draft", "ranked", is: "+OK\r\n")
        XCTAssertEqual(nextReply(blocked), "*3\r\n$6\r\nranked\r\n$1\r\nb\r\n$1\r\n5\r\n")
        expect(other, "ZRANGE", "ranked", "0", "-1", is: "*1\r\n$1\r\na\r\n")
    }

    func testTouchCountsLikeExistsAndChangesNothing() throws {
        let s = try startServer()
        let c = try connect(s), w = try connect(s)
        expect(c, "MSET", "a", "1", "b", "2", is: "+OK\r\n")
        expect(w, "WATCH", "a", is: "+OK\r\n")
        expect(c, "TOUCH", "a", "b", "a", "nosuch", is: ":3\r\n")
        expect(c, "TOUCH", "nosuch", is: ":0\r\n")
        expect(c, "TOUCH", is: "-ERR wrong number of arguments for 'touch' command\r\n")
        XCTAssertTrue(execRuns(w), "TOUCH is a read")
    }

    func testMoveCopyAndSwapdbReachTheAOFAndReplayWithTheirExpiryTimes() throws {
        let dir = tempDir()
        let args = ["--appendonly", "yes", "--appendfsync", "always"]
        var s = try startOnDir(dir, args)
        var c = try connect(s)
        expect(c, "SET", "mv", "moved", "PX", "600000", is: "+OK\r\n")
        expect(c, "MOVE", "mv", "1", is: ":1\r\n")
        expect(c, "HSET", "h", "f", "v", is: ":1\r\n")
        expect(c, "EXPIRE", "h", "900", is: ":1\r\n")
        expect(c, "COPY", "h", "hc", "DB", "2", is: ":1\r\n")
        expect(c, "HSET", "h", "f", "changed", is: ":0\r\n")
        expect(c, "SELECT", "3", is: "+OK\r\n")
        expect(c, "SADD", "s3", "a", is: ":1\r\n")
        expect(c, "SWAPDB", "3", "4", is: "+OK\r\n")
        expect(c, "TOUCH", "s3", is: ":0\r\n")
        let file = aofBytes(dir)
        for word in ["MOVE", "COPY", "SWAPDB"] {
            XCTAssertTrue(contains(file, "\r\n$\(word.count)\r\n\(word)\r\n"), "\(word) is in the AOF")
        }
        XCTAssertFalse(contains(file, "TOUCH"), "a read is not written")
        expect(c, "SELECT", "1", is: "+OK\r\n")
        let before = int(c, "PTTL", "mv") ?? 0

        _ = s.stop()
        s = try startOnDir(dir, args)
        c = try connect(s)
        expect(c, "EXISTS", "mv", is: ":0\r\n")
        expect(c, "HGET", "h", "f", is: "$7\r\nchanged\r\n")
        expect(c, "SELECT", "1", is: "+OK\r\n")
        expect(c, "GET", "mv", is: "$5\r\nmoved\r\n")
        // The same absolute expiry time: at most the time the restart took is gone.
        let after = int(c, "PTTL", "mv") ?? -1
        XCTAssertGreaterThan(after, 500_000)
        XCTAssertLessThanOrEqual(after, before)
        expect(c, "SELECT", "2", is: "+OK\r\n")
        expect(c, "HGET", "hc", "f", is: "$1\r\nv\r\n")
        XCTAssertGreaterThan(int(c, "TTL", "hc") ?? -1, 800)
        expect(c, "SELECT", "3", is: "+OK\r\n")
        expect(c, "EXISTS", "s3", is: ":0\r\n")
        expect(c, "SELECT", "4", is: "+OK\r\n")
        expect(c, "SMEMBERS", "s3", is: "*1\r\n$1\r\na\r\n")
    }
}
