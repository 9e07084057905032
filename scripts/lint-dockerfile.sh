#!/usr/bin/env bash
# lint-dockerfile.sh - checks the Dockerfile without a Docker engine.
#
#   scripts/lint-dockerfile.sh [--binary PATH] [--dockerfile PATH]
#
# What it checks (one line per check, then "N passed, M failed"):
#   - the file parses (instructions, line continuations, exec-form JSON),
#     every RUN step is valid sh (sh -n);
#   - every stage is based on debian:trixie-slim; COPY --from names a stage;
#   - every package an `apt-get install` names exists in Debian trixie
#     (apt-cache against the trixie suite of the machine's own Debian mirror:
#     the system's apt lists when they know trixie, as scripts/install-deps.sh
#     sets them up on Debian 12, else a private apt directory);
#   - apt hygiene: update and install in one RUN, --no-install-recommends,
#     lists removed;
#   - every COPY source exists in the tree and is not excluded by .dockerignore;
#   - the runtime stage: non-root USER, HEALTHCHECK, EXPOSE 8080, serves on
#     0.0.0.0:8080, installs no compiler or -dev package;
#   - with --binary: each shared library the binary needs (readelf -d) is
#     shipped by a package the runtime stage installs (the trixie .debs are
#     downloaded and listed with dpkg-deb -c), or is part of the base image.
# Exit status 1 if any check failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOCKERFILE=$ROOT/Dockerfile
BINARY=
while [ $# -gt 0 ]; do
    case $1 in
        --binary) BINARY=$2; shift 2 ;;
        --dockerfile) DOCKERFILE=$2; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "usage: $0 [--binary PATH] [--dockerfile PATH]" >&2; exit 2 ;;
    esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lint-dockerfile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- an apt that knows trixie -------------------------------------------------
APT_OPTS=()
apt_knows_trixie() {
    apt-cache "${APT_OPTS[@]}" madison base-files 2>/dev/null | grep -q ' trixie/'
}
# The machine's own Debian mirror (scripts/debian-mirror.sh), empty if none.
debian_mirror() {
    "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh" || true
}
APT_STATE=none
if command -v apt-cache >/dev/null 2>&1; then
    if apt_knows_trixie; then
        APT_STATE=system
    else
        # A private apt directory with only trixie in it; kept between runs.
        cache=${IDG_APT_TRIXIE_DIR:-/tmp/ipsec-diag-apt-trixie}
        mirror=$(debian_mirror)
        if [ -n "$mirror" ]; then
            mkdir -p "$cache/lists/partial" "$cache/archives/partial"
            echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$cache/sources.list"
            APT_OPTS=(-o "Dir::Etc::SourceList=$cache/sources.list" -o "Dir::Etc::SourceParts=$cache/none"
                      -o "Dir::State::Lists=$cache/lists" -o "Dir::Cache=$cache" -o "Dir::Cache::archives=$cache/archives"
                      -o "Dir::Etc::Preferences=$cache/none" -o "Dir::Etc::PreferencesParts=$cache/none")
            if ! apt_knows_trixie; then
                apt-get "${APT_OPTS[@]}" -qq update >/dev/null 2>&1 || true
            fi
            apt_knows_trixie && APT_STATE=private
        fi
    fi
fi

# ---- the checks -----------------------------------------------------------------
export ROOT DOCKERFILE BINARY APT_STATE
export APT_OPTS_STR="${APT_OPTS[*]:-}"
export LINT_TMP=$tmp
python3 - <<'PY'
import fnmatch, json, os, re, shlex, subprocess, sys

root = os.environ["ROOT"]
path = os.environ["DOCKERFILE"]
binary = os.environ.get("BINARY") or ""
apt_state = os.environ["APT_STATE"]
apt_opts = os.environ.get("APT_OPTS_STR", "").split()
tmp = os.environ["LINT_TMP"]
passed = failed = 0

def check(ok, what, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - " + what + (": " + why if why else ""))

def skip(what, why):
    print("skipped - %s (%s)" % (what, why))

# ---- parse ---------------------------------------------------------------------
KNOWN = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
         "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER"}
try:
    text = open(path).read()
except OSError as e:
    check(False, "Dockerfile readable", str(e))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1)

instrs = []  # (lineno, INSTR, args)
cur, start = "", 0
for no, line in enumerate(text.splitlines(), 1):
    s = line.strip()
    if not cur and (not s or s.startswith("#")):
        continue
    if cur and s.startswith("#"):
        continue  # comment lines inside a continuation are dropped
    if not cur:
        start = no
    if line.rstrip().endswith("\\"):
        cur += line.rstrip()[:-1] + " "
        continue
    cur += line
    word, _, rest = cur.strip().partition(" ")
    instrs.append((start, word.upper(), rest.strip()))
    cur = ""
check(cur == "", "no dangling line continuation at the end")
unknown = [(n, w) for n, w, _ in instrs if w not in KNOWN]
check(not unknown, "every instruction is a Dockerfile instruction", repr(unknown))

# ARG defaults (global, before the first FROM) for FROM substitution
args = {}
for n, w, a in instrs:
    if w == "FROM":
        break
    if w == "ARG" and "=" in a:
        k, _, v = a.partition("=")
        args[k.strip()] = v.strip().strip('"')

def subst(s):
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: args.get(m.group(1), m.group(0)), s)

stages = []  # {"name", "image", "instrs": [...]}
for n, w, a in instrs:
    if w == "FROM":
        parts = a.split()
        parts = [p for p in parts if not p.startswith("--platform")]
        image = subst(parts[0])
        name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
        stages.append({"name": name, "image": image, "instrs": [], "line": n})
    elif stages:
        stages[-1]["instrs"].append((n, w, a))
check(len(stages) >= 2, "multi-stage build (%d stages)" % len(stages))
for st in stages:
    check(st["image"] == "debian:trixie-slim",
          "stage %s (line %d) is based on debian:trixie-slim" % (st["name"] or "final", st["line"]), st["image"])
names = [st["name"] for st in stages if st["name"]]
final = stages[-1] if stages else {"instrs": [], "name": None}

def exec_form(a):
    if a.startswith("["):
        try:
            v = json.loads(a)
            return v if isinstance(v, list) and all(isinstance(x, str) for x in v) else None
        except ValueError:
            return None
    return None

# ---- RUN steps ------------------------------------------------------------------
def commands_of(script):
    """Splits a shell script into simple commands (on && || ; |)."""
    try:
        lex = shlex.shlex(script, posix=True, punctuation_chars=";&|")
        lex.whitespace_split = True
        toks = list(lex)
    except ValueError:
        return []
    cmds, cur = [], []
    for t in toks:
        if t in (";", "&&", "||", "|", "&"):
            if cur:
                cmds.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        cmds.append(cur)
    return cmds

apt_packages = {}  # stage index -> [packages]
for si, st in enumerate(stages):
    for n, w, a in st["instrs"]:
        if w != "RUN":
            continue
        ef = exec_form(a)
        script = " ".join(shlex.quote(x) for x in ef) if ef else a
        if not ef:
            r = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True)
            check(r.returncode == 0, "RUN at line %d is valid sh" % n, r.stderr.strip())
        cmds = commands_of(script)
        installs = [c for c in cmds if len(c) >= 2 and c[0] in ("apt-get", "apt") and "install" in c[1:]]
        if not installs:
            continue
        updates = [c for c in cmds if len(c) >= 2 and c[0] in ("apt-get", "apt") and "update" in c[1:]]
        check(bool(updates), "line %d: apt-get update in the same RUN as install" % n)
        check("rm -rf /var/lib/apt/lists/*" in script, "line %d: apt lists removed in the same RUN" % n)
        for c in installs:
            check("--no-install-recommends" in c, "line %d: apt-get install --no-install-recommends" % n)
            check("-y" in c or "--yes" in c or "-qy" in c, "line %d: apt-get install -y (non-interactive)" % n)
            pkgs = [t for t in c[c.index("install") + 1:] if not t.startswith("-")]
            apt_packages.setdefault(si, []).extend(pkgs)

# One apt-cache call for every package (each call loads the whole cache).
all_pkgs = sorted({p.split("=")[0] for ps in apt_packages.values() for p in ps})
in_trixie_set = set()
if apt_state != "none" and all_pkgs:
    r = subprocess.run(["apt-cache"] + apt_opts + ["madison"] + all_pkgs, capture_output=True, text=True)
    for l in r.stdout.splitlines():
        cols = [c.strip() for c in l.split("|")]
        if len(cols) >= 3 and (" trixie/" in cols[2] or "/trixie " in cols[2]):
            in_trixie_set.add(cols[0])

def in_trixie(pkg):
    return pkg.split("=")[0] in in_trixie_set

for si, pkgs in sorted(apt_packages.items()):
    label = stages[si]["name"] or "final"
    for p in pkgs:
        if apt_state == "none":
            skip("package %s (stage %s) exists in trixie" % (p, label), "no apt index for trixie here")
        else:
            check(in_trixie(p), "package %s (stage %s) exists in Debian trixie" % (p, label),
                  "apt-cache madison finds no trixie version")

# ---- COPY sources and .dockerignore -------------------------------------------------
ignore = []
try:
    for l in open(os.path.join(root, ".dockerignore")):
        l = l.strip()
        if l and not l.startswith("#"):
            neg = l.startswith("!")
            pat = l[1:] if neg else l
            pat = pat.strip("/")
            ignore.append((neg, pat))
    check(True, ".dockerignore present")
except OSError:
    check(False, ".dockerignore present")

def pat_re(p):
    out, i = "", 0
    while i < len(p):
        if p.startswith("**/", i):
            out += "(?:.*/)?"; i += 3
        elif p.startswith("**", i):
            out += ".*"; i += 2
        elif p[i] == "*":
            out += "[^/]*"; i += 1
        elif p[i] == "?":
            out += "[^/]"; i += 1
        else:
            out += re.escape(p[i]); i += 1
    return re.compile("^" + out + "$")

compiled = [(neg, pat_re(p)) for neg, p in ignore]

def excluded(rel):
    """Docker's rule: the last pattern matching the path or one of its parents wins."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    state = False
    for neg, rx in compiled:
        if any(rx.match(pf) for pf in prefixes):
            state = not neg
    return state

for si, st in enumerate(stages):
    for n, w, a in st["instrs"]:
        if w not in ("COPY", "ADD"):
            continue
        ef = exec_form(a)
        toks = ef if ef else shlex.split(a)
        opts = [t for t in toks if t.startswith("--")]
        rest = [t for t in toks if not t.startswith("--")]
        srcs = rest[:-1]
        frm = [o.split("=", 1)[1] for o in opts if o.startswith("--from=")]
        if frm:
            check(frm[0] in names[: si] or frm[0] in [s["name"] for s in stages[:si]],
                  "line %d: COPY --from=%s names an earlier stage" % (n, frm[0]))
            src_stage = next((s for s in stages if s["name"] == frm[0]), None)
            for s in srcs:
                top = "/" + s.strip("/").split("/")[0]
                body = " ".join(a2 for _, _, a2 in (src_stage["instrs"] if src_stage else []))
                check(top in body, "line %d: %s is produced in stage %s" % (n, s, frm[0]))
            continue
        for s in srcs:
            rel = os.path.normpath(s).lstrip("./") if s not in (".", "./") else ""
            full = os.path.join(root, rel)
            ok = os.path.exists(full)
            check(ok, "line %d: COPY source %s exists" % (n, s))
            if not ok:
                continue
            if os.path.isdir(full):
                files = []
                for d, _, fs in os.walk(full):
                    for f in fs:
                        files.append(os.path.relpath(os.path.join(d, f), root))
                kept = [f for f in files if not excluded(f)]
                check(bool(kept), "line %d: %s is in the build context (%d of %d files kept by .dockerignore)"
                      % (n, s, len(kept), len(files)))
            else:
                check(not excluded(rel), "line %d: %s is in the build context (.dockerignore)" % (n, s))

# ---- the runtime stage ----------------------------------------------------------------
fin = final["instrs"]
users = [a for _, w, a in fin if w == "USER"]
if users:
    u = users[-1].split(":")[0].strip()
    check(u not in ("root", "0", ""), "final stage runs as a non-root USER (%s)" % users[-1])
    if not u.isdigit():
        runs = " ".join(a for _, w, a in fin if w == "RUN")
        check(re.search(r"useradd\b.*\b%s\b" % re.escape(u), runs) is not None,
              "user %s is created in the final stage" % u)
    else:
        runs = " ".join(a for _, w, a in fin if w == "RUN")
        check(re.search(r"--uid %s\b" % u, runs) is not None, "uid %s is created in the final stage" % u)
else:
    check(False, "final stage runs as a non-root USER", "no USER instruction")

hcs = [a for _, w, a in fin if w == "HEALTHCHECK"]
check(bool(hcs) and not hcs[-1].upper().startswith("NONE"), "final stage has a HEALTHCHECK")
if hcs:
    m = re.search(r"\bCMD\b\s*(.*)$", hcs[-1], re.S)
    cmd = m.group(1).strip() if m else ""
    ef = exec_form(cmd)
    check(ef is not None or bool(cmd), "HEALTHCHECK CMD parses (exec form JSON or shell form)")
    check("/healthz" in cmd, "HEALTHCHECK probes /healthz")
    with open(os.path.join(tmp, "healthcheck.json"), "w") as fh:
        json.dump(ef if ef else ["sh", "-c", cmd], fh)
    if ef and ef[0] in ("bash", "sh") and len(ef) >= 3:
        r = subprocess.run([ef[0], "-n", "-c", ef[2]], capture_output=True, text=True)
        check(r.returncode == 0, "HEALTHCHECK script is valid %s" % ef[0], r.stderr.strip())
        tools = {c[0] for c in commands_of(ef[2]) if c}
        check("curl" not in tools or "curl" in apt_packages.get(len(stages) - 1, []),
              "HEALTHCHECK tools are in the runtime image")
exposes = " ".join(a for _, w, a in fin if w == "EXPOSE").split()
check("8080" in exposes or "8080/tcp" in exposes, "final stage EXPOSEs 8080")
ep = [a for _, w, a in fin if w == "ENTRYPOINT"]
cm = [a for _, w, a in fin if w == "CMD"]
argv = (exec_form(ep[-1]) or [] if ep else []) + (exec_form(cm[-1]) or [] if cm else [])
check(bool(argv) and "serve" in argv, "final stage runs `ipsec-diag serve` (exec form)", repr(argv))
check("0.0.0.0:8080" in argv, "it listens on 0.0.0.0:8080", repr(argv))
with open(os.path.join(tmp, "argv.json"), "w") as fh:
    json.dump(argv, fh)
final_pkgs = apt_packages.get(len(stages) - 1, [])
tooling = [p for p in final_pkgs if p.endswith("-dev") or p in ("gcc", "cc", "make", "cmake", "check",
                                                               "build-essential", "pkg-config", "clang")]
check(not tooling, "runtime stage installs no build tools", ", ".join(tooling))
check(not any(w == "COPY" and "--from" not in a for _, w, a in fin),
      "runtime stage copies nothing from the build context (only from the build stage)")

# ---- shared libraries of the binary --------------------------------------------------------
BASE_LIBS = re.compile(r"^(libc|libm|libpthread|libdl|librt|ld-linux[-\w]*|libresolv)\.so")
SANITIZER_LIBS = re.compile(r"^lib(asan|ubsan|lsan|tsan|hwasan)\.so")
if not binary:
    skip("runtime packages ship the binary's shared libraries", "no --binary given")
elif apt_state == "none":
    skip("runtime packages ship the binary's shared libraries", "no apt index for trixie here")
else:
    r = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", r.stdout)
    check(r.returncode == 0 and bool(needed), "readelf lists the binary's shared libraries (%s)" % ", ".join(needed))
    contents = {}
    dl = os.path.join(tmp, "debs")
    os.makedirs(dl, exist_ok=True)
    for p in final_pkgs:
        r = subprocess.run(["apt-get"] + apt_opts + ["download", "-o", "APT::Default-Release=trixie", p + "/trixie"],
                           cwd=dl, capture_output=True, text=True)
        debs = [f for f in os.listdir(dl) if f.startswith(p + "_") and f.endswith(".deb")]
        if not debs:
            contents[p] = None
            continue
        r = subprocess.run(["dpkg-deb", "-c", os.path.join(dl, debs[0])], capture_output=True, text=True)
        contents[p] = [l.split()[-1] if "->" not in l else l.split("->")[0].split()[-1] for l in r.stdout.splitlines()]
    if all(v is None for v in contents.values()):
        skip("runtime packages ship the binary's shared libraries", "the trixie .debs could not be downloaded")
    else:
        for lib in needed:
            if SANITIZER_LIBS.match(lib):
                skip("%s is shipped by a runtime package" % lib, "a sanitizer build's runtime, not part of a release image")
                continue
            if BASE_LIBS.match(lib):
                check(True, "%s comes with the base image (libc6)" % lib)
                continue
            owners = [p for p, files in contents.items() if files and any(f.endswith("/" + lib) for f in files)]
            check(bool(owners), "%s is shipped by a runtime package (%s)" % (lib, ", ".join(owners) or "none"))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
rc=$?
# Leave the parsed HEALTHCHECK and argv for callers that want to run them.
if [ -n "${LINT_EXPORT_DIR:-}" ]; then
    cp "$tmp"/healthcheck.json "$tmp"/argv.json "$LINT_EXPORT_DIR"/ 2>/dev/null || true
fi
exit $rc
