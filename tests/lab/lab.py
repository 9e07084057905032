#!/usr/bin/env python3
"""Real strongSwan lab: generates real charon logs for failure scenarios.

Two charon daemons (initiator fw-a, responder fw-b) run in their own network
namespaces, joined through a router namespace (plain routing, NAT, or a
firewall that drops IKE), each configured with swanctl, one
misconfiguration per scenario (see scenarios.py). Their file logs, written
with pfSense's log levels, are wrapped in a BSD syslog envelope and stored
as corpus fixtures: <out>/<ikev1|ikev2>-<scenario>/{initiator.log,
responder.log, expected.json, meta.json, *.swanctl.conf, *.strongswan.conf}.

    lab.py list
    lab.py run SCENARIO [--out DIR] [--keep] [--root ROOT]
    lab.py run-all --out DIR [--jobs N] [--root ROOT]
    lab.py check --bin PATH_TO_ipsec-diag --out DIR [--jobs N] [--root ROOT]
    lab.py cleanup [--root ROOT]
    lab.py make-root ROOT [--suite trixie]

--root ROOT runs charon and swanctl of another Debian release (another
strongSwan) from the root file system ROOT that make-root debootstraps;
--initiator-root / --responder-root DIR give one end a release of its own
("" the host's): two releases talking to each other. run, run-all and
check take --log-level N (every subsystem at N, 4 being pfSense's "Highest")
and --backend stroke (ipsec.conf through the ipsec starter and `ipsec up`
instead of swanctl.conf over vici; *.ipsec.conf in the fixtures then).

Python 3 standard library only. Needs root, `ip netns`, and strongSwan
(installed with apt-get when missing). Exit code 77 means "skipped": the
machine cannot run the lab.
"""
import argparse
import ipaddress
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import scenarios as S  # noqa: E402

EXIT_SKIP = 77
CHARON = "/usr/lib/ipsec/charon"
NS_PREFIX = "idglab"
APT_PACKAGES = ["strongswan-charon", "strongswan-swanctl", "strongswan-pki",
                "libcharon-extra-plugins", "libcharon-extauth-plugins",
                "libstrongswan-extra-plugins", "libstrongswan-standard-plugins",
                "strongswan-starter", "iproute2", "nftables"]   # standard-plugins (openssl): a mere Recommends
# Another strongSwan release: a Debian root file system holding it (made by
# `lab.py make-root`), in which charon and swanctl run (chroot) while the
# namespaces, nftables and pki stay the host's. "" is the host's own release.
# Set once by main() (--root) before any scenario runs.
ROOT = ""
# One end's own release (--initiator-root / --responder-root; "" the host's),
# over ROOT: two releases talking to each other.
ROLE_ROOT = {}
# How the ends load their configuration (--backend): "swanctl" (vici: swanctl.conf,
# `swanctl --initiate`, as pfSense 2.5+ does) or "stroke" (the ipsec starter reading
# ipsec.conf and ipsec.secrets, `ipsec up`, as pfSense before 2.5 and many Linux hosts
# do). Set once by main().
BACKEND = "swanctl"
# `run --status`: each end's status output (`swanctl --list-conns` and
# `--list-sas`, or `ipsec statusall` with --backend stroke) taken before the
# daemons stop, kept as ROLE.status.txt beside the logs
STATUS = False
STARTER = "/usr/lib/ipsec/starter"
STROKE = "/usr/lib/ipsec/stroke"


def root_of(role):
    return ROLE_ROOT.get(role, ROOT)


def roots():
    """Every root a run uses ("" for the host's release), each once."""
    return sorted({root_of(r) for r in ("initiator", "responder")})

ROLES = ("initiator", "responder")
HOST = {"initiator": "fw-a", "responder": "fw-b"}
SHORT = {"initiator": "a", "responder": "b"}

# Addressing. Only documentation ranges, only inside our own namespaces.
NETS = {
    4: {"A": "198.51.100.2", "A2": "198.51.100.3", "R_A": "198.51.100.1", "B": "203.0.113.2",
        "R_B": "203.0.113.1", "A_PUB": "203.0.113.1", "PLEN": 24,
        # the protected subnets ("LANs") are documentation addresses too
        "A_NET": "192.0.2.0/27", "A_NET2": "192.0.2.32/27", "A_NET3": "192.0.2.64/27",
        "B_NET": "192.0.2.128/27", "B_NET2": "192.0.2.160/27", "B_NET3": "192.0.2.192/27",
        "A_WIDE": "192.0.2.0/25", "B_WIDE": "192.0.2.128/25",
        "OTHER": "198.51.100.99"},
    6: {"A": "2001:db8:a::2", "A2": "2001:db8:a::3", "R_A": "2001:db8:a::1", "B": "2001:db8:b::2",
        "R_B": "2001:db8:b::1", "A_PUB": "2001:db8:b::1", "PLEN": 64,
        "A_NET": "2001:db8:5::/64", "A_NET2": "2001:db8:5:1::/64", "A_NET3": "2001:db8:5:2::/64",
        "B_NET": "2001:db8:6::/64", "B_NET2": "2001:db8:6:1::/64", "B_NET3": "2001:db8:6:2::/64",
        "A_WIDE": "2001:db8:5::/48", "B_WIDE": "2001:db8:6::/48",
        "OTHER": "2001:db8:a::99"},
}


def lan_addrs(addrs, me):
    """The first host address of each of this end's protected subnets: what a
    firewall has on its LAN interface (kernel-libipsec routes need one)."""
    out = []
    for key in ("_NET", "_NET2", "_NET3"):
        net = ipaddress.ip_network(addrs[me + key])
        out.append("%s/%d" % (next(net.hosts()), net.prefixlen))
    return out


PLUGINS = ("random nonce aes sha1 sha2 md5 hmac gmp openssl curve25519 pem pkcs1 "
           "pkcs8 x509 pubkey revocation constraints kdf xcbc cmac ctr ccm gcm attr "
           "socket-default vici")
CRED_DIRS = ("x509", "x509ca", "x509ocsp", "x509aa", "x509ac", "x509crl", "pubkey",
             "private", "rsa", "ecdsa", "bliss", "pkcs8", "pkcs12")

# Lines worth showing in meta.json ("what the logs showed").
HEADLINE = re.compile(
    r"established|failed|error|unacceptable|no acceptable|received proposals|"
    r"configured proposals|giving up|not responding|does not match|no peer config|"
    r"no matching|no IKE config|MAC mismatched|none allows|disabled for security|"
    r"unable to|timed out|requesting|didn't accept|narrow|constraint|trusted|"
    r"invalid|rekeyed|deleting|DELETE for|behind NAT|EAP|XAuth auth|decryption|unacceptable")
KEY_LINE = re.compile(r"\[(IKE|CFG|CHD|ENC|KNL|JOB)\] <")
KEY_LINE_NONAME = re.compile(r"\[(IKE|CFG|CHD|ENC|KNL|JOB)\] ")   # ike_name = no: no <..> prefix

# charon's file log levels: pfSense's recommended troubleshooting levels (IKE SA, IKE Child
# SA and Configuration Backend at Diag, the rest at Control); a scenario's "log" overrides them
LOG_DEFAULT = {"ike_name": "yes", "default": 1, "ike": 2, "chd": 2, "cfg": 2}


# `--log-level N` (LOG_LEVEL_ALL): every subsystem at N instead, for the scenarios that
# keep the default levels (a scenario with levels of its own is about those levels, and
# runs as it is, or is left out: see runnable()). 4 is pfSense's "Highest": raw packet
# and netlink hex dumps, key material, thousands of lines per negotiation.
LOG_LEVEL_ALL = None
LOG_SUBSYSTEMS = ("default", "ike", "chd", "cfg", "enc", "net", "knl", "job", "mgr",
                  "asn", "lib", "esp", "tls", "tnc", "imc", "imv", "pts", "app", "dmn")


def log_settings(sc):
    if LOG_LEVEL_ALL is not None and "log" not in sc:
        return dict(LOG_DEFAULT, **{k: LOG_LEVEL_ALL for k in LOG_SUBSYSTEMS})
    return dict(LOG_DEFAULT, **sc.get("log", {}))


def log_settings_text(sc):
    ls = log_settings(sc)
    levels = ", ".join("%s=%s" % (k, v) for k, v in ls.items() if k != "ike_name")
    return "ike_name=%s; %s" % (ls["ike_name"], levels)

_print_lock = threading.Lock()


def say(*a):
    with _print_lock:
        print(*a, flush=True)


class LabError(Exception):
    pass


class Skip(Exception):
    pass


class Interrupted(BaseException):
    pass


# ---------------------------------------------------------------------------
# small helpers

STOP = threading.Event()     # set by SIGINT/SIGTERM/SIGHUP: every wait aborts


def sleep(s):
    if STOP.wait(s):
        raise Interrupted("stopped")


def run(cmd, check=True, timeout=30, env=None, input=None, abortable=True):
    """Run a command, output captured; aborts (killing it) when the lab is stopped."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                         text=True)
    deadline = time.time() + timeout
    out = None
    pending = input
    while True:
        try:
            out, _ = p.communicate(input=pending, timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pending = None
            stop = abortable and STOP.is_set()
            if stop or time.time() > deadline:
                p.kill()
                out, _ = p.communicate()
                if stop:
                    raise Interrupted("stopped")
                raise subprocess.TimeoutExpired(cmd, timeout, output=out)
    res = subprocess.CompletedProcess(cmd, p.returncode, out, None)
    if check and res.returncode != 0:
        raise LabError("%s failed (rc=%d): %s" % (" ".join(cmd), res.returncode,
                                                  (out or "").strip()[-2000:]))
    return res


def deep_merge(base, over):
    """Merge `over` into a copy of `base`; a None value deletes the key."""
    out = dict(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def resolve(obj, version, family):
    """Resolve the per-version keys ("v1"/"v2") and per-family keys
    ("ip4"/"ip6") of a scenario entry, recursively."""
    if isinstance(obj, dict):
        base = {k: v for k, v in obj.items() if k not in ("v1", "v2", "ip4", "ip6")}
        for sel in ("v%d" % version, "ip%d" % family):
            if sel in obj:
                if isinstance(obj[sel], dict) and base:
                    base = deep_merge(base, obj[sel])
                else:   # a value of its own (None kept as a value)
                    base = obj[sel]
        if not isinstance(base, dict):
            return resolve(base, version, family)
        return {k: resolve(v, version, family) for k, v in base.items()}
    if isinstance(obj, list):
        return [resolve(v, version, family) for v in obj]
    return obj


_TOKEN = re.compile(r"\{(%s)\}" % "|".join(sorted(NETS[4], key=len, reverse=True)))


def subst(obj, addrs):
    if isinstance(obj, str):
        return _TOKEN.sub(lambda m: str(addrs[m.group(1)]), obj)
    if isinstance(obj, dict):
        return {k: subst(v, addrs) for k, v in obj.items()}
    if isinstance(obj, list):
        return [subst(v, addrs) for v in obj]
    if isinstance(obj, tuple):
        return tuple(subst(v, addrs) for v in obj)
    return obj


def render_conf(d, indent=0):
    out = []
    tab = "\t" * indent
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, dict):
            out.append("%s%s {" % (tab, k))
            out.extend(render_conf(v, indent + 1))
            out.append("%s}" % tab)
        else:
            if isinstance(v, bool):
                v = "yes" if v else "no"
            out.append("%s%s = %s" % (tab, k, v))
    return out


def in_root(cmd, role):
    """cmd run inside role's root (see ROOT), or as it is."""
    return ["chroot", root_of(role)] + cmd if root_of(role) else cmd


def strongswan_version(root=None):
    root = ROOT if root is None else root
    admin = ["--admindir", os.path.join(root, "var/lib/dpkg")] if root else []
    try:
        return run(["dpkg-query"] + admin + ["-W", "-f", "${Version}", "strongswan-charon"],
                   check=False).stdout.strip() or "unknown"
    except Exception:
        return "unknown"


# ---------------------------------------------------------------------------
# preflight

def preflight(install=True):
    """Raise Skip(reason) when this machine cannot run the lab."""
    if os.geteuid() != 0:
        raise Skip("not root (network namespaces and charon need root)")
    if not shutil.which("ip"):
        raise Skip("iproute2 'ip' not installed")
    probe = "%s%dprobe" % (NS_PREFIX, os.getpid())
    p = run(["ip", "netns", "add", probe], check=False)
    if p.returncode != 0:
        raise Skip("'ip netns add' does not work here: %s" % p.stdout.strip())
    try:
        p = run(["ip", "-n", probe, "link", "add", "p0", "type", "veth", "peer",
                 "name", "p1"], check=False)
        if p.returncode != 0:
            raise Skip("cannot create veth pairs: %s" % p.stdout.strip())
    finally:
        run(["ip", "netns", "del", probe], check=False)
    daemon_files = (CHARON, "/usr/sbin/swanctl",
                    "/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so",
                    "/usr/lib/ipsec/plugins/libstrongswan-eap-md5.so",
                    "/usr/lib/ipsec/plugins/libstrongswan-xauth-generic.so",
                    "/usr/lib/ipsec/plugins/libstrongswan-openssl.so")
    for root in roots():
        if not root:
            continue
        lost = [x for x in daemon_files[:2] if not os.path.exists(root + x)]
        if lost:
            raise Skip("%s holds no strongSwan (%s missing): make it with `lab.py make-root %s`"
                       % (root, ", ".join(lost), root))
        # another release may package a plugin elsewhere: only its scenarios fail
        for x in daemon_files[2:]:
            if not os.path.exists(root + x):
                say("lab: warning: %s has no %s, its scenarios will fail" % (root, x))
    if "" not in roots():
        daemon_files = ()
    elif BACKEND == "stroke":
        daemon_files += (STARTER, STROKE)
    missing = [x for x in daemon_files + ("/usr/bin/pki", "/usr/sbin/nft")
               if not os.path.exists(x)]
    if missing:
        if not install:
            raise Skip("strongSwan not installed (%s missing)" % ", ".join(missing))
        if not shutil.which("apt-get"):
            raise Skip("strongSwan not installed and no apt-get to install it")
        say("lab: installing %s" % " ".join(APT_PACKAGES))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends"] + APT_PACKAGES
        p = run(cmd, check=False, timeout=600, env=env)
        if p.returncode != 0:
            run(["apt-get", "update", "-q"], check=False, timeout=600, env=env)
            p = run(cmd, check=False, timeout=600, env=env)
        if p.returncode != 0:
            raise Skip("cannot install strongSwan: %s" % p.stdout.strip()[-500:])
        return preflight(install=False)
    if not os.path.exists("/dev/net/tun"):
        say("lab: warning: /dev/net/tun missing, kernel-libipsec scenarios will fail")


# ---------------------------------------------------------------------------
# one scenario run

class Instance:
    """One concrete scenario: a scenario entry resolved for one IKE version."""

    def __init__(self, entry, version):
        self.entry = entry
        self.version = version
        self.family = entry.get("family", 4)
        self.id = "ikev%d-%s" % (version, entry["name"])
        self.addrs = dict(NETS[self.family])
        self.addrs["PLEN"] = str(self.addrs["PLEN"])
        # a scenario's "stroke": what differs with --backend stroke (other log
        # lines, another outcome), over the entry
        if BACKEND == "stroke" and "stroke" in entry:
            entry = dict(entry, **entry["stroke"])
        sc = subst(resolve(entry, version, self.family), self.addrs)
        self.sc = sc
        self.net = sc.get("net", "routed")
        self.kernel = sc.get("kernel", "netlink")


def build_conn(inst, role, over):
    a = inst.addrs
    me, peer = ("A", "B") if role == "initiator" else ("B", "A")
    peer_addr = a[peer]
    if inst.net == "nat" and role == "responder":
        peer_addr = a["A_PUB"]
    conn = {
        "fragmentation": "yes",
        "unique": "replace",
        "version": inst.version,
        "proposals": "aes256-sha256-modp2048",
        "dpd_delay": "10s",
        "rekey_time": "25920s",
        "reauth_time": "0s",
        "over_time": "2880s",
        "rand_time": "2880s",
        "encap": "no",
        "mobike": "no",
        "local_addrs": a[me],
        "remote_addrs": peer_addr,
        "local": {"id": a[me], "auth": "psk"},
        "remote": {"id": a["A"] if role == "responder" else a["B"], "auth": "psk"},
        "children": {"con1": {
            "life_time": "3600s",
            "rekey_time": "3240s",
            "rand_time": "360s",
            "start_action": "none",
            "local_ts": a["%s_NET" % me],
            "remote_ts": a["%s_NET" % peer],
            "esp_proposals": "aes256-sha256",
            "dpd_action": "clear",
        }},
    }
    over = dict(over)
    child = over.pop("child", None)
    children = over.pop("children", None)
    conn = deep_merge(conn, over)
    if children is not None:
        conn["children"] = children
    if child:
        name = next(iter(conn["children"]))
        conn["children"][name] = deep_merge(conn["children"][name], child)
    # keep "local"/"remote" and "children" last, like pfSense's swanctl.conf
    for k in [k for k in conn if k.startswith("local") and isinstance(conn[k], dict)] + \
             [k for k in conn if k.startswith("remote") and isinstance(conn[k], dict)] + \
             ["children"]:
        conn[k] = conn.pop(k)
    return conn


def build_end(inst, role):
    """swanctl.conf and strongswan.conf dicts for one end."""
    sc = inst.sc
    ov = dict(sc.get(role[0], {}))          # "i" / "r"
    psk = ov.pop("psk", S.PSK)
    extra_conns = ov.pop("conns", {})
    secrets_extra = ov.pop("secrets", {})
    charon_extra = ov.pop("strongswan", {})
    plugins_extra = ov.pop("plugins", [])
    vip_pools = ov.pop("vip_pools", None)
    conn_name = ov.pop("name", "con1")
    conns = {conn_name: build_conn(inst, role, ov)}
    for name, cov in extra_conns.items():
        conns[name] = build_conn(inst, role, cov)
    secrets = {}
    if psk is not None:
        # as pfSense writes it: the key for %any and the peer identifier
        secrets["ike-0"] = {"secret": '"%s"' % psk, "id-0": "%any",
                            "id-1": conns[conn_name]["remote"].get("id", "%any")}
    secrets.update(secrets_extra)
    swanctl = {"connections": conns}
    if vip_pools:
        swanctl["pools"] = vip_pools
    if secrets:
        swanctl["secrets"] = secrets
    kernel = "kernel-libipsec kernel-netlink" if inst.kernel == "libipsec" else "kernel-netlink"
    charon = {
        "load": " ".join([PLUGINS] + list(plugins_extra) + [kernel]),
        "install_routes": "no",
        "ignore_acquire_ts": "yes",
        "cisco_unity": "no",
        "make_before_break": "yes",
        "retransmit_timeout": S.RETRANSMIT["timeout"],
        "retransmit_base": S.RETRANSMIT["base"],
        "retransmit_tries": S.RETRANSMIT["tries"],
    }
    charon = deep_merge(charon, charon_extra)
    return swanctl, charon


class NotStrokable(Exception):
    """A scenario whose configuration ipsec.conf cannot say (as lab.py translates it)."""


def _secs(v):
    v = str(v)
    return int(v[:-1]) if v.endswith("s") else int(v)


def stroke_cert_keys(inst, role):
    """{certificate file: (ipsec.secrets key type, whether its key is there)} of
    one end's own certificates (scenario "certs"), as stroke_conf needs them."""
    spec = inst.sc.get("certs") or {}
    dkey = spec.get("key", {"type": "ecdsa"})
    mine = spec.get(role, {})
    out = {}
    for name in mine.get("x509", []):
        ktype = spec["certs"][name].get("key", dkey)["type"]
        if ktype not in ("rsa", "ecdsa"):
            raise NotStrokable("a %s key" % ktype)
        out[name + ".crt"] = (ktype.upper(), name not in mine.get("nokey", []))
    return out


def stroke_ca_dns(inst):
    """{CA certificate file: its DN} of the scenario's CAs, for rightca."""
    cas = (inst.sc.get("certs") or {}).get("cas", {})
    return {name + ".crt": (ca if isinstance(ca, str) else ca["dn"]) for name, ca in cas.items()}


def stroke_conf(swanctl, cert_keys=None, ca_dns=None):
    """ipsec.conf and ipsec.secrets text for a swanctl dict of build_end, as an
    ipsec.conf user (or pfSense before 2.5) writes the same tunnel; raises
    NotStrokable for what this translation does not cover (EAP, XAuth, virtual
    IPs, several children in one connection). cert_keys: stroke_cert_keys() of
    the end; certificates and keys are read from /etc/ipsec.d/{certs,private}."""
    cert_keys = cert_keys or {}
    # swanctl's per-connection "unique" is ipsec.conf's one global uniqueids
    uniques = {c.get("unique", "no") for c in swanctl["connections"].values()}
    if len(uniques) > 1:
        raise NotStrokable("connections with different unique policies")
    out = ["config setup", "\tuniqueids = %s" % {"replace": "yes"}.get(*uniques, *uniques), ""]
    for name, c in swanctl["connections"].items():
        c = dict(c)
        children = c.pop("children")
        if len(children) != 1:
            raise NotStrokable("connection %s has %d children" % (name, len(children)))
        (cname, ch), = children.items()
        local, remote = c.pop("local"), c.pop("remote")
        for end in (local, remote):
            auth = end.get("auth", "")
            if set(end) - {"id", "auth", "certs", "cacerts"} or not (auth == "psk" or
                                                          auth.startswith("pubkey")):
                raise NotStrokable("authentication other than a pre-shared key or certificate")
        if "certs" in remote:
            raise NotStrokable("a certificate configured for the peer")
        if "cacerts" in local or ("cacerts" in remote and remote["cacerts"] not in (ca_dns or {})):
            raise NotStrokable("a CA pinned for this end, or one of no known DN")
        certs = [x.strip() for x in str(local.get("certs", "")).split(",") if x.strip()]
        if len(certs) > 1:
            raise NotStrokable("several certificates of one end")
        for k in c:
            if not isinstance(c[k], (str, int)):
                raise NotStrokable("connection setting %s" % k)
        ch = dict(ch)
        # swanctl's rekey_time / life_time / rand_time of the CHILD_SA: ipsec.conf's
        # lifetime (hard), margintime (lifetime - rekey) and rekeyfuzz (jitter in % of it)
        life = _secs(ch.pop("life_time", "3600s"))
        rekey = _secs(ch.pop("rekey_time", "3240s"))
        jitter = _secs(ch.pop("rand_time", "360s"))
        margin = max(life - rekey, 1)
        lines = ["conn %s" % name,
                 "\tkeyexchange = %s" % {0: "ike", 1: "ikev1", 2: "ikev2"}[int(c.pop("version", 0))],
                 "\tleft = %s" % str(c.pop("local_addrs")).replace(", ", ","),
                 "\tright = %s" % str(c.pop("remote_addrs")).replace(", ", ","),
                 "\tleftid = %s" % local["id"],
                 "\trightid = %s" % remote["id"],
                 "\tleftauth = %s" % local["auth"],
                 "\trightauth = %s" % remote["auth"],
                 "\tike = %s!" % c.pop("proposals"),
                 # AH instead of ESP: ipsec.conf's ah=
                 "\t%s = %s!" % (("esp", ch.pop("esp_proposals")) if ch.get("esp_proposals")
                                 else ("ah", ch.pop("ah_proposals"))),
                 "\tleftsubnet = %s" % ch.pop("local_ts"),
                 "\trightsubnet = %s" % ch.pop("remote_ts"),
                 "\tlifetime = %ds" % life,
                 "\tmargintime = %ds" % margin,
                 "\trekeyfuzz = %d%%" % min(100 * jitter // margin, 100),
                 # the IKE_SA rekeys after ikelifetime - margintime
                 "\tikelifetime = %ds" % (_secs(c.pop("rekey_time", "25920s")) + margin)]
        if certs:
            lines.append("\tleftcert = %s" % certs[0])
        if "cacerts" in remote:  # the peer's CA pinned: pfSense's Peer Certificate Authority
            lines.append('\trightca = "%s"' % ca_dns[remote["cacerts"]])
        if _secs(c.pop("reauth_time", "0s")) == 0:
            lines.append("\treauth = no")
        # swanctl tries once by default, ipsec.conf three times
        lines.append("\tkeyingtries = %s" % c.pop("keyingtries", 1))
        simple = {"fragmentation": "fragmentation", "dpd_delay": "dpddelay",
                  "dpd_timeout": "dpdtimeout", "mobike": "mobike", "aggressive": "aggressive",
                  "keyingtries": "keyingtries", "encap": "forceencaps"}
        for k, v in list(c.items()):
            if k in simple:
                lines.append("\t%s = %s" % (simple[k], v))
                c.pop(k)
        for k in ("unique", "over_time", "rand_time"):  # uniqueids; margins above
            c.pop(k, None)
        if c:
            raise NotStrokable("connection settings %s" % ", ".join(sorted(c)))
        if ch.pop("start_action", "none") != "none":
            raise NotStrokable("a start action")
        if "dpd_action" in ch:
            lines.append("\tdpdaction = %s" % ch.pop("dpd_action"))
        if "mode" in ch:
            lines.append("\ttype = %s" % ch.pop("mode"))
        if "inactivity" in ch:
            lines.append("\tinactivity = %ds" % _secs(ch.pop("inactivity")))
        if ch:
            raise NotStrokable("child settings %s" % ", ".join(sorted(ch)))
        lines.append("\tauto = add")
        out += lines + [""]
    secrets = []
    for name, sec in swanctl.get("secrets", {}).items():
        if not name.startswith("ike"):
            raise NotStrokable("a %s secret" % name)
        ids = [v for k, v in sorted(sec.items()) if k.startswith("id")]
        secrets.append("%s : PSK %s" % (" ".join(ids), sec["secret"]))
    for cert, (ktype, has_key) in sorted(cert_keys.items()):
        if has_key:  # (a key left out: charon finds no private key, as with swanctl)
            secrets.append(": %s %s" % (ktype, cert[:-len(".crt")] + ".key"))
    if "pools" in swanctl:
        raise NotStrokable("address pools")
    return "\n".join(out), "\n".join(secrets) + "\n"


def strokable(inst):
    """Why inst cannot run with --backend stroke, or None if it can."""
    try:
        for role in ROLES:
            sw = build_end(inst, role)[0]
            for name, c in sw["connections"].items():
                if list(c.get("children", {})) != [name]:
                    # ipsec.conf names a conn's one CHILD_SA after it
                    raise NotStrokable("child not named after its connection")
            stroke_conf(sw, stroke_cert_keys(inst, role), stroke_ca_dns(inst))
    except NotStrokable as e:
        return str(e)
    return None


class Run:
    def __init__(self, inst, out_dir, keep=False, seq=0):
        self.inst = inst
        self.sc = inst.sc
        self.out_dir = out_dir
        self.keep = keep
        self.tag = "%s%dx%d" % (NS_PREFIX, os.getpid(), seq)
        self.ns = {"initiator": self.tag + "-a", "responder": self.tag + "-b",
                   "router": self.tag + "-r"}
        self.created_ns = []
        self.procs = {}
        self.pids = {}
        self.cut = {}
        self.work = None
        self.root_work = []  # the work dir's bind mounts inside roots
        self.swanctl_out = []
        self.t0 = None
        self.blocked = False
        self.frags_dropped = None
        self.small_ike_dropped = None

    # -- paths
    def d(self, role, *p):
        return os.path.join(self.work, SHORT[role], *p)

    def vici(self, role):
        return "unix://" + self.d(role, "charon.vici")

    # -- network
    def ip(self, ns, *args):
        return run(["ip", "-n", ns] + list(args))

    def nsexec(self, ns, *args, check=True):
        return run(["ip", "netns", "exec", ns] + list(args), check=check)

    def setup_net(self):
        a = self.inst.addrs
        v6 = self.inst.family == 6
        for key in ("initiator", "responder", "router"):
            run(["ip", "netns", "add", self.ns[key]])
            self.created_ns.append(self.ns[key])
            # no duplicate address detection: addresses are usable at once and
            # charon's log has no late "flags changed" lines
            self.nsexec(self.ns[key], "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                        "net.ipv6.conf.default.accept_dad=0")
            self.ip(self.ns[key], "link", "set", "lo", "up")
        r = self.ns["router"]
        plen = a["PLEN"]
        for role, rif, mine, gw in (("initiator", "ra", a["A"], a["R_A"]),
                                    ("responder", "rb", a["B"], a["R_B"])):
            ns = self.ns[role]
            run(["ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name",
                 rif, "netns", r])
            extra = ["nodad"] if v6 else []
            self.ip(ns, "addr", "add", "%s/%s" % (mine, plen), "dev", "eth0", *extra)
            if role == "initiator" and self.sc.get("addr2"):
                # a second address on fw-a (a client that comes back from another address)
                self.ip(ns, "addr", "add", "%s/%s" % (a["A2"], plen), "dev", "eth0", *extra)
            self.ip(r, "addr", "add", "%s/%s" % (gw, plen), "dev", rif, *extra)
            self.ip(ns, "link", "set", "eth0", "up")
            self.ip(r, "link", "set", rif, "up")
            self.ip(ns, "-6" if v6 else "-4", "route", "add", "default", "via", gw)
            # a LAN interface holding an address in each protected subnet
            self.ip(ns, "link", "add", "lan0", "type", "veth", "peer", "name", "lan1")
            for lan in lan_addrs(a, "A" if role == "initiator" else "B"):
                self.ip(ns, "addr", "add", lan, "dev", "lan0", *extra)
            self.ip(ns, "link", "set", "lan0", "up")
            self.ip(ns, "link", "set", "lan1", "up")
        self.nsexec(r, "sysctl", "-q", "-w",
                    "net.ipv6.conf.all.forwarding=1" if v6 else "net.ipv4.ip_forward=1")
        fam = "ip6" if v6 else "ip"
        rules = ["table %s lab {" % fam,
                 "  chain postrouting { type nat hook postrouting priority 100; policy accept; }",
                 "  chain forward { type filter hook forward priority 0; policy accept; }",
                 "}"]
        run(["ip", "netns", "exec", r, "nft", "-f", "-"], input="\n".join(rules) + "\n")
        if self.inst.net == "nat":
            run(["ip", "netns", "exec", r, "nft", "add", "rule", fam, "lab", "postrouting",
                 "oifname", "rb", "masquerade"])
        if self.sc.get("block_ike"):
            self.block_ike(self.sc["block_ike"])
        if self.sc.get("drop_small_ike_once"):
            # the first IKE datagram of under 140 bytes towards the given end is
            # lost (a quota of one such datagram): in Main Mode the last message
            # (MM5 or MM6: the encrypted ID and HASH) is the smallest of all
            toward = self.sc["drop_small_ike_once"]
            oif = "ra" if toward == "initiator" else "rb"
            run(["ip", "netns", "exec", r, "nft", "add", "rule", fam, "lab", "forward",
                 "oifname", oif, "udp", "dport", "{ 500, 4500 }", "meta", "length", "<", "140",
                 "quota", "until", "140", "bytes", "counter", "drop"])
        if self.sc.get("drop_fragments"):
            # before conntrack's defragmentation (priority -400), which would otherwise
            # hand the forward chain whole datagrams
            frag = "ip6 exthdr frag exists" if v6 else "ip frag-off & 0x3fff != 0"
            rules = ["table %s labfrag {" % fam,
                     "  chain pre { type filter hook prerouting priority -450; policy accept;",
                     "    %s counter drop" % frag, "  }", "}"]
            run(["ip", "netns", "exec", r, "nft", "-f", "-"], input="\n".join(rules) + "\n")

    def router_counter(self, table, pattern):
        """The packets an nft counter of the router's table counted (pattern's group 1)."""
        fam = "ip6" if self.inst.family == 6 else "ip"
        q = self.nsexec(self.ns["router"], "nft", "list", "table", fam, table, check=False)
        m = re.search(pattern, q.stdout)
        return int(m.group(1)) if m else None

    def block_ike(self, ports=True):
        """The router drops IKE: UDP 500 and 4500 (ports=True) or only the given port."""
        ports = "{ 500, 4500 }" if ports is True else str(ports)
        fam = "ip6" if self.inst.family == 6 else "ip"
        for d in ("dport", "sport"):
            run(["ip", "netns", "exec", self.ns["router"], "nft", "add", "rule", fam, "lab",
                 "forward", "udp", d, ports, "drop"])
        self.blocked = ports

    # -- certificates
    def make_certs(self):
        spec = self.sc.get("certs")
        if not spec:
            return
        cdir = os.path.join(self.work, "pki")
        os.makedirs(cdir)
        env = self.tool_env()

        def pki(*args, out=None):
            p = subprocess.run(["pki"] + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, timeout=30)
            if p.returncode != 0:
                raise LabError("pki %s failed: %s" % (args[0], p.stderr.decode()[-500:]))
            if out:
                with open(os.path.join(cdir, out), "wb") as f:
                    f.write(p.stdout)

        # key type and size: spec "key" {"type": "rsa", "size": 4096} for all, or per
        # certificate / CA ("cas" values may be a DN or {dn, key}); default ECDSA 256
        dkey = spec.get("key", {"type": "ecdsa", "size": 256})
        # name -> DN or {dn, key, not_before, not_after, issuer}: a root CA (self-signed), or
        # an intermediate one issued by the CA named `issuer` (listed before it)
        cas = spec["cas"]
        for name, ca in cas.items():
            ca = {"dn": ca} if isinstance(ca, str) else ca
            key = ca.get("key", dkey)
            pki("--gen", "--type", key["type"], "--size", str(key["size"]), "--outform", "pem",
                out=name + ".key")
            if ca.get("not_before"):
                life = ["--not-before", ca["not_before"], "--not-after", ca["not_after"],
                        "--dateform", "%Y-%m-%d %H:%M:%S"]
            else:
                life = ["--lifetime", "3650"]
            if ca.get("issuer"):
                pki("--pub", "--in", os.path.join(cdir, name + ".key"), "--type", key["type"],
                    out=name + ".pub")
                pki("--issue", "--ca", "--in", os.path.join(cdir, name + ".pub"), "--type", "pub",
                    "--cacert", os.path.join(cdir, ca["issuer"] + ".crt"),
                    "--cakey", os.path.join(cdir, ca["issuer"] + ".key"),
                    "--dn", ca["dn"], "--outform", "pem", *life, out=name + ".crt")
            else:
                pki("--self", "--ca", *life, "--in", os.path.join(cdir, name + ".key"),
                    "--type", key["type"], "--dn", ca["dn"], "--outform", "pem", out=name + ".crt")
        for name, c in spec["certs"].items():   # name -> {dn, san, ca, not_before, not_after, key}
            key = c.get("key", dkey)
            pki("--gen", "--type", key["type"], "--size", str(key["size"]), "--outform", "pem",
                out=name + ".key")
            pki("--pub", "--in", os.path.join(cdir, name + ".key"), "--type", key["type"],
                out=name + ".pub")
            args = ["--issue", "--in", os.path.join(cdir, name + ".pub"), "--type", "pub",
                    "--cacert", os.path.join(cdir, c["ca"] + ".crt"),
                    "--cakey", os.path.join(cdir, c["ca"] + ".key"),
                    "--dn", c["dn"], "--san", c["san"], "--outform", "pem"]
            if c.get("not_before"):
                args += ["--not-before", c["not_before"], "--not-after", c["not_after"],
                         "--dateform", "%Y-%m-%d %H:%M:%S"]
            else:
                args += ["--lifetime", "730"]
            pki(*args, out=name + ".crt")
        for role in ROLES:
            mine = spec.get(role, {})
            for crl in mine.get("x509crl", []):   # {ca, revoke: [cert names], reason}
                args = ["--signcrl", "--cacert", os.path.join(cdir, crl["ca"] + ".crt"),
                        "--cakey", os.path.join(cdir, crl["ca"] + ".key"), "--lifetime", "30",
                        "--outform", "pem"]
                for name in crl.get("revoke", []):
                    args += ["--reason", crl.get("reason", "key-compromise"),
                             "--cert", os.path.join(cdir, name + ".crt")]
                pki(*args, out=crl["ca"] + ".crl")
                shutil.copy(os.path.join(cdir, crl["ca"] + ".crl"),
                            self.d(role, "swanctl", "x509crl"))
            for name in mine.get("x509", []):
                shutil.copy(os.path.join(cdir, name + ".crt"), self.d(role, "swanctl", "x509"))
                if name not in mine.get("nokey", []):    # nokey: certificate without its key
                    shutil.copy(os.path.join(cdir, name + ".key"),
                                self.d(role, "swanctl", "private"))
            for name in mine.get("x509ca", []):
                shutil.copy(os.path.join(cdir, name + ".crt"), self.d(role, "swanctl", "x509ca"))

    # -- daemons
    def tool_env(self):
        return dict(os.environ, STRONGSWAN_CONF=os.path.join(self.work, "tools.strongswan.conf"))

    def write_configs(self):
        with open(os.path.join(self.work, "tools.strongswan.conf"), "w") as f:
            f.write("swanctl {\n\tload = pem pkcs1 pkcs8 x509 pubkey openssl random nonce "
                    "revocation constraints\n}\npki {\n\tload = pem pkcs1 pkcs8 x509 pubkey "
                    "openssl random nonce gmp sha1 sha2\n}\n")
        self.conf = {}
        for role in ROLES:
            os.makedirs(self.d(role, "run"))
            for cd in CRED_DIRS:
                os.makedirs(self.d(role, "swanctl", cd))
            swanctl, charon = build_end(self.inst, role)
            if BACKEND == "stroke":
                charon["load"] += " stroke"
                ipsec_conf, ipsec_secrets = stroke_conf(swanctl,
                                                        stroke_cert_keys(self.inst, role),
                                                        stroke_ca_dns(self.inst))
                with open(self.d(role, "ipsec.conf"), "w") as f:
                    f.write("# generated by tests/lab/lab.py for %s (%s)\n%s" %
                            (HOST[role], role, ipsec_conf))
                with open(self.d(role, "ipsec.secrets"), "w") as f:
                    f.write(ipsec_secrets)
                os.chmod(self.d(role, "ipsec.secrets"), 0o600)
            charon["filelog"] = {"lab": dict({
                "path": self.d(role, "charon.log"),
                "time_format": "%b %e %H:%M:%S",
                "append": "no",
                "flush_line": "yes"}, **log_settings(self.sc))}
            charon["syslog"] = {"daemon": {"default": -1}, "auth": {"default": -1}}
            plugins = charon.setdefault("plugins", {})
            plugins["vici"] = {"socket": self.vici(role)}
            plugins.setdefault("kernel-libipsec", {})["allow_peer_ts"] = "no"
            ss = ["# generated by tests/lab/lab.py for %s (%s)" % (HOST[role], role)]
            ss += render_conf({"charon": charon})
            sw = ["# generated by tests/lab/lab.py for %s (%s)" % (HOST[role], role)]
            sw += render_conf(swanctl)
            self.conf[role] = ("\n".join(ss) + "\n", "\n".join(sw) + "\n")
            with open(self.d(role, "strongswan.conf"), "w") as f:
                f.write(self.conf[role][0])
            with open(self.d(role, "swanctl", "swanctl.conf"), "w") as f:
                f.write(self.conf[role][1])

    def start_daemon(self, role):
        env = dict(os.environ, STRONGSWAN_CONF=self.d(role, "strongswan.conf"))
        out = open(self.d(role, "charon.stdout"), "w")
        # `ip netns exec` gives the command its own mount namespace: bind our
        # run dir over /run there so that charon's hard-wired pid file
        # (/var/run/charon.pid) is private to this daemon. In a ROOT, its
        # /run, /proc and /dev are those of this namespace (the work dir is
        # bound into it at the same path by execute()).
        # the root file system the daemon sees ("" this machine's), as $3
        script = 'mount --bind "$1" "$3/run" && '
        if root_of(role):
            script += 'mount -t proc proc "$3/proc" && mount --rbind /dev "$3/dev" && '
        if BACKEND == "stroke":
            # the starter reads /etc/ipsec.conf and charon's stroke plugin
            # /etc/ipsec.secrets (both paths built in): this end's, bound over them
            # and the certificates, keys and CRLs of /etc/ipsec.d (made by now)
            for sub, src in (("certs", "x509"), ("cacerts", "x509ca"), ("private", "private"),
                             ("crls", "x509crl")):
                shutil.copytree(self.d(role, "swanctl", src), self.d(role, "ipsec.d", sub))
            script += ('mount --bind "$4/ipsec.conf" "$3/etc/ipsec.conf" && '
                       'mount --bind "$4/ipsec.secrets" "$3/etc/ipsec.secrets" && '
                       'mount --bind "$4/ipsec.d" "$3/etc/ipsec.d" && ')
        script += 'exec %s"$2"%s' % ('chroot "$3" ' if root_of(role) else "",
                                     " --nofork --daemon charon" if BACKEND == "stroke" else "")
        daemon = STARTER if BACKEND == "stroke" else CHARON
        p = subprocess.Popen(
            ["ip", "netns", "exec", self.ns[role], "sh", "-c",
             script, "sh", self.d(role, "run"), daemon, root_of(role), self.d(role)],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        out.close()
        self.procs[role] = p
        self.pids[role] = p.pid
        sock = self.d(role, "charon.vici")
        deadline = time.time() + 10
        while time.time() < deadline:
            if p.poll() is not None:
                raise LabError("charon (%s) exited: %s" % (role, open(
                    self.d(role, "charon.stdout")).read()[-1000:]))
            if os.path.exists(sock):
                q = run(in_root(["swanctl", "--stats", "--uri", self.vici(role)], role), check=False,
                        env=self.tool_env())
                if q.returncode == 0:
                    if BACKEND == "stroke":  # the log names charon, not the starter
                        try:
                            with open(self.d(role, "run", "charon.pid")) as f:
                                self.pids[role] = int(f.read().strip())
                        except (OSError, ValueError):
                            pass
                    return
            sleep(0.1)
        raise LabError("charon (%s) did not come up" % role)

    def tool(self, role, cmd, shown, timeout, env=None):
        """Runs a control tool of one end (swanctl, stroke) and records its
        answer for meta.json; (rc, output), rc -1 on a timeout."""
        try:
            p = run(cmd, check=False, timeout=timeout, env=env)
            rc, out = p.returncode, p.stdout
        except subprocess.TimeoutExpired as e:
            rc, out = -1, (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        self.swanctl_out.append({"end": role, "cmd": shown.replace(self.work, "/tmp/lab"),
                                 "rc": rc, "output": out.replace(self.work, "/tmp/lab")
                                 .strip().splitlines()[-12:]})
        return rc, out

    def swanctl(self, role, *args, timeout=40, check=False):
        cmd = in_root(["swanctl"] + list(args) + ["--uri", self.vici(role)], role)
        rc, out = self.tool(role, cmd, " ".join(["swanctl"] + list(args)), timeout,
                            env=self.tool_env())
        if check and rc != 0:
            raise LabError("swanctl %s (%s) failed: %s" % (" ".join(args), role, out.strip()))
        return rc, out

    def load(self, role):
        if BACKEND == "stroke":
            # the starter adds every conn of ipsec.conf (auto = add) once charon is up
            for name in build_end(self.inst, role)[0]["connections"]:
                if not self.wait_log(role, r"added configuration '%s'" % re.escape(name), 15):
                    raise LabError("the starter did not load %s (%s)" % (name, role))
            return
        self.swanctl(role, "--load-all", "--noprompt", "--file",
                     self.d(role, "swanctl", "swanctl.conf"), check=True)

    def stroke(self, role, *args, timeout=40):
        """`ipsec up|down|rekey ...`: the stroke tool in the starter's mount
        namespace, whose /run holds this end's charon.ctl."""
        cmd = ["nsenter", "-t", str(self.procs[role].pid), "-m", "-n"] + in_root([STROKE], role) + list(args)
        return self.tool(role, cmd, " ".join(["ipsec"] + list(args)), timeout)

    def control(self, fn, role, cmd, timeout, background):
        """fn (swanctl or stroke) with cmd, in a thread of its own for a
        "background" action (joined by "join" or at the end)."""
        if not background:
            fn(role, *cmd, timeout=timeout)
            return
        t = threading.Thread(target=fn, args=(role,) + tuple(cmd), kwargs={"timeout": timeout})
        t.daemon = True
        t.start()
        self.bg.append(t)

    # -- log watching
    def logtext(self, role):
        try:
            with open(self.d(role, "charon.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_log(self, role, pattern, timeout):
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if rx.search(self.logtext(role)):
                return True
            sleep(0.2)
        return False

    def settle(self, quiet=1.5, maximum=8.0):
        """Wait until both logs have been silent for `quiet` s (at most `maximum` s)."""
        deadline = time.time() + maximum
        last = None
        since = time.time()
        while time.time() < deadline:
            cur = tuple(len(self.logtext(r)) for r in ROLES)
            if cur != last:
                last, since = cur, time.time()
            elif time.time() - since >= quiet:
                return
            sleep(0.2)

    # -- actions
    def do(self, action):
        kind = action[0]
        args = action[1] if len(action) > 1 else {}
        if BACKEND == "stroke" and kind in ("initiate", "rekey_child", "rekey_ike", "terminate"):
            role = args.get("end", "initiator")
            name = args.get("child", args.get("ike", "con1"))
            # `ipsec down NAME{*}`: its CHILD_SAs only
            down = name + "{*}" if kind == "terminate" and "child" in args else name
            cmd = {"initiate": ["up", name], "rekey_child": ["rekey", name + "{*}"],
                   "rekey_ike": ["rekey", name + "[*]"], "terminate": ["down", down]}[kind]
            timeout = args.get("timeout", 25) + 5 if kind == "initiate" else 15
            self.control(self.stroke, role, cmd, timeout, args.get("background"))
            return
        if kind == "initiate":
            role = args.get("end", "initiator")
            cmd = ["--initiate", "--child", args.get("child", "con1")]
            if args.get("ike"):
                cmd += ["--ike", args["ike"]]
            cmd += ["--timeout", str(args.get("timeout", 25))]
            self.control(self.swanctl, role, cmd, args.get("timeout", 25) + 5,
                         args.get("background"))
        elif kind == "join":
            for t in self.bg:
                t.join(args.get("timeout", 30))
            self.bg = []
        elif kind == "wait":
            sleep(args if isinstance(args, (int, float)) else args.get("s", 1))
        elif kind == "wait_log":
            ok = self.wait_log(args.get("end", "initiator"), args["pattern"],
                               args.get("timeout", 10))
            if not ok and args.get("required"):
                raise LabError("timed out waiting for /%s/ in %s log" %
                               (args["pattern"], args.get("end", "initiator")))
        elif kind == "settle":
            self.settle(args.get("quiet", 1.5), args.get("max", 8))
        elif kind == "rekey_child":
            self.swanctl(args.get("end", "initiator"), "--rekey", "--child",
                         args.get("child", "con1"))
        elif kind == "rekey_ike":
            self.swanctl(args.get("end", "initiator"), "--rekey", "--ike",
                         args.get("ike", "con1"))
        elif kind == "terminate":
            what = ["--child", args["child"]] if "child" in args else ["--ike", args.get("ike", "con1")]
            self.swanctl(args.get("end", "initiator"), "--terminate", *what,
                         "--timeout", "10", timeout=15)
        elif kind == "block_ike":
            self.block_ike(args.get("ports", True) if isinstance(args, dict) else True)
        elif kind in ("addr_del", "addr_add"):
            # this end's uplink address goes away (a WAN address lost: PPPoE or DHCP
            # renumbering, a CARP VIP moving), or comes back; with it its default route
            role = args.get("end", "initiator")
            a = self.inst.addrs
            mine = a["A"] if role == "initiator" else a["B"]
            gw = a["R_A"] if role == "initiator" else a["R_B"]
            extra = ["nodad"] if self.inst.family == 6 and kind == "addr_add" else []
            self.ip(self.ns[role], "addr", "del" if kind == "addr_del" else "add",
                    "%s/%s" % (mine, a["PLEN"]), "dev", "eth0", *extra)
            if kind == "addr_add":
                self.ip(self.ns[role], "-6" if self.inst.family == 6 else "-4", "route", "add",
                        "default", "via", gw)
        elif kind == "kill":
            role = args.get("end", "responder")
            p = self.procs.get(role)
            if p and p.poll() is None:
                self.cut[role] = len(self.logtext(role).encode())
                if BACKEND == "stroke" and self.pids.get(role, p.pid) != p.pid:
                    try:  # charon itself, not only the starter that runs it
                        os.kill(self.pids[role], signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                p.kill()
                p.wait(5)
        else:
            raise LabError("unknown action %r" % (kind,))

    # -- teardown
    def stop_daemons(self):
        for role in ROLES:
            if role not in self.cut and role in self.procs:
                self.cut[role] = len(self.logtext(role).encode())
        for role, p in self.procs.items():
            if p.poll() is None:
                try:
                    p.terminate()
                except ProcessLookupError:
                    pass
        for role, p in self.procs.items():
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)

    def start_radius(self):
        """The scenario's RADIUS server (radius_stub.py) in fw-b's namespace, on
        127.0.0.1:1812; teardown ends it with everything else in the namespace."""
        spec = self.sc.get("radius")
        if not spec:
            return
        out = open(os.path.join(self.work, "radius.stdout"), "w")
        subprocess.Popen(["ip", "netns", "exec", self.ns["responder"], sys.executable,
                          os.path.join(HERE, "radius_stub.py"), "--listen", "127.0.0.1",
                          "--port", "1812", "--secret", spec["secret"], "--mode", spec["mode"]],
                         stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        deadline = time.time() + 5
        while time.time() < deadline:
            with open(os.path.join(self.work, "radius.stdout")) as f:
                if "listening" in f.read():
                    return
            time.sleep(0.05)
        raise LabError("radius_stub did not start")

    def bind_work_into_root(self):
        """The work dir at the same path inside each root, for charon and swanctl there."""
        for root in roots():
            if root:
                self.root_work.append(root + self.work)
                os.makedirs(root + self.work, exist_ok=True)
                run(["mount", "--bind", self.work, root + self.work])

    def teardown(self):
        try:
            self.stop_daemons()
        except Exception as e:  # pragma: no cover
            say("lab: warning: stopping daemons: %s" % e)
        for where in self.root_work:
            run(["umount", "-l", where], check=False, abortable=False)
            try:
                os.rmdir(where)
            except OSError:
                pass
        self.root_work = []
        for ns in self.created_ns:
            # anything still running in a namespace we made was started by us
            p = run(["ip", "netns", "pids", ns], check=False, abortable=False)
            for pid in p.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run(["ip", "netns", "del", ns], check=False, abortable=False)
        self.created_ns = []
        if self.work and not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        elif self.work:
            open(os.path.join(self.work, ".keep"), "w").close()
            say("lab: kept %s (raw logs, configs, keys)" % self.work)

    # -- the whole thing
    def execute(self):
        self.t0 = time.time()
        self.bg = []
        self.work = tempfile.mkdtemp(prefix="idglab-%d-%s-" % (os.getpid(), self.inst.id))
        try:
            self.bind_work_into_root()
            self.write_configs()
            self.make_certs()
            self.setup_net()
            self.start_radius()
            roles = [r for r in ("responder", "initiator")
                     if not (r == "responder" and self.sc.get("responder_down"))]
            for role in roles:
                self.start_daemon(role)
            for role in roles:
                self.load(role)
            for action in self.sc.get("actions", S.DEFAULT_ACTIONS):
                self.do(action)
            for t in self.bg:
                t.join(30)
            self.status_text = {}
            for role in roles:
                if STATUS and BACKEND == "stroke":
                    self.status_text[role] = self.stroke(role, "statusall")[1]
                elif STATUS:
                    self.status_text[role] = (self.swanctl(role, "--list-conns")[1] +
                                              self.swanctl(role, "--list-sas")[1])
                else:
                    self.swanctl(role, "--list-sas")
            if self.sc.get("drop_fragments"):
                self.frags_dropped = self.router_counter("labfrag", r"counter packets (\d+)")
            if self.sc.get("drop_small_ike_once"):
                self.small_ike_dropped = self.router_counter(
                    "lab", r"quota [^\n]*counter packets (\d+)")
            self.stop_daemons()
            self.duration = time.time() - self.t0
            return self.collect()
        finally:
            self.teardown()

    def collect(self):
        """Write the fixture directory."""
        inst, sc = self.inst, self.sc
        dest = os.path.join(self.out_dir, inst.id)
        if os.path.isdir(dest):
            shutil.rmtree(dest)
        os.makedirs(dest)
        texts = {}
        for role in ROLES:
            raw = b""
            path = self.d(role, "charon.log")
            if os.path.exists(path) and role in self.procs:
                with open(path, "rb") as f:
                    raw = f.read()[:self.cut.get(role, 0)]
                if b"\n" in raw:
                    raw = raw[:raw.rindex(b"\n") + 1]
                else:
                    raw = b""
            lines = []
            for ln in raw.decode("utf-8", "replace").splitlines():
                if len(ln) > 16 and ln[15] == " ":
                    lines.append("%s %s charon[%d]: %s" % (ln[:15], HOST[role],
                                                          self.pids[role], ln[16:]))
                else:  # never expected: charon prefixes every line
                    lines.append(ln)
            texts[role] = lines
            if role in getattr(self, "status_text", {}):
                with open(os.path.join(dest, role + ".status.txt"), "w") as f:
                    f.write(self.status_text[role].replace(self.work, "/tmp/lab"))
            with open(os.path.join(dest, role + ".log"), "w") as f:
                f.write("".join(x + "\n" for x in lines))
            ss, sw = self.conf[role]
            with open(os.path.join(dest, role + ".strongswan.conf"), "w") as f:
                f.write(ss.replace(self.work, "/tmp/lab"))
            if BACKEND == "stroke":  # what the end loaded instead of swanctl.conf
                shutil.copy(self.d(role, "ipsec.conf"), os.path.join(dest, role + ".ipsec.conf"))
            else:
                with open(os.path.join(dest, role + ".swanctl.conf"), "w") as f:
                    f.write(sw)
            certs = [os.path.join(sub, n)
                     for sub in ("x509", "x509ca", "x509crl")
                     for n in sorted(os.listdir(self.d(role, "swanctl", sub)))]
            if certs:
                for c in certs:
                    os.makedirs(os.path.join(dest, role + ".certs", os.path.dirname(c)),
                                exist_ok=True)
                    shutil.copy(self.d(role, "swanctl", c),
                                os.path.join(dest, role + ".certs", c))
        observed, matched = self.observe(texts)
        expected = self.expected_json()
        with open(os.path.join(dest, "expected.json"), "w") as f:
            json.dump(expected, f, indent=1)
            f.write("\n")
        meta = self.meta(observed, matched)
        with open(os.path.join(dest, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")
        return {"id": inst.id, "matched": matched, "duration": self.duration,
                "missing": observed["missing"], "dir": dest}

    def observe(self, texts):
        res = {"missing": []}
        matched = True
        for role in ROLES:
            msgs = [ln.split(": ", 1)[1] if ": " in ln else ln for ln in texts[role]]
            body = "\n".join(msgs)
            pats = self.sc.get("log_expect", {}).get(role, [])
            found = {}
            for p in pats:
                neg = p.startswith("!")
                rx = re.compile(p[1:] if neg else p)
                hit = bool(rx.search(body))
                found[p] = hit
                if hit == neg:
                    matched = False
                    res["missing"].append("%s: %s" % (role, p))
            start = 0
            for i, m in enumerate(msgs):
                if "added vici connection" in m:
                    start = i + 1
            key = KEY_LINE if log_settings(self.sc)["ike_name"] == "yes" else KEY_LINE_NONAME
            head = [m for m in msgs[start:] if key.search(m) and HEADLINE.search(m)]
            res[role] = {
                "ike_sa_established": bool(re.search(r"IKE_SA \S+\[\d+\] established", body)),
                "child_sa_established": bool(re.search(r"CHILD_SA \S+\{\d+\} established",
                                                       body)),
                "expected_patterns": found,
                "headline": head[:24],
                "lines": len(msgs),
            }
        return res, matched

    def expected_json(self):
        out = {}
        for role in ("responder", "initiator"):
            e = self.sc["expect"][role]
            if e == "established":
                e = {"outcome": "established",
                     "note": "no error diagnosis; phase1_established and phase2_established "
                             "(a warning may be added)"}
            elif e == "not_determinable":
                e = {"outcome": "not_determinable",
                     "note": "this end alone cannot tell; any honest answer, no invented "
                             "certainty"}
            elif isinstance(e, str) and e.startswith("established:"):
                e = {"outcome": "established", "note": e.split(":", 1)[1].strip()}
            out[role] = e
        if self.sc.get("needs_times"):
            out["needs_times"] = True
        if self.sc.get("needs_ike_name"):
            out["needs_ike_name"] = self.sc["needs_ike_name"]
        if self.sc.get("expect_tunnels"):
            out["tunnels"] = self.sc["expect_tunnels"]
        return out

    def meta(self, observed, matched):
        inst, sc = self.inst, self.sc
        mis = sc.get("misconfigured", {})
        summary = "IKE_SA established: initiator %s, responder %s; CHILD_SA established: " \
                  "initiator %s, responder %s; all expected log patterns found: %s" % (
                      *("yes" if observed[r]["ike_sa_established"] else "no" for r in ROLES),
                      *("yes" if observed[r]["child_sa_established"] else "no" for r in ROLES),
                      "yes" if matched else "no")
        return {
            "scenario": inst.entry["name"],
            "id": inst.id,
            "ike_version": inst.version,
            "description": sc["description"],
            "expected": {
                "phase": sc.get("phase"),
                "class": sc.get("class"),
                "failure_expected_in_logs": sc.get("class") is not None,
                "misconfigured_setting": mis.get("setting"),
                "initiator_value": mis.get("initiator"),
                "responder_value": mis.get("responder"),
            },
            "outcome_observed": {
                "summary": summary,
                "matched_expectation": matched,
                "missing_patterns": observed["missing"],
                "initiator": observed["initiator"],
                "responder": observed["responder"],
                "swanctl": self.swanctl_out,
            },
            "notes": sc.get("notes", ""),
            "lab": {
                "generator": "tests/lab/lab.py",
                "strongswan": strongswan_version() if len(roots()) == 1 else {
                    r: strongswan_version(root_of(r)) for r in ROLES},
                "kernel": os.uname().release,
                "config_backend": "ipsec.conf (starter, stroke)" if BACKEND == "stroke"
                                  else "swanctl.conf (vici)",
                "kernel_plugin": "libipsec" if inst.kernel == "libipsec" else "netlink",
                "initiator": {"host": "fw-a", "ip": inst.addrs["A"], "pid": self.pids.get(
                    "initiator")},
                "responder": {"host": "fw-b", "ip": inst.addrs["B"],
                              "pid": self.pids.get("responder"),
                              "running": not sc.get("responder_down", False)},
                "router": {"ips": [inst.addrs["R_A"], inst.addrs["R_B"]]},
                "ip_family": inst.family,
                "nat": inst.net == "nat",
                "nat_public_ip": inst.addrs["A_PUB"] if inst.net == "nat" else None,
                "udp_ike_dropped": self.blocked,
                "ip_fragments_dropped": self.frags_dropped if sc.get("drop_fragments") else None,
                "ike_datagrams_dropped": (self.small_ike_dropped
                                          if sc.get("drop_small_ike_once") else None),
                "actions": [list(a) if len(a) > 1 else [a[0]]
                            for a in sc.get("actions", S.DEFAULT_ACTIONS)],
                "duration_s": round(self.duration, 1),
                "log_format": "charon filelog (time_format \"%b %e %H:%M:%S\", " +
                              log_settings_text(sc) + ") post-processed by lab.py: hostname and "
                              "\"charon[PID]:\" inserted after the timestamp (BSD syslog "
                              "envelope); message text untouched. The logs stop where the lab "
                              "stopped the daemons (shutdown lines are not included).",
                "retransmit": "retransmit_timeout=%s base=%s tries=%s (shortened from defaults)"
                              % (S.RETRANSMIT["timeout"], S.RETRANSMIT["base"],
                                 S.RETRANSMIT["tries"]),
            },
        }


# ---------------------------------------------------------------------------
# scenario registry

def built_ike_versions():
    """The IKE versions the charon to be run speaks: a build can leave IKEv1
    out (configure --disable-ikev1, as Debian's strongSwan 6.1 packages do),
    and then libcharon holds none of IKEv1's log messages."""
    # (a libcharon that cannot be read is taken to have IKEv1)
    return (1, 2) if every_root_has("usr/lib/ipsec/libcharon.so.0", b"initiating Main Mode",
                                    missing=True) else (2,)


def every_root_has(path, needle, missing):
    """Whether the file at path holds the bytes needle in every root of the
    run (see roots); a file that cannot be read counts as `missing`."""
    for root in roots():
        try:
            with open(os.path.join(root or "/", path), "rb") as f:
                if needle not in f.read():
                    return False
        except OSError:
            if not missing:
                return False
    return True


def charon_release():
    """The oldest strongSwan release of the charons to be run (see roots), as
    a tuple ((6, 0, 1)), or None if one is unknown."""
    rels = [release_of(r) for r in roots()]
    return None if None in rels else min(rels)


def release_of(root):
    """The strongSwan release in root ("" the host) as a tuple, or None: the
    package version (strongswan_version), else the version string that
    charon's binaries carry ("Starting IKE charon daemon (strongSwan 6.0.1")."""
    m = re.match(r"(?:\d+:)?(\d+)\.(\d+)(?:\.(\d+))?", strongswan_version(root))
    if not m:
        for lib in ("usr/lib/ipsec/libcharon.so.0", "usr/lib/ipsec/charon"):
            try:
                with open(os.path.join(root or "/", lib), "rb") as f:
                    m = re.search(rb"\x00(\d+)\.(\d+)\.(\d+)\x00", f.read())
            except OSError:
                m = None
            if m:
                break
    if not m:
        return None
    return tuple(int(x) for x in m.groups() if x is not None)


def charon_features():
    """What the charon to be run can do beyond its release, as far as the lab's
    scenarios ask (key "needs"): "ml_kem" when a plugin the lab loads (PLUGINS:
    only openssl of the ML-KEM providers) implements ML-KEM. strongSwan 6.0.0
    knows the ke1_mlkem768 keywords, but only its `ml` plugin (not packaged by
    Debian) implemented them; openssl does since 6.0.2 (with OpenSSL 3.5)."""
    feats = set()
    # what every end can do
    if every_root_has("usr/lib/ipsec/plugins/libstrongswan-openssl.so", b"openssl_kem_create",
                      missing=False):
        feats.add("ml_kem")
    return feats


def instances():
    out = []
    for entry in S.SCENARIOS:
        for v in entry.get("versions", (1, 2)):
            out.append(Instance(entry, v))
    return out


def runnable(insts):
    """insts without those of an IKE version the charon to be run lacks, those
    whose "min_strongswan" is above its release, and those whose "needs" it
    does not meet (a feature of charon_features(), "!feature": must lack it)."""
    built = built_ike_versions()
    left = [i for i in insts if i.version in built]
    where = " / ".join(r or "this host" for r in roots())
    if len(left) < len(insts):
        say("lab: %s's charon has no IKEv%s: its %d scenarios are left out" % (
            where, "/".join(str(v) for v in (1, 2) if v not in built),
            len(insts) - len(left)))
    if any(i.entry.get("min_strongswan") for i in left):
        rel = charon_release()
        old = [i for i in left if i.entry.get("min_strongswan")
               and (rel is None or rel < tuple(i.entry["min_strongswan"]))]
        if old:
            say("lab: %s's charon is strongSwan %s: %d scenarios that need a later release are "
                "left out (%s)" % (where, ".".join(map(str, rel)) if rel else "of unknown release",
                                   len(old), ", ".join(i.id for i in old)))
            left = [i for i in left if i not in old]
    if any(i.entry.get("needs") for i in left):
        feats = charon_features()

        def met(need):
            return (need[1:] not in feats) if need.startswith("!") else (need in feats)
        unmet = [i for i in left if not all(met(n) for n in i.entry.get("needs", ()))]
        if unmet:
            say("lab: %s's charon (%s) does not fit %d scenarios, left out: %s" % (
                where, ", ".join(sorted(feats)) or "no optional features",
                len(unmet), ", ".join("%s (needs %s)" % (i.id, " ".join(i.entry["needs"]))
                                      for i in unmet)))
            left = [i for i in left if i not in unmet]
    if BACKEND == "stroke":
        why = {i.id: strokable(i) for i in left}
        out = [i for i in left if why[i.id]]
        if out:
            say("lab: --backend stroke: %d scenarios ipsec.conf as lab.py writes it cannot "
                "configure are left out: %s" % (len(out), ", ".join(
                    "%s (%s)" % (i.id, why[i.id]) for i in out)))
            left = [i for i in left if not why[i.id]]
    if LOG_LEVEL_ALL is not None:
        own = [i for i in left if "log" in i.sc]
        if own:
            say("lab: --log-level %d: %d scenarios about log levels of their own are left out"
                % (LOG_LEVEL_ALL, len(own)))
            left = [i for i in left if "log" not in i.sc]
    return left


def select(names):
    allinst = instances()
    chosen = []
    for n in names:
        hit = [i for i in allinst if i.id == n or i.entry["name"] == n]
        if not hit:
            raise SystemExit("lab: unknown scenario %r (see `lab.py list`)" % n)
        chosen += [i for i in hit if i not in chosen]
    return chosen


_seq = [0]
_seq_lock = threading.Lock()


def run_instance(inst, out_dir, keep=False, retries=1):
    for attempt in range(retries + 1):
        with _seq_lock:
            _seq[0] += 1
            seq = _seq[0]
        r = Run(inst, out_dir, keep=keep, seq=seq)
        try:
            res = r.execute()
        except Interrupted:
            raise
        except Exception as e:
            res = {"id": inst.id, "matched": False, "error": "%s: %s" % (type(e).__name__, e),
                   "duration": time.time() - (r.t0 or time.time()), "missing": [],
                   "trace": traceback.format_exc()}
        if res.get("matched"):
            break
        if attempt < retries:
            say("lab: %-50s did not show the expected lines (%s), retrying" %
                (inst.id, res.get("error") or "; ".join(res["missing"])))
    return res


def report_line(res):
    if res.get("error"):
        status = "ERROR %s" % res["error"]
    elif res["matched"]:
        status = "ok"
    else:
        status = "UNEXPECTED (missing: %s)" % "; ".join(res["missing"])
    return "lab: %-50s %5.1fs  %s" % (res["id"], res["duration"], status)


def run_many(insts, out_dir, jobs=1, keep=False):
    os.makedirs(out_dir, exist_ok=True)
    results = []
    t0 = time.time()
    if jobs <= 1:
        for inst in insts:
            res = run_instance(inst, out_dir, keep)
            say(report_line(res))
            results.append(res)
    else:
        ex = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        try:
            futs = {ex.submit(run_instance, i, out_dir, keep): i for i in insts}
            for f in concurrent.futures.as_completed(futs):
                res = f.result()
                say(report_line(res))
                results.append(res)
        except BaseException:
            STOP.set()
            ex.shutdown(wait=True, cancel_futures=True)
            raise
        ex.shutdown(wait=True)
    bad = [r for r in results if not r["matched"]]
    say("lab: %d scenarios in %.0fs, %d as expected, %d not" %
        (len(results), time.time() - t0, len(results) - len(bad), len(bad)))
    return results


def prune(out_dir):
    """Remove fixtures this lab generated earlier for scenarios that no longer exist."""
    ids = {i.id for i in instances()}
    for name in sorted(os.listdir(out_dir)):
        meta = os.path.join(out_dir, name, "meta.json")
        if name in ids or not os.path.exists(meta):
            continue
        try:
            with open(meta) as f:
                gen = json.load(f).get("lab", {}).get("generator")
        except (OSError, ValueError):
            continue
        if gen == "tests/lab/lab.py":
            say("lab: removing stale fixture %s" % name)
            shutil.rmtree(os.path.join(out_dir, name))


def install_signal_handlers():
    def handler(signum, frame):
        STOP.set()
        raise Interrupted("signal %d" % signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGHUP, handler)


def cleanup_stale():
    """Remove namespaces left by a lab run that was killed (its pid is gone)."""
    p = run(["ip", "netns", "list"], check=False, abortable=False)
    n = 0
    for line in p.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.match(r"^%s(\d+)x\d+-[abr]$" % NS_PREFIX, name)
        if not m:
            continue
        if os.path.exists("/proc/%s" % m.group(1)) and int(m.group(1)) != os.getpid():
            continue
        for pid in run(["ip", "netns", "pids", name], check=False,
                       abortable=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        run(["ip", "netns", "del", name], check=False, abortable=False)
        n += 1
    tmp = tempfile.gettempdir()
    for name in os.listdir(tmp):
        m = re.match(r"^idglab-(\d+)-ikev\d-", name)
        if m and not os.path.exists("/proc/%s" % m.group(1)) and \
                not os.path.exists(os.path.join(tmp, name, ".keep")):
            for root in roots():
                if root and os.path.isdir(root + os.path.join(tmp, name)):
                    run(["umount", "-l", root + os.path.join(tmp, name)], check=False,
                        abortable=False)
                    try:
                        os.rmdir(root + os.path.join(tmp, name))
                    except OSError:
                        pass
            shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)
    return n


def make_root(root, suite):
    """A Debian `suite` root file system with strongSwan in `root`, from the
    machine's own mirror (scripts/debian-mirror.sh), for --root."""
    if os.geteuid() != 0:
        raise Skip("not root (debootstrap needs root)")
    mirror = run([os.path.join(REPO, "scripts", "debian-mirror.sh")], check=False).stdout.strip()
    if not mirror:
        raise Skip("no Debian mirror in the apt sources")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not shutil.which("debootstrap"):
        p = run(["apt-get", "install", "-y", "-q", "debootstrap"], check=False, timeout=600,
                env=env)
        if p.returncode != 0:
            raise Skip("cannot install debootstrap: %s" % p.stdout.strip()[-300:])
    pkgs = [x for x in APT_PACKAGES if x not in ("iproute2", "nftables")]
    say("lab: debootstrap %s from %s into %s" % (suite, mirror, root))
    cmd = ["debootstrap", "--variant=minbase", "--include=" + ",".join(pkgs), suite, root, mirror]
    scripts = "/usr/share/debootstrap/scripts"
    if not os.path.exists(os.path.join(scripts, suite)) and os.path.exists(os.path.join(scripts, "sid")):
        cmd.append(os.path.join(scripts, "sid"))  # a suite newer than this debootstrap (forky)
    p = run(cmd, check=False, timeout=1800, env=env)
    if p.returncode != 0:
        raise LabError("debootstrap failed: %s" % p.stdout.strip()[-1000:])
    out = run(["chroot", root, CHARON, "--version"], check=False).stdout.strip()
    say("lab: %s holds %s" % (root, out or "no working charon"))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="list the scenarios")
    p = sub.add_parser("run", help="run one scenario (by id or base name)")
    p.add_argument("scenario", nargs="+")
    p.add_argument("--out", default=os.path.join(HERE, "out"))
    p.add_argument("--keep", action="store_true", help="keep the temp dir (configs, raw logs)")
    p.add_argument("--status", action="store_true", help="keep each end's status output "
                   "(swanctl --list-conns/--list-sas, or ipsec statusall) as ROLE.status.txt")
    p.add_argument("--jobs", type=int, default=1)
    p = sub.add_parser("run-all", help="run every scenario")
    p.add_argument("--out", required=True)
    p.add_argument("--jobs", type=int, default=3)
    p = sub.add_parser("check", help="regenerate all scenarios into DIR and run the corpus checker")
    p.add_argument("--bin", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--jobs", type=int, default=3)
    p.add_argument("--runner", help="corpus checker (default tests/corpus/run_corpus.py)")
    sub.add_parser("cleanup", help="remove namespaces left by a killed lab run")
    p = sub.add_parser("make-root", help="debootstrap a Debian release with its strongSwan "
                       "into DIR, for --root")
    p.add_argument("dir")
    p.add_argument("--suite", default="trixie")
    for name in ("run", "run-all", "check", "cleanup"):
        sub.choices[name].add_argument(
            "--root", default="", help="run charon and swanctl of the Debian root file "
            "system DIR (see make-root) instead of the host's")
        for role in ROLES:
            sub.choices[name].add_argument(
                "--%s-root" % role, default=None, metavar="DIR",
                help="the %s alone runs the release in DIR (\"\": the host's), over --root" % role)
    for name in ("run", "run-all", "check"):
        sub.choices[name].add_argument(
            "--backend", choices=("swanctl", "stroke"), default="swanctl",
            help="how the ends load their configuration: swanctl.conf over vici (default) or "
            "ipsec.conf and ipsec.secrets through the ipsec starter and stroke (`ipsec up`)")
        sub.choices[name].add_argument(
            "--log-level", type=int, choices=range(-1, 5), default=None, metavar="N",
            help="every charon subsystem logs at level N (-1..4; 4: pfSense's 'Highest', with "
            "hex dumps) in the scenarios that keep the default levels; the others are left out")
    args = ap.parse_args(argv)
    global ROOT, LOG_LEVEL_ALL, BACKEND, STATUS
    STATUS = getattr(args, "status", False)
    LOG_LEVEL_ALL = getattr(args, "log_level", None)
    BACKEND = getattr(args, "backend", "swanctl")
    ROOT = os.path.abspath(args.root) if getattr(args, "root", "") else ""
    for role in ROLES:
        r = getattr(args, "%s_root" % role, None)
        if r is not None:
            ROLE_ROOT[role] = os.path.abspath(r) if r else ""
    if args.cmd == "make-root":
        try:
            return make_root(os.path.abspath(args.dir), args.suite)
        except (Skip, LabError) as e:
            print("lab: make-root: %s" % e, file=sys.stderr)
            return 1

    if args.cmd == "list":
        for inst in instances():
            sc = inst.sc
            print("%-48s %s" % (inst.id, sc["description"]))
        return 0

    try:
        preflight()
    except Skip as e:
        print("lab: skipped: %s" % e, file=sys.stderr)
        return EXIT_SKIP
    install_signal_handlers()
    try:
        cleanup_stale()
        if args.cmd == "cleanup":
            return 0
        if args.cmd == "run":
            # named scenarios run as asked, also those a release cannot do
            results = run_many(select(args.scenario), args.out, args.jobs, args.keep)
            return 0 if all(r["matched"] for r in results) else 1
        if args.cmd == "run-all":
            results = run_many(runnable(instances()), args.out, args.jobs)
            prune(args.out)
            return 0 if all(r["matched"] for r in results) else 1
        if args.cmd == "check":
            runner = args.runner or os.path.join(REPO, "tests", "corpus", "run_corpus.py")
            if not os.path.exists(runner):
                print("lab: skipped: corpus checker %s not found" % runner, file=sys.stderr)
                return EXIT_SKIP
            if not os.access(args.bin, os.X_OK):
                print("lab: %s is not an executable" % args.bin, file=sys.stderr)
                return 2
            results = run_many(runnable(instances()), args.out, args.jobs)
            prune(args.out)
            # a fixture whose logs do not show what the scenario is about would
            # test the lab, not the product: keep it aside, count it as failed
            bad = sorted(r["id"] for r in results if not r["matched"])
            aside = args.out.rstrip("/") + "-unexpected"
            for rid in bad:
                src = os.path.join(args.out, rid)
                if os.path.isdir(src):
                    os.makedirs(aside, exist_ok=True)
                    shutil.rmtree(os.path.join(aside, rid), ignore_errors=True)
                    shutil.move(src, os.path.join(aside, rid))
            say("lab: checking %d fixtures with %s" % (len(results) - len(bad), runner))
            p = subprocess.run([sys.executable, runner, "--bin", args.bin, "--corpus", args.out])
            say("lab: %d scenarios did not produce the expected log lines%s" % (
                len(bad), (" (kept in %s): %s" % (aside, " ".join(bad))) if bad else ""))
            return p.returncode if p.returncode else (1 if bad else 0)
    except Interrupted as e:
        print("lab: interrupted (%s), torn down" % e, file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cleanup_stale()
    return 0


if __name__ == "__main__":
    sys.exit(main())
