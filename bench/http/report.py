#!/usr/bin/env python3
"""bench/http/report.py - the tables and verdicts of bench/http/run.sh.

    report.py RESULTS.tsv [--fail-on-miss]

RESULTS.tsv (written by run.sh), tab-separated:
    meta    KEY      VALUE
    wrk     TARGET   CONNS  ROUND  REQ/S  P50_MS  P99_MS  ERRORS  TIMEOUTS  REQUESTS  CPU_S  DETAIL
    upload  SET      PATH     SECONDS  BYTES  SERVER_RSS_MIB  CPU_S   (SET: gen | lab)

Prints Markdown tables (medians over the rounds; req/s also min-max) with
the ratios against nginx and Node at the same connection count (req/s), the
server's CPU time per request (user + system of all its processes and
threads, the figure least disturbed by other load), then the verdicts. Exit status: 1 if a wrk run failed or saw errors (non-2xx answers,
connect/read/write errors: the figures are not trustworthy; timeouts are
counted and shown, not failed), else 3 with --fail-on-miss
when a target is missed, else 0.

With `meta pin` (run.sh --pin: wrk and the servers on separate CPUs, one
server worker), the headings say so and show wrk -t1; the Node rows are then
one plain process each (node_server.js with 1 worker does not fork).
"""
import statistics
import sys
from collections import defaultdict

LABELS = {
    "nginx": "nginx static file (GET)",
    "node": "Node.js `http`, cluster (POST, small body)",
    "node1": "Node.js `http`, 1 process (POST, small body)",
    "node_body": "Node.js `http`, cluster (POST of the diagnose body, not diagnosed)",
    "version": "ipsec-diag JSON-RPC `version`",
    "diagnose": "ipsec-diag JSON-RPC `diagnose` (%s failure log)",
}
ORDER = ["nginx", "node", "node1", "node_body", "version", "diagnose"]
SCALING = ["nginx", "node", "version", "diagnose"]
UPLOADS = {
    "cli": "CLI `ipsec-diag diagnose FILE`",
    "diagnose": "POST /v1/diagnose (curl -T, Content-Length)",
    "stream": "PUT /v1/stream (curl -T -, chunked)",
}


def fmt_int(v):
    return "{:,.0f}".format(v)


def fmt_ms(v):
    return "%.2f" % v if v < 10 else "%.1f" % v


# the upload logs, in the order shown (run.sh: gen, then lab)
UPLOAD_SETS = ["gen", "lab"]
UPLOAD_SET_NAMES = {"gen": "generated log", "lab": "lab corpus repeated"}


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    fail_on_miss = "--fail-on-miss" in sys.argv[2:]
    meta = {}
    runs = defaultdict(list)          # (target, conns) -> [(rps, p50, p99, err, detail)]
    uploads = {}
    for line in open(sys.argv[1]):
        f = line.rstrip("\n").split("\t")
        if f[0] == "meta":
            meta[f[1]] = f[2]
        elif f[0] == "wrk":
            target, conns = f[1], int(f[2])
            reqs, cpu = int(f[9]), float(f[10])
            runs[(target, conns)].append((float(f[4]), float(f[5]), float(f[6]), int(f[7]), int(f[8]),
                                          f[11] if len(f) > 11 else "",
                                          cpu * 1e6 / reqs if reqs > 0 else 0.0))
        elif f[0] == "upload":   # upload SET PATH SECONDS BYTES RSS CPU
            uploads.setdefault(f[1], {})[f[2]] = (float(f[3]), int(f[4]), f[5], f[6] if len(f) > 6 else "-")

    LABELS["diagnose"] = LABELS["diagnose"] % meta.get("diagnose_log", "3 KiB")
    pin = meta.get("pin")
    if pin:
        LABELS["node"] = "Node.js `http`, 1 worker = 1 process (POST, small body)"
        LABELS["node1"] = "Node.js `http`, 1 process, a second instance (POST, small body)"
        LABELS["node_body"] = "Node.js `http`, 1 process (POST of the diagnose body, not diagnosed)"
    pinned = "; pinned: %s" % pin if pin else ""
    harness_ok = True
    problems = []
    med = {}
    for key, rs in runs.items():
        good = [r for r in rs if r[0] > 0]
        errs = sum(max(r[3], 0) for r in rs)
        if len(good) < len(rs) or errs:
            harness_ok = False
            problems.append("%s at %d connections: %d of %d runs failed, %d errors %s"
                            % (key[0], key[1], len(rs) - len(good), len(rs), errs,
                               "; ".join(sorted({r[5] for r in rs if r[5]}))))
        if good:
            med[key] = dict(
                rps=statistics.median(r[0] for r in good),
                lo=min(r[0] for r in good), hi=max(r[0] for r in good),
                p50=statistics.median(r[1] for r in good),
                p99=statistics.median(r[2] for r in good),
                cpu=statistics.median(r[6] for r in good),
                err=errs, to=sum(r[4] for r in rs), n=len(good))

    def ratio(key, base, conns):
        a, b = med.get((key, conns)), med.get((base, conns))
        if not a or not b or not b["rps"]:
            return "-"
        return "%.2f" % (a["rps"] / b["rps"])

    def row(key, conns, with_conns=False):
        m = med.get((key, conns))
        cells = [LABELS.get(key, key)]
        if with_conns:
            cells.append(str(conns))
        if not m:
            return "| " + " | ".join(cells + ["failed"] + ["-"] * 8) + " |"
        spread = fmt_int(m["lo"]) + "–" + fmt_int(m["hi"]) if m["n"] > 1 else "-"
        cells += [fmt_int(m["rps"]), spread, fmt_ms(m["p50"]), fmt_ms(m["p99"]), "%.0f" % m["cpu"],
                  ratio(key, "nginx", conns), ratio(key, "node", conns), str(m["err"]), str(m["to"])]
        return "| " + " | ".join(cells) + " |"

    rounds = meta.get("rounds", "1")
    print("\n## %s connections (wrk -t%d -c%s -d%ss --latency; median of %s round(s)%s)\n"
          % (meta.get("conns_main", "64"), 1 if pin else 2, meta.get("conns_main", "64"), meta.get("duration", "?"),
             rounds, pinned))
    print("| request | req/s | req/s min–max | p50 ms | p99 ms | server CPU µs/req | x nginx | x node | errors | timeouts |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    cm = int(meta.get("conns_main", "64"))
    for key in ORDER:
        if (key, cm) in runs:
            print(row(key, cm))

    conns_all = sorted({c for (_, c) in runs})
    if len(conns_all) > 1:
        print("\n## Connection scaling (same rounds; x nginx / x node at the same connection count%s)\n" % pinned)
        print("| request | connections | req/s | req/s min–max | p50 ms | p99 ms | server CPU µs/req | x nginx | x node | errors | timeouts |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for key in SCALING:
            for c in conns_all:
                if (key, c) in runs:
                    print(row(key, c, with_conns=True))

    if any(m["to"] for m in med.values()):
        print("\ntimeouts: requests without an answer within wrk's --timeout (5 s); wrk leaves them out "
              "of its percentiles, so a row with timeouts has a p99 better than the truth.")

    for set_, up in sorted(uploads.items(), key=lambda kv: UPLOAD_SETS.index(kv[0])
                           if kv[0] in UPLOAD_SETS else 99):
        print("\n## Uploads, %s (%s)\n" % (UPLOAD_SET_NAMES.get(set_, set_), meta.get("upload_desc_" + set_, "")))
        print("| path | seconds | MiB/s | x CLI | CPU s (CLI / server) | server peak RSS MiB |")
        print("|---|---:|---:|---:|---:|---:|")
        cli = up.get("cli")
        for key in ("cli", "diagnose", "stream"):
            if key in up:
                t, n, rss, cpu = up[key]
                x = "%.2f" % (cli[0] / t) if cli and t > 0 else "-"
                print("| %s | %.2f | %.0f | %s | %s | %s |" % (UPLOADS[key], t, n / 1048576 / t if t > 0 else 0, x, cpu, rss))

    # ---- verdicts ----------------------------------------------------------
    verdicts = []

    def verdict(name, ok, figure):
        verdicts.append((name, figure, "met" if ok else "**MISSED**" if ok is not None else "no figure"))

    n, node, v, d = (med.get((k, cm)) for k in ("nginx", "node", "version", "diagnose"))
    if v and n:
        verdict("`version` req/s >= nginx static", v["rps"] >= n["rps"], "%.2f x nginx" % (v["rps"] / n["rps"]))
    else:
        verdict("`version` req/s >= nginx static", None, "-")
    node_name = "`version` req/s ahead of Node (%s)" % ("1 process" if pin else "cluster")
    if v and node:
        verdict(node_name, v["rps"] > node["rps"], "%.2f x node" % (v["rps"] / node["rps"]))
    else:
        verdict(node_name, None, "-")
    if d and n:
        verdict("`diagnose` req/s >= nginx / 2", d["rps"] >= n["rps"] / 2, "%.2f x nginx" % (d["rps"] / n["rps"]))
    else:
        verdict("`diagnose` req/s >= nginx / 2", None, "-")
    for key in ("version", "diagnose"):
        m = med.get((key, cm))
        name = "p99 < 5 ms at %d connections, `%s`" % (cm, key)
        verdict(name, m["p99"] < 5.0 if m else None, "%s ms" % fmt_ms(m["p99"]) if m else "-")
    for set_ in [x for x in UPLOAD_SETS if x in uploads]:
        up = uploads[set_]
        if "diagnose" not in up or "cli" not in up:
            continue
        for key in ("diagnose", "stream"):
            t = up[key][0]
            verdict("upload %s >= 80%% of the CLI, %s" % ("/v1/" + key, UPLOAD_SET_NAMES[set_]),
                    up["cli"][0] / t >= 0.8, "%.2f x CLI" % (up["cli"][0] / t))
        for key in ("diagnose", "stream"):
            rss = up[key][2]
            name = "server peak RSS < 64 MiB (/v1/%s, %s)" % (key, UPLOAD_SET_NAMES[set_])
            try:
                verdict(name, float(rss) < 64, rss + " MiB")
            except ValueError:
                verdict(name, None, rss)

    print("\n## Targets\n")
    print("| target | figure | verdict |")
    print("|---|---:|---|")
    for name, fig, ok in verdicts:
        print("| %s | %s | %s |" % (name, fig, ok))

    if problems:
        print("\nHARNESS: figures not trustworthy:")
        for p in problems:
            print("  - " + p)
    if not harness_ok:
        return 1
    if fail_on_miss and any(v[2] != "met" for v in verdicts):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
