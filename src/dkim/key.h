/* SPDX-License-Identifier: MIT */
/*
 * DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463): what each tag of
 * a record published at SELECTOR._domainkey.DOMAIN says, and what the
 * public key in p= really is, read with OpenSSL. Pure: text in, structs
 * out, no I/O.
 */
#ifndef MXDIAG_DKIM_KEY_H
#define MXDIAG_DKIM_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dkim/tags.h"
#include "util/util.h"

/* Hash algorithms named by h= (a bit set). */
#define DKIM_HASH_SHA1		0x1u
#define DKIM_HASH_SHA256	0x2u
#define DKIM_HASH_OTHER		0x4u	/* names we do not know */

/* Caps on what we keep of one record. */
#define DKIM_P_MAX		4096	/* base64 octets of p=, whitespace removed */
#define DKIM_KEY_DER_MAX	3072	/* decoded key octets */
#define DKIM_NOTES_MAX		256	/* printable octets of n= kept */

enum dkim_key_type {
	DKIM_KEY_RSA,
	DKIM_KEY_ED25519,
	DKIM_KEY_UNKNOWN,	/* k= names something else */
};

/* "rsa", "ed25519", "unknown" (static). */
const char *dkim_key_type_name(enum dkim_key_type t);

struct dkim_key_record {
	enum dkim_tags_status	 syntax;	/* DKIM_TAGS_OK, or why not */
	size_t			 syntax_off;	/* where it went wrong */
	struct dkim_tag_list	 tags;		/* into the text given */

	bool		 has_v;
	bool		 v_ok;		/* v= is "DKIM1" */
	bool		 v_first;	/* v= is the first tag */
	char		 v[32];		/* printable, truncated */

	bool		 has_k;
	enum dkim_key_type key_type;	/* rsa when k= is absent */
	char		 k[32];		/* printable, truncated */

	bool		 has_h;
	unsigned	 hashes;	/* DKIM_HASH_*; all known when absent */

	bool		 has_s;
	bool		 for_email;	/* s= absent, or lists "*" or "email" */
	char		 s[64];

	bool		 has_t;
	bool		 testing;	/* t=y */
	bool		 strict;	/* t=s */
	char		 t[64];

	bool		 has_n;
	char		 notes[DKIM_NOTES_MAX];

	bool		 has_g;		/* RFC 4871's g=, gone since RFC 6376 */

	bool		 has_p;
	bool		 p_too_long;	/* over DKIM_P_MAX: not copied */
	size_t		 p_len;		/* octets in p, whitespace removed */
	char		 p[DKIM_P_MAX + 1];
	struct strvec	 unknown_tags;	/* names, ignored per §3.6.1 */
};

/*
 * Read a record (len octets of any bytes; the TXT strings already joined).
 * Never fails: rec->syntax says whether the tag-list parsed, and the has_*
 * fields what it held. rec keeps pointers into text (rec->tags); free with
 * dkim_key_record_clear().
 */
void dkim_key_record_parse(const char *text, size_t len,
    struct dkim_key_record *rec);
void dkim_key_record_clear(struct dkim_key_record *rec);

enum dkim_key_status {
	DKIM_KEYST_OK = 0,
	DKIM_KEYST_REVOKED,	/* p= is empty */
	DKIM_KEYST_MISSING,	/* no p= at all */
	DKIM_KEYST_BASE64,	/* p= is not base64 */
	DKIM_KEYST_DER,		/* neither SubjectPublicKeyInfo nor RSAPublicKey */
	DKIM_KEYST_MISMATCH,	/* a key of another type than k= names */
	DKIM_KEYST_LENGTH,	/* ed25519: not the 32 raw octets of RFC 8463 */
	DKIM_KEYST_UNSUPPORTED,	/* k= names an algorithm we cannot check */
	DKIM_KEYST_TOOLONG,	/* p= over DKIM_P_MAX */
};

enum dkim_key_format {
	DKIM_FMT_NONE,
	DKIM_FMT_SPKI,		/* SubjectPublicKeyInfo DER (what everyone uses) */
	DKIM_FMT_PKCS1,		/* bare RSAPublicKey DER */
	DKIM_FMT_RAW,		/* ed25519: the 32-octet key itself */
};

/* "none", "spki", "pkcs1", "raw" (static). */
const char *dkim_key_format_name(enum dkim_key_format f);

struct dkim_key_info {
	enum dkim_key_status	 status;
	enum dkim_key_format	 format;
	/* What the decoded octets turned out to be (for mismatches). */
	enum dkim_key_type	 found_type;
	char			 found_name[32];	/* "RSA", "ED25519", "EC", ... */
	int			 bits;		/* RSA modulus bits; 256 for ed25519 */
	size_t			 der_len;	/* decoded octets */
	char			 detail[160];	/* why, for errors */
};

/*
 * Decode p= and read the key with OpenSSL. Returns info->status: OK only
 * when the key loads as the type k= names. An RSA key is accepted as a
 * SubjectPublicKeyInfo or, failing that, a bare RSAPublicKey; an ed25519
 * key must be the raw 32 octets of RFC 8463 (an ed25519
 * SubjectPublicKeyInfo is reported as DKIM_KEYST_LENGTH).
 */
enum dkim_key_status dkim_key_analyze(const struct dkim_key_record *rec,
    struct dkim_key_info *info);

/*
 * Strict base64 (RFC 4648 alphabet, padding optional at the end only).
 * Returns the number of octets written, or -1 when in is not base64 or
 * out (outlen octets) is too small.
 */
long dkim_base64_decode(const char *in, size_t inlen, uint8_t *out,
    size_t outlen);

#endif
