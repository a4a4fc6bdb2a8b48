/* SPDX-License-Identifier: MIT */
/*
 * Rendering of the policy checks for people (text) and programs (JSON):
 * `mxdiag dmarc` (schema "mxdiag.dmarc/1") and `mxdiag bimi` (schema
 * "mxdiag.bimi/1"), documented in docs/findings-policy.md. The audit
 * reuses the same objects. Rendering writes to the stream given, nothing
 * else.
 */
#ifndef MXDIAG_POLICY_RENDER_H
#define MXDIAG_POLICY_RENDER_H

#include <jansson.h>
#include <stdio.h>

#include "policy/bimi.h"
#include "policy/dmarc.h"
#include "report/report.h"

#define POLICY_DMARC_SCHEMA	"mxdiag.dmarc/1"
#define POLICY_BIMI_SCHEMA	"mxdiag.bimi/1"

/* The DMARC part of a report (no "schema"): record, policy,
 * subdomain_policy, tags, valid, discovery, reports, findings. New
 * reference; the caller owns it. */
json_t *dmarc_json(const struct dmarc_discovery *d,
    const struct finding_list *fl);
/* The whole document of `mxdiag dmarc --format json`: schema, version,
 * dmarc_json()'s fields, and summary (status, problems,
 * temporary_failures, exit_code). New. */
json_t *dmarc_document(const struct dmarc_discovery *d,
    const struct finding_list *fl);
void dmarc_text(FILE *out, const struct dmarc_discovery *d,
    const struct finding_list *fl, const struct report_style *st);

json_t *bimi_json(const struct bimi_check *b, const struct finding_list *fl);
/* The whole `mxdiag bimi --format json` document (schema, version, the
 * body, summary), for the CLI and the MCP tool / HTTP API. New. */
json_t *bimi_document(const struct bimi_check *b,
    const struct finding_list *fl);
void bimi_text(FILE *out, const struct bimi_check *b,
    const struct finding_list *fl, const struct report_style *st);

#endif
