// RESET side by side with a real redis-server, byte for byte: a connection in a transaction, in a
// database other than 0, with a name, in RESP3, and one subscribed to channels, each comes back as
// a new one (database 0, RESP2, no name, no MULTI, no subscriptions), and says +RESET.
//
// Redis: resetCommand, clearClientConnectionState (src/networking.c)

import Foundation
import TestSupport
import XCTest

final class ResetSideBySideTests: InteropTestCase {
    func testResetGivesANewConnectionAsRealRedis() throws {
        let realPort = try startRealRedis()
        let ours = try startServer()
        let a = try RawClient(port: ours.port), b = try RawClient(port: realPort)
        try assertSameReplies([
            ["SET", "k0", "in db 0"], ["SELECT", "3"], ["SET", "k3", "in db 3"], ["CLIENT", "SETNAME", "before"],
            ["WATCH", "k3"], ["MULTI"], ["SET", "queued", "x"], ["RESET"],
            ["GET", "k0"], ["GET", "k3"], ["CLIENT", "GETNAME"], ["EXEC"], ["EXISTS", "queued"], ["RESET", "extra"],
        ], ours: a, redis: b)
        // HELLO's map names each server's version and the connection's id: sent to both, not compared.
        _ = try a.callRaw("HELLO", "3", "SETNAME", "resp3")
        _ = try b.callRaw("HELLO", "3", "SETNAME", "resp3")
        try assertSameReplies([["GET", "nosuch"], ["RESET"], ["GET", "nosuch"], ["CLIENT", "GETNAME"]], ours: a, redis: b)
        // Subscribed (RESP2): RESET is one of the few commands allowed, and ends the subscription
        // without an unsubscribe message.
        try assertSameReplies([["SUBSCRIBE", "ch"]], ours: a, redis: b)
        // (7.0 words this refusal "(P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE"; 6.2's is ours.)
        XCTAssertEqual(String(decoding: try a.callRaw("GET", "k0"), as: UTF8.self),
                       "-ERR Can't execute 'get': only (P)SUBSCRIBE / (P)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        _ = try b.callRaw("GET", "k0")
        try assertSameReplies([["RESET"], ["GET", "k0"], ["PUBSUB", "NUMSUB", "ch"]], ours: a, redis: b)
    }
}
