#!/usr/bin/env bash
# Does trace mode cost anything when it is off? Counts the instructions our server executes for
# the same 200,000 commands (SET and GET, pipelined by redis-cli --pipe), once with the normal
# release build (trace calls present, tracing off) and once with a build compiled with
# -DSWIFT_REDIS_NO_TRACE (every `tracer.on(...)` is the constant false and the calls vanish).
#
# Instruction counts from valgrind's callgrind are repeatable whatever else the machine does,
# unlike requests per second on a shared 2-core machine, where run-to-run noise is ±10%.
#
# Usage: scripts/trace-cost.sh [ROUNDS]     (needs valgrind, redis-cli; ~1 minute)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-2}
swift build -c release --product swift-redis-server >/dev/null
swift build -c release --product swift-redis-server --scratch-path .build-notrace -Xswiftc -DSWIFT_REDIS_NO_TRACE >/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$TMP/work.txt" <<'PY'
import sys
with open(sys.argv[1], "wb") as o:
    for i in range(100000):
        k = b"key:%012d" % (i % 5000)
        o.write(b"*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$3\r\nxyz\r\n*2\r\n$3\r\nGET\r\n$16\r\n%s\r\n" % (k, k))
PY
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
count() { # binary → instructions
    local port out
    port=$(free_port)
    out="$TMP/cg.$RANDOM"
    (cd "$TMP" && valgrind --tool=callgrind --callgrind-out-file="$out" "$1" --port "$port" >/dev/null 2>&1) &
    for _ in $(seq 150); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
    redis-cli -p "$port" --pipe < "$TMP/work.txt" >/dev/null
    redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
    wait
    callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }'
}
for r in $(seq "$ROUNDS"); do
    a=$(count "$ROOT/.build/release/swift-redis-server")
    b=$(count "$ROOT/.build-notrace/release/swift-redis-server")
    python3 -c "a,b=$a,$b; print(f'round $r: tracing off {a:,} instructions, no trace calls {b:,}, ratio {a/b:.4f} ({(a-b)/200000:.1f} instructions per command)')"
done
