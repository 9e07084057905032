#!/usr/bin/env bash
# ticket-comment.sh - turn strongSwan logs into a Markdown ticket comment.
#
#   ticket-comment.sh LOG [PEER-LOG]
#
# Sends the log(s) to the ipsec-diag service (POST /v1/diagnose?format=markdown;
# two logs, one per end of the tunnel, go in one multipart request so the
# service joins them) and prints the comment. With TICKET_URL set it also
# posts the comment there: a JSON body {"body": "<markdown>"} (the shape of
# GitHub/Gitea/GitLab-style comment APIs; TICKET_FIELD renames "body"), or the
# raw Markdown with TICKET_FORMAT=raw.
#
# Environment:
#   IPSEC_DIAG_SERVER   service URL (default http://127.0.0.1:8080)
#   IPSEC_DIAG_TOKEN    bearer token for the service, if it needs one
#   TICKET_URL          where to POST the comment (optional)
#   TICKET_TOKEN        sent as "Authorization: Bearer ..." to TICKET_URL (optional)
#   TICKET_FIELD        JSON member holding the comment (default body)
#   TICKET_FORMAT       json (default) or raw
#
# Exit status: 0 no failure found, 1 failure diagnosed (comment printed and
# posted all the same), 2 usage, 3 service unreachable or HTTP error,
# 4 the ticket system refused the comment.
set -u
PROG=${0##*/}
SERVER=${IPSEC_DIAG_SERVER:-http://127.0.0.1:8080}
SERVER=${SERVER%/}

case ${1:-} in
    -h|--help|'')
        sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
        [ -n "${1:-}" ]; exit $(( $? ? 2 : 0 )) ;;
esac
[ $# -le 2 ] || { echo "$PROG: at most two logs (one per end)" >&2; exit 2; }
for f in "$@"; do
    [ -r "$f" ] && [ -f "$f" ] || { echo "$PROG: cannot read $f" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ticket-comment.XXXXXX") || exit 3
trap 'rm -rf "$tmp"' EXIT
cfg=$tmp/curl.cfg
: > "$cfg"; chmod 600 "$cfg"
[ -n "${IPSEC_DIAG_TOKEN:-}" ] && printf 'header = "Authorization: Bearer %s"\n' "$IPSEC_DIAG_TOKEN" >> "$cfg"

parts=()
for f in "$@"; do
    name=${f##*/}; name=${name//[;,\"\\]/_}
    parts+=(-F "log$(( ${#parts[@]} / 2 + 1 ))=@$f;filename=$name;type=text/plain")
done
code=$(curl -sS --config "$cfg" --max-time 120 -H 'Expect:' "${parts[@]}" \
            -o "$tmp/comment.md" -w '%{http_code}' "$SERVER/v1/diagnose?format=markdown" 2>"$tmp/err")
rc=$?
if [ $rc -ne 0 ]; then
    echo "$PROG: cannot reach ipsec-diag service at $SERVER: $(head -n 1 "$tmp/err")" >&2
    exit 3
fi
if [ "$code" != 200 ]; then
    echo "$PROG: the service answered HTTP $code: $(head -c 300 "$tmp/comment.md")" >&2
    exit 3
fi

cat "$tmp/comment.md"
status=0
grep -q '^## IPsec diagnosis: failed' "$tmp/comment.md" && status=1

if [ -n "${TICKET_URL:-}" ]; then
    tcfg=$tmp/ticket.cfg
    : > "$tcfg"; chmod 600 "$tcfg"
    [ -n "${TICKET_TOKEN:-}" ] && printf 'header = "Authorization: Bearer %s"\n' "$TICKET_TOKEN" >> "$tcfg"
    if [ "${TICKET_FORMAT:-json}" = raw ]; then
        ctype='text/markdown; charset=utf-8'
        cp "$tmp/comment.md" "$tmp/payload"
    else
        ctype='application/json'
        field=${TICKET_FIELD:-body}
        if command -v jq >/dev/null 2>&1; then
            jq -Rs --arg f "$field" '{($f): .}' "$tmp/comment.md" > "$tmp/payload"
        elif command -v python3 >/dev/null 2>&1; then
            python3 -c 'import json,sys; print(json.dumps({sys.argv[2]: open(sys.argv[1], encoding="utf-8").read()}))' \
                "$tmp/comment.md" "$field" > "$tmp/payload"
        else
            echo "$PROG: posting JSON needs jq or python3 (or set TICKET_FORMAT=raw)" >&2
            exit 4
        fi
    fi
    tcode=$(curl -sS --config "$tcfg" --max-time 30 -H "Content-Type: $ctype" -H 'Expect:' \
                 --data-binary "@$tmp/payload" -o "$tmp/ticket.out" -w '%{http_code}' "$TICKET_URL" 2>"$tmp/err")
    if [ $? -ne 0 ] || [ "${tcode:0:1}" != 2 ]; then
        echo "$PROG: posting the comment to $TICKET_URL failed: HTTP ${tcode:-none} $(head -n 1 "$tmp/err")" >&2
        exit 4
    fi
    echo "$PROG: comment posted to $TICKET_URL (HTTP $tcode)" >&2
fi
exit $status
