#!/usr/bin/env python3
"""The Python side of cross-process.sh: reads h2load's output, and renders the cross-process table.

Usage:
  cross_process.py h2load IMPL K SECONDS ROUNDS H2LOAD_OUTPUT H2LOAD_LOG
      Checks that every request of an h2load run succeeded with HTTP 200 and prints, like
      CrossClient, a summary and a ROUNDS line: the run's SECONDS split into ROUNDS equal rounds,
      each round's rate being the responses that ended in it (from --log-file) per second.
      Exits 1, saying why, if any request failed.
  cross_process.py table ROUNDS_TSV TABLE_MD MODE DESCRIPTION
      Writes TABLE_MD from the ROUNDS (and FAILED) lines collected in ROUNDS_TSV, then prints it.

The errors, steadiness flags and cell formats are render.py's, so this table reads like the JMH one:
± is the half-width of the 99.9% confidence interval of the mean over the rounds (Student's t, as
JMH computes scoreError), a ratio's relative error is the two relative errors in quadrature, and
† marks rounds that spread or drift more than render.py allows.

Python 3 standard library only.
"""

import datetime
import math
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402  (the same directory; not a package)

IMPLS = ["rpc-jetty", "grpc-netty", "grpc-netty-direct"]
RATIOS = [("rpc-jetty", "grpc-netty"), ("rpc-jetty", "grpc-netty-direct")]
WORKLOADS = {"server-streaming": (1, "Server streaming"), "client-streaming": (2, "Client streaming"),
             "ping-pong": (3, "Bidi ping-pong")}
# Student's t at 0.9995 (two-sided 99.9%) by degrees of freedom; beyond 30, 30's value (conservative)
T_9995 = [636.619, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587, 4.437, 4.318, 4.221,
          4.140, 4.073, 4.015, 3.965, 3.922, 3.883, 3.850, 3.819, 3.792, 3.768, 3.745, 3.725, 3.707, 3.690,
          3.674, 3.659, 3.646]


def error_999(values):
    """Half-width of the 99.9% confidence interval of the mean; None for 2 values or fewer, as in JMH."""
    n = len(values)
    if n <= 2:
        return None
    return T_9995[min(n - 1, len(T_9995)) - 1] * statistics.stdev(values) / math.sqrt(n)


def h2load(impl, k, seconds, rounds, output_path, log_path):
    with open(output_path, encoding="utf-8", errors="replace") as f:
        output = f.read()
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", output)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", output)
    rate = re.search(r"finished in [^,]*, ([\d.]+) req/s", output)
    if not (m and codes and rate):
        print(f"h2load output not understood: {output_path}", file=sys.stderr)
        return 1
    total, started, done, succeeded, failed, errored, timeout = map(int, m.groups())
    other = sum(map(int, codes.groups()[1:]))
    # Not "2xx == done": h2load 1.52 can leave out of its status tally a response that ends as the
    # run stops (seen: 256,914 done and succeeded, 256,913 2xx). Every logged status is checked below.
    if done == 0 or succeeded != done or failed or errored or timeout or other:
        print(f"h2load: {done} done, {succeeded} succeeded, {failed} failed, {errored} errored, {timeout} timed out, "
              f"{other} with a status other than 2xx: not every call succeeded", file=sys.stderr)
        return 1
    round_us = seconds * 1e6 / rounds
    counts = [0] * rounds
    first = None
    ends = []
    cut_off = 0
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            start, status, duration = line.split("\t")[:3]
            if status.strip() == "0" and cut_off < k:
                # A response still in flight when the timed run stopped: logged without a status
                # (at most one per stream in flight). Not counted.
                cut_off += 1
                continue
            if status.strip() != "200":
                print(f"h2load log: a request ended with status {status}", file=sys.stderr)
                return 1
            start = int(start)
            first = start if first is None else min(first, start)
            ends.append(start + int(duration))
    if not ends:
        print(f"h2load log {log_path} is empty", file=sys.stderr)
        return 1
    for end in ends:  # rounds start when the first measured request did
        i = int((end - first) // round_us)
        if 0 <= i < rounds:
            counts[i] += 1
    rates = [c / (round_us / 1e6) for c in counts]
    mean = statistics.mean(rates)
    spread = f"; mean {mean:,.0f}, spread {(max(rates) - min(rates)) / mean:.1%} of the mean"
    print(f"  h2load -c 1 -m {k}: {float(rate.group(1)):,.0f} calls/s over {seconds} s ({done:,} calls, all HTTP "
          f"200); rounds of {seconds / rounds:g} s: " + ", ".join(f"{r:,.0f}" for r in rates) + spread)
    print("\t".join(["ROUNDS", impl, "unary", str(k), "calls/s", ",".join(f"{r:.1f}" for r in rates)]))
    return 0


def table(rounds_path, out_path, mode, description):
    rows = []  # (sort key, label, unit, impl, rates)
    failures = []
    with open(rounds_path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "FAILED":
                failures.append(fields[1:])
            elif fields[0] == "ROUNDS":
                impl, workload, param, unit, rates = fields[1:6]
                rates = [float(r) for r in rates.split(",") if r]
                if workload == "unary":
                    key, label = (0, int(param)), f"Unary, K={param} (h2load)"
                else:
                    order, name = WORKLOADS[workload]
                    key, label = (order, int(param)), f"{name}, {render.size_label(param)}"
                rows.append((key, label, unit, impl, rates))
    rows.sort(key=lambda r: r[0])
    throughput = render.Table()
    unsteady, checked = [], False
    for _, label, unit, impl, rates in rows:
        st = render.steadiness([rates])
        checked = checked or st["checked"]
        throughput.put(label, unit, "higher", impl, statistics.mean(rates), error_999(rates), st["flags"])
        if st["flags"]:
            unsteady.append((label, impl, unit, st))
    lines = [f"# rpc vs grpc-java across processes — mode `{mode}`", "",
             f"{datetime.date.today().isoformat()}: {description}", "",
             "Each server runs in a JVM of its own (`rpc.benchmarks.CrossServer`), the load in another process on "
             "127.0.0.1: streams from a `rpc.benchmarks.CrossClient` JVM using the JMH benchmarks' client code, "
             "unary calls from h2load on one HTTP/2 connection with K streams in flight. A round is one timed "
             "interval after the warm-up; a figure is the mean of the rounds."]
    if checked:
        lines += ["", render.error_note("rounds", "Student's t, as JMH computes `scoreError`", percentiles=False),
                  "", render.steady_note("rounds", jmh=False)]
    else:
        lines += ["", "One round per figure: no errors, and steadiness is not checked."]
    lines += ["", "## Ratios (rpc-jetty / grpc-java)", ""]
    lines += render.ratio_section("Throughput", throughput,
                                  "Higher is better for rpc: 2.00× means rpc does twice as much.", RATIOS)
    lines += ["", "## Absolute numbers", ""]
    lines += render.absolute_section("Throughput", throughput, IMPLS) + [""]
    lines += ["## Not steady", ""]
    lines += render.unsteady_lines(unsteady, "rounds") or [
        f"None: every figure's rounds spread by at most {render.SPREAD_LIMIT:.0%} and drift by at most "
        f"{render.DRIFT_LIMIT:.0%}."]
    lines += [""]
    if failures:
        lines += ["## Failed", ""] + [f"- {' '.join(f[:3])}: {' '.join(f[3:])}" for f in failures] + [""]
    text = "\n".join(lines)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    return 0


def main(argv):
    if len(argv) == 8 and argv[1] == "h2load":
        return h2load(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), argv[6], argv[7])
    if len(argv) == 6 and argv[1] == "table":
        return table(argv[2], argv[3], argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
