/* SPDX-License-Identifier: MIT */
/*
 * Query parameters of each endpoint and their kinds. Values are checked
 * for their kind here (a port is a number, a list has no empty item);
 * what a value means (a domain name, an address) is checked by the check
 * itself, as for the MCP tools, so both front ends refuse the same things.
 */
#include "serve/api.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/query.h"

#define API_LIST_MAX	256	/* items of a comma-separated list */

enum api_kind {
	K_STRING,
	K_BOOL,		/* true, false, 1, 0 */
	K_LIST,		/* a,b,c: a JSON array of strings */
	K_PORT,		/* one of api_port_allowed() */
};

struct api_param {
	const char	*name;
	enum api_kind	 kind;
	bool		 required;
};

static const struct api_endpoint_def {
	const char		*name;
	const char		*tool;
	struct api_param	 params[6];
} endpoints[API_NENDPOINTS] = {
	[API_CHECK] = { "check", "check_identity", {
		{ "target", K_STRING, true }, { "port", K_PORT, false },
		{ "no_smtp", K_BOOL, false }, { NULL, 0, false } } },
	[API_AUDIT] = { "audit", "audit_domain", {
		{ "domain", K_STRING, true }, { "ip", K_LIST, false },
		{ "helo", K_STRING, false }, { "selector", K_LIST, false },
		{ "no_smtp", K_BOOL, false }, { "port", K_PORT, false } } },
	[API_SPF] = { "spf", "check_spf", {
		{ "domain", K_STRING, false }, { "record", K_STRING, false },
		{ "ip", K_STRING, false }, { "sender", K_STRING, false },
		{ "helo", K_STRING, false }, { NULL, 0, false } } },
	[API_DMARC] = { "dmarc", "check_dmarc", {
		{ "domain", K_STRING, true }, { "record", K_STRING, false },
		{ NULL, 0, false } } },
	[API_DKIM] = { "dkim", "check_dkim", {
		{ "domain", K_STRING, true }, { "selector", K_LIST, false },
		{ "record", K_STRING, false }, { NULL, 0, false } } },
	[API_BIMI] = { "bimi", "check_bimi", {
		{ "domain", K_STRING, true }, { "selector", K_STRING, false },
		{ "record", K_STRING, false }, { NULL, 0, false } } },
	[API_BL] = { "bl", "check_blacklists", {
		{ "targets", K_LIST, true }, { NULL, 0, false } } },
};

const char *
api_endpoint_name(enum api_endpoint ep)
{
	return ep < API_NENDPOINTS ? endpoints[ep].name : "unknown";
}

int
api_port_allowed(long port)
{
	return port == 25 || port == 587 || port == 2525;
}

static json_t *
api_list(const char *v, char *err, size_t errlen, const char *name)
{
	json_t *a = json_array();
	const char *p = v;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0) {
			snprintf(err, errlen, "%s: an empty item in the list "
			    "(items are separated by single commas)", name);
			goto bad;
		}
		if (json_array_size(a) == API_LIST_MAX) {
			snprintf(err, errlen, "%s: more than %d items", name,
			    API_LIST_MAX);
			goto bad;
		}
		json_array_append_new(a, json_stringn(p, len));
		if (comma == NULL)
			return a;
		p = comma + 1;
	}
bad:
	json_decref(a);
	return NULL;
}

/* The JSON value of one parameter, or NULL with err set. */
static json_t *
api_value(const struct api_param *pm, const char *v, char *err,
    size_t errlen)
{
	char *end;
	long n;
	json_t *j;

	switch (pm->kind) {
	case K_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			return json_true();
		if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			return json_false();
		snprintf(err, errlen, "%s: true or false", pm->name);
		return NULL;
	case K_PORT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 ||
		    !api_port_allowed(n)) {
			snprintf(err, errlen, "%s: 25, 587 or 2525 (only mail "
			    "ports are checked)", pm->name);
			return NULL;
		}
		return json_integer(n);
	case K_LIST:
		return api_list(v, err, errlen, pm->name);
	case K_STRING:
		/* json_string() refuses invalid UTF-8: say so. */
		if ((j = json_string(v)) == NULL)
			snprintf(err, errlen, "%s: not valid UTF-8", pm->name);
		return j;
	}
	snprintf(err, errlen, "%s: unknown kind", pm->name);
	return NULL;
}

int
api_parse(const char *path, const char *query, struct api_request *req,
    char *err, size_t errlen)
{
	const struct api_endpoint_def *def = NULL;
	const char *names[8];
	struct query q;
	size_t i, n;
	int rc = 400;

	memset(req, 0, sizeof(*req));
	if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) == 0)
		for (i = 0; i < API_NENDPOINTS; i++)
			if (strcmp(path + strlen(API_PREFIX),
			    endpoints[i].name) == 0) {
				def = &endpoints[i];
				req->ep = (enum api_endpoint)i;
				break;
			}
	if (def == NULL) {
		snprintf(err, errlen, "no such endpoint (see "
		    API_PREFIX "openapi.json)");
		return 404;
	}
	req->tool = def->tool;
	if (query_parse(query ? query : "", query ? strlen(query) : 0, &q,
	    err, errlen) != 0)
		return 400;
	for (n = 0; n < 6 && def->params[n].name != NULL; n++)
		names[n] = def->params[n].name;
	names[n] = NULL;
	if (query_check_names(&q, names, err, errlen) != 0)
		goto out;
	req->args = json_object();
	for (i = 0; i < n; i++) {
		const struct api_param *pm = &def->params[i];
		const char *v = query_get(&q, pm->name);
		json_t *j;

		if (v == NULL) {
			if (pm->required) {
				snprintf(err, errlen, "%s is required",
				    pm->name);
				goto out;
			}
			continue;
		}
		if ((j = api_value(pm, v, err, errlen)) == NULL)
			goto out;
		json_object_set_new(req->args, pm->name, j);
	}
	rc = 0;
out:
	if (rc != 0) {
		json_decref(req->args);
		req->args = NULL;
	}
	query_clear(&q);
	return rc;
}
