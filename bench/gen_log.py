#!/usr/bin/env python3
"""gen_log.py - a deterministic generator of large, realistic charon logs.

    bench/gen_log.py --size 500M --seed 1 --out /tmp/charon-500M.log

writes a pfSense-style strongSwan log (BSD syslog envelope,
"Nov 27 14:07:52 fw charon[4242]: 09[IKE] <con12|345> ...", IKE/CHD/CFG at
level 2, the rest at 1, ike_name on) of about --size bytes, and beside it
OUT.expected.json: what a correct diagnoser must find in it.

What is in the log:
  * the daemon start-up and a load-conn dump of every routine tunnel;
  * hundreds of routine tunnels (IKEv2 and IKEv1, initiator and responder)
    established with blocks taken from the real lab logs
    (tests/corpus/lab/*-success), then living: DPD exchanges, CHILD_SA
    rekeys, IKE_SA rekeys (new unique ids), tear-down and re-establishment,
    and pfSense's status-page vici polls (list-sas) - the bulk of the bytes;
  * a known number of failed negotiations spliced in: the whole log of one
    end of a failing lab scenario (load-conn dump, negotiation, vici), with
    its connection name, IKE_SA/CHILD_SA unique ids, vici client numbers,
    SPIs and addresses rewritten consistently so the negotiation stays
    valid. Each spliced failure gets a connection name of its own
    (con5001, ...), so a diagnosis can be attributed to it.
Negotiations run concurrently: the log interleaves per-thread bursts of
different IKE_SAs, as charon's worker threads do, in non-decreasing time.

The same --seed and --size always give the same bytes.

OUT.expected.json holds, per spliced failure, the connection name, the
IKE_SA unique ids, the lab scenario and side, and the accepted classes
(the lab's expected.json); the count per primary class; and counts of the
routine events (IKE_SAs / CHILD_SAs established), which must not give
error diagnoses. bench/check_expected.py compares ipsec-diag's JSON
output against it.
"""
import argparse
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAB = os.path.join(ROOT, "tests", "corpus", "lab")

# Addresses used by the lab (meta.json: initiator, responder, NAT public
# address, a wrong gateway).
LAB_INIT_IP = "198.51.100.2"
LAB_RESP_IP = "203.0.113.2"
LAB_NAT_IP = "203.0.113.1"
LAB_OTHER_IP = "198.51.100.99"
LAB_INIT_NET = "10.5.0.0/24"
LAB_RESP_NET = "10.6.0.0/24"
LAB_IKE_PROP = "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
LAB_ESP_PROP = "ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ"

WAN_IP = "192.0.2.1"          # this firewall
HOST = "fw"
PID = 4242
FAIL_NAME_BASE = 5001        # spliced failures: con5001, con5002, ...

# Routine tunnels' algorithm sets: (IKE proposal, ESP proposal, ESP
# encryption as logged by "using X for encryption", integrity).
ALGS = [
    (LAB_IKE_PROP, LAB_ESP_PROP, "AES_CBC", "HMAC_SHA2_256_128"),
    ("IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
     "ESP:AES_CBC_128/HMAC_SHA1_96/NO_EXT_SEQ", "AES_CBC", "HMAC_SHA1_96"),
    ("IKE:AES_CBC_256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_384",
     "ESP:AES_CBC_256/HMAC_SHA2_512_256/NO_EXT_SEQ", "AES_CBC", "HMAC_SHA2_512_256"),
    ("IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_3072",
     "ESP:AES_CBC_256/HMAC_SHA2_384_192/NO_EXT_SEQ", "AES_CBC", "HMAC_SHA2_384_192"),
]

THREADS = ["%02d" % i for i in range(1, 17)]   # charon's 16 worker threads

ENVELOPE_RE = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ charon\[\d+\]: (.*)$")
THREAD_RE = re.compile(r"^(\d\d)\[")


def parse_size(s):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KkMmGg]?)(?:i?[Bb])?", s.strip())
    if not m:
        raise argparse.ArgumentTypeError("size like 500M, 10M, 64K, 1G")
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


# ---------------------------------------------------------------------------
# Reading the lab

def read_core_lines(path):
    """The charon part ("09[IKE] <con1|1> msg") of every line of a lab log."""
    out = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            m = ENVELOPE_RE.match(raw)
            out.append(m.group(1) if m else raw)
    return out


def drop_startup(lines):
    """Everything after the daemon start-up (thread 00 lines at the top)."""
    i = 0
    while i < len(lines) and lines[i].startswith("00["):
        i += 1
    return lines[i:]


def list_sa_clients(lines):
    return {m.group(1) for l in lines
            for m in [re.search(r"vici client (\d+) requests: list-sas", l)] if m}


def without_clients(lines, clients):
    pat = re.compile(r"vici client (\d+) ")
    return [l for l in lines
            if not ((m := pat.search(l)) and m.group(1) in clients)]


def establishment_block(lines):
    """The negotiation of a success log: after the load-conn session, without
    the status polls."""
    lines = drop_startup(lines)
    for i, l in enumerate(lines):
        if re.search(r"vici client 1 disconnected", l):
            lines = lines[i + 1:]
            break
    return without_clients(lines, list_sa_clients(lines))


def conn_dump_block(lines):
    """The level-2 dump of one loaded connection (" conn con1:" .. "added vici
    connection: con1")."""
    start = end = None
    for i, l in enumerate(lines):
        if start is None and re.search(r"\[CFG\]  conn con1:$", l):
            start = i
        if re.search(r"added vici connection: con1$", l):
            end = i
            break
    return lines[start:end + 1]


# ---------------------------------------------------------------------------
# Templates: a block of core lines -> chunks (per-thread bursts), each a
# "%"-format string whose %(E)s is the envelope of the burst's time.

def chunk_by_thread(lines):
    chunks, cur, cur_t = [], [], None
    for l in lines:
        m = THREAD_RE.match(l)
        t = m.group(1) if m else None
        if cur and t != cur_t:
            chunks.append(cur)
            cur = []
        cur.append(l)
        cur_t = t
    if cur:
        chunks.append(cur)
    return chunks


def compile_chunks(chunks):
    """[[line, ...], ...] -> [(format string, number of lines), ...]."""
    return [("%(E)s" + "\n%(E)s".join(c) + "\n", len(c)) for c in chunks]


def templatize(lines, side):
    """Turns a lab block into a template: names, ids, addresses, networks,
    proposals, SPIs and IKEv1 message ids become %(...)s fields."""
    if side == "initiator":
        ips = {LAB_INIT_IP: "%(lip)s", LAB_RESP_IP: "%(pip)s"}
        nets = {LAB_INIT_NET: "%(lnet)s", LAB_RESP_NET: "%(rnet)s"}
    else:
        ips = {LAB_RESP_IP: "%(lip)s", LAB_INIT_IP: "%(pip)s"}
        nets = {LAB_RESP_NET: "%(lnet)s", LAB_INIT_NET: "%(rnet)s"}
    spis, mids, vcs = {}, {}, {}

    def field(table, key, prefix):
        if key not in table:
            table[key] = "%%(%s%d)s" % (prefix, len(table))
        return table[key]

    out = []
    for l in lines:
        l = l.replace("%", "%%")
        l = l.replace(LAB_IKE_PROP, "%(ike_prop)s").replace(LAB_ESP_PROP, "%(esp_prop)s")
        l = l.replace("using AES_CBC for encryption", "using %(enc)s for encryption")
        l = l.replace("using HMAC_SHA2_256_128 for integrity", "using %(integ)s for integrity")
        l = re.sub(r"(?<!\d)(?<!\d\.)(198\.51\.100\.2|203\.0\.113\.2)(?!\d)",
                   lambda m: ips[m.group(1)], l)
        l = re.sub(r"10\.[56]\.0\.0/24", lambda m: nets[m.group(0)], l)
        l = re.sub(r"<con1\|1>", "<%(name)s|%(id)s>", l)
        l = re.sub(r"<1>", "<%(id)s>", l)
        l = re.sub(r"(con1|\(unnamed\))\[1\]",
                   lambda m: ("%(name)s" if m.group(1) == "con1" else m.group(1)) + "[%(id)s]", l)
        l = re.sub(r"con1\{1\}", "%(name)s{%(cid)s}", l)
        l = re.sub(r"\bcon1\b", "%(name)s", l)
        l = re.sub(r"vici client (\d+)", lambda m: "vici client " + field(vcs, m.group(1), "vc"), l)
        l = re.sub(r"(?<=0x)([0-9a-f]{8})\b|\b([0-9a-f]{8})(?=_[io]\b)",
                   lambda m: field(spis, m.group(0), "spi"), l)
        l = re.sub(r"((?:QUICK_MODE|INFORMATIONAL_V1|TRANSACTION) (?:request|response) )(\d{3,})",
                   lambda m: m.group(1) + field(mids, m.group(2), "mid"), l)
        out.append(l)
    return out, len(spis), len(mids), len(vcs)


# Hand-written routine exchanges, in the words of the real logs
# (ikev2-ike-rekey-ok, ikev1-success, ikev2-p2-pfs-rekey, strongSwan 5.9.8
# format strings). Each inner list is one burst of one thread.
P = "<%(name)s|%(id)s> "
SEND = "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (%(sz)s bytes)"
RECV2 = "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (%(sz)s bytes)"

T_DPD_V2_OUT = [[
    "%(t1)s[IKE] " + P + "sending DPD request",
    "%(t1)s[IKE] " + P + "queueing IKE_DPD task",
    "%(t1)s[IKE] " + P + "activating new tasks",
    "%(t1)s[IKE] " + P + "  activating IKE_DPD task",
    "%(t1)s[ENC] " + P + "generating INFORMATIONAL request %(m)s [ ]",
    SEND,
], [
    RECV2,
    "%(t2)s[ENC] " + P + "parsed INFORMATIONAL response %(m)s [ ]",
    "%(t2)s[IKE] " + P + "activating new tasks",
    "%(t2)s[IKE] " + P + "nothing to initiate",
]]
T_DPD_V2_IN = [[
    "%(t1)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (80 bytes)",
    "%(t1)s[ENC] " + P + "parsed INFORMATIONAL request %(pm)s [ ]",
    "%(t1)s[ENC] " + P + "generating INFORMATIONAL response %(pm)s [ ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (80 bytes)",
]]
T_DPD_V1_OUT = [[
    "%(t1)s[IKE] " + P + "sending DPD request",
    "%(t1)s[IKE] " + P + "queueing ISAKMP_DPD task",
    "%(t1)s[IKE] " + P + "activating new tasks",
    "%(t1)s[IKE] " + P + "  activating ISAKMP_DPD task",
    "%(t1)s[ENC] " + P + "generating INFORMATIONAL_V1 request %(r1)s [ HASH N(DPD) ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (92 bytes)",
    "%(t1)s[IKE] " + P + "activating new tasks",
    "%(t1)s[IKE] " + P + "nothing to initiate",
], [
    "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (92 bytes)",
    "%(t2)s[ENC] " + P + "parsed INFORMATIONAL_V1 request %(r2)s [ HASH N(DPD_ACK) ]",
]]
T_DPD_V1_IN = [[
    "%(t1)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (92 bytes)",
    "%(t1)s[ENC] " + P + "parsed INFORMATIONAL_V1 request %(r1)s [ HASH N(DPD) ]",
    "%(t1)s[ENC] " + P + "generating INFORMATIONAL_V1 request %(r2)s [ HASH N(DPD_ACK) ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (92 bytes)",
]]
T_CHILD_REKEY_V2 = [[
    "%(t3)s[KNL] creating rekey job for CHILD_SA ESP/0x%(oin)s/%(lip)s",
], [
    "%(t1)s[IKE] " + P + "queueing CHILD_REKEY task",
    "%(t1)s[IKE] " + P + "activating new tasks",
    "%(t1)s[IKE] " + P + "  activating CHILD_REKEY task",
    "%(t1)s[CFG] " + P + "proposing traffic selectors for us:",
    "%(t1)s[CFG] " + P + " %(lnet)s",
    "%(t1)s[CFG] " + P + "proposing traffic selectors for other:",
    "%(t1)s[CFG] " + P + " %(rnet)s",
    "%(t1)s[CFG] " + P + "configured proposals: %(esp_prop)s",
    "%(t1)s[IKE] " + P + "establishing CHILD_SA %(name)s{%(ncid)s} reqid %(reqid)s",
    "%(t1)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: INSTALLED => REKEYING",
    "%(t1)s[ENC] " + P + "generating CREATE_CHILD_SA request %(m)s [ N(REKEY_SA) SA No TSi TSr ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (%(sz)s bytes)",
], [
    "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (%(sz)s bytes)",
    "%(t2)s[ENC] " + P + "parsed CREATE_CHILD_SA response %(m)s [ SA No TSi TSr ]",
    "%(t2)s[CFG] " + P + "selecting proposal:",
    "%(t2)s[CFG] " + P + "  proposal matches",
    "%(t2)s[CFG] " + P + "received proposals: %(esp_prop)s",
    "%(t2)s[CFG] " + P + "configured proposals: %(esp_prop)s",
    "%(t2)s[CFG] " + P + "selected proposal: %(esp_prop)s",
    "%(t2)s[CFG] " + P + "selecting traffic selectors for us:",
    "%(t2)s[CFG] " + P + " config: %(lnet)s, received: %(lnet)s => match: %(lnet)s",
    "%(t2)s[CFG] " + P + "selecting traffic selectors for other:",
    "%(t2)s[CFG] " + P + " config: %(rnet)s, received: %(rnet)s => match: %(rnet)s",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(ncid)s} state change: CREATED => INSTALLING",
    "%(t2)s[CHD] " + P + "  using %(enc)s for encryption",
    "%(t2)s[CHD] " + P + "  using %(integ)s for integrity",
    "%(t2)s[CHD] " + P + "adding inbound ESP SA",
    "%(t2)s[CHD] " + P + "  SPI 0x%(nin)s, src %(pip)s dst %(lip)s",
    "%(t2)s[CHD] " + P + "adding outbound ESP SA",
    "%(t2)s[CHD] " + P + "  SPI 0x%(nout)s, src %(lip)s dst %(pip)s",
    "%(t2)s[IKE] " + P + "CHILD_SA %(name)s{%(ncid)s} established with SPIs %(nin)s_i %(nout)s_o and TS %(lnet)s === %(rnet)s",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(ncid)s} state change: INSTALLING => INSTALLED",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: REKEYING => REKEYED",
    "%(t2)s[IKE] " + P + "reinitiating already active tasks",
    "%(t2)s[IKE] " + P + "  CHILD_REKEY task",
    "%(t2)s[IKE] " + P + "closing CHILD_SA %(name)s{%(cid)s} with SPIs %(oin)s_i (%(bi)s bytes) %(oout)s_o (%(bo)s bytes) and TS %(lnet)s === %(rnet)s",
    "%(t2)s[IKE] " + P + "sending DELETE for ESP CHILD_SA with SPI %(oin)s",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: REKEYED => DELETING",
    "%(t2)s[ENC] " + P + "generating INFORMATIONAL request %(m2)s [ D ]",
    "%(t2)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (80 bytes)",
], [
    "%(t3)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (80 bytes)",
    "%(t3)s[ENC] " + P + "parsed INFORMATIONAL response %(m2)s [ D ]",
    "%(t3)s[IKE] " + P + "received DELETE for ESP CHILD_SA with SPI %(oout)s",
    "%(t3)s[IKE] " + P + "CHILD_SA closed",
    "%(t3)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: DELETING => DESTROYING",
    "%(t3)s[IKE] " + P + "activating new tasks",
    "%(t3)s[IKE] " + P + "nothing to initiate",
]]
T_CHILD_REKEY_V1 = [[
    "%(t3)s[KNL] creating rekey job for CHILD_SA ESP/0x%(oin)s/%(lip)s",
], [
    "%(t1)s[IKE] " + P + "queueing QUICK_MODE task",
    "%(t1)s[IKE] " + P + "activating new tasks",
    "%(t1)s[IKE] " + P + "  activating QUICK_MODE task",
    "%(t1)s[CFG] " + P + "configured proposals: %(esp_prop)s",
    "%(t1)s[CFG] " + P + "proposing traffic selectors for us:",
    "%(t1)s[CFG] " + P + " %(lnet)s",
    "%(t1)s[CFG] " + P + "proposing traffic selectors for other:",
    "%(t1)s[CFG] " + P + " %(rnet)s",
    "%(t1)s[ENC] " + P + "generating QUICK_MODE request %(r1)s [ HASH SA No ID ID ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (188 bytes)",
], [
    "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (188 bytes)",
    "%(t2)s[ENC] " + P + "parsed QUICK_MODE response %(r1)s [ HASH SA No ID ID ]",
    "%(t2)s[CFG] " + P + "selecting proposal:",
    "%(t2)s[CFG] " + P + "  proposal matches",
    "%(t2)s[CFG] " + P + "received proposals: %(esp_prop)s",
    "%(t2)s[CFG] " + P + "configured proposals: %(esp_prop)s",
    "%(t2)s[CFG] " + P + "selected proposal: %(esp_prop)s",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(ncid)s} state change: CREATED => INSTALLING",
    "%(t2)s[CHD] " + P + "  using %(enc)s for encryption",
    "%(t2)s[CHD] " + P + "  using %(integ)s for integrity",
    "%(t2)s[CHD] " + P + "adding inbound ESP SA",
    "%(t2)s[CHD] " + P + "  SPI 0x%(nin)s, src %(pip)s dst %(lip)s",
    "%(t2)s[CHD] " + P + "adding outbound ESP SA",
    "%(t2)s[CHD] " + P + "  SPI 0x%(nout)s, src %(lip)s dst %(pip)s",
    "%(t2)s[IKE] " + P + "CHILD_SA %(name)s{%(ncid)s} established with SPIs %(nin)s_i %(nout)s_o and TS %(lnet)s === %(rnet)s",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(ncid)s} state change: INSTALLING => INSTALLED",
    "%(t2)s[IKE] " + P + "reinitiating already active tasks",
    "%(t2)s[IKE] " + P + "  QUICK_MODE task",
    "%(t2)s[ENC] " + P + "generating QUICK_MODE request %(r1)s [ HASH ]",
    "%(t2)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (76 bytes)",
    "%(t2)s[IKE] " + P + "activating new tasks",
    "%(t2)s[IKE] " + P + "nothing to initiate",
], [
    "%(t3)s[IKE] " + P + "queueing QUICK_DELETE task",
    "%(t3)s[IKE] " + P + "activating new tasks",
    "%(t3)s[IKE] " + P + "  activating QUICK_DELETE task",
    "%(t3)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: INSTALLED => DELETING",
    "%(t3)s[IKE] " + P + "closing CHILD_SA %(name)s{%(cid)s} with SPIs %(oin)s_i (%(bi)s bytes) %(oout)s_o (%(bo)s bytes) and TS %(lnet)s === %(rnet)s",
    "%(t3)s[IKE] " + P + "sending DELETE for ESP CHILD_SA with SPI %(oin)s",
    "%(t3)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: DELETING => DESTROYING",
    "%(t3)s[ENC] " + P + "generating INFORMATIONAL_V1 request %(r2)s [ HASH D ]",
    "%(t3)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (76 bytes)",
    "%(t3)s[IKE] " + P + "activating new tasks",
    "%(t3)s[IKE] " + P + "nothing to initiate",
]]
T_IKE_REKEY_V2_OUT = [[
    "%(t1)s[IKE] " + P + "queueing IKE_REKEY task",
    "%(t1)s[IKE] " + P + "activating new tasks",
    "%(t1)s[IKE] " + P + "  activating IKE_REKEY task",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: ESTABLISHED => REKEYING",
    "%(t1)s[IKE] " + P + "initiating IKE_SA %(name)s[%(nid)s] to %(pip)s",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(nid)s] state change: CREATED => CONNECTING",
    "%(t1)s[CFG] " + P + "configured proposals: %(ike_prop)s",
    "%(t1)s[ENC] " + P + "generating CREATE_CHILD_SA request %(m)s [ SA No KE ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (432 bytes)",
], [
    "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (432 bytes)",
    "%(t2)s[ENC] " + P + "parsed CREATE_CHILD_SA response %(m)s [ SA No KE ]",
    "%(t2)s[CFG] " + P + "selecting proposal:",
    "%(t2)s[CFG] " + P + "  proposal matches",
    "%(t2)s[CFG] " + P + "received proposals: %(ike_prop)s",
    "%(t2)s[CFG] " + P + "configured proposals: %(ike_prop)s",
    "%(t2)s[CFG] " + P + "selected proposal: %(ike_prop)s",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(nid)s] state change: CONNECTING => ESTABLISHED",
    "%(t2)s[IKE] " + P + "scheduling rekeying in %(rk)ss",
    "%(t2)s[IKE] " + P + "maximum IKE_SA lifetime %(lt)ss",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(nid)s] rekeyed between %(lip)s[%(lip)s]...%(pip)s[%(pip)s]",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: REKEYING => REKEYED",
    "%(t2)s[IKE] " + P + "reinitiating already active tasks",
    "%(t2)s[IKE] " + P + "  IKE_REKEY task",
    "%(t2)s[IKE] " + P + "deleting IKE_SA %(name)s[%(id)s] between %(lip)s[%(lip)s]...%(pip)s[%(pip)s]",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: REKEYED => DELETING",
    "%(t2)s[IKE] " + P + "sending DELETE for IKE_SA %(name)s[%(id)s]",
    "%(t2)s[ENC] " + P + "generating INFORMATIONAL request %(m2)s [ D ]",
    "%(t2)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (80 bytes)",
], [
    "%(t3)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (80 bytes)",
    "%(t3)s[ENC] " + P + "parsed INFORMATIONAL response %(m2)s [ ]",
    "%(t3)s[IKE] " + P + "IKE_SA deleted",
    "%(t3)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: DELETING => DESTROYING",
]]
T_IKE_REKEY_V2_IN = [[
    "%(t1)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (432 bytes)",
    "%(t1)s[ENC] " + P + "parsed CREATE_CHILD_SA request %(pm)s [ SA No KE ]",
    "%(t1)s[IKE] " + P + "%(pip)s is initiating an IKE_SA",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(nid)s] state change: CREATED => CONNECTING",
    "%(t1)s[CFG] " + P + "selecting proposal:",
    "%(t1)s[CFG] " + P + "  proposal matches",
    "%(t1)s[CFG] " + P + "received proposals: %(ike_prop)s",
    "%(t1)s[CFG] " + P + "configured proposals: %(ike_prop)s",
    "%(t1)s[CFG] " + P + "selected proposal: %(ike_prop)s",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(nid)s] state change: CONNECTING => ESTABLISHED",
    "%(t1)s[IKE] " + P + "scheduling rekeying in %(rk)ss",
    "%(t1)s[IKE] " + P + "maximum IKE_SA lifetime %(lt)ss",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(nid)s] rekeyed between %(lip)s[%(lip)s]...%(pip)s[%(pip)s]",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: ESTABLISHED => REKEYED",
    "%(t1)s[ENC] " + P + "generating CREATE_CHILD_SA response %(pm)s [ SA No KE ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (432 bytes)",
], [
    "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (80 bytes)",
    "%(t2)s[ENC] " + P + "parsed INFORMATIONAL request %(pm2)s [ D ]",
    "%(t2)s[IKE] " + P + "received DELETE for IKE_SA %(name)s[%(id)s]",
    "%(t2)s[IKE] " + P + "deleting IKE_SA %(name)s[%(id)s] between %(lip)s[%(lip)s]...%(pip)s[%(pip)s]",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: REKEYED => DELETING",
    "%(t2)s[IKE] " + P + "IKE_SA deleted",
    "%(t2)s[ENC] " + P + "generating INFORMATIONAL response %(pm2)s [ ]",
    "%(t2)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (80 bytes)",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: DELETING => DESTROYING",
]]
T_DELETE_V2 = [[
    "%(t1)s[CFG] vici client %(vc)s connected",
], [
    "%(t2)s[CFG] vici client %(vc)s requests: terminate",
    "%(t2)s[CFG] vici terminate IKE_SA '%(name)s'",
], [
    "%(t1)s[IKE] " + P + "deleting IKE_SA %(name)s[%(id)s] between %(lip)s[%(lip)s]...%(pip)s[%(pip)s]",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: ESTABLISHED => DELETING",
    "%(t1)s[IKE] " + P + "sending DELETE for IKE_SA %(name)s[%(id)s]",
    "%(t1)s[ENC] " + P + "generating INFORMATIONAL request %(m)s [ D ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (80 bytes)",
], [
    "%(t2)s[NET] " + P + "received packet: from %(pip)s[4500] to %(lip)s[4500] (80 bytes)",
    "%(t2)s[ENC] " + P + "parsed INFORMATIONAL response %(m)s [ ]",
    "%(t2)s[IKE] " + P + "IKE_SA deleted",
    "%(t2)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: DELETING => DESTROYING",
    "%(t2)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: INSTALLED => DESTROYING",
], [
    "%(t3)s[CFG] vici client %(vc)s disconnected",
]]
T_DELETE_V1 = [[
    "%(t1)s[CFG] vici client %(vc)s connected",
], [
    "%(t2)s[CFG] vici client %(vc)s requests: terminate",
    "%(t2)s[CFG] vici terminate IKE_SA '%(name)s'",
], [
    "%(t1)s[IKE] " + P + "deleting IKE_SA %(name)s[%(id)s] between %(lip)s[%(lip)s]...%(pip)s[%(pip)s]",
    "%(t1)s[IKE] " + P + "sending DELETE for IKE_SA %(name)s[%(id)s]",
    "%(t1)s[ENC] " + P + "generating INFORMATIONAL_V1 request %(r1)s [ HASH D ]",
    "%(t1)s[NET] " + P + "sending packet: from %(lip)s[4500] to %(pip)s[4500] (92 bytes)",
    "%(t1)s[IKE] " + P + "IKE_SA %(name)s[%(id)s] state change: ESTABLISHED => DESTROYING",
    "%(t1)s[CHD] " + P + "CHILD_SA %(name)s{%(cid)s} state change: INSTALLED => DESTROYING",
], [
    "%(t3)s[CFG] vici client %(vc)s disconnected",
]]
POLL_REQUESTS = ["list-sas", "list-sas", "list-sas", "list-conns", "stats"]
T_POLL = [[
    "%(t1)s[CFG] vici client %(vc)s connected",
], [
    "%(t2)s[CFG] vici client %(vc)s registered for: list-sa",
], [
    "%(t3)s[CFG] vici client %(vc)s requests: %(req)s",
], [
    "%(t4)s[CFG] vici client %(vc)s disconnected",
]]


def compile_hand(chunks):
    return compile_chunks(chunks)


# ---------------------------------------------------------------------------
# Failure splicing: a lab log's text rewritten for one new tunnel.

class Rewriter:
    """Consistent rewriting of one spliced lab block."""
    SUB_RE = re.compile(
        r"<(con1\|)?(\d+)>"                       # 1,2: <con1|N> or <N>
        r"|(con1|\(unnamed\))\[(\d+)\]"            # 3,4: con1[N]
        r"|con1\{(\d+)\}"                          # 5:   con1{N}
        r"|\bcon1\b"                                # name elsewhere
        r"|vici client (\d+)"                      # 6
        r"|(?<!\d)(?<!\d\.)(198\.51\.100\.2|203\.0\.113\.2|203\.0\.113\.1|198\.51\.100\.99)(?!\d)"  # 7
        r"|(?<=0x)([0-9a-f]{8})\b|\b([0-9a-f]{8})(?=_[io]\b)"  # 8,9 SPIs
    )

    def __init__(self, gen, name, ipmap):
        self.g = gen
        self.name = name
        self.ipmap = ipmap
        self.ike = {}
        self.child = {}
        self.vici = {}
        self.spi = {}

    def ike_id(self, old):
        if old not in self.ike:
            self.ike[old] = self.g.new_ike_id()
        return self.ike[old]

    def _sub(self, m):
        g = m.group
        if g(2) is not None:
            nid = self.ike_id(g(2))
            return "<%s|%d>" % (self.name, nid) if g(1) else "<%d>" % nid
        if g(4) is not None:
            who = self.name if g(3) == "con1" else g(3)
            return "%s[%d]" % (who, self.ike_id(g(4)))
        if g(5) is not None:
            if g(5) not in self.child:
                self.child[g(5)] = self.g.new_child_id()
            return "%s{%d}" % (self.name, self.child[g(5)])
        if g(6) is not None:
            if g(6) not in self.vici:
                self.vici[g(6)] = self.g.new_vici()
            return "vici client %d" % self.vici[g(6)]
        if g(7) is not None:
            return self.ipmap[g(7)]
        spi = g(8) or g(9)
        if spi is not None:
            if spi not in self.spi:
                self.spi[spi] = "%08x" % self.g.rng.getrandbits(32)
            return self.spi[spi]
        return self.name

    def rewrite(self, line):
        return self.SUB_RE.sub(self._sub, line)


# ---------------------------------------------------------------------------

class Tunnel:
    __slots__ = ("name", "version", "role", "d", "up", "busy", "id", "cid",
                 "spi_in", "spi_out", "my_mid", "peer_mid", "reqid")


class Generator:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        if args.scenario is None:
            args.scenario = ""
        self.target = args.size
        self.next_ike = 1
        self.next_child = 1
        self.next_vici = 1
        self.clock = 1764201600.0   # 2025-11-27 00:00:00 UTC
        self._sec = None
        self._env = None
        self.bytes = 0
        self.lines = 0
        self.out = []
        self.out_len = 0
        self.counts = {"ike_sa_established": 0, "child_sa_established": 0,
                       "ike_rekeys": 0, "child_rekeys": 0, "dpd": 0,
                       "terminations": 0, "vici_polls": 0}
        self.load_lab()

    # ids ------------------------------------------------------------------
    def new_ike_id(self):
        self.next_ike += 1
        return self.next_ike - 1

    def new_child_id(self):
        self.next_child += 1
        return self.next_child - 1

    def new_vici(self):
        self.next_vici += 1
        return self.next_vici - 1

    # lab ------------------------------------------------------------------
    def load_lab(self):
        self.establish = {}
        for scen, ver in (("ikev2-success", 2), ("ikev1-success", 1)):
            for side in ("initiator", "responder"):
                lines = read_core_lines(os.path.join(LAB, scen, side + ".log"))
                tmpl, nspi, nmid, nvc = templatize(establishment_block(lines), side)
                self.establish[(ver, side)] = (compile_chunks(chunk_by_thread(tmpl)),
                                               nspi, nmid, nvc)
                if scen == "ikev2-success" and side == "responder":
                    self.startup = drop_startup_head(lines)
                    dump, _, _, _ = templatize(conn_dump_block(lines), side)
                    self.dump_tmpl = dump
        self.failures = []
        for scen in sorted(os.listdir(LAB)):
            d = os.path.join(LAB, scen)
            exp_path = os.path.join(d, "expected.json")
            if not os.path.isfile(exp_path):
                continue
            with open(exp_path) as f:
                exp = json.load(f)
            with open(os.path.join(d, "meta.json")) as f:
                meta = json.load(f)
            for side in ("responder", "initiator"):
                e = exp.get(side, {})
                if e.get("outcome") != "failed":
                    continue
                if self.args.scenario and not re.search(self.args.scenario, scen + ":" + side):
                    continue
                lines = drop_startup(read_core_lines(os.path.join(d, side + ".log")))
                self.failures.append({
                    "scenario": scen, "side": side, "lines": lines,
                    "accept_class": e["accept_class"],
                    "ike_version": meta.get("ike_version"),
                })
        self.templates = {
            "dpd_v2_out": compile_hand(T_DPD_V2_OUT), "dpd_v2_in": compile_hand(T_DPD_V2_IN),
            "dpd_v1_out": compile_hand(T_DPD_V1_OUT), "dpd_v1_in": compile_hand(T_DPD_V1_IN),
            "child_rekey_v2": compile_hand(T_CHILD_REKEY_V2),
            "child_rekey_v1": compile_hand(T_CHILD_REKEY_V1),
            "ike_rekey_v2_out": compile_hand(T_IKE_REKEY_V2_OUT),
            "ike_rekey_v2_in": compile_hand(T_IKE_REKEY_V2_IN),
            "delete_v2": compile_hand(T_DELETE_V2), "delete_v1": compile_hand(T_DELETE_V1),
            "poll": compile_hand(T_POLL),
        }

    # output ---------------------------------------------------------------
    def envelope(self):
        sec = int(self.clock)
        if sec != self._sec:
            self._sec = sec
            self._env = time.strftime("%b %e %H:%M:%S", time.gmtime(sec)) + \
                " %s charon[%d]: " % (HOST, PID)
        return self._env

    def emit_text(self, text, nlines):
        self.out.append(text)
        self.out_len += len(text)
        self.bytes += len(text)
        self.lines += nlines
        if self.out_len >= 1 << 20:
            self.flush()

    def flush(self):
        if self.out:
            self.f.write("".join(self.out))
            self.out = []
            self.out_len = 0

    def tick(self):
        # ~40 lines/s on average: a busy firewall.
        self.clock += self.rng.expovariate(1.0 / 0.25)

    def thread(self):
        return THREADS[int(self.rng.random() * 16)]

    # tunnels ----------------------------------------------------------------
    def make_tunnels(self, n):
        self.tunnels = []
        for k in range(n):
            t = Tunnel()
            t.name = "con%d" % (k + 1)
            t.version = 2 if self.rng.random() < 0.75 else 1
            t.role = "initiator" if self.rng.random() < 0.5 else "responder"
            ike_prop, esp_prop, enc, integ = ALGS[self.rng.randrange(len(ALGS))]
            t.d = {
                "name": t.name, "lip": WAN_IP,
                "pip": "198.18.%d.%d" % ((k // 250) % 256, k % 250 + 2),
                "lnet": "10.%d.%d.0/24" % (k // 250, k % 250),
                "rnet": "172.%d.%d.0/24" % (16 + (k // 250) % 16, k % 250),
                "ike_prop": ike_prop, "esp_prop": esp_prop, "enc": enc, "integ": integ,
            }
            t.up = False
            t.busy = False
            t.reqid = k + 1
            self.tunnels.append(t)

    def spis(self, d, n, prefix="spi"):
        for i in range(n):
            d["%s%d" % (prefix, i)] = "%08x" % self.rng.getrandbits(32)

    def act_establish(self, t):
        chunks, nspi, nmid, nvc = self.establish[(t.version, t.role)]
        d = dict(t.d)
        t.id = self.new_ike_id()
        t.cid = self.new_child_id()
        d["id"], d["cid"] = t.id, t.cid
        self.spis(d, nspi)
        for i in range(nmid):
            d["mid%d" % i] = self.rng.getrandbits(32)
        for i in range(nvc):
            d["vc%d" % i] = self.new_vici()
        # the lab block's SPIs: inbound first, then outbound
        t.spi_in, t.spi_out = d.get("spi0", "00000000"), d.get("spi1", "00000000")
        t.my_mid = 2 if t.role == "initiator" else 0
        t.peer_mid = 0 if t.role == "initiator" else 2
        self.counts["ike_sa_established"] += 1
        self.counts["child_sa_established"] += 1
        return self.activity(t, chunks, d, up_after=True)

    def base(self, t):
        d = dict(t.d)
        d["id"], d["cid"] = t.id, t.cid
        d["t1"], d["t2"], d["t3"], d["t4"] = (self.thread() for _ in range(4))
        return d

    def act_dpd(self, t):
        d = self.base(t)
        self.counts["dpd"] += 1
        if t.version == 2:
            if self.rng.random() < 0.5:
                d["m"], d["sz"] = t.my_mid, 80
                t.my_mid += 1
                return self.activity(t, self.templates["dpd_v2_out"], d)
            d["pm"] = t.peer_mid
            t.peer_mid += 1
            return self.activity(t, self.templates["dpd_v2_in"], d)
        d["r1"], d["r2"] = self.rng.getrandbits(32), self.rng.getrandbits(32)
        key = "dpd_v1_out" if self.rng.random() < 0.5 else "dpd_v1_in"
        return self.activity(t, self.templates[key], d)

    def act_child_rekey(self, t):
        d = self.base(t)
        d["ncid"] = self.new_child_id()
        d["oin"], d["oout"] = t.spi_in, t.spi_out
        d["nin"], d["nout"] = ("%08x" % self.rng.getrandbits(32) for _ in range(2))
        d["bi"], d["bo"] = self.rng.randrange(10 ** 9), self.rng.randrange(10 ** 9)
        d["reqid"] = t.reqid
        self.counts["child_rekeys"] += 1
        self.counts["child_sa_established"] += 1
        if t.version == 2:
            d["m"], d["m2"], d["sz"] = t.my_mid, t.my_mid + 1, 240
            t.my_mid += 2
            key = "child_rekey_v2"
        else:
            d["r1"], d["r2"] = self.rng.getrandbits(32), self.rng.getrandbits(32)
            key = "child_rekey_v1"
        t.cid, t.spi_in, t.spi_out = d["ncid"], d["nin"], d["nout"]
        return self.activity(t, self.templates[key], d)

    def act_ike_rekey(self, t):
        d = self.base(t)
        d["nid"] = self.new_ike_id()
        d["rk"], d["lt"] = self.rng.randint(23000, 25920), self.rng.randint(27000, 28800)
        self.counts["ike_rekeys"] += 1
        if self.rng.random() < 0.5:
            d["m"], d["m2"] = t.my_mid, t.my_mid + 1
            key = "ike_rekey_v2_out"
        else:
            d["pm"], d["pm2"] = t.peer_mid, t.peer_mid + 1
            key = "ike_rekey_v2_in"
        t.id = d["nid"]
        t.my_mid, t.peer_mid = 0, 0
        return self.activity(t, self.templates[key], d)

    def act_delete(self, t):
        d = self.base(t)
        d["vc"] = self.new_vici()
        self.counts["terminations"] += 1
        if t.version == 2:
            d["m"] = t.my_mid
            key = "delete_v2"
        else:
            d["r1"] = self.rng.getrandbits(32)
            key = "delete_v1"
        return self.activity(t, self.templates[key], d, up_after=False)

    def act_poll(self):
        d = {"vc": self.new_vici(), "req": self.rng.choice(POLL_REQUESTS)}
        d["t1"], d["t2"], d["t3"], d["t4"] = (self.thread() for _ in range(4))
        self.counts["vici_polls"] += 1
        return self.activity(None, self.templates["poll"], d)

    def activity(self, t, chunks, d, up_after=None):
        if t is not None:
            t.busy = True
        return [t, chunks, d, 0, up_after]

    def act_failure(self, idx):
        """One failing lab log, rewritten as a new tunnel."""
        fdef = self.failures[self.fail_order[idx % len(self.fail_order)]]
        k = len(self.expected_failures)
        name = "con%d" % (FAIL_NAME_BASE + k)
        peer = "198.19.%d.%d" % ((k // 250) % 256, k % 250 + 2)
        other = "198.19.255.%d" % (k % 250 + 2)
        if fdef["side"] == "initiator":
            ipmap = {LAB_INIT_IP: WAN_IP, LAB_RESP_IP: peer, LAB_NAT_IP: other,
                     LAB_OTHER_IP: other}
        else:
            # the initiator was behind NAT (LAB_NAT_IP) in the NAT scenarios
            ipmap = {LAB_RESP_IP: WAN_IP, LAB_INIT_IP: peer, LAB_NAT_IP: peer,
                     LAB_OTHER_IP: other}
        rw = Rewriter(self, name, ipmap)
        rewritten = [rw.rewrite(l.replace("%", "%%")) for l in fdef["lines"]]
        chunks = compile_chunks(chunk_by_thread(rewritten))
        self.expected_failures.append({
            "connection": name,
            "ike_sa_ids": sorted(rw.ike.values()),
            "scenario": fdef["scenario"],
            "side": fdef["side"],
            "ike_version": fdef["ike_version"],
            "accept_class": fdef["accept_class"],
        })
        return [None, chunks, {}, 0, None]

    # main loop --------------------------------------------------------------
    def run(self, f):
        self.f = f
        a = self.args
        rng = self.rng
        size_mib = max(1, self.target >> 20)
        ntun = a.tunnels if a.tunnels is not None else max(12, min(500, size_mib * 4))
        nfail = a.failures if a.failures is not None else max(1, round(self.target * 2 / (1 << 20)))
        self.make_tunnels(ntun)
        self.fail_order = list(range(len(self.failures)))
        rng.shuffle(self.fail_order)
        self.expected_failures = []

        # start-up, then every routine tunnel's load-conn dump
        env = self.envelope()
        self.emit_text("".join(env + l + "\n" for l in self.startup), len(self.startup))
        vc = self.new_vici()
        self.emit_text(self.envelope() + "11[CFG] vici client %d connected\n" % vc, 1)
        dump = "\n".join(["15[CFG] vici client %d requests: load-conn" % vc] + self.dump_tmpl)
        for t in self.tunnels:
            self.tick()
            env = self.envelope()
            body = dump % dict(t.d)
            text = "".join(env + l + "\n" for l in body.split("\n"))
            self.emit_text(text, text.count("\n"))
        self.emit_text(self.envelope() + "%02d[CFG] vici client %d disconnected\n" % (10, vc), 1)

        active = []
        fail_at = [(i + 0.5) * self.target / nfail for i in range(nfail)] if nfail else []
        fail_next = 0
        down = list(self.tunnels)     # not yet established
        rng.shuffle(down)
        up = []
        conc = 6
        while True:
            if self.bytes >= self.target and fail_next >= nfail and not active:
                break
            # start new activities
            while len(active) < conc:
                if fail_next < nfail and self.bytes >= fail_at[fail_next]:
                    active.append(self.act_failure(fail_next))
                    fail_next += 1
                    continue
                if self.bytes >= self.target:
                    break
                if down and (rng.random() < 0.7 or not up):
                    t = down.pop()
                    if t.busy:
                        down.insert(0, t)
                        break
                    active.append(self.act_establish(t))
                    continue
                r = rng.random()
                if r < 0.06:
                    active.append(self.act_poll())
                    continue
                if not up:
                    break
                t = up[int(rng.random() * len(up))]
                if t.busy:
                    break
                if r < 0.80:
                    active.append(self.act_dpd(t))
                elif r < 0.91:
                    active.append(self.act_child_rekey(t))
                elif r < 0.97 and t.version == 2:
                    active.append(self.act_ike_rekey(t))
                elif r >= 0.995:
                    up.remove(t)
                    down.insert(0, t)
                    active.append(self.act_delete(t))
                else:
                    active.append(self.act_dpd(t))
            if not active:
                if self.bytes >= self.target and fail_next >= nfail:
                    break
                continue
            # one burst of one of them
            i = int(rng.random() * len(active))
            act = active[i]
            t, chunks, d, pos, up_after = act
            self.tick()
            d["E"] = self.envelope()
            text, n = chunks[pos]
            self.emit_text(text % d, n)
            pos += 1
            if pos >= len(chunks):
                active[i] = active[-1]
                active.pop()
                if t is not None:
                    t.busy = False
                    if up_after is True and not t.up:
                        t.up = True
                        up.append(t)
                    elif up_after is False:
                        t.up = False
            else:
                act[3] = pos
        self.flush()


def drop_startup_head(lines):
    """The daemon start-up lines (thread 00) at the top of a lab log."""
    out = []
    for l in lines:
        if not l.startswith("00["):
            break
        out.append(l)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, default=parse_size("10M"),
                    help="approximate output size (e.g. 1M, 10M, 500M); default 10M")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", "-o", required=True, help="output file")
    ap.add_argument("--failures", type=int, default=None,
                    help="spliced failed negotiations (default: 2 per MiB, at least 1)")
    ap.add_argument("--tunnels", type=int, default=None,
                    help="routine tunnels (default: 4 per MiB, 12..500)")
    ap.add_argument("--scenario", default=None, metavar="REGEX",
                    help="splice only failures whose 'scenario:side' matches (debugging)")
    ap.add_argument("--quiet", "-q", action="store_true")
    args = ap.parse_args()

    t0 = time.time()
    g = Generator(args)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="ascii", newline="\n", buffering=1 << 20) as f:
        g.run(f)
    os.replace(tmp, args.out)

    by_class = {}
    for e in g.expected_failures:
        c = e["accept_class"][0]
        by_class[c] = by_class.get(c, 0) + 1
    expected = {
        "generator": "bench/gen_log.py",
        "seed": args.seed,
        "size_requested": args.size,
        "bytes": g.bytes,
        "lines": g.lines,
        "routine_tunnels": len(g.tunnels),
        "ike_sa_ids_used": g.next_ike - 1,
        "failures": len(g.expected_failures),
        "failures_by_primary_class": dict(sorted(by_class.items())),
        "routine": g.counts,
        "note": ("Each spliced failure must give at least one error diagnosis whose "
                 "class is in its accept_class, attributed to it by connection name "
                 "or IKE_SA id; routine tunnels (con1..conN) must give no error "
                 "diagnosis."),
        "failure_list": g.expected_failures,
    }
    with open(args.out + ".expected.json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    if not args.quiet:
        dt = time.time() - t0
        print("gen_log: %s: %d bytes, %d lines, %d routine tunnels, %d failures spliced "
              "(%.1f s, %.0f MB/s)" % (args.out, g.bytes, g.lines, len(g.tunnels),
                                       len(g.expected_failures), dt, g.bytes / dt / 1e6))
        print("gen_log: expected failures by primary class: " +
              ", ".join("%s=%d" % kv for kv in sorted(by_class.items())))
        print("gen_log: expected counts in %s.expected.json" % args.out)


if __name__ == "__main__":
    main()
