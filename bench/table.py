#!/usr/bin/env python3
"""table.py - prints bench/run.sh's results (a JSON-lines file) as tables
and checks them against the targets.

    bench/table.py RESULTS.jsonl [--markdown]

Each input line: {"tool", "size_mib", "bytes", "lines", "seconds",
"rss_kib"}. MB/s is 10^6 bytes per second; sizes are MiB; the ratio is the
tool's time over ipsec-diag's on the same file (> 1: ipsec-diag is faster).
"""
import json
import sys

TOOLS = ["ipsec-diag", "engine-only", "grep", "rg", "lognormalizer", "python"]
TARGET_MBPS = 1000.0
TARGET_RSS_MIB = 16.0
# ipsec-diag on logs whose tunnels and failures are the same at every size
# (run.sh's "memory against log length"): a table of its own, not a tool
FIXED = "ipsec-diag-fixedpop"


def main():
    md = "--markdown" in sys.argv
    path = [a for a in sys.argv[1:] if not a.startswith("--")][0]
    rows = [json.loads(l) for l in open(path) if l.strip()]
    res = {(r["tool"], r["size_mib"]): r for r in rows if "seconds" in r}
    sizes = sorted({r["size_mib"] for r in rows})
    tools = [t for t in TOOLS if any(r["tool"] == t for r in rows)] + \
        sorted({r["tool"] for r in rows} - set(TOOLS) - {FIXED})

    def line(cells, widths):
        if md:
            return "| " + " | ".join(str(c) for c in cells) + " |"
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    head = ["tool", "size", "seconds", "cpu s", "MB/s", "lines/s", "peak RSS", "x ipsec-diag"]
    widths = [14, 8, 9, 8, 9, 10, 11, 12]
    print(line(head, widths))
    if md:
        print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
    for s in sizes:
        base = res.get(("ipsec-diag", s))
        for t in tools:
            r = res.get((t, s))
            if r is None:
                continue
            mbps = r["bytes"] / r["seconds"] / 1e6
            lps = r["lines"] / r["seconds"]
            ratio = "%.2f" % (r["seconds"] / base["seconds"]) if base else "-"
            cpu = r.get("cpu_seconds")
            print(line([t, "%d MiB" % s, "%.3f" % r["seconds"],
                        "%.3f" % cpu if cpu is not None else "-", "%.0f" % mbps,
                        "%.2fM" % (lps / 1e6), "%.1f MiB" % (r["rss_kib"] / 1024), ratio],
                       widths))
    for r in rows:
        if "error" in r:
            print("error: %s at %s MiB: %s" % (r["tool"], r["size_mib"], r["error"]))

    def scaling_table(title, runs):
        print()
        print(title)
        print(line(["size", "MB/s", "MB/s (cpu)", "lines/s", "peak RSS"], [8, 9, 11, 10, 11]))
        if md:
            print("|---|---:|---:|---:|---:|")
        for r in runs:
            cpu = r.get("cpu_seconds")
            print(line(["%d MiB" % r["size_mib"], "%.0f" % (r["bytes"] / r["seconds"] / 1e6),
                        "%.0f" % (r["bytes"] / cpu / 1e6) if cpu else "-",
                        "%.2fM" % (r["lines"] / r["seconds"] / 1e6),
                        "%.1f MiB" % (r["rss_kib"] / 1024)], [8, 9, 11, 10, 11]))

    ipd = [res[("ipsec-diag", s)] for s in sizes if ("ipsec-diag", s) in res]
    scaling_table("ipsec-diag scaling (throughput and peak RSS should be flat):", ipd)
    fixed = [res[(FIXED, s)] for s in sizes if (FIXED, s) in res]
    if fixed:
        scaling_table("ipsec-diag, tunnels and failures fixed, only the log's length grows:", fixed)

    # targets
    print()
    print("targets:")
    if not ipd:
        print("  no ipsec-diag figures")
        return 0
    big = ipd[-1]
    mbps = big["bytes"] / big["seconds"] / 1e6
    cpu = big.get("cpu_seconds")
    verdict = lambda ok: "met " if ok else "MISS"
    print("  [%s] >= %.0f MB/s on one core: %.0f MB/s at %d MiB (%s by CPU time)" %
          (verdict(mbps >= TARGET_MBPS), TARGET_MBPS, mbps, big["size_mib"],
           "%.0f MB/s" % (big["bytes"] / cpu / 1e6) if cpu else "-"))
    eo = res.get(("engine-only", big["size_mib"]))
    if eo:
        print("         the library alone (engine-only): %.0f MB/s, peak RSS %.1f MiB" %
              (eo["bytes"] / eo["seconds"] / 1e6, eo["rss_kib"] / 1024))
    rss = max(r["rss_kib"] for r in ipd) / 1024
    print("  [%s] peak RSS < %.0f MiB at every size: max %.1f MiB" %
          (verdict(rss < TARGET_RSS_MIB), TARGET_RSS_MIB, rss))
    for t, want, what in (("lognormalizer", 10, ">= 10x"), ("python", 10, ">= 10x"),
                          ("rg", 1 / 3, "within 3x of")):
        r = res.get((t, big["size_mib"]))
        if r is None:
            continue
        ratio = r["seconds"] / big["seconds"]
        if want >= 1:
            print("  [%s] %s %s: %.1fx" % (verdict(ratio >= want), what, t, ratio))
        else:
            print("  [%s] %s %s: ipsec-diag takes %.2fx rg's time" %
                  (verdict(ratio >= want), what, t, 1 / ratio))
    if len(ipd) >= 2:
        tp = [r["bytes"] / r["seconds"] / 1e6 for r in ipd if r["size_mib"] >= 10] or \
            [r["bytes"] / r["seconds"] / 1e6 for r in ipd]
        rs = [r["rss_kib"] for r in ipd]
        print("  [%s] throughput flat (>= 10 MiB): min %.0f, max %.0f MB/s" %
              (verdict(min(tp) >= 0.7 * max(tp)), min(tp), max(tp)))
        print("  [%s] RSS flat: %.1f MiB at %d MiB, %.1f MiB at %d MiB" %
              (verdict(rs[-1] <= 1.25 * rs[0] + 1024), rs[0] / 1024, ipd[0]["size_mib"],
               rs[-1] / 1024, ipd[-1]["size_mib"]))
    if len(fixed) >= 2:
        rs = [r["rss_kib"] for r in fixed]
        print("  [%s] RSS flat in the log's length (tunnels and failures fixed): %.1f MiB at %d MiB, "
              "%.1f MiB at %d MiB" % (verdict(rs[-1] <= 1.25 * rs[0] + 1024), rs[0] / 1024,
                                     fixed[0]["size_mib"], rs[-1] / 1024, fixed[-1]["size_mib"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
