// Loading the AOF at start-up: replay every command through a fake client.
//
// The file is read as the stream of multibulk commands it is, strictly: every command must start
// with `*`, every argument with `$`. After each whole command we remember the offset
// (`validUpTo`). When the file ends in the middle of a command (the server died during a write,
// or the disk filled up), what happens depends on `aof-load-truncated`:
//
//     yes (default): log it, truncate the file to validUpTo, start with what was complete;
//     no:            refuse to start, and say how to repair the file with check-aof --fix.
//
// Anything else that is not a command (garbage in the middle) refuses to start, naming the
// offset: the file is damaged, and only a person should decide what to throw away.
//
// Redis: loadAppendOnlyFile (src/aof.c), startLoading, stopLoading (src/rdb.c)
// SIMPLIFICATION: a file that starts with an RDB preamble (`REDIS…`) cannot be loaded until the
// RDB chapter. (Redis 7's multi-part `appendonlydir` is read file by file: MultiPartAOF.swift.)

import RedisCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the AOF could not be loaded; the server logs the message and exits with status 1.
public struct AOFLoadError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Progress for INFO's loading_* fields. Redis: server.loading_*
public struct LoadingProgress {
    public var startSec: Int64 = Int64(time(nil))
    public var totalBytes: Int64 = 0
    public var loadedBytes: Int64 = 0
    public init() {}
}

/// Replays an AOF. Redis: loadAppendOnlyFile (src/aof.c)
public final class AOFLoader {
    let path: String
    let fd: Int32
    var buf: [UInt8] = []
    var pos = 0
    /// File offset of buf[0].
    var base: Int64 = 0
    var eof = false
    public private(set) var progress = LoadingProgress()

    /// Opens `path` for loading.
    public init(path: String) throws {
        self.path = path
        fd = systemOpen(path, O_RDONLY | O_CLOEXEC, 0)
        if fd < 0 {
            throw AOFLoadError("Fatal error: can't open the append log file for reading: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        if fstat(fd, &st) == 0 { progress.totalBytes = Int64(st.st_size) }
    }

    deinit { close(fd) }

    /// The offset of the next unread byte.
    var offset: Int64 { base + Int64(pos) }

    /// Makes at least `n` bytes available from `pos`; false at end of file.
    func ensure(_ n: Int) -> Bool {
        while buf.count - pos < n {
            if eof { return false }
            if pos > 0 {
                buf.removeFirst(pos)
                base += Int64(pos)
                pos = 0
            }
            var chunk = [UInt8](repeating: 0, count: max(64 * 1024, n))
            let r = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if r < 0 { if errno == EINTR { continue }; eof = true; return false }
            if r == 0 { eof = true; return false }
            buf.append(contentsOf: chunk[0..<r])
        }
        return true
    }

    /// One line up to `\n`, without its `\r\n`; nil at end of file (or a line longer than 64 KB).
    func readLine() -> [UInt8]? {
        var scanned = 0  // bytes after pos already known not to be \n
        while true {
            if let nl = buf[(pos + scanned)...].firstIndex(of: 10) {
                var end = nl
                if end > pos && buf[end - 1] == 13 { end -= 1 }
                let line = Array(buf[pos..<end])
                pos = nl + 1
                return line
            }
            scanned = buf.count - pos
            if scanned > 64 * 1024 || !ensure(scanned + 1) { return nil }
        }
    }

    enum Next { case command([ByteString]), end, truncated, badFormat }

    /// The next command. Redis: the body of the while(1) loop in loadAppendOnlyFile
    func next() -> Next {
        guard ensure(1) else { return .end }
        guard var header = readLine() else { return .truncated }
        // Redis 7 may annotate its files (`#TS:1700000000`); annotations are not commands.
        while header.first == UInt8(ascii: "#") {
            guard ensure(1) else { return .end }
            guard let h = readLine() else { return .truncated }
            header = h
        }
        guard header.first == UInt8(ascii: "*") else { return .badFormat }
        guard let argc = Int(String(decoding: header.dropFirst(), as: UTF8.self)), argc >= 1 else {
            return header.count == 1 ? .truncated : .badFormat
        }
        var argv: [ByteString] = []
        argv.reserveCapacity(min(argc, 1024))
        for _ in 0..<argc {
            guard let lenLine = readLine() else { return .truncated }
            guard lenLine.first == UInt8(ascii: "$"),
                  let len = Int(String(decoding: lenLine.dropFirst(), as: UTF8.self)), len >= 0 else { return .badFormat }
            guard ensure(len + 2) else { return .truncated }
            argv.append(buf.withUnsafeBytes { ByteString($0.baseAddress! + pos, count: len) })
            pos += len + 2
        }
        progress.loadedBytes = offset
        return .command(argv)
    }

    // snippet.loadAppendOnlyFile
    /// Replays every command with `execute`, which returns false for an unknown command.
    /// Returns the number of commands. Redis: loadAppendOnlyFile (src/aof.c)
    /// `whileBlocked` runs every 1024 commands, so that the server can answer `-LOADING` meanwhile.
    public func load(truncatedOK: Bool, logger: Logger, tracer: Tracer,
                     whileBlocked: (LoadingProgress) -> Void = { _ in },
                     execute: ([ByteString]) -> Bool) throws -> Int {
        if progress.totalBytes == 0 { return 0 }  // an empty AOF is a valid AOF
        if ensure(5) && Array(buf[0..<5]) == Array("REDIS".utf8) {
            throw AOFLoadError("Bad file format reading the append only file: the file starts with an RDB preamble, which SwiftRedis cannot load yet")
        }
        var validUpTo: Int64 = 0
        // Where the file was whole before an open MULTI: a transaction the file does not finish
        // is cut off entirely, so that none of it is applied. Redis: valid_before_multi
        var validBeforeMulti: Int64? = nil
        var commands = 0
        loop: while true {
            switch next() {
            case .command(let argv):
                if argv.count == 1 && argv[0].equalsIgnoringCase("multi") {
                    validBeforeMulti = validUpTo
                } else if argv.count == 1 && argv[0].equalsIgnoringCase("exec") {
                    validBeforeMulti = nil
                }
                if !execute(argv) {
                    throw AOFLoadError("Unknown command '\(argv[0].stringValue)' reading the append only file")
                }
                commands += 1
                // Every 1024 commands, let the event loop run once. Redis: the `loops++ % 1024`
                // test in loadAppendOnlyFile, then processEventsWhileBlocked
                if commands % 1024 == 0 { whileBlocked(progress) }
                validUpTo = offset
                if tracer.on(.aof) && commands <= 1000 {
                    tracer.emit(.aof, .event, "load #\(commands) " + argv.map { "\($0)" }.joined(separator: " ") + " → offset \(validUpTo)",
                                fn: "loadAppendOnlyFile")
                }
            case .end:
                guard let before = validBeforeMulti else { break loop }
                // Every command is whole, but the last transaction has no EXEC: treat it like a
                // short read. Redis: the CLIENT_MULTI test after the loop in loadAppendOnlyFile
                logger.log(.warning, "Revert incomplete MULTI/EXEC transaction in AOF file")
                validUpTo = before
                fallthrough
            case .truncated:
                // SIMPLIFICATION of a Redis 6.2 quirk: cut inside a transaction, Redis truncates
                // after the last whole command, leaving a MULTI open at the end of the file, and
                // the writes it appends later are queued inside that MULTI on the next start, and
                // then reverted with it. We cut before the MULTI, so later writes stay outside.
                if let before = validBeforeMulti { validUpTo = before }
                if truncatedOK {
                    logger.log(.warning, "!!! Warning: short read while loading the AOF file \(path)!!!")
                    logger.log(.warning, "!!! Truncating the AOF at offset \(validUpTo) !!!")
                    if truncate(path, off_t(validUpTo)) == -1 {
                        throw AOFLoadError("Error truncating the AOF file: \(String(cString: strerror(errno)))")
                    }
                    if tracer.on(.aof) { tracer.emit(.aof, .file, "truncate \(path) to \(validUpTo)B", fn: "loadAppendOnlyFile") }
                    logger.log(.warning, "AOF loaded anyway because aof-load-truncated is enabled")
                    break loop
                }
                throw AOFLoadError("Unexpected end of file reading the append only file \(path). You can: 1) Make a backup of your AOF file, then use ./swift-redis check-aof --fix <filename>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.")
            case .badFormat:
                throw AOFLoadError("Bad file format reading the append only file \(path) at offset \(validUpTo): make a backup of your AOF file, then use ./swift-redis check-aof --fix <filename>")
            }
        }
        return commands
    }
    // snippet.end
}
