/* SPDX-License-Identifier: MIT */
/*
 * The JSON API of `mxdiag serve`: which path is which check, and the
 * query string turned into that check's arguments (a JSON object in the
 * shape of the MCP tool of the same check, docs/mcp.md), or a reason to
 * refuse it. Pure: no I/O, so it is unit-tested and fuzzed on its own.
 */
#ifndef MXDIAG_SERVE_API_H
#define MXDIAG_SERVE_API_H

#include <jansson.h>
#include <stddef.h>

#define API_PREFIX	"/api/v1/"

enum api_endpoint {
	API_CHECK,	/* identity of one target: mxdiag.check/1 */
	API_AUDIT,	/* audit_domain */
	API_SPF,	/* check_spf */
	API_DMARC,	/* check_dmarc */
	API_DKIM,	/* check_dkim */
	API_BIMI,	/* check_bimi */
	API_BL,		/* check_blacklists */
	API_NENDPOINTS
};

struct api_request {
	enum api_endpoint	 ep;
	const char		*tool;	/* the tool that runs it (static) */
	json_t			*args;	/* new; the caller frees it */
};

/* The endpoint's name as in its path ("check", "audit", ...). */
const char *api_endpoint_name(enum api_endpoint ep);

/*
 * Map path (without the query) and the raw query string (may be NULL) to
 * a request. Returns 0, or the HTTP status of the refusal (404 for an
 * unknown path, 400 for a bad query) with a sentence in err.
 */
int api_parse(const char *path, const char *query, struct api_request *req,
    char *err, size_t errlen);

/* Ports a check may connect to: the SMTP submission and relay ports, so
 * that a public instance cannot be used to probe other services. */
int api_port_allowed(long port);

#endif
