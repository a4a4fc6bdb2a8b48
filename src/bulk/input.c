/* SPDX-License-Identifier: MIT */
#include "bulk/input.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/target.h"
#include "policy/common.h"
#include "smtp/reply.h"
#include "util/util.h"

/* Larger ranges need --allow-huge: 2^24 addresses. */
#define HUGE_V4_PREFIX	8
#define HUGE_V6_PREFIX	104
/* Never: more than 2^32 addresses. */
#define MAX_V6_PREFIX	96

/* "<pre>\"<what, printable>\"<post>" into err; returns -1. */
static int
input_error(char *err, size_t errlen, const char *pre, const char *what,
    size_t len, const char *post)
{
	char shown[96];

	util_printable(shown, sizeof(shown), what, len);
	snprintf(err, errlen, "%s\"%s\"%s", pre, shown, post);
	return -1;
}

/* A hostname as a mail server's name must be (letters, digits and
 * hyphens: smtp_hostname_valid), lower-cased and without its final dot
 * into out. */
static bool
input_hostname(const char *s, char *out, size_t outlen)
{
	return smtp_hostname_valid(s) &&
	    policy_domain_normalize(s, out, outlen);
}

static bool
input_address(const char *s, struct bulk_item *it)
{
	if (inet_pton(AF_INET, s, &it->addr.v4) == 1) {
		it->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &it->addr.v6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&it->addr.v6)) {
			struct in_addr v4;

			memcpy(&v4, &it->addr.v6.s6_addr[12], sizeof(v4));
			it->addr.v4 = v4;
			it->af = AF_INET;
		} else {
			it->af = AF_INET6;
		}
		return true;
	}
	return false;
}

/* A plain target: address, range or hostname (NUL-terminated, trimmed). */
static int
input_target(const char *s, bool allow_huge, struct bulk_item *it, char *err,
    size_t errlen)
{
	size_t len = strlen(s);
	const char *slash = strchr(s, '/');

	if (len == 0) {
		snprintf(err, errlen, "empty target");
		return -1;
	}
	if (slash != NULL) {
		char addr[64];
		size_t alen = (size_t)(slash - s);
		const char *p = slash + 1;
		unsigned long prefix = 0;
		size_t nd = 0;

		if (alen == 0 || alen >= sizeof(addr))
			return input_error(err, errlen, "bad range ", s,
			    len, "");
		memcpy(addr, s, alen);
		addr[alen] = '\0';
		if (!input_address(addr, it) || strchr(addr, '%') != NULL)
			return input_error(err, errlen, "bad range ", s,
			    len, ": not an address before the '/'");
		for (; p[nd] >= '0' && p[nd] <= '9' && nd < 4; nd++)
			prefix = prefix * 10 + (unsigned long)(p[nd] - '0');
		if (nd == 0 || p[nd] != '\0')
			return input_error(err, errlen, "bad range ", s,
			    len, ": the prefix length is not a number");
		/* ::ffff:a.b.c.d/p counts its prefix over 128 bits. */
		if (it->af == AF_INET && strchr(addr, ':') != NULL) {
			if (prefix < 96 || prefix > 128)
				return input_error(err, errlen, "bad range ", s,
				    len, ": an IPv4-mapped range needs a "
				    "prefix of 96 to 128");
			prefix -= 96;
		}
		if (prefix > (it->af == AF_INET ? 32UL : 128UL))
			return input_error(err, errlen, "bad range ", s,
			    len, ": prefix length too large");
		if (it->af == AF_INET6 && prefix < MAX_V6_PREFIX)
			return input_error(err, errlen, "range ", s,
			    len, " has more than 2^32 addresses: split it "
			    "(at most /96)");
		if (!allow_huge && prefix < (it->af == AF_INET ?
		    HUGE_V4_PREFIX : HUGE_V6_PREFIX))
			return input_error(err, errlen, "range ", s,
			    len, " has more than 2^24 addresses: pass "
			    "--allow-huge to expand it");
		it->kind = BULK_RANGE;
		it->prefix = (unsigned)prefix;
		{
			uint8_t *b = it->af == AF_INET ?
			    (uint8_t *)&it->addr.v4 : it->addr.v6.s6_addr;
			unsigned bits = it->af == AF_INET ? 32 : 128;

			for (unsigned i = it->prefix; i < bits; i++)
				b[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		}
		return 0;
	}
	/* The rest is what `mxdiag check` takes: an address or a hostname,
	 * with a port as HOST:PORT or [IPv6]:PORT. */
	{
		struct target t;
		char terr[200];

		if (target_parse(s, 0, &t, terr, sizeof(terr)) != 0) {
			snprintf(err, errlen, "%s", terr);
			return -1;
		}
		if (t.port_given)
			it->port = t.port;
		if (t.af != AF_UNSPEC) {
			if (strchr(t.host, '%') != NULL ||
			    !input_address(t.host, it))
				return input_error(err, errlen, "bad address ",
				    s, len, "");
			it->kind = BULK_ADDR;
			return 0;
		}
		if (!input_hostname(t.host, it->host, sizeof(it->host)))
			return input_error(err, errlen, "", s, len,
			    " is neither an address, a range nor a hostname");
		it->kind = BULK_HOST;
		return 0;
	}
}

static int
input_json(const char *s, size_t len, bool allow_huge, struct bulk_item *it,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr), *v;
	const char *key, *target = NULL;
	int rc = -1;

	if (o == NULL) {
		snprintf(err, errlen, "bad JSON: %s", jerr.text);
		return -1;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "a JSON line must be an object");
		goto out;
	}
	json_object_foreach(o, key, v) {
		if (strcmp(key, "target") == 0) {
			if (!json_is_string(v)) {
				snprintf(err, errlen, "\"target\" must be a "
				    "string");
				goto out;
			}
			target = json_string_value(v);
		} else if (strcmp(key, "port") == 0) {
			json_int_t p = json_is_integer(v) ?
			    json_integer_value(v) : 0;

			if (p < 1 || p > 65535) {
				snprintf(err, errlen, "\"port\" must be an "
				    "integer from 1 to 65535");
				goto out;
			}
			it->port = (int)p;
		} else if (strcmp(key, "expected_name") == 0) {
			const char *n = json_string_value(v);

			if (n == NULL || !input_hostname(n,
			    it->expected_name, sizeof(it->expected_name))) {
				snprintf(err, errlen, "\"expected_name\" must "
				    "be a hostname");
				goto out;
			}
		} else {
			input_error(err, errlen, "unknown key ", key,
			    strlen(key), " (target, port, expected_name)");
			goto out;
		}
	}
	if (target == NULL) {
		snprintf(err, errlen, "no \"target\"");
		goto out;
	}
	if (strlen(target) != json_string_length(json_object_get(o,
	    "target"))) {
		snprintf(err, errlen, "\"target\" holds a NUL");
		goto out;
	}
	{
		int port = it->port;	/* "port" wins over HOST:PORT */

		rc = input_target(target, allow_huge, it, err, errlen);
		if (port != 0)
			it->port = port;
	}
	it->from_json = true;
out:
	json_decref(o);
	return rc;
}

static int input_parse(const char *line, size_t len, bool allow_huge,
    struct bulk_item *it, char *err, size_t errlen);

int
bulk_input_parse(const char *line, size_t len, bool allow_huge,
    struct bulk_item *it, char *err, size_t errlen)
{
	int rc = input_parse(line, len, allow_huge, it, err, errlen);

	/* Messages quote the line, and jansson's quote what it choked on:
	 * whatever slipped through unescaped becomes '?'. */
	if (rc != 0)
		for (char *p = err; *p != '\0'; p++)
			if (*p < 0x20 || *p > 0x7e)
				*p = '?';
	return rc;
}

static int
input_parse(const char *line, size_t len, bool allow_huge,
    struct bulk_item *it, char *err, size_t errlen)
{
	char buf[BULK_LINE_MAX + 1];

	memset(it, 0, sizeof(*it));
	if (len > BULK_LINE_MAX) {
		snprintf(err, errlen, "line longer than %d bytes",
		    BULK_LINE_MAX);
		return -1;
	}
	if (memchr(line, '\0', len) != NULL) {
		snprintf(err, errlen, "line holds a NUL byte");
		return -1;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
	    line[len - 1] == '\t'))
		len--;
	while (len > 0 && (line[0] == ' ' || line[0] == '\t'))
		line++, len--;
	if (len == 0 || line[0] == '#') {
		it->kind = BULK_SKIP;
		return 0;
	}
	if (line[0] == '{')
		return input_json(line, len, allow_huge, it, err, errlen);
	memcpy(buf, line, len);
	buf[len] = '\0';
	return input_target(buf, allow_huge, it, err, errlen);
}

uint64_t
bulk_range_size(const struct bulk_item *it)
{
	unsigned bits = (it->af == AF_INET ? 32 : 128) - it->prefix;

	return (uint64_t)1 << bits;	/* bits <= 32 by the parser */
}

void
bulk_range_begin(struct bulk_range_iter *ri, const struct bulk_item *it)
{
	memset(ri, 0, sizeof(*ri));
	ri->af = it->af;
	if (it->af == AF_INET)
		memcpy(ri->next, &it->addr.v4, 4);
	else
		memcpy(ri->next, it->addr.v6.s6_addr, 16);
	ri->left = bulk_range_size(it);
}

bool
bulk_range_next(struct bulk_range_iter *ri, int *af, void *addr)
{
	size_t n = ri->af == AF_INET ? 4 : 16;

	if (ri->left == 0)
		return false;
	*af = ri->af;
	memcpy(addr, ri->next, n);
	ri->left--;
	/* Increment, big-endian; the carry never leaves the range. */
	for (size_t i = n; i-- > 0; )
		if (++ri->next[i] != 0)
			break;
	return true;
}

void
bulk_key_addr(int af, const void *addr, char *out, size_t outlen)
{
	if (util_ntop(af, addr, out, outlen) == NULL && outlen > 0)
		out[0] = '\0';
}

uint64_t
bulk_key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

bool
bulk_shard_mine(uint64_t h, unsigned k, unsigned n)
{
	return n <= 1 || h % n == k;
}

bool
bulk_part_mine(uint64_t h, unsigned shard_n, unsigned k, unsigned n)
{
	return n <= 1 || h / (shard_n > 1 ? shard_n : 1) % n == k;
}

int
bulk_shard_parse(const char *spec, unsigned *k, unsigned *n, char *err,
    size_t errlen)
{
	unsigned long a, b;
	char *end;

	if (spec[0] < '0' || spec[0] > '9')
		goto bad;
	a = strtoul(spec, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		goto bad;
	b = strtoul(end + 1, &end, 10);
	if (*end != '\0' || b < 1 || b > BULK_SHARDS_MAX || a >= b)
		goto bad;
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
bad:
	input_error(err, errlen, "bad shard ", spec, strlen(spec),
	    " (K/N with 0 <= K < N <= 65536)");
	return -1;
}
