/* SPDX-License-Identifier: MIT */
/*
 * Runs every test of the OpenSPF RFC 7208 test suite (pyspf's copy,
 * converted to JSON by yaml2json.py) against mxdiag's check_host(), with
 * each scenario's zone served from memory through the same lookup
 * interface the resolver fills. Prints TAP, one line per suite test.
 *
 * Zone data is read the way the suite's own driver (pyspf testspf.py)
 * reads it: "SPF" records are also served as TXT unless the name lists a
 * TXT entry (even "TXT: NONE", which publishes nothing); a "TIMEOUT" entry
 * makes every query of a type not listed before it time out; a failing
 * result with no exp= explanation reads as "DEFAULT". SPF_SUITE_VERBOSE=1
 * in the environment prints every result's reason.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "memdns.h"
#include "spf/eval.h"

/* The record types the suite uses; type 99 (SPF) is served but never
 * asked for (RFC 7208 §3.1 dropped it). */
#define T_SPF	99

static const uint16_t timeout_types[] = {
	DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_PTR, DNS_T_TXT, DNS_T_CNAME, T_SPF,
};

/*
 * A JSON string into bytes: code points up to U+00FF become one byte
 * each (the YAML writes raw bytes as "\xEF"), others stay UTF-8. NULs
 * are kept. Returns the length; out has room for len + 1.
 */
static size_t
string_bytes(const json_t *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)json_string_value(s);
	size_t n = json_string_length(s), o = 0;

	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		if (p[i] == 0xc2 && i + 1 < n) {
			out[o++] = (char)p[++i];
		} else if (p[i] == 0xc3 && i + 1 < n) {
			out[o++] = (char)(p[++i] + 0x40);
		} else {
			out[o++] = (char)p[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* A TXT (or type 99) record from a string or a list of strings. */
static void
add_txt(struct memdns *m, const char *name, uint16_t type, const json_t *v)
{
	struct dns_rr *rr = calloc(1, sizeof(*rr));
	char buf[DNS_TXT_MAX + 1], data[DNS_TXT_MAX];
	size_t n;

	if (rr == NULL)
		abort();
	rr->type = type;
	for (size_t i = 0; i < (json_is_array(v) ? json_array_size(v) : 1);
	    i++) {
		const json_t *s = json_is_array(v) ? json_array_get(v, i) : v;

		if (!json_is_string(s))
			continue;
		n = string_bytes(s, buf, sizeof(buf));
		if (rr->u.txt.len + n > DNS_TXT_MAX)
			n = DNS_TXT_MAX - rr->u.txt.len;
		memcpy(data + rr->u.txt.len, buf, n);
		rr->u.txt.len += n;
		if (rr->u.txt.nstrings < DNS_TXT_BOUNDS)
			rr->u.txt.bounds[rr->u.txt.nstrings] =
			    (uint16_t)rr->u.txt.len;
		rr->u.txt.nstrings++;
	}
	rr->u.txt.data = calloc(1, rr->u.txt.len + 1);
	if (rr->u.txt.data == NULL)
		abort();
	memcpy(rr->u.txt.data, data, rr->u.txt.len);
	memdns_add_rr(m, name, rr);
	dns_rr_clear(rr);
	free(rr);
}

static uint16_t
type_of(const char *t)
{
	static const struct {
		const char	*name;
		uint16_t	 type;
	} types[] = {
		{ "A", DNS_T_A }, { "AAAA", DNS_T_AAAA }, { "MX", DNS_T_MX },
		{ "PTR", DNS_T_PTR }, { "TXT", DNS_T_TXT },
		{ "CNAME", DNS_T_CNAME }, { "SPF", T_SPF },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i].name) == 0)
			return types[i].type;
	return 0;
}

/* Serve one name's entries. Returns -1 on data the runner does not know. */
static int
load_name(struct memdns *m, const char *name, json_t *entries)
{
	bool has_txt = false, seen[256] = { false }, timeout = false;
	size_t i;
	json_t *e;

	json_array_foreach(entries, i, e)
		if (json_is_object(e) && json_object_get(e, "TXT") != NULL)
			has_txt = true;
	json_array_foreach(entries, i, e) {
		const char *key;
		json_t *v;

		if (json_is_string(e) &&
		    strcmp(json_string_value(e), "TIMEOUT") == 0) {
			timeout = true;
			break;	/* the driver serves nothing after it */
		}
		if (!json_is_object(e))
			return -1;
		json_object_foreach(e, key, v) {
			uint16_t t = type_of(key);

			if (t == 0)
				return -1;
			/* "TXT: NONE" publishes nothing (but stops the
			 * SPF-to-TXT copying). */
			if (json_is_string(v) &&
			    strcmp(json_string_value(v), "NONE") == 0)
				continue;
			seen[t & 0xff] = true;
			switch (t) {
			case DNS_T_A:
				memdns_add_a(m, name, json_string_value(v));
				break;
			case DNS_T_AAAA:
				memdns_add_aaaa(m, name, json_string_value(v));
				break;
			case DNS_T_PTR:
				memdns_add_ptr(m, name, json_string_value(v));
				break;
			case DNS_T_CNAME:
				memdns_add_cname(m, name,
				    json_string_value(v));
				break;
			case DNS_T_MX:
				memdns_add_mx(m, name, (uint16_t)
				    json_integer_value(json_array_get(v, 0)),
				    json_string_value(json_array_get(v, 1)));
				break;
			case DNS_T_TXT:
				add_txt(m, name, DNS_T_TXT, v);
				break;
			case T_SPF:
				add_txt(m, name, T_SPF, v);
				break;
			}
		}
	}
	/* The driver's copies of SPF entries as TXT come after everything,
	 * so a TIMEOUT entry hides them. */
	if (!has_txt && !timeout)
		json_array_foreach(entries, i, e) {
			json_t *v = json_object_get(e, "SPF");

			if (v != NULL && !(json_is_string(v) &&
			    strcmp(json_string_value(v), "NONE") == 0)) {
				add_txt(m, name, DNS_T_TXT, v);
				seen[DNS_T_TXT] = true;
			}
		}
	if (timeout)
		for (size_t k = 0; k < sizeof(timeout_types) /
		    sizeof(timeout_types[0]); k++)
			if (!seen[timeout_types[k] & 0xff])
				memdns_set_outcome(m, name, timeout_types[k],
				    DNS_OUT_TIMEOUT);
	return 0;
}

static bool
result_ok(json_t *want, const char *got)
{
	size_t i;
	json_t *w;

	if (json_is_string(want))
		return strcmp(json_string_value(want), got) == 0;
	json_array_foreach(want, i, w)
		if (json_is_string(w) && strcmp(json_string_value(w), got) == 0)
			return true;
	return false;
}

static void
print_want(json_t *want, char *buf, size_t len)
{
	size_t i, o = 0;
	json_t *w;

	if (json_is_string(want)) {
		snprintf(buf, len, "%s", json_string_value(want));
		return;
	}
	buf[0] = '\0';
	json_array_foreach(want, i, w)
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    i ? " or " : "", json_string_value(w));
}

/* Run one suite test; returns true when it passes. */
static bool
run_test(json_t *zonedata, const char *name, json_t *t,
    char *diag, size_t diaglen)
{
	struct memdns *m = memdns_new();
	struct spf_request req;
	struct spf_check *c = NULL;
	const char *key, *got, *exp_got;
	json_t *want = json_object_get(t, "result");
	json_t *exp_want = json_object_get(t, "explanation");
	char err[256], wbuf[128];
	json_t *v;
	bool ok;

	json_object_foreach(zonedata, key, v)
		if (load_name(m, key, v) != 0) {
			snprintf(diag, diaglen, "zone data for %s not "
			    "understood", key);
			memdns_free(m);
			return false;
		}
	memset(&req, 0, sizeof(req));
	req.ip = json_string_value(json_object_get(t, "host"));
	req.sender = json_string_value(json_object_get(t, "mailfrom"));
	req.helo = json_string_value(json_object_get(t, "helo"));
	req.now = 1000000000;
	if (spf_check_new(memdns_lookup(m), &req, &c, err, sizeof(err)) != 0) {
		snprintf(diag, diaglen, "%s: %s", name, err);
		memdns_free(m);
		return false;
	}
	spf_check_run(c, NULL, NULL);
	memdns_run(m);
	if (!spf_check_done(c)) {
		snprintf(diag, diaglen, "the check did not finish");
		spf_check_free(c);
		memdns_free(m);
		return false;
	}
	got = spf_result_name(c->result);
	exp_got = c->explanation ? c->explanation : "DEFAULT";
	if (getenv("SPF_SUITE_VERBOSE") != NULL)
		printf("#   %s: %s (%s), %u lookups, %u void\n", name, got,
		    c->reason ? c->reason : "", c->lookups, c->voids);
	ok = result_ok(want, got);
	print_want(want, wbuf, sizeof(wbuf));
	if (!ok)
		snprintf(diag, diaglen, "result %s, want %s (%s)", got, wbuf,
		    c->reason ? c->reason : "");
	else if (exp_want != NULL &&
	    strcmp(json_string_value(exp_want), exp_got) != 0) {
		ok = false;
		snprintf(diag, diaglen, "explanation \"%s\", want \"%s\"",
		    exp_got, json_string_value(exp_want));
	}
	spf_check_free(c);
	memdns_free(m);
	return ok;
}

int
main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *suite, *sc;
	size_t i, total = 0, n = 0, failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: spf_suite SUITE.json\n");
		return 64;
	}
	suite = json_load_file(argv[1], JSON_ALLOW_NUL, &jerr);
	if (suite == NULL || !json_is_array(suite)) {
		printf("1..1\nnot ok 1 - cannot read %s: %s\n", argv[1],
		    jerr.text);
		return 1;
	}
	json_array_foreach(suite, i, sc)
		total += json_object_size(json_object_get(sc, "tests"));
	printf("1..%zu\n", total);
	json_array_foreach(suite, i, sc) {
		const char *scen = json_string_value(json_object_get(sc,
		    "description"));
		json_t *zone = json_object_get(sc, "zonedata");
		const char *tname;
		json_t *t;

		json_object_foreach(json_object_get(sc, "tests"), tname, t) {
			char diag[1024] = "";
			bool ok = run_test(zone, tname, t, diag, sizeof(diag));

			n++;
			printf("%sok %zu - %s/%s\n", ok ? "" : "not ", n, scen,
			    tname);
			if (!ok) {
				failed++;
				printf("#   %s\n", diag);
			}
		}
	}
	if (failed)
		printf("# %zu of %zu suite tests failed\n", failed, total);
	json_decref(suite);
	return failed ? 1 : 0;
}
