/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for serve/api.c: a table of paths and query strings, the
 * status each must give and, when accepted, the tool and its arguments
 * as compact JSON (or a piece of the refusal).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "serve/api.h"

static const struct {
	const char	*path;
	const char	*query;
	int		 status;
	const char	*tool;		/* when 0 */
	const char	*args;		/* JSON, sorted keys, when 0 */
	const char	*err;		/* a piece of the refusal */
} rows[] = {
	{ "/api/v1/check", "target=192.0.2.1", 0, "check_identity",
	    "{\"target\":\"192.0.2.1\"}", NULL },
	{ "/api/v1/check", "target=mail.example.com&port=2525&no_smtp=true",
	    0, "check_identity", "{\"no_smtp\":true,\"port\":2525,"
	    "\"target\":\"mail.example.com\"}", NULL },
	{ "/api/v1/check", "target=x&no_smtp=0", 0, "check_identity",
	    "{\"no_smtp\":false,\"target\":\"x\"}", NULL },
	{ "/api/v1/check", "target=x&port=587", 0, "check_identity",
	    "{\"port\":587,\"target\":\"x\"}", NULL },
	{ "/api/v1/check", "target=2001%3Adb8%3A%3A1", 0, "check_identity",
	    "{\"target\":\"2001:db8::1\"}", NULL },
	{ "/api/v1/audit", "domain=example.com&ip=192.0.2.1,192.0.2.2&"
	    "selector=s1&helo=mx.example.com&no_smtp=1&port=25", 0,
	    "audit_domain", "{\"domain\":\"example.com\",\"helo\":"
	    "\"mx.example.com\",\"ip\":[\"192.0.2.1\",\"192.0.2.2\"],"
	    "\"no_smtp\":true,\"port\":25,\"selector\":[\"s1\"]}", NULL },
	{ "/api/v1/spf", "domain=example.com&ip=192.0.2.1&sender=a%40b.example"
	    "&helo=h.example", 0, "check_spf", "{\"domain\":\"example.com\","
	    "\"helo\":\"h.example\",\"ip\":\"192.0.2.1\",\"sender\":"
	    "\"a@b.example\"}", NULL },
	{ "/api/v1/spf", "record=v%3Dspf1+-all&helo=h.example", 0, "check_spf",
	    "{\"helo\":\"h.example\",\"record\":\"v=spf1 -all\"}", NULL },
	{ "/api/v1/dmarc", "domain=example.com", 0, "check_dmarc",
	    "{\"domain\":\"example.com\"}", NULL },
	{ "/api/v1/dkim", "domain=example.com&selector=a,b", 0, "check_dkim",
	    "{\"domain\":\"example.com\",\"selector\":[\"a\",\"b\"]}", NULL },
	{ "/api/v1/bimi", "domain=example.com&selector=brand", 0, "check_bimi",
	    "{\"domain\":\"example.com\",\"selector\":\"brand\"}", NULL },
	{ "/api/v1/bimi", "selector=brand", 400, NULL, NULL,
	    "domain is required" },
	{ "/api/v1/bl", "targets=192.0.2.1", 0, "check_blacklists",
	    "{\"targets\":[\"192.0.2.1\"]}", NULL },
	/* refusals */
	{ "/api/v1/nope", "", 404, NULL, NULL, "no such endpoint" },
	{ "/api/v1/", "", 404, NULL, NULL, "no such endpoint" },
	{ "/api/v2/check", "target=x", 404, NULL, NULL, "no such endpoint" },
	{ "/api/v1/check/", "target=x", 404, NULL, NULL, "no such endpoint" },
	{ "/api/v1/CHECK", "target=x", 404, NULL, NULL, "no such endpoint" },
	{ "/api/v1/check", NULL, 400, NULL, NULL, "target is required" },
	{ "/api/v1/check", "", 400, NULL, NULL, "target is required" },
	{ "/api/v1/check", "port=25", 400, NULL, NULL, "target is required" },
	{ "/api/v1/check", "target=x&port=22", 400, NULL, NULL, "mail ports" },
	{ "/api/v1/check", "target=x&port=25x", 400, NULL, NULL,
	    "mail ports" },
	{ "/api/v1/check", "target=x&port=-25", 400, NULL, NULL,
	    "mail ports" },
	{ "/api/v1/check", "target=x&port=99999999999999999999", 400, NULL,
	    NULL, "mail ports" },
	{ "/api/v1/check", "target=x&port=", 400, NULL, NULL, "mail ports" },
	{ "/api/v1/check", "target=x&no_smtp=yes", 400, NULL, NULL,
	    "true or false" },
	{ "/api/v1/check", "target=x&verbose=1", 400, NULL, NULL,
	    "unknown parameter" },
	{ "/api/v1/check", "target=x&target=y", 400, NULL, NULL, "more than once" },
	{ "/api/v1/check", "target=%00", 400, NULL, NULL, "NUL" },
	{ "/api/v1/check", "target=%ff", 400, NULL, NULL, "UTF-8" },
	{ "/api/v1/bl", "targets=", 400, NULL, NULL, "empty item" },
	{ "/api/v1/bl", "targets=a,,b", 400, NULL, NULL, "empty item" },
	{ "/api/v1/bl", "targets=a,", 400, NULL, NULL, "empty item" },
	{ "/api/v1/bl", "targets=,a", 400, NULL, NULL, "empty item" },
	{ "/api/v1/dkim", "selector=a", 400, NULL, NULL, "domain is required" },
	{ "/api/v1/dmarc", "domain=x&record=%", 400, NULL, NULL, "escape" },
};

static void
test_rows(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct api_request req;
		char err[512] = "";
		int rc = api_parse(rows[i].path, rows[i].query, &req, err,
		    sizeof(err));

		if (rc != rows[i].status)
			fail_msg("row %zu (%s?%s): status %d, want %d (%s)", i,
			    rows[i].path, rows[i].query ? rows[i].query : "",
			    rc, rows[i].status, err);
		if (rc == 0) {
			char *got = json_dumps(req.args, JSON_COMPACT |
			    JSON_SORT_KEYS);

			assert_string_equal(req.tool, rows[i].tool);
			if (strcmp(got, rows[i].args) != 0)
				fail_msg("row %zu: args %s, want %s", i, got,
				    rows[i].args);
			free(got);
			json_decref(req.args);
		} else {
			assert_null(req.args);
			if (strstr(err, rows[i].err) == NULL)
				fail_msg("row %zu: error \"%s\" lacks \"%s\"", i,
				    err, rows[i].err);
		}
	}
}

/* A list of exactly 256 items is taken; 257 cannot be asked for (the
 * query's 512-byte value cap holds at most 256 one-byte items). */
static void
test_list_cap(void **state)
{
	char q[8192] = "targets=";
	struct api_request req;
	char err[512];

	for (int i = 0; i < 256; i++)
		strcat(q, i ? ",a" : "a");
	/* 8 + 511 bytes: within the query's 512-byte value cap. */
	assert_int_equal(api_parse("/api/v1/bl", q, &req, err, sizeof(err)),
	    0);
	assert_int_equal(json_array_size(json_object_get(req.args, "targets")),
	    256);
	json_decref(req.args);
	strcat(q, ",a");
	assert_int_equal(api_parse("/api/v1/bl", q, &req, err, sizeof(err)),
	    400);
}

static void
test_names(void **state)
{
	assert_string_equal(api_endpoint_name(API_CHECK), "check");
	assert_string_equal(api_endpoint_name(API_BL), "bl");
	assert_string_equal(api_endpoint_name(API_NENDPOINTS), "unknown");
	assert_true(api_port_allowed(25) && api_port_allowed(587) &&
	    api_port_allowed(2525));
	assert_false(api_port_allowed(465) || api_port_allowed(0) ||
	    api_port_allowed(80));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_list_cap),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
