#!/usr/bin/env python3
"""test_api.py - the API contract of `ipsec-diag serve`, checked against the
real server: api/openrpc.json, the JSON Schemas in api/schemas/, the class
list, and api/README.md's curl examples.

    python3 tests/integration/test_api.py --bin build/ipsec-diag
    python3 tests/integration/test_api.py --bin build/ipsec-diag --write

Check mode (what ctest runs) prints one line per check and "N passed, M
failed":
  - the class list is the same everywhere: `ipsec-diag classes`, the RPC
    `classes`, api/class-list.json, the class enum of
    api/schemas/diagnosis.schema.json and of api/openrpc.json;
  - api/openrpc.json is valid OpenRPC (the @open-rpc/meta-schema, with ajv),
    its shared schemas are those of api/schemas/ (no drift), the binary
    serves this very file (rpc.discover, GET /openrpc.json), every method's
    examples still hold on the live server, and every error a method gives
    when probed is listed for it;
  - every response of the live server (RPC results and errors, documents
    from /v1/diagnose, NDJSON records from /v1/stream, HTTP error bodies)
    validates against its schema (ajv, JSON Schema 2020-12 and draft-07);
  - status codes, content types, bearer auth and CORS behave as api/README.md
    says, and each curl example in api/README.md runs;
  - @open-rpc/test-coverage passes against the live server.

--write regenerates what is derived: api/class-list.json and the class enum
(from the RPC `classes` of the binary), the shared schemas in
api/openrpc.json's components (from api/schemas/), its info.version and its
example results (from calls to the live server). Rebuild the binary after
--write: it embeds api/openrpc.json.

Node packages (ajv, ajv-formats, @open-rpc/meta-schema,
@open-rpc/test-coverage) come from tests/integration/package-lock.json,
installed out of tree by `test_web.sh --node-deps`.
"""
import argparse
import collections
import copy
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("IDG_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
API = os.path.join(ROOT, "api")
SCHEMAS = os.path.join(API, "schemas")
OPENRPC = os.path.join(API, "openrpc.json")
CLASS_LIST = os.path.join(API, "class-list.json")
LAB = os.path.join(ROOT, "tests", "corpus", "lab")
RESP = os.path.join(LAB, "ikev1-p1-encryption-mismatch", "responder.log")
INIT = os.path.join(LAB, "ikev1-p1-encryption-mismatch", "initiator.log")
OKLOG = os.path.join(LAB, "ikev1-success", "responder.log")
OD = collections.OrderedDict

# api/schemas/ file -> OpenRPC component name; their $defs become components
# named in CamelCase.
SCHEMA_FILES = OD([
    ("diagnosis.schema.json", "Diagnosis"),
    ("document.schema.json", "Document"),
    ("stream-record.schema.json", "StreamRecord"),
    ("error.schema.json", "HttpError"),
    ("class-info.schema.json", "ClassInfo"),
])

passed = failed = 0


def check(ok, what, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what, flush=True)
    else:
        failed += 1
        print("FAIL - " + what + (": " + str(why)[:1500] if why else ""), flush=True)
    return ok


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=OD)


def dump(obj, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---- the server -------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, args=()):
        self.binary, self.args = binary, list(args)
        self.proc = self.port = None
        self.err = tempfile.TemporaryFile()

    def start(self):
        for _ in range(3):
            self.port = free_port()
            self.proc = subprocess.Popen([self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port,
                                          "--workers", "1"] + self.args,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.err)
            end = time.time() + 10
            while time.time() < end and self.proc.poll() is None:
                try:
                    if self.request("GET", "/healthz", timeout=1)[0] == 200:
                        return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
        self.err.seek(0)
        raise RuntimeError("ipsec-diag serve did not start: " + self.err.read().decode(errors="replace")[-500:])

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, str):
                body = body.encode("utf-8")
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def raw(self, data, timeout=10):
        """Raw bytes in, everything the server answers until it closes (or goes quiet)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            out = b""
            s.settimeout(2)
            while True:
                try:
                    d = s.recv(65536)
                except socket.timeout:
                    break
                if not d:
                    break
                out += d
            return out
        finally:
            s.close()

    def rpc_raw(self, payload, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.request("POST", "/rpc", body, h)

    def rpc(self, method, params=None, id_=1):
        req = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            req["params"] = params
        st, _, body = self.rpc_raw(req)
        if st != 200:
            raise RuntimeError("POST /rpc %s: HTTP %d %s" % (method, st, body[:200]))
        return json.loads(body, object_pairs_hook=OD)


def multipart(parts):
    """parts: [(field, filename or None, bytes)] -> (content type, body)."""
    boundary = "----idg-api-test-7f3a9c"
    out = b""
    for name, filename, data in parts:
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename else "")
        out += ("--%s\r\nContent-Disposition: %s\r\nContent-Type: text/plain\r\n\r\n" % (boundary, disp)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return "multipart/form-data; boundary=" + boundary, out


# ---- schemas -> OpenRPC components ---------------------------------------------------

def camel(name):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_-]", name))


def rewrite_refs(obj, fname):
    """2020-12 refs between api/schemas files -> #/components/schemas/... refs."""
    if isinstance(obj, list):
        return [rewrite_refs(x, fname) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = OD()
    for k, v in obj.items():
        if k == "$ref" and isinstance(v, str):
            f, _, frag = v.partition("#")
            f = f or fname
            if frag.startswith("/$defs/"):
                v = "#/components/schemas/" + camel(frag[len("/$defs/"):])
            elif frag in ("", "/"):
                v = "#/components/schemas/" + SCHEMA_FILES[f]
            else:
                raise ValueError("unsupported $ref %s in %s" % (v, fname))
            out[k] = v
        else:
            out[k] = rewrite_refs(v, fname)
    return out


def components_from_schemas():
    comps = OD()
    for fname, name in SCHEMA_FILES.items():
        s = load(os.path.join(SCHEMAS, fname))
        s.pop("$schema", None)
        s.pop("$id", None)
        defs = s.pop("$defs", OD())
        comps[name] = rewrite_refs(s, fname)
        for dname, d in defs.items():
            cname = camel(dname)
            if cname in comps:
                raise ValueError("component name clash: " + cname)
            comps[cname] = rewrite_refs(d, fname)
    return comps


# ---- what examples must keep saying ----------------------------------------------------

def essentials(method, result):
    """The part of a result that an example must still match on a live server
    (wording and library versions may change; the facts may not)."""
    if method == "diagnose":
        if isinstance(result, dict) and "text" in result:
            return [result.get("format"), result["text"].splitlines()[:1]]
        return [result.get("outcome"), [s["name"] for s in result.get("sources", [])],
                sorted([d["class"], d["source"], d.get("peer_source"), d["severity"],
                        [[o["field"], o["local"], o["peer"]] for o in d["offending"]]]
                       for d in result.get("diagnoses", []))]
    if method == "classes":
        return result
    if method == "version":
        return result.get("version")
    if method == "health":
        return [result.get("status"), result.get("version")]
    if method == "rpc.discover":
        return [result.get("openrpc"), result.get("info", {}).get("title"),
                [m.get("name") for m in result.get("methods", [])]]
    return result


def example_params(method, ex):
    """An example's params as sent by name (an object)."""
    return OD((p["name"], p["value"]) for p in ex.get("params", []))


def abridge_discover(doc):
    return OD([("openrpc", doc["openrpc"]), ("info", doc["info"]), ("servers", doc.get("servers", [])),
               ("methods", [OD([("name", m["name"]), ("summary", m.get("summary", ""))]) for m in doc["methods"]])])


# ---- node: ajv, the OpenRPC meta-schema, test-coverage --------------------------------

NODE_VALIDATE = r"""
"use strict";
const fs = require("fs");
const path = require("path");
const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const Ajv2020 = require("ajv/dist/2020").default;
const Ajv07 = require("ajv").default;
const addFormats = require("ajv-formats").default;
const out = [];
const say = (ok, what, why) => out.push((ok ? "ok - " : "FAIL - ") + what + (ok || !why ? "" : ": " + why));
const errs = v => JSON.stringify(v.errors && v.errors.slice(0, 3));

// OpenRPC document against the meta-schema
const doc = JSON.parse(fs.readFileSync(job.openrpc, "utf8"));
const meta = JSON.parse(JSON.stringify(require("@open-rpc/meta-schema").default));
delete meta.$schema;
// it refers to the JSON Schema meta-schema of json-schema.tools for every schema in the document
const jsMeta = JSON.parse(JSON.stringify(require("@json-schema-tools/meta-schema").default));
delete jsMeta.$schema;
const ajvMeta = new Ajv07({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajvMeta);
ajvMeta.addSchema(jsMeta);
const jsMeta2 = JSON.parse(JSON.stringify(jsMeta));
delete jsMeta2.$id;
ajvMeta.addSchema(jsMeta2, "https://meta.json-schema.tools");   // referred to without the slash too
const vMeta = ajvMeta.compile(meta);
say(vMeta(doc), "api/openrpc.json is valid against @open-rpc/meta-schema (openrpc " + doc.openrpc + ")", errs(vMeta));

// every schema in the OpenRPC document compiles (draft-07, as OpenRPC 1.x says)
const ajv07 = new Ajv07({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv07);
// the tree's document plus the test's JSON-RPC envelope schemas (same methods, more components)
ajv07.addSchema(job.openrpc_test ? JSON.parse(fs.readFileSync(job.openrpc_test, "utf8")) : doc, "openrpc");
const at = ptr => { try { return ajv07.compile({ $ref: "openrpc#" + ptr }); } catch (e) { return e; } };
let nCompiled = 0, bad = [];
doc.methods.forEach((m, i) => {
  (m.params || []).forEach((p, j) => { const v = at("/methods/" + i + "/params/" + j + "/schema"); if (v instanceof Error) bad.push(m.name + "." + p.name + ": " + v.message); else nCompiled++; });
  const v = at("/methods/" + i + "/result/schema"); if (v instanceof Error) bad.push(m.name + " result: " + v.message); else nCompiled++;
});
Object.keys(doc.components.schemas).forEach(k => { const v = at("/components/schemas/" + k); if (v instanceof Error) bad.push(k + ": " + v.message); else nCompiled++; });
say(bad.length === 0, "every schema in api/openrpc.json compiles with ajv (draft-07): " + nCompiled, bad.join("; "));

// the JSON Schema 2020-12 files
const ajv20 = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv20);
for (const f of fs.readdirSync(job.schemas_dir).filter(f => f.endsWith(".schema.json")).sort()) {
  const s = JSON.parse(fs.readFileSync(path.join(job.schemas_dir, f), "utf8"));
  try { ajv20.addSchema(s, f); } catch (e) { say(false, "api/schemas/" + f + " is a valid 2020-12 schema", e.message); }
}
for (const f of fs.readdirSync(job.schemas_dir).filter(f => f.endsWith(".schema.json")).sort()) {
  try { ajv20.getSchema(f); say(ajv20.validateSchema(ajv20.getSchema(f).schema), "api/schemas/" + f + " compiles (ajv, JSON Schema 2020-12, strict)", errs(ajv20)); }
  catch (e) { say(false, "api/schemas/" + f + " compiles", e.message); }
}

const methodIndex = Object.fromEntries(doc.methods.map((m, i) => [m.name, i]));
const counts = {};
for (const it of job.items) {
  let v;
  try {
    if (it.kind === "schema") v = ajv20.getSchema(it.schema);
    else if (it.kind === "result") v = at("/methods/" + methodIndex[it.method] + "/result/schema");
    else if (it.kind === "param") {
      const m = doc.methods[methodIndex[it.method]];
      v = at("/methods/" + methodIndex[it.method] + "/params/" + m.params.findIndex(p => p.name === it.param) + "/schema");
    } else if (it.kind === "component") v = at("/components/schemas/" + it.component);
  } catch (e) { say(false, it.label, e.message); continue; }
  if (!v || v instanceof Error) { say(false, it.label, "no schema: " + (v && v.message)); continue; }
  const ok = v(it.data);
  if (!ok || !it.quiet) say(ok, it.label, errs(v));
  else counts[it.group] = (counts[it.group] || 0) + 1;
}
for (const [g, n] of Object.entries(counts)) say(true, g + ": " + n + " validated");
console.log(out.join("\n"));
"""

NODE_COVERAGE = r"""
"use strict";
const fs = require("fs");
const base = process.argv[3];
const doc = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
doc.servers = [{ name: "test", url: base + "/rpc" }];
// test-coverage sends the examples of a paramStructure "either" method by
// position: keep those whose params are a leading run of the method's params.
for (const m of doc.methods)
  if (m.paramStructure !== "by-name")
    m.examples = (m.examples || []).filter(ex => ex.params.every((p, i) => m.params[i] && m.params[i].name === p.name));
(async () => {
  const { parseOpenRPCDocument } = require("@open-rpc/schema-utils-js");
  const coverage = require("@open-rpc/test-coverage").default;
  const parsed = await parseOpenRPCDocument(doc);
  const rep = { calls: [], onBegin() {}, onTestBegin() {}, onTestEnd() {}, onEnd(o, calls) { this.calls = calls; } };
  await coverage({ openrpcDocument: parsed, transport: "http", reporters: [rep], skip: [], only: [] });
  for (const c of rep.calls)
    console.log((c.valid ? "ok - " : "FAIL - ") + "test-coverage: " + c.methodName + ": " + c.title +
                (c.valid ? "" : ": " + String(c.reason || c.requestError).slice(0, 600)));
  console.log("COVERAGE-CALLS " + rep.calls.length);
})().catch(e => { console.log("FAIL - test-coverage ran: " + (e && e.stack || JSON.stringify(e).slice(0, 2000))); });
"""


def node_modules():
    r = subprocess.run(["bash", os.path.join(HERE, "test_web.sh"), "--node-deps"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    path = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    return (path if r.returncode == 0 and os.path.isdir(path) else None), r.stderr[-800:]


def run_node(script, args, nm):
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
        f.write(script)
        name = f.name
    try:
        env = dict(os.environ, NODE_PATH=nm)
        r = subprocess.run(["node", name] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=env, timeout=600)
        return r.stdout + ("\n" + r.stderr if r.returncode else "")
    finally:
        os.unlink(name)


def count_lines(text, prefix=""):
    """Counts a node helper's ok/FAIL lines into ours."""
    global passed, failed
    for line in text.splitlines():
        if line.startswith("ok - "):
            passed += 1
            print(line[:5] + prefix + line[5:], flush=True)
        elif line.startswith("FAIL - "):
            failed += 1
            print(line[:7] + prefix + line[7:], flush=True)
        elif line.strip() and not line.startswith("COVERAGE-CALLS"):
            print("# " + line, flush=True)


# ---- --write ---------------------------------------------------------------------------

def write_mode(binary):
    srv = Server(binary).start()
    try:
        classes = srv.rpc("classes")["result"]
        dump(classes, CLASS_LIST)
        print("wrote api/class-list.json (%d classes)" % len(classes))
        p = os.path.join(SCHEMAS, "diagnosis.schema.json")
        d = load(p)
        d["$defs"]["class_name"]["enum"] = [c["name"] for c in classes]
        dump(d, p)
        print("wrote the class enum of api/schemas/diagnosis.schema.json")
        doc = load(OPENRPC)
        version = srv.rpc("version")["result"]["version"]
        doc["info"]["version"] = version
        comps = components_from_schemas()
        for k, v in comps.items():
            doc["components"]["schemas"][k] = v
        for m in doc["methods"]:
            for ex in m.get("examples", []):
                res = srv.rpc(m["name"], example_params(m["name"], ex) or None)
                if "error" in res:
                    raise RuntimeError("example %s/%s: %s" % (m["name"], ex["name"], res["error"]))
                val = res["result"]
                if m["name"] == "rpc.discover":
                    val = abridge_discover(doc)
                ex["result"]["value"] = val
        dump(doc, OPENRPC)
        print("wrote api/openrpc.json (version %s, %d shared schemas, examples from a live run); rebuild the binary"
              % (version, len(comps)))
    finally:
        srv.stop()


# ---- checks ------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if args.write:
        write_mode(binary)
        return 0

    items = []  # for node: what to validate against which schema

    def validate(kind, data, label, quiet_group=None, **kw):
        it = dict(kind=kind, data=data, label=label, **kw)
        if quiet_group:
            it.update(quiet=True, group=quiet_group)
        items.append(it)

    # ---- static: the files ---------------------------------------------------------------
    schema_files = sorted(f for f in os.listdir(SCHEMAS) if f.endswith(".schema.json"))
    check(set(schema_files) == set(SCHEMA_FILES), "api/schemas has the schema files " + ", ".join(SCHEMA_FILES),
          schema_files)
    for f in schema_files:
        try:
            s = load(os.path.join(SCHEMAS, f))
            check(s.get("$schema") == "https://json-schema.org/draft/2020-12/schema" and s.get("$id", "").endswith("/" + f),
                  "api/schemas/%s declares JSON Schema 2020-12 and its $id" % f)
        except ValueError as e:
            check(False, "api/schemas/%s parses" % f, e)
    try:
        doc = load(OPENRPC)
        check(True, "api/openrpc.json parses")
    except ValueError as e:
        check(False, "api/openrpc.json parses", e)
        print("%d passed, %d failed" % (passed, failed))
        return 1

    srv = Server(binary).start()
    servers = [srv]
    try:
        return run_checks(binary, srv, servers, doc, items, validate)
    finally:
        for s in servers:
            s.stop()


def run_checks(binary, srv, servers, doc, items, validate):
    methods = {m["name"]: m for m in doc["methods"]}
    comp_errors = doc.get("components", {}).get("errors", {})

    def listed_codes(m):
        codes = set()
        for e in m.get("errors", []):
            if "$ref" in e:
                e = comp_errors.get(e["$ref"].split("/")[-1], {})
            codes.add(e.get("code"))
        return codes

    # ---- classes: one list everywhere ------------------------------------------------------
    cli = subprocess.run([binary, "classes"], stdout=subprocess.PIPE, text=True).stdout
    cli_names = [l.split()[0] for l in cli.splitlines() if l.strip()]
    rpc_classes = srv.rpc("classes")["result"]
    rpc_names = [c["name"] for c in rpc_classes]
    check(cli_names == rpc_names and len(rpc_names) > 0,
          "`ipsec-diag classes` and RPC classes list the same %d classes" % len(rpc_names),
          (cli_names, rpc_names))
    try:
        class_list = load(CLASS_LIST)
    except (OSError, ValueError) as e:
        class_list = None
        check(False, "api/class-list.json parses", e)
    if class_list is not None:
        check(class_list == rpc_classes,
              "api/class-list.json == RPC classes (name, phase, severity, title, description); else run --write",
              [c.get("name") for c in class_list])
    diag_schema = load(os.path.join(SCHEMAS, "diagnosis.schema.json"))
    enum = diag_schema["$defs"]["class_name"]["enum"]
    check(enum == rpc_names, "api/schemas/diagnosis.schema.json class enum == the binary's classes; else run --write",
          sorted(set(enum) ^ set(rpc_names)))
    orpc_enum = doc["components"]["schemas"].get("ClassName", {}).get("enum")
    check(orpc_enum == rpc_names, "api/openrpc.json ClassName enum == the binary's classes; else run --write")
    for c in rpc_classes:
        validate("schema", c, "classes", quiet_group="RPC classes items valid against class-info.schema.json",
                 schema="class-info.schema.json")

    # ---- openrpc.json: derived parts up to date, served by the binary --------------------------
    try:
        gen = components_from_schemas()
        stale = [k for k, v in gen.items() if doc["components"]["schemas"].get(k) != v]
        check(not stale, "api/openrpc.json components.schemas == api/schemas/ (%d shared schemas); else run --write"
              % len(gen), stale)
    except (ValueError, KeyError) as e:
        check(False, "api/schemas/ convert to OpenRPC components", e)
    version = srv.rpc("version")["result"]["version"]
    check(doc["info"]["version"] == version, "api/openrpc.json info.version == the binary's version (%s)" % version,
          doc["info"]["version"])
    disc = srv.rpc("rpc.discover")
    check(disc.get("result") == doc,
          "rpc.discover answers api/openrpc.json as it is in the tree (rebuild after editing it)")
    st, hd, body = srv.request("GET", "/openrpc.json")
    check(st == 200 and hd.get("content-type", "").startswith("application/json") and json.loads(body) == doc,
          "GET /openrpc.json serves the same document")
    validate("result", disc.get("result"), "rpc.discover result valid against its result schema", method="rpc.discover")
    check(set(methods) == {"diagnose", "classes", "version", "health", "rpc.discover"},
          "api/openrpc.json documents every method the server has", sorted(methods))
    for name in ("classes", "version", "health", "rpc.discover"):
        check(methods.get(name, {}).get("params") == [], "%s takes no params (documented)" % name)

    # ---- examples --------------------------------------------------------------------------
    for m in doc["methods"]:
        exs = m.get("examples", [])
        check(len(exs) >= 1, "%s has at least one example pairing" % m["name"])
        for ex in exs:
            params = example_params(m["name"], ex)
            for pname, pval in params.items():
                validate("param", pval, "%s example '%s': param %s valid against its schema" % (m["name"], ex["name"], pname),
                         method=m["name"], param=pname)
            validate("result", ex["result"]["value"],
                     "%s example '%s': result valid against the result schema" % (m["name"], ex["name"]), method=m["name"])
            live = srv.rpc(m["name"], params or None)
            ok = "result" in live and essentials(m["name"], live["result"]) == essentials(m["name"], ex["result"]["value"])
            check(ok, "%s example '%s' holds on the live server" % (m["name"], ex["name"]),
                  live.get("error") or (essentials(m["name"], live.get("result")), essentials(m["name"], ex["result"]["value"])))
            if "result" in live:
                validate("result", live["result"], "%s example '%s': live result valid" % (m["name"], ex["name"]),
                         method=m["name"])

    # ---- JSON-RPC: results in every form, and every error ---------------------------------------
    resp_log, init_log, ok_log = read(RESP), read(INIT), read(OKLOG)

    def rpc_ok(method, params, label, positional=False):
        r = srv.rpc(method, params)
        good = "result" in r and r.get("jsonrpc") == "2.0" and r.get("id") == 1
        check(good, label, r.get("error"))
        if good:
            validate("result", r["result"], label + ": result valid", method=method)
        return r.get("result")

    doc1 = rpc_ok("diagnose", {"log": resp_log}, "diagnose {log}")
    check(doc1 and doc1["outcome"] == "failed" and doc1["diagnoses"][0]["class"] == "phase1_encryption_mismatch",
          "diagnose {log}: phase1_encryption_mismatch")
    if doc1:
        validate("schema", doc1, "diagnose {log}: document valid against document.schema.json", schema="document.schema.json")
    doc2 = rpc_ok("diagnose", {"logs": [{"name": "fw-a.log", "log": init_log}, {"name": "fw-b.log", "log": resp_log}]},
                  "diagnose {logs: both ends}")
    if doc2:
        check([s["name"] for s in doc2["sources"]] == ["fw-a.log", "fw-b.log"] and
              any(d.get("peer_source") for d in doc2["diagnoses"]), "diagnose {logs}: both sources, joined")
        validate("schema", doc2, "diagnose {logs}: document valid against document.schema.json", schema="document.schema.json")
    d3 = rpc_ok("diagnose", {"logs": [{"log": ok_log}]}, "diagnose {logs} without names")
    check(d3 and d3["outcome"] == "established" and d3["sources"][0]["name"] == "log",
          "diagnose: a good log is 'established'; a lone unnamed log is 'log'", d3 and (d3["outcome"], d3["sources"][0]["name"]))
    d4 = rpc_ok("diagnose", {"logs": [{"log": ok_log}, {"log": resp_log}]}, "diagnose {logs} two without names")
    check(d4 and [s["name"] for s in d4["sources"]] == ["log-1", "log-2"], "diagnose: unnamed logs are log-1, log-2")
    rpc_ok("diagnose", {"log": resp_log, "name": "fw-b.log", "format": "json"}, "diagnose {log, name, format: json}")
    for fmt, first in (("text", "IPsec diagnosis: failed"), ("markdown", "## IPsec diagnosis: failed"),
                       ("md", "## IPsec diagnosis: failed")):
        r = rpc_ok("diagnose", {"log": resp_log, "format": fmt}, "diagnose format %s" % fmt)
        check(r and r["text"].startswith(first), "diagnose format %s: rendered report" % fmt)
    r = rpc_ok("diagnose", [resp_log], "diagnose by position [log]")
    check(r and r["outcome"] == "failed", "diagnose [log]: document")
    r = rpc_ok("diagnose", [resp_log, "text"], "diagnose by position [log, format]")
    check(r and r.get("format") == "text", "diagnose [log, text]: rendered")
    r = rpc_ok("diagnose", {"log": ""}, "diagnose an empty log")
    check(r and r["outcome"] == "no_conclusion", "diagnose an empty log: no_conclusion")
    for name in ("classes", "version", "health"):
        rpc_ok(name, None, name + " without params")
        rpc_ok(name, [], name + " with params []")
        rpc_ok(name, {}, name + " with params {}")

    seen_errors = collections.defaultdict(set)

    def rpc_err(payload, code, label, method=None, srv_=None):
        st, hd, body = (srv_ or srv).rpc_raw(payload)
        try:
            r = json.loads(body)
        except ValueError:
            r = {}
        good = st == 200 and isinstance(r, dict) and r.get("error", {}).get("code") == code
        check(good, "%s: error %d" % (label, code), (st, body[:300]))
        if isinstance(r, dict) and "error" in r:
            validate("component", r, label + ": JSON-RPC error response well formed", component="JsonRpcError",
                     quiet_group="JSON-RPC error responses well formed")
            if method:
                seen_errors[method].add(r["error"]["code"])
        return r

    rpc_err(b'{"jsonrpc":"2.0","id":1,"method":', -32700, "truncated JSON")
    rpc_err("[" * 100 + "]" * 100, -32700, "JSON nested deeper than --max-json-depth")
    rpc_err({"jsonrpc": "1.0", "id": 1, "method": "version"}, -32600, "jsonrpc 1.0")
    rpc_err({"jsonrpc": "2.0", "id": 1}, -32600, "no method")
    rpc_err({"jsonrpc": "2.0", "id": 1, "method": "version", "params": 5}, -32600, "params neither array nor object")
    rpc_err({"jsonrpc": "2.0", "id": 1, "method": "nosuch"}, -32601, "unknown method")
    for name in ("classes", "version", "health", "rpc.discover"):
        rpc_err({"jsonrpc": "2.0", "id": 1, "method": name, "params": {"x": 1}}, -32602, name + " with params", name)
    for bad in ({}, {"log": 1}, {"log": "x", "logs": []}, {"logs": []}, {"logs": [{"name": "a"}]},
                {"logs": [{"log": "x", "extra": 1}]}, {"log": "x", "format": "xml"}, {"nolog": "x"}, [], [1], ["x", "y", "z"]):
        rpc_err({"jsonrpc": "2.0", "id": 1, "method": "diagnose", "params": bad}, -32602,
                "diagnose params %s" % json.dumps(bad)[:40], "diagnose")
    small = Server(binary, ["--max-log", "1K", "--max-batch", "2"]).start()
    servers.append(small)
    rpc_err({"jsonrpc": "2.0", "id": 1, "method": "diagnose", "params": {"log": resp_log}}, -32000,
            "diagnose over --max-log", "diagnose", small)
    st, _, body = small.rpc_raw([{"jsonrpc": "2.0", "id": i, "method": "version"} for i in range(3)])
    r = json.loads(body) if st == 200 else None
    check(isinstance(r, dict) and r.get("error", {}).get("code") == -32001, "batch over --max-batch: error -32001", body[:200])
    st, _, body = srv.rpc_raw([{"jsonrpc": "2.0", "id": 1, "method": "version"},
                               {"jsonrpc": "2.0", "id": 2, "method": "nosuch"},
                               {"jsonrpc": "2.0", "method": "version"}])
    r = json.loads(body) if st == 200 else []
    check(isinstance(r, list) and sorted(x.get("id") for x in r) == [1, 2] and "result" in r[0] or "result" in r[-1],
          "batch: one answer per request with an id (notification unanswered)", body[:200])
    for x in r if isinstance(r, list) else []:
        validate("component", x, "batch member", component="JsonRpcResponse", quiet_group="batch members well formed")
    st, _, body = srv.rpc_raw({"jsonrpc": "2.0", "method": "version"})
    check(st == 204 and body == b"", "a notification only: HTTP 204, no body", (st, body[:100]))
    for mname, codes in sorted(seen_errors.items()):
        missing = codes - listed_codes(methods[mname])
        check(not missing, "%s: every error it gave when probed is listed in api/openrpc.json (%s)"
              % (mname, ", ".join(map(str, sorted(codes)))), missing)
    for mname, m in methods.items():
        check(-32602 in listed_codes(m) and -32603 in listed_codes(m), "%s lists -32602 and -32603" % mname)
    check(-32000 in listed_codes(methods["diagnose"]), "diagnose lists -32000")
    request_level = {-32700, -32600, -32601, -32001}
    documented = {e.get("code") for e in comp_errors.values()}
    check(request_level <= documented and {-32602, -32603, -32000} <= documented,
          "components.errors documents every code the server has (-32700 -32600 -32601 -32602 -32603 -32000 -32001)")

    # ---- /v1/diagnose -------------------------------------------------------------------------
    st, hd, body = srv.request("POST", "/v1/diagnose", read(RESP), {"Content-Type": "text/plain"})
    check(st == 200 and hd.get("content-type") == "application/json", "POST /v1/diagnose raw log: 200 application/json",
          (st, hd.get("content-type")))
    d = json.loads(body) if st == 200 else {}
    validate("schema", d, "/v1/diagnose raw: document valid", schema="document.schema.json")
    check(d.get("sources", [{}])[0].get("name") == "log", "/v1/diagnose raw: the source is named 'log'")
    ctype, mp = multipart([("a", "fw-a.log", read(INIT).encode()), ("b", "fw-b.log", read(RESP).encode())])
    st, hd, body = srv.request("POST", "/v1/diagnose", mp, {"Content-Type": ctype})
    d = json.loads(body) if st == 200 else {}
    check(st == 200 and [s["name"] for s in d.get("sources", [])] == ["fw-a.log", "fw-b.log"] and
          any(x.get("peer_source") for x in d.get("diagnoses", [])),
          "POST /v1/diagnose multipart, two files: both sources, joined", (st, body[:200]))
    validate("schema", d, "/v1/diagnose multipart: document valid", schema="document.schema.json")
    ctype, mp = multipart([("log", None, read(RESP).encode()), ("format", None, b"markdown")])
    st, hd, body = srv.request("POST", "/v1/diagnose", mp, {"Content-Type": ctype})
    check(st == 200 and hd.get("content-type", "").startswith("text/markdown") and body.startswith(b"## IPsec diagnosis"),
          "multipart with a 'log' field and a 'format' field: Markdown", (st, hd.get("content-type")))
    for q, ct, first in (("text", "text/plain", b"IPsec diagnosis: failed"), ("markdown", "text/markdown", b"## IPsec"),
                         ("json", "application/json", b"{")):
        st, hd, body = srv.request("POST", "/v1/diagnose?format=" + q, read(RESP), {"Content-Type": "text/plain"})
        check(st == 200 and hd.get("content-type", "").startswith(ct) and body.startswith(first),
              "POST /v1/diagnose?format=%s: %s" % (q, ct), (st, hd.get("content-type")))
    st, hd, body = srv.request("POST", "/v1/diagnose", read(RESP), {"Content-Type": "application/octet-stream"})
    check(st == 200, "POST /v1/diagnose application/octet-stream: 200")

    def http_err(status, label, method, path, body=None, headers=None, srv_=None):
        st, hd, rb = (srv_ or srv).request(method, path, body, headers or {})
        check(st == status and hd.get("content-type") == "application/json", "%s: HTTP %d with a JSON error body" % (label, status),
              (st, hd.get("content-type"), rb[:200]))
        try:
            validate("schema", json.loads(rb), label + ": error body", schema="error.schema.json",
                     quiet_group="HTTP error bodies valid against error.schema.json")
            check(json.loads(rb)["error"]["status"] == status, "%s: error.status repeats the HTTP status" % label)
        except (ValueError, KeyError):
            check(False, label + ": error body is JSON", rb[:200])
        return st, hd

    http_err(400, "unknown format", "POST", "/v1/diagnose?format=xml", "x", {"Content-Type": "text/plain"})
    http_err(415, "/v1/diagnose with application/json", "POST", "/v1/diagnose", "{}", {"Content-Type": "application/json"})
    http_err(415, "/rpc with text/plain", "POST", "/rpc", "{}", {"Content-Type": "text/plain"})
    http_err(400, "multipart without a boundary", "POST", "/v1/diagnose", "x", {"Content-Type": "multipart/form-data"})
    ctype, mp = multipart([("note", None, b"hello")])
    http_err(400, "multipart without a file", "POST", "/v1/diagnose", mp, {"Content-Type": ctype})
    http_err(404, "unknown path", "GET", "/nope")
    st, hd = http_err(405, "GET /rpc", "GET", "/rpc")
    check("POST" in hd.get("allow", ""), "405 names the allowed methods (Allow: %s)" % hd.get("allow"))
    http_err(405, "GET /v1/diagnose", "GET", "/v1/diagnose")
    http_err(405, "POST /healthz", "POST", "/healthz", "x", {"Content-Type": "text/plain"})
    lim = Server(binary, ["--max-body", "4K"]).start()
    servers.append(lim)
    http_err(413, "body over --max-body", "POST", "/v1/diagnose", read(RESP), {"Content-Type": "text/plain"}, lim)
    http_err(413, "/rpc body over --max-body", "POST", "/rpc", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "diagnose",
             "params": {"log": read(RESP)}}), {"Content-Type": "application/json"}, lim)
    raw = srv.raw(b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n\r\n")
    check(raw.startswith(b"HTTP/1.1 411"), "POST without Content-Length or chunked: 411", raw[:40])
    raw = srv.raw(b"GET /healthz HTTP/1.1\r\n" + b"X-Big: " + b"a" * 20000 + b"\r\nHost: x\r\n\r\n")
    check(raw.startswith(b"HTTP/1.1 431"), "headers over --max-header-size: 431", raw[:40])
    raw = srv.raw(b"GET /healthz HTTP/1.1\r\n\r\n")
    check(raw.startswith(b"HTTP/1.1 400"), "HTTP/1.1 request without Host: 400", raw[:40])
    for blob in (raw,):
        try:
            validate("schema", json.loads(blob.split(b"\r\n\r\n", 1)[1]), "400 body", schema="error.schema.json",
                     quiet_group="HTTP error bodies valid against error.schema.json")
        except (ValueError, IndexError):
            check(False, "400 body is JSON", blob[:200])

    # ---- /v1/stream ---------------------------------------------------------------------------
    lines = read(RESP).encode().splitlines(keepends=True)
    req = b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    for l in lines:
        req += b"%x\r\n" % len(l) + l + b"\r\n"
    req += b"0\r\n\r\n"
    raw = srv.raw(req)
    head, _, rest = raw.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200") and b"application/x-ndjson" in head.lower() and b"chunked" in head.lower(),
          "POST /v1/stream: 200, application/x-ndjson, chunked", head[:200])
    body = b""
    while rest:
        size, _, rest = rest.partition(b"\r\n")
        try:
            n = int(size, 16)
        except ValueError:
            break
        if n == 0:
            break
        body += rest[:n]
        rest = rest[n + 2:]
    recs = [json.loads(l) for l in body.splitlines() if l.strip()]
    check(len(recs) >= 2 and recs[-1].get("type") == "summary" and recs[-1].get("outcome") == "failed" and
          recs[0].get("type") == "diagnosis", "/v1/stream: diagnosis records, then one summary", [r.get("type") for r in recs])
    for r in recs:
        validate("schema", r, "stream record", schema="stream-record.schema.json",
                 quiet_group="/v1/stream records valid against stream-record.schema.json")
    st, hd, body = srv.request("PUT", "/v1/stream", read(OKLOG), {"Content-Type": "text/plain"})
    recs = [json.loads(l) for l in body.splitlines() if l.strip()]
    check(st == 200 and recs and recs[-1].get("outcome") == "established", "PUT /v1/stream with Content-Length: works")
    for r in recs:
        validate("schema", r, "stream record", schema="stream-record.schema.json",
                 quiet_group="/v1/stream records valid against stream-record.schema.json")
    http_err(415, "/v1/stream multipart", "POST", "/v1/stream", "x", {"Content-Type": "multipart/form-data; boundary=x"})

    # ---- /healthz, /metrics, / ----------------------------------------------------------------
    st, hd, body = srv.request("GET", "/healthz")
    check(st == 200 and json.loads(body) == {"status": "ok"}, "GET /healthz: {\"status\":\"ok\"}")
    st, hd, body = srv.request("HEAD", "/healthz")
    check(st == 200 and body == b"", "HEAD /healthz: 200, no body")
    st, hd, body = srv.request("GET", "/metrics")
    check(st == 200 and hd.get("content-type", "").startswith("text/plain") and b"# TYPE" in body,
          "GET /metrics: Prometheus text", (st, hd.get("content-type")))
    st, hd, body = srv.request("GET", "/")
    check(st == 200 and hd.get("content-type", "").startswith("text/html") and body.decode() == read(os.path.join(ROOT, "web", "index.html")),
          "GET /: the helpdesk page (web/index.html)", (st, hd.get("content-type")))

    # ---- auth -----------------------------------------------------------------------------------
    tokfile = tempfile.NamedTemporaryFile("w", delete=False)
    tokfile.write("api-test-token\n")
    tokfile.close()
    try:
        ts = Server(binary, ["--token-file", tokfile.name]).start()
        servers.append(ts)
        st, hd = http_err(401, "no bearer token", "POST", "/rpc", '{"jsonrpc":"2.0","id":1,"method":"version"}',
                          {"Content-Type": "application/json"}, ts)
        check(hd.get("www-authenticate", "").startswith("Bearer"), "401 has WWW-Authenticate: Bearer")
        http_err(401, "wrong bearer token", "POST", "/v1/diagnose", "x",
                 {"Content-Type": "text/plain", "Authorization": "Bearer nope"}, ts)
        st, _, _ = ts.request("POST", "/rpc", '{"jsonrpc":"2.0","id":1,"method":"version"}',
                              {"Content-Type": "application/json", "Authorization": "Bearer api-test-token"})
        check(st == 200, "the right bearer token: 200")
        for path in ("/healthz", "/", "/openrpc.json"):
            st, _, _ = ts.request("GET", path)
            check(st == 200, "GET %s needs no token" % path, st)
        st, _, _ = ts.request("GET", "/metrics")
        check(st == 401, "GET /metrics needs the token", st)
    finally:
        os.unlink(tokfile.name)

    # ---- CORS -------------------------------------------------------------------------------------
    cs = Server(binary, ["--cors-origin", "https://helpdesk.example"]).start()
    servers.append(cs)
    st, hd, _ = cs.request("OPTIONS", "/rpc", None, {"Origin": "https://helpdesk.example",
                                                      "Access-Control-Request-Method": "POST",
                                                      "Access-Control-Request-Headers": "content-type"})
    check(st == 204 and hd.get("access-control-allow-origin") == "https://helpdesk.example" and
          "POST" in hd.get("access-control-allow-methods", ""),
          "CORS preflight from an allowed origin: 204 with Access-Control-Allow-*", (st, hd))
    st, hd, _ = cs.request("POST", "/rpc", '{"jsonrpc":"2.0","id":1,"method":"version"}',
                           {"Content-Type": "application/json", "Origin": "https://helpdesk.example"})
    check(st == 200 and hd.get("access-control-allow-origin") == "https://helpdesk.example",
          "CORS: an allowed origin gets Access-Control-Allow-Origin")
    st, hd, _ = cs.request("POST", "/rpc", '{"jsonrpc":"2.0","id":1,"method":"version"}',
                           {"Content-Type": "application/json", "Origin": "https://evil.example"})
    check("access-control-allow-origin" not in hd, "CORS: another origin gets no Access-Control-Allow-Origin")
    st, hd, _ = srv.request("POST", "/rpc", '{"jsonrpc":"2.0","id":1,"method":"version"}',
                            {"Content-Type": "application/json", "Origin": "https://helpdesk.example"})
    check("access-control-allow-origin" not in hd, "CORS: off unless --cors-origin is given")

    # ---- api/README.md: every curl example runs ----------------------------------------------------
    readme_examples(srv)

    # ---- node: meta-schema, ajv validation of everything collected, test-coverage -------------------
    nm, why = node_modules()
    if not nm:
        check(False, "npm packages for ajv / OpenRPC (test_web.sh --node-deps)", why)
    else:
        check(True, "npm packages installed out of tree (%s)" % nm)
        extra = OD([
            ("JsonRpcError", OD([("type", "object"), ("additionalProperties", False), ("required", ["jsonrpc", "error", "id"]),
                                 ("properties", OD([("jsonrpc", {"const": "2.0"}),
                                                    ("error", OD([("type", "object"), ("additionalProperties", False),
                                                                  ("required", ["code", "message"]),
                                                                  ("properties", OD([("code", {"type": "integer"}),
                                                                                     ("message", {"type": "string"}),
                                                                                     ("data", {})]))])),
                                                    ("id", {"type": ["integer", "string", "null"]})]))])),
            ("JsonRpcResponse", OD([("oneOf", [
                {"$ref": "#/components/schemas/JsonRpcError"},
                OD([("type", "object"), ("additionalProperties", False), ("required", ["jsonrpc", "result", "id"]),
                    ("properties", OD([("jsonrpc", {"const": "2.0"}), ("result", {}), ("id", {"type": ["integer", "string"]})]))])])])),
        ])
        with tempfile.TemporaryDirectory() as td:
            d2 = copy.deepcopy(doc)
            d2["components"]["schemas"].update(extra)   # envelope schemas for the test only
            orpc = os.path.join(td, "openrpc.json")
            with open(orpc, "w") as f:
                json.dump(d2, f)
            tree = os.path.join(td, "tree.json")
            with open(tree, "w") as f:
                json.dump(doc, f)
            jobp = os.path.join(td, "job.json")
            with open(jobp, "w") as f:
                json.dump({"openrpc": tree, "openrpc_test": orpc, "schemas_dir": SCHEMAS, "items": items}, f)
            count_lines(run_node(NODE_VALIDATE, [jobp], nm))
            cov = run_node(NODE_COVERAGE, [tree, srv.base], nm)
            n = re.search(r"COVERAGE-CALLS (\d+)", cov)
            check(n is not None and int(n.group(1)) >= len(methods),
                  "@open-rpc/test-coverage ran against the live server (%s calls)" % (n.group(1) if n else "no"),
                  cov[-600:])
            count_lines(cov)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def readme_examples(srv):
    """Runs each ```sh block of api/README.md that calls curl, against the live
    server (base URL substituted), from the repository root."""
    path = os.path.join(API, "README.md")
    try:
        text = read(path)
    except OSError as e:
        check(False, "api/README.md exists", e)
        return
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    runnable = [b for b in blocks if "curl" in b and "$TOKEN" not in b]
    check(len(runnable) >= 5, "api/README.md has runnable curl examples (%d)" % len(runnable))
    have_jq = subprocess.run(["sh", "-c", "command -v jq"], stdout=subprocess.DEVNULL).returncode == 0
    if not have_jq and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-o", "DPkg::Lock::Timeout=300", "-y", "-qq", "--no-install-recommends", "jq"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        have_jq = subprocess.run(["sh", "-c", "command -v jq"], stdout=subprocess.DEVNULL).returncode == 0
    for b in runnable:
        if re.search(r"\bjq\b", b) and not have_jq:
            print("skipped - api/README.md example needs jq, which is not installed: " + b.strip().splitlines()[0][:60])
            continue
        script = b.replace("http://127.0.0.1:8080", srv.base)
        r = subprocess.run(["bash", "-o", "pipefail", "-ec", script], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        first = b.strip().splitlines()[0][:70]
        check(r.returncode == 0 and r.stdout.strip() != "", "api/README.md example runs: " + first,
              (r.returncode, r.stderr[-300:], r.stdout[:200]))


if __name__ == "__main__":
    sys.exit(main())
