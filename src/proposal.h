/*
 * proposal.h - strongSwan proposal lists, parsed and compared.
 *
 * charon logs proposals as "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"
 * and lists of them separated by ", ". A transform's type is known from its
 * name (the same tables charon prints from), so every algorithm is filed
 * under ENCR, INTEG, PRF, KE, ESN or an additional key exchange.
 *
 * proposal_diff compares what the peer sent (received) with what this end
 * has (configured), per transform type, over the whole lists: a type is
 * offending when no received proposal shares an algorithm of that type with
 * any configured proposal of the same protocol. When every type overlaps
 * somewhere but no single pair of proposals agrees on all of them, the
 * mismatch is in the combination. Lists of different protocols (AH
 * against ESP) differ in that first, and are compared across protocols
 * for the rest.
 */
#ifndef IDG_PROPOSAL_H
#define IDG_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

typedef enum transform_type {
    TT_ENCR = 0,
    TT_INTEG,
    TT_PRF,
    TT_KE,       /* DH group / key exchange method; absent = NONE (PFS off) */
    TT_ESN,
    TT_ADDKE,    /* KE1_..KE7_ additional key exchanges (6.x) */
    TT__COUNT
} transform_type;

#define PROPOSAL_MAX          32   /* proposals kept per list */
#define PROPOSAL_MAX_ALGS     16   /* algorithms kept per type per proposal */
#define PROPOSAL_NAME_MAX     40   /* longest algorithm name kept */

typedef struct proposal {
    char protocol[8];                                    /* "IKE", "ESP", "AH" */
    unsigned char count[TT__COUNT];
    char alg[TT__COUNT][PROPOSAL_MAX_ALGS][PROPOSAL_NAME_MAX];
} proposal;

typedef struct proposal_list {
    size_t count;
    int truncated;          /* more proposals or algorithms than kept */
    proposal items[PROPOSAL_MAX];
} proposal_list;

/* Parses a logged list. Returns the number of proposals parsed (0 if none
 * could be). Tolerates a cut-off last proposal and unknown names (filed by
 * position when the name does not tell). */
size_t proposal_list_parse(const char *s, size_t len, proposal_list *out);

/* The type a logged algorithm name belongs to, or TT__COUNT if unknown. */
transform_type transform_type_of(const char *name, size_t len);

/* "encryption", "integrity", "prf", "dh_group", "esn", "additional_ke" */
const char *transform_type_field(transform_type t);

/* The type a transform type's name as charon prints it names
 * ("ENCRYPTION_ALGORITHM", "KEY_EXCHANGE_METHOD", "DIFFIE_HELLMAN_GROUP",
 * "ADDITIONAL_KEY_EXCHANGE_1", IKEv1's "HASH_ALGORITHM", ...), found by the
 * words it contains; TT__COUNT if none. */
transform_type transform_type_named(const char *name, size_t len);

typedef struct proposal_diff {
    int mismatch[TT__COUNT];   /* 1: no overlap of this type */
    int any_pair_matches;      /* 1: some received x configured pair agrees on all */
    int combination_only;      /* every type overlaps somewhere, no pair agrees */
    int n_mismatch;            /* number of types with mismatch[] set */
    int protocol_mismatch;     /* the lists share no protocol (AH received, ESP configured) */
    char local_protocol[16];   /* the protocols of each list, joined with ", " */
    char peer_protocol[16];
    /* Distinct values per type, in first-seen order, joined with ", ";
     * "NONE" stands for an absent type (e.g. no KE = PFS off). */
    char local[TT__COUNT][256];   /* configured */
    char peer[TT__COUNT][256];    /* received */
} proposal_diff;

/* Compares received (peer) against configured (local). Returns 0, or -1
 * if either list is empty. */
int proposal_diff_compute(const proposal_list *received,
                          const proposal_list *configured,
                          proposal_diff *out);

/* ---- pfSense and swanctl vocabulary for logged algorithm names ---- */

typedef struct alg_info {
    const char *logged;     /* "AES_CBC_256", "MODP_1024", "HMAC_SHA1_96" */
    const char *keyword;    /* swanctl keyword: "aes256", "modp1024", "sha1" */
    const char *gui;        /* pfSense label: "AES 256 bits", "2 (1024 bit)", "SHA1" */
} alg_info;
/* keyword is NULL for names swanctl has no keyword for (DES_IV64, KE_NONE);
 * gui is NULL for names the pfSense GUI cannot produce (AES_CTR_128, ...).
 * The GUI labels read "AES 256 bits", "AES256-GCM 128 bits" (algorithm and
 * key-length/ICV select), "SHA256", "14 (2048 bit)", "off" (PFS). */

/* Looks up a logged name (exact), NULL if unknown. An additional key
 * exchange "KE1_ML_KEM_768" gives the entry of "ML_KEM_768". */
const alg_info *alg_info_lookup(const char *logged);
/* The same for a name that is not NUL-terminated. */
const alg_info *alg_info_lookup_n(const char *logged, size_t len);

/* The key exchange of IANA DH group / KE method number 'group' (14 ->
 * MODP_2048, 19 -> ECP_256, 0 -> KE_NONE "off"), NULL if unknown. */
const alg_info *alg_info_for_dh_group_number(int group);
/* The IANA DH group number of a logged KE name ("MODP_2048" -> 14), or -1. */
int alg_info_dh_group_number(const char *logged);

/* "UNKNOWN_<type>_<id>[_<keysize>]", how charon prints a transform its
 * release does not know (a 5.x responder shows a 6.x peer's ML-KEM
 * additional key exchange as "UNKNOWN_6_36"): the IKEv2 transform type and
 * id numbers. Returns the bytes of name read (up to the id), 0 if it is not
 * such a name. */
size_t alg_unknown_numbers(const char *name, size_t len, long *type, long *id);

/* A release without additional key exchanges (before 6.0) prints them by
 * number, "UNKNOWN_6_36": transform types 6..12 are additional key exchange
 * slots 1..7, id 0 none. The slot, and *id, from such a name (NUL-ended,
 * all of it read); 0 for any other. */
int proposal_unknown_addke_slot(const char *name, long *id);

/* The PRF strongSwan derives from an integrity algorithm when a proposal
 * names none ("HMAC_SHA1_96" -> "PRF_HMAC_SHA1"), NULL if there is none. */
const char *alg_prf_for_integ(const char *integ);

/* The exact-name index of the algorithm table: ALG_INDEX_SLOTS slots of
 * 1 + row (0: empty), open addressing. Fills `slots` and returns the number
 * of rows, or 0 if the table does not fit. Used at build time by
 * src/tools/gen_alg_index.c; the library uses the constant it generated. */
#define ALG_INDEX_SLOTS 512
size_t alg_index_build(uint16_t slots[ALG_INDEX_SLOTS]);
/* Row i of the algorithm table, NULL past its end (for the tests). */
const alg_info *alg_table_row(size_t i);

/* 1 if 'name' is not a known name but the beginning of one ("MODP_20",
 * "PRF_HMAC_SH"): the sign of a line cut off by a length limit. */
int alg_name_is_cut(const char *name, size_t len);

/* Writes the swanctl proposal string for one proposal, e.g.
 * "aes256-sha1-modp1024" or "aes128gcm16-prfsha256-ecp256". Unknown names
 * are written lower-cased. Returns the length written (truncated to n-1). */
size_t proposal_to_swanctl(const proposal *p, char *buf, size_t n);

/* Whether a and b share a value of every transform type (ESN only when
 * both carry it): the pair charon would accept, protocols aside. */
int proposal_pair_matches(const proposal *a, const proposal *b);

#endif
