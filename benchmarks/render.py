#!/usr/bin/env python3
"""Renders JMH JSON results of the rpc benchmarks into a chart and a Markdown table.

Usage: render.py OUT_DIR RESULT.json [RESULT.json ...]

Writes to OUT_DIR:
  results.json  every JMH result merged into one list, scores only (raw iteration data and
                histograms stay in the JMH files given as input)
  chart.svg     unary throughput against concurrency K, one line per implementation, log-scale x
  table.md      ratios rpc / grpc-java per workload, then absolute numbers

Python 3 standard library only.
"""

import datetime
import json
import math
import os
import sys
from xml.sax.saxutils import escape

IMPLS = ["rpc-jetty", "rpc-inprocess", "grpc-netty", "grpc-netty-direct", "grpc-inprocess", "grpc-inprocess-direct"]
RATIOS = [("rpc-jetty", "grpc-netty"), ("rpc-jetty", "grpc-netty-direct"),
          ("rpc-inprocess", "grpc-inprocess"), ("rpc-inprocess", "grpc-inprocess-direct")]
COLORS = {"rpc-jetty": "#d62728", "rpc-inprocess": "#d62728", "grpc-netty": "#1f77b4",
          "grpc-netty-direct": "#2ca02c", "grpc-inprocess": "#1f77b4", "grpc-inprocess-direct": "#2ca02c"}
DASHES = {"rpc-jetty": "", "rpc-inprocess": "", "grpc-netty": "6,4", "grpc-netty-direct": "2,3",
          "grpc-inprocess": "6,4", "grpc-inprocess-direct": "2,3"}
PERCENTILES = [("50.0", "p50"), ("99.0", "p99"), ("99.9", "p99.9")]
STREAMING = [("serverStreaming", "Server streaming", "messages/s"),
             ("clientStreaming", "Client streaming", "messages/s"),
             ("pingPong", "Bidi ping-pong", "round trips/s")]


def load(paths):
    results = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
        if not text:
            continue
        for r in json.loads(text):
            # per-iteration raw data stays in the JMH files; the merged file keeps scores only
            primary = r.get("primaryMetric", {})
            secondary = r.get("secondaryMetrics", {})
            for name in [n for n in secondary if n.startswith("p")]:
                del secondary[name]  # sample-mode percentiles, repeated from the primary metric
            for metric in [primary] + list(secondary.values()):
                metric.pop("rawData", None)
                metric.pop("rawDataHistogram", None)
                if metric is not primary or r.get("mode") != "sample":
                    metric.pop("scorePercentiles", None)
            results.append(r)
    return results


def method_of(result):
    cls, method = result["benchmark"].rsplit(".", 2)[-2:]
    return cls, method


def size_label(size):
    size = int(size)
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} B"


class Table:
    """Rows of (workload label, unit, better) → {impl: value}, in insertion order."""

    def __init__(self):
        self.rows = {}

    def put(self, label, unit, better, impl, value):
        row = self.rows.setdefault(label, {"unit": unit, "better": better, "values": {}})
        row["values"][impl] = value


def collect(results):
    throughput, latency, alloc = Table(), Table(), Table()
    unary = {}  # impl -> {K: calls/s}
    order = []
    for r in results:
        cls, method = method_of(r)
        p = r.get("params", {})
        impl = p.get("impl")
        score = r["primaryMetric"]["score"]
        norm = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        if cls == "UnaryBenchmark":
            k = int(p["concurrency"])
            unary.setdefault(impl, {})[k] = score
            order.append((0, k, 0, f"Unary, K={k}", "calls/s", "higher", impl, score, norm, "bytes/call"))
        elif cls == "LatencyBenchmark":
            k = int(p["concurrency"])
            pct = r["primaryMetric"].get("scorePercentiles", {})
            unit = r["primaryMetric"].get("scoreUnit", "us/op").replace("us/op", "µs")
            for i, (key, name) in enumerate(PERCENTILES):
                if key in pct:
                    order.append((1, k, i, f"Latency, K={k}, {name}", unit, "lower", impl, pct[key], None, None))
            # no allocation row: the background calls' garbage would be charged to the measured calls
        elif cls == "StreamingBenchmark":
            size = int(p.get("size", 0))
            for i, (m, name, unit) in enumerate(STREAMING):
                if m == method:
                    per = "bytes/round trip" if m == "pingPong" else "bytes/message"
                    order.append((2, i, size, f"{name}, {size_label(size)}", unit, "higher", impl, score, norm, per))
    order.sort(key=lambda t: t[:3])
    for _, _, _, label, unit, better, impl, value, norm, norm_unit in order:
        if value is not None:
            (latency if better == "lower" else throughput).put(label, unit, better, impl, value)
        if norm is not None:
            alloc.put(label, norm_unit, "lower", impl, norm)
    return throughput, latency, alloc, unary


def fmt(value, unit):
    if value is None:
        return "—"
    if unit in ("µs", "ms", "ns"):
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def ratio_section(title, table, note):
    lines = [f"### {title}", "", note, ""]
    lines.append("| workload | unit | " + " | ".join(f"{a} / {b}" for a, b in RATIOS) + " |")
    lines.append("|---|---|" + "---:|" * len(RATIOS))
    for label, row in table.rows.items():
        v = row["values"]
        cells = []
        for a, b in RATIOS:
            if v.get(a) and v.get(b):
                cells.append(f"{v[a] / v[b]:.2f}×")
            else:
                cells.append("—")
        lines.append(f"| {label} | {row['unit']} | " + " | ".join(cells) + " |")
    return lines


def absolute_section(title, table):
    lines = [f"### {title}", ""]
    lines.append("| workload | unit | " + " | ".join(IMPLS) + " |")
    lines.append("|---|---|" + "---:|" * len(IMPLS))
    for label, row in table.rows.items():
        cells = [fmt(row["values"].get(i), row["unit"]) for i in IMPLS]
        lines.append(f"| {label} | {row['unit']} | " + " | ".join(cells) + " |")
    return lines


def describe_run(results):
    if not results:
        return "no results"
    r = results[0]
    return (f"JMH {r.get('jmhVersion')}, JDK {r.get('jdkVersion')} ({r.get('vmName')}), "
            f"forks {r.get('forks')}, warmup {r.get('warmupIterations')} × {r.get('warmupTime')}, "
            f"measurement {r.get('measurementIterations')} × {r.get('measurementTime')}")


def write_table(path, results, profile, tables):
    throughput, latency, alloc, _ = tables
    missing = [i for i in IMPLS if not any(r.get("params", {}).get("impl") == i for r in results)]
    lines = [f"# rpc vs grpc-java — profile `{profile}`", "",
             f"{datetime.date.today().isoformat()}: {describe_run(results)}; {os.cpu_count()} CPUs. "
             "One JVM holds client and server; numbers from a shared, noisy machine are rough.", ""]
    if missing:
        lines += [f"Not measured in this run: {', '.join(missing)}.", ""]
    lines += ["## Ratios (rpc / grpc-java)", ""]
    lines += ratio_section("Throughput", throughput, "Higher is better for rpc: 2.00× means rpc does twice as much.")
    lines += [""]
    lines += ratio_section("Latency", latency, "Lower is better for rpc: 0.50× means rpc answers in half the time.")
    lines += [""]
    lines += ratio_section("Allocation (`gc.alloc.rate.norm`, whole JVM: client and server)", alloc,
                           "Lower is better for rpc: bytes allocated per call, message or round trip.")
    lines += ["", "## Absolute numbers", ""]
    lines += absolute_section("Throughput", throughput) + [""]
    lines += absolute_section("Latency", latency) + [""]
    lines += absolute_section("Allocation (bytes per operation)", alloc) + [""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def nice_ticks(top, count=5):
    if top <= 0:
        return [0, 1]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step)
    return [i * step for i in range(n + 1)]


def short_number(v):
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if v >= div:
            s = f"{v / div:.1f}".rstrip("0").rstrip(".")
            return s + suffix
    return f"{v:g}"


def panel(x0, y0, w, h, title, impls, unary):
    """One chart panel: throughput (linear y) against K (log2 x) for the given implementations."""
    out = []
    series = {i: sorted(unary[i].items()) for i in impls if i in unary and unary[i]}
    ks = sorted({k for s in series.values() for k, _ in s}) or [1, 1024]
    kmin, kmax = min(ks), max(ks)
    if kmin == kmax:
        kmin, kmax = kmin / 2, kmax * 2
    ymax = max([v for s in series.values() for _, v in s] or [1])
    ticks = nice_ticks(ymax * 1.05)
    ytop = ticks[-1]
    legend_h = 18 * len(impls) + 8
    left, right, top, bottom = 70, 20, 40, 60 + legend_h
    pw, ph = w - left - right, h - top - bottom

    def px(k):
        return x0 + left + (math.log2(k) - math.log2(kmin)) / (math.log2(kmax) - math.log2(kmin)) * pw

    def py(v):
        return y0 + top + ph - v / ytop * ph

    out.append(f'<text x="{x0 + w / 2}" y="{y0 + 22}" text-anchor="middle" font-size="15" '
               f'font-weight="bold">{escape(title)}</text>')
    out.append(f'<rect x="{x0 + left}" y="{y0 + top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>')
    for t in ticks:
        y = py(t)
        out.append(f'<line x1="{x0 + left}" y1="{y:.1f}" x2="{x0 + left + pw}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x0 + left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                   f'{short_number(t)}</text>')
    for k in ks:
        x = px(k)
        out.append(f'<line x1="{x:.1f}" y1="{y0 + top}" x2="{x:.1f}" y2="{y0 + top + ph}" stroke="#f0f0f0"/>')
        out.append(f'<text x="{x:.1f}" y="{y0 + top + ph + 16}" text-anchor="middle" font-size="11">{k}</text>')
    out.append(f'<text x="{x0 + left + pw / 2}" y="{y0 + top + ph + 38}" text-anchor="middle" font-size="12">'
               'calls in flight on one channel, K (log scale)</text>')
    cy = y0 + top + ph / 2
    out.append(f'<text x="{x0 + 16}" y="{cy}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {x0 + 16} {cy})">completed calls per second</text>')
    for i in impls:
        if i not in series:
            continue
        pts = " ".join(f"{px(k):.1f},{py(v):.1f}" for k, v in series[i])
        dash = f' stroke-dasharray="{DASHES[i]}"' if DASHES[i] else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[i]}" stroke-width="2.2"{dash}/>')
        for k, v in series[i]:
            out.append(f'<circle cx="{px(k):.1f}" cy="{py(v):.1f}" r="3.2" fill="{COLORS[i]}">'
                       f'<title>{escape(i)} K={k}: {v:,.0f} calls/s</title></circle>')
    # legend under the axis title, one row per implementation
    for n, i in enumerate(impls):
        yy = y0 + h - legend_h + 14 + 18 * n
        lx = x0 + left + pw / 2 - 95
        dash = f' stroke-dasharray="{DASHES[i]}"' if DASHES[i] else ""
        label = i if i in series else f"{i} (not run)"
        out.append(f'<line x1="{lx}" y1="{yy - 4}" x2="{lx + 30}" y2="{yy - 4}" stroke="{COLORS[i]}" '
                   f'stroke-width="2.2"{dash}/>')
        out.append(f'<text x="{lx + 38}" y="{yy}" font-size="12">{escape(label)}</text>')
    return out


def write_chart(path, unary, profile):
    w, h = 1000, 540
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'font-family="Helvetica, Arial, sans-serif">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="17" font-weight="bold">'
             f'Unary calls multiplexed over one channel (32-byte payload, profile {escape(profile)})</text>']
    parts += panel(0, 30, w / 2, h - 30, "HTTP/2 over 127.0.0.1", IMPLS[0:1] + IMPLS[2:4], unary)
    parts += panel(w / 2, 30, w / 2, h - 30, "in-process", [IMPLS[1]] + IMPLS[4:6], unary)
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, paths = argv[1], argv[2:]
    profile = os.environ.get("PROFILE", "custom")
    results = load(paths)
    if not results:
        print("render.py: no results in " + ", ".join(paths), file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(json.dumps(r, separators=(",", ":")) for r in results) + "\n]\n")
    tables = collect(results)
    write_chart(os.path.join(out, "chart.svg"), tables[3], profile)
    write_table(os.path.join(out, "table.md"), results, profile, tables)
    print(f"wrote {out}/results.json, {out}/chart.svg, {out}/table.md ({len(results)} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
