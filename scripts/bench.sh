#!/usr/bin/env bash
# SwiftRedis benchmark: our server against a real redis-server, on this machine, side by side.
#
# What it measures, and why:
#
#   1. Throughput. redis-benchmark (-t TESTS -n 200000 -c 50 --csv) at pipeline depth 1 (one
#      round trip per command: the event loop, syscalls and reply path dominate) and 16 (parsing
#      and command execution dominate). Servers take turns test by test, ours, redis, ours,
#      redis, … so that drift on the machine (other load, CPU clock) hits both alike; we report
#      the median of ROUNDS runs each, and ours/redis. With --trace-cost a third server, built with
#      -DSWIFT_REDIS_NO_TRACE, joins the rotation: traced/no-trace near 1.00 shows that trace
#      mode costs nothing when it is off. The tests cover strings (ping_mbulk … mset), lists
#      (lpush, lpop, lrange_100, lrange_600), sets (sadd, spop), hashes (hset) and sorted sets
#      (zadd, zpopmin). A pop (lpop, spop, zpopmin) runs on what the push before it left (no
#      FLUSHALL in between); redis-benchmark's sadd/zadd add one member again and again (no -r),
#      so spop and zpopmin mostly answer an empty reply, on both servers alike.
#   2. Memory per key. 1,000,000 `SET key:%012d <16-byte value>` into a fresh server. Ours: the
#      growth of the process's resident set (VmRSS in /proc/PID/status), which is what the
#      machine pays. Redis: both its own `used_memory` (what the allocator handed out) and VmRSS.
#      The headline ratio is ours(RSS)/redis(used_memory), the number Redis users know.
#   4. The default set (--default-set, or --sections defaultset; not run otherwise).
#      redis-benchmark's whole default test list (no -t) with -n DEFAULT_REQUESTS at each depth of
#      PIPELINES, once against ours and once against redis, with a table and ratio per test.
#      redis-benchmark stops at the first error reply ("Error from server: …", exit status 1);
#      such a run is reported as FAILED with that line, and the missing tests show as "-".
#   3. Latency while the keyspace grows. A fresh server is filled to 3,000,000 keys over one
#      pipelined connection while a second connection sends `SET probe x`, one at a time, and
#      times each round trip. A hash table that stops the world to grow (Swift's Dictionary
#      does, for over a second at 3M keys) shows up as the max; Redis rehashes incrementally.
#
# Each server listens on a free 127.0.0.1 port (never 6379) and runs in a temporary directory;
# everything started here is killed on exit. The machine it was written for has 2 cores: one for
# the server, one for the client, so nothing here runs two servers' loads at once.
#
# Usage: scripts/bench.sh [--trace-cost] [--scratch-path DIR] [--no-build] [--sections LIST] [--default-set]
#   --trace-cost        also build DIR-notrace with -Xswiftc -DSWIFT_REDIS_NO_TRACE and compare
#   --scratch-path DIR  SwiftPM scratch path for the release build (default .build; env SCRATCH_PATH)
#   --no-build          use the binary already in the scratch path(s)
#   --sections LIST     comma list of throughput,memory,latency,defaultset (default: the first three)
#   --default-set       only the default set: the same as --sections defaultset
#
# Environment (defaults in brackets):
#   ROUNDS [3]  TESTS [ping_mbulk,set,get,incr,mset,lpush,lpop,sadd,spop,hset,zadd,zpopmin,lrange_100,lrange_600]
#   REQUESTS [200000]  CLIENTS [50]  DEFAULT_REQUESTS [100000] (the default set)
#   PIPELINES ["1 16"]  MEM_KEYS [1000000]  GROW_KEYS [3000000]  GROW_TIMEOUT [300] seconds
#   BENCH_TIMEOUT [300] seconds per redis-benchmark run   STARTUP_TIMEOUT [30] seconds
#   REDIS_SERVER [redis-server]   KEEP_TMP=1 keeps the temp dir (logs, raw CSVs)   PIN [0]
#   APPENDONLY [unset]: everysec|always|no starts every server of the throughput section with
#     `--appendonly yes --appendfsync <value>`, each writing its AOF in its own temp dir.
#   OURS_CMD, NOTRACE_CMD: run this command instead of our built server (no build); the script
#     appends `--port P --save "" --bind 127.0.0.1`. OURS_CMD=redis-server benchmarks Redis
#     against itself, which checks the script and shows the noise floor (ratios near 1.00).
#
# Exit status: 0 on success; 1 if a build fails, a server fails to start or dies during a run,
# or a fill/probe run fails or times out (the report is still printed).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/scripts"
cd "$ROOT"

# MARK: - options

TRACE_COST=0
BUILD=1
SECTIONS="throughput,memory,latency"
SCRATCH="${SCRATCH_PATH:-.build}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trace-cost) TRACE_COST=1 ;;
        --scratch-path) SCRATCH="$2"; shift ;;
        --scratch-path=*) SCRATCH="${1#*=}" ;;
        --no-build) BUILD=0 ;;
        --sections) SECTIONS="$2"; shift ;;
        --sections=*) SECTIONS="${1#*=}" ;;
        --default-set) SECTIONS="defaultset" ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

ROUNDS="${ROUNDS:-3}"
TESTS="${TESTS:-ping_mbulk,set,get,incr,mset,lpush,lpop,sadd,spop,hset,zadd,zpopmin,lrange_100,lrange_600}"
DEFAULT_REQUESTS="${DEFAULT_REQUESTS:-100000}"
REQUESTS="${REQUESTS:-200000}"
CLIENTS="${CLIENTS:-50}"
PIPELINES="${PIPELINES:-1 16}"
MEM_KEYS="${MEM_KEYS:-1000000}"
GROW_KEYS="${GROW_KEYS:-3000000}"
GROW_TIMEOUT="${GROW_TIMEOUT:-300}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-300}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-30}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
APPENDONLY="${APPENDONLY:-}"
case "$APPENDONLY" in
    ""|always|everysec|no) ;;
    *) echo "bench.sh: APPENDONLY must be always, everysec or no (got '$APPENDONLY')" >&2; exit 2 ;;
esac
# Extra server arguments for the section being run (the AOF settings, for throughput only).
SERVER_EXTRA=""

# PIN=1 pins servers to CPU 0 and redis-benchmark to CPU 1 (with taskset). Off by default: on the
# 2-vCPU VM this was written on, pinning made -P 1 results noisier, not steadier.
SERVER_PIN="" CLIENT_PIN=""
if [[ "${PIN:-0}" == 1 ]] && command -v taskset >/dev/null && (($(nproc) >= 2)); then
    SERVER_PIN="taskset -c 0" CLIENT_PIN="taskset -c 1"
fi

has_section() { [[ ",$SECTIONS," == *",$1,"* ]]; }

for tool in redis-benchmark redis-cli python3 "$REDIS_SERVER"; do
    command -v "$tool" >/dev/null || { echo "bench.sh: $tool not found (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

FAILED=0
fail() { echo "FAILED: $*" >&2; FAILED=1; }

# MARK: - temp dir, cleanup

TMP=$(mktemp -d "${TMPDIR:-/tmp}/swift-redis-bench.XXXXXX")
declare -A PID=() PORT=() DIR=()

CHILD=""   # the client run in progress (process group id), see run()

cleanup() {
    local label pid
    [[ -n "$CHILD" ]] && kill -TERM -- "-$CHILD" 2>/dev/null
    for label in "${!PID[@]}"; do
        kill -TERM -- "-${PID[$label]}" 2>/dev/null || true
    done
    for label in "${!PID[@]}"; do
        pid="${PID[$label]}"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "(kept $TMP)" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run() { # run a client (benchmark, fill) in its own process group and wait for it. Bash runs a
        # trap only when the foreground command ends; `wait` returns at once, so Ctrl-C or
        # SIGTERM stops the script now, and cleanup() stops the client's whole group.
    local rc=0
    setsid "$@" &
    CHILD=$!
    wait "$CHILD" || rc=$?
    CHILD=""
    return "$rc"
}

# MARK: - build

# Command lines (shell words, eval'ed) for each server kind; `--port … --save "" --bind …` is
# appended at start.
declare -A CMD=()

build_server() { # build_server SCRATCH [extra swift build args…] → prints the binary's path
    local scratch="$1"; shift
    echo "building swift-redis-server (release, scratch path $scratch${*:+, $*})" >&2
    swift build -c release --product swift-redis-server --scratch-path "$scratch" "$@" >&2
    echo "$(swift build -c release --scratch-path "$scratch" "$@" --show-bin-path)/swift-redis-server"
}

bin_path() { # the binary a previous build left in SCRATCH
    local p="$1/release/swift-redis-server"
    [[ -x "$p" ]] || { echo "bench.sh: no $p (drop --no-build)" >&2; exit 1; }
    # Absolute: the servers run in a temporary directory.
    echo "$(cd "$(dirname "$p")" && pwd)/swift-redis-server"
}

if [[ -n "${OURS_CMD:-}" ]]; then
    CMD[ours]="$OURS_CMD"
elif [[ $BUILD == 1 ]]; then
    CMD[ours]=$(printf '%q' "$(build_server "$SCRATCH")")
else
    CMD[ours]=$(printf '%q' "$(bin_path "$SCRATCH")")
fi
if [[ $TRACE_COST == 1 ]]; then
    if [[ -n "${NOTRACE_CMD:-}" ]]; then
        CMD[notrace]="$NOTRACE_CMD"
    elif [[ $BUILD == 1 ]]; then
        CMD[notrace]=$(printf '%q' "$(build_server "$SCRATCH-notrace" -Xswiftc -DSWIFT_REDIS_NO_TRACE)")
    else
        CMD[notrace]=$(printf '%q' "$(bin_path "$SCRATCH-notrace")")
    fi
fi
CMD[redis]="$(printf '%q' "$REDIS_SERVER") --appendonly no"

# MARK: - servers

free_port() { # a port nobody listens on now, never 6379
    python3 - <<'EOF'
import socket
while True:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    if p != 6379:
        print(p)
        break
EOF
}

cli() { redis-cli -h 127.0.0.1 -p "${PORT[$1]}" "${@:2}"; }

start_server() { # start_server LABEL: fresh process, fresh port, fresh directory; waits for PING
    local label="$1" port dir
    port=$(free_port)
    dir="$TMP/$label-$port"
    mkdir -p "$dir"
    local cmd="${CMD[$label]} --port $port --save '' --bind 127.0.0.1$SERVER_EXTRA"
    [[ $label == redis ]] && cmd+=" --dir $(printf '%q' "$dir")"
    echo "$cmd" >"$dir/cmdline"
    # exec: $! is the server itself, so /proc/$!/status is the server's memory. setsid makes it
    # the leader of its own process group, so stopping the group also stops anything it forks
    # (a BGSAVE child, or the real server behind a wrapper given as OURS_CMD).
    ( cd "$dir" && eval "exec setsid $SERVER_PIN $cmd" ) >"$dir/log" 2>&1 </dev/null &
    PID[$label]=$!
    PORT[$label]=$port
    DIR[$label]=$dir
    local deadline=$((SECONDS + STARTUP_TIMEOUT))
    until [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; do
        if ! kill -0 "${PID[$label]}" 2>/dev/null || ((SECONDS >= deadline)); then
            echo "FAILED: $label did not start: $cmd" >&2
            tail -n 20 "$dir/log" | sed 's/^/  | /' >&2
            exit 1
        fi
        sleep 0.05
    done
    grep -q "Ready to accept connections" "$dir/log" ||
        echo "note: $label answered PING but logged no 'Ready to accept connections'" >&2
}

stop_server() { # stop_server LABEL: SIGTERM to its process group, then SIGKILL after 10 s
    local label="$1" pid="${PID[$1]}"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PID[$label]"
}

check_alive() { # check_alive LABEL WHAT: if the server died, say so and start a fresh one
    local label="$1"
    if ! kill -0 "${PID[$label]}" 2>/dev/null; then
        fail "$label died during $2"
        tail -n 20 "${DIR[$label]}/log" | sed 's/^/  | /' >&2
        unset "PID[$label]"
        start_server "$label"
    fi
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/${PID[$1]}/status"; }
info_field() { cli "$1" info "$2" 2>/dev/null | tr -d '\r' | sed -n "s/^$3://p"; }

# MARK: - report header

machine_busy() { # percent of all CPU time spent busy over one second, from /proc/stat
    local a b
    a=$(head -1 /proc/stat); sleep 1; b=$(head -1 /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {
        n = split(a, x); split(b, y); total = 0
        for (i = 2; i <= n; i++) total += y[i] - x[i]
        idle = (y[5] - x[5]) + (y[6] - x[6])
        printf "%d", (total > 0 ? 100 * (total - idle) / total : 0) }'
}

SUMMARY="$TMP/summary.txt"
: >"$SUMMARY"
LABELS=(ours redis)
[[ $TRACE_COST == 1 ]] && LABELS=(ours redis notrace)

echo "== SwiftRedis benchmark  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   host: $(nproc) cores, $(uname -sm); $("$REDIS_SERVER" --version | grep -o 'v=[^ ]*' | sed 's/v=/redis-server /')"
busy=$(machine_busy)
echo "   machine busy before start: ${busy}% of all cores"
((busy < 15)) || echo "   WARNING: something else is using the CPU; ratios will be noisy (compare Redis with itself: OURS_CMD=redis-server)"
echo "   tree: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'no commits')"
for label in "${LABELS[@]}"; do echo "   $label: ${CMD[$label]}"; done
[[ -n "$APPENDONLY" ]] && echo "   throughput with AOF: --appendonly yes --appendfsync $APPENDONLY (both servers, in their temp dirs)"
echo

# MARK: - 1. throughput

if has_section throughput; then
    t0=$SECONDS
    echo "== Throughput: redis-benchmark -t {$TESTS} -n $REQUESTS -c $CLIENTS -P {${PIPELINES// /,}} --csv, median of $ROUNDS rounds"
    RES="$TMP/throughput"
    mkdir -p "$RES"
    IFS=, read -ra TEST_LIST <<<"$TESTS"
    # The last --appendonly wins, so this overrides the `--appendonly no` in CMD[redis].
    [[ -n "$APPENDONLY" ]] && SERVER_EXTRA=" --appendonly yes --appendfsync $APPENDONLY"
    for label in "${LABELS[@]}"; do start_server "$label"; done
    # Servers alternate test by test (ours, redis[, notrace], then the next test), not run by run:
    # a pair measured seconds apart sees the same machine, so drift and neighbours' load affect
    # both sides of a ratio alike. FLUSHALL before each run starts every server from empty.
    for depth in $PIPELINES; do
        for ((round = 1; round <= ROUNDS; round++)); do
            s=$SECONDS
            for i in "${!TEST_LIST[@]}"; do
                test="${TEST_LIST[$i]}"
                for label in "${LABELS[@]}"; do
                    case "$test" in lpop|rpop|spop|zpopmin) ;; *) cli "$label" flushall >/dev/null ;; esac
                    out=$(printf '%s/%s_P%s_r%s_t%02d.csv' "$RES" "$label" "$depth" "$round" "$i")
                    if ! run timeout "$BENCH_TIMEOUT" $CLIENT_PIN redis-benchmark -h 127.0.0.1 -p "${PORT[$label]}" \
                            -t "$test" -n "$REQUESTS" -c "$CLIENTS" -P "$depth" --csv -q >"$out" 2>"$out.err"; then
                        fail "redis-benchmark -t $test -P $depth against $label failed or timed out: $(head -c 200 "$out.err")"
                    fi
                    check_alive "$label" "redis-benchmark -t $test -P $depth"
                done
            done
            printf '   -P %-2s round %d/%d  %3d s\n' "$depth" "$round" "$ROUNDS" $((SECONDS - s))
        done
    done
    for label in "${LABELS[@]}"; do stop_server "$label"; done
    SERVER_EXTRA=""
    echo
    python3 "$HERE/bench_table.py" "$RES" --summary-file "$SUMMARY" || fail "no throughput results"
    echo "   ($((SECONDS - t0)) s)"
    echo
fi

# MARK: - 2. memory per key

if has_section memory; then
    t0=$SECONDS
    echo "== Memory: $MEM_KEYS keys, SET key:%012d <16-byte value>, into a fresh server"
    declare -A MEM=()
    for label in ours redis; do
        start_server "$label"
        rss0=$(rss_kb "$label"); um0=$(info_field "$label" memory used_memory)
        run python3 "$HERE/fill_latency.py" fill --port "${PORT[$label]}" --keys "$MEM_KEYS" --label "   $label" ||
            fail "filling $label"
        rss1=$(rss_kb "$label"); um1=$(info_field "$label" memory used_memory)
        keys=$(cli "$label" dbsize)
        [[ "$keys" =~ ^[0-9]+$ && "$keys" -gt 0 ]] || { fail "$label DBSIZE answered '$keys'"; keys=$MEM_KEYS; }
        MEM[$label.keys]=$keys
        MEM[$label.rss]=$(awk -v a="$rss0" -v b="$rss1" -v k="$keys" 'BEGIN {printf "%.1f", (b - a) * 1024 / k}')
        if [[ "$um0" =~ ^[0-9]+$ && "$um1" =~ ^[0-9]+$ ]]; then
            MEM[$label.used]=$(awk -v a="$um0" -v b="$um1" -v k="$keys" 'BEGIN {printf "%.1f", (b - a) / k}')
        else
            MEM[$label.used]="-"
        fi
        MEM[$label.rss0]=$rss0; MEM[$label.rss1]=$rss1
        stop_server "$label"
    done
    echo
    printf '   %-6s %9s %14s %14s %12s %18s\n' server keys "RSS before" "RSS after" "RSS B/key" "used_memory B/key"
    for label in ours redis; do
        printf '   %-6s %9s %11s kB %11s kB %12s %18s\n' "$label" "${MEM[$label.keys]}" "${MEM[$label.rss0]}" \
            "${MEM[$label.rss1]}" "${MEM[$label.rss]}" "${MEM[$label.used]}"
    done
    ratio=$(awk -v a="${MEM[ours.rss]}" -v b="${MEM[redis.used]}" 'BEGIN {if (b + 0 > 0) printf "%.2f", a / b; else print "-"}')
    ratio_rss=$(awk -v a="${MEM[ours.rss]}" -v b="${MEM[redis.rss]}" 'BEGIN {if (b + 0 > 0) printf "%.2f", a / b; else print "-"}')
    echo
    echo "   ours(RSS)/redis(used_memory) = $ratio    ours(RSS)/redis(RSS) = $ratio_rss"
    echo "memory: ours ${MEM[ours.rss]} B/key (RSS), redis ${MEM[redis.used]} B/key (used_memory) / ${MEM[redis.rss]} B/key (RSS); ours/redis(used_memory) $ratio" >>"$SUMMARY"
    echo "   ($((SECONDS - t0)) s)"
    echo
fi

# MARK: - 3. latency while the keyspace grows

if has_section latency; then
    t0=$SECONDS
    echo "== Latency while growing to $GROW_KEYS keys (one pipelined fill connection, one probe connection sending SET probe x)"
    LAT="$TMP/latency.txt"
    : >"$LAT"
    for label in ours redis; do
        start_server "$label"
        run python3 "$HERE/fill_latency.py" grow --port "${PORT[$label]}" --keys "$GROW_KEYS" --timeout "$GROW_TIMEOUT" \
            --label "   $label" --result-file "$LAT" || fail "latency run against $label"
        check_alive "$label" "the growing fill"
        stop_server "$label"
    done
    echo
    printf '   %-6s %10s %10s %10s %9s %10s\n' server "max ms" "p99 ms" "p50 ms" probes "keys"
    while read -r label rest; do
        eval "$(tr ' ' '\n' <<<"$rest" | grep -E '^[a-z0-9_]+=' | sed 's/^/local_/')"
        # shellcheck disable=SC2154  # set by the eval above
        printf '   %-6s %10s %10s %10s %9s %10s%s\n' "$label" "$local_max_ms" "$local_p99_ms" "$local_p50_ms" \
            "$local_probes" "$local_keys" "$([[ $local_timed_out == 1 ]] && echo '  (timed out)')"
        echo "latency growing to $GROW_KEYS keys: $label max $local_max_ms ms, p99 $local_p99_ms ms ($local_probes probes)$(
            [[ $local_timed_out == 1 ]] && echo ", TIMED OUT at $local_keys keys")" >>"$SUMMARY"
    done <"$LAT"
    echo "   ($((SECONDS - t0)) s)"
    echo
fi

# MARK: - 4. the default set

if has_section defaultset; then
    t0=$SECONDS
    echo "== Default set: redis-benchmark (no -t) -n $DEFAULT_REQUESTS -c $CLIENTS -P {${PIPELINES// /,}} --csv"
    RES="$TMP/defaultset"
    mkdir -p "$RES"
    for label in ours redis; do start_server "$label"; done
    for depth in $PIPELINES; do
        for label in ours redis; do
            cli "$label" flushall >/dev/null
            out="$RES/${label}_P${depth}_r1.csv"
            s=$SECONDS
            if ! run timeout "$BENCH_TIMEOUT" $CLIENT_PIN redis-benchmark -h 127.0.0.1 -p "${PORT[$label]}" \
                    -n "$DEFAULT_REQUESTS" -c "$CLIENTS" -P "$depth" --csv -q >"$out" 2>"$out.err"; then
                fail "default set -P $depth against $label stopped: $(grep -h -m1 'Error from server' "$out" "$out.err" ||
                    head -c 200 "$out.err")"
            elif grep -q 'Error from server' "$out" "$out.err"; then
                fail "default set -P $depth against $label: $(grep -h -m1 'Error from server' "$out" "$out.err")"
            fi
            printf '   -P %-2s %-5s %3d s\n' "$depth" "$label" $((SECONDS - s))
            check_alive "$label" "the default set at -P $depth"
        done
    done
    for label in ours redis; do stop_server "$label"; done
    echo
    python3 "$HERE/bench_table.py" "$RES" --summary-file "$SUMMARY" --summary-label "default set" || fail "no default-set results"
    echo "   ($((SECONDS - t0)) s)"
    echo
fi

# MARK: - summary

echo "== Summary"
sed 's/^/   /' "$SUMMARY"
((FAILED == 0)) || echo "   SOME RUNS FAILED (see FAILED lines above)"
exit "$FAILED"
