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
#include "strbuf.h"
#include "traffic_selector.h"

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
    return in->child ? in->child : "<child>"; /* never a guess from the connection name */
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

/* A peer that refused this end's phase 1 may have no configuration for it
 * at all: it answers the same NO_PROPOSAL_CHOSEN. */
static const char *no_gateway_note(const rec_input *in, int phase)
{
    return phase == 1 && !in->rejected_here
        ? "; a peer with no phase 1 for this end's address (the address of one end changed, or "
          "the Remote Gateway is wrong) answers NO_PROPOSAL_CHOSEN too"
        : "";
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
    /* strongSwan 6's additional key exchanges (RFC 9370: ke1_mlkem768 beside
     * the group) are a transform type of their own, no DH or PFS group */
    int addke = o && o->field && strstr(o->field, ".additional_ke") != NULL;
    if (addke) {
        what = "additional key exchange (RFC 9370, post-quantum hybrid such as ML-KEM)";
        gui_field = phase == 1 ? "Encryption Algorithm: the additional key exchange (ML-KEM) "
                                 "setting, where this pfSense version has one"
                               : "the PFS additional key exchange (ML-KEM) setting, where this "
                                 "pfSense version has one";
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
    if (addke && o->peer && strncmp(o->peer, "UNKNOWN_", 8) == 0) {
        /* this end's charon prints the peer's additional key exchange by
         * number: a release before 6.0, which cannot do any */
        d->summary = "This end's strongSwan knows no additional key exchanges (RFC 9370, e.g. "
                     "ML-KEM): let the peer also offer a proposal without one, or update this end "
                     "to strongSwan 6.0 or later.";
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s: this end's strongSwan (before 6.0) cannot do ML-KEM; on the "
                                  "peer, take the additional key exchange out of its proposal or add "
                                  "one without it; or update this pfSense to a release with "
                                  "strongSwan 6.", path);
        d->strongswan = arena_printf(a, "on the peer, %s gets a second proposal without the ke1_... "
                                     "part%s%s%s; or strongSwan 6.0.2 or later on this end, with the "
                                     "same additional key exchange in %s.", key,
                                     ours ? " (this end's is " : "", ours ? ours : "", ours ? ")" : "", key);
        return;
    }
    if (o && o->local && o->peer) {
        const char *lg = rec_gui_values(a, o->local), *pg = rec_gui_values(a, o->peer);
        const char *none = addke ? "none" : "none (off)";
        d->summary = arena_printf(a, "Use the same %s on both ends: this end allows %s, the peer offers %s.",
                                  what, strcmp(o->local, "NONE") == 0 ? none : o->local,
                                  strcmp(o->peer, "NONE") == 0 ? none : o->peer);
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
        d->summary = in->rejected_here
            ? arena_printf(a, "This end rejected the peer's %s, which the log does not list: compare "
                           "this end's with the peer's settings (a client's built-in defaults, e.g. "
                           "Windows', may need a proposal of their own here).", what)
            : arena_printf(a, "The peer rejected this end's %s: compare with the peer's settings "
                           "(its log names the difference)%s.", what, no_gateway_note(in, phase));
        d->change_side = "either";
        d->pfsense = arena_printf(a, "%s > %s: this end offers %s; make the peer's settings match, or "
                                  "change this end to what the peer uses.", path, gui_field, lg ? lg : o->local);
        d->strongswan = arena_printf(a, "%s%s%s must share one proposal with the peer's.", key,
                                     ours ? " (currently " : "", ours ? arena_printf(a, "%s)", ours) : "");
        return;
    }
    d->summary = arena_printf(a, "Make the %s of both ends match%s.", what, no_gateway_note(in, phase));
    d->change_side = "either";
    d->pfsense = arena_printf(a, "%s > %s: use the same values on both ends.", path, gui_field);
    d->strongswan = arena_printf(a, "%s must share one proposal with the peer's.", key);
}

/* Whether a network value (a list of them, a range, a selector with its
 * protocol) is IPv6: an address of it has a ':'. "[udp/1701]"'s colon-free
 * brackets and a bare name ("dynamic") read as not. */
static int is_ipv6_value(const char *v)
{
    return v && strchr(v, ':') != NULL;
}

/* The two ends hold the same phase 2 networks instead of mirrored ones:
 * this end's Local Network is the peer's Local Network (what it proposes
 * for its side) and its Remote Network the peer's Remote Network. One end
 * has the pair the wrong way round, the usual slip when one side's phase 2
 * is copied to the other; which one, the log cannot say, but the end
 * behind `theirs` must have it as its Local Network. */
static int rec_network_swapped(arena *a, const rec_input *in, idg_diagnosis *d,
                               const idg_offending *lo, const idg_offending *ro)
{
    if (!lo || !ro || !lo->local || !lo->peer || !ro->local || !ro->peer ||
        strcmp(lo->local, ro->peer) != 0 || strcmp(ro->local, lo->peer) != 0 ||
        strcmp(lo->local, ro->local) == 0)
        return 0;
    const char *mine = lo->local, *theirs = ro->local;
    d->summary = arena_printf(a, "Both ends have the same phase 2 networks instead of mirrored ones "
                              "(Local Network %s, Remote Network %s on each): one end has them the "
                              "wrong way round. On the end whose own network is %s, swap them.",
                              mine, theirs, theirs);
    d->change_side = "either";
    d->pfsense = arena_printf(a, "%s: on the end whose LAN is %s (this end or the peer), set Local "
                              "Network to %s and Remote Network to %s; the end whose LAN is %s keeps "
                              "Local Network %s and Remote Network %s.", P2_PATH, theirs, theirs, mine,
                              mine, mine, theirs);
    d->strongswan = arena_printf(a, "on the end whose LAN is %s: connections.%s.children.%s.local_ts = "
                                 "%s; remote_ts = %s (the other end keeps local_ts = %s, remote_ts = %s)",
                                 theirs, conn_or(in), child_or(in), theirs, mine, mine, theirs);
    return 1;
}

static void rec_network(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *lo = find_off(in, "phase2.local_network");
    const idg_offending *ro = find_off(in, "phase2.remote_network");
    if (rec_network_swapped(a, in, d, lo, ro))
        return;
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
                 "remote_ts / local_ts, protocol and port included where a side restricts them "
                 "(address[tcp], address[udp/1701]); ", conn_or(in), child);
    } else if (pl == 0) {
        snprintf(pf, sizeof pf, "Local Network and Remote Network must mirror the peer's Remote Network "
                 "and Local Network. ");
        snprintf(sw, sizeof sw, "connections.%s.children.%s.local_ts / remote_ts must mirror the peer's "
                 "remote_ts / local_ts, protocol and port included where a side restricts them "
                 "(address[tcp], address[udp/1701]); ", conn_or(in), child);
    }
    d->summary = "Make the phase 2 networks mirror each other: this end's Local Network is the peer's "
                 "Remote Network and vice versa.";
    d->change_side = "either";
    for (size_t k = strlen(pf); k > 0 && (pf[k - 1] == ' ' || pf[k - 1] == ';'); k--)
        pf[k - 1] = '\0';
    for (size_t k = strlen(sw); k > 0 && (sw[k - 1] == ' ' || sw[k - 1] == ';'); k--)
        sw[k - 1] = '\0';
    /* IPv6 against IPv4: pfSense keeps the family in the phase 2's Mode */
    const char *family = "";
    for (int k = 0; k < 2; k++) {
        const idg_offending *o = k ? ro : lo;
        if (o && o->local && o->peer && is_ipv6_value(o->local) != is_ipv6_value(o->peer))
            family = arena_printf(a, " The address families differ (%s: IPv%d here, IPv%d at the "
                                  "peer): Mode is Tunnel IPv4 for IPv4 networks and Tunnel IPv6 for "
                                  "IPv6 ones, the same on both ends (a tunnel of both families needs a "
                                  "phase 2 entry for each).", k ? "Remote Network" : "Local Network",
                                  is_ipv6_value(o->local) ? 6 : 4, is_ipv6_value(o->peer) ? 6 : 4);
    }
    d->pfsense = arena_printf(a, "%s: %s%s", P2_PATH, pf, family);
    d->strongswan = arena_printf(a, "%s", sw);
}

/* ---- advice computed from the offending values ---- */

/* A retried INVALID_KE_PAYLOAD (a warning): which group to put first, on
 * which end. */
static void rec_dh_retry(arena *a, const rec_input *in, idg_diagnosis *d)
{
    int p2 = d->phase == 2;   /* a CREATE_CHILD_SA's PFS group */
    const char *what = p2 ? "PFS group" : "DH group";
    const idg_offending *o = find_off(in, p2 ? "phase2.pfs_group" : "phase1.dh_group");
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
    /* a responder's log cannot show whether the initiator came back */
    const char *no_retry = first && d->role == IDG_ROLE_RESPONDER
        ? arena_printf(a, "; if the initiator never retries with %s, it does not support it: "
                       "give both ends a common %s", want ? want : "it", what)
        : "";
    d->summary = first
        ? arena_printf(a, "Optional: let the initiator propose %s %s first, or let the "
                       "responder prefer the initiator's %s, to save a round trip%s.", what,
                       want ? want : "the responder's group", first, no_retry)
        : arena_printf(a, "Optional: let the initiator propose %s %s first to save a "
                       "round trip.", what, want ? want : "the responder's group");
    d->change_side = d->role == IDG_ROLE_RESPONDER ? "peer" : "local";
    d->pfsense = arena_printf(a, "%s: on the initiator, put %s first (or use only it)%s%s%s.",
                              p2 ? P2_PATH " > PFS key group" : P1_PATH " > Encryption Algorithm > DH Group",
                              g ? g : "the group the responder requests",
                              fg ? "; or, on the responder (for clients whose settings cannot be "
                                   "changed), put " : "", fg ? fg : "", fg ? " first" : "");
    d->strongswan = p2
        ? arena_printf(a, "connections.%s.children.%s.esp_proposals: on the initiator, list %s first%s%s%s.",
                       conn_or(in), child_or(in), want ? want : "the requested group",
                       first ? "; or on the responder list " : "", first ? first : "",
                       first ? " first" : "")
        : arena_printf(a, "connections.%s.proposals: on the initiator, list %s first%s%s%s.",
                       conn_or(in), want ? want : "the requested group",
                       first ? "; or on the responder list " : "", first ? first : "",
                       first ? " first" : "");
}

static void rec_phase1_proposal(arena *a, const rec_input *in, idg_diagnosis *d)
{
    rec_proposal(a, in, d, 1);
}

static void rec_phase2_proposal(arena *a, const rec_input *in, idg_diagnosis *d)
{
    rec_proposal(a, in, d, 2);
}

static void rec_pfs(arena *a, const rec_input *in, idg_diagnosis *d)
{
    rec_proposal(a, in, d, 2);
    if (in->rekey || in->ike_version == 2)
        d->summary = arena_printf(a, "%s IKEv2 negotiates the first CHILD_SA without PFS, so this "
                                  "shows only at rekey.", d->summary);
}

static void rec_identifier(arena *a, const rec_input *in, idg_diagnosis *d)
{
    int nat = in->cls == IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH;
    const idg_offending *po = find_off(in, "phase1.peer_identifier");
    const idg_offending *mo = find_off(in, "phase1.my_identifier");
    d->change_side = "either";
    if (in->remote_access && po && po->peer) {
        /* a client's identity is not pinned to one address: accept the
         * clients, and be who they ask for */
        const char *want = mo && mo->peer ? mo->peer : NULL;
        d->summary = arena_printf(a, "Accept the remote-access clients' identities on this end (any "
                                  "identity, the clients authenticated by EAP or certificate)%s%s%s, "
                                  "or set the client's identities to what this end expects.",
                                  want ? " and make this end's identity '" : "", want ? want : "",
                                  want ? "', which the client asks for" : "");
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
                                  "or make the peer send the identifier this end expects; a "
                                  "remote-access server whose clients authenticate with EAP "
                                  "accepts any identity instead.", po->peer);
        d->pfsense = arena_printf(a, "%s > Peer identifier: KeyID tag, value %s (mobile clients: "
                                  "Peer identifier Any).", P1_PATH, po->peer);
        d->strongswan = arena_printf(a, "connections.%s.remote.id = keyid:%s (remote access with "
                                     "EAP: remote.id = %%any, eap_id = %%any)", conn_or(in), po->peer);
    } else if (po && po->peer) {
        /* behind NAT the peer's identity is usually its private address;
         * a public one while this end reaches a private address means this
         * end dials it on its LAN (or a forwarded port) */
        int pub = nat && ipv4_private_and_public(in->remote_addr, po->peer);
        const char *why = !nat ? "" : pub ? " (the peer's public address)" : " (the peer's address before NAT)";
        d->summary = po->local
            ? arena_printf(a, "Set this end's Peer identifier to '%s'%s, or make the peer send "
                           "'%s'.", po->peer, why, po->local)
            : arena_printf(a, "Set this end's Peer identifier to '%s'%s, or make the peer send the "
                           "identifier this end expects.", po->peer, why);
        /* a bare word may be a key ID (Android's built-in client), which
         * only a key ID matches; without charon's level-3 lines the log
         * does not say */
        int word = !strpbrk(po->peer, ".@=:/ ") && !in->peer_id_type;
        d->pfsense = arena_printf(a, "%s > Peer identifier: %s, value %s%s%s.", P1_PATH,
                                  id_type_label(po->peer), po->peer,
                                  !nat ? ""
                                  : pub ? " (the peer identifies itself with its public address, "
                                          "while this end reaches it at a private one)"
                                        : " (the peer is behind NAT and identifies itself with its "
                                          "private address)",
                                  word ? " (KeyID tag if the peer sends it as a key ID, as "
                                         "Android's built-in client does)" : "");
        d->strongswan = arena_printf(a, "connections.%s.remote.id = %s%s%s%s", conn_or(in), po->peer,
                                     word ? " (or keyid:" : "", word ? po->peer : "",
                                     word ? " if the peer sends a key ID)" : "");
    } else if (po && po->local && in->id_constraint) {
        /* the identity this end requires of the peer, and not what the
         * peer used (an identity constraint: remote.id against the
         * peer's certificate) */
        d->summary = arena_printf(a, "Make the peer authenticate as '%s' (with certificates: a "
                                  "certificate that carries it as subject or subjectAltName), or set "
                                  "this end's Peer identifier to a name the peer's certificate "
                                  "carries.", po->local);
        d->pfsense = arena_printf(a, "%s > Peer identifier: a name the peer's certificate carries "
                                  "(its subjectAltName, or its IP address if the certificate has "
                                  "that); or reissue the peer's certificate (System > Cert. Manager) "
                                  "with '%s' as an alternative name.", P1_PATH, po->local);
        d->strongswan = arena_printf(a, "connections.%s.remote.id = <a name in the peer's "
                                     "certificate>, or a new peer certificate: pki --issue ... --san "
                                     "%s.", conn_or(in), po->local);
    } else if (mo) {
        d->summary = nat
            ? arena_printf(a, "This end is behind NAT: make the peer's Peer identifier match this end's "
                           "My identifier%s%s%s, or set My identifier to the address the peer expects.",
                           mo->local ? " ('" : "", mo->local ? mo->local : "", mo->local ? "')" : "")
            : arena_printf(a, "Make the peer's Peer identifier match this end's My identifier%s%s%s.",
                           mo->local ? " ('" : "", mo->local ? mo->local : "", mo->local ? "')" : "");
        d->pfsense = arena_printf(a, "%s > My identifier (here) and Peer identifier (on the peer) must "
                                  "name the same identity%s%s.", P1_PATH,
                                  mo->local ? ": " : "", mo->local ? mo->local : "");
        d->strongswan = arena_printf(a, "connections.%s.local.id here must equal the peer's remote.id%s%s.",
                                     conn_or(in), mo->local ? ": " : "", mo->local ? mo->local : "");
    } else {
        d->summary = "Make each end's Peer identifier match the other end's My identifier.";
        d->pfsense = arena_printf(a, "%s > My identifier / Peer identifier: each end's Peer identifier "
                                  "must equal the other end's My identifier.", P1_PATH);
        d->strongswan = arena_printf(a, "connections.%s.local.id / remote.id must mirror the peer's.",
                                     conn_or(in));
    }
}

static void rec_mode(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *o = find_off(in, "phase1.mode");
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
}

static void rec_version(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *o = find_off(in, "phase1.ike_version");
    /* each side's version only where the log told it */
    d->summary = arena_printf(a, "Use the same IKE version on both ends%s%s%s%s%s.",
                              o && (o->local || o->peer) ? ":" : "",
                              o && o->local ? " this end is set to " : "", o && o->local ? o->local : "",
                              o && o->peer ? (o->local ? ", the peer uses " : " the peer uses ") : "",
                              o && o->peer ? o->peer : "");
    d->change_side = "either";
    d->pfsense = arena_printf(a, "%s > Key Exchange version: %s on both ends (or Auto on the responder).",
                              P1_PATH, o && o->peer ? o->peer : "the same version");
    d->strongswan = arena_printf(a, "connections.%s.version = %s", conn_or(in),
                                 o && o->peer && strstr(o->peer, "1") ? "1"
                                 : (o && o->peer ? "2" : "<1|2>, same on both ends"));
}

static void rec_no_gateway(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *o = find_off(in, "phase1.remote_gateway");
    const char *seen = o && o->peer ? o->peer : NULL;
    if (ipv4_private_and_public(in->local_addr, seen)) {
        /* behind NAT (a cloud VM) with a public peer: the packets arrive on
         * the private address, which a connection set to the public one
         * never matches */
        const char *la = in->local_addr;
        d->summary = arena_printf(a, "This end is behind NAT and receives IKE on its private address "
                                  "%s: give the connection that local address (or any), identify this "
                                  "end by its public address, and check the Remote Gateway%s%s%s.", la,
                                  seen ? " (" : "", seen ? seen : "", seen ? ")" : "");
        d->change_side = "local";
        d->pfsense = arena_printf(a, "%s > Interface: the interface with %s; My identifier: IP address, "
                                  "the public address (the peer's Peer identifier); Remote Gateway: %s.",
                                  P1_PATH, la, seen ? seen : "the peer's address as seen here");
        d->strongswan = arena_printf(a, "connections.%s.local_addrs = %s (or %%any; ipsec.conf "
                                     "left=%%defaultroute), local.id = <the public address> (leftid), "
                                     "remote_addrs = %s.", conn_or(in), la, seen ? seen : "<peer address>");
        return;
    }
    d->summary = arena_printf(a, "Make this end's Remote Gateway the address the peer really uses%s%s%s, "
                              "and check the Key Exchange version.",
                              seen ? " (" : "", seen ? seen : "", seen ? ")" : "");
    d->change_side = "local";
    d->pfsense = arena_printf(a, "%s > Remote Gateway: %s; also check Interface (the local address the "
                              "peer targets) and Key Exchange version.", P1_PATH,
                              seen ? seen : "the peer's address as seen here");
    d->strongswan = arena_printf(a, "connections.%s.remote_addrs = %s (and local_addrs / version).",
                                 conn_or(in), seen ? seen : "<peer address>");
}

static void rec_send_error(arena *a, const rec_input *in, idg_diagnosis *d)
{
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
}

static void rec_unreachable(arena *a, const rec_input *in, idg_diagnosis *d)
{
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
}

/* The peer's certificate does not carry the identity: the one the peer
 * sent (this end responds), or the one this end expects. */
static void rec_cert_identity(arena *a, const rec_input *in, idg_diagnosis *d)
{
    const idg_offending *po = find_off(in, "phase1.peer_identifier");
    if (in->cert_id_mismatch == 2) {
        const char *id = po && po->peer ? po->peer : "?";
        d->summary = arena_printf(a, "Give the peer an identity its certificate carries: its own "
                                  "identifier '%s' is not in it (use the certificate's subject or a "
                                  "subjectAltName, or issue a certificate with '%s' as "
                                  "subjectAltName).", id, id);
        d->change_side = "peer";
        d->pfsense = "On the peer: VPN > IPsec > Tunnels > Edit Phase 1 > My identifier: "
                     "Distinguished name, or the FQDN in its certificate's subjectAltName (on a "
                     "client: its local / remote-access identity setting).";
        d->strongswan = "on the peer: connections.<conn>.local.id = a name in its certificate "
                        "(a subjectAltName, or its subject DN), or pki --issue --san <identity>.";
        return;
    }
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
}

static void rec_cert_dates(arena *a, const rec_input *in, idg_diagnosis *d)
{
    int ca = in->cert_cause == CERT_ISSUER_DATES;
    const idg_offending *dates = find_off(in, ca ? "phase1.peer_certificate_authority"
                                             : "phase1.peer_certificate");
    /* the CA named in the value: "C=.., CN=Lab CA (valid from .. to ..)" */
    const char *val = dates && dates->peer ? dates->peer : NULL;
    const char *in_paren = ca && val ? strstr(val, " (valid from ") : NULL;
    const char *what = ca ? "A CA certificate of the peer's chain" : "The peer's certificate";
    if (in_paren) {
        what = arena_printf(a, "The CA certificate \"%.*s\" of the peer's chain", (int)(in_paren - val), val);
        val = arena_printf(a, "%.*s", (int)strlen(in_paren + 2) - 1, in_paren + 2);
    }
    d->summary = arena_printf(a, "%s is outside its validity period (%s): %s, or correct "
                              "the clock of the end whose date is wrong.", what,
                              val ? val : "dates not logged",
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
}

static void rec_cert_revoked(arena *a, const rec_input *in, idg_diagnosis *d)
{
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
}

/* ---- the advice table ---- */

/* The IKEv1 authentication method the peer uses, as charon names it ("none
 * allows %N authentication"), where the diagnosis names it. */
static const char *peer_auth_method(const rec_input *in)
{
    const idg_offending *o = find_off(in, "phase1.authentication_method");
    return o && o->peer && strcmp(o->peer, "EAP") != 0 ? o->peer : NULL;
}

/* charon's IKEv1 method names, with pfSense's Authentication Method (the
 * responder's, which serves them) and swanctl's auth rounds for it. */
static const struct {
    const char *charon, *gui, *swanctl;
} IKEV1_AUTH_METHODS[] = {
    {"pre-shared key", "Mutual PSK", "local.auth = psk, remote.auth = psk"},
    {"public key", "Mutual Certificate", "local.auth = pubkey, remote.auth = pubkey"}, /* the auth class */
    {"RSA signature", "Mutual Certificate", "local.auth = pubkey, remote.auth = pubkey"},
    {"ECDSA-256 signature", "Mutual Certificate", "local.auth = pubkey, remote.auth = pubkey"},
    {"ECDSA-384 signature", "Mutual Certificate", "local.auth = pubkey, remote.auth = pubkey"},
    {"ECDSA-521 signature", "Mutual Certificate", "local.auth = pubkey, remote.auth = pubkey"},
    {"XAuthInitPSK", "Mutual PSK + Xauth", "local.auth = psk, remote.auth = psk, remote-2.auth = xauth"},
    {"XAuthRespPSK", "Mutual PSK + Xauth", "local.auth = psk, remote.auth = psk, local-2.auth = xauth"},
    {"XAuthInitRSA", "Mutual Certificate + Xauth",
     "local.auth = pubkey, remote.auth = pubkey, remote-2.auth = xauth"},
    {"XAuthRespRSA", "Mutual Certificate + Xauth",
     "local.auth = pubkey, remote.auth = pubkey, local-2.auth = xauth"},
    {"HybridInitRSA", "Hybrid Certificate + Xauth", "local.auth = pubkey, remote.auth = xauth"},
    {"HybridRespRSA", "Hybrid Certificate + Xauth", "local.auth = xauth, remote.auth = pubkey"},
};

static const char *ikev1_auth_label(const rec_input *in, int swanctl)
{
    const char *m = peer_auth_method(in);
    for (size_t i = 0; m && i < sizeof IKEV1_AUTH_METHODS / sizeof IKEV1_AUTH_METHODS[0]; i++)
        if (strcmp(m, IKEV1_AUTH_METHODS[i].charon) == 0)
            return swanctl ? IKEV1_AUTH_METHODS[i].swanctl : IKEV1_AUTH_METHODS[i].gui;
    return NULL;
}

/* an EAP or XAuth server whose RADIUS server gave no usable answer: the
 * same texts for both classes */
#define RADIUS_AUTH_SERVER "System > User Manager > Authentication Servers > the RADIUS server"
#define RADIUS_ROWS(cls)                                                                          \
    {cls, radius_unconfigured, NULL, "local",                                                     \
     "Give this end's RADIUS server an address and a shared secret, then restart charon.",       \
     RADIUS_AUTH_SERVER ": Hostname or IP address and Shared Secret (VPN > IPsec > Mobile "       \
     "Clients > User Authentication names the server).",                                          \
     "charon.plugins.eap-radius.servers.<name> { address = ...; secret = ... } in "               \
     "strongswan.conf (or eap-radius.server / secret), then restart charon."},                  \
    {cls, radius_unreachable, NULL, "local",                                                      \
     "Make this end's RADIUS server ${radius_server|} reachable: its address and authentication " \
     "port (1812) in this end's settings, that it runs, and that nothing drops RADIUS (UDP) "    \
     "between the two.",                                                                          \
     RADIUS_AUTH_SERVER ": Hostname or IP address and Authentication port; the server must run " \
     "and have this firewall as a client (NAS); VPN > IPsec > Mobile Clients > User "             \
     "Authentication names it.",                                                                  \
     "charon.plugins.eap-radius.servers.${radius_server|<name>}.address and auth_port in "        \
     "strongswan.conf; the RADIUS server must run and list this host as a client."},             \
    {cls, radius_secret, NULL, "local",                                                           \
     "Enter the same RADIUS shared secret on this end and on the RADIUS server, in its client "  \
     "(NAS) entry for this host.",                                                                \
     RADIUS_AUTH_SERVER ": Shared Secret, identical to the secret of this firewall's client "    \
     "(NAS) entry on the RADIUS server.",                                                         \
     "charon.plugins.eap-radius.servers.${radius_server|<name>}.secret = the secret of this "     \
     "host's client entry on the RADIUS server."},                                                \
    {cls, radius_invalid, NULL, "local",                                                          \
     "Check the RADIUS server: it answered with a message charon could not use (malformed, or "   \
     "an EAP answer without a Message-Authenticator); its log says more.",                        \
     RADIUS_AUTH_SERVER ": the address and port must be a RADIUS server's; check that server.",  \
     "charon.plugins.eap-radius.servers.${radius_server|<name>}.address and auth_port must be a " \
     "RADIUS server's; check that server's log."}

/* When a row applies (one line each; `in` is the diagnosis's input). */
#define WHEN(name, expr)                                                      \
    static int name(const rec_input *in, const idg_diagnosis *d)              \
    {                                                                         \
        (void)in;                                                             \
        (void)d;                                                              \
        return (expr);                                                        \
    }
WHEN(dh_retried, d->severity == IDG_SEVERITY_WARNING)
WHEN(eap_round_missing, in->eap_round_missing)
WHEN(xauth_user_refused, in->xauth_user != NULL)
WHEN(v1_auth_unsupported, in->v1_auth_unsupported)
WHEN(xauth_not_sent, in->xauth == 4)
WHEN(xauth_script_failed, in->xauth == 3)
WHEN(xauth_no_secret, in->xauth == 2)
WHEN(xauth_failed, in->xauth != 0)
WHEN(auth_method_refused, peer_auth_method(in) != NULL)
WHEN(key_not_in_keystore, in->cred_load == 3)
WHEN(unique_keep, in->unique_keep)
WHEN(sig_scheme_refused, in->sig_scheme != NULL)
WHEN(p2_transport_not_host, in->p2_mode_peer != NULL && in->transport_refused)
WHEN(p2_mode_mismatch, in->p2_mode_peer != NULL)
WHEN(p2_mode_refused_here, in->mode_refused_here)
WHEN(p2_protocol_mismatch, find_off(in, "phase2.protocol") != NULL)
WHEN(key_not_loaded, in->cred_load == 2)
WHEN(cred_critical_ext, in->cred_critical_ext)
WHEN(cred_not_loaded, in->cred_load)
WHEN(cert_lacks_identity, in->cert_id_mismatch != 0)
WHEN(no_key_for_address_id, in->own_key && !in->own_sign_failed &&
                                 find_off(in, "phase1.my_identifier") != NULL)
WHEN(no_private_key, in->own_key)
WHEN(own_sign_failed, in->own_sign_failed)
WHEN(cert_dates, in->cert_cause == CERT_SUBJECT_DATES || in->cert_cause == CERT_ISSUER_DATES)
WHEN(cert_revoked, in->cert_cause == CERT_REVOKED)
WHEN(cert_status_unknown, in->cert_cause == CERT_STATUS_UNKNOWN)
WHEN(cert_not_sent, in->cert_cause == CERT_NOT_SENT)
WHEN(cert_ca_required, in->cert_cause == CERT_CA_REQUIRED)
WHEN(cert_own_refused, in->own_cert_refused)
WHEN(daemon_already_running, in->pid_file != NULL)
WHEN(daemon_not_run, in->daemon_program != NULL)
WHEN(kernel_no_xfrm, in->kernel_no_xfrm)
WHEN(plugin_failed, in->plugin_failed != NULL)
WHEN(alg_unimplemented, in->alg_unimplemented != NULL)
WHEN(kernel_alg_unsupported, in->kernel_alg != NULL)
WHEN(addke_unimplemented_peer, in->addke_unimplemented_peer)
WHEN(version_unsupported, in->version_unsupported == 1)
WHEN(version_not_built, in->version_unsupported == 2)
WHEN(daemon_init_failed, in->daemon_init_failed)
WHEN(trap_missing, in->trap_missing)
WHEN(bad_proposal, in->bad_proposal != NULL)
WHEN(eap_method_unloadable, in->eap_method_unloadable)
WHEN(eap_crypto_missing, in->eap_crypto_missing)
WHEN(eap_no_msk, in->eap_no_msk)
WHEN(eap_identity_refused_here, in->eap_nak == 1 && eap_is_identity(in->eap_method))
WHEN(eap_identity_refused_there, in->eap_nak != 0 && eap_is_identity(in->eap_method))
WHEN(eap_method_refused, in->eap_nak != 0)
WHEN(eap_identity_unknown, in->eap_id_refused != NULL)
WHEN(eap_user_no_secret, in->eap_user && in->eap_no_key)
WHEN(eap_user_rejected, in->eap_user != NULL)
WHEN(psk_missing, in->psk_missing)
WHEN(secrets_syntax, in->secrets_syntax)
WHEN(secrets_unreadable, in->secrets_unreadable)
WHEN(psk_mm_guessed, in->mm_psk_candidates != NULL)
WHEN(psk_ambiguous, in->any_psks > 1 && (in->cls == IDG_CLASS_PHASE1_PSK_MISMATCH || in->mm_unencrypted))
WHEN(ike_auth_not_arrived, in->half_open && in->half_open_stage == 1)
WHEN(silent_after_our_auth, in->half_open && in->half_open_stage == 2)
WHEN(init_answers_lost, in->half_open && in->half_open_stage == 3)
WHEN(half_open, in->half_open)
WHEN(unresolved_host, in->unresolved_host != NULL)
WHEN(setup_limit_per_ip, in->setup_limit == SETUP_LIMIT_PER_IP)
WHEN(setup_limit_half_open, in->setup_limit == SETUP_LIMIT_HALF_OPEN)
WHEN(setup_limit_job_load, in->setup_limit == SETUP_LIMIT_JOB_LOAD)
WHEN(setup_limit_ikesa, in->setup_limit == SETUP_LIMIT_IKESA)
WHEN(no_socket, in->send_no_socket)
WHEN(lost_route, in->no_route)
WHEN(ike_auth_lost, in->unanswered_after == 1)
WHEN(v1_frag_lost, in->v1_frag_lost)
WHEN(msgid_desync, in->sa_desync == 2)
WHEN(local_address_gone, in->local_down == 1)
WHEN(local_send_failed, in->local_down == 2)
WHEN(sa_desync, in->sa_desync)
WHEN(radius_unreachable, in->radius_fault == RADIUS_UNREACHABLE || in->radius_fault == RADIUS_TIMEOUT)
WHEN(radius_secret, in->radius_fault == RADIUS_SECRET)
WHEN(radius_invalid, in->radius_fault == RADIUS_INVALID)
WHEN(radius_unconfigured, in->radius_fault == RADIUS_UNCONFIGURED)
WHEN(radius_rejected, in->radius_rejected && in->eap_user != NULL)
WHEN(main_mode_id_unanswered, in->unanswered_after == 2)
WHEN(main_mode_id_unanswered_nat, in->unanswered_after == 4)
WHEN(nat_t_unanswered, in->unanswered_after == 3)
WHEN(mm_unencrypted, in->mm_unencrypted)
WHEN(v2_unprotected_answer, in->v2_undecryptable == 1)
WHEN(v2_undecryptable, in->v2_undecryptable == 2)
WHEN(send_error, in->send_error != NULL)
WHEN(policy_conflict_rekey, in->policy_conflict && in->rekey)
WHEN(policy_conflict, in->policy_conflict)
WHEN(route_failed, in->route_failed)
WHEN(sa_exists, in->install_cause == INSTALL_SA_EXISTS)
WHEN(route_is_ike, in->install_cause == INSTALL_ROUTE_IS_IKE)
WHEN(ah_refused, in->p2_ah)
WHEN(offload_refused, in->install_cause == INSTALL_OFFLOAD)
WHEN(no_kernel_ipsec, in->install_cause == INSTALL_NO_KERNEL_IPSEC)
WHEN(spi_refused, in->install_cause == INSTALL_SPI_ALLOC)
WHEN(vip_not_requested, in->vip_cause == VIP_NOT_REQUESTED)
WHEN(vip_peer_requires, in->vip_cause == VIP_PEER_REQUIRES)
WHEN(vip_install, in->vip_cause == VIP_INSTALL)
WHEN(vip_peer_no_address, in->vip_cause == VIP_PEER_NO_ADDRESS)
WHEN(vip_peer_refuses_cp, in->vip_cause == VIP_PEER_REFUSES_CP)
WHEN(vip_dhcp_no_answer, in->vip_cause == VIP_DHCP_NO_ANSWER)
WHEN(vip_pool_full, in->vip_cause == VIP_POOL_FULL && in->vip_pool)
WHEN(rekey_collision, in->rekey_collision)
WHEN(closer_unknown, in->closer_unknown)
WHEN(l2tp_closed, in->l2tp_closed)
#undef WHEN

#define POOL_GUI                                                                                   \
    "VPN > IPsec > Mobile Clients > Virtual Address Pool: check 'Provide a virtual IP address to " \
    "clients' and give it a network with an address for every client"
#define POOL_GUI_FULL                                                                          \
    POOL_GUI " (a larger network if it is full); with RADIUS, check the Framed-IP-Address it "  \
    "returns. Clients that reconnect while their old IKE_SA lives hold a second lease unless "   \
    "VPN > IPsec > Advanced Settings > Configure Unique IDs as is Yes (Replace)."
#define POOL_SWANCTL                                                                        \
    "pools { <pool> { addrs = <a large enough range> } } and connections.${conn}.pools = "    \
    "<pool>; swanctl --list-pools --leases shows the leases (a client holding several: "      \
    "connections.${conn}.unique = replace, ipsec.conf uniqueids = yes, so that its reconnect " \
    "replaces its old IKE_SA)."
#define EAP_IDENTITY_SUMMARY                                                               \
    "Load the eap-identity plugin on the client: it cannot answer the server's EAP-Identity " \
    "request without it."
#define EAP_IDENTITY_GUI                                                                         \
    "On the client: install or enable strongSwan's eap-identity plugin (on Debian/Ubuntu the " \
    "libcharon-extra-plugins package, or libstrongswan-extra-plugins on older releases)."
#define EAP_IDENTITY_SWANCTL                                                              \
    "client: charon.load with eap-identity (or the plugin's load = yes in "               \
    "strongswan.d/charon/eap-identity.conf), then restart charon."

/*
 * One cause of a class and what to change for it. The texts are templates:
 * ${name} or ${name|default} is replaced by the diagnosis's value (rec_token:
 * conn, child, remote, unresolved, eap_method, vip_pool, daemon_program,
 * eap_user, eap_identity, xauth_user, xauth_required, pid_file, plugin, bad_proposal, proposal_why, alg, kernel_alg,
 * peer_auth, peer_auth_gui, peer_auth_swanctl),
 * the default when
 * it has none. A cause whose texts are computed from the offending values
 * has a build function instead. recommend() takes the first row of the
 * class whose `when` holds; a row without `when` is the class's default
 * and comes last.
 */
/* An advice row for every class (one that depends on the cause alone). */
#define ANY_CLASS IDG_CLASS__COUNT

typedef struct advice {
    idg_class cls;
    int (*when)(const rec_input *in, const idg_diagnosis *d);
    void (*build)(arena *a, const rec_input *in, idg_diagnosis *d);
    const char *side, *summary, *pfsense, *strongswan;
} advice;

static const advice ADVICE[] = {
    /* this end's charon lacks an algorithm (whichever class its transform
     * type gave the diagnosis) */
    {ANY_CLASS, alg_unimplemented, NULL, "local",
     "This end's charon has no implementation of ${alg} loaded: load a crypto plugin that "
     "provides it, or take it out of this end's proposals.",
     "VPN > IPsec > Tunnels > Edit Phase 1 / Edit Phase 2: choose an algorithm the system supports "
     "instead of ${alg} (the peer then needs it too).",
     "charon.load (or the plugin's load = yes) with a plugin that provides ${alg} (openssl for "
     "AES-GCM, ChaCha20-Poly1305, SHA-2 and the ECP, Brainpool and Curve25519 groups; gmp for MODP; "
     "ML-KEM: strongSwan 6's ml plugin, or openssl built with OpenSSL 3.5+ or AWS-LC; plugins of "
     "the same strongSwan release as charon, on Debian/Ubuntu its libstrongswan-standard-plugins "
     "and libstrongswan-extra-plugins), then restart charon; or connections.${conn}.proposals / "
     "esp_proposals without it."},
    /* phase 1 proposals */
    {IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH, NULL, rec_phase1_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_HASH_MISMATCH, NULL, rec_phase1_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_PRF_MISMATCH, NULL, rec_phase1_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_PROPOSAL_MISMATCH, NULL, rec_phase1_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_DH_GROUP_MISMATCH, dh_retried, rec_dh_retry, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_DH_GROUP_MISMATCH, addke_unimplemented_peer, NULL, "peer",
     "The peer accepted an additional key exchange (RFC 9370, e.g. ML-KEM) it cannot compute: give "
     "it an implementation, or take the additional key exchange out of both ends' proposals.",
     P1_PATH " > Encryption Algorithm: remove the additional key exchange (ML-KEM) on both ends, "
     "or run a release on the peer whose strongSwan implements it.",
     "on the peer, strongSwan 6.0.2 or later with its openssl plugin on OpenSSL 3.5 or later (or "
     "the ml plugin) loaded; or connections.${conn}.proposals without the ke1_... part on both "
     "ends."},
    {IDG_CLASS_PHASE1_DH_GROUP_MISMATCH, NULL, rec_phase1_proposal, NULL, NULL, NULL, NULL},
    /* phase 2 proposals and networks */
    {IDG_CLASS_PHASE2_ENCRYPTION_MISMATCH, NULL, rec_phase2_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE2_HASH_MISMATCH, NULL, rec_phase2_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE2_PROPOSAL_MISMATCH, p2_transport_not_host, NULL, "local",
     "Use tunnel mode for networks; transport mode only with traffic selectors that are exactly the "
     "two hosts' own addresses.",
     P2_PATH " > Mode: Tunnel IPv4 / Tunnel IPv6 when Local / Remote Network are networks "
     "(Transport protects only traffic between the two firewalls themselves).",
     "connections.${conn}.children.${child}: mode = tunnel for local_ts / remote_ts that are "
     "networks, or mode = transport with local_ts / remote_ts left at the hosts (dynamic)."},
    {IDG_CLASS_PHASE2_PROPOSAL_MISMATCH, p2_mode_mismatch, NULL, "either",
     "Use the same phase 2 mode on both ends: the responder uses ${p2_mode} mode; transport only "
     "for traffic between the two hosts themselves.",
     P2_PATH " > Mode: the same on both ends (Tunnel IPv4 / Tunnel IPv6 for networks, Transport for "
     "host-to-host).",
     "connections.${conn}.children.${child}.mode = tunnel or transport, the same on both ends "
     "(ipsec.conf: type=)."},
    {IDG_CLASS_PHASE2_PROPOSAL_MISMATCH, p2_mode_refused_here, NULL, "either",
     "Use the same phase 2 mode on both ends: the initiator asks for another mode (tunnel or "
     "transport) than this end's phase 2 is set to; transport only for traffic between the two "
     "hosts themselves.",
     P2_PATH " > Mode: the same on both ends (Tunnel IPv4 / Tunnel IPv6 for networks, Transport for "
     "host-to-host).",
     "connections.${conn}.children.${child}.mode = tunnel or transport, the same on both ends "
     "(ipsec.conf: type=)."},
    {IDG_CLASS_PHASE2_PROPOSAL_MISMATCH, p2_protocol_mismatch, NULL, "either",
     "Use the same phase 2 protocol on both ends: ESP (encryption and integrity) on both, or AH "
     "(integrity only) on both, then the same algorithms.",
     P2_PATH " > Protocol: ESP on both ends (AH only where both ends must use it), with the same "
     "Encryption and Hash Algorithms.",
     "connections.${conn}.children.${child}: esp_proposals on both ends (or ah_proposals on both), "
     "with the same algorithms (ipsec.conf: esp= or ah= on both)."},
    {IDG_CLASS_PHASE2_PROPOSAL_MISMATCH, NULL, rec_phase2_proposal, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE2_PFS_MISMATCH, dh_retried, rec_dh_retry, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE2_PFS_MISMATCH, NULL, rec_pfs, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE2_NETWORK_MISMATCH, NULL, rec_network, NULL, NULL, NULL, NULL},
    /* identities and keys */
    {IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH, NULL, rec_identifier, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH, NULL, rec_identifier, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_PSK_MISMATCH, psk_mm_guessed, NULL, "local",
     "Enter the same pre-shared key on both ends; if it is the same already, this end used "
     "another connection's key: let it tell the peers apart before the key is needed (IKEv2 or "
     "Aggressive Mode for peers that share an address, a Remote Gateway of its own per peer, or "
     "one key for all of them).",
     P1_PATH " > Pre-Shared Key: the peer's key, re-typed; if it is right, for the connections "
     "${mm_candidates} that accept this peer's address, Key Exchange "
     "version IKEv2 (or Negotiation mode Aggressive), or Remote Gateway set to each peer's "
     "address (a dynamic DNS name); mobile clients: VPN > IPsec > Mobile Clients with one "
     "Pre-Shared Key for all (VPN > IPsec > Pre-Shared Keys).",
     "the secret of the peer's connection: the peer's key; if it is right, connections "
     "${mm_candidates}: version = 2 (or aggressive = yes), or remote_addrs = the "
     "peer's address for each, or the same secret for all; the secrets' id-N cannot help a Main "
     "Mode responder, which looks the key up before it knows the peer's identity."},
    {IDG_CLASS_PHASE1_PSK_MISMATCH, psk_ambiguous, NULL, "local",
     "Keep one pre-shared key for %any on this end, the peer's (or bind each key to its peer's "
     "address or identity): with several, charon may pick another one for this peer.",
     P1_PATH " > Pre-Shared Key: the peer's key; VPN > IPsec > Pre-Shared Keys: no second entry "
     "for 'any' with another key.",
     "the secrets files: one ': PSK' for %any, or '<peer address or id> : PSK \"...\"' per peer "
     "(NetworkManager L2TP leaves a /etc/ipsec.d/nm-l2tp-ipsec-*.secrets file per connection: "
     "remove the stale ones), then ipsec rereadsecrets."},
    {IDG_CLASS_PHASE1_PSK_MISMATCH, secrets_syntax, NULL, "local",
     "Fix the syntax error charon names in the secrets file (the line number is in its message), "
     "then reread the secrets: charon skipped everything after it.",
     "VPN > IPsec > Pre-Shared Keys and Edit Phase 1 > Pre-Shared Key: re-enter the keys, Save and "
     "Apply Changes, which writes the secrets anew.",
     "ipsec.secrets: one secret per line as '<id> <id> : PSK \"<key>\"' (the ' : ' with blanks "
     "around it, the key quoted when it has blanks or '#'), then ipsec rereadsecrets; swanctl: the "
     "secrets section of swanctl.conf and swanctl --load-creds."},
    {IDG_CLASS_PHASE1_PSK_MISMATCH, secrets_unreadable, NULL, "local",
     "Make the secrets file readable for charon: create it (an empty one will do for an include) "
     "or fix its path and permissions, with the peer's pre-shared key in it, then reread the "
     "secrets.",
     "Status > System Logs > IPsec: the file charon names; VPN > IPsec > Tunnels > Edit Phase 1 > "
     "Pre-Shared Key, Save and Apply Changes (which writes the secrets anew).",
     "/etc/ipsec.secrets (and every file its include lines name) must exist and be readable by "
     "charon (touch it if it is missing, as on NixOS; NetworkManager L2TP includes "
     "/etc/ipsec.d/*.secrets), then ipsec rereadsecrets; with swanctl, the secrets section and "
     "swanctl --load-creds."},
    {IDG_CLASS_PHASE1_PSK_MISMATCH, psk_missing, NULL, "local",
     "Add a pre-shared key for this peer on this end (the same key as the peer's).",
     P1_PATH " > Pre-Shared Key: enter the peer's key (mobile clients: VPN > IPsec > Pre-Shared "
     "Keys, an entry for the client's identifier); check My / Peer identifier, which the key is "
     "looked up by.",
     "secrets { ike-${conn} { secret = <the peer's key>; id-1 = ${remote|<peer id>} } } (id-N: the "
     "identities or addresses the key is for) and reload with swanctl --load-creds."},
    {IDG_CLASS_PHASE1_PSK_MISMATCH, NULL, NULL, "either",
     "Enter the same pre-shared key on both ends.",
     P1_PATH " > Pre-Shared Key: enter the identical key on both firewalls (re-type it; watch for "
     "trailing spaces).",
     "secrets { ike-${conn} { secret = <the same key as the peer>; id-1 = ${remote|<peer id>} } } and "
     "reload with swanctl --load-creds."},
    {IDG_CLASS_PHASE1_MODE_MISMATCH, NULL, rec_mode, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_VERSION_MISMATCH, version_unsupported, NULL, "either",
     "This end's charon has no IKEv1: set the peer to IKEv2, or run a strongSwan built with IKEv1.",
     P1_PATH " > Key Exchange version: IKEv2 on both ends (the system's strongSwan refuses IKEv1; "
     "on the peer, a client set to IKEv1 or L2TP/IPsec needs its IKEv2 equivalent).",
     "the peer: connections.<conn>.version = 2; this end: a strongSwan built with IKEv1 "
     "(configure --enable-ikev1), then restart charon."},
    {IDG_CLASS_PHASE1_VERSION_MISMATCH, version_not_built, NULL, "both",
     "This end's charon has no IKEv1: set the connection to IKEv2 on both ends, or install a "
     "strongSwan built with IKEv1.",
     P1_PATH " > Key Exchange version: IKEv2, on this end and on the peer.",
     "connections.${conn}.version = 2 here and on the peer (then swanctl --load-conns), or a "
     "strongSwan built with IKEv1 (configure --enable-ikev1)."},
    {IDG_CLASS_PHASE1_VERSION_MISMATCH, NULL, rec_version, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_NO_MATCHING_GATEWAY, NULL, rec_no_gateway, NULL, NULL, NULL, NULL},
    /* reaching the peer */
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, ike_auth_not_arrived, NULL, "either",
     "Make sure the peer's IKE_AUTH reaches this end: UDP 4500 open on the path and here, IKE "
     "fragmentation on both ends (a certificate makes IKE_AUTH large); the peer's log says whether "
     "it sent it.",
     "Firewall > Rules > WAN: pass UDP 500 and 4500 (and ESP) from the peer; pfSense enables IKE "
     "fragmentation on every tunnel, the client must too (Windows: the "
     "AssumeUDPEncapsulationContextOnSendRule registry value behind NAT).",
     "connections.${conn}.fragmentation = yes on both ends; UDP 4500 open to this host (and "
     "forwarded, behind NAT); the client's own log around its IKE_AUTH."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, silent_after_our_auth, NULL, "either",
     "Make the peer accept this end's authentication: it must trust the CA of this end's "
     "certificate and find the identity it expects in it; and let the IKE_AUTH answer's fragments "
     "through (IKE fragmentation on both ends).",
     "System > Cert. Manager: the server certificate's CA installed on the clients, its "
     "subjectAltName the name the clients connect to; " P1_PATH " > My identifier: that name.",
     "connections.${conn}.local.certs and local.id (a subjectAltName of the certificate the clients "
     "connect to); the CA on the clients; connections.${conn}.fragmentation = yes."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, init_answers_lost, NULL, "local",
     "Make this end's answers reach the peer: the way back (UDP from this end's port 500 to the "
     "peer's source port) is blocked, NATed wrongly or routed elsewhere.",
     "Firewall > Rules and Firewall > NAT > Outbound on this end (static port for UDP 500/4500), "
     "Diagnostics > Routes: the route back to ${remote|the peer} on the interface the request "
     "came in on.",
     "ip route get ${remote|<peer address>} (the answer leaves by the interface the request came "
     "in on?), the NAT and firewall in front of this host for UDP 500/4500 replies; "
     "charon.plugins.socket-default settings if several addresses are in use."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, half_open, NULL, "either",
     /* the peer reached this end: what it did with the answer is in its log */
     "The peer started an IKE_SA and stopped: check its log for why (it may reject this end's "
     "certificate or identity), and that this end's answers reach it.",
     P1_PATH " > My identifier / My Certificate: what the peer expects; for large answers "
     "(certificates) enable IKE fragmentation on both ends and check the path MTU.",
     "connections.${conn}.local.id / local.certs: what the peer expects; "
     "connections.${conn}.fragmentation = yes on both ends."},
    /* DoS protection: strongswan.conf limits pfSense writes no GUI field for */
    {IDG_CLASS_PHASE1_DOS_PROTECTION, setup_limit_per_ip, NULL, "local",
     "Find what leaves IKE_SAs from ${remote} half open on this end, or raise this end's "
     "per-address limit of half-open IKE_SAs (${limit|charon.block_threshold}).",
     "No GUI field holds this limit: Status > System Logs > IPsec, 'deleting half open IKE_SA "
     "with ${remote} after timeout' shows the attempts that hold it. Many clients behind one NAT "
     "address (one office) share it; a client with wrong settings that retries fills it.",
     "strongswan.conf: charon.block_threshold = <more than the clients behind ${remote}> "
     "(default 5; not below charon.cookie_threshold_ip), then restart charon."},
    {IDG_CLASS_PHASE1_DOS_PROTECTION, setup_limit_half_open, NULL, "local",
     "Find the peers that leave IKE_SAs half open on this end (they fill its limit of "
     "${limit|charon.init_limit_half_open} half-open IKE_SAs), or raise the limit.",
     "No GUI field holds this limit (pfSense writes init_limit_half_open = 1000): Status > System "
     "Logs > IPsec, 'deleting half open IKE_SA with <address> after timeout' names the peers that "
     "start IKE and never finish it (a client with wrong settings, a flood).",
     "strongswan.conf: charon.init_limit_half_open = <higher> (0: no limit), or a shorter "
     "charon.half_open_timeout (default 30 s), then restart charon; swanctl --list-sas shows the "
     "CONNECTING IKE_SAs."},
    {IDG_CLASS_PHASE1_DOS_PROTECTION, setup_limit_job_load, NULL, "local",
     "charon is overloaded: its queue of jobs exceeds its limit (${limit|charon.init_limit_job_load}); "
     "find what loads it, or raise the limit.",
     "No GUI field holds this limit: check the CPU load (Status > Monitoring), the number of "
     "tunnels and clients, and a flood of IKE requests in Status > System Logs > IPsec.",
     "strongswan.conf: charon.init_limit_job_load = <higher> (0: no limit), charon.threads, then "
     "restart charon."},
    {IDG_CLASS_PHASE1_DOS_PROTECTION, setup_limit_ikesa, NULL, "local",
     "This end holds as many IKE_SAs as its limit (${limit|charon.ikesa_limit}) allows: raise the "
     "limit or end stale IKE_SAs.",
     "No GUI field holds this limit: Status > IPsec lists the IKE_SAs; stale duplicates of "
     "reconnecting clients go with VPN > IPsec > Advanced Settings > Configure Unique IDs as "
     "Yes (Replace).",
     "strongswan.conf: charon.ikesa_limit = <higher> (0: no limit), then restart charon; "
     "swanctl --list-sas counts the IKE_SAs."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, unresolved_host, NULL, "local",
     "Make the peer's host name ${unresolved} resolve on this end, or use the peer's IP address.",
     P1_PATH " > Remote Gateway: check the name ${unresolved} (Diagnostics > DNS Lookup), its "
     "dynamic DNS record, and System > General Setup > DNS Servers; or enter the peer's IP address.",
     "connections.${conn}.remote_addrs = ${unresolved}: check that it resolves on this host (DNS, "
     "/etc/resolv.conf), or use the address."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, no_socket, NULL, "local",
     "Load a socket plugin into charon (socket-default): without one it sends and receives no IKE "
     "packets.",
     "Status > System Logs > IPsec: the plugin load errors at charon's start; reinstall or update "
     "the IPsec package.",
     "strongswan.conf charon.load (or charon.plugins.socket-default.load = yes): include "
     "socket-default (or socket-dynamic), then restart charon; the 'loaded plugins:' line at start "
     "lists what is loaded."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, lost_route, NULL, "local",
     "Restore this end's network path to the peer ${remote|}; the IKE_SA moves to the new path "
     "(MOBIKE) or is set up again once a route exists.",
     "Status > Interfaces and Status > Gateways on the end that logged this: its WAN up and its "
     "gateway online; " P1_PATH " > Dead Peer Detection clears the SA if the path does not return.",
     "ip route get ${remote|<peer address>} on this host; connections.${conn}.mobike = yes (the "
     "default) moves the SA to a new address, dpd_delay clears it otherwise; a client of a "
     "dual-stack peer needs a name that resolves to both address families."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, ike_auth_lost, NULL, "either",
     "The peer answers IKE_SA_INIT but not IKE_AUTH: let UDP 4500 through to ${remote|the peer} "
     "and enable IKE fragmentation on both ends (a certificate makes IKE_AUTH large); the peer's "
     "log says whether it received it.",
     "The peer's Firewall > Rules > WAN: pass UDP 4500 from this end (and any NAT router's IPsec "
     "passthrough off); pfSense enables IKE fragmentation on every tunnel, the peer must too.",
     "connections.${conn}.fragmentation = yes on both ends (charon.fragment_size under the path "
     "MTU); UDP 4500 open between the ends."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, v1_frag_lost, NULL, "either",
     "Enable IKE fragmentation on both ends (the peer announces none), or make Main Mode's "
     "message 5 smaller (a shorter certificate chain, an ECDSA key), or let IP fragments pass "
     "between the ends.",
     "Both ends' Phase 1 (pfSense enables IKE fragmentation on every tunnel: the peer must "
     "too); Firewall > Rules and any NAT router on the path: pass IP fragments of UDP 500/4500.",
     "connections.${conn}.fragmentation = yes on both ends (ipsec.conf: fragmentation=yes; "
     "charon.fragment_size under the path MTU); a smaller certificate or key on this end."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, main_mode_id_unanswered, NULL, "either",
     "Enter the same pre-shared key (or matching certificates) and identifiers on both ends, and "
     "let UDP 4500 through: the peer answered Main Mode until this end's first encrypted message.",
     P1_PATH " > Pre-Shared Key (re-type it on both ends), My identifier / Peer identifier (each "
     "end's Peer identifier is the other's My identifier); the peer's Firewall > Rules > WAN: UDP "
     "4500 from this end.",
     "secrets { ike-${conn} { secret = <the peer's key> } }, connections.${conn}.local.id / "
     "remote.id against the peer's; UDP 4500 open between the ends."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, main_mode_id_unanswered_nat, NULL, "either",
     "Let UDP 4500 through to ${remote|the peer} and enter the same pre-shared key (or matching "
     "certificates) and identifiers on both ends: the peer answered Main Mode on UDP 500 and not "
     "this end's first encrypted message, sent on UDP 4500 after NAT detection.",
     "The peer's Firewall > Rules > WAN: pass UDP 4500 from this end (a NAT router's IPsec "
     "passthrough off); " P1_PATH " > Pre-Shared Key and My identifier / Peer identifier on both "
     "ends.",
     "UDP 4500 open between the ends; secrets { ike-${conn} { secret = <the peer's key> } }, "
     "connections.${conn}.local.id / remote.id against the peer's."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, nat_t_unanswered, NULL, "either",
     "Let UDP 4500 through to ${remote|the peer}: the first messages on UDP 500 were answered, "
     "nothing after the move to port 4500 (NAT traversal).",
     "The peer's Firewall > Rules > WAN: pass UDP 4500 from this end; on a NAT router between "
     "the ends, its IPsec passthrough / ALG off.",
     "UDP 4500 open between the ends (and forwarded to the peer if it is behind NAT); "
     "connections.${conn}.encap = yes only if UDP 4500 must be forced."},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, send_error, rec_send_error, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_PEER_UNREACHABLE, NULL, rec_unreachable, NULL, NULL, NULL, NULL},
    {IDG_CLASS_DPD_TIMEOUT, local_address_gone, NULL, "local",
     "This end's address changed: let the tunnel follow it, rather than a fixed address, and "
     "restart when the peer is lost.",
     P1_PATH " > Interface: the WAN interface itself (not a fixed or virtual IP that can move); "
     "Dead Peer Detection on, Child SA Close Action: Restart/Reconnect. If the peer knows this end "
     "by address, a changing WAN address needs a DNS name (Dynamic DNS) as its Remote Gateway and "
     "identifier.",
     "connections.${conn}.local_addrs = %any (or the interface's current address), "
     "children.${child}.dpd_action = restart (or start_action = trap); the peer's remote_addrs by "
     "DNS name when this end's address is dynamic."},
    {IDG_CLASS_DPD_TIMEOUT, local_send_failed, NULL, "local",
     "This end lost its way to the peer: check its interface, its address and its route towards "
     "the peer at that time.",
     "Status > Interfaces (the WAN up, its address and gateway), Status > Gateways, "
     "Diagnostics > Routes: the route to the peer at that time.",
     "ip address / ip route get <peer> on this host at that time; the interface's logs "
     "(PPPoE, DHCP client) around it."},
    {IDG_CLASS_DPD_TIMEOUT, msgid_desync, NULL, "peer",
     "Nothing to change for this IKE_SA: it comes up again when an end initiates. If it recurs, "
     "find why the peer's message IDs fall behind: a failover to a node with a stale copy of "
     "the SA.",
     "The peer's log at that time (a high-availability failover: pfSense does not synchronise "
     "IKE SAs between CARP nodes, so a failover there starts new ones); Dead Peer Detection on "
     "both ends clears the stale SA sooner.",
     "the peer's log at that time (an HA failover, e.g. strongSwan's ha plugin, whose copy of "
     "the SA lags); connections.${conn}.dpd_delay on both ends so that a stale IKE_SA is found "
     "and replaced."},
    {IDG_CLASS_DPD_TIMEOUT, sa_desync, NULL, "either",
     "Nothing to change for this IKE_SA: it comes up again when an end initiates. If it recurs, "
     "let one end start the tunnel and the other only answer, so that the two ends do not "
     "start phase 2 on the same IKE_SA at once.",
     P1_PATH " > Child SA Start Action: None (Responder Only) on one of the two firewalls (the "
     "other keeps Initiate at start or Initiate on demand).",
     "on one end connections.${conn}.children.${child}.start_action = none (the other end start "
     "or trap)."},
    {IDG_CLASS_DPD_TIMEOUT, NULL, NULL, "peer",
     "The peer ${remote|} stopped answering: check that it is up and reachable; DPD then restarts "
     "or clears the tunnel as configured.",
     P1_PATH " > Dead Peer Detection (Delay, Max failures) and Child SA Close Action "
     "(Restart/Reconnect) decide what happens next; check the peer and the path (UDP 500/4500).",
     "connections.${conn}.dpd_delay and children.${child}.dpd_action = restart; check the peer and "
     "the path."},
    {IDG_CLASS_TUNNEL_CLOSED_EARLY, l2tp_closed, NULL, "either",
     "IPsec is up and fine: check the L2TP and PPP layer on top of it, the PPP user name, password "
     "and authentication protocol the client sends, and that the server's L2TP service answers.",
     "VPN > L2TP > Users: the user name and password the client uses; VPN > L2TP > Configuration: "
     "L2TP enabled, and its authentication type (CHAP, MS-CHAPv2) one the client offers; Status > "
     "System Logs > VPN: the L2TP logins.",
     "nothing in charon: the client's L2TP (xl2tpd) and PPP (pppd) settings, its user name, "
     "password and authentication protocols (NetworkManager-l2tp: the connection's User name and "
     "Password, PPP Settings > Authentication methods)."},
    {IDG_CLASS_TUNNEL_CLOSED_EARLY, closer_unknown, NULL, "either",
     "Find out which end closed the tunnel (charon's IKE log level 1 logs who sent the DELETE); "
     "if it was the peer, its log at that time says why.",
     "VPN > IPsec > Advanced Settings > IPsec Logging Controls: IKE SA at Control or higher (Diag, "
     "the default) on this end; Status > System Logs > IPsec on the peer (or the client's own log) "
     "at that time.",
     "strongswan.conf charon.syslog (or filelog) <logger> { ike = 1 } (ipsec.conf: charondebug = "
     "\"ike 1\") on this end; the "
     "peer's charon log around the delete; for remote-access clients, connections.${conn}.pools and "
     "the attributes (DNS, split networks) they are given."},
    {IDG_CLASS_TUNNEL_CLOSED_EARLY, NULL, NULL, "peer",
     "Read the peer's log at the time the tunnel came up: the peer closed it on purpose, and says "
     "why there.",
     "Status > System Logs > IPsec on the peer (or the client's own log) at that time; for mobile "
     "clients, VPN > IPsec > Mobile Clients: the virtual address pool, DNS and network list the "
     "clients receive.",
     "the peer's charon log around its DELETE; for remote-access clients, connections.${conn}.pools "
     "and the attributes (DNS, split networks) they are given."},
    /* authentication */
    /* an IKEv1 connection whose ends authenticate differently (or with EAP) */
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, v1_auth_unsupported, NULL, "local",
     "Give this end's IKEv1 connection one authentication method for both ends (a pre-shared key "
     "or certificates on both), or use IKEv2 for different methods or EAP.",
     P1_PATH " > Authentication Method: Mutual PSK or Mutual Certificate (with Xauth for mobile "
     "clients); the EAP methods need Key Exchange version IKEv2.",
     "connections.${conn}: local.auth and remote.auth the same (psk and psk, or pubkey and "
     "pubkey; XAuth as a second round, remote-xauth or local-xauth), or version = 2 (ipsec.conf: "
     "leftauth = rightauth, or keyexchange = ikev2)."},
    /* the connection's XAuth identity rule refused the user who logged in */
    RADIUS_ROWS(IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE),
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, xauth_user_refused, NULL, "either",
     "The XAuth user ${xauth_user} logged in with the right password, but the connection ${conn} "
     "accepts only the XAuth user ${xauth_required}: have the client log in as that user, or let "
     "the connection accept ${xauth_user}.",
     "The client's XAuth user name (Username of the VPN client): ${xauth_required}. pfSense's own "
     "Mobile Clients Phase 1 accepts every user of its User Authentication source (System > User "
     "Manager, with the 'User - VPN: IPsec xauth Dialin' privilege), so a connection limited to one "
     "user comes from a configuration made outside the GUI.",
     "connections.${conn}.remote-xauth.xauth_id = ${xauth_user} (or no xauth_id: every user with "
     "an XAuth secret), then swanctl --load-conns; ipsec.conf: xauth_identity; or the client's "
     "local-xauth.xauth_id = ${xauth_required}."},
    /* a catch-all remote-access connection took a peer meant for another */
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, eap_round_missing, NULL, "either",
     "The peer's identity matched the connection ${conn}, which requires EAP: give the connection "
     "meant for this peer a peer identifier that matches the identity it sends (or make the peer "
     "send the one that connection expects), or have the peer authenticate with EAP.",
     P1_PATH " of the tunnel meant for this peer > Peer identifier: the identity the peer sends "
     "(the mobile clients' Phase 1, with EAP, matches any identity and takes every peer no other "
     "Phase 1 matches).",
     "connections.<the connection meant for the peer>.remote.id = <the identity the peer sends>, "
     "or the peer's local.id = that connection's remote.id; a remote-access connection "
     "(remote.auth = eap-..., remote.id = %any) takes every peer no other connection matches."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, xauth_not_sent, NULL, "either",
     "The peer requires XAuth (IKEv1 user name and password) and this end sent none: configure the "
     "XAuth user on this end, or turn XAuth off on the peer.",
     "The peer's Mobile Clients / Phase 1 Authentication Method: Mutual PSK without XAuth for "
     "clients that cannot do it; on a client that can, its XAuth user name and password.",
     "connections.${conn}: a second local round local-xauth { auth = xauth; xauth_id = <user> } and "
     "secrets { xauth-<user> { secret = <password> } }; some clients (NetworkManager-l2tp) cannot "
     "do XAuth at all."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, xauth_script_failed, NULL, "local",
     "This end's XAuth script failed to run: repair it (the user's password was never checked).",
     "OPNsense: the script /usr/local/etc/inc/ipsec.auth-user.php must exist and run (reinstall or "
     "update the firmware; check the system log for its errors); pfSense has no such script.",
     "charon.plugins.xauth-generic or an XAuth backend that works (xauth-eap, xauth-pam); fix or "
     "remove the xauth-script plugin's script."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, xauth_no_secret, NULL, "local",
     "This end has no XAuth password for the user: add the user (or its secret) on this end.",
     "System > User Manager: add the user with its password and the 'User - VPN: IPsec xauth "
     "Dialin' privilege; VPN > IPsec > Mobile Clients > User Authentication: the source (Local "
     "Database or RADIUS) that holds it.",
     "secrets { xauth-<user> { id = <user>; secret = <password> } } and swanctl --load-creds (or "
     "an XAuth backend: xauth-eap, xauth-pam with RADIUS)."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, xauth_failed, NULL, "either",
     "Check the XAuth user name and password (the pre-shared key or certificate was accepted).",
     "System > User Manager: the user, its password and the 'User - VPN: IPsec xauth Dialin' "
     "privilege; VPN > IPsec > Mobile Clients > User Authentication: the source (Local Database or "
     "RADIUS) that holds the user.",
     "secrets { xauth-<user> { id = <user>; secret = <password> } } (or the RADIUS server), "
     "connections.${conn}.remote-xauth.auth = xauth."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, psk_ambiguous, NULL, "local",
     "First keep one pre-shared key for %any on this end, the peer's (several were loaded, and "
     "a peer that cannot decrypt this end's message may answer in the clear); if it still "
     "fails, accept the unencrypted Main Mode ID and HASH such a peer sends.",
     P1_PATH " > Pre-Shared Key: the peer's key, no second one for 'any'; then, if needed, VPN > "
     "IPsec > Advanced Settings: 'Accept unencrypted ID and HASH payloads in IKEv1 Main Mode'.",
     "the secrets files: one ': PSK' for %any or one per peer (NetworkManager L2TP leaves a "
     "/etc/ipsec.d/nm-l2tp-ipsec-*.secrets file per connection: remove the stale ones), ipsec "
     "rereadsecrets; then, if needed, charon { accept_unencrypted_mainmode_messages = yes }."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, mm_unencrypted, NULL, "local",
     "Let this end accept the unencrypted Main Mode ID and HASH such a peer sends (or set the peer "
     "to encrypt them); if the peer normally encrypts them, check that both ends have the same "
     "pre-shared key.",
     "VPN > IPsec > Advanced Settings: Unencrypted payloads: 'Accept unencrypted ID and HASH "
     "payloads in IKEv1 Main Mode', then Save; otherwise " P1_PATH " > Pre-Shared Key on both ends.",
     "strongswan.conf: charon { accept_unencrypted_mainmode_messages = yes } and restart charon "
     "(this exposes the identity like Aggressive Mode does); otherwise the secrets of both ends."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, v2_unprotected_answer, NULL, "peer",
     "Read the peer's log for why it rejected IKE_AUTH (its unprotected answer is an error notify "
     "charon does not log): identities, authentication method, certificate or proposals.",
     "Status > System Logs > IPsec on the peer at that time; then " P1_PATH " > My identifier, "
     "Peer identifier and Authentication Method against what the peer expects.",
     "the peer's log around its answer; connections.${conn}.local.id, remote.id and the "
     "local/remote auth rounds against the peer's."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, v2_undecryptable, NULL, "either",
     "Check the path between the ends for what damages or mangles IKE on UDP 4500 (an ALG or "
     "middlebox, fragments dropped or reassembled wrong), and enable IKE fragmentation; a pre-shared "
     "key mismatch does not cause this in IKEv2.",
     "pfSense already enables IKE fragmentation on every tunnel (the peer must too); VPN > IPsec > "
     "Advanced Settings > Maximum MSS: enable MSS clamping; on routers between the ends, any "
     "IPsec passthrough / NAT-T ALG off.",
     "connections.${conn}.fragmentation = yes on both ends (charon.fragment_size smaller than the "
     "path MTU); an IPsec passthrough/ALG on the NAT router off; compare the peer's log of the same "
     "exchange."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, sig_scheme_refused, NULL, "either",
     "Let this end accept the peer's signature scheme ${sig_scheme}, or make the peer sign with "
     "one this end accepts (SHA-2, RSA-PSS).",
     "VPN > IPsec > Tunnels > Edit Phase 1: pfSense does not restrict the peer's signature scheme; "
     "on the peer, use a certificate and key with SHA-2 signatures (System > Cert. Manager: a new "
     "certificate with Digest Algorithm sha256 or better).",
     "connections.${conn}.remote.auth = pubkey (or list the peer's scheme: pubkey-sha1-sha256, "
     "ike:rsa/pss-sha256), or on the peer signature schemes this end's constraint names."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, unique_keep, NULL, "local",
     "Let a new IKE_SA of the same identities replace the old one, or give each client its own "
     "identity: this end's uniqueness policy 'keep' refuses it.",
     "VPN > IPsec > Advanced Settings > Configure Unique IDs as: Replace (or Never where several "
     "clients share one identity).",
     "connections.${conn}.unique = replace (or never for a shared identity; ipsec.conf: uniqueids = "
     "replace / yes), then reload."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, auth_method_refused, NULL, "either",
     "Use one authentication method on both ends: the peer uses ${peer_auth}, which this end's "
     "matching phase 1 does not allow. Allow it on this end, or set the peer to this end's method.",
     P1_PATH " > Authentication Method: ${peer_auth_gui|the peer's method}, with the peer's "
     "Negotiation mode.",
     "connections.${conn}: ${peer_auth_swanctl|local.auth / remote.auth for the peer's method} "
     "(ipsec.conf: leftauth / rightauth / rightauth2), and aggressive as the peer's."},
    {IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, NULL, NULL, "either",
     "Compare the authentication settings of both ends: method, identifiers and the pre-shared key "
     "or certificates.",
     P1_PATH " > Authentication Method, Negotiation mode, My identifier, Peer identifier and "
     "Pre-Shared Key (or My Certificate / Peer Certificate Authority) must match the peer's.",
     "connections.${conn}.local.auth / remote.auth, local.id / remote.id, aggressive and the secrets "
     "must match the peer's."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, key_not_in_keystore, NULL, "local",
     "Give the strongSwan app this end's private key: install the user certificate with its key (a "
     "PKCS#12 file) in the system's credential store and select it in the VPN profile again.",
     "Not a pfSense setting: the client lacks its own key. System > Cert. Manager > Certificates: "
     "export the client's certificate as PKCS#12 (with its key) for the device.",
     "Android: Settings > Security > Install a certificate > VPN & app user certificate (the .p12), "
     "then the profile's User certificate; the app's log must show 'loaded user certificate ... "
     "and private key' and no 'failed to load private key'."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, key_not_loaded, NULL, "local",
     "Make this end's private key loadable: readable by charon (the file's owner and mode), with "
     "its passphrase or unencrypted, in a format charon reads (PEM or DER: RSA, ECDSA, Ed25519 or "
     "PKCS#8), and load it again.",
     "System > Cert. Manager > Certificates: import this end's certificate again with its "
     "private key (unencrypted PEM), then Status > IPsec: reload.",
     "ls -l <key file> (root may read it; AppArmor/SELinux allow charon); openssl pkey -in <key "
     "file> -noout (asks for a passphrase if it has one); swanctl: the key "
     "in /etc/swanctl/private (rsa, ecdsa, pkcs8) and its passphrase in secrets.private-<name>.secret, "
     "then swanctl --load-creds; ipsec.secrets: ': RSA <file> \"<passphrase>\"', then ipsec "
     "rereadsecrets."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cred_critical_ext, NULL, "local",
     "Re-issue the certificate without the critical extension this strongSwan cannot parse (or "
     "with it not marked critical), or use a strongSwan whose X.509 plugin supports it.",
     "System > Cert. Manager > CAs / Certificates: import a CA or certificate issued without that "
     "critical extension (for a CA: Name Constraints), then Status > IPsec: reload.",
     "openssl x509 -in <file> -noout -text shows the extensions marked critical; re-issue it "
     "without that one (or non-critical), or load the openssl/x509 plugin of a strongSwan release "
     "that parses it, then swanctl --load-creds (ipsec rereadall)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cred_not_loaded, NULL, "local",
     "Fix the credential that did not load and load it again: a CA certificate needs the basic "
     "constraint CA:TRUE, each file must be a certificate, key or CRL in PEM or DER.",
     "System > Cert. Manager > CAs / Certificates: re-import the CA or certificate (a CA must be "
     "created or imported as a CA), then Status > IPsec: reload.",
     "openssl x509 -in <file> -noout -text (Basic Constraints: CA:TRUE for a CA); the files in "
     "/etc/swanctl/x509ca, x509 and private (or /etc/ipsec.d/*), then swanctl --load-creds (ipsec "
     "rereadall)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_lacks_identity, rec_cert_identity, NULL, NULL, NULL,
     NULL},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, own_sign_failed, NULL, "local",
     "Let this end's crypto library make the signature the peer needs (the system's crypto policy), "
     "or have the peer accept a stronger one.",
     "System > Cert. Manager > Certificates: this end's certificate and key (re-issue with a key "
     "the system accepts, e.g. ECDSA or RSA of 2048 bits or more); on the peer, allow SHA-2 "
     "signatures (RFC 7427).",
     "the host's crypto policy: allow the scheme (RHEL/Fedora: update-crypto-policies --set "
     "DEFAULT:SHA1, or a policy module), or a key it accepts in connections.${conn}.local.certs; "
     "the peer should offer SHA-2 signature hashes (SIGNATURE_HASH_ALGORITHMS)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, no_key_for_address_id, NULL, "local",
     "Set this end's identity to a name its certificate carries (the subject DN or a "
     "subjectAltName), so that charon finds the certificate and its key; or give it a certificate "
     "for its address.",
     P1_PATH " > My identifier: Distinguished name (the certificate's subject) or a name in its "
     "subjectAltName; My Certificate: this end's certificate, with its private key.",
     "connections.${conn}.local.id = <the certificate's subject DN or a subjectAltName>, "
     "local.certs = <its certificate>, its key in /etc/swanctl/private/ (ipsec.conf: leftid=, "
     "leftcert=)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, no_private_key, NULL, "local",
     "Give this end the private key of its own certificate (or authenticate it with a pre-shared "
     "key, if the peer expects that).",
     "System > Cert. Manager > Certificates: this end's certificate must have its private key "
     "(import the key with it); " P1_PATH " > My Certificate: select it, or Authentication Method: "
     "Mutual PSK if the peer uses a pre-shared key.",
     "connections.${conn}.local.certs = <this end's certificate>, its key in /etc/swanctl/private/ "
     "(RSA, ECDSA or PKCS#8) and swanctl --load-creds; check that key and certificate match and "
     "that the crypto policy allows the signature scheme."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_dates, rec_cert_dates, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_revoked, rec_cert_revoked, NULL, NULL, NULL, NULL},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_not_sent, NULL, "peer",
     "Have the peer send its certificate (it sent none, and this end has no copy of it), or "
     "load the peer's certificate on this end.",
     "On the peer: Phase 1 > My Certificate set, and the peer configured to send it (pfSense "
     "always does; other peers have a send-certificate option); on this end, Peer Certificate "
     "Authority set to the CA that issued it, so that this end asks for it.",
     "the peer's connections.<conn>.local.send_cert = ifasked (the default, answering this end's "
     "certificate request) or always; or the peer's certificate in /etc/swanctl/x509/ here and "
     "connections.${conn}.remote.certs = <it> (ipsec.conf: rightcert)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_own_refused, NULL, "peer",
     "Make this end's certificate verifiable on the peer: the peer must trust the CA that issued "
     "it (and accept the identity it carries).",
     "On the peer: System > Cert. Manager > CAs: import the CA that issued this end's certificate "
     "(this end's " P1_PATH " > My Certificate is issued by it); its " P1_PATH " > Peer Certificate "
     "Authority: that CA; its Peer identifier: a name in this end's certificate.",
     "On the peer: this end's CA certificate in /etc/swanctl/x509ca/ (swanctl --load-creds), "
     "connections.<conn>.remote.cacerts naming it if set, and remote.id a name this end's "
     "certificate carries (ipsec.conf: rightca, rightid)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_ca_required, NULL, "either",
     "Make this connection's Peer Certificate Authority the CA that issued the peer's certificate "
     "(${peer_ca|its issuer}), or give the peer a certificate of ${required_ca|the CA the "
     "connection requires}.",
     P1_PATH " > Peer Certificate Authority: ${peer_ca|the CA that issued the peer's certificate} "
     "instead of ${required_ca|the CA selected now}; or, on the peer, My Certificate: one issued by "
     "${required_ca|that CA}.",
     "connections.${conn}.remote.cacerts = <the certificate file of ${peer_ca|the peer's CA}> "
     "(ipsec.conf: rightca = \"${peer_ca|its DN}\"), or a certificate of ${required_ca|the required "
     "CA} on the peer."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, cert_status_unknown, NULL, "local",
     "Give this end the revocation status of the peer's certificate (its CA's CRL, or an OCSP "
     "responder it can reach), or stop requiring one: the revocation check is strict and found "
     "no status.",
     "System > Cert. Manager > Certificate Revocation: the CRL of the CA that issued the peer's "
     "certificate (imported, or created there if this firewall is that CA); or VPN > IPsec > "
     "Advanced Settings > Strict CRL Checking: off.",
     "the CA's CRL in /etc/swanctl/x509crl/ (swanctl --load-creds), or a CRL distribution point / "
     "OCSP URI in the certificate that this end can reach; or connections.${conn}.remote.revocation "
     "= ifuri or relaxed instead of strict (ipsec.conf: strictcrlpolicy = no)."},
    {IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, NULL, NULL, "local",
     "Make the peer's certificate verifiable here: import and select the CA that issued it.",
     "System > Cert. Manager > CAs: import the CA that issued the peer's certificate; " P1_PATH
     " > Peer Certificate Authority: select it. Check validity dates and revocation.",
     "connections.${conn}.remote.cacerts = <that CA> (or put it in /etc/swanctl/x509ca/) and "
     "swanctl --load-creds."},
    RADIUS_ROWS(IDG_CLASS_PHASE1_EAP_FAILURE),
    {IDG_CLASS_PHASE1_EAP_FAILURE, radius_rejected, NULL, "either",
     "The RADIUS server ${radius_server|} refused the user '${eap_user}' (Access-Reject): check "
     "there that the user exists, its password equals the client's, and its policies admit the "
     "user through this host.",
     "On the RADIUS server (" RADIUS_AUTH_SERVER "): the user ${eap_user}, its password, and "
     "the policy (group, client/NAS) that has to admit it; the client's password must equal it.",
     "the user ${eap_user} on the RADIUS server (charon.plugins.eap-radius.servers); the "
     "client's EAP secret must equal its password there."},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_method_unloadable, NULL, "local",
     "Load the plugin of the EAP method ${eap_method|this end uses} on this end (the EAP server) "
     "and restart charon; no client can authenticate until then.",
     "Status > Services: restart the IPsec service after changing the Phase 1 Authentication "
     "Method (EAP-RADIUS also needs its RADIUS server under VPN > IPsec > Mobile Clients > User "
     "Authentication).",
     "charon.load (or the plugin's load = yes) with the method's plugin (eap-radius, eap-mschapv2, "
     "eap-tls, ...; Debian/Ubuntu: libcharon-extra-plugins), then restart charon."},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_crypto_missing, NULL, "local",
     "Give this end's charon the MD4 and DES that EAP-MS-CHAPv2 computes with: OpenSSL's legacy "
     "provider, or strongSwan's own md4 and des plugins.",
     "Not a setting: a pfSense build has them; System > Update to the current release if this "
     "appears.",
     "charon.plugins.openssl.load_legacy = yes with OpenSSL's legacy provider installed (its "
     "ossl-modules/legacy.so), or load the md4 and des plugins (Debian/Ubuntu: "
     "libstrongswan-extra-plugins; charon.load lists them); then restart charon."},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_no_msk, NULL, "local", /* this end's authentication backend */
     "Make the EAP server return the MSK: with RADIUS, the MS-MPPE-Send-Key and MS-MPPE-Recv-Key "
     "attributes in its Access-Accept.",
     "System > User Manager > Authentication Servers: the RADIUS server must answer EAP-MSCHAPv2 "
     "with MPPE keys (Windows NPS: a network policy with EAP/MS-CHAP v2 authentication; "
     "FreeRADIUS: mschap use_mppe = yes).",
     "charon.plugins.eap-radius: the server must send MS-MPPE keys; or use an EAP method that "
     "derives an MSK (EAP-MSCHAPv2, EAP-TLS) end to end."},
    /* EAP-Identity is no method: the client's eap-identity plugin is missing */
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_identity_refused_here, NULL, "local", EAP_IDENTITY_SUMMARY,
     EAP_IDENTITY_GUI, EAP_IDENTITY_SWANCTL},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_identity_refused_there, NULL, "peer", EAP_IDENTITY_SUMMARY,
     EAP_IDENTITY_GUI, EAP_IDENTITY_SWANCTL},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_method_refused, NULL, "either",
     "Use one EAP method on both ends: the server requests ${eap_method|the server's method}, which "
     "the client refuses.",
     P1_PATH " > Authentication Method (EAP-MSCHAPv2, EAP-TLS or EAP-RADIUS): one the clients "
     "support; on the client, the same method (its EAP type and, for ${eap_method|the server's "
     "method}, its plugin or profile).",
     "server: connections.${conn}.remote.auth = eap-<method> (or eap-dynamic with the methods "
     "clients use); client: load the plugin of ${eap_method|the server's method} (e.g. eap-peap, "
     "eap-mschapv2) or select its method."},
    /* the server ended EAP at the identity: no password was checked */
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_identity_unknown, NULL, "either",
     "The server does not accept the EAP identity '${eap_identity}': configure on the client the "
     "user name the server knows (without one the client sends its IKE identity), or add that "
     "user on the server.",
     "On the server: VPN > IPsec > Pre-Shared Keys, an entry of type EAP whose identifier is "
     "exactly the client's user name (or that user in the RADIUS server of VPN > IPsec > Mobile "
     "Clients > User Authentication).",
     "client: connections.${conn}.local.eap_id = <the user name> (ipsec.conf: eap_identity=<the "
     "user name>) and secrets { eap-<user> { id = <the user name>; secret = <password> } } "
     "(ipsec.secrets: <user> : EAP \"<password>\"); server: that user among its EAP secrets or "
     "in its RADIUS server."},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_user_no_secret, NULL, "either",
     "Add an EAP secret for the user '${eap_user}' on this end (or its RADIUS server), or make the "
     "client send the user name this end has.",
     "VPN > IPsec > Pre-Shared Keys: an entry of type EAP with identifier ${eap_user} and its "
     "password (or System > User Manager with RADIUS); the client's user name must match it.",
     "secrets { eap-${eap_user} { id = ${eap_user}; secret = <password> } } and swanctl "
     "--load-creds; or the user in the RADIUS server (eap-radius)."},
    {IDG_CLASS_PHASE1_EAP_FAILURE, eap_user_rejected, NULL, "either",
     "The password the client sent for '${eap_user}' does not match the secret this end (or its "
     "RADIUS server) has for that user: enter the same password on the client and here.",
     "VPN > IPsec > Pre-Shared Keys: the EAP entry of ${eap_user} (or the RADIUS server's user): "
     "its password must equal the client's.",
     "secrets { eap-${eap_user} { id = ${eap_user}; secret = <the client's password> } } and "
     "swanctl --load-creds."},
    {IDG_CLASS_PHASE1_EAP_FAILURE, NULL, NULL, "either",
     "Check the EAP user's credentials and the EAP method on both ends.",
     "VPN > IPsec > Pre-Shared Keys (EAP identities) or the RADIUS server: check the user's name "
     "and password; VPN > IPsec > Mobile Clients / Edit Phase 1 > Authentication Method must match "
     "the client's.",
     "secrets { eap-<user> { id = <user>; secret = <password> } } and "
     "connections.${conn}.remote.auth = eap-<method>."},
    /* this host */
    {IDG_CLASS_CHARON_CRASHED, daemon_already_running, NULL, "local",
     "Run one charon: stop the other one (or the service that started it) before this one starts, "
     "or, if none runs, delete the stale pid file ${pid_file}.",
     "Status > Services: restart the IPsec service (strongswan), which clears a stale pid file; "
     "nothing else on pfSense may start its own charon.",
     "pgrep -a charon: which charon runs; stop it (systemctl stop strongswan / strongswan-starter, "
     "ipsec stop) when NetworkManager's strongSwan or L2TP plugin should run its own, or use that "
     "one; rm ${pid_file} when no charon runs."},
    {IDG_CLASS_CHARON_CRASHED, daemon_not_run, NULL, "local",
     "Install charon-nm where NetworkManager's strongSwan plugin runs it (${daemon_program}): the "
     "distribution's charon-nm package, or a strongSwan build with --enable-nm whose prefix matches "
     "the plugin's.",
     "Not a pfSense setting: the client's NetworkManager (network-manager-strongswan) cannot run "
     "its IKE daemon; the pfSense side is not reached.",
     "apt install charon-nm (network-manager-strongswan depends on it; dnf: "
     "NetworkManager-strongswan); for a source build, ./configure --enable-nm with the same "
     "--prefix/--libexecdir as the plugin, or rebuild NetworkManager-strongswan with "
     "--with-charon=<the path of charon-nm>."},
    {IDG_CLASS_CHARON_CRASHED, kernel_no_xfrm, NULL, "local",
     "Give charon a kernel with IPsec (xfrm) support: load the xfrm and ESP modules on the host (a "
     "container shares the host's kernel), or run charon with kernel-libipsec instead.",
     "Status > System Logs > IPsec: the kernel errors at charon's start; a pfSense kernel has "
     "IPsec, so check the platform it runs on.",
     "on the host: modprobe xfrm_user xfrm4_tunnel esp4 (esp6, af_key); a container needs "
     "--cap-add NET_ADMIN and a host kernel with XFRM (Docker Desktop's VM kernel has none: use "
     "kernel-libipsec, i.e. charon.plugins.kernel-libipsec.load = yes)."},
    {IDG_CLASS_CHARON_CRASHED, plugin_failed, NULL, "local",
     "Make the plugin '${plugin}' load: install strongSwan and the libraries it was built against "
     "from one release (or the package that holds the plugin), or leave it out of charon.load if "
     "another plugin provides the same.",
     "System > Update: the current release, which ships strongSwan and its libraries together; "
     "Status > System Logs > IPsec: the plugin's 'failed to load' line.",
     "the strongSwan packages and their libraries (OpenSSL, libgmp, ...) from the same release "
     "(ldd on the plugin's .so shows what it lacks); charon.load or the plugin's load setting in "
     "strongswan.d if it is not needed."},
    {IDG_CLASS_CHARON_CRASHED, daemon_init_failed, NULL, "local",
     "Let charon start: load the plugins it needs (the log names the unmet dependency), and in a "
     "container give it the kernel's IPsec support.",
     "Status > System Logs > IPsec: the plugin load errors before 'initialization failed'; "
     "reinstall or update the IPsec package.",
     "strongswan.conf charon.load (or the plugins' load settings) with the kernel interface a host "
     "needs (kernel-netlink, or kernel-libipsec); in Docker: --cap-add NET_ADMIN, the host's "
     "xfrm/esp modules loaded."},
    {IDG_CLASS_CHARON_CRASHED, NULL, NULL, "local",
     "Update strongSwan (or the firmware that ships it); if the crash remains, report it with the "
     "version, the loaded plugins and the stack frames charon logged.",
     "System > Update: the current release; Status > System Logs > IPsec: the lines before the "
     "crash (the connection and exchange that triggered it).",
     "the strongSwan version (ipsec version / swanctl --version), charon.load of the plugins "
     "actually needed, and a backtrace (charon logs 'dumping N stack frame addresses') for the bug "
     "report."},
    {IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED, trap_missing, NULL, "local",
     "Find the kernel policy that no connection owns: remove it if it is stale, or load the (VTI) "
     "phase 2 that should own it.",
     "Status > IPsec > SPDs: the policy and its reqid; VPN > IPsec > Tunnels: the routed (VTI) "
     "Phase 2 enabled and applied, or the stale entry gone after Status > IPsec: Disconnect / a "
     "restart of the IPsec service.",
     "ip xfrm policy (setkey -DP on BSD) for the policy and its reqid; the child that should own it "
     "loaded (swanctl --list-conns), or ip xfrm policy delete for a stale one."},
    {IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED, bad_proposal, NULL, "local",
     "Correct the invalid proposal string '${bad_proposal}' of the connection '${conn|?}' "
     "(${proposal_why|strongSwan cannot parse it}), then reload the configuration.",
     "VPN > IPsec > Tunnels > Edit Phase 1 / Phase 2: Encryption Algorithm, Hash Algorithm and DH "
     "Group that make a valid set (an AES-GCM phase 1 still needs a hash, used as the PRF), Save "
     "and Apply Changes.",
     "ipsec.conf conn ${conn|<conn>}: ike= / esp= with valid proposals (an AEAD cipher in ike= "
     "needs a PRF: ${prf_fixed|aes256gcm16-prfsha256-modp2048}), then ipsec reload; in swanctl.conf "
     "the same holds for proposals / esp_proposals."},
    {IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED, NULL, NULL, "local",
     "Load the connection '${conn|?}' into charon: fix what keeps the configuration from loading, "
     "then reload it.",
     "VPN > IPsec > Tunnels: the phase 1 enabled, Save and Apply Changes; Status > IPsec lists the "
     "loaded connections and Status > System Logs > IPsec the load errors (on OPNsense: VPN > "
     "IPsec > Tunnel Settings, Apply).",
     "swanctl --load-all (ipsec reload for ipsec.conf) and read its errors; swanctl --list-conns "
     "shows what is loaded."},
    /* installing the CHILD_SA */
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, policy_conflict_rekey, NULL, "local",
     "Make the rekeyed CHILD_SA keep its reqid: check that no other phase 2 has the same networks; "
     "if none has, pin the child's reqid (or update strongSwan, whose releases have differed in "
     "how they assign it on a rekey).",
     "VPN > IPsec > Tunnels: no second Phase 2 with the same Local Network and Remote Network "
     "(Status > IPsec > SPDs shows the installed policies and their reqids); System > Update: the "
     "current release.",
     "connections.${conn}.children.${child}.reqid = <a fixed number, unique per child> (ipsec.conf: "
     "reqid=), so every rekey uses it; or a strongSwan release that keeps it; ip xfrm policy shows "
     "which reqid holds the policy."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, policy_conflict, NULL, "local",
     "Another CHILD_SA already has a kernel policy for the same networks: remove the duplicate "
     "phase 2 or give each its own networks.",
     "VPN > IPsec > Tunnels: find the other Phase 2 (in this or another tunnel) with the same Local "
     "Network and Remote Network, and delete or change one; Status > IPsec > SPDs shows the "
     "installed policies.",
     "connections.*.children.*.local_ts / remote_ts: no two children may have the same pair "
     "(swanctl --list-sas, ip xfrm policy show the installed ones)."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, route_failed, NULL, "local",
     "Give this host an address in the tunnel's local network (the source of the route charon "
     "installs), or let traffic reach the tunnel without that route.",
     P2_PATH " > Local Network: a network this firewall has an interface address in (Interfaces > "
     "assign one, or use the LAN subnet).",
     "an address of connections.${conn}.children.${child}.local_ts on an interface of this host (ip "
     "addr add), or strongswan.conf charon.install_routes = no with routes of your own."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, sa_exists, NULL, "local",
     "Find what already installed an SA with that SPI on this host: a second IKE daemon or charon "
     "instance, a stale SA, or a tunnel to this host itself.",
     "Status > IPsec > SADs: the SAs installed; Status > Services: one IPsec service only; VPN > "
     "IPsec > Tunnels: no Phase 1 whose Remote Gateway is this firewall.",
     "ip xfrm state (and ip xfrm state flush for stale ones); one charon per host (no second ipsec "
     "starter, charon-systemd or charon-nm running); remote_addrs is not this host."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, route_is_ike, NULL, "either",
     "Keep the IKE endpoints out of the tunnel's traffic: for traffic between the two gateways "
     "themselves use transport mode, or tunnel networks behind them, not their own addresses.",
     P2_PATH " > Mode: Transport for host-to-host between the two firewalls, or Local / Remote "
     "Network: the networks behind them.",
     "connections.${conn}.children.${child}: mode = transport for host-to-host, or local_ts / "
     "remote_ts without the IKE addresses; on Linux kernel-netlink (not kernel-pfkey) handles "
     "host-to-host tunnels."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, ah_refused, NULL, "local",
     "The kernel refused the AH SA: load AH support in the kernel, or use ESP for this phase 2.",
     P2_PATH " > Protocol: ESP (AH is rarely needed and not supported everywhere).",
     "connections.${conn}.children.${child}: esp_proposals instead of ah_proposals, or load ah4/ah6 "
     "and xfrm_user on the host (a container uses the host's kernel)."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, offload_refused, NULL, "local", /* the NIC's driver refused it */
     "The network card refused to offload the SA: turn hardware offload off for this phase 2, or "
     "use a mode and algorithms the card can offload.",
     "System > Advanced > Networking: disable hardware crypto / IPsec offload for the interface "
     "(and the cryptographic hardware option under Miscellaneous).",
     "connections.${conn}.children.${child}.hw_offload = no (or auto, which falls back to software), "
     "or a mode the card supports (e.g. transport)."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, no_kernel_ipsec, NULL, "local",
     "Load the kernel's IPsec support, then restart the IPsec service: the kernel accepts no SA "
     "without it.",
     "VPN > IPsec: enable IPsec and apply (the firewall loads the ipsec module for an enabled "
     "tunnel); from a shell: kldload ipsec (kldstat shows it), then restart the IPsec service.",
     "FreeBSD: kldload ipsec (ipsec_load=\"YES\" in /boot/loader.conf); Linux: modprobe xfrm_user "
     "esp4 esp6 (or the kernel-libipsec plugin where the kernel has none), then restart charon."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, kernel_alg_unsupported, NULL, "local",
     "The kernel has no ${kernel_alg}: choose phase 2 algorithms it supports (both ends), or give "
     "the kernel support for it.",
     P2_PATH " > Encryption Algorithms / Hash Algorithms: without ${kernel_alg}, on both ends.",
     "connections.${conn}.children.${child}.esp_proposals without ${kernel_alg} on both ends (or "
     "load the kernel's module for it; ESN: drop the esn keyword); ip xfrm state shows what the "
     "kernel accepts."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, spi_refused, NULL, "local", /* no algorithm involved yet */
     "The kernel gave charon no SPI, before any algorithm was involved: make the kernel's IPsec "
     "interface usable for charon; the proposals are not the cause.",
     "Status > System Logs > IPsec: the kernel's error; the ipsec kernel module loaded (kldstat), "
     "then Status > Services: restart the IPsec service.",
     "on Linux: modprobe xfrm_user esp4 esp6 (and xfrm_compat for a 32-bit charon on a 64-bit "
     "kernel, Linux 5.10+, or a 64-bit charon), or charon.plugins.kernel-libipsec.load = yes where "
     "the kernel cannot; then restart charon."},
    {IDG_CLASS_PHASE2_INSTALL_FAILURE, NULL, NULL, "local",
     "The tunnel was negotiated but the kernel refused the SA: use algorithms the kernel supports "
     "and check its IPsec support.",
     P2_PATH " > Encryption Algorithms / Hash Algorithms: choose algorithms the system supports; "
     "check System > Advanced > Miscellaneous (cryptographic hardware) and the system log for "
     "kernel errors.",
     "connections.${conn}.children.${child}.esp_proposals: use kernel-supported algorithms; on Linux "
     "load ESP/XFRM support (esp4, xfrm_user) or use the kernel-libipsec plugin."},
    /* the virtual IP: the end that assigns addresses (a pfSense with
     * mobile clients, a swanctl connection with pools) or the end that
     * must request one */
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_not_requested, NULL, "either",
     "This end hands out virtual IPs on this connection and the peer requested none: make the peer "
     "request one, or, for a site-to-site peer, use a connection without an address pool.",
     "A site-to-site peer must match a tunnel phase 1 (VPN > IPsec > Tunnels: Remote Gateway set to "
     "its address), not the mobile client one; a remote-access client must request an address "
     "(mode config / configuration payload).",
     "connections.${conn}.pools: remove it for a site-to-site peer; or on the peer "
     "connections.<conn>.vips = 0.0.0.0 (ipsec.conf leftsourceip=%config)."},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_peer_requires, NULL, "either",
     "The peer is set up for remote-access clients: request a virtual IP from it, or have the peer "
     "configure a site-to-site connection for this end.",
     "pfSense as a site-to-site gateway requests no virtual IP: the peer must match it with a "
     "connection that has no address pool (on a pfSense peer, a tunnel phase 1 rather than the "
     "mobile client one).",
     "connections.${conn}.vips = 0.0.0.0 (ipsec.conf leftsourceip=%config), or on the peer no pools "
     "on its connection."},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_install, NULL, "local",
     "This end received a virtual IP and could not install it: let charon add the address to an "
     "interface.",
     "Status > System Logs > System: the kernel's error for the address; a pfSense client installs "
     "virtual IPs on its IPsec interface.",
     "strongswan.conf: charon.install_virtual_ip = yes, charon.install_virtual_ip_on = <an existing "
     "interface> (charon needs CAP_NET_ADMIN)."},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_peer_refuses_cp, NULL, "local",
     "Stop requesting a virtual IP on this site-to-site connection: the peer gives none.",
     "VPN > IPsec > Tunnels: a site-to-site Phase 1 (Remote Gateway set, not Mobile Client), whose "
     "Phase 2 networks name the real subnets.",
     "connections.${conn}: no vips (ipsec.conf: no leftsourceip=%config, no modeconfig=pull), and "
     "local_ts / remote_ts of the real networks."},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_peer_no_address, NULL, "peer",
     "The peer has no virtual IP for this end: its pool is full or missing, or this end asks for an "
     "address the peer cannot give.",
     "On the peer, " POOL_GUI ".",
     "On the peer: pools { <pool> { addrs = <range> } } with room, named in its connection's pools; "
     "here connections.${conn}.vips = 0.0.0.0 to accept any address."},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_dhcp_no_answer, NULL, "local",
     "This end gets client addresses by DHCP and its DHCP server did not answer: check the dhcp "
     "plugin's server and interface, or assign addresses from a pool.",
     POOL_GUI ": then no DHCP server is asked.",
     "strongswan.conf: charon.plugins.dhcp.server = <the DHCP server's address> (or the broadcast "
     "address of its network), charon.plugins.dhcp.interface = <the interface towards it>; or pools "
     "{ <pool> { addrs = <range> } } in swanctl.conf."},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, vip_pool_full, NULL, "local",
     "The address pool '${vip_pool}' is full: enlarge it, or free the leases of clients that are "
     "gone (or of their older IKE_SAs, kept when reconnects do not replace them).",
     POOL_GUI_FULL, POOL_SWANCTL},
    {IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE, NULL, NULL, "local", /* none here, or not logged why */
     "This end has no virtual IP for the peer: give the connection an address pool with room for "
     "every client.",
     POOL_GUI_FULL, POOL_SWANCTL},
    {IDG_CLASS_PHASE2_REKEY_FAILURE, rekey_collision, NULL, "either",
     "Nothing to change for one collision; if it repeats, give the ends different or randomised "
     "phase 2 lifetimes so that one rekeys first.",
     P2_PATH " > Life Time / Rekey Time / Rand Time: different on the two ends, or a Rand Time so "
     "the rekeys do not coincide.",
     "connections.${conn}.children.${child}.rekey_time and rand_time: rand_time > 0 (the default) and "
     "not the same rekey_time on both ends."},
    {IDG_CLASS_PHASE2_REKEY_FAILURE, NULL, NULL, "either",
     "Rekeying the phase 2 fails: make the PFS key group and the phase 2 algorithms identical on "
     "both ends.",
     P2_PATH " > PFS key group (and Encryption/Hash Algorithms): identical on both ends; IKEv2 uses "
     "it only from the first rekey on.",
     "connections.${conn}.children.${child}.esp_proposals: same key exchange group on both ends."},
};

/* An IKE proposal string refused because an AEAD cipher lacks a PRF
 * ("aes256gcm16-aes256gmac-modp4096"), corrected: its AEAD ciphers, then
 * prfsha256, then its key exchange methods; other tokens (an integrity
 * algorithm, which AEAD does not take) are left out. NULL when the string
 * is not of that kind. */
static const char *prf_fixed_proposal(arena *a, const rec_input *in)
{
    const char *bad = in->bad_proposal, *why = in->proposal_why;
    if (!bad || !why || !strstr(why, "PRF"))
        return NULL;
    static const char *const aead[] = {"gcm", "ccm", "chacha20poly1305"};
    static const char *const ke[] = {"modp", "ecp", "curve", "x25519", "x448", "brainpool", "mlkem", "ke"};
    char enc[256] = "", grp[256] = "";
    const char *p = bad;
    while (*p) {
        size_t n = strcspn(p, "-");
        char tok[64];
        if (n && n < sizeof tok) {
            memcpy(tok, p, n);
            tok[n] = '\0';
            int is_aead = 0, is_ke = 0;
            for (size_t i = 0; i < sizeof aead / sizeof aead[0]; i++)
                is_aead |= strstr(tok, aead[i]) != NULL;
            for (size_t i = 0; i < sizeof ke / sizeof ke[0]; i++)
                is_ke |= strncmp(tok, ke[i], strlen(ke[i])) == 0;
            char *dst = is_aead ? enc : is_ke ? grp : NULL;
            if (dst && strlen(dst) + n + 2 < 256) {
                if (*dst)
                    strcat(dst, "-");
                strcat(dst, tok);
            }
        }
        p += n;
        if (*p == '-')
            p++;
    }
    if (!enc[0])
        return NULL;
    return arena_printf(a, "%s-prfsha256%s%s", enc, grp[0] ? "-" : "", grp);
}

/* The value of a template's ${name}, or NULL (then its default). *known is
 * cleared for a name no row may use. */
static const char *rec_token(arena *a, const rec_input *in, const char *name, size_t len, int *known)
{
#define IS(s) (len == sizeof s - 1 && memcmp(name, s, len) == 0)
    if (IS("conn"))
        return in->conn;
    if (IS("child"))
        return in->child;
    if (IS("remote"))
        return in->remote_addr;
    if (IS("unresolved"))
        return in->unresolved_host;
    if (IS("limit"))
        return in->setup_limit_value;
    if (IS("eap_method"))
        return in->eap_method;
    if (IS("vip_pool"))
        return in->vip_pool;
    if (IS("daemon_program"))
        return in->daemon_program;
    if (IS("eap_user"))
        return in->eap_user;
    if (IS("radius_server"))
        return in->radius_server;
    if (IS("eap_identity"))
        return in->eap_id_refused;
    if (IS("xauth_user"))
        return in->xauth_user;
    if (IS("xauth_required"))
        return in->xauth_required;
    if (IS("pid_file"))
        return in->pid_file;
    if (IS("plugin"))
        return in->plugin_failed;
    if (IS("bad_proposal"))
        return in->bad_proposal;
    if (IS("proposal_why"))
        return in->proposal_why;
    if (IS("alg"))
        return in->alg_unimplemented;
    if (IS("kernel_alg"))
        return in->kernel_alg;
    if (IS("p2_mode"))
        return in->p2_mode_peer;
    if (IS("sig_scheme"))
        return in->sig_scheme;
    if (IS("mm_candidates"))
        return in->mm_psk_candidates;
    if (IS("required_ca") || IS("peer_ca")) {
        const idg_offending *o = find_off(in, "phase1.peer_certificate_authority");
        return o ? (IS("peer_ca") ? o->peer : o->local) : NULL;
    }
    if (IS("prf_fixed"))
        return prf_fixed_proposal(a, in);
    if (IS("peer_auth"))
        return peer_auth_method(in);
    if (IS("peer_auth_gui"))
        return ikev1_auth_label(in, 0);
    if (IS("peer_auth_swanctl"))
        return ikev1_auth_label(in, 1);
#undef IS
    *known = 0;
    return NULL;
}

/* The default of a token without one: what the texts call the value. */
static const char *rec_token_default(const char *name, size_t len)
{
    if (len == 5 && memcmp(name, "child", 5) == 0)
        return "<child>";
    return len == 4 && memcmp(name, "conn", 4) == 0 ? "<conn>" : "?";
}

/* A template with its tokens filled in; NULL if it names an unknown
 * token or is unterminated (rec_templates_ok finds those). */
static const char *advice_text(arena *a, const rec_input *in, const char *tmpl)
{
    if (!tmpl || !strstr(tmpl, "${"))
        return tmpl;
    strbuf sb = STRBUF_INIT;
    for (const char *p = tmpl; *p;) {
        const char *open = strstr(p, "${");
        if (!open) {
            strbuf_puts(&sb, p);
            break;
        }
        strbuf_append(&sb, p, (size_t)(open - p));
        const char *close = strchr(open, '}');
        if (!close) {
            strbuf_free(&sb);
            return NULL;
        }
        const char *name = open + 2, *bar = memchr(name, '|', (size_t)(close - name));
        size_t len = (size_t)((bar ? bar : close) - name);
        int known = 1;
        const char *v = rec_token(a, in, name, len, &known);
        if (!known) {
            strbuf_free(&sb);
            return NULL;
        }
        if (v)
            strbuf_puts(&sb, v);
        else if (bar)
            strbuf_append(&sb, bar + 1, (size_t)(close - bar - 1));
        else
            strbuf_puts(&sb, rec_token_default(name, len));
        p = close + 1;
    }
    const char *out = sb.failed ? NULL : arena_str(a, sb.data ? sb.data : "");
    strbuf_free(&sb);
    return out;
}

int rec_templates_ok(void)
{
    char buf[4096];
    arena a = {buf, sizeof buf, 0};
    rec_input in;
    memset(&in, 0, sizeof in);
    int ok = 1;
    for (size_t i = 0; i < sizeof ADVICE / sizeof ADVICE[0]; i++) {
        const advice *r = &ADVICE[i];
        /* a row either builds its texts or has all three and a side */
        if (r->build ? (r->summary || r->pfsense || r->strongswan || r->side)
                     : !(r->summary && r->pfsense && r->strongswan && r->side))
            ok = 0;
        const char *t[] = {r->summary, r->pfsense, r->strongswan};
        for (size_t k = 0; k < 3; k++) {
            a.used = 0;
            if (t[k] && !advice_text(&a, &in, t[k]))
                ok = 0;
        }
        /* a class's default row is its last */
        if (!r->when && i + 1 < sizeof ADVICE / sizeof ADVICE[0] && ADVICE[i + 1].cls == r->cls)
            ok = 0;
    }
    return ok;
}

/* A swanctl.conf key an advice may name, and what sets the same thing
 * where a log's connections come from elsewhere. */
typedef struct key_equivalent {
    const char *swanctl, *there;
} key_equivalent;

/* ipsec.conf's keys, for logs whose connections come from ipsec.conf
 * (stroke), or a charon older than swanctl.conf. */
static const key_equivalent IPSEC_CONF_KEYS[] = {
    {"esp_proposals", "esp=<proposals>! (or ah=)"},
    {".proposals", "ike=<proposals>!"},
    {"local_ts", "leftsubnet"},
    {"remote_ts", "rightsubnet"},
    {"local.id", "leftid"},
    {"remote.id", "rightid"},
    {"local.auth", "leftauth"},
    {"remote.auth", "rightauth"},
    {"local.certs", "leftcert"},
    {"remote-2.auth", "rightauth2"},
    {"secrets {", "ipsec.secrets (<ids> : PSK \"<key>\", <user> : XAUTH|EAP \"<password>\", : RSA "
                  "<key file>)"},
    {"xauth_id", "xauth_identity"},
    {"local-xauth", "leftauth2=xauth"},
    {"aggressive", "aggressive=yes|no"},
    {".version", "keyexchange=ikev1|ikev2"},
    {"dpd_delay", "dpddelay"},
    {"dpd_action", "dpdaction"},
    {"vips", "leftsourceip"},
    {".unique", "uniqueids (config setup)"},
    {".reqid", "reqid"},
    {"mode = ", "type=tunnel|transport"},
    {"remote_addrs", "right"},
    {"local_addrs", "left"},
    {"fragmentation", "fragmentation"},
};

/* The settings of a NetworkManager strongSwan VPN connection
 * (nm-connection-editor, or nmcli's vpn.data keys as charon-nm's
 * nm_service.c reads them), for logs of charon-nm. */
static const key_equivalent NM_KEYS[] = {
    {"esp_proposals", "Algorithms > ESP (esp)"},
    {".proposals", "Algorithms > IKE (ike, with 'Enable custom proposals')"},
    {"remote_addrs", "Server > Address (address)"},
    {"remote.id", "Server > Identity (remote-identity)"},
    {"cacerts", "Server > Certificate (certificate)"},
    {"local.id", "Client > Identity (local-identity)"},
    {"local.auth", "Client > Authentication (method)"},
    {"local.certs", "Client > Certificate (usercert)"},
    {"eap_id", "Client > Username (user)"},
    {"secrets {", "the password or key the connection asks for (its secret)"},
    {"vips", "Options > Request an inner IP address (virtual)"},
    {"local_ts", "Options > Local traffic selectors (local-ts)"},
    {"remote_ts", "Options > Remote traffic selectors (remote-ts)"},
    {"encap", "Options > Enforce UDP encapsulation (encap)"},
};

/* OPNsense's menu paths for the pfSense ones the GUI advice names (the
 * Connections pages of 23.1+, the legacy Tunnel Settings beside them),
 * for logs of a host named OPNsense. */
static const key_equivalent OPNSENSE_PATHS[] = {
    {"> Pre-Shared Key:", "VPN > IPsec > Pre-Shared Keys, the key of the two identities (legacy: "
                          "the Phase 1's Pre-Shared Key)"},
    {"Edit Phase 1", "VPN > IPsec > Connections, the connection (legacy: Tunnel Settings, its "
                     "Phase 1)"},
    {"Edit Phase 2", "VPN > IPsec > Connections, its child (legacy: Tunnel Settings, its Phase 2)"},
    {"Pre-Shared Keys", "VPN > IPsec > Pre-Shared Keys"},
    {"Mobile Clients", "VPN > IPsec > Mobile Clients (legacy), or Connections and Pools"},
    {"IPsec > Advanced Settings", "VPN > IPsec > Advanced Settings"},
    {"Status > System Logs > IPsec", "VPN > IPsec > Log File"},
    {"Status > IPsec", "VPN > IPsec > Status Overview, Security Association Database, Security "
                       "Policy Database"},
    {"Status > Services", "System > Diagnostics > Services"},
    {"Cert. Manager", "System > Trust > Authorities / Certificates"},
    {"User Manager", "System > Access > Users / Servers"},
    {"Diagnostics > Routes", "System > Routes > Status"},
    {"System > Update", "System > Firmware > Updates"},
    {"System > General Setup", "System > Settings > General"},
    {"System > Advanced > Networking", "Interfaces > Settings"},
    {"Status > Interfaces", "Interfaces > Overview"},
};

/* " (<intro>: a<sep>b...)" naming the equivalent of each key of table
 * that text mentions, or NULL when it mentions none. */
static const char *equivalents(arena *a, const char *text, const key_equivalent *table, size_t n,
                               const char *sep, const char *intro)
{
    char buf[512];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!strstr(text, table[i].swanctl))
            continue;
        int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? sep : "", table[i].there);
        if (w < 0 || (size_t)w >= sizeof buf - len)
            break;
        len += (size_t)w;
    }
    return len ? arena_printf(a, " (%s: %s)", intro, buf) : NULL;
}

static void recommend_swanctl(arena *a, const rec_input *in, idg_diagnosis *d);

void recommend(arena *a, const rec_input *in, idg_diagnosis *d)
{
    recommend_swanctl(a, in, d);
    const char *eq = in->ipsec_conf && d->strongswan && !strstr(d->strongswan, "ipsec.conf")
                         ? equivalents(a, d->strongswan, IPSEC_CONF_KEYS,
                                       sizeof IPSEC_CONF_KEYS / sizeof IPSEC_CONF_KEYS[0], ", ",
                                       "ipsec.conf")
                         : NULL;
    if (eq)
        d->strongswan = arena_printf(a, "%s%s", d->strongswan, eq);
    if (in->pre_swanctl && d->strongswan)
        d->strongswan = arena_printf(a, "%s This end runs strongSwan %s, older than swanctl.conf "
                                        "(5.2): its connections are in ipsec.conf, and newer "
                                        "options may not exist there.", d->strongswan,
                                     in->pre_swanctl);
    eq = in->opnsense && d->pfsense && !strstr(d->pfsense, "(OPNsense")
             ? equivalents(a, d->pfsense, OPNSENSE_PATHS,
                           sizeof OPNSENSE_PATHS / sizeof OPNSENSE_PATHS[0], "; ", "OPNsense")
             : NULL;
    if (eq)
        d->pfsense = arena_printf(a, "%s%s", d->pfsense, eq);
    eq = in->network_manager && d->strongswan && !strstr(d->strongswan, "NetworkManager, the")
             ? equivalents(a, d->strongswan, NM_KEYS, sizeof NM_KEYS / sizeof NM_KEYS[0], "; ",
                           "NetworkManager, the VPN connection's settings")
             : NULL;
    if (eq)
        d->strongswan = arena_printf(a, "%s%s", d->strongswan, eq);
}

/* The advice in swanctl.conf's terms (and the GUI's). */
static void recommend_swanctl(arena *a, const rec_input *in, idg_diagnosis *d)
{
    for (size_t i = 0; i < sizeof ADVICE / sizeof ADVICE[0]; i++) {
        const advice *r = &ADVICE[i];
        if ((r->cls != in->cls && r->cls != ANY_CLASS) || (r->when && !r->when(in, d)))
            continue;
        if (r->build) {
            r->build(a, in, d);
        } else {
            d->summary = advice_text(a, in, r->summary);
            d->change_side = r->side;
            d->pfsense = advice_text(a, in, r->pfsense);
            d->strongswan = advice_text(a, in, r->strongswan);
        }
        return;
    }
    d->summary = "Compare the settings of both ends.";
    d->change_side = "either";
}
