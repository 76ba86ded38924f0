#!/usr/bin/env python3
"""Load generator and latency probe for scripts/bench.sh (Python standard library only).

Two subcommands:

  fill   Write N keys (`SET key:%012d v%015d`, 16-byte keys and 16-byte values) over one
         connection, pipelined in large batches, as fast as the server accepts them. Used to
         fill a keyspace before measuring memory per key.

  grow   The same fill (in a child process, over its own connection) while this process sends
         one small command at a time (`SET probe x`) over a second connection and times every
         round trip. A server that stops the world while its hash table grows (for example a
         Swift Dictionary resizing at 1.6M and 3.1M keys) shows it here as one very slow probe;
         Redis's incremental rehashing keeps every probe short. Prints count, p50, p99, p99.9
         and max, and how many keys were in when the slowest probe was sent.

Both are bounded in time (--timeout) and report how many keys they got in.

Why a second process for the fill: a fill thread in this process would hold the GIL and
inflate the probe's round trips with Python's own scheduling, not the server's.
"""

import argparse
import multiprocessing
import os
import socket
import sys
import threading
import time

# MARK: - RESP fill


def set_template(prefix: bytes, value_size: int) -> bytes:
    """A `bytes % (i, i)` template for one `SET <prefix><i:012d> v<i:0(value_size-1)d>`."""
    klen = len(prefix) + 12
    head = b"*3\r\n$3\r\nSET\r\n$%d\r\n" % klen
    return head + prefix.replace(b"%", b"%%") + b"%012d\r\n" + (b"$%d\r\nv%%0%dd\r\n" % (value_size, value_size - 1))


def connect(host: str, port: int) -> socket.socket:
    s = socket.create_connection((host, port), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(None)
    return s


def fill(host, port, start, count, batch, prefix, value_size, deadline, progress=None):
    """Pipeline `count` SETs over one connection; return (acked, errors, first_error, seconds).

    A writer thread generates and sends batches; this thread reads and counts replies. Every
    reply to SET is one line (`+OK` or `-ERR …`), so counting newlines counts replies, and any
    `-` byte in the stream means an error reply. TCP flow control bounds how far the writer can
    run ahead. `progress`, if given, is a shared counter of replies received so far.
    """
    tmpl = set_template(prefix, value_size)
    sock = connect(host, port)
    stop = threading.Event()
    send_error = []

    def writer():
        try:
            i = start
            end = start + count
            while i < end and not stop.is_set():
                j = min(i + batch, end)
                sock.sendall(b"".join([tmpl % (k, k) for k in range(i, j)]))
                i = j
        except OSError as e:  # the reader notices the closed connection too
            send_error.append(str(e))

    t0 = time.monotonic()
    w = threading.Thread(target=writer, daemon=True)
    w.start()
    acked = 0
    errors = 0
    first_error = None
    sock.settimeout(1.0)
    while acked < count:
        if time.monotonic() > deadline:
            break
        try:
            data = sock.recv(1 << 20)
        except socket.timeout:
            continue
        except OSError as e:
            first_error = first_error or "recv: %s" % e
            break
        if not data:
            first_error = first_error or "connection closed by server"
            break
        if b"-" in data:
            errors += 1
            if first_error is None:
                k = data.index(b"-")
                first_error = data[k:data.find(b"\r\n", k)].decode("latin-1")
        acked += data.count(b"\n")
        if progress is not None:
            progress.value = acked
    stop.set()
    elapsed = time.monotonic() - t0
    sock.close()
    if send_error and first_error is None and acked < count:
        first_error = "send: " + send_error[0]
    return acked, errors, first_error, elapsed


# MARK: - latency probe


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def dbsize(host, port):
    s = connect(host, port)
    try:
        s.sendall(b"*1\r\n$6\r\nDBSIZE\r\n")
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = s.recv(64)
            if not chunk:
                break
            buf += chunk
        return int(buf[1:].strip()) if buf.startswith(b":") else None
    finally:
        s.close()


def grow(args):
    """Fill in a child process while probing round-trip latency from this one."""
    deadline = time.monotonic() + args.timeout
    progress = multiprocessing.RawValue("q", 0)
    result_r, result_w = multiprocessing.Pipe(duplex=False)

    def child():
        r = fill(args.host, args.port, args.start, args.keys, args.batch, args.prefix.encode(),
                 args.value_size, deadline, progress)
        result_w.send(r)

    probe_sock = connect(args.host, args.port)
    probe = b"*3\r\n$3\r\nSET\r\n$5\r\nprobe\r\n$1\r\nx\r\n"
    reply = b"+OK\r\n"
    # Warm the probe connection before the fill starts.
    probe_sock.sendall(probe)
    probe_sock.recv(16)

    ctx = multiprocessing.get_context("fork")
    filler = ctx.Process(target=child, daemon=True)
    lat_ns = []
    worst_ns, worst_at_keys, worst_at_s = 0, 0, 0.0
    clock = time.perf_counter_ns
    t_start = clock()
    filler.start()
    probe_error = None
    while filler.is_alive() and time.monotonic() < deadline:
        keys_before = progress.value
        t0 = clock()
        try:
            probe_sock.sendall(probe)
            got = probe_sock.recv(16)
            while len(got) < len(reply) and got:
                more = probe_sock.recv(16)
                if not more:
                    got = b""
                    break
                got += more
        except OSError as e:
            probe_error = str(e)
            break
        dt = clock() - t0
        if got != reply:
            probe_error = "unexpected probe reply %r" % got
            break
        lat_ns.append(dt)
        if dt > worst_ns:
            worst_ns, worst_at_keys, worst_at_s = dt, keys_before, (t0 - t_start) / 1e9
    total_s = (clock() - t_start) / 1e9
    timed_out = filler.is_alive()
    if timed_out:
        filler.terminate()
    filler.join(5)
    acked, errors, first_error, fill_s = (result_r.recv() if result_r.poll(1) else (progress.value, 0, "fill did not finish", total_s))
    probe_sock.close()
    try:
        keys_now = dbsize(args.host, args.port)
    except OSError:
        keys_now = None

    lat_ns.sort()
    ms = lambda ns: ns / 1e6
    out = [
        "%s: grew to %s keys in %.1f s (%d acked%s)%s" % (
            args.label, keys_now if keys_now is not None else "?", fill_s, acked,
            ", %d error replies: %s" % (errors, first_error) if errors or first_error else "",
            "  TIMED OUT after %ds" % args.timeout if timed_out else ""),
        "%s: %d probes  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms (at %.1f s, ~%d keys)" % (
            args.label, len(lat_ns), ms(percentile(lat_ns, 50)), ms(percentile(lat_ns, 99)),
            ms(percentile(lat_ns, 99.9)), ms(worst_ns), worst_at_s, worst_at_keys),
    ]
    if probe_error:
        out.append("%s: probe stopped: %s" % (args.label, probe_error))
    print("\n".join(out), flush=True)
    if args.result_file:
        with open(args.result_file, "a") as f:
            f.write("%s max_ms=%.3f p99_ms=%.3f p50_ms=%.3f probes=%d keys=%s fill_s=%.1f timed_out=%d\n" % (
                args.label, ms(worst_ns), ms(percentile(lat_ns, 99)), ms(percentile(lat_ns, 50)),
                len(lat_ns), keys_now, fill_s, int(timed_out)))
    ok = not timed_out and not probe_error and not errors and acked >= args.keys
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("fill", "grow"):
        p = sub.add_parser(name)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--keys", type=int, required=True, help="how many keys to write")
        p.add_argument("--start", type=int, default=0, help="first key number")
        p.add_argument("--batch", type=int, default=20000, help="SETs per write")
        p.add_argument("--prefix", default="key:")
        p.add_argument("--value-size", type=int, default=16)
        p.add_argument("--timeout", type=float, default=300, help="give up after this many seconds")
        p.add_argument("--label", default="server")
        p.add_argument("--result-file", help="append a one-line machine-readable result here")
    args = ap.parse_args()

    if args.cmd == "fill":
        deadline = time.monotonic() + args.timeout
        acked, errors, first_error, secs = fill(args.host, args.port, args.start, args.keys, args.batch,
                                                args.prefix.encode(), args.value_size, deadline)
        rate = acked / secs if secs > 0 else 0
        print("%s: filled %d keys in %.1f s (%.0f SET/s)%s" % (
            args.label, acked, secs, rate,
            ", %d error replies: %s" % (errors, first_error) if errors or first_error else ""), flush=True)
        return 0 if acked >= args.keys and not errors else 1
    return grow(args)


if __name__ == "__main__":
    sys.exit(main())
