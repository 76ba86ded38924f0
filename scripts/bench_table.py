#!/usr/bin/env python3
"""Summarise redis-benchmark --csv runs for scripts/bench.sh (Python standard library only).

Reads every `<label>_P<depth>_r<round>[_t<index>].csv` in a directory, takes the median requests/s per
(server, pipeline depth, test) over the rounds, and prints one table row per test and depth:
ours, redis, ours/redis, and, when a `notrace` server was run, traced/no-trace.

redis-benchmark 7 writes a quoted CSV header ("test","rps",...) and one quoted row per test; the
test name is its own label ("PING_MBULK", "MSET (10 keys)", "LRANGE_100 (first 100 elements)",
plus an extra "LPUSH (needed to benchmark LRANGE)" before the LRANGE tests). We parse with the
csv module and keep any row whose second field is a number, so headers, blank lines and stray
messages are skipped. A run that failed or timed out just has missing rows, shown as "-". The
"LPUSH (needed to benchmark LRANGE)" rows are the LRANGE tests' set-up, not a test: left out.
"""

import argparse
import csv
import math
import os
import re
import statistics
import sys

NAME = re.compile(r"^(?P<label>[A-Za-z0-9-]+)_P(?P<depth>\d+)_r(?P<round>\d+)(_t\d+)?\.csv$")


def read_runs(directory):
    """{(label, depth): {test: [rps per round]}}, and test names in first-seen order."""
    runs, order = {}, []
    for fn in sorted(os.listdir(directory)):
        m = NAME.match(fn)
        if not m:
            continue
        key = (m["label"], int(m["depth"]))
        with open(os.path.join(directory, fn), newline="", errors="replace") as f:
            for row in csv.reader(f):
                if len(row) < 2:
                    continue
                try:
                    rps = float(row[1])
                except ValueError:
                    continue  # the header, or noise
                test = row[0].strip()
                if "(needed to benchmark" in test:
                    continue
                runs.setdefault(key, {}).setdefault(test, []).append(rps)
                if test not in order:
                    order.append(test)
    return runs, order


def fmt_rps(v):
    return "-" if v is None else "{:,.0f}".format(v)


def fmt_ratio(a, b):
    return "-" if a is None or b is None or b == 0 else "%.2f" % (a / b)


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory")
    ap.add_argument("--summary-file", help="append summary lines here")
    ap.add_argument("--summary-label", default="throughput", help="first word of the summary lines")
    args = ap.parse_args()

    runs, order = read_runs(args.directory)
    depths = sorted({d for (_, d) in runs})
    labels = {l for (l, _) in runs}
    notrace = "notrace" in labels

    def med(label, depth, test):
        xs = runs.get((label, depth), {}).get(test)
        return statistics.median(xs) if xs else None

    def nrounds(label, depth, test):
        return len(runs.get((label, depth), {}).get(test, []))

    width = max([len(t) for t in order] + [4])
    head = "%-*s %3s %12s %12s %10s" % (width, "test", "P", "ours rps", "redis rps", "ours/redis")
    if notrace:
        head += " %12s %14s" % ("no-trace rps", "traced/no-trace")
    print(head)
    print("-" * len(head))

    ratios = {d: [] for d in depths}
    trace_ratios = []
    for depth in depths:
        for test in order:
            ours, redis = med("ours", depth, test), med("redis", depth, test)
            line = "%-*s %3d %12s %12s %10s" % (width, test, depth, fmt_rps(ours), fmt_rps(redis),
                                                 fmt_ratio(ours, redis))
            if ours and redis:
                ratios[depth].append(ours / redis)
            if notrace:
                nt = med("notrace", depth, test)
                line += " %12s %14s" % (fmt_rps(nt), fmt_ratio(ours, nt))
                if ours and nt:
                    trace_ratios.append(ours / nt)
            n = {nrounds(l, depth, test) for l in labels}
            if len(n) > 1 or 0 in n:
                line += "   (rounds: %s)" % ", ".join("%s %d" % (l, nrounds(l, depth, test)) for l in sorted(labels))
            print(line)
        print()

    summary = []
    for depth in depths:
        g = geomean(ratios[depth])
        if g is not None:
            summary.append("%s -P %-2d ours/redis geometric mean %.2f (min %.2f, max %.2f, %d tests)" % (
                args.summary_label, depth, g, min(ratios[depth]), max(ratios[depth]), len(ratios[depth])))
    if trace_ratios:
        summary.append("trace cost: traced/no-trace geometric mean %.2f (min %.2f, max %.2f)" % (
            geomean(trace_ratios), min(trace_ratios), max(trace_ratios)))
    if args.summary_file and summary:
        with open(args.summary_file, "a") as f:
            f.write("\n".join(summary) + "\n")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
