#!/usr/bin/env bash
# test_clients.sh - the shell clients (clients/) and the integration examples
# (clients/examples/) against a real `ipsec-diag serve` on loopback ports:
# each output format, both ends in one request, exit statuses, bearer
# tokens, the service being down, with and without jq (and python3) on the
# PATH, and the stream client following a log through rotation and a server
# restart.
#
#   bash tests/integration/test_clients.sh path/to/ipsec-diag
#
# Prints one line per check, then "N passed, M failed"; exits 1 on failure.
set -u

BIN=${1:?usage: test_clients.sh path/to/ipsec-diag}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=${IDG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
C=$ROOT/clients
LAB=$ROOT/tests/corpus/lab
RESP=$LAB/ikev1-p1-encryption-mismatch/responder.log
INIT=$LAB/ikev1-p1-encryption-mismatch/initiator.log
OKLOG=$LAB/ikev1-success/responder.log
P2LOG=$LAB/ikev2-p1-dh-mismatch/responder.log

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# expect_rc WHAT WANT GOT
expect_rc() { if [ "$3" = "$2" ]; then ok "$1 (exit $3)"; else fail "$1: exit $3, want $2"; fi; }
# contains WHAT FILE TEXT
contains() { if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: no '$3' in: $(head -c 400 "$2" | tr '\n' ' ')"; fi; }
lacks() { if grep -qF -- "$3" "$2"; then fail "$1: unexpected '$3'"; else ok "$1"; fi; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_clients.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_http() {
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
# start_server VAR-PID PORT args... (the URL is http://127.0.0.1:PORT)
start_server() {
    local var=$1 port=$2; shift 2
    "$BIN" serve --listen "127.0.0.1:$port" --workers 1 "$@" >/dev/null 2>>"$tmp/server.log" &
    pids+=($!)
    printf -v "$var" '%s' $!
    wait_http "http://127.0.0.1:$port/healthz"
}

PORT=$(free_port)
if start_server SRV_PID "$PORT"; then ok "server started on 127.0.0.1:$PORT"
else fail "server started: $(tail -n 3 "$tmp/server.log")"; echo "$passed passed, $failed failed"; exit 1; fi
export IPSEC_DIAG_SERVER=http://127.0.0.1:$PORT
DOWN=http://127.0.0.1:$(free_port)     # nothing listens there

# PATH variants: without jq, and without jq and python3.
mkdir -p "$tmp/nojq" "$tmp/nojqpy"
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
        n=${f##*/}
        [ -x "$f" ] || continue
        [ "$n" = jq ] && continue
        [ -e "$tmp/nojq/$n" ] || ln -s "$f" "$tmp/nojq/$n"
        case $n in python*|pydoc*|pyenv) continue ;; esac
        [ -e "$tmp/nojqpy/$n" ] || ln -s "$f" "$tmp/nojqpy/$n"
    done
done
NOJQ=$tmp/nojq
NOJQPY=$tmp/nojqpy
HAVE_JQ=0; command -v jq >/dev/null 2>&1 && HAVE_JQ=1
[ $HAVE_JQ -eq 1 ] || echo "# jq is not installed: the jq paths are tested as the fallback paths"

json_get() { # FILE PY-EXPR (d = the parsed JSON)
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# ==== ipsec-diag-upload ==================================================================
U=$C/ipsec-diag-upload
"$U" --help > "$tmp/o" 2>&1; expect_rc "upload --help" 0 $?
contains "upload --help shows usage" "$tmp/o" "usage: ipsec-diag-upload FILE..."
"$U" > "$tmp/o" 2>&1; expect_rc "upload without a file: usage error" 2 $?
"$U" "$tmp/missing.log" > "$tmp/o" 2>&1; expect_rc "upload of a missing file: usage error" 2 $?
"$U" "$RESP" --format xml > "$tmp/o" 2>&1; expect_rc "upload --format xml: usage error" 2 $?
"$U" "$RESP" --server "$DOWN" > "$tmp/o" 2> "$tmp/e"; expect_rc "upload with the service down" 3 $?
contains "upload: service down is said plainly" "$tmp/e" "cannot reach ipsec-diag service"

"$U" "$RESP" > "$tmp/o" 2> "$tmp/e"; expect_rc "upload one failing log (text)" 1 $?
contains "upload text: outcome line" "$tmp/o" "IPsec diagnosis: failed"
contains "upload text: class title" "$tmp/o" "Phase 1 encryption algorithm mismatch"
contains "upload text: offending value" "$tmp/o" "AES_CBC_256"
contains "upload text: source named after the file" "$tmp/o" "responder.log"

"$U" "$RESP" --format json > "$tmp/o.json" 2> "$tmp/e"; expect_rc "upload --format json" 1 $?
[ "$(json_get "$tmp/o.json" 'd["diagnoses"][0]["class"]')" = phase1_encryption_mismatch ] &&
    ok "upload json: phase1_encryption_mismatch" || fail "upload json: class"
PATH=$NOJQ "$U" "$RESP" --format json > "$tmp/o" 2>&1; expect_rc "upload json without jq: same exit status" 1 $?
"$U" "$RESP" --format markdown > "$tmp/o" 2>&1; expect_rc "upload --format markdown" 1 $?
contains "upload markdown: heading" "$tmp/o" "## IPsec diagnosis: failed"

"$U" "$INIT" "$RESP" --format json > "$tmp/o.json" 2>&1; expect_rc "upload two ends (multipart)" 1 $?
[ "$(json_get "$tmp/o.json" '[s["name"] for s in d["sources"]]')" = "['initiator.log', 'responder.log']" ] &&
    ok "upload two ends: both logs are sources of one report" || fail "upload two ends: sources $(json_get "$tmp/o.json" 'd["sources"]')"
[ "$(json_get "$tmp/o.json" 'any(x.get("peer_source") for x in d["diagnoses"])')" = True ] &&
    ok "upload two ends: diagnoses joined (peer_source)" || fail "upload two ends: not joined"
"$U" "$INIT" "$RESP" > "$tmp/o" 2>&1
contains "upload two ends (text): joined" "$tmp/o" "joined with"
"$U" "$OKLOG" > "$tmp/o" 2>&1; expect_rc "upload a log of a tunnel that came up" 0 $?
contains "upload: established" "$tmp/o" "IPsec diagnosis: established"
"$U" - < "$RESP" > "$tmp/o" 2>&1; expect_rc "upload from standard input" 1 $?
contains "upload stdin: diagnosed" "$tmp/o" "Phase 1 encryption algorithm mismatch"
cp "$RESP" "$tmp/odd;name,\"x\".log"
"$U" "$tmp/odd;name,\"x\".log" "$INIT" --format json > "$tmp/o.json" 2>&1; expect_rc "upload a file with ; , \" in its name" 1 $?

# bearer token
TPORT=$(free_port)
echo "s3cret-token-$$" > "$tmp/token"
if start_server TSRV_PID "$TPORT" --token-file "$tmp/token"; then
    TURL=http://127.0.0.1:$TPORT
    "$U" "$RESP" --server "$TURL" > "$tmp/o" 2> "$tmp/e"; expect_rc "upload without the token: HTTP error" 3 $?
    contains "upload: 401 is reported" "$tmp/e" "HTTP 401"
    "$U" "$RESP" --server "$TURL" --token "s3cret-token-$$" > "$tmp/o" 2>&1; expect_rc "upload --token" 1 $?
    IPSEC_DIAG_TOKEN="s3cret-token-$$" "$U" "$RESP" --server "$TURL" > "$tmp/o" 2>&1; expect_rc "upload with IPSEC_DIAG_TOKEN" 1 $?
    "$U" "$RESP" --server "$TURL" --token-file "$tmp/token" > "$tmp/o" 2>&1; expect_rc "upload --token-file" 1 $?
else
    fail "token server started"
fi

# an HTTP error from the service: body over --max-body
SPORT=$(free_port)
if start_server SSRV_PID "$SPORT" --max-body 4K; then
    "$U" "$RESP" --server "http://127.0.0.1:$SPORT" > "$tmp/o" 2> "$tmp/e"; expect_rc "upload over the body limit: HTTP error" 3 $?
    contains "upload: 413 is reported with the service's message" "$tmp/e" "HTTP 413"
else
    fail "small-limit server started"
fi

# ==== ipsec-diag-rpc ======================================================================
R=$C/ipsec-diag-rpc
"$R" --help > "$tmp/o" 2>&1; expect_rc "rpc --help" 0 $?
"$R" > "$tmp/o" 2>&1; expect_rc "rpc without a method: usage error" 2 $?
"$R" version > "$tmp/o" 2>&1; expect_rc "rpc version" 0 $?
contains "rpc version: result printed" "$tmp/o" '"version"'
"$R" classes > "$tmp/o.json" 2>&1; expect_rc "rpc classes" 0 $?
n=$(json_get "$tmp/o.json" 'len(d)'); m=$("$BIN" classes | wc -l)
[ "$n" = "$m" ] && ok "rpc classes: $n classes, as many as 'ipsec-diag classes'" || fail "rpc classes: $n vs $m"
"$R" health > "$tmp/o" 2>&1; expect_rc "rpc health" 0 $?
"$R" diagnose --log "$RESP" > "$tmp/o.json" 2>&1; expect_rc "rpc diagnose --log (failure)" 1 $?
[ "$(json_get "$tmp/o.json" 'd["outcome"]')" = failed ] && ok "rpc diagnose: the document is printed" || fail "rpc diagnose: document"
"$R" diagnose --log "$INIT" --log "$RESP" --format text > "$tmp/o" 2>&1; expect_rc "rpc diagnose two --log, text" 1 $?
contains "rpc diagnose text: joined" "$tmp/o" "joined with"
"$R" diagnose --log "$OKLOG" > "$tmp/o" 2>&1; expect_rc "rpc diagnose of a good log" 0 $?
python3 -c 'import json,sys; print(json.dumps({"log": open(sys.argv[1]).read(), "format": "markdown"}))' "$RESP" > "$tmp/params.json"
"$R" diagnose "@$tmp/params.json" > "$tmp/o" 2>&1; expect_rc "rpc diagnose @FILE params (markdown)" 1 $?
contains "rpc diagnose markdown: printed as text" "$tmp/o" "## IPsec diagnosis: failed"
"$R" diagnose - < "$tmp/params.json" > "$tmp/o" 2>&1; expect_rc "rpc diagnose params from stdin" 1 $?
"$R" nosuchmethod > "$tmp/o" 2> "$tmp/e"; expect_rc "rpc unknown method" 2 $?
contains "rpc unknown method: JSON-RPC error shown" "$tmp/e" "-32601"
"$R" diagnose '{"nolog":1}' > "$tmp/o" 2> "$tmp/e"; expect_rc "rpc invalid params" 2 $?
contains "rpc invalid params: error shown" "$tmp/e" "-32602"
"$R" diagnose '{not json' > "$tmp/o" 2>&1; expect_rc "rpc malformed JSON-PARAMS: usage error" 2 $?
"$R" version --server "$DOWN" > "$tmp/o" 2> "$tmp/e"; expect_rc "rpc with the service down" 3 $?
contains "rpc: service down is said plainly" "$tmp/e" "cannot reach ipsec-diag service"
PATH=$NOJQ "$R" diagnose --log "$RESP" > "$tmp/o.json" 2>&1; expect_rc "rpc without jq (python3 fallback)" 1 $?
[ "$(json_get "$tmp/o.json" 'd["outcome"]')" = failed ] && ok "rpc without jq: result printed as JSON" || fail "rpc without jq: output"
PATH=$NOJQ "$R" nosuchmethod > "$tmp/o" 2>&1; expect_rc "rpc without jq: unknown method" 2 $?
PATH=$NOJQPY "$R" diagnose "@$tmp/params.json" > "$tmp/o" 2>&1; expect_rc "rpc without jq and python3" 1 $?
PATH=$NOJQPY "$R" nosuchmethod > "$tmp/o" 2>&1; expect_rc "rpc without jq and python3: unknown method" 2 $?
if [ -n "${TURL:-}" ]; then
    "$R" version --server "$TURL" > "$tmp/o" 2>&1; expect_rc "rpc without the token: HTTP error" 3 $?
    "$R" version --server "$TURL" --token "s3cret-token-$$" > "$tmp/o" 2>&1; expect_rc "rpc --token" 0 $?
fi

# ==== ipsec-diag-stream ====================================================================
S=$C/ipsec-diag-stream
"$S" --help > "$tmp/o" 2>&1; expect_rc "stream --help" 0 $?
"$S" --bogus > "$tmp/o" 2>&1; expect_rc "stream with an unknown option: usage error" 2 $?
"$S" - --server "$DOWN" < "$RESP" > "$tmp/o" 2> "$tmp/e"; expect_rc "stream with the service down" 3 $?
contains "stream: service down is said plainly" "$tmp/e" "cannot reach ipsec-diag service"
timeout 30 "$S" - < "$RESP" > "$tmp/o" 2> "$tmp/e"; expect_rc "stream a failing log from stdin" 1 $?
contains "stream: one readable line with the class title" "$tmp/o" "Phase 1 encryption algorithm mismatch"
contains "stream: the offending values on that line" "$tmp/o" "phase1.encryption: this end AES_CBC_256, peer AES_CBC_128"
timeout 30 "$S" - --json < "$RESP" > "$tmp/o" 2> "$tmp/e"; expect_rc "stream --json" 1 $?
if python3 - "$tmp/o" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert recs and recs[-1]["type"] == "summary" and recs[-1]["outcome"] == "failed", recs[-1:]
assert any(r["type"] == "diagnosis" and r["diagnosis"]["class"] == "phase1_encryption_mismatch" for r in recs)
PY
then ok "stream --json: NDJSON diagnosis and summary records"; else fail "stream --json: records"; fi
timeout 30 "$S" - < "$OKLOG" > "$tmp/o" 2>&1; expect_rc "stream a good log" 0 $?
PATH=$NOJQ timeout 30 "$S" - < "$RESP" > "$tmp/o" 2>&1; expect_rc "stream without jq (python3 fallback)" 1 $?
contains "stream without jq: readable line" "$tmp/o" "phase1.encryption: this end AES_CBC_256"
PATH=$NOJQPY timeout 30 "$S" - < "$RESP" > "$tmp/o" 2>&1; expect_rc "stream without jq and python3 (raw lines)" 1 $?
contains "stream without jq and python3: the record is printed" "$tmp/o" '"class":"phase1_encryption_mismatch"'
"$S" --no-follow "$RESP" > "$tmp/o" 2>&1; expect_rc "stream --no-follow FILE" 1 $?
cat "$OKLOG" "$RESP" > "$tmp/both.log"
timeout 30 "$S" --no-follow --json --severity error "$tmp/both.log" > "$tmp/o" 2>&1
expect_rc "stream --severity error" 1 $?
if python3 - "$tmp/o" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
diags = [r["diagnosis"] for r in recs if r["type"] == "diagnosis"]
assert diags and all(d["severity"] == "error" for d in diags), diags
assert recs[-1]["type"] == "summary" and recs[-1]["found"] > recs[-1]["diagnoses"] == len(diags), recs[-1]
PY
then ok "stream --severity error: error records only, the summary says how many were found"
else fail "stream --severity error: records ($(head -c 300 "$tmp/o"))"; fi
"$S" --severity fatal - < "$RESP" > "$tmp/o" 2>&1; expect_rc "stream --severity fatal: usage error" 2 $?
cat "$RESP" "$RESP" "$RESP" > "$tmp/thrice.log"
timeout 30 "$S" --no-follow --json --once --severity error "$tmp/thrice.log" > "$tmp/o" 2>&1
expect_rc "stream --once --severity error" 1 $?
if python3 - "$tmp/o" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
diags = [r["diagnosis"] for r in recs if r["type"] == "diagnosis"]
assert diags and all(d["severity"] == "error" for d in diags), diags
s = recs[-1]
assert s["type"] == "summary" and s["diagnoses"] == len(diags) and s["repeats"] == 2 * len(diags), s
PY
then ok "stream --once: the same failure three times over is shown once, two repeats counted"
else fail "stream --once: records ($(head -c 300 "$tmp/o"))"; fi

# Following a log: lines appended later, a log rotation, a server restart.
# The restarted server comes back on the same port after a pause, so the
# client sees refused connections and backs off before it reconnects.
log=$tmp/ipsec.log
: > "$log"
"$S" "$log" --max-backoff 2 --heartbeat 1 > "$tmp/follow.out" 2> "$tmp/follow.err" &
FOLLOW_PID=$!
pids+=("$FOLLOW_PID")
wait_for_lines() { # FILE PATTERN COUNT SECONDS
    for _ in $(seq 1 $(($4 * 10))); do
        [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
        sleep 0.1
    done
    return 1
}
sleep 0.5
cat "$RESP" >> "$log"
if wait_for_lines "$tmp/follow.out" "Phase 1 encryption algorithm mismatch" 1 20; then
    ok "stream follow: a diagnosis printed while the log is being written"
else
    fail "stream follow: no diagnosis within 20 s ($(tail -n 2 "$tmp/follow.err"))"
fi
# rotation: the log is moved away and a new one starts
mv "$log" "$log.1"
: > "$log"
sleep 1.5
cat "$P2LOG" >> "$log"
if wait_for_lines "$tmp/follow.out" "phase 1" 2 20 && [ "$(wc -l < "$tmp/follow.out")" -ge 2 ]; then
    ok "stream follow: survives log rotation (diagnosis from the new file)"
else
    fail "stream follow: nothing from the rotated log: $(cat "$tmp/follow.out")"
fi
before=$(wc -l < "$tmp/follow.out")
# the server dies...
kill -9 "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null
sleep 3
cat "$RESP" >> "$log"     # written while the service is down
sleep 1
if kill -0 $FOLLOW_PID 2>/dev/null; then ok "stream follow: still running while the service is down"
else fail "stream follow: exited when the service went down"; fi
# ...and comes back on the same port
if start_server SRV_PID "$PORT"; then ok "server restarted on the same port"; else fail "server restart"; fi
if wait_for_lines "$tmp/follow.out" "Phase 1 encryption algorithm mismatch" 2 30; then
    ok "stream follow: reconnects after the server restart and goes on"
else
    fail "stream follow: no diagnosis after the restart ($(tail -n 3 "$tmp/follow.err" | tr '\n' ' '))"
fi
contains "stream follow: the reconnect with backoff is reported" "$tmp/follow.err" "retrying in"
after=$(wc -l < "$tmp/follow.out")
[ "$after" -gt "$before" ] && ok "stream follow: $((after - before)) new diagnosis line(s) after the restart" ||
    fail "stream follow: no new lines after the restart"
kill $FOLLOW_PID 2>/dev/null; wait $FOLLOW_PID 2>/dev/null
gone=0
for _ in $(seq 1 30); do
    pgrep -f -- "-n 0 -- $log" >/dev/null 2>&1 || { gone=1; break; }
    sleep 0.1
done
[ $gone -eq 1 ] && ok "stream follow: tail -F ends with the client" ||
    fail "stream follow: tail -F left running after the client ended"

# ==== examples/ticket-comment.sh ============================================================
T=$C/examples/ticket-comment.sh
"$T" --help > "$tmp/o" 2>&1; expect_rc "ticket-comment --help" 0 $?
"$T" > "$tmp/o" 2>&1; expect_rc "ticket-comment without a log: usage error" 2 $?
"$T" "$RESP" > "$tmp/comment.md" 2> "$tmp/e"; expect_rc "ticket-comment: failure diagnosed" 1 $?
contains "ticket-comment: Markdown comment" "$tmp/comment.md" "## IPsec diagnosis: failed"
contains "ticket-comment: offending table" "$tmp/comment.md" "| Setting | This end | Peer |"
IPSEC_DIAG_SERVER=$DOWN "$T" "$RESP" > "$tmp/o" 2>&1; expect_rc "ticket-comment with the service down" 3 $?

# a stand-in ticket system that records what it receives
TKPORT=$(free_port)
python3 - "$TKPORT" "$tmp/ticket" <<'PY' 2>/dev/null &
import http.server, sys, json
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(out + self.path.replace("/", "_"), "wb") as f:
            f.write(body)
        with open(out + self.path.replace("/", "_") + ".headers", "w") as f:
            f.write(str(self.headers))
        code = 500 if "broken" in self.path else 201
        self.send_response(code); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
pids+=($!)
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$TKPORT/" && break; sleep 0.1; done
TICKET_URL=http://127.0.0.1:$TKPORT/issues/42/comments TICKET_TOKEN=tk-secret "$T" "$INIT" "$RESP" > "$tmp/comment2.md" 2> "$tmp/e"
expect_rc "ticket-comment posts to TICKET_URL (two ends)" 1 $?
if python3 - "$tmp/ticket_issues_42_comments" "$tmp/comment2.md" <<'PY'
import json, sys
posted = json.load(open(sys.argv[1]))
assert posted["body"] == open(sys.argv[2]).read(), "posted body differs from the printed comment"
PY
then ok "ticket-comment: the posted JSON body is the printed comment"; else fail "ticket-comment: posted body"; fi
contains "ticket-comment: TICKET_TOKEN sent as bearer" "$tmp/ticket_issues_42_comments.headers" "Bearer tk-secret"
TICKET_URL=http://127.0.0.1:$TKPORT/raw TICKET_FORMAT=raw "$T" "$RESP" > "$tmp/o" 2>/dev/null
cmp -s "$tmp/ticket_raw" "$tmp/o" && ok "ticket-comment TICKET_FORMAT=raw posts the Markdown as is" || fail "ticket-comment raw"
TICKET_URL=http://127.0.0.1:$TKPORT/broken "$T" "$RESP" > "$tmp/o" 2>&1; expect_rc "ticket-comment: ticket system refuses" 4 $?

# ==== examples/helpdesk-form.py =============================================================
HPORT=$(free_port)
python3 "$C/examples/helpdesk-form.py" --listen "127.0.0.1:$HPORT" --service "$IPSEC_DIAG_SERVER" 2>>"$tmp/helpdesk.log" &
pids+=($!)
HD=http://127.0.0.1:$HPORT
if wait_http "$HD/"; then ok "helpdesk-form starts"; else fail "helpdesk-form starts: $(tail -n 3 "$tmp/helpdesk.log")"; fi
curl -sS "$HD/" > "$tmp/o"
contains "helpdesk-form: GET / is the form" "$tmp/o" '<textarea id="log" name="log"'
code=$(curl -sS -o "$tmp/o" -w '%{http_code}' --data-urlencode "ticket=INC-1" --data-urlencode "log@$RESP" "$HD/diagnose")
[ "$code" = 200 ] && ok "helpdesk-form: POST a pasted log (200)" || fail "helpdesk-form POST: HTTP $code"
contains "helpdesk-form: the text diagnosis is on the page" "$tmp/o" "Phase 1 encryption algorithm mismatch"
contains "helpdesk-form: the ticket number names the log" "$tmp/o" "ticket-INC1-customer.log"
curl -sS -o "$tmp/o" --data-urlencode "log@$INIT" --data-urlencode "peer_log@$RESP" "$HD/diagnose"
contains "helpdesk-form: both ends joined" "$tmp/o" "joined with"
code=$(curl -sS -o "$tmp/o" -w '%{http_code}' --data-urlencode "log=" "$HD/diagnose")
[ "$code" = 400 ] && ok "helpdesk-form: empty log refused (400)" || fail "helpdesk-form empty: HTTP $code"
{ cat "$RESP"; echo '<script>alert(1)</script>'; } > "$tmp/evil.log"
curl -sS -o "$tmp/o" --data-urlencode "log@$tmp/evil.log" "$HD/diagnose"
lacks "helpdesk-form: markup in the log is escaped" "$tmp/o" "<script>alert(1)</script>"
HPORT2=$(free_port)
python3 "$C/examples/helpdesk-form.py" --listen "127.0.0.1:$HPORT2" --service "$DOWN" 2>>"$tmp/helpdesk.log" &
pids+=($!)
wait_http "http://127.0.0.1:$HPORT2/" >/dev/null
code=$(curl -sS -o "$tmp/o" -w '%{http_code}' --data-urlencode "log@$RESP" "http://127.0.0.1:$HPORT2/diagnose")
[ "$code" = 502 ] && ok "helpdesk-form: service down gives 502" || fail "helpdesk-form service down: HTTP $code"
contains "helpdesk-form: service down is said plainly" "$tmp/o" "cannot be reached"

# ==== static checks ============================================================================
for f in "$C"/ipsec-diag-upload "$C"/ipsec-diag-stream "$C"/ipsec-diag-rpc "$C"/examples/ticket-comment.sh; do
    bash -n "$f" && ok "bash -n ${f#"$ROOT"/}" || fail "bash -n ${f#"$ROOT"/}"
    [ -x "$f" ] && ok "${f#"$ROOT"/} is executable" || fail "${f#"$ROOT"/} is not executable"
done
if ! command -v shellcheck >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends shellcheck >/dev/null 2>&1 || true
fi
if command -v shellcheck >/dev/null 2>&1; then
    if shellcheck -S warning "$C"/ipsec-diag-upload "$C"/ipsec-diag-stream "$C"/ipsec-diag-rpc "$C"/examples/ticket-comment.sh > "$tmp/sc" 2>&1
    then ok "shellcheck (warnings and errors)"; else fail "shellcheck: $(head -n 20 "$tmp/sc")"; fi
else
    echo "skipped - shellcheck not installed"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
