// The real `redis-cli` against our server: in scripts (arguments in, replies out, stdin as the
// last argument with -x) and interactively under a pseudo-terminal, where redis-cli 7 first asks
// for `COMMAND DOCS` (which we answer in Redis 7.0's shape) to build its help and hints.

import Foundation
import TestSupport
import XCTest

final class RedisCliTests: InteropTestCase {
    func testRedisCliInScripts() throws {
        let cli = try tool("redis-cli")
        let s = try startServer()
        let p = ["-p", String(s.port)]
        func run(_ args: String..., file: StaticString = #filePath, line: UInt = #line) throws -> String {
            let (status, out) = try runProgram(cli, p + args, timeout: 20)
            XCTAssertEqual(status, 0, "redis-cli \(args.joined(separator: " ")): \(out)", file: file, line: line)
            return out
        }
        XCTAssertEqual(try run("ping"), "PONG\n")
        XCTAssertEqual(try run("set", "k", "v"), "OK\n")
        XCTAssertEqual(try run("get", "k"), "v\n")
        XCTAssertEqual(try run("incr", "n"), "1\n")
        XCTAssertEqual(try run("incr", "n"), "2\n")
        XCTAssertEqual(try run("expire", "k", "100"), "1\n")
        let ttl = Int(try run("ttl", "k").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -99
        XCTAssert((99...100).contains(ttl), "ttl: \(ttl)")
        let scan = try run("scan", "0").split(separator: "\n").map(String.init)
        XCTAssertEqual(scan.first, "0", "a small keyspace is scanned in one call: \(scan)")
        XCTAssertEqual(Set(scan.dropFirst()), ["k", "n"])
        let info = try run("info")
        XCTAssert(info.contains("redis_version:6.2."), info)
        XCTAssert(info.contains("# Keyspace"), info)
        XCTAssert(info.contains("db0:keys=2,expires=1"), info)
        // An error reply goes to the output too.
        XCTAssertEqual(try run("get").trimmingCharacters(in: .newlines), "ERR wrong number of arguments for 'get' command")
    }

    // With `--port 0` the server listens on a port it picked, and CONFIG GET port answers that
    // port (see RedisServerTests ConfigTests.testConfigGetPortIsTheRealPort).
    func testRedisCliConfigGetPort() throws {
        let cli = try tool("redis-cli")
        let s = try startServer()
        let (status, out) = try runProgram(cli, ["-p", String(s.port), "config", "get", "port"], timeout: 20)
        XCTAssertEqual(status, 0, out)
        XCTAssertEqual(out, "port\n\(s.port)\n")
    }

    func testRedisCliBinaryValueFromStdin() throws {
        let cli = try tool("redis-cli")
        let s = try startServer()
        let p = ["-p", String(s.port)]
        // \0, \r\n and a byte that is not UTF-8, sent as the last argument with -x.
        let value: [UInt8] = [UInt8(ascii: "a"), 0, UInt8(ascii: "b"), 13, 10, UInt8(ascii: "c"), 0xff]
        let (st, out) = try runProgram(cli, p + ["-x", "set", "bin"], input: value, timeout: 20)
        XCTAssertEqual(st, 0, out)
        XCTAssertEqual(out, "OK\n")
        let (_, shown) = try runProgram(cli, p + ["--no-raw", "get", "bin"], timeout: 20)
        XCTAssertEqual(shown, "\"a\\x00b\\r\\nc\\xff\"\n")
        let (_, len) = try runProgram(cli, p + ["strlen", "bin"], timeout: 20)
        XCTAssertEqual(len, "7\n")
        // And the exact bytes, read back over the wire.
        let c = try RawClient(port: s.port)
        XCTAssertEqual(try c.call("GET", "bin"), .bulk(value))
    }

    /// redis-cli's REPL under a pseudo-terminal (driven by python3's pty module, or `script`).
    func testRedisCliInteractive() throws {
        let cli = try tool("redis-cli")
        let s = try startServer()
        let dir = tempDir()
        let commands = ["set a 1", "get a", "incr a", "quit"]
        let out: String
        let status: Int32
        if let python = Interop.find("python3") {
            let script = dir + "/drive.py"
            try InteractiveDriver.python.write(toFile: script, atomically: true, encoding: .utf8)
            (status, out) = try runProgram(python, [script, cli, String(s.port)] + commands, timeout: 60)
        } else {
            let scriptTool = try tool("script")
            // Without python3: `script` gives redis-cli a terminal; the pauses let each line be
            // read after redis-cli has put the terminal in raw mode, and stdin stays open until
            // QUIT has ended the session.
            let feed = commands.map { "sleep 1; printf '%s\\r' '\($0)'" }.joined(separator: "; ") + "; sleep 2"
            let shell = "(sleep 1; \(feed)) | \(scriptTool) -qfec 'stty cols 80 rows 24; \(cli) -p \(s.port)' /dev/null"
            (status, out) = try runProgram("/bin/sh", ["-c", "REDISCLI_HISTFILE=/dev/null; export REDISCLI_HISTFILE; " + shell], timeout: 60)
        }
        let text = InteractiveDriver.stripEscapes(out)
        XCTAssertEqual(status, 0, text)
        XCTAssert(text.contains("127.0.0.1:\(s.port)> "), "no prompt:\n\(text)")
        XCTAssert(text.contains("OK"), "no reply to SET:\n\(text)")
        XCTAssert(text.contains("\"1\""), "no reply to GET:\n\(text)")
        XCTAssert(text.contains("(integer) 2"), "no reply to INCR:\n\(text)")
        // redis-cli 7 asked for COMMAND DOCS and, answered, had no need to fall back to COMMAND.
        let c = try RawClient(port: s.port)
        guard let stats = try c.call("INFO", "commandstats").string,
              let line = stats.split(separator: "\r\n").first(where: { $0.hasPrefix("cmdstat_command:") }) else {
            return XCTFail("redis-cli sent no COMMAND at all")
        }
        var fields: [String: Int] = [:]
        for kv in line.dropFirst("cmdstat_command:".count).split(separator: ",") {
            let parts = kv.split(separator: "=")
            if parts.count == 2 { fields[String(parts[0])] = Int(parts[1]) }
        }
        XCTAssertGreaterThanOrEqual(fields["calls"] ?? 0, 1, "no COMMAND DOCS: \(line)")
        XCTAssertEqual(fields["failed_calls"] ?? 0, 0, "COMMAND DOCS failed: \(line)")
    }
}

/// Drives an interactive program on a pseudo-terminal.
enum InteractiveDriver {
    /// Removes ANSI escape sequences (colours, cursor moves) from terminal output.
    static func stripEscapes(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1b}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    }

    /// python3 drive.py CLI PORT CMD…: runs `CLI -p PORT` on a pty (80×24, TERM=xterm, no history
    /// file written to $HOME), waits for the prompt, types each command, waits for its reply and
    /// the next prompt; prints the transcript; exits 0 if every step completed and the CLI exited
    /// with status 0.
    static let python = #"""
    import os, sys, time, fcntl, termios, struct, select, subprocess
    cli, port, cmds = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    env = dict(os.environ, TERM='xterm', REDISCLI_HISTFILE='/dev/null')
    p = subprocess.Popen([cli, '-p', port], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    out = b''
    prompt = ('127.0.0.1:%s> ' % port).encode()
    def read_until(pred, timeout=15):
        global out
        end = time.time() + timeout
        while time.time() < end and not pred():
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                out += data
        return pred()
    ok = read_until(lambda: prompt in out)
    for c in cmds:
        if not ok:
            break
        mark = len(out)
        os.write(master, c.encode() + b'\r')
        if c.lower() == 'quit':
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                ok = False
            read_until(lambda: False, 0.2)
        else:
            def answered():
                seg = out[mark:]
                i = seg.find(b'\n')
                return i >= 0 and prompt in seg[i:]
            ok = read_until(answered)
    if p.poll() is None:
        p.kill()
        p.wait()
    sys.stdout.write(out.decode('utf-8', 'replace'))
    sys.stdout.write('\n[exit status %d, all steps answered: %s]\n' % (p.returncode, ok))
    sys.exit(0 if ok and p.returncode == 0 else 1)
    """#
}
