#!/usr/bin/env python3
"""Renders JMH JSON results of the rpc benchmarks into a chart and a Markdown table.

Usage: render.py OUT_DIR RESULT.json [RESULT.json ...]

Writes to OUT_DIR:
  results.json  every JMH result merged into one list: scores, and the steadiness of the measured
                iterations (raw iteration data and histograms stay in the JMH files given as input)
  chart.svg     unary throughput against concurrency K, one line per implementation, log-scale x
  table.md      ratios rpc / grpc-java per workload with their errors, then absolute numbers, then
                the results whose measured iterations had not levelled out

Errors: JMH's scoreError, the half-width of the 99.9% confidence interval of the mean over the
measured iterations; a ratio's relative error is the two relative errors added in quadrature.
Steadiness is judged on the measured iterations only (JMH's JSON holds no warm-up iterations): a
result is flagged when they spread by more than SPREAD_LIMIT of their median, or when a straight
line fitted through them rises or falls by more than DRIFT_LIMIT of their mean from the first to
the last, which means the warm-up ended before the figure settled.

cross_process.py imports the error, steadiness and formatting functions from here, so both kinds of
table say the same thing the same way.

Python 3 standard library only.
"""

import datetime
import json
import math
import os
import statistics
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
SPREAD_LIMIT = 0.20  # (max - min) / median of the measured iterations
DRIFT_LIMIT = 0.10  # fitted change from the first to the last measured iteration / mean
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
            r["steadiness"] = steadiness(iterations_of(r))
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

def number(x):
    """A JMH number, or None for NaN, missing or non-numeric ("NaN" when there was one iteration)."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def iterations_of(result):
    """The measured iterations of a JMH result as one list per fork, in order.

    Throughput: each iteration's score. Sample mode (latency): each iteration's median, from the
    histogram JMH keeps per iteration."""
    primary = result.get("primaryMetric", {})
    if "rawData" in primary:
        return [[float(x) for x in fork] for fork in primary["rawData"]]
    forks = []
    for fork in primary.get("rawDataHistogram", []):
        medians = []
        for histogram in fork:
            pairs = sorted((float(v), int(c)) for v, c in histogram)
            total, seen = sum(c for _, c in pairs), 0
            for value, count in pairs:
                seen += count
                if seen * 2 >= total:
                    medians.append(value)
                    break
        forks.append(medians)
    return forks


def steadiness(forks):
    """How level the measured iterations are: spread, drift, and the reasons to distrust them.

    forks: one list of iteration values per fork (a cross-process run is one "fork" of rounds).
    spread: (max - min) / median over every iteration. drift: per fork, the least-squares line's
    change from the first to the last iteration relative to the fork's mean; the largest in size
    is kept. Needs two iterations for a spread and three for a drift; with fewer, nothing is
    flagged and "checked" is False."""
    values = [v for fork in forks for v in fork]
    out = {"iterations": len(values), "spread": None, "drift": None, "flags": [], "checked": len(values) >= 2}
    if len(values) < 2:
        return out
    out["min"], out["max"] = min(values), max(values)
    median = statistics.median(values)
    if median > 0:
        out["spread"] = (out["max"] - out["min"]) / median
    for fork in forks:
        n = len(fork)
        mean = sum(fork) / n if n else 0
        if n < 3 or mean <= 0:
            continue
        xbar = (n - 1) / 2
        slope = sum((i - xbar) * (v - mean) for i, v in enumerate(fork)) / sum((i - xbar) ** 2 for i in range(n))
        drift = slope * (n - 1) / mean
        if out["drift"] is None or abs(drift) > abs(out["drift"]):
            out["drift"] = drift
    if out["spread"] is not None and out["spread"] > SPREAD_LIMIT:
        out["flags"].append(f"spread {out['spread']:.0%}")
    if out["drift"] is not None and abs(out["drift"]) > DRIFT_LIMIT:
        out["flags"].append(f"{'rising' if out['drift'] > 0 else 'falling'} {out['drift']:+.0%} first to last")
    return out


def ratio_with_error(a, a_err, b, b_err):
    """a / b and its error: relative errors added in quadrature (None if either error is unknown)."""
    ratio = a / b
    if a_err is None or b_err is None:
        return ratio, None
    return ratio, ratio * math.sqrt((a_err / a) ** 2 + (b_err / b) ** 2)


def fmt_ratio(ratio, error):
    digits = 2 if ratio >= 0.1 else 1 - math.floor(math.log10(ratio)) if ratio > 0 else 2
    text = f"{ratio:.{digits}f}×"
    if error is not None:
        text += f" ±{error:.{digits}f}"
    return text


UNSTEADY = "†"


def method_of(result):
    cls, method = result["benchmark"].rsplit(".", 2)[-2:]
    return cls, method


def size_label(size):
    size = int(size)
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} B"


class Table:
    """Rows of (workload label, unit, better) → {impl: cell}, in insertion order.

    A cell is a dict: value, error (None if unknown) and flags (why its iterations look unsteady)."""

    def __init__(self):
        self.rows = {}

    def put(self, label, unit, better, impl, value, error=None, flags=()):
        row = self.rows.setdefault(label, {"unit": unit, "better": better, "values": {}})
        row["values"][impl] = {"value": value, "error": error, "flags": list(flags)}


def collect(results):
    throughput, latency, alloc = Table(), Table(), Table()
    unary = {}  # impl -> {K: calls/s}
    order = []  # (sort key, table name, label, unit, impl, value, error, flags)
    unsteady = []  # (sort key, label, impl, unit, steadiness) of every flagged result
    for r in results:
        cls, method = method_of(r)
        p = r.get("params", {})
        impl = p.get("impl")
        primary = r["primaryMetric"]
        score, error = primary["score"], number(primary.get("scoreError"))
        st = r.get("steadiness", {})
        flags = st.get("flags", [])
        norm_metric = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {})
        norm, norm_error = number(norm_metric.get("score")), number(norm_metric.get("scoreError"))
        if cls == "UnaryBenchmark":
            k = int(p["concurrency"])
            unary.setdefault(impl, {})[k] = score
            label = f"Unary, K={k}"
            order.append(((0, k, 0), "throughput", label, "calls/s", impl, score, error, flags))
            if flags:
                unsteady.append(((0, k, 0), label, impl, "calls/s", st))
            order.append(((0, k, 0), "alloc", label, "bytes/call", impl, norm, norm_error, []))
        elif cls == "LatencyBenchmark":
            k = int(p["concurrency"])
            pct = primary.get("scorePercentiles", {})
            unit = primary.get("scoreUnit", "us/op").replace("us/op", "µs")
            for i, (key, name) in enumerate(PERCENTILES):
                if key in pct:
                    # JMH's scoreError is the mean's, not a percentile's: no error for these rows
                    order.append(((1, k, i), "latency", f"Latency, K={k}, {name}", unit, impl, pct[key], None, flags))
            if flags:
                unsteady.append(((1, k, 0), f"Latency, K={k} (median of each iteration)", impl, unit, st))
            # no allocation row: the background calls' garbage would be charged to the measured calls
        elif cls == "StreamingBenchmark":
            size = int(p.get("size", 0))
            for i, (m, name, unit) in enumerate(STREAMING):
                if m == method:
                    label = f"{name}, {size_label(size)}"
                    per = "bytes/round trip" if m == "pingPong" else "bytes/message"
                    order.append(((2, i, size), "throughput", label, unit, impl, score, error, flags))
                    if flags:
                        unsteady.append(((2, i, size), label, impl, unit, st))
                    order.append(((2, i, size), "alloc", label, per, impl, norm, norm_error, []))
    order.sort(key=lambda t: t[0])
    tables = {"throughput": throughput, "latency": latency, "alloc": alloc}
    for _, table, label, unit, impl, value, error, flags in order:
        if value is not None:
            tables[table].put(label, unit, "lower" if table != "throughput" else "higher", impl, value, error, flags)
    unsteady.sort(key=lambda t: (t[0], IMPLS.index(t[2]) if t[2] in IMPLS else len(IMPLS)))
    return throughput, latency, alloc, unary, [t[1:] for t in unsteady]


def fmt(value, unit):
    if value is None:
        return "—"
    if unit in ("µs", "ms", "ns"):
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def fmt_with_error(value, error, unit):
    """value ±error, the error with as many decimals as the value shows."""
    text = fmt(value, unit)
    if error is None or value is None:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f"{text} ±{error:,.{decimals}f}"


def ratio_section(title, table, note, ratios=RATIOS):
    lines = [f"### {title}", "", note, ""]
    lines.append("| workload | unit | " + " | ".join(f"{a} / {b}" for a, b in ratios) + " |")
    lines.append("|---|---|" + "---:|" * len(ratios))
    for label, row in table.rows.items():
        v = row["values"]
        cells = []
        for a, b in ratios:
            if a in v and b in v and v[a]["value"] and v[b]["value"]:
                cell = fmt_ratio(*ratio_with_error(v[a]["value"], v[a]["error"], v[b]["value"], v[b]["error"]))
                if v[a]["flags"] or v[b]["flags"]:
                    cell += " " + UNSTEADY
                cells.append(cell)
            else:
                cells.append("—")
        lines.append(f"| {label} | {row['unit']} | " + " | ".join(cells) + " |")
    return lines


def absolute_section(title, table, impls=IMPLS):
    lines = [f"### {title}", ""]
    lines.append("| workload | unit | " + " | ".join(impls) + " |")
    lines.append("|---|---|" + "---:|" * len(impls))
    for label, row in table.rows.items():
        cells = []
        for i in impls:
            cell = row["values"].get(i)
            if cell is None:
                cells.append("—")
                continue
            text = fmt_with_error(cell["value"], cell["error"], row["unit"])
            if cell["flags"]:
                text += " " + UNSTEADY
            cells.append(text)
        lines.append(f"| {label} | {row['unit']} | " + " | ".join(cells) + " |")
    return lines


def unsteady_lines(unsteady, what="iterations"):
    """A list item per flagged result: its measured iterations' range and what is wrong with them."""
    lines = []
    for label, impl, unit, st in unsteady:
        lines.append(f"- {label}, {impl}: {st['iterations']} {what} from {fmt(st['min'], unit)} "
                     f"to {fmt(st['max'], unit)} {unit}; {', '.join(st['flags'])}")
    return lines


def describe_run(results):
    if not results:
        return "no results"
    r = results[0]
    return (f"JMH {r.get('jmhVersion')}, JDK {r.get('jdkVersion')} ({r.get('vmName')}), "
            f"forks {r.get('forks')}, warmup {r.get('warmupIterations')} × {r.get('warmupTime')}, "
            f"measurement {r.get('measurementIterations')} × {r.get('measurementTime')}")


def method_notes(results):
    """What ± and † mean, said once above the tables."""
    if not any(r.get("steadiness", {}).get("checked") for r in results):
        return ["One measured iteration per result: no errors, and steadiness is not checked."]
    return [error_note(), "", steady_note()]


def error_note(over="measured iterations", how="JMH's `scoreError`", percentiles=True):
    text = (f"± is the half-width of the 99.9% confidence interval of the mean over the {over} ({how}); "
            "a ratio's ± adds the two relative errors in quadrature, ratio × √(relA² + relB²).")
    if percentiles:
        text += " Latency percentiles have no ±: JMH's error is the mean's."
    return text


def steady_note(over="measured iterations", jmh=True):
    text = (f"{UNSTEADY} marks a figure whose {over} had not levelled out: they spread by more than "
            f"{SPREAD_LIMIT:.0%} of their median, or a straight line fitted through them rises or falls by more "
            f"than {DRIFT_LIMIT:.0%} of their mean from the first to the last (a sign the warm-up was too short).")
    if jmh:
        text += (" JMH's JSON has no warm-up iterations, so this is judged on the measured ones only; for "
                 "latency, on each iteration's median.")
    return text


def write_table(path, results, profile, tables):
    throughput, latency, alloc, _, unsteady = tables
    missing = [i for i in IMPLS if not any(r.get("params", {}).get("impl") == i for r in results)]
    lines = [f"# rpc vs grpc-java — profile `{profile}`", "",
             f"{datetime.date.today().isoformat()}: {describe_run(results)}; {os.cpu_count()} CPUs. "
             "One JVM holds client and server; numbers from a shared, noisy machine are rough.", ""]
    lines += method_notes(results) + [""]
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
    if any(r.get("steadiness", {}).get("checked") for r in results):
        lines += ["## Not steady", ""]
        lines += unsteady_lines(unsteady) or [
            f"None: every result's measured iterations spread by at most {SPREAD_LIMIT:.0%} and drift by at most "
            f"{DRIFT_LIMIT:.0%}."]
        lines += [""]
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
