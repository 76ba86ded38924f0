// Protected mode's decision at accept time, as a unit: the tests' servers listen on 127.0.0.1
// only, so a peer from another machine cannot be made end to end here.
//
// Redis: clientAcceptHandler (src/networking.c)

import XCTest
@testable import RedisRESP
import RedisCore

final class ProtectedModeTests: XCTestCase {
    func refuses(_ ip: String, on: Bool = true, bind: Bool = false, password: Bool = false) -> Bool {
        Networking.protectedModeRefuses(protectedMode: on, bindGiven: bind, passwordSet: password, peerIP: ip)
    }

    func testAStrangerIsRefusedOnlyWhenNothingElseProtectsTheServer() {
        XCTAssertTrue(refuses("10.1.2.3"))
        XCTAssertTrue(refuses("2001:db8::7"))
        XCTAssertFalse(refuses("10.1.2.3", on: false), "protected-mode no")
        XCTAssertFalse(refuses("10.1.2.3", bind: true), "a bind address was chosen")
        XCTAssertFalse(refuses("10.1.2.3", password: true), "requirepass is set")
    }

    func testLoopbackIsAlwaysWelcome() {
        XCTAssertFalse(refuses("127.0.0.1"))
        XCTAssertFalse(refuses("::1"))
    }

    func testTheDenialIsRedisesErrorLineAndNamesTheWaysOut() {
        let text = Networking.protectedModeDenial
        XCTAssertTrue(text.hasPrefix("-DENIED Redis is running in protected mode because protected mode is enabled, no bind address was specified, no authentication password is requested to clients."))
        XCTAssertTrue(text.contains("'CONFIG SET protected-mode no'"))
        XCTAssertTrue(text.contains("'--protected-mode no'"))
        XCTAssertTrue(text.hasSuffix("from the outside.\r\n"))
        XCTAssertEqual(text.utf8.filter { $0 == 13 || $0 == 10 }.count, 2, "one RESP error line, ended by its CRLF")
        XCTAssertEqual(text.utf8.count, 1101, "Redis 6.2's text, byte for byte in length")
    }

    func testBindOnTheCommandLineCountsAsGiven() throws {
        let config = Config()
        XCTAssertFalse(config.bindGiven)
        try config.load(arguments: ["--bind", "127.0.0.1"])
        XCTAssertTrue(config.bindGiven)
    }
}
