/*
 * algorithms.c - what the algorithm names in charon's proposal lines mean.
 *
 * A diagnosis is only useful if it speaks the user's language: charon logs
 * "HMAC_SHA2_256_128", swanctl.conf says "sha256", the pfSense GUI shows
 * "SHA256". This file holds that vocabulary as one static table (logged
 * name -> transform type, swanctl keyword, pfSense label, IANA number),
 * taken from the name tables charon prints from and from pfSense's
 * ipsec.inc (see shared/reference/strongswan-messages.md 2.3 and
 * pfsense-ipsec-settings.md 3).
 *
 * Names that are not in the table (a newer strongSwan, a private ID, a
 * key size we did not list) are still filed under a transform type by a
 * second table of name prefixes, so one unknown name never makes a whole
 * proposal unreadable.
 *
 * An exact name is found through a hash index of the table (open
 * addressing, ALG_INDEX_SLOTS slots). A diagnosis looks up every transform
 * of every proposal several times (diff, verdict, recommendation): a scan
 * of the ~130 rows was 8% of the server's time for a 3 KiB diagnose
 * request. The index is a pure function of the table, so it is built at
 * compile time (src/tools/gen_alg_index.c, which calls alg_index_build()
 * below) and is constant data here: nothing to build per engine, no state
 * shared between threads. The rarer lookups (by DH group number, by
 * prefix, the name families) stay linear.
 */
#include "ascii.h"
#include "proposal.h"

#include <stdint.h>
#include <string.h>

typedef struct alg_entry {
    alg_info info;
    transform_type type;
    int id;             /* IANA transform ID (for KE: the DH group), -1 if none */
    const char *prf;    /* INTEG only: the PRF derived from it when none is named */
    size_t len;         /* strlen(info.logged): lookups compare lengths first */
} alg_entry;

#define ENCR(l, k, g, id)     { { l, k, g }, TT_ENCR, id, NULL, sizeof(l) - 1 }
#define INTEG(l, k, g, id, p) { { l, k, g }, TT_INTEG, id, p, sizeof(l) - 1 }
#define PRF(l, k, g, id)      { { l, k, g }, TT_PRF, id, NULL, sizeof(l) - 1 }
#define KE(l, k, g, id)       { { l, k, g }, TT_KE, id, NULL, sizeof(l) - 1 }
#define ESN(l, k, id)         { { l, k, NULL }, TT_ESN, id, NULL, sizeof(l) - 1 }

/* Key-sized ciphers appear once per key size ("_128", "_192", "_256"). */
#define ENCR3(base, kw, kwtail, gui, id)                                   \
    ENCR(base "_128", kw "128" kwtail, gui, id),                           \
    ENCR(base "_192", kw "192" kwtail, gui, id),                           \
    ENCR(base "_256", kw "256" kwtail, gui, id)

/* AEAD ciphers: the ICV length is in the name (_8/_12/_16 bytes), the key
 * size at the end; pfSense offers GCM as "AES<key>-GCM" plus an ICV select. */
#define GCM(icv, icvbits, key)                                             \
    ENCR("AES_GCM_" #icv "_" #key, "aes" #key "gcm" #icv,                  \
         "AES" #key "-GCM " #icvbits " bits", 20 - (16 - icv) / 4)
#define GCM3(icv, icvbits) GCM(icv, icvbits, 128), GCM(icv, icvbits, 192), \
                           GCM(icv, icvbits, 256)
#define CCM3(prefix, kwprefix, icv, id)                                    \
    ENCR(prefix "_" #icv "_128", kwprefix "128ccm" #icv, NULL, id),        \
    ENCR(prefix "_" #icv "_192", kwprefix "192ccm" #icv, NULL, id),        \
    ENCR(prefix "_" #icv "_256", kwprefix "256ccm" #icv, NULL, id)

static const alg_entry alg_table[] = {
    /* ENCR: crypter.c encryption_algorithm_names */
    ENCR("DES_IV64", NULL, NULL, 1),
    ENCR("DES_CBC", "des", NULL, 2),
    ENCR("3DES_CBC", "3des", "3DES", 3),
    ENCR("RC5_CBC", NULL, NULL, 4),
    ENCR("IDEA_CBC", NULL, NULL, 5),
    ENCR("CAST_CBC", "cast128", "CAST128", 6),
    ENCR("CAST_CBC_128", "cast128", "CAST128", 6),
    ENCR("BLOWFISH_CBC_128", "blowfish128", "Blowfish 128 bits", 7),
    ENCR("BLOWFISH_CBC_192", "blowfish192", "Blowfish 192 bits", 7),
    ENCR("BLOWFISH_CBC_256", "blowfish256", "Blowfish 256 bits", 7),
    ENCR("3IDEA", NULL, NULL, 8),
    ENCR("DES_IV32", NULL, NULL, 9),
    ENCR("NULL", "null", NULL, 11),
    ENCR("AES_CBC_128", "aes128", "AES 128 bits", 12),
    ENCR("AES_CBC_192", "aes192", "AES 192 bits", 12),
    ENCR("AES_CBC_256", "aes256", "AES 256 bits", 12),
    ENCR3("AES_CTR", "aes", "ctr", NULL, 13),
    CCM3("AES_CCM", "aes", 8, 14),
    CCM3("AES_CCM", "aes", 12, 15),
    CCM3("AES_CCM", "aes", 16, 16),
    GCM3(8, 64),
    GCM3(12, 96),
    GCM3(16, 128),
    ENCR3("NULL_AES_GMAC", "aes", "gmac", NULL, 21),
    ENCR3("CAMELLIA_CBC", "camellia", "", NULL, 23),
    ENCR3("CAMELLIA_CTR", "camellia", "ctr", NULL, 24),
    CCM3("CAMELLIA_CCM", "camellia", 8, 25),
    CCM3("CAMELLIA_CCM", "camellia", 12, 26),
    CCM3("CAMELLIA_CCM", "camellia", 16, 27),
    ENCR("CHACHA20_POLY1305", "chacha20poly1305", "CHACHA20-POLY1305", 28),
    /* an explicit 256-bit key attribute: never matches the plain form */
    ENCR("CHACHA20_POLY1305_256", "chacha20poly1305compat", NULL, 28),
    ENCR("UNDEFINED", NULL, NULL, 1024),
    ENCR("DES_ECB", NULL, NULL, 1025),
    ENCR3("SERPENT_CBC", "serpent", "", NULL, 1026),
    ENCR3("TWOFISH_CBC", "twofish", "", NULL, 1027),
    ENCR("RC2_CBC", NULL, NULL, 1028),
    ENCR3("AES_ECB", "aes", "ecb", NULL, 1029),
    ENCR3("AES_CFB", "aes", "cfb", NULL, 1030),

    /* INTEG: signer.c integrity_algorithm_names */
    INTEG("HMAC_MD5_96", "md5", "MD5", 1, "PRF_HMAC_MD5"),
    INTEG("HMAC_SHA1_96", "sha1", "SHA1", 2, "PRF_HMAC_SHA1"),
    INTEG("DES_MAC", NULL, NULL, 3, NULL),
    INTEG("KPDK_MD5", NULL, NULL, 4, NULL),
    INTEG("AES_XCBC_96", "aesxcbc", "AES-XCBC", 5, "PRF_AES128_XCBC"),
    INTEG("HMAC_MD5_128", "md5_128", NULL, 6, NULL),
    INTEG("HMAC_SHA1_160", "sha1_160", NULL, 7, NULL),
    INTEG("AES_CMAC_96", "aescmac", NULL, 8, "PRF_AES128_CMAC"),
    INTEG("AES_128_GMAC", NULL, NULL, 9, NULL),
    INTEG("AES_192_GMAC", NULL, NULL, 10, NULL),
    INTEG("AES_256_GMAC", NULL, NULL, 11, NULL),
    INTEG("HMAC_SHA2_256_128", "sha256", "SHA256", 12, "PRF_HMAC_SHA2_256"),
    INTEG("HMAC_SHA2_384_192", "sha384", "SHA384", 13, "PRF_HMAC_SHA2_384"),
    INTEG("HMAC_SHA2_512_256", "sha512", "SHA512", 14, "PRF_HMAC_SHA2_512"),
    INTEG("HMAC_SHA1_128", NULL, NULL, 1025, NULL),
    /* old Linux truncation; never matches HMAC_SHA2_256_128 */
    INTEG("HMAC_SHA2_256_96", "sha256_96", NULL, 1026, NULL),
    INTEG("HMAC_SHA2_256_256", NULL, NULL, 1027, NULL),
    INTEG("HMAC_SHA2_384_384", NULL, NULL, 1028, NULL),
    INTEG("HMAC_SHA2_512_512", NULL, NULL, 1029, NULL),
    INTEG("CAMELLIA_XCBC_96", "camelliaxcbc", NULL, 1030,
          "PRF_CAMELLIA128_XCBC"),

    /* PRF: prf.c pseudo_random_function_names */
    PRF("PRF_HMAC_MD5", "prfmd5", "MD5", 1),
    PRF("PRF_HMAC_SHA1", "prfsha1", "SHA1", 2),
    PRF("PRF_HMAC_TIGER", NULL, NULL, 3),
    PRF("PRF_AES128_XCBC", "prfaesxcbc", "AES-XCBC", 4),
    PRF("PRF_HMAC_SHA2_256", "prfsha256", "SHA256", 5),
    PRF("PRF_HMAC_SHA2_384", "prfsha384", "SHA384", 6),
    PRF("PRF_HMAC_SHA2_512", "prfsha512", "SHA512", 7),
    PRF("PRF_AES128_CMAC", "prfaescmac", NULL, 8),
    PRF("PRF_UNDEFINED", NULL, NULL, 1024),
    PRF("PRF_FIPS_SHA1_160", NULL, NULL, 1025),
    PRF("PRF_FIPS_DES", NULL, NULL, 1026),
    PRF("PRF_KEYED_SHA1", NULL, NULL, 1027),
    PRF("PRF_CAMELLIA128_XCBC", "prfcamelliaxcbc", NULL, 1028),

    /* KE: key_exchange_method_names (5.x diffie_hellman_group_names);
     * labels are pfSense's $p1_dhgroups / $p2_pfskeygroups */
    KE("KE_NONE", NULL, "off", 0),
    KE("MODP_NONE", NULL, "off", 0),
    KE("MODP_768", "modp768", "1 (768 bit)", 1),
    KE("MODP_1024", "modp1024", "2 (1024 bit)", 2),
    KE("MODP_1536", "modp1536", "5 (1536 bit)", 5),
    KE("MODP_2048", "modp2048", "14 (2048 bit)", 14),
    KE("MODP_3072", "modp3072", "15 (3072 bit)", 15),
    KE("MODP_4096", "modp4096", "16 (4096 bit)", 16),
    KE("MODP_6144", "modp6144", "17 (6144 bit)", 17),
    KE("MODP_8192", "modp8192", "18 (8192 bit)", 18),
    KE("ECP_256", "ecp256", "19 (nist ecp256)", 19),
    KE("ECP_384", "ecp384", "20 (nist ecp384)", 20),
    KE("ECP_521", "ecp521", "21 (nist ecp521)", 21),
    KE("MODP_1024_160", "modp1024s160", "22 (1024(sub 160) bit)", 22),
    KE("MODP_2048_224", "modp2048s224", "23 (2048(sub 224) bit)", 23),
    KE("MODP_2048_256", "modp2048s256", "24 (2048(sub 256) bit)", 24),
    KE("ECP_192", "ecp192", "25 (nist ecp192)", 25),
    KE("ECP_224", "ecp224", "26 (nist ecp224)", 26),
    KE("ECP_224_BP", "ecp224bp", "27 (brainpool ecp224)", 27),
    KE("ECP_256_BP", "ecp256bp", "28 (brainpool ecp256)", 28),
    KE("ECP_384_BP", "ecp384bp", "29 (brainpool ecp384)", 29),
    KE("ECP_512_BP", "ecp512bp", "30 (brainpool ecp512)", 30),
    KE("CURVE_25519", "curve25519", "31 (Elliptic Curve 25519, 256 bit)", 31),
    KE("CURVE_448", "curve448", "32 (Elliptic Curve 448, 448 bit)", 32),
    KE("GOST3410_256", NULL, NULL, 33),
    KE("GOST3410_512", NULL, NULL, 34),
    KE("ML_KEM_512", "mlkem512", NULL, 35),
    KE("ML_KEM_768", "mlkem768", NULL, 36),
    KE("ML_KEM_1024", "mlkem1024", NULL, 37),
    KE("MODP_NULL", NULL, NULL, 1024),
    KE("NTRU_112", "ntru112", NULL, 1030),
    KE("NTRU_128", "ntru128", NULL, 1031),
    KE("NTRU_192", "ntru192", NULL, 1032),
    KE("NTRU_256", "ntru256", NULL, 1033),
    KE("NEWHOPE_128", "newhope128", NULL, 1040),
    KE("MODP_CUSTOM", NULL, NULL, 65536),

    /* ESN: not configurable in pfSense (always no ESN) */
    ESN("NO_EXT_SEQ", "noesn", 0),
    ESN("EXT_SEQ", "esn", 1),
};

#define N_ALGS (sizeof(alg_table) / sizeof(alg_table[0]))

/* alg_index_slots[h]: 1 + the row of a name whose hash probes slot h, 0 for
 * an empty slot (the generator builds it with alg_index_build()). */
#ifdef IDG_ALG_INDEX_GENERATOR
static const uint16_t alg_index_slots[ALG_INDEX_SLOTS]; /* not used by the generator */
#else
#include "alg_index_data.h"
#endif

/* The hash of a logged name: its first and last 8 bytes (they overlap in
 * names of 9..15 bytes) and its length, mixed by multiplication. */
static uint32_t alg_name_hash(const char *s, size_t len)
{
    uint64_t a = 0, b = 0;

    memcpy(&a, s, len < 8 ? len : 8);
    if (len > 8)
        memcpy(&b, s + len - 8, 8);
    a ^= (b ^ len) * 0x9E3779B97F4A7C15ull;
    a *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(a >> 40) & (ALG_INDEX_SLOTS - 1);
}

const alg_info *alg_table_row(size_t i)
{
    return i < N_ALGS ? &alg_table[i].info : NULL;
}

size_t alg_index_build(uint16_t slots[ALG_INDEX_SLOTS])
{
    memset(slots, 0, ALG_INDEX_SLOTS * sizeof *slots);
    if (N_ALGS >= ALG_INDEX_SLOTS / 2 || N_ALGS >= UINT16_MAX)
        return 0;   /* too full for short probes: raise ALG_INDEX_SLOTS */
    for (size_t i = 0; i < N_ALGS; i++) {
        const alg_entry *r = &alg_table[i];
        uint32_t h = alg_name_hash(r->info.logged, r->len);
        int dup = 0;

        for (; slots[h]; h = (h + 1) & (ALG_INDEX_SLOTS - 1)) {
            const alg_entry *o = &alg_table[slots[h] - 1];
            if (o->len == r->len && memcmp(o->info.logged, r->info.logged, r->len) == 0)
                dup = 1;   /* the first row of a name is the one found */
        }
        if (!dup)
            slots[h] = (uint16_t)(i + 1);
    }
    return N_ALGS;
}

/* Name families for names the table does not list. A name belongs to an
 * entry if it equals it or continues it with "_" (a key size): "AES_CBC"
 * covers "AES_CBC_512". Entries ending in "_" are plain prefixes. The
 * longest matching entry wins, so "AES_XCBC_96" beats nothing and
 * "NULL_AES_GMAC" beats "NULL" without the table having an order. */
typedef struct type_family {
    const char *prefix;
    transform_type type;
} type_family;

static const type_family type_families[] = {
    {"DES_IV64", TT_ENCR}, {"DES_CBC", TT_ENCR}, {"DES_IV32", TT_ENCR},
    {"DES_ECB", TT_ENCR}, {"3DES_CBC", TT_ENCR}, {"RC5_CBC", TT_ENCR},
    {"IDEA_CBC", TT_ENCR}, {"3IDEA", TT_ENCR}, {"CAST_CBC", TT_ENCR},
    {"BLOWFISH_CBC", TT_ENCR}, {"NULL", TT_ENCR}, {"AES_CBC", TT_ENCR},
    {"AES_CTR", TT_ENCR}, {"AES_CCM_", TT_ENCR}, {"AES_GCM_", TT_ENCR},
    {"AES_ECB", TT_ENCR}, {"AES_CFB", TT_ENCR}, {"NULL_AES_GMAC", TT_ENCR},
    {"CAMELLIA_CBC", TT_ENCR}, {"CAMELLIA_CTR", TT_ENCR},
    {"CAMELLIA_CCM_", TT_ENCR}, {"CHACHA20_POLY1305", TT_ENCR},
    {"SERPENT", TT_ENCR}, {"TWOFISH", TT_ENCR}, {"RC2_CBC", TT_ENCR},

    {"HMAC_", TT_INTEG}, {"AES_XCBC_96", TT_INTEG}, {"AES_CMAC_96", TT_INTEG},
    {"AES_128_GMAC", TT_INTEG}, {"AES_192_GMAC", TT_INTEG},
    {"AES_256_GMAC", TT_INTEG}, {"CAMELLIA_XCBC_96", TT_INTEG},
    {"DES_MAC", TT_INTEG}, {"KPDK_MD5", TT_INTEG},

    {"PRF_", TT_PRF},

    {"MODP_", TT_KE}, {"ECP_", TT_KE}, {"CURVE_", TT_KE}, {"ML_KEM_", TT_KE},
    {"GOST3410_", TT_KE}, {"NTRU_", TT_KE}, {"NEWHOPE_", TT_KE},
    {"KE_NONE", TT_KE},

    {"NO_EXT_SEQ", TT_ESN}, {"EXT_SEQ", TT_ESN},
};

#define N_FAMILIES (sizeof(type_families) / sizeof(type_families[0]))

/* IKEv2 transform type numbers as printed in "UNKNOWN_<type>_<id>". */
static const transform_type iana_types[] = {
    TT__COUNT, TT_ENCR, TT_PRF, TT_INTEG, TT_KE, TT_ESN,
    TT_ADDKE, TT_ADDKE, TT_ADDKE, TT_ADDKE, TT_ADDKE, TT_ADDKE, TT_ADDKE,
};

/* Length of a "KE<1-7>_" additional key exchange prefix at s, else 0. */
static size_t addke_prefix_len(const char *s, size_t len)
{
    if (len >= 4 && s[0] == 'K' && s[1] == 'E' && s[2] >= '1' && s[2] <= '7'
        && s[3] == '_')
        return 4;
    return 0;
}

static const alg_entry *entry_lookup(const char *s, size_t len)
{
    size_t skip = addke_prefix_len(s, len);

    s += skip;
    len -= skip;
    if (len == 0)
        return NULL;
    for (uint32_t h = alg_name_hash(s, len); alg_index_slots[h]; h = (h + 1) & (ALG_INDEX_SLOTS - 1)) {
        const alg_entry *e = &alg_table[alg_index_slots[h] - 1];
        if (e->len == len && memcmp(s, e->info.logged, len) == 0)
            return e;
    }
    return NULL;
}

const alg_info *alg_info_lookup_n(const char *logged, size_t len)
{
    const alg_entry *e = logged ? entry_lookup(logged, len) : NULL;

    return e ? &e->info : NULL;
}

const alg_info *alg_info_lookup(const char *logged)
{
    return logged ? alg_info_lookup_n(logged, strlen(logged)) : NULL;
}

const alg_info *alg_info_for_dh_group_number(int group)
{
    for (size_t i = 0; i < N_ALGS; i++)
        if (alg_table[i].type == TT_KE && alg_table[i].id == group)
            return &alg_table[i].info;
    return NULL;
}

int alg_info_dh_group_number(const char *logged)
{
    const alg_entry *e = logged ? entry_lookup(logged, strlen(logged)) : NULL;

    return e && e->type == TT_KE ? e->id : -1;
}

const char *alg_prf_for_integ(const char *integ)
{
    const alg_entry *e = integ ? entry_lookup(integ, strlen(integ)) : NULL;

    return e && e->type == TT_INTEG ? e->prf : NULL;
}

/* Parses the decimal number at s[*pos..], advancing *pos; -1 if none. */
static long parse_number(const char *s, size_t len, size_t *pos)
{
    long v = 0;
    size_t start = *pos;

    while (*pos < len && ascii_is_digit(s[*pos]) && v < 100000)
        v = v * 10 + (s[(*pos)++] - '0');
    return *pos > start ? v : -1;
}

size_t alg_unknown_numbers(const char *s, size_t len, long *type, long *id)
{
    static const char tag[] = "UNKNOWN_";
    size_t pos = sizeof(tag) - 1;

    if (len <= pos || memcmp(s, tag, pos) != 0)
        return 0;
    *type = parse_number(s, len, &pos);
    if (*type < 0 || pos >= len || s[pos] != '_')
        return 0;
    pos++;
    *id = parse_number(s, len, &pos);
    return *id < 0 ? 0 : pos;
}

/* "UNKNOWN_<type>_<id>[_<keysize>]" names the transform type by number. */
static transform_type unknown_type_of(const char *s, size_t len)
{
    long type, id;

    if (!alg_unknown_numbers(s, len, &type, &id) ||
        (size_t)type >= sizeof(iana_types) / sizeof(iana_types[0]))
        return TT__COUNT;
    return iana_types[type];
}

/* Does the family entry cover the name (equal, or continued by "_")? */
static int family_covers(const char *prefix, const char *s, size_t len)
{
    size_t n = strlen(prefix);

    if (n > len || memcmp(s, prefix, n) != 0)
        return 0;
    return n == len || prefix[n - 1] == '_' || s[n] == '_';
}

static transform_type family_type_of(const char *s, size_t len)
{
    transform_type type = TT__COUNT;
    size_t best = 0;

    for (size_t i = 0; i < N_FAMILIES; i++) {
        size_t n = strlen(type_families[i].prefix);
        if (n > best && family_covers(type_families[i].prefix, s, len)) {
            best = n;
            type = type_families[i].type;
        }
    }
    return type;
}

transform_type transform_type_of(const char *name, size_t len)
{
    const alg_entry *e;

    if (!name || len == 0)
        return TT__COUNT;
    if (addke_prefix_len(name, len))
        return len > 4 ? TT_ADDKE : TT__COUNT;
    e = entry_lookup(name, len);
    if (e)
        return e->type;
    if (name[0] == 'U')
        return unknown_type_of(name, len);
    return family_type_of(name, len);
}

/* Is s a strict beginning of 'whole'? */
static int is_strict_prefix(const char *s, size_t len, const char *whole)
{
    return strlen(whole) > len && memcmp(s, whole, len) == 0;
}

/* "(12" of "(1234)": digits after "(" with the ")" missing. */
static int is_cut_number(const char *s, size_t len)
{
    size_t pos = 1;

    if (len == 0 || s[0] != '(')
        return 0;
    while (pos < len && ascii_is_digit(s[pos]))
        pos++;
    return pos == len;
}

/* "UNKNOWN_3" or "UNKNOWN_3_": the shape of "UNKNOWN_3_1234" cut short. */
static int is_cut_unknown(const char *s, size_t len)
{
    static const char tag[] = "UNKNOWN_";
    size_t pos = sizeof(tag) - 1;

    if (len <= pos)
        return memcmp(s, tag, len) == 0;
    if (memcmp(s, tag, pos) != 0 || parse_number(s, len, &pos) < 0)
        return 0;
    if (pos == len)
        return 1;
    if (s[pos++] != '_')
        return 0;
    return pos == len;
}

/* "K", "KE", "KE3": an additional key exchange prefix cut short. */
static int is_cut_addke(const char *s, size_t len)
{
    static const char kek[] = "KE1";

    if (len > 3 || memcmp(s, kek, len < 2 ? len : 2) != 0)
        return 0;
    return len < 3 || (s[2] >= '1' && s[2] <= '7');
}

int alg_name_is_cut(const char *name, size_t len)
{
    size_t skip;

    if (!name || len == 0)
        return 1;
    if (entry_lookup(name, len))
        return 0;
    if (is_cut_number(name, len) || is_cut_unknown(name, len))
        return 1;
    if (is_cut_addke(name, len))
        return 1;
    skip = addke_prefix_len(name, len);
    if (skip)
        return alg_name_is_cut(name + skip, len - skip);
    for (size_t i = 0; i < N_ALGS; i++)
        if (is_strict_prefix(name, len, alg_table[i].info.logged))
            return 1;
    for (size_t i = 0; i < N_FAMILIES; i++)
        if (is_strict_prefix(name, len, type_families[i].prefix))
            return 1;
    return 0;
}
