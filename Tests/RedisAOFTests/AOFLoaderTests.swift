// AOFLoader on files written by hand: a valid file, an empty one, each way a file can be cut
// short (inside a bulk, inside a `$` header, right after `*`) with aof-load-truncated yes and no,
// garbage in the middle, an unknown command, and an RDB preamble.

import Foundation
import RedisAOF
import RedisCore
import TestSupport
import XCTest

final class AOFLoaderTests: XCTestCase {
    var dir = ""
    var logger = Logger()
    let tracer = Tracer()

    override func setUp() {
        super.setUp()
        dir = makeTempDir("swiftredis-aofload")
        logger = Logger()
        try? logger.setFile(dir + "/log.txt")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
        super.tearDown()
    }

    var log: String { (try? String(contentsOfFile: dir + "/log.txt", encoding: .utf8)) ?? "" }

    /// Writes `bytes` to a fixture file and returns its path.
    func fixture(_ bytes: [UInt8], _ name: String = "appendonly.aof") -> String {
        let path = dir + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Loads `path`; returns the commands executed (as strings) and the count or the error.
    func load(_ path: String, truncatedOK: Bool, accept: Bool = true) -> (commands: [[String]], result: Result<Int, Error>) {
        var seen: [[String]] = []
        let result = Result<Int, Error> {
            let loader = try AOFLoader(path: path)
            return try loader.load(truncatedOK: truncatedOK, logger: logger, tracer: tracer) { argv in
                seen.append(argv.map(\.stringValue))
                return accept
            }
        }
        return (seen, result)
    }

    let select0 = Array("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n".utf8)
    let setkv = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8)
    let incr = Array("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n".utf8)
    var valid: [UInt8] { select0 + setkv + incr }

    func testValidFileReplaysEveryCommandInOrder() throws {
        let (commands, result) = load(fixture(valid + AOFEncoding.encode(["SET", "bin", ByteString([0, 13, 10])])), truncatedOK: false)
        XCTAssertEqual(try result.get(), 4)
        XCTAssertEqual(commands, [["SELECT", "0"], ["SET", "k", "v"], ["INCR", "n"], ["SET", "bin", "\0\r\n"]])
    }

    func testLargeFileAcrossReadChunks() throws {
        // More than one 64 KB read, with a bulk straddling the chunk boundary.
        var bytes: [UInt8] = []
        let value = ByteString(String(repeating: "v", count: 1000))
        for i in 0..<200 { AOFEncoding.append(["SET", ByteString("key:\(i)"), value], to: &bytes) }
        let (commands, result) = load(fixture(bytes), truncatedOK: false)
        XCTAssertEqual(try result.get(), 200)
        XCTAssertEqual(commands.last, ["SET", "key:199", String(repeating: "v", count: 1000)])
    }

    func testEmptyFileLoadsNothing() throws {
        let (commands, result) = load(fixture([]), truncatedOK: false)
        XCTAssertEqual(try result.get(), 0)
        XCTAssertTrue(commands.isEmpty)
    }

    func testMissingFileThrows() {
        XCTAssertThrowsError(try AOFLoader(path: dir + "/nope.aof")) { error in
            XCTAssertTrue("\(error)".contains("can't open the append log file"), "\(error)")
        }
    }

    /// The three places a crash can cut the last command.
    var truncations: [(String, [UInt8])] {
        [("inside a bulk", Array("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$5\r\nab".utf8)),
         ("inside a bulk's CRLF", Array("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2\r\nab\r".utf8)),
         ("inside a $ header", Array("*3\r\n$3\r\nSET\r\n$1".utf8)),
         ("right after a $", Array("*3\r\n$3\r\nSET\r\n$".utf8)),
         ("after a whole header line", Array("*3\r\n$3\r\nSET\r\n".utf8)),
         ("right after *", Array("*".utf8)),
         ("inside the * header", Array("*3".utf8))]
    }

    func testTruncatedWithTruncatedOKTruncatesTheFileAndLoadsWhatWasWhole() throws {
        for (what, tail) in truncations {
            let path = fixture(valid + tail, "t.aof")
            let (commands, result) = load(path, truncatedOK: true)
            XCTAssertEqual(try result.get(), 3, what)
            XCTAssertEqual(commands, [["SELECT", "0"], ["SET", "k", "v"], ["INCR", "n"]], what)
            XCTAssertEqual(size(path), valid.count, "\(what): the file is cut back to the last whole command")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(valid), what)
        }
        XCTAssertTrue(log.contains("!!! Warning: short read while loading the AOF file"), log)
        XCTAssertTrue(log.contains("!!! Truncating the AOF at offset \(valid.count) !!!"), log)
        XCTAssertTrue(log.contains("AOF loaded anyway because aof-load-truncated is enabled"), log)
    }

    func testTruncatedFirstCommandLeavesAnEmptyFile() throws {
        let path = fixture(Array("*3\r\n$3\r\nSE".utf8), "t.aof")
        let (commands, result) = load(path, truncatedOK: true)
        XCTAssertEqual(try result.get(), 0)
        XCTAssertTrue(commands.isEmpty)
        XCTAssertEqual(size(path), 0)
    }

    func testTruncatedWithoutTruncatedOKThrowsAndLeavesTheFile() {
        for (what, tail) in truncations {
            let path = fixture(valid + tail, "t.aof")
            let (_, result) = load(path, truncatedOK: false)
            XCTAssertThrowsError(try result.get(), what) { error in
                XCTAssertTrue("\(error)".contains("Unexpected end of file reading the append only file"), "\(what): \(error)")
                XCTAssertTrue("\(error)".contains("check-aof --fix"), "\(what): \(error)")
            }
            XCTAssertEqual(size(path), valid.count + tail.count, "\(what): the file is left alone")
        }
    }

    func testGarbageInTheMiddleNamesTheOffset() {
        let cases: [(String, [UInt8])] = [
            ("a line that is not a command", Array("garbage\r\n".utf8)),
            ("an argument without $", Array("*2\r\n$3\r\nDEL\r\nkey\r\n".utf8)),
            ("a count that is not a number", Array("*x\r\n".utf8)),
            ("a length that is not a number", Array("*2\r\n$3\r\nDEL\r\n$y\r\n".utf8)),
        ]
        for (what, garbage) in cases {
            for truncatedOK in [true, false] {
                let path = fixture(valid + garbage + setkv, "g.aof")
                let (commands, result) = load(path, truncatedOK: truncatedOK)
                XCTAssertThrowsError(try result.get(), what) { error in
                    XCTAssertTrue("\(error)".contains("Bad file format reading the append only file"), "\(what): \(error)")
                    XCTAssertTrue("\(error)".contains("at offset \(valid.count)"), "\(what): \(error)")
                }
                XCTAssertEqual(commands.count, 3, what)
                XCTAssertEqual(size(path), valid.count + garbage.count + setkv.count, "\(what): never truncated")
            }
        }
    }

    func testUnknownCommandThrows() {
        let (commands, result) = load(fixture(valid), truncatedOK: true, accept: false)
        XCTAssertThrowsError(try result.get()) { error in
            XCTAssertTrue("\(error)".contains("Unknown command 'SELECT' reading the append only file"), "\(error)")
        }
        XCTAssertEqual(commands.count, 1, "loading stops at the first unknown command")
    }

    func testRDBPreambleIsRefused() {
        let (commands, result) = load(fixture(Array("REDIS0009\u{fa}\tredis-ver".utf8)), truncatedOK: true)
        XCTAssertThrowsError(try result.get()) { error in
            XCTAssertTrue("\(error)".contains("RDB preamble"), "\(error)")
        }
        XCTAssertTrue(commands.isEmpty)
    }
}
