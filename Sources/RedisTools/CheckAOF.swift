// `swift-redis check-aof [--fix [--yes]] FILE`: is this append-only file a clean sequence of
// commands, and if not, where does the good part end? With --fix, cut the file there.
//
// An AOF is nothing but commands in RESP, one after the other (Chapters/04-aof.md):
//
//     *2\r\n $6\r\n SELECT\r\n $1\r\n 0\r\n  *3\r\n $3\r\n SET\r\n $1\r\n a\r\n $1\r\n 1\r\n  *3\r\n $3\r\n SE|
//     ^ command 1 (SELECT 0)                 ^ command 2 (SET a 1)                            ^ command 3, cut|
//     0                                      23                                               50             60
//
// The checker reads command after command and remembers where the last whole one ended
// (`ok_up_to`). The first thing that is not a command (a cut in the middle, a missing \r\n,
// garbage) stops it: it prints the error with the byte offset where it was found, then a summary:
//
//     0x              3a: Expected to read 5 bytes, got 2 bytes        ("SET\r\n" at 58: 2 bytes left)
//     AOF analyzed: size=60, ok_up_to=50, ok_up_to_line=15, diff=10
//
// and the file is valid only if nothing is left over (diff=0). A MULTI moves ok_up_to only at
// its EXEC: a transaction is kept whole or not at all, so a file that ends inside one is cut
// back to its MULTI ("Reached EOF before reading EXEC for MULTI"). `--fix` truncates the file to
// ok_up_to, which is exactly what the server does on its own at start-up with
// `aof-load-truncated yes` when only the tail is damaged (AOFLoader.swift).
//
// Redis: src/redis-check-aof.c — consumeNewline, readLong, readBytes, readString, readArgc,
// process, redis_check_aof_main (the `main` of the redis-check-aof binary). The messages and the
// output format are Redis 6.2's, byte for byte where the C code is deterministic.
//
// What differs from Redis 6.2, and why:
//  - The question before truncating. Like Redis we ask "Continue? [y/N]: " and read the answer
//    from stdin, so `--fix` with no input (or `n`) aborts and `echo y | … --fix` truncates; we
//    read the whole answer line, so "yes" does not leave "es" for the shell. `--yes` (ours)
//    skips the question: `Continue? [y/N]: y (--yes)`.
//  - After ftruncate we fsync, so "Successfully truncated AOF" means the new length is on disk.
//    Redis only ftruncates (and fclose does not fsync).
//  - The file is opened read-only unless --fix: checking a file needs no write permission.
//    Redis opens it "r+" even to check it.
//  - SIMPLIFICATION: an AOF that starts with an RDB preamble ("REDIS", written by a rewrite with
//    aof-use-rdb-preamble yes) is refused. Redis 6.2 checks the RDB part with redis-check-rdb
//    (redis_check_rdb_main on the same FILE*), then the AOF tail from where the RDB ended; we
//    cannot find where the RDB part ends without parsing RDB, which comes in chapter 6.
//  - Redis reads through stdio (`FILE *`, fgets, fread); `AOFFileReader` below gives the same
//    three things: the offset (ftello), a line of at most 127 bytes (fgets into char[128]), and
//    the end-of-file flag (feof), without ever holding a whole bulk in memory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The result

/// What one pass over an AOF found. Redis: the locals of process and redis_check_aof_main
/// (src/redis-check-aof.c)
public struct AOFCheckReport: Equatable, Sendable {
    /// The size of the file in bytes.
    public var size: Int64
    /// The offset just after the last whole command (whole transaction, inside MULTI … EXEC).
    public var okUpTo: Int64
    /// Redis's `ok_up_to_line`: despite the name, the 1-based line where reading *stopped*, not
    /// the line of `okUpTo`: one more than the \r\n that ended a `*` or `$` line or a bulk (a
    /// \r\n inside a value is data and does not count). Added in the 6.2 series
    /// (redis/redis#8823); Redis 7 prints it the same way.
    public var okUpToLine: Int64
    /// The first error, formatted as Redis prints it (`0x              28: Expected …`); nil when
    /// reading stopped at a clean end of file or at a cut just before a `$` header.
    public var error: String?

    /// Bytes after `okUpTo`: what --fix would cut.
    public var diff: Int64 { size - okUpTo }
    /// True when the whole file is whole commands.
    public var isValid: Bool { diff <= 0 }

    /// The summary line. Redis 6.2: printf("AOF analyzed: size=%lld, ok_up_to=%lld, ok_up_to_line=%lld, diff=%lld\n", …)
    public var summary: String {
        "AOF analyzed: size=\(size), ok_up_to=\(okUpTo), ok_up_to_line=\(okUpToLine), diff=\(diff)"
    }
}

/// Checks AOF files the way redis-check-aof does.
public enum CheckAOF {
    /// Reads the AOF at `path` (read-only) and reports where its whole commands end.
    /// Throws a one-line `ToolError` when the file cannot be opened or read.
    /// Does not look for an RDB preamble: a file that starts with `REDIS` simply fails at byte 0.
    /// Redis: process (src/redis-check-aof.c)
    public static func analyze(path: String) throws -> AOFCheckReport {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ToolError("Cannot open file: \(path)") }
        defer { close(fd) }
        guard let size = fileSize(fd) else { throw ToolError("Cannot stat file: \(path)") }
        return analyze(fd: fd, size: size)
    }

    /// Checks the open file `fd` of `size` bytes from its current offset (0).
    static func analyze(fd: Int32, size: Int64) -> AOFCheckReport {
        var checker = AOFChecker(reader: AOFFileReader(fd: fd))
        let okUpTo = checker.process()
        return AOFCheckReport(size: size, okUpTo: okUpTo, okUpToLine: checker.line, error: checker.error)
    }

    /// The size of the open file `fd`, or nil when fstat fails.
    static func fileSize(_ fd: Int32) -> Int64? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }
}

// MARK: - Reading like stdio

/// A buffered reader over a file descriptor with what redis-check-aof.c uses of `FILE *`:
/// the offset (`ftello`), `fgets`, `fread`, and the end-of-file flag (`feof`).
struct AOFFileReader {
    let fd: Int32
    /// Where the next byte comes from in the file. Redis: ftello(fp)
    private(set) var position: Int64 = 0
    /// Set once a read found the end of the file, as stdio's flag is. Redis: feof(fp)
    private(set) var eof = false
    /// The errno of a failed read(2), if one failed (stdio's ferror); reading then stops.
    private(set) var readErrno: Int32?
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var start = 0
    private var end = 0

    init(fd: Int32) { self.fd = fd }

    /// Refills the buffer when it is empty; false at the end of the file or on an error.
    private mutating func fill() -> Bool {
        if start < end { return true }
        if eof || readErrno != nil { return false }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n > 0 { start = 0; end = n; return true }
            if n == 0 { eof = true; return false }
            if errno == EINTR { continue }
            readErrno = errno
            return false
        }
    }

    /// Up to `max` bytes, through the first `\n`; nil when not even one byte could be read.
    /// Redis: fgets(buf, max + 1, fp) (the last byte of the C buffer holds the NUL)
    mutating func readLine(max: Int) -> [UInt8]? {
        var line: [UInt8] = []
        while line.count < max, fill() {
            let byte = buffer[start]
            start += 1
            position += 1
            line.append(byte)
            if byte == UInt8(ascii: "\n") { break }
        }
        return line.isEmpty ? nil : line
    }

    /// Reads up to `count` bytes without keeping them all: returns how many were read, the
    /// first `keep` of them, and the last two. Redis: fread(target, 1, count, fp)
    mutating func readBytes(_ count: Int, keep: Int) -> (read: Int, head: [UInt8], last2: [UInt8]) {
        var got = 0
        var head: [UInt8] = []
        var last2: [UInt8] = []
        while got < count, fill() {
            let n = min(count - got, end - start)
            if head.count < keep { head += buffer[start..<(start + min(n, keep - head.count))] }
            last2 = Array((last2 + buffer[(start + max(0, n - 2))..<(start + n)]).suffix(2))
            start += n
            position += Int64(n)
            got += n
        }
        return (got, head, last2)
    }
}

// MARK: - Checking

/// One pass over an AOF: the functions of redis-check-aof.c, with its two globals (`error`,
/// `epos`) and the line counter as fields.
struct AOFChecker {
    var reader: AOFFileReader
    /// The first error, formatted. Redis: the static `error` buffer, filled by the ERROR macro.
    private(set) var error: String?
    /// Where the thing being read started. Redis: the static `epos`, set by readLong and readBytes.
    private var epos: Int64 = 0
    /// 1 + every line end consumed so far. Redis: the static `line`, counted in consumeNewline
    private(set) var line: Int64 = 1

    init(reader: AOFFileReader) { self.reader = reader }

    /// Records an error at `epos`. Redis: the ERROR macro, `"0x%16llx: %s"`.
    private mutating func fail(_ message: String) {
        let hex = String(epos, radix: 16)
        error = "0x" + String(repeating: " ", count: max(0, 16 - hex.count)) + hex + ": " + message
    }

    /// True when `b0 b1` is `\r\n`; counts the line. Redis: consumeNewline
    private mutating func consumeNewline(_ b0: UInt8, _ b1: UInt8) -> Bool {
        guard b0 == UInt8(ascii: "\r"), b1 == UInt8(ascii: "\n") else {
            fail("Expected \\r\\n, got: \(hexOfCChar(b0))\(hexOfCChar(b1))")
            return false
        }
        line += 1
        return true
    }

    /// Reads `<prefix><number>\r\n` and returns the number; nil at the end of the file (no
    /// error) or on a malformed line (error). Redis: readLong
    private mutating func readLong(prefix: UInt8) -> Int? {
        epos = reader.position
        // Redis reads the line with fgets into char[128]: at most 127 bytes, then a NUL.
        guard let bytes = reader.readLine(max: 127) else {
            if let e = reader.readErrno { fail("Read error: \(String(cString: strerror(e)))") }
            return nil
        }
        guard bytes[0] == prefix else {
            fail("Expected prefix '\(charString(prefix))', got: '\(charString(bytes[0]))'")
            return nil
        }
        // The C string as strtol and strncmp see it: the line and the NUL fgets adds.
        let cbuf = bytes + [0]
        let (value, eptr) = strtol(cbuf, from: 1)
        // A line cut at the end of the file ("*" or "$1" with no \r\n) makes consumeNewline read
        // one byte past the NUL: in C, uninitialised stack memory (whatever an earlier call left
        // there). We read 0, so Redis may print "got: 000d" where we print "got: 0000".
        let next = eptr + 1 < cbuf.count ? cbuf[eptr + 1] : 0
        return consumeNewline(cbuf[eptr], next) ? value : nil
    }

    /// Reads `length` bytes; returns the first 16 and the last two, or nil after a short read.
    /// Redis: readBytes
    private mutating func readBytes(_ length: Int) -> (head: [UInt8], last2: [UInt8])? {
        epos = reader.position
        let (real, head, last2) = reader.readBytes(length, keep: 16)
        guard real == length else {
            if let e = reader.readErrno { fail("Read error: \(String(cString: strerror(e)))"); return nil }
            fail("Expected to read \(length) bytes, got \(real) bytes")
            return nil
        }
        return (head, last2)
    }

    /// Reads `$<len>\r\n<bytes>\r\n` and returns the start of the argument as a C string (up to
    /// its first NUL, at most 16 bytes: enough to tell MULTI and EXEC from anything else).
    /// Redis: readString
    private mutating func readString() -> [UInt8]? {
        guard let len = readLong(prefix: UInt8(ascii: "$")) else { return nil }
        // Without this check a negative length is undefined behaviour in C, and Int.max + 2
        // overflows. Redis: added by redis/redis#9669 (in 7.0), same message.
        guard len >= 0, len <= Int.max - 2 else {
            fail("Expected to read string of \(len) bytes, which is not in the suitable range")
            return nil
        }
        // Read the \r\n with the bytes, as Redis does (so a short read names len + 2 bytes).
        guard let (head, last2) = readBytes(len + 2) else { return nil }
        guard consumeNewline(last2[0], last2[1]) else { return nil }
        let content = head.prefix(len)
        return Array(content.prefix { $0 != 0 })
    }

    /// Reads `*<argc>\r\n`. Redis: readArgc
    private mutating func readArgc() -> Int? {
        readLong(prefix: UInt8(ascii: "*"))
    }

    /// Reads commands until the first error or the end of the file and returns the offset just
    /// after the last whole command; inside MULTI, the offset of the MULTI until its EXEC.
    /// Redis: process
    mutating func process() -> Int64 {
        var pos: Int64 = 0
        var multi = 0
        while true {
            if multi == 0 { pos = reader.position }
            guard let argc = readArgc() else { break }
            var i = 0
            while i < argc {
                guard let name = readString() else { break }
                if i == 0 {
                    if equalsIgnoringCase(name, "multi") {
                        let wasInMulti = multi != 0     // C: if (multi++)
                        multi += 1
                        if wasInMulti { fail("Unexpected MULTI"); break }
                    } else if equalsIgnoringCase(name, "exec") {
                        multi -= 1                      // C: if (--multi)
                        if multi != 0 { fail("Unexpected EXEC"); break }
                    }
                }
                i += 1
            }
            // The command did not finish: stop.
            if i < argc { break }
        }
        // Only a clean end of file (at a command boundary, or just before a `$` header) gets
        // here without an error; inside a transaction that is still a cut.
        if reader.eof && multi != 0 && error == nil {
            fail("Reached EOF before reading EXEC for MULTI")
        }
        return pos
    }
}

// MARK: - C, as redis-check-aof.c sees it

/// `strtol(buf + start, &eptr, 10)` on a NUL-terminated buffer: leading white space, a sign,
/// digits; clamps on overflow like strtol; with no digits, the value is 0 and eptr is `start`.
func strtol(_ buf: [UInt8], from start: Int) -> (value: Int, end: Int) {
    var i = start
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0d).contains($0) }
    while i < buf.count, isSpace(buf[i]) { i += 1 }
    var negative = false
    if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") {
        negative = buf[i] == UInt8(ascii: "-")
        i += 1
    }
    let digitsStart = i
    var value = 0
    var overflow = false
    while i < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[i]) {
        let d = Int(buf[i] - UInt8(ascii: "0"))
        if !overflow {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { overflow = true } else { value = s }
        }
        i += 1
    }
    if i == digitsStart { return (0, start) }
    if overflow { value = negative ? Int.min : Int.max }
    return (value, i)
}

/// `printf("%02x", c)` for a `char c`: char is signed on x86-64 (and Apple arm64), so a byte
/// of 0x80 or more is sign-extended and prints as `ffffff80`. Redis prints it so there.
func hexOfCChar(_ byte: UInt8) -> String {
    let widened = UInt32(bitPattern: Int32(Int8(bitPattern: byte)))
    let hex = String(widened, radix: 16)
    return hex.count < 2 ? "0" + hex : hex
}

/// `printf("%c", c)`: the byte itself; one that is not ASCII shows as its Latin-1 character
/// (Redis writes the raw byte).
func charString(_ byte: UInt8) -> String {
    String(Character(Unicode.Scalar(byte)))
}

/// `strcasecmp(s, word) == 0` for an ASCII `word`.
func equalsIgnoringCase(_ s: [UInt8], _ word: String) -> Bool {
    let w = Array(word.utf8)
    guard s.count == w.count else { return false }
    for (a, b) in zip(s, w) {
        let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(a) ? a + 32 : a
        if lower != b { return false }
    }
    return true
}

// MARK: - The command

/// `swift-redis check-aof [--fix [--yes]] FILE`. Redis: redis_check_aof_main (src/redis-check-aof.c)
public enum CheckAOFCommand {
    /// The table row for main.swift.
    public static let command = ToolCommand(
        name: "check-aof", usage: "check-aof [--fix [--yes]] FILE",
        summary: "check an append-only file like redis-check-aof; --fix cuts it after the last whole command",
        run: { arguments, console in run(arguments, console: console) })

    /// Runs `check-aof` with the arguments after its name; returns the exit code (0 valid or
    /// repaired, 1 otherwise).
    /// - Parameter ask: asked before truncating: returns the answer line, nil at end of input.
    ///   Nil (the default) means: read a line from stdin if it is a terminal, else do not ask.
    /// Redis: redis_check_aof_main (src/redis-check-aof.c)
    public static func run(_ arguments: [String], console: Console,
                           ask: (() -> String?)? = nil) -> Int32 {
        // 1) Arguments. Redis takes exactly FILE or --fix FILE; we add --yes.
        var args = arguments
        let fix = takeFlag("--fix", from: &args)
        let yes = takeFlag("--yes", from: &args)
        if args.isEmpty {
            console.line("Usage: swift-redis \(command.usage)"); return 1
        }
        if let bad = args.first(where: { $0.hasPrefix("--") }) {
            console.line("Invalid argument: \(bad)"); return 1
        }
        if args.count > 1 || (yes && !fix) {
            console.line("Invalid arguments"); return 1
        }
        let path = args[0]

        // 2) Open and size the file.
        let fd = open(path, (fix ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { console.line("Cannot open file: \(path)"); return 1 }
        defer { close(fd) }
        guard let size = CheckAOF.fileSize(fd) else { console.line("Cannot stat file: \(path)"); return 1 }
        if size == 0 { console.line("Empty file: \(path)"); return 1 }

        // 3) An RDB preamble? Redis checks it with redis-check-rdb, then the AOF tail.
        if size >= 8 && startsWithRDBMagic(fd) {
            console.line("The AOF appears to start with an RDB preamble.")
            console.line("Checking the RDB preamble to start:")
            // SIMPLIFICATION: no RDB checker before chapter 6, and without one we cannot know
            // where the AOF tail starts. Redis: redis_check_rdb_main(argc, argv, fp).
            console.line("RDB preamble not supported yet: swift-redis cannot check RDB until chapter 6 (try redis-check-aof).")
            return 1
        }

        // 4) Read command after command.
        let report = CheckAOF.analyze(fd: fd, size: size)
        if let error = report.error { console.line(error) }
        console.line(report.summary)
        guard report.diff > 0 else {
            console.line("AOF is valid")
            return 0
        }
        guard fix else {
            console.line("AOF is not valid. Use the --fix option to try fixing it.")
            return 1
        }

        // 5) --fix: confirm, then cut after the last whole command.
        console.line("This will shrink the AOF from \(report.size) bytes, with \(report.diff) bytes, to \(report.okUpTo) bytes")
        var question: (() -> String?)? = ask
        if question == nil { question = readStdinLine }
        if yes { question = nil }
        if let question {
            console.write("Continue? [y/N]: ")
            // Redis: fgets(buf, 2, stdin) then strncasecmp(buf, "y", 1): only the first character counts.
            guard let answer = question(), let first = answer.first, first == "y" || first == "Y" else {
                console.line("Aborting...")
                return 1
            }
        } else {
            console.line("Continue? [y/N]: y (--yes)")
        }
        guard ftruncate(fd, off_t(report.okUpTo)) == 0 else {
            console.line("Failed to truncate AOF")
            return 1
        }
        guard fsync(fd) == 0 else {
            console.line("Failed to fsync AOF: \(String(cString: strerror(errno)))")
            return 1
        }
        console.line("Successfully truncated AOF")
        return 0
    }

    /// True when the file starts with the RDB magic `REDIS`; leaves the offset at 0.
    /// Redis: fread(sig, 5, 1, fp) … memcmp(sig, "REDIS", 5) … rewind(fp)
    static func startsWithRDBMagic(_ fd: Int32) -> Bool {
        var sig = [UInt8](repeating: 0, count: 5)
        let n = sig.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 5, 0) }
        return n == 5 && sig == Array("REDIS".utf8)
    }

    /// One line from standard input (without its `\n`), nil at the end of input.
    static func readStdinLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }
}
