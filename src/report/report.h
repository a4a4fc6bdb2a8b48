/* SPDX-License-Identifier: MIT */
/*
 * Rendering identity results for people (text) and programs (JSON,
 * schema "mxdiag.check/1", documented in docs/json.md and
 * docs/mxdiag.check.schema.json). Rendering never does I/O other than
 * writing to the stream it is given.
 */
#ifndef MXDIAG_REPORT_REPORT_H
#define MXDIAG_REPORT_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "check/identity.h"
#include "dns/resolver.h"
#include "report/finding.h"

#define REPORT_CHECK_SCHEMA	"mxdiag.check/1"

struct report_style {
	bool	color;		/* ANSI colours */
	bool	verbose;	/* details of passing findings too */
};

/* True when colour should be used on this stream: a terminal, and
 * NO_COLOR unset or empty (https://no-color.org). */
bool report_want_color(FILE *out);

void report_text_address(FILE *out, const struct identity_facts *f,
    const struct identity_verdict *v, const struct report_style *st);
/* A finding on its own (used for target-level findings too). */
void report_text_finding(FILE *out, const struct finding *fd,
    const struct report_style *st);

/* New references: the caller owns the returned object. */
json_t *report_json_address(const struct identity_facts *f,
    const struct identity_verdict *v);
/* The summary fields and findings of an address (no lookup details, no
 * SMTP transcript), set into o: what a bulk line carries. brief: see
 * report_json_findings_brief(). */
void report_json_address_summary(json_t *o, const struct identity_facts *f,
    const struct identity_verdict *v, bool brief);
/* The same as JSON text, for bulk lines: the members are appended to w,
 * where '{' and nfields members were written already (the caller closes
 * the object). target is what the "target" member says. */
struct jsonw;
void report_text_address_summary(struct jsonw *w, int nfields,
    const struct identity_facts *f, const struct identity_verdict *v,
    const char *target, bool brief);
json_t *report_json_finding(const struct finding *fd);
json_t *report_json_findings(const struct finding_list *fl);
/* The same, but findings that are no problem (pass, info, skipped) carry
 * only code, status and title: at a million addresses, the prose of what
 * passed is the bulk of the output and says nothing new. */
json_t *report_json_findings_brief(const struct finding_list *fl);
/* The A/AAAA addresses of an answer, as an array of strings. */
json_t *report_json_addresses(const struct dns_answer *ans);
/* The DNS servers of cfg as "IP:PORT" / "[IPv6]:PORT" strings (the
 * reports' "resolvers"); an empty array for the system's. New. */
json_t *report_json_resolvers(const struct dns_config *cfg);
/* A command's whole document: {"schema", "version", "resolvers"} (an empty
 * list when resolvers is NULL), then body's members (body is consumed),
 * and exit_code set in body's "summary" object. */
json_t *report_json_document(const char *schema, json_t *resolvers,
    json_t *body, int exit_code);

#endif
