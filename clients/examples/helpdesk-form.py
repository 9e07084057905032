#!/usr/bin/env python3
"""helpdesk-form.py - a tiny helpdesk form backend in front of ipsec-diag.

    python3 helpdesk-form.py [--listen 127.0.0.1:8090] [--service URL]

Serves an HTML form (GET /) where a helpdesk agent pastes a customer's
strongSwan log (and, if they have it, the other end's), and answers the
POST with the service's plain-text diagnosis on a page. It is an example of
a backend integration: the browser talks only to this app, and this app to
the ipsec-diag service (POST /v1/diagnose?format=text, multipart, so the two
ends are joined). Python 3 standard library only.

Environment: IPSEC_DIAG_SERVER (service URL, default http://127.0.0.1:8080),
IPSEC_DIAG_TOKEN (bearer token for the service, if it needs one).
"""
import argparse
import html
import http.server
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

MAX_FORM = 16 * 1024 * 1024  # bytes of form this app accepts

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Helpdesk: IPsec diagnosis</title>
<style>
body {{ font: 16px/1.4 system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }}
textarea {{ width: 100%; min-height: 10rem; font: .85rem monospace; }}
label {{ display: block; font-weight: 600; margin-top: 1rem; }}
pre {{ background: #f4f4f4; padding: 1rem; overflow-x: auto; white-space: pre-wrap; }}
.error {{ color: #b42318; font-weight: 600; }}
button {{ margin-top: 1rem; font: inherit; padding: .4rem 1rem; }}
</style></head>
<body>
<h1>IPsec tunnel diagnosis</h1>
{result}
<form method="post" action="diagnose">
  <label for="ticket">Ticket number (optional)</label>
  <input id="ticket" name="ticket" value="{ticket}">
  <label for="log">Customer's strongSwan / pfSense IPsec log</label>
  <textarea id="log" name="log" required>{log}</textarea>
  <label for="peer_log">The other end's log (optional)</label>
  <textarea id="peer_log" name="peer_log">{peer_log}</textarea>
  <button type="submit">Diagnose</button>
</form>
</body></html>
"""


def multipart(fields):
    """fields: [(name, filename, bytes)] -> (content type, body)."""
    boundary = "----helpdesk" + uuid.uuid4().hex
    out = []
    for name, filename, data in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: text/plain\r\n\r\n" % (boundary, name, filename)).encode())
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return "multipart/form-data; boundary=" + boundary, b"".join(out)


def diagnose(service, token, logs):
    """logs: [(name, text)] -> (ok, text). Never raises for service errors."""
    ctype, body = multipart([("log%d" % i, name, text.encode("utf-8"))
                             for i, (name, text) in enumerate(logs, 1)])
    req = urllib.request.Request(service.rstrip("/") + "/v1/diagnose?format=text", data=body,
                                 method="POST", headers={"Content-Type": ctype})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return True, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return False, "The diagnosis service answered HTTP %d: %s" % (
            e.code, e.read().decode("utf-8", "replace")[:500])
    except (urllib.error.URLError, OSError) as e:
        return False, "The diagnosis service cannot be reached: %s" % getattr(e, "reason", e)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "helpdesk-form/1"
    service = "http://127.0.0.1:8080"
    token = ""

    def page(self, status, result="", ticket="", log="", peer_log=""):
        body = PAGE.format(result=result, ticket=html.escape(ticket), log=html.escape(log),
                           peer_log=html.escape(peer_log)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if urllib.parse.urlsplit(self.path).path in ("/", "/index.html"):
            self.page(200)
        else:
            self.send_error(404)

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path != "/diagnose":
            self.send_error(404)
            return
        try:
            n = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.send_error(411)
            return
        if n > MAX_FORM:
            self.page(413, '<p class="error" role="alert">The log is too large for this form '
                           '(at most %d MB).</p>' % (MAX_FORM // 1048576))
            return
        form = urllib.parse.parse_qs(self.rfile.read(n).decode("utf-8", "replace"), keep_blank_values=True)
        get = lambda k: (form.get(k) or [""])[0]
        ticket, log, peer_log = get("ticket").strip(), get("log"), get("peer_log")
        if not log.strip():
            self.page(400, '<p class="error" role="alert">Paste a log first.</p>', ticket, log, peer_log)
            return
        prefix = ("ticket-%s-" % "".join(c for c in ticket if c.isalnum())) if ticket else ""
        logs = [(prefix + "customer.log", log)]
        if peer_log.strip():
            logs.append((prefix + "peer.log", peer_log))
        ok, text = diagnose(self.service, self.token, logs)
        if ok:
            result = "<h2>Diagnosis</h2>\n<pre>%s</pre>" % html.escape(text)
            self.page(200, result, ticket, log, peer_log)
        else:
            self.page(502, '<p class="error" role="alert">%s</p>' % html.escape(text), ticket, log, peer_log)

    def log_message(self, fmt, *args):
        sys.stderr.write("helpdesk-form: %s %s\n" % (self.address_string(), fmt % args))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", default="127.0.0.1:8090", help="host:port (default 127.0.0.1:8090)")
    ap.add_argument("--service", default=os.environ.get("IPSEC_DIAG_SERVER", "http://127.0.0.1:8080"),
                    help="ipsec-diag service URL")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    Handler.service = args.service
    Handler.token = os.environ.get("IPSEC_DIAG_TOKEN", "")
    srv = http.server.ThreadingHTTPServer((host.strip("[]") or "127.0.0.1", int(port)), Handler)
    print("helpdesk-form: listening on http://%s:%d/ (service %s)" % (host, srv.server_address[1], args.service),
          file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
