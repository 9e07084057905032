/*
 * recommend.c - recommendation texts: what to change, where, to what.
 *
 * pfSense texts name the menu path and the field as the GUI labels them
 * (VPN > IPsec > Tunnels > Edit Phase 1 / Edit Phase 2) and the value with
 * its GUI label ("2 (1024 bit)" for MODP_1024); strongSwan texts name the
 * swanctl.conf key (connections.<conn>.proposals, children.<child>.
 * esp_proposals, local_ts/remote_ts, remote.id, aggressive, version,
 * secrets) with a value in swanctl syntax.
 */
#include <stdio.h>
#include <string.h>

#include "negotiation.h"
#include "recommend.h"

#define P1_PATH "VPN > IPsec > Tunnels > Edit Phase 1"
#define P2_PATH "VPN > IPsec > Tunnels > Edit Phase 2"

static const idg_offending *find_off(const rec_input *in, const char *field)
{
    for (size_t i = 0; i < in->n_off; i++)
        if (in->off[i].field && strcmp(in->off[i].field, field) == 0)
            return &in->off[i];
    return NULL;
}

static const idg_offending *first_off(const rec_input *in)
{
    return in->n_off ? &in->off[0] : NULL;
}

static const char *conn_or(const rec_input *in)
{
    return in->conn ? in->conn : "<conn>";
}

static const char *child_or(const rec_input *in)
{
    return in->child ? in->child : (in->conn ? in->conn : "<child>");
}

const char *rec_gui_values(arena *a, const char *logged)
{
    if (!logged)
        return NULL;
    char out[512];
    size_t len = 0;
    out[0] = '\0';
    const char *p = logged;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        size_t n = (size_t)(e - p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0)
            break;
        char name[64];
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        const char *label = name;
        if (strcmp(name, "NONE") == 0 || strcmp(name, "KE_NONE") == 0 || strcmp(name, "MODP_NONE") == 0) {
            label = "off";
        } else {
            const alg_info *ai = alg_info_lookup(name);
            if (ai && ai->gui)
                label = ai->gui;
        }
        int w = snprintf(out + len, sizeof out - len, "%s%s", len ? ", " : "", label);
        if (w < 0 || (size_t)w >= sizeof out - len)
            break;
        len += (size_t)w;
        p = e;
    }
    return arena_str(a, out);
}

/* Replaces the algorithms of the offending types in `base` by `from`'s. */
static const char *swanctl_mix(arena *a, const proposal *base, const proposal *from,
                               const rec_input *in, int phase)
{
    if (!base)
        return NULL;
    proposal p = *base;
    if (from) {
        static const struct {
            const char *f1, *f2;
            transform_type t;
        } map[] = {
            {"phase1.encryption", "phase2.encryption", TT_ENCR},
            {"phase1.integrity", "phase2.integrity", TT_INTEG},
            {"phase1.prf", "phase2.prf", TT_PRF},
            {"phase1.dh_group", "phase2.pfs_group", TT_KE},
            {"phase1.esn", "phase2.esn", TT_ESN},
            {"phase1.additional_ke", "phase2.additional_ke", TT_ADDKE},
        };
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
            if (!find_off(in, phase == 1 ? map[i].f1 : map[i].f2))
                continue;
            transform_type t = map[i].t;
            p.count[t] = from->count[t];
            memcpy(p.alg[t], from->alg[t], sizeof p.alg[t]);
            /* pfSense derives INTEG and PRF from one hash setting */
            if (t == TT_INTEG && phase == 1 && !find_off(in, "phase1.prf")) {
                p.count[TT_PRF] = from->count[TT_PRF];
                memcpy(p.alg[TT_PRF], from->alg[TT_PRF], sizeof p.alg[TT_PRF]);
            }
            if (t == TT_ENCR) {
                /* AEAD and non-AEAD carry different INTEG sets */
                p.count[TT_INTEG] = from->count[TT_INTEG];
                memcpy(p.alg[TT_INTEG], from->alg[TT_INTEG], sizeof p.alg[TT_INTEG]);
            }
        }
    }
    /* this end's first proposal with the peer's values for what differs
     * is the smallest change, but only if the peer offers that
     * combination: otherwise the peer's first proposal itself */
    if (from && !proposal_pair_matches(&p, from))
        p = *from;
    char buf[512];
    proposal_to_swanctl(&p, buf, sizeof buf);
    return arena_str(a, buf);
}

static const char *swanctl_of(arena *a, const proposal *p)
{
    if (!p)
        return NULL;
    char buf[512];
    proposal_to_swanctl(p, buf, sizeof buf);
    return arena_str(a, buf);
}

static const char *id_type_label(const char *id)
{
    if (!id)
        return "IP address";
    int dots = 0, colons = 0, other = 0;
    for (const char *p = id; *p; p++) {
        if (*p == '.')
            dots++;
        else if (*p == ':')
            colons++;
        else if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            other = 1;
    }
    if (!other && ((dots == 3 && !colons) || colons >= 2))
        return "IP address";
    if (strchr(id, '='))
        return "ASN.1 distinguished Name";
    if (strchr(id, '@'))
        return "User fully qualified domain name";
    return "Fully qualified domain name";
}

/* ---- proposals ---- */

/* An AEAD cipher (AES-GCM, AES-CCM, ChaCha20-Poly1305, Camellia-CCM) carries its own
 * integrity: a proposal with one logs no INTEGRITY transform at all. `v` may be a list. */
static int has_aead(const char *v)
{
    return v && (strstr(v, "_GCM_") || strstr(v, "_CCM_") || strstr(v, "POLY1305"));
}

static int is_none(const char *v)
{
    return v && strcmp(v, "NONE") == 0;
}

static void rec_proposal(arena *a, const rec_input *in, idg_diagnosis *d, int phase)
{
    const idg_offending *o = first_off(in);
    const char *what, *gui_field, *path = phase == 1 ? P1_PATH : P2_PATH;
    switch (in->cls) {
    case IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH:
        what = "encryption algorithm";
        gui_field = "Encryption Algorithm > Algorithm / Key length";
        break;
    case IDG_CLASS_PHASE1_HASH_MISMATCH:
        what = "hash algorithm";
        gui_field = "Encryption Algorithm > Hash";
        break;
    case IDG_CLASS_PHASE1_PRF_MISMATCH:
        what = "PRF";
        gui_field = "Encryption Algorithm > PRF (enable PRF Selection)";
        break;
    case IDG_CLASS_PHASE1_DH_GROUP_MISMATCH:
        what = "DH group";
        gui_field = "Encryption Algorithm > DH Group";
        break;
    case IDG_CLASS_PHASE2_ENCRYPTION_MISMATCH:
        what = "encryption algorithm";
        gui_field = "Encryption Algorithms";
        break;
    case IDG_CLASS_PHASE2_HASH_MISMATCH:
        what = "hash algorithm";
        gui_field = "Hash Algorithms";
        break;
    case IDG_CLASS_PHASE2_PFS_MISMATCH:
        what = "PFS key group";
        gui_field = "PFS key group";
        break;
    default:
        what = phase == 1 ? "phase 1 proposals" : "phase 2 proposals";
        gui_field = phase == 1 ? "Encryption Algorithm (Algorithm, Key length, Hash, DH Group)"
                               : "Encryption Algorithms, Hash Algorithms and PFS key group";
        break;
    }
    const char *key = phase == 1 ? arena_printf(a, "connections.%s.proposals", conn_or(in))
                                 : arena_printf(a, "connections.%s.children.%s.esp_proposals",
                                                conn_or(in), child_or(in));
    const char *ours = swanctl_of(a, in->local_prop);
    const idg_offending *pe = find_off(in, "phase1.encryption");
    if (phase == 1 && o && o->local && is_none(o->peer) && strcmp(o->field, "phase1.integrity") == 0 &&
        !has_aead(pe ? pe->peer : NULL) &&
        !(in->peer_prop && in->peer_prop->count[TT_ENCR] > 0 && has_aead(in->peer_prop->alg[TT_ENCR][0]))) {
        /* an IKE proposal with a CBC cipher and no hash: the peer's hash is
         * one charon did not recognise, not "off" (phase 1 has no such
         * setting) */
        const char *lg = rec_gui_values(a, o->local);
        d->summary = arena_printf(a, "Use the same hash algorithm on both ends: this end allows %s; the "
                                  "peer's proposal carries no hash this end recognises.", o->local);
        d->change_side = "peer";
        d->pfsense = arena_printf(a, "%s > %s: set the peer to %s (this end's), or choose a hash both "
                                  "ends support on both.", path, gui_field, lg ? lg : o->local);
        d->strongswan = arena_printf(a, "change the peer to %s, or set %s to a proposal with a hash both "
                                     "ends support.", ours ? ours : "this end's proposal", key);
        return;
    }
    if (o && o->local && o->peer) {
        const char *lg = rec_gui_values(a, o->local), *pg = rec_gui_values(a, o->peer);
        d->summary = arena_printf(a, "Use the same %s on both ends: this end allows %s, the peer offers %s.",
                                  what, strcmp(o->local, "NONE") == 0 ? "none (off)" : o->local,
                                  strcmp(o->peer, "NONE") == 0 ? "none (off)" : o->peer);
        d->change_side = "either";
        const char *extra = "";
        if (in->n_off > 1) {
            char buf[512];
            size_t len = 0;
            buf[0] = '\0';
            for (size_t i = 1; i < in->n_off; i++) {
                const idg_offending *x = &in->off[i];
                /* pfSense derives the PRF from the Hash setting */
                if (in->cls == IDG_CLASS_PHASE1_HASH_MISMATCH && strcmp(x->field, "phase1.prf") == 0)
                    continue;
                int w;
                /* the missing integrity of an AEAD proposal is part of the cipher, not a
                 * second setting to change */
                const char *dot = strchr(x->field, '.');
                if (dot && strcmp(dot, ".integrity") == 0 &&
                    ((is_none(x->peer) && has_aead(o->peer)) || (is_none(x->local) && has_aead(o->local)))) {
                    int peer_aead = is_none(x->peer) && has_aead(o->peer);
                    const char *other_integ = peer_aead ? x->local : x->peer;
                    const char *ig = other_integ ? rec_gui_values(a, other_integ) : NULL;
                    w = snprintf(buf + len, sizeof buf - len,
                                 " (%s has integrity built in, no hash is used with it; %s needs the "
                                 "hash %s)", peer_aead ? o->peer : o->local, peer_aead ? o->local : o->peer,
                                 ig ? ig : (other_integ ? other_integ : "?"));
                    if (w < 0 || (size_t)w >= sizeof buf - len)
                        break;
                    len += (size_t)w;
                    continue;
                }
                w = snprintf(buf + len, sizeof buf - len, "; also %s: this end %s, peer %s",
                                 strchr(x->field, '.') ? strchr(x->field, '.') + 1 : x->field,
                                 x->local ? x->local : "?", x->peer ? x->peer : "?");
                if (w < 0 || (size_t)w >= sizeof buf - len)
                    break;
                len += (size_t)w;
            }
            extra = arena_str(a, buf);
        }
        d->pfsense = arena_printf(a, "%s > %s: set %s on this end to accept the peer's proposal, or set "
                                  "the peer to %s%s.", path, gui_field, pg ? pg : o->peer,
                                  lg ? lg : o->local, extra);
        const char *mix = swanctl_mix(a, in->local_prop, in->peer_prop, in, phase);
        d->strongswan = mix
            ? arena_printf(a, "%s = %s (accepts the peer's proposal), or change the peer to %s.",
                           key, mix, ours ? ours : "this end's proposal")
            : arena_printf(a, "%s: include %s, or change the peer to %s.", key, o->peer, o->local);
        return;
    }
    if (o && o->local) {
        const char *lg = rec_gui_values(a, o->local);
        d->summary = arena_printf(a, "The peer rejected this end's %s: compare with the peer's settings "
                                  "(its log names the difference).", what);
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > %s: this end offers %s; make the peer's settings match, or "
                                  "change this end to what the peer uses.", path, gui_field, lg ? lg : o->local);
        d->strongswan = arena_printf(a, "%s%s%s must share one proposal with the peer's.", key,
                                     ours ? " (currently " : "", ours ? arena_printf(a, "%s)", ours) : "");
        return;
    }
    d->summary = arena_printf(a, "Make the %s of both ends match.", what);
    d->change_side = "either";
    d->pfsense = arena_printf(a, "%s > %s: use the same values on both ends.", path, gui_field);
    d->strongswan = arena_printf(a, "%s must share one proposal with the peer's.", key);
}

static void rec_network(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *lo = find_off(in, "phase2.local_network");
    const idg_offending *ro = find_off(in, "phase2.remote_network");
    const char *child = child_or(in);
    char pf[1024], sw[1024];
    size_t pl = 0, sl = 0;
    pf[0] = sw[0] = '\0';
    if (lo && lo->peer) {
        pl += (size_t)snprintf(pf + pl, sizeof pf - pl,
                               "Local Network: this end has %s, the peer expects %s for this side; set "
                               "Local Network to %s here or the peer's Remote Network to %s. ",
                               lo->local ? lo->local : "?", lo->peer, lo->peer, lo->local ? lo->local : "?");
        sl += (size_t)snprintf(sw + sl, sizeof sw - sl, "connections.%s.children.%s.local_ts = %s; ",
                               conn_or(in), child, lo->peer);
    }
    if (ro && ro->peer && pl < sizeof pf) {
        pl += (size_t)snprintf(pf + pl, sizeof pf - pl,
                               "Remote Network: this end has %s, the peer proposes %s as its local "
                               "network; set Remote Network to %s here or the peer's Local Network to %s. ",
                               ro->local ? ro->local : "?", ro->peer, ro->peer, ro->local ? ro->local : "?");
        if (sl < sizeof sw)
            sl += (size_t)snprintf(sw + sl, sizeof sw - sl, "connections.%s.children.%s.remote_ts = %s; ",
                                   conn_or(in), child, ro->peer);
    }
    if (pl == 0 && ((lo && lo->local) || (ro && ro->local))) {
        snprintf(pf, sizeof pf, "Local Network (this end: %s) and Remote Network (this end: %s) must "
                 "mirror the peer's Remote Network and Local Network. ",
                 lo && lo->local ? lo->local : "as configured", ro && ro->local ? ro->local : "as configured");
        snprintf(sw, sizeof sw, "connections.%s.children.%s.local_ts / remote_ts must mirror the peer's "
                 "remote_ts / local_ts; ", conn_or(in), child);
    } else if (pl == 0) {
        snprintf(pf, sizeof pf, "Local Network and Remote Network must mirror the peer's Remote Network "
                 "and Local Network. ");
        snprintf(sw, sizeof sw, "connections.%s.children.%s.local_ts / remote_ts must mirror the peer's "
                 "remote_ts / local_ts; ", conn_or(in), child);
    }
    d->summary = "Make the phase 2 networks mirror each other: this end's Local Network is the peer's "
                 "Remote Network and vice versa.";
    d->change_side = "either";
    for (size_t k = strlen(pf); k > 0 && (pf[k - 1] == ' ' || pf[k - 1] == ';'); k--)
        pf[k - 1] = '\0';
    for (size_t k = strlen(sw); k > 0 && (sw[k - 1] == ' ' || sw[k - 1] == ';'); k--)
        sw[k - 1] = '\0';
    d->pfsense = arena_printf(a, "%s: %s", P2_PATH, pf);
    d->strongswan = arena_printf(a, "%s", sw);
}

/* The virtual IP: the end that assigns addresses (a pfSense with mobile
 * clients, a swanctl connection with pools) or the end that must request
 * one, by in->vip_cause. */
static void recommend_virtual_ip(arena *a, const rec_input *in, idg_diagnosis *d)
{
    static const char pool_gui[] = "VPN > IPsec > Mobile Clients > Virtual Address Pool: check "
                                   "'Provide a virtual IP address to clients' and give it a network "
                                   "with an address for every client";
    switch (in->vip_cause) {
    case VIP_NOT_REQUESTED:
        d->summary = "This end hands out virtual IPs on this connection and the peer requested none: "
                     "make the peer request one, or, for a site-to-site peer, use a connection "
                     "without an address pool.";
        d->change_side = "either";
        d->pfsense = "A site-to-site peer must match a tunnel phase 1 (VPN > IPsec > Tunnels: Remote "
                     "Gateway set to its address), not the mobile client one; a remote-access client "
                     "must request an address (mode config / configuration payload).";
        d->strongswan = arena_printf(a, "connections.%s.pools: remove it for a site-to-site peer; or on "
                                     "the peer connections.<conn>.vips = 0.0.0.0 (ipsec.conf "
                                     "leftsourceip=%%config).", conn_or(in));
        break;
    case VIP_PEER_REQUIRES:
        d->summary = "The peer is set up for remote-access clients: request a virtual IP from it, or "
                     "have the peer configure a site-to-site connection for this end.";
        d->change_side = "either";
        d->pfsense = "pfSense as a site-to-site gateway requests no virtual IP: the peer must match it "
                     "with a connection that has no address pool (on a pfSense peer, a tunnel phase 1 "
                     "rather than the mobile client one).";
        d->strongswan = arena_printf(a, "connections.%s.vips = 0.0.0.0 (ipsec.conf "
                                     "leftsourceip=%%config), or on the peer no pools on its "
                                     "connection.", conn_or(in));
        break;
    case VIP_INSTALL:
        d->summary = "This end received a virtual IP and could not install it: let charon add the "
                     "address to an interface.";
        d->change_side = "local";
        d->pfsense = "Status > System Logs > System: the kernel's error for the address; a pfSense "
                     "client installs virtual IPs on its IPsec interface.";
        d->strongswan = "strongswan.conf: charon.install_virtual_ip = yes, charon.install_virtual_ip_on "
                        "= <an existing interface> (charon needs CAP_NET_ADMIN).";
        break;
    case VIP_PEER_NO_ADDRESS:
        d->summary = "The peer has no virtual IP for this end: its pool is full or missing, or this "
                     "end asks for an address the peer cannot give.";
        d->change_side = "peer";
        d->pfsense = arena_printf(a, "On the peer, %s.", pool_gui);
        d->strongswan = arena_printf(a, "On the peer: pools { <pool> { addrs = <range> } } with room, "
                                     "named in its connection's pools; here connections.%s.vips = "
                                     "0.0.0.0 to accept any address.", conn_or(in));
        break;
    case VIP_DHCP_NO_ANSWER:
        d->summary = "This end gets client addresses by DHCP and its DHCP server did not answer: check "
                     "the dhcp plugin's server and interface, or assign addresses from a pool.";
        d->change_side = "local";
        d->pfsense = arena_printf(a, "%s: then no DHCP server is asked.", pool_gui);
        d->strongswan = "strongswan.conf: charon.plugins.dhcp.server = <the DHCP server's address> "
                        "(or the broadcast address of its network), charon.plugins.dhcp.interface = "
                        "<the interface towards it>; or pools { <pool> { addrs = <range> } } in "
                        "swanctl.conf.";
        break;
    default: /* no address here, a full pool, or not logged which */
        d->summary = in->vip_cause == VIP_POOL_FULL
                         ? arena_printf(a, "The address pool '%s' is full: enlarge it, or free the "
                                        "leases of clients that are gone.", in->vip_pool)
                         : "This end has no virtual IP for the peer: give the connection an address "
                           "pool with room for every client.";
        d->change_side = "local";
        d->pfsense = arena_printf(a, "%s (a larger network if it is full); with RADIUS, check the "
                                  "Framed-IP-Address it returns.", pool_gui);
        d->strongswan = arena_printf(a, "pools { <pool> { addrs = <a large enough range> } } and "
                                     "connections.%s.pools = <pool>; swanctl --list-pools --leases "
                                     "shows the leases.", conn_or(in));
        break;
    }
}

void recommend(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *o;
    switch (in->cls) {
    case IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH:
    case IDG_CLASS_PHASE1_HASH_MISMATCH:
    case IDG_CLASS_PHASE1_PRF_MISMATCH:
    case IDG_CLASS_PHASE1_PROPOSAL_MISMATCH:
        rec_proposal(a, in, d, 1);
        break;
    case IDG_CLASS_PHASE1_DH_GROUP_MISMATCH:
        if (d->severity == IDG_SEVERITY_WARNING) {
            o = find_off(in, "phase1.dh_group");
            const char *want = o ? (in->n_off && o->peer ? o->peer : o->local) : NULL;
            if (o && o->local && o->peer) {
                /* from the initiator's view: local = offered first, peer = requested */
                want = d->role == IDG_ROLE_RESPONDER ? o->local : o->peer;
            }
            const char *g = rec_gui_values(a, want);
            /* the initiator's own first group, which the responder could
             * prefer instead (a client such as macOS's cannot be set) */
            const char *first = o && o->local && o->peer ? (d->role == IDG_ROLE_RESPONDER ? o->peer : o->local)
                                                         : NULL;
            const char *fg = first ? rec_gui_values(a, first) : NULL;
            d->summary = first
                ? arena_printf(a, "Optional: let the initiator propose DH group %s first, or let the "
                               "responder prefer the initiator's %s, to save a round trip.",
                               want ? want : "the responder's group", first)
                : arena_printf(a, "Optional: let the initiator propose DH group %s first to save a "
                               "round trip.", want ? want : "the responder's group");
            d->change_side = d->role == IDG_ROLE_RESPONDER ? "peer" : "local";
            d->pfsense = arena_printf(a, "%s > Encryption Algorithm > DH Group: on the initiator, put %s "
                                      "first (or use only it)%s%s%s.", P1_PATH,
                                      g ? g : "the group the responder requests",
                                      fg ? "; or, on the responder (for clients whose settings cannot be "
                                           "changed), put " : "", fg ? fg : "", fg ? " first" : "");
            d->strongswan = arena_printf(a, "connections.%s.proposals: on the initiator, list %s first%s%s%s.",
                                         conn_or(in), want ? want : "the requested group",
                                         first ? "; or on the responder list " : "", first ? first : "",
                                         first ? " first" : "");
        } else {
            rec_proposal(a, in, d, 1);
        }
        break;
    case IDG_CLASS_PHASE2_ENCRYPTION_MISMATCH:
    case IDG_CLASS_PHASE2_HASH_MISMATCH:
    case IDG_CLASS_PHASE2_PROPOSAL_MISMATCH:
        rec_proposal(a, in, d, 2);
        break;
    case IDG_CLASS_PHASE2_PFS_MISMATCH:
        rec_proposal(a, in, d, 2);
        if (in->rekey || in->ike_version == 2)
            d->summary = arena_printf(a, "%s IKEv2 negotiates the first CHILD_SA without PFS, so this "
                                      "shows only at rekey.", d->summary);
        break;
    case IDG_CLASS_PHASE2_NETWORK_MISMATCH:
        rec_network(a, in, d);
        break;
    case IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH:
    case IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH: {
        int nat = in->cls == IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH;
        const idg_offending *po = find_off(in, "phase1.peer_identifier");
        const idg_offending *mo = find_off(in, "phase1.my_identifier");
        if (in->remote_access && po && po->peer) {
            /* a client's identity is not pinned to one address: accept the
             * clients, and be who they ask for */
            const char *want = mo && mo->peer ? mo->peer : NULL;
            d->summary = arena_printf(a, "Accept the remote-access clients' identities on this end (any "
                                      "identity, the clients authenticated by EAP or certificate)%s%s%s, "
                                      "or set the client's identities to what this end expects.",
                                      want ? " and make this end's identity '" : "", want ? want : "",
                                      want ? "', which the client asks for" : "");
            d->change_side = "either";
            d->pfsense = arena_printf(a, "VPN > IPsec > Mobile Clients: enabled; its Phase 1: Peer "
                                      "identifier Any%s%s%s (the server certificate must carry that name).",
                                      want ? ", My identifier " : "", want ? id_type_label(want) : "",
                                      want ? arena_printf(a, " %s", want) : "");
            d->strongswan = arena_printf(a, "connections.%s.remote.id = %%any (with remote.auth = eap-... "
                                         "or pubkey)%s%s; or on the client its local id and remote id.",
                                         conn_or(in), want ? ", local.id = " : "", want ? want : "");
        } else if (po && po->peer && in->peer_id_type && strcmp(in->peer_id_type, "ID_KEY_ID") == 0) {
            /* a key ID (Android's built-in client sends its IPsec identifier as one) matches
             * only a key ID */
            d->summary = arena_printf(a, "Set this end's Peer identifier to the key ID '%s' (the peer "
                                      "sends it as ID_KEY_ID, which no other identifier type matches), "
                                      "or make the peer send the identifier this end expects.", po->peer);
            d->change_side = "either";
            d->pfsense = arena_printf(a, "%s > Peer identifier: KeyID tag, value %s.", P1_PATH, po->peer);
            d->strongswan = arena_printf(a, "connections.%s.remote.id = keyid:%s", conn_or(in), po->peer);
        } else if (po && po->peer) {
            d->summary = po->local
                ? arena_printf(a, "Set this end's Peer identifier to '%s'%s, or make the peer send "
                               "'%s'.", po->peer, nat ? " (the peer's address before NAT)" : "", po->local)
                : arena_printf(a, "Set this end's Peer identifier to '%s'%s, or make the peer send the "
                               "identifier this end expects.", po->peer,
                               nat ? " (the peer's address before NAT)" : "");
            d->change_side = "either";
            /* a bare word may be a key ID (Android's built-in client), which
             * only a key ID matches; without charon's level-3 lines the log
             * does not say */
            int word = !strpbrk(po->peer, ".@=:/ ") && !in->peer_id_type;
            d->pfsense = arena_printf(a, "%s > Peer identifier: %s, value %s%s%s.", P1_PATH,
                                      id_type_label(po->peer), po->peer,
                                      nat ? " (the peer is behind NAT and identifies itself with its "
                                            "private address)" : "",
                                      word ? " (KeyID tag if the peer sends it as a key ID, as "
                                             "Android's built-in client does)" : "");
            d->strongswan = arena_printf(a, "connections.%s.remote.id = %s%s%s%s", conn_or(in), po->peer,
                                         word ? " (or keyid:" : "", word ? po->peer : "",
                                         word ? " if the peer sends a key ID)" : "");
        } else if (mo) {
            d->summary = nat
                ? arena_printf(a, "This end is behind NAT: make the peer's Peer identifier match this end's "
                               "My identifier%s%s%s, or set My identifier to the address the peer expects.",
                               mo->local ? " ('" : "", mo->local ? mo->local : "", mo->local ? "')" : "")
                : arena_printf(a, "Make the peer's Peer identifier match this end's My identifier%s%s%s.",
                               mo->local ? " ('" : "", mo->local ? mo->local : "", mo->local ? "')" : "");
            d->change_side = "either";
            d->pfsense = arena_printf(a, "%s > My identifier (here) and Peer identifier (on the peer) must "
                                      "name the same identity%s%s.", P1_PATH,
                                      mo->local ? ": " : "", mo->local ? mo->local : "");
            d->strongswan = arena_printf(a, "connections.%s.local.id here must equal the peer's remote.id%s%s.",
                                         conn_or(in), mo->local ? ": " : "", mo->local ? mo->local : "");
        } else {
            d->summary = "Make each end's Peer identifier match the other end's My identifier.";
            d->change_side = "either";
            d->pfsense = arena_printf(a, "%s > My identifier / Peer identifier: each end's Peer identifier "
                                      "must equal the other end's My identifier.", P1_PATH);
            d->strongswan = arena_printf(a, "connections.%s.local.id / remote.id must mirror the peer's.",
                                         conn_or(in));
        }
        break;
    }
    case IDG_CLASS_PHASE1_PSK_MISMATCH:
        if (in->psk_missing) {
            d->summary = "Add a pre-shared key for this peer on this end (the same key as the peer's).";
            d->change_side = "local";
            d->pfsense = arena_printf(a, "%s > Pre-Shared Key: enter the peer's key (mobile clients: VPN > "
                                      "IPsec > Pre-Shared Keys, an entry for the client's identifier); "
                                      "check My / Peer identifier, which the key is looked up by.", P1_PATH);
            d->strongswan = arena_printf(a, "secrets { ike-%s { secret = <the peer's key>; id-1 = %s } } "
                                         "(id-N: the identities or addresses the key is for) and reload "
                                         "with swanctl --load-creds.", conn_or(in),
                                         in->remote_addr ? in->remote_addr : "<peer id>");
            break;
        }
        d->summary = "Enter the same pre-shared key on both ends.";
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > Pre-Shared Key: enter the identical key on both firewalls "
                                  "(re-type it; watch for trailing spaces).", P1_PATH);
        d->strongswan = arena_printf(a, "secrets { ike-%s { secret = <the same key as the peer>; id-1 = %s } } "
                                     "and reload with swanctl --load-creds.", conn_or(in),
                                     in->remote_addr ? in->remote_addr : "<peer id>");
        break;
    case IDG_CLASS_PHASE1_MODE_MISMATCH:
        o = find_off(in, "phase1.mode");
        if (o && o->local)
            d->summary = arena_printf(a, "Use the same negotiation mode on both ends (Main Mode is "
                                      "preferred): this end uses %s, the peer %s.", o->local,
                                      o->peer ? o->peer : "?");
        else /* this end's setting is not in the log */
            d->summary = arena_printf(a, "Use the same negotiation mode and authentication method on "
                                      "both ends (Main Mode is preferred)%s%s%s.",
                                      o && o->peer ? ": the peer uses " : "", o && o->peer ? o->peer : "",
                                      o && o->peer ? " mode" : "");
        d->change_side = o && o->local && strcmp(o->local, "main") == 0 ? "peer" : "local";
        d->pfsense = arena_printf(a, "%s > Negotiation mode: Main on both ends (Aggressive with a "
                                  "pre-shared key exposes the key to offline attacks).", P1_PATH);
        d->strongswan = arena_printf(a, "connections.%s.aggressive = no on both ends.", conn_or(in));
        break;
    case IDG_CLASS_PHASE1_VERSION_MISMATCH:
        o = find_off(in, "phase1.ike_version");
        d->summary = arena_printf(a, "Use the same IKE version on both ends%s%s%s%s%s.",
                                  o ? ": this end is set to " : "", o && o->local ? o->local : "",
                                  o ? ", the peer uses " : "", o && o->peer ? o->peer : "", "");
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > Key Exchange version: %s on both ends (or Auto on the responder).",
                                  P1_PATH, o && o->peer ? o->peer : "the same version");
        d->strongswan = arena_printf(a, "connections.%s.version = %s", conn_or(in),
                                     o && o->peer && strstr(o->peer, "1") ? "1" : (o && o->peer ? "2" : "<1|2>, same on both ends"));
        break;
    case IDG_CLASS_PHASE1_NO_MATCHING_GATEWAY:
        o = find_off(in, "phase1.remote_gateway");
        d->summary = arena_printf(a, "Make this end's Remote Gateway the address the peer really uses%s%s%s, "
                                  "and check the Key Exchange version.",
                                  o && o->peer ? " (" : "", o && o->peer ? o->peer : "", o && o->peer ? ")" : "");
        d->change_side = "local";
        d->pfsense = arena_printf(a, "%s > Remote Gateway: %s; also check Interface (the local address the "
                                  "peer targets) and Key Exchange version.", P1_PATH,
                                  o && o->peer ? o->peer : "the peer's address as seen here");
        d->strongswan = arena_printf(a, "connections.%s.remote_addrs = %s (and local_addrs / version).",
                                     conn_or(in), o && o->peer ? o->peer : "<peer address>");
        break;
    case IDG_CLASS_PHASE1_PEER_UNREACHABLE:
        if (in->half_open) {
            /* the peer reached this end: what it did with the answer is in its log */
            d->summary = "The peer started an IKE_SA and stopped: check its log for why (it may reject this "
                         "end's certificate or identity), and that this end's answers reach it.";
            d->change_side = "either";
            d->pfsense = arena_printf(a, "%s > My identifier / My Certificate: what the peer expects; for "
                                      "large answers (certificates) enable IKE fragmentation on both ends "
                                      "and check the path MTU.", P1_PATH);
            d->strongswan = arena_printf(a, "connections.%s.local.id / local.certs: what the peer expects; "
                                         "connections.%s.fragmentation = yes on both ends.", conn_or(in),
                                         conn_or(in));
            break;
        }
        if (in->unresolved_host) {
            d->summary = arena_printf(a, "Make the peer's host name %s resolve on this end, or use the "
                                      "peer's IP address.", in->unresolved_host);
            d->change_side = "local";
            d->pfsense = arena_printf(a, "%s > Remote Gateway: check the name %s (Diagnostics > DNS "
                                      "Lookup), its dynamic DNS record, and System > General Setup > DNS "
                                      "Servers; or enter the peer's IP address.", P1_PATH, in->unresolved_host);
            d->strongswan = arena_printf(a, "connections.%s.remote_addrs = %s: check that it resolves on "
                                         "this host (DNS, /etc/resolv.conf), or use the address.",
                                         conn_or(in), in->unresolved_host);
            break;
        }
        if (in->send_no_socket) {
            d->summary = "Load a socket plugin into charon (socket-default): without one it sends "
                         "and receives no IKE packets.";
            d->change_side = "local";
            d->pfsense = "Status > System Logs > IPsec: the plugin load errors at charon's start; "
                         "reinstall or update the IPsec package.";
            d->strongswan = "strongswan.conf charon.load (or charon.plugins.socket-default.load = "
                            "yes): include socket-default (or socket-dynamic), then restart charon; "
                            "the 'loaded plugins:' line at start lists what is loaded.";
            break;
        }
        if (in->send_error) {
            d->summary = arena_printf(a, "This end cannot send to the peer%s%s (%s): fix this end's "
                                      "route to it, or the local address the connection uses.",
                                      in->remote_addr ? " " : "", in->remote_addr ? in->remote_addr : "",
                                      in->send_error);
            d->change_side = "local";
            d->pfsense = arena_printf(a, "Diagnostics > Routes: a route (or the default gateway) towards "
                                      "%s; %s > Interface: the interface that reaches it.",
                                      in->remote_addr ? in->remote_addr : "the peer", P1_PATH);
            d->strongswan = arena_printf(a, "connections.%s.local_addrs: an address of this host that "
                                         "can reach %s; check ip route get %s.", conn_or(in),
                                         in->remote_addr ? in->remote_addr : "the peer",
                                         in->remote_addr ? in->remote_addr : "<peer address>");
            break;
        }
        if (in->remote_port > 0)
            d->summary = arena_printf(a, "Make sure the peer %s is up and reachable on UDP port %d, the "
                                      "port this end sends to (IKE uses 500 and 4500 unless configured "
                                      "otherwise).", in->remote_addr ? in->remote_addr : "", in->remote_port);
        else
            d->summary = arena_printf(a, "Make sure the peer%s%s is up and reachable on UDP 500 and 4500.",
                                      in->remote_addr ? " " : "", in->remote_addr ? in->remote_addr : "");
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > Remote Gateway: check it is %s's correct address; allow UDP 500 "
                                  "and 4500 (and ESP) from this end in the peer's Firewall > Rules > WAN, and "
                                  "check that the peer's IPsec service is running.", P1_PATH,
                                  in->remote_addr ? in->remote_addr : "the peer");
        d->strongswan = arena_printf(a, "connections.%s.remote_addrs = %s; check routing and that UDP 500/4500 "
                                     "pass both firewalls.", conn_or(in),
                                     in->remote_addr ? in->remote_addr : "<peer address>");
        break;
    case IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE:
        if (in->xauth == 4) {
            d->summary = "The peer requires XAuth (IKEv1 user name and password) and this end sent "
                         "none: configure the XAuth user on this end, or turn XAuth off on the peer.";
            d->change_side = "either";
            d->pfsense = "The peer's Mobile Clients / Phase 1 Authentication Method: Mutual PSK without "
                         "XAuth for clients that cannot do it; on a client that can, its XAuth user "
                         "name and password.";
            d->strongswan = arena_printf(a, "connections.%s: a second local round local-xauth { auth = "
                                         "xauth; xauth_id = <user> } and secrets { xauth-<user> { secret "
                                         "= <password> } }; some clients (NetworkManager-l2tp) cannot do "
                                         "XAuth at all.", conn_or(in));
            break;
        }
        if (in->xauth == 3) {
            d->summary = "This end's XAuth script failed to run: repair it (the user's password was "
                         "never checked).";
            d->change_side = "local";
            d->pfsense = "OPNsense: the script /usr/local/etc/inc/ipsec.auth-user.php must exist and run "
                         "(reinstall or update the firmware; check the system log for its errors); pfSense "
                         "has no such script.";
            d->strongswan = "charon.plugins.xauth-generic or an XAuth backend that works (xauth-eap, "
                            "xauth-pam); fix or remove the xauth-script plugin's script.";
            break;
        }
        if (in->xauth == 2) {
            d->summary = "This end has no XAuth password for the user: add the user (or its secret) on "
                         "this end.";
            d->change_side = "local";
            d->pfsense = "System > User Manager: add the user with its password and the 'User - VPN: "
                         "IPsec xauth Dialin' privilege; VPN > IPsec > Mobile Clients > User "
                         "Authentication: the source (Local Database or RADIUS) that holds it.";
            d->strongswan = "secrets { xauth-<user> { id = <user>; secret = <password> } } and "
                            "swanctl --load-creds (or an XAuth backend: xauth-eap, xauth-pam with "
                            "RADIUS).";
            break;
        }
        if (in->xauth) {
            d->summary = "Check the XAuth user name and password (the pre-shared key or certificate was accepted).";
            d->change_side = "either";
            d->pfsense = "System > User Manager: the user, its password and the 'User - VPN: IPsec xauth Dialin' "
                         "privilege; VPN > IPsec > Mobile Clients > User Authentication: the source "
                         "(Local Database or RADIUS) that holds the user.";
            d->strongswan = arena_printf(a, "secrets { xauth-<user> { id = <user>; secret = <password> } } "
                                         "(or the RADIUS server), connections.%s.remote-xauth.auth = xauth.",
                                         conn_or(in));
            break;
        }
        d->summary = "Compare the authentication settings of both ends: method, identifiers and the "
                     "pre-shared key or certificates.";
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > Authentication Method, Negotiation mode, My identifier, Peer "
                                  "identifier and Pre-Shared Key (or My Certificate / Peer Certificate "
                                  "Authority) must match the peer's.", P1_PATH);
        d->strongswan = arena_printf(a, "connections.%s.local.auth / remote.auth, local.id / remote.id, "
                                     "aggressive and the secrets must match the peer's.", conn_or(in));
        break;
    case IDG_CLASS_PHASE1_CERTIFICATE_FAILURE:
        if (in->cred_load) {
            d->summary = "Fix the credential that did not load and load it again: a CA certificate "
                         "needs the basic constraint CA:TRUE, each file must be a certificate, key "
                         "or CRL in PEM or DER.";
            d->change_side = "local";
            d->pfsense = "System > Cert. Manager > CAs / Certificates: re-import the CA or certificate "
                         "(a CA must be created or imported as a CA), then Status > IPsec: reload.";
            d->strongswan = "openssl x509 -in <file> -noout -text (Basic Constraints: CA:TRUE for a "
                            "CA); the files in /etc/swanctl/x509ca, x509 and private (or "
                            "/etc/ipsec.d/*), then swanctl --load-creds (ipsec rereadall).";
            break;
        }
        if (in->cert_id_mismatch == 2) {
            const idg_offending *po = find_off(in, "phase1.peer_identifier");
            d->summary = arena_printf(a, "Give the peer an identity its certificate carries: its own "
                                      "identifier '%s' is not in it (use the certificate's subject or a "
                                      "subjectAltName, or issue a certificate with '%s' as "
                                      "subjectAltName).", po && po->peer ? po->peer : "?",
                                      po && po->peer ? po->peer : "?");
            d->change_side = "peer";
            d->pfsense = "On the peer: VPN > IPsec > Tunnels > Edit Phase 1 > My identifier: "
                         "Distinguished name, or the FQDN in its certificate's subjectAltName (on a "
                         "client: its local / remote-access identity setting).";
            d->strongswan = "on the peer: connections.<conn>.local.id = a name in its certificate "
                            "(a subjectAltName, or its subject DN), or pki --issue --san <identity>.";
            break;
        }
        if (in->cert_id_mismatch) {
            const idg_offending *po = find_off(in, "phase1.peer_identifier");
            d->summary = arena_printf(a, "Expect an identity the peer's certificate carries (%s), not "
                                      "'%s'; if the certificate is right and only untrusted, import the "
                                      "CA that issued it.", po && po->peer ? po->peer : "its subject or a SAN",
                                      po && po->local ? po->local : "the address");
            d->change_side = "local";
            d->pfsense = arena_printf(a, "%s > Peer identifier: Distinguished name or FQDN, a name in the "
                                      "peer's certificate; Peer Certificate Authority: the CA that issued "
                                      "it.", P1_PATH);
            d->strongswan = arena_printf(a, "connections.%s.remote.id = <a name in the peer's certificate "
                                         "(a SAN, or its subject DN)>, remote.cacerts = <its CA>.",
                                         conn_or(in));
            break;
        }
        if (in->own_key) {
            d->summary = "Give this end the private key of its own certificate (or authenticate it "
                         "with a pre-shared key, if the peer expects that).";
            d->change_side = "local";
            d->pfsense = arena_printf(a, "System > Cert. Manager > Certificates: this end's certificate "
                                      "must have its private key (import the key with it); %s > My "
                                      "Certificate: select it, or Authentication Method: Mutual PSK if "
                                      "the peer uses a pre-shared key.", P1_PATH);
            d->strongswan = arena_printf(a, "connections.%s.local.certs = <this end's certificate>, its "
                                         "key in /etc/swanctl/private/ (RSA, ECDSA or PKCS#8) and swanctl "
                                         "--load-creds; check that key and certificate match and that "
                                         "the crypto policy allows the signature scheme.", conn_or(in));
            break;
        }
        if (in->cert_cause == CERT_SUBJECT_DATES || in->cert_cause == CERT_ISSUER_DATES) {
            int ca = in->cert_cause == CERT_ISSUER_DATES;
            const idg_offending *dates = find_off(in, ca ? "phase1.peer_certificate_authority"
                                                     : "phase1.peer_certificate");
            d->summary = arena_printf(a, "%s is outside its validity period (%s): %s, or correct "
                                      "the clock of the end whose date is wrong.",
                                      ca ? "A CA certificate of the peer's chain" : "The peer's certificate",
                                      dates && dates->peer ? dates->peer : "dates not logged",
                                      ca ? "renew that CA (or intermediate) and import the new one on both ends"
                                         : "issue the peer a current certificate");
            d->change_side = "peer";
            d->pfsense = ca ? "System > Cert. Manager > CAs: renew the expired CA (or import its "
                              "successor) on both ends, then reissue the certificates it signed; "
                              "System > General Setup and Services > NTP: this end's date."
                            : "System > Cert. Manager > Certificates (on the end that issues them): "
                              "renew the peer's certificate and install it on the peer; System > "
                              "General Setup and Services > NTP: this end's date.";
            d->strongswan = ca ? "pki --self (or --issue) for a new CA certificate in "
                                 "/etc/swanctl/x509ca/ on both ends and swanctl --load-creds; this "
                                 "host's clock (timedatectl, NTP)."
                               : "pki --issue a new certificate for the peer (its "
                                 "/etc/swanctl/x509/, then swanctl --load-creds there); this host's "
                                 "clock (timedatectl, NTP).";
            break;
        }
        if (in->cert_cause == CERT_REVOKED) {
            const idg_offending *revoked = find_off(in, "phase1.peer_certificate");
            d->summary = arena_printf(a, "The peer's certificate was %s: issue the peer a new "
                                      "certificate (or, if the revocation was a mistake, publish a "
                                      "CRL without it).", revoked && revoked->peer ? revoked->peer : "revoked");
            d->change_side = "peer";
            d->pfsense = "System > Cert. Manager > Certificates: a new certificate for the peer, "
                         "installed on the peer; System > Cert. Manager > Certificate Revocation: the "
                         "CRL that lists the old one.";
            d->strongswan = "pki --issue a new certificate for the peer and swanctl --load-creds "
                            "there; the CRL (pki --signcrl) or OCSP responder this end consults.";
            break;
        }
        d->summary = "Make the peer's certificate verifiable here: import and select the CA that issued it.";
        d->change_side = "local";
        d->pfsense = arena_printf(a, "System > Cert. Manager > CAs: import the CA that issued the peer's "
                                  "certificate; %s > Peer Certificate Authority: select it. Check validity "
                                  "dates and revocation.", P1_PATH);
        d->strongswan = arena_printf(a, "connections.%s.remote.cacerts = <that CA> (or put it in "
                                     "/etc/swanctl/x509ca/) and swanctl --load-creds.", conn_or(in));
        break;
    case IDG_CLASS_CHARON_CRASHED:
        if (in->kernel_no_xfrm) {
            d->summary = "Give charon a kernel with IPsec (xfrm) support: load the xfrm and ESP "
                         "modules on the host (a container shares the host's kernel), or run charon "
                         "with kernel-libipsec instead.";
            d->change_side = "local";
            d->pfsense = "Status > System Logs > IPsec: the kernel errors at charon's start; a "
                         "pfSense kernel has IPsec, so check the platform it runs on.";
            d->strongswan = "on the host: modprobe xfrm_user xfrm4_tunnel esp4 (esp6, af_key); a "
                            "container needs --cap-add NET_ADMIN and a host kernel with XFRM "
                            "(Docker Desktop's VM kernel has none: use kernel-libipsec, i.e. "
                            "charon.plugins.kernel-libipsec.load = yes).";
            break;
        }
        if (in->daemon_init_failed) {
            d->summary = "Let charon start: load the plugins it needs (the log names the unmet "
                         "dependency), and in a container give it the kernel's IPsec support.";
            d->change_side = "local";
            d->pfsense = "Status > System Logs > IPsec: the plugin load errors before 'initialization "
                         "failed'; reinstall or update the IPsec package.";
            d->strongswan = "strongswan.conf charon.load (or the plugins' load settings) with the kernel "
                            "interface a host needs (kernel-netlink, or kernel-libipsec); in Docker: "
                            "--cap-add NET_ADMIN, the host's xfrm/esp modules loaded.";
            break;
        }
        d->summary = "Update strongSwan (or the firmware that ships it); if the crash remains, report it "
                     "with the version, the loaded plugins and the stack frames charon logged.";
        d->change_side = "local";
        d->pfsense = "System > Update: the current release; Status > System Logs > IPsec: the lines "
                     "before the crash (the connection and exchange that triggered it).";
        d->strongswan = "the strongSwan version (ipsec version / swanctl --version), charon.load of the "
                        "plugins actually needed, and a backtrace (charon logs 'dumping N stack frame "
                        "addresses') for the bug report.";
        break;
    case IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED:
        if (in->trap_missing) {
            d->summary = "Find the kernel policy that no connection owns: remove it if it is stale, "
                         "or load the (VTI) phase 2 that should own it.";
            d->change_side = "local";
            d->pfsense = "Status > IPsec > SPDs: the policy and its reqid; VPN > IPsec > Tunnels: the "
                         "routed (VTI) Phase 2 enabled and applied, or the stale entry gone after "
                         "Status > IPsec: Disconnect / a restart of the IPsec service.";
            d->strongswan = "ip xfrm policy (setkey -DP on BSD) for the policy and its reqid; the "
                            "child that should own it loaded (swanctl --list-conns), or ip xfrm policy "
                            "delete for a stale one.";
            break;
        }
        d->summary = arena_printf(a, "Load the connection '%s' into charon: fix what keeps the "
                                  "configuration from loading, then reload it.",
                                  in->conn ? in->conn : "?");
        d->change_side = "local";
        d->pfsense = "VPN > IPsec > Tunnels: the phase 1 enabled, Save and Apply Changes; Status > IPsec "
                     "lists the loaded connections and Status > System Logs > IPsec the load errors "
                     "(on OPNsense: VPN > IPsec > Tunnel Settings, Apply).";
        d->strongswan = "swanctl --load-all (ipsec reload for ipsec.conf) and read its errors; swanctl "
                        "--list-conns shows what is loaded.";
        break;
    case IDG_CLASS_PHASE1_EAP_FAILURE:
        if (in->eap_no_msk) {
            d->summary = "Make the EAP server return the MSK: with RADIUS, the MS-MPPE-Send-Key and "
                         "MS-MPPE-Recv-Key attributes in its Access-Accept.";
            d->change_side = "local"; /* this end's authentication backend */
            d->pfsense = "System > User Manager > Authentication Servers: the RADIUS server must answer "
                         "EAP-MSCHAPv2 with MPPE keys (Windows NPS: a network policy with EAP/MS-CHAP v2 "
                         "authentication; FreeRADIUS: mschap use_mppe = yes).";
            d->strongswan = "charon.plugins.eap-radius: the server must send MS-MPPE keys; or use an EAP "
                            "method that derives an MSK (EAP-MSCHAPv2, EAP-TLS) end to end.";
            break;
        }
        if (in->eap_nak && in->eap_method && strcmp(in->eap_method, "EAP_IDENTITY") == 0) {
            /* not a method: the client's eap-identity plugin is missing */
            d->summary = "Load the eap-identity plugin on the client: it cannot answer the server's "
                         "EAP-Identity request without it.";
            d->change_side = in->eap_nak == 1 ? "local" : "peer";
            d->pfsense = "On the client: install or enable strongSwan's eap-identity plugin (on "
                         "Debian/Ubuntu the libcharon-extra-plugins package, or "
                         "libstrongswan-extra-plugins on older releases).";
            d->strongswan = "client: charon.load with eap-identity (or the plugin's load = yes in "
                            "strongswan.d/charon/eap-identity.conf), then restart charon.";
            break;
        }
        if (in->eap_nak) {
            const char *m = in->eap_method ? in->eap_method : "the server's method";
            d->summary = arena_printf(a, "Use one EAP method on both ends: the server requests %s, "
                                      "which the client refuses.", m);
            d->change_side = "either";
            d->pfsense = arena_printf(a, "%s > Authentication Method (EAP-MSCHAPv2, EAP-TLS or "
                                      "EAP-RADIUS): one the clients support; on the client, the same "
                                      "method (its EAP type and, for %s, its plugin or profile).",
                                      P1_PATH, m);
            d->strongswan = arena_printf(a, "server: connections.%s.remote.auth = eap-<method> (or "
                                         "eap-dynamic with the methods clients use); client: load the "
                                         "plugin of %s (e.g. eap-peap, eap-mschapv2) or select its "
                                         "method.", conn_or(in), m);
            break;
        }
        d->summary = "Check the EAP user's credentials and the EAP method on both ends.";
        d->change_side = "either";
        d->pfsense = "VPN > IPsec > Pre-Shared Keys (EAP identities) or the RADIUS server: check the "
                     "user's name and password; VPN > IPsec > Mobile Clients / Edit Phase 1 > "
                     "Authentication Method must match the client's.";
        d->strongswan = arena_printf(a, "secrets { eap-<user> { id = <user>; secret = <password> } } and "
                                     "connections.%s.remote.auth = eap-<method>.", conn_or(in));
        break;
    case IDG_CLASS_PHASE2_INSTALL_FAILURE:
        if (in->policy_conflict) {
            d->summary = "Another CHILD_SA already has a kernel policy for the same networks: remove "
                         "the duplicate phase 2 or give each its own networks.";
            d->change_side = "local";
            d->pfsense = arena_printf(a, "VPN > IPsec > Tunnels: find the other Phase 2 (in this or "
                                      "another tunnel) with the same Local Network and Remote Network, "
                                      "and delete or change one; Status > IPsec > SPDs shows the "
                                      "installed policies.");
            d->strongswan = arena_printf(a, "connections.*.children.*.local_ts / remote_ts: no two "
                                         "children may have the same pair (swanctl --list-sas, "
                                         "ip xfrm policy show the installed ones).");
            break;
        }
        if (in->route_failed) {
            d->summary = "Give this host an address in the tunnel's local network (the source of the "
                         "route charon installs), or let traffic reach the tunnel without that route.";
            d->change_side = "local";
            d->pfsense = arena_printf(a, "%s > Local Network: a network this firewall has an interface "
                                      "address in (Interfaces > assign one, or use the LAN subnet).",
                                      P2_PATH);
            d->strongswan = arena_printf(a, "an address of connections.%s.children.%s.local_ts on an "
                                         "interface of this host (ip addr add), or strongswan.conf "
                                         "charon.install_routes = no with routes of your own.",
                                         conn_or(in), child_or(in));
            break;
        }
        if (in->install_cause == INSTALL_SA_EXISTS) {
            d->summary = "Find what already installed an SA with that SPI on this host: a second IKE "
                         "daemon or charon instance, a stale SA, or a tunnel to this host itself.";
            d->change_side = "local";
            d->pfsense = "Status > IPsec > SADs: the SAs installed; Status > Services: one IPsec "
                         "service only; VPN > IPsec > Tunnels: no Phase 1 whose Remote Gateway is this "
                         "firewall.";
            d->strongswan = "ip xfrm state (and ip xfrm state flush for stale ones); one charon per "
                            "host (no second ipsec starter, charon-systemd or charon-nm running); "
                            "remote_addrs is not this host.";
            break;
        }
        if (in->p2_ah) {
            d->summary = "The kernel refused the AH SA: load AH support in the kernel, or use ESP "
                         "for this phase 2.";
            d->change_side = "local";
            d->pfsense = arena_printf(a, "%s > Protocol: ESP (AH is rarely needed and not supported "
                                      "everywhere).", P2_PATH);
            d->strongswan = arena_printf(a, "connections.%s.children.%s: esp_proposals instead of "
                                         "ah_proposals, or load ah4/ah6 and xfrm_user on the host "
                                         "(a container uses the host's kernel).", conn_or(in), child_or(in));
            break;
        }
        if (in->install_cause == INSTALL_OFFLOAD) {
            /* the NIC's driver refused the SA (hw_offload) */
            d->summary = "The network card refused to offload the SA: turn hardware offload off for "
                         "this phase 2, or use a mode and algorithms the card can offload.";
            d->change_side = "local";
            d->pfsense = "System > Advanced > Networking: disable hardware crypto / IPsec offload for the "
                         "interface (and the cryptographic hardware option under Miscellaneous).";
            d->strongswan = arena_printf(a, "connections.%s.children.%s.hw_offload = no (or auto, which "
                                         "falls back to software), or a mode the card supports "
                                         "(e.g. transport).", conn_or(in), child_or(in));
            break;
        }
        d->summary = "The tunnel was negotiated but the kernel refused the SA: use algorithms the kernel "
                     "supports and check its IPsec support.";
        d->change_side = "local";
        d->pfsense = arena_printf(a, "%s > Encryption Algorithms / Hash Algorithms: choose algorithms the "
                                  "system supports; check System > Advanced > Miscellaneous (cryptographic "
                                  "hardware) and the system log for kernel errors.", P2_PATH);
        d->strongswan = arena_printf(a, "connections.%s.children.%s.esp_proposals: use kernel-supported "
                                     "algorithms; on Linux load ESP/XFRM support (esp4, xfrm_user) or use "
                                     "the kernel-libipsec plugin.", conn_or(in), child_or(in));
        break;
    case IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE:
        recommend_virtual_ip(a, in, d);
        break;
    case IDG_CLASS_PHASE2_REKEY_FAILURE:
        if (in->rekey_collision) {
            d->summary = "Nothing to change for one collision; if it repeats, give the ends different "
                         "or randomised phase 2 lifetimes so that one rekeys first.";
            d->change_side = "either";
            d->pfsense = arena_printf(a, "%s > Life Time / Rekey Time / Rand Time: different on the two "
                                      "ends, or a Rand Time so the rekeys do not coincide.", P2_PATH);
            d->strongswan = arena_printf(a, "connections.%s.children.%s.rekey_time and rand_time: "
                                         "rand_time > 0 (the default) and not the same rekey_time on "
                                         "both ends.", conn_or(in), child_or(in));
            break;
        }
        d->summary = "Rekeying the phase 2 fails: make the PFS key group and the phase 2 algorithms "
                     "identical on both ends.";
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > PFS key group (and Encryption/Hash Algorithms): identical on both "
                                  "ends; IKEv2 uses it only from the first rekey on.", P2_PATH);
        d->strongswan = arena_printf(a, "connections.%s.children.%s.esp_proposals: same key exchange group "
                                     "on both ends.", conn_or(in), child_or(in));
        break;
    case IDG_CLASS_TUNNEL_CLOSED_EARLY:
        d->summary = "Read the peer's log at the time the tunnel came up: the peer closed it on "
                     "purpose, and says why there.";
        d->change_side = "peer";
        d->pfsense = "Status > System Logs > IPsec on the peer (or the client's own log) at that "
                     "time; for mobile clients, VPN > IPsec > Mobile Clients: the virtual address "
                     "pool, DNS and network list the clients receive.";
        d->strongswan = arena_printf(a, "the peer's charon log around its DELETE; for remote-access "
                                     "clients, connections.%s.pools and the attributes (DNS, split "
                                     "networks) they are given.", conn_or(in));
        break;
    case IDG_CLASS_DPD_TIMEOUT:
        d->summary = arena_printf(a, "The peer %s stopped answering: check that it is up and reachable; "
                                  "DPD then restarts or clears the tunnel as configured.",
                                  in->remote_addr ? in->remote_addr : "");
        d->change_side = "peer";
        d->pfsense = arena_printf(a, "%s > Dead Peer Detection (Delay, Max failures) and Child SA Close "
                                  "Action (Restart/Reconnect) decide what happens next; check the peer and "
                                  "the path (UDP 500/4500).", P1_PATH);
        d->strongswan = arena_printf(a, "connections.%s.dpd_delay and children.%s.dpd_action = restart; "
                                     "check the peer and the path.", conn_or(in), child_or(in));
        break;
    default:
        d->summary = "Compare the settings of both ends.";
        d->change_side = "either";
        break;
    }
}
