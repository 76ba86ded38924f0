#!/usr/bin/env python3
"""redis-py against two servers: the same scenario, the same reply bytes.

    python3 scenario.py --ours PORT --redis PORT [--protocol 2|3] [--ours-is-redis7]

Drives one scenario of every command family through redis-py (its default settings, which speak
RESP3 after `HELLO 3`, or `protocol=2`) against our server and then against a real redis-server,
records the raw bytes redis-py's parser consumed for every step, and compares the two recordings
step by step. Prints, for every family that differs, the first differing step with both replies
escaped, and exits 1; prints `redis-py scenario: equal` and exits 0 when every step matched.

How the bytes are recorded: redis-py (without hiredis) reads replies through
`redis._parsers.socket.SocketBuffer.readline()` and `.read()`, each returning one RESP line or
bulk payload without its CRLF. We wrap both, appending what they return (plus the CRLF) to a tape
of the current thread. A step's reply is the part of the tape it consumed, so recordings do not
depend on how the kernel split the stream into reads. A step that wakes a blocked client from a
second thread appends that thread's tape after the main one.

Replies that cannot be equal between two servers (ids, addresses, times, versions, random members,
the order of hash-table-encoded sets) are normalised or checked by shape; each such step says why.
Aggregates stay small (at most 128 entries, integer sets at most 512) so that Redis's compact
encodings (ziplist, intset) give deterministic orders, which our server follows.

The real redis-server installed is 7.0; SwiftRedis follows Redis 6.2. Steps where 7.0 replies
differently on purpose carry the 6.2 reply (`v62=`): our reply must equal it, and the real
server's is not compared. With --ours-is-redis7 (both servers are real 7.0, to check the scenario
itself), those steps are compared between the two like every other.
"""

import argparse
import sys
import threading
import time

try:
    import redis
    from redis._parsers import socket as _rsock
except ImportError:
    print("redis-py is not installed (python3 -m pip install redis)", file=sys.stderr)
    sys.exit(2)

# MARK: - recording what redis-py's parser reads

_tapes = threading.local()


def tape():
    """The current thread's tape; while redis-py connects, its handshake tape instead."""
    if not hasattr(_tapes, "t"):
        _tapes.t, _tapes.hs, _tapes.connecting = bytearray(), bytearray(), False
    return _tapes.hs if _tapes.connecting else _tapes.t


def handshake_tape():
    tape()
    return _tapes.hs


_orig_readline = _rsock.SocketBuffer.readline
_orig_read = _rsock.SocketBuffer.read


def _readline(self, *a, **k):
    data = _orig_readline(self, *a, **k)
    tape().extend(data + b"\r\n")
    return data


def _read(self, *a, **k):
    data = _orig_read(self, *a, **k)
    tape().extend(data + b"\r\n")
    return data


_rsock.SocketBuffer.readline = _readline
_rsock.SocketBuffer.read = _read

# Which pooled connection serves a step, and so when a handshake happens, is redis-py's choice;
# its bytes go to a tape of their own, compared (normalised) as a step of family "connect".
_orig_on_connect = redis.connection.AbstractConnection.on_connect_check_health


def _on_connect(self, *a, **k):
    tape()
    _tapes.connecting = True
    try:
        return _orig_on_connect(self, *a, **k)
    finally:
        _tapes.connecting = False


redis.connection.AbstractConnection.on_connect_check_health = _on_connect


def in_thread(fn, delay=0.2):
    """Starts fn() in a thread after `delay` seconds; join() returns the bytes it read."""
    box = {}

    def body():
        time.sleep(delay)
        try:
            fn()
        except Exception as e:  # recorded through the tape; the step shows the bytes
            box["error"] = e
        box["tape"] = bytes(tape())

    t = threading.Thread(target=body)
    t.start()

    def join():
        t.join()
        return box.get("tape", b"")
    return join


# MARK: - RESP, for the normalisers

def parse(b, i=0):
    """One RESP2/RESP3 value at b[i:] as (type byte, payload, attrs), and the next index."""
    t = b[i:i + 1]
    end = b.index(b"\r\n", i)
    line = b[i + 1:end]
    i = end + 2
    if t in (b"$", b"=", b"!"):
        n = int(line)
        if n < 0:
            return (t, None), i
        return (t, b[i:i + n]), i + n + 2
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = int(line)
        if n < 0:
            return (t, None), i
        if t in (b"%", b"|"):
            n *= 2
        items = []
        for _ in range(n):
            v, i = parse(b, i)
            items.append(v)
        return (t, items), i
    return (t, line), i  # + - : , _ # (


def parse_all(b):
    out, i = [], 0
    while i < len(b):
        v, i = parse(b, i)
        out.append(v)
    return out


def encode(v):
    t, p = v
    if p is None:
        return t + b"-1\r\n"
    if t in (b"$", b"=", b"!"):
        return t + b"%d\r\n" % len(p) + p + b"\r\n"
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = len(p) // 2 if t in (b"%", b"|") else len(p)
        return t + b"%d\r\n" % n + b"".join(encode(x) for x in p)
    return t + p + b"\r\n"


def each_value(fn):
    """A normaliser applying fn to every top-level value of a step's bytes."""
    def norm(b):
        try:
            return b"".join(encode(fn(v)) for v in parse_all(b))
        except (ValueError, IndexError) as e:
            return b"(unparsable: %r) " % e + b
    return norm


def _sorted_members(v):
    t, p = v
    if isinstance(p, list):
        if t in (b"%",):  # a map: sort the pairs
            pairs = sorted(zip(p[0::2], p[1::2]), key=lambda kv: encode(kv[0]))
            return (t, [x for kv in pairs for x in kv])
        return (t, sorted((_sorted_members(x) for x in p), key=encode))
    return v


# Hash-table sets (any set with a non-integer member) iterate in an order that depends on the
# process's random hash seed; two real servers disagree, so members are compared sorted.
unordered = each_value(_sorted_members)


def _shape(v):
    """Type bytes only, the length of aggregates kept: for random members."""
    t, p = v
    if t == b"~":
        # Whether SRANDMEMBER/SPOP with a count answer a RESP3 set or an array changed between
        # versions; the members' number and types are what is compared here.
        t = b"*"
    if isinstance(p, list):
        return (t, [_shape(x) for x in p])
    return (t, b"?" if p is not None else None)


shape = each_value(_shape)


def _unordered_pairs(v):
    """An array of field, value pairs (HGETALL of a big hash, CONFIG GET of a glob) sorted by pair."""
    t, p = v
    if not isinstance(p, list):
        return v
    if t == b"%":
        return _sorted_members(v)
    pairs = sorted(zip(p[0::2], p[1::2]), key=lambda kv: encode(kv[0]))
    return (t, [x for kv in pairs for x in kv])


unordered_pairs = each_value(_unordered_pairs)


def _flat(v):
    """Nested [member, score] pairs flattened: RESP3 ZPOPMIN/ZPOPMAX with a count answer pairs in
    Redis 7.0 and a flat member, score, … array in 6.2; the members and scores must agree."""
    t, p = v
    if not isinstance(p, list):
        return v
    out = []
    for x in p:
        if x[0] == b"*" and isinstance(x[1], list):
            out.extend(x[1])
        else:
            out.append(x)
    return (t, out)


flat = each_value(_flat)


def _hello(v):
    """HELLO's map with the server's id and version replaced: they differ between any two servers."""
    t, p = v
    if t not in (b"%", b"*") or not isinstance(p, list):
        return _error_kind(v)
    out = list(p)
    for k in range(0, len(out) - 1, 2):
        if out[k][1] in (b"id", b"version"):
            out[k + 1] = (out[k + 1][0], b"?")
    return (t, out)


def _error_kind(v):
    t, p = v
    return (t, p.split(b" ")[0]) if t == b"-" and p else v


# The connection handshake: HELLO's map (id, version normalised) and, where redis-py tries it,
# CLIENT SETINFO's "unknown subcommand" error, whose text 6.2 and 7.0 word differently.
handshake = each_value(_hello)


def integer_shape(b):
    """CLIENT ID: an integer, whichever. Connection ids count every connection the server saw."""
    return b":?\r\n" if b.startswith(b":") and b.endswith(b"\r\n") and b[1:-2].isdigit() else b


def client_list_shape(b):
    """CLIENT LIST/INFO: one line per client; id, addr, laddr, fd, age, idle, buffer sizes and
    memory are the server's own, and 7.0 adds ssub= and resp=; we compare the client's name, db,
    flags and subscription counts."""
    try:
        vals = parse_all(b)
    except (ValueError, IndexError):
        return b
    out = []
    for t, p in vals:
        if p is None or isinstance(p, list):
            out.append(encode((t, p)))
            continue
        text = p[4:] if t == b"=" else p  # a verbatim string starts with "txt:"
        lines = []
        for line in text.strip().split(b"\n"):
            f = dict(kv.split(b"=", 1) for kv in line.strip().split(b" ") if b"=" in kv)
            lines.append(b" ".join(k + b"=" + f.get(k, b"(missing)")
                                   for k in (b"name", b"db", b"flags", b"sub", b"psub", b"multi")))
        out.append(t + b" " + b"; ".join(lines))
    return b"\n".join(out)


INFO_FIELDS = [b"redis_version", b"redis_mode", b"os", b"arch_bits", b"process_id", b"tcp_port",
               b"uptime_in_seconds", b"connected_clients", b"blocked_clients", b"used_memory",
               b"maxmemory_policy", b"loading", b"rdb_changes_since_last_save", b"aof_enabled",
               b"total_connections_received", b"total_commands_processed", b"keyspace_hits",
               b"keyspace_misses", b"role", b"connected_slaves", b"master_repl_offset", b"used_cpu_sys"]


def info_shape(b):
    """INFO: every value is the server's own, and 7.0 has more fields than 6.2. We compare the
    reply's type, the section headers and that the fields every client reads are there."""
    try:
        (t, p), = parse_all(b)
    except (ValueError, IndexError):
        return b
    if p is None or t not in (b"$", b"="):
        return b
    text = p[4:] if t == b"=" else p
    lines = text.split(b"\r\n")
    sections = [l for l in lines if l.startswith(b"# ")]
    fields = {l.split(b":", 1)[0] for l in lines if b":" in l and not l.startswith(b"#")}
    missing = [f for f in INFO_FIELDS if f not in fields]
    return t + b" sections=" + b",".join(sections) + b" missing=" + b",".join(missing)


def time_shape(b):
    """TIME: two integers as bulk strings, seconds and microseconds; the values are the clock's."""
    try:
        (t, p), = parse_all(b)
        ok = t == b"*" and len(p) == 2 and all(x[0] == b"$" and x[1].isdigit() for x in p)
        return b"*2 seconds microseconds" if ok else b
    except (ValueError, IndexError, TypeError):
        return b


# MARK: - the scenario

class Recorder:
    def __init__(self, port, protocol):
        self.port, self.protocol = port, protocol
        self.steps = []  # (family, label, bytes, normaliser, v62, result)
        self.clients = []

    def client(self, **kw):
        # Only the protocol is set: everything else is redis-py's default.
        c = redis.Redis(host="127.0.0.1", port=self.port, protocol=self.protocol, **kw)
        self.clients.append(c)
        return c

    def step(self, family, label, fn, norm=None, v62=None, extra=None):
        """Runs fn(); records the bytes it read. `extra` joins a helper thread and returns its bytes."""
        t, hs = tape(), handshake_tape()
        start, hstart = len(t), len(hs)
        try:
            result = repr(fn())
        except Exception as e:
            result = "%s: %s" % (type(e).__name__, e)
        data = bytes(t[start:])
        if extra is not None:
            data += extra()
        self.steps.append((family, label, data, norm, v62, result))
        # Compared as a step of its own (family "connect"), present whether or not redis-py
        # connected here, so that both runs have the same steps.
        self.steps.append(("connect", "handshake before " + label, bytes(hs[hstart:]), handshake, None, ""))

    def close(self):
        for c in self.clients:
            try:
                c.close()
            except Exception:
                pass


def scenario(rec):
    p3 = rec.protocol == 3
    r = rec.client()
    r2 = rec.client()
    x = lambda *a: r.execute_command(*a)

    def s(family, label, fn, **kw):
        rec.step(family, label, fn, **kw)

    def cmd(family, *args, **kw):
        rec.step(family, " ".join(str(a) for a in args), lambda: r.execute_command(*args), **kw)

    # connect: HELLO (RESP3) and the first command; a server without HELLO fails here already.
    s("connect", "PING", lambda: r.ping())
    s("connect", "second client PING", lambda: r2.ping())
    s("connect", "FLUSHALL", lambda: r.flushall())

    # strings
    F = "strings"
    s(F, "set", lambda: r.set("s", "hello"))
    s(F, "get", lambda: r.get("s"))
    s(F, "get missing", lambda: r.get("nosuch"))
    s(F, "set nx", lambda: r.set("s", "x", nx=True))
    s(F, "set xx get", lambda: r.set("s", "world", xx=True, get=True))
    s(F, "append", lambda: r.append("s", "!"))
    s(F, "strlen", lambda: r.strlen("s"))
    s(F, "getrange", lambda: r.getrange("s", 1, -2))
    s(F, "setrange", lambda: r.setrange("s", 1, "O"))
    s(F, "mset", lambda: r.mset({"a": "1", "b": "2"}))
    s(F, "mget", lambda: r.mget("a", "b", "nosuch"))
    s(F, "msetnx", lambda: r.msetnx({"a": "1", "c": "3"}))
    s(F, "incr", lambda: r.incr("n"))
    s(F, "incrby", lambda: r.incrby("n", 41))
    s(F, "decrby", lambda: r.decrby("n", 2))
    s(F, "incrbyfloat", lambda: r.incrbyfloat("f", 0.1))
    s(F, "incrbyfloat again", lambda: r.incrbyfloat("f", 2.5e3))
    s(F, "getset", lambda: r.getset("a", "9"))
    s(F, "getdel", lambda: r.getdel("b"))
    s(F, "setex", lambda: r.set("e", "v", ex=100))
    s(F, "getex persist", lambda: r.getex("e", persist=True))
    s(F, "binary value", lambda: r.set("bin", b"\x00\r\n\xff"))
    s(F, "binary get", lambda: r.get("bin"))

    # bits: SETBIT and friends on string values, BITFIELD through redis-py's builder
    F = "bits"
    s(F, "setbit", lambda: r.setbit("bm", 7, 1))
    s(F, "setbit grows", lambda: r.setbit("bm", 100, 1))
    s(F, "setbit old value", lambda: r.setbit("bm", 7, 0))
    s(F, "getbit", lambda: r.getbit("bm", 100))
    s(F, "getbit past the end", lambda: r.getbit("bm", 1000))
    s(F, "get bitmap", lambda: r.get("bm"))
    s(F, "bitcount", lambda: r.bitcount("bm"))
    s(F, "set for bits", lambda: r.set("bs", "foobar"))
    s(F, "bitcount range", lambda: r.bitcount("bs", 1, -2))
    s(F, "bitpos 1", lambda: r.bitpos("bs", 1))
    s(F, "bitpos 0 range", lambda: r.bitpos("bs", 0, 2, -1))
    s(F, "bitpos missing key", lambda: r.bitpos("nosuch", 0))
    s(F, "bitop and", lambda: r.bitop("AND", "bd", "bs", "bm"))
    s(F, "bitop not", lambda: r.bitop("NOT", "bd", "bs"))
    s(F, "get bitop result", lambda: r.get("bd"))
    s(F, "bitop empty deletes", lambda: r.bitop("OR", "bd", "nosuch"))
    s(F, "exists after empty bitop", lambda: r.exists("bd"))
    s(F, "bitfield", lambda: r.bitfield("bf").set("u8", 0, 200).incrby("u8", 0, 100).get("i8", 0).execute())
    s(F, "bitfield overflow", lambda: r.bitfield("bf", default_overflow="SAT").incrby("u8", "#1", 300)
      .overflow("FAIL").incrby("i4", 0, 100).overflow("WRAP").incrby("i16", 0, 40000).execute())
    s(F, "bitfield_ro", lambda: r.bitfield_ro("bf", "u8", 0, items=[("i16", "#1"), ("u4", 12)]))
    s(F, "setbit bad offset", lambda: r.setbit("bm", -1, 1))
    s(F, "setbit bad bit", lambda: r.setbit("bm", 0, 2))
    s(F, "bitfield bad type", lambda: r.bitfield("bf").get("u64", 0).execute())
    s(F, "bitop not two keys", lambda: r.bitop("NOT", "bd", "bs", "bm"))
    s(F, "bitpos bad bit", lambda: r.bitpos("bs", 3))
    s(F, "bitfield_ro write", lambda: x("BITFIELD_RO", "bf", "SET", "u8", "0", "1"))
    s(F, "bitcount wrong type", lambda: (r.rpush("bl", "a"), r.bitcount("bl"))[1])

    # keys and expiry
    F = "keys"
    s(F, "exists", lambda: r.exists("a", "a", "nosuch"))
    s(F, "type", lambda: r.type("s"))
    s(F, "expire", lambda: r.expire("a", 100))
    s(F, "ttl", lambda: r.ttl("a"))
    s(F, "pexpire", lambda: r.pexpire("c", 100000))
    s(F, "persist", lambda: r.persist("a"))
    s(F, "ttl none", lambda: r.ttl("a"))
    s(F, "ttl missing", lambda: r.pttl("nosuch"))
    s(F, "rename", lambda: r.rename("c", "c2"))
    s(F, "renamenx", lambda: r.renamenx("c2", "a"))
    s(F, "keys", lambda: sorted(r.keys("c*")))
    s(F, "expireat past", lambda: r.expireat("c2", 1))
    s(F, "exists expired", lambda: r.exists("c2"))
    s(F, "del", lambda: r.delete("e", "nosuch"))
    s(F, "unlink", lambda: r.unlink("nosuch"))
    s(F, "dbsize", lambda: r.dbsize())
    s(F, "select", lambda: x("SELECT", 1))
    s(F, "scan one key", lambda: (r.set("only", "1"), r.scan(0))[1])
    s(F, "randomkey one key", lambda: r.randomkey())
    s(F, "flushdb", lambda: r.flushdb())
    s(F, "select back", lambda: x("SELECT", 0))
    s(F, "object encoding", lambda: r.object("encoding", "n"))
    s(F, "touch", lambda: r.touch("n", "s", "nosuch"))
    s(F, "copy", lambda: r.copy("n", "n2"))
    s(F, "copy exists", lambda: r.copy("n", "n2"))
    s(F, "copy replace db", lambda: r.copy("s", "n2", destination_db=2, replace=True))
    s(F, "move", lambda: r.move("n2", 3))
    s(F, "move same db", lambda: x("MOVE", "n", 0))
    s(F, "swapdb", lambda: r.swapdb(2, 3))
    s(F, "after swapdb", lambda: (x("SELECT", 3), r.get("n2"), x("SELECT", 2), r.get("n2"), x("SELECT", 0))[1:4:2])
    s(F, "swapdb bad index", lambda: x("SWAPDB", "a", 1))

    # lists
    F = "lists"
    s(F, "rpush", lambda: r.rpush("L", "a", "b", "c", "d"))
    s(F, "lpush", lambda: r.lpush("L", "z"))
    s(F, "lrange", lambda: r.lrange("L", 0, -1))
    s(F, "llen", lambda: r.llen("L"))
    s(F, "lindex", lambda: r.lindex("L", -1))
    s(F, "lset", lambda: r.lset("L", 0, "Z"))
    s(F, "linsert", lambda: r.linsert("L", "BEFORE", "c", "bb"))
    s(F, "lpos", lambda: r.lpos("L", "c"))
    s(F, "lpos count", lambda: r.lpos("L", "a", count=0))
    s(F, "lrem", lambda: r.lrem("L", 0, "bb"))
    s(F, "lpop count", lambda: r.lpop("L", 2))
    s(F, "rpop", lambda: r.rpop("L"))
    s(F, "lmove", lambda: r.lmove("L", "L2", "LEFT", "RIGHT"))
    s(F, "rpoplpush", lambda: r.rpoplpush("L", "L2"))
    s(F, "ltrim", lambda: r.ltrim("L2", 0, 0))
    s(F, "lrange L2", lambda: r.lrange("L2", 0, -1))
    s(F, "lpop empty count", lambda: r.lpop("nolist", 2))
    s(F, "exists after pops", lambda: r.exists("L"))

    # blocking pops
    F = "blocking"
    s(F, "blpop times out", lambda: r.blpop(["empty"], timeout=0.1))
    s(F, "brpop ready", lambda: (r.rpush("B", "1", "2"), r.brpop(["B"], timeout=1))[1])
    s(F, "blmove times out", lambda: r.blmove("empty", "B", 0.1, "LEFT", "RIGHT"))
    waker = in_thread(lambda: r2.lpush("wake", "up"))
    s(F, "blpop woken by a second client", lambda: r.blpop(["empty", "wake"], timeout=5), extra=waker)
    waker = in_thread(lambda: r2.rpush("wake2", "x", "y"))
    s(F, "blmove woken", lambda: r.blmove("wake2", "dst", 5, "RIGHT", "LEFT"), extra=waker)
    s(F, "after wake", lambda: r.lrange("wake2", 0, -1))
    s(F, "blpop bad timeout", lambda: x("BLPOP", "k", "abc"))
    s(F, "blpop negative timeout", lambda: x("BLPOP", "k", "-1"))

    # hashes (small: ziplist-encoded, fields in insertion order)
    F = "hashes"
    s(F, "hset mapping", lambda: r.hset("h", mapping={"f1": "v1", "f2": "2", "f3": "3.5"}))
    s(F, "hset existing", lambda: r.hset("h", "f1", "w1"))
    s(F, "hsetnx", lambda: r.hsetnx("h", "f1", "x"))
    s(F, "hget", lambda: r.hget("h", "f1"))
    s(F, "hmget", lambda: r.hmget("h", ["f1", "nosuch", "f2"]))
    s(F, "hmset", lambda: x("HMSET", "h", "f4", "4"))
    s(F, "hgetall", lambda: r.hgetall("h"))
    s(F, "hkeys", lambda: r.hkeys("h"))
    s(F, "hvals", lambda: r.hvals("h"))
    s(F, "hlen", lambda: r.hlen("h"))
    s(F, "hexists", lambda: r.hexists("h", "f2"))
    s(F, "hstrlen", lambda: r.hstrlen("h", "f1"))
    s(F, "hincrby", lambda: r.hincrby("h", "f2", 40))
    s(F, "hincrbyfloat", lambda: r.hincrbyfloat("h", "f3", 0.1))
    s(F, "hincrby not integer", lambda: r.hincrby("h", "f3", 1))
    s(F, "hincrbyfloat not float", lambda: r.hincrbyfloat("h", "f1", 1))
    s(F, "hincrby overflow", lambda: (r.hset("h", "big", "9223372036854775800"), r.hincrby("h", "big", 100))[1])
    s(F, "hdel", lambda: r.hdel("h", "f4", "nosuch"))
    s(F, "hgetall missing", lambda: r.hgetall("nosuch"))
    # HRANDFIELD picks at random: the shape (how many, which types) is what both servers share.
    s(F, "hrandfield", lambda: r.hrandfield("h"), norm=shape)
    s(F, "hrandfield count", lambda: r.hrandfield("h", 2), norm=shape)
    s(F, "hrandfield withvalues", lambda: r.hrandfield("h", -3, withvalues=True), norm=shape)
    s(F, "hrandfield all", lambda: r.hrandfield("h", 10))  # a count above the size: every field, in order
    s(F, "hscan", lambda: r.hscan("h", 0))
    s(F, "hdel all", lambda: r.hdel("hh", "x") + r.hset("hh", "x", "1") + r.hdel("hh", "x"))
    s(F, "exists after hdel", lambda: r.exists("hh"))
    s(F, "object encoding", lambda: r.object("encoding", "h"),
      v62=b"$7\r\nziplist\r\n")  # 7.0 renamed the small hash encoding listpack

    # sets
    F = "sets"
    s(F, "sadd ints", lambda: r.sadd("si", 3, 1, 2, 10, -5))
    s(F, "smembers intset", lambda: r.smembers("si"))  # an intset: sorted, deterministic
    s(F, "sadd strings", lambda: r.sadd("ss", "a", "b", "c", "1"))
    s(F, "sadd again", lambda: r.sadd("ss", "a", "d"))
    s(F, "smembers", lambda: r.smembers("ss"), norm=unordered)
    s(F, "scard", lambda: r.scard("ss"))
    s(F, "sismember", lambda: r.sismember("ss", "a"))
    s(F, "smismember", lambda: r.smismember("ss", ["a", "zz", "b"]))
    s(F, "srem", lambda: r.srem("ss", "d", "nosuch"))
    s(F, "smove", lambda: r.smove("ss", "st", "c"))
    s(F, "sinter", lambda: r.sinter("ss", "si"), norm=unordered)
    s(F, "sunion", lambda: r.sunion("ss", "st"), norm=unordered)
    s(F, "sdiff", lambda: r.sdiff("ss", "st"), norm=unordered)
    s(F, "sinter ints", lambda: r.sinter("si", "si"))
    s(F, "sinterstore", lambda: r.sinterstore("dst", ["ss", "si"]))
    s(F, "sunionstore", lambda: r.sunionstore("dst", ["si", "st"]))
    s(F, "sdiffstore", lambda: r.sdiffstore("dst", ["si", "si"]))
    s(F, "exists empty store", lambda: r.exists("dst"))
    # SPOP and SRANDMEMBER choose at random: shapes only.
    s(F, "srandmember", lambda: r.srandmember("si"), norm=shape)
    s(F, "srandmember count", lambda: r.srandmember("si", 3), norm=shape)
    s(F, "srandmember negative", lambda: r.srandmember("si", -7), norm=shape)
    s(F, "srandmember all", lambda: r.srandmember("si", 100))  # the whole intset, in order
    s(F, "spop", lambda: r.spop("si"), norm=shape)
    s(F, "spop count", lambda: r.spop("si", 2), norm=shape)
    s(F, "spop rest", lambda: r.spop("si", 10), norm=shape)  # what is left depends on the pops above
    s(F, "exists after spop", lambda: r.exists("si"))
    s(F, "spop missing", lambda: r.spop("nosuch"))
    s(F, "spop count missing", lambda: r.spop("nosuch", 3))
    s(F, "sscan intset", lambda: (r.sadd("si2", 5, 4), r.sscan("si2", 0))[1])
    s(F, "object encoding intset", lambda: r.object("encoding", "si2"))
    s(F, "object encoding hashtable", lambda: r.object("encoding", "ss"))
    s(F, "spop bad count", lambda: x("SPOP", "ss", "-1"))

    # sorted sets
    F = "zsets"
    s(F, "zadd", lambda: r.zadd("z", {"a": 1, "b": 2, "c": 0.1, "d": float("inf"), "e": float("-inf")}))
    s(F, "zadd nx", lambda: r.zadd("z", {"a": 5, "f": 6}, nx=True))
    s(F, "zadd xx ch", lambda: r.zadd("z", {"a": 7, "g": 1}, xx=True, ch=True))
    s(F, "zadd gt ch", lambda: r.zadd("z", {"a": 3, "b": 9}, gt=True, ch=True))
    s(F, "zadd lt", lambda: r.zadd("z", {"a": 1.5, "h": 2.5}, lt=True))
    s(F, "zadd incr", lambda: r.zadd("z", {"b": 0.5}, incr=True))
    s(F, "zadd incr nx existing", lambda: r.zadd("z", {"b": 1}, incr=True, nx=True))
    s(F, "zadd nx xx", lambda: x("ZADD", "z", "NX", "XX", "1", "a"))
    s(F, "zadd gt lt", lambda: x("ZADD", "z", "GT", "LT", "1", "a"))
    s(F, "zadd incr two", lambda: x("ZADD", "z", "INCR", "1", "a", "2", "b"))
    s(F, "zadd bad score", lambda: x("ZADD", "z", "abc", "a"))
    s(F, "zadd nan", lambda: x("ZADD", "z", "nan", "a"))
    s(F, "zincrby", lambda: r.zincrby("z", 0.1, "c"))
    s(F, "zincrby inf", lambda: r.zincrby("z", float("-inf"), "d"))
    s(F, "zscore", lambda: r.zscore("z", "c"))
    s(F, "zscore inf", lambda: r.zscore("z", "e"))
    s(F, "zscore missing", lambda: r.zscore("z", "nosuch"))
    s(F, "zmscore", lambda: r.zmscore("z", ["a", "nosuch", "e"]))
    s(F, "zcard", lambda: r.zcard("z"))
    s(F, "zcount", lambda: r.zcount("z", "(0.1", "+inf"))
    s(F, "zrank", lambda: r.zrank("z", "a"))
    s(F, "zrevrank", lambda: r.zrevrank("z", "a"))
    s(F, "zrange", lambda: r.zrange("z", 0, -1))
    s(F, "zrange withscores", lambda: r.zrange("z", 0, -1, withscores=True))
    s(F, "zrange rev", lambda: r.zrange("z", 0, 2, desc=True, withscores=True))
    s(F, "zrange byscore limit", lambda: r.zrange("z", "(0", "+inf", byscore=True, offset=1, num=2))
    s(F, "zrange byscore rev withscores", lambda: r.zrange("z", "+inf", "-inf", byscore=True, desc=True, withscores=True))
    s(F, "zadd lex", lambda: r.zadd("lex", {"a": 0, "b": 0, "c": 0, "d": 0, "e": 0}))
    s(F, "zrange bylex", lambda: r.zrange("lex", "[b", "(e", bylex=True))
    s(F, "zrange bylex rev limit", lambda: r.zrange("lex", "+", "-", bylex=True, desc=True, offset=0, num=2))
    s(F, "zrangebylex bad", lambda: x("ZRANGEBYLEX", "lex", "b", "c"))
    s(F, "zrange bylex withscores", lambda: x("ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"))
    s(F, "zrange limit without by", lambda: x("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"))
    s(F, "zrevrange", lambda: r.zrevrange("z", 0, 1, withscores=True))
    s(F, "zrangebyscore", lambda: r.zrangebyscore("z", "-inf", 2, withscores=True))
    s(F, "zrevrangebyscore", lambda: r.zrevrangebyscore("z", "+inf", "(1", start=0, num=3))
    s(F, "zrangebyscore bad", lambda: x("ZRANGEBYSCORE", "z", "x", "1"))
    s(F, "zrem", lambda: r.zrem("z", "g", "nosuch"))
    s(F, "zremrangebyrank", lambda: r.zremrangebyrank("lex", 0, 1))
    s(F, "zremrangebyscore", lambda: r.zremrangebyscore("z", "-inf", "(0"))
    s(F, "zpopmin", lambda: r.zpopmin("z"), norm=flat if p3 else None)
    s(F, "zpopmin count", lambda: r.zpopmin("z", 2), norm=flat if p3 else None)
    s(F, "zpopmax", lambda: r.zpopmax("z"), norm=flat if p3 else None)
    s(F, "zpopmin missing", lambda: r.zpopmin("nosuch"))
    s(F, "zunionstore", lambda: (r.zadd("z2", {"a": 1, "x": 2}), r.zunionstore("zu", {"z": 2, "z2": 1}))[1])
    s(F, "zunionstore aggregate max", lambda: r.zunionstore("zu2", ["z", "z2"], aggregate="MAX"))
    s(F, "zinterstore", lambda: r.zinterstore("zi", ["z", "z2"]))
    s(F, "zrange union", lambda: r.zrange("zu", 0, -1, withscores=True))
    s(F, "zinterstore with a set", lambda: (r.sadd("zs", "a"), r.zinterstore("zi2", ["z2", "zs"]))[1])
    s(F, "zrange inter", lambda: r.zrange("zi2", 0, -1, withscores=True))
    s(F, "zunionstore bad weights", lambda: x("ZUNIONSTORE", "d", "2", "z", "z2", "WEIGHTS", "1"))
    s(F, "zunionstore bad numkeys", lambda: x("ZUNIONSTORE", "d", "0", "z"),
      v62=b"-ERR at least 1 input key is needed for zunionstore\r\n")  # 7.0: "for 'zunionstore' command"
    s(F, "zscan", lambda: r.zscan("zu", 0))
    s(F, "zadd 0.1 scores", lambda: r.zadd("zf", {"p": 0.1, "q": 1e-7, "r": 1.5e20, "s": -0.0}))
    # 6.2 formats every score with "%.17g", so a score of -0 comes back as "-0"; 7.0 prints 0.
    s(F, "zrange float formatting", lambda: r.zrange("zf", 0, -1, withscores=True),
      v62=(b"*4\r\n*2\r\n$1\r\ns\r\n,-0\r\n*2\r\n$1\r\nq\r\n,9.9999999999999995e-08\r\n"
           b"*2\r\n$1\r\np\r\n,0.10000000000000001\r\n*2\r\n$1\r\nr\r\n,1.5e+20\r\n") if p3 else
          (b"*8\r\n$1\r\ns\r\n$2\r\n-0\r\n$1\r\nq\r\n$22\r\n9.9999999999999995e-08\r\n"
           b"$1\r\np\r\n$19\r\n0.10000000000000001\r\n$1\r\nr\r\n$7\r\n1.5e+20\r\n"))
    s(F, "zpopmax empties", lambda: r.zpopmax("zi2", 5), norm=flat if p3 else None)
    s(F, "exists after zpop", lambda: r.exists("zi2"))
    s(F, "object encoding", lambda: r.object("encoding", "zf"),
      v62=b"$7\r\nziplist\r\n")  # 7.0 renamed the small sorted-set encoding listpack
    # The -0 above would make DEBUG DIGEST differ between 6.2 and 7.0.
    s(F, "del zf", lambda: r.delete("zf"))

    # transactions
    F = "transactions"

    def multi_exec():
        p = r.pipeline(transaction=True)
        p.set("t", "1").incr("t").lpush("tl", "a").get("t")
        return p.execute()
    s(F, "pipeline(transaction=True)", multi_exec)

    def multi_error():
        p = r.pipeline(transaction=True)
        p.set("t", "2").incr("tl").get("t")
        return p.execute(raise_on_error=False)
    s(F, "exec with a runtime error", multi_error)

    def multi_abort():
        p = r.pipeline(transaction=True)
        p.set("t", "3").execute_command("GET").get("t")
        return p.execute()
    s(F, "execabort on a queueing error", multi_abort)
    s(F, "not changed after execabort", lambda: r.get("t"))

    def watch_ok():
        with r.pipeline() as p:
            p.watch("w")
            v = p.get("w")
            p.multi()
            p.set("w", "%s+" % v)
            return p.execute()
    s(F, "watch, exec", watch_ok)

    def watch_touched():
        with r.pipeline() as p:
            p.watch("w")
            r2.set("w", "other")  # another client touches the watched key
            p.multi()
            p.set("w", "mine")
            return p.execute()
    s(F, "watch, touched by another client", watch_touched)
    s(F, "get after aborted exec", lambda: r.get("w"))

    def watch_expired():
        with r.pipeline() as p:
            r.set("we", "1", px=1)
            time.sleep(0.01)
            p.watch("we")
            p.multi()
            p.set("w2", "x")
            return p.execute()
    # 6.2's isWatchedKeyExpired fails EXEC for any watched key that is logically expired, even one
    # already expired when WATCH ran; 7.0 (#10256) remembers that and runs the transaction.
    s(F, "watch an expired key", watch_expired,
      v62=b"+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n" + (b"_\r\n" if p3 else b"*-1\r\n"))
    s(F, "del w2", lambda: r.delete("w2"), v62=b":0\r\n")  # set only by 7.0's EXEC
    # Reading the key deletes it now; left alone, active expiry would delete it at a time of its
    # own, and DBSIZE, INFO keyspace and DEBUG DIGEST would differ.
    s(F, "expired key gone", lambda: r.exists("we"))
    s(F, "exec without multi", lambda: x("EXEC"))
    s(F, "discard without multi", lambda: x("DISCARD"))
    s(F, "unwatch", lambda: x("UNWATCH"))

    def raw_multi():
        c = r.connection_pool.get_connection()
        try:
            out = []
            for args in (("MULTI",), ("MULTI",), ("WATCH", "x"), ("SET", "m", "1"), ("DISCARD",), ("GET", "m")):
                c.send_command(*args)
                try:
                    out.append(c.read_response())
                except redis.ResponseError as e:
                    out.append(e)
            return out
        finally:
            r.connection_pool.release(c)
    s(F, "nested multi, watch inside multi, discard", raw_multi)

    # pub/sub
    F = "pubsub"
    p = r.pubsub()
    s(F, "subscribe", lambda: (p.subscribe("ch1", "ch2"), p.get_message(timeout=1), p.get_message(timeout=1))[1:])
    s(F, "psubscribe", lambda: (p.psubscribe("c*"), p.get_message(timeout=1))[1])
    s(F, "pubsub numsub", lambda: r2.pubsub_numsub("ch1", "nosuch"))
    s(F, "pubsub numpat", lambda: r2.pubsub_numpat())
    s(F, "pubsub channels", lambda: r2.pubsub_channels(), norm=unordered)  # a dict's order
    s(F, "pubsub channels pattern", lambda: r2.pubsub_channels("ch1*"))
    s(F, "publish", lambda: r2.publish("ch1", "hello"))
    s(F, "message", lambda: p.get_message(timeout=1))
    s(F, "pmessage", lambda: p.get_message(timeout=1))
    s(F, "publish nobody", lambda: r2.publish("zz", "x"))

    def sub_ping():
        p.ping()
        return p.get_message(timeout=1)
    s(F, "ping while subscribed", sub_ping)

    def sub_command():
        c = p.connection
        c.send_command("GET", "s")
        try:
            return c.read_response()
        except redis.ResponseError as e:
            return e
    if p3:
        # RESP3: a subscribed client may run any command on the same connection.
        s(F, "get on the subscribed connection", sub_command)
    else:
        # RESP2: refused. 7.0 added the sharded SSUBSCRIBE and says "(P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE".
        s(F, "get on the subscribed connection", sub_command,
          v62=b"-ERR Can't execute 'get': only (P)SUBSCRIBE / (P)UNSUBSCRIBE / PING / QUIT / RESET"
              b" are allowed in this context\r\n")
    s(F, "unsubscribe one", lambda: (p.unsubscribe("ch2"), p.get_message(timeout=1))[1])
    s(F, "punsubscribe", lambda: (p.punsubscribe(), p.get_message(timeout=1))[1])
    s(F, "unsubscribe all", lambda: (p.unsubscribe(), p.get_message(timeout=1))[1])
    s(F, "numsub after", lambda: r2.pubsub_numsub("ch1"))
    s(F, "close", lambda: p.close())

    # HELLO
    F = "hello"
    s(F, "hello (same protocol)", lambda: x("HELLO", rec.protocol), norm=handshake)
    s(F, "hello setname", lambda: x("HELLO", rec.protocol, "SETNAME", "py"), norm=handshake)
    s(F, "hello bad version", lambda: x("HELLO", "4"))
    s(F, "hello not a number", lambda: x("HELLO", "x"))

    # CLIENT
    F = "client"
    s(F, "client setname", lambda: r.client_setname("scenario"))
    s(F, "client getname", lambda: r.client_getname())
    s(F, "client setname with a space", lambda: x("CLIENT", "SETNAME", "a b"))
    s(F, "client id", lambda: r.client_id(), norm=integer_shape)
    s(F, "client list", lambda: r.client_list(), norm=client_list_shape)
    s(F, "client info", lambda: r.client_info(), norm=client_list_shape)
    s(F, "client list type pubsub", lambda: x("CLIENT", "LIST", "TYPE", "pubsub"), norm=client_list_shape)

    # CONFIG
    F = "config"
    s(F, "config get", lambda: r.config_get("maxmemory"))
    s(F, "config get policy", lambda: r.config_get("maxmemory-policy"))
    s(F, "config get none", lambda: r.config_get("nosuch-option"))
    s(F, "config get glob", lambda: r.config_get("appendf*"), norm=unordered_pairs)  # 7.0: a dict's order
    s(F, "config set", lambda: r.config_set("maxmemory-policy", "allkeys-lru"))
    s(F, "config get after set", lambda: r.config_get("maxmemory-policy"))
    s(F, "config set back", lambda: r.config_set("maxmemory-policy", "noeviction"))
    # (A bad CONFIG SET value or name: 6.2 and 7.0 word the error differently; not covered.)

    # INFO and other server commands whose values are the server's own
    F = "info"
    s(F, "info", lambda: r.info(), norm=info_shape)
    s(F, "info keyspace", lambda: r.info("keyspace"))  # counts of our own keys: equal
    s(F, "time", lambda: r.time(), norm=time_shape)
    s(F, "dbsize", lambda: r.dbsize())

    # DEBUG DIGEST: equal exactly when the datasets are (with no volatile keys)
    F = "debug"
    s(F, "persist", lambda: [r.persist(k) for k in r.keys("*")], norm=unordered)  # KEYS: a dict's order
    s(F, "debug digest", lambda: x("DEBUG", "DIGEST"))
    s(F, "debug digest-value", lambda: x("DEBUG", "DIGEST-VALUE", "h", "z", "L2", "ss", "s", "nosuch"))
    s(F, "flushall", lambda: r.flushall())
    s(F, "digest of nothing", lambda: x("DEBUG", "DIGEST"))

    # errors: wrong type, wrong arity, bad numbers, syntax
    F = "errors"
    s(F, "setup", lambda: (r.set("str", "v"), r.rpush("list", "a")))
    for args in (("LPUSH", "str", "a"), ("HSET", "str", "f", "v"), ("SADD", "str", "m"), ("ZADD", "str", "1", "m"),
                 ("GET", "list"), ("HGET", "list", "f"), ("SMEMBERS", "list"), ("ZRANGE", "list", "0", "-1"),
                 ("INCR", "list"), ("ZSCORE", "str", "m"), ("SINTER", "str"), ("ZUNIONSTORE", "d", "1", "str")):
        cmd(F, *args)
    for args in (("GET",), ("SET", "k"), ("HSET", "h", "f"), ("HGET", "h"), ("SADD", "s"), ("ZADD", "z", "1"),
                 ("LPUSH", "l"), ("ZRANGE", "z"), ("SUBSCRIBE",), ("CLIENT",), ("MULTI", "x"),
                 ("HMSET", "h", "f"), ("ZINCRBY", "z", "1")):
        cmd(F, *args)
    for args in (("INCRBY", "n", "x"), ("INCRBY", "n", "1.5"), ("SET", "big", "9223372036854775807"), ("INCR", "big"),
                 ("DECRBY", "n", "-9223372036854775808"), ("INCRBYFLOAT", "n", "x"), ("HINCRBY", "h", "f", "x"),
                 ("HINCRBYFLOAT", "h", "f", "x"), ("ZINCRBY", "z", "x", "m"), ("EXPIRE", "str", "x"),
                 ("LRANGE", "list", "a", "b"), ("ZRANGE", "z", "a", "b"), ("ZCOUNT", "z", "a", "b"),
                 ("LPOP", "list", "-2"), ("SRANDMEMBER", "s", "x"), ("HRANDFIELD", "h", "x"),
                 ("SET", "k", "v", "EX", "x"), ("BLPOP", "l", "x"), ("SCAN", "x")):
        cmd(F, *args)
    # 7.0 reads ZPOPMIN's count as a positive number ("value is out of range, must be positive").
    cmd(F, "ZPOPMIN", "z", "x", v62=b"-ERR value is not an integer or out of range\r\n")
    for args in (("SET", "k", "v", "FOO"), ("ZADD", "z", "FOO", "1", "m"), ("ZRANGE", "z", "0", "1", "FOO"),
                 ("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "0"), ("LINSERT", "list", "MIDDLE", "a", "b"),
                 ("LPOS", "list", "a", "FOO"), ("SCAN", "0", "FOO"), ("ZUNIONSTORE", "d", "1", "z", "AGGREGATE", "FOO")):
        cmd(F, *args)
    # Redis 7.0 words a bad subcommand "unknown subcommand 'X'. Try C HELP." and names subcommands
    # in arity errors ('config|get'); 6.2 has addReplySubcommandSyntaxError's one sentence for both.
    for args in (("CLIENT", "NOSUCH"), ("OBJECT", "FOO", "k"), ("CONFIG", "GET")):
        cmd(F, *args, v62=b"-ERR Unknown subcommand or wrong number of arguments for '%s'. Try %s HELP.\r\n"
            % (args[1].encode(), args[0].encode()))
    s(F, "unknown command", lambda: x("NOSUCHCOMMAND", "a"),
      v62=b"-ERR unknown command `NOSUCHCOMMAND`, with args beginning with: `a`, \r\n")
    # 7.0 quotes the name with ' and drops the trailing ", "


def compare(a, b, ours_is_redis7):
    """The first differing step of each family, as lines of text."""
    report, by_family = [], {}
    if len(a.steps) != len(b.steps):
        report.append("the scenario ran %d steps against ours, %d against redis-server" % (len(a.steps), len(b.steps)))
    for sa, sb in zip(a.steps, b.steps):
        family, label, ours, norm, v62, result = sa
        theirs, their_result = sb[2], sb[5]
        if v62 is not None and not ours_is_redis7:
            want, why = v62, "Redis 6.2's reply (7.0 differs on purpose)"
        else:
            want, why = theirs, "redis-server"
            if norm is not None:
                ours, want = norm(ours), norm(theirs)
        if ours != want and family not in by_family:
            by_family[family] = (label, ours, want, why, result, their_result)
    families = []
    for sa in a.steps:
        if sa[0] not in families:
            families.append(sa[0])
    for f in families:
        if f in by_family:
            label, ours, want, why, result, their_result = by_family[f]
            report.append("%s: first difference at %r\n    ours:  %s\n    %s: %s\n    (redis-py: ours %s; redis-server %s)"
                          % (f, label, esc(ours), why, esc(want), result[:200], their_result[:200]))
    return report, [f for f in families if f not in by_family], list(by_family)


def esc(b):
    out = []
    for c in b[:1500]:
        if c == 13:
            out.append("\\r")
        elif c == 10:
            out.append("\\n")
        elif c == 0x22 or c == 0x5c:
            out.append("\\" + chr(c))
        elif 32 <= c < 127:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + ('"…' if len(b) > 1500 else '"')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", type=int, required=True, help="port of the server under test")
    ap.add_argument("--redis", type=int, required=True, help="port of a real redis-server")
    ap.add_argument("--protocol", type=int, choices=(2, 3), default=3)
    ap.add_argument("--ours-is-redis7", action="store_true",
                    help="the server under test is a real Redis 7 too: compare the 6.2-only steps as well")
    args = ap.parse_args()
    runs = []
    for port in (args.ours, args.redis):
        rec = Recorder(port, args.protocol)
        scenario(rec)
        rec.close()
        runs.append(rec)
    report, same, differ = compare(runs[0], runs[1], args.ours_is_redis7)
    print("redis-py %s, protocol=%d, %d steps; equal: %s" % (redis.__version__, args.protocol, len(runs[0].steps),
                                                              ", ".join(same) or "none"))
    if report:
        print("DIFFERENT: %s" % ", ".join(differ))
        print("\n".join(report))
        return 1
    print("redis-py scenario: equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
