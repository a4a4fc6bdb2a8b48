/* SPDX-License-Identifier: MIT */
/*
 * The meaning of each tag of a DKIM key record and the reading of its
 * public key with OpenSSL 3. Only facts are gathered here; which of them
 * is a problem, and how bad, is decided in dkim/judge.c.
 */
#include "dkim/key.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

static const char *const key_type_names[] = {
	[DKIM_KEY_RSA] = "rsa",
	[DKIM_KEY_ED25519] = "ed25519",
	[DKIM_KEY_UNKNOWN] = "unknown",
};

const char *
dkim_key_type_name(enum dkim_key_type t)
{
	if ((size_t)t < sizeof(key_type_names) / sizeof(key_type_names[0]))
		return key_type_names[t];
	return "unknown";
}

static const char *const key_format_names[] = {
	[DKIM_FMT_NONE] = "none",
	[DKIM_FMT_SPKI] = "spki",
	[DKIM_FMT_PKCS1] = "pkcs1",
	[DKIM_FMT_RAW] = "raw",
};

const char *
dkim_key_format_name(enum dkim_key_format f)
{
	if ((size_t)f < sizeof(key_format_names) / sizeof(key_format_names[0]))
		return key_format_names[f];
	return "none";
}

/* A tag's value made printable into a fixed buffer. */
static void
key_copy_value(char *dst, size_t dstlen, const struct dkim_tag *t)
{
	util_printable(dst, dstlen, t->value, t->len);
}

/*
 * Walk a colon-separated list (h=, s=, t=), calling fn for each element
 * with surrounding whitespace removed. RFC 6376 lets FWS surround the
 * colons.
 */
static void
key_each_item(const struct dkim_tag *t,
    void (*fn)(const char *s, size_t len, struct dkim_key_record *rec),
    struct dkim_key_record *rec)
{
	size_t b = 0;

	while (b <= t->len) {
		size_t e = b, s, x;

		while (e < t->len && t->value[e] != ':')
			e++;
		for (s = b; s < e && dkim_is_space((unsigned char)t->value[s]); s++)
			continue;
		for (x = e; x > s && dkim_is_space((unsigned char)t->value[x - 1]); x--)
			continue;
		fn(t->value + s, x - s, rec);
		b = e + 1;
	}
}

static bool
key_item_eq(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

static void
key_hash_item(const char *s, size_t len, struct dkim_key_record *rec)
{
	if (len == 0)
		return;
	if (key_item_eq(s, len, "sha1"))
		rec->hashes |= DKIM_HASH_SHA1;
	else if (key_item_eq(s, len, "sha256"))
		rec->hashes |= DKIM_HASH_SHA256;
	else
		rec->hashes |= DKIM_HASH_OTHER;
}

static void
key_service_item(const char *s, size_t len, struct dkim_key_record *rec)
{
	if (key_item_eq(s, len, "*") || key_item_eq(s, len, "email"))
		rec->for_email = true;
}

static void
key_flag_item(const char *s, size_t len, struct dkim_key_record *rec)
{
	if (key_item_eq(s, len, "y"))
		rec->testing = true;
	else if (key_item_eq(s, len, "s"))
		rec->strict = true;
}

void
dkim_key_record_parse(const char *text, size_t len,
    struct dkim_key_record *rec)
{
	const struct dkim_tag *t;

	memset(rec, 0, sizeof(*rec));
	rec->key_type = DKIM_KEY_RSA;
	rec->hashes = DKIM_HASH_SHA1 | DKIM_HASH_SHA256;
	rec->for_email = true;
	rec->syntax = dkim_tags_parse(text, len, &rec->tags, &rec->syntax_off);
	if (rec->syntax != DKIM_TAGS_OK)
		return;

	if ((t = dkim_tags_get(&rec->tags, "v")) != NULL) {
		rec->has_v = true;
		rec->v_ok = dkim_tag_is(t, "DKIM1");
		rec->v_first = t == &rec->tags.v[0];
		key_copy_value(rec->v, sizeof(rec->v), t);
	}
	if ((t = dkim_tags_get(&rec->tags, "k")) != NULL) {
		rec->has_k = true;
		key_copy_value(rec->k, sizeof(rec->k), t);
		/* Algorithm names compare case-insensitively in practice
		 * (libraries lower-case them); RFC 6376 does not say. */
		if (dkim_tag_is_nocase(t, "rsa"))
			rec->key_type = DKIM_KEY_RSA;
		else if (dkim_tag_is_nocase(t, "ed25519"))
			rec->key_type = DKIM_KEY_ED25519;
		else
			rec->key_type = DKIM_KEY_UNKNOWN;
	}
	if ((t = dkim_tags_get(&rec->tags, "h")) != NULL) {
		rec->has_h = true;
		rec->hashes = 0;
		key_each_item(t, key_hash_item, rec);
	}
	if ((t = dkim_tags_get(&rec->tags, "s")) != NULL) {
		rec->has_s = true;
		rec->for_email = false;
		key_copy_value(rec->s, sizeof(rec->s), t);
		key_each_item(t, key_service_item, rec);
	}
	if ((t = dkim_tags_get(&rec->tags, "t")) != NULL) {
		rec->has_t = true;
		key_copy_value(rec->t, sizeof(rec->t), t);
		key_each_item(t, key_flag_item, rec);
	}
	if ((t = dkim_tags_get(&rec->tags, "n")) != NULL) {
		rec->has_n = true;
		key_copy_value(rec->notes, sizeof(rec->notes), t);
	}
	rec->has_g = dkim_tags_get(&rec->tags, "g") != NULL;
	if ((t = dkim_tags_get(&rec->tags, "p")) != NULL) {
		rec->has_p = true;
		for (size_t i = 0; i < t->len; i++) {
			if (dkim_is_space((unsigned char)t->value[i]))
				continue;
			if (rec->p_len == DKIM_P_MAX) {
				rec->p_too_long = true;
				break;
			}
			rec->p[rec->p_len++] = t->value[i];
		}
		rec->p[rec->p_len] = '\0';
	}
	for (size_t i = 0; i < rec->tags.n; i++) {
		static const char *const known[] = {
			"v", "k", "h", "s", "t", "n", "g", "p",
		};
		bool is_known = false;

		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(rec->tags.v[i].name, known[k]) == 0)
				is_known = true;
		if (!is_known)
			strvec_push(&rec->unknown_tags, rec->tags.v[i].name);
	}
}

void
dkim_key_record_clear(struct dkim_key_record *rec)
{
	if (rec == NULL)
		return;
	strvec_clear(&rec->unknown_tags);
	memset(rec, 0, sizeof(*rec));
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
dkim_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen)
{
	uint32_t acc = 0;
	size_t n = 0, bits = 0, pad = 0, data = 0;

	for (size_t i = 0; i < inlen; i++) {
		int v;

		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64_value((unsigned char)in[i])) < 0)
			return -1;	/* data after padding, or not base64 */
		data++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outlen)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* One leftover character cannot encode an octet; padding, when
	 * present, must complete the last quantum exactly. */
	if (data % 4 == 1 || pad > 2 || (pad > 0 && (data + pad) % 4 != 0))
		return -1;
	return (long)n;
}

/* Name of an EVP_PKEY's type, for messages ("RSA", "ED25519", "EC"). */
static void
key_pkey_name(EVP_PKEY *pk, char *out, size_t outlen)
{
	const char *n = EVP_PKEY_get0_type_name(pk);

	snprintf(out, outlen, "%s", n != NULL ? n : "unknown");
}

static void
key_set(struct dkim_key_info *info, enum dkim_key_status st, const char *msg)
{
	info->status = st;
	snprintf(info->detail, sizeof(info->detail), "%s", msg);
}

/* An RSA key for k=rsa: SPKI first, then a bare RSAPublicKey. */
static void
key_analyze_rsa(const uint8_t *der, size_t len, struct dkim_key_info *info)
{
	const unsigned char *p = der;
	EVP_PKEY *pk;

	if ((pk = d2i_PUBKEY(NULL, &p, (long)len)) != NULL &&
	    p == der + len) {
		info->format = DKIM_FMT_SPKI;
	} else {
		EVP_PKEY_free(pk);
		p = der;
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
		if (pk == NULL || p != der + len) {
			EVP_PKEY_free(pk);
			if (len == 32) {
				info->found_type = DKIM_KEY_ED25519;
				snprintf(info->found_name,
				    sizeof(info->found_name), "ED25519");
				key_set(info, DKIM_KEYST_MISMATCH, "32 octets: "
				    "an ed25519 key (RFC 8463) in a record "
				    "without k=ed25519");
				return;
			}
			key_set(info, DKIM_KEYST_DER, "not a DER "
			    "SubjectPublicKeyInfo nor an RSAPublicKey");
			return;
		}
		info->format = DKIM_FMT_PKCS1;
	}
	key_pkey_name(pk, info->found_name, sizeof(info->found_name));
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
		info->found_type = DKIM_KEY_RSA;
		info->bits = EVP_PKEY_get_bits(pk);
		info->status = DKIM_KEYST_OK;
	} else {
		info->found_type = EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519 ?
		    DKIM_KEY_ED25519 : DKIM_KEY_UNKNOWN;
		info->bits = EVP_PKEY_get_bits(pk);
		info->status = DKIM_KEYST_MISMATCH;
		snprintf(info->detail, sizeof(info->detail), "the key is %s, "
		    "not RSA", info->found_name);
	}
	EVP_PKEY_free(pk);
}

/* An ed25519 key for k=ed25519: exactly 32 raw octets (RFC 8463 §4.2). */
static void
key_analyze_ed25519(const uint8_t *der, size_t len, struct dkim_key_info *info)
{
	EVP_PKEY *pk;

	if (len != 32) {
		const unsigned char *p = der;

		/* Say what was published instead, when we can tell. */
		if ((pk = d2i_PUBKEY(NULL, &p, (long)len)) != NULL) {
			key_pkey_name(pk, info->found_name,
			    sizeof(info->found_name));
			info->bits = EVP_PKEY_get_bits(pk);
			if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519) {
				info->found_type = DKIM_KEY_ED25519;
				info->format = DKIM_FMT_SPKI;
				snprintf(info->detail, sizeof(info->detail),
				    "an ed25519 SubjectPublicKeyInfo (%zu "
				    "octets); RFC 8463 wants the 32-octet key "
				    "alone", len);
				info->status = DKIM_KEYST_LENGTH;
			} else {
				info->found_type = EVP_PKEY_get_base_id(pk) ==
				    EVP_PKEY_RSA ? DKIM_KEY_RSA : DKIM_KEY_UNKNOWN;
				info->format = DKIM_FMT_SPKI;
				snprintf(info->detail, sizeof(info->detail),
				    "the key is %s, not ed25519",
				    info->found_name);
				info->status = DKIM_KEYST_MISMATCH;
			}
			EVP_PKEY_free(pk);
			return;
		}
		snprintf(info->detail, sizeof(info->detail), "%zu octets; an "
		    "ed25519 key is 32", len);
		info->status = DKIM_KEYST_LENGTH;
		return;
	}
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, len);
	if (pk == NULL) {
		key_set(info, DKIM_KEYST_DER, "OpenSSL refused the ed25519 key");
		return;
	}
	info->format = DKIM_FMT_RAW;
	info->found_type = DKIM_KEY_ED25519;
	snprintf(info->found_name, sizeof(info->found_name), "ED25519");
	info->bits = 256;
	info->status = DKIM_KEYST_OK;
	EVP_PKEY_free(pk);
}

enum dkim_key_status
dkim_key_analyze(const struct dkim_key_record *rec, struct dkim_key_info *info)
{
	uint8_t der[DKIM_KEY_DER_MAX];
	long n;

	memset(info, 0, sizeof(*info));
	info->found_type = DKIM_KEY_UNKNOWN;
	if (rec->syntax != DKIM_TAGS_OK || !rec->has_p) {
		key_set(info, DKIM_KEYST_MISSING, "no p= tag");
		return info->status;
	}
	if (rec->p_too_long) {
		key_set(info, DKIM_KEYST_TOOLONG, "p= is longer than we read");
		return info->status;
	}
	if (rec->p_len == 0) {
		key_set(info, DKIM_KEYST_REVOKED, "p= is empty");
		return info->status;
	}
	if (rec->key_type == DKIM_KEY_UNKNOWN) {
		key_set(info, DKIM_KEYST_UNSUPPORTED, "unknown k=");
		return info->status;
	}
	n = dkim_base64_decode(rec->p, rec->p_len, der, sizeof(der));
	if (n <= 0) {
		key_set(info, DKIM_KEYST_BASE64, "p= is not valid base64");
		return info->status;
	}
	info->der_len = (size_t)n;
	if (rec->key_type == DKIM_KEY_ED25519)
		key_analyze_ed25519(der, (size_t)n, info);
	else
		key_analyze_rsa(der, (size_t)n, info);
	return info->status;
}
